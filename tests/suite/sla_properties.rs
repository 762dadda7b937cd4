//! Properties of the clocks over histories generated at random through the
//! state machine (SPEC section 3): every clock that started and stopped
//! started first; every status follows the one rule (`waiting` when not
//! started; otherwise breached exactly when the end — the stop, or now —
//! is after the due instant); and `report` counts exactly the statuses the
//! clocks give (as `sla` and `show` compute them). Sized to run in a few
//! seconds.

use cases::case::{
    Case, CloseReason, EscalationRequest, Event, EventKind, Facts, Intake, PhoneCall,
};
use cases::clock::{self, ClockKind, ClockStatus};
use cases::policy::Policy;
use cases::report::{self, ReportRequest};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

/// Mon 2026-11-23 09:00 Toronto.
fn start() -> DateTime<Utc> {
    "2026-11-23T14:00:00Z".parse().unwrap()
}

/// One generated step: which event, how many minutes after the last one,
/// and a detail that picks among variants.
type Step = (u8, u16, u8);

fn kind_of(case: &Case, choice: u8, detail: u8) -> EventKind {
    let contact = case.header().contacts[0].to_string();
    match choice % 21 {
        0 => EventKind::PhoneContact {
            call: match detail % 4 {
                0 => None,
                1 => Some(PhoneCall::Live),
                2 => Some(PhoneCall::Voicemail),
                _ => Some(PhoneCall::Callback),
            },
            note: None,
        },
        1 => EventKind::Assigned {
            owner: "alice".into(),
        },
        2 => EventKind::Responded { message: None },
        3 => EventKind::Note { text: "n".into() },
        4 => EventKind::InfoRequested { message: None },
        5 => EventKind::FollowUp { message: None },
        6 => EventKind::CustomerReplied { message: None },
        7 => {
            let from = case.header().severity;
            let to = (from + detail % 3) % 4 + 1;
            EventKind::SeverityChanged {
                from,
                to,
                agreed_by: contact,
            }
        }
        8 => EventKind::FixRequested {
            ticket: "DEV-1".into(),
        },
        9 => EventKind::FixAvailable {
            release: "1.0".into(),
        },
        10 => EventKind::Closed {
            reason: CloseReason::CustomerConfirmed,
            confirmed_by: Some(contact),
            rule: None,
        },
        11 => EventKind::Closed {
            reason: CloseReason::NoResponse,
            confirmed_by: None,
            rule: Some("auto-close".into()),
        },
        12 => EventKind::Reopened { reason: None },
        13 => EventKind::EscalationRequested(EscalationRequest {
            requester: "Jane".into(),
            role: "primary-contact".into(),
            channel: "community".into(),
            justification: "j".into(),
            resources: detail.is_multiple_of(2).then(|| "admin".into()),
            customer_success_manager: None,
            customer_manager: None,
        }),
        14 => EventKind::EscalationReviewed { note: None },
        15 => EventKind::EscalationAccepted {
            manager: "Mona".into(),
            update_every: Duration::hours(i64::from(detail % 8) + 1),
        },
        16 => EventKind::EscalationDeclined {
            explanation: "e".into(),
        },
        17 => EventKind::EscalationUpdate {
            message: "u".into(),
        },
        18 => EventKind::EscalationClosed {
            agreed_by: Some(contact),
            outcome: "root-cause".into(),
            summary: "s".into(),
        },
        19 => EventKind::DeEscalated { reason: "r".into() },
        _ => EventKind::PhoneContact {
            call: Some(PhoneCall::Live),
            note: None,
        },
    }
}

/// A case opened at [`start`] with the steps the lifecycle allows (the
/// others are skipped, as a command would refuse them).
fn generated(number: u64, severity: u8, plan: u8, region: u8, steps: &[Step]) -> Case {
    let mut at = start();
    let mut case = Case::open(
        number,
        Event {
            at,
            by: "alice".into(),
            kind: EventKind::Created(Intake {
                facts: Facts {
                    title: "Generated".into(),
                    account: "Acme".into(),
                    plan: ["basic", "plus", "premium"][usize::from(plan % 3)].into(),
                    region: ["north-america", "emea"][usize::from(region % 2)].into(),
                    language: "en".into(),
                },
                severity,
                channel: "community".into(),
                contacts: vec![cases::case::Contact::parse("Jane <jane@acme.example>").unwrap()],
                related: Vec::new(),
                policy_version: "2026.1".into(),
            }),
        },
    )
    .unwrap();
    for &(choice, gap, detail) in steps {
        // Gaps of up to a few business days, often zero (same instant).
        at += Duration::minutes(i64::from(gap % 3000) * i64::from(gap % 3 != 0));
        let kind = kind_of(&case, choice, detail);
        let _ = case.record(Event {
            at,
            by: "alice".into(),
            kind,
        });
    }
    case
}

fn case_strategy() -> impl Strategy<Value = (u8, u8, u8, Vec<Step>)> {
    (
        1u8..=4,
        any::<u8>(),
        any::<u8>(),
        prop::collection::vec((any::<u8>(), any::<u16>(), any::<u8>()), 0..24),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn clocks_follow_the_one_rule_and_the_report_counts_them(
        specs in prop::collection::vec(case_strategy(), 1..4),
        later in 0i64..20_000,
        next_response in any::<bool>(),
    ) {
        // The default policy, or the same with the next-response clock.
        let policy = if next_response {
            Policy::parse(crate::common::NEXT_RESPONSE_POLICY, "next-response-policy.yaml").unwrap()
        } else {
            Policy::default_policy()
        };
        let cases: Vec<Case> = specs
            .iter()
            .enumerate()
            .map(|(i, (severity, plan, region, steps))| {
                generated(1001 + i as u64, *severity, *plan, *region, steps)
            })
            .collect();
        let last = cases
            .iter()
            .filter_map(|c| c.history().last().map(|e| e.at))
            .max()
            .unwrap();
        let now = last + Duration::minutes(later);
        let mut counted: std::collections::BTreeMap<ClockKind, [usize; 4]> = Default::default();
        let mut responses = 0;
        let mut next_responses = 0;
        for case in &cases {
            let readings = clock::clocks(case, &policy, now).unwrap();
            // A next-response clock starts at a customer message after the
            // first response has stopped, and only one is owed at a time.
            let first_stop = readings[0].stopped_at;
            for reading in readings.iter().filter(|r| r.clock == ClockKind::NextResponse) {
                prop_assert!(next_response, "case {}: {reading:?}", case.number());
                let (Some(started), Some(first)) = (reading.started_at, first_stop) else {
                    return Err(TestCaseError::fail(format!("next response without a first: {reading:?}")));
                };
                prop_assert!(started >= first, "case {}: {reading:?}", case.number());
                if reading.stopped_at.is_some() {
                    next_responses += 1;
                }
            }
            // Support owes one answer at a time. The one exception is a
            // response a closing without a contact left running (README: a
            // closing without a contact stops no clock): it stays owed
            // beside the reopen's.
            let closed_after = |started: DateTime<Utc>| {
                case.history().iter().any(|e| {
                    e.at >= started && matches!(e.kind, EventKind::Closed { .. })
                })
            };
            let owed: Vec<_> = readings
                .iter()
                .filter(|r| matches!(r.clock, ClockKind::InitialResponse | ClockKind::ReopenResponse | ClockKind::NextResponse))
                .filter(|r| r.started_at.is_some() && r.stopped_at.is_none())
                .filter(|r| !closed_after(r.started_at.unwrap()))
                .collect();
            prop_assert!(owed.len() <= 1, "case {}: {owed:?}", case.number());
            for reading in readings {
                if let (Some(started), Some(stopped)) = (reading.started_at, reading.stopped_at) {
                    prop_assert!(started <= stopped, "case {}: {reading:?}", case.number());
                }
                let expected = match (reading.started_at, reading.due_at) {
                    (None, _) => {
                        prop_assert_eq!(reading.due_at, None);
                        prop_assert_eq!(reading.stopped_at, None);
                        ClockStatus::Waiting
                    }
                    (Some(_), None) => {
                        return Err(TestCaseError::fail(format!("started without a due: {reading:?}")))
                    }
                    (Some(_), Some(due)) => {
                        let end = reading.stopped_at.unwrap_or(now);
                        match (end > due, reading.stopped_at.is_some()) {
                            (true, _) => ClockStatus::Breached,
                            (false, true) => ClockStatus::Met,
                            (false, false) => ClockStatus::Running,
                        }
                    }
                };
                prop_assert_eq!(reading.status, expected, "case {}: {:?}", case.number(), reading);
                let slot = match reading.status {
                    ClockStatus::Met => 0,
                    ClockStatus::Breached => 1,
                    ClockStatus::Running => 2,
                    ClockStatus::Waiting => 3,
                };
                counted.entry(reading.clock).or_default()[slot] += 1;
                if reading.clock == ClockKind::InitialResponse && reading.stopped_at.is_some() {
                    responses += 1;
                }
            }
        }
        let request = ReportRequest {
            since: None,
            until: now + Duration::seconds(1),
            as_of: None,
            by: Vec::new(),
        };
        let built = report::build(&cases, &policy, &request).unwrap();
        let reported: Vec<ClockKind> = built.clocks().collect();
        let kept: Vec<ClockKind> = ClockKind::ALL
            .into_iter()
            .filter(|kind| next_response || *kind != ClockKind::NextResponse)
            .collect();
        prop_assert_eq!(reported, kept);
        for kind in built.clocks() {
            let total = &built.attainment[&(kind, Vec::new())];
            let [met, breached, running, waiting] = counted.get(&kind).copied().unwrap_or_default();
            prop_assert_eq!(
                (total.met, total.breached, total.running, total.waiting),
                (met, breached, running, waiting),
                "{}", kind.as_str()
            );
        }
        prop_assert_eq!(built.response_times.count, responses);
        prop_assert_eq!(
            built.next_response_times.map(|times| times.count),
            next_response.then_some(next_responses)
        );
    }
}
