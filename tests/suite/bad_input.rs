//! Bad input: each case checks the exact exit code, that the message names
//! the culprit, and that nothing under the working directory was written.

use crate::common::{case_file, Env, NewCase, Output, DEFAULT_POLICY};

/// A store holding case 1001, so "nothing written" is not trivially true.
fn store_with_one_case() -> Env {
    let env = Env::new();
    env.open(&NewCase::default());
    env
}

/// Runs `cases new` with `case` (plus `extra` arguments), expects `code`,
/// and asserts nothing was written.
#[track_caller]
fn new_fails(env: &Env, case: &NewCase, extra: &[&str], code: i32) -> Output {
    let before = env.snapshot();
    let out = env.new_case(case).args(extra).code(code);
    out.stdout_empty();
    env.assert_unchanged(&before);
    out
}

#[test]
fn unknown_plan() {
    let env = store_with_one_case();
    let case = NewCase {
        plan: "gold",
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2)
        .stderr_has("--plan \"gold\" is not a plan")
        .stderr_has("basic, plus, premium");
}

#[test]
fn unknown_region() {
    let env = store_with_one_case();
    let case = NewCase {
        region: "apac",
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2)
        .stderr_has("--region \"apac\" is not a region")
        .stderr_has("north-america, emea");
}

#[test]
fn unknown_severity() {
    let env = store_with_one_case();
    for severity in ["5", "0", "blocker", "sev1"] {
        let case = NewCase {
            severity,
            ..NewCase::default()
        };
        new_fails(&env, &case, &[], 2)
            .stderr_has(&format!("--severity \"{severity}\" is not a severity"))
            .stderr_has("1/critical");
    }
}

#[test]
fn unknown_language() {
    let env = store_with_one_case();
    let case = NewCase {
        language: Some("de"),
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2)
        .stderr_has("--language \"de\"")
        .stderr_has("en, fr");
}

#[test]
fn unknown_channel() {
    let env = store_with_one_case();
    let case = NewCase {
        channel: "fax",
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2)
        .stderr_has("--channel \"fax\" is not a channel")
        .stderr_has("community, phone");
}

#[test]
fn email_intake_is_refused_with_the_policy_s_message() {
    let env = store_with_one_case();
    let case = NewCase {
        channel: "email",
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 3)
        .stderr_has("--channel email")
        .stderr_has(
            "Cases are no longer accepted by email: log the case in the online community, \
             and for severity 1 also call the support line.",
        );

    // The message is the policy's, not the program's.
    let env = Env::with_policy(&DEFAULT_POLICY.replacen(
        "  refused_message: >-\n    Cases are no longer accepted by email: log the case in the online\n    community, and for severity 1 also call the support line.\n",
        "  refused_message: Please open the case at community.example.com.\n",
        1,
    ));
    new_fails(&env, &case, &[], 3).stderr_has("Please open the case at community.example.com.");
}

#[test]
fn malformed_contact_or_empty_title() {
    let env = store_with_one_case();
    let case = NewCase {
        contacts: vec!["jane@acme.example"],
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2).stderr_has("--contact \"jane@acme.example\"");
    let case = NewCase {
        title: "   ",
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2).stderr_has("--title");
    let case = NewCase {
        related: vec!["1500"],
        ..NewCase::default()
    };
    new_fails(&env, &case, &[], 2).stderr_has("--related 1500");
}

#[test]
fn malformed_now() {
    let env = store_with_one_case();
    for now in [
        "yesterday",
        "2026-11-23 14:05",
        "2026-11-23",
        "2026-13-01T00:00:00Z",
        "",
    ] {
        new_fails(&env, &NewCase::default(), &["--now", now], 2)
            .stderr_has("--now")
            .stderr_has("RFC 3339");
    }
    // The same through CASES_NOW.
    let before = env.snapshot();
    env.new_case(&NewCase::default())
        .now("next tuesday")
        .code(2)
        .stderr_has("next tuesday")
        .stderr_has("RFC 3339");
    env.assert_unchanged(&before);
    // And for a read-only command.
    env.run(&["list", "--now", "soon"])
        .code(2)
        .stderr_has("'soon'");
}

#[test]
fn missing_required_option() {
    let env = store_with_one_case();
    for (option, drop) in [
        ("--title", "--title="),
        ("--account", "--account="),
        ("--plan", "--plan="),
        ("--region", "--region="),
        ("--severity", "--severity="),
        ("--channel", "--channel="),
        ("--contact", "--contact="),
    ] {
        let args: Vec<String> = NewCase::default()
            .args()
            .into_iter()
            .filter(|a| !a.starts_with(drop))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let before = env.snapshot();
        env.run(&args)
            .code(2)
            .stderr_has("required")
            .stderr_has(option);
        env.assert_unchanged(&before);
    }
    env.run(&["show"]).code(2).stderr_has("<NUMBER>");
    env.run(&["show", "ten"]).code(2).stderr_has("'ten'");
    env.run(&["frobnicate"]).code(2).stderr_has("frobnicate");
    env.run(&["list", "--format", "xml"])
        .code(2)
        .stderr_has("xml");
    env.run(&["list", "--state", "pending"])
        .code(2)
        .stderr_has("pending");
    env.run(&["list", "--severity", "9"])
        .code(2)
        .stderr_has("--severity \"9\"");
}

#[test]
fn malformed_policy_yaml() {
    let env = store_with_one_case();
    env.write(
        "policy.yaml",
        "version: \"1\"\nplans: [basic\nseverities: []\n",
    );
    let before = env.snapshot();
    for args in [
        NewCase::default().args(),
        vec!["show".into(), "1001".into()],
        vec!["list".into()],
        vec!["sla".into()],
        vec![
            "phone".into(),
            "1001".into(),
            "--call".into(),
            "voicemail".into(),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.run(&args).code(4).stderr_has("policy.yaml:3:11:");
        env.assert_unchanged(&before);
    }
    // check reports it as a problem with its line.
    env.run(&["check"]).code(1).stdout_has("policy.yaml:3:11:");
    env.assert_unchanged(&before);
}

#[test]
fn invalid_policy_yaml() {
    let env = store_with_one_case();
    env.write(
        "policy.yaml",
        DEFAULT_POLICY.replacen("time_zone: Etc/GMT", "time_zone: Mars/Olympus", 1),
    );
    let before = env.snapshot();
    env.new_case(&NewCase::default())
        .code(4)
        .stderr_has("policy.yaml:82:5: regions.emea.time_zone: unknown time zone \"Mars/Olympus\"");
    env.run(&["list"]).code(4).stderr_has("policy.yaml:82:5:");
    env.assert_unchanged(&before);
}

#[test]
fn unreadable_policy_yaml() {
    // A directory where the policy file should be.
    let env = store_with_one_case();
    env.remove("policy.yaml");
    env.mkdir("policy.yaml");
    let before = env.snapshot();
    env.new_case(&NewCase::default())
        .code(4)
        .stderr_has("policy.yaml");
    env.run(&["list"]).code(4).stderr_has("policy.yaml");
    env.run(&["check"]).code(4).stderr_has("policy.yaml");
    env.assert_unchanged(&before);

    // Not UTF-8.
    let env = store_with_one_case();
    env.write("policy.yaml", b"version: \"\xff\xfe\"\n");
    let before = env.snapshot();
    env.new_case(&NewCase::default())
        .code(4)
        .stderr_has("policy.yaml");
    env.assert_unchanged(&before);
}

#[test]
fn a_named_policy_that_does_not_exist() {
    let env = store_with_one_case();
    let before = env.snapshot();
    env.new_case(&NewCase::default())
        .args(&["--policy", "missing.yaml"])
        .code(4)
        .stderr_has("missing.yaml");
    env.run(&["list"])
        .env("CASES_POLICY", "also-missing.yaml")
        .code(4)
        .stderr_has("also-missing.yaml");
    env.assert_unchanged(&before);
}

#[test]
fn a_store_that_does_not_exist() {
    let env = store_with_one_case();
    let before = env.snapshot();
    for args in [
        NewCase::default().args(),
        vec!["show".into(), "1001".into()],
        vec!["list".into()],
        vec!["sla".into()],
        vec!["check".into()],
        vec![
            "phone".into(),
            "1001".into(),
            "--call".into(),
            "voicemail".into(),
        ],
    ] {
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--store", "nowhere"]);
        env.run(&args).code(4).stderr_has("nowhere");
        env.assert_unchanged(&before);
    }
    env.run(&["list"])
        .env("CASES_STORE", "gone")
        .code(4)
        .stderr_has("gone");
    // A file is not a store either.
    env.run(&["list", "--store", "policy.yaml"])
        .code(4)
        .stderr_has("policy.yaml");
    env.assert_unchanged(&before);

    // No ./cases at all.
    let env = Env::empty();
    env.new_case(&NewCase::default())
        .code(4)
        .stderr_has("cases");
    assert!(env.snapshot().entries.is_empty());
}

#[test]
fn show_of_a_missing_case() {
    let env = store_with_one_case();
    let before = env.snapshot();
    env.run(&["show", "1002"])
        .code(2)
        .stderr_has("case 1002 does not exist")
        .stdout_empty();
    env.run(&["show", "42"]).code(2).stderr_has("case 42");
    env.run(&["phone", "1002", "--call", "voicemail"])
        .code(2)
        .stderr_has("case 1002");
    env.run(&["respond", "1002"])
        .code(2)
        .stderr_has("case 1002");
    env.assert_unchanged(&before);
    assert!(!env.exists(&case_file(1002)));
}
