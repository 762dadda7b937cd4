//! The one home of every "may this happen now, and if not why" decision
//! that needs the policy, a calendar or the case as it stands (pure: the
//! case, the policy and "now" are parameters). The commands, `check` and
//! `sweep` call these; the command line words the refusal's remedy (the
//! command to run) itself.
//!
//! The structural rules of a history (the state machine, the escalation
//! sub-process) stay in the replay ([`crate::case`]): they hold for every
//! stored history whatever the policy. The decisions here are gates checked
//! before an event is recorded, so that a later policy change never turns a
//! stored history illegal.
//!
//! Also here, for the readers: which cases the queue offers first
//! ([`taking_key`], [`awaited_response`]), which clocks `sla` lists
//! ([`superseded_updates`]) and what in a stored case the policy does not
//! know ([`against_policy`]).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::case::{Case, EscalationStatus, Header, State};
use crate::clock::{self, local_time, AutoClose, ClockError, ClockKind, ClockReading, ClockStatus};
use crate::policy::{Policy, SeverityRule, Wait};

/// Why a gate refuses an action, as facts (the remedy is the caller's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// Intake through a channel the policy refuses (email).
    #[error("{message}")]
    ChannelRefused { channel: String, message: String },
    /// A severity change before a product specialist assessed the case.
    #[error("case {number} has no owner: its severity changes only after a product specialist has assessed it")]
    NoOwner { number: u64 },
    /// A severity change to a level that cannot be escalated while an
    /// escalation is open.
    #[error("case {number} has an open escalation ({}) and severity {level} ({name}) is not eligible for escalation", status.as_str())]
    EscalatedToIneligible {
        number: u64,
        status: EscalationStatus,
        level: u8,
        name: String,
    },
    /// Closing (by the customer or by the auto-close rule) while escalated.
    #[error("case {number} has an open escalation ({}); a case is not closed while it is escalated", status.as_str())]
    CloseWhileEscalated {
        number: u64,
        status: EscalationStatus,
    },
    /// Reopening a case that is not closed.
    #[error("case {number} is {state}; only a closed case can be reopened")]
    ReopenNotClosed { number: u64, state: State },
    /// Reopening after the policy's window.
    #[error("case {number} can no longer be reopened: the window ended {} ({} after closing)", local_time(*ended_at, *time_zone), crate::duration::format_duration(*window))]
    ReopenWindowEnded {
        number: u64,
        ended_at: DateTime<Utc>,
        /// The case region's time zone, which the instant is shown in.
        time_zone: Tz,
        window: Duration,
    },
    /// An escalation request through a channel escalations do not come in by.
    #[error("{channel:?} is not an escalation channel (allowed: {})", ESCALATION_CHANNELS.join(", "))]
    EscalationChannel { channel: String },
    // The policy's gates for an escalation request.
    #[error("case {number}: severity {severity} is not in the policy")]
    UnknownSeverity { number: u64, severity: u8 },
    /// The severity's `escalation_after` is `never`.
    #[error("case {number} is severity {level} ({name}): not eligible for escalation; requests and enhancements go to product management")]
    NotEligible {
        number: u64,
        level: u8,
        name: String,
    },
    #[error("role {role:?} may not request an escalation (allowed: {})", allowed.join(", "))]
    RoleNotAllowed { role: String, allowed: Vec<String> },
    #[error("case {number} is not eligible for escalation until {} (sev{level}: {})", local_time(*eligible_at, *time_zone), after_opening(*after))]
    TooEarly {
        number: u64,
        eligible_at: DateTime<Utc>,
        /// The case's region's time zone, which the instant is shown in.
        time_zone: Tz,
        level: u8,
        after: Wait,
    },
    /// A phone request while the escalation desk is closed.
    #[error("escalations by phone are taken during escalation desk hours ({desk_hours}); the desk opens {}; request through the community at any time", local_time(*opens_at, *time_zone))]
    OutsideDeskHours {
        desk_hours: String,
        opens_at: DateTime<Utc>,
        /// The desk's time zone.
        time_zone: Tz,
    },
    /// An escalation closed with an outcome the policy does not list.
    #[error("{outcome:?} is not an escalation outcome (allowed: {})", allowed.join(", "))]
    UnknownOutcome {
        outcome: String,
        allowed: Vec<String>,
    },
    /// The policy cannot evaluate the case.
    #[error(transparent)]
    Clock(#[from] ClockError),
}

/// How the intake channel stands against the policy: `Ok(true)` when it is
/// one of the policy's channels, `Ok(false)` when the policy does not know
/// it (a usage error), a refusal when the policy refuses it.
pub fn intake_channel(policy: &Policy, channel: &str) -> Result<bool, Refusal> {
    if policy.intake.refused.iter().any(|c| c == channel) {
        return Err(Refusal::ChannelRefused {
            channel: channel.to_string(),
            message: policy.intake.refused_message.clone(),
        });
    }
    Ok(policy.intake.channels.iter().any(|c| c == channel))
}

/// May `case` change to severity `to` now? Only once it has an owner, and
/// not to a level that cannot be escalated while an escalation is open.
pub fn severity_change(case: &Case, to: &SeverityRule) -> Result<(), Refusal> {
    let number = case.number();
    if case.header().owner.is_none() {
        return Err(Refusal::NoOwner { number });
    }
    match case.replayed().escalation {
        Some(status) if to.escalation_after == Wait::Never => Err(Refusal::EscalatedToIneligible {
            number,
            status,
            level: to.level,
            name: to.name.clone(),
        }),
        _ => Ok(()),
    }
}

/// May `case` be closed now (by the customer's agreement or by the
/// auto-close rule)? Not while an escalation is open.
pub fn close(case: &Case) -> Result<(), Refusal> {
    match case.replayed().escalation {
        Some(status) => Err(Refusal::CloseWhileEscalated {
            number: case.number(),
            status,
        }),
        None => Ok(()),
    }
}

/// May `case` be reopened at `now`? A closed case reopens until the end of
/// the policy's window after closing (inclusive).
pub fn reopen(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Result<(), Refusal> {
    let number = case.number();
    let state = case.header().state;
    if state != State::Closed {
        return Err(Refusal::ReopenNotClosed { number, state });
    }
    match clock::gates(case, policy, now)?.reopen_until {
        Some(until) if now > until => Err(Refusal::ReopenWindowEnded {
            number,
            ended_at: until,
            time_zone: policy.time_zone_of(&case.header().facts.region),
            window: policy.reopen_window,
        }),
        _ => Ok(()),
    }
}

/// The channels an escalation request comes in by.
pub const ESCALATION_CHANNELS: [&str; 2] = ["phone", "community"];

/// Is `channel` one an escalation request comes in by?
pub fn escalation_channel(channel: &str) -> Result<(), Refusal> {
    if ESCALATION_CHANNELS.contains(&channel) {
        Ok(())
    } else {
        Err(Refusal::EscalationChannel {
            channel: channel.to_string(),
        })
    }
}

/// May an escalation of `case` be requested at `now` by someone in `role`
/// through `channel`? The channel, then the policy's gates (eligibility,
/// role, wait after opening, desk hours); the replay checks the rest
/// (closed case, escalation already open).
pub fn escalation_request(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
    role: &str,
    channel: &str,
) -> Result<(), Refusal> {
    escalation_channel(channel)?;
    let number = case.number();
    let header = case.header();
    let tz = policy.time_zone_of(&header.facts.region);
    let Some(rule) = policy.severity(header.severity) else {
        return Err(Refusal::UnknownSeverity {
            number,
            severity: header.severity,
        });
    };
    if rule.escalation_after == Wait::Never {
        return Err(Refusal::NotEligible {
            number,
            level: rule.level,
            name: rule.name.clone(),
        });
    }
    if !policy.escalation.roles.iter().any(|r| r == role) {
        return Err(Refusal::RoleNotAllowed {
            role: role.to_string(),
            allowed: policy.escalation.roles.clone(),
        });
    }
    let gates = crate::clock::gates(case, policy, now)?;
    if let Some(eligible) = gates.escalation_eligible_at {
        if now < eligible {
            return Err(Refusal::TooEarly {
                number,
                eligible_at: eligible,
                time_zone: tz,
                level: rule.level,
                after: rule.escalation_after,
            });
        }
    }
    if channel == "phone"
        && rule.escalation_follow_up_clock == crate::policy::FollowUpCalendar::Desk
    {
        let desk = crate::calendar::Calendar::Business(policy.escalation.desk.clone());
        if !desk.is_covered(now) {
            return Err(Refusal::OutsideDeskHours {
                desk_hours: crate::escalation::desk_hours(policy),
                opens_at: desk.next_covered_instant(now),
                time_zone: policy.escalation.desk.time_zone(),
            });
        }
    }
    Ok(())
}

/// `24h after opening`, `2 business days after opening`.
fn after_opening(wait: Wait) -> String {
    match wait {
        Wait::Never => String::new(),
        wait => format!("{} after opening", crate::policy::format_wait(wait)),
    }
}

/// May an escalation close with `outcome`? Only with one of the policy's
/// closing outcomes (the replay checks that an accepted escalation is open).
pub fn escalation_close(policy: &Policy, outcome: &str) -> Result<(), Refusal> {
    if policy
        .escalation
        .closing_outcomes
        .iter()
        .any(|o| o == outcome)
    {
        Ok(())
    } else {
        Err(Refusal::UnknownOutcome {
            outcome: outcome.to_string(),
            allowed: policy.escalation.closing_outcomes.clone(),
        })
    }
}

/// What the auto-close rule asks for a case waiting on the customer at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoCloseVerdict {
    /// Close it as no-response now.
    Close,
    /// Its time came, but an open escalation keeps it open (SPEC 4).
    BlockedByEscalation(EscalationStatus),
    /// Its time came, but not every required follow-up was made.
    MissingFollowUps,
    /// Follow-up `k` is due (at or before now).
    FollowUpDue { k: u32, due: DateTime<Utc> },
    /// Nothing to do yet.
    Wait,
}

/// The auto-close decision for `case` at `now`, with its position; `None`
/// unless the case is waiting on the customer.
pub fn auto_close(
    case: &Case,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Option<(AutoClose, AutoCloseVerdict)>, ClockError> {
    Ok(clock::auto_close(case, policy, now)?.map(|plan| {
        let verdict = auto_close_verdict(&plan, now);
        (plan, verdict)
    }))
}

/// [`auto_close`]'s verdict for a position.
pub fn auto_close_verdict(plan: &AutoClose, now: DateTime<Utc>) -> AutoCloseVerdict {
    if now < plan.autoclose_at {
        return match plan.next_follow_up.filter(|(_, due)| *due <= now) {
            Some((k, due)) => AutoCloseVerdict::FollowUpDue { k, due },
            None => AutoCloseVerdict::Wait,
        };
    }
    if let Some(status) = plan.open_escalation {
        AutoCloseVerdict::BlockedByEscalation(status)
    } else if plan.follow_ups_made < plan.follow_ups_required {
        AutoCloseVerdict::MissingFollowUps
    } else {
        AutoCloseVerdict::Close
    }
}

/// The response an unowned case waits for: the one running, due first
/// (the initial response, a reopen's, or a reply's next response), else
/// the last initial or reopen response clock.
pub fn awaited_response(readings: &[ClockReading]) -> Option<&ClockReading> {
    let is_response = |r: &&ClockReading| {
        matches!(
            r.clock,
            ClockKind::InitialResponse | ClockKind::ReopenResponse | ClockKind::NextResponse
        )
    };
    readings
        .iter()
        .filter(is_response)
        .filter(|r| r.started_at.is_some() && r.stopped_at.is_none())
        .min_by_key(|r| r.due_at)
        .or_else(|| {
            readings.iter().rev().find(|r| {
                matches!(
                    r.clock,
                    ClockKind::InitialResponse | ClockKind::ReopenResponse
                )
            })
        })
}

/// The place of an unowned case in the queue (smaller is taken first):
/// severity, then the due time of the response it waits for (none sorts
/// last: a severity 1 still waiting for its phone call), then the opening,
/// then the number.
pub fn taking_key(
    case: &Case,
    due_at: Option<DateTime<Utc>>,
) -> (u8, bool, Option<DateTime<Utc>>, DateTime<Utc>, u64) {
    (
        case.header().severity,
        due_at.is_none(),
        due_at,
        case.opened_at(),
        case.number(),
    )
}

/// For each reading, whether `sla` leaves it out: an escalation's update
/// interval that was met and is followed by another interval of the same
/// escalation is history, not SLA.
pub fn superseded_updates(readings: &[ClockReading]) -> Vec<bool> {
    readings
        .iter()
        .enumerate()
        .map(|(index, reading)| {
            reading.clock == ClockKind::EscalationUpdate
                && reading.status == ClockStatus::Met
                && readings[index + 1..].iter().any(|later| {
                    later.clock == ClockKind::EscalationUpdate
                        && later.escalation == reading.escalation
                })
        })
        .collect()
}

/// What in a stored case's header the policy does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unknown {
    #[error("plan {plan:?} is not in the policy (allowed: {})", allowed.join(", "))]
    Plan { plan: String, allowed: Vec<String> },
    #[error("region {region:?} is not in the policy")]
    Region { region: String },
    #[error("language {language:?} is not supported in {region} (allowed: {})", allowed.join(", "))]
    Language {
        language: String,
        region: String,
        allowed: Vec<String>,
    },
    #[error("severity {severity} is not in the policy")]
    Severity { severity: u8 },
}

/// What of `header` (plan, region, language, severity) the policy does not
/// know, in that order.
pub fn header_against_policy(header: &Header, policy: &Policy) -> Vec<Unknown> {
    let mut unknown = Vec::new();
    if !policy.has_plan(&header.facts.plan) {
        unknown.push(Unknown::Plan {
            plan: header.facts.plan.clone(),
            allowed: policy.plans.clone(),
        });
    }
    match policy.region(&header.facts.region) {
        None => unknown.push(Unknown::Region {
            region: header.facts.region.clone(),
        }),
        Some(region) if !region.languages.contains(&header.facts.language) => {
            unknown.push(Unknown::Language {
                language: header.facts.language.clone(),
                region: region.name.clone(),
                allowed: region.languages.clone(),
            })
        }
        Some(_) => {}
    }
    if policy.severity(header.severity).is_none() {
        unknown.push(Unknown::Severity {
            severity: header.severity,
        });
    }
    unknown
}

/// What `check` reports about a valid case file under its policy version:
/// the header values the policy does not know, else why its clocks cannot
/// be computed at `now`.
pub fn against_policy(case: &Case, policy: &Policy, now: DateTime<Utc>) -> Vec<String> {
    let unknown = header_against_policy(case.header(), policy);
    if !unknown.is_empty() {
        return unknown.iter().map(ToString::to_string).collect();
    }
    match clock::clocks(case, policy, now) {
        Ok(_) => Vec::new(),
        Err(error) => vec![error.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CloseReason, EscalationRequest, Event, EventKind, Intake};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn policy() -> Policy {
        Policy::default_policy()
    }

    /// Case 1042, severity `severity`, opened at 2026-11-16T14:00:00Z
    /// (a Monday), then `kinds` one minute apart.
    fn case(severity: u8, kinds: Vec<EventKind>) -> Case {
        let opened = at("2026-11-16T14:00:00Z");
        let mut case = Case::open(
            1042,
            Event {
                at: opened,
                by: "Jane".into(),
                kind: EventKind::Created(Intake {
                    severity,
                    ..Intake::sample("Login fails")
                }),
            },
        )
        .unwrap();
        for (i, kind) in kinds.into_iter().enumerate() {
            case.record(Event {
                at: opened + Duration::minutes(i as i64 + 1),
                by: "alice".into(),
                kind,
            })
            .unwrap();
        }
        case
    }

    fn assigned() -> EventKind {
        EventKind::Assigned {
            owner: "alice".into(),
        }
    }

    fn requested() -> EventKind {
        EventKind::EscalationRequested(EscalationRequest {
            requester: "Jane".into(),
            role: "primary-contact".into(),
            channel: "community".into(),
            justification: "down".into(),
            resources: None,
            customer_success_manager: None,
            customer_manager: None,
        })
    }

    #[test]
    fn intake_refuses_email_and_tells_an_unknown_channel() {
        let policy = policy();
        assert_eq!(intake_channel(&policy, "community"), Ok(true));
        assert_eq!(intake_channel(&policy, "fax"), Ok(false));
        assert!(matches!(
            intake_channel(&policy, "email"),
            Err(Refusal::ChannelRefused { channel, .. }) if channel == "email"
        ));
    }

    #[test]
    fn severity_changes_need_an_owner_and_an_eligible_level_while_escalated() {
        let policy = policy();
        let sev4 = policy.severity(4).unwrap();
        let sev1 = policy.severity(1).unwrap();
        assert_eq!(
            severity_change(&case(2, vec![]), sev1),
            Err(Refusal::NoOwner { number: 1042 })
        );
        assert_eq!(
            severity_change(&case(2, vec![]), sev1)
                .unwrap_err()
                .to_string(),
            "case 1042 has no owner: its severity changes only after a product specialist has assessed it"
        );
        let owned = case(1, vec![assigned()]);
        assert_eq!(severity_change(&owned, sev4), Ok(()));
        let escalated = case(1, vec![assigned(), requested()]);
        assert_eq!(severity_change(&escalated, sev1), Ok(()));
        assert_eq!(
            severity_change(&escalated, sev4).unwrap_err().to_string(),
            "case 1042 has an open escalation (requested) and severity 4 (request) is not eligible for escalation"
        );
    }

    #[test]
    fn a_case_is_not_closed_while_escalated() {
        assert_eq!(close(&case(1, vec![assigned()])), Ok(()));
        assert_eq!(
            close(&case(1, vec![assigned(), requested()])),
            Err(Refusal::CloseWhileEscalated {
                number: 1042,
                status: EscalationStatus::Requested
            })
        );
    }

    #[test]
    fn reopen_within_the_window_only() {
        let policy = policy();
        let open = case(2, vec![assigned()]);
        assert_eq!(
            reopen(&open, &policy, at("2026-11-17T00:00:00Z")),
            Err(Refusal::ReopenNotClosed {
                number: 1042,
                state: State::Open
            })
        );
        let closed = case(
            2,
            vec![
                assigned(),
                EventKind::Closed {
                    reason: CloseReason::CustomerConfirmed,
                    confirmed_by: Some("Jane Doe <jane@acme.example>".into()),
                    rule: None,
                },
            ],
        );
        // Closed at 14:02; the bundled policy's window is 30 days.
        let closed_at = at("2026-11-16T14:02:00Z");
        let end = closed_at + policy.reopen_window;
        assert_eq!(reopen(&closed, &policy, end), Ok(()));
        let late = reopen(&closed, &policy, end + Duration::seconds(1)).unwrap_err();
        assert_eq!(
            late,
            Refusal::ReopenWindowEnded {
                number: 1042,
                ended_at: end,
                time_zone: policy.time_zone_of("emea"),
                window: policy.reopen_window,
            }
        );
    }

    #[test]
    fn escalation_channels_and_outcomes() {
        let policy = policy();
        assert_eq!(escalation_channel("phone"), Ok(()));
        assert_eq!(escalation_channel("community"), Ok(()));
        assert_eq!(
            escalation_channel("email").unwrap_err().to_string(),
            "\"email\" is not an escalation channel (allowed: phone, community)"
        );
        assert_eq!(escalation_close(&policy, "root-cause"), Ok(()));
        assert_eq!(
            escalation_close(&policy, "luck").unwrap_err().to_string(),
            "\"luck\" is not an escalation outcome (allowed: root-cause, timeline, permanent-fix)"
        );
        // The channel is checked before the policy's gates.
        let sev4 = case(4, vec![assigned()]);
        let now = at("2026-12-01T15:00:00Z");
        assert!(matches!(
            escalation_request(&sev4, &policy, now, "primary-contact", "fax"),
            Err(Refusal::EscalationChannel { .. })
        ));
        assert!(matches!(
            escalation_request(&sev4, &policy, now, "primary-contact", "community"),
            Err(Refusal::NotEligible { level: 4, .. })
        ));
    }

    #[test]
    fn auto_close_verdicts() {
        let plan = AutoClose {
            waiting_since: at("2026-11-16T14:00:00Z"),
            follow_ups_made: 1,
            follow_ups_required: 2,
            next_follow_up: Some((2, at("2026-11-18T14:00:00Z"))),
            autoclose_at: at("2026-11-20T14:00:00Z"),
            open_escalation: None,
        };
        assert_eq!(
            auto_close_verdict(&plan, at("2026-11-17T14:00:00Z")),
            AutoCloseVerdict::Wait
        );
        assert_eq!(
            auto_close_verdict(&plan, at("2026-11-18T14:00:00Z")),
            AutoCloseVerdict::FollowUpDue {
                k: 2,
                due: at("2026-11-18T14:00:00Z")
            }
        );
        let now = at("2026-11-20T14:00:00Z");
        assert_eq!(
            auto_close_verdict(&plan, now),
            AutoCloseVerdict::MissingFollowUps
        );
        let made = AutoClose {
            follow_ups_made: 2,
            next_follow_up: None,
            ..plan.clone()
        };
        assert_eq!(auto_close_verdict(&made, now), AutoCloseVerdict::Close);
        let escalated = AutoClose {
            open_escalation: Some(EscalationStatus::Accepted),
            ..made
        };
        assert_eq!(
            auto_close_verdict(&escalated, now),
            AutoCloseVerdict::BlockedByEscalation(EscalationStatus::Accepted)
        );
    }

    #[test]
    fn the_queue_takes_severity_then_due_then_opening() {
        let sev1 = case(1, vec![]);
        let sev2 = case(2, vec![]);
        let due = Some(at("2026-11-16T15:00:00Z"));
        assert!(taking_key(&sev1, None) < taking_key(&sev2, due));
        assert!(taking_key(&sev2, due) < taking_key(&sev2, None));
        assert!(taking_key(&sev2, due) < taking_key(&sev2, Some(at("2026-11-16T16:00:00Z"))));
        let policy = policy();
        let readings = clock::clocks(&sev2, &policy, at("2026-11-16T14:30:00Z")).unwrap();
        let awaited = awaited_response(&readings).unwrap();
        assert_eq!(awaited.clock, ClockKind::InitialResponse);
    }

    #[test]
    fn met_update_intervals_followed_by_another_are_superseded() {
        let policy = policy();
        let accepted = EventKind::EscalationAccepted {
            manager: "Mona".into(),
            update_every: Duration::hours(4),
        };
        let update = EventKind::EscalationUpdate {
            message: "progress".into(),
        };
        let case = case(
            1,
            vec![
                assigned(),
                EventKind::Responded { message: None },
                requested(),
                EventKind::EscalationReviewed { note: None },
                accepted,
                update,
            ],
        );
        let readings = clock::clocks(&case, &policy, at("2026-11-16T15:00:00Z")).unwrap();
        let updates: Vec<(ClockStatus, bool)> = readings
            .iter()
            .zip(superseded_updates(&readings))
            .filter(|(r, _)| r.clock == ClockKind::EscalationUpdate)
            .map(|(r, superseded)| (r.status, superseded))
            .collect();
        assert_eq!(
            updates,
            vec![(ClockStatus::Met, true), (ClockStatus::Running, false)]
        );
    }

    #[test]
    fn header_values_the_policy_does_not_know() {
        let policy = policy();
        let mut header = case(2, vec![]).header().clone();
        assert_eq!(header_against_policy(&header, &policy), vec![]);
        header.facts.plan = "gold".into();
        header.facts.language = "xx".into();
        header.severity = 9;
        let found: Vec<String> = header_against_policy(&header, &policy)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            found,
            vec![
                format!(
                    "plan \"gold\" is not in the policy (allowed: {})",
                    policy.plans.join(", ")
                ),
                format!(
                    "language \"xx\" is not supported in emea (allowed: {})",
                    policy.region("emea").unwrap().languages.join(", ")
                ),
                "severity 9 is not in the policy".to_string(),
            ]
        );
        header.facts.region = "mars".into();
        assert_eq!(
            header_against_policy(&header, &policy)[1],
            Unknown::Region {
                region: "mars".into()
            }
        );
    }
}
