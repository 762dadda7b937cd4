//! `cases escalate request|review|accept|decline|update|close|de-escalate N`:
//! the escalation process with every gate enforced. A refusal exits 3,
//! writes nothing, and says why with what is allowed.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::error::rule_refused;
use super::input;
use super::intake::{non_empty, one_line};
use super::lifecycle::record_with;
use super::policy::of_case;
use super::{parse_duration_arg, CommandError, Context, Outcome};
use crate::case::{Case, EscalationRequest, EventKind};
use crate::clock::{self, local_time, ClockKind};
use crate::escalation;
use crate::policy::{Policy, PolicySet};

/// What an escalation request records, as given on the command line.
#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    number: u64,
    /// Who asks for it.
    #[arg(long = "by", value_name = "NAME")]
    requester: String,
    /// Their role (see `escalation.roles` in policy.yaml, e.g. primary-contact).
    #[arg(long)]
    role: String,
    /// How it came in: community (any time) or phone (escalation desk hours; sev1 any time).
    #[arg(long)]
    channel: String,
    /// Why the case needs more attention.
    #[arg(long)]
    justification: String,
    /// The internal resources the customer commits to the resolution
    /// (who, and for what): the guide makes it a condition, and a
    /// de-escalation for missing resources refers to it.
    #[arg(long, value_name = "TEXT")]
    resources: String,
    /// The account's customer success manager, kept informed.
    #[arg(long, value_name = "NAME")]
    customer_success_manager: Option<String>,
    /// The account's customer manager, kept informed.
    #[arg(long, value_name = "NAME")]
    customer_manager: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum EscalateCommand {
    /// Request an escalation (eligible after 1 day for sev1, 2 business days
    /// for sev2, 5 for sev3; never for sev4).
    Request(RequestArgs),
    /// The support manager followed up with the customer (stops the follow-up clock).
    Review {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// What was discussed: diagnostic and resolution paths, expectations.
        #[arg(long)]
        note: Option<String>,
    },
    /// Accept the escalation with an agreed update frequency.
    Accept {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// The support manager in charge.
        #[arg(long)]
        manager: String,
        /// How often the customer gets an update (e.g. 4h, 1d).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration_arg)]
        update_every: chrono::Duration,
    },
    /// Decline the escalation, with the explanation sent to the customer.
    Decline {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// Why the escalation is refused.
        #[arg(long)]
        explanation: String,
    },
    /// Record an update sent to the stakeholders (restarts the update clock).
    Update {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// The update.
        #[arg(long)]
        message: String,
    },
    /// Close the escalation with its outcome and the final summary.
    Close {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// root-cause, timeline or permanent-fix (see `escalation.closing_outcomes`).
        #[arg(long)]
        outcome: String,
        /// The final communication summarising the issue and its resolution.
        #[arg(long)]
        summary: String,
        /// The customer contact who agreed to the closure with the support
        /// manager (name or email) [default: the case's first contact].
        #[arg(long, value_name = "CONTACT")]
        agreed_by: Option<String>,
    },
    /// De-escalate (e.g. the customer did not provide the resources asked for).
    DeEscalate {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

pub fn cmd_escalate(ctx: &mut Context, command: EscalateCommand) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let now = ctx.now;
    let (number, mut kind, what) = event_of(command, &policies)?;
    let is_request = matches!(kind, EventKind::EscalationRequested(_));
    let case = record_with(ctx, &store, number, |case| {
        // Under the lock, on the case as it is now, under its policy version.
        gate(case, of_case(&policies, case)?, now, &mut kind)?;
        Ok(kind)
    })?;
    let message = recorded_message(&case, of_case(&policies, &case)?, now, &what, is_request)?;
    super::lifecycle::recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

/// The case number, the event and what it does (for the message), from
/// the command line; the options are checked, the case is not read yet.
fn event_of(
    command: EscalateCommand,
    policies: &PolicySet,
) -> Result<(u64, EventKind, String), CommandError> {
    Ok(match command {
        EscalateCommand::Request(args) => {
            // The channel first: a usage error, before the case is read.
            crate::rules::escalation_channel(&args.channel)
                .map_err(|refusal| rule_refused(refusal, policies.current()))?;
            let request = EscalationRequest {
                requester: one_line("--by", &args.requester)?,
                role: args.role,
                channel: args.channel,
                justification: non_empty(
                    "--justification",
                    &input::given_text(args.justification, "--justification")?,
                )?,
                resources: Some(non_empty(
                    "--resources",
                    &input::given_text(args.resources, "--resources")?,
                )?),
                customer_success_manager: args.customer_success_manager,
                customer_manager: args.customer_manager,
            };
            let what = format!(
                "escalation requested by {} ({})",
                request.requester, request.role
            );
            (args.number, EventKind::EscalationRequested(request), what)
        }
        EscalateCommand::Review { number, note } => (
            number,
            EventKind::EscalationReviewed {
                note: input::optional_text(note, "--note", None)?,
            },
            "escalation reviewed".to_string(),
        ),
        EscalateCommand::Accept {
            number,
            manager,
            update_every,
        } => {
            if update_every <= chrono::Duration::zero() {
                return Err(CommandError::usage("--update-every must be more than zero"));
            }
            let manager = one_line("--manager", &manager)?;
            let what = format!(
                "escalation accepted (manager: {manager}, updates every {})",
                crate::policy::format_duration(update_every)
            );
            (
                number,
                EventKind::EscalationAccepted {
                    manager,
                    update_every,
                },
                what,
            )
        }
        EscalateCommand::Decline {
            number,
            explanation,
        } => (
            number,
            EventKind::EscalationDeclined {
                explanation: non_empty(
                    "--explanation",
                    &input::given_text(explanation, "--explanation")?,
                )?,
            },
            "escalation declined".to_string(),
        ),
        EscalateCommand::Update { number, message } => (
            number,
            EventKind::EscalationUpdate {
                message: non_empty("--message", &input::given_text(message, "--message")?)?,
            },
            "escalation update recorded".to_string(),
        ),
        EscalateCommand::Close {
            number,
            outcome,
            summary,
            agreed_by,
        } => {
            let what = format!("escalation closed ({outcome})");
            (
                number,
                EventKind::EscalationClosed {
                    // Resolved to the case's contact under the lock.
                    agreed_by: Some(match agreed_by {
                        Some(text) => non_empty("--agreed-by", &text)?,
                        None => String::new(),
                    }),
                    outcome,
                    summary: non_empty("--summary", &input::given_text(summary, "--summary")?)?,
                },
                what,
            )
        }
        EscalateCommand::DeEscalate { number, reason } => (
            number,
            EventKind::DeEscalated {
                reason: non_empty("--reason", &input::given_text(reason, "--reason")?)?,
            },
            "de-escalated".to_string(),
        ),
    })
}

/// The policy's gates for `kind` on `case` at `now` (a request's, a
/// closing outcome's), and a closing's agreeing contact resolved to the
/// case's (its first contact when none was named).
fn gate(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    kind: &mut EventKind,
) -> Result<(), CommandError> {
    match kind {
        EventKind::EscalationRequested(request) => {
            crate::rules::escalation_request(case, policy, now, &request.role, &request.channel)
                .map_err(|refusal| rule_refused(refusal, policy))?;
        }
        EventKind::EscalationClosed {
            outcome, agreed_by, ..
        } => {
            crate::rules::escalation_close(policy, outcome)
                .map_err(|refusal| rule_refused(refusal, policy))?;
            if let Some(text) = agreed_by {
                *text = if text.is_empty() {
                    case.header().contacts[0].to_string()
                } else {
                    super::lifecycle::find_contact(case, text)?.to_string()
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// What `escalate` says after recording: what was done, what the customer
/// committed when a de-escalation refers to it, and what is due next.
fn recorded_message(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    what: &str,
    is_request: bool,
) -> Result<String, CommandError> {
    let number = case.number();
    let mut message = format!("case {number}: {what}\n");
    if let Some(e) = escalation::escalations(case).last() {
        let de_escalated = matches!(
            e.ended,
            Some((at, escalation::Ending::DeEscalated { .. })) if at == now
        );
        if de_escalated {
            // The guide: a de-escalation for missing resources refers to
            // what the customer committed at the request.
            message.push_str(&format!(
                "resources the customer committed at the request: {}\n",
                e.request.resources.as_deref().unwrap_or("(not recorded)")
            ));
        }
    }
    // Say what is due next.
    for reading in clock::clocks(case, policy, now)? {
        let next = match reading.clock {
            ClockKind::EscalationFollowUp if is_request => "manager's follow-up due",
            ClockKind::EscalationUpdate if reading.started_at == Some(now) => "next update due",
            _ => continue,
        };
        if reading.stopped_at.is_none() {
            if let Some(due) = reading.due_at {
                message.push_str(&format!("{next} {}\n", local_time(due, reading.time_zone)));
            }
        }
    }
    Ok(message)
}
