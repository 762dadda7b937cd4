//! `cases sla`: every clock of every open case, for people and for CI.
//! `--check` exits 1 when a clock is overdue now (running past its due:
//! someone must act) and, with `--since`, also when one became breached in
//! that window (a late response recorded since the last run of an hourly
//! job, on an open case or one closed since), one line per clock on standard
//! error; a breach answered long ago is history for `report`. `--at-risk 2h`
//! flags running clocks due within 2 hours (and `--fail-on-risk` fails on
//! them too); `--as-of` replays the store as it stood at a past instant.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::filter::{CaseFilter, Filter, Order, SortField, SortView};
use super::output;
use super::policy::of_case;
use super::read::{
    clock_json, clock_name, listed_header, remaining, remaining_seconds, scan, update_intervals,
};
use super::{parse_duration_arg, parse_instant, CommandError, Context, Format, Outcome};
use crate::case::Header;
use crate::clock::{self, local_time, ClockReading, ClockStatus};
use crate::policy::{format_duration, PolicySet};
use crate::store::Store;

#[derive(Debug, clap::Args)]
#[command(after_help = SLA_EXAMPLES)]
pub struct SlaArgs {
    /// Exit 1 when a clock is overdue now (running past its due), with one
    /// line per clock on stderr.
    #[arg(long)]
    pub check: bool,
    /// With --check, also fail on clocks that became breached in this window:
    /// a duration back from now (1h for an hourly job) or an RFC 3339 instant.
    #[arg(long, value_name = "DURATION|RFC3339", value_parser = parse_since, requires = "check")]
    pub since: Option<Since>,
    /// Flag running clocks due within this window (e.g. 2h, 1h30m).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub at_risk: Option<Duration>,
    /// With --check and --at-risk, also fail on clocks at risk.
    #[arg(long, requires = "at_risk")]
    pub fail_on_risk: bool,
    /// Report the store as it stood at this past instant (RFC 3339).
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub as_of: Option<DateTime<Utc>>,
    /// Only clocks with these statuses: waiting, running, at-risk, met, breached
    /// (at-risk needs --at-risk; a clock at risk is not also "running").
    #[arg(long, value_delimiter = ',', value_parser = parse_status, value_name = "STATUS,...")]
    pub status: Vec<&'static str>,
    #[command(flatten)]
    pub filter: CaseFilter,
    #[command(flatten)]
    pub order: Order,
}

const SLA_EXAMPLES: &str = "Examples:
  cases sla --at-risk 2h                          what is due in the next two hours
  cases sla --status breached,at-risk --at-risk 2h --owner me
  cases sla --check --format markdown >> \"$GITHUB_STEP_SUMMARY\"   CI: exit 1 on an overdue clock
  cases sla --check --since 1h                    hourly job: also a breach of the last hour
";

/// The statuses `--status` takes, as the table prints them.
const STATUSES: [&str; 5] = ["waiting", "running", "at-risk", "met", "breached"];

fn parse_status(text: &str) -> Result<&'static str, String> {
    STATUSES
        .into_iter()
        .find(|s| *s == text)
        .ok_or_else(|| format!("allowed: {}", STATUSES.join(", ")))
}

/// The start of the `--since` window.
#[derive(Debug, Clone, Copy)]
pub enum Since {
    /// This long before now.
    Ago(Duration),
    At(DateTime<Utc>),
}

impl Since {
    fn start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Since::Ago(duration) => now - duration,
            Since::At(instant) => instant,
        }
    }
}

fn parse_since(text: &str) -> Result<Since, String> {
    if let Ok(duration) = parse_duration_arg(text) {
        return Ok(Since::Ago(duration));
    }
    parse_instant(text).map(Since::At).map_err(|_| {
        format!(
            "expected {} or an RFC 3339 instant such as 2026-11-27T14:00:00Z",
            crate::policy::DURATION_HELP
        )
    })
}

/// One clock of one case, as `sla` reports it.
struct Line {
    reading: ClockReading,
    /// Its update interval, for an escalation-update clock.
    interval: Option<usize>,
    at_risk: bool,
}

impl Line {
    /// The status as printed: `at-risk` for a running clock at risk.
    fn status(&self) -> &'static str {
        if self.at_risk {
            "at-risk"
        } else {
            self.reading.status.as_str()
        }
    }
}

pub fn cmd_sla(ctx: &mut Context, args: SlaArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = args.as_of.unwrap_or(ctx.now);
    let filter = args.filter.resolve(ctx, policies.current())?;
    if args.status.contains(&"at-risk") && args.at_risk.is_none() {
        return Err(CommandError::usage(
            "--status at-risk needs --at-risk DURATION (how soon is at risk)",
        ));
    }
    let since = args.since.map(|since| since.start(now));
    // Open cases are listed; a closed one is read only for `--check
    // --since` (its clocks fail the check, they are not listed).
    // The closed ones are taken out in place: the open ones, most of a
    // large store's output, are not copied.
    let mut per_case = read_lines(&store, &policies, &args, &filter, now, since)?;
    let closed: Vec<Looked> = per_case
        .extract_if(.., |(header, ..)| !header.state.is_open())
        .collect();
    let mut lines: Vec<(&Header, DateTime<Utc>, &Line)> = per_case
        .iter()
        .flat_map(|(header, opened_at, lines)| {
            lines.iter().map(move |line| (header, *opened_at, line))
        })
        .collect();
    lines.sort_by_key(|(header, _, line)| {
        (
            line.reading.due_at.is_none(),
            line.reading.due_at,
            header.number,
        )
    });
    args.order.apply(
        &mut lines,
        &SortField::of_clocks(),
        |(header, opened_at, line)| SortView {
            header,
            opened_at: *opened_at,
            due_at: line.reading.due_at,
            status: Some(line.status()),
        },
    )?;
    let lines: Vec<(&Header, &Line)> = lines.into_iter().map(|(h, _, l)| (h, l)).collect();
    // JSON lists the cases (in number order, or in the order of --sort)
    // with the clocks --status and --limit kept.
    // The cases listed: every one read, or with --status, --sort or
    // --limit those of the lines kept.
    let open_cases = if lists_every_case(&args) {
        per_case.len()
    } else {
        let numbers: std::collections::HashSet<u64> = lines.iter().map(|(h, _)| h.number).collect();
        numbers.len()
    };
    let breached = lines
        .iter()
        .filter(|(_, l)| l.reading.status == ClockStatus::Breached)
        .count();
    let at_risk = lines.iter().filter(|(_, l)| l.at_risk).count();
    let failing = failing_lines(&lines, &closed, &args, since);
    let summary = format!(
        "{} clock{} on {} open case{} at {}: {breached} breached, {at_risk} at risk",
        lines.len(),
        if lines.len() == 1 { "" } else { "s" },
        open_cases,
        if open_cases == 1 { "" } else { "s" },
        crate::store::format_instant(now),
    );
    match ctx.format() {
        Format::Json => print_json(ctx, &cases_of_lines(&per_case, &lines, &args), now),
        Format::Csv => print_csv(ctx, &lines, now),
        format => print_table(ctx, format, &lines, &failing, &summary, now),
    }
    if !args.check {
        return Ok(Outcome::Success);
    }
    Ok(print_failing(ctx, &failing, now))
}

/// A case and the clock lines of it that are shown.
type CaseLines<'a> = (&'a Header, Vec<&'a Line>);

/// The cases JSON lists, each with its shown lines: every listed case in
/// number order, or with --status, --sort or --limit the cases of the
/// lines kept, in number order or in the order of --sort.
fn cases_of_lines<'a>(
    per_case: &'a [Looked],
    lines: &[(&'a Header, &'a Line)],
    args: &SlaArgs,
) -> Vec<CaseLines<'a>> {
    let json_cases: Vec<CaseLines<'a>> = if lists_every_case(args) {
        per_case
            .iter()
            .map(|(header, _, lines)| (header, lines.iter().collect()))
            .collect()
    } else {
        let mut cases: Vec<(&Header, Vec<&Line>)> = Vec::new();
        let mut index: std::collections::HashMap<u64, usize> = Default::default();
        for (header, line) in lines {
            let at = *index.entry(header.number).or_insert_with(|| {
                cases.push((header, Vec::new()));
                cases.len() - 1
            });
            cases[at].1.push(line);
        }
        if args.order.sort.is_none() {
            cases.sort_by_key(|(h, _)| h.number);
        }
        cases
    };
    json_cases
}

/// True when `sla` lists every case it read: without --status, --sort or
/// --limit, which keep some lines only.
fn lists_every_case(args: &SlaArgs) -> bool {
    args.status.is_empty() && args.order.sort.is_none() && args.order.limit.is_none()
}

/// What --check fails on: a clock overdue now, one that became breached in
/// the --since window (on a listed case, then on a case closed since), and
/// with --fail-on-risk a clock at risk.
fn failing_lines<'a>(
    lines: &[(&'a Header, &'a Line)],
    closed: &'a [Looked],
    args: &SlaArgs,
    since: Option<DateTime<Utc>>,
) -> Vec<(&'a Header, &'a Line)> {
    lines
        .iter()
        .copied()
        .filter(|(_, l)| {
            l.reading.is_overdue()
                || breached_in_window(&l.reading, since)
                || (args.fail_on_risk && l.at_risk)
        })
        .chain(
            closed
                .iter()
                .flat_map(|(header, _, lines)| lines.iter().map(move |line| (header, line))),
        )
        .collect()
}

/// `sla --format json`: the cases, each with its clocks.
fn print_json(ctx: &mut Context, cases: &[CaseLines<'_>], now: DateTime<Utc>) {
    let items = cases.iter().map(|(h, lines)| {
        let clocks: Vec<Value> = lines.iter().map(|line| line_json(line, now)).collect();
        json!({
            "number": h.number,
            "severity": h.severity,
            "plan": h.facts.plan,
            "region": h.facts.region,
            "state": h.state.as_str(),
            "clocks": clocks,
        })
    });
    output::json_array_into(items, &mut ctx.out);
}

/// `sla --format csv`: the JSON fields, one row per clock, for machines.
fn print_csv(ctx: &mut Context, lines: &[(&Header, &Line)], now: DateTime<Utc>) {
    let columns = with_case_columns([
        "clock",
        "escalation",
        "interval",
        "started_at",
        "due_at",
        "stopped_at",
        "status",
        "at_risk",
        "remaining_seconds",
    ]);
    let rows = lines.iter().map(|(h, line)| {
        let r = &line.reading;
        with_case_cells(
            h,
            [
                r.clock.as_str().to_string(),
                output::cell(r.escalation),
                output::cell(line.interval),
                output::instant_cell(r.started_at),
                output::instant_cell(r.due_at),
                output::instant_cell(r.stopped_at),
                r.status.as_str().to_string(),
                line.at_risk.to_string(),
                output::cell(remaining_seconds(r, now)),
            ],
        )
    });
    output::csv_into(&columns, rows, &mut ctx.out);
}

/// `sla` as a table for people, or as Markdown (a CI step summary) with
/// the verdict and the summary first.
fn print_table(
    ctx: &mut Context,
    format: Format,
    lines: &[(&Header, &Line)],
    failing: &[(&Header, &Line)],
    summary: &str,
    now: DateTime<Utc>,
) {
    let zone = ctx.zone();
    let columns = with_case_columns(["clock", "status", "due", "remaining"]);
    let rows = || {
        lines.iter().map(move |(h, line)| {
            with_case_cells(
                h,
                [
                    clock_name(&line.reading, line.interval),
                    line.status().to_string(),
                    line.reading
                        .due_at
                        .map_or("-".into(), |due| zone.show(due, line.reading.time_zone)),
                    remaining_text(&line.reading, now),
                ],
            )
        })
    };
    if format == Format::Markdown {
        let verdict = if failing.iter().any(|(_, l)| !l.at_risk) {
            "SLA breached"
        } else {
            "SLA met"
        };
        ctx.out.push_str(&format!("### {verdict}\n\n{summary}\n\n"));
        output::markdown_into(&columns, rows(), &mut ctx.out);
    } else {
        output::streamed_table(columns, rows, &mut ctx.out);
        ctx.out.push_str(&format!("{summary}\n"));
    }
}

/// `sla --check`: one line per failing clock on standard error; findings
/// when there is any.
fn print_failing(ctx: &mut Context, failing: &[(&Header, &Line)], now: DateTime<Utc>) -> Outcome {
    for (h, line) in failing {
        let what = if line.reading.status == ClockStatus::Breached {
            "breached"
        } else {
            "at risk"
        };
        ctx.err.push_str(&format!(
            "cases: {what}: case {} {} due {} ({})\n",
            h.number,
            clock_name(&line.reading, line.interval),
            line.reading
                .due_at
                .map_or("-".into(), |due| local_time(due, line.reading.time_zone)),
            remaining_text(&line.reading, now),
        ));
    }
    if failing.is_empty() {
        Outcome::Success
    } else {
        Outcome::Findings
    }
}

/// True when `reading` became breached within the window that starts at
/// `since`: it is breached from just after its due instant, so a due at or
/// after `since` means the breach began in the window (a run at `since`
/// itself still saw it running).
fn breached_in_window(reading: &ClockReading, since: Option<DateTime<Utc>>) -> bool {
    since.is_some_and(|since| reading.breached_after().is_some_and(|due| due >= since))
}

/// How much time is left, how late it is, or how it ended.
fn remaining_text(reading: &ClockReading, now: DateTime<Utc>) -> String {
    match (reading.due_at, reading.stopped_at) {
        (None, _) => "-".into(),
        (Some(due), Some(stopped)) if stopped > due => {
            format!("late {}", format_duration(stopped - due))
        }
        (Some(_), Some(_)) => "stopped".into(),
        (Some(due), None) => remaining(due, now),
    }
}

/// A clock line as JSON: the clock's fields, `at_risk` (within the
/// `--at-risk` window; always `false` without it) and `remaining_seconds`.
fn line_json(line: &Line, now: DateTime<Utc>) -> Value {
    let mut value = clock_json(&line.reading, line.interval);
    value["at_risk"] = Value::Bool(line.at_risk);
    value["remaining_seconds"] = json!(remaining_seconds(&line.reading, now));
    value
}

/// A case `sla` looked at: its header, opening and clock lines.
type Looked = (Header, DateTime<Utc>, Vec<Line>);

/// Every case `sla` reports on at `now`, with its clock lines: open cases
/// the filters keep, and (for `--check --since`) closed ones with only the
/// clocks that became breached in the window. Each case keeps its header
/// and its clock lines; the rest of the case is dropped where it was read.
/// Without --as-of or --since only open cases count, and the header says
/// which they are: the others' histories are never decoded. A case opened
/// after `now` (a past --now) did not exist yet.
fn read_lines(
    store: &Store,
    policies: &PolicySet,
    args: &SlaArgs,
    filter: &Filter,
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<Looked>, CommandError> {
    // The title and account are kept only to sort by.
    let text = args.order.sorts_by(&[SortField::Title, SortField::Account]);
    scan(store, |scanned| {
        if args.as_of.is_none()
            && ((since.is_none() && !scanned.header().state.is_open())
                || scanned.opened_at() > now
                || !filter.keeps_header(scanned.header(), scanned.opened_at()))
        {
            return Ok(None);
        }
        let case = scanned.into_case()?;
        let case = if args.as_of.is_some() {
            match case.as_of(now) {
                Some(case) => case,
                None => return Ok(None),
            }
        } else {
            case
        };
        if (since.is_none() && !case.header().state.is_open())
            || !filter.keeps_header(case.header(), case.opened_at())
            || !filter.keeps_case(&case)
        {
            return Ok(None);
        }
        let policy = of_case(policies, &case)?;
        let readings = clock::clocks(&case, policy, now)?;
        let intervals = update_intervals(&readings);
        if !case.header().state.is_open() {
            let lines: Vec<Line> = readings
                .into_iter()
                .zip(intervals)
                .filter(|(reading, _)| breached_in_window(reading, since))
                .map(|(reading, interval)| Line {
                    reading,
                    interval,
                    at_risk: false,
                })
                .collect();
            return Ok((!lines.is_empty())
                .then(|| (listed_header(case.header(), text), case.opened_at(), lines)));
        }
        // An update interval followed by another and met is history, not SLA.
        let superseded = crate::rules::superseded_updates(&readings);
        let mut lines = readings
            .iter()
            .enumerate()
            .filter(|(index, _)| !superseded[*index])
            .map(|(index, reading)| Line {
                at_risk: reading.status == ClockStatus::Running
                    && args
                        .at_risk
                        .zip(reading.due_at)
                        .is_some_and(|(window, due)| due - now <= window),
                interval: intervals[index],
                reading: reading.clone(),
            })
            .filter(|line| args.status.is_empty() || args.status.contains(&line.status()))
            .collect::<Vec<_>>();
        if lines.is_empty() && !args.status.is_empty() {
            return Ok(None);
        }
        // Held until every case is read: no room for lines never pushed (a
        // filtered collect starts at four).
        lines.shrink_to_fit();
        Ok(Some((
            listed_header(case.header(), text),
            case.opened_at(),
            lines,
        )))
    })
}

/// The columns every `sla` row starts with: the case's.
const CASE_COLUMNS: [&str; 5] = ["number", "severity", "plan", "region", "state"];

/// [`CASE_COLUMNS`], then `more`.
fn with_case_columns<const N: usize>(more: [&'static str; N]) -> Vec<&'static str> {
    CASE_COLUMNS.iter().copied().chain(more).collect()
}

/// The cells of [`CASE_COLUMNS`] for `h`, then `more`.
fn with_case_cells<const N: usize>(h: &Header, more: [String; N]) -> Vec<String> {
    [
        h.number.to_string(),
        h.severity.to_string(),
        h.facts.plan.clone(),
        h.facts.region.clone(),
        h.state.to_string(),
    ]
    .into_iter()
    .chain(more)
    .collect()
}
