//! SLA clocks and time gates (SPEC section 3): pure functions of
//! (case history, policy, now). Nothing computed here is ever stored, so a
//! policy fix re-computes every case and any past instant can be replayed
//! with [`Case::as_of`].
//!
//! The initial-response clock starts when the case is opened (severity 1:
//! at the first phone contact at or after opening), runs on the severity's
//! calendar in the case's region, and stops at the first response. A
//! severity change re-targets it from the same start; once stopped, the
//! severity in force when it stopped decides its target.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::calendar::Calendar;
use crate::case::{history_as_of, Case, Event, EventKind, State};
use crate::policy::{Policy, ResponseStart, SeverityRule};

/// Which clock a reading is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClockKind {
    InitialResponse,
    /// The support manager's follow-up after an escalation request.
    EscalationFollowUp,
    /// One interval of the agreed update frequency of an accepted escalation.
    EscalationUpdate,
}

impl ClockKind {
    /// Every clock, in reporting order.
    pub const ALL: [ClockKind; 3] = [
        ClockKind::InitialResponse,
        ClockKind::EscalationFollowUp,
        ClockKind::EscalationUpdate,
    ];

    /// The name used in output (`initial-response`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::InitialResponse => "initial-response",
            ClockKind::EscalationFollowUp => "escalation-follow-up",
            ClockKind::EscalationUpdate => "escalation-update",
        }
    }
}

/// Where a clock stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClockStatus {
    /// Not started yet (a severity 1 case with no phone contact).
    Waiting,
    /// Started, not stopped, `now < due`.
    Running,
    /// Stopped at or before its due time.
    Met,
    /// Stopped after its due time, or still running at or past it.
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

/// One clock of one case at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub clock: ClockKind,
    pub started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub status: ClockStatus,
    /// The time zone its due time is shown in (the case region's).
    pub time_zone: Tz,
    /// For escalation clocks, which escalation of the case (1 for the first).
    pub escalation: Option<usize>,
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

/// The severity in force at `instant`: the last change at or before it.
pub fn severity_at(history: &[Event], instant: DateTime<Utc>) -> Option<u8> {
    history_as_of(history, instant)
        .iter()
        .rev()
        .find_map(|event| match &event.kind {
            EventKind::SeverityChanged { to, .. } => Some(*to),
            EventKind::Created(intake) => Some(intake.severity),
            _ => None,
        })
}

/// A case's view of the policy: its region's calendar and severity rules.
struct CaseRules<'a> {
    policy: &'a Policy,
    region: &'a crate::policy::Region,
}

impl<'a> CaseRules<'a> {
    fn of(case: &Case, policy: &'a Policy) -> Result<Self, ClockError> {
        let header = case.header();
        let region = policy
            .region(&header.region)
            .ok_or_else(|| ClockError::UnknownRegion {
                number: header.number,
                region: header.region.clone(),
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

/// Every clock of `case` at `now`: the initial response, then for each
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
    let mut readings = vec![initial_response(&case, case.history(), &rules, now)?];
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
        };
        // Re-targeted by severity changes, like the initial response: the
        // severity in force when the manager followed up (or now) decides.
        let followed_up_at = escalation.followed_up_at();
        let level = severity_at(case.history(), followed_up_at.unwrap_or(now))
            .unwrap_or(escalation.severity);
        let calendar = crate::escalation::follow_up_calendar(policy, level);
        let due =
            calendar.add_business_duration(escalation.requested_at, policy.escalation.follow_up);
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

fn initial_response(
    case: &Case,
    history: &[Event],
    rules: &CaseRules,
    now: DateTime<Utc>,
) -> Result<ClockReading, ClockError> {
    let opened_at = case.opened_at();
    let first = |wanted: fn(&EventKind) -> bool| {
        history
            .iter()
            .find(|event| event.at >= opened_at && wanted(&event.kind))
            .map(|event| event.at)
    };
    let responded_at = first(|kind| matches!(kind, EventKind::Responded { .. }));
    let closed_at = first(|kind| matches!(kind, EventKind::Closed { .. }));
    let stopped_at = responded_at.or(closed_at);
    let decided_at = stopped_at.unwrap_or(now);
    let level = severity_at(history, decided_at).unwrap_or(case.header().severity);
    let rule = rules.severity(case, level)?;
    let target =
        rule.response_target(&case.header().plan)
            .ok_or_else(|| ClockError::UnknownPlan {
                number: case.number(),
                plan: case.header().plan.clone(),
            })?;
    // A severity change re-targets from the same start: the severity the
    // case was opened with decides where the clock starts. Only a case opened
    // as severity 1 that was never phoned in starts as the new severity says.
    let opened_rule = rules.severity(case, severity_at(history, opened_at).unwrap_or(level))?;
    let phoned_at = first(|kind| matches!(kind, EventKind::PhoneContact { .. }));
    let started_at = match (opened_rule.response_starts, rule.response_starts, phoned_at) {
        (ResponseStart::Opened, ..) => Some(opened_at),
        (ResponseStart::FirstPhoneContact, _, Some(phoned)) => Some(phoned),
        (ResponseStart::FirstPhoneContact, ResponseStart::Opened, None) => Some(opened_at),
        (ResponseStart::FirstPhoneContact, ResponseStart::FirstPhoneContact, None) => None,
    };
    let due_at = started_at.map(|start| rules.calendar(rule).add_business_duration(start, target));
    Ok(ClockReading {
        clock: ClockKind::InitialResponse,
        started_at,
        due_at,
        stopped_at,
        status: status(due_at, stopped_at, now),
        time_zone: rules.region.calendar.time_zone(),
        escalation: None,
    })
}

/// How long the first response took, from the start of the initial-response clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseTime {
    pub wall: Duration,
    /// On the calendar of the severity in force at the response.
    pub business: Duration,
}

/// The time to first response of `case` as of `now`, given the
/// initial-response reading [`clocks`] gave for the same case and `now` (its
/// first reading, so the clock is not computed twice); `None` when there was
/// no response (or the clock never started).
pub fn first_response_time(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    reading: &ClockReading,
) -> Result<Option<ResponseTime>, ClockError> {
    debug_assert_eq!(reading.clock, ClockKind::InitialResponse);
    let rules = CaseRules::of(case, policy)?;
    let history = history_as_of(case.history(), now);
    let responded_at = history
        .iter()
        .find(|event| matches!(event.kind, EventKind::Responded { .. }))
        .map(|event| event.at);
    let (Some(started), Some(responded)) = (reading.started_at, responded_at) else {
        return Ok(None);
    };
    if reading.stopped_at != Some(responded) || responded < started {
        return Ok(None);
    }
    let level = severity_at(history, responded).unwrap_or(case.header().severity);
    let calendar = rules.calendar(rules.severity(case, level)?);
    Ok(Some(ResponseTime {
        wall: responded - started,
        business: calendar.business_time_between(started, responded),
    }))
}

/// The status of a clock with these instants at `now`.
pub fn status(
    due_at: Option<DateTime<Utc>>,
    stopped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockStatus {
    match (due_at, stopped_at) {
        (None, None) => ClockStatus::Waiting,
        (None, Some(_)) => ClockStatus::Met,
        (Some(due), Some(stopped)) if stopped <= due => ClockStatus::Met,
        (Some(_), Some(_)) => ClockStatus::Breached,
        (Some(due), None) if now < due => ClockStatus::Running,
        (Some(_), None) => ClockStatus::Breached,
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

/// `t` in `tz` as people read it: `2026-11-30 14:00 America/Toronto`.
pub fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "{} {}",
        t.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz.name()
    )
}

/// Where a case waiting on the customer stands against the auto-close rule.
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
    /// When the case closes as no-response if the follow-ups were made.
    pub autoclose_at: DateTime<Utc>,
}

impl AutoClose {
    /// True when the sweep closes the case at `now`.
    pub fn closes_at(&self, now: DateTime<Utc>) -> bool {
        now >= self.autoclose_at && self.follow_ups_made >= self.follow_ups_required
    }

    /// True when the auto-close time passed but follow-ups are missing.
    pub fn overdue_without_follow_ups(&self, now: DateTime<Utc>) -> bool {
        now >= self.autoclose_at && self.follow_ups_made < self.follow_ups_required
    }
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
    let follow_ups_made = history[since_index..]
        .iter()
        .filter(|event| matches!(event.kind, EventKind::FollowUp { .. }))
        .count() as u32;
    let rule = &policy.auto_close;
    let calendar = Calendar::Business(rules.region.calendar.clone());
    let autoclose_at = rule
        .after
        .ends_at(waiting_since, &calendar)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let required = rule.follow_ups;
    let next_follow_up = (follow_ups_made < required).then(|| {
        let k = follow_ups_made + 1;
        let due = match rule.after {
            crate::policy::Wait::BusinessDays(days) => {
                let day = (2 * k * days + required + 1) / (2 * (required + 1));
                calendar.add_business_days(waiting_since, day)
            }
            crate::policy::Wait::After(duration) => {
                let part = duration * k as i32 / (required as i32 + 1);
                calendar.add_business_duration(waiting_since, part)
            }
            crate::policy::Wait::Never => autoclose_at,
        };
        (k, due)
    });
    Some(AutoClose {
        waiting_since,
        follow_ups_made,
        follow_ups_required: required,
        next_follow_up,
        autoclose_at,
    })
}
