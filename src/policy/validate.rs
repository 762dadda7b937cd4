//! Turns a [`RawPolicy`] into a [`Policy`], collecting every problem as
//! `(path, message)` instead of stopping at the first one.

use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::duration::{parse_duration, parse_wait, DURATION_HELP};
use super::raw::{RawHoliday, RawPolicy, RawRegion, RawShift};
use super::set::{is_version_name, VERSION_NAME_RULE};
use super::*;
use crate::calendar::{parse_weekday, BusinessCalendar, Holiday, Nth, TimeOfDay, WeeklyShift};

type Problems = Vec<(String, Problem)>;

pub fn validate(raw: RawPolicy) -> Result<Policy, Problems> {
    let mut problems = Problems::new();
    let mut problem = |path: String, found: Problem| problems.push((path, found));

    let effective = version_fields(&raw, &mut problem);
    check_names("plans", &raw.plans, &mut problem);

    let holidays: Vec<NamedHoliday> = raw
        .holidays
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            holiday(h)
                .map_err(|m| problem(format!("holidays[{i}]"), Problem::rule(m)))
                .ok()
        })
        .collect();
    let holiday_rules: Vec<Holiday> = holidays.iter().map(|h| h.rule).collect();

    let mut severities = Vec::new();
    if raw.severities.is_empty() {
        problem(
            "severities".into(),
            Problem::rule("at least one severity is required"),
        );
    }
    for i in 0..raw.severities.len() {
        severities.extend(severity(&raw, i, &mut problem));
    }
    next_response_everywhere_or_nowhere(&raw, &mut problem);
    severities.sort_by_key(|s| s.level);

    let mut regions = Vec::new();
    if raw.regions.is_empty() {
        problem(
            "regions".into(),
            Problem::rule("at least one region is required"),
        );
    }
    for (name, r) in &raw.regions {
        regions.extend(region(name, r, &holiday_rules, &mut problem));
    }

    check_names("intake.channels", &raw.intake.channels, &mut problem);
    let desk = calendar(
        "escalation.desk",
        &raw.escalation.desk.time_zone,
        &raw.escalation.desk.shifts,
        &holiday_rules,
        &mut problem,
    );
    let follow_up = positive_duration(
        "escalation.follow_up",
        &raw.escalation.follow_up,
        &mut problem,
    );
    check_names("escalation.roles", &raw.escalation.roles, &mut problem);
    check_names(
        "escalation.closing_outcomes",
        &raw.escalation.closing_outcomes,
        &mut problem,
    );

    let (auto_close_after, after_last_follow_up) = auto_close_waits(&raw, &mut problem);
    let reopen_window = positive_duration("reopen.window", &raw.reopen.window, &mut problem);
    let permissions = permissions(&raw, &mut problem);

    match (
        desk,
        follow_up,
        auto_close_after,
        after_last_follow_up,
        reopen_window,
    ) {
        (
            Some(desk),
            Some(follow_up),
            Some(after),
            Some(after_last_follow_up),
            Some(reopen_window),
        ) if problems.is_empty() => Ok(Policy {
            version: raw.version,
            effective,
            previous: raw.previous.map(|p| p.trim().to_string()),
            plans: raw.plans,
            severities,
            regions,
            holidays,
            intake: Intake {
                channels: raw.intake.channels,
                refused: raw.intake.refused,
                refused_message: raw.intake.refused_message.trim().to_string(),
                international_phone: raw
                    .international_phone
                    .unwrap_or_else(|| Intake::DEFAULT_INTERNATIONAL_PHONE.to_string()),
            },
            escalation: EscalationRules {
                desk,
                follow_up,
                roles: raw.escalation.roles,
                closing_outcomes: raw.escalation.closing_outcomes,
            },
            auto_close: AutoCloseRule {
                follow_ups: raw.auto_close.follow_ups,
                after,
                after_last_follow_up,
            },
            reopen_window,
            permissions,
            customer_status: raw.customer_status.is_some_and(|c| c.enabled),
        }),
        _ => Err(problems),
    }
}

/// The most follow-ups an auto-close rule may require before closing.
pub const MAX_FOLLOW_UPS: u32 = 100;

const NAME_RULE: &str = "must be lowercase letters, digits and dashes";

/// The version's own fields: its name, when it takes effect and the
/// version it replaces; the instant it takes effect, if valid.
fn version_fields(
    raw: &RawPolicy,
    problem: &mut impl FnMut(String, Problem),
) -> Option<DateTime<Utc>> {
    if raw.version.trim().is_empty() {
        problem("version".into(), Problem::rule("must not be empty"));
    }
    let effective = raw.effective.as_deref().and_then(|text| {
        DateTime::parse_from_rfc3339(text.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                problem(
                    "effective".into(),
                    Problem::rule(format!(
                        "bad instant {text:?}: {e} (allowed: RFC 3339, e.g. 2027-01-01T00:00:00Z)"
                    )),
                )
            })
            .ok()
    });
    match raw.previous.as_deref().map(str::trim) {
        Some(previous) if previous == raw.version.trim() => problem(
            "previous".into(),
            Problem::rule(format!("a version cannot replace itself ({previous:?})")),
        ),
        Some(previous) if !is_version_name(previous) => problem(
            "previous".into(),
            Problem::rule(format!(
                "{previous:?} is not a version name ({VERSION_NAME_RULE})"
            )),
        ),
        _ => {}
    }
    if raw.previous.is_some() && raw.effective.is_none() {
        problem(
            "effective".into(), Problem::rule("a version that replaces another needs the instant it takes effect (effective: RFC 3339)"));
    }
    effective
}

/// Severity `i` of the policy (`severities[i]`), if valid; a level or name
/// used by an earlier severity is a problem.
fn severity(
    raw: &RawPolicy,
    i: usize,
    problem: &mut impl FnMut(String, Problem),
) -> Option<SeverityRule> {
    let s = &raw.severities[i];
    let path = format!("severities[{i}]");
    if raw.severities[..i]
        .iter()
        .any(|other| other.level == s.level)
    {
        problem(
            format!("{path}.level"),
            Problem::rule(format!("level {} is defined twice", s.level)),
        );
    }
    if raw.severities[..i].iter().any(|other| other.name == s.name) {
        problem(
            format!("{path}.name"),
            Problem::rule(format!("name {:?} is used twice", s.name)),
        );
    }
    if s.level == 0 || s.name.trim().is_empty() {
        problem(
            path.clone(),
            Problem::rule("a severity needs a level of 1 or more and a name"),
        );
    }
    let clock = one_of(
        format!("{path}.clock"),
        "clock",
        &s.clock,
        &[
            ("24x7", ClockCalendar::AlwaysOpen),
            ("business-hours", ClockCalendar::BusinessHours),
        ],
        problem,
    );
    let response_starts = one_of(
        format!("{path}.response_starts"),
        "start",
        &s.response_starts,
        &[
            ("opened", ResponseStart::Opened),
            ("first-phone-contact", ResponseStart::FirstPhoneContact),
        ],
        problem,
    );
    let follow_up = one_of(
        format!("{path}.escalation_follow_up_clock"),
        "clock",
        &s.escalation_follow_up_clock,
        &[
            ("24x7", FollowUpCalendar::AlwaysOpen),
            ("desk", FollowUpCalendar::Desk),
        ],
        problem,
    );
    let escalation_after = parse_wait(&s.escalation_after).or_else(|| {
        problem(
            format!("{path}.escalation_after"),
            Problem::malformed(
                "wait",
                s.escalation_after.as_str(),
                format!("{DURATION_HELP}, \"N business days\", or never"),
            ),
        );
        None
    });
    let targets = plan_targets(
        raw,
        &path,
        "response_targets",
        &s.response_targets,
        s.level,
        problem,
    );
    let next_targets = s
        .next_response_targets
        .as_ref()
        .map(|next| plan_targets(raw, &path, "next_response_targets", next, s.level, problem));
    Some(SeverityRule {
        level: s.level,
        name: s.name.clone(),
        description: s.description.trim().to_string(),
        examples: s.examples.clone(),
        clock: clock?,
        response_starts: response_starts?,
        response_targets: targets,
        next_response_targets: next_targets,
        escalation_after: escalation_after?,
        escalation_follow_up_clock: follow_up?,
    })
}

/// A next-response clock is the policy's, not one severity's: once a
/// severity has `next_response_targets`, every severity has them, so a
/// severity change never leaves a running clock without a target.
fn next_response_everywhere_or_nowhere(raw: &RawPolicy, problem: &mut impl FnMut(String, Problem)) {
    let Some(with) = raw
        .severities
        .iter()
        .find(|s| s.next_response_targets.is_some())
    else {
        return;
    };
    for (i, s) in raw.severities.iter().enumerate() {
        if s.next_response_targets.is_none() {
            problem(
                format!("severities[{i}]"),
                Problem::rule(format!(
                    "missing next_response_targets: severity {} has them, so every severity needs them (or remove them all to turn the next-response clock off)",
                    with.level
                )),
            );
        }
    }
}

/// A severity's targets per plan (`field` of `severities[i]` at `path`):
/// one positive duration for every plan of the policy, and no other plan.
fn plan_targets(
    raw: &RawPolicy,
    path: &str,
    field: &str,
    written: &std::collections::BTreeMap<String, String>,
    level: u8,
    problem: &mut impl FnMut(String, Problem),
) -> Vec<(String, Duration)> {
    let mut targets = Vec::new();
    for plan in &raw.plans {
        match written.get(plan) {
            None => problem(
                format!("{path}.{field}"),
                Problem::rule(format!(
                    "missing the target for plan {plan:?} (severity {level})"
                )),
            ),
            Some(text) => match parse_duration(text) {
                Some(target) if target > Duration::zero() => targets.push((plan.clone(), target)),
                _ => problem(
                    format!("{path}.{field}.{plan}"),
                    Problem::malformed(
                        "duration",
                        text,
                        format!("{DURATION_HELP}, more than zero"),
                    ),
                ),
            },
        }
    }
    for plan in written.keys() {
        if !raw.plans.contains(plan) {
            problem(
                format!("{path}.{field}.{plan}"),
                Problem::unknown("plan", plan, &raw.plans),
            );
        }
    }
    targets
}

/// The value named `text` among `choices`; a problem at `path` naming the
/// allowed names when it is none of them.
fn one_of<T: Copy>(
    path: String,
    what: &'static str,
    text: &str,
    choices: &[(&'static str, T)],
    problem: &mut impl FnMut(String, Problem),
) -> Option<T> {
    let found = choices
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, value)| *value);
    if found.is_none() {
        problem(
            path,
            Problem::unknown(what, text, choices.iter().map(|(name, _)| *name)),
        );
    }
    found
}

/// Region `name` of the policy (`regions.NAME`), if valid.
fn region(
    name: &str,
    r: &RawRegion,
    holidays: &[Holiday],
    problem: &mut impl FnMut(String, Problem),
) -> Option<Region> {
    let path = format!("regions.{name}");
    if !is_name(name) {
        problem(
            path.clone(),
            Problem::rule(format!("region name {name:?} {NAME_RULE}")),
        );
    }
    check_names(&format!("{path}.languages"), &r.languages, problem);
    let calendar = calendar(&path, &r.time_zone, &r.shifts, holidays, problem)?;
    Some(Region {
        name: name.to_string(),
        calendar,
        languages: r.languages.clone(),
        phones: r.phones.clone(),
    })
}

/// The auto-close rule's two waits (`after`, `after_last_follow_up`), if
/// valid, and a check of its follow-up count.
fn auto_close_waits(
    raw: &RawPolicy,
    problem: &mut impl FnMut(String, Problem),
) -> (Option<Wait>, Option<Wait>) {
    let auto_close_after = parse_wait(&raw.auto_close.after).filter(|w| *w != Wait::Never);
    if auto_close_after.is_none() {
        problem(
            "auto_close.after".into(),
            Problem::malformed(
                "wait",
                raw.auto_close.after.as_str(),
                format!("{DURATION_HELP} or \"N business days\""),
            ),
        );
    }
    let after_last_follow_up = match &raw.auto_close.after_last_follow_up {
        None => Some(AutoCloseRule::DEFAULT_AFTER_LAST_FOLLOW_UP),
        Some(text) => {
            let wait = parse_wait(text).filter(|w| *w != Wait::Never);
            if wait.is_none() {
                problem(
                    "auto_close.after_last_follow_up".into(),
                    Problem::malformed(
                        "wait",
                        text.as_str(),
                        format!("{DURATION_HELP} or \"N business days\""),
                    ),
                );
            }
            wait
        }
    };
    if raw.auto_close.follow_ups > MAX_FOLLOW_UPS {
        problem(
            "auto_close.follow_ups".into(),
            Problem::rule(format!(
                "{} follow-ups is too many (allowed: 0 to {MAX_FOLLOW_UPS})",
                raw.auto_close.follow_ups
            )),
        );
    }
    (auto_close_after, after_last_follow_up)
}

/// The permissions table: the policy's, checked (every action and role
/// known, every action listed but those that may be unlisted), or the
/// guide's when it has none.
fn permissions(
    raw: &RawPolicy,
    problem: &mut impl FnMut(String, Problem),
) -> Vec<(String, Vec<String>)> {
    match &raw.permissions {
        None => super::default_permissions(),
        Some(table) => {
            let actions = super::permission_actions();
            for (action, roles) in table {
                if !actions.contains(&action.as_str()) {
                    problem(
                        format!("permissions.{action}"),
                        Problem::unknown("action", action, &actions),
                    );
                }
                for role in roles {
                    if !crate::team::STAFF_ROLES.contains(&role.as_str()) {
                        problem(
                            format!("permissions.{action}"),
                            Problem::unknown("role", role, crate::team::STAFF_ROLES),
                        );
                    }
                }
            }
            // Actions added after permission tables were first written: a
            // table that omits one gets its default roles, so an existing
            // policy stays valid (and means what it meant).
            let mut table = table.clone();
            for (action, roles) in super::default_roles() {
                if crate::case::EventKind::MAY_BE_UNLISTED.contains(&action)
                    && !table.contains_key(action)
                {
                    table.insert(action.to_string(), super::owned(roles));
                }
            }
            for action in &actions {
                if !table.contains_key(*action) {
                    problem(
                        "permissions".into(), Problem::rule(format!("missing the roles allowed to record {action} (an empty list allows nobody)")));
                }
            }
            // In the order of the event table, then `sweep`, whatever the
            // file's order: a kind filled in above takes its own place.
            actions
                .iter()
                .filter_map(|action| Some((action.to_string(), table.get(*action)?.clone())))
                .collect()
        }
    }
}

/// Names used on the command line: lowercase words joined by dashes.
fn is_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A non-empty list of distinct command-line names.
fn check_names(path: &str, names: &[String], problem: &mut impl FnMut(String, Problem)) {
    if names.is_empty() {
        problem(path.into(), Problem::rule("must list at least one name"));
    }
    for (i, name) in names.iter().enumerate() {
        if !is_name(name) {
            problem(
                format!("{path}[{i}]"),
                Problem::rule(format!("{name:?} {NAME_RULE}")),
            );
        } else if names[..i].contains(name) {
            problem(
                format!("{path}[{i}]"),
                Problem::rule(format!("{name:?} is listed twice")),
            );
        }
    }
}

fn positive_duration(
    path: &str,
    text: &str,
    problem: &mut impl FnMut(String, Problem),
) -> Option<Duration> {
    match parse_duration(text) {
        Some(d) if d > Duration::zero() => Some(d),
        _ => {
            problem(
                path.into(),
                Problem::malformed("duration", text, format!("{DURATION_HELP}, more than zero")),
            );
            None
        }
    }
}

fn calendar(
    path: &str,
    time_zone: &str,
    shifts: &[RawShift],
    holidays: &[Holiday],
    problem: &mut impl FnMut(String, Problem),
) -> Option<BusinessCalendar> {
    let tz = Tz::from_str(time_zone)
        .map_err(|_| {
            problem(
                format!("{path}.time_zone"),
                Problem::unknown(
                    "time zone",
                    time_zone,
                    ["an IANA name such as America/Toronto or Etc/GMT"],
                ),
            )
        })
        .ok();
    let mut weekly = Vec::new();
    let mut shifts_ok = true;
    for (i, shift) in shifts.iter().enumerate() {
        let shift_path = format!("{path}.shifts[{i}]");
        let start = TimeOfDay::parse(&shift.start).filter(|t| t.minutes() < 1440);
        let end = TimeOfDay::parse(&shift.end);
        if start.is_none() {
            problem(
                format!("{shift_path}.start"),
                Problem::malformed("start", shift.start.as_str(), "HH:MM from 00:00 to 23:59"),
            );
        }
        if end.is_none() {
            problem(
                format!("{shift_path}.end"),
                Problem::malformed(
                    "end",
                    shift.end.as_str(),
                    "HH:MM from 00:00 to 24:00; an end at or before the start is on the next day",
                ),
            );
        }
        if shift.days.is_empty() {
            problem(
                format!("{shift_path}.days"),
                Problem::rule("must list at least one day"),
            );
        }
        shifts_ok &= start.is_some() && end.is_some();
        for (d, day) in shift.days.iter().enumerate() {
            match (parse_weekday(day), start, end) {
                (Some(weekday), Some(start), Some(end)) => weekly.push((
                    i,
                    WeeklyShift {
                        weekday,
                        start,
                        end,
                    },
                )),
                (None, _, _) => {
                    shifts_ok = false;
                    problem(
                        format!("{shift_path}.days[{d}]"),
                        Problem::unknown(
                            "day",
                            day,
                            ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                        ),
                    );
                }
                _ => {}
            }
        }
    }
    if shifts.is_empty() {
        problem(
            format!("{path}.shifts"),
            Problem::rule("at least one shift is required"),
        );
        return None;
    }
    let tz = tz?;
    if !shifts_ok {
        return None;
    }
    let sources: Vec<usize> = weekly.iter().map(|(i, _)| *i).collect();
    let weekly: Vec<WeeklyShift> = weekly.into_iter().map(|(_, s)| s).collect();
    BusinessCalendar::new(tz, weekly, holidays.to_vec())
        .map_err(|error| {
            let at = match &error {
                crate::calendar::CalendarError::Overlap { second, .. } => {
                    format!("{path}.shifts[{}]", sources[*second])
                }
                _ => format!("{path}.shifts"),
            };
            let message = match &error {
                crate::calendar::CalendarError::Overlap { a, b, .. } => {
                    format!("shifts overlap: {a} and {b} (shifts must not share any minute)")
                }
                other => other.to_string(),
            };
            problem(at, Problem::rule(message))
        })
        .ok()
}

fn holiday(raw: &RawHoliday) -> Result<NamedHoliday, String> {
    const ALLOWED: &str = "allowed: {name, month, day} or {name, month, weekday, nth: first|second|third|fourth|last}";
    if !(1..=12).contains(&raw.month) {
        return Err(format!("month {} is not 1-12 ({ALLOWED})", raw.month));
    }
    let rule = match (raw.day, &raw.weekday, &raw.nth) {
        (Some(day), None, None) => {
            let longest = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][raw.month as usize - 1];
            if !(1..=longest).contains(&day) {
                return Err(format!("day {day} does not exist in month {}", raw.month));
            }
            Holiday::Fixed {
                month: raw.month,
                day,
            }
        }
        (None, Some(weekday), Some(nth)) => Holiday::NthWeekday {
            month: raw.month,
            weekday: parse_weekday(weekday)
                .ok_or_else(|| format!("unknown weekday {weekday:?} (allowed: mon ... sun)"))?,
            nth: Nth::parse(nth).ok_or_else(|| format!("unknown nth {nth:?} ({ALLOWED})"))?,
        },
        _ => {
            return Err(format!(
                "unknown holiday rule for {:?} ({ALLOWED})",
                raw.name
            ))
        }
    };
    Ok(NamedHoliday {
        name: raw.name.clone(),
        rule,
    })
}
