//! `cases status --account NAME`: the customer status view of one account
//! (issue 26) — what the customer may see of their own cases, computed by
//! [`crate::customer_status`] and printed as a table, JSON, CSV or
//! Markdown. Off unless the current policy says `customer_status:
//! {enabled: true}` (exit 3 naming the file and the key). Its output may be
//! pasted to the customer: no message of this command names another
//! account, an owner, or anything internal.

use chrono::Duration;
use serde_json::{json, Value};

use super::output::{self, Rows};
use super::policy::of_case;
use super::read::instant_json;
use super::{parse_duration_arg, CommandError, Context, Format, Outcome};
use crate::clock::local_time;
use crate::customer_status::{self, CaseStatus, Shown};
use crate::store::format_instant;

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The customer's account: its whole name as on its cases (as `list
    /// --account` matches it; `Acme` is not `Acme Corp`).
    #[arg(short, long, value_name = "NAME")]
    pub account: String,
    /// Show the cases closed within this long (e.g. 90d) [default: the
    /// closed cases that may still be reopened, the policy's reopen window].
    #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
    pub closed_within: Option<Duration>,
}

/// The policy key that turns the view on, as a message names it.
pub const SWITCH: &str = "customer_status: {enabled: true}";

/// The fields of a status item, in JSON order; a nested field is dotted
/// (CSV headers).
const STATUS_FIELDS: [&str; 14] = [
    "number",
    "title",
    "state",
    "severity",
    "severity_name",
    "opened_at",
    "next_commitment.clock",
    "next_commitment.due_at",
    "next_commitment.time_zone",
    "escalation",
    "escalation_outcome",
    "last_update.at",
    "last_update.what",
    "last_update.text",
];

pub fn cmd_status(ctx: &mut Context, args: StatusArgs) -> Result<Outcome, CommandError> {
    let account = args.account.trim();
    if account.is_empty() {
        return Err(CommandError::usage(
            "--account must name an account (its whole name, as on its cases)",
        ));
    }
    if args.closed_within.is_some_and(|d| d < Duration::zero()) {
        return Err(CommandError::usage("--closed-within must not be negative"));
    }
    let policy = ctx.policy()?;
    if !policy.customer_status {
        return Err(CommandError::refused(format!(
            "the customer status view is off in {}: add `{SWITCH}` to it to turn it on",
            ctx.location().policy.display()
        )));
    }
    let shown = args
        .closed_within
        .map_or(Shown::OpenAndReopenable, Shown::ClosedWithin);
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = ctx.now;
    let found = store.scan(|_, read| {
        let Ok(scanned) = read else {
            return Some(Err(unreadable_case_file()));
        };
        // The account decides on the header, before a history is decoded.
        if !customer_status::is_of_account(scanned.header(), account) {
            return None;
        }
        let Ok(case) = scanned.into_case() else {
            return Some(Err(unreadable_case_file()));
        };
        let status = of_case(&policies, &case)
            .and_then(|policy| Ok(customer_status::case_status(&case, policy, now, shown)?));
        status.transpose()
    })?;
    // The first failure by case number, as every scan reports it.
    let statuses = found.into_iter().collect::<Result<Vec<CaseStatus>, _>>()?;
    let text = match ctx.format() {
        Format::Json => output::json(&Value::Array(statuses.iter().map(status_json).collect())),
        Format::Csv => csv_rows(statuses.iter().map(status_json)).csv(),
        format => table_rows(&statuses).render(format),
    };
    ctx.out.push_str(&text);
    if statuses.is_empty() {
        // Only the account asked for is named: this may be pasted to a customer.
        ctx.say(&format!(
            "cases: no case of account {account:?} to show (open, or closed within {}); an account is matched by its whole name",
            match shown {
                Shown::OpenAndReopenable => "the reopen window".to_string(),
                Shown::ClosedWithin(d) => crate::policy::format_duration(d),
            }
        ));
    }
    Ok(Outcome::Success)
}

/// A case file that cannot be read or decoded stops the view (exit 4, as
/// for every command that reads the store), but the message names no file
/// and quotes nothing of it: it may be another account's, and what this
/// command prints may be pasted to a customer. `cases check` says which
/// and why.
fn unreadable_case_file() -> CommandError {
    CommandError::unreadable("a case file of the store is invalid or cannot be read")
        .with_hint("run cases check for which one and why")
}

/// One case of the view as JSON (`schemas/status.schema.json`).
pub fn status_json(status: &CaseStatus) -> Value {
    json!({
        "number": status.number,
        "title": status.title,
        "state": status.state.as_str(),
        "severity": status.severity,
        "severity_name": status.severity_name,
        "opened_at": format_instant(status.opened_at),
        "next_commitment": status.next_commitment.as_ref().map(|c| json!({
            "clock": c.clock.as_str(),
            "due_at": instant_json(c.due_at),
            "time_zone": c.time_zone.name(),
        })),
        "escalation": status.escalation.as_str(),
        "escalation_outcome": status.escalation.outcome(),
        "last_update": status.last_update.as_ref().map(|u| json!({
            "at": format_instant(u.at),
            "what": u.kind.as_str(),
            "text": u.text,
        })),
    })
}

/// CSV rows of the JSON items: a dotted field is the nested one; `null`
/// (or an absent parent) is an empty cell.
fn csv_rows(items: impl Iterator<Item = Value>) -> Rows {
    let mut rows = Rows::new(STATUS_FIELDS.to_vec());
    for item in items {
        rows.push(
            STATUS_FIELDS
                .iter()
                .map(|field| {
                    let pointer = format!("/{}", field.replace('.', "/"));
                    match item.pointer(&pointer) {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(text)) => text.clone(),
                        Some(other) => other.to_string(),
                    }
                })
                .collect(),
        );
    }
    rows
}

/// The view for people: local times in the case region's zone, named.
fn table_rows(statuses: &[CaseStatus]) -> Rows {
    let mut rows = Rows::new(vec![
        "number",
        "severity",
        "state",
        "escalation",
        "next commitment",
        "due",
        "last update",
        "title",
        "message",
    ]);
    for s in statuses {
        let tz = s.time_zone;
        let (commitment, due) = match &s.next_commitment {
            Some(c) => (
                c.clock.as_str().to_string(),
                c.due_at
                    .map_or("starts with your phone call".into(), |due| {
                        local_time(due, c.time_zone)
                    }),
            ),
            None => ("-".into(), "-".into()),
        };
        let escalation = match (&s.escalation, s.escalation.outcome()) {
            (customer_status::EscalationState::None, _) => "-".to_string(),
            (state, Some(outcome)) => format!("{} ({outcome})", state.as_str()),
            (state, None) => state.as_str().to_string(),
        };
        let (update, message) = match &s.last_update {
            Some(u) => (
                format!("{} {}", local_time(u.at, tz), u.kind.as_str()),
                u.text
                    .as_deref()
                    .map_or("-".into(), |t| t.trim().to_string()),
            ),
            None => ("-".into(), "-".into()),
        };
        rows.push(vec![
            s.number.to_string(),
            match &s.severity_name {
                Some(name) => format!("{} {name}", s.severity),
                None => s.severity.to_string(),
            },
            s.state.to_string(),
            escalation,
            commitment,
            due,
            update,
            s.title.clone(),
            message,
        ]);
    }
    rows
}
