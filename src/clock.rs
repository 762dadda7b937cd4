//! SLA clocks and time gates (SPEC section 3): pure functions of
//! (case history, policy, now). Nothing computed here is ever stored, so a
//! policy fix re-computes every case and any past instant can be replayed
//! with [`Case::as_of`].
//!
//! The initial-response clock starts when the case is opened (severity 1:
//! at the first phone contact at or after opening), each reopen starts a
//! reopen-response clock; both run on the severity's calendar in the case's
//! region and stop at the first customer-facing contact by support at or
//! after their start ([`is_customer_facing_contact`]), never before it.
//! Under a policy with next-response targets, each customer message after
//! the first response that is not already awaiting an answer (a reply, a
//! live call, a voicemail) starts a next-response clock, which runs and
//! stops the same way ([`next_response_starts`]). A
//! severity change re-targets a running clock that is not yet due from the
//! same start; a clock already past due at the change keeps the due it had;
//! a stopped clock keeps the severity in force when it stopped. One status
//! rule for every clock ([`status`]): breached only when its end (the stop,
//! or now while running) is after its due instant.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::calendar::Calendar;
use crate::case::{history_as_of, Case, EscalationStatus, Event, EventKind, PhoneCall, State};
use crate::policy::{Policy, ResponseStart, SeverityRule};

/// Which clock a reading is of.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ClockKind {
    InitialResponse,
    /// The response after a reopen (one per reopen).
    ReopenResponse,
    /// The response to a customer's reply after the first response (one per
    /// reply that is not already awaiting one); only under a policy with
    /// `next_response_targets`.
    NextResponse,
    /// The support manager's follow-up after an escalation request.
    EscalationFollowUp,
    /// One interval of the agreed update frequency of an accepted escalation.
    EscalationUpdate,
}

impl ClockKind {
    /// Every clock, in reporting order.
    pub const ALL: [ClockKind; 5] = [
        ClockKind::InitialResponse,
        ClockKind::ReopenResponse,
        ClockKind::NextResponse,
        ClockKind::EscalationFollowUp,
        ClockKind::EscalationUpdate,
    ];

    /// The name used in output (`initial-response`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::InitialResponse => "initial-response",
            ClockKind::ReopenResponse => "reopen-response",
            ClockKind::NextResponse => "next-response",
            ClockKind::EscalationFollowUp => "escalation-follow-up",
            ClockKind::EscalationUpdate => "escalation-update",
        }
    }
}

/// Where a clock stands at `now`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ClockStatus {
    /// Not started yet (a severity 1 case with no phone contact); never met,
    /// whatever else happened.
    Waiting,
    /// Started, not stopped, `now <= due`.
    Running,
    /// Stopped at or before its due time.
    Met,
    /// Its end (the stop, or now while running) is after its due time.
    Breached,
}

impl ClockStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockStatus::Waiting => "waiting",
            ClockStatus::Running => "running",
            ClockStatus::Met => "met",
            ClockStatus::Breached => "breached",
        }
    }
}

/// One clock of one case at one instant. (Serialized for a listing too
/// large to sort in memory; instants in microseconds, where every instant
/// of a case is whole seconds.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockReading {
    pub clock: ClockKind,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    pub stopped_at: Option<DateTime<Utc>>,
    pub status: ClockStatus,
    /// The time zone its due time is shown in (the case region's).
    pub time_zone: Tz,
    /// For escalation clocks, which escalation of the case (1 for the first).
    pub escalation: Option<usize>,
    /// For reopen-response clocks, which reopen of the case (1 for the first).
    pub reopen: Option<usize>,
    /// For next-response clocks, which of the case's (1 for the first).
    pub reply: Option<usize>,
}

impl ClockReading {
    /// True when the clock is running past its due instant: someone must act.
    pub fn is_overdue(&self) -> bool {
        self.status == ClockStatus::Breached && self.stopped_at.is_none()
    }

    /// The instant from which the clock is breached (it is breached at every
    /// instant after its due); `None` unless it is breached.
    pub fn breached_after(&self) -> Option<DateTime<Utc>> {
        self.due_at.filter(|_| self.status == ClockStatus::Breached)
    }
}

/// Instants at which policy gates open for a case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gates {
    /// From when an escalation may be requested; `None` when never (sev4).
    pub escalation_eligible_at: Option<DateTime<Utc>>,
    /// When a case waiting on the customer is due to close as no-response.
    pub autoclose_at: Option<DateTime<Utc>>,
    /// Until when a closed case may be reopened.
    pub reopen_until: Option<DateTime<Utc>>,
}

/// Why clocks cannot be computed for a case under a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("case {number}: region {region:?} is not in the policy")]
    UnknownRegion { number: u64, region: String },
    #[error("case {number}: severity {severity} is not in the policy")]
    UnknownSeverity { number: u64, severity: u8 },
    #[error("case {number}: plan {plan:?} has no response target in the policy")]
    UnknownPlan { number: u64, plan: String },
}

pub use crate::case::severity_at;

/// A case's view of the policy: its region's calendar and severity rules.
struct CaseRules<'a> {
    policy: &'a Policy,
    region: &'a crate::policy::Region,
}

impl<'a> CaseRules<'a> {
    fn of(case: &Case, policy: &'a Policy) -> Result<Self, ClockError> {
        let header = case.header();
        let region =
            policy
                .region(&header.facts.region)
                .ok_or_else(|| ClockError::UnknownRegion {
                    number: header.number,
                    region: header.facts.region.clone(),
                })?;
        Ok(CaseRules { policy, region })
    }

    fn severity(&self, case: &Case, level: u8) -> Result<&'a SeverityRule, ClockError> {
        self.policy
            .severity(level)
            .ok_or(ClockError::UnknownSeverity {
                number: case.number(),
                severity: level,
            })
    }

    fn calendar(&self, rule: &SeverityRule) -> Calendar {
        self.policy.severity_calendar(rule, self.region)
    }
}

/// True for a customer-facing contact by support, the events that stop a
/// response clock (SPEC section 3): a response, an information request, a
/// follow-up, a phone call in which support and the customer spoke (a live
/// call, or support calling back), and a closing with the customer's
/// confirmation. A voicemail the customer left responds to nothing; so does
/// a phone contact recorded before calls had kinds (it reads as it did then:
/// it starts a severity 1 clock and stops none).
pub fn is_customer_facing_contact(kind: &EventKind) -> bool {
    match kind {
        EventKind::Responded { .. }
        | EventKind::InfoRequested { .. }
        | EventKind::FollowUp { .. } => true,
        EventKind::PhoneContact { call, .. } => call.is_some_and(PhoneCall::is_conversation),
        EventKind::Closed { reason, .. } => *reason == crate::case::CloseReason::CustomerConfirmed,
        _ => false,
    }
}

/// The severity in force at the event at `index` (the last change before
/// it, or the opening severity).
fn severity_before(history: &[Event], index: usize) -> Option<u8> {
    crate::case::severity_after(&history[..(index + 1).min(history.len())])
}

/// The due instant of a clock that started at `started` with severity
/// `level`, re-targeted by the severity `changes` (instant, new level) made
/// while it ran, in order: a change before the clock is due re-targets it
/// from the same start with the new severity (`due_for`); once a change
/// comes after the due instant, the clock is breached and keeps that due
/// (a lowering never hides a breach). Returns the due and the severity that
/// set it.
fn retargeted_due<T>(
    level: T,
    changes: impl IntoIterator<Item = (DateTime<Utc>, T)>,
    mut due_for: impl FnMut(&T) -> Result<DateTime<Utc>, ClockError>,
) -> Result<(DateTime<Utc>, T), ClockError> {
    let mut level = level;
    let mut due = due_for(&level)?;
    for (at, to) in changes {
        if at > due {
            break;
        }
        level = to;
        due = due_for(&level)?;
    }
    Ok((due, level))
}

/// What a response clock's target depends on: severity, plan and region,
/// borrowed from the history (re-targeting copies no strings).
#[derive(Debug, Clone, Copy)]
struct Terms<'a> {
    level: u8,
    plan: &'a str,
    region: &'a str,
}

/// The terms after each severity change and plan or region edit of
/// `events`, starting from `terms`, as (instant, terms then in force).
fn terms_changes<'a>(
    terms: Terms<'a>,
    events: &'a [Event],
) -> impl Iterator<Item = (DateTime<Utc>, Terms<'a>)> + 'a {
    events
        .iter()
        .scan(terms, |terms, event| {
            let changed = match &event.kind {
                EventKind::SeverityChanged { to, .. } => {
                    terms.level = *to;
                    true
                }
                EventKind::Edited {
                    field, new_value, ..
                } if field == "plan" => {
                    terms.plan = new_value;
                    true
                }
                EventKind::Edited {
                    field, new_value, ..
                } if field == "region" => {
                    terms.region = new_value;
                    true
                }
                _ => false,
            };
            Some(changed.then_some((event.at, *terms)))
        })
        .flatten()
}

/// The severity changes of `events` as (instant, new level).
fn severity_changes(events: &[Event]) -> impl Iterator<Item = (DateTime<Utc>, u8)> + '_ {
    events.iter().filter_map(|event| match &event.kind {
        EventKind::SeverityChanged { to, .. } => Some((event.at, *to)),
        _ => None,
    })
}

/// Every clock of `case` at `now`: the initial response, one reopen
/// response per reopen, one next response per customer message that starts
/// one (under a policy with next-response targets), then for each
/// escalation its follow-up and every update interval. Events after `now`
/// are ignored.
pub fn clocks(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<ClockReading>, ClockError> {
    let rules = CaseRules::of(case, policy)?;
    let Some(case) = case.view_as_of(now) else {
        return Ok(Vec::new());
    };
    let history = case.history();
    let initial_start = initial_response_start(&case, history, &rules)?;
    let mut readings = vec![initial_response(&case, initial_start, &rules, now)?];
    let reopens = history
        .iter()
        .enumerate()
        .filter(|(_, event)| matches!(event.kind, EventKind::Reopened { .. }));
    for (n, (index, event)) in reopens.enumerate() {
        let mut reading = response_clock(
            &case,
            &rules,
            ClockKind::ReopenResponse,
            (event.at, index),
            now,
        )?;
        reading.reopen = Some(n + 1);
        readings.push(reading);
    }
    if policy.has_next_response() {
        let replies = next_response_starts(history, initial_start.map(|(_, index)| index));
        for (n, index) in replies.into_iter().enumerate() {
            let start = (history[index].at, index);
            let mut reading = response_clock(&case, &rules, ClockKind::NextResponse, start, now)?;
            reading.reply = Some(n + 1);
            readings.push(reading);
        }
    }
    let time_zone = rules.region.calendar.time_zone();
    for (index, escalation) in crate::escalation::escalations(&case).iter().enumerate() {
        let reading = |clock,
                       started: DateTime<Utc>,
                       due: DateTime<Utc>,
                       stopped: Option<DateTime<Utc>>| ClockReading {
            clock,
            started_at: Some(started),
            due_at: Some(due),
            stopped_at: stopped,
            status: status(Some(due), stopped, now),
            time_zone,
            escalation: Some(index + 1),
            reopen: None,
            reply: None,
        };
        // Re-targeted by severity changes like the response clocks: those
        // made after the request and before the manager followed up.
        let followed_up_at = escalation.followed_up_at();
        let until = followed_up_at.unwrap_or(now);
        let changes = severity_changes(history)
            .filter(|(at, _)| *at > escalation.requested_at && *at <= until);
        let (due, _) =
            retargeted_due(escalation.severity, changes, |level| {
                let calendar = crate::escalation::follow_up_calendar(policy, *level);
                Ok(calendar
                    .add_business_duration(escalation.requested_at, policy.escalation.follow_up))
            })?;
        readings.push(reading(
            ClockKind::EscalationFollowUp,
            escalation.requested_at,
            due,
            followed_up_at,
        ));
        if let Some((accepted_at, _, every)) = &escalation.accepted {
            let ended_at = escalation.ended.as_ref().map(|(at, _)| *at);
            let starts: Vec<DateTime<Utc>> = std::iter::once(*accepted_at)
                .chain(escalation.updates.iter().copied())
                .collect();
            for (i, start) in starts.iter().enumerate() {
                let stopped = starts.get(i + 1).copied().or(ended_at);
                readings.push(reading(
                    ClockKind::EscalationUpdate,
                    *start,
                    *start + *every,
                    stopped,
                ));
            }
        }
    }
    Ok(readings)
}

/// Where the initial-response clock starts: at opening, or for a case
/// opened as severity 1 at its first phone contact at or after opening (a
/// case logged by phone records that call with its opening). A severity
/// change re-targets from the same start: a case opened as severity 1 runs
/// from its first phone contact even after it is lowered, and from its
/// opening only if it was never phoned in and is now of a severity whose
/// clock starts at opening; one raised to severity 1 keeps running from its
/// opening. `None` while it waits for the call, and for good once the case
/// closed before the call came. `(instant, history index)`.
fn initial_response_start(
    case: &Case,
    history: &[Event],
    rules: &CaseRules,
) -> Result<Option<(DateTime<Utc>, usize)>, ClockError> {
    let opened_at = case.opened_at();
    let opened_level = severity_before(history, 0).unwrap_or(case.header().severity);
    if rules.severity(case, opened_level)?.response_starts == ResponseStart::Opened {
        return Ok(Some((opened_at, 0)));
    }
    // Only a call before the case first closes: one closed before it was
    // phoned in is not answered by its initial response any more (the
    // close with the customer's confirmation was a contact; a reopen owes
    // its own reopen-response clock).
    let phoned = history
        .iter()
        .enumerate()
        .take_while(|(_, event)| !matches!(event.kind, EventKind::Closed { .. }))
        .find(|(_, event)| {
            event.at >= opened_at && matches!(event.kind, EventKind::PhoneContact { .. })
        })
        .map(|(index, event)| (event.at, index));
    if phoned.is_some() {
        return Ok(phoned);
    }
    let current = severity_before(history, history.len()).unwrap_or(case.header().severity);
    Ok(
        (rules.severity(case, current)?.response_starts == ResponseStart::Opened)
            .then_some((opened_at, 0)),
    )
}

fn initial_response(
    case: &Case,
    start: Option<(DateTime<Utc>, usize)>,
    rules: &CaseRules,
    now: DateTime<Utc>,
) -> Result<ClockReading, ClockError> {
    match start {
        Some(start) => response_clock(case, rules, ClockKind::InitialResponse, start, now),
        None => Ok(ClockReading {
            clock: ClockKind::InitialResponse,
            started_at: None,
            due_at: None,
            stopped_at: None,
            status: ClockStatus::Waiting,
            time_zone: rules.region.calendar.time_zone(),
            escalation: None,
            reopen: None,
            reply: None,
        }),
    }
}

/// The index of the customer-facing contact that stops a response clock
/// started by the event at `start_index`: the first at that event or after
/// it (a live call that starts a clock is also its response).
fn first_contact_from(history: &[Event], start_index: usize) -> Option<usize> {
    history
        .iter()
        .enumerate()
        .skip(start_index)
        .find(|(_, event)| is_customer_facing_contact(&event.kind))
        .map(|(index, _)| index)
}

/// True for what the customer sends support, which a next-response clock
/// answers: a reply, or a phone call from the customer (a live call, which
/// is answered as it is made, or a voicemail, which waits for the call
/// back). A callback is support's call; a phone contact recorded before
/// calls had kinds reads as it did then.
fn is_customer_message(kind: &EventKind) -> bool {
    match kind {
        EventKind::CustomerReplied { .. } => true,
        EventKind::PhoneContact { call, .. } => {
            matches!(call, Some(PhoneCall::Live | PhoneCall::Voicemail))
        }
        _ => false,
    }
}

/// The history indexes of the customer messages that start a next-response
/// clock: those after the first response (the initial-response clock's
/// stop, at `initial_start` or later) that no response clock is already
/// owed for. A message while the initial response, a reopen's response or
/// an earlier next response is still awaited starts none: support owes one
/// answer, due from the first unanswered message (a second reply does not
/// push the due later, nor add a clock that the same answer stops).
fn next_response_starts(history: &[Event], initial_start: Option<usize>) -> Vec<usize> {
    let Some(mut answered) = initial_start.and_then(|start| first_contact_from(history, start))
    else {
        return Vec::new(); // no first response yet: the initial clock is owed
    };
    let mut starts = Vec::new();
    for (index, event) in history.iter().enumerate() {
        if index <= answered {
            continue; // a message the answer of an owed clock already covers
        }
        let starts_clock =
            matches!(event.kind, EventKind::Reopened { .. }) || is_customer_message(&event.kind);
        if !starts_clock {
            continue;
        }
        if is_customer_message(&event.kind) {
            starts.push(index);
        }
        // A reopen is owed its own reopen-response clock: messages before
        // its answer start none.
        match first_contact_from(history, index) {
            Some(stop) => answered = stop,
            None => break,
        }
    }
    starts
}

/// A response clock (initial, reopen or next) that started with the event at
/// `start` (instant, history index): it stops at the first customer-facing
/// contact at that event or after it (a live call that starts a severity 1
/// clock is also its response), and targets the severity × plan response
/// time (for a next response, the next-response time) on the severity's
/// calendar, re-targeted by the severity changes made while it ran.
fn response_clock(
    case: &Case,
    rules: &CaseRules,
    clock: ClockKind,
    (started_at, start_index): (DateTime<Utc>, usize),
    now: DateTime<Utc>,
) -> Result<ClockReading, ClockError> {
    let history = case.history();
    let stop_index = first_contact_from(history, start_index);
    let stopped_at = stop_index.map(|index| history[index].at);
    // The severity changes made while it ran: after its start, before its
    // stop (none when the event that started it also stopped it).
    let ran_until = stop_index.unwrap_or(history.len()).max(start_index + 1);
    let ran = &history[start_index + 1..ran_until];
    let level = severity_before(history, start_index).unwrap_or(case.header().severity);
    // The plan and region re-target it like the severity (`cases edit`):
    // the terms in force at its start (the opening facts, then the edits up
    // to the start), then each change while it ran.
    let opening = case.opening_facts();
    let opened = Terms {
        level,
        plan: &opening.plan,
        region: &opening.region,
    };
    let before_start = &history[1.min(history.len())..(start_index + 1).min(history.len())];
    let terms = Terms {
        level,
        ..terms_changes(opened, before_start)
            .last()
            .map_or(opened, |(_, terms)| terms)
    };
    let (due, _) = retargeted_due(terms, terms_changes(terms, ran), |terms| {
        let rule = rules.severity(case, terms.level)?;
        let target = match clock {
            ClockKind::NextResponse => rule.next_response_target(terms.plan),
            _ => rule.response_target(terms.plan),
        };
        let target = target.ok_or_else(|| ClockError::UnknownPlan {
            number: case.number(),
            plan: terms.plan.to_string(),
        })?;
        let region =
            rules
                .policy
                .region(terms.region)
                .ok_or_else(|| ClockError::UnknownRegion {
                    number: case.number(),
                    region: terms.region.to_string(),
                })?;
        Ok(rules
            .policy
            .severity_calendar(rule, region)
            .add_business_duration(started_at, target))
    })?;
    Ok(ClockReading {
        clock,
        started_at: Some(started_at),
        due_at: Some(due),
        stopped_at,
        status: status(Some(due), stopped_at, now),
        time_zone: rules.region.calendar.time_zone(),
        escalation: None,
        reopen: None,
        reply: None,
    })
}

/// How long a response took, from the start of its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTime {
    pub wall: Duration,
    /// On the calendar of the severity in force at the response.
    pub business: Duration,
}

/// How long the response of a response clock `reading` of `case` as of
/// `now` took ([`clocks`] gave the reading for the same case and `now`, so
/// the clock is not computed twice): from the clock's start to the
/// customer-facing contact that stopped it; `None` while it waits or runs.
/// For the initial-response reading, the time to first response.
pub fn response_time(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    reading: &ClockReading,
) -> Result<Option<ResponseTime>, ClockError> {
    debug_assert!(matches!(
        reading.clock,
        ClockKind::InitialResponse | ClockKind::ReopenResponse | ClockKind::NextResponse
    ));
    let rules = CaseRules::of(case, policy)?;
    let (Some(started), Some(responded)) = (reading.started_at, reading.stopped_at) else {
        return Ok(None);
    };
    let history = history_as_of(case.history(), now);
    let level = severity_at(history, responded).unwrap_or(case.header().severity);
    let calendar = rules.calendar(rules.severity(case, level)?);
    Ok(Some(ResponseTime {
        wall: responded - started,
        business: calendar.business_time_between(started, responded),
    }))
}

/// The status of a clock with these instants at `now` (SPEC section 3):
/// not started is waiting; otherwise its end is the stop, or `now` while it
/// runs, and it is breached exactly when that end is after the due instant.
pub fn status(
    due_at: Option<DateTime<Utc>>,
    stopped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockStatus {
    match (due_at, stopped_at) {
        (None, _) => ClockStatus::Waiting,
        (Some(due), Some(stopped)) if stopped <= due => ClockStatus::Met,
        (Some(due), None) if now <= due => ClockStatus::Running,
        (Some(_), _) => ClockStatus::Breached,
    }
}

/// The gates of `case` at `now`.
pub fn gates(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Result<Gates, ClockError> {
    let rules = CaseRules::of(case, policy)?;
    let history = history_as_of(case.history(), now);
    let level = severity_at(history, now).unwrap_or(case.header().severity);
    let rule = rules.severity(case, level)?;
    let escalation_eligible_at = rule
        .escalation_after
        .ends_at(case.opened_at(), &rules.calendar(rule));

    let closed_at = history
        .iter()
        .rev()
        .find(|event| matches!(event.kind, EventKind::Closed { .. }))
        .map(|event| event.at);
    let as_of = case.view_as_of(now);
    let state = as_of
        .as_ref()
        .map_or(case.header().state, |c| c.header().state);
    let autoclose_at = as_of
        .and_then(|as_of| waiting_position(&as_of, &rules, policy))
        .map(|a| a.autoclose_at);
    let reopen_until = match (state, closed_at) {
        (State::Closed, Some(closed)) => Some(reopen_deadline(closed, policy, rules.region)),
        _ => None,
    };
    Ok(Gates {
        escalation_eligible_at,
        autoclose_at,
        reopen_until,
    })
}

/// The end of the reopen window of a case closed at `closed`: a window of
/// whole days counts calendar days in the region's time zone (so it ends at
/// the same local time across a DST change); any other window is elapsed time.
fn reopen_deadline(
    closed: DateTime<Utc>,
    policy: &Policy,
    region: &crate::policy::Region,
) -> DateTime<Utc> {
    let window = policy.reopen_window;
    if window.num_seconds() % 86_400 == 0 {
        let days = u32::try_from(window.num_days()).unwrap_or(u32::MAX);
        crate::calendar::add_local_days(region.calendar.time_zone(), closed, days)
    } else {
        closed + window
    }
}

/// `t` in `tz` as messages give it: `2026-11-30 14:00 America/Toronto`, and
/// in the fall-back hour, which of the two: `2026-11-01 01:30 America/Toronto (EST)`.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    use chrono::TimeZone;
    let local = t.with_timezone(&tz);
    // In the fall-back hour the same wall time happens twice: say which.
    let ambiguous = tz
        .from_local_datetime(&local.naive_local())
        .single()
        .is_none();
    let which = if ambiguous {
        format!(" ({})", local.format("%Z"))
    } else {
        String::new()
    };
    format!("{} {}{which}", local.format("%Y-%m-%d %H:%M"), tz.name())
}

/// Where a case waiting on the customer stands against the auto-close rule
/// (what the sweep does about it: [`crate::rules::auto_close`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoClose {
    /// The last information request, which started the wait.
    pub waiting_since: DateTime<Utc>,
    /// Follow-ups recorded since then.
    pub follow_ups_made: u32,
    /// Follow-ups the policy wants before closing.
    pub follow_ups_required: u32,
    /// The next follow-up to make (1-based) and when it is due; `None`
    /// once all are made.
    pub next_follow_up: Option<(u32, DateTime<Utc>)>,
    /// When the case closes as no-response if the follow-ups were made: the
    /// later of the wait after the information request and the grace after
    /// the last required follow-up (as made, or as due while not made yet).
    pub autoclose_at: DateTime<Utc>,
    /// An open escalation, which keeps the case from closing (SPEC 4).
    pub open_escalation: Option<EscalationStatus>,
}

/// The auto-close position of `case` at `now`; `None` unless it is waiting
/// on the customer. Follow-up k of n is due k/(n+1) of the way through the
/// wait, counted in whole business days rounded to the nearest (2 follow-ups
/// over 4 business days: days 1 and 3), or in business time for a wait
/// given as a duration.
pub fn auto_close(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Option<AutoClose>, ClockError> {
    let rules = CaseRules::of(case, policy)?;
    Ok(case
        .view_as_of(now)
        .and_then(|as_of| waiting_position(&as_of, &rules, policy)))
}

/// [`auto_close`] of a case as it stood (its history cut at the instant).
fn waiting_position(as_of: &Case, rules: &CaseRules, policy: &Policy) -> Option<AutoClose> {
    if as_of.header().state != State::WaitingOnCustomer {
        return None;
    }
    let history = as_of.history();
    let since_index = history
        .iter()
        .rposition(|event| matches!(event.kind, EventKind::InfoRequested { .. }))?;
    let waiting_since = history[since_index].at;
    let follow_ups: Vec<DateTime<Utc>> = history[since_index..]
        .iter()
        .filter(|event| matches!(event.kind, EventKind::FollowUp { .. }))
        .map(|event| event.at)
        .collect();
    let follow_ups_made = follow_ups.len() as u32;
    let rule = &policy.auto_close;
    let calendar = Calendar::Business(rules.region.calendar.clone());
    let wait_ends = rule
        .after
        .ends_at(waiting_since, &calendar)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let required = rule.follow_ups;
    // In u64 and i128: no product or sum here can overflow, and the
    // divisor is at least 2, whatever the policy says.
    let follow_up_due = |k: u32| {
        let (k, required) = (u64::from(k), u64::from(required));
        match rule.after {
            crate::policy::Wait::BusinessDays(days) => {
                let day = (2 * k * u64::from(days) + required + 1) / (2 * (required + 1));
                calendar.add_business_days(waiting_since, u32::try_from(day).unwrap_or(days))
            }
            crate::policy::Wait::After(duration) => {
                let nanos = i128::from(duration.num_seconds()) * 1_000_000_000
                    + i128::from(duration.subsec_nanos());
                let part = nanos * i128::from(k) / i128::from(required + 1);
                let part = i64::try_from(part / 1_000_000_000)
                    .ok()
                    .and_then(Duration::try_seconds)
                    .map_or(Duration::MAX, |whole| {
                        whole
                            .checked_add(&Duration::nanoseconds((part % 1_000_000_000) as i64))
                            .unwrap_or(Duration::MAX)
                    });
                calendar.add_business_duration(waiting_since, part)
            }
            crate::policy::Wait::Never => wait_ends,
        }
    };
    let next_follow_up = (follow_ups_made < required).then(|| {
        let k = follow_ups_made + 1;
        (k, follow_up_due(k))
    });
    // The customer has the grace after the last required follow-up: after
    // the one made, or after the one still due.
    let last_required = match required {
        0 => None,
        n => Some(
            follow_ups
                .get(n as usize - 1)
                .copied()
                .unwrap_or_else(|| follow_up_due(n)),
        ),
    };
    let grace_ends = last_required.map(|at| {
        rule.after_last_follow_up
            .ends_at(at, &calendar)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    });
    let autoclose_at = grace_ends.map_or(wait_ends, |grace| grace.max(wait_ends));
    Some(AutoClose {
        waiting_since,
        follow_ups_made,
        follow_ups_required: required,
        next_follow_up,
        autoclose_at,
        open_escalation: as_of.replayed().escalation,
    })
}
