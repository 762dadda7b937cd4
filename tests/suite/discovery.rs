//! Finding the store and its policy (SPEC section 7): from the current
//! directory upwards like git, `--store DIR` with the policy beside it,
//! `CASES_STORE`/`CASES_POLICY`, and no silent built-in policy.

use crate::common::{Env, NewCase, DEFAULT_POLICY};

/// The default policy under another version name, to tell which was used.
fn policy_version(version: &str) -> String {
    DEFAULT_POLICY.replace("version: \"2026.1\"", &format!("version: \"{version}\""))
}

#[test]
fn from_a_subdirectory_the_store_above_is_found() {
    let env = Env::new();
    assert_eq!(env.open(&NewCase::default()), 1001);
    env.mkdir("cases/001/deeper");
    // `cd cases && cases list`, and from deeper still.
    for cwd in ["cases", "cases/001", "cases/001/deeper"] {
        let out = env.run(&["list", "--format", "csv"]).cwd(cwd).ok();
        assert!(
            out.stdout.lines().nth(1).unwrap().starts_with("1001,"),
            "{out}"
        );
    }
    // A write from a subdirectory lands in the store above, and messages
    // name the paths as seen from there.
    env.new_case(&NewCase::default())
        .cwd("cases/001")
        .ok()
        .stdout_is("1002\n");
    assert!(env.exists("cases/001/1002.yaml"));
    assert!(!env.exists("cases/001/cases"));
    env.run(&["show", "1003"])
        .cwd("cases/001")
        .code(2)
        .stderr_is("cases: error: case 1003 does not exist (no file ../../cases/001/1003.yaml)\n");
}

#[test]
fn the_nearest_policy_or_store_wins_and_its_policy_is_used() {
    let env = Env::new();
    env.write("team/policy.yaml", policy_version("2099.1"));
    env.make_store("team/cases");
    env.mkdir("team/notes");
    env.new_case(&NewCase::default()).cwd("team/notes").ok();
    assert!(env
        .read("team/cases/001/1001.yaml")
        .contains("policy_version: '2099.1'"));
    assert!(!env.exists("cases/001/1001.yaml"));
}

#[test]
fn from_an_unrelated_directory_store_means_the_policy_beside_it() {
    let env = Env::empty();
    env.make_store("support/cases");
    env.write("support/policy.yaml", policy_version("2099.9"));
    env.mkdir("elsewhere");
    env.new_case(&NewCase::default())
        .cwd("elsewhere")
        .args(&["--store", "../support/cases"])
        .ok()
        .stdout_is("1001\n");
    assert!(env
        .read("support/cases/001/1001.yaml")
        .contains("policy_version: '2099.9'"));
    // An absolute --store, from a directory with nothing in it.
    let store = env.path("support/cases").display().to_string();
    env.run(&["sla", "--store", &store, "--format", "json"])
        .cwd("elsewhere")
        .ok();
    // --policy overrides the policy beside the store.
    env.write("elsewhere/other.yaml", policy_version("3000.0"));
    env.new_case(&NewCase::default())
        .cwd("elsewhere")
        .args(&["--store", &store, "--policy", "other.yaml"])
        .ok()
        .stdout_is("1002\n");
    assert!(env
        .read("support/cases/001/1002.yaml")
        .contains("policy_version: '3000.0'"));
}

#[test]
fn cases_store_and_cases_policy_in_the_environment() {
    let env = Env::empty();
    env.make_store("support/cases");
    env.write("support/policy.yaml", policy_version("2099.9"));
    env.write("other.yaml", policy_version("3000.0"));
    env.mkdir("elsewhere");
    // CASES_STORE alone: the policy beside it.
    env.new_case(&NewCase::default())
        .cwd("elsewhere")
        .env("CASES_STORE", "../support/cases")
        .ok();
    assert!(env
        .read("support/cases/001/1001.yaml")
        .contains("policy_version: '2099.9'"));
    // CASES_POLICY names another.
    env.new_case(&NewCase::default())
        .cwd("elsewhere")
        .env("CASES_STORE", "../support/cases")
        .env("CASES_POLICY", "../other.yaml")
        .ok();
    assert!(env
        .read("support/cases/001/1002.yaml")
        .contains("policy_version: '3000.0'"));
    // Options win over the environment.
    env.new_case(&NewCase::default())
        .cwd("elsewhere")
        .env("CASES_STORE", "nowhere")
        .env("CASES_POLICY", "nowhere.yaml")
        .args(&[
            "--store",
            "../support/cases",
            "--policy",
            "../support/policy.yaml",
        ])
        .ok()
        .stdout_is("1003\n");
}

#[test]
fn a_store_with_no_policy_beside_it_is_refused_with_the_fix() {
    // Given by --store.
    let env = Env::empty();
    env.make_store("support/cases");
    let before = env.snapshot();
    for args in [vec!["list"], vec!["sla", "--check"], vec!["check"]] {
        env.run(&args)
            .args(&["--store", "support/cases"])
            .code(4)
            .stderr_is(
                "cases: error: no policy beside the store support/cases: support/policy.yaml does not exist (restore the team's policy there, write the default with: cases init support, or pass --policy FILE)\n",
            );
    }
    env.new_case(&NewCase::default())
        .args(&["--store", "support/cases"])
        .code(4);
    env.assert_unchanged(&before);

    // Found from a subdirectory: cases/ with no policy.yaml beside it.
    let env = Env::empty();
    env.mkdir("cases/001");
    let before = env.snapshot();
    env.run(&["list"]).cwd("cases/001").code(4).stderr_is(
        "cases: error: no policy beside the store ../../cases: ../../policy.yaml does not exist (restore the team's policy there, write the default with: cases init ../.., or pass --policy FILE)\n",
    );
    env.assert_unchanged(&before);
    // The fix it names works: init keeps the store and writes the default.
    env.run(&["init", "../.."]).cwd("cases/001").ok();
    assert_eq!(env.read("policy.yaml"), DEFAULT_POLICY);
    env.run(&["list"]).cwd("cases/001").ok();
}

#[test]
fn with_no_store_anywhere_the_error_says_how_to_make_one() {
    let env = Env::empty();
    env.mkdir("empty");
    let out = env.run(&["list"]).cwd("empty").code(4);
    let cwd = env.path("empty").canonicalize().unwrap();
    assert_eq!(
        out.stderr,
        format!(
            "cases: error: no store found: neither {} nor a directory above it holds policy.yaml or cases/ (create one with: cases init, or pass --store DIR)\n",
            cwd.display()
        )
    );
    assert_eq!(env.snapshot().files(), Vec::<String>::new());
}
