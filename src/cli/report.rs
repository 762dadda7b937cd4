//! `cases report`: counts, backlog, attainment per clock by any grouping,
//! time to first response, escalation outcomes and a weekly trend; with
//! `--what-if OTHER.yaml`, the same figures under another policy side by
//! side; `--format html` draws them on one self-contained page (the
//! site's report page, `site::report_page`).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde_json::{json, Value};

use super::output::{self, Rows};
use super::{parse_instant, CommandError, Context, Format, Outcome};
use crate::clock::ClockKind;
use crate::policy::{format_duration, Policy};
use crate::report::{
    Attainment, Dimension, Percentiles, Report, ReportRequest, ReportedCase, ResponseTimes, Tally,
};
use crate::site::report_page::ReportView;
use crate::store::{format_instant, Scanned};

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub period: PeriodArgs,
    /// Evaluate everything as the store stood at this instant (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub as_of: Option<DateTime<Utc>>,
    /// Also report under this policy, side by side with the differences.
    #[arg(long, value_name = "FILE")]
    pub what_if: Option<PathBuf>,
}

/// The period a report covers and how it is broken down: `cases report`
/// and `cases site` take the same options.
#[derive(Debug, clap::Args)]
pub struct PeriodArgs {
    /// Start of the period: a date (from its 00:00 UTC) or an RFC 3339 instant.
    #[arg(long, value_parser = parse_bound_start)]
    pub since: Option<DateTime<Utc>>,
    /// End of the period: a date (through its end, UTC) or an RFC 3339 instant (exclusive) [default: now].
    #[arg(long, value_parser = parse_bound_end)]
    pub until: Option<DateTime<Utc>>,
    /// Break attainment down by these, comma-separated: severity, plan, region, owner, label
    /// (a case with two labels counts in both groups, one without in "(no label)").
    #[arg(long, value_delimiter = ',', value_parser = parse_dimension, default_value = "severity,plan")]
    pub by: Vec<Dimension>,
}

/// A date `YYYY-MM-DD` (years 0000-9999, like every instant).
fn parse_date(text: &str) -> Option<NaiveDate> {
    use chrono::Datelike;
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|date| crate::case::CASE_YEARS.contains(&date.year()) && text.len() == 10)
}

pub(super) fn parse_bound_start(text: &str) -> Result<DateTime<Utc>, String> {
    match parse_date(text) {
        Some(date) => Ok(date.and_time(NaiveTime::MIN).and_utc()),
        None if text.contains('T') => parse_instant(text)
            .map_err(|e| format!("expected a date (2026-11-01) or an RFC 3339 instant: {e}")),
        None => Err("expected a date (2026-11-01) or an RFC 3339 instant".into()),
    }
}

pub(super) fn parse_bound_end(text: &str) -> Result<DateTime<Utc>, String> {
    match parse_date(text) {
        Some(date) => Ok(date.and_time(NaiveTime::MIN).and_utc() + Duration::days(1)),
        None if text.contains('T') => parse_instant(text)
            .map_err(|e| format!("expected a date (2026-11-30) or an RFC 3339 instant: {e}")),
        None => Err("expected a date (2026-11-30) or an RFC 3339 instant".into()),
    }
}

pub(super) fn parse_dimension(text: &str) -> Result<Dimension, String> {
    Dimension::parse(text).ok_or_else(|| "allowed: severity, plan, region, owner, label".into())
}

/// The policy of `--what-if FILE`, with the name it is shown by.
pub(super) fn read_what_if(path: &std::path::Path) -> Result<(String, Policy), CommandError> {
    let name = path.display().to_string();
    let text = crate::store::safe_open::read_text(path, crate::store::safe_open::Kind::Policy)
        .map_err(|e| CommandError::unreadable(format!("--what-if {e}")))?;
    let policy = Policy::parse(&text, &name)?;
    Ok((name, policy))
}

pub fn cmd_report(ctx: &mut Context, args: ReportArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    // Without --until the period runs through now, included.
    let until = args
        .period
        .until
        .unwrap_or(ctx.now + chrono::Duration::seconds(1));
    if let Some(since) = args.period.since {
        if since >= until {
            return Err(CommandError::usage(format!(
                "--since {} is not before --until {}",
                format_instant(since),
                format_instant(until)
            )));
        }
    }
    let request = ReportRequest {
        since: args.period.since,
        until,
        as_of: Some(args.as_of.unwrap_or(ctx.now)),
        by: args.period.by.clone(),
    };
    let what_if = args.what_if.as_deref().map(read_what_if).transpose()?;
    // One pass over the store on all cores, tallying under both policies.
    let other_policy = what_if.as_ref().map(|(_, p)| p);
    let keys = FactsKeys::new(policies.current());
    let (current, other, error) = store.fold(
        || {
            (
                Tally::new(),
                other_policy.map(|_| Tally::new()),
                None::<(u64, CommandError)>,
            )
        },
        |(mut mine, mut theirs, mut error), file, read| {
            if error.is_none() {
                let theirs = theirs.as_mut().zip(other_policy);
                let added = tally_case(&mut mine, theirs, read, &policies, &keys, &request);
                error = added.err().map(|e| (file.number, e));
            }
            (mine, theirs, error)
        },
        |(a, a_other, a_error), (b, b_other, b_error)| {
            let other = match (a_other, b_other) {
                (Some(x), Some(y)) => Some(x.merge(y)),
                (x, y) => x.or(y),
            };
            // The error of the lowest-numbered case, as a sequential read would give.
            let error = match (a_error, b_error) {
                (Some(x), Some(y)) => Some(if x.0 <= y.0 { x } else { y }),
                (x, y) => x.or(y),
            };
            (a.merge(b), other, error)
        },
    )?;
    if let Some((_, error)) = error {
        return Err(error);
    }
    let current = current.finish(&request, policies.current());
    let other = what_if.as_ref().zip(other).map(|((name, policy), tally)| {
        let report = tally.finish(&request, policy);
        (name.clone(), report)
    });
    let text = match ctx.format() {
        Format::Json => output::json(&report_json(
            &request,
            args.period.until,
            &current,
            other.as_ref(),
        )),
        Format::Csv => attainment_csv(&request, &current, other.as_ref().map(|(_, r)| r)).csv(),
        Format::Markdown => markdown(&request, &current, other.as_ref()),
        Format::Html => crate::site::report_page::standalone(&ReportView {
            request: &request,
            report: &current,
            what_if: other.as_ref().map(|(name, r)| (name.as_str(), r)),
        }),
        Format::Table => table(&request, &current, other.as_ref()),
    };
    ctx.out.push_str(&text);
    Ok(Outcome::Success)
}

/// Adds one scanned case to `mine` (under its own policy version: editing
/// the policy never rewrites last quarter's figures) and to `theirs` (the
/// `--what-if` tally and policy). A case served from the scan cache with
/// its facts, computed under the same policy and still holding at the end
/// of the period, is added from them without decoding its history; one
/// without is computed and its facts offered to the cache for the next
/// report. With `--what-if` every case is decoded (the other policy's
/// figures need its history), and facts are neither read nor offered.
fn tally_case(
    mine: &mut Tally,
    theirs: Option<(&mut Tally, &Policy)>,
    read: Result<Scanned<'_>, crate::store::StoreError>,
    policies: &crate::policy::PolicySet,
    keys: &FactsKeys,
    request: &ReportRequest,
) -> Result<(), CommandError> {
    let scanned = read?;
    let header = scanned.header();
    let policy = policies.for_case(header.number, &header.policy_version)?;
    let last = request.last_instant();
    let derived = scanned.derived().filter(|_| theirs.is_none());
    let key = derived.map(|_| keys.of(policy));
    if let Some(facts) = derived
        .zip(key)
        .and_then(|(derived, key)| cached_facts(derived.bytes, key))
        .filter(|facts| facts.holds_at(last))
    {
        mine.add_facts(header, &|| scanned.labels(), &facts, request);
        return Ok(());
    }
    let case = scanned.into_case()?;
    if let Some(view) = case.view_as_of(last) {
        let facts = ReportedCase::of(&view, policy)?;
        mine.add_facts(view.header(), &|| view.labels(), &facts, request);
        // Facts of the whole case hold at any later instant too.
        if let (Some(derived), Some(key), Cow::Borrowed(_)) = (derived, key, &view) {
            if let Ok(bytes) = postcard::to_allocvec(&(key, &facts)) {
                derived.offer(bytes);
            }
        }
    }
    if let Some((tally, other_policy)) = theirs {
        tally.add(&case, other_policy, request)?;
    }
    Ok(())
}

/// The facts a cache kept beside a case, if they were computed under the
/// policy of `key` and hold what a case can.
fn cached_facts(bytes: &[u8], key: u64) -> Option<ReportedCase> {
    let (cached_key, rest): (u64, &[u8]) = postcard::take_from_bytes(bytes).ok()?;
    if cached_key != key {
        return None;
    }
    let facts: ReportedCase = postcard::from_bytes(rest).ok()?;
    facts.is_plausible().then_some(facts)
}

/// The key of the facts computed under each policy version: a hash of the
/// whole policy as read, so facts computed under a version whose file was
/// edited since are computed again. Worked out once per policy of a scan:
/// the current one's up front (most cases are under it, and a scan asks on
/// every core), earlier versions' on their first case.
struct FactsKeys<'p> {
    current: (&'p Policy, u64),
    earlier: std::sync::Mutex<Vec<(usize, u64)>>,
}

impl<'p> FactsKeys<'p> {
    fn new(current: &'p Policy) -> FactsKeys<'p> {
        FactsKeys {
            current: (current, Self::hash(current)),
            earlier: Default::default(),
        }
    }

    fn of(&self, policy: &Policy) -> u64 {
        if std::ptr::eq(policy, self.current.0) {
            return self.current.1;
        }
        let address = std::ptr::from_ref(policy) as usize;
        let mut known = (self.earlier.lock()).unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, key)) = known.iter().find(|(a, _)| *a == address) {
            return *key;
        }
        let key = Self::hash(policy);
        known.push((address, key));
        key
    }

    fn hash(policy: &Policy) -> u64 {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut hasher = DefaultHasher::new();
        format!("{policy:?}").hash(&mut hasher);
        hasher.finish()
    }
}

fn percent_text(attainment: Option<&Attainment>) -> String {
    attainment
        .and_then(Attainment::percent)
        .map_or("-".into(), |p| format!("{p:.1}%"))
}

fn period_text(request: &ReportRequest) -> String {
    format!(
        "{} to {}",
        request.since.map_or("the beginning".into(), format_instant),
        format_instant(request.last_instant())
    )
}

/// Attainment for people (table, markdown): clock, the groups (`(all)` on
/// a clock's total, `(unowned)`), counts, attainment (and what-if).
fn attainment_rows(request: &ReportRequest, report: &Report, other: Option<&Report>) -> Rows {
    let mut headers = vec!["clock"];
    headers.extend(request.by.iter().map(|d| d.as_str()));
    headers.extend(["met", "breached", "running", "waiting", "attainment"]);
    if other.is_some() {
        headers.extend(["what-if", "delta"]);
    }
    let mut rows = Rows::new(headers);
    for ((clock, group), attainment) in &report.attainment {
        let mut row = vec![clock.as_str().to_string()];
        if group.is_empty() {
            row.extend(request.by.iter().map(|_| "(all)".to_string()));
        } else {
            row.extend(
                group
                    .iter()
                    .zip(&request.by)
                    .map(|(v, d)| v.clone().unwrap_or_else(|| d.absent_text().into())),
            );
        }
        row.extend([
            attainment.met.to_string(),
            attainment.breached.to_string(),
            attainment.running.to_string(),
            attainment.waiting.to_string(),
            percent_text(Some(attainment)),
        ]);
        if let Some(other) = other {
            let theirs = other.attainment.get(&(*clock, group.clone()));
            row.push(percent_text(theirs));
            row.push(
                match (attainment.percent(), theirs.and_then(Attainment::percent)) {
                    (Some(a), Some(b)) => format!("{:+.1} pts", b - a),
                    _ => "-".into(),
                },
            );
        }
        rows.push(row);
    }
    rows
}

/// Attainment for machines (CSV): the fields of the JSON `attainment`
/// rows, an empty cell for `null` (a total row's groups, an unowned
/// case's owner); `total` says which rows are a clock's total.
fn attainment_csv(request: &ReportRequest, report: &Report, other: Option<&Report>) -> Rows {
    let mut headers = vec!["clock", "total"];
    headers.extend(request.by.iter().map(|d| d.as_str()));
    headers.extend([
        "met",
        "breached",
        "running",
        "waiting",
        "attainment_percent",
    ]);
    if other.is_some() {
        headers.extend(["what_if_attainment_percent", "delta_points"]);
    }
    let number = |p: Option<f64>| p.map_or(String::new(), |p| format!("{:.1}", round1(p)));
    let mut rows = Rows::new(headers);
    for ((clock, group), attainment) in &report.attainment {
        let mut row = vec![clock.as_str().to_string(), group.is_empty().to_string()];
        if group.is_empty() {
            row.extend(request.by.iter().map(|_| String::new()));
        } else {
            row.extend(group.iter().map(|v| v.clone().unwrap_or_default()));
        }
        row.extend([
            attainment.met.to_string(),
            attainment.breached.to_string(),
            attainment.running.to_string(),
            attainment.waiting.to_string(),
            number(attainment.percent()),
        ]);
        if let Some(other) = other {
            let theirs = other
                .attainment
                .get(&(*clock, group.clone()))
                .and_then(Attainment::percent);
            row.push(number(theirs));
            row.push(number(attainment.percent().zip(theirs).map(|(a, b)| b - a)));
        }
        rows.push(row);
    }
    rows
}

/// A percentage or a difference of them to one decimal, as JSON and CSV give it.
fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn percentiles_text(p: Option<Percentiles>) -> String {
    p.map_or("-".into(), |p| {
        format!(
            "median {}, p90 {}",
            format_duration(p.median),
            format_duration(p.p90)
        )
    })
}

/// The figures above the attainment table, one `(label, value)` per line.
fn summary_lines(report: &Report) -> Vec<(String, String)> {
    let c = &report.counts;
    let mut lines = vec![
        ("opened".to_string(), c.opened.to_string()),
        (
            "closed".to_string(),
            format!(
                "{} (customer-confirmed {}, no-response {})",
                c.closed_customer_confirmed + c.closed_no_response,
                c.closed_customer_confirmed,
                c.closed_no_response
            ),
        ),
        ("reopened".to_string(), c.reopened.to_string()),
        ("escalated".to_string(), c.escalated.to_string()),
    ];
    let states: Vec<String> = report
        .backlog_by_state
        .iter()
        .map(|(state, n)| format!("{state} {n}"))
        .collect();
    let total: usize = report.backlog_by_state.iter().map(|(_, n)| n).sum();
    lines.push((
        "backlog".to_string(),
        format!("{total} ({})", states.join(", ")),
    ));
    let ages: Vec<String> = report
        .backlog_by_age
        .iter()
        .map(|(label, n)| format!("{label} {n}"))
        .collect();
    lines.push(("backlog by age".to_string(), ages.join(", ")));
    let times = |r: &ResponseTimes| {
        format!(
            "{} measured; business time {}; wall time {}",
            r.count,
            percentiles_text(r.business),
            percentiles_text(r.wall)
        )
    };
    lines.push(("first response".to_string(), times(&report.response_times)));
    if let Some(next) = &report.next_response_times {
        lines.push(("next response".to_string(), times(next)));
    }
    let outcomes: Vec<String> = report
        .escalation_outcomes
        .iter()
        .map(|(label, count)| format!("{label} {count}"))
        .collect();
    lines.push(("escalation outcomes".to_string(), outcomes.join(", ")));
    lines
}

fn weekly_rows(report: &Report) -> Rows {
    let mut rows = Rows::new(vec!["week of", "opened", "backlog", "breaches"]);
    for week in &report.weekly {
        rows.push(vec![
            week.start.format("%Y-%m-%d").to_string(),
            week.opened.to_string(),
            week.backlog.to_string(),
            week.breaches.to_string(),
        ]);
    }
    rows
}

fn table(request: &ReportRequest, report: &Report, other: Option<&(String, Report)>) -> String {
    let mut text = format!("report for {}\n", period_text(request));
    for (label, value) in summary_lines(report) {
        let _ = writeln!(text, "  {label:<20} {value}");
    }
    if let Some((name, other)) = other {
        let _ = writeln!(text, "what-if {name}:");
        let _ = writeln!(
            text,
            "  {:<20} business time {}; wall time {}",
            "first response",
            percentiles_text(other.response_times.business),
            percentiles_text(other.response_times.wall)
        );
        if let Some(next) = &other.next_response_times {
            let _ = writeln!(
                text,
                "  {:<20} business time {}; wall time {}",
                "next response",
                percentiles_text(next.business),
                percentiles_text(next.wall)
            );
        }
    }
    text.push_str("\nattainment\n");
    text.push_str(&attainment_rows(request, report, other.map(|(_, r)| r)).table());
    text.push_str("\nweekly\n");
    text.push_str(&weekly_rows(report).table());
    text
}

fn markdown(request: &ReportRequest, report: &Report, other: Option<&(String, Report)>) -> String {
    let mut text = format!("## Support report\n\n{}\n\n", period_text(request));
    let mut summary = Rows::new(vec!["figure", "value"]);
    for (label, value) in summary_lines(report) {
        summary.push(vec![label, value]);
    }
    text.push_str(&summary.markdown());
    text.push_str("\n### Attainment\n\n");
    if let Some((name, _)) = other {
        let _ = writeln!(text, "What-if: `{name}` beside the current policy.\n");
    }
    text.push_str(&attainment_rows(request, report, other.map(|(_, r)| r)).markdown());
    text.push_str("\n### Weekly\n\n");
    text.push_str(&weekly_rows(report).markdown());
    text
}

/// `{count, business, wall}` of response times.
fn times_json(times: &ResponseTimes) -> Value {
    json!({
        "count": times.count,
        "business": percentiles_json(times.business),
        "wall": percentiles_json(times.wall),
    })
}

fn percentiles_json(p: Option<Percentiles>) -> Value {
    p.map_or(Value::Null, |p| {
        json!({
            "median_seconds": p.median.num_seconds(),
            "p90_seconds": p.p90.num_seconds(),
        })
    })
}

/// The key of an attainment row in JSON: the clock, whether the row is the
/// clock's total over every group, and the value of each grouping
/// dimension (`{"clock": "initial-response", "total": false, "severity": 2,
/// "owner": null}`). Every dimension is `null` in a total row; in a group
/// row `owner` is `null` for unowned cases, as everywhere else. Severity is
/// a number, as everywhere else.
fn attainment_key_json(
    request: &ReportRequest,
    clock: ClockKind,
    group: &[Option<String>],
) -> Value {
    let mut entry = json!({"clock": clock.as_str(), "total": group.is_empty()});
    for (index, dimension) in request.by.iter().enumerate() {
        let value = group.get(index).cloned().flatten();
        entry[dimension.as_str()] = match (dimension, value) {
            (_, None) => Value::Null,
            (Dimension::Severity, Some(level)) => {
                level.parse::<u64>().map_or(json!(level), |n| json!(n))
            }
            (_, Some(text)) => json!(text),
        };
    }
    entry
}

fn figures_json(request: &ReportRequest, report: &Report) -> Value {
    let c = &report.counts;
    let attainment: Vec<Value> = report
        .attainment
        .iter()
        .map(|((clock, group), a)| {
            let mut entry = attainment_key_json(request, *clock, group);
            entry["met"] = json!(a.met);
            entry["breached"] = json!(a.breached);
            entry["running"] = json!(a.running);
            entry["waiting"] = json!(a.waiting);
            entry["attainment_percent"] = a.percent().map_or(Value::Null, |p| json!(round1(p)));
            entry
        })
        .collect();
    let mut figures = json!({
        "counts": {
            "opened": c.opened,
            "closed": c.closed_customer_confirmed + c.closed_no_response,
            "closed_customer_confirmed": c.closed_customer_confirmed,
            "closed_no_response": c.closed_no_response,
            "reopened": c.reopened,
            "escalated": c.escalated,
        },
        "backlog": {
            "by_state": report.backlog_by_state.iter().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "by_age": report.backlog_by_age.iter().map(|(label, n)| ((*label).to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
        },
        "attainment": attainment,
        "first_response": times_json(&report.response_times),
        "escalation_outcomes": report
            .escalation_outcomes
            .iter()
            .map(|(label, count)| (label.clone(), json!(count)))
            .collect::<serde_json::Map<_, _>>(),
        "weekly": report.weekly.iter().map(|w| json!({
            "week_start": format_instant(w.start),
            "opened": w.opened,
            "backlog": w.backlog,
            "breaches": w.breaches,
        })).collect::<Vec<_>>(),
    });
    // After first_response, only where the report has the clock: the JSON
    // of a store without it is what it always was.
    if let (Some(next), Some(fields)) = (&report.next_response_times, figures.as_object_mut()) {
        let mut ordered = serde_json::Map::new();
        for (key, value) in std::mem::take(fields) {
            let after = key == "first_response";
            ordered.insert(key, value);
            if after {
                ordered.insert("next_response".into(), times_json(next));
            }
        }
        *fields = ordered;
    }
    figures
}

/// The JSON report. `since` and `until` are the period's bounds as given
/// (`null` when not given: from the beginning, through `evaluated_at`);
/// `evaluated_at` is the instant every figure is evaluated at.
fn report_json(
    request: &ReportRequest,
    until: Option<DateTime<Utc>>,
    report: &Report,
    other: Option<&(String, Report)>,
) -> Value {
    let mut value = json!({
        "since": request.since.map(format_instant),
        "until": until.map(format_instant),
        "evaluated_at": format_instant(request.last_instant()),
        "by": request.by.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
    });
    if let Value::Object(figures) = figures_json(request, report) {
        for (key, v) in figures {
            value[key] = v;
        }
    }
    if let Some((name, other)) = other {
        let mut theirs = figures_json(request, other);
        theirs["policy_file"] = json!(name);
        value["what_if"] = theirs;
        value["attainment_delta"] = report
            .attainment
            .iter()
            .map(|((clock, group), mine)| {
                let theirs = other
                    .attainment
                    .get(&(*clock, group.clone()))
                    .and_then(Attainment::percent);
                let mut entry = attainment_key_json(request, *clock, group);
                entry["delta_points"] = match (mine.percent(), theirs) {
                    (Some(a), Some(b)) => json!(round1(b - a)),
                    _ => Value::Null,
                };
                entry
            })
            .collect::<Vec<_>>()
            .into();
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_facts_are_used_only_under_their_key_and_when_a_case_could_hold_them() {
        let case = crate::store::codec::tests::case_with("Search is slow", "Looking into it.");
        let policy = Policy::default_policy();
        let facts = ReportedCase::of(&case, &policy).unwrap();
        let bytes = postcard::to_allocvec(&(7u64, &facts)).unwrap();
        assert_eq!(cached_facts(&bytes, 7), Some(facts.clone()));
        assert_eq!(cached_facts(&bytes, 8), None, "another policy's");
        assert_eq!(
            cached_facts(&bytes[..bytes.len() - 1], 7),
            None,
            "truncated"
        );
        assert_eq!(cached_facts(&[], 7), None, "none derived");
        // Keys are the same for the same policy, different for an edit.
        let keys = FactsKeys::new(&policy);
        let mut edited = policy.clone();
        edited.reopen_window += chrono::Duration::days(1);
        // Parsed twice: a key must not depend on anything but the policy
        // (a hash map in it would print in another order each time).
        assert_eq!(keys.of(&policy), keys.of(&Policy::default_policy()));
        assert_ne!(keys.of(&policy), keys.of(&edited));
    }
}
