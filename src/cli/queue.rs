//! `cases queue` and `cases take [N]`: the unowned cases in the order the
//! next available product specialist should take them — severity first,
//! then response due time (the response awaited and due first: the
//! initial response, a reopen's, or a customer reply's next response; a
//! severity 1 still waiting for its phone call sorts after those with a due
//! time), then opening time, then number.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::filter::{CaseFilter, Filter, Order, SortField, SortView};
use super::lifecycle::{record_with, recorded};
use super::output;
use super::policy::of_case;
use super::read::{remaining, scan};
use super::{CommandError, Context, ErrorKind, Format, Outcome};
use crate::case::{Case, EscalationStatus, EventKind, State};
use crate::clock;
use crate::policy::PolicySet;
use crate::store::format_instant;
use crate::store::Store;

#[derive(Debug, clap::Args)]
#[command(after_help = QUEUE_EXAMPLES)]
pub struct QueueArgs {
    #[command(flatten)]
    pub filter: CaseFilter,
    #[command(flatten)]
    pub order: Order,
}

const QUEUE_EXAMPLES: &str = "Examples:
  cases queue                                    what to take next
  cases queue --region emea --severity 1,2       the urgent EMEA cases
  cases queue --limit 3 --format json            the head of the queue, for a script
";

#[derive(Debug, clap::Args)]
pub struct TakeArgs {
    /// Take this case instead of the head of the queue.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: Option<u64>,
}

/// An unowned case with the due time of the response it waits for.
struct Queued {
    case: Case,
    /// The case region's time zone, under the case's policy version.
    time_zone: chrono_tz::Tz,
    due_at: Option<DateTime<Utc>>,
    /// When the first response stopped the clock, if it did.
    stopped_at: Option<DateTime<Utc>>,
}

/// The queue at `now`, in taking order: the unowned cases of the store.
fn queue(
    store: &Store,
    policies: &PolicySet,
    now: DateTime<Utc>,
    filter: &Filter,
) -> Result<Vec<Queued>, CommandError> {
    let mut queued = scan(store, |scanned| {
        if scanned.header().state != State::New
            || !filter.keeps_header(scanned.header(), scanned.opened_at())
        {
            return Ok(None);
        }
        let case = scanned.into_case()?;
        if !filter.keeps_case(&case) {
            return Ok(None);
        }
        let policy = of_case(policies, &case)?;
        let time_zone = policy.time_zone_of(&case.header().facts.region);
        // The response the case waits for: after a reopen, the reopen's.
        let readings = clock::clocks(&case, policy, now)?;
        let reading = crate::rules::awaited_response(&readings);
        Ok(Some(Queued {
            due_at: reading.and_then(|r| r.due_at),
            stopped_at: reading.and_then(|r| r.stopped_at),
            time_zone,
            case,
        }))
    })?;
    queued.sort_by_key(|q| crate::rules::taking_key(&q.case, q.due_at));
    Ok(queued)
}

pub fn cmd_queue(ctx: &mut Context, args: QueueArgs) -> Result<Outcome, CommandError> {
    let policy = ctx.policy()?;
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let filter = args.filter.resolve(ctx, &policy)?;
    let mut queued = queue(&store, &policies, ctx.now, &filter)?;
    args.order
        .apply(&mut queued, &SortField::of_the_queue(), |q| SortView {
            header: q.case.header(),
            opened_at: q.case.opened_at(),
            due_at: q.due_at,
            status: None,
        })?;
    let now = ctx.now;
    let item = |q: &Queued| {
        let h = q.case.header();
        json!({
            "number": h.number,
            "severity": h.severity,
            "plan": h.facts.plan,
            "region": h.facts.region,
            "title": h.facts.title,
            "opened_at": format_instant(q.case.opened_at()),
            "due_at": q.due_at.map(format_instant),
            "stopped_at": q.stopped_at.map(format_instant),
            "remaining_seconds": match (q.due_at, q.stopped_at) {
                (Some(due), None) => Some((due - now).num_seconds()),
                _ => None,
            },
            "escalated": q.case.replayed().is_escalated(),
        })
    };
    match ctx.format() {
        Format::Json => {
            output::json_array_into(queued.iter().map(item), &mut ctx.out);
            return Ok(Outcome::Success);
        }
        Format::Csv => {
            output::json_csv_into(&QUEUE_FIELDS, queued.iter().map(item), &mut ctx.out);
            return Ok(Outcome::Success);
        }
        _ => {}
    }
    let columns = vec![
        "number",
        "severity",
        "plan",
        "region",
        "due",
        "remaining",
        "escalated",
        "title",
    ];
    let (zone, now) = (ctx.zone(), ctx.now);
    let rows = || {
        queued.iter().map(|q| {
            let h = q.case.header();
            let tz = q.time_zone;
            vec![
                h.number.to_string(),
                h.severity.to_string(),
                h.facts.plan.clone(),
                h.facts.region.clone(),
                q.due_at.map_or("waiting for the phone call".into(), |due| {
                    zone.show(due, tz)
                }),
                match (q.due_at, q.stopped_at) {
                    (Some(due), Some(stopped)) if stopped <= due => "responded".into(),
                    (Some(_), Some(_)) => "responded late".into(),
                    (Some(due), None) => remaining(due, now),
                    (None, _) => "-".into(),
                },
                match q.case.replayed().escalation {
                    Some(EscalationStatus::Accepted) => "yes",
                    Some(_) => "requested",
                    None => "-",
                }
                .to_string(),
                h.facts.title.clone(),
            ]
        })
    };
    output::rows_into(ctx.format(), columns, rows, &mut ctx.out);
    Ok(Outcome::Success)
}

/// The fields of a `queue` item, in JSON order (CSV headers).
const QUEUE_FIELDS: [&str; 10] = [
    "number",
    "severity",
    "plan",
    "region",
    "title",
    "opened_at",
    "due_at",
    "stopped_at",
    "remaining_seconds",
    "escalated",
];

pub fn cmd_take(ctx: &mut Context, args: TakeArgs) -> Result<Outcome, CommandError> {
    let store = ctx.store()?;
    let actor = ctx.actor()?;
    let candidates: Vec<u64> = match args.number {
        Some(number) => vec![number],
        None => {
            let policies = ctx.policies()?;
            queue(&store, &policies, ctx.now, &Filter::default())?
                .iter()
                .map(|q| q.case.number())
                .collect()
        }
    };
    for number in &candidates {
        let taken = record_with(ctx, &store, *number, |case| {
            match &case.header().owner {
            _ if !case.header().state.is_open() => Err(CommandError::refused(format!(
                "case {number} is closed; reopen it first: cases reopen {number}"
            ))),
            Some(owner) => Err(CommandError::refused(format!(
                "case {number} is already owned by {owner}; reassign it with: cases assign {number} --to NAME"
            ))),
            None => Ok(EventKind::Assigned { owner: actor.clone() }),
        }
        });
        match taken {
            Ok(case) => {
                let message = format!(
                    "case {}: taken by {actor}: {}\n",
                    case.number(),
                    case.header().facts.title
                );
                if ctx.format() == Format::Json {
                    recorded(ctx, &case, &message)?;
                } else {
                    ctx.out.push_str(&format!("{}\n", case.number()));
                    ctx.say(&message);
                }
                return Ok(Outcome::Success);
            }
            // Taken by someone else since the queue was read: try the next.
            Err(error) if args.number.is_none() && error.kind == ErrorKind::Refused => continue,
            Err(error) => return Err(error),
        }
    }
    // Exit 1, like a check that found something: `n=$(cases take) || exit`.
    ctx.say("cases: the queue is empty: nothing to take\n");
    Ok(Outcome::Findings)
}
