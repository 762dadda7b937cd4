//! `cases label N --add/--remove`: one `label-added`/`label-removed` event
//! per label, pinned byte for byte in the case file; labels in `show`,
//! `history`, `list` (JSON `labels`, a CSV column), the `--label` filter of
//! `list`, `queue` and `sla`, and `report --by label`. Case files written
//! before labels read the same; refusals write nothing.
//!
//! T0 is Monday 2026-11-23 09:05 EST (14:05Z).

use crate::common::{case_file, Env, NewCase};

fn labelled(env: &Env, number: &str, args: &[&str], now: &str) {
    let mut all = vec!["label", number];
    all.extend(args);
    env.run(&all).now(now).ok();
}

#[test]
fn add_and_remove_are_recorded_one_event_per_label() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.read(&case_file(1001));
    env.run(&["label", "1001", "--add", "indexing,analytics"])
        .now("2026-11-23T15:00:00Z")
        .actor("bob")
        .ok()
        .stdout_is("")
        .stderr_is(
            "case 1001: label added: indexing\n\
             case 1001: label added: analytics\n",
        );
    let added = format!(
        "{before}\
- at: 2026-11-23T15:00:00Z
  event: label-added
  by: bob
  label: indexing
- at: 2026-11-23T15:00:00Z
  event: label-added
  by: bob
  label: analytics
"
    );
    assert_eq!(env.read(&case_file(1001)), added);
    env.run(&[
        "label",
        "1001",
        "--remove",
        "analytics",
        "--add",
        "connectors",
    ])
    .now("2026-11-23T15:10:00Z")
    .ok()
    .stderr_is(
        "case 1001: label added: connectors\n\
             case 1001: label removed: analytics\n",
    );
    assert_eq!(
        env.read(&case_file(1001)),
        format!(
            "{added}\
- at: 2026-11-23T15:10:00Z
  event: label-added
  by: alice
  label: connectors
- at: 2026-11-23T15:10:00Z
  event: label-removed
  by: alice
  label: analytics
"
        )
    );
    env.run(&["check"]).ok();
    let show = env.show(1001, "2026-11-23T15:20:00Z");
    assert_eq!(
        show["labels"],
        serde_json::json!(["connectors", "indexing"])
    );
    env.run(&["show", "1001"])
        .now("2026-11-23T15:20:00Z")
        .ok()
        .stdout_contains("  contacts   Jane Doe <jane@acme.example>\n  labels     connectors, indexing\n  opened")
        .stdout_contains("  2026-11-23 10:10 EST  label-removed by alice (label: analytics)\n");
    assert_eq!(
        show["history"][4],
        serde_json::json!({"at": "2026-11-23T15:10:00Z", "event": "label-removed", "by": "alice", "label": "analytics"})
    );
}

#[test]
fn label_with_format_json_prints_the_case() {
    let env = Env::init();
    env.open(&NewCase::default());
    let out = env
        .run(&["label", "1001", "--add", "search", "--format", "json"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    out.stderr_is("");
    assert_eq!(out.json()["labels"], serde_json::json!(["search"]));
}

#[test]
fn refusals_name_the_argument_and_write_nothing() {
    let env = Env::init();
    env.open(&NewCase::default());
    labelled(&env, "1001", &["--add", "indexing"], "2026-11-23T15:00:00Z");
    let before = env.snapshot();
    let refused = |args: &[&str], code: i32, message: &str| {
        let mut all = vec!["label"];
        all.extend(args);
        env.run(&all)
            .now("2026-11-23T15:30:00Z")
            .refused(code)
            .stdout_is("")
            .stderr_contains(message);
        env.assert_unchanged(&before);
    };
    refused(
        &["1001", "--add", "Indexing"],
        2,
        "invalid value 'Indexing' for '--add <LABEL,...>': a label is lower-case letters, digits and '-', starting with a letter, at most 40 characters, not \"none\" (such as indexing)",
    );
    refused(
        &["1001", "--add", "none"],
        2,
        "invalid value 'none' for '--add <LABEL,...>'",
    );
    refused(
        &["1001", "--add", "a b"],
        2,
        "invalid value 'a b' for '--add <LABEL,...>'",
    );
    refused(
        &["1001", "--remove", ""],
        2,
        "invalid value '' for '--remove <LABEL,...>'",
    );
    refused(
        &["1001"],
        2,
        "cases: error: nothing to do: give --add LABEL or --remove LABEL\n",
    );
    refused(
        &["1001", "--add", "indexing"],
        2,
        "cases: error: case 1001 already has label indexing (--add)\n",
    );
    refused(
        &["1001", "--add", "search", "--remove", "analytics"],
        2,
        "cases: error: case 1001 has no label analytics (--remove; its labels: indexing)\n",
    );
    refused(
        &["1001", "--add", "search", "--remove", "search"],
        2,
        "cases: error: label search is both in --add and in --remove\n",
    );
    refused(&["1002", "--add", "search"], 2, "1002");
}

#[test]
fn a_closed_case_may_be_labelled() {
    let env = Env::init();
    env.open(&NewCase::default());
    env.run(&["close", "1001", "--confirmed-by", "Jane Doe"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    labelled(&env, "1001", &["--add", "billing"], "2026-11-23T15:10:00Z");
    env.run(&["check"]).ok();
    assert_eq!(
        env.show(1001, "2026-11-23T15:20:00Z")["labels"],
        serde_json::json!(["billing"])
    );
}

#[test]
fn a_case_file_without_label_events_reads_as_before() {
    let env = Env::init();
    env.open(&NewCase::default());
    let bytes = env.read(&case_file(1001));
    assert!(!bytes.contains("label"));
    let show = env.show(1001, "2026-11-23T15:00:00Z");
    assert_eq!(show["labels"], serde_json::json!([]));
    // The readable form has no labels line, as before labels existed.
    let text = env.run(&["show", "1001"]).now("2026-11-23T15:00:00Z").ok();
    assert!(!text.stdout.contains("labels"), "{text}");
    assert_eq!(env.read(&case_file(1001)), bytes);
}

#[test]
fn a_hand_edited_label_event_is_checked() {
    let env = Env::init();
    env.open(&NewCase::default());
    labelled(&env, "1001", &["--add", "indexing"], "2026-11-23T15:00:00Z");
    env.replace(&case_file(1001), "label: indexing", "label: Indexing!");
    env.run(&["check"])
        .code(1)
        .stdout_contains("label \"Indexing!\" is not a label name");
    env.replace(&case_file(1001), "label: Indexing!", "label: indexing");
    env.replace(
        &case_file(1001),
        "event: label-added",
        "event: label-removed",
    );
    env.run(&["check"])
        .code(1)
        .stdout_contains("case 1001 has no label indexing");
}

/// Three cases: 1001 indexing, 1002 indexing and analytics, 1003 none.
fn three_cases() -> Env {
    let env = Env::init();
    for title in ["Search is slow", "Charts are empty", "Login fails"] {
        env.open(&NewCase {
            title,
            ..NewCase::default()
        });
    }
    labelled(&env, "1001", &["--add", "indexing"], "2026-11-23T14:30:00Z");
    labelled(
        &env,
        "1002",
        &["--add", "analytics", "--add", "indexing"],
        "2026-11-23T14:30:00Z",
    );
    env
}

fn numbers(env: &Env, args: &[&str]) -> Vec<u64> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = env.run(&all).now("2026-11-23T15:00:00Z").ok();
    let json = out.json();
    let items = json
        .as_array()
        .cloned()
        .unwrap_or_else(|| json["clocks"].as_array().cloned().unwrap_or_default());
    items
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect()
}

#[test]
fn label_filters_list_queue_and_sla_alike() {
    let env = three_cases();
    for command in ["list", "queue", "sla"] {
        assert_eq!(
            numbers(&env, &[command, "--label", "indexing"]),
            [1001, 1002],
            "{command}"
        );
        assert_eq!(
            numbers(&env, &[command, "--label", "analytics"]),
            [1002],
            "{command}"
        );
        assert_eq!(
            numbers(&env, &[command, "--label", "none"]),
            [1003],
            "{command}"
        );
        assert_eq!(
            numbers(&env, &[command, "--label", "analytics,none"]),
            [1002, 1003],
            "{command}"
        );
        assert_eq!(
            numbers(&env, &[command, "-l", "billing"]),
            Vec::<u64>::new(),
            "{command}"
        );
        env.run(&[command, "--label", "Bad"])
            .now("2026-11-23T15:00:00Z")
            .refused(2);
    }
    // Cached and read alike: the second list is served by the scan cache.
    assert_eq!(
        numbers(&env, &["list", "--label", "indexing"]),
        [1001, 1002]
    );
}

#[test]
fn list_shows_labels_in_every_format() {
    let env = three_cases();
    let list = env
        .run(&["list", "--format", "json"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .json();
    assert_eq!(
        list[1]["labels"],
        serde_json::json!(["analytics", "indexing"])
    );
    assert_eq!(list[2]["labels"], serde_json::json!([]));
    env.run(&["list", "--format", "csv"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stdout_is(
            "number,title,account,plan,region,severity,state,owner,labels,opened_at\n\
             1001,Search is slow,acme,premium,north-america,2,new,,indexing,2026-11-23T14:05:00Z\n\
             1002,Charts are empty,acme,premium,north-america,2,new,,analytics;indexing,2026-11-23T14:05:00Z\n\
             1003,Login fails,acme,premium,north-america,2,new,,,2026-11-23T14:05:00Z\n",
        );
    env.run(&["list"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stdout_contains(" 1002    2         premium  north-america  new    -      acme     analytics,indexing  Charts are empty\n")
        .stdout_contains(" 1003    2         premium  north-america  new    -      acme     -                   Login fails\n");
}

#[test]
fn report_by_label_counts_a_case_in_each_of_its_labels() {
    let env = three_cases();
    let report = env
        .run(&[
            "report",
            "--by",
            "label",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-23",
            "--format",
            "json",
        ])
        .now("2026-11-24T12:00:00Z")
        .ok()
        .json();
    let rows: Vec<(serde_json::Value, u64, bool)> = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["clock"] == "initial-response")
        .map(|row| {
            (
                row["label"].clone(),
                row["breached"].as_u64().unwrap()
                    + row["met"].as_u64().unwrap()
                    + row["running"].as_u64().unwrap(),
                row["total"].as_bool().unwrap(),
            )
        })
        .collect();
    // indexing: 1001 and 1002; analytics: 1002; no label: 1003; all: 3
    // (each clock once, though 1002 is in two groups).
    let mut rows = rows;
    rows.sort_by_key(|(label, _, total)| (*total, label.to_string()));
    assert_eq!(
        rows,
        [
            (serde_json::json!("analytics"), 1, false),
            (serde_json::json!("indexing"), 2, false),
            (serde_json::Value::Null, 1, false),
            (serde_json::Value::Null, 3, true),
        ]
    );
    env.run(&[
        "report",
        "--by",
        "label",
        "--since",
        "2026-11-23",
        "--until",
        "2026-11-23",
    ])
    .now("2026-11-24T12:00:00Z")
    .ok()
    .stdout_contains("(no label)");
}
