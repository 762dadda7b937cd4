//! The published JSON Schemas (`schemas/`, issue 16): every command's JSON
//! output validates against its schema, on the bundled sample store and on
//! a richer store built here (escalations in every state, breached, at-risk
//! and waiting clocks, reopened and closed cases, unowned cases, a case
//! file with problems), so the optional fields are exercised; and a field
//! added anywhere in an output, or an event kind added to the case file,
//! fails until its schema says so.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{Env, NewCase, JANE, RAJ};

/// The repository's `schemas/` directory.
fn schemas_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

/// One schema file, parsed.
pub fn schema(name: &str) -> Value {
    let path = schemas_dir().join(name);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Serves `$ref`s to the other schema files (`case.schema.json#/$defs/...`)
/// from `schemas/`, by the file name their `$id` ends with.
struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri.path().as_str().rsplit('/').next().unwrap_or_default();
        let text = std::fs::read_to_string(schemas_dir().join(name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// The validator of `schemas/<name>`.
pub fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(SchemaFiles)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} is not a valid schema: {e}"))
}

/// Every error of `value` against `schemas/<name>`, one per line.
fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Asserts `value` (what `what` printed) is valid against `schemas/<name>`.
#[track_caller]
pub fn assert_valid(name: &str, what: &str, value: &Value) {
    let found = errors(&validator(name), value);
    assert!(
        found.is_empty(),
        "{what} does not match schemas/{name}:\n{}\n{}",
        found.join("\n"),
        serde_json::to_string_pretty(value).unwrap()
    );
}

/// Every JSON pointer to an object inside `value` (the root too).
fn object_pointers(value: &Value, at: String, found: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            found.push(at.clone());
            for (key, field) in fields {
                let key = key.replace('~', "~0").replace('/', "~1");
                object_pointers(field, format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                object_pointers(item, format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Asserts that `schemas/<name>` refuses `value` with a field added to
/// any one of its objects (all but the maps at `open`: pointers whose
/// keys are data, such as a report's count per outcome): an output that
/// gains a field fails until its schema has it.
#[track_caller]
fn assert_closed(name: &str, what: &str, value: &Value, open: &[&str]) {
    let validator = validator(name);
    let mut pointers = Vec::new();
    object_pointers(value, String::new(), &mut pointers);
    assert!(!pointers.is_empty(), "{what}: no object to check");
    for pointer in pointers {
        if open.contains(&pointer.as_str()) {
            continue;
        }
        let mut grown = value.clone();
        grown
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
            .unwrap()
            .insert("unexpected_field".into(), Value::Bool(true));
        assert!(
            !errors(&validator, &grown).is_empty(),
            "schemas/{name} accepts {what} with a field added at {pointer:?}"
        );
    }
}

/// The maps of `report --format json` whose keys are data.
const REPORT_MAPS: &[&str] = &[
    "/escalation_outcomes",
    "/what_if/escalation_outcomes",
    "/backlog/by_state",
    "/what_if/backlog/by_state",
];

/// Every JSON output of `env` at `now`, with the schema it follows and
/// the maps (pointers) whose keys are data: show of every case in
/// `numbers`, list, sla (with --at-risk), queue, report (grouped, and
/// with --what-if), check, sweep --dry-run and policy show.
fn outputs(
    env: &Env,
    now: &str,
    numbers: &[u64],
) -> Vec<(String, &'static str, Value, Vec<&'static str>)> {
    let mut found = Vec::new();
    let mut take = |args: &[&str], schema: &'static str, open: &[&'static str]| {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = env.run(&all).now(now).output();
        assert!(
            out.code == 0 || (args[0] == "check" && out.code == 1),
            "{out}"
        );
        found.push((
            format!("cases {}", all.join(" ")),
            schema,
            out.json(),
            open.to_vec(),
        ));
    };
    for number in numbers {
        take(&["show", &number.to_string()], "case.schema.json", &[]);
    }
    take(&["list"], "list.schema.json", &[]);
    take(&["sla", "--at-risk", "8h"], "sla.schema.json", &[]);
    take(
        &["sla", "--as-of", "2026-11-24T12:00:00Z"],
        "sla.schema.json",
        &[],
    );
    take(&["queue"], "queue.schema.json", &[]);
    take(&["report"], "report.schema.json", REPORT_MAPS);
    take(
        &["report", "--by", "owner,severity,plan,region"],
        "report.schema.json",
        REPORT_MAPS,
    );
    take(
        &["report", "--by", "severity", "--what-if", "policy.yaml"],
        "report.schema.json",
        REPORT_MAPS,
    );
    take(&["check"], "check.schema.json", &[]);
    take(&["sweep", "--dry-run"], "sweep.schema.json", &[]);
    take(&["policy", "show"], "policy-show.schema.json", &[]);
    // The customer status view of the first case's account.
    let list = env.run(&["list", "--format", "json"]).now(now).ok().json();
    let account = list[0]["account"].as_str().unwrap().to_string();
    take(
        &["status", "--account", &account],
        "status.schema.json",
        &[],
    );
    take(
        &["status", "--account", &account, "--closed-within", "365d"],
        "status.schema.json",
        &[],
    );
    found
}

/// The instant the rich store is read at: Monday 2026-11-30 15:00 UTC.
pub const RICH_NOW: &str = "2026-11-30T15:00:00Z";

/// Runs `cases args` at `now` as alice and asserts it succeeded.
fn act(env: &Env, now: &str, args: &[&str]) {
    env.run(args).now(now).ok();
}

/// Runs `cases escalate SUB NUMBER extra...` at `now` (see [`act`]).
fn escalate(env: &Env, number: u64, sub: &str, now: &str, extra: &[&str]) {
    let number = number.to_string();
    let mut args = vec!["escalate", sub, number.as_str()];
    args.extend(extra);
    act(env, now, &args);
}

/// A store exercising every optional field of the outputs, read at
/// [`RICH_NOW`]:
///
/// - 1001 sev1 premium: a live call, an escalation requested, reviewed,
///   accepted, updated and closed (root-cause); closed with the
///   customer's agreement, then reopened: its reopen-response clock is
///   breached.
/// - 1002 sev2 plus, owned by bob, never answered: initial-response breached.
/// - 1003 sev3 basic emea, unowned and new: running.
/// - 1004 sev1, unowned, no phone contact yet: its clock is waiting.
/// - 1005 sev2 premium: severity raised to 1, a fix requested and made
///   available, contacts added and removed, an escalation declined, a
///   second one de-escalated, a voicemail; closed.
/// - 1006 sev3 plus: waiting on the customer with both follow-ups made
///   (the sweep would close it).
/// - 1007 sev2 premium: waiting on the customer under an accepted
///   escalation (auto-close is blocked by it).
/// - 1008 sev4 basic: waiting on the customer, the first follow-up due.
/// - 1009 sev2 premium opened at 14:30: its clock is at risk within 8h.
pub fn rich() -> Env {
    let env = Env::new();
    let open = |case: NewCase, at: &str| env.open_at(&case, at);
    let sev1 = NewCase {
        severity: "1",
        contacts: vec![JANE, RAJ],
        ..NewCase::default()
    };
    let a = open(sev1.clone(), "2026-11-23T14:05:00Z");
    act(
        &env,
        "2026-11-23T14:10:00Z",
        &["phone", "1001", "--call", "live"],
    );
    act(
        &env,
        "2026-11-23T14:20:00Z",
        &["assign", "1001", "--to", "alice"],
    );
    escalate(
        &env,
        a,
        "request",
        "2026-11-24T15:00:00Z",
        &[
            "--by",
            "Jane Doe",
            "--role",
            "primary-contact",
            "--channel",
            "community",
            "--justification",
            "Production down",
            "--resources",
            "Raj for logs",
        ],
    );
    escalate(&env, a, "review", "2026-11-24T15:20:00Z", &[]);
    escalate(
        &env,
        a,
        "accept",
        "2026-11-24T15:30:00Z",
        &["--manager", "Mona", "--update-every", "4h"],
    );
    escalate(
        &env,
        a,
        "update",
        "2026-11-24T18:00:00Z",
        &["--message", "Patch in test"],
    );
    escalate(
        &env,
        a,
        "close",
        "2026-11-25T12:00:00Z",
        &[
            "--outcome",
            "root-cause",
            "--summary",
            "Index corruption found",
        ],
    );
    act(
        &env,
        "2026-11-25T13:00:00Z",
        &["close", "1001", "--confirmed-by", JANE],
    );
    act(
        &env,
        "2026-11-26T13:00:00Z",
        &["reopen", "1001", "--reason", "It came back"],
    );

    open(
        NewCase {
            plan: "plus",
            ..NewCase::default()
        },
        "2026-11-24T14:00:00Z",
    );
    act(
        &env,
        "2026-11-24T14:30:00Z",
        &["assign", "1002", "--to", "bob"],
    );
    open(
        NewCase {
            severity: "3",
            plan: "basic",
            region: "emea",
            ..NewCase::default()
        },
        "2026-11-30T09:00:00Z",
    );
    open(sev1, "2026-11-30T14:00:00Z");

    open(NewCase::default(), "2026-11-23T15:00:00Z");
    act(
        &env,
        "2026-11-23T15:10:00Z",
        &["assign", "1005", "--to", "carol"],
    );
    act(
        &env,
        "2026-11-23T15:20:00Z",
        &["respond", "1005", "--message", "Looking"],
    );
    act(
        &env,
        "2026-11-23T15:30:00Z",
        &[
            "severity",
            "1005",
            "1",
            "--customer-agreed",
            "--agreed-by",
            JANE,
        ],
    );
    act(
        &env,
        "2026-11-23T15:40:00Z",
        &[
            "phone",
            "1005",
            "--call",
            "voicemail",
            "--note",
            "Left a message",
        ],
    );
    act(
        &env,
        "2026-11-23T15:50:00Z",
        &["contact", "add", "1005", RAJ],
    );
    act(
        &env,
        "2026-11-23T15:55:00Z",
        &["contact", "remove", "1005", RAJ],
    );
    act(
        &env,
        "2026-11-23T16:00:00Z",
        &["note", "1005", "--text", "Internal"],
    );
    act(
        &env,
        "2026-11-23T16:10:00Z",
        &["fix", "request", "1005", "--ticket", "DEV-1"],
    );
    act(
        &env,
        "2026-11-23T16:20:00Z",
        &["fix", "available", "1005", "--release", "9.1"],
    );
    let request = [
        "--by",
        "Jane Doe",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "Blocks release",
        "--resources",
        "Jane",
    ];
    escalate(&env, 1005, "request", "2026-11-24T16:00:00Z", &request);
    escalate(
        &env,
        1005,
        "decline",
        "2026-11-24T16:30:00Z",
        &["--explanation", "Fix available"],
    );
    escalate(&env, 1005, "request", "2026-11-24T17:00:00Z", &request);
    escalate(&env, 1005, "review", "2026-11-24T17:10:00Z", &[]);
    escalate(
        &env,
        1005,
        "accept",
        "2026-11-24T17:20:00Z",
        &["--manager", "Mona", "--update-every", "1d"],
    );
    escalate(
        &env,
        1005,
        "de-escalate",
        "2026-11-24T18:00:00Z",
        &["--reason", "Customer is fine"],
    );
    act(
        &env,
        "2026-11-24T18:10:00Z",
        &["close", "1005", "--confirmed-by", JANE],
    );

    open(
        NewCase {
            severity: "3",
            plan: "plus",
            ..NewCase::default()
        },
        "2026-11-16T14:00:00Z",
    );
    act(
        &env,
        "2026-11-16T14:10:00Z",
        &["assign", "1006", "--to", "alice"],
    );
    act(&env, "2026-11-16T14:20:00Z", &["request-info", "1006"]);
    act(&env, "2026-11-18T14:20:00Z", &["follow-up", "1006"]);
    act(&env, "2026-11-20T14:20:00Z", &["follow-up", "1006"]);

    open(NewCase::default(), "2026-11-16T14:00:00Z");
    act(
        &env,
        "2026-11-16T14:10:00Z",
        &["assign", "1007", "--to", "alice"],
    );
    act(&env, "2026-11-16T14:20:00Z", &["respond", "1007"]);
    act(
        &env,
        "2026-11-18T15:00:00Z",
        &[
            "escalate",
            "request",
            "1007",
            "--by",
            "Jane Doe",
            "--role",
            "primary-contact",
            "--channel",
            "community",
            "--justification",
            "Slow",
            "--resources",
            "Jane",
        ],
    );
    act(
        &env,
        "2026-11-18T15:10:00Z",
        &["escalate", "review", "1007"],
    );
    act(
        &env,
        "2026-11-18T15:20:00Z",
        &[
            "escalate",
            "accept",
            "1007",
            "--manager",
            "Mona",
            "--update-every",
            "1d",
        ],
    );
    act(&env, "2026-11-18T16:00:00Z", &["request-info", "1007"]);
    act(&env, "2026-11-19T16:00:00Z", &["follow-up", "1007"]);
    act(&env, "2026-11-20T16:00:00Z", &["follow-up", "1007"]);

    open(
        NewCase {
            severity: "4",
            plan: "basic",
            ..NewCase::default()
        },
        "2026-11-23T14:00:00Z",
    );
    act(
        &env,
        "2026-11-23T14:10:00Z",
        &["assign", "1008", "--to", "bob"],
    );
    act(&env, "2026-11-23T14:20:00Z", &["request-info", "1008"]);
    act(&env, "2026-11-24T14:20:00Z", &["customer-reply", "1008"]);
    act(&env, "2026-11-27T14:30:00Z", &["request-info", "1008"]);

    open(NewCase::default(), "2026-11-30T14:30:00Z");
    env
}

#[test]
fn every_schema_is_a_valid_json_schema_with_its_file_name_as_id() {
    let mut names: Vec<String> = std::fs::read_dir(schemas_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        assert!(name.ends_with(".schema.json"), "schemas/{name}");
        let value = schema(name);
        assert_eq!(
            value["$id"],
            format!("https://cases.invalid/schemas/{name}"),
            "schemas/{name}"
        );
        assert_eq!(
            value["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "schemas/{name}"
        );
        validator(name);
    }
    assert!(names.len() >= 9, "{names:?}");
}

#[test]
fn the_sample_stores_json_outputs_match_their_schemas() {
    let env = Env::sample();
    let numbers: Vec<u64> = (1001..=1012).collect();
    for (what, schema, value, _) in outputs(&env, "2026-11-27T15:00:00Z", &numbers) {
        assert_valid(schema, &what, &value);
    }
}

#[test]
fn a_rich_stores_json_outputs_match_their_schemas_and_exercise_the_optional_fields() {
    let env = rich();
    let numbers: Vec<u64> = (1001..=1009).collect();
    let outputs = outputs(&env, RICH_NOW, &numbers);
    for (what, schema, value, _) in &outputs {
        assert_valid(schema, what, value);
    }
    // What the store was built to show is there.
    let all = serde_json::to_string(&outputs.iter().map(|o| &o.2).collect::<Vec<_>>()).unwrap();
    for needle in [
        r#""status":"breached""#,
        r#""status":"waiting""#,
        r#""status":"running""#,
        r#""at_risk":true"#,
        r#""owner":null"#,
        r#""state":"closed""#,
        r#""event":"reopened""#,
        r#""status":"declined""#,
        r#""status":"de-escalated""#,
        r#""status":"accepted""#,
        r#""outcome":"root-cause""#,
        r#""event":"severity-changed""#,
        r#""event":"contact-removed""#,
        r#""event":"fix-available""#,
        r#""call":"voicemail""#,
        r#""action":"would-close""#,
        r#""action":"autoclose-blocked""#,
        r#""action":"follow-up-due""#,
        r#""policy_valid":true"#,
        r#""reopen":1"#,
        r#""interval":2"#,
        r#""total":true"#,
        r#""what_if""#,
        r#""escalation":"escalated""#,
        r#""escalation":"de-escalated""#,
        r#""escalation_outcome":"root-cause""#,
        r#""next_commitment":null"#,
    ] {
        assert!(
            all.contains(needle),
            "no {needle} in the rich store's outputs"
        );
    }
    // Auto-close blocked by an open escalation names the auto-close
    // instant like every other sweep action (it had no due_at).
    let sweep = &outputs
        .iter()
        .find(|o| o.0.starts_with("cases sweep"))
        .unwrap()
        .2;
    let blocked = sweep
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == 1007)
        .unwrap();
    assert_eq!(blocked["action"], "autoclose-blocked");
    // Waiting since Wed 2026-11-18 11:00 Toronto, four business days.
    assert_eq!(blocked["due_at"], "2026-11-24T16:00:00Z");
    // A case file with problems, for check.
    env.write("cases/001/1099.yaml", "number: 1099\ntitle: [\n");
    let check = env
        .run(&["check", "--format", "json"])
        .now(RICH_NOW)
        .code(1)
        .json();
    assert_valid("check.schema.json", "check with problems", &check);
    assert_closed("check.schema.json", "check with problems", &check, &[]);
    assert_eq!(check["problems"][0]["file"], "cases/001/1099.yaml");
}

/// Every JSON output of a rich store at [`RICH_NOW`] follows its schema,
/// and together they hold every one of `needles`.
fn assert_needles_in_valid_outputs(env: &Env, needles: &[&str]) {
    let numbers: Vec<u64> = (1001..=1009).collect();
    let outputs = outputs(env, RICH_NOW, &numbers);
    for (what, schema, value, _) in &outputs {
        assert_valid(schema, what, value);
    }
    let all = serde_json::to_string(&outputs.iter().map(|o| &o.2).collect::<Vec<_>>()).unwrap();
    for needle in needles {
        assert!(all.contains(needle), "no {needle} in the outputs");
    }
}

/// The rich store under the same policy with the next-response clock on
/// (a fix of version 2026.1, so every case is re-computed under it), with
/// one more reply: the optional next-response fields follow the schemas.
#[test]
fn a_rich_stores_outputs_with_the_next_response_clock_match_their_schemas() {
    let env = rich();
    env.write("policy.yaml", crate::common::NEXT_RESPONSE_POLICY);
    act(
        &env,
        "2026-11-30T14:35:00Z",
        &["assign", "1009", "--to", "alice"],
    );
    act(&env, "2026-11-30T14:40:00Z", &["respond", "1009"]);
    act(&env, "2026-11-30T14:50:00Z", &["customer-reply", "1009"]);
    assert_needles_in_valid_outputs(
        &env,
        &[
            r#""clock":"next-response""#,
            r#""reply":1"#,
            r#""next_response":{"count""#,
            r#""next_response_targets":["#,
        ],
    );
}

#[test]
fn a_field_added_to_any_object_of_an_output_is_refused_by_its_schema() {
    let env = rich();
    for (what, schema, value, open) in outputs(&env, RICH_NOW, &[1001, 1005, 1007]) {
        assert_closed(schema, &what, &value, &open);
    }
}

#[test]
fn mutating_commands_print_the_case_as_the_case_schema_says() {
    let env = Env::new();
    let out = env
        .new_case(&NewCase::default())
        .args(&["--format", "json"])
        .now("2026-11-23T14:05:00Z")
        .ok();
    assert_valid("case.schema.json", "new --format json", &out.json());
    for args in [
        &["assign", "1001", "--to", "alice"][..],
        &["respond", "1001", "--message", "Hello"],
        &["note", "1001", "--text", "Line one"],
        &["request-info", "1001"],
        &["customer-reply", "1001"],
        &["close", "1001", "--confirmed-by", JANE],
        &["reopen", "1001"],
    ] {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        let out = env.run(&all).now("2026-11-23T15:00:00Z").ok();
        assert_valid("case.schema.json", &args.join(" "), &out.json());
    }
    env.open(&NewCase::default());
    let taken = env
        .run(&["take", "--format", "json"])
        .now("2026-11-23T15:10:00Z")
        .ok();
    assert_valid("case.schema.json", "take --format json", &taken.json());
}

#[test]
fn history_json_matches_its_schema_committed_or_not() {
    let env = Env::init();
    env.open(&NewCase::default());
    env.run(&["--commit", "assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env.run(&["note", "1001", "--text", "not committed"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    let value = env
        .run(&["history", "1001", "--format", "json"])
        .now("2026-11-23T14:30:00Z")
        .ok()
        .json();
    assert_valid("history.schema.json", "history --format json", &value);
    assert!(value[1]["commit"].is_object(), "{value}");
    assert!(value[2]["commit"].is_null(), "{value}");
    assert_closed("history.schema.json", "history --format json", &value, &[]);
}

/// Every event kind the case file knows has a branch in the case schema
/// (`$defs/event_fields/oneOf`, one per kind, titled with its name), and
/// no other: a new event kind fails here until its fields are published.
#[test]
fn the_status_schema_names_every_kind_of_public_update() {
    let schema = schema("status.schema.json");
    let listed =
        &schema["items"]["properties"]["last_update"]["oneOf"][1]["properties"]["what"]["enum"];
    let names: Vec<&str> = cases::customer_status::UpdateKind::ALL
        .iter()
        .map(|kind| kind.as_str())
        .collect();
    assert_eq!(listed, &serde_json::json!(names));
}

#[test]
fn the_case_schema_describes_every_event_kind() {
    let schema = schema("case.schema.json");
    let branches = schema["$defs"]["event_fields"]["oneOf"]
        .as_array()
        .expect("event_fields has oneOf");
    let mut described: Vec<&str> = branches
        .iter()
        .map(|b| b["properties"]["event"]["const"].as_str().unwrap())
        .collect();
    described.sort_unstable();
    let mut kinds: Vec<&str> = cases::case::EventKind::NAMES.to_vec();
    kinds.sort_unstable();
    assert_eq!(
        described, kinds,
        "schemas/case.schema.json: one branch of $defs/event_fields/oneOf per event kind"
    );
}
