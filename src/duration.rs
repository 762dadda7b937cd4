//! Durations as people write them in the policy, in case files and on the
//! command line (`90m`, `4h`, `1h30m`, `2d`): one small module that the
//! policy, the case-file codec and the command line share, so that none of
//! them imports another for it.

use chrono::Duration;

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
