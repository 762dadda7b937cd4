//! The store on disk (SPEC section 5): where a case file lives, its exact
//! bytes, append-only history, canonical round trip, and that reading never
//! writes.

use crate::common::{assign_by_hand, case_file, Env, NewCase, T0};
use cases::store::{decode, encode};

/// What `cases new` with the default [`NewCase`] writes at [`T0`].
const GOLDEN_1001: &str = "\
number: 1001
title: Search is slow
account: acme
plan: premium
region: north-america
language: en
severity: 2
state: new
owner: null
contacts:
- Jane Doe <jane@acme.example>
related: []
policy_version: '2026.1'
history:
- at: 2026-11-23T14:05:00Z
  event: created
  by: alice
  title: Search is slow
  account: acme
  plan: premium
  region: north-america
  language: en
  severity: 2
  channel: community
  contacts:
  - Jane Doe <jane@acme.example>
  related: []
  policy_version: '2026.1'
";

#[test]
fn new_writes_exactly_the_golden_bytes() {
    let env = Env::new();
    env.new_case(&NewCase::default())
        .now(T0)
        .actor("alice")
        .ok()
        .stdout_is("1001\n");
    assert_eq!(env.read("cases/001/1001.yaml"), GOLDEN_1001);
    // LF only, one trailing newline.
    let bytes = env.bytes("cases/001/1001.yaml");
    assert!(!bytes.contains(&b'\r'));
    assert!(bytes.ends_with(b"'\n") && !bytes.ends_with(b"\n\n"));
}

#[test]
fn golden_bytes_of_a_severity_1_case_with_every_intake_field() {
    let env = Env::new();
    env.open(&NewCase::default());
    let number = env.open_at(
        &NewCase {
            title: "Portal down",
            account: "globex",
            plan: "basic",
            region: "emea",
            severity: "critical",
            channel: "phone",
            contacts: vec![
                "Bob Martin <bob@globex.example>",
                "Zoe <zoe@globex.example>",
            ],
            language: Some("fr"),
            related: vec!["1001"],
        },
        // An offset on --now is stored as UTC with Z.
        "2026-11-23T16:30:00+01:00",
    );
    assert_eq!(number, 1002);
    assert_eq!(
        env.read("cases/001/1002.yaml"),
        "\
number: 1002
title: Portal down
account: globex
plan: basic
region: emea
language: fr
severity: 1
state: new
owner: null
contacts:
- Bob Martin <bob@globex.example>
- Zoe <zoe@globex.example>
related:
- 1001
policy_version: '2026.1'
history:
- at: 2026-11-23T15:30:00Z
  event: created
  by: alice
  title: Portal down
  account: globex
  plan: basic
  region: emea
  language: fr
  severity: 1
  channel: phone
  contacts:
  - Bob Martin <bob@globex.example>
  - Zoe <zoe@globex.example>
  related:
  - 1001
  policy_version: '2026.1'
- at: 2026-11-23T15:30:00Z
  event: phone-contact
  by: alice
  call: live
"
    );
    // Logged during that live call (SPEC 3, 4): the severity 1 clock
    // started and stopped with it.
    let clock = crate::common::initial_response(&env.show(1002, "2026-11-23T16:00:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-23T15:30:00Z");
    assert_eq!(clock["stopped_at"], "2026-11-23T15:30:00Z");
    assert_eq!(clock["status"], "met");
}

#[test]
fn phone_and_respond_append_exactly_their_events() {
    let env = Env::new();
    env.open(&NewCase::default());
    let file = case_file(1001);
    assert_eq!(env.read(&file), GOLDEN_1001);

    env.run(&[
        "phone",
        "1001",
        "--call",
        "voicemail",
        "--note",
        "Customer walked us through the slowness",
    ])
    .now("2026-11-23T14:20:00Z")
    .actor("bob")
    .ok();
    let after_phone = format!(
        "{GOLDEN_1001}\
- at: 2026-11-23T14:20:00Z
  event: phone-contact
  by: bob
  call: voicemail
  note: Customer walked us through the slowness
"
    );
    assert_eq!(env.read(&file), after_phone);

    env.run(&["respond", "1001", "--message", "We are looking into it"])
        .now("2026-11-23T15:00:00Z")
        .actor("carol")
        .ok();
    let after_respond = format!(
        "{after_phone}\
- at: 2026-11-23T15:00:00Z
  event: responded
  by: carol
  message: We are looking into it
"
    );
    assert_eq!(env.read(&file), after_respond);

    // Without the optional note: at, event, by and the call.
    env.run(&["phone", "1001", "--call", "callback"])
        .now("2026-11-23T15:10:00Z")
        .ok();
    assert_eq!(
        env.read(&file),
        format!("{after_respond}- at: 2026-11-23T15:10:00Z\n  event: phone-contact\n  by: alice\n  call: callback\n")
    );
}

#[test]
fn numbers_are_sequential_from_1001() {
    let env = Env::new();
    for expected in 1001..=1005u64 {
        let number = env.open(&NewCase::default());
        assert_eq!(number, expected);
        assert!(env.exists(&format!("cases/001/{expected}.yaml")));
    }
    let files: Vec<String> = env
        .snapshot()
        .files()
        .into_iter()
        .filter(|f| f.ends_with(".yaml") && f.starts_with("cases/"))
        .collect();
    assert_eq!(
        files,
        [
            "cases/001/1001.yaml",
            "cases/001/1002.yaml",
            "cases/001/1003.yaml",
            "cases/001/1004.yaml",
            "cases/001/1005.yaml",
        ]
    );
}

/// Copies case 1001 to case `number` (its own path, its own number).
fn clone_case_1001(env: &Env, number: u64) {
    let text =
        env.read(&case_file(1001))
            .replacen("number: 1001\n", &format!("number: {number}\n"), 1);
    env.write(&case_file(number), text);
}

#[test]
fn the_path_is_the_number_divided_by_1000_in_three_digits() {
    let env = Env::new();
    env.open(&NewCase::default());
    clone_case_1001(&env, 1999);
    env.run(&["check"]).ok();
    assert_eq!(env.open(&NewCase::default()), 2000);
    assert!(env.exists("cases/002/2000.yaml"));
    assert_eq!(env.open(&NewCase::default()), 2001);
    assert!(env.exists("cases/002/2001.yaml"));

    clone_case_1001(&env, 12345);
    assert_eq!(env.open(&NewCase::default()), 12346);
    assert!(env.exists("cases/012/12346.yaml"));
    env.run(&["show", "12346"])
        .ok()
        .stdout_has("case 12346: Search is slow");
    env.run(&["check"]).ok();
}

#[test]
fn concurrent_new_commands_lose_nothing() {
    let env = Env::new();
    let children: Vec<_> = (0..8)
        .map(|_| {
            env.command(&[])
                .env("CASES_NOW", T0)
                .env("CASES_ACTOR", "alice")
                .args(NewCase::default().args())
                .output_async()
        })
        .collect();
    let mut numbers: Vec<u64> = children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("wait for cases new");
            assert!(output.status.success(), "{output:?}");
            String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse()
                .unwrap()
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1001..=1008).collect::<Vec<u64>>());
    for number in numbers {
        let text = env.read(&case_file(number));
        assert_eq!(text, GOLDEN_1001.replacen("1001", &number.to_string(), 1));
    }
    env.run(&["check"]).ok();
}

#[test]
fn concurrent_updates_of_one_case_lose_nothing() {
    let env = Env::new();
    env.open(&NewCase::default());
    let children: Vec<_> = (0..6)
        .map(|i| {
            env.command(&[])
                .env("CASES_NOW", "2026-11-23T14:30:00Z")
                .env("CASES_ACTOR", format!("agent{i}"))
                .args([
                    "phone",
                    "1001",
                    "--call",
                    "voicemail",
                    "--note",
                    &format!("call {i}"),
                ])
                .output_async()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait for cases phone");
        assert!(output.status.success(), "{output:?}");
    }
    let text = env.read(&case_file(1001));
    assert!(text.starts_with(GOLDEN_1001), "{text}");
    for i in 0..6 {
        assert!(
            text.contains(&format!(
                "- at: 2026-11-23T14:30:00Z\n  event: phone-contact\n  by: agent{i}\n  call: voicemail\n  note: call {i}\n"
            )),
            "call {i} is missing:\n{text}"
        );
    }
    assert_eq!(text.matches("event: phone-contact").count(), 6);
    env.run(&["check"]).ok();
}

trait SpawnPiped {
    fn output_async(&mut self) -> std::process::Child;
}

impl SpawnPiped for std::process::Command {
    fn output_async(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn cases")
    }
}

#[test]
fn decode_then_encode_gives_identical_bytes_for_written_files() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase {
        severity: "1",
        region: "emea",
        language: Some("fr"),
        contacts: vec!["A B <a@b.example>", "C D <c@d.example>"],
        related: vec!["1001"],
        ..NewCase::default()
    });
    env.run(&[
        "phone",
        "1002",
        "--call",
        "voicemail",
        "--note",
        "it's: \"quoted\" # not a comment",
    ])
    .now("2026-11-23T14:10:00Z")
    .ok();
    env.run(&["respond", "1002", "--message", "line one\nline two"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    for number in [1001, 1002] {
        let text = env.read(&case_file(number));
        let case = decode(&text).unwrap_or_else(|e| panic!("decode {number}: {e:?}"));
        assert_eq!(encode(&case), text, "case {number}");
        let again = decode(&encode(&case)).expect("decode the encoding");
        assert_eq!(again, case);
    }
}

#[test]
fn titles_that_look_like_other_yaml_types_round_trip() {
    let env = Env::new();
    let titles = [
        "yes",
        "null",
        "~",
        "1002",
        "2026-11-23",
        "- starts with a dash",
        "has: colon",
        "#hash",
        "'single' and \"double\" quotes",
        "Überprüfung läuft 検索",
        "ends with colon:",
        "@at",
        "%percent",
        "a | b > c",
    ];
    for (index, title) in titles.iter().enumerate() {
        let number = 1001 + index as u64;
        let out = env
            .new_case(&NewCase {
                title,
                account: title,
                ..NewCase::default()
            })
            .ok();
        assert_eq!(out.stdout.trim(), number.to_string());
        let text = env.read(&case_file(number));
        let case = decode(&text).unwrap_or_else(|e| panic!("decode {title:?}: {e:?}"));
        assert_eq!(case.header().facts.title, *title);
        assert_eq!(case.header().facts.account, *title);
        assert_eq!(encode(&case), text, "title {title:?}");
        let shown = env
            .run(&["show", &number.to_string(), "--format", "json"])
            .ok();
        assert_eq!(shown.json()["title"], *title);
    }
    env.run(&["check"]).ok();
}

/// A case that went through every kind of event, written by hand in
/// canonical form.
const EVERY_EVENT: &str = "\
number: 1001
title: Search is slow
account: acme
plan: premium
region: north-america
language: en
severity: 1
state: open
owner: bob
contacts:
- Jane Doe <jane@acme.example>
- Zed Zee <zed@acme.example>
related: []
policy_version: '2026.1'
history:
- at: 2026-11-23T14:05:00Z
  event: created
  by: alice
  title: Search is slow
  account: acme
  plan: premium
  region: north-america
  language: en
  severity: 2
  channel: community
  contacts:
  - Jane Doe <jane@acme.example>
  related: []
  policy_version: '2026.1'
- at: 2026-11-23T14:30:00Z
  event: assigned
  by: bob
  owner: bob
- at: 2026-11-23T14:40:00Z
  event: responded
  by: bob
  message: Looking into it
- at: 2026-11-23T14:45:00Z
  event: note
  by: bob
  text: Reproduced on staging
- at: 2026-11-23T15:00:00Z
  event: info-requested
  by: bob
  message: Please send the logs
- at: 2026-11-24T15:00:00Z
  event: follow-up
  by: bob
- at: 2026-11-24T16:00:00Z
  event: customer-replied
  by: bob
  message: Logs attached
- at: 2026-11-24T16:30:00Z
  event: severity-changed
  by: bob
  from: 2
  to: 1
  agreed_by: Jane Doe
- at: 2026-11-24T17:00:00Z
  event: fix-requested
  by: bob
  ticket: DEV-42
- at: 2026-11-25T17:00:00Z
  event: fix-available
  by: bob
  release: 2026.12.1
- at: 2026-11-25T18:00:00Z
  event: escalation-requested
  by: bob
  channel: phone
  requester: Jane Doe
  role: primary-contact
  justification: Production is down
- at: 2026-11-25T18:30:00Z
  event: escalation-reviewed
  by: carol
  note: Called the customer
- at: 2026-11-25T18:45:00Z
  event: escalation-accepted
  by: carol
  manager: carol
  update_every: 4h
- at: 2026-11-25T22:45:00Z
  event: escalation-update
  by: carol
  message: Fix in testing
- at: 2026-11-26T12:00:00Z
  event: escalation-closed
  by: carol
  outcome: root-cause
  summary: Index corruption
- at: 2026-11-26T12:30:00Z
  event: contact-added
  by: bob
  contact: Zed Zee <zed@acme.example>
- at: 2026-11-26T13:00:00Z
  event: closed
  by: bob
  reason: customer-confirmed
  confirmed_by: Jane Doe
- at: 2026-11-27T13:00:00Z
  event: reopened
  by: bob
  reason: Slow again
";

#[test]
fn every_event_kind_round_trips_byte_for_byte() {
    let case = decode(EVERY_EVENT).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(case.history().len(), 18);
    assert_eq!(encode(&case), EVERY_EVENT);

    // The binary agrees: the file is valid and reading it changes nothing.
    let env = Env::new();
    env.write(&case_file(1001), EVERY_EVENT);
    let before = env.snapshot();
    env.run(&["check"]).ok().stdout_has("no problems");
    env.run(&["show", "1001"]).ok();
    env.run(&["show", "1001", "--format", "json"]).ok();
    env.run(&["list"]).ok();
    env.run(&["sla"]).ok();
    env.assert_unchanged(&before);
}

#[test]
fn read_only_commands_leave_every_byte_untouched() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase {
        severity: "1",
        ..NewCase::default()
    });
    env.open(&NewCase::default());
    assign_by_hand(&env, 1003, "2026-11-23T15:00:00Z", "bob");
    let before = env.snapshot();
    for args in [
        &["show", "1001"][..],
        &["show", "1002", "--format", "json"],
        &["list"],
        &["list", "--format", "json"],
        &["list", "--format", "csv", "--state", "open"],
        &["sla"],
        &["sla", "--format", "json"],
        &["sla", "--check"],
        &["sla", "--as-of", "2026-11-23T14:30:00Z"],
        &["check"],
    ] {
        env.run(args).now("2026-11-23T15:30:00Z").ok();
        env.assert_unchanged(&before);
    }
}

#[test]
fn a_refused_or_failed_update_writes_nothing() {
    let env = Env::new();
    env.open(&NewCase::default());
    let before = env.snapshot();
    // An event before the last one is refused by the lifecycle (exit 3).
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:00:00Z")
        .code(3)
        .stderr_has("is before its last event");
    env.assert_unchanged(&before);
    // A missing case.
    env.run(&["phone", "1002", "--call", "voicemail"])
        .code(2)
        .stderr_has("case 1002");
    env.assert_unchanged(&before);
}

#[test]
fn no_temporary_files_are_left_behind() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    let leftovers: Vec<String> = env
        .snapshot()
        .files()
        .into_iter()
        .filter(|f| f.contains(".case-") || f.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

mod property {
    use cases::case::{Case, Contact, Event, EventKind, Facts, Intake};
    use cases::store::{decode, encode};
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn case_with(title: &str, account: &str, message: Option<String>) -> Case {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 14, 5, 0).unwrap();
        let created = Event {
            at,
            by: "alice".into(),
            kind: EventKind::Created(Intake {
                facts: Facts {
                    title: title.into(),
                    account: account.into(),
                    plan: "premium".into(),
                    region: "north-america".into(),
                    language: "en".into(),
                },
                severity: 2,
                channel: "community".into(),
                contacts: vec![Contact::parse("Jane Doe <jane@acme.example>").unwrap()],
                related: vec![],
                policy_version: "2026.1".into(),
            }),
        };
        let mut case = Case::open(1001, created).unwrap();
        case.record(Event {
            at: at + chrono::Duration::minutes(5),
            by: "bob".into(),
            kind: EventKind::Responded { message },
        })
        .unwrap();
        case
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// parse -> write -> parse is byte-identical for any text a user
        /// may type into a title, an account or a message.
        #[test]
        fn encode_decode_encode_is_identical(
            title in "(.|\n|\r){1,40}",
            account in "[\\x00-\\x7f]{1,20}",
            message in proptest::option::of("(\\PC|\n){0,60}"),
        ) {
            let case = case_with(&title, &account, message);
            let text = encode(&case);
            let decoded = decode(&text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
            prop_assert_eq!(&decoded, &case);
            prop_assert_eq!(encode(&decoded), text);
        }
    }
}

/// The bundled sample store (`cases/`, written by `scripts/sample-store.sh`)
/// decodes and re-encodes to exactly its bytes: the event and header tables
/// of `case/schema.rs` keep the format every stored file was written in.
#[test]
fn the_sample_store_decodes_and_reencodes_byte_for_byte() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/001");
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    let mut kinds = std::collections::BTreeSet::new();
    for path in names {
        let text = std::fs::read_to_string(&path).unwrap();
        let case = decode(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
        assert_eq!(encode(&case), text, "{}", path.display());
        kinds.extend(case.history().iter().map(|event| event.kind.name()));
    }
    // The sample exercises most kinds; each of them went through the tables.
    assert!(kinds.len() >= 12, "{kinds:?}");
}
