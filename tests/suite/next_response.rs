//! The next-response clock (issue 26): under a policy with
//! `next_response_targets`, each customer message after the first response
//! (a reply, a live call, a voicemail) that is not already owed an answer
//! starts a clock stopped by support's next customer-facing contact, on the
//! severity's calendar, re-targeted like every response clock. Off by
//! default: the bundled policy has no targets and its outputs are as they
//! were. Every instant is exact (business-hour edges, a holiday, a DST
//! change); the property that `report` counts what the clocks say is in
//! `sla_properties`.

use crate::common::{clocks_named, Env, NewCase, DEFAULT_POLICY, NEXT_RESPONSE_POLICY};
use serde_json::{json, Value as Json};

/// The next-response clocks of a `show --format json` value.
fn next_responses(shown: &Json) -> Vec<Json> {
    clocks_named(shown, "next-response")
        .into_iter()
        .cloned()
        .collect()
}

/// A next-response clock as `show` and `sla` print it.
fn next_clock(reply: u64, started: &str, due: &str, stopped: Option<&str>, status: &str) -> Json {
    json!({
        "clock": "next-response",
        "escalation": null,
        "interval": null,
        "reopen": null,
        "reply": reply,
        "started_at": started,
        "due_at": due,
        "stopped_at": stopped,
        "status": status,
    })
}

/// Opens `case` at `opened`, assigns it to alice and answers it
/// (`responded` stops the initial-response clock).
fn answered(env: &Env, case: &NewCase, opened: &str, responded: &str) -> u64 {
    let number = env.open_at(case, opened);
    let n = number.to_string();
    env.run(&["assign", &n, "--to", "alice"]).now(opened).ok();
    env.run(&["respond", &n]).now(responded).ok();
    number
}

#[test]
fn a_reply_after_the_first_response_is_answered_within_the_business_hours_target() {
    let env = Env::with_policy(NEXT_RESPONSE_POLICY);
    // Severity 2 premium, north-america (Mon-Fri 06:00-21:00 Toronto): 4h.
    answered(
        &env,
        &NewCase::default(),
        "2026-11-23T14:05:00Z",
        "2026-11-23T14:30:00Z",
    );
    env.run(&["request-info", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    // Mon 18:30 Toronto: 2h30 left that day, 1h30 from Tue 06:00.
    env.run(&["customer-reply", "1001"])
        .now("2026-11-23T23:30:00Z")
        .ok();
    let due = "2026-11-24T12:30:00Z";
    assert_eq!(
        next_responses(&env.show(1001, due)),
        [next_clock(1, "2026-11-23T23:30:00Z", due, None, "running")]
    );
    assert_eq!(
        next_responses(&env.show(1001, "2026-11-24T12:30:01Z")),
        [next_clock(1, "2026-11-23T23:30:00Z", due, None, "breached")]
    );
    // A response at the due instant is met, and says which clock it stopped.
    env.run(&["respond", "1001"])
        .now(due)
        .ok()
        .stderr_is("case 1001: response recorded (open)\nnext-response clock stopped: met\n");
    assert_eq!(
        next_responses(&env.show(1001, "2026-11-25T00:00:00Z")),
        [next_clock(1, "2026-11-23T23:30:00Z", due, Some(due), "met")]
    );
}

#[test]
fn a_reply_on_christmas_eve_evening_is_due_at_the_end_of_the_next_working_day() {
    let env = Env::with_policy(NEXT_RESPONSE_POLICY);
    let case = NewCase {
        plan: "basic",
        severity: "3",
        ..NewCase::default()
    };
    answered(&env, &case, "2026-12-24T14:00:00Z", "2026-12-24T14:30:00Z");
    // Thu Dec 24 20:00 Toronto: 1h left; Dec 25 is a holiday, then the
    // weekend; Mon Dec 28 06:00-21:00 gives the other 15h of 16h, so it is
    // due exactly at the shift's end, not the next morning.
    env.run(&["customer-reply", "1001"])
        .now("2026-12-25T01:00:00Z")
        .ok();
    let due = "2026-12-29T02:00:00Z";
    assert_eq!(
        next_responses(&env.show(1001, due)),
        [next_clock(1, "2026-12-25T01:00:00Z", due, None, "running")]
    );
    assert_eq!(
        next_responses(&env.show(1001, "2026-12-29T02:00:01Z"))[0]["status"],
        "breached"
    );
}

#[test]
fn a_reply_before_the_clocks_go_back_is_due_in_standard_time() {
    let env = Env::with_policy(NEXT_RESPONSE_POLICY);
    let case = NewCase {
        plan: "plus",
        ..NewCase::default()
    };
    answered(&env, &case, "2026-10-30T13:00:00Z", "2026-10-30T13:30:00Z");
    // Fri Oct 30 20:00 EDT: 1h; Toronto falls back on Sun Nov 1; Mon Nov 2
    // 06:00 EST + 7h = 13:00 EST = 18:00Z (not 17:00Z).
    env.run(&["customer-reply", "1001"])
        .now("2026-10-31T00:00:00Z")
        .ok();
    assert_eq!(
        next_responses(&env.show(1001, "2026-11-02T12:00:00Z")),
        [next_clock(
            1,
            "2026-10-31T00:00:00Z",
            "2026-11-02T18:00:00Z",
            None,
            "running"
        )]
    );
}

/// Severity 3 premium (8h), opened Mon 2026-11-23 09:05 Toronto, answered
/// at 09:20; then a live call, two replies in a row, a response, a
/// voicemail, and a raise to severity 2 (4h) while that voicemail waits.
fn a_day_of_messages(policy: &str) -> Env {
    let env = Env::with_policy(policy);
    let case = NewCase {
        severity: "3",
        ..NewCase::default()
    };
    answered(&env, &case, "2026-11-23T14:05:00Z", "2026-11-23T14:20:00Z");
    let steps: [(&str, &[&str]); 6] = [
        ("2026-11-23T15:00:00Z", &["phone", "1001", "--call", "live"]),
        ("2026-11-23T16:00:00Z", &["customer-reply", "1001"]),
        ("2026-11-23T17:00:00Z", &["customer-reply", "1001"]),
        ("2026-11-23T18:00:00Z", &["respond", "1001"]),
        (
            "2026-11-23T19:00:00Z",
            &["phone", "1001", "--call", "voicemail"],
        ),
        (
            "2026-11-23T20:00:00Z",
            &["severity", "1001", "2", "--customer-agreed"],
        ),
    ];
    for (at, args) in steps {
        env.run(args).now(at).ok();
    }
    env
}

#[test]
fn one_clock_per_unanswered_message_re_targeted_by_a_severity_change() {
    let env = a_day_of_messages(NEXT_RESPONSE_POLICY);
    assert_eq!(
        next_responses(&env.show(1001, "2026-11-23T22:00:00Z")),
        [
            // The live call is answered as it is made (SPEC 3).
            next_clock(
                1,
                "2026-11-23T15:00:00Z",
                "2026-11-23T23:00:00Z",
                Some("2026-11-23T15:00:00Z"),
                "met"
            ),
            // The second reply is owed the same answer: no second clock.
            next_clock(
                2,
                "2026-11-23T16:00:00Z",
                "2026-11-24T00:00:00Z",
                Some("2026-11-23T18:00:00Z"),
                "met"
            ),
            // 14:00 Toronto + 8h would be Tue 07:00 (12:00Z); the raise to
            // severity 2 at 15:00 re-targets it from its start: 18:00.
            next_clock(
                3,
                "2026-11-23T19:00:00Z",
                "2026-11-23T23:00:00Z",
                None,
                "running"
            ),
        ]
    );
    // The CI gate fails on it once it is overdue.
    let out = env
        .run(&["sla", "--check"])
        .now("2026-11-23T23:00:01Z")
        .code(1)
        .clone();
    out.stderr_has("case 1001 next-response #3 due 2026-11-23 18:00 America/Toronto");
    // The report counts what the clocks say, with the next responses'
    // times (0 for the live call, 2h for the reply).
    let report = env
        .run(&["report", "--format", "json"])
        .now("2026-11-23T22:00:00Z")
        .ok()
        .json();
    let total: Vec<&Json> = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["clock"] == "next-response" && row["total"] == true)
        .collect();
    assert_eq!(
        (
            &total[0]["met"],
            &total[0]["running"],
            &total[0]["breached"]
        ),
        (&json!(2), &json!(1), &json!(0))
    );
    assert_eq!(
        report["next_response"],
        json!({
            "count": 2,
            "business": {"median_seconds": 0, "p90_seconds": 7200},
            "wall": {"median_seconds": 0, "p90_seconds": 7200},
        })
    );
}

#[test]
fn off_by_default_the_same_history_has_no_next_response_and_the_outputs_are_as_before() {
    let env = a_day_of_messages(DEFAULT_POLICY);
    let shown = env.show(1001, "2026-11-23T22:00:00Z");
    assert!(next_responses(&shown).is_empty(), "{shown}");
    let sla = env
        .run(&["sla", "--format", "json"])
        .now("2026-11-23T22:00:00Z")
        .ok()
        .stdout
        .clone();
    assert!(
        !sla.contains("next-response") && !sla.contains("\"reply\""),
        "{sla}"
    );
    let report = env
        .run(&["report", "--format", "json"])
        .now("2026-11-23T22:00:00Z")
        .ok()
        .stdout
        .clone();
    assert!(
        !report.contains("next-response") && !report.contains("next_response"),
        "{report}"
    );
    let policy = env.run(&["policy", "show"]).ok().stdout.clone();
    assert!(!policy.contains("next response"), "{policy}");
}

#[test]
fn policy_show_prints_the_next_response_targets() {
    let env = Env::with_policy(NEXT_RESPONSE_POLICY);
    let out = env.run(&["policy", "show", "--format", "json"]).ok().json();
    assert_eq!(
        out["severities"][1]["next_response_targets"],
        json!([
            {"plan": "basic", "target": "8h", "target_seconds": 28800},
            {"plan": "plus", "target": "8h", "target_seconds": 28800},
            {"plan": "premium", "target": "4h", "target_seconds": 14400},
        ])
    );
    let markdown = env
        .run(&["policy", "show", "--format", "markdown"])
        .ok()
        .stdout
        .clone();
    assert!(
        markdown.contains("| severity | initial response - basic | initial response - plus | initial response - premium | next response - basic | next response - plus | next response - premium | clock | starts at |"),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "| 3 minor | 12h | 12h | 6h | 16h | 16h | 8h | region's business hours | opening |"
        ),
        "{markdown}"
    );
}

#[test]
fn targets_on_some_severities_only_are_refused_with_their_place() {
    let policy = NEXT_RESPONSE_POLICY.replacen(
        "    next_response_targets: {basic: 8h, plus: 8h, premium: 4h}\n",
        "",
        1,
    );
    let env = Env::with_policy(&policy);
    env.run(&["check"]).code(1).stdout_is(
        "policy.yaml:33:5: severities[1]: missing next_response_targets: severity 1 has them, so every severity needs them (or remove them all to turn the next-response clock off)\nchecked the policy and 0 case files: 1 problem\n",
    );
    env.run(&["list"])
        .code(4)
        .stderr_has("severities[1]: missing next_response_targets");
    let policy = NEXT_RESPONSE_POLICY.replacen("premium: 4h}", "gold: 4h}", 1);
    let env = Env::with_policy(&policy);
    env.run(&["list"])
        .code(4)
        .stderr_has("severities[1].next_response_targets.gold");
}

#[test]
fn the_example_policy_is_the_default_plus_the_targets() {
    let mut expected = String::new();
    let mut level = 0;
    let targets = [
        "{basic: 4h, plus: 2h, premium: 1h}",
        "{basic: 8h, plus: 8h, premium: 4h}",
        "{basic: 16h, plus: 16h, premium: 8h}",
        "{basic: 24h, plus: 24h, premium: 24h}",
    ];
    for line in DEFAULT_POLICY.lines() {
        if line.starts_with("  - level: ") {
            level += 1;
        }
        expected.push_str(line);
        expected.push('\n');
        if line.starts_with("    response_targets:") {
            if level == 1 {
                expected.push_str("    # After the first response, each customer reply (or call) is answered\n    # within this, on the same calendar; remove every next_response_targets\n    # line to turn the next-response clock off.\n");
            }
            expected.push_str(&format!(
                "    next_response_targets: {}\n",
                targets[level - 1]
            ));
        }
    }
    let without_header = NEXT_RESPONSE_POLICY
        .split_once("#\n# Every number")
        .map(|(_, rest)| format!("# Support policy for `cases`.\n#\n# Every number{rest}"))
        .unwrap();
    assert_eq!(without_header, expected);
}
