//! `cases export` (issue 16): every case as one JSON line, as `show`
//! prints it (same clocks), in number order, validated against
//! `schemas/export.schema.json`; `--since`, `--as-of` and a past `--now`;
//! a closed pipe; an unreadable case.

use serde_json::Value;

use crate::common::{case_file, Env, NewCase};
use crate::schemas::{assert_valid, rich, RICH_NOW};

/// The JSON lines `cases export ARGS` prints at `now`.
fn export(env: &Env, now: &str, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["export"];
    all.extend(args);
    let out = env.run(&all).now(now).ok();
    out.stderr_empty();
    assert!(out.stdout.ends_with('\n') || out.stdout.is_empty(), "{out}");
    out.stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}")))
        .collect()
}

fn numbers(lines: &[Value]) -> Vec<u64> {
    lines
        .iter()
        .map(|l| l["number"].as_u64().unwrap())
        .collect()
}

#[test]
fn export_prints_every_case_as_show_does_one_line_each_in_number_order() {
    let env = rich();
    let lines = export(&env, RICH_NOW, &[]);
    assert_eq!(numbers(&lines), (1001..=1009).collect::<Vec<_>>());
    for line in &lines {
        let number = line["number"].as_u64().unwrap();
        assert_valid("export.schema.json", &format!("export line {number}"), line);
        // The same clocks, gates and history as show: one computation.
        assert_eq!(*line, env.show(number, RICH_NOW), "case {number}");
    }
    // --format json is the same; any other format is refused.
    let out = env.run(&["export", "--format", "json"]).now(RICH_NOW).ok();
    assert_eq!(out.stdout.lines().count(), 9);
    env.run(&["export", "--format", "csv"])
        .now(RICH_NOW)
        .refused(2)
        .stdout_is("")
        .stderr_is(
            "cases: error: --format csv is not available for cases export (allowed: json)\n",
        );
}

#[test]
fn export_since_keeps_the_cases_with_an_event_at_or_after_the_instant() {
    let env = rich();
    // 1001 was reopened at 2026-11-26T13:00:00Z, its last event; 1003,
    // 1004 and 1009 were opened on the 30th; the others last changed
    // before the 26th except 1008 (a request on the 27th).
    assert_eq!(
        numbers(&export(
            &env,
            RICH_NOW,
            &["--since", "2026-11-26T13:00:00Z"]
        )),
        [1001, 1003, 1004, 1008, 1009]
    );
    assert_eq!(
        numbers(&export(
            &env,
            RICH_NOW,
            &["--since", "2026-11-26T13:00:01Z"]
        )),
        [1003, 1004, 1008, 1009]
    );
    // A date is its 00:00 UTC.
    assert_eq!(
        numbers(&export(&env, RICH_NOW, &["--since", "2026-11-30"])),
        [1003, 1004, 1009]
    );
    assert!(export(&env, RICH_NOW, &["--since", "2026-12-01"]).is_empty());
    env.run(&["export", "--since", "yesterday"])
        .now(RICH_NOW)
        .refused(2)
        .stderr_has("--since");
}

#[test]
fn export_as_of_replays_the_store_and_a_past_now_leaves_out_later_cases() {
    let env = rich();
    // On 2026-11-24 at 12:00: 1001 had its call and owner, not yet its
    // escalation (requested at 15:00); the cases opened later (1002 at
    // 14:00 that day, 1003, 1004 and 1009 on the 30th) are left out.
    let lines = export(&env, RICH_NOW, &["--as-of", "2026-11-24T12:00:00Z"]);
    assert_eq!(numbers(&lines), [1001, 1005, 1006, 1007, 1008]);
    let first = &lines[0];
    assert_eq!(first["state"], "open");
    assert_eq!(first["history"].as_array().unwrap().len(), 3);
    assert_eq!(first["escalations"], Value::Array(vec![]));
    assert_eq!(first["clocks"][0]["status"], "met");
    assert_eq!(first["clocks"].as_array().unwrap().len(), 1);
    // A past --now without --as-of: clocks at that instant, cases opened
    // after it left out, histories whole (as show prints them).
    let lines = export(&env, "2026-11-24T12:00:00Z", &[]);
    assert_eq!(numbers(&lines), [1001, 1005, 1006, 1007, 1008]);
    assert_eq!(lines[0], env.show(1001, "2026-11-24T12:00:00Z"));
}

#[test]
fn export_of_an_empty_store_prints_nothing() {
    let env = Env::new();
    env.run(&["export"]).ok().stdout_is("").stderr_is("");
}

#[test]
fn export_into_a_closed_pipe_ends_quietly() {
    let env = rich();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} export | head -n 1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
            crate::common::BIN
        ))
        .current_dir(env.root())
        .env("CASES_NOW", RICH_NOW)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn export_stops_with_exit_4_at_a_case_file_it_cannot_read() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase::default());
    env.write(&case_file(1002), "number: 1002\ntitle: [\n");
    let out = env.run(&["export"]).code(4);
    // The line before it was printed; the error names the file.
    assert_eq!(out.stdout.lines().count(), 1);
    out.stderr_has("cases/001/1002.yaml");
}

/// The header of an import file with every column.
const HEADER: &str =
    "title,account,plan,region,severity,channel,contacts,opened_at,owner,first_response_at\n";

/// `cases import FILE ARGS` at [`RICH_NOW`] of `text` written to `FILE`.
fn import<'a>(env: &'a Env, file: &str, text: &str, args: &[&str]) -> crate::common::Run<'a> {
    env.write(file, text);
    let mut all = vec!["import", file];
    all.extend(args);
    env.run(&all).now(RICH_NOW)
}

#[test]
fn an_imported_case_is_written_as_new_would_with_its_own_opening_and_response() {
    let env = Env::new();
    let csv = format!(
        "{HEADER}Search is slow,Acme Corp,premium,north-america,2,community,\
         Jane Doe <jane@acme.example>; Raj Patel <raj@acme.example>,2026-11-20T14:00:00Z,alice,2026-11-20T15:30:00Z\n"
    );
    import(&env, "open.csv", &csv, &[])
        .ok()
        .stdout_is("imported 1 case: 1001\n")
        .stderr_is("");
    assert_eq!(
        env.read(&case_file(1001)),
        "number: 1001
title: Search is slow
account: Acme Corp
plan: premium
region: north-america
language: en
severity: 2
state: open
owner: alice
contacts:
- Jane Doe <jane@acme.example>
- Raj Patel <raj@acme.example>
related: []
policy_version: '2026.1'
history:
- at: 2026-11-20T14:00:00Z
  event: created
  by: alice
  title: Search is slow
  account: Acme Corp
  plan: premium
  region: north-america
  language: en
  severity: 2
  channel: community
  contacts:
  - Jane Doe <jane@acme.example>
  - Raj Patel <raj@acme.example>
  related: []
  policy_version: '2026.1'
- at: 2026-11-20T14:00:00Z
  event: assigned
  by: alice
  owner: alice
- at: 2026-11-20T15:30:00Z
  event: responded
  by: alice
"
    );
}

#[test]
fn imported_cases_opened_in_the_past_have_the_clocks_of_their_history() {
    let env = Env::new();
    env.open_at(&NewCase::default(), "2026-11-23T14:05:00Z");
    // Friday 2026-11-20 09:00 Toronto: premium sev2 is due in 2 business
    // hours; answered at 10:30 (met), never answered (breached since),
    // and a severity 3 basic case in emea opened on Saturday: its business
    // hours start Monday 11:00 GMT, due 12 of them later, still running.
    let csv = format!(
        "{HEADER}\
         Answered,Acme,premium,north-america,2,community,Jane Doe <jane@acme.example>,2026-11-20T14:00:00Z,alice,2026-11-20T15:30:00Z\n\
         Never answered,Acme,premium,north-america,major,community,Jane Doe <jane@acme.example>,2026-11-20T14:00:00Z,,\n\
         Weekend,Nordlys,basic,emea,3,community,Ola <ola@nordlys.example>,2026-11-28T10:00:00Z,,\n"
    );
    let out = import(&env, "open.csv", &csv, &["--format", "json"]).ok();
    let summary = out.json();
    crate::schemas::assert_valid("import.schema.json", "import summary", &summary);
    assert_eq!(
        summary,
        serde_json::json!({"dry_run": false, "count": 3, "cases": [
            {"line": 2, "number": 1002}, {"line": 3, "number": 1003}, {"line": 4, "number": 1004}]})
    );
    let clock = |number: u64| env.show(number, RICH_NOW)["clocks"][0].clone();
    assert_eq!(
        clock(1002),
        serde_json::json!({"clock": "initial-response", "escalation": null, "interval": null,
            "reopen": null, "started_at": "2026-11-20T14:00:00Z", "due_at": "2026-11-20T16:00:00Z",
            "stopped_at": "2026-11-20T15:30:00Z", "status": "met"})
    );
    assert_eq!(clock(1003)["due_at"], "2026-11-20T16:00:00Z");
    assert_eq!(clock(1003)["status"], "breached");
    assert_eq!(clock(1004)["started_at"], "2026-11-28T10:00:00Z");
    assert_eq!(clock(1004)["due_at"], "2026-11-30T23:00:00Z");
    assert_eq!(clock(1004)["status"], "running");
    assert_eq!(env.show(1003, RICH_NOW)["state"], "new");
    assert_eq!(env.show(1003, RICH_NOW)["owner"], Value::Null);
    // sla counts them like any case.
    let sla = env.run(&["sla", "--check"]).now(RICH_NOW).code(1);
    sla.stderr_has("case 1003 initial-response due");
}

#[test]
fn a_bad_row_anywhere_leaves_the_store_byte_identical_and_every_bad_row_is_named() {
    let good = "Fine,Acme,premium,north-america,2,community,Jane Doe <jane@acme.example>,2026-11-20T14:00:00Z,,\n";
    let bad_plan = "Bad,Acme,gold,north-america,2,community,Jane Doe <jane@acme.example>,2026-11-20T14:00:00Z,,\n";
    let bad_contact = "Bad,Acme,plus,emea,2,community,jane@acme.example,2026-11-20T14:00:00Z,,\n";
    let leap =
        "Bad,Acme,plus,emea,2,community,Jane Doe <jane@acme.example>,2016-12-31T23:59:60Z,,\n";
    for (rows, expected) in [
        (
            vec![bad_plan, good, good],
            vec!["line 2: plan \"gold\" is not a plan (allowed: basic, plus, premium)"],
        ),
        (
            vec![good, bad_contact, good],
            vec!["line 3: contact \"jane@acme.example\" is not a contact (allowed: \"Name <email>\")"],
        ),
        (
            vec![good, good, bad_plan, leap],
            vec![
                "line 4: plan \"gold\" is not a plan (allowed: basic, plus, premium)",
                "line 5: opened_at \"2016-12-31T23:59:60Z\": ",
            ],
        ),
    ] {
        let env = Env::new();
        env.open_at(&NewCase::default(), "2026-11-23T14:05:00Z");
        let csv = format!("{HEADER}{}", rows.concat());
        env.write("open.csv", &csv);
        let out = env.run(&["import", "open.csv"]).now(RICH_NOW).refused(2);
        out.stdout_is("");
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), expected.len() + 1, "{out}");
        for (line, expected) in lines.iter().zip(&expected) {
            assert!(
                line.starts_with(&format!("cases: error: open.csv: {expected}")),
                "{line:?} is not {expected:?}"
            );
        }
        let problems = if expected.len() == 1 { "1 problem".to_string() } else { format!("{} problems", expected.len()) };
        assert_eq!(
            lines[expected.len()],
            format!("cases: error: open.csv: {problems} (each above); nothing was imported")
        );
        assert!(!env.exists(&case_file(1002)));
    }
}

#[test]
fn a_file_that_is_not_a_table_of_cases_is_refused_with_the_line_and_column() {
    let env = Env::new();
    for (text, message) in [
        (
            "title,account,plan,region,severity,channel,contacts,opened_at,priority\n",
            "line 1: \"priority\" is not a column (allowed: title, account, plan, region, severity, channel, contacts, opened_at, language, related, owner, first_response_at)",
        ),
        (
            "title,account,plan,region,severity,channel,contacts\n",
            "line 1: no column opened_at (required: title, account, plan, region, severity, channel, contacts, opened_at)",
        ),
        (
            "title,account,plan,region,severity,channel,contacts,opened_at\nA,B,plus\n",
            "line 2: 3 fields where the header has 8",
        ),
        (
            "{\"title\": \"A\", \"titel\": \"B\"}\n",
            "line 1: \"titel\" is not a column",
        ),
        ("{\"title\": \"A\"\n", "line 1: not JSON: "),
        ("{\"title\": \"A\"}\n[1]\n", "line 1: account is missing"),
    ] {
        env.write("in.txt", text);
        let out = env.run(&["import", "in.txt"]).now(RICH_NOW).refused(2);
        out.stderr_has(&format!("cases: error: in.txt: {message}"));
    }
    env.write("in.txt", b"title\n\xff\n".as_slice());
    env.run(&["import", "in.txt"])
        .now(RICH_NOW)
        .refused(2)
        .stderr_is("cases: error: in.txt: not UTF-8 text (byte 6)\n");
    env.run(&["import", "missing.csv"])
        .now(RICH_NOW)
        .refused(2)
        .stderr_has("missing.csv");
}

#[test]
fn import_reads_json_lines_from_standard_input_and_a_dry_run_writes_nothing() {
    let env = Env::new();
    let lines = concat!(
        r#"{"title": "Down", "account": "Globex", "plan": "plus", "region": "emea", "severity": 1, "channel": "phone", "contacts": ["Ola <ola@globex.example>"], "opened_at": "2026-11-27T10:00:00Z"}"#,
        "\n\n",
        r#"{"title": "Slow", "account": "Globex", "plan": "plus", "region": "emea", "severity": "minor", "channel": "community", "contacts": "Ola <ola@globex.example>", "opened_at": "2026-11-27T11:00:00Z", "language": "fr", "owner": null}"#,
        "\n"
    );
    let before = env.snapshot();
    let mut command = env.command(&["import", "-", "--dry-run"]);
    let out = run_with_stdin(&mut command, lines);
    assert_eq!(
        out,
        (
            "would import 2 cases: 1001-1002\n".to_string(),
            String::new(),
            0
        )
    );
    env.assert_unchanged(&before);
    let mut command = env.command(&["import", "-", "--format", "json"]);
    let (stdout, stderr, code) = run_with_stdin(&mut command, lines);
    assert_eq!((stderr.as_str(), code), ("", 0));
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        summary["cases"],
        serde_json::json!([{"line": 1, "number": 1001}, {"line": 3, "number": 1002}])
    );
    // Logged by phone: the live call with the opening answered it, as with new.
    let down = env.show(1001, RICH_NOW);
    assert_eq!(down["history"][1]["event"], "phone-contact");
    assert_eq!(down["clocks"][0]["status"], "met");
    assert_eq!(env.show(1002, RICH_NOW)["language"], "fr");
    assert_eq!(env.show(1002, RICH_NOW)["severity"], 3);
}

/// Runs `command` with `input` on its standard input: (stdout, stderr, exit code).
fn run_with_stdin(command: &mut std::process::Command, input: &str) -> (String, String, i32) {
    use std::io::Write;
    let mut child = command
        .env("CASES_NOW", RICH_NOW)
        .env("CASES_ACTOR", "alice")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap_or(-1),
    )
}

/// An export line as an import row: the columns import takes, from the
/// case (the channel from its `created` event, the first response from
/// its first `responded`).
fn as_import_row(line: &Value) -> Value {
    let history = line["history"].as_array().unwrap();
    let first_response = history
        .iter()
        .find(|e| e["event"] == "responded")
        .map_or(Value::Null, |e| e["at"].clone());
    serde_json::json!({
        "title": line["title"], "account": line["account"], "plan": line["plan"],
        "region": line["region"], "language": line["language"], "severity": line["severity"],
        "channel": history[0]["channel"], "contacts": line["contacts"],
        "opened_at": line["opened_at"], "owner": line["owner"],
        "first_response_at": first_response,
    })
}

#[test]
fn three_cases_exported_then_imported_into_another_store_have_the_same_header_and_first_clock() {
    let source = Env::new();
    let phone = NewCase {
        severity: "1",
        channel: "phone",
        region: "emea",
        plan: "plus",
        ..NewCase::default()
    };
    source.open_at(&NewCase::default(), "2026-11-23T14:05:00Z");
    source
        .run(&["assign", "1001", "--to", "bob"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    source
        .run(&["respond", "1001"])
        .now("2026-11-23T17:00:00Z")
        .ok();
    source.open_at(&phone, "2026-11-24T09:00:00Z");
    source.open_at(
        &NewCase {
            severity: "3",
            plan: "basic",
            ..NewCase::default()
        },
        "2026-11-25T20:00:00Z",
    );
    let exported = export(&source, RICH_NOW, &[]);
    assert_eq!(exported.len(), 3);
    let rows: String = exported
        .iter()
        .map(|line| format!("{}\n", as_import_row(line)))
        .collect();
    let target = Env::new();
    import(&target, "cases.jsonl", &rows, &[])
        .ok()
        .stdout_is("imported 3 cases: 1001-1003\n");
    let again = export(&target, RICH_NOW, &[]);
    let header = |line: &Value| {
        let mut fields = serde_json::Map::new();
        for key in [
            "number",
            "title",
            "account",
            "plan",
            "region",
            "language",
            "severity",
            "state",
            "owner",
            "contacts",
            "related",
            "policy_version",
            "opened_at",
        ] {
            fields.insert(key.into(), line[key].clone());
        }
        fields.insert("initial-response".into(), line["clocks"][0].clone());
        Value::Object(fields)
    };
    for (before, after) in exported.iter().zip(&again) {
        assert_eq!(header(before), header(after));
    }
    assert_eq!(again[0]["clocks"][0]["status"], "breached");
    assert_eq!(again[1]["clocks"][0]["status"], "met");
    assert_eq!(again[2]["clocks"][0]["status"], "breached");
}
