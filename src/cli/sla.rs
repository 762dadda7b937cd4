//! `cases sla`: every clock of every open case, for people and for CI.
//! `--check` exits 1 when a clock is overdue now (running past its due:
//! someone must act) and, with `--since`, also when one became breached in
//! that window (a late response recorded since the last run of an hourly
//! job, on an open case or one closed since), one line per clock on standard
//! error; a breach answered long ago is history for `report`. `--at-risk 2h`
//! flags running clocks due within 2 hours (and `--fail-on-risk` fails on
//! them too); `--as-of` replays the store as it stood at a past instant.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::external_sort::{self, ExternalSort};
use super::filter::{CaseFilter, Filter, Order, SortField, SortView};
use super::output;
use super::policy::of_case;
use super::read::{
    clock_json, clock_name, header_bytes, listed_header, remaining, remaining_seconds, scan_into,
    update_intervals, Gather,
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
#[derive(Clone, serde::Serialize, serde::Deserialize)]
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

    /// True when `--check` fails on it for a breach: running past its due,
    /// or breached in the `--since` window.
    fn breach_fails(&self, since: Option<DateTime<Utc>>) -> bool {
        self.reading.is_overdue() || breached_in_window(&self.reading, since)
    }

    /// True when `--check` fails on it: a breach, or with `--fail-on-risk`
    /// a clock at risk.
    fn fails(&self, args: &SlaArgs, since: Option<DateTime<Utc>>) -> bool {
        self.breach_fails(since) || (args.fail_on_risk && self.at_risk)
    }
}

/// A clock line and its case, as `sla` holds it (and spills it) until it
/// is sorted.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Row {
    /// The case's, as listed ([`listed_header`]).
    header: Header,
    #[serde(with = "chrono::serde::ts_microseconds")]
    opened_at: DateTime<Utc>,
    line: Line,
    /// The line's place among its case's clocks.
    index: usize,
}

impl Row {
    fn weigh(&self) -> usize {
        header_bytes(&self.header)
    }

    /// `sla`'s own order: by due time (none last), then case, then the
    /// clock's place in its case.
    fn own_order(a: &Row, b: &Row) -> Ordering {
        let key = |row: &Row| {
            let due = row.line.reading.due_at;
            (due.is_none(), due, row.header.number, row.index)
        };
        key(a).cmp(&key(b))
    }

    /// By case, then the clock's place in its case.
    fn number_order(a: &Row, b: &Row) -> Ordering {
        (a.header.number, a.index).cmp(&(b.header.number, b.index))
    }
}

/// A case and the clock lines of it JSON shows.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct CaseLines {
    header: Header,
    lines: Vec<Line>,
}

impl CaseLines {
    fn weigh(&self) -> usize {
        header_bytes(&self.header) + self.lines.len() * std::mem::size_of::<Line>()
    }
}

/// A row with its place in the order shown.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Ranked<T> {
    rank: usize,
    item: T,
}

/// A comparison of two rows of one kind.
type Comparison<T> = fn(&T, &T) -> Ordering;

/// What the scan of `sla` keeps, on one thread: the lines of the open
/// cases in the order shown, the lines of closed cases `--check --since`
/// fails on, for JSON of every case the cases, and the figures of the
/// summary. Each is sorted as it is gathered, in bounded memory.
struct Gathered<'c, C> {
    lines: ExternalSort<'c, Row, C>,
    /// In number order.
    closed: ExternalSort<'c, Row, Comparison<Row>>,
    /// In number order: without --status, --sort or --limit JSON lists
    /// every open case read, with all its lines.
    cases: Option<ExternalSort<'c, CaseLines, Comparison<CaseLines>>>,
    counts: Counts,
    /// The start of the `--since` window, for the counts.
    since: Option<DateTime<Utc>>,
}

/// The figures of the summary and the verdict.
#[derive(Default)]
struct Counts {
    /// Open cases read.
    open_cases: usize,
    /// Open cases with a line shown.
    cases_shown: usize,
    lines: usize,
    breached: usize,
    at_risk: usize,
    /// Lines shown that `--check` fails on for a breach.
    breaches_failing: usize,
    /// Lines of closed cases `--check --since` fails on.
    closed_lines: usize,
}

impl Counts {
    /// Counts one line shown.
    fn line(&mut self, line: &Line, since: Option<DateTime<Utc>>) {
        self.lines += 1;
        self.breached += usize::from(line.reading.status == ClockStatus::Breached);
        self.at_risk += usize::from(line.at_risk);
        self.breaches_failing += usize::from(line.breach_fails(since));
    }

    fn add(&mut self, other: &Counts) {
        self.open_cases += other.open_cases;
        self.cases_shown += other.cases_shown;
        self.lines += other.lines;
        self.breached += other.breached;
        self.at_risk += other.at_risk;
        self.breaches_failing += other.breaches_failing;
        self.closed_lines += other.closed_lines;
    }
}

impl<C: Fn(&Row, &Row) -> Ordering + Sync> Gather<Looked> for Gathered<'_, C> {
    fn add(&mut self, (header, opened_at, lines): Looked) {
        let open = header.state.is_open();
        if open {
            self.counts.open_cases += 1;
            self.counts.cases_shown += usize::from(!lines.is_empty());
        }
        for (index, line) in lines.iter().enumerate() {
            let row = Row {
                header: header.clone(),
                opened_at,
                line: line.clone(),
                index,
            };
            if open {
                self.counts.line(line, self.since);
                self.lines.push(row);
            } else {
                self.counts.closed_lines += 1;
                self.closed.push(row);
            }
        }
        if let (true, Some(cases)) = (open, &mut self.cases) {
            cases.push(CaseLines { header, lines });
        }
    }

    fn absorb(&mut self, later: Self) {
        self.lines.absorb(later.lines);
        self.closed.absorb(later.closed);
        if let (Some(cases), Some(later)) = (&mut self.cases, later.cases) {
            cases.absorb(later);
        }
        self.counts.add(&later.counts);
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
    let compare = args.order.comparison(
        &SortField::of_clocks(),
        |row: &Row| SortView {
            header: &row.header,
            opened_at: row.opened_at,
            due_at: row.line.reading.due_at,
            status: Some(row.line.status()),
        },
        Row::own_order,
    )?;
    // Open cases are listed; a closed one is read only for `--check
    // --since` (its clocks fail the check, they are not listed). The lines
    // are sorted as they are read (an external sort), never all held.
    let by_number: Comparison<Row> = Row::number_order;
    let by_case_number: Comparison<CaseLines> = |a, b| a.header.number.cmp(&b.header.number);
    let json_of_every_case = ctx.format() == Format::Json && lists_every_case(&args);
    let budget = external_sort::budget();
    let gatherer = || Gathered {
        lines: ExternalSort::new(&compare, Row::weigh, budget),
        closed: ExternalSort::new(&by_number, Row::weigh, budget),
        cases: json_of_every_case
            .then(|| ExternalSort::new(&by_case_number, CaseLines::weigh, budget)),
        counts: Counts::default(),
        since,
    };
    let gathered = read_lines(&store, &policies, &args, &filter, now, since, gatherer)?;
    let lines = gathered.lines.finish().map_err(external_sort::failed)?;
    let closed = gathered.closed.finish().map_err(external_sort::failed)?;
    let shown = || lines.iter().take(args.order.limit());
    // With --limit the figures are those of the lines shown.
    let counts = if args.order.limit.is_some() {
        let mut counts = Counts {
            closed_lines: gathered.counts.closed_lines,
            ..Counts::default()
        };
        let mut cases = std::collections::HashSet::new();
        for row in shown() {
            counts.line(&row.line, since);
            cases.insert(row.header.number);
        }
        counts.cases_shown = cases.len();
        counts
    } else {
        gathered.counts
    };
    // JSON lists the cases (in number order, or in the order of --sort)
    // with the clocks --status and --limit kept: every open case read, or
    // with --status, --sort or --limit the cases of the lines shown.
    let cases = if lists_every_case(&args) {
        counts.open_cases
    } else {
        counts.cases_shown
    };
    let summary = format!(
        "{} clock{} on {} open case{} at {}: {} breached, {} at risk",
        counts.lines,
        if counts.lines == 1 { "" } else { "s" },
        cases,
        if cases == 1 { "" } else { "s" },
        crate::store::format_instant(now),
        counts.breached,
        counts.at_risk,
    );
    match (ctx.format(), gathered.cases) {
        (Format::Json, Some(cases)) => {
            let cases = cases.finish().map_err(external_sort::failed)?;
            print_json(ctx, cases.iter().map(Cow::into_owned), now);
            cases.checked().map_err(external_sort::failed)?;
        }
        (Format::Json, None) => print_json_of_lines(ctx, shown(), &args, budget, now)?,
        (Format::Csv, _) => print_csv(ctx, shown(), now),
        (format, _) => {
            let breached = counts.breaches_failing + counts.closed_lines > 0;
            print_table(ctx, format, shown, breached, &summary, now);
        }
    }
    lines.checked().map_err(external_sort::failed)?;
    if !args.check {
        return Ok(Outcome::Success);
    }
    let failing = shown()
        .filter(|row| row.line.fails(&args, since))
        .chain(closed.iter());
    let outcome = print_failing(ctx, failing, now);
    lines.checked().map_err(external_sort::failed)?;
    closed.checked().map_err(external_sort::failed)?;
    Ok(outcome)
}

/// True when `sla` lists every case it read: without --status, --sort or
/// --limit, which keep some lines only.
fn lists_every_case(args: &SlaArgs) -> bool {
    args.status.is_empty() && args.order.sort.is_none() && args.order.limit.is_none()
}

/// `sla --format json` with --status, --sort or --limit: the cases of the
/// lines shown, each with its lines in the order shown; the cases in number
/// order, or with --sort in the order of their first line. The lines are
/// sorted by case (and the cases by first line) in bounded memory too.
fn print_json_of_lines<'a>(
    ctx: &mut Context,
    shown: impl Iterator<Item = Cow<'a, Row>>,
    args: &SlaArgs,
    budget: usize,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let by_case: Comparison<Ranked<Row>> =
        |a, b| (a.item.header.number, a.rank).cmp(&(b.item.header.number, b.rank));
    let mut sort = ExternalSort::new(&by_case, |row| row.item.weigh(), budget);
    for (rank, row) in shown.enumerate() {
        sort.push(Ranked {
            rank,
            item: row.into_owned(),
        });
    }
    let by_case = sort.finish().map_err(external_sort::failed)?;
    let mut rows = by_case.iter().peekable();
    let cases = std::iter::from_fn(|| {
        let first = rows.next()?.into_owned();
        let number = first.item.header.number;
        let mut case = Ranked {
            rank: first.rank,
            item: CaseLines {
                header: first.item.header,
                lines: vec![first.item.line],
            },
        };
        while let Some(row) = rows.next_if(|row| row.item.header.number == number) {
            case.item.lines.push(row.into_owned().item.line);
        }
        Some(case)
    });
    if args.order.sort.is_none() {
        print_json(ctx, cases.map(|case| case.item), now);
    } else {
        let by_rank: Comparison<Ranked<CaseLines>> = |a, b| a.rank.cmp(&b.rank);
        let mut sort = ExternalSort::new(&by_rank, |case| case.item.weigh(), budget);
        for case in cases {
            sort.push(case);
        }
        let by_rank = sort.finish().map_err(external_sort::failed)?;
        print_json(ctx, by_rank.iter().map(|case| case.into_owned().item), now);
        by_rank.checked().map_err(external_sort::failed)?;
    }
    by_case.checked().map_err(external_sort::failed)
}

/// `sla --format json`: the cases, each with its clocks.
fn print_json(ctx: &mut Context, cases: impl Iterator<Item = CaseLines>, now: DateTime<Utc>) {
    let items = cases.map(|case| {
        let h = &case.header;
        let clocks: Vec<Value> = case.lines.iter().map(|line| line_json(line, now)).collect();
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
fn print_csv<'a>(ctx: &mut Context, lines: impl Iterator<Item = Cow<'a, Row>>, now: DateTime<Utc>) {
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
    let rows = lines.map(|row| {
        let (line, r) = (&row.line, &row.line.reading);
        with_case_cells(
            &row.header,
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
/// the verdict (`breached`: a line --check fails on for a breach) and the
/// summary first.
fn print_table<'a, I>(
    ctx: &mut Context,
    format: Format,
    lines: impl Fn() -> I,
    breached: bool,
    summary: &str,
    now: DateTime<Utc>,
) where
    I: Iterator<Item = Cow<'a, Row>>,
{
    let zone = ctx.zone();
    let columns = with_case_columns(["clock", "status", "due", "remaining"]);
    let rows = || {
        lines().map(move |row| {
            let line = &row.line;
            with_case_cells(
                &row.header,
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
        let verdict = if breached { "SLA breached" } else { "SLA met" };
        ctx.out.push_str(&format!("### {verdict}\n\n{summary}\n\n"));
        output::markdown_into(&columns, rows(), &mut ctx.out);
    } else {
        output::streamed_table(columns, rows, &mut ctx.out);
        ctx.out.push_str(&format!("{summary}\n"));
    }
}

/// `sla --check`: one line per failing clock on standard error; findings
/// when there is any.
fn print_failing<'a>(
    ctx: &mut Context,
    failing: impl Iterator<Item = Cow<'a, Row>>,
    now: DateTime<Utc>,
) -> Outcome {
    let mut outcome = Outcome::Success;
    for row in failing {
        let line = &row.line;
        let what = if line.reading.status == ClockStatus::Breached {
            "breached"
        } else {
            "at risk"
        };
        ctx.err.push_str(&format!(
            "cases: {what}: case {} {} due {} ({})\n",
            row.header.number,
            clock_name(&line.reading, line.interval),
            line.reading
                .due_at
                .map_or("-".into(), |due| local_time(due, line.reading.time_zone)),
            remaining_text(&line.reading, now),
        ));
        outcome = Outcome::Findings;
    }
    outcome
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
/// after `now` (a past --now) did not exist yet. Each case goes to a
/// gatherer `new` makes.
fn read_lines<G: Gather<Looked>>(
    store: &Store,
    policies: &PolicySet,
    args: &SlaArgs,
    filter: &Filter,
    now: DateTime<Utc>,
    since: Option<DateTime<Utc>>,
    new: impl Fn() -> G + Sync + Send,
) -> Result<G, CommandError> {
    // The title and account are kept only to sort by.
    let text = args.order.sorts_by(&[SortField::Title, SortField::Account]);
    scan_into(store, new, |scanned| {
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
        let lines = readings
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
