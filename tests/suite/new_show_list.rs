//! `cases init`, `new`, `show`, `list`, `completions`, and the global
//! options and environment variables (SPEC section 6).

use crate::common::{assert_json_has, assign_by_hand, case_file, Env, NewCase, DEFAULT_POLICY, T0};
use serde_json::{json, Value};

#[test]
fn init_creates_a_store_and_the_default_policy_and_keeps_them() {
    let env = Env::empty();
    env.run(&["init"])
        .ok()
        .stderr_has("created store")
        .stderr_has("wrote default policy");
    assert!(env.path("cases").is_dir());
    assert_eq!(env.read("policy.yaml"), DEFAULT_POLICY);
    assert!(env.exists(".git"), "init sets up git");
    assert_eq!(env.open(&NewCase::default()), 1001);

    // A second init keeps everything.
    env.write(
        "policy.yaml",
        DEFAULT_POLICY.replace("2026.1", "2026.1-local"),
    );
    let before = env.snapshot();
    env.run(&["init"])
        .ok()
        .stderr_has("kept store")
        .stderr_has("kept policy");
    env.assert_unchanged(&before);
}

#[test]
fn init_with_a_directory_creates_it() {
    let env = Env::empty();
    env.run(&["init", "support/desk"]).ok();
    assert!(env.path("support/desk/cases").is_dir());
    assert_eq!(env.read("support/desk/policy.yaml"), DEFAULT_POLICY);
    env.run(&[
        "--store",
        "support/desk/cases",
        "--policy",
        "support/desk/policy.yaml",
        "list",
    ])
    .ok();
}

#[test]
fn new_prints_the_number_and_nothing_else() {
    let env = Env::new();
    env.new_case(&NewCase::default())
        .ok()
        .stdout_is("1001\n")
        .stderr_empty();
    env.new_case(&NewCase::default()).ok().stdout_is("1002\n");
}

#[test]
fn new_format_json_prints_the_case_as_show_does() {
    let env = Env::new();
    let out = env
        .new_case(&NewCase::default())
        .args(&["--format", "json"])
        .ok();
    let new_json = out.json();
    let expected = json!({
        "number": 1001,
        "title": "Search is slow",
        "account": "acme",
        "plan": "premium",
        "region": "north-america",
        "language": "en",
        "severity": 2,
        "state": "new",
        "owner": null,
        "opened_at": "2026-11-23T14:05:00Z",
        "escalation_eligible_at": "2026-11-25T14:05:00Z",
        "autoclose_at": null,
        "reopen_until": null,
        "clocks": [{
            "clock": "initial-response",
            "started_at": "2026-11-23T14:05:00Z",
            "due_at": "2026-11-23T16:05:00Z",
            "stopped_at": null,
            "status": "running",
        }],
    });
    assert_json_has(&new_json, &expected);
    let show_json = env.run(&["show", "1001", "--format", "json"]).ok().json();
    assert_eq!(new_json, show_json);
}

#[test]
fn new_severity_1_prints_the_region_phone_numbers_and_when_the_clock_starts() {
    let env = Env::new();
    let out = env
        .new_case(&NewCase {
            severity: "1",
            ..NewCase::default()
        })
        .ok();
    out.stdout_is("1001\n")
        .stderr_has("+1.866.266.1583")
        .stderr_has("+1.418.266.1583")
        .stderr_has("the initial-response clock starts with the call")
        .stderr_has("cases phone 1001");

    let out = env
        .new_case(&NewCase {
            severity: "critical",
            region: "emea",
            ..NewCase::default()
        })
        .args(&["--format", "json"])
        .ok();
    out.stderr_has("00800 5008 0900")
        .stderr_has("clock starts with the call");
    assert!(!out.stderr.contains("+1.866"), "{}", out.stderr);
    let case = out.json();
    assert_eq!(case["severity"], 1);
    assert_json_has(
        &case["clocks"],
        &json!([{
            "clock": "initial-response",
            "started_at": null,
            "due_at": null,
            "stopped_at": null,
            "status": "waiting",
        }]),
    );
    // 24 hours (24x7) after opening.
    assert_eq!(case["escalation_eligible_at"], "2026-11-24T14:05:00Z");
}

#[test]
fn other_severities_print_no_phone_numbers() {
    let env = Env::new();
    for severity in ["2", "3", "4", "major", "minor", "request"] {
        env.new_case(&NewCase {
            severity,
            ..NewCase::default()
        })
        .ok()
        .stderr_empty();
    }
}

#[test]
fn language_defaults_to_the_region_s_first_language() {
    let policy = DEFAULT_POLICY.replacen(
        "    languages: [en, fr]\n    phones: [\"00800",
        "    languages: [fr, en]\n    phones: [\"00800",
        1,
    );
    assert_ne!(policy, DEFAULT_POLICY);
    let env = Env::with_policy(&policy);
    env.open(&NewCase::default());
    env.open(&NewCase {
        region: "emea",
        ..NewCase::default()
    });
    env.open(&NewCase {
        region: "emea",
        language: Some("en"),
        ..NewCase::default()
    });
    let languages: Vec<Value> = (1001..=1003)
        .map(|n| {
            env.run(&["show", &n.to_string(), "--format", "json"])
                .ok()
                .json()["language"]
                .clone()
        })
        .collect();
    assert_eq!(languages, [json!("en"), json!("fr"), json!("en")]);
    assert!(env.read(&case_file(1002)).contains("\nlanguage: fr\n"));
}

#[test]
fn show_is_readable() {
    let env = Env::new();
    env.open(&NewCase {
        contacts: vec![
            "Jane Doe <jane@acme.example>",
            "Raj Patel <raj@acme.example>",
        ],
        ..NewCase::default()
    });
    let out = env.run(&["show", "1001"]).now("2026-11-23T14:35:00Z").ok();
    out.stdout_has("case 1001: Search is slow")
        .stdout_has("account acme")
        .stdout_has("plan premium")
        .stdout_has("region north-america (America/Toronto)")
        .stdout_has("language en")
        .stdout_has("severity 2 (major)")
        .stdout_has("state new")
        .stdout_has("owner (unowned)")
        .stdout_has("contacts Jane Doe <jane@acme.example>, Raj Patel <raj@acme.example>")
        .stdout_has("opened 2026-11-23 09:05 EST")
        .stdout_has("policy 2026.1")
        .stdout_has("initial-response running, due 2026-11-23 11:05 EST (in 1h30m)")
        .stdout_has("escalation from 2026-11-25 09:05 EST")
        .stdout_has("2026-11-23 09:05 EST created by alice")
        .stderr_empty();
}

#[test]
fn show_json_has_exact_due_instants() {
    let env = Env::new();
    // Premium severity 2 in north-america, opened Monday 09:05 EST.
    env.open(&NewCase::default());
    // Basic severity 3 in emea (11:00-02:00 GMT), opened Friday 23:00:
    // 3h on Friday's shift, 9h from Monday 11:00 -> Monday 20:00.
    env.open_at(
        &NewCase {
            plan: "basic",
            region: "emea",
            severity: "3",
            ..NewCase::default()
        },
        "2026-11-27T23:00:00Z",
    );
    // Plus severity 4 in north-america, opened Thursday 2026-12-24 17:00 EST:
    // 4h on Thursday, Christmas off, weekend, then 20h from Monday 06:00:
    // 15h Monday, 5h Tuesday -> Tuesday 11:00 EST.
    env.open_at(
        &NewCase {
            plan: "plus",
            severity: "4",
            ..NewCase::default()
        },
        "2026-12-24T22:00:00Z",
    );

    let case = env.run(&["show", "1001", "--format", "json"]).ok().json();
    assert_eq!(case["number"], 1001);
    assert_eq!(case["opened_at"], "2026-11-23T14:05:00Z");
    assert_eq!(case["clocks"][0]["clock"], "initial-response");
    assert_eq!(case["clocks"][0]["started_at"], "2026-11-23T14:05:00Z");
    assert_eq!(case["clocks"][0]["due_at"], "2026-11-23T16:05:00Z");
    assert_eq!(case["clocks"][0]["status"], "running");
    assert_eq!(case["escalation_eligible_at"], "2026-11-25T14:05:00Z");
    assert_eq!(case["clocks"].as_array().unwrap().len(), 1);

    let case = env
        .run(&["show", "1002", "--format", "json"])
        .now("2026-11-27T23:00:00Z")
        .ok()
        .json();
    assert_eq!(case["clocks"][0]["due_at"], "2026-11-30T20:00:00Z");
    // 5 business days after Friday's shift (at offset 12h): Friday 4 Dec's shift.
    assert_eq!(case["escalation_eligible_at"], "2026-12-04T23:00:00Z");

    let case = env
        .run(&["show", "1003", "--format", "json"])
        .now("2026-12-24T22:00:00Z")
        .ok()
        .json();
    assert_eq!(case["clocks"][0]["due_at"], "2026-12-29T16:00:00Z");
    assert_eq!(case["escalation_eligible_at"], Value::Null);
}

#[test]
fn show_json_after_a_response_has_a_met_clock() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["respond", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    let case = env
        .run(&["show", "1001", "--format", "json"])
        .now("2026-11-24T15:00:00Z")
        .ok()
        .json();
    assert_json_has(
        &case["clocks"],
        &json!([{
            "clock": "initial-response",
            "started_at": "2026-11-23T14:05:00Z",
            "due_at": "2026-11-23T16:05:00Z",
            "stopped_at": "2026-11-23T15:00:00Z",
            "status": "met",
        }]),
    );
}

/// Five cases with different plans, regions, severities, accounts and
/// owners; 1002 and 1004 are assigned.
fn five_cases() -> Env {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase {
        title: "Portal down",
        account: "globex",
        plan: "basic",
        region: "emea",
        severity: "1",
        ..NewCase::default()
    });
    env.open(&NewCase {
        title: "How do I sort?",
        account: "initech",
        plan: "plus",
        severity: "4",
        ..NewCase::default()
    });
    env.open(&NewCase {
        title: "Index browser blank",
        account: "Acme",
        plan: "basic",
        severity: "3",
        ..NewCase::default()
    });
    env.open(&NewCase {
        title: "Analytics gaps",
        account: "globex",
        plan: "premium",
        region: "emea",
        severity: "2",
        ..NewCase::default()
    });
    assign_by_hand(&env, 1002, "2026-11-23T14:30:00Z", "bob");
    assign_by_hand(&env, 1004, "2026-11-23T14:40:00Z", "carol");
    env.run(&["check"]).ok();
    env
}

fn listed(env: &Env, filter: &[&str]) -> Vec<u64> {
    let out = env
        .run(&["list", "--format", "json"])
        .args(filter)
        .now("2026-11-23T15:00:00Z")
        .ok();
    out.json()
        .as_array()
        .expect("a JSON array")
        .iter()
        .map(|case| case["number"].as_u64().expect("a number"))
        .collect()
}

#[test]
fn list_filters() {
    let env = five_cases();
    assert_eq!(listed(&env, &[]), [1001, 1002, 1003, 1004, 1005]);
    assert_eq!(listed(&env, &["--state", "new"]), [1001, 1003, 1005]);
    assert_eq!(listed(&env, &["--state", "open"]), [1002, 1004]);
    assert_eq!(listed(&env, &["--state", "closed"]), Vec::<u64>::new());
    assert_eq!(listed(&env, &["--severity", "1"]), [1002]);
    assert_eq!(listed(&env, &["--severity", "critical"]), [1002]);
    assert_eq!(listed(&env, &["--severity", "2"]), [1001, 1005]);
    assert_eq!(listed(&env, &["--plan", "basic"]), [1002, 1004]);
    assert_eq!(listed(&env, &["--plan", "premium"]), [1001, 1005]);
    assert_eq!(listed(&env, &["--region", "emea"]), [1002, 1005]);
    assert_eq!(
        listed(&env, &["--region", "north-america"]),
        [1001, 1003, 1004]
    );
    assert_eq!(listed(&env, &["--owner", "bob"]), [1002]);
    assert_eq!(listed(&env, &["--owner", "carol"]), [1004]);
    assert_eq!(listed(&env, &["--owner", "none"]), [1001, 1003, 1005]);
    assert_eq!(listed(&env, &["--account", "globex"]), [1002, 1005]);
    assert_eq!(listed(&env, &["--account", "acme"]), [1001, 1004]);
    assert_eq!(
        listed(
            &env,
            &["--region", "emea", "--severity", "2", "--account", "globex"]
        ),
        [1005]
    );
}

#[test]
fn list_is_ordered_by_number_not_by_file_system_order() {
    let env = Env::new();
    env.open(&NewCase::default());
    // Case 1999 in 001/ and 2000 in 002/, 10000 in 010/.
    let text = env.read(&case_file(1001));
    for number in [10000u64, 1999, 2000] {
        env.write(
            &case_file(number),
            text.replacen("number: 1001\n", &format!("number: {number}\n"), 1),
        );
    }
    env.open(&NewCase::default());
    assert_eq!(listed(&env, &[]), [1001, 1999, 2000, 10000, 10001]);
}

#[test]
fn list_json_fields() {
    let env = five_cases();
    let out = env
        .run(&["list", "--format", "json", "--owner", "bob"])
        .ok();
    let items = out.json();
    let item = &items[0];
    for (key, value) in [
        ("number", json!(1002)),
        ("title", json!("Portal down")),
        ("account", json!("globex")),
        ("plan", json!("basic")),
        ("region", json!("emea")),
        ("severity", json!(1)),
        ("state", json!("open")),
        ("owner", json!("bob")),
        ("opened_at", json!("2026-11-23T14:05:00Z")),
    ] {
        assert_eq!(item[key], value, "{key} in {item:#}");
    }
}

#[test]
fn list_table() {
    let env = five_cases();
    let out = env.run(&["list"]).ok();
    let lines = out.stdout_lines();
    assert_eq!(
        lines[0],
        "number severity plan region state owner account labels title"
    );
    assert!(lines[1].chars().all(|c| c == '-'), "{:?}", lines[1]);
    assert_eq!(
        &lines[2..],
        [
            "1001 2 premium north-america new - acme - Search is slow",
            "1002 1 basic emea open bob globex - Portal down",
            "1003 4 plus north-america new - initech - How do I sort?",
            "1004 3 basic north-america open carol Acme - Index browser blank",
            "1005 2 premium emea new - globex - Analytics gaps",
        ]
    );
    env.run(&["list", "--state", "open", "--plan", "plus"])
        .ok()
        .stdout_lacks("initech");
}

#[test]
fn list_csv() {
    let env = five_cases();
    env.run(&["list", "--format", "csv", "--region", "emea"])
        .ok()
        .stdout_is(
            "number,title,account,plan,region,severity,state,owner,labels,opened_at\n\
             1002,Portal down,globex,basic,emea,1,open,bob,,2026-11-23T14:05:00Z\n\
             1005,Analytics gaps,globex,premium,emea,2,new,,,2026-11-23T14:05:00Z\n",
        );
    // Commas and quotes are quoted.
    let env = Env::new();
    env.open(&NewCase {
        title: "Sort, then \"filter\" fails",
        ..NewCase::default()
    });
    env.run(&["list", "--format", "csv"]).ok().stdout_is(
        "number,title,account,plan,region,severity,state,owner,labels,opened_at\n\
         1001,\"Sort, then \"\"filter\"\" fails\",acme,premium,north-america,2,new,,,2026-11-23T14:05:00Z\n",
    );
}

#[test]
fn list_of_an_empty_store() {
    let env = Env::new();
    env.run(&["list", "--format", "json"])
        .ok()
        .stdout_is("[]\n");
    env.run(&["list", "--format", "csv"])
        .ok()
        .stdout_is("number,title,account,plan,region,severity,state,owner,labels,opened_at\n");
}

#[test]
fn completions_bash_prints_a_script() {
    let env = Env::new();
    let out = env.run(&["completions", "bash"]).ok();
    out.stdout_has("_cases()")
        .stdout_has("complete -F _cases")
        .stdout_has("--title")
        .stderr_empty();
    env.run(&["completions", "zsh"])
        .ok()
        .stdout_has("#compdef cases");
}

#[test]
fn store_and_policy_come_from_options_then_environment_then_defaults() {
    let env = Env::empty();
    env.make_store("elsewhere/store");
    env.write(
        "elsewhere/policy.yaml",
        DEFAULT_POLICY.replace("version: \"2026.1\"", "version: \"2099.9\""),
    );

    // No policy.yaml in the working directory: the one beside the store
    // (SPEC section 7; this used the embedded default before).
    env.new_case(&NewCase::default())
        .args(&["--store", "elsewhere/store"])
        .ok();
    assert!(env
        .read("elsewhere/store/001/1001.yaml")
        .contains("policy_version: '2099.9'"));

    // CASES_STORE and CASES_POLICY.
    env.new_case(&NewCase::default())
        .env("CASES_STORE", "elsewhere/store")
        .env("CASES_POLICY", "elsewhere/policy.yaml")
        .ok()
        .stdout_is("1002\n");
    assert!(env
        .read("elsewhere/store/001/1002.yaml")
        .contains("policy_version: '2099.9'"));

    // Options win over the environment (other/'s policy is ./policy.yaml).
    env.make_store("other");
    env.write("policy.yaml", DEFAULT_POLICY);
    env.new_case(&NewCase::default())
        .env("CASES_STORE", "elsewhere/store")
        .args(&["--store", "other"])
        .ok()
        .stdout_is("1001\n");
    assert!(env.exists("other/001/1001.yaml"));
    assert!(!env.exists("cases"));
}

#[test]
fn actor_and_now_come_from_options_then_environment() {
    let env = Env::new();
    env.new_case(&NewCase::default())
        .actor("dora")
        .args(&["--actor", "erin", "--now", "2026-11-23T10:00:00-05:00"])
        .now("2030-01-01T00:00:00Z")
        .ok();
    let text = env.read(&case_file(1001));
    assert!(
        text.contains("- at: 2026-11-23T15:00:00Z\n  event: created\n  by: erin\n"),
        "{text}"
    );

    env.new_case(&NewCase::default()).actor("dora").ok();
    let text = env.read(&case_file(1002));
    assert!(
        text.contains(&format!("- at: {T0}\n  event: created\n  by: dora\n")),
        "{text}"
    );
}

#[test]
fn actor_falls_back_to_git_user_name_then_user() {
    let env = Env::new();
    env.write("gitconfig", "[user]\n\tname = Gita Git\n");
    env.new_case(&NewCase::default())
        .no_actor()
        .env("GIT_CONFIG_GLOBAL", env.path("gitconfig").to_str().unwrap())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("USER", "ulysses")
        .ok();
    assert!(env.read(&case_file(1001)).contains("\n  by: Gita Git\n"));

    env.new_case(&NewCase::default())
        .no_actor()
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("USER", "ulysses")
        .ok();
    assert!(env.read(&case_file(1002)).contains("\n  by: ulysses\n"));
}

#[test]
fn show_json_gates_of_a_case_waiting_on_the_customer() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase::default());
    assign_by_hand(&env, 1002, "2026-11-23T14:30:00Z", "bob");
    env.replace(
        &case_file(1002),
        "state: open\n",
        "state: waiting-on-customer\n",
    );
    env.edit(&case_file(1002), |text| {
        format!(
            "{text}\
- at: 2026-11-24T15:00:00Z
  event: info-requested
  by: bob
  message: Please send the logs
- at: 2026-11-25T15:00:00Z
  event: follow-up
  by: bob
- at: 2026-11-26T15:00:00Z
  event: follow-up
  by: bob
"
        )
    });
    env.run(&["check"]).ok();
    assert_eq!(listed(&env, &["--state", "waiting-on-customer"]), [1002]);
    let case = env
        .run(&["show", "1002", "--format", "json"])
        .now("2026-11-27T15:00:00Z")
        .ok()
        .json();
    assert_json_has(
        &case,
        &json!({
            "state": "waiting-on-customer",
            "owner": "bob",
            // Four business days after Tuesday 10:00 EST: Monday 10:00 EST.
            "autoclose_at": "2026-11-30T15:00:00Z",
            "reopen_until": null,
            "escalation_eligible_at": "2026-11-25T14:05:00Z",
        }),
    );
    env.run(&["show", "1002"])
        .now("2026-11-27T15:00:00Z")
        .ok()
        .stdout_has("state waiting-on-customer")
        .stdout_has("owner bob")
        .stdout_has("auto-close at 2026-11-30 10:00 EST");
}

#[test]
fn show_of_a_severity_1_case_before_the_call() {
    let env = Env::new();
    env.open(&NewCase {
        severity: "1",
        ..NewCase::default()
    });
    env.run(&["show", "1001"])
        .ok()
        .stdout_has("severity 1 (critical)")
        .stdout_has("initial-response waiting");
}
