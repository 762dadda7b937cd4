//! `cases sweep [--dry-run]`: applies the time-driven policy at `--now`.
//! Closes as no-response every case waiting on the customer whose auto-close
//! time has come with the required follow-ups made (an event by the policy
//! actor, naming the rule), and lists follow-ups that are due and cases that
//! reached their auto-close time without the follow-ups. Idempotent.

use serde_json::{json, Value};

use super::output;
use super::policy::of_case;
use super::read::scan;
use super::{CommandError, Context, Format, Outcome};
use crate::case::{CloseReason, Event, EventKind};
use crate::clock::local_time;
use crate::policy::{Policy, Wait};
use crate::rules::AutoCloseVerdict;
use crate::store::format_instant;

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
    // The rule as each case's policy version words it.
    let wait_text = |wait: Wait| match wait {
        Wait::BusinessDays(1) => "1 business day".to_string(),
        Wait::BusinessDays(days) => format!("{days} business days"),
        Wait::After(d) => crate::policy::format_duration(d),
        Wait::Never => "never".into(),
    };
    let rule_text = |policy: &Policy| {
        format!(
            "auto-close: waiting on the customer, {} follow-ups, {} since waiting and {} since the last required follow-up, no reply, no open escalation",
            policy.auto_close.follow_ups,
            wait_text(policy.auto_close.after),
            wait_text(policy.auto_close.after_last_follow_up),
        )
    };
    if !args.dry_run {
        ctx.authorize(crate::team::SWEEP_ACTION, now, policies.current())?;
    }
    let mut actions: Vec<Value> = Vec::new();
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
            actions.push(json!({
                "number": number,
                "action": "skipped",
                "due_at": null,
                "detail": format!("it has events after --now (the last at {}); sweep at a later instant",
                    crate::store::format_instant(last.at)),
            }));
            continue;
        }
        let tz = policy.time_zone_of(&case.header().facts.region);
        if verdict == AutoCloseVerdict::Close {
            let mut closed = args.dry_run;
            if !args.dry_run {
                let closing = Event {
                    at: now,
                    by: POLICY_ACTOR.to_string(),
                    kind: EventKind::Closed {
                        reason: CloseReason::NoResponse,
                        confirmed_by: None,
                        rule: Some(rule_text(policy)),
                    },
                };
                store.update_case(number, |fresh| {
                    // Re-check under the lock: a reply may have come in.
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
            }
            if !closed {
                // Another writer changed the case after the scan.
                actions.push(json!({
                    "number": number,
                    "action": "skipped",
                    "due_at": null,
                    "detail": "it changed while the sweep ran and is no longer due to close; sweep again",
                }));
                continue;
            }
            actions.push(json!({
                "number": number,
                "action": if args.dry_run { "would-close" } else { "closed" },
                "due_at": format_instant(plan.autoclose_at),
                "detail": format!("no-response; waiting since {}, {} follow-ups, auto-close at {}",
                    local_time(plan.waiting_since, tz), plan.follow_ups_made, local_time(plan.autoclose_at, tz)),
            }));
        } else if let AutoCloseVerdict::BlockedByEscalation(status) = verdict {
            actions.push(json!({
                "number": number,
                "action": "autoclose-blocked",
                "due_at": format_instant(plan.autoclose_at),
                "detail": format!("auto-close time {} reached but the escalation is {}: a case is not closed while it is escalated; {}",
                    local_time(plan.autoclose_at, tz), status.as_str(),
                    crate::hint::end_escalation(number, status, &policy.escalation.closing_outcomes)),
            }));
        } else if verdict == AutoCloseVerdict::MissingFollowUps {
            actions.push(json!({
                "number": number,
                "action": "autoclose-blocked",
                "due_at": format_instant(plan.autoclose_at),
                "detail": format!("auto-close time {} reached with {} of {} follow-ups made; make the follow-ups first",
                    local_time(plan.autoclose_at, tz), plan.follow_ups_made, plan.follow_ups_required),
            }));
        } else if let AutoCloseVerdict::FollowUpDue { k, due } = verdict {
            actions.push(json!({
                "number": number,
                "action": "follow-up-due",
                "due_at": format_instant(due),
                "detail": format!("follow-up {k} of {} due {}", plan.follow_ups_required, local_time(due, tz)),
            }));
        }
    }
    match ctx.format() {
        Format::Json => ctx.out.push_str(&output::json(&Value::Array(actions))),
        Format::Csv => ctx
            .out
            .push_str(&output::json_rows(&SWEEP_FIELDS, actions).csv()),
        Format::Markdown => ctx
            .out
            .push_str(&output::json_rows(&SWEEP_FIELDS, actions).markdown()),
        _ => {
            for action in &actions {
                ctx.out.push_str(&format!(
                    "case {}: {}: {}\n",
                    action["number"],
                    action["action"].as_str().unwrap_or_default(),
                    action["detail"].as_str().unwrap_or_default()
                ));
            }
            if actions.is_empty() {
                ctx.out.push_str("nothing to do\n");
            }
        }
    }
    Ok(Outcome::Success)
}

/// The fields of a sweep action, in JSON order (CSV and Markdown headers).
const SWEEP_FIELDS: [&str; 4] = ["number", "action", "due_at", "detail"];
