//! `cases sla` end to end: due instants from the policy, `--check` for CI,
//! JSON and Markdown output, `--as-of` replays, and the severity 1 clock
//! that starts with the phone call.

use crate::common::{assert_json_has, case_file, Env, NewCase, T0};
use serde_json::json;

/// Premium severity 2 in north-america opened Monday 09:05 EST: the 2h
/// target lands on 11:05 EST = 16:05Z.
const DUE: &str = "2026-11-23T16:05:00Z";

fn one_premium_sev2() -> Env {
    let env = Env::new();
    env.open(&NewCase::default());
    env
}

#[test]
fn check_passes_through_the_due_instant_and_fails_just_after_it() {
    let env = one_premium_sev2();
    // SPEC 3: a running clock is not breached until after its due instant.
    for now in [T0, "2026-11-23T16:00:00Z", "2026-11-23T16:04:59Z", DUE] {
        env.run(&["sla", "--check"])
            .now(now)
            .ok()
            .stderr_empty()
            .stdout_has(
                "1001 2 premium north-america new initial-response running 2026-11-23 11:05 EST",
            );
    }
    for now in [
        "2026-11-23T16:05:01Z",
        "2026-11-23T16:06:00Z",
        "2026-11-30T00:00:00Z",
    ] {
        env.run(&["sla", "--check"])
            .now(now)
            .code(1)
            .stderr_has("breached: case 1001 initial-response due 2026-11-23 11:05 America/Toronto")
            .stdout_has("initial-response breached");
    }
    // Without --check a breach is reported but does not fail.
    env.run(&["sla"])
        .now("2026-11-23T16:05:01Z")
        .ok()
        .stdout_has("1 breached");
    env.run(&["sla"]).now(DUE).ok().stdout_has("0 breached");
}

#[test]
fn the_breach_lines_name_every_breached_case() {
    let env = Env::new();
    env.open(&NewCase::default()); // due 16:05Z
    env.open(&NewCase {
        plan: "basic",
        ..NewCase::default()
    }); // 8h: due 17:05 EST = 22:05Z
    env.open(&NewCase {
        severity: "1",
        ..NewCase::default()
    }); // waiting: never breached
    let out = env
        .run(&["sla", "--check"])
        .now("2026-11-23T22:05:01Z")
        .code(1);
    out.stderr_has("case 1001 initial-response")
        .stderr_has("case 1002 initial-response");
    assert_eq!(out.stderr.lines().count(), 2, "{}", out.stderr);
    assert!(!out.stderr.contains("1003"), "{}", out.stderr);
}

#[test]
fn json_output_has_the_documented_fields() {
    let env = one_premium_sev2();
    env.open(&NewCase {
        title: "Portal down",
        account: "globex",
        plan: "basic",
        region: "emea",
        severity: "1",
        ..NewCase::default()
    });
    let report = env
        .run(&["sla", "--format", "json"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .json();
    assert_json_has(
        &report,
        &json!([
            {
                "number": 1001,
                "severity": 2,
                "plan": "premium",
                "region": "north-america",
                "state": "new",
                "clocks": [{
                    "clock": "initial-response",
                    "started_at": "2026-11-23T14:05:00Z",
                    "due_at": DUE,
                    "stopped_at": null,
                    "status": "running",
                }],
            },
            {
                "number": 1002,
                "severity": 1,
                "plan": "basic",
                "region": "emea",
                "state": "new",
                "clocks": [{
                    "clock": "initial-response",
                    "started_at": null,
                    "due_at": null,
                    "stopped_at": null,
                    "status": "waiting",
                }],
            },
        ]),
    );
}

#[test]
fn json_after_a_late_response_is_breached_with_its_stop() {
    let env = one_premium_sev2();
    env.run(&["respond", "1001"])
        .now("2026-11-23T17:00:00Z")
        .ok()
        .stderr_has("initial-response clock stopped: breached");
    // Answered, even late, it is not overdue: SPEC 3 fails `--check` on
    // it only within a `--since` window that holds its due instant.
    let out = env
        .run(&["sla", "--check", "--format", "json"])
        .now("2026-11-24T10:00:00Z")
        .ok();
    out.stderr_empty();
    env.run(&["sla", "--check", "--since", DUE])
        .now("2026-11-24T10:00:00Z")
        .code(1)
        .stderr_has("case 1001");
    assert_json_has(
        &out.json()[0]["clocks"],
        &json!([{
            "clock": "initial-response",
            "started_at": T0,
            "due_at": DUE,
            "stopped_at": "2026-11-23T17:00:00Z",
            "status": "breached",
        }]),
    );
}

#[test]
fn a_response_in_time_is_met_and_never_fails_the_check() {
    let env = one_premium_sev2();
    env.run(&["respond", "1001"])
        .now("2026-11-23T16:04:00Z")
        .ok()
        .stderr_has("initial-response clock stopped: met");
    let out = env
        .run(&["sla", "--check", "--format", "json"])
        .now("2026-12-01T00:00:00Z")
        .ok();
    assert_json_has(
        &out.json()[0]["clocks"][0],
        &json!({"stopped_at": "2026-11-23T16:04:00Z", "status": "met"}),
    );
    // A response exactly at the due instant is met too.
    let env = one_premium_sev2();
    env.run(&["respond", "1001"]).now(DUE).ok();
    env.run(&["sla", "--check"])
        .now("2026-12-01T00:00:00Z")
        .ok()
        .stdout_has("met");
}

#[test]
fn markdown_output() {
    let env = one_premium_sev2();
    let out = env
        .run(&["sla", "--format", "markdown"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    out.stdout_is(
        "### SLA met\n\
         \n\
         1 clock on 1 open case at 2026-11-23T15:00:00Z: 0 breached, 0 at risk\n\
         \n\
         | number | severity | plan | region | state | clock | status | due | remaining |\n\
         |---|---|---|---|---|---|---|---|---|\n\
         | 1001 | 2 | premium | north-america | new | initial-response | running | 2026-11-23 11:05 EST | in 1h5m |\n",
    );
    env.run(&["sla", "--format", "markdown", "--check"])
        .now("2026-11-23T16:35:00Z")
        .code(1)
        .stdout_has("### SLA breached")
        .stdout_has("| 1001 | 2 | premium | north-america | new | initial-response | breached | 2026-11-23 11:05 EST | overdue 30m |");
}

#[test]
fn csv_output() {
    let env = one_premium_sev2();
    env.run(&["sla", "--format", "csv"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stdout_is(
            "number,severity,plan,region,state,clock,escalation,interval,started_at,due_at,stopped_at,status,at_risk,remaining_seconds\n\
             1001,2,premium,north-america,new,initial-response,,,2026-11-23T14:05:00Z,2026-11-23T16:05:00Z,,running,false,3900\n",
        );
}

#[test]
fn as_of_replays_a_past_instant() {
    let env = one_premium_sev2();
    env.run(&["respond", "1001"])
        .now("2026-11-23T17:00:00Z")
        .ok();
    // A case opened later does not exist yet at the replayed instants.
    env.open_at(&NewCase::default(), "2026-11-23T18:00:00Z");

    // Before the due time the response had not happened: running, no stop.
    let out = env
        .run(&[
            "sla",
            "--as-of",
            "2026-11-23T15:00:00Z",
            "--check",
            "--format",
            "json",
        ])
        .now("2026-11-24T10:00:00Z")
        .ok();
    let report = out.json();
    assert_eq!(report.as_array().unwrap().len(), 1, "{report:#}");
    assert_json_has(
        &report[0],
        &json!({
            "number": 1001,
            "clocks": [{"started_at": T0, "due_at": DUE, "stopped_at": null, "status": "running"}],
        }),
    );

    // Between the due time and the late response: breached, still running.
    env.run(&["sla", "--as-of", "2026-11-23T16:30:00Z", "--check"])
        .now("2026-11-24T10:00:00Z")
        .code(1)
        .stderr_has("case 1001")
        .stdout_has("at 2026-11-23T16:30:00Z");

    // Before the case was opened: nothing.
    env.run(&["sla", "--as-of", "2026-11-23T13:00:00Z", "--format", "json"])
        .ok()
        .stdout_is("[]\n");

    // Now: 1001 stopped late, 1002 running.
    let report = env
        .run(&["sla", "--format", "json"])
        .now("2026-11-23T18:30:00Z")
        .ok()
        .json();
    assert_json_has(
        &report,
        &json!([
            {"number": 1001, "clocks": [{"status": "breached", "stopped_at": "2026-11-23T17:00:00Z"}]},
            {"number": 1002, "clocks": [{"status": "running", "due_at": "2026-11-23T20:00:00Z"}]},
        ]),
    );
    env.run(&["sla", "--as-of", "yesterday"])
        .code(2)
        .stderr_has("yesterday");
}

#[test]
fn severity_1_waits_for_the_phone_call_then_runs_from_it() {
    let env = Env::new();
    env.open(&NewCase {
        severity: "1",
        ..NewCase::default()
    });
    // Waiting, however long, is not a breach.
    for now in [T0, "2026-11-23T20:00:00Z", "2026-11-26T00:00:00Z"] {
        let out = env
            .run(&["sla", "--check", "--format", "json"])
            .now(now)
            .ok();
        assert_json_has(
            &out.json()[0]["clocks"],
            &json!([{"started_at": null, "due_at": null, "stopped_at": null, "status": "waiting"}]),
        );
    }
    env.run(&["sla"])
        .ok()
        .stdout_has("1001 1 premium north-america new initial-response waiting -");

    // The call at 14:35Z starts the 1h (premium, 24x7) clock.
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T14:35:00Z")
        .ok()
        .stderr_has("initial-response clock started; due 2026-11-23 10:35 America/Toronto");
    let out = env
        .run(&["sla", "--check", "--format", "json"])
        .now("2026-11-23T15:34:00Z")
        .ok();
    assert_json_has(
        &out.json()[0]["clocks"],
        &json!([{
            "started_at": "2026-11-23T14:35:00Z",
            "due_at": "2026-11-23T15:35:00Z",
            "stopped_at": null,
            "status": "running",
        }]),
    );
    env.run(&["sla", "--check"])
        .now("2026-11-23T15:35:00Z")
        .ok();
    env.run(&["sla", "--check"])
        .now("2026-11-23T15:35:01Z")
        .code(1)
        .stderr_has("case 1001");
    // A second call does not restart the clock.
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T15:40:00Z")
        .ok();
    env.run(&["sla", "--check", "--format", "json"])
        .now("2026-11-23T15:41:00Z")
        .code(1);
    // --as-of before the call: waiting again.
    let out = env
        .run(&["sla", "--as-of", "2026-11-23T14:30:00Z", "--format", "json"])
        .now("2026-11-23T16:00:00Z")
        .ok();
    assert_eq!(out.json()[0]["clocks"][0]["status"], "waiting");
}

#[test]
fn severity_1_runs_through_nights_weekends_and_holidays() {
    let env = Env::new();
    // Basic (4h, 24x7) in north-america, called on Christmas Day at 22:00 EST.
    env.open_at(
        &NewCase {
            severity: "1",
            plan: "basic",
            ..NewCase::default()
        },
        "2026-12-26T02:00:00Z",
    );
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-12-26T03:00:00Z")
        .ok();
    let out = env
        .run(&["sla", "--format", "json"])
        .now("2026-12-26T03:00:00Z")
        .ok();
    assert_eq!(out.json()[0]["clocks"][0]["due_at"], "2026-12-26T07:00:00Z");
}

#[test]
fn business_hours_due_instants() {
    let env = Env::new();
    // Premium sev2 (2h) opened Friday 20:30 EST: 30m Friday, 1h30m from
    // Monday 06:00 -> Monday 07:30 EST.
    env.open_at(&NewCase::default(), "2026-11-28T01:30:00Z");
    // Premium sev2 opened Saturday: Monday 06:00 + 2h.
    env.open_at(&NewCase::default(), "2026-11-28T15:00:00Z");
    // Basic sev2 (8h) opened Thursday 24 Dec 17:00 EST: 4h Thursday,
    // Christmas and the weekend off, 4h from Monday 06:00 -> 10:00 EST.
    env.open_at(
        &NewCase {
            plan: "basic",
            ..NewCase::default()
        },
        "2026-12-24T22:00:00Z",
    );
    // Premium sev3 (6h) in emea opened Thursday 24 Dec 20:00 GMT: the
    // shift ends at 24:00 (no shift starts on the 25th), 4h, then Monday
    // 11:00 + 2h -> 13:00.
    env.open_at(
        &NewCase {
            region: "emea",
            severity: "3",
            ..NewCase::default()
        },
        "2026-12-24T20:00:00Z",
    );
    // Premium sev2 opened Monday 19:00 EST: due exactly at the 21:00 shift
    // end, not the next morning.
    env.open_at(&NewCase::default(), "2026-11-24T00:00:00Z");
    let report = env
        .run(&["sla", "--format", "json"])
        .now("2026-12-24T22:00:00Z")
        .ok()
        .json();
    let due: Vec<&str> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["clocks"][0]["due_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        due,
        [
            "2026-11-30T12:30:00Z",
            "2026-11-30T13:00:00Z",
            "2026-12-28T15:00:00Z",
            "2026-12-28T13:00:00Z",
            "2026-11-24T02:00:00Z",
        ]
    );
}

#[test]
fn closed_cases_have_no_clocks_in_sla() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.open(&NewCase::default());
    env.edit(&case_file(1002), |text| {
        text.replacen("state: new\n", "state: closed\n", 1)
            + "- at: 2026-11-23T15:00:00Z\n  event: closed\n  by: alice\n  reason: customer-confirmed\n  confirmed_by: Jane Doe\n"
    });
    env.run(&["check"]).ok();
    let report = env.run(&["sla", "--format", "json"]).ok().json();
    let numbers: Vec<u64> = report
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1001]);
    env.run(&["sla", "--check"])
        .now("2026-11-30T00:00:00Z")
        .code(1)
        .stderr_has("case 1001");
    let shown = env
        .run(&["show", "1002", "--format", "json"])
        .now("2026-11-24T00:00:00Z")
        .ok()
        .json();
    assert_eq!(shown["state"], "closed");
    assert_eq!(shown["reopen_until"], "2026-12-23T15:00:00Z");
}

#[test]
fn an_empty_store_has_no_breaches() {
    let env = Env::new();
    env.run(&["sla", "--check"])
        .ok()
        .stdout_has("0 clocks on 0 open cases");
    env.run(&["sla", "--format", "json"]).ok().stdout_is("[]\n");
}

#[test]
fn at_risk_flags_running_clocks_due_soon() {
    let env = one_premium_sev2();
    env.run(&["sla", "--at-risk", "30m"])
        .now("2026-11-23T15:40:00Z")
        .ok()
        .stdout_has("at-risk")
        .stdout_has("1 at risk");
    env.run(&["sla", "--at-risk", "30m"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stdout_has("0 at risk");
    env.run(&["sla", "--check", "--at-risk", "30m", "--fail-on-risk"])
        .now("2026-11-23T15:40:00Z")
        .code(1)
        .stderr_has("at risk: case 1001");
    env.run(&["sla", "--at-risk", "soon"])
        .code(2)
        .stderr_has("soon");
}

#[test]
fn due_instants_across_daylight_saving_changes() {
    let env = Env::new();
    // Friday 6 March 2026 20:00 EST; clocks spring forward on Sunday 8
    // March. 1h on Friday, then Monday 06:00 EDT (10:00Z) + 1h.
    env.open_at(&NewCase::default(), "2026-03-07T01:00:00Z");
    // Friday 30 October 2026 20:00 EDT; clocks fall back on Sunday 1
    // November. 1h on Friday, then Monday 06:00 EST (11:00Z) + 1h.
    env.open_at(&NewCase::default(), "2026-10-31T00:00:00Z");
    let report = env
        .run(&["sla", "--format", "json"])
        .now("2026-10-31T00:00:00Z")
        .ok()
        .json();
    assert_eq!(report[0]["clocks"][0]["due_at"], "2026-03-09T11:00:00Z");
    assert_eq!(report[1]["clocks"][0]["due_at"], "2026-11-02T12:00:00Z");

    // Two business days after Friday 20:00 EST (14h into the shift):
    // Tuesday's shift start, 06:00 EDT, + 14h = 20:00 EDT = 00:00Z.
    let case = env
        .run(&["show", "1001", "--format", "json"])
        .now("2026-03-07T01:00:00Z")
        .ok()
        .json();
    assert_eq!(case["escalation_eligible_at"], "2026-03-11T00:00:00Z");
}
