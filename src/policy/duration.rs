//! Waits as people write them in the policy (`2 business days`, `never`,
//! or a duration, see [`crate::duration`]).

use chrono::Duration;

pub use crate::duration::{format_duration, parse_duration, DURATION_HELP};

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

/// A wait as [`parse_wait`] reads it: `2 business days`, `1 business day`,
/// `never` or a duration (`24h`).
pub fn format_wait(wait: Wait) -> String {
    match wait {
        Wait::After(duration) => format_duration(duration),
        Wait::BusinessDays(1) => "1 business day".to_string(),
        Wait::BusinessDays(days) => format!("{days} business days"),
        Wait::Never => "never".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formatted_wait_parses_back() {
        for wait in [
            Wait::After(Duration::hours(24)),
            Wait::BusinessDays(1),
            Wait::BusinessDays(5),
            Wait::Never,
        ] {
            assert_eq!(parse_wait(&format_wait(wait)), Some(wait), "{wait:?}");
        }
        assert_eq!(format_wait(Wait::BusinessDays(1)), "1 business day");
        assert_eq!(format_wait(Wait::BusinessDays(2)), "2 business days");
    }

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
