//! The escalation process (SPEC sections 1, 3 and 4): the escalation
//! desk's hours, who hears about an escalation, and each escalation's story
//! read back from the case history. Pure: no clock, no I/O. Who may ask and
//! when (the gates of a request) are in [`crate::rules`]; this module
//! depends on no clock (the clocks of an escalation, in [`crate::clock`],
//! read it back from here).
//!
//! An escalation is requested, reviewed by the support manager (the
//! follow-up with the customer, within 60 minutes of desk time; round the
//! clock for severity 1), then accepted with an agreed update frequency or
//! declined; an accepted one gets updates and ends closed with an outcome
//! agreed with the customer (the contact who agreed is recorded), or
//! de-escalated. A case is *escalated* from the acceptance until the end
//! (SPEC section 4); it is not closed while an escalation is open (the
//! commands refuse it), but a closing that an earlier version recorded over
//! an open escalation still ends it (`case-closed`), as it did then.

use chrono::{DateTime, Duration, Utc};

use crate::calendar::Calendar;
use crate::case::{severity_at, Case, EscalationRequest, EventKind};
use crate::policy::Policy;

/// How an escalation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Closed {
        outcome: String,
        summary: String,
        /// The customer contact who agreed; `None` in closures recorded
        /// before it was asked for.
        agreed_by: Option<String>,
    },
    Declined {
        explanation: String,
    },
    DeEscalated {
        reason: String,
    },
    /// The case was closed while the escalation was open (a history an
    /// earlier version recorded; closing is refused now).
    CaseClosed,
}

impl Ending {
    /// The labels of the endings that are not a closing with an agreed
    /// outcome (a case closed under an open escalation is not an outcome).
    pub const NOT_CLOSED: [&'static str; 2] = ["declined", "de-escalated"];

    /// `root-cause`, `timeline`, `permanent-fix`, `declined`, `de-escalated`, `case-closed`.
    pub fn label(&self) -> &str {
        match self {
            Ending::Closed { outcome, .. } => outcome,
            Ending::Declined { .. } => "declined",
            Ending::DeEscalated { .. } => "de-escalated",
            Ending::CaseClosed => "case-closed",
        }
    }
}

/// One escalation of a case, as its events tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub requested_at: DateTime<Utc>,
    /// The request as recorded (its `resources` are `None` in requests
    /// recorded before they were asked for).
    pub request: EscalationRequest,
    /// The severity in force when it was requested.
    pub severity: u8,
    /// The manager's follow-up with the customer.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// `(when, support manager, update frequency)`.
    pub accepted: Option<(DateTime<Utc>, String, Duration)>,
    /// Instants of the updates sent after acceptance.
    pub updates: Vec<DateTime<Utc>>,
    pub ended: Option<(DateTime<Utc>, Ending)>,
}

impl Escalation {
    /// True while it is neither closed, declined, de-escalated nor ended by
    /// the case closing.
    pub fn is_open(&self) -> bool {
        self.ended.is_none()
    }

    /// The state name: requested, reviewed, accepted, or how it ended.
    pub fn status(&self) -> String {
        match (&self.ended, &self.accepted, self.reviewed_at) {
            (Some((_, ending)), ..) => match ending {
                Ending::Closed { .. } => "closed".into(),
                other => other.label().into(),
            },
            (None, Some(_), _) => "accepted".into(),
            (None, None, Some(_)) => "reviewed".into(),
            (None, None, None) => "requested".into(),
        }
    }

    /// The instant the manager's follow-up clock stops: the review, or an
    /// acceptance, decline or ending that came first.
    pub fn followed_up_at(&self) -> Option<DateTime<Utc>> {
        [
            self.reviewed_at,
            self.accepted.as_ref().map(|(at, ..)| *at),
            self.ended.as_ref().map(|(at, _)| *at),
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// Every escalation of `case`, oldest first.
pub fn escalations(case: &Case) -> Vec<Escalation> {
    let mut all: Vec<Escalation> = Vec::new();
    for event in case.history() {
        let open = all.last_mut().filter(|e| e.is_open());
        match (&event.kind, open) {
            (EventKind::EscalationRequested(request), _) => all.push(Escalation {
                requested_at: event.at,
                request: request.clone(),
                severity: severity_at(case.history(), event.at).unwrap_or(case.header().severity),
                reviewed_at: None,
                accepted: None,
                updates: Vec::new(),
                ended: None,
            }),
            (EventKind::EscalationReviewed { .. }, Some(e)) => e.reviewed_at = Some(event.at),
            (
                EventKind::EscalationAccepted {
                    manager,
                    update_every,
                },
                Some(e),
            ) => e.accepted = Some((event.at, manager.clone(), *update_every)),
            (EventKind::EscalationUpdate { .. }, Some(e)) => e.updates.push(event.at),
            (EventKind::EscalationDeclined { explanation }, Some(e)) => {
                e.ended = Some((
                    event.at,
                    Ending::Declined {
                        explanation: explanation.clone(),
                    },
                ))
            }
            (
                EventKind::EscalationClosed {
                    agreed_by,
                    outcome,
                    summary,
                },
                Some(e),
            ) => {
                e.ended = Some((
                    event.at,
                    Ending::Closed {
                        outcome: outcome.clone(),
                        summary: summary.clone(),
                        agreed_by: agreed_by.clone(),
                    },
                ))
            }
            (EventKind::DeEscalated { reason }, Some(e)) => {
                e.ended = Some((
                    event.at,
                    Ending::DeEscalated {
                        reason: reason.clone(),
                    },
                ))
            }
            (EventKind::Closed { .. }, Some(e)) => e.ended = Some((event.at, Ending::CaseClosed)),
            _ => {}
        }
    }
    all
}

/// The calendar of the manager's follow-up for an escalation of severity
/// `level`: the policy's for that severity, the desk's for a level the
/// policy does not know (a `--what-if` policy may have fewer severities).
pub fn follow_up_calendar(policy: &Policy, level: u8) -> Calendar {
    policy.severity(level).map_or_else(
        || Calendar::Business(policy.escalation.desk.clone()),
        |rule| policy.follow_up_calendar(rule),
    )
}

/// The desk's hours, e.g. `mon-fri 08:00-17:00 America/Toronto`.
pub fn desk_hours(policy: &Policy) -> String {
    let desk = &policy.escalation.desk;
    let shifts: Vec<String> = desk
        .shifts()
        .iter()
        .map(crate::calendar::describe_shift)
        .collect();
    let mut text = shifts.join(", ");
    if let (Some(first), Some(last)) = (desk.shifts().first(), desk.shifts().last()) {
        if desk
            .shifts()
            .iter()
            .all(|s| s.start == first.start && s.end == first.end)
            && desk.shifts().len() > 1
        {
            text = format!(
                "{}-{} {}-{}",
                crate::calendar::weekday_name(first.weekday),
                crate::calendar::weekday_name(last.weekday),
                first.start,
                first.end
            );
        }
    }
    format!("{text} {}", desk.time_zone().name())
}

/// Who hears about an escalation: the case's contacts, then the
/// support-side roles recorded on it, as `(role, name)`.
pub fn stakeholders(case: &Case, escalation: &Escalation) -> Vec<(&'static str, String)> {
    let mut people: Vec<(&'static str, String)> = case
        .header()
        .contacts
        .iter()
        .map(|c| ("contact", c.to_string()))
        .collect();
    if let Some(owner) = &case.header().owner {
        people.push(("case owner", owner.clone()));
    }
    if let Some((_, manager, _)) = &escalation.accepted {
        people.push(("support manager", manager.clone()));
    }
    if let Some(name) = &escalation.request.customer_success_manager {
        people.push(("customer success manager", name.clone()));
    }
    if let Some(name) = &escalation.request.customer_manager {
        people.push(("customer manager", name.clone()));
    }
    people
}
