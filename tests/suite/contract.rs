//! The contract scripts rely on (issue 16): which `--format` each command
//! prints (and the exit 2 for the others, with nothing written), data on
//! stdout and messages on stderr, `--quiet`, the exit code of every command
//! as the README's table gives it, boolean environment variables, and the
//! vocabulary fixes (`sla` with a past `--now`, update clocks named per
//! interval, report bounds).

use serde_json::{json, Value};

use crate::common::{case_file, Env, NewCase, JANE, T0};

/// A store with case 1001 (severity 2, premium, north-america) opened at
/// [`T0`] and assigned to alice at 14:10Z.
fn one_case() -> Env {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env
}

#[test]
fn a_format_a_command_does_not_print_is_refused_before_anything_is_written() {
    let env = one_case();
    for (args, allowed) in [
        (vec!["show", "1001", "--format", "csv"], "table, json"),
        (
            vec!["note", "1001", "--text", "x", "--format", "csv"],
            "table, json",
        ),
        (
            vec!["respond", "1001", "--format", "markdown"],
            "table, json",
        ),
        (vec!["init", ".", "--format", "json"], "table"),
        (vec!["completions", "bash", "--format", "json"], "table"),
        (
            vec!["list", "--format", "html"],
            "table, json, csv, markdown",
        ),
    ] {
        let format = args[args.len() - 1];
        let command = args[0];
        let out = env.run(&args).now("2026-11-23T15:00:00Z").refused(2);
        out.stdout_is("").stderr_is(&format!(
            "cases: error: --format {format} is not available for cases {command} (allowed: {allowed})\n"
        ));
    }
}

#[test]
fn sweep_dry_run_prints_csv_and_markdown_rows() {
    let env = one_case();
    env.run(&["request-info", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    // Follow-up 1 of 2 is due one business day later (Tue 10:00 Toronto).
    let csv = env
        .run(&["sweep", "--dry-run", "--format", "csv"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .stdout
        .clone();
    assert_eq!(
        csv,
        "number,action,due_at,detail\n\
         1001,follow-up-due,2026-11-24T15:00:00Z,follow-up 1 of 2 due 2026-11-24 10:00 America/Toronto\n"
    );
    env.run(&["sweep", "--dry-run", "--format", "markdown"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .stdout_is(
            "| number | action | due_at | detail |\n|---|---|---|---|\n\
             | 1001 | follow-up-due | 2026-11-24T15:00:00Z | follow-up 1 of 2 due 2026-11-24 10:00 America/Toronto |\n",
        );
}

#[test]
fn a_mutation_prints_the_case_as_json_or_its_message_on_stderr() {
    let env = one_case();
    let out = env
        .run(&[
            "note",
            "1001",
            "--text",
            "Asked for logs",
            "--format",
            "json",
        ])
        .now("2026-11-23T15:00:00Z")
        .ok();
    out.stderr_empty();
    let case = out.json();
    let shown = env.show(1001, "2026-11-23T15:00:00Z");
    assert_eq!(case, shown);
    assert_eq!(case["history"][2]["event"], "note");
    assert_eq!(case["history"][2]["text"], "Asked for logs");

    let out = env
        .run(&["respond", "1001"])
        .now("2026-11-23T15:10:00Z")
        .ok();
    out.stdout_is("")
        .stderr_is("case 1001: response recorded (open)\ninitial-response clock stopped: met\n");
    // --quiet: no message; the data (here none) is unchanged.
    env.run(&["follow-up", "1001", "--quiet"])
        .now("2026-11-23T15:20:00Z")
        .code(3);
    env.run(&["note", "1001", "--text", "quiet", "--quiet"])
        .now("2026-11-23T15:20:00Z")
        .ok()
        .stdout_is("")
        .stderr_is("");
    // new and take print the number on stdout, the rest on stderr.
    let out = env
        .new_case(&NewCase {
            severity: "1",
            ..NewCase::default()
        })
        .now("2026-11-23T15:30:00Z")
        .ok();
    out.stdout_is("1002\n")
        .stderr_has("case 1002 is severity 1 (critical): call support now");
    env.new_case(&NewCase {
        severity: "1",
        ..NewCase::default()
    })
    .args(&["-q"])
    .now("2026-11-23T15:31:00Z")
    .ok()
    .stdout_is("1003\n")
    .stderr_is("");
    let taken = env
        .run(&["take", "--format", "json"])
        .now("2026-11-23T15:40:00Z")
        .actor("bob")
        .ok();
    taken.stderr_empty();
    assert_eq!(taken.json()["number"], 1002);
    assert_eq!(taken.json()["owner"], "bob");
}

#[test]
fn take_on_an_empty_queue_exits_1_with_a_message_on_stderr() {
    let env = one_case();
    let out = env.run(&["take"]).now("2026-11-23T15:00:00Z").refused(1);
    out.stdout_is("")
        .stderr_is("cases: the queue is empty: nothing to take\n");
    env.run(&["take", "--quiet"])
        .now("2026-11-23T15:00:00Z")
        .refused(1)
        .stderr_is("");
}

/// Every command's exit codes as the README's table gives them: 0 done,
/// 1 findings, 2 usage, 3 refused, 4 unreadable.
#[test]
fn every_command_exits_as_the_readme_table_says() {
    let env = one_case();
    let at = "2026-11-23T15:00:00Z";
    let cases: Vec<(Vec<&str>, i32)> = vec![
        // 0: done.
        (vec!["show", "1001"], 0),
        (vec!["list"], 0),
        (vec!["queue"], 0),
        (vec!["sla"], 0),
        (vec!["sla", "--check"], 0),
        (vec!["report"], 0),
        (vec!["check"], 0),
        (vec!["sweep", "--dry-run"], 0),
        // 2: usage errors and invalid input.
        (vec!["show", "9999"], 2),
        (vec!["show", "../1001"], 2),
        (vec!["list", "--plan", "gold"], 2),
        (vec!["new", "--title", "x"], 2),
        (vec!["close", "1001"], 2),
        (vec!["severity", "1001", "3"], 2),
        (vec!["severity", "1001", "9", "--customer-agreed"], 2),
        (vec!["assign", "1001"], 2),
        (vec!["note", "1001", "--text", "  "], 2),
        (
            vec![
                "escalate",
                "accept",
                "1001",
                "--manager",
                "M",
                "--update-every",
                "soon",
            ],
            2,
        ),
        (vec!["report", "--since", "yesterday"], 2),
        (vec!["sla", "--at-risk", "soon"], 2),
        (vec!["frobnicate"], 2),
        // 3: refused by the policy or the lifecycle.
        (
            vec!["close", "1001", "--confirmed-by", "nobody@example.com"],
            3,
        ),
        (vec!["reopen", "1001"], 3),
        (vec!["follow-up", "1001"], 3),
        (vec!["fix", "available", "1001", "--release", "1.0"], 3),
        (vec!["escalate", "review", "1001"], 3),
        (vec!["take", "1001"], 3),
        (
            vec![
                "new",
                "--title",
                "t",
                "--account",
                "a",
                "--plan",
                "basic",
                "--region",
                "emea",
                "--severity",
                "2",
                "--channel",
                "email",
                "--contact",
                JANE,
            ],
            3,
        ),
    ];
    for (args, code) in cases {
        // Reads may refresh the scan cache; nothing else may change.
        let _ = env.run(&["list"]).now(at).ok();
        let out = env.run(&args).now(at).refused(code);
        if code != 0 {
            assert!(
                out.stderr.starts_with("cases: error: ") || out.stderr.starts_with("error: "),
                "{out}"
            );
        }
    }
    // 1: findings.
    env.run(&["sla", "--check"])
        .now("2026-11-23T16:06:00Z")
        .code(1);
    env.write(&case_file(1001), "number: [\n");
    env.run(&["check"]).code(1);
    // 4: unreadable store or policy.
    env.run(&["show", "1001"]).refused(4);
    env.run(&["sla"]).refused(4);
    let env = one_case();
    env.write("policy.yaml", "version: [\n");
    env.run(&["list"]).refused(4);
    env.run(&["note", "1001", "--text", "x"]).refused(4);
}

#[test]
fn boolean_environment_variables_take_1_0_true_false_yes_no() {
    let env = one_case();
    for value in ["1", "0", "true", "false", "yes", "no", "YES"] {
        env.run(&["list", "--format", "json"])
            .env("CASES_NO_CACHE", value)
            .ok();
        env.run(&["list", "--format", "json"])
            .env("CASES_COMMIT", value)
            .ok();
    }
    env.run(&["list"])
        .env("CASES_NO_CACHE", "maybe")
        .refused(2)
        .stderr_is(
            "cases: error: CASES_NO_CACHE=\"maybe\" is not a boolean (allowed: 1/0, true/false, yes/no)\n",
        );
    env.run(&["list"])
        .env("CASES_COMMIT", "maybe")
        .refused(2)
        .stderr_has("invalid value 'maybe' for '--commit'");
}

#[test]
fn sla_with_a_past_now_ignores_cases_opened_after_it() {
    let env = one_case();
    env.open_at(&NewCase::default(), "2026-11-24T14:00:00Z");
    env.open_at(&NewCase::default(), "2026-11-25T14:00:00Z");
    let out = env.run(&["sla"]).now("2026-11-23T15:00:00Z").ok();
    out.stdout_has("1 clock on 1 open case at 2026-11-23T15:00:00Z: 0 breached, 0 at risk");
    let json = env
        .run(&["sla", "--format", "json"])
        .now("2026-11-24T15:00:00Z")
        .ok()
        .json();
    let numbers: Vec<&Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["number"])
        .collect();
    assert_eq!(numbers, [&json!(1001), &json!(1002)]);
}

#[test]
fn each_update_interval_of_an_escalation_has_its_own_name() {
    let env = Env::init();
    env.open(&NewCase::default());
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    // Severity 2 is eligible after 2 business days.
    let at = |t: &str| format!("2026-11-25T{t}:00Z");
    env.run(&[
        "escalate",
        "request",
        "1001",
        "--by",
        "Jane Doe",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "Blocked",
        "--resources",
        "Their admin",
    ])
    .now(&at("15:00"))
    .ok();
    env.run(&[
        "escalate",
        "accept",
        "1001",
        "--manager",
        "Mona",
        "--update-every",
        "4h",
    ])
    .now(&at("15:30"))
    .ok();
    env.run(&["escalate", "update", "1001", "--message", "Reproduced"])
        .now(&at("17:00"))
        .ok();
    let shown = env.show(1001, &at("18:00"));
    let names: Vec<(Value, Value, Value)> = shown["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["clock"].clone(),
                c["escalation"].clone(),
                c["interval"].clone(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (json!("initial-response"), Value::Null, Value::Null),
            (json!("escalation-follow-up"), json!(1), Value::Null),
            (json!("escalation-update"), json!(1), json!(1)),
            (json!("escalation-update"), json!(1), json!(2)),
        ]
    );
    let text = env.run(&["show", "1001"]).now(&at("18:00")).ok();
    text.stdout_has("escalation-update #1.1 met")
        .stdout_has("escalation-update #1.2 running");
}

#[test]
fn report_json_says_severity_as_a_number_unowned_as_null_and_totals_apart() {
    let env = one_case();
    env.open(&NewCase {
        severity: "3",
        ..NewCase::default()
    });
    let report = env
        .run(&["report", "--by", "severity,owner", "--format", "json"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .json();
    assert_eq!(report["since"], Value::Null);
    assert_eq!(report["until"], Value::Null);
    assert_eq!(report["evaluated_at"], "2026-11-23T15:00:00Z");
    let rows: Vec<Value> = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["clock"] == "initial-response")
        .map(|r| json!([r["total"], r["severity"], r["owner"], r["running"]]))
        .collect();
    assert_eq!(
        rows,
        [
            json!([true, null, null, 2]),
            json!([false, 2, "alice", 1]),
            json!([false, 3, null, 1]),
        ]
    );
    let until = env
        .run(&["report", "--until", "2026-11-23", "--format", "json"])
        .now("2026-11-24T15:00:00Z")
        .ok()
        .json();
    assert_eq!(until["until"], "2026-11-24T00:00:00Z");
    assert_eq!(until["evaluated_at"], "2026-11-23T23:59:59Z");
}

#[test]
fn csv_instants_are_utc_and_durations_seconds() {
    let env = one_case();
    env.open(&NewCase::default());
    env.run(&["queue", "--format", "csv"])
        .now(T0)
        .ok()
        .stdout_is(
            "number,severity,plan,region,title,opened_at,due_at,stopped_at,remaining_seconds,escalated\n\
             1002,2,premium,north-america,Search is slow,2026-11-23T14:05:00Z,2026-11-23T16:05:00Z,,7200,false\n",
        );
    env.run(&["list", "--format", "csv", "--owner", "none"])
        .ok()
        .stdout_is(
            "number,title,account,plan,region,severity,state,owner,labels,opened_at\n\
             1002,Search is slow,acme,premium,north-america,2,new,,,2026-11-23T14:05:00Z\n",
        );
}
