//! `cases policy show`: the policy as the support guide prints it — the
//! response-time table (severity × plan), each region's hours in local time
//! and in UTC (standard and daylight time when they differ), the holidays of
//! a year with their dates, the escalation rules, auto-close and reopen, and
//! the permissions (who may do what) — as a table, Markdown or JSON.

use std::borrow::Cow;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{json, Value};

use super::super::output::{self, Rows};
use super::super::{CommandError, Context, Format, Outcome};
use super::ShowPolicyArgs;
use crate::calendar::{local_instant, weekday_name, BusinessCalendar, WeeklyShift};
use crate::policy::{
    format_duration, format_wait, ClockCalendar, FollowUpCalendar, Policy, ResponseStart,
    SeverityRule, Wait,
};

pub fn cmd_show(ctx: &mut Context, args: ShowPolicyArgs) -> Result<Outcome, CommandError> {
    if !matches!(
        ctx.format(),
        Format::Table | Format::Markdown | Format::Json
    ) {
        return Err(CommandError::usage(
            "cases policy show prints --format table, markdown or json",
        ));
    }
    let policies = ctx.policies()?;
    let policy = match &args.version {
        Some(version) => policies.version(version)?,
        None => policies.current(),
    };
    let year = args.year.unwrap_or_else(|| ctx.now.year());
    let text = match ctx.format() {
        Format::Json => output::json(&policy_json(policy, year)),
        format => sections(policy, year)
            .into_iter()
            .map(|(title, rows)| match format {
                Format::Markdown => format!("## {title}\n\n{}", rows.markdown()),
                _ => format!("{title}\n{}", rows.table()),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    };
    ctx.out.push_str(&text);
    Ok(Outcome::Success)
}

/// `24x7`, or the case region's business hours.
fn clock_text(clock: ClockCalendar) -> &'static str {
    match clock {
        ClockCalendar::AlwaysOpen => "24x7, holidays included",
        ClockCalendar::BusinessHours => "region's business hours",
    }
}

/// A response target as the guide writes it: in hours (`24h`, not `1d`).
fn target_text(target: Duration) -> String {
    if target.num_minutes() % 60 == 0 {
        format!("{}h", target.num_hours())
    } else {
        format_duration(target)
    }
}

fn starts_text(start: ResponseStart) -> &'static str {
    match start {
        ResponseStart::Opened => "opening",
        ResponseStart::FirstPhoneContact => "first phone call",
    }
}

/// A wait as the guide prints it: `never` is `not eligible`.
fn wait_text(wait: Wait) -> String {
    match wait {
        Wait::Never => "not eligible".into(),
        wait => format_wait(wait),
    }
}

/// Weekly shifts grouped by identical hours: `mon-fri 06:00-21:00`.
fn grouped(shifts: &[WeeklyShift]) -> Vec<(Vec<Weekday>, WeeklyShift)> {
    let mut groups: Vec<(Vec<Weekday>, WeeklyShift)> = Vec::new();
    for shift in shifts {
        match groups
            .iter_mut()
            .find(|(_, s)| s.start == shift.start && s.end == shift.end)
        {
            Some((days, _)) => days.push(shift.weekday),
            None => groups.push((vec![shift.weekday], *shift)),
        }
    }
    groups
}

fn days_text(days: &[Weekday]) -> String {
    let mut days = days.to_vec();
    days.sort_by_key(|d| d.num_days_from_monday());
    let consecutive = days
        .windows(2)
        .all(|w| w[1].num_days_from_monday() == w[0].num_days_from_monday() + 1);
    match days.as_slice() {
        [only] => weekday_name(*only).to_string(),
        [first, .., last] if consecutive => {
            format!("{}-{}", weekday_name(*first), weekday_name(*last))
        }
        _ => days
            .iter()
            .map(|d| weekday_name(*d))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// The local hours of every group of shifts, and the same in UTC on a date
/// of `year` in winter and one in summer (`11:00-02:00 UTC (GMT)`), once
/// when the offset does not change.
fn hours(calendar: &BusinessCalendar, year: i32) -> Vec<(String, String)> {
    let tz = calendar.time_zone();
    grouped(calendar.shifts())
        .into_iter()
        .map(|(days, shift)| {
            let local = format!("{} {}-{}", days_text(&days), shift.start, shift.end);
            let mut utc: Vec<String> = Vec::new();
            for month in [1, 7] {
                let Some(mut date) = NaiveDate::from_ymd_opt(year, month, 15) else {
                    continue;
                };
                while date.weekday() != shift.weekday {
                    date = date.succ_opt().unwrap_or(date);
                }
                let start = local_instant(tz, date, shift.start);
                let end_date = if shift.crosses_midnight() {
                    date.succ_opt().unwrap_or(date)
                } else {
                    date
                };
                let end = local_instant(tz, end_date, shift.end);
                let zone = start.with_timezone(&tz).format("%Z").to_string();
                let text = format!(
                    "{}-{} UTC ({zone})",
                    start.format("%H:%M"),
                    end.format("%H:%M")
                );
                if !utc.contains(&text) {
                    utc.push(text);
                }
            }
            (local, utc.join(", "))
        })
        .collect()
}

/// The dates of the policy's holidays in `year`, in date order.
fn holidays(policy: &Policy, year: i32) -> Vec<(NaiveDate, String)> {
    let mut found = Vec::new();
    let (Some(first), Some(next)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return found;
    };
    let mut date = first;
    while date < next {
        for holiday in &policy.holidays {
            if holiday.rule.falls_on(date) {
                found.push((date, holiday.name.clone()));
            }
        }
        date = date.succ_opt().unwrap_or(next);
    }
    found
}

fn follow_up_text(policy: &Policy, calendar: FollowUpCalendar) -> String {
    match calendar {
        FollowUpCalendar::AlwaysOpen => {
            format!("{} (24x7)", format_duration(policy.escalation.follow_up))
        }
        FollowUpCalendar::Desk => format!(
            "{} of desk hours",
            format_duration(policy.escalation.follow_up)
        ),
    }
}

/// Every section as a titled table.
fn sections(policy: &Policy, year: i32) -> Vec<(String, Rows)> {
    vec![
        ("Policy version".to_string(), version_table(policy)),
        ("Case response times".to_string(), response_table(policy)),
        (
            "Contacting support".to_string(),
            regions_table(policy, year),
        ),
        (
            format!("Holidays {year} (business calendars; not 24x7)"),
            holidays_table(policy, year),
        ),
        ("Case escalation".to_string(), escalation_table(policy)),
        ("Rules".to_string(), rules_table(policy, year)),
        ("Who may do what".to_string(), permissions_table(policy)),
    ]
}

/// The version, when it takes effect and what it replaced.
fn version_table(policy: &Policy) -> Rows {
    let mut version = Rows::new(vec!["version", "effective", "previous"]);
    version.push(vec![
        policy.version.clone(),
        policy
            .effective
            .map_or("always".into(), crate::store::format_instant),
        policy.previous.clone().unwrap_or_else(|| "-".into()),
    ]);
    version
}

/// Each severity's initial response target per plan (and, under a policy
/// that keeps the clock, its next-response target per plan), its clock and
/// its start.
fn response_table(policy: &Policy) -> Rows {
    let mut headers: Vec<Cow<'static, str>> = vec!["severity".into()];
    headers.extend(
        policy
            .plans
            .iter()
            .map(|plan| format!("initial response - {plan}").into()),
    );
    // The next-response columns only where the policy keeps that clock.
    let next = policy.has_next_response();
    if next {
        headers.extend(
            policy
                .plans
                .iter()
                .map(|plan| format!("next response - {plan}").into()),
        );
    }
    headers.extend(["clock".into(), "starts at".into()]);
    let mut targets = Rows::with_headers(headers);
    for rule in &policy.severities {
        let mut row = vec![format!("{} {}", rule.level, rule.name)];
        row.extend(
            policy
                .plans
                .iter()
                .map(|plan| rule.response_target(plan).map_or("-".into(), target_text)),
        );
        if next {
            row.extend(policy.plans.iter().map(|plan| {
                rule.next_response_target(plan)
                    .map_or("-".into(), target_text)
            }));
        }
        row.push(clock_text(rule.clock).to_string());
        row.push(starts_text(rule.response_starts).to_string());
        targets.push(row);
    }
    targets
}

/// Each region's hours in `year` (local and UTC), languages and phones.
fn regions_table(policy: &Policy, year: i32) -> Rows {
    let mut regions = Rows::new(vec![
        "region",
        "time zone",
        "hours (local)",
        "hours (UTC)",
        "languages",
        "phones",
    ]);
    for region in &policy.regions {
        for (index, (local, utc)) in hours(&region.calendar, year).into_iter().enumerate() {
            let first = index == 0;
            regions.push(vec![
                if first {
                    region.name.clone()
                } else {
                    String::new()
                },
                if first {
                    region.calendar.time_zone().name().to_string()
                } else {
                    String::new()
                },
                local,
                utc,
                if first {
                    region.languages.join(", ")
                } else {
                    String::new()
                },
                if first {
                    region.phones.join(" or ")
                } else {
                    String::new()
                },
            ]);
        }
    }
    regions
}

/// The holidays of `year`.
fn holidays_table(policy: &Policy, year: i32) -> Rows {
    let mut days = Rows::new(vec!["date", "day", "holiday"]);
    for (date, name) in holidays(policy, year) {
        days.push(vec![date.to_string(), date.format("%a").to_string(), name]);
    }
    days
}

/// When each severity may be escalated, and the manager's follow-up.
fn escalation_table(policy: &Policy) -> Rows {
    let mut escalation = Rows::new(vec!["severity", "allowed after", "manager follow-up"]);
    for rule in &policy.severities {
        escalation.push(vec![
            format!("{} {}", rule.level, rule.name),
            wait_text(rule.escalation_after),
            if rule.escalation_after == Wait::Never {
                "-".into()
            } else {
                follow_up_text(policy, rule.escalation_follow_up_clock)
            },
        ]);
    }
    escalation
}

/// The escalation desk, intake, auto-close and reopen rules.
fn rules_table(policy: &Policy, year: i32) -> Rows {
    let mut rules = Rows::new(vec!["rule", "value"]);
    for (local, utc) in hours(&policy.escalation.desk, year) {
        rules.push(vec![
            "escalation desk".into(),
            format!(
                "{local} {} ({utc})",
                policy.escalation.desk.time_zone().name()
            ),
        ]);
    }
    rules.push(vec![
        "who may request an escalation".into(),
        policy.escalation.roles.join(", "),
    ]);
    rules.push(vec![
        "outcomes that close an escalation".into(),
        policy.escalation.closing_outcomes.join(", "),
    ]);
    rules.push(vec![
        "intake channels".into(),
        policy.intake.channels.join(", "),
    ]);
    if !policy.intake.refused.is_empty() {
        rules.push(vec![
            "refused channels".into(),
            policy.intake.refused.join(", "),
        ]);
    }
    rules.push(vec![
        "auto-close (no response)".into(),
        format!(
            "after {} follow-ups and {} waiting on the customer",
            policy.auto_close.follow_ups,
            wait_text(policy.auto_close.after)
        ),
    ]);
    rules.push(vec![
        "reopen window".into(),
        format!("{} after closing", format_duration(policy.reopen_window)),
    ]);
    rules.push(vec![
        "customer status view".into(),
        if policy.customer_status {
            "on (cases status --account NAME, a page per account in cases site)".into()
        } else {
            "off (turn it on with customer_status: {enabled: true})".into()
        },
    ]);
    rules
}

/// Each action and the roles allowed to record it.
fn permissions_table(policy: &Policy) -> Rows {
    let mut roles = Rows::new(vec!["action", "roles allowed (with a roster, team.yaml)"]);
    for (action, allowed) in &policy.permissions {
        roles.push(vec![
            action.clone(),
            if allowed.is_empty() {
                "nobody".into()
            } else {
                allowed.join(", ")
            },
        ]);
    }
    roles
}

fn policy_json(policy: &Policy, year: i32) -> Value {
    // Durations in seconds, as in every JSON output (business time where
    // the clock is business hours); `target` is the policy's own spelling.
    let duration_seconds = |d: Duration| d.num_seconds();
    json!({
        "version": policy.version,
        "effective": policy.effective.map(crate::store::format_instant),
        "previous": policy.previous,
        "plans": policy.plans,
        "severities": policy.severities.iter().map(|rule| severity_json(policy, rule)).collect::<Vec<_>>(),
        "regions": policy.regions.iter().map(|region| json!({
            "name": region.name,
            "time_zone": region.calendar.time_zone().name(),
            "hours": hours(&region.calendar, year).into_iter().map(|(local, utc)| json!({"local": local, "utc": utc})).collect::<Vec<_>>(),
            "languages": region.languages,
            "phones": region.phones,
        })).collect::<Vec<_>>(),
        "holidays": {
            "year": year,
            "dates": holidays(policy, year).into_iter().map(|(date, name)| json!({"date": date.to_string(), "name": name})).collect::<Vec<_>>(),
        },
        "escalation": {
            "desk": {
                "time_zone": policy.escalation.desk.time_zone().name(),
                "hours": hours(&policy.escalation.desk, year).into_iter().map(|(local, utc)| json!({"local": local, "utc": utc})).collect::<Vec<_>>(),
            },
            "follow_up_seconds": duration_seconds(policy.escalation.follow_up),
            "roles": policy.escalation.roles,
            "closing_outcomes": policy.escalation.closing_outcomes,
        },
        "auto_close": {
            "follow_ups": policy.auto_close.follow_ups,
            "after": wait_text(policy.auto_close.after),
        },
        "reopen_window": format_duration(policy.reopen_window),
        "customer_status": {"enabled": policy.customer_status},
        "permissions": policy.permissions.iter().map(|(action, roles)| json!({"action": action, "roles": roles})).collect::<Vec<_>>(),
    })
}

/// One severity in the JSON of `policy show`; `next_response_targets`
/// (after `response_targets`) only under a policy that keeps that clock, so
/// the JSON of a policy without it is what it always was.
fn severity_json(policy: &Policy, rule: &SeverityRule) -> Value {
    let targets = |target: &dyn Fn(&str) -> Option<Duration>| {
        policy
            .plans
            .iter()
            .map(|plan| {
                json!({
                    "plan": plan,
                    "target": target(plan).map(target_text),
                    "target_seconds": target(plan).map(|d| d.num_seconds()),
                })
            })
            .collect::<Vec<_>>()
    };
    let clock = match rule.clock {
        ClockCalendar::AlwaysOpen => "24x7",
        ClockCalendar::BusinessHours => "business-hours",
    };
    let starts = match rule.response_starts {
        ResponseStart::Opened => "opened",
        ResponseStart::FirstPhoneContact => "first-phone-contact",
    };
    let mut severity = serde_json::Map::new();
    severity.insert("level".into(), json!(rule.level));
    severity.insert("name".into(), json!(rule.name));
    severity.insert("description".into(), json!(rule.description));
    severity.insert("clock".into(), json!(clock));
    severity.insert("response_starts".into(), json!(starts));
    let response = targets(&|plan| rule.response_target(plan));
    severity.insert("response_targets".into(), json!(response));
    if rule.next_response_targets.is_some() {
        let next = targets(&|plan| rule.next_response_target(plan));
        severity.insert("next_response_targets".into(), json!(next));
    }
    let escalation_after = wait_text(rule.escalation_after);
    severity.insert("escalation_after".into(), json!(escalation_after));
    Value::Object(severity)
}
