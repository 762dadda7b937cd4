//! The policy parser and validator on arbitrary text: a policy or a list of
//! problems, never a panic. Every policy it accepts is then used: a fixed
//! case (opened on the policy's first plan, region and severity, phoned,
//! answered, waiting on the customer with a follow-up, then escalated) gets
//! its clocks, gates and auto-close position computed at several instants,
//! so an accepted policy that the arithmetic cannot handle (issue 15: an
//! `auto_close.follow_ups` of 4294967295 divided by zero) is found.
#![no_main]

use cases::case::{Case, Contact, Event, EventKind, Facts, Intake};
use cases::policy::Policy;
use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;

/// The fixed case under `policy`, or `None` if the policy has no plan,
/// region or severity to open it with.
fn case_under(policy: &Policy) -> Option<Case> {
    let at: DateTime<Utc> = "2026-11-23T14:05:00Z".parse().ok()?;
    let region = policy.regions.first()?;
    let severity = policy.severities.first()?.level;
    let mut case = Case::open(
        1001,
        Event {
            at,
            by: "alice".into(),
            kind: EventKind::Created(Intake {
                facts: Facts {
                    title: "Search is slow".into(),
                    account: "acme".into(),
                    plan: policy.plans.first()?.clone(),
                    region: region.name.clone(),
                    language: region.languages.first()?.clone(),
                },
                severity,
                channel: "phone".into(),
                contacts: vec![Contact::parse("Jane Doe <jane@acme.example>")?],
                related: vec![],
                policy_version: policy.version.clone(),
            }),
        },
    )
    .ok()?;
    let steps = [
        (10, EventKind::Assigned { owner: "bob".into() }),
        (
            20,
            EventKind::PhoneContact {
                call: Some(cases::case::PhoneCall::Live),
                note: None,
            },
        ),
        (30, EventKind::Responded { message: None }),
        (60, EventKind::InfoRequested { message: None }),
        (60 * 26, EventKind::FollowUp { message: None }),
    ];
    for (minutes, kind) in steps {
        // A step the lifecycle refuses is left out; the rest still runs.
        let _ = case.record(Event {
            at: at + Duration::minutes(minutes),
            by: "bob".into(),
            kind,
        });
    }
    Some(case)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Policy::parse(text, "fuzz.yaml") {
        Ok(policy) => {
            for plan in &policy.plans {
                let _ = policy.has_plan(plan);
            }
            let Some(case) = case_under(&policy) else {
                return;
            };
            let opened = case.opened_at();
            for offset in [0, 1, 60 * 24, 60 * 24 * 40, 60 * 24 * 400] {
                let now = opened + Duration::minutes(offset);
                let _ = cases::clock::clocks(&case, &policy, now);
                let _ = cases::clock::gates(&case, &policy, now);
                let _ = cases::clock::auto_close(&case, &policy, now);
            }
        }
        Err(error) => {
            assert!(!error.problems().is_empty(), "an error without a problem");
            let _ = error.to_string();
        }
    }
});
