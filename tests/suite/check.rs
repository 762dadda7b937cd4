//! `cases check` (policy and every case file, every problem, exit 1) and what
//! the other commands do with a file that `check` would reject (exit 4,
//! naming the file).

use crate::common::{assign_by_hand, case_file, Env, NewCase, DEFAULT_POLICY};
use serde_json::json;

/// A store of six good cases, 1001 to 1006.
fn six_cases() -> Env {
    let env = Env::new();
    for _ in 0..6 {
        env.open(&NewCase::default());
    }
    env
}

/// Ways to break a case file, each with the problem line `check` prints:
/// `(name, how to break case N's file, expected "file:line:column: message" start)`.
type Breakage = (&'static str, fn(&Env, u64), &'static str);

fn not_yaml(env: &Env, n: u64) {
    env.replace(&case_file(n), "account: acme\n", "account: acme: corp\n");
}

fn conflict_markers(env: &Env, n: u64) {
    env.replace(
        &case_file(n),
        "title: Search is slow\n",
        "<<<<<<< HEAD\ntitle: Search is slow\n=======\ntitle: Search is slower\n>>>>>>> theirs\n",
    );
}

fn wrong_type(env: &Env, n: u64) {
    env.replace(&case_file(n), "severity: 2\nstate", "severity: two\nstate");
}

fn unknown_field(env: &Env, n: u64) {
    env.replace(
        &case_file(n),
        "owner: null\n",
        "owner: null\npriority: high\n",
    );
}

fn header_disagrees(env: &Env, n: u64) {
    env.replace(&case_file(n), "state: new\n", "state: open\n");
}

fn unknown_event_field(env: &Env, n: u64) {
    env.replace(
        &case_file(n),
        "  event: created\n",
        "  event: created\n  mood: grumpy\n",
    );
}

const BREAKAGES: [Breakage; 6] = [
    (
        "not valid YAML",
        not_yaml,
        ".yaml:3:14: mapping values are not allowed",
    ),
    (
        "git conflict markers",
        conflict_markers,
        ".yaml:2:1: unresolved git conflict marker `<<<<<<<`",
    ),
    (
        "wrong type",
        wrong_type,
        ".yaml:7:11: severity: invalid type: string \"two\", expected u8",
    ),
    (
        "unknown field",
        unknown_field,
        ".yaml:10:1: unknown field `priority`",
    ),
    (
        "header disagrees with history",
        header_disagrees,
        ".yaml:8:1: header disagrees with its history: state is open but the history gives new",
    ),
    (
        "unknown field in an event",
        unknown_event_field,
        ".yaml:17:3: history[0]: unknown field `mood`",
    ),
];

#[test]
fn check_passes_on_a_good_store() {
    let env = six_cases();
    assign_by_hand(&env, 1003, "2026-11-23T15:00:00Z", "bob");
    env.run(&["phone", "1002", "--call", "voicemail"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.run(&["respond", "1002"])
        .now("2026-11-23T15:10:00Z")
        .ok();
    env.run(&["check"])
        .ok()
        .stdout_is("checked the policy and 6 case files: no problems\n");
    let report = env.run(&["check", "--format", "json"]).ok().json();
    assert_eq!(
        report,
        json!({"policy_valid": true, "cases_checked": 6, "problems": []})
    );
}

#[test]
fn check_passes_on_an_empty_store() {
    let env = Env::new();
    env.run(&["check"])
        .ok()
        .stdout_has("checked the policy and 0 case files: no problems");
}

#[test]
fn each_broken_file_is_named_with_its_line_and_fails_check() {
    for (index, (name, breakage, expected)) in BREAKAGES.iter().enumerate() {
        let env = six_cases();
        let number = 1001 + index as u64;
        breakage(&env, number);
        let out = env.run(&["check"]).code(1);
        let wanted = format!("cases/001/{number}{expected}");
        assert!(
            out.stdout.lines().any(|line| line.starts_with(&wanted)),
            "{name}: check should print a line starting with {wanted:?}:\n{}",
            out.stdout
        );
        out.stdout_has("checked the policy and 6 case files: 1 problem");
    }
}

#[test]
fn check_lists_every_problem_in_one_run() {
    let env = six_cases();
    for (index, (_, breakage, _)) in BREAKAGES.iter().enumerate() {
        breakage(&env, 1001 + index as u64);
    }
    env.write("cases/001/.case-xyz.tmp", "number: 10");
    env.open(&NewCase::default()); // 1007, still good
    let out = env.run(&["check"]).code(1);
    for (index, (name, _, expected)) in BREAKAGES.iter().enumerate() {
        let wanted = format!("cases/001/{}{expected}", 1001 + index as u64);
        assert!(
            out.stdout.lines().any(|line| line.starts_with(&wanted)),
            "{name}: missing {wanted:?} in:\n{}",
            out.stdout
        );
    }
    out.stdout_has("cases/001/.case-xyz.tmp")
        .stdout_has("checked the policy and 7 case files: 7 problems")
        .stdout_lacks("1007.yaml");

    let report = env.run(&["check", "--format", "json"]).code(1).json();
    assert_eq!(report["policy_valid"], true);
    assert_eq!(report["cases_checked"], 7);
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 7);
    let header = problems
        .iter()
        .find(|p| p["file"] == "cases/001/1005.yaml")
        .expect("the header problem");
    assert_eq!(header["line"], 8);
    assert_eq!(header["column"], 1);
}

#[test]
fn a_stray_temporary_file_is_a_problem_but_never_read_as_a_case() {
    let env = six_cases();
    env.write("cases/001/.case-xyz.tmp", "<<<<<<< garbage");
    env.run(&["check"])
        .code(1)
        .stdout_has("cases/001/.case-xyz.tmp: a temporary file")
        .stdout_has("1 problem");
    // Every other command ignores it.
    env.run(&["list"]).ok();
    env.run(&["sla"]).ok();
    env.run(&["show", "1001"]).ok();
    assert_eq!(env.open(&NewCase::default()), 1007);
}

#[test]
fn other_stray_files_are_problems() {
    let env = six_cases();
    env.write("cases/001/notes.txt", "hello");
    env.write("cases/002/1001.yaml", env.read(&case_file(1001)));
    env.run(&["check"])
        .code(1)
        .stdout_has("cases/001/notes.txt: not a case file")
        .stdout_has("cases/002/1001.yaml: a case file in the wrong directory")
        .stdout_has("2 problems");
}

#[test]
fn a_file_holding_another_number_is_a_problem() {
    let env = six_cases();
    env.replace(&case_file(1004), "number: 1004\n", "number: 1005\n");
    env.run(&["check"])
        .code(1)
        .stdout_has("cases/001/1004.yaml:1:1: number: the file holds case 1005");
    env.run(&["show", "1004"])
        .code(4)
        .stderr_has("cases/001/1004.yaml");
}

#[test]
fn commands_that_read_a_broken_file_exit_4_naming_it() {
    for (index, (name, breakage, expected)) in BREAKAGES.iter().enumerate() {
        let env = six_cases();
        let number = 1001 + index as u64;
        breakage(&env, number);
        let file = format!("cases/001/{number}.yaml");
        let before = env.snapshot();
        for args in [
            vec!["show".to_string(), number.to_string()],
            vec![
                "show".to_string(),
                number.to_string(),
                "--format".into(),
                "json".into(),
            ],
            vec!["list".to_string()],
            vec!["list".to_string(), "--format".into(), "json".into()],
            vec!["sla".to_string()],
            vec!["sla".to_string(), "--check".into()],
            vec![
                "phone".to_string(),
                number.to_string(),
                "--call".to_string(),
                "voicemail".to_string(),
            ],
            vec!["respond".to_string(), number.to_string()],
        ] {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let out = env.run(&args).now("2026-11-23T14:30:00Z").code(4);
            assert!(
                out.stderr
                    .contains(&format!("cases/001/{number}{expected}")),
                "{name}: `cases {}` should name {file} with its line:\n{}",
                args.join(" "),
                out.stderr
            );
        }
        // Nothing was written, and an unrelated case still shows.
        env.assert_unchanged(&before);
        let other = if number == 1006 { 1001 } else { 1006 };
        env.run(&["show", &other.to_string()]).ok();
    }
}

#[test]
fn check_also_validates_cases_against_the_policy() {
    let env = six_cases();
    env.replace(
        &case_file(1002),
        "region: north-america\n",
        "region: apac\n",
    );
    env.replace(
        &case_file(1002),
        "  region: north-america\n",
        "  region: apac\n",
    );
    env.run(&["check"])
        .code(1)
        .stdout_has("cases/001/1002.yaml")
        .stdout_has("region \"apac\" is not in the policy");
    env.run(&["show", "1002"]).code(4).stderr_has("apac");
}

/// The default policy with five independent mistakes; the comment gives the
/// line each lands on.
fn policy_with_five_mistakes() -> String {
    let policy = DEFAULT_POLICY
        // line 55
        .replacen(
            "response_targets: {basic: 12h, plus: 12h, premium: 6h}",
            "response_targets: {basic: 12h, plus: 12h}",
            1,
        )
        // line 79: a second shift overlapping the first one
        .replacen(
            "      - {days: [mon, tue, wed, thu, fri], start: \"06:00\", end: \"21:00\"}\n",
            "      - {days: [mon, tue, wed, thu, fri], start: \"06:00\", end: \"21:00\"}\n      - {days: [mon], start: \"20:00\", end: \"22:00\"}\n",
            1,
        )
        // line 83
        .replacen("time_zone: Etc/GMT", "time_zone: Mars/Olympus", 1)
        // line 93
        .replacen(
            "{name: Labour Day, month: 9, weekday: mon, nth: first}",
            "{name: Labour Day, month: 9, weekday: mon}",
            1,
        )
        // line 107
        .replacen("follow_up: 60m", "follow_up: sixty minutes", 1);
    assert_eq!(policy.matches("Mars/Olympus").count(), 1);
    policy
}

#[test]
fn check_lists_every_policy_problem_with_its_line() {
    let env = Env::with_policy(&policy_with_five_mistakes());
    let out = env.run(&["check"]).code(1);
    for expected in [
        "policy.yaml:55:5: severities[2].response_targets: missing the target for plan \"premium\"",
        "policy.yaml:79:10: regions.north-america.shifts[1]: shifts overlap",
        "policy.yaml:83:5: regions.emea.time_zone: unknown time zone \"Mars/Olympus\"",
        "policy.yaml:93:6: holidays[2]: unknown holiday rule for \"Labour Day\"",
        "policy.yaml:107:3: escalation.follow_up: bad duration \"sixty minutes\"",
    ] {
        assert!(
            out.stdout.lines().any(|line| line.starts_with(expected)),
            "missing {expected:?} in:\n{}",
            out.stdout
        );
    }
    out.stdout_has("5 problems");
    let report = env.run(&["check", "--format", "json"]).code(1).json();
    assert_eq!(report["policy_valid"], false);
    let lines: Vec<u64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [55, 79, 83, 93, 107]);
}

#[test]
fn check_reports_policy_and_case_problems_together() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase::default());
    header_disagrees(&env, 1002);
    env.write("policy.yaml", policy_with_five_mistakes());
    env.run(&["check"])
        .code(1)
        .stdout_has("policy.yaml:83:5:")
        .stdout_has("cases/001/1002.yaml:8:1: header disagrees")
        .stdout_has("6 problems");
}

#[test]
fn check_names_an_unknown_policy_key_with_its_line() {
    let env = Env::with_policy(&DEFAULT_POLICY.replacen(
        "plans: [basic, plus, premium]\n",
        "plans: [basic, plus, premium]\ncolour: blue\n",
        1,
    ));
    env.run(&["check"])
        .code(1)
        .stdout_has("policy.yaml:10:1: unknown field `colour`");
    let env = Env::with_policy(&DEFAULT_POLICY.replacen(
        "    languages: [en, fr]\n    phones: [\"00800",
        "    languages: [en, fr]\n    fax: \"0800\"\n    phones: [\"00800",
        1,
    ));
    env.run(&["check"])
        .code(1)
        .stdout_has("policy.yaml:86:5: regions.emea: unknown field `fax`");
}

#[test]
fn check_reports_an_unknown_policy_key_together_with_other_problems() {
    let policy = DEFAULT_POLICY
        .replacen(
            "plans: [basic, plus, premium]\n",
            "plans: [basic, plus, premium]\ncolour: blue\n",
            1,
        )
        .replacen("time_zone: Etc/GMT", "time_zone: Mars/Olympus", 1)
        .replacen("follow_up: 60m", "follow_up: sixty minutes", 1);
    let env = Env::with_policy(&policy);
    env.run(&["check"])
        .code(1)
        .stdout_has("policy.yaml:10:1: unknown field `colour`")
        .stdout_has("policy.yaml:83:5: regions.emea.time_zone: unknown time zone \"Mars/Olympus\"")
        .stdout_has("policy.yaml:107:3: escalation.follow_up: bad duration")
        .stdout_has("3 problems");
}

#[test]
fn check_reports_every_unknown_policy_key() {
    let policy = DEFAULT_POLICY
        .replacen(
            "plans: [basic, plus, premium]\n",
            "plans: [basic, plus, premium]\ncolour: blue\n",
            1,
        )
        .replacen(
            "  refused: [email]\n",
            "  refused: [email]\n  fax: refused\n",
            1,
        );
    let env = Env::with_policy(&policy);
    env.run(&["check"])
        .code(1)
        .stdout_has("policy.yaml:10:1: unknown field `colour`")
        .stdout_has("policy.yaml:98:3: intake: unknown field `fax`")
        .stdout_has("2 problems");
}

#[test]
fn check_with_a_policy_given_by_option_or_environment() {
    let env = Env::new();
    env.write("broken.yaml", policy_with_five_mistakes());
    env.run(&["check", "--policy", "broken.yaml"])
        .code(1)
        .stdout_has("broken.yaml:83:5:");
    env.run(&["check"])
        .env("CASES_POLICY", "broken.yaml")
        .code(1)
        .stdout_has("broken.yaml:107:3:");
    env.run(&["check"]).ok();
}
