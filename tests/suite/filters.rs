//! Filters, sorting and limits, the same on `list`, `queue` and `sla`:
//! multi-value options, `--open`, `--owner me`, `--grep`, opening date
//! ranges, `--sort`, `--reverse`, `--limit` and `sla --status`. Every
//! assertion is the exact set (and order) of case numbers printed.
//!
//! America/Toronto is UTC-5 in November 2026.

use crate::common::{Env, NewCase};
use serde_json::Value;

/// The store every test reads:
/// - 1001 sev2 premium north-america, Acme, opened Mon 11-23 09:05 local, alice's;
/// - 1002 sev3 basic emea, Globex, opened Tue 11-24, new;
/// - 1003 sev1 plus north-america, Initech, opened Wed 11-25, bob's, with a
///   note mentioning SharePoint;
/// - 1004 sev4 basic north-america, Acme, opened Thu 11-26, alice's, closed;
/// - 1005 sev2 plus north-america, Umbrella, opened Thu 11-26 later, new.
fn store() -> Env {
    let env = Env::new();
    let open = |title, account, plan, region, severity, now| {
        let case = NewCase {
            title,
            account,
            plan,
            region,
            severity,
            ..NewCase::default()
        };
        env.open_at(&case, now)
    };
    open(
        "Search is slow",
        "Acme",
        "premium",
        "north-america",
        "2",
        "2026-11-23T14:05:00Z",
    );
    open(
        "Indexing fails on PDF files",
        "Globex",
        "basic",
        "emea",
        "3",
        "2026-11-24T12:00:00Z",
    );
    open(
        "Outage of the search page",
        "Initech",
        "plus",
        "north-america",
        "1",
        "2026-11-25T15:00:00Z",
    );
    open(
        "How do I boost documents?",
        "Acme",
        "basic",
        "north-america",
        "4",
        "2026-11-26T14:00:00Z",
    );
    open(
        "Dashboard is blank",
        "Umbrella",
        "plus",
        "north-america",
        "2",
        "2026-11-26T16:00:00Z",
    );
    let at = |args: &[&str], now: &str, actor: &str| {
        env.run(args).now(now).actor(actor).ok();
    };
    at(
        &["assign", "1001", "--to", "alice"],
        "2026-11-23T14:10:00Z",
        "alice",
    );
    at(
        &["assign", "1003", "--to", "bob"],
        "2026-11-25T15:05:00Z",
        "bob",
    );
    at(
        &["phone", "1003", "--call", "voicemail"],
        "2026-11-25T15:06:00Z",
        "bob",
    );
    at(
        &[
            "note",
            "1003",
            "--text",
            "Customer says the SHAREPOINT connector died",
        ],
        "2026-11-25T15:10:00Z",
        "bob",
    );
    at(
        &["assign", "1004", "--to", "alice"],
        "2026-11-26T14:05:00Z",
        "alice",
    );
    at(&["respond", "1004"], "2026-11-26T14:10:00Z", "alice");
    at(
        &["close", "1004", "--confirmed-by", "Jane Doe"],
        "2026-11-26T14:20:00Z",
        "alice",
    );
    env
}

/// The instant the tests read the store: Fri 2026-11-27 10:00 local.
const NOW: &str = "2026-11-27T15:00:00Z";

/// The case numbers `cases ARGS --format json` prints, in order.
fn numbers(env: &Env, args: &[&str]) -> Vec<u64> {
    let out = env.run(args).args(&["--format", "json"]).now(NOW).ok();
    let Value::Array(items) = out.json() else {
        panic!("not a JSON array: {out}");
    };
    items
        .iter()
        .map(|item| item["number"].as_u64().expect("a number"))
        .collect()
}

#[test]
fn list_filters_by_several_values_open_owner_me_and_text() {
    let env = store();
    assert_eq!(numbers(&env, &["list"]), [1001, 1002, 1003, 1004, 1005]);
    assert_eq!(
        numbers(&env, &["list", "--state", "new,open"]),
        [1001, 1002, 1003, 1005]
    );
    assert_eq!(
        numbers(&env, &["list", "--state", "new", "--state", "closed"]),
        [1002, 1004, 1005]
    );
    assert_eq!(numbers(&env, &["list", "--open"]), [1001, 1002, 1003, 1005]);
    // The harness's actor is alice.
    assert_eq!(numbers(&env, &["list", "--owner", "me"]), [1001, 1004]);
    assert_eq!(numbers(&env, &["list", "--open", "--owner", "me"]), [1001]);
    assert_eq!(
        numbers(&env, &["list", "-o", "bob,none"]),
        [1002, 1003, 1005]
    );
    assert_eq!(
        numbers(&env, &["list", "--severity", "1,minor"]),
        [1002, 1003]
    );
    assert_eq!(
        numbers(
            &env,
            &["list", "--plan", "basic,plus", "--region", "north-america"]
        ),
        [1003, 1004, 1005]
    );
    assert_eq!(numbers(&env, &["list", "--account", "ACME"]), [1001, 1004]);
    // --grep: the history's text (a note), the account, the title; any case.
    assert_eq!(numbers(&env, &["list", "--grep", "sharepoint"]), [1003]);
    assert_eq!(numbers(&env, &["list", "-g", "gLoBeX"]), [1002]);
    assert_eq!(numbers(&env, &["list", "--grep", "search"]), [1001, 1003]);
    assert_eq!(
        numbers(&env, &["list", "--grep", "jane doe", "--state", "closed"]),
        [1004]
    );
    assert!(numbers(&env, &["list", "--grep", "no such words"]).is_empty());
}

#[test]
fn list_filters_by_opening_dates() {
    let env = store();
    // A date is the whole UTC day: since its 00:00, until its end.
    assert_eq!(
        numbers(
            &env,
            &[
                "list",
                "--opened-since",
                "2026-11-24",
                "--opened-until",
                "2026-11-25"
            ]
        ),
        [1002, 1003]
    );
    assert_eq!(
        numbers(&env, &["list", "--opened-since", "2026-11-26"]),
        [1004, 1005]
    );
    // An instant is exact: since it (included), until it (excluded).
    assert_eq!(
        numbers(
            &env,
            &[
                "list",
                "--opened-since",
                "2026-11-26T14:00:00Z",
                "--opened-until",
                "2026-11-26T16:00:00Z"
            ]
        ),
        [1004]
    );
    env.run(&["list", "--opened-since", "2026-11-26", "--opened-until", "2026-11-25"])
        .code(2)
        .stderr_is("cases: error: --opened-since 2026-11-26T00:00:00Z is not before --opened-until 2026-11-26T00:00:00Z\n");
}

#[test]
fn list_sorts_reverses_and_limits() {
    let env = store();
    assert_eq!(
        numbers(&env, &["list", "--sort", "severity"]),
        [1003, 1001, 1005, 1002, 1004]
    );
    // Ties keep number order, also reversed.
    assert_eq!(
        numbers(&env, &["list", "--sort", "severity", "--reverse"]),
        [1004, 1002, 1001, 1005, 1003]
    );
    assert_eq!(
        numbers(
            &env,
            &["list", "--sort", "opened", "--reverse", "--limit", "2"]
        ),
        [1005, 1004]
    );
    assert_eq!(numbers(&env, &["list", "-n", "1"]), [1001]);
    assert_eq!(
        numbers(&env, &["list", "--sort", "owner"]),
        [1001, 1004, 1003, 1002, 1005]
    );
    assert_eq!(
        numbers(&env, &["list", "--sort", "account"]),
        [1001, 1004, 1002, 1003, 1005]
    );
    env.run(&["list", "--sort", "due"]).code(2).stderr_is(
        "cases: error: --sort due is not available here (allowed: number, opened, severity, state, plan, region, owner, account, title)\n",
    );
}

#[test]
fn bad_filter_values_are_usage_errors_naming_what_is_allowed() {
    let env = store();
    env.run(&["list", "--state", "open,shut"])
        .code(2)
        .stderr_contains("invalid value 'shut' for '--state <STATE,...>': allowed: new, open, waiting-on-customer, waiting-on-fix, closed");
    env.run(&["list", "--severity", "1,9"]).code(2).stderr_is(
        "cases: error: --severity \"9\" is not a severity (allowed: 1/critical, 2/major, 3/minor, 4/request)\n",
    );
    env.run(&["queue", "--region", "mars"]).code(2).stderr_is(
        "cases: error: --region \"mars\" is not a region (allowed: north-america, emea)\n",
    );
    env.run(&["list", "--open", "--state", "new"])
        .code(2)
        .stderr_contains("'--open' cannot be used with '--state <STATE,...>'");
    env.run(&["sla", "--grep", " "])
        .code(2)
        .stderr_is("cases: error: --grep needs some text to look for\n");
    env.run(&["sla", "--status", "late"])
        .code(2)
        .stderr_contains("allowed: waiting, running, at-risk, met, breached");
    env.run(&["sla", "--status", "at-risk"]).code(2).stderr_is(
        "cases: error: --status at-risk needs --at-risk DURATION (how soon is at risk)\n",
    );
}

#[test]
fn queue_takes_the_same_filters_sort_and_limit() {
    let env = store();
    // The queue's own order: severity first.
    assert_eq!(numbers(&env, &["queue"]), [1005, 1002]);
    assert_eq!(numbers(&env, &["queue", "--region", "emea"]), [1002]);
    assert_eq!(numbers(&env, &["queue", "--grep", "pdf"]), [1002]);
    assert_eq!(numbers(&env, &["queue", "--sort", "number"]), [1002, 1005]);
    assert_eq!(numbers(&env, &["queue", "--limit", "1"]), [1005]);
    assert_eq!(
        numbers(&env, &["queue", "--opened-since", "2026-11-25"]),
        [1005]
    );
    // The queue holds new cases only; a filter narrows it, never widens it.
    assert!(numbers(&env, &["queue", "--state", "closed"]).is_empty());
    assert!(numbers(&env, &["queue", "--owner", "me"]).is_empty());
}

/// `(case, clock, status)` of every clock `cases sla ARGS --format json` prints.
fn clocks(env: &Env, args: &[&str]) -> Vec<(u64, String, String)> {
    let out = env
        .run(&["sla"])
        .args(args)
        .args(&["--format", "json"])
        .now(NOW)
        .ok();
    let Value::Array(items) = out.json() else {
        panic!("not a JSON array: {out}");
    };
    let mut found = Vec::new();
    for item in &items {
        for clock in item["clocks"].as_array().expect("clocks") {
            let status = if clock["at_risk"] == Value::Bool(true) {
                "at-risk".to_string()
            } else {
                clock["status"].as_str().unwrap().to_string()
            };
            found.push((
                item["number"].as_u64().unwrap(),
                clock["clock"].as_str().unwrap().to_string(),
                status,
            ));
        }
    }
    found
}

fn clock(number: u64, status: &str) -> (u64, String, String) {
    (number, "initial-response".to_string(), status.to_string())
}

#[test]
fn sla_filters_clocks_by_status_and_cases_like_list() {
    let env = store();
    // At Fri 10:00 local: 1001 (due Mon 11:05) and 1003 (phoned Wed, 1h
    // 24x7) are breached, 1002 (emea basic sev3, 12 business hours from Tue
    // 12:00 GMT) is breached, 1005 (plus sev2, 4h from Thu 11:00 local:
    // due 15:00 local = 20:00Z) is breached too.
    assert_eq!(
        clocks(&env, &[]),
        [
            clock(1001, "breached"),
            clock(1002, "breached"),
            clock(1003, "breached"),
            clock(1005, "breached")
        ]
    );
    assert_eq!(clocks(&env, &["--status", "met,running"]), []);
    assert_eq!(
        clocks(&env, &["--status", "breached", "--owner", "me"]),
        [clock(1001, "breached")]
    );
    assert_eq!(
        clocks(&env, &["--state", "new", "--severity", "2"]),
        [clock(1005, "breached")]
    );
    assert_eq!(
        clocks(&env, &["--grep", "sharepoint"]),
        [clock(1003, "breached")]
    );
    assert_eq!(
        clocks(&env, &["--sort", "opened", "--reverse", "--limit", "2"]),
        [clock(1005, "breached"), clock(1003, "breached")]
    );
}

#[test]
fn sla_status_at_risk_and_running_are_told_apart() {
    let env = store();
    // Thu 2026-11-26 16:30Z: 1005 (due 20:00Z) is running, at risk within 4h
    // but not within 3h.
    let at = |args: &[&str]| -> Vec<(u64, String, String)> {
        let out = env
            .run(&["sla"])
            .args(args)
            .args(&["--format", "json"])
            .now("2026-11-26T16:30:00Z")
            .ok();
        out.json()
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|item| {
                let number = item["number"].as_u64().unwrap();
                item["clocks"].as_array().unwrap().iter().map(move |c| {
                    (
                        number,
                        c["clock"].as_str().unwrap().to_string(),
                        c["status"].as_str().unwrap().to_string(),
                    )
                })
            })
            .collect()
    };
    assert_eq!(
        at(&["--status", "at-risk", "--at-risk", "4h"]),
        [clock(1005, "running")]
    );
    assert_eq!(at(&["--status", "at-risk", "--at-risk", "3h"]), []);
    assert_eq!(
        at(&["--status", "running", "--at-risk", "3h"]),
        [clock(1005, "running")]
    );
    assert_eq!(at(&["--status", "running", "--at-risk", "4h"]), []);
    // The table's summary counts what is shown.
    env.run(&["sla", "--status", "breached", "--limit", "1"])
        .now("2026-11-26T16:30:00Z")
        .ok()
        .stdout_contains("1 clock on 1 open case at 2026-11-26T16:30:00Z: 1 breached, 0 at risk");
}
