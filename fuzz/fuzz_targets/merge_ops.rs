//! The merge driver on histories built from the input: a common history,
//! then events only "ours" added and events only "theirs" added, each event
//! kind, actor, field and time step chosen by the input bytes and kept only
//! when the lifecycle allows it. Decoding random text rarely yields two
//! related cases; this reaches the merge itself on every input.
//!
//! Checked: merging never panics; every event of either side is in the
//! result; a clean result replays, re-encodes and decodes to itself; and the
//! result does not depend on which side is "ours".
#![no_main]

use cases::case::{Case, CloseReason, Contact, EscalationRequest, Event, EventKind, Facts, Intake};
use cases::merge::{merge, Merged};
use chrono::{DateTime, Duration, Utc};
use libfuzzer_sys::fuzz_target;

/// Reads the input a byte at a time; zeros once it runs out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        match self.0.split_first() {
            Some((first, rest)) => {
                self.0 = rest;
                *first
            }
            None => 0,
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

const PEOPLE: [&str; 3] = ["alice", "bob", "carol"];
const CONTACTS: [&str; 3] = [
    "Jane Doe <jane@acme.example>",
    "Raj Patel <raj@acme.example>",
    "Zed Zee <zed@acme.example>",
];

fn contact(i: u8) -> Contact {
    Contact::parse(CONTACTS[i as usize % CONTACTS.len()]).expect("a valid contact")
}

fn opened() -> Case {
    let at: DateTime<Utc> = "2026-11-23T14:05:00Z".parse().expect("an instant");
    Case::open(
        1001,
        Event {
            at,
            by: "Jane Doe".into(),
            kind: EventKind::Created(Intake {
                facts: Facts {
                    title: "Search is slow".into(),
                    account: "acme".into(),
                    plan: "premium".into(),
                    region: "north-america".into(),
                    language: "en".into(),
                },
                severity: 2,
                channel: "community".into(),
                contacts: vec![contact(0)],
                related: vec![],
                policy_version: "2026.1".into(),
            }),
        },
    )
    .expect("a valid opening")
}

/// One event after `case`'s last, chosen by the input.
fn event(case: &Case, bytes: &mut Bytes) -> Event {
    let last = case.history().last().expect("a history").at;
    let step = bytes.next();
    // Ties are common on purpose: the merge orders equal instants itself.
    let at = last + Duration::minutes(i64::from(step % 4) * 30);
    let by = PEOPLE[(step / 4) as usize % PEOPLE.len()].to_string();
    let choice = bytes.next();
    let detail = bytes.next();
    let text = |prefix: &str| format!("{prefix}{}", detail % 4);
    let kind = match choice % 22 {
        0 => EventKind::Note {
            text: text("note "),
        },
        1 => EventKind::Assigned {
            owner: PEOPLE[detail as usize % 3].into(),
        },
        2 => EventKind::Responded {
            message: detail.is_multiple_of(2).then(|| text("re ")),
        },
        3 => EventKind::InfoRequested { message: None },
        4 => EventKind::FollowUp { message: None },
        5 => EventKind::CustomerReplied {
            message: Some(text("reply ")),
        },
        6 => EventKind::SeverityChanged {
            from: case.header().severity,
            to: detail % 4 + 1,
            agreed_by: contact(0).to_string(),
        },
        7 => EventKind::FixRequested {
            ticket: text("DEV-"),
        },
        8 => EventKind::FixAvailable {
            release: text("2026."),
        },
        9 => EventKind::Closed {
            reason: CloseReason::CustomerConfirmed,
            confirmed_by: Some(contact(0).to_string()),
            rule: None,
        },
        10 => EventKind::Closed {
            reason: CloseReason::NoResponse,
            confirmed_by: None,
            rule: Some("auto-close".into()),
        },
        11 => EventKind::Reopened { reason: None },
        12 => EventKind::ContactAdded {
            contact: contact(detail),
        },
        13 => EventKind::ContactRemoved {
            contact: contact(detail),
        },
        14 => EventKind::EscalationRequested(EscalationRequest {
            requester: "Jane Doe".into(),
            role: "primary-contact".into(),
            channel: "community".into(),
            justification: text("why "),
            resources: Some(text("resources ")),
            customer_success_manager: None,
            customer_manager: None,
        }),
        15 => EventKind::EscalationReviewed { note: None },
        16 => EventKind::EscalationAccepted {
            manager: "Mona".into(),
            update_every: Duration::hours(i64::from(detail % 8) + 1),
        },
        17 => EventKind::EscalationDeclined {
            explanation: text("no "),
        },
        18 => EventKind::EscalationUpdate {
            message: text("update "),
        },
        19 => EventKind::EscalationClosed {
            agreed_by: None,
            outcome: "root-cause".into(),
            summary: text("done "),
        },
        20 => EventKind::DeEscalated {
            reason: text("resources "),
        },
        _ => EventKind::PhoneContact {
            call: match detail % 4 {
                0 => None,
                1 => Some(cases::case::PhoneCall::Live),
                2 => Some(cases::case::PhoneCall::Voicemail),
                _ => Some(cases::case::PhoneCall::Callback),
            },
            note: None,
        },
    };
    Event { at, by, kind }
}

/// Appends up to `count` events the lifecycle allows.
fn grow(case: &mut Case, count: u8, bytes: &mut Bytes) {
    for _ in 0..count {
        if bytes.is_empty() {
            return;
        }
        let event = event(case, bytes);
        let _ = case.record(event);
    }
}

fn history_of(merged: &Merged) -> &[Event] {
    match merged {
        Merged::Clean(case) => case.history(),
        Merged::Conflict { history, .. } => history,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = Bytes(data);
    let shape = bytes.next();
    let mut common = opened();
    let (common_len, ours_len, theirs_len) =
        (bytes.next() % 16, bytes.next() % 8, bytes.next() % 8);
    grow(&mut common, common_len, &mut bytes);
    let mut ours = common.clone();
    grow(&mut ours, ours_len, &mut bytes);
    let mut theirs = common.clone();
    grow(&mut theirs, theirs_len, &mut bytes);
    // Mostly a real three-way merge; sometimes both sides added the file.
    let base = (shape % 4 != 0).then_some(&common);

    let merged = merge(base, &ours, &theirs);
    let history = history_of(&merged);
    for side in [&ours, &theirs] {
        for event in side.history() {
            assert!(history.contains(event), "the merge dropped {event:?}");
        }
    }
    for event in history {
        assert!(
            ours.history().contains(event) || theirs.history().contains(event),
            "the merge invented {event:?}"
        );
    }
    if let Merged::Clean(case) = &merged {
        let canonical = cases::store::encode(case);
        let again = cases::store::decode(&canonical)
            .unwrap_or_else(|e| panic!("a clean merge does not decode: {e:?}\n{canonical}"));
        assert_eq!(&again, case);
    }
    // The same merge with the sides swapped gives the same history, and is
    // clean exactly when this one is — unless both sides recorded an
    // identical event (same instant, actor and content) after what they
    // share: the union keeps one, at the position "ours" gave it.
    let shared = ours
        .history()
        .iter()
        .zip(theirs.history())
        .take_while(|(a, b)| a == b)
        .count();
    let both_recorded = ours.history()[shared..]
        .iter()
        .any(|event| theirs.history()[shared..].contains(event));
    if both_recorded {
        return;
    }
    let swapped = merge(base, &theirs, &ours);
    assert_eq!(
        matches!(merged, Merged::Clean(_)),
        matches!(swapped, Merged::Clean(_)),
        "clean one way only"
    );
    assert_eq!(
        history,
        history_of(&swapped),
        "the order depends on the side"
    );
});
