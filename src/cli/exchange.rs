//! Moving cases in and out of the store for other tools: `cases export`
//! (every case with its header, history and clocks, as JSON lines, for BI
//! tools and backups) and `cases import FILE` (cases opened elsewhere, from
//! CSV or JSON lines).
//!
//! Export streams: one case is read, evaluated and written at a time, so
//! its memory does not grow with the store; its clocks are the ones
//! `show` prints (`read::case_json`).
//!
//! Import checks every row by the rules `new` uses (`intake::validate`,
//! `intake::opened_case`, the roster's permissions) and builds every case
//! before it writes any; one bad row and nothing is written. The cases are
//! numbered and written under one lock of the store.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::intake::{one_line, opened_case, validate, NewArgs};
use super::lifecycle::{evaluable, permitted};
use super::policy::of_case;
use super::read::case_json;
use super::report::parse_bound_start;
use super::{output, parse_case_number, parse_instant, CommandError, Context, Format, Outcome};
use crate::case::{Case, Event, EventKind};
use crate::policy::{Policy, PolicySet};
use crate::store::safe_open::{self, Kind};
use crate::store::{format_instant, CreatedMany, Store};

#[derive(Debug, clap::Args)]
#[command(after_help = EXPORT_EXAMPLES)]
pub struct ExportArgs {
    /// Only the cases with an event at or after this instant (an RFC 3339
    /// instant, or a date: from its 00:00 UTC), such as those changed since
    /// the previous export.
    #[arg(long, value_name = "DATE|RFC3339", value_parser = parse_bound_start)]
    pub since: Option<DateTime<Utc>>,
    /// Export the store as it stood at this instant (RFC 3339): later events
    /// are left out and cases opened later are not exported.
    #[arg(long, value_name = "RFC3339", value_parser = parse_instant)]
    pub as_of: Option<DateTime<Utc>>,
}

const EXPORT_EXAMPLES: &str = "Examples:
  cases export > cases.jsonl                          every case, one JSON object per line
  cases export --since 2026-11-01 | jq -c 'select(.state == \"closed\")'
  cases export --as-of 2026-10-01T00:00:00Z           the store as it stood then
";

/// Lines written to standard output as they are made (export output is
/// not held in memory like other commands'). Every byte goes through the
/// terminal filter, as the rest of the output does; a closed pipe ends the
/// export quietly, like `cases list | head`.
struct LineWriter<W: Write> {
    out: io::BufWriter<W>,
    closed: bool,
}

impl<W: Write> LineWriter<W> {
    fn new(out: W) -> Self {
        Self {
            out: io::BufWriter::new(out),
            closed: false,
        }
    }

    /// Writes one line; false once the reader has gone.
    fn line(&mut self, text: &str) -> Result<bool, CommandError> {
        if self.closed {
            return Ok(false);
        }
        let safe = super::output::terminal_safe(text);
        let written = self
            .out
            .write_all(safe.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"));
        self.settle(written)
    }

    fn finish(&mut self) -> Result<bool, CommandError> {
        if self.closed {
            return Ok(false);
        }
        let flushed = self.out.flush();
        self.settle(flushed)
    }

    fn settle(&mut self, result: io::Result<()>) -> Result<bool, CommandError> {
        match result {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(false)
            }
            Err(e) => Err(CommandError::unreadable(format!("standard output: {e}"))),
        }
    }
}

pub fn cmd_export(ctx: &mut Context, args: ExportArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = args.as_of.unwrap_or(ctx.now);
    let listing = store.list_files()?;
    let stdout = io::stdout();
    let mut out = LineWriter::new(stdout.lock());
    for file in &listing.cases {
        let read = store.read(file.number)?;
        // With --as-of, the case as it stood then; a case opened after
        // `now` did not exist yet (as in `sla`).
        let case = match args.as_of {
            Some(as_of) => match read.view_as_of(as_of) {
                Some(case) => case,
                None => continue,
            },
            None if read.opened_at() > now => continue,
            None => std::borrow::Cow::Borrowed(&read),
        };
        let changed_since = |since: DateTime<Utc>| case.history().iter().any(|e| e.at >= since);
        if args.since.is_some_and(|since| !changed_since(since)) {
            continue;
        }
        let policy = of_case(&policies, &case)?;
        let line = serde_json::to_string(&case_json(&case, policy, now)?)
            .map_err(|e| CommandError::unreadable(format!("case {}: {e}", file.number)))?;
        if !out.line(&line)? {
            break;
        }
    }
    out.finish()?;
    Ok(Outcome::Success)
}

#[derive(Debug, clap::Args)]
#[command(after_help = IMPORT_EXAMPLES)]
pub struct ImportArgs {
    /// The cases to open: CSV with a header row, or JSON lines (one object
    /// per line, told apart by a first character `{`); `-` reads standard
    /// input. Columns: title, account, plan, region, severity, channel,
    /// contacts, opened_at, and optionally language, related, owner,
    /// first_response_at (see the README).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// Check every row and print the summary with the numbers the cases
    /// would get, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
}

const IMPORT_EXAMPLES: &str = "Examples:
  cases import open-cases.csv --dry-run           check every row, write nothing
  cases import open-cases.csv --format json       open them; the summary as JSON
  other-helpdesk-export | cases import -          JSON lines or CSV from standard input
";

/// The columns every row must have, then those it may have.
const REQUIRED: [&str; 8] = [
    "title",
    "account",
    "plan",
    "region",
    "severity",
    "channel",
    "contacts",
    "opened_at",
];
const OPTIONAL: [&str; 4] = ["language", "related", "owner", "first_response_at"];

/// One row as read: its line in the file and its values by column (an
/// empty CSV cell or a JSON `null` is absent).
struct Row {
    line: u64,
    values: BTreeMap<&'static str, Value>,
}

/// The known column named `name`, or the error for the row at `line`.
fn column(name: &str, line: u64) -> Result<&'static str, String> {
    REQUIRED
        .iter()
        .chain(&OPTIONAL)
        .find(|c| **c == name)
        .copied()
        .ok_or_else(|| {
            format!(
                "line {line}: {name:?} is not a column (allowed: {}, {})",
                REQUIRED.join(", "),
                OPTIONAL.join(", ")
            )
        })
}

/// The rows of `text` (CSV or JSON lines), and the errors of the rows
/// that could not be read, each naming its line.
fn read_rows(text: &str) -> (Vec<Row>, Vec<String>) {
    if text.trim_start().starts_with('{') {
        read_json_lines(text)
    } else {
        read_csv(text)
    }
}

fn read_json_lines(text: &str) -> (Vec<Row>, Vec<String>) {
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    for (index, line) in text.lines().enumerate() {
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => object,
            Ok(_) => {
                errors.push(format!("line {number}: not a JSON object"));
                continue;
            }
            Err(e) => {
                errors.push(format!("line {number}: not JSON: {e}"));
                continue;
            }
        };
        let mut values = BTreeMap::new();
        let mut bad = None;
        for (key, value) in object {
            match column(&key, number) {
                Ok(_) if value.is_null() => {}
                Ok(name) => {
                    values.insert(name, value);
                }
                Err(e) => {
                    bad = Some(e);
                    break;
                }
            }
        }
        match bad {
            Some(e) => errors.push(e),
            None => rows.push(Row {
                line: number,
                values,
            }),
        }
    }
    (rows, errors)
}

fn read_csv(text: &str) -> (Vec<Row>, Vec<String>) {
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => return (rows, vec![format!("line 1: {e}")]),
    };
    if headers.is_empty() || text.trim().is_empty() {
        return (rows, errors);
    }
    let mut names: Vec<&'static str> = Vec::new();
    for header in headers.iter() {
        match column(header.trim(), 1) {
            Ok(name) if names.contains(&name) => {
                errors.push(format!("line 1: column {name} is given twice"))
            }
            Ok(name) => names.push(name),
            Err(e) => errors.push(e),
        }
    }
    for required in REQUIRED {
        if !names.contains(&required) {
            errors.push(format!(
                "line 1: no column {required} (required: {})",
                REQUIRED.join(", ")
            ));
        }
    }
    if !errors.is_empty() {
        return (rows, errors);
    }
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let why = match e.kind() {
                    csv::ErrorKind::UnequalLengths { len, .. } => {
                        format!("{len} fields where the header has {}", names.len())
                    }
                    _ => e.to_string(),
                };
                errors.push(format!("line {line}: {why}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let values = names
            .iter()
            .zip(record.iter())
            .filter(|(_, cell)| !cell.trim().is_empty())
            .map(|(name, cell)| (*name, Value::String(cell.to_string())))
            .collect();
        rows.push(Row { line, values });
    }
    (rows, errors)
}

impl Row {
    /// The text of `name`, `None` when absent; the error says it is not text.
    fn text(&self, name: &str) -> Result<Option<String>, CommandError> {
        match self.values.get(name) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(CommandError::usage(format!(
                "line {}: {name} must be text",
                self.line
            ))),
        }
    }

    /// The text of the required column `name`.
    fn required(&self, name: &str) -> Result<String, CommandError> {
        self.text(name)?
            .ok_or_else(|| CommandError::usage(format!("line {}: {name} is missing", self.line)))
    }

    /// The items of list `name`: a JSON array, or text separated by `;`.
    fn list(&self, name: &str) -> Result<Vec<String>, CommandError> {
        match self.values.get(name) {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(text) => Ok(text.clone()),
                    Value::Number(n) => Ok(n.to_string()),
                    _ => Err(CommandError::usage(format!(
                        "line {}: {name} must be a list of text",
                        self.line
                    ))),
                })
                .collect(),
            _ => Ok(self
                .text(name)?
                .map(|text| {
                    text.split(';')
                        .map(|item| item.trim().to_string())
                        .filter(|item| !item.is_empty())
                        .collect()
                })
                .unwrap_or_default()),
        }
    }

    /// The instant in column `name`, by the rule of every instant
    /// (`parse_instant`: RFC 3339, one a case file can hold), not after `now`.
    fn instant(
        &self,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CommandError> {
        let Some(text) = self.text(name)? else {
            return Ok(None);
        };
        let at = parse_instant(text.trim()).map_err(|e| {
            CommandError::usage(format!("line {}: {name} {text:?}: {e}", self.line))
        })?;
        if at > now {
            return Err(CommandError::usage(format!(
                "line {}: {name} {} is after now ({}); nothing is imported from the future",
                self.line,
                format_instant(at),
                format_instant(now)
            )));
        }
        Ok(Some(at))
    }
}

/// A row checked: what `new` would have been given, and when.
struct Planned<'p> {
    line: u64,
    intake: crate::case::Intake,
    policy: &'p Policy,
    opened_at: DateTime<Utc>,
    owner: Option<String>,
    first_response_at: Option<DateTime<Utc>>,
}

/// Checks one row by the rules of `new` (under the policy in force at its
/// opening), and the import's own columns.
fn plan<'p>(
    ctx: &Context,
    policies: &'p PolicySet,
    store: &Store,
    row: &Row,
) -> Result<Planned<'p>, CommandError> {
    let line = row.line;
    let name = |field: &str| format!("line {line}: {field}");
    if let Some(missing) = REQUIRED.iter().find(|c| !row.values.contains_key(*c)) {
        return Err(CommandError::usage(name(&format!("{missing} is missing"))));
    }
    let opened_at = row
        .instant("opened_at", ctx.now)?
        .ok_or_else(|| CommandError::usage(name("opened_at is missing")))?;
    let policy = policies.in_force_at(opened_at)?;
    let related = row
        .list("related")?
        .iter()
        .map(|text| {
            parse_case_number(text)
                .map_err(|e| CommandError::usage(format!("{} {text:?}: {e}", name("related"))))
        })
        .collect::<Result<Vec<u64>, _>>()?;
    let args = NewArgs {
        title: row.required("title")?,
        account: row.required("account")?,
        plan: row.required("plan")?.trim().to_string(),
        region: row.required("region")?.trim().to_string(),
        severity: row.required("severity")?.trim().to_string(),
        channel: row.required("channel")?.trim().to_string(),
        contacts: row.list("contacts")?,
        language: row.text("language")?.map(|l| l.trim().to_string()),
        related,
    };
    if args.contacts.is_empty() {
        return Err(CommandError::usage(format!(
            "{} must hold at least one contact \"Name <email>\"",
            name("contacts")
        )));
    }
    let intake = validate(policy, args, &name)?;
    for &number in &intake.related {
        if !store.path_of(number).exists() {
            return Err(CommandError::usage(format!(
                "{} {number}: no case {number} in {}",
                name("related"),
                store.root().display()
            )));
        }
    }
    let owner = match row.text("owner")? {
        Some(owner) => Some(one_line(&name("owner"), &owner)?),
        None => None,
    };
    let first_response_at = row.instant("first_response_at", ctx.now)?;
    if let Some(at) = first_response_at.filter(|at| *at < opened_at) {
        return Err(CommandError::usage(format!(
            "{} {} is before opened_at {}",
            name("first_response_at"),
            format_instant(at),
            format_instant(opened_at)
        )));
    }
    Ok(Planned {
        line,
        intake,
        policy,
        opened_at,
        owner,
        first_response_at,
    })
}

/// Case `number` as the row planned it: opened as `new` opens a case (at
/// `opened_at`), assigned to the owner then, and answered at
/// `first_response_at`; every event allowed by the roster and the
/// lifecycle, and the clocks computable now.
fn build(ctx: &Context, number: u64, planned: &Planned, by: &str) -> Result<Case, CommandError> {
    let policy = planned.policy;
    let at = planned.opened_at;
    ctx.authorize("created", at, policy)?;
    let mut case = opened_case(number, planned.intake.clone(), at, by.to_string())?;
    let add = |case: &mut Case, at: DateTime<Utc>, kind: EventKind| {
        permitted(ctx, number, &kind, at, policy)?;
        case.record(Event {
            at,
            by: by.to_string(),
            kind,
        })
        .map_err(CommandError::from)
    };
    if let Some(owner) = &planned.owner {
        add(
            &mut case,
            at,
            EventKind::Assigned {
                owner: owner.clone(),
            },
        )?;
    }
    if let Some(responded) = planned.first_response_at {
        add(&mut case, responded, EventKind::Responded { message: None })?;
    }
    evaluable(&case, policy, ctx.now)?;
    // What export and show would print of it can be computed.
    case_json(&case, policy, ctx.now)?;
    Ok(case)
}

/// `error` for the row at `line`: its message starts with the line.
fn on_line(line: u64, error: CommandError) -> String {
    let text = error.line();
    if text.starts_with(&format!("line {line}: ")) {
        text
    } else {
        format!("line {line}: {text}")
    }
}

/// The text of `file` (`-`: standard input), read like every file: no
/// link followed, no FIFO waited on, at most [`Kind::Import`]'s limit.
fn read_input(file: &str) -> Result<(String, String), CommandError> {
    let (shown, bytes) = if file == "-" {
        let bytes = super::input::stdin_bytes(Kind::Import.limit())
            .map_err(|e| CommandError::usage(format!("standard input: {e}")))?
            .ok_or_else(|| {
                CommandError::usage(format!(
                    "standard input: more than {} bytes; import it in parts",
                    Kind::Import.limit()
                ))
            })?;
        ("standard input".to_string(), bytes)
    } else {
        let path = PathBuf::from(file);
        let contents =
            safe_open::read(&path, Kind::Import).map_err(|e| CommandError::usage(e.to_string()))?;
        (path.display().to_string(), contents.bytes)
    };
    let mut text = String::from_utf8(bytes).map_err(|e| {
        CommandError::usage(format!(
            "{shown}: not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    // A byte-order mark, as spreadsheets write it.
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok((shown, text))
}

pub fn cmd_import(ctx: &mut Context, args: ImportArgs) -> Result<Outcome, CommandError> {
    let (shown, text) = read_input(&args.file)?;
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let by = ctx.actor()?;
    let (rows, mut errors) = read_rows(&text);
    drop(text);
    let mut planned = Vec::with_capacity(rows.len());
    for row in &rows {
        match plan(ctx, &policies, &store, row) {
            Ok(p) => planned.push(p),
            Err(e) => errors.push(on_line(row.line, e)),
        }
    }
    // Every case is built with the number it gets, under the lock (or, for
    // a dry run, the numbers it would get now).
    let build_all = |first: u64| -> Result<Vec<Case>, Vec<String>> {
        let mut cases = Vec::with_capacity(planned.len());
        let mut errors = errors.clone();
        for (index, p) in planned.iter().enumerate() {
            let number = first
                .checked_add(index as u64)
                .ok_or_else(|| vec![format!("line {}: no case number is left for it", p.line)])?;
            match build(ctx, number, p, &by) {
                Ok(case) => cases.push(case),
                Err(e) => errors.push(on_line(p.line, e)),
            }
        }
        if errors.is_empty() {
            Ok(cases)
        } else {
            Err(errors)
        }
    };
    let built = if args.dry_run {
        Ok(build_all(store.next_number()?.0).map(|cases| CreatedMany {
            cases,
            ignored: Vec::new(),
        }))
    } else {
        store.create_cases(build_all)
    }?;
    let CreatedMany { cases, ignored } = match built {
        Ok(built) => built,
        Err(errors) => return Err(refused_rows(ctx, &shown, errors)),
    };
    for path in &ignored {
        ctx.err.push_str(&format!(
            "cases: warning: {} is not where the store's layout puts a case; it was not counted for the new numbers (cases check lists it)\n",
            path.display()
        ));
    }
    if !args.dry_run {
        for case in &cases {
            ctx.changed(
                store.path_of(case.number()),
                format!(
                    "case {}: {} (imported)",
                    case.number(),
                    case.history()[0].kind.summary()
                ),
            );
        }
    }
    let numbers: Vec<u64> = cases.iter().map(Case::number).collect();
    print_imported(ctx, args.dry_run, &planned, &numbers);
    Ok(Outcome::Success)
}

/// Names each bad row on standard error, in line order; the error that
/// says nothing was imported.
fn refused_rows(ctx: &mut Context, shown: &str, mut errors: Vec<String>) -> CommandError {
    errors.sort_by_key(|e| line_of(e));
    for error in &errors {
        ctx.err.push_str(&format!(
            "cases: error: {shown}: {}\n",
            output::printable(error, false)
        ));
    }
    let problems = match errors.len() {
        1 => "1 problem".to_string(),
        n => format!("{n} problems"),
    };
    CommandError::usage(format!(
        "{shown}: {problems} (each above); nothing was imported"
    ))
}

/// The summary: each row's line and the number its case got (JSON), or
/// `imported 3 cases: 1013-1015`.
fn print_imported(ctx: &mut Context, dry_run: bool, planned: &[Planned<'_>], numbers: &[u64]) {
    match ctx.format() {
        Format::Json => ctx.out.push_str(&output::json(&json!({
            "dry_run": dry_run,
            "count": numbers.len(),
            "cases": planned
                .iter()
                .zip(numbers)
                .map(|(p, number)| json!({"line": p.line, "number": number}))
                .collect::<Vec<_>>(),
        }))),
        _ => {
            let verb = if dry_run { "would import" } else { "imported" };
            let line = match (numbers.first(), numbers.last()) {
                (Some(first), Some(last)) if first == last => format!("{verb} 1 case: {first}\n"),
                (Some(first), Some(last)) => {
                    format!("{verb} {} cases: {first}-{last}\n", numbers.len())
                }
                _ => "nothing to import\n".to_string(),
            };
            ctx.out.push_str(&line);
        }
    }
}

/// The line number an import error starts with (`line 12: ...`).
fn line_of(error: &str) -> u64 {
    error
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
