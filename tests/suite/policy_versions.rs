//! Policy versions (SPEC section 7): `cases policy new-version` keeps the
//! current policy in `policies/<version>.yaml`; `new` records the version in
//! force at the opening; every command evaluates each case under the version
//! it recorded; a missing version is exit 4 (and a problem for `check`);
//! `report --what-if FILE` evaluates every case under FILE.

use crate::common::{case_file, Env, NewCase, DEFAULT_POLICY, T0};

/// The severity 2 targets line of the default policy, and the same with
/// premium at 6h instead of 2h.
const SEV2_TARGETS: &str = "response_targets: {basic: 8h, plus: 4h, premium: 2h}";
const SEV2_TARGETS_6H: &str = "response_targets: {basic: 8h, plus: 4h, premium: 6h}";

/// Wednesday 2026-12-02 09:05 in Toronto: after 2027.1 takes effect.
const DECEMBER: &str = "2026-12-02T14:05:00Z";
/// When 2027.1 takes effect: 2026-12-01 00:00 in Toronto.
const EFFECTIVE: &str = "2026-12-01T05:00:00Z";

/// What a case's initial-response clock says, from `show --format json`.
fn initial_due(env: &Env, number: u64, now: &str) -> String {
    let show = env.show(number, now);
    let clock = show["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clock"] == "initial-response")
        .unwrap()
        .clone();
    clock["due_at"].as_str().unwrap().to_string()
}

/// Opens a premium severity 2 case at T0 and responds late (3h after).
fn store_with_a_late_response() -> Env {
    let env = Env::new();
    assert_eq!(env.open(&NewCase::default()), 1001);
    env.run(&["take", "1001"]).ok();
    env.run(&["respond", "1001"])
        .now("2026-11-23T17:05:00Z")
        .ok();
    assert_eq!(
        env.open_at(&NewCase::default(), "2026-11-23T15:00:00Z"),
        1002
    );
    env
}

/// The outputs a new version must leave byte-identical for old cases.
fn outputs_of_old_cases(env: &Env) -> Vec<String> {
    let late = "2026-11-24T12:00:00Z";
    let mut outputs = Vec::new();
    for args in [
        vec!["show", "1001", "--format", "json"],
        vec!["show", "1002"],
        vec![
            "report",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-30",
            "--format",
            "json",
        ],
        vec!["report", "--since", "2026-11-01", "--until", "2026-11-30"],
        vec!["queue"],
    ] {
        let out = env.run(&args).now(late).ok();
        outputs.push(out.stdout.clone());
    }
    let check = env.run(&["sla", "--check"]).now(late).code(1);
    outputs.push(format!("{}{}", check.stdout, check.stderr));
    outputs
}

#[test]
fn a_new_version_changes_new_cases_only() {
    let env = store_with_a_late_response();
    // Under 2026.1, premium severity 2 is due 2h after opening.
    assert_eq!(initial_due(&env, 1001, DECEMBER), "2026-11-23T16:05:00Z");
    assert_eq!(initial_due(&env, 1002, DECEMBER), "2026-11-23T17:00:00Z");
    let before = outputs_of_old_cases(&env);
    let case_bytes = (env.bytes(&case_file(1001)), env.bytes(&case_file(1002)));

    env.run(&["policy", "new-version", "2027.1", "--effective", EFFECTIVE])
        .ok()
        .stderr_is(
            "kept version \"2026.1\" in policies/2026.1.yaml\npolicy.yaml is now version \"2027.1\", effective 2026-12-01T05:00:00Z (previous: \"2026.1\"); edit it, review with git diff, commit both files\n",
        );
    // The old version is kept byte for byte; policy.yaml changed in three lines.
    assert_eq!(env.read("policies/2026.1.yaml"), DEFAULT_POLICY);
    assert_eq!(
        env.read("policy.yaml"),
        DEFAULT_POLICY.replace(
            "version: \"2026.1\"\n",
            "version: \"2027.1\"\neffective: 2026-12-01T05:00:00Z\nprevious: \"2026.1\"\n"
        )
    );
    env.replace("policy.yaml", SEV2_TARGETS, SEV2_TARGETS_6H);
    env.run(&["check"]).now(T0).ok();

    // Old cases: the same due times, sla --check, report and queue, byte for byte.
    assert_eq!(outputs_of_old_cases(&env), before);
    assert_eq!(
        (env.bytes(&case_file(1001)), env.bytes(&case_file(1002))),
        case_bytes
    );

    // A case opened today is opened under 2026.1 (2027.1 is effective
    // next month) ...
    assert_eq!(
        env.open_at(&NewCase::default(), "2026-11-30T15:00:00Z"),
        1003
    );
    assert_eq!(env.field(1003, "policy_version"), "2026.1");
    assert_eq!(initial_due(&env, 1003, DECEMBER), "2026-11-30T17:00:00Z");
    // ... and one opened once it is in force uses the new target: 6h.
    assert_eq!(env.open_at(&NewCase::default(), DECEMBER), 1004);
    assert_eq!(env.field(1004, "policy_version"), "2027.1");
    assert_eq!(initial_due(&env, 1004, DECEMBER), "2026-12-02T20:05:00Z");
    // From its effective instant exactly.
    assert_eq!(env.open_at(&NewCase::default(), EFFECTIVE), 1005);
    assert_eq!(env.field(1005, "policy_version"), "2027.1");

    // A report spanning the change uses each case's own version: at 12:00
    // Toronto 1004 is within its 6h (due 15:05; under 2h it would be
    // breached since 11:05); 1001, 1002, 1003 (2h) and 1005 (6h from Dec 1
    // 06:00, due 12:00 that day) are breached.
    let report = env
        .run(&[
            "report",
            "--since",
            "2026-11-01",
            "--by",
            "severity",
            "--format",
            "json",
        ])
        .now("2026-12-02T17:00:00Z")
        .ok()
        .json();
    let initial = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["clock"] == "initial-response")
        .unwrap()
        .clone();
    assert_eq!(
        (
            initial["met"].clone(),
            initial["breached"].clone(),
            initial["running"].clone()
        ),
        (0.into(), 4.into(), 1.into()),
        "{report:#}"
    );
}

#[test]
fn what_if_evaluates_every_case_under_the_file() {
    let env = store_with_a_late_response();
    env.write(
        "sixhours.yaml",
        DEFAULT_POLICY
            .replace("version: \"2026.1\"", "version: \"what-if\"")
            .replace(SEV2_TARGETS, SEV2_TARGETS_6H),
    );
    let report = env
        .run(&[
            "report",
            "--by",
            "severity",
            "--what-if",
            "sixhours.yaml",
            "--format",
            "json",
        ])
        .now("2026-11-24T12:00:00Z")
        .ok()
        .json();
    let row = |figures: &serde_json::Value| {
        let row = figures["attainment"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| row["clock"] == "initial-response")
            .unwrap()
            .clone();
        (
            row["met"].as_u64().unwrap(),
            row["breached"].as_u64().unwrap(),
        )
    };
    // 1001 responded 3h after opening: breached under 2h, met under 6h;
    // 1002 was never answered: breached under 2h and, a day later, under 6h.
    assert_eq!(row(&report), (0, 2));
    assert_eq!(row(&report["what_if"]), (1, 1));
}

#[test]
fn a_case_whose_version_is_missing_is_exit_4_and_a_check_problem() {
    let env = store_with_a_late_response();
    env.run(&["policy", "new-version", "2027.1", "--effective", EFFECTIVE])
        .ok();
    env.remove("policies/2026.1.yaml");
    let missing = "cases: error: case 1001 was opened under policy version \"2026.1\", which is not available: policies/2026.1.yaml does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)\n";
    let before = env.snapshot();
    env.run(&["show", "1001"]).code(4).stderr_is(missing);
    env.run(&["sla"]).code(4).stderr_is(missing);
    env.run(&["report"]).code(4).stderr_is(missing);
    env.run(&["note", "1001", "--text", "x"]).code(4);
    env.assert_unchanged(&before);
    let check = env.run(&["check"]).code(1);
    assert_eq!(
        check.stdout,
        "cases/001/1001.yaml:1:1: case 1001 was opened under policy version \"2026.1\", which is not available: policies/2026.1.yaml does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)\n\
         cases/001/1002.yaml:1:1: case 1002 was opened under policy version \"2026.1\", which is not available: policies/2026.1.yaml does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)\n\
         checked the policy and 2 case files: 2 problems\n"
    );
    // --what-if puts every case under the file, but the report beside it
    // still needs each case's own version.
    env.run(&["report", "--what-if", "policy.yaml"])
        .code(4)
        .stderr_is(missing);

    // A file that holds another version than its name is refused too.
    env.write(
        "policies/2026.1.yaml",
        DEFAULT_POLICY.replace("\"2026.1\"", "\"2025.9\""),
    );
    env.run(&["show", "1001"]).code(4).stderr_is(
        "cases: error: policies/2026.1.yaml: holds policy version \"2025.9\", not \"2026.1\" (a file in policies/ is named after the version it holds)\n",
    );
}

#[test]
fn new_version_refuses_what_it_cannot_do_and_writes_nothing() {
    let env = Env::new();
    let before = env.snapshot();
    env.run(&["policy", "new-version", "2026.1"])
        .code(2)
        .stderr_is("cases: error: policy.yaml is already version \"2026.1\"; name the next one\n");
    env.run(&["policy", "new-version", "../evil"]).code(2).stderr_is(
        "cases: error: version \"../evil\" cannot name a policy version (letters, digits, dots, dashes and underscores, not starting with a dot)\n",
    );
    env.assert_unchanged(&before);
    // --effective defaults to now; the next must be later still.
    env.run(&["policy", "new-version", "2027.1"]).ok();
    assert!(env
        .read("policy.yaml")
        .contains(&format!("\neffective: {T0}\n")));
    let before = env.snapshot();
    env.run(&["policy", "new-version", "2027.2", "--effective", "2026-11-01T00:00:00Z"])
        .code(2)
        .stderr_is(&format!(
            "cases: error: --effective 2026-11-01T00:00:00Z is not after version \"2027.1\"'s own effective instant {T0}\n"
        ));
    // A kept version that differs is never overwritten.
    env.write("policies/2027.1.yaml", "something else\n");
    let before_kept = env.snapshot();
    env.run(&["policy", "new-version", "2027.2", "--effective", "2027-06-01T00:00:00Z"])
        .code(3)
        .stderr_is("cases: error: policies/2027.1.yaml already exists and differs from policy.yaml: version \"2027.1\" would be kept twice; compare them and remove one\n");
    env.assert_unchanged(&before_kept);
    env.remove("policies/2027.1.yaml");
    env.assert_unchanged(&before);
}
