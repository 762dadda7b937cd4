//! `cases queue` and `cases take [N]` through the real binary: unowned open
//! cases in the order the next product specialist should take them —
//! severity, then initial-response due time, then opening time — with the
//! due time shown; `take` without N takes the head.
//!
//! America/Toronto is UTC-5 throughout (November 2026); north-america
//! business hours are Mon-Fri 06:00-21:00 local. Fri 2026-11-13, Sat 14,
//! Sun 15, Mon 16.

use crate::common::{case_file, event_field, Env, NewCase, ACTOR};
use serde_json::{json, Value};

/// The instant the queue is read: Sun 2026-11-15 11:00 local.
const NOW: &str = "2026-11-15T16:00:00Z";

/// One queued case: its number and its expected initial-response due time.
struct Expected {
    number: u64,
    due_at: Value,
}

/// A store whose queue exercises every tie-break; returns the queue order
/// expected at [`NOW`].
fn fixture() -> (Env, Vec<Expected>) {
    let store = Env::init();
    let open = |now: &str, plan: &str, severity: &str, title: &str| {
        let case = NewCase {
            title,
            ..NewCase::with_jane_and_raj(plan, severity)
        };
        store.open_at(&case, now)
    };

    // 1001 sev1 basic, opened Fri 09:00 local, never phoned: waiting.
    let f = open("2026-11-13T14:00:00Z", "basic", "1", "F sev1 no call (Fri)");
    // 1002 sev2 plus (4h), opened Fri 20:00 local: 1h Fri 20:00-21:00, then
    // 3h from Mon 06:00 -> Mon 09:00 local = 14:00Z.
    let c = open("2026-11-14T01:00:00Z", "plus", "2", "C sev2 due Mon 09:00");
    // 1003 sev2 premium (2h), opened Sat 12:00 local: clock starts Mon 06:00
    // -> Mon 08:00 local = 13:00Z.
    let a = open("2026-11-14T17:00:00Z", "premium", "2", "A sev2 Sat 12:00");
    // 1004 sev2 premium, opened Sat 10:00 local (earlier than 1003, though
    // created after it): same due, Mon 08:00 local -> opening time decides.
    let b = open("2026-11-14T15:00:00Z", "premium", "2", "B sev2 Sat 10:00");
    // 1005 sev3 premium (6h), opened Fri 14:00 local -> Fri 20:00 local =
    // Sat 01:00Z: the earliest due of all, but severity comes first.
    let d = open("2026-11-13T19:00:00Z", "premium", "3", "D sev3 due Fri");
    // 1006 sev1 premium (1h, 24x7), opened Sun 10:00 local, phoned 10:30
    // local -> due Sun 11:30 local = 16:30Z.
    let e = open("2026-11-15T15:00:00Z", "premium", "1", "E sev1 due 16:30Z");
    store
        .run(&["phone", &e.to_string(), "--call", "voicemail"])
        .now("2026-11-15T15:30:00Z")
        .ok();
    // 1007 sev1 premium owned by alice: not queued.
    let g = open("2026-11-13T14:00:00Z", "premium", "1", "G owned");
    store
        .run(&["assign", &g.to_string(), "--to", ACTOR])
        .now("2026-11-13T14:05:00Z")
        .ok();
    // 1008 sev1 premium closed while new: not queued.
    let h = open("2026-11-13T14:00:00Z", "premium", "1", "H closed");
    store
        .run(&[
            "close",
            &h.to_string(),
            "--confirmed-by",
            "jane@acme.example",
        ])
        .now("2026-11-13T14:10:00Z")
        .ok();
    // 1009 and 1010 sev4 basic (24h), both opened Sat 09:00 local: Mon
    // 06:00-21:00 is 15h, 9h more from Tue 06:00 -> Tue 15:00 local = 20:00Z.
    // Same severity, due and opening time: the number decides.
    let i = open("2026-11-14T14:00:00Z", "basic", "4", "I sev4 twin");
    let j = open("2026-11-14T14:00:00Z", "basic", "4", "J sev4 twin");
    // 1011 sev4 premium (12h), opened Sun 08:00 local: Mon 06:00 + 12h ->
    // Mon 18:00 local = 23:00Z; opened last but due first of the sev4s.
    let k = open("2026-11-15T13:00:00Z", "premium", "4", "K sev4 due Mon");
    // 1012 sev1 plus, opened Sat 07:00 local, never phoned: waiting, after
    // 1001 (opened earlier).
    let l = open("2026-11-14T12:00:00Z", "plus", "1", "L sev1 no call (Sat)");
    // 1013 sev1 basic (4h, 24x7), opened and phoned Sun 09:00 local -> due
    // Sun 13:00 local = 18:00Z: opened before 1006 but due after it.
    let m = open("2026-11-15T14:00:00Z", "basic", "1", "M sev1 due 18:00Z");
    store
        .run(&["phone", &m.to_string(), "--call", "voicemail"])
        .now("2026-11-15T14:00:00Z")
        .ok();

    let expected = vec![
        Expected {
            number: e,
            due_at: json!("2026-11-15T16:30:00Z"),
        },
        Expected {
            number: m,
            due_at: json!("2026-11-15T18:00:00Z"),
        },
        Expected {
            number: f,
            due_at: Value::Null,
        },
        Expected {
            number: l,
            due_at: Value::Null,
        },
        Expected {
            number: b,
            due_at: json!("2026-11-16T13:00:00Z"),
        },
        Expected {
            number: a,
            due_at: json!("2026-11-16T13:00:00Z"),
        },
        Expected {
            number: c,
            due_at: json!("2026-11-16T14:00:00Z"),
        },
        Expected {
            number: d,
            due_at: json!("2026-11-14T01:00:00Z"),
        },
        Expected {
            number: k,
            due_at: json!("2026-11-16T23:00:00Z"),
        },
        Expected {
            number: i,
            due_at: json!("2026-11-17T20:00:00Z"),
        },
        Expected {
            number: j,
            due_at: json!("2026-11-17T20:00:00Z"),
        },
    ];
    assert_eq!(
        expected.iter().map(|x| x.number).collect::<Vec<_>>(),
        [1006, 1013, 1001, 1012, 1004, 1003, 1002, 1005, 1011, 1009, 1010]
    );
    (store, expected)
}

/// The queue as JSON at `now`.
fn queue_json(store: &Env, now: &str) -> Vec<Value> {
    let run = store.run(&["queue", "--format", "json"]).now(now).ok();
    let value: Value = serde_json::from_str(&run.stdout).expect("queue JSON");
    value.as_array().expect("an array").clone()
}

/// The case numbers of the queue's table, in order.
fn table_numbers(stdout: &str) -> Vec<u64> {
    stdout
        .lines()
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect()
}

#[test]
fn queue_orders_by_severity_then_due_time_then_opening_time() {
    let (store, expected) = fixture();
    let queue = queue_json(&store, NOW);
    let numbers: Vec<u64> = queue
        .iter()
        .map(|q| q["number"].as_u64().unwrap())
        .collect();
    assert_eq!(
        numbers,
        expected.iter().map(|x| x.number).collect::<Vec<_>>()
    );
    for (item, want) in queue.iter().zip(&expected) {
        assert_eq!(
            item["due_at"], want.due_at,
            "due_at of case {}",
            want.number
        );
    }
    let opened = |n: u64| {
        queue
            .iter()
            .find(|q| q["number"] == n)
            .map(|q| q["opened_at"].clone())
            .unwrap()
    };
    assert_eq!(opened(1004), "2026-11-14T15:00:00Z");
    assert_eq!(opened(1003), "2026-11-14T17:00:00Z");
    assert_eq!(queue[0]["severity"], 1);
    assert_eq!(queue[0]["plan"], "premium");
    assert_eq!(queue[0]["region"], "north-america");
    assert_eq!(queue[0]["title"], "E sev1 due 16:30Z");
}

#[test]
fn queue_table_shows_the_due_time_in_local_time_and_sev1_waiting_for_the_call() {
    let (store, expected) = fixture();
    let run = store.run(&["queue"]).now(NOW).ok();
    assert_eq!(
        table_numbers(&run.stdout),
        expected.iter().map(|x| x.number).collect::<Vec<_>>(),
        "{run}"
    );
    let row = |n: u64| {
        run.stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(&n.to_string()))
            .unwrap_or_else(|| panic!("no row for {n}:\n{run}"))
            .to_string()
    };
    assert!(row(1006).contains("2026-11-15 11:30 EST"), "{run}");
    assert!(row(1006).contains("in 30m"), "{run}");
    assert!(row(1001).contains("waiting for the phone call"), "{run}");
    assert!(row(1012).contains("waiting for the phone call"), "{run}");
    assert!(row(1004).contains("2026-11-16 08:00 EST"), "{run}");
    assert!(row(1002).contains("2026-11-16 09:00 EST"), "{run}");
    assert!(row(1005).contains("2026-11-13 20:00 EST"), "{run}");
    assert!(row(1009).contains("2026-11-17 15:00 EST"), "{run}");
    assert!(!run.stdout.contains("G owned"), "{run}");
    assert!(!run.stdout.contains("H closed"), "{run}");
}

#[test]
fn take_without_a_number_takes_the_head_of_the_queue_and_prints_its_number() {
    let (store, _) = fixture();
    let before = store.bytes(&case_file(1013));

    let run = store.run(&["take"]).now(NOW).actor("bob").ok();
    assert_eq!(run.stdout, "1006\n");
    assert!(run.stderr.contains("case 1006: taken by bob"), "{run}");
    assert_eq!(store.field(1006, "owner"), "bob");
    assert_eq!(store.field(1006, "state"), "open");
    let event = store.last_event(1006);
    assert_eq!(event_field(&event, "event"), "assigned");
    assert_eq!(event_field(&event, "by"), "bob");
    assert_eq!(event_field(&event, "owner"), "bob");
    assert_eq!(event_field(&event, "at"), NOW);
    // Only the head was touched.
    assert_eq!(store.bytes(&case_file(1013)), before);

    let run = store.run(&["take"]).now(NOW).actor("carol").ok();
    assert_eq!(run.stdout, "1013\n");
    assert_eq!(store.field(1013, "owner"), "carol");
    // The sev1 waiting for its call is next.
    let run = store.run(&["take"]).now(NOW).actor("dave").ok();
    assert_eq!(run.stdout, "1001\n");

    let numbers: Vec<u64> = queue_json(&store, NOW)
        .iter()
        .map(|q| q["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1012, 1004, 1003, 1002, 1005, 1011, 1009, 1010]);
}

#[test]
fn take_n_takes_that_case_out_of_the_queue() {
    let (store, _) = fixture();
    let run = store.run(&["take", "1009"]).now(NOW).actor("bob").ok();
    assert_eq!(run.stdout, "1009\n");
    assert_eq!(store.field(1009, "owner"), "bob");
    let numbers: Vec<u64> = queue_json(&store, NOW)
        .iter()
        .map(|q| q["number"].as_u64().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [1006, 1013, 1001, 1012, 1004, 1003, 1002, 1005, 1011, 1010]
    );
}

#[test]
fn take_of_a_case_owned_by_someone_else_is_refused_and_writes_nothing() {
    let (store, _) = fixture();
    store
        .run(&["take", "1007"])
        .now(NOW)
        .actor("bob")
        .refused(3)
        .says_why_in_one_line(&[
            "case 1007 is already owned by alice",
            "cases assign 1007 --to NAME",
        ]);
}

#[test]
fn take_on_an_empty_queue_takes_nothing() {
    let store = Env::init();
    let n = store.open_at(
        &NewCase::with_jane_and_raj("premium", "2"),
        "2026-11-16T14:00:00Z",
    );
    store
        .run(&["assign", &n.to_string(), "--to", ACTOR])
        .now("2026-11-16T14:05:00Z")
        .ok();
    assert_eq!(
        queue_json(&store, "2026-11-16T14:10:00Z"),
        Vec::<Value>::new()
    );
    let before = store.store_files();
    let run = store
        .run(&["take"])
        .now("2026-11-16T14:10:00Z")
        .actor("bob")
        .code(1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("the queue is empty"), "{run}");
    assert_eq!(store.store_files(), before);
}

#[test]
fn a_case_reopened_without_an_owner_is_queued_again() {
    let store = Env::init();
    let n = store.open_at(
        &NewCase::with_jane_and_raj("premium", "2"),
        "2026-11-16T14:00:00Z",
    );
    let number = n.to_string();
    store
        .run(&["close", &number, "--confirmed-by", "jane@acme.example"])
        .now("2026-11-16T14:10:00Z")
        .ok();
    assert!(queue_json(&store, "2026-11-16T14:20:00Z").is_empty());
    store
        .run(&["reopen", &number])
        .now("2026-11-16T14:30:00Z")
        .ok();
    assert_eq!(store.field(n, "state"), "new");
    let queue = queue_json(&store, "2026-11-16T14:40:00Z");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["number"], n);
}
