//! How local times are shown to people: `--tz region|utc|local|ZONE`
//! (default `region`, each case in its region's zone) and the zone's
//! abbreviation or offset beside every such time (`2026-11-01 01:30 EDT`,
//! then `01:30 EST` an hour later), so the fall-back hour and a column
//! mixing regions read unambiguously. JSON and CSV keep RFC 3339 UTC.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `--tz`: the zone local times are shown in; `None` is each case's
/// region's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShownZone(pub Option<Tz>);

impl ShownZone {
    /// The zone a time of a case in a region of zone `region` is shown in.
    pub fn of(self, region: Tz) -> Tz {
        self.0.unwrap_or(region)
    }

    /// `t` as a person reads it: `2026-11-30 14:00 EST` in the region's
    /// zone or the one `--tz` chose.
    pub fn show(self, t: DateTime<Utc>, region: Tz) -> String {
        local_with_abbreviation(t, self.of(region))
    }
}

/// `2026-11-30 14:00 EST`; a zone with no abbreviation prints its offset
/// (`-03`), `Etc/GMT` prints `GMT`, UTC `UTC`.
pub fn local_with_abbreviation(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string()
}

/// Parses `--tz`: `region`, `utc`, `local` (the `TZ` variable, else the
/// zone `/etc/localtime` links to) or an IANA zone name.
pub fn parse_tz(text: &str) -> Result<ShownZone, String> {
    match text {
        "region" => Ok(ShownZone(None)),
        "utc" | "UTC" => Ok(ShownZone(Some(Tz::UTC))),
        "local" => local_zone().map(|tz| ShownZone(Some(tz))),
        name => name
            .parse::<Tz>()
            .map(|tz| ShownZone(Some(tz)))
            .map_err(|_| {
                "expected region, utc, local or an IANA time zone such as America/Toronto".into()
            }),
    }
}

/// This machine's zone: `TZ` (`America/Toronto` or `:America/Toronto`),
/// else the zone `/etc/localtime` links to.
fn local_zone() -> Result<Tz, String> {
    let unknown = "cannot tell this machine's time zone: set TZ to an IANA name such as America/Toronto, or pass --tz ZONE";
    if let Some(tz) = std::env::var("TZ").ok().filter(|v| !v.is_empty()) {
        let name = tz.trim_start_matches(':');
        return name
            .parse::<Tz>()
            .map_err(|_| format!("TZ={tz:?} is not an IANA time zone; {unknown}"));
    }
    let link = std::fs::read_link("/etc/localtime").map_err(|_| unknown.to_string())?;
    let link = link.to_string_lossy();
    link.split_once("zoneinfo/")
        .and_then(|(_, name)| name.parse::<Tz>().ok())
        .ok_or_else(|| unknown.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn the_fall_back_hour_reads_twice_with_its_abbreviation() {
        let toronto: Tz = "America/Toronto".parse().unwrap();
        assert_eq!(
            local_with_abbreviation(at("2026-11-01T05:30:00Z"), toronto),
            "2026-11-01 01:30 EDT"
        );
        assert_eq!(
            local_with_abbreviation(at("2026-11-01T06:30:00Z"), toronto),
            "2026-11-01 01:30 EST"
        );
        let gmt: Tz = "Etc/GMT".parse().unwrap();
        assert_eq!(
            local_with_abbreviation(at("2026-11-01T06:30:00Z"), gmt),
            "2026-11-01 06:30 GMT"
        );
    }

    #[test]
    fn tz_names_what_it_takes() {
        assert_eq!(parse_tz("region"), Ok(ShownZone(None)));
        assert_eq!(parse_tz("utc"), Ok(ShownZone(Some(Tz::UTC))));
        assert_eq!(
            parse_tz("Asia/Kolkata").map(|z| z.of(Tz::UTC).name()),
            Ok("Asia/Kolkata")
        );
        assert!(parse_tz("Mars/Olympus").unwrap_err().contains("IANA"));
    }
}
