//! Generates a realistic synthetic case store for benchmarks, deterministic
//! for a seed: `cargo run --release --example synth -- DIR CASES [SEED]`.
//!
//! Cases are spread over two years (2025-01-01 to 2026-11-27), over every
//! region, plan and severity, with histories of 5-30 events: phone contacts,
//! assignment, responses, waits on the customer with follow-ups, fixes,
//! escalations, closures (customer-confirmed and no-response) and
//! reopenings. Every case is built through the library's state machine and
//! written in canonical form with `cases::store::encode`. The store and the
//! default `policy.yaml` are written under DIR (`DIR/cases`, `DIR/policy.yaml`).

use std::fs;
use std::path::PathBuf;

use cases::case::{
    Case, CloseReason, Contact, EscalationRequest, Event, EventKind, Facts, Intake, State,
};
use cases::policy::{Policy, DEFAULT_POLICY_YAML};
use cases::store::{encode, Store};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const FIRST: u64 = 1001;
const TITLES: [&str; 8] = [
    "Search results missing recently indexed documents",
    "Indexing service slowness on the SharePoint source",
    "Administration console fails to save query pipelines",
    "Usage Analytics records no search events",
    "Changing the sort order has no effect on mobile",
    "How do I boost recent documents?",
    "Query suggestions missing for German",
    "Search response time above 3 seconds",
];
const ACCOUNTS: [&str; 6] = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Health",
    "Nordlys AS",
    "Vogel GmbH",
];
const PEOPLE: [&str; 5] = ["alice", "bruno", "carol", "dmitri", "emma"];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: synth DIR CASES [SEED]");
        std::process::exit(2);
    }
    let dir = PathBuf::from(&args[1]);
    let count: u64 = args[2].parse().expect("CASES is a number");
    let seed: u64 = args
        .get(3)
        .map_or(42, |s| s.parse().expect("SEED is a number"));
    let policy = Policy::default_policy();
    fs::create_dir_all(&dir).expect("create DIR");
    fs::write(dir.join("policy.yaml"), DEFAULT_POLICY_YAML).expect("write policy.yaml");
    let store = Store::create(dir.join("cases"), cases::store::StoreOptions::uncached())
        .expect("create store");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start: DateTime<Utc> = "2025-01-01T00:00:00Z".parse().expect("start");
    let span = Duration::days(695).num_seconds();
    let mut bytes = 0usize;
    for index in 0..count {
        let number = FIRST + index;
        // Opening times grow with the number, with jitter.
        let base = span * index as i64 / count.max(1) as i64;
        let opened = start + Duration::seconds(base + rng.random_range(0..3600));
        let case = synthesize(&mut rng, &policy, number, opened);
        let text = encode(&case);
        bytes += text.len();
        let path = store.path_of(number);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create directory");
        }
        fs::write(&path, text).expect("write case");
    }
    eprintln!(
        "wrote {count} cases ({} bytes, {} per case) to {}",
        bytes,
        bytes / count.max(1) as usize,
        dir.display()
    );
}

/// One case with a plausible history starting at `opened`.
fn synthesize(rng: &mut ChaCha8Rng, policy: &Policy, number: u64, opened: DateTime<Utc>) -> Case {
    let region = &policy.regions[rng.random_range(0..policy.regions.len())];
    let plan = policy.plans[rng.random_range(0..policy.plans.len())].clone();
    let severity = [1u8, 2, 2, 3, 3, 3, 4, 4][rng.random_range(0..8)];
    let customer = format!("Customer {}", rng.random_range(1..500));
    let contact = Contact {
        name: customer.clone(),
        email: format!("c{}@example.com", rng.random_range(1..10_000)),
    };
    let intake = Intake {
        facts: Facts {
            title: TITLES[rng.random_range(0..TITLES.len())].to_string(),
            account: ACCOUNTS[rng.random_range(0..ACCOUNTS.len())].to_string(),
            plan,
            region: region.name.clone(),
            language: region.languages[0].clone(),
        },
        severity,
        channel: "community".into(),
        contacts: vec![contact],
        related: Vec::new(),
        policy_version: policy.version.clone(),
    };
    let mut case = Case::open(
        number,
        Event {
            at: opened,
            by: customer.clone(),
            kind: EventKind::Created(intake),
        },
    )
    .expect("a created event opens a case");
    let owner = PEOPLE[rng.random_range(0..PEOPLE.len())].to_string();
    let mut at = opened;
    let mut step =
        |rng: &mut ChaCha8Rng, case: &mut Case, by: &str, kind: EventKind, minutes: i64| {
            at += Duration::minutes(rng.random_range(1..minutes.max(2)));
            // Illegal steps are simply skipped: the state machine decides.
            let _ = case.record(Event {
                at,
                by: by.to_string(),
                kind,
            });
        };
    if severity == 1 {
        step(
            rng,
            &mut case,
            &owner,
            EventKind::PhoneContact {
                call: Some(cases::case::PhoneCall::Voicemail),
                note: None,
            },
            20,
        );
    }
    step(
        rng,
        &mut case,
        &owner,
        EventKind::Assigned {
            owner: owner.clone(),
        },
        90,
    );
    step(
        rng,
        &mut case,
        &owner,
        EventKind::Responded {
            message: Some("Looking into it.".into()),
        },
        300,
    );
    let target_events = rng.random_range(5..=30);
    while case.history().len() < target_events {
        let state = case.header().state;
        let roll = rng.random_range(0..100);
        match state {
            State::Open if roll < 20 => step(
                rng,
                &mut case,
                &owner,
                EventKind::InfoRequested {
                    message: Some("Please send the logs.".into()),
                },
                600,
            ),
            State::Open if roll < 30 => {
                let ticket = format!("DEV-{}", rng.random_range(1000..9999));
                step(
                    rng,
                    &mut case,
                    &owner,
                    EventKind::FixRequested { ticket },
                    900,
                )
            }
            State::Open if roll < 38 && severity < 4 && case.replayed().escalation.is_none() => {
                step(
                    rng,
                    &mut case,
                    &owner,
                    EventKind::EscalationRequested(EscalationRequest {
                        requester: customer.clone(),
                        role: "primary-contact".into(),
                        channel: "community".into(),
                        justification: "Business critical".into(),
                        resources: Some("Their search administrator".into()),
                        customer_success_manager: None,
                        customer_manager: None,
                    }),
                    3000,
                )
            }
            State::Open if roll < 50 => step(
                rng,
                &mut case,
                &owner,
                EventKind::Note {
                    text: "Reproduced in the lab.".into(),
                },
                600,
            ),
            State::Open if roll < 60 => match case.replayed().escalation {
                Some(cases::case::EscalationStatus::Requested) => step(
                    rng,
                    &mut case,
                    "manager",
                    EventKind::EscalationReviewed { note: None },
                    50,
                ),
                Some(cases::case::EscalationStatus::Reviewed) => step(
                    rng,
                    &mut case,
                    "manager",
                    EventKind::EscalationAccepted {
                        manager: "Mona".into(),
                        update_every: Duration::hours(4),
                    },
                    30,
                ),
                Some(cases::case::EscalationStatus::Accepted) if roll < 56 => step(
                    rng,
                    &mut case,
                    "manager",
                    EventKind::EscalationUpdate {
                        message: "Progress.".into(),
                    },
                    240,
                ),
                Some(cases::case::EscalationStatus::Accepted) => step(
                    rng,
                    &mut case,
                    "manager",
                    EventKind::EscalationClosed {
                        agreed_by: None,
                        outcome: "root-cause".into(),
                        summary: "Root cause found.".into(),
                    },
                    240,
                ),
                None => step(
                    rng,
                    &mut case,
                    &owner,
                    EventKind::Note {
                        text: "Waiting on the lab.".into(),
                    },
                    600,
                ),
            },
            State::Open => {
                let confirmed_by = Some(case.header().contacts[0].to_string());
                step(
                    rng,
                    &mut case,
                    &owner,
                    EventKind::Closed {
                        reason: CloseReason::CustomerConfirmed,
                        confirmed_by,
                        rule: None,
                    },
                    2000,
                )
            }
            State::WaitingOnCustomer if roll < 45 => step(
                rng,
                &mut case,
                &owner,
                EventKind::FollowUp { message: None },
                1400,
            ),
            State::WaitingOnCustomer if roll < 90 => step(
                rng,
                &mut case,
                &customer,
                EventKind::CustomerReplied {
                    message: Some("Logs attached.".into()),
                },
                1400,
            ),
            State::WaitingOnCustomer => step(
                rng,
                &mut case,
                "cases-policy",
                EventKind::Closed {
                    reason: CloseReason::NoResponse,
                    confirmed_by: None,
                    rule: Some("auto-close".into()),
                },
                5000,
            ),
            State::WaitingOnFix => {
                let release = format!("2026.{}", rng.random_range(1..12));
                step(
                    rng,
                    &mut case,
                    &owner,
                    EventKind::FixAvailable { release },
                    10_000,
                )
            }
            State::Closed if roll < 10 => step(
                rng,
                &mut case,
                &customer,
                EventKind::Reopened {
                    reason: Some("It is back.".into()),
                },
                10_000,
            ),
            State::Closed => break,
            State::New => step(
                rng,
                &mut case,
                &owner,
                EventKind::Assigned {
                    owner: owner.clone(),
                },
                60,
            ),
        }
    }
    case
}
