//! The customer status view (issue 26): what a customer may see of their
//! own cases — number, title, state, severity, the next commitment and its
//! due time, the escalation state and the last public update — computed
//! from a case, its policy and now. Pure: no clock, no I/O; `cases status`
//! (`cli::status`) and the site's account pages (`site::accounts`) render
//! the same [`CaseStatus`].
//!
//! **What may be shown is one table**, [`visibility`]: an exhaustive
//! `match` over every [`EventKind`], so a kind added to the event table
//! does not compile until someone decides what of it a customer may see.
//! Only texts that are by nature sent to the customer are public (a
//! response's message, an information request's and a follow-up's, an
//! escalation update's message, a decline's explanation, an escalation's
//! final summary, a fix's release); notes, phone notes, ticket references,
//! owners, actors, contacts, justifications, resources, review notes,
//! reasons and edits never are. Nothing else of a case reaches the view:
//! no owner, no contact, no related case (it may be another account's),
//! no label, no plan, no policy version.
//!
//! **Invariants a caller keeps:** the view holds one account's cases only
//! (the caller selects them by the whole account name, [`is_of_account`]),
//! and nothing it prints names another account.
//!
//! Clocks are read generically: the next commitment is the running clock
//! due first, whatever its [`crate::clock::ClockKind`], so a clock kind
//! added to `clock` shows here without this module naming it.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::case::{Case, EventKind, Header, PhoneCall, State};
use crate::clock::{self, ClockError, ClockKind, ClockReading, ClockStatus};
use crate::escalation::{self, Ending};
use crate::policy::Policy;

/// What a customer-visible event was, in the view's vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UpdateKind {
    /// The case was opened.
    Opened,
    /// Support and the customer spoke on the phone (a live call, a
    /// callback, or a phone contact recorded before calls had kinds).
    Call,
    /// The customer left a voicemail.
    Voicemail,
    /// Support responded.
    Response,
    /// Support asked the customer for information.
    InformationRequest,
    /// Support followed up on an unanswered request.
    FollowUp,
    /// The customer replied.
    CustomerReply,
    /// The severity was changed (with the customer's agreement).
    SeverityChanged,
    /// Development was asked for a fix.
    FixRequested,
    /// A fix is available (with its release).
    FixAvailable,
    /// The case was closed.
    Closed,
    /// The case was reopened.
    Reopened,
    EscalationRequested,
    /// The support manager followed up on the escalation request.
    EscalationReviewed,
    EscalationAccepted,
    EscalationDeclined,
    EscalationUpdate,
    EscalationClosed,
    DeEscalated,
}

impl UpdateKind {
    /// Every kind, in the order of the event table (the schema's order).
    pub const ALL: [UpdateKind; 19] = [
        UpdateKind::Opened,
        UpdateKind::Call,
        UpdateKind::Voicemail,
        UpdateKind::Response,
        UpdateKind::InformationRequest,
        UpdateKind::FollowUp,
        UpdateKind::CustomerReply,
        UpdateKind::SeverityChanged,
        UpdateKind::FixRequested,
        UpdateKind::FixAvailable,
        UpdateKind::Closed,
        UpdateKind::Reopened,
        UpdateKind::EscalationRequested,
        UpdateKind::EscalationReviewed,
        UpdateKind::EscalationAccepted,
        UpdateKind::EscalationDeclined,
        UpdateKind::EscalationUpdate,
        UpdateKind::EscalationClosed,
        UpdateKind::DeEscalated,
    ];

    /// The name in output (`information-request`).
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateKind::Opened => "opened",
            UpdateKind::Call => "call",
            UpdateKind::Voicemail => "voicemail",
            UpdateKind::Response => "response",
            UpdateKind::InformationRequest => "information-request",
            UpdateKind::FollowUp => "follow-up",
            UpdateKind::CustomerReply => "customer-reply",
            UpdateKind::SeverityChanged => "severity-changed",
            UpdateKind::FixRequested => "fix-requested",
            UpdateKind::FixAvailable => "fix-available",
            UpdateKind::Closed => "closed",
            UpdateKind::Reopened => "reopened",
            UpdateKind::EscalationRequested => "escalation-requested",
            UpdateKind::EscalationReviewed => "escalation-reviewed",
            UpdateKind::EscalationAccepted => "escalation-accepted",
            UpdateKind::EscalationDeclined => "escalation-declined",
            UpdateKind::EscalationUpdate => "escalation-update",
            UpdateKind::EscalationClosed => "escalation-closed",
            UpdateKind::DeEscalated => "de-escalated",
        }
    }
}

/// What a customer may see of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility<'a> {
    /// Nothing: the event is internal.
    Private,
    /// That it happened, what it was, and the text it carries that was
    /// sent to the customer (if any).
    Public(UpdateKind, Option<&'a str>),
}

/// THE allow-list: what a customer may see of an event of each kind. An
/// exhaustive match with no wildcard, so a new kind is a compile error here
/// until it is classified; every field not named on the right is private.
pub fn visibility(kind: &EventKind) -> Visibility<'_> {
    use Visibility::{Private, Public};
    match kind {
        // The title is shown by the view itself; the contacts, channel and
        // related cases are not.
        EventKind::Created(_) => Public(UpdateKind::Opened, None),
        // The phone note is internal.
        EventKind::PhoneContact { call, note: _ } => match call {
            Some(PhoneCall::Voicemail) => Public(UpdateKind::Voicemail, None),
            Some(PhoneCall::Live | PhoneCall::Callback) | None => Public(UpdateKind::Call, None),
        },
        // Who owns a case is internal (the state says it is being handled).
        EventKind::Assigned { owner: _ } => Private,
        EventKind::Responded { message } => Public(UpdateKind::Response, message.as_deref()),
        EventKind::Note { text: _ } => Private,
        EventKind::InfoRequested { message } => {
            Public(UpdateKind::InformationRequest, message.as_deref())
        }
        EventKind::FollowUp { message } => Public(UpdateKind::FollowUp, message.as_deref()),
        // The customer's words as staff recorded them are not support's
        // message to the customer: that they replied, not what.
        EventKind::CustomerReplied { message: _ } => Public(UpdateKind::CustomerReply, None),
        EventKind::SeverityChanged {
            from: _,
            to: _,
            agreed_by: _,
        } => Public(UpdateKind::SeverityChanged, None),
        // The development ticket is internal.
        EventKind::FixRequested { ticket: _ } => Public(UpdateKind::FixRequested, None),
        EventKind::FixAvailable { release } => Public(UpdateKind::FixAvailable, Some(release)),
        // Who confirmed and which auto-close rule are not shown.
        EventKind::Closed {
            reason: _,
            confirmed_by: _,
            rule: _,
        } => Public(UpdateKind::Closed, None),
        EventKind::Reopened { reason: _ } => Public(UpdateKind::Reopened, None),
        EventKind::ContactAdded { contact: _ } | EventKind::ContactRemoved { contact: _ } => {
            Private
        }
        // The justification, resources and support-side names are internal.
        EventKind::EscalationRequested(_) => Public(UpdateKind::EscalationRequested, None),
        EventKind::EscalationReviewed { note: _ } => Public(UpdateKind::EscalationReviewed, None),
        // The manager's name is internal; the agreed frequency shows as the
        // next update's due time.
        EventKind::EscalationAccepted {
            manager: _,
            update_every: _,
        } => Public(UpdateKind::EscalationAccepted, None),
        EventKind::EscalationDeclined { explanation } => {
            Public(UpdateKind::EscalationDeclined, Some(explanation))
        }
        EventKind::EscalationUpdate { message } => {
            Public(UpdateKind::EscalationUpdate, Some(message))
        }
        // The outcome shows in the escalation state; the final summary is
        // the communication the guide says is sent to the customer.
        EventKind::EscalationClosed {
            agreed_by: _,
            outcome: _,
            summary,
        } => Public(UpdateKind::EscalationClosed, Some(summary)),
        EventKind::DeEscalated { reason: _ } => Public(UpdateKind::DeEscalated, None),
        // An edit's old value may be another account's name.
        EventKind::Edited {
            field: _,
            old_value: _,
            new_value: _,
        } => Private,
        EventKind::Renumbered { old_number: _ } => Private,
        EventKind::LabelAdded { label: _ } | EventKind::LabelRemoved { label: _ } => Private,
    }
}

/// The next thing support committed to: the running clock due first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub clock: ClockKind,
    /// `None` while the clock waits to start (a severity 1 case waits for
    /// the customer's phone call).
    pub due_at: Option<DateTime<Utc>>,
    /// The case region's zone, which the due time is shown in.
    pub time_zone: Tz,
}

/// Where the case's latest escalation stands, as a customer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationState {
    /// Never escalated.
    None,
    /// Requested (or reviewed), not yet accepted or declined.
    Requested,
    /// Accepted and not ended: the case is escalated.
    Escalated,
    /// Closed with the outcome agreed with the customer; `None` for an
    /// escalation ended by the case closing (a history an earlier version
    /// recorded).
    Closed {
        outcome: Option<String>,
    },
    Declined,
    DeEscalated,
}

impl EscalationState {
    /// `none`, `requested`, `escalated`, `closed`, `declined`, `de-escalated`.
    pub fn as_str(&self) -> &'static str {
        match self {
            EscalationState::None => "none",
            EscalationState::Requested => "requested",
            EscalationState::Escalated => "escalated",
            EscalationState::Closed { .. } => "closed",
            EscalationState::Declined => "declined",
            EscalationState::DeEscalated => "de-escalated",
        }
    }

    /// The agreed outcome of a closed escalation (`root-cause`).
    pub fn outcome(&self) -> Option<&str> {
        match self {
            EscalationState::Closed { outcome } => outcome.as_deref(),
            _ => None,
        }
    }
}

/// The last event a customer may see, with its public text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUpdate {
    pub at: DateTime<Utc>,
    pub kind: UpdateKind,
    pub text: Option<String>,
}

/// One case as its customer may see it at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseStatus {
    pub number: u64,
    pub title: String,
    pub state: State,
    pub severity: u8,
    /// The severity's name in the case's policy (`major`).
    pub severity_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    pub next_commitment: Option<Commitment>,
    pub escalation: EscalationState,
    pub last_update: Option<PublicUpdate>,
    /// The case region's zone: every instant of the case is shown in it.
    pub time_zone: Tz,
}

/// True when the case with `header` is of `account`: its whole name, as
/// `--account` filters (no prefix, no case folding: `Acme` is not `Acme
/// Corp`).
pub fn is_of_account(header: &Header, account: &str) -> bool {
    header.facts.account == account
}

/// Which of an account's cases the view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// Every open case, and each closed case that may still be reopened
    /// (its reopen window, under its policy version, has not ended).
    OpenAndReopenable,
    /// Every open case, and each closed at most this long ago.
    ClosedWithin(Duration),
}

/// The status of `case` at `now` under `policy` (the case's own version),
/// if `shown` keeps it; `None` when it was opened after `now` or is a
/// closed case `shown` leaves out.
pub fn case_status(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    shown: Shown,
) -> Result<Option<CaseStatus>, ClockError> {
    let Some(case) = case.view_as_of(now) else {
        return Ok(None);
    };
    let header = case.header();
    if header.state == State::Closed {
        let keep = match shown {
            Shown::OpenAndReopenable => clock::gates(&case, policy, now)?
                .reopen_until
                .is_some_and(|until| now <= until),
            Shown::ClosedWithin(window) => {
                last_closed_at(&case).is_some_and(|at| at >= now - window)
            }
        };
        if !keep {
            return Ok(None);
        }
    }
    let readings = clock::clocks(&case, policy, now)?;
    Ok(Some(CaseStatus {
        number: header.number,
        title: header.facts.title.clone(),
        state: header.state,
        severity: header.severity,
        severity_name: policy.severity(header.severity).map(|s| s.name.clone()),
        opened_at: case.opened_at(),
        next_commitment: next_commitment(&readings),
        escalation: escalation_state(&case),
        last_update: last_update(&case),
        time_zone: policy.time_zone_of(&header.facts.region),
    }))
}

/// When the case was last closed.
fn last_closed_at(case: &Case) -> Option<DateTime<Utc>> {
    case.history()
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Closed { .. }))
        .map(|e| e.at)
}

/// The running clock due first; else a clock waiting to start.
pub fn next_commitment(readings: &[ClockReading]) -> Option<Commitment> {
    let running = readings
        .iter()
        .filter(|r| r.stopped_at.is_none() && r.due_at.is_some())
        .min_by_key(|r| r.due_at);
    let reading = running.or_else(|| {
        readings
            .iter()
            .find(|r| r.status == ClockStatus::Waiting && r.stopped_at.is_none())
    })?;
    Some(Commitment {
        clock: reading.clock,
        due_at: reading.due_at,
        time_zone: reading.time_zone,
    })
}

/// The state of the case's latest escalation.
fn escalation_state(case: &Case) -> EscalationState {
    let escalations = escalation::escalations(case);
    let Some(last) = escalations.last() else {
        return EscalationState::None;
    };
    match (&last.ended, &last.accepted) {
        (Some((_, Ending::Closed { outcome, .. })), _) => EscalationState::Closed {
            outcome: Some(outcome.clone()),
        },
        (Some((_, Ending::CaseClosed)), _) => EscalationState::Closed { outcome: None },
        (Some((_, Ending::Declined { .. })), _) => EscalationState::Declined,
        (Some((_, Ending::DeEscalated { .. })), _) => EscalationState::DeEscalated,
        (None, Some(_)) => EscalationState::Escalated,
        (None, None) => EscalationState::Requested,
    }
}

/// The last public event of the case, by [`visibility`].
fn last_update(case: &Case) -> Option<PublicUpdate> {
    case.history()
        .iter()
        .rev()
        .find_map(|event| match visibility(&event.kind) {
            Visibility::Private => None,
            Visibility::Public(kind, text) => Some(PublicUpdate {
                at: event.at,
                kind,
                text: text.map(str::to_string),
            }),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codec::tests::case_with;

    const MARKER: &str = "INTERNAL-MARKER-7f3a";

    /// The texts each kind may show: every kind of the event table is in
    /// the every-kind fixture and is classified, and the kinds whose texts
    /// are internal show none of them.
    #[test]
    fn every_event_kind_is_classified_and_only_customer_texts_are_public() {
        let case = case_with("Search is slow", MARKER);
        let mut seen: Vec<&str> = case.history().iter().map(|e| e.kind.name()).collect();
        seen.sort_unstable();
        seen.dedup();
        let mut every = EventKind::NAMES.to_vec();
        every.sort_unstable();
        assert_eq!(seen, every, "the fixture holds every kind");
        let mut public_texts: Vec<&str> = Vec::new();
        for event in case.history() {
            match visibility(&event.kind) {
                Visibility::Private => {}
                Visibility::Public(_, Some(text)) if text == MARKER => {
                    public_texts.push(event.kind.name())
                }
                Visibility::Public(kind, text) => {
                    assert!(
                        !text.unwrap_or_default().contains(MARKER),
                        "{kind:?} shows an internal text"
                    );
                }
            }
        }
        public_texts.sort_unstable();
        public_texts.dedup();
        // The kinds whose marked text is sent to the customer, and no other.
        assert_eq!(
            public_texts,
            [
                "escalation-closed",
                "escalation-declined",
                "escalation-update",
                "follow-up",
                "responded",
            ]
        );
        let private: Vec<&str> = case
            .history()
            .iter()
            .filter(|e| visibility(&e.kind) == Visibility::Private)
            .map(|e| e.kind.name())
            .collect();
        for kind in ["note", "assigned", "edited", "renumbered", "label-added"] {
            assert!(private.contains(&kind), "{kind} is private");
        }
        let release = case
            .history()
            .iter()
            .find_map(|e| match visibility(&e.kind) {
                Visibility::Public(UpdateKind::FixAvailable, text) => text,
                _ => None,
            });
        assert_eq!(release, Some("2026.11"));
    }

    #[test]
    fn the_view_holds_no_internal_text_and_the_last_public_update() {
        let case = case_with("Search is slow", MARKER);
        let policy = Policy::default_policy();
        let now = case.history().last().unwrap().at;
        let status = case_status(&case, &policy, now, Shown::OpenAndReopenable)
            .unwrap()
            .unwrap();
        // The fixture ends with a reopen, then a renumbering (private).
        assert_eq!(status.state, State::Open);
        let update = status.last_update.unwrap();
        assert_eq!((update.kind, update.text), (UpdateKind::Reopened, None));
        assert_eq!(status.escalation, EscalationState::DeEscalated);
        assert_eq!(status.severity_name.as_deref(), Some("critical"));
        // The reopen-response clock runs: it is the next commitment.
        let next = status.next_commitment.unwrap();
        assert_eq!(next.clock, ClockKind::ReopenResponse);
        assert!(next.due_at.is_some());
    }
}
