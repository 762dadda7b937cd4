//! The case lifecycle through the real binary (SPEC sections 3, 4 and 6):
//! every transition's happy path, and every refusal with its exit code, its
//! one-line message and the case file unchanged byte for byte.
//!
//! All instants are in November/December 2026, when America/Toronto (the
//! north-america region) is UTC-5: 14:00Z is 09:00 local. North-america
//! business hours are Mon-Fri 06:00-21:00 local.

use crate::common::{event_field, initial_response, yaml_text, Env, NewCase, ACTOR, JANE, RAJ};

/// Mon 2026-11-16 09:00 America/Toronto.
const OPENED: &str = "2026-11-16T14:00:00Z";

/// A store with one severity 2 premium case opened at [`OPENED`] (its
/// initial response is due 2h of business time later, 16:00Z).
fn new_case() -> (Env, u64) {
    let store = Env::init();
    let number = store.open_at(&NewCase::with_jane_and_raj("premium", "2"), OPENED);
    assert_eq!(number, 1001);
    (store, number)
}

/// A store with case 1001 owned by [`ACTOR`] (assigned at 14:30Z).
fn open_case() -> (Env, u64) {
    let (store, n) = new_case();
    store
        .run(&["assign", "1001", "--to", ACTOR])
        .now("2026-11-16T14:30:00Z")
        .ok();
    (store, n)
}

/// A store with case 1001 closed at 2026-11-16T15:00:00Z (10:00 local),
/// confirmed by Jane, owned by [`ACTOR`].
fn closed_case() -> (Env, u64) {
    let (store, n) = open_case();
    store
        .run(&["close", "1001", "--confirmed-by", "jane@acme.example"])
        .now("2026-11-16T15:00:00Z")
        .ok();
    assert_eq!(store.field(n, "state"), "closed");
    (store, n)
}

// ---------------------------------------------------------------- happy paths

#[test]
fn assign_moves_a_new_case_to_open_and_a_second_assign_reassigns() {
    let (store, n) = new_case();
    assert_eq!(store.field(n, "state"), "new");
    assert_eq!(store.field(n, "owner"), "~");

    let run = store
        .run(&["assign", "1001", "--to", "bob"])
        .now("2026-11-16T14:30:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: assigned to bob (open)\n");
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(store.field(n, "owner"), "bob");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "at"), "2026-11-16T14:30:00Z");
    assert_eq!(event_field(&event, "event"), "assigned");
    assert_eq!(event_field(&event, "by"), ACTOR);
    assert_eq!(event_field(&event, "owner"), "bob");

    let run = store
        .run(&["assign", "1001", "--to", "carol"])
        .now("2026-11-16T14:40:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: assigned to carol (open)\n");
    assert_eq!(store.field(n, "owner"), "carol");
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(store.history(n).len(), 3);
}

#[test]
fn take_n_assigns_the_case_to_the_actor() {
    let (store, n) = new_case();
    let run = store
        .run(&["take", "1001"])
        .now("2026-11-16T14:20:00Z")
        .actor("bob")
        .ok();
    assert_eq!(run.stdout, "1001\n");
    assert!(run.stderr.contains("case 1001: taken by bob"), "{run}");
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(store.field(n, "owner"), "bob");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "assigned");
    assert_eq!(event_field(&event, "by"), "bob");
    assert_eq!(event_field(&event, "owner"), "bob");
    assert_eq!(event_field(&event, "at"), "2026-11-16T14:20:00Z");
}

#[test]
fn first_response_stops_the_initial_response_clock_and_later_ones_do_not_move_it() {
    let (store, n) = open_case();
    let clock = initial_response(&store.show(n, "2026-11-16T15:00:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:00:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T16:00:00Z");
    assert_eq!(clock["stopped_at"], serde_json::Value::Null);
    assert_eq!(clock["status"], "running");

    let run = store
        .run(&["respond", "1001", "--message", "Reproduced; working on it."])
        .now("2026-11-16T15:10:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: response recorded (open)\ninitial-response clock stopped: met\n"
    );
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "responded");
    assert_eq!(event_field(&event, "message"), "Reproduced; working on it.");
    let clock = initial_response(&store.show(n, "2026-11-16T18:00:00Z")).clone();
    assert_eq!(clock["stopped_at"], "2026-11-16T15:10:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T16:00:00Z");
    assert_eq!(clock["status"], "met");

    // A second response (after the due time) changes nothing on the clock.
    let run = store
        .run(&["respond", "1001"])
        .now("2026-11-16T17:00:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: response recorded (open)\n");
    let clock = initial_response(&store.show(n, "2026-11-16T18:00:00Z")).clone();
    assert_eq!(clock["stopped_at"], "2026-11-16T15:10:00Z");
    assert_eq!(clock["status"], "met");
}

#[test]
fn a_first_response_after_the_due_time_stops_the_clock_breached() {
    let (store, n) = open_case();
    // Due 16:00Z; one minute late.
    let run = store
        .run(&["respond", "1001"])
        .now("2026-11-16T16:01:00Z")
        .ok();
    assert!(
        run.stderr
            .ends_with("initial-response clock stopped: breached\n"),
        "{run}"
    );
    let clock = initial_response(&store.show(n, "2026-11-16T18:00:00Z")).clone();
    assert_eq!(clock["stopped_at"], "2026-11-16T16:01:00Z");
    assert_eq!(clock["status"], "breached");
}

#[test]
fn note_is_recorded_and_changes_no_state() {
    let (store, n) = open_case();
    let run = store
        .run(&["note", "1001", "--text", "Customer runs 2026.3"])
        .now("2026-11-16T14:45:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: note added (open)\n");
    assert_eq!(store.field(n, "state"), "open");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "at"), "2026-11-16T14:45:00Z");
    assert_eq!(event_field(&event, "event"), "note");
    assert_eq!(event_field(&event, "by"), ACTOR);
    assert_eq!(event_field(&event, "text"), "Customer runs 2026.3");
}

#[test]
fn phone_contact_starts_the_severity_1_clock() {
    let store = Env::init();
    let n = store.open_at(&NewCase::with_jane_and_raj("premium", "1"), OPENED);
    let clock = initial_response(&store.show(n, "2026-11-16T14:10:00Z")).clone();
    assert_eq!(clock["status"], "waiting");
    assert_eq!(clock["started_at"], serde_json::Value::Null);
    assert_eq!(clock["due_at"], serde_json::Value::Null);

    let run = store
        .run(&[
            "phone",
            "1001",
            "--call",
            "voicemail",
            "--note",
            "Called the support line",
        ])
        .now("2026-11-16T14:20:00Z")
        .ok();
    // Severity 1 premium: 1h on the 24x7 clock from the call.
    assert_eq!(
        run.stderr,
        "case 1001: phone contact recorded (voicemail) (new)\n\
         initial-response clock started; due 2026-11-16 10:20 America/Toronto\n"
    );
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "phone-contact");
    assert_eq!(event_field(&event, "note"), "Called the support line");
    let clock = initial_response(&store.show(n, "2026-11-16T14:30:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:20:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T15:20:00Z");
    assert_eq!(clock["status"], "running");

    // A second call does not restart the clock.
    let run = store
        .run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-16T14:40:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: phone contact recorded (voicemail) (new)\n"
    );
    let clock = initial_response(&store.show(n, "2026-11-16T14:50:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:20:00Z");
}

#[test]
fn request_info_waits_on_the_customer_and_says_when_to_follow_up() {
    let (store, n) = open_case();
    // Wed 2026-11-18 10:00 local. 1 business day: Thu 19 10:00; 4 business
    // days: Thu 19, Fri 20, (weekend), Mon 23, Tue 24 -> Tue 24 10:00 local.
    let run = store
        .run(&["request-info", "1001", "--message", "Please send the logs."])
        .now("2026-11-18T15:00:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: information requested (waiting-on-customer)\n\
         follow-up 1 of 2 due 2026-11-19 10:00 America/Toronto; \
         auto-close at 2026-11-24 10:00 America/Toronto\n"
    );
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "info-requested");
    assert_eq!(event_field(&event, "message"), "Please send the logs.");
    let show = store.show(n, "2026-11-18T16:00:00Z");
    assert_eq!(show["state"], "waiting-on-customer");
    assert_eq!(show["autoclose_at"], "2026-11-24T15:00:00Z");
}

#[test]
fn follow_up_is_recorded_while_waiting_on_the_customer() {
    let (store, n) = open_case();
    store
        .run(&["request-info", "1001"])
        .now("2026-11-18T15:00:00Z")
        .ok();
    let run = store
        .run(&["follow-up", "1001", "--message", "Any news?"])
        .now("2026-11-19T15:00:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: follow-up recorded (waiting-on-customer)\n"
    );
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "follow-up");
    assert_eq!(event_field(&event, "at"), "2026-11-19T15:00:00Z");
    assert_eq!(event_field(&event, "message"), "Any news?");
}

#[test]
fn customer_reply_moves_a_waiting_case_back_to_open() {
    let (store, n) = open_case();
    store
        .run(&["request-info", "1001"])
        .now("2026-11-18T15:00:00Z")
        .ok();
    let run = store
        .run(&["customer-reply", "1001", "--message", "Logs attached."])
        .now("2026-11-19T13:00:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: customer reply recorded (open)\n");
    assert_eq!(store.field(n, "state"), "open");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "customer-replied");
    assert_eq!(event_field(&event, "message"), "Logs attached.");
    let show = store.show(n, "2026-11-19T14:00:00Z");
    assert_eq!(show["autoclose_at"], serde_json::Value::Null);
}

#[test]
fn severity_change_with_agreement_retargets_the_clock_from_the_same_start() {
    let (store, n) = open_case();
    let before = initial_response(&store.show(n, "2026-11-16T14:40:00Z")).clone();
    assert_eq!(before["due_at"], "2026-11-16T16:00:00Z");

    // Severity 3 premium: 6h of business time from 09:00 local -> 15:00 local.
    let run = store
        .run(&["severity", "1001", "3", "--customer-agreed"])
        .now("2026-11-16T14:45:00Z")
        .ok();
    assert!(
        run.stderr.starts_with(
            "case 1001: severity 3 (minor)\ninitial-response running, due 2026-11-16 15:00 EST"
        ),
        "{run}"
    );
    assert_eq!(store.field(n, "severity"), "3");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "severity-changed");
    assert_eq!(event_field(&event, "from"), "2");
    assert_eq!(event_field(&event, "to"), "3");
    assert_eq!(event_field(&event, "agreed_by"), JANE);
    let clock = initial_response(&store.show(n, "2026-11-16T14:50:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:00:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T20:00:00Z");
    assert_eq!(clock["status"], "running");

    // Severity 4 (by name) premium: 12h from 09:00 local lands exactly on the
    // shift's end, 21:00 local = 02:00Z the next day (not the next morning).
    store
        .run(&[
            "severity",
            "1001",
            "request",
            "--customer-agreed",
            "--agreed-by",
            "raj@acme.example",
        ])
        .now("2026-11-16T14:50:00Z")
        .ok();
    assert_eq!(store.field(n, "severity"), "4");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "from"), "3");
    assert_eq!(event_field(&event, "to"), "4");
    assert_eq!(event_field(&event, "agreed_by"), RAJ);
    let show = store.show(n, "2026-11-16T15:00:00Z");
    assert_eq!(show["severity"], 4);
    let clock = initial_response(&show);
    assert_eq!(clock["started_at"], "2026-11-16T14:00:00Z");
    assert_eq!(clock["due_at"], "2026-11-17T02:00:00Z");
}

#[test]
fn fix_request_waits_on_the_fix_and_fix_available_reopens() {
    let (store, n) = open_case();
    let run = store
        .run(&["fix", "request", "1001", "--ticket", "DEV-4821"])
        .now("2026-11-16T16:00:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: fix requested (DEV-4821) (waiting-on-fix)\n"
    );
    assert_eq!(store.field(n, "state"), "waiting-on-fix");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "fix-requested");
    assert_eq!(event_field(&event, "ticket"), "DEV-4821");

    let run = store
        .run(&["fix", "available", "1001", "--release", "2026.11.2"])
        .now("2026-11-20T16:00:00Z")
        .ok();
    assert!(run
        .stderr
        .starts_with("case 1001: fix available in 2026.11.2"));
    assert!(run.stderr.contains("stays open"), "{run}");
    assert!(run.stderr.ends_with("(open)\n"), "{run}");
    assert_eq!(store.field(n, "state"), "open");
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "fix-available");
    assert_eq!(event_field(&event, "release"), "2026.11.2");
}

#[test]
fn close_confirmed_by_a_contact_closes_the_case() {
    let (store, n) = open_case();
    let run = store
        .run(&["close", "1001", "--confirmed-by", "Raj Patel"])
        .now("2026-11-16T15:00:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: closed (customer-confirmed)\n");
    assert_eq!(store.field(n, "state"), "closed");
    assert_eq!(store.field(n, "owner"), ACTOR);
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "at"), "2026-11-16T15:00:00Z");
    assert_eq!(event_field(&event, "event"), "closed");
    assert_eq!(event_field(&event, "by"), ACTOR);
    assert_eq!(event_field(&event, "reason"), "customer-confirmed");
    assert_eq!(event_field(&event, "confirmed_by"), RAJ);
    let show = store.show(n, "2026-11-16T16:00:00Z");
    assert_eq!(show["state"], "closed");
    // 30 days (no DST change between): 2026-12-16 10:00 local.
    assert_eq!(show["reopen_until"], "2026-12-16T15:00:00Z");
}

#[test]
fn reopen_returns_the_case_to_open_with_the_same_owner() {
    let (store, n) = closed_case();
    let run = store
        .run(&["reopen", "1001", "--reason", "The problem is back"])
        .now("2026-11-20T15:00:00Z")
        .actor("carol")
        .ok();
    assert_eq!(run.stderr, "case 1001: reopened (open, back to alice)\n");
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(store.field(n, "owner"), ACTOR);
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "reopened");
    assert_eq!(event_field(&event, "by"), "carol");
    assert_eq!(event_field(&event, "reason"), "The problem is back");
    let show = store.show(n, "2026-11-20T15:30:00Z");
    assert_eq!(show["reopen_until"], serde_json::Value::Null);
}

#[test]
fn note_is_allowed_on_a_closed_case() {
    let (store, n) = closed_case();
    let run = store
        .run(&["note", "1001", "--text", "FYI"])
        .now("2026-11-17T15:00:00Z")
        .ok();
    assert_eq!(run.stderr, "case 1001: note added (closed)\n");
    assert_eq!(store.field(n, "state"), "closed");
    assert_eq!(event_field(&store.last_event(n), "event"), "note");
}

#[test]
fn contacts_are_added_and_removed() {
    let (store, n) = open_case();
    let run = store
        .run(&["contact", "add", "1001", "Ann Lee <ann@acme.example>"])
        .now("2026-11-16T15:00:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: contact added: Ann Lee <ann@acme.example>\n"
    );
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "contact-added");
    assert_eq!(event_field(&event, "contact"), "Ann Lee <ann@acme.example>");
    let contacts: Vec<String> = store.case_yaml(n)["contacts"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(yaml_text)
        .collect();
    assert_eq!(contacts, [JANE, RAJ, "Ann Lee <ann@acme.example>"]);

    let run = store
        .run(&["contact", "remove", "1001", "jane@acme.example"])
        .now("2026-11-16T15:10:00Z")
        .ok();
    assert_eq!(
        run.stderr,
        "case 1001: contact removed; contacts: Raj Patel <raj@acme.example>, Ann Lee <ann@acme.example>\n"
    );
    let event = store.last_event(n);
    assert_eq!(event_field(&event, "event"), "contact-removed");
    assert_eq!(event_field(&event, "contact"), JANE);
    let show = store.show(n, "2026-11-16T15:20:00Z");
    assert_eq!(
        show["contacts"],
        serde_json::json!([RAJ, "Ann Lee <ann@acme.example>"])
    );
}

// ------------------------------------------------------------------ refusals

#[test]
fn severity_change_without_the_customers_agreement_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["severity", "1001", "3"])
        .now("2026-11-16T15:00:00Z")
        .refused(2)
        .says_why_in_one_line(&[
            "case 1001",
            "needs the customer's agreement",
            "--customer-agreed",
        ]);
}

#[test]
fn severity_change_agreed_by_someone_not_a_contact_is_refused() {
    let (store, _) = open_case();
    store
        .run(&[
            "severity",
            "1001",
            "3",
            "--customer-agreed",
            "--agreed-by",
            "mallory@evil.example",
        ])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["is not a contact of case 1001", JANE, RAJ]);
}

#[test]
fn severity_change_to_the_same_level_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["severity", "1001", "2", "--customer-agreed"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is already severity 2"]);
}

#[test]
fn unknown_severity_level_is_a_usage_error() {
    let (store, _) = open_case();
    for level in ["5", "0", "blocker"] {
        store
            .run(&["severity", "1001", level, "--customer-agreed"])
            .now("2026-11-16T15:00:00Z")
            .refused(2)
            .says_why_in_one_line(&[
                "is not a severity",
                "1/critical, 2/major, 3/minor, 4/request",
            ]);
    }
}

#[test]
fn close_without_the_customers_confirmation_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["close", "1001"])
        .now("2026-11-16T15:00:00Z")
        .refused(2)
        .says_why_in_one_line(&[
            "case 1001 stays open until the customer agrees to close it",
            "--confirmed-by CONTACT",
            JANE,
            RAJ,
        ]);
}

#[test]
fn close_confirmed_by_someone_not_a_contact_is_refused() {
    let (store, _) = open_case();
    store
        .run(&[
            "close",
            "1001",
            "--confirmed-by",
            "Mallory <mallory@evil.example>",
        ])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["is not a contact of case 1001", JANE, RAJ]);
    // Alice is the owner, not a contact.
    store
        .run(&["close", "1001", "--confirmed-by", ACTOR])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["\"alice\" is not a contact of case 1001"]);
}

#[test]
fn request_info_on_a_new_case_is_refused() {
    let (store, _) = new_case();
    store
        .run(&["request-info", "1001"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is new", "a case that is open"]);
}

#[test]
fn request_info_on_a_closed_case_is_refused() {
    let (store, _) = closed_case();
    store
        .run(&["request-info", "1001"])
        .now("2026-11-17T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is closed", "cases reopen 1001"]);
}

#[test]
fn follow_up_is_refused_unless_waiting_on_the_customer() {
    let (store, _) = new_case();
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-16T14:10:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is new", "waiting-on-customer"]);
    store
        .run(&["assign", "1001", "--to", ACTOR])
        .now("2026-11-16T14:30:00Z")
        .ok();
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is open", "waiting-on-customer"]);
    store
        .run(&["fix", "request", "1001", "--ticket", "DEV-1"])
        .now("2026-11-16T15:10:00Z")
        .ok();
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-16T15:20:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is waiting-on-fix", "waiting-on-customer"]);
}

#[test]
fn fix_available_is_refused_unless_waiting_on_a_fix() {
    let (store, _) = open_case();
    store
        .run(&["fix", "available", "1001", "--release", "2026.11.2"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is open", "waiting-on-fix"]);
    store
        .run(&["request-info", "1001"])
        .now("2026-11-16T15:10:00Z")
        .ok();
    store
        .run(&["fix", "available", "1001", "--release", "2026.11.2"])
        .now("2026-11-16T15:20:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is waiting-on-customer", "waiting-on-fix"]);
}

#[test]
fn every_event_but_note_and_reopen_is_refused_on_a_closed_case() {
    let (store, _) = closed_case();
    let now = "2026-11-17T15:00:00Z";
    let attempts: [(&[&str], &str); 12] = [
        (&["assign", "1001", "--to", "bob"], "assigned"),
        (&["respond", "1001"], "responded"),
        (&["phone", "1001", "--call", "voicemail"], "phone-contact"),
        (&["request-info", "1001"], "info-requested"),
        (&["follow-up", "1001"], "follow-up"),
        (&["customer-reply", "1001"], "customer-replied"),
        (
            &["severity", "1001", "3", "--customer-agreed"],
            "severity-changed",
        ),
        (
            &["fix", "request", "1001", "--ticket", "DEV-1"],
            "fix-requested",
        ),
        (
            &["fix", "available", "1001", "--release", "1.0"],
            "fix-available",
        ),
        (
            &["close", "1001", "--confirmed-by", "jane@acme.example"],
            "closed",
        ),
        (
            &["contact", "add", "1001", "Ann Lee <ann@acme.example>"],
            "contact-added",
        ),
        (
            &["contact", "remove", "1001", "raj@acme.example"],
            "contact-removed",
        ),
    ];
    // (note and reopen are allowed: see note_is_allowed_on_a_closed_case and
    // reopen_returns_the_case_to_open_with_the_same_owner)
    for (args, event) in attempts {
        let not_allowed = format!("{event} is not allowed");
        store.run(args).now(now).refused(3).says_why_in_one_line(&[
            "case 1001 is closed",
            &not_allowed,
            "reopen it first: cases reopen 1001",
        ]);
    }
}

#[test]
fn take_of_a_closed_case_is_refused() {
    let (store, _) = closed_case();
    store
        .run(&["take", "1001"])
        .now("2026-11-17T15:00:00Z")
        .actor("bob")
        .refused(3)
        .says_why_in_one_line(&["case 1001"]);
}

#[test]
fn take_of_a_case_owned_by_someone_else_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["take", "1001"])
        .now("2026-11-16T15:00:00Z")
        .actor("bob")
        .refused(3)
        .says_why_in_one_line(&[
            "case 1001 is already owned by alice",
            "cases assign 1001 --to NAME",
        ]);
}

#[test]
fn reopen_of_a_case_that_is_not_closed_is_refused() {
    let (store, _) = new_case();
    store
        .run(&["reopen", "1001"])
        .now("2026-11-16T14:10:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is new", "only a closed case can be reopened"]);
    store
        .run(&["assign", "1001", "--to", ACTOR])
        .now("2026-11-16T14:30:00Z")
        .ok();
    store
        .run(&["reopen", "1001"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is open", "only a closed case can be reopened"]);
}

#[test]
fn removing_the_last_contact_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["contact", "remove", "1001", "Raj Patel"])
        .now("2026-11-16T15:00:00Z")
        .ok();
    store
        .run(&["contact", "remove", "1001", "jane@acme.example"])
        .now("2026-11-16T15:10:00Z")
        .refused(3)
        .says_why_in_one_line(&["case 1001 must keep at least one contact"]);
}

#[test]
fn removing_someone_who_is_not_a_contact_is_refused() {
    let (store, _) = open_case();
    store
        .run(&["contact", "remove", "1001", "mallory@evil.example"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&[
            "\"mallory@evil.example\" is not a contact of case 1001",
            JANE,
        ]);
}

#[test]
fn adding_a_contact_twice_is_refused_and_a_malformed_one_is_invalid() {
    let (store, _) = open_case();
    store
        .run(&["contact", "add", "1001", "J. Doe <JANE@acme.example>"])
        .now("2026-11-16T15:00:00Z")
        .refused(3)
        .says_why_in_one_line(&["is already a contact of case 1001"]);
    store
        .run(&["contact", "add", "1001", "no email here"])
        .now("2026-11-16T15:00:00Z")
        .refused(2)
        .says_why_in_one_line(&["\"Name <email>\""]);
}

#[test]
fn an_event_earlier_than_the_last_event_is_refused() {
    let (store, _) = open_case(); // last event: assigned at 14:30Z
    for args in [
        &["note", "1001", "--text", "late entry"][..],
        &["respond", "1001"],
        &["request-info", "1001"],
        &["assign", "1001", "--to", "bob"],
        &["close", "1001", "--confirmed-by", "jane@acme.example"],
    ] {
        store
            .run(args)
            .now("2026-11-16T14:29:00Z")
            .refused(3)
            .says_why_in_one_line(&["is before its last event", "time order"]);
    }
    // At the same instant as the last event is fine.
    store
        .run(&["note", "1001", "--text", "same minute"])
        .now("2026-11-16T14:30:00Z")
        .ok();
}

#[test]
fn the_time_order_refusal_names_local_times_in_the_cases_region() {
    let (store, _) = open_case(); // last event: assigned at 14:30Z = 09:30 local
    store
        .run(&["note", "1001", "--text", "late entry"])
        .now("2026-11-16T14:29:00Z")
        .refused(3)
        .says_why_in_one_line(&["2026-11-16 09:30 America/Toronto"]);
}

#[test]
fn take_of_a_closed_case_says_to_reopen_it() {
    let (store, _) = closed_case();
    store
        .run(&["take", "1001"])
        .now("2026-11-17T15:00:00Z")
        .actor("bob")
        .refused(3)
        .says_why_in_one_line(&["case 1001 is closed", "cases reopen 1001"]);
}

// ---------------------------------------------------------------- reopen window

/// Closed Mon 2026-11-16 15:00Z (10:00 local); 30 days later is Wed
/// 2026-12-16 15:00Z (10:00 local; both instants in EST, no DST change).
#[test]
fn reopen_thirty_days_minus_a_minute_after_closing_is_allowed() {
    let (store, n) = closed_case();
    assert_eq!(
        store.show(n, "2026-11-20T00:00:00Z")["reopen_until"],
        "2026-12-16T15:00:00Z"
    );
    let run = store
        .run(&["reopen", "1001"])
        .now("2026-12-16T14:59:00Z")
        .actor("bob")
        .ok();
    assert_eq!(run.stderr, "case 1001: reopened (open, back to alice)\n");
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(store.field(n, "owner"), ACTOR);
    assert_eq!(
        event_field(&store.last_event(n), "at"),
        "2026-12-16T14:59:00Z"
    );
}

#[test]
fn reopen_thirty_days_plus_a_minute_after_closing_is_refused_with_how_to_open_a_related_case() {
    let (store, _) = closed_case();
    store
        .run(&["reopen", "1001"])
        .now("2026-12-16T15:01:00Z")
        .refused(3)
        .says_why_in_one_line(&[
            "case 1001 can no longer be reopened",
            "2026-12-16 10:00 America/Toronto",
            "cases new --related 1001",
        ]);
    // What the refusal suggests works: a new case that refers to 1001.
    let new = NewCase {
        title: "Search results missing again",
        related: vec!["1001"],
        ..NewCase::with_jane_and_raj("premium", "2")
    };
    let m = store.open_at(&new, "2026-12-16T15:02:00Z");
    assert_eq!(m, 1002);
    let show = store.show(m, "2026-12-16T15:03:00Z");
    assert_eq!(show["related"], serde_json::json!([1001]));
    assert_eq!(show["state"], "new");
}

#[test]
fn a_case_closed_as_no_response_also_reopens_to_its_owner() {
    let (store, n) = open_case();
    // Waiting from Wed 2026-11-18 10:00 local; auto-close 4 business days
    // later, Tue 2026-11-24 10:00 local (15:00Z).
    store
        .run(&["request-info", "1001"])
        .now("2026-11-18T15:00:00Z")
        .ok();
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-19T15:00:00Z")
        .ok();
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    store.run(&["sweep"]).now("2026-11-24T15:00:00Z").ok();
    assert_eq!(store.field(n, "state"), "closed");
    let run = store
        .run(&["reopen", "1001"])
        .now("2026-11-25T15:00:00Z")
        .actor("bob")
        .ok();
    assert_eq!(run.stderr, "case 1001: reopened (open, back to alice)\n");
    assert_eq!(store.field(n, "owner"), ACTOR);
    assert_eq!(store.field(n, "state"), "open");
}

#[test]
fn lowering_severity_1_keeps_the_start_of_a_running_clock() {
    let store = Env::init();
    let n = store.open_at(&NewCase::with_jane_and_raj("premium", "1"), OPENED);
    // Severity 1: the clock starts with the call at 14:20Z.
    store
        .run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-16T14:20:00Z")
        .ok();
    let clock = initial_response(&store.show(n, "2026-11-16T14:25:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:20:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T15:20:00Z");
    // A severity change needs an owner (SPEC 4).
    store
        .run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-16T14:25:00Z")
        .ok();
    store
        .run(&["severity", "1001", "2", "--customer-agreed"])
        .now("2026-11-16T14:30:00Z")
        .ok();
    // Same start, severity 2 premium target (2h, business hours): 16:20Z.
    let clock = initial_response(&store.show(n, "2026-11-16T14:35:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-16T14:20:00Z");
    assert_eq!(clock["due_at"], "2026-11-16T16:20:00Z");
}
