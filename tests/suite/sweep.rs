//! `cases sweep [--dry-run]` through the real binary, at the exact
//! boundaries of the default auto-close policy: a case waiting on the
//! customer, with 2 follow-ups, closes as no-response 4 business days after
//! it started waiting, unless the customer replied. Follow-up 1 is due after
//! 1 business day, follow-up 2 after 3.
//!
//! North-america: America/Toronto (UTC-5 from Nov 1 2026), Mon-Fri
//! 06:00-21:00 local; holidays Dec 25, Jan 1, first Monday of September.
//! "N business days after T" (SPEC section 2): the start of the Nth shift
//! after the shift containing T, plus T's offset into its shift.

use crate::common::{case_file, event_field, Env, NewCase, ACTOR};
use serde_json::Value;

/// Wed 2026-11-18 10:00 local: the information request.
const WAITING_SINCE: &str = "2026-11-18T15:00:00Z";
/// 1 business day later (shift Thu 19 06:00 + 4h): Thu 2026-11-19 10:00 local.
const FOLLOW_UP_1_DUE: &str = "2026-11-19T15:00:00Z";
/// 3 business days later (shifts Thu 19, Fri 20, then the weekend has no
/// shift, Mon 23): Mon 2026-11-23 10:00 local.
const FOLLOW_UP_2_DUE: &str = "2026-11-23T15:00:00Z";
/// 4 business days later (Thu 19, Fri 20, Mon 23, Tue 24; + 4h into the
/// Tue 06:00 shift): Tue 2026-11-24 10:00 local = 15:00Z.
const AUTOCLOSE_AT: &str = "2026-11-24T15:00:00Z";
/// One minute before [`AUTOCLOSE_AT`].
const AUTOCLOSE_MINUS_1M: &str = "2026-11-24T14:59:00Z";

/// The rule a no-response closing names (SPEC 4: the grace after the last
/// required follow-up and the open escalation are part of it now).
const RULE: &str = "auto-close: waiting on the customer, 2 follow-ups, 4 business days since waiting and 1 business day since the last required follow-up, no reply, no open escalation";

/// Opens a severity 3 premium case on Mon 2026-11-16 09:00 local, assigns it
/// to alice and asks the customer for information at `waiting_since`.
fn waiting_case(store: &Env, waiting_since: &str) -> u64 {
    let n = store.open_at(
        &NewCase::with_jane_and_raj("premium", "3"),
        "2026-11-16T14:00:00Z",
    );
    let number = n.to_string();
    store
        .run(&["assign", &number, "--to", ACTOR])
        .now("2026-11-16T14:01:00Z")
        .ok();
    store
        .run(&["request-info", &number])
        .now(waiting_since)
        .ok();
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
    n
}

/// [`waiting_case`] at [`WAITING_SINCE`] with both follow-ups made (at
/// their due times).
fn followed_up_case(store: &Env) -> u64 {
    let n = waiting_case(store, WAITING_SINCE);
    store
        .run(&["follow-up", &n.to_string()])
        .now(FOLLOW_UP_1_DUE)
        .ok();
    store
        .run(&["follow-up", &n.to_string()])
        .now(FOLLOW_UP_2_DUE)
        .ok();
    n
}

/// Runs `cases sweep ARGS` at `now`, checks that no file of the store
/// changed, and returns its stdout.
fn sweep_writing_nothing(store: &Env, now: &str, args: &[&str]) -> String {
    let before = store.store_files();
    let mut all = vec!["sweep"];
    all.extend_from_slice(args);
    let run = store.run(&all).now(now).ok();
    assert!(store.store_files() == before, "the sweep wrote:\n{run}");
    run.stdout
}

#[test]
fn gates_and_request_info_output_give_the_hand_computed_instants() {
    let store = Env::init();
    let n = store.open_at(
        &NewCase::with_jane_and_raj("premium", "3"),
        "2026-11-16T14:00:00Z",
    );
    store
        .run(&["assign", "1001", "--to", ACTOR])
        .now("2026-11-16T14:01:00Z")
        .ok();
    let run = store.run(&["request-info", "1001"]).now(WAITING_SINCE).ok();
    assert_eq!(
        run.stderr,
        "case 1001: information requested (waiting-on-customer)\n\
         follow-up 1 of 2 due 2026-11-19 10:00 America/Toronto; \
         auto-close at 2026-11-24 10:00 America/Toronto\n"
    );
    assert_eq!(store.show(n, WAITING_SINCE)["autoclose_at"], AUTOCLOSE_AT);
    // Follow-ups do not move the auto-close time.
    store.run(&["follow-up", "1001"]).now(FOLLOW_UP_1_DUE).ok();
    store.run(&["follow-up", "1001"]).now(FOLLOW_UP_2_DUE).ok();
    assert_eq!(store.show(n, FOLLOW_UP_2_DUE)["autoclose_at"], AUTOCLOSE_AT);
}

#[test]
fn one_minute_before_autoclose_at_the_sweep_does_nothing() {
    let store = Env::init();
    let n = followed_up_case(&store);
    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_MINUS_1M, &[]);
    assert_eq!(stdout, "nothing to do\n");
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
}

#[test]
fn at_autoclose_at_the_sweep_closes_the_case_as_no_response_by_the_policy() {
    let store = Env::init();
    let n = followed_up_case(&store);
    let events_before = store.history(n).len();

    let run = store.run(&["sweep"]).now(AUTOCLOSE_AT).ok();
    assert_eq!(
        run.stdout,
        "case 1001: closed: no-response; waiting since 2026-11-18 10:00 America/Toronto, \
         2 follow-ups, auto-close at 2026-11-24 10:00 America/Toronto\n"
    );
    assert_eq!(store.field(n, "state"), "closed");
    assert_eq!(store.field(n, "owner"), ACTOR);
    let history = store.history(n);
    assert_eq!(history.len(), events_before + 1);
    let closing = history.last().unwrap();
    assert_eq!(event_field(closing, "at"), AUTOCLOSE_AT);
    assert_eq!(event_field(closing, "event"), "closed");
    assert_eq!(event_field(closing, "by"), "cases-policy");
    assert_eq!(event_field(closing, "reason"), "no-response");
    assert_eq!(event_field(closing, "rule"), RULE);
    assert_eq!(event_field(closing, "confirmed_by"), "~");
    let show = store.show(n, AUTOCLOSE_AT);
    assert_eq!(show["state"], "closed");
    assert_eq!(show["autoclose_at"], Value::Null);
    // Closed Tue 2026-11-24 15:00Z; reopenable for 30 days.
    assert_eq!(show["reopen_until"], "2026-12-24T15:00:00Z");
    let file_after_close = store.bytes(&case_file(n));

    // A second sweep, at the same instant and later, changes nothing.
    for now in [AUTOCLOSE_AT, "2026-11-25T15:00:00Z", "2027-02-01T15:00:00Z"] {
        let stdout = sweep_writing_nothing(&store, now, &[]);
        assert_eq!(stdout, "nothing to do\n");
        assert_eq!(store.bytes(&case_file(n)), file_after_close);
    }
}

#[test]
fn a_sweep_after_autoclose_at_closes_at_the_sweep_instant() {
    let store = Env::init();
    let n = followed_up_case(&store);
    store.run(&["sweep"]).now("2026-11-25T12:00:00Z").ok();
    let closing = store.last_event(n);
    assert_eq!(event_field(&closing, "at"), "2026-11-25T12:00:00Z");
    assert_eq!(event_field(&closing, "by"), "cases-policy");
    assert_eq!(event_field(&closing, "reason"), "no-response");
}

#[test]
fn a_customer_reply_before_autoclose_at_cancels_it() {
    let store = Env::init();
    let n = followed_up_case(&store);
    // The reply comes one minute before the auto-close time.
    store
        .run(&["customer-reply", "1001"])
        .now(AUTOCLOSE_MINUS_1M)
        .ok();
    assert_eq!(store.field(n, "state"), "open");
    assert_eq!(
        store.show(n, AUTOCLOSE_MINUS_1M)["autoclose_at"],
        Value::Null
    );
    for now in [AUTOCLOSE_AT, "2026-12-01T15:00:00Z"] {
        let stdout = sweep_writing_nothing(&store, now, &[]);
        assert_eq!(stdout, "nothing to do\n");
    }
    assert_eq!(store.field(n, "state"), "open");
}

#[test]
fn a_new_information_request_after_a_reply_restarts_the_wait_and_the_follow_ups() {
    let store = Env::init();
    let n = followed_up_case(&store);
    store
        .run(&["customer-reply", "1001"])
        .now("2026-11-23T16:00:00Z")
        .ok();
    // Mon 2026-11-23 12:00 local: 4 business days -> Fri 2026-11-27 12:00
    // local = 17:00Z; the two earlier follow-ups no longer count.
    store
        .run(&["request-info", "1001"])
        .now("2026-11-23T17:00:00Z")
        .ok();
    assert_eq!(
        store.show(n, "2026-11-23T17:00:00Z")["autoclose_at"],
        "2026-11-27T17:00:00Z"
    );
    // Follow-up 1 is due 1 business day later, Tue 24 12:00 local = 17:00Z;
    // the old auto-close time (Tue 24 10:00 local) means nothing any more.
    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_AT, &[]);
    assert_eq!(stdout, "nothing to do\n");
    let stdout = sweep_writing_nothing(&store, "2026-11-24T17:00:00Z", &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 1 of 2 due 2026-11-24 12:00 America/Toronto\n"
    );
    let stdout = sweep_writing_nothing(&store, "2026-11-27T17:00:00Z", &[]);
    assert_eq!(
        stdout,
        "case 1001: autoclose-blocked: auto-close time 2026-11-27 12:00 America/Toronto \
         reached with 0 of 2 follow-ups made; make the follow-ups first\n"
    );
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
}

#[test]
fn dry_run_says_what_would_close_and_writes_nothing() {
    let store = Env::init();
    let n = followed_up_case(&store);
    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_AT, &["--dry-run"]);
    assert_eq!(
        stdout,
        "case 1001: would-close: no-response; waiting since 2026-11-18 10:00 America/Toronto, \
         2 follow-ups, auto-close at 2026-11-24 10:00 America/Toronto\n"
    );
    assert_eq!(store.field(n, "state"), "waiting-on-customer");
    // A real sweep afterwards still closes it.
    store.run(&["sweep"]).now(AUTOCLOSE_AT).ok();
    assert_eq!(store.field(n, "state"), "closed");
}

#[test]
fn a_case_at_its_autoclose_time_without_both_follow_ups_is_listed_not_closed() {
    let store = Env::init();
    let none = waiting_case(&store, WAITING_SINCE);
    let one = waiting_case(&store, WAITING_SINCE);
    store
        .run(&["follow-up", &one.to_string()])
        .now(FOLLOW_UP_1_DUE)
        .ok();
    assert_eq!((none, one), (1001, 1002));

    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_AT, &[]);
    assert_eq!(
        stdout,
        "case 1001: autoclose-blocked: auto-close time 2026-11-24 10:00 America/Toronto \
         reached with 0 of 2 follow-ups made; make the follow-ups first\n\
         case 1002: autoclose-blocked: auto-close time 2026-11-24 10:00 America/Toronto \
         reached with 1 of 2 follow-ups made; make the follow-ups first\n"
    );
    assert_eq!(store.field(none, "state"), "waiting-on-customer");
    assert_eq!(store.field(one, "state"), "waiting-on-customer");
    // Also in a dry run, and a minute earlier they are follow-ups due.
    let dry = sweep_writing_nothing(&store, AUTOCLOSE_AT, &["--dry-run"]);
    assert_eq!(dry, stdout);
    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_MINUS_1M, &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 1 of 2 due 2026-11-19 10:00 America/Toronto\n\
         case 1002: follow-up-due: follow-up 2 of 2 due 2026-11-23 10:00 America/Toronto\n"
    );
}

#[test]
fn follow_ups_are_due_after_one_and_three_business_days() {
    let store = Env::init();
    let n = waiting_case(&store, WAITING_SINCE);

    // Follow-up 1: not due a minute before Thu 10:00 local, due at it.
    let stdout = sweep_writing_nothing(&store, "2026-11-19T14:59:00Z", &[]);
    assert_eq!(stdout, "nothing to do\n");
    let stdout = sweep_writing_nothing(&store, FOLLOW_UP_1_DUE, &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 1 of 2 due 2026-11-19 10:00 America/Toronto\n"
    );
    // Still listed (overdue) later that day.
    let stdout = sweep_writing_nothing(&store, "2026-11-20T01:00:00Z", &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 1 of 2 due 2026-11-19 10:00 America/Toronto\n"
    );

    // Made on Fri; follow-up 2 is due Mon 10:00 local (after the weekend).
    store
        .run(&["follow-up", &n.to_string()])
        .now("2026-11-20T14:00:00Z")
        .ok();
    let stdout = sweep_writing_nothing(&store, "2026-11-20T14:00:00Z", &[]);
    assert_eq!(stdout, "nothing to do\n");
    let stdout = sweep_writing_nothing(&store, "2026-11-23T14:59:00Z", &[]);
    assert_eq!(stdout, "nothing to do\n");
    let stdout = sweep_writing_nothing(&store, FOLLOW_UP_2_DUE, &["--format", "json"]);
    let actions: Value = serde_json::from_str(&stdout).expect("sweep JSON");
    assert_eq!(
        actions,
        serde_json::json!([{
            "number": 1001,
            "action": "follow-up-due",
            "due_at": "2026-11-23T15:00:00Z",
            "detail": "follow-up 2 of 2 due 2026-11-23 10:00 America/Toronto",
        }])
    );

    // Once both are made nothing is due until the auto-close time.
    store
        .run(&["follow-up", &n.to_string()])
        .now("2026-11-23T15:30:00Z")
        .ok();
    let stdout = sweep_writing_nothing(&store, AUTOCLOSE_MINUS_1M, &[]);
    assert_eq!(stdout, "nothing to do\n");
}

#[test]
fn one_sweep_handles_every_case_of_the_store() {
    let store = Env::init();
    let closes = followed_up_case(&store); // 1001
    let blocked = waiting_case(&store, WAITING_SINCE); // 1002
                                                       // 1003 waits since Mon 2026-11-23 10:00 local: follow-up 1 due Tue 24
                                                       // 10:00 local, exactly the sweep instant.
    let due = waiting_case(&store, "2026-11-23T15:00:00Z");
    // 1004 is open, 1005 replied: the sweep leaves them alone.
    let open = store.open_at(
        &NewCase::with_jane_and_raj("basic", "2"),
        "2026-11-16T14:00:00Z",
    );
    store
        .run(&["assign", &open.to_string(), "--to", "bob"])
        .now("2026-11-16T14:02:00Z")
        .ok();
    let replied = followed_up_case(&store);
    store
        .run(&["customer-reply", &replied.to_string()])
        .now("2026-11-23T20:00:00Z")
        .ok();
    assert_eq!(
        (closes, blocked, due, open, replied),
        (1001, 1002, 1003, 1004, 1005)
    );
    let untouched = [blocked, due, open, replied].map(|n| (n, store.bytes(&case_file(n))));

    let run = store
        .run(&["sweep", "--format", "json"])
        .now(AUTOCLOSE_AT)
        .ok();
    let actions: Value = serde_json::from_str(&run.stdout).expect("sweep JSON");
    let summary: Vec<(u64, &str)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["number"].as_u64().unwrap(), a["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [
            (1001, "closed"),
            (1002, "autoclose-blocked"),
            (1003, "follow-up-due")
        ]
    );
    assert_eq!(store.field(closes, "state"), "closed");
    for (n, bytes) in untouched {
        assert!(store.bytes(&case_file(n)) == bytes, "case {n} changed");
    }
    // Idempotent: the second sweep closes nothing more and writes nothing.
    let run = store
        .run(&["sweep", "--format", "json"])
        .now(AUTOCLOSE_AT)
        .ok();
    let actions: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(actions.as_array().unwrap().len(), 2, "{run}");
    assert!(!run.stdout.contains("\"closed\""), "{run}");
}

#[test]
fn business_days_skip_the_weekend_and_christmas() {
    let store = Env::init();
    // Waiting since Tue 2026-12-22 10:00 local. Shifts after it: Wed 23 (1),
    // Thu 24 (2), Fri 25 is Christmas (no shift), weekend, Mon 28 (3),
    // Tue 29 (4). Follow-ups due Wed 23 and Mon 28 10:00 local; auto-close
    // Tue 2026-12-29 10:00 local = 15:00Z.
    let n = waiting_case(&store, "2026-12-22T15:00:00Z");
    assert_eq!(
        store.show(n, "2026-12-22T15:00:00Z")["autoclose_at"],
        "2026-12-29T15:00:00Z"
    );
    let stdout = sweep_writing_nothing(&store, "2026-12-23T15:00:00Z", &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 1 of 2 due 2026-12-23 10:00 America/Toronto\n"
    );
    store
        .run(&["follow-up", "1001"])
        .now("2026-12-23T15:00:00Z")
        .ok();
    let stdout = sweep_writing_nothing(&store, "2026-12-28T14:59:00Z", &[]);
    assert_eq!(stdout, "nothing to do\n");
    let stdout = sweep_writing_nothing(&store, "2026-12-28T15:00:00Z", &[]);
    assert_eq!(
        stdout,
        "case 1001: follow-up-due: follow-up 2 of 2 due 2026-12-28 10:00 America/Toronto\n"
    );
    store
        .run(&["follow-up", "1001"])
        .now("2026-12-28T15:00:00Z")
        .ok();
    assert_eq!(
        sweep_writing_nothing(&store, "2026-12-29T14:59:00Z", &[]),
        "nothing to do\n"
    );
    store.run(&["sweep"]).now("2026-12-29T15:00:00Z").ok();
    assert_eq!(store.field(n, "state"), "closed");
    assert_eq!(
        event_field(&store.last_event(n), "at"),
        "2026-12-29T15:00:00Z"
    );
}

#[test]
fn a_wait_starting_on_a_saturday_counts_from_monday_06_00() {
    let store = Env::init();
    // Sat 2026-11-21 10:00 local: no shift contains it; the first shift
    // after it is Mon 23 06:00 (offset 0). 1 business day: Tue 24 06:00;
    // 3: Thu 26 06:00; 4: Fri 2026-11-27 06:00 local = 11:00Z.
    let n = store.open_at(
        &NewCase::with_jane_and_raj("premium", "3"),
        "2026-11-16T14:00:00Z",
    );
    store
        .run(&["assign", "1001", "--to", ACTOR])
        .now("2026-11-16T14:01:00Z")
        .ok();
    let run = store
        .run(&["request-info", "1001"])
        .now("2026-11-21T15:00:00Z")
        .ok();
    assert!(
        run.stderr.ends_with(
            "follow-up 1 of 2 due 2026-11-24 06:00 America/Toronto; \
             auto-close at 2026-11-27 06:00 America/Toronto\n"
        ),
        "{run}"
    );
    assert_eq!(
        store.show(n, "2026-11-21T15:00:00Z")["autoclose_at"],
        "2026-11-27T11:00:00Z"
    );
    store
        .run(&["follow-up", "1001"])
        .now("2026-11-24T11:00:00Z")
        .ok();
    assert_eq!(
        sweep_writing_nothing(&store, "2026-11-26T10:59:00Z", &[]),
        "nothing to do\n"
    );
    assert_eq!(
        sweep_writing_nothing(&store, "2026-11-26T11:00:00Z", &[]),
        "case 1001: follow-up-due: follow-up 2 of 2 due 2026-11-26 06:00 America/Toronto\n"
    );
}

#[test]
fn a_sweep_replayed_before_a_later_reply_still_sweeps_the_other_cases() {
    let store = Env::init();
    let replied = followed_up_case(&store); // 1001
    let silent = followed_up_case(&store); // 1002
                                           // The reply is recorded at 11:00 local, after the auto-close time.
    store
        .run(&["customer-reply", "1001"])
        .now("2026-11-24T16:00:00Z")
        .ok();
    let replied_bytes = store.bytes(&case_file(replied));
    // A sweep run for 10:30 local (e.g. catching up a missed run).
    let run = store.run(&["sweep"]).now("2026-11-24T15:30:00Z").output();
    // The replied case is open and has a reply: it must not be closed (nor
    // the sweep fail on it); the silent one must close.
    assert!(store.bytes(&case_file(replied)) == replied_bytes, "{run}");
    assert_eq!(store.field(silent, "state"), "closed", "{run}");
    assert_eq!(run.code, 0, "{run}");
}
