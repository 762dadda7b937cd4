//! Durations as people write them in the policy and on the command line
//! (`90m`, `4h`, `1h30m`, `2d`), and waits (`2 business days`, `never`).

use chrono::Duration;

/// How long to wait before a gate opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// This much time on the clock's calendar.
    After(Duration),
    /// This many business days on the calendar (SPEC section 2).
    BusinessDays(u32),
    /// The gate never opens.
    Never,
}

/// What a duration looks like, for error messages.
pub const DURATION_HELP: &str = "a duration such as 90m, 4h, 1h30m or 2d";

/// Parses `1d2h30m`-style durations: one or more `<number><unit>` parts with
/// units d (24 hours), h and m, largest first, each at most once. Zero is
/// allowed (`0m`); a sign, spaces or other units are not.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text;
    let mut total = Duration::zero();
    let mut last_unit_rank = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 {
            return None;
        }
        let amount: i64 = rest[..digits].parse().ok()?;
        let (unit_rank, part) = match rest.as_bytes().get(digits)? {
            b'd' => (1, Duration::days(amount)),
            b'h' => (2, Duration::hours(amount)),
            b'm' => (3, Duration::minutes(amount)),
            _ => return None,
        };
        if unit_rank <= last_unit_rank {
            return None;
        }
        last_unit_rank = unit_rank;
        total += part;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// Parses a wait: a duration, `N business day(s)`, or `never`.
pub fn parse_wait(text: &str) -> Option<Wait> {
    if text == "never" {
        return Some(Wait::Never);
    }
    if let Some(count) = text
        .strip_suffix(" business days")
        .or_else(|| text.strip_suffix(" business day"))
    {
        let days: u32 = count.parse().ok()?;
        return (days <= 3660).then_some(Wait::BusinessDays(days));
    }
    parse_duration(text).map(Wait::After)
}

/// Formats a duration the way [`parse_duration`] reads it (`1h30m`, `2d`, `0m`).
pub fn format_duration(duration: Duration) -> String {
    let total_minutes = duration.num_minutes().abs();
    let (days, hours, minutes) = (
        total_minutes / 1440,
        (total_minutes % 1440) / 60,
        total_minutes % 60,
    );
    let mut text = String::new();
    if duration < Duration::zero() {
        text.push('-');
    }
    if days > 0 {
        text.push_str(&format!("{days}d"));
    }
    if hours > 0 {
        text.push_str(&format!("{hours}h"));
    }
    if minutes > 0 || (days == 0 && hours == 0) {
        text.push_str(&format!("{minutes}m"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_largest_unit_first_order() {
        assert_eq!(parse_duration("4h"), Some(Duration::hours(4)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("2d"), Some(Duration::hours(48)));
        assert_eq!(parse_duration("0m"), Some(Duration::zero()));
        for bad in [
            "", "4", "h", "30m1h", "4h4h", "-1h", "1.5h", "4 h", "4s", "1234567h",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn waits() {
        assert_eq!(parse_wait("never"), Some(Wait::Never));
        assert_eq!(parse_wait("2 business days"), Some(Wait::BusinessDays(2)));
        assert_eq!(parse_wait("1 business day"), Some(Wait::BusinessDays(1)));
        assert_eq!(parse_wait("24h"), Some(Wait::After(Duration::hours(24))));
        assert_eq!(parse_wait("two business days"), None);
    }

    #[test]
    fn formatting_round_trips() {
        for text in ["1h30m", "2d", "0m", "1d2h3m", "45m"] {
            assert_eq!(format_duration(parse_duration(text).unwrap()), text);
        }
        assert_eq!(format_duration(-Duration::minutes(90)), "-1h30m");
    }
}
