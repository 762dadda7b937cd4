//! `cases sweep [--dry-run]`: applies the time-driven policy at `--now`.
//! Closes as no-response every case waiting on the customer whose auto-close
//! time has come with the required follow-ups made (an event by the policy
//! actor, naming the rule), and lists follow-ups that are due and cases that
//! reached their auto-close time without the follow-ups. Idempotent.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::output;
use super::policy::of_case;
use super::read::scan;
use super::{CommandError, Context, Format, Outcome};
use crate::case::{CloseReason, Event, EventKind};
use crate::clock::local_time;
use crate::policy::{format_wait, Policy};
use crate::rules::AutoCloseVerdict;
use crate::store::{format_instant, Store};

/// The actor of events the policy itself records.
pub const POLICY_ACTOR: &str = "cases-policy";

#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Say what would be done; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn cmd_sweep(ctx: &mut Context, args: SweepArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = ctx.now;
    if !args.dry_run {
        ctx.authorize(crate::team::SWEEP_ACTION, now, policies.current())?;
    }
    let mut actions: Vec<Action> = Vec::new();
    let waiting = scan(&store, |scanned| {
        if scanned.header().state != crate::case::State::WaitingOnCustomer {
            return Ok(None);
        }
        Ok(Some(scanned.into_case()?))
    })?;
    for case in waiting {
        let policy = of_case(&policies, &case)?;
        let Some((plan, verdict)) = crate::rules::auto_close(&case, policy, now)? else {
            continue;
        };
        let number = case.number();
        if let Some(last) = case.history().last().filter(|last| last.at > now) {
            // The store already knows what happened after --now.
            actions.push(Action::skipped(
                number,
                format!(
                    "it has events after --now (the last at {}); sweep at a later instant",
                    format_instant(last.at)
                ),
            ));
            continue;
        }
        let tz = policy.time_zone_of(&case.header().facts.region);
        let at = |instant| local_time(instant, tz);
        let due = Some(plan.autoclose_at);
        let action = match verdict {
            AutoCloseVerdict::Wait => continue,
            AutoCloseVerdict::Close => {
                if !args.dry_run && !close(ctx, &store, policy, number, now)? {
                    actions.push(Action::skipped(
                        number,
                        "it changed while the sweep ran and is no longer due to close; sweep again"
                            .into(),
                    ));
                    continue;
                }
                Action {
                    number,
                    action: if args.dry_run { "would-close" } else { "closed" },
                    due_at: due,
                    detail: format!(
                        "no-response; waiting since {}, {} follow-ups, auto-close at {}",
                        at(plan.waiting_since),
                        plan.follow_ups_made,
                        at(plan.autoclose_at)
                    ),
                }
            }
            AutoCloseVerdict::BlockedByEscalation(status) => Action {
                number,
                action: "autoclose-blocked",
                due_at: due,
                detail: format!(
                    "auto-close time {} reached but the escalation is {}: a case is not closed while it is escalated; {}",
                    at(plan.autoclose_at),
                    status.as_str(),
                    crate::hint::end_escalation(number, status, &policy.escalation.closing_outcomes)
                ),
            },
            AutoCloseVerdict::MissingFollowUps => Action {
                number,
                action: "autoclose-blocked",
                due_at: due,
                detail: format!(
                    "auto-close time {} reached with {} of {} follow-ups made; make the follow-ups first",
                    at(plan.autoclose_at),
                    plan.follow_ups_made,
                    plan.follow_ups_required
                ),
            },
            AutoCloseVerdict::FollowUpDue { k, due } => Action {
                number,
                action: "follow-up-due",
                due_at: Some(due),
                detail: format!(
                    "follow-up {k} of {} due {}",
                    plan.follow_ups_required,
                    at(due)
                ),
            },
        };
        actions.push(action);
    }
    print_actions(ctx, &actions);
    Ok(Outcome::Success)
}

/// What the sweep did or would do to one case, or why it did not.
struct Action {
    number: u64,
    /// `closed`, `would-close`, `skipped`, `autoclose-blocked` or `follow-up-due`.
    action: &'static str,
    due_at: Option<DateTime<Utc>>,
    detail: String,
}

impl Action {
    fn skipped(number: u64, detail: String) -> Action {
        Action {
            number,
            action: "skipped",
            due_at: None,
            detail,
        }
    }

    fn json(&self) -> Value {
        json!({
            "number": self.number,
            "action": self.action,
            "due_at": self.due_at.map(format_instant),
            "detail": self.detail,
        })
    }
}

/// Closes case `number` as no-response under the store's lock if the rule
/// still closes it there (a reply may have come in since the scan); false
/// when it no longer does.
fn close(
    ctx: &mut Context,
    store: &Store,
    policy: &Policy,
    number: u64,
    now: DateTime<Utc>,
) -> Result<bool, CommandError> {
    let closing = Event {
        at: now,
        by: POLICY_ACTOR.to_string(),
        kind: EventKind::Closed {
            reason: CloseReason::NoResponse,
            confirmed_by: None,
            rule: Some(rule_text(policy)),
        },
    };
    let mut closed = false;
    store.update_case(number, |fresh| {
        match crate::rules::auto_close(fresh, policy, now) {
            Ok(Some((_, AutoCloseVerdict::Close))) => {
                closed = true;
                fresh.record(closing).map_err(CommandError::from)?;
                super::lifecycle::evaluable(fresh, policy, now)
            }
            Ok(_) => Ok(()),
            Err(error) => Err(error.into()),
        }
    })??;
    if closed {
        ctx.changed(
            store.path_of(number),
            format!("case {number}: closed (no-response) by the auto-close rule"),
        );
    }
    Ok(closed)
}

/// The auto-close rule as the case's policy version words it, recorded in
/// the closing event.
fn rule_text(policy: &Policy) -> String {
    format!(
        "auto-close: waiting on the customer, {} follow-ups, {} since waiting and {} since the last required follow-up, no reply, no open escalation",
        policy.auto_close.follow_ups,
        format_wait(policy.auto_close.after),
        format_wait(policy.auto_close.after_last_follow_up),
    )
}

/// Prints the actions in the chosen format (a table: one line each, or
/// `nothing to do`).
fn print_actions(ctx: &mut Context, actions: &[Action]) {
    let items = || actions.iter().map(Action::json);
    match ctx.format() {
        Format::Json => ctx
            .out
            .push_str(&output::json(&Value::Array(items().collect()))),
        Format::Csv => ctx
            .out
            .push_str(&output::json_rows(&SWEEP_FIELDS, items()).csv()),
        Format::Markdown => ctx
            .out
            .push_str(&output::json_rows(&SWEEP_FIELDS, items()).markdown()),
        _ => {
            for action in actions {
                ctx.out.push_str(&format!(
                    "case {}: {}: {}\n",
                    action.number, action.action, action.detail
                ));
            }
            if actions.is_empty() {
                ctx.out.push_str("nothing to do\n");
            }
        }
    }
}

/// The fields of a sweep action, in JSON order (CSV and Markdown headers).
const SWEEP_FIELDS: [&str; 4] = ["number", "action", "due_at", "detail"];
