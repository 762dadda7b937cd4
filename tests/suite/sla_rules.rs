//! The SLA and lifecycle rules as a support team lives them (SPEC sections
//! 3 and 4, "Lifecycle rules refined"): what stops a response clock, a clock
//! never stopped before it started, one breach rule at the due instant,
//! breaches that survive a severity change, the reopen-response clock,
//! escalations that keep a case from closing, the escalated flag, the
//! auto-close grace after the last follow-up, severity changes that need an
//! owner, `sla --check --since`, and the numbers a severity 1 caller is told.
//! Every instant is exact; every refusal exits 3, says why and what to do in
//! one line, and leaves the store byte for byte as it was.

use crate::common::{initial_response, Env, NewCase, JANE};
use serde_json::json;

/// Case 1001: severity 2, premium, north-america, opened Mon 2026-11-23
/// 09:05 Toronto (T0, 14:05Z; due 11:05 Toronto = 16:05Z) and assigned
/// to alice at 14:10Z.
fn sev2_premium(env: &Env) -> u64 {
    let number = env.open(&NewCase::default());
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    number
}

// ---------------------------------------------------------------------------
// 1. A clock is never stopped before it started; a sev1 never phoned in waits
// ---------------------------------------------------------------------------

#[test]
fn a_response_before_the_severity_1_call_does_not_stop_the_clock_it_starts() {
    let env = Env::new();
    env.open_at(
        &NewCase {
            severity: "1",
            ..NewCase::default()
        },
        "2026-11-23T14:00:00Z",
    );
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    // Premium severity 1: 1h round the clock from the call.
    let expected = json!({
        "clock": "initial-response",
        "started_at": "2026-11-23T15:00:00Z",
        "due_at": "2026-11-23T16:00:00Z",
        "stopped_at": null,
        "status": "running",
    });
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T15:30:00Z")),
        &expected,
    );
    assert_eq!(
        initial_response(&env.show(1001, "2026-11-23T16:00:01Z"))["status"],
        "breached"
    );
    // The first response after the call stops it.
    env.run(&["respond", "1001"])
        .now("2026-11-23T15:40:00Z")
        .ok()
        .stderr_is("case 1001: response recorded (new)\ninitial-response clock stopped: met\n");
    let clock = initial_response(&env.show(1001, "2026-11-23T17:00:00Z")).clone();
    assert_eq!(clock["started_at"], "2026-11-23T15:00:00Z");
    assert_eq!(clock["stopped_at"], "2026-11-23T15:40:00Z");
    assert_eq!(clock["status"], "met");
}

#[test]
fn a_severity_1_never_phoned_in_is_waiting_and_never_met_even_when_closed() {
    let env = Env::new();
    env.open_at(
        &NewCase {
            severity: "1",
            ..NewCase::default()
        },
        "2026-11-23T14:00:00Z",
    );
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T15:00:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-24T00:00:00Z")),
        &json!({"started_at": null, "due_at": null, "stopped_at": null, "status": "waiting"}),
    );
    let report = env
        .run(&["report", "--since", "2026-11-23", "--format", "json"])
        .now("2026-11-24T00:00:00Z")
        .ok()
        .json();
    assert_eq!(
        report["attainment"][0],
        json!({"clock": "initial-response", "total": true, "severity": null, "plan": null, "met": 0,
               "breached": 0, "running": 0, "waiting": 1, "attainment_percent": null})
    );
    assert_eq!(report["first_response"]["count"], 0);
}

#[test]
fn a_severity_1_closed_before_its_call_leaves_the_reopens_call_to_the_reopen_clock() {
    // Closed with the customer's confirmation before any call, reopened,
    // then the customer leaves a voicemail: support owes one answer, on the
    // reopen-response clock; the initial response waits for good.
    let env = Env::new();
    sev1_community(&env);
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:05:00Z")
        .ok();
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env.run(&["reopen", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T15:10:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (voicemail) (open)\n");
    let shown = env.show(1001, "2026-11-23T15:30:00Z");
    crate::common::assert_json_has(
        initial_response(&shown),
        &json!({"started_at": null, "due_at": null, "stopped_at": null, "status": "waiting"}),
    );
    crate::common::assert_json_has(
        &shown["clocks"][1],
        &json!({"clock": "reopen-response", "reopen": 1, "started_at": "2026-11-23T15:00:00Z",
                "due_at": "2026-11-23T16:00:00Z", "stopped_at": null, "status": "running"}),
    );
    env.run(&["phone", "1001", "--call", "callback"])
        .now("2026-11-23T15:40:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (callback) (open)\nreopen-response clock stopped: met\n");
}

// ---------------------------------------------------------------------------
// 2. Customer-facing contacts stop a response clock
// ---------------------------------------------------------------------------

#[test]
fn an_information_request_is_a_response() {
    let env = Env::new();
    sev2_premium(&env);
    // 20 minutes after opening.
    env.run(&["request-info", "1001"])
        .now("2026-11-23T14:25:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-24T00:00:00Z")),
        &json!({"started_at": "2026-11-23T14:05:00Z", "due_at": "2026-11-23T16:05:00Z",
                "stopped_at": "2026-11-23T14:25:00Z", "status": "met"}),
    );
    env.run(&["sla", "--check"])
        .now("2026-11-24T00:00:00Z")
        .ok()
        .stderr_empty();
}

#[test]
fn closing_with_the_customers_confirmation_is_a_contact() {
    let env = Env::new();
    sev2_premium(&env);
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T16:30:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-24T00:00:00Z")),
        &json!({"due_at": "2026-11-23T16:05:00Z", "stopped_at": "2026-11-23T16:30:00Z",
                "status": "breached"}),
    );
}

// ---------------------------------------------------------------------------
// 4. Severity changes: a breach stays a breach
// ---------------------------------------------------------------------------

/// Case 1001: severity `severity`, basic, north-america, opened Mon
/// 2026-11-23 09:00 Toronto (14:00Z), assigned at 14:10Z.
fn basic_case(env: &Env, severity: &str) {
    env.open_at(
        &NewCase {
            plan: "basic",
            severity,
            ..NewCase::default()
        },
        "2026-11-23T14:00:00Z",
    );
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:10:00Z")
        .ok();
}

#[test]
fn a_clock_past_due_at_a_lowering_stays_breached_with_its_due() {
    let env = Env::new();
    // Severity 2 basic: 8h from 09:00 Toronto = 17:00 Toronto (22:00Z).
    basic_case(&env, "2");
    env.run(&["severity", "1001", "3", "--customer-agreed"])
        .now("2026-11-23T23:00:00Z")
        .ok()
        .stderr_has("initial-response breached, due 2026-11-23 17:00 EST (overdue 1h)");
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T23:30:00Z")),
        &json!({"due_at": "2026-11-23T22:00:00Z", "stopped_at": null, "status": "breached"}),
    );
    env.run(&["sla", "--check"])
        .now("2026-11-23T23:30:00Z")
        .code(1)
        .stderr_is("cases: breached: case 1001 initial-response due 2026-11-23 17:00 America/Toronto (overdue 1h30m)\n");
}

#[test]
fn a_running_clock_not_yet_due_retargets_from_the_same_start() {
    let env = Env::new();
    basic_case(&env, "2");
    // Lowered at 15:00 Toronto, before the 17:00 due: severity 3 basic is
    // 12h from 09:00 Monday = 21:00 Toronto (Tue 02:00Z).
    env.run(&["severity", "1001", "3", "--customer-agreed"])
        .now("2026-11-23T20:00:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T23:00:00Z")),
        &json!({"started_at": "2026-11-23T14:00:00Z", "due_at": "2026-11-24T02:00:00Z",
                "status": "running"}),
    );
}

#[test]
fn a_raise_whose_due_lands_before_the_change_is_breached_from_then_on() {
    let env = Env::new();
    // Severity 3 basic: due 21:00 Toronto (Tue 02:00Z).
    basic_case(&env, "3");
    // Raised to severity 1 at 15:00 Toronto (20:00Z): 4h round the clock
    // from the same start is 13:00 Toronto (18:00Z), before the change.
    env.run(&["severity", "1001", "1", "--customer-agreed"])
        .now("2026-11-23T20:00:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T20:00:00Z")),
        &json!({"started_at": "2026-11-23T14:00:00Z", "due_at": "2026-11-23T18:00:00Z",
                "status": "breached"}),
    );
    // Lowering it again does not hide the breach.
    env.run(&["severity", "1001", "3", "--customer-agreed"])
        .now("2026-11-23T20:30:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T21:00:00Z")),
        &json!({"due_at": "2026-11-23T18:00:00Z", "status": "breached"}),
    );
    // Before the raise it was running against the severity 3 due.
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T19:59:00Z")),
        &json!({"due_at": "2026-11-24T02:00:00Z", "status": "running"}),
    );
}

// ---------------------------------------------------------------------------
// 5. One rule at the due instant
// ---------------------------------------------------------------------------

#[test]
fn at_the_due_instant_a_clock_is_running_and_a_response_is_met() {
    let env = Env::new();
    sev2_premium(&env);
    let due = "2026-11-23T16:05:00Z";
    assert_eq!(initial_response(&env.show(1001, due))["status"], "running");
    env.run(&["sla", "--check"]).now(due).ok().stderr_empty();
    assert_eq!(
        initial_response(&env.show(1001, "2026-11-23T16:05:01Z"))["status"],
        "breached"
    );
    env.run(&["respond", "1001"])
        .now(due)
        .ok()
        .stderr_has("initial-response clock stopped: met");
    assert_eq!(
        initial_response(&env.show(1001, "2026-11-24T00:00:00Z"))["status"],
        "met"
    );
}

// ---------------------------------------------------------------------------
// 6. The reopen-response clock
// ---------------------------------------------------------------------------

#[test]
fn a_reopen_starts_a_reopen_response_clock_seen_in_show_sla_and_report() {
    let env = Env::new();
    sev2_premium(&env);
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T15:00:00Z")
        .ok();
    // Reopened Tue 10:00 Toronto (15:00Z): 2h of business time, 12:00 Toronto.
    env.run(&["reopen", "1001"])
        .now("2026-11-24T15:00:00Z")
        .ok();
    let shown = env.show(1001, "2026-11-24T16:00:00Z");
    assert_eq!(
        shown["clocks"][1],
        json!({"clock": "reopen-response", "started_at": "2026-11-24T15:00:00Z",
               "due_at": "2026-11-24T17:00:00Z", "stopped_at": null, "status": "running",
               "escalation": null, "interval": null, "reopen": 1})
    );
    env.run(&["show", "1001"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .stdout_has("reopen-response #1 running, due 2026-11-24 12:00 EST (in 1h)");
    env.run(&["sla"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .stdout_has(
        "1001 2 premium north-america open reopen-response #1 running 2026-11-24 12:00 EST in 1h",
    );
    env.run(&["sla", "--check"])
        .now("2026-11-24T17:00:01Z")
        .code(1)
        .stderr_is("cases: breached: case 1001 reopen-response #1 due 2026-11-24 12:00 America/Toronto (overdue 0m)\n");
    // The dashboard's case page names it too.
    env.run(&["site", "public"])
        .now("2026-11-24T16:00:00Z")
        .ok();
    assert!(
        env.read("public/cases/001/1001.html")
            .contains("reopen-response #1"),
        "no reopen-response clock on the case page"
    );
    env.run(&["respond", "1001"])
        .now("2026-11-24T16:30:00Z")
        .ok()
        .stderr_has("reopen-response clock stopped: met");
    let report = env
        .run(&["report", "--since", "2026-11-23", "--format", "json"])
        .now("2026-11-25T00:00:00Z")
        .ok()
        .json();
    let reopen_total = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["clock"] == "reopen-response" && row["total"] == true)
        .cloned();
    assert_eq!(
        reopen_total,
        Some(
            json!({"clock": "reopen-response", "total": true, "severity": null, "plan": null, "met": 1,
                    "breached": 0, "running": 0, "waiting": 0, "attainment_percent": 100.0})
        )
    );
}

#[test]
fn an_unowned_reopened_case_queues_by_its_reopen_response_due() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&["reopen", "1001"])
        .now("2026-11-24T15:00:00Z")
        .ok()
        .stderr_is("case 1001: reopened (new, back to the queue)\n");
    let queue = env
        .run(&["queue", "--format", "json"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .json();
    assert_eq!(queue[0]["due_at"], "2026-11-24T17:00:00Z");
}

// ---------------------------------------------------------------------------
// 7, 8. Escalations keep a case from closing; the escalated flag
// ---------------------------------------------------------------------------

/// Case 1001 as [`sev2_premium`], responded, with an escalation requested
/// Wed 2026-11-25 10:00 Toronto (15:00Z; eligible from Wed 09:05).
fn requested(env: &Env) {
    sev2_premium(env);
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&[
        "escalate",
        "request",
        "1001",
        "--by",
        "Jane Doe",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "Production search is degraded",
        "--resources",
        "Their search administrator, for logs and tests",
    ])
    .now("2026-11-25T15:00:00Z")
    .ok();
}

fn accept(env: &Env) {
    env.run(&[
        "escalate",
        "accept",
        "1001",
        "--manager",
        "Maya Chen",
        "--update-every",
        "1d",
    ])
    .now("2026-11-25T15:30:00Z")
    .ok();
}

#[test]
fn close_is_refused_while_an_escalation_is_requested_or_accepted() {
    let env = Env::new();
    requested(&env);
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-25T15:10:00Z")
        .refused(3)
        .says_why_in_one_line(&[])
        .stderr_is("cases: error: case 1001 has an open escalation (requested); a case is not closed while it is escalated: first decline the request: cases escalate decline 1001 --explanation TEXT, or de-escalate it: cases escalate de-escalate 1001 --reason TEXT\n");
    accept(&env);
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-25T16:00:00Z")
        .refused(3)
        .says_why_in_one_line(&[])
        .stderr_is("cases: error: case 1001 has an open escalation (accepted); a case is not closed while it is escalated: first close the escalation with the outcome agreed with the customer: cases escalate close 1001 --outcome root-cause|timeline|permanent-fix --summary TEXT [--agreed-by CONTACT], or de-escalate it: cases escalate de-escalate 1001 --reason TEXT\n");
    env.run(&[
        "escalate",
        "de-escalate",
        "1001",
        "--reason",
        "The customer did not provide the resources",
    ])
    .now("2026-11-25T17:00:00Z")
    .ok();
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-25T17:10:00Z")
        .ok()
        .stderr_is("case 1001: closed (customer-confirmed)\n");
}

#[test]
fn a_change_to_severity_4_is_refused_while_an_escalation_is_open() {
    let env = Env::new();
    requested(&env);
    env.run(&["severity", "1001", "4", "--customer-agreed"])
        .now("2026-11-25T15:10:00Z")
        .refused(3)
        .says_why_in_one_line(&[])
        .stderr_is("cases: error: case 1001 has an open escalation (requested) and severity 4 (request) is not eligible for escalation: first decline the request: cases escalate decline 1001 --explanation TEXT, or de-escalate it: cases escalate de-escalate 1001 --reason TEXT\n");
    // Another eligible severity is fine.
    env.run(&["severity", "1001", "3", "--customer-agreed"])
        .now("2026-11-25T15:10:00Z")
        .ok();
}

#[test]
fn sweep_lists_a_case_with_an_open_escalation_as_blocked_and_never_closes_it() {
    let env = Env::new();
    requested(&env);
    accept(&env);
    // Waiting from Wed 11:00 Toronto; follow-ups Thu 11:00 and Mon 11:00;
    // auto-close Tue 2026-12-01 11:00 Toronto (16:00Z).
    env.run(&["request-info", "1001"])
        .now("2026-11-25T16:00:00Z")
        .ok();
    env.run(&["follow-up", "1001"])
        .now("2026-11-26T16:00:00Z")
        .ok();
    env.run(&["follow-up", "1001"])
        .now("2026-11-30T16:00:00Z")
        .ok();
    let before = env.store_files();
    env.run(&["sweep"])
        .now("2026-12-01T17:00:00Z")
        .ok()
        .stdout_is("case 1001: autoclose-blocked: auto-close time 2026-12-01 11:00 America/Toronto reached but the escalation is accepted: a case is not closed while it is escalated; first close the escalation with the outcome agreed with the customer: cases escalate close 1001 --outcome root-cause|timeline|permanent-fix --summary TEXT [--agreed-by CONTACT], or de-escalate it: cases escalate de-escalate 1001 --reason TEXT\n");
    assert!(before == env.store_files(), "a blocked sweep wrote");
    env.run(&[
        "escalate",
        "de-escalate",
        "1001",
        "--reason",
        "No resources",
    ])
    .now("2026-12-01T17:30:00Z")
    .ok();
    env.run(&["sweep"])
        .now("2026-12-01T18:00:00Z")
        .ok()
        .stdout_has("case 1001: closed: no-response");
}

#[test]
fn a_case_is_escalated_from_acceptance_and_a_pending_request_shows_as_requested() {
    let env = Env::new();
    requested(&env);
    let shown = env.show(1001, "2026-11-25T15:10:00Z");
    assert_eq!(shown["escalated"], false);
    assert_eq!(shown["escalation_status"], "requested");
    env.run(&["show", "1001"])
        .now("2026-11-25T15:10:00Z")
        .ok()
        .stdout_has("  escalated  no: escalation requested 2026-11-25 10:00 EST\n");
    env.run(&["list", "--escalated", "--format", "json"])
        .now("2026-11-25T15:10:00Z")
        .ok()
        .stdout_is("[]\n");
    accept(&env);
    let shown = env.show(1001, "2026-11-25T15:40:00Z");
    assert_eq!(shown["escalated"], true);
    assert_eq!(shown["escalation_status"], "accepted");
    env.run(&["show", "1001"])
        .now("2026-11-25T15:40:00Z")
        .ok()
        .stdout_has("  escalated  yes, since 2026-11-25 10:30 EST\n");
    let listed = env
        .run(&["list", "--escalated", "--format", "json"])
        .now("2026-11-25T15:40:00Z")
        .ok()
        .json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["number"], 1001);
}

// ---------------------------------------------------------------------------
// 10. Auto-close: the grace after the last required follow-up
// ---------------------------------------------------------------------------

/// Case 1001 waiting on the customer from Mon 2026-11-23 10:00 Toronto
/// (15:00Z), first follow-up Tue 10:00 Toronto.
fn waiting(env: &Env) {
    sev2_premium(env);
    env.run(&["request-info", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.run(&["follow-up", "1001"])
        .now("2026-11-24T15:00:00Z")
        .ok();
}

#[test]
fn a_late_second_follow_up_gives_the_customer_one_more_business_day() {
    let env = Env::new();
    waiting(&env);
    // The second follow-up was due Thu 10:00 Toronto; made Thu 15:00
    // Toronto (20:00Z). Four business days from waiting is Fri 10:00; one
    // business day after the follow-up is Fri 15:00 (20:00Z), the later.
    env.run(&["follow-up", "1001"])
        .now("2026-11-26T20:00:00Z")
        .ok();
    assert_eq!(
        env.show(1001, "2026-11-26T20:00:00Z")["autoclose_at"],
        "2026-11-27T20:00:00Z"
    );
    env.run(&["sweep"])
        .now("2026-11-27T19:59:59Z")
        .ok()
        .stdout_is("nothing to do\n");
    env.run(&["sweep"])
        .now("2026-11-27T20:00:00Z")
        .ok()
        .stdout_is("case 1001: closed: no-response; waiting since 2026-11-23 10:00 America/Toronto, 2 follow-ups, auto-close at 2026-11-27 15:00 America/Toronto\n");
    let closing = env.last_event(1001);
    assert_eq!(
        crate::common::event_field(&closing, "rule"),
        "auto-close: waiting on the customer, 2 follow-ups, 4 business days since waiting and 1 business day since the last required follow-up, no reply, no open escalation"
    );
}

#[test]
fn an_on_time_second_follow_up_keeps_the_four_business_days() {
    let env = Env::new();
    waiting(&env);
    env.run(&["follow-up", "1001"])
        .now("2026-11-26T15:00:00Z")
        .ok();
    assert_eq!(
        env.show(1001, "2026-11-26T15:00:00Z")["autoclose_at"],
        "2026-11-27T15:00:00Z"
    );
}

#[test]
fn a_policy_file_without_the_follow_up_grace_loads_with_one_business_day() {
    let older =
        crate::common::DEFAULT_POLICY.replace("  after_last_follow_up: 1 business day\n", "");
    assert_ne!(older, crate::common::DEFAULT_POLICY);
    let env = Env::with_policy(&older);
    waiting(&env);
    env.run(&["follow-up", "1001"])
        .now("2026-11-26T20:00:00Z")
        .ok();
    assert_eq!(
        env.show(1001, "2026-11-26T20:00:00Z")["autoclose_at"],
        "2026-11-27T20:00:00Z"
    );
    env.run(&["check"]).ok();
    let bad = crate::common::DEFAULT_POLICY.replace(
        "after_last_follow_up: 1 business day",
        "after_last_follow_up: soon",
    );
    Env::with_policy(&bad)
        .run(&["check"])
        .code(1)
        .stdout_has("auto_close.after_last_follow_up: bad wait \"soon\"");
}

// ---------------------------------------------------------------------------
// 11. Severity changes need an owner
// ---------------------------------------------------------------------------

#[test]
fn a_severity_change_is_refused_on_a_case_with_no_owner() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["severity", "1001", "1", "--customer-agreed"])
        .now("2026-11-23T14:30:00Z")
        .refused(3)
        .says_why_in_one_line(&[])
        .stderr_is("cases: error: case 1001 has no owner: its severity changes only after a product specialist has assessed it; assign it first: cases assign 1001 --to NAME (or cases take 1001)\n");
    env.run(&["take", "1001"]).now("2026-11-23T14:31:00Z").ok();
    env.run(&["severity", "1001", "1", "--customer-agreed"])
        .now("2026-11-23T14:32:00Z")
        .ok()
        .stderr_has("case 1001: severity 1 (critical)");
}

// ---------------------------------------------------------------------------
// 12. sla --check: overdue now, and breached within --since
// ---------------------------------------------------------------------------

#[test]
fn check_fails_on_overdue_clocks_and_with_since_on_breaches_in_the_window() {
    let env = Env::new();
    sev2_premium(&env);
    // Due 16:05Z; answered 25 minutes late.
    env.run(&["respond", "1001"])
        .now("2026-11-23T16:30:00Z")
        .ok();
    // Answered: not overdue, so the plain check passes.
    env.run(&["sla", "--check"])
        .now("2026-11-23T17:00:00Z")
        .ok()
        .stderr_empty()
        .stdout_has("initial-response breached");
    // The hourly job at 17:00: the breach began within the last hour.
    let late = "cases: breached: case 1001 initial-response due 2026-11-23 11:05 America/Toronto (late 25m)\n";
    env.run(&["sla", "--check", "--since", "1h"])
        .now("2026-11-23T17:00:00Z")
        .code(1)
        .stderr_is(late);
    // The next run: its window starts after the due instant.
    env.run(&["sla", "--check", "--since", "1h"])
        .now("2026-11-23T18:00:00Z")
        .ok()
        .stderr_empty();
    // An instant: the due instant itself is in the window, a second later is not.
    env.run(&["sla", "--check", "--since", "2026-11-23T16:05:00Z"])
        .now("2026-11-23T18:00:00Z")
        .code(1)
        .stderr_is(late);
    env.run(&["sla", "--check", "--since", "2026-11-23T16:05:01Z"])
        .now("2026-11-23T18:00:00Z")
        .ok();
    // A case closed since still counts.
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-23T16:40:00Z")
        .ok();
    env.run(&["sla", "--check", "--since", "1h"])
        .now("2026-11-23T17:00:00Z")
        .code(1)
        .stderr_is(late)
        .stdout_has("0 clocks on 0 open cases");
    // --since belongs to --check; a bad window is a usage error.
    env.run(&["sla", "--since", "1h"]).code(2);
    env.run(&["sla", "--check", "--since", "yesterday"])
        .code(2)
        .stderr_has("expected a duration such as 90m, 4h, 1h30m or 2d or an RFC 3339 instant");
}

#[test]
fn check_fails_on_a_running_clock_overdue_now() {
    let env = Env::new();
    sev2_premium(&env);
    env.run(&["sla", "--check", "--format", "markdown"])
        .now("2026-11-23T16:06:00Z")
        .code(1)
        .stdout_has("### SLA breached")
        .stderr_is("cases: breached: case 1001 initial-response due 2026-11-23 11:05 America/Toronto (overdue 1m)\n");
}

// ---------------------------------------------------------------------------
// 13. A severity 1 caller is told every number
// ---------------------------------------------------------------------------

#[test]
fn a_severity_1_case_is_told_its_region_lines_and_the_international_line() {
    let env = Env::new();
    env.new_case(&NewCase {
        severity: "1",
        region: "emea",
        ..NewCase::default()
    })
    .ok()
    .stdout_is("1001\n")
    .stderr_is("case 1001 is severity 1 (critical): call support now on 00800 5008 0900 (emea) or +1.418.266.1583 (international); the initial-response clock starts with the call (record it: cases phone 1001 --call live|voicemail)\n");
    env.new_case(&NewCase {
        severity: "1",
        ..NewCase::default()
    })
    .ok()
    .stderr_is("case 1002 is severity 1 (critical): call support now on +1.866.266.1583 (north-america) or +1.418.266.1583 (north-america and international); the initial-response clock starts with the call (record it: cases phone 1002 --call live|voicemail)\n");
    // A policy file from before the setting still names the guide's line.
    let older =
        crate::common::DEFAULT_POLICY.replace("international_phone: \"+1.418.266.1583\"\n", "");
    assert_ne!(older, crate::common::DEFAULT_POLICY);
    Env::with_policy(&older)
        .new_case(&NewCase {
            severity: "1",
            region: "emea",
            ..NewCase::default()
        })
        .ok()
        .stderr_has("00800 5008 0900 (emea) or +1.418.266.1583 (international)");
}

// ---------------------------------------------------------------------------
// 3. Phone calls have kinds; a case logged by phone records its live call
// ---------------------------------------------------------------------------

#[test]
fn a_case_logged_by_phone_records_the_live_call_that_answered_it() {
    let env = Env::new();
    env.new_case(&NewCase {
        severity: "1",
        channel: "phone",
        ..NewCase::default()
    })
    .now("2026-11-23T14:00:00Z")
    .ok()
    .stdout_is("1001\n")
    .stderr_is("case 1001 is severity 1 (critical), logged during a live call: that call started the initial-response clock and answered it\n");
    let call = env.last_event(1001);
    assert_eq!(crate::common::event_field(&call, "event"), "phone-contact");
    assert_eq!(
        crate::common::event_field(&call, "at"),
        "2026-11-23T14:00:00Z"
    );
    assert_eq!(crate::common::event_field(&call, "call"), "live");
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T16:00:00Z")),
        &json!({"started_at": "2026-11-23T14:00:00Z", "due_at": "2026-11-23T15:00:00Z",
                "stopped_at": "2026-11-23T14:00:00Z", "status": "met"}),
    );
    // A severity 2 logged by phone was answered by that call too.
    env.new_case(&NewCase {
        channel: "phone",
        ..NewCase::default()
    })
    .now("2026-11-23T14:00:00Z")
    .ok()
    .stderr_is("");
    assert_eq!(
        initial_response(&env.show(1002, "2026-11-23T16:00:00Z"))["stopped_at"],
        "2026-11-23T14:00:00Z"
    );
}

/// Case 1001: severity 1 premium north-america logged in the community Mon
/// 2026-11-23 09:00 Toronto (14:00Z), not yet phoned in.
fn sev1_community(env: &Env) {
    env.open_at(
        &NewCase {
            severity: "1",
            ..NewCase::default()
        },
        "2026-11-23T14:00:00Z",
    );
}

#[test]
fn a_live_call_starts_the_severity_1_clock_and_is_its_response() {
    let env = Env::new();
    sev1_community(&env);
    env.run(&["phone", "1001", "--call", "live"])
        .now("2026-11-23T14:20:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (live) (new)\ninitial-response clock started and stopped: met\n");
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T15:00:00Z")),
        &json!({"started_at": "2026-11-23T14:20:00Z", "due_at": "2026-11-23T15:20:00Z",
                "stopped_at": "2026-11-23T14:20:00Z", "status": "met"}),
    );
}

#[test]
fn a_voicemail_starts_the_clock_and_the_callback_answers_it() {
    let env = Env::new();
    sev1_community(&env);
    env.run(&["phone", "1001", "--call", "voicemail", "--note", "Portal down"])
        .now("2026-11-23T14:20:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (voicemail) (new)\ninitial-response clock started; due 2026-11-23 10:20 America/Toronto\n");
    assert_eq!(
        initial_response(&env.show(1001, "2026-11-23T14:30:00Z"))["status"],
        "running"
    );
    env.run(&["phone", "1001", "--call", "callback"])
        .now("2026-11-23T15:25:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (callback) (new)\ninitial-response clock stopped: breached\n");
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T16:00:00Z")),
        &json!({"started_at": "2026-11-23T14:20:00Z", "due_at": "2026-11-23T15:20:00Z",
                "stopped_at": "2026-11-23T15:25:00Z", "status": "breached"}),
    );
    let bad = env.run(&["phone", "1001", "--call", "sms"]).refused(2);
    bad.stderr_has("allowed: live, voicemail, callback");
    env.run(&["phone", "1001"]).refused(2);
}

#[test]
fn a_follow_up_after_the_call_stops_the_clock() {
    let env = Env::new();
    sev1_community(&env);
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:05:00Z")
        .ok();
    // Asked for information before the customer phoned in: not a response
    // to a clock that had not started.
    env.run(&["request-info", "1001"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    assert_eq!(env.field(1001, "state"), "waiting-on-customer");
    env.run(&["follow-up", "1001"])
        .now("2026-11-23T14:40:00Z")
        .ok();
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T15:00:00Z")),
        &json!({"started_at": "2026-11-23T14:20:00Z", "stopped_at": "2026-11-23T14:40:00Z",
                "status": "met"}),
    );
}

// ---------------------------------------------------------------------------
// 10. A live call while waiting on the customer is their reply
// ---------------------------------------------------------------------------

#[test]
fn a_live_call_while_waiting_on_the_customer_reopens_the_case_a_voicemail_does_not() {
    let env = Env::new();
    waiting(&env);
    env.run(&["phone", "1001", "--call", "voicemail"])
        .now("2026-11-24T16:00:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (voicemail) (waiting-on-customer)\n");
    env.run(&["phone", "1001", "--call", "live"])
        .now("2026-11-24T17:00:00Z")
        .ok()
        .stderr_is("case 1001: phone contact recorded (live) (open)\n");
    assert_eq!(env.field(1001, "state"), "open");
    let shown = env.show(1001, "2026-11-30T00:00:00Z");
    assert_eq!(shown["autoclose_at"], serde_json::Value::Null);
    env.run(&["sweep"])
        .now("2026-11-30T00:00:00Z")
        .ok()
        .stdout_is("nothing to do\n");
}

// ---------------------------------------------------------------------------
// Existing stores: a phone contact recorded before calls had kinds
// ---------------------------------------------------------------------------

/// A severity 1 case as an earlier version wrote it: a phone contact with
/// no `call`, then a response.
const LEGACY_PHONE_CASE: &str = "\
number: 1001
title: Portal down
account: acme
plan: premium
region: north-america
language: en
severity: 1
state: open
owner: alice
contacts:
- Jane Doe <jane@acme.example>
related: []
policy_version: '2026.1'
history:
- at: 2026-11-23T14:00:00Z
  event: created
  by: alice
  title: Portal down
  account: acme
  plan: premium
  region: north-america
  language: en
  severity: 1
  channel: community
  contacts:
  - Jane Doe <jane@acme.example>
  related: []
  policy_version: '2026.1'
- at: 2026-11-23T14:05:00Z
  event: assigned
  by: alice
  owner: alice
- at: 2026-11-23T14:10:00Z
  event: phone-contact
  by: alice
  note: Customer called the support line
- at: 2026-11-23T14:30:00Z
  event: responded
  by: alice
";

#[test]
fn a_phone_contact_without_a_call_kind_reads_as_it_did() {
    // It decodes, and encodes back to the same bytes.
    let case = cases::store::decode(LEGACY_PHONE_CASE).expect("an old case file decodes");
    assert_eq!(cases::store::encode(&case), LEGACY_PHONE_CASE);
    let env = Env::new();
    env.write(&crate::common::case_file(1001), LEGACY_PHONE_CASE);
    env.run(&["check"]).ok();
    // Its clock as before: started by the call, stopped by the response
    // (the call itself is no response: it was not recorded as live).
    crate::common::assert_json_has(
        initial_response(&env.show(1001, "2026-11-23T16:00:00Z")),
        &json!({"started_at": "2026-11-23T14:10:00Z", "due_at": "2026-11-23T15:10:00Z",
                "stopped_at": "2026-11-23T14:30:00Z", "status": "met"}),
    );
    let shown = env.show(1001, "2026-11-23T16:00:00Z");
    assert_eq!(shown["history"][2]["call"], serde_json::Value::Null);
    // A new event appends; the old bytes stay as they were.
    env.run(&["note", "1001", "--text", "Checked"])
        .now("2026-11-23T16:00:00Z")
        .ok();
    assert_eq!(
        env.read(&crate::common::case_file(1001)),
        format!("{LEGACY_PHONE_CASE}- at: 2026-11-23T16:00:00Z\n  event: note\n  by: alice\n  text: Checked\n")
    );
}

// ---------------------------------------------------------------------------
// 9. The guide's conditions: resources committed, who agreed the closure
// ---------------------------------------------------------------------------

#[test]
fn an_escalation_records_the_resources_committed_and_who_agreed_its_closure() {
    let env = Env::new();
    requested(&env);
    let request = env
        .history(1001)
        .into_iter()
        .find(|e| crate::common::event_field(e, "event") == "escalation-requested")
        .unwrap();
    assert_eq!(
        crate::common::event_field(&request, "resources"),
        "Their search administrator, for logs and tests"
    );
    let shown = env.show(1001, "2026-11-25T15:10:00Z");
    assert_eq!(
        shown["escalations"][0]["resources"],
        "Their search administrator, for logs and tests"
    );
    env.run(&["show", "1001"])
        .now("2026-11-25T15:10:00Z")
        .ok()
        .stdout_has("     resources committed: Their search administrator, for logs and tests\n");
    // Without it, a request is a usage error.
    env.run(&[
        "escalate",
        "request",
        "1001",
        "--by",
        "Jane Doe",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "x",
    ])
    .now("2026-11-25T15:10:00Z")
    .refused(2)
    .stderr_has("--resources");
    accept(&env);
    // Only a contact of the case can agree.
    env.run(&[
        "escalate",
        "close",
        "1001",
        "--outcome",
        "root-cause",
        "--summary",
        "Stale index cache; cleared",
        "--agreed-by",
        "Someone Else",
    ])
    .now("2026-11-25T17:00:00Z")
    .refused(3)
    .says_why_in_one_line(&[])
    .stderr_is("cases: error: \"Someone Else\" is not a contact of case 1001 (contacts: Jane Doe <jane@acme.example>)\n");
    env.run(&[
        "escalate",
        "close",
        "1001",
        "--outcome",
        "root-cause",
        "--summary",
        "Stale index cache; cleared",
        "--agreed-by",
        "jane@acme.example",
    ])
    .now("2026-11-25T17:00:00Z")
    .ok()
    .stderr_is("case 1001: escalation closed (root-cause)\n");
    let closed = env.last_event(1001);
    assert_eq!(
        crate::common::event_field(&closed, "agreed_by"),
        "Jane Doe <jane@acme.example>"
    );
    let shown = env.show(1001, "2026-11-25T17:10:00Z");
    assert_eq!(
        shown["escalations"][0]["agreed_by"],
        "Jane Doe <jane@acme.example>"
    );
    assert_eq!(shown["escalated"], false);
    // The case may close now.
    env.run(&["close", "1001", "--confirmed-by", JANE])
        .now("2026-11-25T17:20:00Z")
        .ok();
}

#[test]
fn a_de_escalation_refers_to_the_resources_committed() {
    let env = Env::new();
    requested(&env);
    accept(&env);
    env.run(&[
        "escalate",
        "de-escalate",
        "1001",
        "--reason",
        "The customer did not provide the administrator",
    ])
    .now("2026-11-26T15:00:00Z")
    .ok()
    .stderr_is("case 1001: de-escalated\nresources the customer committed at the request: Their search administrator, for logs and tests\n");
}
