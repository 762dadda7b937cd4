//! Pins the calendar engine (SPEC section 2) and the initial-response clock
//! (SPEC section 3) with exact instants worked out by hand, and checks the
//! engine against a deliberately slow minute-by-minute reference.
//!
//! Expected instants in the vector tables are written in the calendar's own
//! time zone with its UTC offset (`2026-03-09T07:00:00-04:00`), and each
//! result is rendered in that zone and compared as a string: that pins the
//! instant *and* the offset claimed for it. The comments give the UTC
//! equivalents and the reasoning.
//!
//! Dates used (checked with a calendar): 2026-03-06 Fri, 2026-03-08 Sun
//! (Toronto springs forward at 02:00 EST = 07:00Z to 03:00 EDT), 2026-11-01
//! Sun (Toronto falls back at 02:00 EDT = 06:00Z to 01:00 EST), 2026-09-07
//! Mon (Labour Day), 2026-11-22 Sun, 2026-12-24 Thu, 2026-12-25 Fri,
//! 2026-12-31 Thu, 2027-01-01 Fri, 2026-06-08 Mon, 2026-06-13 Sat.

use std::cell::RefCell;
use std::collections::HashMap;

use cases::calendar::{
    BusinessCalendar, Calendar, CalendarError, Holiday, Nth, TimeOfDay, WeeklyShift,
};
use cases::case::{Case, Contact, Event, EventKind, Facts, Intake};
use cases::clock::{clocks, ClockKind, ClockStatus};
use cases::policy::Policy;
use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, SecondsFormat, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// Minutes in an hour, for readable durations in the tables (`2 * H`).
const H: i64 = 60;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|error| panic!("{text}: {error}"))
        .with_timezone(&Utc)
}

/// `t` in the calendar's time zone, RFC 3339 with the offset in force.
fn local(calendar: &Calendar, t: DateTime<Utc>) -> String {
    t.with_timezone(&calendar.time_zone())
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn hm(text: &str) -> TimeOfDay {
    TimeOfDay::parse(text).unwrap_or_else(|| panic!("bad time {text}"))
}

fn shift(weekday: Weekday, start: &str, end: &str) -> WeeklyShift {
    WeeklyShift {
        weekday,
        start: hm(start),
        end: hm(end),
    }
}

fn region_calendar(region: &str) -> Calendar {
    let policy = Policy::default_policy();
    Calendar::Business(
        policy
            .region(region)
            .unwrap_or_else(|| panic!("no region {region}"))
            .calendar
            .clone(),
    )
}

fn business(tz: Tz, shifts: Vec<WeeklyShift>, holidays: Vec<Holiday>) -> Calendar {
    Calendar::Business(BusinessCalendar::new(tz, shifts, holidays).expect("valid calendar"))
}

/// One hand-computed expectation.
enum Check {
    /// `business_time_between(from, to)` is this many minutes.
    Between(&'static str, &'static str, i64),
    /// `add_business_duration(t, minutes)` is the instant.
    Add(&'static str, i64, &'static str),
    /// `add_business_days(t, n)` is the instant.
    Days(&'static str, u32, &'static str),
    /// `next_covered_instant(t)` is the instant.
    Next(&'static str, &'static str),
    /// `is_covered(t)`.
    Covered(&'static str, bool),
}

fn run(name: &str, calendar: &Calendar, checks: &[Check]) {
    for (index, check) in checks.iter().enumerate() {
        let label = format!("{name} #{index}");
        match *check {
            Check::Between(from, to, minutes) => {
                let got = calendar.business_time_between(at(from), at(to));
                assert_eq!(
                    got,
                    Duration::minutes(minutes),
                    "{label}: business_time_between({from}, {to}) = {} min",
                    got.num_minutes()
                );
            }
            Check::Add(t, minutes, expected) => {
                let got = calendar.add_business_duration(at(t), Duration::minutes(minutes));
                assert_eq!(
                    local(calendar, got),
                    expected,
                    "{label}: add_business_duration({t}, {minutes} min)"
                );
                // The definition: business time [t, got) is exactly the amount.
                assert_eq!(
                    calendar.business_time_between(at(t), got),
                    Duration::minutes(minutes),
                    "{label}: business time up to the result"
                );
            }
            Check::Days(t, days, expected) => {
                let got = calendar.add_business_days(at(t), days);
                assert_eq!(
                    local(calendar, got),
                    expected,
                    "{label}: add_business_days({t}, {days})"
                );
            }
            Check::Next(t, expected) => {
                let got = calendar.next_covered_instant(at(t));
                assert_eq!(
                    local(calendar, got),
                    expected,
                    "{label}: next_covered_instant({t})"
                );
                assert!(calendar.is_covered(got), "{label}: result is covered");
            }
            Check::Covered(t, expected) => {
                assert_eq!(
                    calendar.is_covered(at(t)),
                    expected,
                    "{label}: is_covered({t})"
                );
            }
        }
    }
}

use Check::{Add, Between, Covered, Days, Next};

// ---------------------------------------------------------------------------
// north-america (America/Toronto, Mon-Fri 06:00-21:00) across DST
// ---------------------------------------------------------------------------

#[test]
fn north_america_spring_forward_2026() {
    let na = region_calendar("north-america");
    run(
        "na spring-forward",
        &na,
        &[
            // Fri 2026-03-06 is EST (-05:00): the shift is 06:00-21:00 EST =
            // 11:00Z-02:00Z(Sat). Mon 2026-03-09 is EDT (-04:00): 06:00 EDT =
            // 10:00Z. Fri 20:00-21:00 EST (1h) + Mon 06:00-07:00 EDT (1h) = 2h,
            // although 58h of wall time pass (01:00Z Sat to 11:00Z Mon).
            Between(
                "2026-03-06T20:00:00-05:00",
                "2026-03-09T07:00:00-04:00",
                2 * H,
            ),
            Add(
                "2026-03-06T20:00:00-05:00",
                2 * H,
                "2026-03-09T07:00:00-04:00",
            ),
            // Saturday noon: next coverage is Monday 06:00 local, now EDT = 10:00Z.
            Next("2026-03-07T12:00:00-05:00", "2026-03-09T06:00:00-04:00"),
            // Sunday 03:30 EDT (just after the jump): a weekend, not covered.
            Covered("2026-03-08T03:30:00-04:00", false),
            Covered("2026-03-09T06:00:00-04:00", true),
            Covered("2026-03-09T05:59:00-04:00", false),
            // Two full weeks, Mon 2026-03-02 00:00 EST to Mon 2026-03-16 00:00
            // EDT: 10 weekdays x 15h = 150h; the shortened Sunday is not a
            // working day so DST costs nothing.
            Between(
                "2026-03-02T00:00:00-05:00",
                "2026-03-16T00:00:00-04:00",
                150 * H,
            ),
            // Fri 10:00 EST is 4h into Friday's shift (started 06:00 EST =
            // 11:00Z); one business day later is Monday's shift start 06:00
            // EDT (10:00Z) + 4h = 14:00Z = 10:00 EDT. Same local time.
            Days("2026-03-06T10:00:00-05:00", 1, "2026-03-09T10:00:00-04:00"),
            // Monday's shift ends 21:00 EDT = 01:00Z Tue (it was 02:00Z in EST).
            Add("2026-03-09T20:00:00-04:00", H, "2026-03-09T21:00:00-04:00"),
        ],
    );
}

#[test]
fn north_america_fall_back_2026() {
    let na = region_calendar("north-america");
    run(
        "na fall-back",
        &na,
        &[
            // Fri 2026-10-30 is EDT: shift 06:00-21:00 EDT = 10:00Z-01:00Z(Sat).
            // Mon 2026-11-02 is EST: 06:00 EST = 11:00Z.
            // Fri 20:30-21:00 EDT (30m) + Mon 06:00-06:30 EST (30m) = 1h.
            Add("2026-10-30T20:30:00-04:00", H, "2026-11-02T06:30:00-05:00"),
            // Fri 08:00-21:00 EDT = 13h, Mon 06:00-07:00 EST = 1h: 14h.
            Between(
                "2026-10-30T08:00:00-04:00",
                "2026-11-02T07:00:00-05:00",
                14 * H,
            ),
            // The second 01:30 on Sunday (EST, 06:30Z): next coverage is
            // Monday 06:00 EST = 11:00Z.
            Next("2026-11-01T01:30:00-05:00", "2026-11-02T06:00:00-05:00"),
            // Fri 10:00 EDT is 4h into Friday's shift; Monday 06:00 EST + 4h.
            Days("2026-10-30T10:00:00-04:00", 1, "2026-11-02T10:00:00-05:00"),
            // Two weeks across the change, Mon Oct 26 00:00 EDT to Mon Nov 9
            // 00:00 EST: 10 x 15h.
            Between(
                "2026-10-26T00:00:00-04:00",
                "2026-11-09T00:00:00-05:00",
                150 * H,
            ),
        ],
    );
}

// ---------------------------------------------------------------------------
// Hand-built calendars with shift boundaries in the DST gap / overlap
// ---------------------------------------------------------------------------

#[test]
fn shift_starting_inside_the_spring_forward_gap() {
    // America/Toronto: Sat 23:00-01:00 (overnight, ends Sunday) and
    // Sun 02:30-05:00. On 2026-03-08 local 02:00-02:59 does not exist;
    // 02:30 moves to the first instant after the gap, 03:00 EDT = 07:00Z.
    let cal = business(
        chrono_tz::America::Toronto,
        vec![
            shift(Weekday::Sat, "23:00", "01:00"),
            shift(Weekday::Sun, "02:30", "05:00"),
        ],
        vec![],
    );
    run(
        "gap",
        &cal,
        &[
            // Ordinary weekend (EST): Sat Feb 28 23:00 EST = Mar 1 04:00Z to
            // Sun 01:00 EST = 06:00Z (2h); Sun 02:30 EST = 07:30Z to 05:00 EST
            // = 10:00Z (2h30). Total 4h30.
            Between(
                "2026-02-28T00:00:00-05:00",
                "2026-03-02T00:00:00-05:00",
                4 * H + 30,
            ),
            // DST weekend: Sat Mar 7 23:00 EST = Mar 8 04:00Z to Sun 01:00 EST =
            // 06:00Z (2h, before the gap); Sun 02:30 -> 03:00 EDT = 07:00Z to
            // 05:00 EDT = 09:00Z (2h). Total 4h.
            Between(
                "2026-03-07T00:00:00-05:00",
                "2026-03-09T00:00:00-04:00",
                4 * H,
            ),
            Next("2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"),
            Covered("2026-03-08T01:59:00-05:00", false),
            Covered("2026-03-08T03:00:00-04:00", true),
            Covered("2026-03-08T04:59:00-04:00", true),
            Covered("2026-03-08T05:00:00-04:00", false),
            // From Sun 00:00 EST (05:00Z): 1h up to 01:00 EST (06:00Z), then
            // 30m from 03:00 EDT (07:00Z) -> 07:30Z = 03:30 EDT.
            Add("2026-03-08T00:00:00-05:00", 90, "2026-03-08T03:30:00-04:00"),
            // Sun Mar 1 04:00 EST = 09:00Z is 1h30 into the shift that started
            // 02:30 EST = 07:30Z. Shifts after it: Sat Mar 7 (1), Sun Mar 8 (2)
            // starting 07:00Z; + 1h30 = 08:30Z = 04:30 EDT.
            Days("2026-03-01T04:00:00-05:00", 2, "2026-03-08T04:30:00-04:00"),
            // Offset 2h20 (04:50 EST = 09:50Z): 07:00Z + 2h20 = 09:20Z, past the
            // 2h shift's end 09:00Z, so capped at 05:00 EDT.
            Days("2026-03-01T04:50:00-05:00", 2, "2026-03-08T05:00:00-04:00"),
            // One day: Saturday's shift [04:00Z, 06:00Z) + 2h20 capped at 06:00Z.
            Days("2026-03-01T04:50:00-05:00", 1, "2026-03-08T01:00:00-05:00"),
        ],
    );
}

#[test]
fn shift_starting_at_an_ambiguous_time() {
    // America/Toronto: Sat 22:00-01:00 (overnight) and Sun 01:30-04:00. On
    // 2026-11-01 local 01:00-01:59 happens twice (EDT 05:00Z-05:59Z, then EST
    // 06:00Z-06:59Z); both 01:00 and 01:30 take the first occurrence (EDT).
    let cal = business(
        chrono_tz::America::Toronto,
        vec![
            shift(Weekday::Sat, "22:00", "01:00"),
            shift(Weekday::Sun, "01:30", "04:00"),
        ],
        vec![],
    );
    run(
        "ambiguous",
        &cal,
        &[
            // Ordinary weekend (EDT): Sat Oct 24 22:00 EDT = Oct 25 02:00Z to
            // 01:00 EDT = 05:00Z (3h); Sun 01:30 EDT = 05:30Z to 04:00 EDT =
            // 08:00Z (2h30). Total 5h30.
            Between(
                "2026-10-24T00:00:00-04:00",
                "2026-10-26T00:00:00-04:00",
                5 * H + 30,
            ),
            // Fall-back weekend: Sat Oct 31 22:00 EDT = Nov 1 02:00Z to 01:00
            // EDT (first) = 05:00Z (3h); Sun 01:30 EDT (first) = 05:30Z to 04:00
            // EST = 09:00Z (3h30). Total 6h30.
            Between(
                "2026-10-31T00:00:00-04:00",
                "2026-11-02T00:00:00-05:00",
                6 * H + 30,
            ),
            // The Sunday shift starts at the first 01:30 (05:30Z), not the
            // second (06:30Z).
            Next("2026-11-01T01:10:00-04:00", "2026-11-01T01:30:00-04:00"),
            // First 01:15 (EDT, 05:15Z): between the two shifts.
            Covered("2026-11-01T01:15:00-04:00", false),
            // Second 01:15 (EST, 06:15Z): after the shift's start instant, so
            // covered although its wall time is before 01:30.
            Covered("2026-11-01T01:15:00-05:00", true),
            Covered("2026-11-01T03:59:00-05:00", true),
            Covered("2026-11-01T04:00:00-05:00", false),
            // From 00:30 EDT (04:30Z): 30m up to 05:00Z, 30m from 05:30Z ->
            // 06:00Z, which reads 01:00 EST (the second 01:00).
            Add("2026-11-01T00:30:00-04:00", H, "2026-11-01T01:00:00-05:00"),
            // Sun Oct 25 02:30 EDT = 06:30Z is 1h into the shift starting 05:30Z.
            // Shifts after: Sat Oct 31 (1), Sun Nov 1 (2) starting 05:30Z; +1h =
            // 06:30Z = the second 01:30 (EST).
            Days("2026-10-25T02:30:00-04:00", 2, "2026-11-01T01:30:00-05:00"),
        ],
    );
}

#[test]
fn london_midnight_end_and_last_weekday_holiday() {
    // Europe/London (BST, +01:00, in May): Mon 18:00-24:00, Tue 00:00-03:00
    // (touching at midnight), holiday: last Monday of May (2026-05-25).
    let cal = business(
        chrono_tz::Europe::London,
        vec![
            shift(Weekday::Mon, "18:00", "24:00"),
            shift(Weekday::Tue, "00:00", "03:00"),
        ],
        vec![Holiday::NthWeekday {
            month: 5,
            weekday: Weekday::Mon,
            nth: Nth::Last,
        }],
    );
    run(
        "london",
        &cal,
        &[
            // Mon May 18: 18:00-24:00 BST (6h) + Tue 00:00-03:00 (3h).
            Between(
                "2026-05-18T00:00:00+01:00",
                "2026-05-20T00:00:00+01:00",
                9 * H,
            ),
            // 1h to 24:00 (= Tue 00:00 BST, 23:00Z), then 1h of Tuesday's shift.
            Add(
                "2026-05-18T23:00:00+01:00",
                2 * H,
                "2026-05-19T01:00:00+01:00",
            ),
            // Lands exactly on 24:00: the result is Tue 00:00 local.
            Add("2026-05-18T23:00:00+01:00", H, "2026-05-19T00:00:00+01:00"),
            Covered("2026-05-19T00:00:00+01:00", true),
            // May 25 is the last Monday of May: no Monday shift; Tuesday's own
            // shift still happens (3h).
            Between(
                "2026-05-25T00:00:00+01:00",
                "2026-05-27T00:00:00+01:00",
                3 * H,
            ),
            Next("2026-05-25T12:00:00+01:00", "2026-05-26T00:00:00+01:00"),
            // May 18 is not the last Monday.
            Covered("2026-05-18T18:00:00+01:00", true),
        ],
    );
}

// ---------------------------------------------------------------------------
// Holidays on the default policy
// ---------------------------------------------------------------------------

#[test]
fn labour_day_2026() {
    let na = region_calendar("north-america");
    run(
        "na labour day",
        &na,
        &[
            // Mon 2026-09-07 is the first Monday of September: no coverage.
            Covered("2026-09-07T12:00:00-04:00", false),
            Between("2026-09-07T00:00:00-04:00", "2026-09-08T00:00:00-04:00", 0),
            // A normal Monday a week later: 15h.
            Between(
                "2026-09-14T00:00:00-04:00",
                "2026-09-15T00:00:00-04:00",
                15 * H,
            ),
            Next("2026-09-07T10:00:00-04:00", "2026-09-08T06:00:00-04:00"),
            // Fri 20:00-21:00 EDT (1h), Monday skipped, Tue 06:00-07:00 EDT.
            Add(
                "2026-09-04T20:00:00-04:00",
                2 * H,
                "2026-09-08T07:00:00-04:00",
            ),
            // Friday 10:00 (4h in) + 1 business day = Tuesday 10:00.
            Days("2026-09-04T10:00:00-04:00", 1, "2026-09-08T10:00:00-04:00"),
        ],
    );
    let emea = region_calendar("emea");
    run(
        "emea labour day",
        &emea,
        &[
            // No shift starts on Mon Sep 7, so Tue Sep 8 00:00-02:00 is not
            // covered either; Friday's shift (11:00 Fri - 02:00 Sat) ran.
            Covered("2026-09-05T01:59:00+00:00", true),
            Covered("2026-09-07T12:00:00+00:00", false),
            Covered("2026-09-08T01:00:00+00:00", false),
            Next("2026-09-05T02:00:00+00:00", "2026-09-08T11:00:00+00:00"),
        ],
    );
}

#[test]
fn christmas_and_new_year_emea() {
    // Etc/GMT (+00:00 all year), Mon-Fri 11:00-02:00 next day.
    let emea = region_calendar("emea");
    run(
        "emea christmas",
        &emea,
        &[
            // Thu Dec 24's shift 11:00-02:00 is trimmed at Dec 25 00:00
            // (holiday): it works 11:00-24:00 only.
            Covered("2026-12-24T23:59:00+00:00", true),
            Covered("2026-12-25T00:00:00+00:00", false),
            Covered("2026-12-25T01:00:00+00:00", false),
            // No shift starts on Fri Dec 25, so Sat Dec 26 00:00-02:00 is not
            // covered either.
            Covered("2026-12-26T01:00:00+00:00", false),
            Next("2026-12-25T00:00:00+00:00", "2026-12-28T11:00:00+00:00"),
            // Dec 24 00:00-02:00 (tail of Wednesday's shift, Dec 24 is no
            // holiday) 2h + Dec 24 11:00-24:00 13h = 15h; nothing until Monday.
            Between(
                "2026-12-24T00:00:00+00:00",
                "2026-12-28T00:00:00+00:00",
                15 * H,
            ),
            // 2h from 22:00 lands exactly on the trimmed end, Dec 25 00:00.
            Add(
                "2026-12-24T22:00:00+00:00",
                2 * H,
                "2026-12-25T00:00:00+00:00",
            ),
            // 3h: 2h on Thursday, 1h from Mon Dec 28 11:00.
            Add(
                "2026-12-24T22:00:00+00:00",
                3 * H,
                "2026-12-28T12:00:00+00:00",
            ),
            // Wed Dec 23 20:00 is 9h into Wednesday's shift (11:00); Thursday's
            // shift starts 11:00, + 9h = 20:00.
            Days("2026-12-23T20:00:00+00:00", 1, "2026-12-24T20:00:00+00:00"),
            // Dec 24 01:00 is 14h into Wednesday's shift. Thursday's shift
            // [Dec 24 11:00, Dec 25 00:00): 11:00 + 14h = Dec 25 01:00, capped
            // at the trimmed end 00:00.
            Days("2026-12-24T01:00:00+00:00", 1, "2026-12-25T00:00:00+00:00"),
            // Two days: Monday Dec 28 11:00 + 14h = Tue 01:00 (within 02:00).
            Days("2026-12-24T01:00:00+00:00", 2, "2026-12-29T01:00:00+00:00"),
            // New Year 2027: Thu Dec 31 works 11:00-24:00, Fri Jan 1 is a
            // holiday, Sat Jan 2 00:00-02:00 not covered, next Mon Jan 4 11:00.
            // Dec 31: 2h (Wednesday's tail) + 13h; Jan 4: 11:00-24:00 13h.
            Between(
                "2026-12-31T00:00:00+00:00",
                "2027-01-05T00:00:00+00:00",
                28 * H,
            ),
            Covered("2027-01-02T01:00:00+00:00", false),
            Next("2027-01-01T00:00:00+00:00", "2027-01-04T11:00:00+00:00"),
            Add(
                "2026-12-31T23:00:00+00:00",
                2 * H,
                "2027-01-04T12:00:00+00:00",
            ),
        ],
    );
}

#[test]
fn christmas_and_new_year_north_america() {
    let na = region_calendar("north-america");
    run(
        "na christmas",
        &na,
        &[
            // Thu Dec 24 is a normal day (15h), Fri Dec 25 a holiday, then
            // Monday Dec 28 (15h). EST all along.
            Between(
                "2026-12-24T00:00:00-05:00",
                "2026-12-29T00:00:00-05:00",
                30 * H,
            ),
            Covered("2026-12-25T12:00:00-05:00", false),
            Add(
                "2026-12-24T20:00:00-05:00",
                2 * H,
                "2026-12-28T07:00:00-05:00",
            ),
            // Thu Dec 31 20:30-21:00 (30m), Jan 1 holiday, Mon Jan 4 06:00-06:30.
            Add("2026-12-31T20:30:00-05:00", H, "2027-01-04T06:30:00-05:00"),
            Next("2027-01-01T09:00:00-05:00", "2027-01-04T06:00:00-05:00"),
            // Thursday 10:00 (4h in) + 1 business day skips Christmas.
            Days("2026-12-24T10:00:00-05:00", 1, "2026-12-28T10:00:00-05:00"),
        ],
    );
}

#[test]
fn emea_sunday_night_and_etc_gmt_has_no_dst() {
    let emea = region_calendar("emea");
    run(
        "emea sunday",
        &emea,
        &[
            // Sun 2026-11-22 23:00 GMT: no shift starts on Sunday, next is
            // Monday 11:00.
            Covered("2026-11-22T23:00:00+00:00", false),
            Next("2026-11-22T23:00:00+00:00", "2026-11-23T11:00:00+00:00"),
            Add("2026-11-22T23:00:00+00:00", H, "2026-11-23T12:00:00+00:00"),
            // Monday 01:00: Sunday had no shift, so not covered.
            Covered("2026-11-23T01:00:00+00:00", false),
            // Tuesday 01:00: tail of Monday's shift.
            Covered("2026-11-24T01:00:00+00:00", true),
            // Saturday 01:59 is the tail of Friday's shift; 02:00 is its end
            // (half-open).
            Covered("2026-11-28T01:59:00+00:00", true),
            Covered("2026-11-28T02:00:00+00:00", false),
            // Fri Nov 27: Thursday's tail 00:00-02:00 (2h) + Friday's shift
            // 11:00-02:00 Sat (15h) = 17h.
            Between(
                "2026-11-27T00:00:00+00:00",
                "2026-11-30T00:00:00+00:00",
                17 * H,
            ),
            // Etc/GMT does not follow London's BST (2026-03-29): Monday
            // 2026-03-30 10:30Z is before 11:00 GMT.
            Covered("2026-03-30T10:30:00+00:00", false),
            Covered("2026-03-30T11:00:00+00:00", true),
        ],
    );
}

#[test]
fn due_times_land_on_the_shift_end() {
    let na = region_calendar("north-america");
    run(
        "na shift end",
        &na,
        &[
            // Wed 2026-06-10 19:00 EDT + 2h = 21:00 EDT (01:00Z Thu), not Thu 06:00.
            Add(
                "2026-06-10T19:00:00-04:00",
                2 * H,
                "2026-06-10T21:00:00-04:00",
            ),
            // A whole shift from its start ends at its end.
            Add(
                "2026-06-08T06:00:00-04:00",
                15 * H,
                "2026-06-08T21:00:00-04:00",
            ),
            // One more minute goes to the next morning.
            Add(
                "2026-06-08T06:00:00-04:00",
                15 * H + 1,
                "2026-06-09T06:01:00-04:00",
            ),
            // In EST: Tue 2026-12-01 20:00 + 1h = 21:00 EST (02:00Z Wed).
            Add("2026-12-01T20:00:00-05:00", H, "2026-12-01T21:00:00-05:00"),
            // From Saturday: Monday's whole shift, ending 21:00.
            Add(
                "2026-06-13T12:00:00-04:00",
                15 * H,
                "2026-06-15T21:00:00-04:00",
            ),
        ],
    );
    let emea = region_calendar("emea");
    run(
        "emea shift end",
        &emea,
        &[
            // Wed 11:00 + 15h = Thu 02:00, the overnight shift's end.
            Add(
                "2026-06-10T11:00:00+00:00",
                15 * H,
                "2026-06-11T02:00:00+00:00",
            ),
        ],
    );
}

#[test]
fn add_business_days_examples() {
    let na = region_calendar("north-america");
    run(
        "na business days",
        &na,
        &[
            // SPEC: Mon 10:00 + 2 = Wed 10:00.
            Days("2026-06-08T10:00:00-04:00", 2, "2026-06-10T10:00:00-04:00"),
            // SPEC: Sat + 2 = Wed 06:00. S is Monday's shift (first after T,
            // offset 0); two shifts after it: Tue, Wed -> Wed 06:00.
            Days("2026-06-13T12:00:00-04:00", 2, "2026-06-17T06:00:00-04:00"),
            // N = 0: inside a shift gives T itself; outside, the next shift start.
            Days("2026-06-08T10:00:00-04:00", 0, "2026-06-08T10:00:00-04:00"),
            Days("2026-06-13T12:00:00-04:00", 0, "2026-06-15T06:00:00-04:00"),
            // Fri 20:00 (14h in) + 1 = Mon 20:00.
            Days("2026-06-12T20:00:00-04:00", 1, "2026-06-15T20:00:00-04:00"),
            // Exactly 21:00 is outside Monday's shift (half-open): S is
            // Tuesday's shift, offset 0; one after it is Wednesday 06:00.
            Days("2026-06-08T21:00:00-04:00", 1, "2026-06-10T06:00:00-04:00"),
        ],
    );
    // The cap at the shift's end, with shifts of different lengths (UTC):
    // Mon 09:00-17:00, Tue 09:00-12:00.
    let uneven = business(
        Tz::UTC,
        vec![
            shift(Weekday::Mon, "09:00", "17:00"),
            shift(Weekday::Tue, "09:00", "12:00"),
        ],
        vec![],
    );
    run(
        "uneven",
        &uneven,
        &[
            // Mon 16:00 is 7h in; Tuesday 09:00 + 7h = 16:00, capped at 12:00.
            Days("2026-06-08T16:00:00+00:00", 1, "2026-06-09T12:00:00+00:00"),
            // Two days: next Monday 09:00 + 7h = 16:00 (fits).
            Days("2026-06-08T16:00:00+00:00", 2, "2026-06-15T16:00:00+00:00"),
            // Tue 11:00 is 2h in; next Monday 11:00.
            Days("2026-06-09T11:00:00+00:00", 1, "2026-06-15T11:00:00+00:00"),
        ],
    );
}

#[test]
fn always_open_calendar() {
    let always = Calendar::AlwaysOpen;
    run(
        "24x7",
        &always,
        &[
            // Holidays and DST do not apply; the calendar is in UTC.
            Covered("2026-12-25T12:00:00+00:00", true),
            Next("2026-12-25T12:00:00+00:00", "2026-12-25T12:00:00+00:00"),
            Between(
                "2026-03-08T00:00:00+00:00",
                "2026-03-09T00:00:00+00:00",
                24 * H,
            ),
            Between(
                "2026-12-24T00:00:00+00:00",
                "2026-12-28T00:00:00+00:00",
                96 * H,
            ),
            Add(
                "2026-12-24T22:00:00+00:00",
                4 * H,
                "2026-12-25T02:00:00+00:00",
            ),
            Add("2026-11-01T05:30:00+00:00", H, "2026-11-01T06:30:00+00:00"),
            Add("2026-06-13T12:00:00+00:00", 0, "2026-06-13T12:00:00+00:00"),
            // A business day on 24x7 is 24 hours.
            Days("2026-12-24T22:00:00+00:00", 2, "2026-12-26T22:00:00+00:00"),
            Days("2026-12-24T22:00:00+00:00", 0, "2026-12-24T22:00:00+00:00"),
        ],
    );
}

#[test]
fn adding_zero_and_empty_ranges() {
    for region in ["north-america", "emea"] {
        let cal = region_calendar(region);
        for t in [
            "2026-06-13T12:00:00Z", // Saturday: not covered, stays put
            "2026-06-10T14:00:00Z", // Wednesday: covered in both regions
            "2026-12-25T12:00:00Z", // holiday
        ] {
            let t = at(t);
            assert_eq!(
                cal.add_business_duration(t, Duration::zero()),
                t,
                "{region}"
            );
            assert_eq!(cal.business_time_between(t, t), Duration::zero());
            // to < from: zero, not negative.
            assert_eq!(
                cal.business_time_between(t + Duration::hours(5), t),
                Duration::zero()
            );
        }
    }
}

#[test]
fn policy_holiday_rules() {
    let policy = Policy::default_policy();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let holiday = |d: NaiveDate| policy.holidays.iter().any(|h| h.rule.falls_on(d));
    for d in [
        date(2026, 9, 7),
        date(2025, 9, 1),
        date(2027, 9, 6),
        date(2026, 12, 25),
        date(2027, 1, 1),
    ] {
        assert!(holiday(d), "{d} is a holiday");
    }
    for d in [
        date(2026, 9, 14),
        date(2026, 9, 1),
        date(2026, 12, 24),
        date(2026, 12, 26),
    ] {
        assert!(!holiday(d), "{d} is not a holiday");
    }
}

#[test]
fn nth_weekday_holidays() {
    // October 2026 has five Thursdays: 1, 8, 15, 22, 29. November 2026 has
    // four: 5, 12, 19, 26 (its fourth is also its last).
    let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let rule = |month, nth| Holiday::NthWeekday {
        month,
        weekday: Weekday::Thu,
        nth,
    };
    let october = [1, 8, 15, 22, 29];
    for (nth, day) in [
        (Nth::First, 1),
        (Nth::Second, 8),
        (Nth::Third, 15),
        (Nth::Fourth, 22),
        (Nth::Last, 29),
    ] {
        for other in october {
            assert_eq!(
                rule(10, nth).falls_on(date(10, other)),
                other == day,
                "{nth:?} Thursday of October 2026 vs Oct {other}"
            );
        }
        // Same weekday, other month: never.
        assert!(!rule(9, nth).falls_on(date(10, day)));
    }
    assert!(rule(11, Nth::Fourth).falls_on(date(11, 26)));
    assert!(rule(11, Nth::Last).falls_on(date(11, 26)));
    // Not a Thursday.
    assert!(!rule(10, Nth::First).falls_on(date(10, 2)));

    // On a calendar: fourth Thursday of October off, Thursdays 09:00-17:00 UTC.
    let cal = business(
        Tz::UTC,
        vec![shift(Weekday::Thu, "09:00", "17:00")],
        vec![rule(10, Nth::Fourth)],
    );
    run(
        "fourth thursday",
        &cal,
        &[
            Covered("2026-10-22T12:00:00+00:00", false),
            Covered("2026-10-29T12:00:00+00:00", true),
            // Oct 15 16:00 + 2h: 1h on Oct 15, Oct 22 skipped, 1h on Oct 29.
            Add(
                "2026-10-15T16:00:00+00:00",
                2 * H,
                "2026-10-29T10:00:00+00:00",
            ),
        ],
    );
}

// ---------------------------------------------------------------------------
// Initial-response due instants: every severity x plan x region
// ---------------------------------------------------------------------------

fn open_case(
    severity: u8,
    plan: &str,
    region: &str,
    opened: DateTime<Utc>,
    phone: Option<DateTime<Utc>>,
) -> Case {
    let intake = Intake {
        facts: Facts {
            title: "Search is down".into(),
            account: "acme".into(),
            plan: plan.into(),
            region: region.into(),
            language: "en".into(),
        },
        severity,
        channel: if severity == 1 { "phone" } else { "community" }.into(),
        contacts: vec![Contact {
            name: "Ann Smith".into(),
            email: "ann@example.com".into(),
        }],
        related: vec![],
        policy_version: "2026.1".into(),
    };
    let mut case = Case::open(
        1042,
        Event {
            at: opened,
            by: "tester".into(),
            kind: EventKind::Created(intake),
        },
    )
    .expect("opens");
    if let Some(phone) = phone {
        case.record(Event {
            at: phone,
            by: "tester".into(),
            kind: EventKind::PhoneContact {
                call: Some(cases::case::PhoneCall::Voicemail),
                note: None,
            },
        })
        .expect("phone contact");
    }
    case
}

/// `(severity, plan, region, due)`: the initial-response due instant (UTC).
type DueRow = (u8, &'static str, &'static str, &'static str);

fn check_due_table(opened: &str, phone: &str, rows: &[DueRow]) {
    let policy = Policy::default_policy();
    let (opened, phone) = (at(opened), at(phone));
    let now = at("2027-06-01T00:00:00Z");
    // All 4 x 3 x 2 combinations, each once.
    let mut seen: Vec<(u8, &str, &str)> = rows.iter().map(|r| (r.0, r.1, r.2)).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        24,
        "every severity x plan x region exactly once"
    );
    assert_eq!(rows.len(), 24);
    for &(severity, plan, region, due) in rows {
        let case = open_case(severity, plan, region, opened, Some(phone));
        let readings = clocks(&case, &policy, now).expect("clocks");
        let reading = readings
            .iter()
            .find(|r| r.clock == ClockKind::InitialResponse)
            .expect("initial-response clock");
        let label = format!("sev{severity} {plan} {region}");
        let expected_start = if severity == 1 { phone } else { opened };
        assert_eq!(reading.started_at, Some(expected_start), "{label}: start");
        assert_eq!(
            reading.due_at.map(utc).as_deref(),
            Some(due),
            "{label}: due"
        );
        assert_eq!(reading.stopped_at, None, "{label}");
        assert_eq!(
            reading.status,
            ClockStatus::Breached,
            "{label}: {now} is past due"
        );
    }
    // A sev1 with no phone contact yet has not started.
    let case = open_case(1, "premium", "emea", opened, None);
    let reading = &clocks(&case, &policy, now).unwrap()[0];
    assert_eq!(
        (reading.started_at, reading.due_at, reading.status),
        (None, None, ClockStatus::Waiting)
    );
}

#[test]
fn initial_response_due_christmas_week() {
    // Opened Thu 2026-12-24 15:00Z: 10:00 EST in north-america, 15:00 GMT in
    // emea. Sev1 is phoned in at 22:30Z and runs 24x7 (Christmas included,
    // the region does not matter): +4h / +2h / +1h.
    //
    // north-america: Thursday left 10:00-21:00 EST = 11h; Fri Dec 25 holiday;
    // Mon Dec 28 06:00-21:00 EST (11:00Z-02:00Z).
    //   8h  -> Thu 18:00 EST = 23:00Z    4h -> 14:00 EST = 19:00Z
    //   2h  -> 12:00 EST = 17:00Z        6h -> 16:00 EST = 21:00Z
    //   12h -> 11h + 1h  -> Mon 07:00 EST = Dec 28 12:00Z
    //   24h -> 11h + 13h -> Mon 19:00 EST = Dec 29 00:00Z
    // emea: Thursday's shift is trimmed at Dec 25 00:00 -> 15:00-24:00 = 9h;
    // next Mon Dec 28 11:00 - Tue 02:00 (15h).
    //   8h -> 23:00Z   4h -> 19:00Z   2h -> 17:00Z   6h -> 21:00Z
    //   12h -> 9h + 3h  -> Mon Dec 28 14:00Z
    //   24h -> 9h + 15h -> Tue Dec 29 02:00Z, exactly the shift's end
    check_due_table(
        "2026-12-24T15:00:00Z",
        "2026-12-24T22:30:00Z",
        &[
            (1, "basic", "north-america", "2026-12-25T02:30:00Z"),
            (1, "plus", "north-america", "2026-12-25T00:30:00Z"),
            (1, "premium", "north-america", "2026-12-24T23:30:00Z"),
            (1, "basic", "emea", "2026-12-25T02:30:00Z"),
            (1, "plus", "emea", "2026-12-25T00:30:00Z"),
            (1, "premium", "emea", "2026-12-24T23:30:00Z"),
            (2, "basic", "north-america", "2026-12-24T23:00:00Z"),
            (2, "plus", "north-america", "2026-12-24T19:00:00Z"),
            (2, "premium", "north-america", "2026-12-24T17:00:00Z"),
            (2, "basic", "emea", "2026-12-24T23:00:00Z"),
            (2, "plus", "emea", "2026-12-24T19:00:00Z"),
            (2, "premium", "emea", "2026-12-24T17:00:00Z"),
            (3, "basic", "north-america", "2026-12-28T12:00:00Z"),
            (3, "plus", "north-america", "2026-12-28T12:00:00Z"),
            (3, "premium", "north-america", "2026-12-24T21:00:00Z"),
            (3, "basic", "emea", "2026-12-28T14:00:00Z"),
            (3, "plus", "emea", "2026-12-28T14:00:00Z"),
            (3, "premium", "emea", "2026-12-24T21:00:00Z"),
            (4, "basic", "north-america", "2026-12-29T00:00:00Z"),
            (4, "plus", "north-america", "2026-12-29T00:00:00Z"),
            (4, "premium", "north-america", "2026-12-28T12:00:00Z"),
            (4, "basic", "emea", "2026-12-29T02:00:00Z"),
            (4, "plus", "emea", "2026-12-29T02:00:00Z"),
            (4, "premium", "emea", "2026-12-28T14:00:00Z"),
        ],
    );
}

#[test]
fn initial_response_due_across_spring_forward() {
    // Opened Fri 2026-03-06 23:30Z: 18:30 EST in north-america (shift until
    // 21:00 EST = 02:00Z Sat), 23:30 GMT in emea (shift until 02:00 Sat). Both
    // have 2h30 left on Friday. Sev1 is phoned in on Sun 2026-03-08 05:30Z
    // (00:30 EST); 24x7 counts real time across the jump:
    //   +4h = 09:30Z (05:30 EDT)  +2h = 07:30Z (03:30 EDT)  +1h = 06:30Z (01:30 EST)
    //
    // north-america: Monday Mar 9 is EDT, 06:00-21:00 EDT = 10:00Z-01:00Z.
    //   8h  -> 2h30 + 5h30 -> Mon 11:30 EDT = 15:30Z
    //   4h  -> 2h30 + 1h30 -> Mon 07:30 EDT = 11:30Z
    //   2h  -> Fri 20:30 EST = Sat 01:30Z
    //   12h -> 2h30 + 9h30 -> Mon 15:30 EDT = 19:30Z
    //   6h  -> 2h30 + 3h30 -> Mon 09:30 EDT = 13:30Z
    //   24h -> 2h30 + 15h (Mon) + 6h30 -> Tue 12:30 EDT = Mar 10 16:30Z
    // emea (no DST): Monday 11:00-02:00.
    //   8h -> Mon 16:30Z   4h -> Mon 12:30Z   2h -> Sat 01:30Z
    //   12h -> Mon 20:30Z  6h -> Mon 14:30Z
    //   24h -> 2h30 + 15h + 6h30 -> Tue 17:30Z
    check_due_table(
        "2026-03-06T23:30:00Z",
        "2026-03-08T05:30:00Z",
        &[
            (1, "basic", "north-america", "2026-03-08T09:30:00Z"),
            (1, "plus", "north-america", "2026-03-08T07:30:00Z"),
            (1, "premium", "north-america", "2026-03-08T06:30:00Z"),
            (1, "basic", "emea", "2026-03-08T09:30:00Z"),
            (1, "plus", "emea", "2026-03-08T07:30:00Z"),
            (1, "premium", "emea", "2026-03-08T06:30:00Z"),
            (2, "basic", "north-america", "2026-03-09T15:30:00Z"),
            (2, "plus", "north-america", "2026-03-09T11:30:00Z"),
            (2, "premium", "north-america", "2026-03-07T01:30:00Z"),
            (2, "basic", "emea", "2026-03-09T16:30:00Z"),
            (2, "plus", "emea", "2026-03-09T12:30:00Z"),
            (2, "premium", "emea", "2026-03-07T01:30:00Z"),
            (3, "basic", "north-america", "2026-03-09T19:30:00Z"),
            (3, "plus", "north-america", "2026-03-09T19:30:00Z"),
            (3, "premium", "north-america", "2026-03-09T13:30:00Z"),
            (3, "basic", "emea", "2026-03-09T20:30:00Z"),
            (3, "plus", "emea", "2026-03-09T20:30:00Z"),
            (3, "premium", "emea", "2026-03-09T14:30:00Z"),
            (4, "basic", "north-america", "2026-03-10T16:30:00Z"),
            (4, "plus", "north-america", "2026-03-10T16:30:00Z"),
            (4, "premium", "north-america", "2026-03-09T19:30:00Z"),
            (4, "basic", "emea", "2026-03-10T17:30:00Z"),
            (4, "plus", "emea", "2026-03-10T17:30:00Z"),
            (4, "premium", "emea", "2026-03-09T20:30:00Z"),
        ],
    );
}

// ---------------------------------------------------------------------------
// Minute-by-minute reference
// ---------------------------------------------------------------------------

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// A holiday as the property test generates it; converts to the library's
/// [`Holiday`] and decides dates on its own.
#[derive(Debug, Clone, Copy)]
enum HolidaySpec {
    Fixed {
        month: u32,
        day: u32,
    },
    /// `nth`: 0-3 first to fourth, 4 last.
    Nth {
        month: u32,
        weekday: usize,
        nth: usize,
    },
}

impl HolidaySpec {
    fn to_holiday(self) -> Holiday {
        match self {
            HolidaySpec::Fixed { month, day } => Holiday::Fixed { month, day },
            HolidaySpec::Nth {
                month,
                weekday,
                nth,
            } => Holiday::NthWeekday {
                month,
                weekday: WEEKDAYS[weekday],
                nth: [Nth::First, Nth::Second, Nth::Third, Nth::Fourth, Nth::Last][nth],
            },
        }
    }

    /// Lists the month's dates with that weekday and picks one.
    fn falls_on(self, date: NaiveDate) -> bool {
        match self {
            HolidaySpec::Fixed { month, day } => date.month() == month && date.day() == day,
            HolidaySpec::Nth {
                month,
                weekday,
                nth,
            } => {
                if date.month() != month {
                    return false;
                }
                let same: Vec<NaiveDate> = (1..=31)
                    .filter_map(|d| NaiveDate::from_ymd_opt(date.year(), month, d))
                    .filter(|d| d.weekday() == WEEKDAYS[weekday])
                    .collect();
                let pick = if nth == 4 { same.last() } else { same.get(nth) };
                pick == Some(&date)
            }
        }
    }
}

/// A weekly shift as generated: weekday index, start and end in minutes
/// after local midnight (end may be 1440 = 24:00).
type ShiftSpec = (usize, u32, u32);

fn shift_length(&(_, start, end): &ShiftSpec) -> u32 {
    if end <= start {
        end + 1440 - start
    } else {
        end - start
    }
}

/// True when the two shifts share a minute of the (circular) week.
fn reference_overlaps(a: &ShiftSpec, b: &ShiftSpec) -> bool {
    const WEEK: usize = 7 * 1440;
    let minutes = |s: &ShiftSpec| {
        let first = s.0 * 1440 + s.1 as usize;
        (0..shift_length(s) as usize).map(move |k| (first + k) % WEEK)
    };
    let mut taken = vec![false; WEEK];
    for m in minutes(a) {
        taken[m] = true;
    }
    for m in minutes(b) {
        if taken[m] {
            return true;
        }
    }
    false
}

/// A local date, whether it is a holiday, and the `[start, end)` of every
/// shift occurrence that could cover one of its minutes.
type DayCoverage = (NaiveDate, bool, Vec<(i64, i64)>);

/// The SPEC's rules applied one minute at a time. Instants are whole minutes
/// since the Unix epoch.
struct Reference {
    tz: Tz,
    shifts: Vec<ShiftSpec>,
    holidays: Vec<HolidaySpec>,
    instants: RefCell<HashMap<NaiveDateTime, i64>>,
    /// The coverage of the local date looked at last.
    day: RefCell<Option<DayCoverage>>,
}

impl Reference {
    fn new(tz: Tz, shifts: Vec<ShiftSpec>, holidays: Vec<HolidaySpec>) -> Self {
        Reference {
            tz,
            shifts,
            holidays,
            instants: RefCell::new(HashMap::new()),
            day: RefCell::new(None),
        }
    }

    fn local(&self, minute: i64) -> NaiveDateTime {
        DateTime::from_timestamp(minute * 60, 0)
            .expect("in range")
            .with_timezone(&self.tz)
            .naive_local()
    }

    fn offset_minutes(&self, minute: i64) -> i64 {
        let utc = DateTime::from_timestamp(minute * 60, 0)
            .expect("in range")
            .naive_utc();
        i64::from(
            self.tz
                .offset_from_utc_datetime(&utc)
                .fix()
                .local_minus_utc(),
        ) / 60
    }

    /// SPEC: a local time becomes the earliest instant whose local time is at
    /// or after it. That is the instant itself for a normal time, the first
    /// occurrence of an ambiguous one, and the end of the gap for one that
    /// does not exist. Found by trying every minute of the window the zone's
    /// offsets allow.
    fn instant_of(&self, naive: NaiveDateTime) -> i64 {
        if let Some(&known) = self.instants.borrow().get(&naive) {
            return known;
        }
        let base = naive.and_utc().timestamp() / 60;
        let offsets: Vec<i64> = (-16..=16)
            .map(|h| self.offset_minutes(base + h * 60))
            .collect();
        let (low, high) = (
            base - offsets.iter().max().unwrap(),
            base - offsets.iter().min().unwrap(),
        );
        let found = (low..=high)
            .find(|&u| self.local(u) >= naive)
            .unwrap_or_else(|| panic!("no instant for {naive}"));
        self.instants.borrow_mut().insert(naive, found);
        found
    }

    fn is_holiday(&self, date: NaiveDate) -> bool {
        self.holidays.iter().any(|h| h.falls_on(date))
    }

    /// `[start, end)` of every shift that starts on `date` (none on a
    /// holiday), before any holiday trimming.
    fn occurrences_on(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        if self.is_holiday(date) {
            return Vec::new();
        }
        let midnight = date.and_hms_opt(0, 0, 0).unwrap();
        let mut out: Vec<(i64, i64)> = self
            .shifts
            .iter()
            .filter(|s| WEEKDAYS[s.0] == date.weekday())
            .map(|&(_, start, end)| {
                let start_local = midnight + Duration::minutes(i64::from(start));
                // Ends the next day when end <= start; 24:00 is the next midnight.
                let end_local = if end <= start {
                    midnight + Duration::days(1) + Duration::minutes(i64::from(end))
                } else {
                    midnight + Duration::minutes(i64::from(end))
                };
                (self.instant_of(start_local), self.instant_of(end_local))
            })
            .collect();
        out.sort();
        out
    }

    /// SPEC: a minute is covered when some shift occurrence's interval
    /// contains it and its own local date is not a holiday.
    fn covered(&self, minute: i64) -> bool {
        let date = self.local(minute).date();
        let mut day = self.day.borrow_mut();
        if day.as_ref().map(|d| d.0) != Some(date) {
            let holiday = self.is_holiday(date);
            let mut intervals = Vec::new();
            // Shifts last at most a day (a little more across DST), so only
            // those starting the two days before, that day or the next can
            // contain one of its minutes.
            for delta in -2..=1 {
                intervals.extend(self.occurrences_on(date + Duration::days(delta)));
            }
            *day = Some((date, holiday, intervals));
        }
        let (_, holiday, intervals) = day.as_ref().unwrap();
        !holiday && intervals.iter().any(|&(s, e)| s <= minute && minute < e)
    }

    fn between(&self, from: i64, to: i64) -> i64 {
        (from..to).filter(|&m| self.covered(m)).count() as i64
    }

    /// The earliest `u >= t` with `amount` covered minutes in `[t, u)`.
    fn add(&self, t: i64, amount: i64) -> i64 {
        if amount == 0 {
            return t;
        }
        let mut counted = 0;
        for m in t.. {
            if self.covered(m) {
                counted += 1;
                if counted == amount {
                    return m + 1;
                }
            }
            assert!(m - t < 400 * 1440, "reference add ran away");
        }
        unreachable!()
    }

    fn next_covered(&self, t: i64) -> i64 {
        (t..t + 400 * 1440)
            .find(|&m| self.covered(m))
            .expect("coverage within 400 days")
    }

    /// SPEC "N business days after T", with the covered (holiday-trimmed)
    /// shifts listed date by date.
    fn add_days(&self, t: i64, days: u32) -> i64 {
        let first_date = self.local(t).date() - Duration::days(2);
        let mut shifts = Vec::new();
        for k in 0..7 * (i64::from(days) + 10) {
            let date = first_date + Duration::days(k);
            for (start, end) in self.occurrences_on(date) {
                // The shift's own date is not a holiday; only its minutes on
                // the next local date can fall on one.
                let mut trimmed = end;
                if self.is_holiday(date + Duration::days(1)) {
                    trimmed = (start..end)
                        .find(|&m| self.is_holiday(self.local(m).date()))
                        .unwrap_or(end);
                }
                if trimmed > start {
                    shifts.push((start, trimmed));
                }
            }
        }
        shifts.sort();
        let (index, offset) = match shifts.iter().position(|&(s, e)| s <= t && t < e) {
            Some(i) => (i, t - shifts[i].0),
            None => (
                shifts
                    .iter()
                    .position(|&(s, _)| s > t)
                    .expect("a shift after t"),
                0,
            ),
        };
        let (start, end) = shifts[index + days as usize];
        (start + offset).min(end)
    }
}

fn minute_instant(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).expect("in range")
}

fn minute_of(t: &str) -> i64 {
    at(t).timestamp() / 60
}

/// The zones the property draws from, each with its DST changes in
/// 2025-2028 (UTC instants; Etc/GMT has none).
const ZONES: &[(Tz, &[&str])] = &[
    (
        chrono_tz::America::Toronto,
        &[
            "2025-03-09T07:00:00Z",
            "2025-11-02T06:00:00Z",
            "2026-03-08T07:00:00Z",
            "2026-11-01T06:00:00Z",
            "2027-03-14T07:00:00Z",
            "2027-11-07T06:00:00Z",
            "2028-03-12T07:00:00Z",
            "2028-11-05T06:00:00Z",
        ],
    ),
    (
        chrono_tz::Europe::London,
        &[
            "2025-03-30T01:00:00Z",
            "2025-10-26T01:00:00Z",
            "2026-03-29T01:00:00Z",
            "2026-10-25T01:00:00Z",
            "2027-03-28T01:00:00Z",
            "2027-10-31T01:00:00Z",
            "2028-03-26T01:00:00Z",
            "2028-10-29T01:00:00Z",
        ],
    ),
    (chrono_tz::Etc::GMT, &[]),
    (
        chrono_tz::Australia::Lord_Howe,
        &[
            "2025-04-05T15:00:00Z",
            "2025-10-04T15:30:00Z",
            "2026-04-04T15:00:00Z",
            "2026-10-03T15:30:00Z",
            "2027-04-03T15:00:00Z",
            "2027-10-02T15:30:00Z",
            "2028-04-01T15:00:00Z",
            "2028-09-30T15:30:00Z",
        ],
    ),
];

#[test]
fn property_anchors_are_the_zones_dst_changes() {
    // Guards the property test's bias: each anchor is an instant at which
    // its zone's UTC offset changes.
    for (tz, changes) in ZONES {
        for change in *changes {
            let t = at(change);
            let offset = |t: DateTime<Utc>| tz.offset_from_utc_datetime(&t.naive_utc()).fix();
            assert_ne!(offset(t - Duration::minutes(1)), offset(t), "{tz} {change}");
        }
    }
}

/// Year-ends, where the fixed holidays of the generated calendars often are.
const YEAR_ENDS: &[&str] = &[
    "2025-12-25T00:00:00Z",
    "2026-12-25T00:00:00Z",
    "2027-01-01T00:00:00Z",
    "2028-01-01T00:00:00Z",
];

/// A zone and a whole-minute instant in 2025-2028: mostly within two days
/// before to one day after one of that zone's DST changes.
fn zone_and_instant() -> impl Strategy<Value = (Tz, i64)> {
    let (first, last) = (
        minute_of("2025-01-01T00:00:00Z"),
        minute_of("2028-12-31T23:59:00Z"),
    );
    (0..ZONES.len()).prop_flat_map(move |zone| {
        let (tz, changes) = ZONES[zone];
        let mut anchors: Vec<&'static str> = changes.to_vec();
        if anchors.is_empty() {
            anchors = YEAR_ENDS.to_vec();
        }
        let minute = prop_oneof![
            1 => first..=last,
            1 => (prop::sample::select(YEAR_ENDS), -3 * 1440i64..=3 * 1440)
                .prop_map(|(anchor, delta)| minute_of(anchor) + delta),
            4 => (prop::sample::select(anchors), -2 * 1440i64..=1440)
                .prop_map(|(anchor, delta)| minute_of(anchor) + delta),
        ];
        (Just(tz), minute)
    })
}

/// Times of day, often near the DST switches (01:00-03:00 local) and the
/// policy's own boundaries.
fn time_of_day() -> impl Strategy<Value = u32> {
    prop_oneof![
        3 => prop::sample::select(vec![
            0u32, 30, 60, 90, 105, 120, 135, 150, 165, 180, 360, 660, 1260, 1320, 1380, 1410,
        ]),
        2 => (0u32..96).prop_map(|q| q * 15),
        1 => 0u32..1440,
    ]
}

fn weekly_shift() -> impl Strategy<Value = ShiftSpec> {
    let end = prop_oneof![4 => time_of_day(), 1 => Just(1440u32)];
    // DST changes happen on Sundays: favour Sunday shifts and Saturday
    // overnight ones.
    let weekday = prop_oneof![3 => Just(6usize), 2 => Just(5usize), 3 => 0usize..7];
    (weekday, time_of_day(), end)
}

fn holiday_spec() -> impl Strategy<Value = HolidaySpec> {
    use HolidaySpec::{Fixed, Nth as N};
    prop_oneof![
        2 => (1u32..=12, 1u32..=31).prop_map(|(month, day)| Fixed { month, day }),
        2 => (1u32..=12, 0usize..7, 0usize..5)
            .prop_map(|(month, weekday, nth)| N { month, weekday, nth }),
        // DST days in the zones above, and year-end.
        3 => prop::sample::select(vec![
            Fixed { month: 3, day: 8 },
            Fixed { month: 11, day: 1 },
            Fixed { month: 3, day: 29 },
            Fixed { month: 10, day: 25 },
            Fixed { month: 4, day: 5 },
            Fixed { month: 10, day: 4 },
            Fixed { month: 12, day: 25 },
            Fixed { month: 1, day: 1 },
            N { month: 3, weekday: 6, nth: 1 },  // US/Canada spring forward
            N { month: 11, weekday: 6, nth: 0 }, // US/Canada fall back
            N { month: 3, weekday: 6, nth: 4 },  // EU spring forward
            N { month: 10, weekday: 6, nth: 4 }, // EU fall back
            N { month: 4, weekday: 6, nth: 0 },  // Lord Howe fall back
            N { month: 10, weekday: 6, nth: 0 }, // Lord Howe spring forward
            N { month: 3, weekday: 5, nth: 1 },  // a Saturday before one
            N { month: 9, weekday: 0, nth: 0 },  // Labour Day
        ]),
    ]
}

/// Business durations in minutes, up to three days.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![1 => Just(0i64), 2 => 1i64..=300, 2 => 0i64..=3 * 1440]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn calendar_agrees_with_minute_by_minute_reference(
        (tz, t) in zone_and_instant(),
        raw_shifts in prop::collection::vec(weekly_shift(), 1..=6),
        holidays in prop::collection::vec(holiday_spec(), 0..=3),
        span in prop_oneof![1 => -120i64..=0, 4 => 0i64..=3 * 1440],
        amount in amount(),
        days in 0u32..=6,
    ) {
        // Keep each generated shift that BusinessCalendar::new accepts next
        // to the ones kept so far; it must reject exactly the overlapping ones.
        let mut kept: Vec<ShiftSpec> = Vec::new();
        let mut weekly: Vec<WeeklyShift> = Vec::new();
        for spec in raw_shifts {
            let candidate = WeeklyShift {
                weekday: WEEKDAYS[spec.0],
                start: TimeOfDay::from_minutes(spec.1 as u16).unwrap(),
                end: TimeOfDay::from_minutes(spec.2 as u16).unwrap(),
            };
            let overlaps = kept.iter().any(|k| reference_overlaps(k, &spec));
            let mut trial = weekly.clone();
            trial.push(candidate);
            match BusinessCalendar::new(tz, trial, vec![]) {
                Ok(_) => {
                    prop_assert!(!overlaps, "accepted overlapping {spec:?} with {kept:?}");
                    kept.push(spec);
                    weekly.push(candidate);
                }
                Err(CalendarError::Overlap { .. }) => {
                    prop_assert!(overlaps, "rejected {spec:?} with {kept:?}");
                }
                Err(other) => prop_assert!(false, "unexpected rejection: {other}"),
            }
        }
        let calendar = Calendar::Business(
            BusinessCalendar::new(
                tz,
                weekly,
                holidays.iter().map(|h| h.to_holiday()).collect(),
            )
            .unwrap(),
        );
        let reference = Reference::new(tz, kept.clone(), holidays.clone());
        // At most two weeks' worth of coverage, so the reference's scan stays short.
        let weekly_minutes: i64 = kept.iter().map(|s| i64::from(shift_length(s))).sum();
        let amount = amount.min(2 * weekly_minutes);
        let context = format!(
            "tz {tz}, shifts {kept:?}, holidays {holidays:?}, t {}",
            utc(minute_instant(t))
        );
        let instant = minute_instant(t);

        prop_assert_eq!(calendar.is_covered(instant), reference.covered(t), "{}", context);
        prop_assert_eq!(
            calendar.next_covered_instant(instant),
            minute_instant(reference.next_covered(t)),
            "next_covered_instant; {}", context
        );
        prop_assert_eq!(
            calendar.business_time_between(instant, minute_instant(t + span)),
            Duration::minutes(reference.between(t, t + span)),
            "business_time_between(+{} min); {}", span, context
        );
        prop_assert_eq!(
            calendar.add_business_duration(instant, Duration::minutes(amount)),
            minute_instant(reference.add(t, amount)),
            "add_business_duration({} min); {}", amount, context
        );
        prop_assert_eq!(
            calendar.add_business_days(instant, days),
            minute_instant(reference.add_days(t, days)),
            "add_business_days({}); {}", days, context
        );
    }
}
