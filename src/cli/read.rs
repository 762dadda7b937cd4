//! Read-only commands: `cases show N` and `cases list`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use super::external_sort::{self, ExternalSort};
use super::filter::{CaseFilter, Order, SortField, SortView};
use super::output;
use super::zone::ShownZone;
use super::{CommandError, Context, Format, Outcome};
use crate::case::{Case, Header};
use crate::clock::{self, ClockReading};
use crate::escalation::{self, Escalation};
use crate::policy::{format_duration, Policy};
use crate::store::{event_json, format_instant, Scanned, Store};

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
}

#[derive(Debug, clap::Args)]
#[command(after_help = LIST_EXAMPLES)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: CaseFilter,
    #[command(flatten)]
    pub order: Order,
}

const LIST_EXAMPLES: &str = "Examples:
  cases list --open --owner me                   my cases that are not closed
  cases list --state new,open --severity 1,2     urgent cases not waiting on anyone
  cases list --grep sharepoint --sort opened --reverse --limit 5
";

pub fn instant_json(t: Option<DateTime<Utc>>) -> Value {
    t.map_or(Value::Null, |t| Value::String(format_instant(t)))
}

/// For each reading, which update interval of its escalation it is (1 for
/// the interval from the acceptance to the first update, 2 from there to
/// the next...) when it is an escalation-update clock; else `None`. An
/// escalation has one update clock per interval, so the escalation number
/// alone does not name one.
pub fn update_intervals(readings: &[ClockReading]) -> Vec<Option<usize>> {
    let mut seen: Vec<(Option<usize>, usize)> = Vec::new();
    readings
        .iter()
        .map(|reading| {
            if reading.clock != clock::ClockKind::EscalationUpdate {
                return None;
            }
            match seen.iter_mut().find(|(e, _)| *e == reading.escalation) {
                Some((_, count)) => {
                    *count += 1;
                    Some(*count)
                }
                None => {
                    seen.push((reading.escalation, 1));
                    Some(1)
                }
            }
        })
        .collect()
}

/// `initial-response`, `reopen-response #1`, `next-response #2`,
/// `escalation-follow-up #1`, `escalation-update #1.2` (escalation 1, its
/// second update interval).
pub fn clock_name(reading: &ClockReading, interval: Option<usize>) -> String {
    match (
        reading.escalation.or(reading.reopen).or(reading.reply),
        interval,
    ) {
        (Some(n), Some(i)) => format!("{} #{n}.{i}", reading.clock.as_str()),
        (Some(n), None) => format!("{} #{n}", reading.clock.as_str()),
        (None, _) => reading.clock.as_str().to_string(),
    }
}

/// A clock reading as JSON: `{clock, escalation, interval, reopen,
/// started_at, due_at, stopped_at, status}`, and for a next-response clock
/// `reply` (which of the case's, after `reopen`): the key exists only on
/// that clock, so the JSON of a store without one is what it always was.
pub fn clock_json(reading: &ClockReading, interval: Option<usize>) -> Value {
    let mut clock = json!({
        "clock": reading.clock.as_str(),
        "escalation": reading.escalation,
        "interval": interval,
        "reopen": reading.reopen,
    });
    if let (Some(reply), Some(fields)) = (reading.reply, clock.as_object_mut()) {
        fields.insert("reply".into(), reply.into());
    }
    if let Some(fields) = clock.as_object_mut() {
        fields.insert("started_at".into(), instant_json(reading.started_at));
        fields.insert("due_at".into(), instant_json(reading.due_at));
        fields.insert("stopped_at".into(), instant_json(reading.stopped_at));
        fields.insert("status".into(), reading.status.as_str().into());
    }
    clock
}

/// Seconds from `now` to a running clock's due time (negative once
/// overdue); `None` for a clock that stopped or has no due time.
pub fn remaining_seconds(reading: &ClockReading, now: DateTime<Utc>) -> Option<i64> {
    match (reading.due_at, reading.stopped_at) {
        (Some(due), None) => Some((due - now).num_seconds()),
        _ => None,
    }
}

/// One escalation as JSON.
fn escalation_json(case: &Case, e: &Escalation) -> Value {
    json!({
        "status": e.status(),
        "requested_at": format_instant(e.requested_at),
        "requester": e.request.requester,
        "role": e.request.role,
        "channel": e.request.channel,
        "justification": e.request.justification,
        "resources": e.request.resources,
        "severity": e.severity,
        "reviewed_at": instant_json(e.reviewed_at),
        "accepted_at": instant_json(e.accepted.as_ref().map(|(at, ..)| *at)),
        "manager": e.accepted.as_ref().map(|(_, manager, _)| manager.clone()),
        "update_every_seconds": e.accepted.as_ref().map(|(.., every)| every.num_seconds()),
        "updates": e.updates.iter().map(|t| format_instant(*t)).collect::<Vec<_>>(),
        "ended_at": instant_json(e.ended.as_ref().map(|(at, _)| *at)),
        "outcome": e.ended.as_ref().map(|(_, ending)| ending.label().to_string()),
        "agreed_by": match &e.ended {
            Some((_, escalation::Ending::Closed { agreed_by, .. })) => agreed_by.clone(),
            _ => None,
        },
        "stakeholders": escalation::stakeholders(case, e)
            .into_iter()
            .map(|(role, name)| json!({"role": role, "name": name}))
            .collect::<Vec<_>>(),
    })
}

/// An event as JSON output gives it: the fields of the case file, except
/// that a duration is a number of seconds (`update_every_seconds: 14400`
/// for the file's `update_every: 4h`), as everywhere in JSON.
pub fn history_json(event: &crate::case::Event) -> Value {
    let mut value = event_json(event);
    if let (
        Value::Object(fields),
        crate::case::EventKind::EscalationAccepted { update_every, .. },
    ) = (&mut value, &event.kind)
    {
        let shaped: serde_json::Map<String, Value> = std::mem::take(fields)
            .into_iter()
            .map(|(key, v)| match key.as_str() {
                "update_every" => (
                    "update_every_seconds".to_string(),
                    json!(update_every.num_seconds()),
                ),
                _ => (key, v),
            })
            .collect();
        *fields = shaped;
    }
    value
}

/// The JSON of `cases show N --format json` (and `cases new --format json`).
pub fn case_json(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Result<Value, CommandError> {
    let header = case.header();
    let clocks = clock::clocks(case, policy, now)?;
    let gates = clock::gates(case, policy, now)?;
    let escalations = escalation::escalations(case);
    let replayed = case.replayed();
    Ok(json!({
        "number": header.number,
        "title": header.facts.title,
        "account": header.facts.account,
        "plan": header.facts.plan,
        "region": header.facts.region,
        "language": header.facts.language,
        "severity": header.severity,
        "state": header.state.as_str(),
        "owner": header.owner,
        "contacts": header.contacts.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
        "related": header.related,
        "labels": replayed.labels,
        "policy_version": header.policy_version,
        "opened_at": format_instant(case.opened_at()),
        "escalation_eligible_at": instant_json(gates.escalation_eligible_at),
        "autoclose_at": instant_json(gates.autoclose_at),
        "reopen_until": instant_json(gates.reopen_until),
        "escalated": replayed.is_escalated(),
        "escalation_status": replayed.escalation.map(|status| status.as_str()),
        "escalations": escalations.iter().map(|e| escalation_json(case, e)).collect::<Vec<_>>(),
        "clocks": clocks
            .iter()
            .zip(update_intervals(&clocks))
            .map(|(reading, interval)| clock_json(reading, interval))
            .collect::<Vec<_>>(),
        "history": case.history().iter().map(history_json).collect::<Vec<_>>(),
    }))
}

pub fn cmd_show(ctx: &mut Context, args: ShowArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let case = ctx.store()?.read(args.number)?;
    let policy = super::policy::of_case(&policies, &case)?;
    let text = match ctx.format() {
        Format::Json => output::json(&case_json(&case, policy, ctx.now)?),
        _ => output::printable(&show_text(&case, policy, ctx.now, ctx.zone())?, true).into_owned(),
    };
    ctx.out.push_str(&text);
    Ok(Outcome::Success)
}

/// The readable form of one case: its header, clocks and gates,
/// escalations and history.
fn show_text(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    zone: ShownZone,
) -> Result<String, CommandError> {
    let tz = policy.time_zone_of(&case.header().facts.region);
    let escalations = escalation::escalations(case);
    let mut text = show_header(case, policy, &escalations, zone);
    show_clocks(&mut text, case, policy, now, zone)?;
    show_escalations(&mut text, case, &escalations, zone, tz);
    show_history(&mut text, case, zone, tz);
    Ok(text)
}

/// The title line and one line per header fact.
fn show_header(
    case: &Case,
    policy: &Policy,
    escalations: &[Escalation],
    zone: ShownZone,
) -> String {
    let header = case.header();
    let tz = policy.time_zone_of(&header.facts.region);
    let severity_name = policy
        .severity(header.severity)
        .map_or(String::new(), |s| format!(" ({})", s.name));
    let contacts: Vec<String> = header.contacts.iter().map(|c| c.to_string()).collect();
    let related: Vec<String> = header.related.iter().map(u64::to_string).collect();
    let mut text = format!("case {}: {}\n", header.number, header.facts.title);
    let mut field = |name: &str, value: String| text.push_str(&format!("  {name:<10} {value}\n"));
    field("account", header.facts.account.clone());
    field("plan", header.facts.plan.clone());
    field("region", format!("{} ({})", header.facts.region, tz.name()));
    field("language", header.facts.language.clone());
    field("severity", format!("{}{severity_name}", header.severity));
    field("state", header.state.to_string());
    if let Some(open) = escalations.last().filter(|e| e.is_open()) {
        let since = match &open.accepted {
            Some((accepted_at, ..)) => format!("yes, since {}", zone.show(*accepted_at, tz)),
            None => format!(
                "no: escalation requested {}{}",
                zone.show(open.requested_at, tz),
                open.reviewed_at.map_or(String::new(), |at| format!(
                    ", reviewed {}",
                    zone.show(at, tz)
                ))
            ),
        };
        field("escalated", since);
    }
    field(
        "owner",
        header.owner.clone().unwrap_or_else(|| "(unowned)".into()),
    );
    field("contacts", contacts.join(", "));
    if !related.is_empty() {
        field("related", related.join(", "));
    }
    let labels = case.labels();
    if !labels.is_empty() {
        field("labels", labels.join(", "));
    }
    field("opened", zone.show(case.opened_at(), tz));
    field("policy", header.policy_version.clone());
    text
}

/// The clocks and the gates.
fn show_clocks(
    text: &mut String,
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    zone: ShownZone,
) -> Result<(), CommandError> {
    let tz = policy.time_zone_of(&case.header().facts.region);
    text.push_str("clocks\n");
    let readings = clock::clocks(case, policy, now)?;
    for (reading, interval) in readings.iter().zip(update_intervals(&readings)) {
        let name = clock_name(reading, interval);
        text.push_str(&format!(
            "  {name:<24} {}\n",
            describe_clock(reading, now, zone)
        ));
    }
    let gates = clock::gates(case, policy, now)?;
    text.push_str("gates\n");
    let gate =
        |t: Option<DateTime<Utc>>, never: &str| t.map_or(never.to_string(), |t| zone.show(t, tz));
    text.push_str(&format!(
        "  {:<24} {}\n",
        "escalation from",
        gate(
            gates.escalation_eligible_at,
            "never (not eligible for escalation)"
        )
    ));
    if gates.autoclose_at.is_some() {
        text.push_str(&format!(
            "  {:<24} {}\n",
            "auto-close at",
            gate(gates.autoclose_at, "")
        ));
    }
    if gates.reopen_until.is_some() {
        text.push_str(&format!(
            "  {:<24} {}\n",
            "reopen until",
            gate(gates.reopen_until, "")
        ));
    }
    Ok(())
}

/// Each escalation: its request, acceptance, ending and stakeholders.
fn show_escalations(
    text: &mut String,
    case: &Case,
    escalations: &[Escalation],
    zone: ShownZone,
    tz: Tz,
) {
    if !escalations.is_empty() {
        text.push_str("escalations\n");
    }
    for (index, e) in escalations.iter().enumerate() {
        text.push_str(&format!(
            "  #{} {}: requested {} by {} ({}, {}): {}\n",
            index + 1,
            e.status(),
            zone.show(e.requested_at, tz),
            e.request.requester,
            e.request.role,
            e.request.channel,
            e.request.justification.replace('\n', " ")
        ));
        text.push_str(&format!(
            "     resources committed: {}\n",
            e.request
                .resources
                .as_deref()
                .map_or("(not recorded)".into(), |r| r.replace('\n', " "))
        ));
        if let Some((_, manager, every)) = &e.accepted {
            text.push_str(&format!(
                "     manager {manager}, updates every {}, {} sent\n",
                format_duration(*every),
                e.updates.len()
            ));
        }
        if let Some((at, ending)) = &e.ended {
            let detail = match ending {
                escalation::Ending::Closed {
                    summary, agreed_by, ..
                } => match agreed_by {
                    Some(contact) => format!("{summary} (agreed with {contact})"),
                    None => summary.clone(),
                },
                escalation::Ending::Declined { explanation } => explanation.clone(),
                escalation::Ending::DeEscalated { reason } => reason.clone(),
                escalation::Ending::CaseClosed => "the case was closed".into(),
            };
            text.push_str(&format!(
                "     ended {}: {}: {}\n",
                zone.show(*at, tz),
                ending.label(),
                detail.replace('\n', " ")
            ));
        }
        let people: Vec<String> = escalation::stakeholders(case, e)
            .into_iter()
            .map(|(role, name)| format!("{name} ({role})"))
            .collect();
        text.push_str(&format!("     stakeholders: {}\n", people.join(", ")));
    }
}

/// Each event: its instant, kind, actor and fields; a text of several
/// lines below it.
fn show_history(text: &mut String, case: &Case, zone: ShownZone, tz: Tz) {
    text.push_str("history\n");
    for event in case.history() {
        let mut details: Vec<String> = Vec::new();
        // A text of several lines follows the event's line, indented, with
        // its line breaks.
        let mut blocks: Vec<(String, String)> = Vec::new();
        if let Value::Object(fields) = event_json(event) {
            for (key, value) in fields {
                // The created event's facts are the header shown above.
                let shown =
                    matches!(event.kind, crate::case::EventKind::Created(_)) && key != "channel";
                if shown || ["at", "event", "by"].contains(&key.as_str()) {
                    continue;
                }
                let value = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                if value.trim_end().contains('\n') {
                    details.push(format!("{key}: below"));
                    blocks.push((key, value.trim_end().to_string()));
                } else {
                    details.push(format!("{key}: {value}"));
                }
            }
        }
        text.push_str(&format!(
            "  {}  {} by {}{}\n",
            zone.show(event.at, tz),
            event.kind.name(),
            event.by,
            if details.is_empty() {
                String::new()
            } else {
                format!(" ({})", details.join("; "))
            }
        ));
        for (key, value) in blocks {
            text.push_str(&format!("      {key}:\n"));
            for line in value.lines() {
                text.push_str(&format!("        {line}\n").replace("        \n", "\n"));
            }
        }
    }
}

/// `running, due 2026-11-30 14:00 America/Toronto (in 2h30m)` and the like.
pub fn describe_clock(reading: &ClockReading, now: DateTime<Utc>, zone: ShownZone) -> String {
    let tz = reading.time_zone;
    let due = reading.due_at.map(|t| zone.show(t, tz));
    match (reading.status, reading.due_at, reading.stopped_at) {
        (clock::ClockStatus::Waiting, ..) => "waiting (starts with the first phone contact)".into(),
        (status, Some(due_at), Some(stopped)) => {
            format!(
                "{}, due {}, stopped {}",
                status.as_str(),
                due.unwrap_or_default(),
                zone.show(stopped, tz)
            ) + &if stopped > due_at {
                format!(" ({} late)", format_duration(stopped - due_at))
            } else {
                String::new()
            }
        }
        (status, Some(due_at), None) => format!(
            "{}, due {} ({})",
            status.as_str(),
            due.unwrap_or_default(),
            remaining(due_at, now)
        ),
        (status, None, _) => status.as_str().to_string(),
    }
}

/// `in 2h30m` or `overdue 15m`.
pub fn remaining(due_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if now < due_at {
        format!("in {}", format_duration(due_at - now))
    } else {
        format!("overdue {}", format_duration(now - due_at))
    }
}

/// `header` as a listing of many cases holds it until it is sorted: what
/// a row shows and sorts by, nothing else (no contacts, related cases,
/// language or policy version); without `text`, no title or account either.
/// A listing of a large store holds one of these per row (README,
/// Performance).
pub fn listed_header(header: &crate::case::Header, text: bool) -> crate::case::Header {
    let kept = |value: &String| if text { value.clone() } else { String::new() };
    crate::case::Header {
        number: header.number,
        facts: crate::case::Facts {
            title: kept(&header.facts.title),
            account: kept(&header.facts.account),
            plan: header.facts.plan.clone(),
            region: header.facts.region.clone(),
            language: String::new(),
        },
        severity: header.severity,
        state: header.state,
        owner: header.owner.clone(),
        contacts: Vec::new(),
        related: Vec::new(),
        policy_version: String::new(),
    }
}

/// One row of `list`, as it is held and spilled until it is sorted.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct ListedCase {
    header: Header,
    #[serde(with = "chrono::serde::ts_microseconds")]
    opened_at: DateTime<Utc>,
    labels: Vec<String>,
}

impl ListedCase {
    fn weigh(&self) -> usize {
        header_bytes(&self.header)
            + self
                .labels
                .iter()
                .map(|label| std::mem::size_of::<String>() + label.len())
                .sum::<usize>()
    }
}

pub fn cmd_list(ctx: &mut Context, args: ListArgs) -> Result<Outcome, CommandError> {
    let policy = ctx.policy()?;
    let store = ctx.store()?;
    let filter = args.filter.resolve(ctx, &policy)?;
    // In number order, or that of --sort, however many there are: the rows
    // are sorted as they are read (an external sort), not held.
    let compare = args.order.comparison(
        &SortField::OF_A_CASE,
        |row: &ListedCase| SortView {
            header: &row.header,
            opened_at: row.opened_at,
            due_at: None,
            status: None,
        },
        |a, b| a.header.number.cmp(&b.header.number),
    )?;
    // Every file read is decoded in full (and so verified): a broken one
    // stops the listing rather than showing a header its history does not
    // explain. A case from the scan cache was verified when it was cached;
    // its history is decoded only for --escalated and --grep.
    let budget = external_sort::budget();
    let matching = scan_into(
        &store,
        || ExternalSort::new(&compare, ListedCase::weigh, budget),
        |scanned| {
            if !filter.keeps_header(scanned.header(), scanned.opened_at()) {
                return Ok(None);
            }
            let labels = scanned.labels();
            if !filter.keeps_labels(&labels) {
                return Ok(None);
            }
            let listed = ListedCase {
                header: listed_header(scanned.header(), true),
                opened_at: scanned.opened_at(),
                labels,
            };
            if filter.needs_history() && !filter.keeps_case(&scanned.into_case()?) {
                return Ok(None);
            }
            Ok(Some(listed))
        },
    )?
    .finish()
    .map_err(external_sort::failed)?;
    let rows = || matching.iter().take(args.order.limit());
    let item = |row: &ListedCase| {
        let h = &row.header;
        json!({
            "number": h.number,
            "title": h.facts.title,
            "account": h.facts.account,
            "plan": h.facts.plan,
            "region": h.facts.region,
            "severity": h.severity,
            "state": h.state.as_str(),
            "owner": h.owner,
            "labels": row.labels,
            "opened_at": format_instant(row.opened_at),
        })
    };
    match ctx.format() {
        Format::Json => {
            output::json_array_into(rows().map(|row| item(&row)), &mut ctx.out);
        }
        Format::Csv => {
            output::json_csv_into(&LIST_FIELDS, rows().map(|row| item(&row)), &mut ctx.out);
        }
        format => {
            let columns = vec![
                "number", "severity", "plan", "region", "state", "owner", "account", "labels",
                "title",
            ];
            let cells = || {
                rows().map(|row| {
                    let h = &row.header;
                    vec![
                        h.number.to_string(),
                        h.severity.to_string(),
                        h.facts.plan.clone(),
                        h.facts.region.clone(),
                        h.state.to_string(),
                        h.owner.clone().unwrap_or_else(|| "-".into()),
                        h.facts.account.clone(),
                        if row.labels.is_empty() {
                            "-".into()
                        } else {
                            row.labels.join(",")
                        },
                        h.facts.title.clone(),
                    ]
                })
            };
            output::rows_into(format, columns, cells, &mut ctx.out);
        }
    }
    matching.checked().map_err(external_sort::failed)?;
    Ok(Outcome::Success)
}

/// The fields of a `list` item, in JSON order (CSV headers).
const LIST_FIELDS: [&str; 10] = [
    "number",
    "title",
    "account",
    "plan",
    "region",
    "severity",
    "state",
    "owner",
    "labels",
    "opened_at",
];

/// Every case of the store, read on all cores and mapped by `map` (which
/// keeps what the command needs, or `None` to skip the case), in number
/// order. The first unreadable or invalid file (by number) stops the
/// command (exit 4), naming file, line and column: nothing is skipped.
/// `map` gets each case as [`Scanned`]: its header at once, its history
/// when it asks (`into_case`), so cases a command skips by their header
/// cost no history decoding. (A case served by the scan cache was verified
/// in full when cached.)
pub fn scan<T, F>(store: &Store, map: F) -> Result<Vec<T>, CommandError>
where
    T: Send,
    F: Fn(Scanned<'_>) -> Result<Option<T>, CommandError> + Sync + Send,
{
    // Skipped cases leave nothing behind: only kept values and errors are
    // collected, still in number order.
    let results =
        store.scan(|_, read| read.map_err(CommandError::from).and_then(&map).transpose())?;
    results.into_iter().collect()
}

/// Where [`scan_into`] puts what a scan keeps, one per run of files on a
/// thread: `add` one value, `absorb` what the run after this one kept.
pub trait Gather<T>: Send {
    fn add(&mut self, kept: T);
    fn absorb(&mut self, later: Self);
}

impl<T, C> Gather<T> for ExternalSort<'_, T, C>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Clone + Send,
    C: Fn(&T, &T) -> std::cmp::Ordering + Sync,
{
    fn add(&mut self, kept: T) {
        self.push(kept);
    }

    fn absorb(&mut self, later: Self) {
        ExternalSort::absorb(self, later);
    }
}

/// [`scan`], with what `map` keeps handed to gatherers made by `new` (an
/// [`ExternalSort`], or several) instead of collected in one vector, so a
/// scan holds what the gatherers hold. The first unreadable or invalid
/// file (by number) stops the command, as with [`scan`].
pub fn scan_into<T, G, N, F>(store: &Store, new: N, map: F) -> Result<G, CommandError>
where
    G: Gather<T>,
    N: Fn() -> G + Sync + Send,
    F: Fn(Scanned<'_>) -> Result<Option<T>, CommandError> + Sync + Send,
{
    let (gathered, error) = store.fold(
        || (new(), None::<CommandError>),
        |(mut gathered, error), _, read| {
            // The files of one run come in number order: after an error,
            // none is read (none can have an earlier number).
            if error.is_some() {
                return (gathered, error);
            }
            match read.map_err(CommandError::from).and_then(&map) {
                Ok(Some(kept)) => gathered.add(kept),
                Ok(None) => {}
                Err(error) => return (gathered, Some(error)),
            }
            (gathered, None)
        },
        |(mut earlier, error), (later, later_error)| {
            earlier.absorb(later);
            (earlier, error.or(later_error))
        },
    )?;
    match error {
        Some(error) => Err(error),
        None => Ok(gathered),
    }
}

/// What a [`Header`] holds besides itself, for an [`ExternalSort`] budget.
pub fn header_bytes(header: &Header) -> usize {
    let facts = &header.facts;
    [
        &facts.title,
        &facts.account,
        &facts.plan,
        &facts.region,
        &facts.language,
        &header.policy_version,
    ]
    .iter()
    .map(|text| text.len())
    .sum::<usize>()
        + header.owner.as_ref().map_or(0, String::len)
        + header
            .contacts
            .iter()
            .map(|c| std::mem::size_of_val(c) + c.name.len() + c.email.len())
            .sum::<usize>()
        + header.related.len() * 8
}
