//! Business calendars and business-time arithmetic (SPEC section 2).
//!
//! A [`Calendar`] is either the 24x7 calendar, which covers every instant, or a
//! [`BusinessCalendar`]: weekly shifts in an IANA time zone minus holidays.
//! Everything here is pure: no clock, no I/O. All instants are UTC; local
//! times are turned into instants per date (never by adding 24 hours), so DST
//! days are exact:
//!
//! - a local time in a spring-forward gap moves to the first instant after the gap;
//! - an ambiguous local time (fall-back) takes its first occurrence;
//! - a shift whose end is at or before its start ends on the next day, and
//!   belongs to the date it starts on;
//! - a holiday removes the whole local day (00:00-24:00) from coverage, so it
//!   also trims the tail of an overnight shift that runs into it.
//!
//! Intervals are half-open. The cost of every operation grows with the number
//! of shifts it spans, never with the number of minutes.

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// Minutes in a day; `24:00` is written as this many minutes.
pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// A time of day in whole minutes after local midnight, `0..=1440`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// `minutes` after midnight; `None` beyond `24:00`.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= MINUTES_PER_DAY).then_some(Self(minutes))
    }

    /// Parses `HH:MM` (`00:00` to `24:00`).
    pub fn parse(text: &str) -> Option<Self> {
        let (hours, minutes) = text.split_once(':')?;
        if hours.len() != 2 || minutes.len() != 2 {
            return None;
        }
        let hours: u16 = hours.parse().ok()?;
        let minutes: u16 = minutes.parse().ok()?;
        if minutes >= 60 {
            return None;
        }
        Self::from_minutes(hours * 60 + minutes)
    }

    /// Minutes after midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// One weekly shift: on `weekday`, from `start` to `end` local time. When
/// `end <= start` the shift ends on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyShift {
    pub weekday: Weekday,
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl WeeklyShift {
    /// True when the shift ends on the day after the one it starts on.
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }

    /// The shift as minutes of the week, `[start, end)` with `end` possibly
    /// beyond the week's last minute (a Sunday night shift).
    fn minutes_of_week(&self) -> (u32, u32) {
        let day = self.weekday.num_days_from_monday() * u32::from(MINUTES_PER_DAY);
        let start = day + u32::from(self.start.0);
        let mut end = day + u32::from(self.end.0);
        if self.crosses_midnight() {
            end += u32::from(MINUTES_PER_DAY);
        }
        (start, end)
    }

    /// True when the two shifts share at least one minute of the week.
    pub fn overlaps(&self, other: &WeeklyShift) -> bool {
        const WEEK: u32 = 7 * MINUTES_PER_DAY as u32;
        let (a_start, a_end) = self.minutes_of_week();
        let (b_start, b_end) = other.minutes_of_week();
        // Compare on the circle: shift b by a week either way.
        [0, WEEK, 2 * WEEK].iter().any(|&shift| {
            let (bs, be) = (b_start + shift, b_end + shift);
            let (as_, ae) = (a_start + WEEK, a_end + WEEK);
            as_ < be && bs < ae
        })
    }
}

/// Which occurrence of a weekday in its month a holiday falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nth {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

impl Nth {
    /// Parses `first`, `second`, `third`, `fourth` or `last`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "first" => Nth::First,
            "second" => Nth::Second,
            "third" => Nth::Third,
            "fourth" => Nth::Fourth,
            "last" => Nth::Last,
            _ => return None,
        })
    }
}

/// A yearly holiday: a fixed month and day, or the nth weekday of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holiday {
    Fixed {
        month: u32,
        day: u32,
    },
    NthWeekday {
        month: u32,
        weekday: Weekday,
        nth: Nth,
    },
}

impl Holiday {
    /// True when `date` is this holiday.
    pub fn falls_on(&self, date: NaiveDate) -> bool {
        match *self {
            Holiday::Fixed { month, day } => date.month() == month && date.day() == day,
            Holiday::NthWeekday {
                month,
                weekday,
                nth,
            } => {
                if date.month() != month || date.weekday() != weekday {
                    return false;
                }
                let index = (date.day() - 1) / 7; // 0 for days 1-7, 1 for 8-14, ...
                match nth {
                    Nth::First => index == 0,
                    Nth::Second => index == 1,
                    Nth::Third => index == 2,
                    Nth::Fourth => index == 3,
                    Nth::Last => date
                        .checked_add_days(Days::new(7))
                        .is_none_or(|next| next.month() != month),
                }
            }
        }
    }
}

/// Why a business calendar cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("a business calendar needs at least one shift")]
    NoShifts,
    #[error("shift {index} starts at 24:00; a shift starts between 00:00 and 23:59")]
    StartsAtMidnightEnd { index: usize },
    #[error("shifts {first} and {second} overlap ({a} and {b})")]
    Overlap {
        first: usize,
        second: usize,
        a: String,
        b: String,
    },
    #[error("{count} holidays leave too few working days; at most {max} are allowed")]
    TooManyHolidays { count: usize, max: usize },
}

/// Weekly shifts in a time zone, minus holidays. Built only through
/// [`BusinessCalendar::new`], which guarantees coverage every year (at least
/// one shift, fewer holidays than weeks), so every search here terminates.
#[derive(Debug, Clone, PartialEq)]
pub struct BusinessCalendar {
    time_zone: Tz,
    shifts: Vec<WeeklyShift>,
    holidays: Vec<Holiday>,
}

/// The most holidays a calendar may have: fewer than the weeks of a year, so
/// a calendar with even one weekly shift is covered at least once a year.
pub const MAX_HOLIDAYS: usize = 50;

/// A covered interval `[start, end)`: one shift on one date, holiday-trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoveredShift {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl BusinessCalendar {
    /// Builds a calendar; shifts must not overlap and must start before 24:00.
    pub fn new(
        time_zone: Tz,
        shifts: Vec<WeeklyShift>,
        holidays: Vec<Holiday>,
    ) -> Result<Self, CalendarError> {
        if shifts.is_empty() {
            return Err(CalendarError::NoShifts);
        }
        for (index, shift) in shifts.iter().enumerate() {
            if shift.start.0 >= MINUTES_PER_DAY {
                return Err(CalendarError::StartsAtMidnightEnd { index });
            }
        }
        for (first, a) in shifts.iter().enumerate() {
            for (second, b) in shifts.iter().enumerate().skip(first + 1) {
                if a.overlaps(b) {
                    return Err(CalendarError::Overlap {
                        first,
                        second,
                        a: describe_shift(a),
                        b: describe_shift(b),
                    });
                }
            }
        }
        if holidays.len() > MAX_HOLIDAYS {
            return Err(CalendarError::TooManyHolidays {
                count: holidays.len(),
                max: MAX_HOLIDAYS,
            });
        }
        let mut shifts = shifts;
        shifts.sort_by_key(|s| (s.weekday.num_days_from_monday(), s.start));
        Ok(Self {
            time_zone,
            shifts,
            holidays,
        })
    }

    /// The calendar's time zone.
    pub fn time_zone(&self) -> Tz {
        self.time_zone
    }

    /// The weekly shifts, ordered by weekday and start.
    pub fn shifts(&self) -> &[WeeklyShift] {
        &self.shifts
    }

    /// True when `date` is a holiday on this calendar.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.falls_on(date))
    }

    /// The covered shifts that end after `t`, in order of start. The first
    /// one contains `t` or is the first to start after it.
    pub fn covered_shifts_from(&self, t: DateTime<Utc>) -> impl Iterator<Item = CoveredShift> + '_ {
        // A shift starting the day before may still run at `t`.
        let first_date = t
            .with_timezone(&self.time_zone)
            .date_naive()
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        first_date
            .iter_days()
            .flat_map(move |date| self.covered_shifts_on(date))
            .filter(move |shift| shift.end > t)
    }

    /// The covered intervals of the shifts that start on local `date`.
    fn covered_shifts_on(&self, date: NaiveDate) -> impl Iterator<Item = CoveredShift> + '_ {
        let weekday = date.weekday();
        // `None` on a holiday: no shift starts that day.
        let next_date = date.succ_opt().filter(|_| !self.is_holiday(date));
        self.shifts
            .iter()
            .filter(move |shift| shift.weekday == weekday)
            .filter_map(move |shift| {
                let next_date = next_date?;
                let start = local_instant(self.time_zone, date, shift.start);
                let mut end = if shift.crosses_midnight() {
                    local_instant(self.time_zone, next_date, shift.end)
                } else {
                    local_instant(self.time_zone, date, shift.end)
                };
                if shift.crosses_midnight() && self.is_holiday(next_date) {
                    end = end.min(local_instant(self.time_zone, next_date, TimeOfDay(0)));
                }
                (end > start).then_some(CoveredShift { start, end })
            })
    }
}

/// A shift as the policy writes it: `mon 08:00-17:00`.
pub(crate) fn describe_shift(shift: &WeeklyShift) -> String {
    format!(
        "{} {}-{}",
        weekday_name(shift.weekday),
        shift.start,
        shift.end
    )
}

/// The three-letter lowercase name of a weekday, as the policy writes it.
pub fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// Parses a weekday as the policy writes it (`mon` ... `sun`).
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    Some(match text {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

/// The instant of local `time` on `date` in `tz`: `24:00` is the next day's
/// midnight; a time in a DST gap moves to the first instant after the gap; an
/// ambiguous time takes its first occurrence.
pub fn local_instant(tz: Tz, date: NaiveDate, time: TimeOfDay) -> DateTime<Utc> {
    let (date, minutes) = if time.0 == MINUTES_PER_DAY {
        (date.succ_opt().unwrap_or(date), 0)
    } else {
        (date, time.0)
    };
    let naive = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    resolve_local(tz, naive)
}

/// The instant of local time `naive` in `tz`: in a DST gap the first
/// instant after the gap; when ambiguous, the first occurrence.
fn resolve_local(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        chrono::LocalResult::None => first_instant_after_gap(tz, naive),
    }
}

/// The same local time of day `days` calendar days after `t` in `tz` (30
/// days after 10:00 EDT is 10:00 EST, not 09:00), resolved like shift times.
pub fn add_local_days(tz: Tz, t: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    let Some(naive) = t
        .with_timezone(&tz)
        .naive_local()
        .checked_add_days(Days::new(u64::from(days)))
    else {
        return DateTime::<Utc>::MAX_UTC;
    };
    resolve_local(tz, naive)
}

/// The first instant whose local time in `tz` is at or after `naive`: for a
/// local time inside a DST gap, the instant the gap ends.
fn first_instant_after_gap(tz: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    // UTC offsets lie within -12h..+14h; search a window that covers them.
    let as_utc = naive.and_utc().timestamp();
    let (mut low, mut high) = (as_utc - 15 * 3600, as_utc + 13 * 3600);
    let local_at = |secs: i64| {
        DateTime::from_timestamp(secs, 0)
            .map(|t| t.with_timezone(&tz).naive_local())
            .unwrap_or(NaiveDateTime::MAX)
    };
    // Invariant: local(low) < naive <= local(high).
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        if local_at(middle) >= naive {
            high = middle;
        } else {
            low = middle;
        }
    }
    DateTime::from_timestamp(high, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A calendar a clock runs on.
#[derive(Debug, Clone, PartialEq)]
pub enum Calendar {
    /// Every instant is covered; holidays do not apply.
    AlwaysOpen,
    /// Weekly shifts in a time zone, minus holidays.
    Business(BusinessCalendar),
}

impl Calendar {
    /// True when `t` is covered.
    pub fn is_covered(&self, t: DateTime<Utc>) -> bool {
        self.next_covered_instant(t) == t
    }

    /// `t` when covered, else the start of the next covered shift.
    pub fn next_covered_instant(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Calendar::AlwaysOpen => t,
            Calendar::Business(calendar) => match calendar.covered_shifts_from(t).next() {
                Some(shift) => shift.start.max(t),
                None => DateTime::<Utc>::MAX_UTC,
            },
        }
    }

    /// The covered time in `[from, to)`; zero when `to <= from`.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        match self {
            Calendar::AlwaysOpen => to - from,
            Calendar::Business(calendar) => calendar
                .covered_shifts_from(from)
                .take_while(|shift| shift.start < to)
                .map(|shift| shift.end.min(to) - shift.start.max(from))
                .sum(),
        }
    }

    /// The earliest `u >= t` with `business_time_between(t, u) == amount`.
    /// Adding zero gives `t`; a result may land exactly on a shift's end.
    pub fn add_business_duration(&self, t: DateTime<Utc>, amount: Duration) -> DateTime<Utc> {
        if amount <= Duration::zero() {
            return t;
        }
        match self {
            Calendar::AlwaysOpen => t
                .checked_add_signed(amount)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Calendar::Business(calendar) => {
                let mut remaining = amount;
                for shift in calendar.covered_shifts_from(t) {
                    let from = shift.start.max(t);
                    let available = shift.end - from;
                    if remaining <= available {
                        return from + remaining;
                    }
                    remaining -= available;
                }
                DateTime::<Utc>::MAX_UTC
            }
        }
    }

    /// `days` business days after `t`: with S the shift containing `t` (offset
    /// `t - S.start`) or else the first shift after `t` (offset 0), the start of
    /// the `days`-th shift after S plus the offset, capped at that shift's end.
    /// On the 24x7 calendar a business day is 24 hours.
    pub fn add_business_days(&self, t: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        match self {
            Calendar::AlwaysOpen => t
                .checked_add_signed(Duration::days(i64::from(days)))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Calendar::Business(calendar) => {
                let mut shifts = calendar.covered_shifts_from(t);
                let Some(anchor) = shifts.next() else {
                    return DateTime::<Utc>::MAX_UTC;
                };
                let offset = (t - anchor.start).max(Duration::zero());
                let target = if days == 0 {
                    Some(anchor)
                } else {
                    shifts.nth(days as usize - 1)
                };
                match target {
                    Some(shift) => (shift.start + offset).min(shift.end),
                    None => DateTime::<Utc>::MAX_UTC,
                }
            }
        }
    }

    /// The time zone local times are shown in (UTC for 24x7).
    pub fn time_zone(&self) -> Tz {
        match self {
            Calendar::AlwaysOpen => Tz::UTC,
            Calendar::Business(calendar) => calendar.time_zone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays(start: &str, end: &str) -> Vec<WeeklyShift> {
        [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]
        .into_iter()
        .map(|weekday| WeeklyShift {
            weekday,
            start: TimeOfDay::parse(start).unwrap(),
            end: TimeOfDay::parse(end).unwrap(),
        })
        .collect()
    }

    #[test]
    fn time_of_day_parses_only_valid_clock_times() {
        assert_eq!(TimeOfDay::parse("24:00").unwrap().minutes(), 1440);
        assert_eq!(TimeOfDay::parse("06:30").unwrap().minutes(), 390);
        for bad in ["24:01", "6:00", "06:60", "ab:cd", "0600", ""] {
            assert_eq!(TimeOfDay::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn overnight_shifts_overlap_the_next_morning() {
        let overnight = WeeklyShift {
            weekday: Weekday::Sun,
            start: TimeOfDay::parse("22:00").unwrap(),
            end: TimeOfDay::parse("02:00").unwrap(),
        };
        let monday = WeeklyShift {
            weekday: Weekday::Mon,
            start: TimeOfDay::parse("01:00").unwrap(),
            end: TimeOfDay::parse("05:00").unwrap(),
        };
        let monday_late = WeeklyShift {
            weekday: Weekday::Mon,
            start: TimeOfDay::parse("02:00").unwrap(),
            end: TimeOfDay::parse("05:00").unwrap(),
        };
        assert!(overnight.overlaps(&monday));
        assert!(monday.overlaps(&overnight));
        assert!(
            !overnight.overlaps(&monday_late),
            "touching is not overlapping"
        );
    }

    #[test]
    fn calendar_rejects_overlaps_and_empty_weeks() {
        let mut shifts = weekdays("06:00", "21:00");
        shifts.push(shifts[0]);
        assert!(matches!(
            BusinessCalendar::new(Tz::UTC, shifts, vec![]),
            Err(CalendarError::Overlap { .. })
        ));
        assert_eq!(
            BusinessCalendar::new(Tz::UTC, vec![], vec![]),
            Err(CalendarError::NoShifts)
        );
    }

    #[test]
    fn last_weekday_of_month() {
        let memorial = Holiday::NthWeekday {
            month: 5,
            weekday: Weekday::Mon,
            nth: Nth::Last,
        };
        assert!(memorial.falls_on(NaiveDate::from_ymd_opt(2026, 5, 25).unwrap()));
        assert!(!memorial.falls_on(NaiveDate::from_ymd_opt(2026, 5, 18).unwrap()));
    }

    /// The cost of a clock is the shifts it spans, not the time: a severity 4
    /// case opened an hour before the end of Christmas Eve's shift (24h of
    /// business time) walks three shifts, skipping Christmas and the weekend
    /// as whole days.
    #[test]
    fn a_christmas_eve_clock_walks_a_handful_of_shifts() {
        let policy = crate::policy::Policy::default_policy();
        let calendar = Calendar::Business(policy.region("north-america").unwrap().calendar.clone());
        let opened: DateTime<Utc> = "2026-12-25T01:00:00Z".parse().unwrap(); // Thu 20:00 EST
        let due = calendar.add_business_duration(opened, Duration::hours(24));
        assert_eq!(
            due,
            "2026-12-29T19:00:00Z".parse::<DateTime<Utc>>().unwrap()
        ); // Tue 14:00
        let Calendar::Business(business) = &calendar else {
            unreachable!()
        };
        let walked: Vec<(String, String)> = business
            .covered_shifts_from(opened)
            .take_while(|shift| shift.start < due)
            .map(|shift| (shift.start.to_rfc3339(), shift.end.to_rfc3339()))
            .collect();
        let expected = [
            ("2026-12-24T11:00:00+00:00", "2026-12-25T02:00:00+00:00"),
            ("2026-12-28T11:00:00+00:00", "2026-12-29T02:00:00+00:00"),
            ("2026-12-29T11:00:00+00:00", "2026-12-30T02:00:00+00:00"),
        ];
        assert_eq!(
            walked,
            expected.map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }
}
