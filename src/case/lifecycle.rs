//! The case state machine: replays a history event by event, refusing any
//! event the lifecycle does not allow at that point (SPEC section 4).
//!
//! ```text
//! new --assigned--> open <--info-requested / customer-replied--> waiting-on-customer
//!                   open <--fix-requested / fix-available------> waiting-on-fix
//! any open state --closed--> closed --reopened--> open (same owner)
//! ```
//!
//! Structural rules live here (order of events, states, the escalation
//! sub-process). Rules that need the policy or a calendar (reopen window,
//! escalation eligibility, intake channels) are gates checked by the commands
//! before they record an event, so a later policy change never turns a stored
//! history illegal.

use chrono::{DateTime, Utc};

use super::{CloseReason, Contact, EventKind, Facts, Header, State};
use crate::case::Event;

/// Where a case's escalation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationStatus {
    /// Requested; the support manager has not followed up yet.
    Requested,
    /// The manager followed up; not yet accepted or declined.
    Reviewed,
    /// Accepted; updates are due at the agreed frequency.
    Accepted,
}

impl EscalationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationStatus::Requested => "requested",
            EscalationStatus::Reviewed => "reviewed",
            EscalationStatus::Accepted => "accepted",
        }
    }
}

/// What replaying a history gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub header: Header,
    /// The open escalation, if any.
    pub escalation: Option<EscalationStatus>,
    /// The case's labels (`label-added` less `label-removed`), sorted.
    pub labels: Vec<String>,
}

impl Replayed {
    /// True while the case is *escalated*: from the acceptance of an
    /// escalation until it ends (SPEC section 4). A request that is not yet
    /// accepted leaves the case "escalation requested", not escalated.
    pub fn is_escalated(&self) -> bool {
        self.escalation == Some(EscalationStatus::Accepted)
    }

    /// A stand-in built from a header alone.
    pub fn from_header(header: &Header) -> Replayed {
        Replayed {
            header: header.clone(),
            escalation: None,
            labels: Vec::new(),
        }
    }
}

/// An event the lifecycle refuses: where it is in the history, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{refusal}")]
pub struct LifecycleError {
    /// Index of the offending event in the history.
    pub index: usize,
    pub refusal: Refusal,
}

impl LifecycleError {
    /// The one step that would make the event allowed, if there is one.
    pub fn remedy(&self) -> Option<Remedy> {
        self.refusal.remedy()
    }
}

/// Why the lifecycle refuses an event, as facts (no advice: the caller
/// words what to do about it, see [`Remedy`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error("the history is empty; it must start with a created event")]
    EmptyHistory,
    #[error("an edited event names field {field:?} (editable: {})", Facts::NAMES.join(", "))]
    EditedUnknownField { field: String },
    #[error("an edited event changes {field} from {from:?}, but it was {was:?}")]
    EditedFromAnother {
        field: String,
        from: String,
        was: String,
    },
    #[error("an edited event must give {field} a new, non-empty value")]
    EditedToNothing { field: String },
    #[error("the history starts with {first}; it must start with created")]
    NotOpenedByCreated { first: &'static str },
    #[error("{event} at {} is earlier than the event before it ({}); events are recorded in time order", rfc3339(*at), rfc3339(*previous))]
    OutOfOrder {
        event: &'static str,
        at: DateTime<Utc>,
        previous: DateTime<Utc>,
    },
    /// Two cases share a number: clones opened one each.
    #[error("a second created event: two different cases were recorded as case {number}")]
    SecondCreated { number: u64 },
    #[error("case {number} is closed; {event} is not allowed")]
    CaseClosed { number: u64, event: &'static str },
    #[error(
        "case {number} is {state}; {action} needs a case that is {}",
        state_names(allowed)
    )]
    WrongState {
        number: u64,
        state: State,
        action: &'static str,
        allowed: Vec<State>,
    },
    #[error("severity-changed says from {from} but case {number} is severity {severity}")]
    SeverityChangedFromAnother { number: u64, from: u8, severity: u8 },
    #[error("case {number} is already severity {severity}")]
    SameSeverity { number: u64, severity: u8 },
    #[error(
        "a customer-confirmed closing of case {number} must name who confirmed it (confirmed_by)"
    )]
    UnconfirmedClosing { number: u64 },
    #[error("case {number} is {state}; only a case waiting on the customer closes as no-response")]
    NoResponseNotWaiting { number: u64, state: State },
    #[error("label {label:?} is not a label name: {}", LABEL_RULE)]
    BadLabel { label: String },
    #[error("case {number} already has label {label}")]
    AlreadyLabelled { number: u64, label: String },
    #[error("case {number} has no label {label}")]
    NotLabelled { number: u64, label: String },
    #[error("{contact} is already a contact of case {number}")]
    AlreadyAContact { number: u64, contact: Contact },
    #[error("{contact} is not a contact of case {number}")]
    NotAContact { number: u64, contact: Contact },
    #[error("case {number} must keep at least one contact")]
    LastContact { number: u64 },
    #[error("case {number} already has an open escalation ({}); close, decline or de-escalate it first", status.as_str())]
    EscalationAlreadyOpen {
        number: u64,
        status: EscalationStatus,
    },
    #[error("the escalation of case {number} is {}; can only {action} an escalation that is {}", status.as_str(), status_names(allowed))]
    WrongEscalationStatus {
        number: u64,
        status: EscalationStatus,
        action: &'static str,
        allowed: Vec<EscalationStatus>,
    },
    #[error("case {number} has no open escalation to {action}")]
    NoOpenEscalation { number: u64, action: &'static str },
}

impl Refusal {
    /// The one step that would make the event allowed, if there is one.
    pub fn remedy(&self) -> Option<Remedy> {
        match *self {
            Refusal::CaseClosed { number, .. } => Some(Remedy::Reopen { number }),
            Refusal::SecondCreated { number } => Some(Remedy::Renumber { number }),
            Refusal::NoOpenEscalation { number, .. } => Some(Remedy::RequestEscalation { number }),
            _ => None,
        }
    }
}

/// A step that makes a refused event allowed; the command line words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Remedy {
    /// Reopen the closed case first.
    Reopen { number: u64 },
    /// Two cases were opened under one number by two clones: give one of
    /// them a new number while merging.
    Renumber { number: u64 },
    /// Request an escalation first.
    RequestEscalation { number: u64 },
}

fn state_names(states: &[State]) -> String {
    let names: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    names.join(" or ")
}

fn status_names(statuses: &[EscalationStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    names.join(" or ")
}

/// Replays `history` of case `number`.
pub fn replay(number: u64, history: &[Event]) -> Result<Replayed, LifecycleError> {
    let Some(first) = history.first() else {
        return Err(LifecycleError {
            index: 0,
            refusal: Refusal::EmptyHistory,
        });
    };
    let EventKind::Created(intake) = &first.kind else {
        return Err(LifecycleError {
            index: 0,
            refusal: Refusal::NotOpenedByCreated {
                first: first.kind.name(),
            },
        });
    };
    let mut replayed = Replayed {
        header: Header {
            number,
            facts: intake.facts.clone(),
            severity: intake.severity,
            state: State::New,
            owner: None,
            contacts: intake.contacts.clone(),
            related: intake.related.clone(),
            policy_version: intake.policy_version.clone(),
        },
        escalation: None,
        labels: Vec::new(),
    };
    let mut previous_at = first.at;
    for (index, event) in history.iter().enumerate().skip(1) {
        let refuse = |refusal: Refusal| LifecycleError { index, refusal };
        if event.at < previous_at {
            return Err(refuse(Refusal::OutOfOrder {
                event: event.kind.name(),
                at: event.at,
                previous: previous_at,
            }));
        }
        previous_at = event.at;
        apply(&mut replayed, event).map_err(refuse)?;
    }
    Ok(replayed)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What a label name is, for messages.
pub const LABEL_RULE: &str =
    "lower-case letters, digits and '-', starting with a letter, at most 40 characters, not \"none\" (such as indexing)";

/// Whether `text` is a label name ([`LABEL_RULE`]).
pub fn is_label(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && text.len() <= 40
        && text != "none"
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Applies one event after the first; the error says why it is refused.
fn apply(replayed: &mut Replayed, event: &Event) -> Result<(), Refusal> {
    let header = &mut replayed.header;
    let number = header.number;
    let state = header.state;
    let closed_refusal = || Refusal::CaseClosed {
        number,
        event: event.kind.name(),
    };
    match &event.kind {
        EventKind::Created(_) => return Err(Refusal::SecondCreated { number }),
        EventKind::Note { .. } | EventKind::Renumbered { .. } => {}
        // Labels group cases for the team (reports count closed cases
        // too), so a closed case may be labelled.
        EventKind::LabelAdded { label } => {
            if !is_label(label) {
                return Err(Refusal::BadLabel {
                    label: label.clone(),
                });
            }
            match replayed.labels.binary_search(label) {
                Ok(_) => {
                    return Err(Refusal::AlreadyLabelled {
                        number,
                        label: label.clone(),
                    })
                }
                Err(at) => replayed.labels.insert(at, label.clone()),
            }
        }
        EventKind::LabelRemoved { label } => match replayed.labels.binary_search(label) {
            Ok(at) => {
                replayed.labels.remove(at);
            }
            Err(_) => {
                return Err(Refusal::NotLabelled {
                    number,
                    label: label.clone(),
                })
            }
        },
        _ if state == State::Closed && !matches!(event.kind, EventKind::Reopened { .. }) => {
            return Err(closed_refusal())
        }
        EventKind::PhoneContact { call, .. } => {
            // A call in which the customer and support spoke is the
            // customer's reply to a case waiting on them (SPEC 4); a
            // voicemail, or a contact recorded before calls had kinds, is not.
            if state == State::WaitingOnCustomer && call.is_some_and(|c| c.is_conversation()) {
                header.state = State::Open;
            }
        }
        EventKind::Responded { .. } => {}
        EventKind::Assigned { owner } => {
            header.owner = Some(owner.clone());
            if state == State::New {
                header.state = State::Open;
            }
        }
        EventKind::InfoRequested { .. } => {
            require(state, &[State::Open], number, "requesting information")?;
            header.state = State::WaitingOnCustomer;
        }
        EventKind::FollowUp { .. } => {
            require(
                state,
                &[State::WaitingOnCustomer],
                number,
                "recording a follow-up",
            )?;
        }
        EventKind::CustomerReplied { .. } => {
            if state == State::WaitingOnCustomer {
                header.state = State::Open;
            }
        }
        EventKind::Edited {
            field,
            old_value,
            new_value,
        } => {
            let Some(slot) = header.facts.get_mut(field) else {
                return Err(Refusal::EditedUnknownField {
                    field: field.clone(),
                });
            };
            if slot != old_value {
                return Err(Refusal::EditedFromAnother {
                    field: field.clone(),
                    from: old_value.clone(),
                    was: slot.clone(),
                });
            }
            if new_value.trim().is_empty() || new_value == old_value {
                return Err(Refusal::EditedToNothing {
                    field: field.clone(),
                });
            }
            *slot = new_value.clone();
        }
        EventKind::SeverityChanged { from, to, .. } => {
            if *from != header.severity {
                return Err(Refusal::SeverityChangedFromAnother {
                    number,
                    from: *from,
                    severity: header.severity,
                });
            }
            if from == to {
                return Err(Refusal::SameSeverity {
                    number,
                    severity: *to,
                });
            }
            header.severity = *to;
        }
        EventKind::FixRequested { .. } => {
            require(state, &[State::Open], number, "requesting a fix")?;
            header.state = State::WaitingOnFix;
        }
        EventKind::FixAvailable { .. } => {
            require(
                state,
                &[State::WaitingOnFix],
                number,
                "recording an available fix",
            )?;
            header.state = State::Open;
        }
        EventKind::Closed {
            reason,
            confirmed_by,
            ..
        } => {
            // The customer's agreement is the only thing that allows this
            // closing; a history that lost who gave it cannot be trusted.
            if *reason == CloseReason::CustomerConfirmed
                && confirmed_by.as_deref().is_none_or(|c| c.trim().is_empty())
            {
                return Err(Refusal::UnconfirmedClosing { number });
            }
            if *reason == CloseReason::NoResponse && state != State::WaitingOnCustomer {
                return Err(Refusal::NoResponseNotWaiting { number, state });
            }
            header.state = State::Closed;
            replayed.escalation = None;
        }
        EventKind::Reopened { .. } => {
            require(state, &[State::Closed], number, "reopening")?;
            header.state = if header.owner.is_some() {
                State::Open
            } else {
                State::New
            };
        }
        EventKind::ContactAdded { contact } => {
            if header
                .contacts
                .iter()
                .any(|c| c.email.eq_ignore_ascii_case(&contact.email))
            {
                return Err(Refusal::AlreadyAContact {
                    number,
                    contact: contact.clone(),
                });
            }
            header.contacts.push(contact.clone());
        }
        EventKind::ContactRemoved { contact } => {
            let before = header.contacts.len();
            header
                .contacts
                .retain(|c| !c.email.eq_ignore_ascii_case(&contact.email));
            if header.contacts.len() == before {
                return Err(Refusal::NotAContact {
                    number,
                    contact: contact.clone(),
                });
            }
            if header.contacts.is_empty() {
                return Err(Refusal::LastContact { number });
            }
        }
        EventKind::EscalationRequested(_) => {
            if let Some(status) = replayed.escalation {
                return Err(Refusal::EscalationAlreadyOpen { number, status });
            }
            replayed.escalation = Some(EscalationStatus::Requested);
        }
        EventKind::EscalationReviewed { .. } => {
            require_escalation(replayed, &[EscalationStatus::Requested], "review")?;
            replayed.escalation = Some(EscalationStatus::Reviewed);
        }
        EventKind::EscalationAccepted { .. } => {
            require_escalation(
                replayed,
                &[EscalationStatus::Requested, EscalationStatus::Reviewed],
                "accept",
            )?;
            replayed.escalation = Some(EscalationStatus::Accepted);
        }
        EventKind::EscalationDeclined { .. } => {
            require_escalation(
                replayed,
                &[EscalationStatus::Requested, EscalationStatus::Reviewed],
                "decline",
            )?;
            replayed.escalation = None;
        }
        EventKind::EscalationUpdate { .. } => {
            require_escalation(
                replayed,
                &[EscalationStatus::Accepted],
                "send an update for",
            )?;
        }
        EventKind::EscalationClosed { .. } => {
            require_escalation(replayed, &[EscalationStatus::Accepted], "close")?;
            replayed.escalation = None;
        }
        EventKind::DeEscalated { .. } => {
            require_escalation(
                replayed,
                &[
                    EscalationStatus::Requested,
                    EscalationStatus::Reviewed,
                    EscalationStatus::Accepted,
                ],
                "de-escalate",
            )?;
            replayed.escalation = None;
        }
    }
    Ok(())
}

fn require(
    state: State,
    allowed: &[State],
    number: u64,
    action: &'static str,
) -> Result<(), Refusal> {
    if allowed.contains(&state) {
        return Ok(());
    }
    Err(Refusal::WrongState {
        number,
        state,
        action,
        allowed: allowed.to_vec(),
    })
}

fn require_escalation(
    replayed: &Replayed,
    allowed: &[EscalationStatus],
    action: &'static str,
) -> Result<(), Refusal> {
    let number = replayed.header.number;
    match replayed.escalation {
        Some(status) if allowed.contains(&status) => Ok(()),
        Some(status) => Err(Refusal::WrongEscalationStatus {
            number,
            status,
            action,
            allowed: allowed.to_vec(),
        }),
        None => Err(Refusal::NoOpenEscalation { number, action }),
    }
}
