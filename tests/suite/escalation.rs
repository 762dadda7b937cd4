//! The escalation process (SPEC sections 1, 3, 4 and 6; the escalation part
//! of `seed/support-process.txt`), run through the real binary: every gate at
//! its exact boundary instant, the manager's follow-up clock, the update
//! clock, and the request -> review -> accept -> updates -> close, decline
//! and de-escalation paths as `show`, `list`, `queue` and `sla` report them.
//!
//! Instants are UTC. America/Toronto is UTC-5 for every date used here
//! (late November and December 2026: EST); Etc/GMT is UTC. Calendar of the
//! dates used: 2026-11-23 is a Monday, 2026-11-27 a Friday, 2026-12-21 a
//! Monday, 2026-12-25 (a holiday) a Friday, 2026-12-29 a Tuesday.
//!
//! Default policy: north-america works Mon-Fri 06:00-21:00 Toronto, emea
//! Mon-Fri 11:00-02:00 GMT, the escalation desk Mon-Fri 08:00-17:00 Toronto;
//! Dec 25, Jan 1 and Labour Day are off on every business calendar.

use crate::common::{case_file, clock, clocks_named, Env, NewCase, Output, Run, T0};
use serde_json::{json, Value};

/// Monday 2026-11-23 09:05 America/Toronto (EST, UTC-5): [`T0`].
const MON_0905: &str = T0;

/// The two contacts of every case opened by [`open_and_respond`].
const CONTACT_ANN: &str = "Ann Lee <ann@acme.test>";
const CONTACT_BOB: &str = "Bob Roy <bob@acme.test>";

/// Every case opened at [`MON_0905`] with severity 2 in north-america is
/// eligible 2 business days later: the shift containing Mon 09:05 starts at
/// 06:00 (offset 3h05m); the 2nd shift after it is Wed 06:00, plus the
/// offset: Wed 2026-11-25 09:05 Toronto = 14:05Z.
const SEV2_ELIGIBLE: &str = "2026-11-25T14:05:00Z";

// ---------------------------------------------------------------------------
// Escalation steps, in a working directory made by `cases init .`
// ---------------------------------------------------------------------------

/// Opens a case on the plus plan with [`CONTACT_ANN`] and [`CONTACT_BOB`]
/// and records a first response at the same instant, so that the
/// initial-response clock is met and only escalation clocks can fail
/// `sla --check`. Returns its number.
fn open_and_respond(desk: &Env, opened_at: &str, severity: &str, region: &str) -> u64 {
    let case = NewCase {
        title: "Search results are stale",
        account: "Acme",
        plan: "plus",
        region,
        severity,
        contacts: vec![CONTACT_ANN, CONTACT_BOB],
        ..NewCase::default()
    };
    let number = desk.open_at(&case, opened_at);
    desk.run(&["respond", &number.to_string(), "--message", "Looking"])
        .now(opened_at)
        .ok();
    number
}

/// `escalate request N --by "Ann Lee" --role primary-contact --channel CHANNEL`.
fn request<'a>(desk: &'a Env, number: u64, now: &str, channel: &str) -> Run<'a> {
    request_as(desk, number, now, channel, "primary-contact")
}

/// Like [`request`] with another role.
fn request_as<'a>(desk: &'a Env, number: u64, now: &str, channel: &str, role: &str) -> Run<'a> {
    desk.run(&[
        "escalate",
        "request",
        &number.to_string(),
        "--by",
        "Ann Lee",
        "--role",
        role,
        "--channel",
        channel,
        "--justification",
        "Production search is degraded",
        "--resources",
        "Their search administrator, for logs and tests",
    ])
    .now(now)
}

/// `escalate <sub> N ARGS...`.
fn escalate<'a>(desk: &'a Env, now: &str, sub: &str, number: u64, args: &[&str]) -> Run<'a> {
    let number = number.to_string();
    let mut all = vec!["escalate", sub, number.as_str()];
    all.extend_from_slice(args);
    desk.run(&all).now(now)
}

/// `sla --check` at `now`.
fn sla_check<'a>(desk: &'a Env, now: &str) -> Run<'a> {
    desk.run(&["sla", "--check"]).now(now)
}

/// The numbers of the cases `list ARGS --format json` lists at `now`.
fn list_numbers(desk: &Env, now: &str, args: &[&str]) -> Vec<u64> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let listed = desk.run(&all).now(now).ok().json();
    listed
        .as_array()
        .expect("list prints an array")
        .iter()
        .map(|c| c["number"].as_u64().expect("a number"))
        .collect()
}

/// Runs `run`, which must be refused: exit `code`, `fragment` on stderr
/// (in one line for exit 3), and no byte of the store changed.
#[track_caller]
fn assert_refused(code: i32, fragment: &str, run: Run<'_>) -> Output {
    let out = run.refused(code);
    out.stderr_contains(fragment);
    // The policy's and the lifecycle's refusals (exit 3) say why in one
    // line; usage errors may come from the argument parser with its hints.
    if code == 3 {
        assert_eq!(
            out.stderr.lines().count(),
            1,
            "a refusal says why in one line\n{out}"
        );
    }
    out
}

// ---------------------------------------------------------------------------
// Eligibility gates
// ---------------------------------------------------------------------------

#[test]
fn sev1_becomes_eligible_exactly_24_hours_after_opening() {
    let desk = Env::init();
    // Opened Mon 2026-11-23 09:05 Toronto (14:05Z); sev1 waits 24h of
    // calendar time: Tue 2026-11-24 14:05Z = 09:05 Toronto.
    let case = open_and_respond(&desk, MON_0905, "1", "north-america");
    assert_eq!(
        desk.show(case, MON_0905)["escalation_eligible_at"],
        "2026-11-24T14:05:00Z"
    );
    for too_early in ["2026-11-24T14:04:00Z", "2026-11-24T14:04:59Z"] {
        assert_refused(
            3,
            "case 1001 is not eligible for escalation until 2026-11-24 09:05 America/Toronto (sev1:",
            request(&desk, case, too_early, "community"),
        );
    }
    request(&desk, case, "2026-11-24T14:05:00Z", "community")
        .ok()
        .stderr_has("case 1001: escalation requested by Ann Lee (primary-contact)");
}

#[test]
fn sev1_eligibility_runs_through_holidays_and_weekends() {
    let desk = Env::init();
    // Opened Thu 2026-12-24 12:00 Toronto (17:00Z); 24h later is Christmas
    // Day 12:00 Toronto (2026-12-25T17:00Z): the 24x7 clock has no holidays.
    let case = open_and_respond(&desk, "2026-12-24T17:00:00Z", "1", "north-america");
    assert_eq!(
        desk.show(case, "2026-12-24T17:00:00Z")["escalation_eligible_at"],
        "2026-12-25T17:00:00Z"
    );
    assert_refused(
        3,
        "not eligible for escalation until 2026-12-25 12:00 America/Toronto",
        request(&desk, case, "2026-12-25T16:59:00Z", "community"),
    );
    request(&desk, case, "2026-12-25T17:00:00Z", "community").ok();
}

#[test]
fn sev2_eligibility_skips_the_weekend() {
    let desk = Env::init();
    // Opened Fri 2026-11-27 10:00 Toronto (15:00Z). The Friday shift
    // (06:00-21:00) contains it, offset 4h. The 2nd shift after it is Tue
    // 2026-12-01 (Mon is the 1st; Sat and Sun have none): 06:00 + 4h =
    // 10:00 Toronto = 15:00Z.
    let case = open_and_respond(&desk, "2026-11-27T15:00:00Z", "2", "north-america");
    assert_eq!(
        desk.show(case, "2026-11-27T15:00:00Z")["escalation_eligible_at"],
        "2026-12-01T15:00:00Z"
    );
    // Two calendar days later (Sunday) and the Monday are still too early.
    for too_early in [
        "2026-11-29T15:00:00Z",
        "2026-11-30T15:00:00Z",
        "2026-12-01T14:59:00Z",
    ] {
        assert_refused(
            3,
            "case 1001 is not eligible for escalation until 2026-12-01 10:00 America/Toronto (sev2: 2 business days after opening)",
            request(&desk, case, too_early, "community"),
        );
    }
    request(&desk, case, "2026-12-01T15:00:00Z", "community").ok();
}

#[test]
fn sev2_opened_on_a_saturday_is_eligible_wednesday_at_opening_of_business() {
    let desk = Env::init();
    // Opened Sat 2026-11-28 12:00 Toronto (17:00Z): no shift contains it, so
    // S is Mon 2026-11-30 06:00 with offset 0; the 2nd shift after S is Wed
    // 2026-12-02 06:00 Toronto = 11:00Z (SPEC: "Sat + 2 = Wed 06:00").
    let case = open_and_respond(&desk, "2026-11-28T17:00:00Z", "2", "north-america");
    assert_eq!(
        desk.show(case, "2026-11-28T17:00:00Z")["escalation_eligible_at"],
        "2026-12-02T11:00:00Z"
    );
    assert_refused(
        3,
        "until 2026-12-02 06:00 America/Toronto (sev2: 2 business days after opening)",
        request(&desk, case, "2026-12-02T10:59:00Z", "community"),
    );
    request(&desk, case, "2026-12-02T11:00:00Z", "community").ok();
}

#[test]
fn sev3_eligibility_skips_christmas() {
    let desk = Env::init();
    // Opened Mon 2026-12-21 10:00 Toronto (15:00Z), offset 4h into the
    // Monday shift. Shifts after it: Tue 22 (1), Wed 23 (2), Thu 24 (3),
    // Fri 25 is Christmas (no shift), Mon 28 (4), Tue 29 (5): 2026-12-29
    // 06:00 + 4h = 10:00 Toronto = 15:00Z. Counting Christmas would have
    // given Mon 2026-12-28 10:00.
    let case = open_and_respond(&desk, "2026-12-21T15:00:00Z", "3", "north-america");
    assert_eq!(
        desk.show(case, "2026-12-21T15:00:00Z")["escalation_eligible_at"],
        "2026-12-29T15:00:00Z"
    );
    for too_early in ["2026-12-28T15:00:00Z", "2026-12-29T14:59:00Z"] {
        assert_refused(
            3,
            "case 1001 is not eligible for escalation until 2026-12-29 10:00 America/Toronto (sev3: 5 business days after opening)",
            request(&desk, case, too_early, "community"),
        );
    }
    request(&desk, case, "2026-12-29T15:00:00Z", "community").ok();
}

#[test]
fn emea_eligibility_counts_emea_shifts_and_is_shown_in_gmt() {
    let desk = Env::init();
    // Opened Fri 2026-11-27 12:00 GMT: the Friday shift 11:00-02:00 contains
    // it, offset 1h; the 2nd shift after it is Tue 2026-12-01 11:00 + 1h =
    // 12:00 GMT.
    let friday_noon = open_and_respond(&desk, "2026-11-27T12:00:00Z", "2", "emea");
    // Opened Fri 2026-11-27 01:30 GMT: that is inside Thursday's shift
    // (Thu 11:00 - Fri 02:00), offset 14h30m; the 2nd shift after Thursday's
    // is Monday's: Mon 2026-11-30 11:00 + 14h30m = Tue 2026-12-01 01:30 GMT,
    // before the shift's end at 02:00, so not capped.
    let friday_early = open_and_respond(&desk, "2026-11-27T01:30:00Z", "2", "emea");
    assert_eq!(
        desk.show(friday_noon, "2026-11-27T12:00:00Z")["escalation_eligible_at"],
        "2026-12-01T12:00:00Z"
    );
    assert_eq!(
        desk.show(friday_early, "2026-11-27T12:00:00Z")["escalation_eligible_at"],
        "2026-12-01T01:30:00Z"
    );
    assert_refused(
        3,
        "case 1001 is not eligible for escalation until 2026-12-01 12:00 Etc/GMT (sev2: 2 business days after opening)",
        request(&desk, friday_noon, "2026-12-01T11:59:00Z", "community"),
    );
    assert_refused(
        3,
        "case 1002 is not eligible for escalation until 2026-12-01 01:30 Etc/GMT (sev2: 2 business days after opening)",
        request(&desk, friday_early, "2026-12-01T01:29:00Z", "community"),
    );
    request(&desk, friday_early, "2026-12-01T01:30:00Z", "community").ok();
    request(&desk, friday_noon, "2026-12-01T12:00:00Z", "community").ok();
}

#[test]
fn sev4_is_never_eligible_requests_go_to_product_management() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "4", "north-america");
    assert_eq!(
        desk.show(case, MON_0905)["escalation_eligible_at"],
        Value::Null
    );
    // Weeks later, by any channel and any role: still refused.
    for (now, channel) in [
        ("2026-11-30T15:00:00Z", "community"),
        ("2027-03-10T15:00:00Z", "community"),
        ("2027-03-10T15:00:00Z", "phone"),
    ] {
        assert_refused(
            3,
            "not eligible for escalation",
            request(&desk, case, now, channel),
        )
        .stderr_contains("product management");
    }
    assert_refused(
        3,
        "product management",
        request_as(
            &desk,
            case,
            "2027-03-10T15:00:00Z",
            "community",
            "support-manager",
        ),
    );
}

#[test]
fn a_role_outside_the_policy_is_refused_and_every_policy_role_is_taken() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    for role in ["ceo", "Primary-Contact", "customer"] {
        assert_refused(
            3,
            &format!("role {role:?} may not request an escalation"),
            request_as(&desk, case, SEV2_ELIGIBLE, "community", role),
        )
        .stderr_contains("primary-contact");
    }
    // The nine roles of the guide, each one request then a de-escalation
    // a minute apart, from Wed 2026-11-25 10:00 Toronto (15:00Z).
    let roles = [
        "primary-contact",
        "administrator",
        "developer",
        "partner",
        "entitled-community-user",
        "customer-success-manager",
        "customer-manager",
        "support-manager",
        "product-specialist",
    ];
    for (minute, role) in roles.iter().enumerate() {
        let now = format!("2026-11-25T15:{minute:02}:00Z");
        request_as(&desk, case, &now, "community", role)
            .ok()
            .stderr_has(&format!("({role})"));
        escalate(
            &desk,
            &now,
            "de-escalate",
            case,
            &["--reason", "role check"],
        )
        .ok();
    }
    let shown = desk.show(case, "2026-11-25T16:00:00Z");
    let recorded: Vec<&str> = shown["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["role"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, roles);
}

#[test]
fn a_closed_case_cannot_be_escalated() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    desk.run(&["assign", "1001", "--to", "Paul Tremblay"])
        .now("2026-11-24T15:00:00Z")
        .ok();
    desk.run(&["close", "1001", "--confirmed-by", "ann@acme.test"])
        .now("2026-11-24T16:00:00Z")
        .ok();
    // Eligible since Wed 09:05 Toronto, but closed.
    assert_refused(
        3,
        "case 1001 is closed",
        request(&desk, case, "2026-11-25T15:00:00Z", "community"),
    )
    .stderr_contains("reopen");
    assert_refused(
        3,
        "case 1001 is closed",
        request(&desk, case, "2026-11-25T15:00:00Z", "phone"),
    );
}

#[test]
fn a_second_escalation_waits_for_the_first_to_end() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    assert_refused(
        3,
        "case 1001 already has an open escalation (requested)",
        request(&desk, case, "2026-11-25T14:10:00Z", "community"),
    );
    escalate(&desk, "2026-11-25T14:20:00Z", "review", case, &[]).ok();
    assert_refused(
        3,
        "case 1001 already has an open escalation (reviewed)",
        request_as(
            &desk,
            case,
            "2026-11-25T14:25:00Z",
            "community",
            "support-manager",
        ),
    );
    escalate(
        &desk,
        "2026-11-25T14:30:00Z",
        "accept",
        case,
        &["--manager", "Maya Chen", "--update-every", "4h"],
    )
    .ok();
    assert_refused(
        3,
        "case 1001 already has an open escalation (accepted)",
        request(&desk, case, "2026-11-25T14:35:00Z", "phone"),
    );
    // Once closed, a new one may be requested.
    escalate(
        &desk,
        "2026-11-25T15:00:00Z",
        "close",
        case,
        &["--outcome", "timeline", "--summary", "Fix planned for 12.3"],
    )
    .ok();
    request(&desk, case, "2026-11-25T15:05:00Z", "community").ok();
    assert_eq!(
        desk.show(case, "2026-11-25T15:05:00Z")["escalations"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn severity_changes_move_the_eligibility_gate() {
    let desk = Env::init();
    // Sev3 opened Mon 09:05 Toronto: 5 business days -> Mon 2026-11-30
    // 09:05 Toronto (14:05Z).
    let case = open_and_respond(&desk, MON_0905, "3", "north-america");
    assert_refused(
        3,
        "until 2026-11-30 09:05 America/Toronto (sev3: 5 business days after opening)",
        request(&desk, case, SEV2_ELIGIBLE, "community"),
    );
    // Raised to sev2 on Tuesday: re-targeted from the same start, 2 business
    // days -> Wed 2026-11-25 09:05 Toronto (14:05Z). (A severity change
    // needs an owner: SPEC 4.)
    desk.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-24T14:50:00Z")
        .ok();
    desk.run(&["severity", "1001", "2", "--customer-agreed"])
        .now("2026-11-24T15:00:00Z")
        .ok();
    assert_refused(
        3,
        "until 2026-11-25 09:05 America/Toronto (sev2: 2 business days after opening)",
        request(&desk, case, "2026-11-25T14:04:00Z", "community"),
    );
    request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    assert_eq!(
        desk.show(case, SEV2_ELIGIBLE)["escalations"][0]["severity"],
        2
    );
}

#[test]
fn gates_and_desk_hours_follow_local_time_across_the_spring_change() {
    let desk = Env::init();
    // Toronto moves from EST (UTC-5) to EDT (UTC-4) on Sun 2027-03-14.

    // Sev2 opened Fri 2027-03-12 10:00 EST (15:00Z), offset 4h: the 2nd
    // shift after Friday's is Tue 2027-03-16, 06:00 EDT + 4h = 10:00 EDT =
    // 14:00Z (a day-count of 24h steps would give 15:00Z).
    let sev2 = open_and_respond(&desk, "2027-03-12T15:00:00Z", "2", "north-america");
    assert_refused(
        3,
        "case 1001 is not eligible for escalation until 2027-03-16 10:00 America/Toronto (sev2: 2 business days after opening)",
        request(&desk, sev2, "2027-03-16T13:59:00Z", "community"),
    );
    request(&desk, sev2, "2027-03-16T14:00:00Z", "community").ok();

    // Sev1 opened Sat 2027-03-13 09:00 EST (14:00Z): 24h of calendar time
    // later is 2027-03-14T14:00Z, which reads 10:00 EDT.
    let sev1 = open_and_respond(&desk, "2027-03-13T14:00:00Z", "1", "north-america");
    assert_refused(
        3,
        "case 1002 is not eligible for escalation until 2027-03-14 10:00 America/Toronto (sev1:",
        request(&desk, sev1, "2027-03-14T13:59:00Z", "community"),
    );
    request(&desk, sev1, "2027-03-14T14:00:00Z", "community").ok();

    // Sev2 opened Mon 2027-03-08 09:05 EST (14:05Z), eligible Wed 09:05.
    // Requested Fri 2027-03-12 16:30 EST (21:30Z): 30 desk minutes on
    // Friday, 30 on Monday from 08:00 EDT (12:00Z) -> Mon 08:30 EDT = 12:30Z.
    let follow_up = open_and_respond(&desk, "2027-03-08T14:05:00Z", "2", "north-america");
    request(&desk, follow_up, "2027-03-12T21:30:00Z", "community")
        .ok()
        .stderr_has("manager's follow-up due 2027-03-15 08:30 America/Toronto");
    assert_eq!(
        clock(
            &desk.show(follow_up, "2027-03-12T21:30:00Z"),
            "escalation-follow-up",
            Some(1),
            0
        )["due_at"],
        "2027-03-15T12:30:00Z"
    );

    // By phone on Mon 2027-03-15: 07:59 EDT (11:59Z) refused, 08:00 EDT
    // (12:00Z) taken.
    let phone = open_and_respond(&desk, "2027-03-08T14:05:00Z", "2", "north-america");
    assert_refused(
        3,
        "escalation desk hours",
        request(&desk, phone, "2027-03-15T11:59:00Z", "phone"),
    )
    .stderr_contains("the desk opens 2027-03-15 08:00 America/Toronto");
    request(&desk, phone, "2027-03-15T12:00:00Z", "phone").ok();
}

// ---------------------------------------------------------------------------
// Channels: phone during desk hours, community at any time
// ---------------------------------------------------------------------------

#[test]
fn phone_requests_are_taken_from_08_00_until_17_00_toronto() {
    let desk = Env::init();
    // Three sev2 cases, all eligible from Wed 2026-11-25 09:05 Toronto; the
    // attempts are on Thu 2026-11-26.
    let morning = open_and_respond(&desk, MON_0905, "2", "north-america");
    let afternoon = open_and_respond(&desk, MON_0905, "2", "north-america");
    let evening = open_and_respond(&desk, MON_0905, "2", "north-america");
    let closed_desk = "escalations by phone are taken during escalation desk hours (mon-fri 08:00-17:00 America/Toronto)";

    // 07:59 and 07:59:59 Toronto (12:59Z, 12:59:59Z): refused, the desk opens
    // at 08:00 the same day.
    for now in ["2026-11-26T12:59:00Z", "2026-11-26T12:59:59Z"] {
        assert_refused(3, closed_desk, request(&desk, morning, now, "phone"))
            .stderr_contains("the desk opens 2026-11-26 08:00 America/Toronto")
            .stderr_contains("community");
    }
    // 08:00 Toronto (13:00Z): taken.
    request(&desk, morning, "2026-11-26T13:00:00Z", "phone").ok();
    // 16:59 Toronto (21:59Z): taken.
    request(&desk, afternoon, "2026-11-26T21:59:00Z", "phone").ok();
    // 17:00 Toronto (22:00Z): the desk's shift is [08:00, 17:00); refused,
    // the desk opens Fri 08:00.
    assert_refused(
        3,
        closed_desk,
        request(&desk, evening, "2026-11-26T22:00:00Z", "phone"),
    )
    .stderr_contains("the desk opens 2026-11-27 08:00 America/Toronto");
    // ... while the same request through the community is taken.
    request(&desk, evening, "2026-11-26T22:00:00Z", "community").ok();

    let channels: Vec<Value> = [morning, afternoon, evening]
        .iter()
        .map(|&n| desk.show(n, "2026-11-26T22:00:00Z")["escalations"][0]["channel"].clone())
        .collect();
    assert_eq!(
        channels,
        [json!("phone"), json!("phone"), json!("community")]
    );
}

#[test]
fn phone_requests_wait_for_the_desk_after_weekends_and_holidays() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    // Fri 2026-11-27 17:00 Toronto (22:00Z) and Sat 2026-11-28 10:00 Toronto
    // (15:00Z): the desk opens Mon 2026-11-30 08:00.
    for now in ["2026-11-27T22:00:00Z", "2026-11-28T15:00:00Z"] {
        assert_refused(
            3,
            "escalation desk hours",
            request(&desk, case, now, "phone"),
        )
        .stderr_contains("the desk opens 2026-11-30 08:00 America/Toronto");
    }
    // Christmas Day, Fri 2026-12-25 10:00 Toronto (15:00Z): the desk keeps
    // the holidays; it opens Mon 2026-12-28 08:00.
    assert_refused(
        3,
        "escalation desk hours",
        request(&desk, case, "2026-12-25T15:00:00Z", "phone"),
    )
    .stderr_contains("the desk opens 2026-12-28 08:00 America/Toronto");
    // Mon 2026-11-30 08:00 Toronto (13:00Z): taken.
    request(&desk, case, "2026-11-30T13:00:00Z", "phone").ok();
}

#[test]
fn phone_requests_for_emea_cases_follow_the_toronto_desk() {
    let desk = Env::init();
    // EMEA sev2 opened Mon 2026-11-23 12:00 GMT, offset 1h into the Monday
    // shift: eligible Wed 2026-11-25 12:00 GMT.
    let case = open_and_respond(&desk, "2026-11-23T12:00:00Z", "2", "emea");
    // Wed 12:30 GMT is 07:30 Toronto: the desk is closed.
    assert_refused(
        3,
        "escalation desk hours",
        request(&desk, case, "2026-11-25T12:30:00Z", "phone"),
    )
    .stderr_contains("the desk opens 2026-11-25 08:00 America/Toronto");
    // 13:00 GMT = 08:00 Toronto: taken. The follow-up is due 60 desk minutes
    // later, 09:00 Toronto = 14:00 GMT, shown in the case's time zone.
    request(&desk, case, "2026-11-25T13:00:00Z", "phone")
        .ok()
        .stderr_has("manager's follow-up due 2026-11-25 14:00 Etc/GMT");
    assert_eq!(
        clock(
            &desk.show(case, "2026-11-25T13:00:00Z"),
            "escalation-follow-up",
            Some(1),
            0
        )["due_at"],
        "2026-11-25T14:00:00Z"
    );
}

#[test]
fn community_requests_are_taken_at_any_time() {
    let desk = Env::init();
    let nights = [
        // Thu 2026-11-26 03:00 Toronto.
        "2026-11-26T08:00:00Z",
        // Sun 2026-11-29 03:00 Toronto.
        "2026-11-29T08:00:00Z",
        // Christmas Day 2026-12-25 10:00 Toronto.
        "2026-12-25T15:00:00Z",
    ];
    for now in nights {
        let case = open_and_respond(&desk, MON_0905, "2", "north-america");
        request(&desk, case, now, "community").ok();
    }
}

#[test]
fn sev1_phone_requests_are_taken_at_night_and_on_holidays() {
    let desk = Env::init();
    // Sev1 cases opened Mon 09:05 Toronto are eligible Tue 2026-11-24 09:05.
    let nights = [
        // Tue 2026-11-24 23:30 Toronto.
        "2026-11-25T04:30:00Z",
        // Sat 2026-11-28 03:00 Toronto.
        "2026-11-28T08:00:00Z",
        // Christmas Day 03:00 Toronto.
        "2026-12-25T08:00:00Z",
    ];
    for now in nights {
        let case = open_and_respond(&desk, MON_0905, "1", "north-america");
        request(&desk, case, now, "phone").ok();
    }
}

#[test]
fn request_channels_other_than_phone_and_community_are_usage_errors() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    assert_refused(
        2,
        "--channel \"email\" is not an escalation channel",
        request(&desk, case, SEV2_ELIGIBLE, "email"),
    );
}

// ---------------------------------------------------------------------------
// The manager's follow-up clock
// ---------------------------------------------------------------------------

#[test]
fn follow_up_is_due_after_60_minutes_of_desk_time() {
    let desk = Env::init();
    // (requested at, due at, due in local time). Every case is
    // a sev2 opened Mon 09:05 Toronto, eligible Wed 2026-11-25 09:05.
    let table = [
        // Wed 10:00 -> 11:00, inside desk hours.
        (
            "2026-11-25T15:00:00Z",
            "2026-11-25T16:00:00Z",
            "2026-11-25 11:00 America/Toronto",
        ),
        // Wed 16:00 -> 17:00 exactly, the end of the shift (not Thu 08:00).
        (
            "2026-11-25T21:00:00Z",
            "2026-11-25T22:00:00Z",
            "2026-11-25 17:00 America/Toronto",
        ),
        // Wed 16:30: 30 minutes until 17:00, 30 more from Thu 08:00 -> 08:30.
        (
            "2026-11-25T21:30:00Z",
            "2026-11-26T13:30:00Z",
            "2026-11-26 08:30 America/Toronto",
        ),
        // Wed 17:00: the desk is closed; Thu 08:00 + 60m -> 09:00.
        (
            "2026-11-25T22:00:00Z",
            "2026-11-26T14:00:00Z",
            "2026-11-26 09:00 America/Toronto",
        ),
        // Thu 06:00, before the desk opens -> 09:00.
        (
            "2026-11-26T11:00:00Z",
            "2026-11-26T14:00:00Z",
            "2026-11-26 09:00 America/Toronto",
        ),
        // Fri 16:30: 30 minutes Friday, 30 minutes Monday -> Mon 08:30.
        (
            "2026-11-27T21:30:00Z",
            "2026-11-30T13:30:00Z",
            "2026-11-30 08:30 America/Toronto",
        ),
        // Sat 12:00 -> Mon 09:00.
        (
            "2026-11-28T17:00:00Z",
            "2026-11-30T14:00:00Z",
            "2026-11-30 09:00 America/Toronto",
        ),
        // Thu Dec 24 16:30: 30 minutes Thursday; Fri 25 is Christmas, then
        // the weekend; 30 minutes Monday -> Mon 2026-12-28 08:30.
        (
            "2026-12-24T21:30:00Z",
            "2026-12-28T13:30:00Z",
            "2026-12-28 08:30 America/Toronto",
        ),
    ];
    for (requested, due, due_local) in table {
        let case = open_and_respond(&desk, MON_0905, "2", "north-america");
        request(&desk, case, requested, "community")
            .ok()
            .stderr_has(&format!("manager's follow-up due {due_local}"));
        let shown = desk.show(case, requested);
        let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
        assert_eq!(
            (
                &follow_up["started_at"],
                &follow_up["due_at"],
                &follow_up["status"]
            ),
            (&json!(requested), &json!(due), &json!("running")),
            "case {case} requested at {requested}"
        );
    }
}

#[test]
fn follow_up_is_met_by_a_review_at_the_due_instant_and_breached_after() {
    let desk = Env::init();
    // Both requested Wed 16:30 Toronto (21:30Z): due Thu 2026-11-26 08:30
    // Toronto (13:30Z).
    let on_time = open_and_respond(&desk, MON_0905, "2", "north-america");
    let late = open_and_respond(&desk, MON_0905, "2", "north-america");
    for case in [on_time, late] {
        request(&desk, case, "2026-11-25T21:30:00Z", "community").ok();
    }
    escalate(
        &desk,
        "2026-11-26T13:30:00Z",
        "review",
        on_time,
        &["--note", "Called the customer; diagnostic path agreed"],
    )
    .ok();
    escalate(&desk, "2026-11-26T13:31:00Z", "review", late, &[]).ok();

    let later = "2026-11-26T15:00:00Z";
    let shown = desk.show(on_time, later);
    let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
    assert_eq!(follow_up["due_at"], "2026-11-26T13:30:00Z");
    assert_eq!(follow_up["stopped_at"], "2026-11-26T13:30:00Z");
    assert_eq!(follow_up["status"], "met");
    assert_eq!(shown["escalations"][0]["status"], "reviewed");
    assert_eq!(
        shown["escalations"][0]["reviewed_at"],
        "2026-11-26T13:30:00Z"
    );

    let shown = desk.show(late, later);
    let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
    assert_eq!(follow_up["stopped_at"], "2026-11-26T13:31:00Z");
    assert_eq!(follow_up["status"], "breached");

    // SPEC 3: a late review is answered, so it fails `sla --check` only
    // within a `--since` window holding its due instant; the met one never.
    sla_check(&desk, later).ok();
    desk.run(&["sla", "--check", "--since", "2h"])
        .now(later)
        .code(1)
        .stderr_contains("case 1002 escalation-follow-up #1")
        .stderr_lacks("case 1001");
}

#[test]
fn sla_check_fails_just_after_the_follow_up_is_due_without_a_review() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    // Requested Wed 16:30 Toronto (21:30Z): due Thu 08:30 Toronto (13:30Z).
    request(&desk, case, "2026-11-25T21:30:00Z", "community").ok();
    // Thu 08:29 Toronto: running, nothing breached.
    sla_check(&desk, "2026-11-26T13:29:00Z")
        .ok()
        .stderr_lacks("breached");
    assert_eq!(
        clock(
            &desk.show(case, "2026-11-26T13:29:00Z"),
            "escalation-follow-up",
            Some(1),
            0
        )["status"],
        "running"
    );
    // Thu 08:30 Toronto: a running clock at its due instant is not yet
    // breached (SPEC 3: breached only after its due instant); a second later it is.
    sla_check(&desk, "2026-11-26T13:30:00Z").ok();
    sla_check(&desk, "2026-11-26T13:30:01Z")
        .code(1)
        .stderr_contains("case 1001 escalation-follow-up #1 due 2026-11-26 08:30 America/Toronto");
    // The night in between is not desk time: 17:30 Wed is still fine.
    sla_check(&desk, "2026-11-25T22:30:00Z").ok();
}

#[test]
fn sev1_follow_up_runs_60_minutes_round_the_clock() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "1", "north-america");
    // Requested by phone Tue 2026-11-24 23:30 Toronto (2026-11-25T04:30Z):
    // due 60 minutes later, Wed 00:30 Toronto (05:30Z), desk closed or not.
    request(&desk, case, "2026-11-25T04:30:00Z", "phone")
        .ok()
        .stderr_has("manager's follow-up due 2026-11-25 00:30 America/Toronto");
    assert_eq!(
        clock(
            &desk.show(case, "2026-11-25T04:30:00Z"),
            "escalation-follow-up",
            Some(1),
            0
        )["due_at"],
        "2026-11-25T05:30:00Z"
    );
    sla_check(&desk, "2026-11-25T05:30:00Z").ok();
    sla_check(&desk, "2026-11-25T05:30:01Z")
        .code(1)
        .stderr_contains("case 1001 escalation-follow-up #1 due 2026-11-25 00:30 America/Toronto");
}

#[test]
fn sev1_follow_up_review_at_night_is_met() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "1", "north-america");
    // Sat 2026-11-28 02:00 Toronto (07:00Z) -> due 03:00 Toronto (08:00Z).
    request(&desk, case, "2026-11-28T07:00:00Z", "community").ok();
    escalate(&desk, "2026-11-28T08:00:00Z", "review", case, &[]).ok();
    let shown = desk.show(case, "2026-11-28T09:00:00Z");
    let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
    assert_eq!(follow_up["due_at"], "2026-11-28T08:00:00Z");
    assert_eq!(follow_up["status"], "met");
    sla_check(&desk, "2026-11-28T09:00:00Z").ok();
}

#[test]
fn raising_an_escalated_case_to_sev1_retargets_the_follow_up_to_24x7() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    // Requested Wed 2026-11-25 16:30 Toronto (21:30Z) as a sev2: due Thu
    // 08:30 on the desk calendar.
    request(&desk, case, "2026-11-25T21:30:00Z", "community")
        .ok()
        .stderr_has("manager's follow-up due 2026-11-26 08:30 America/Toronto");
    // Raised to sev1 at 16:45 with the customer's agreement: the follow-up
    // is re-targeted from the same start on the sev1 calendar (24x7): 16:30
    // + 60 minutes = 17:30 Toronto (22:30Z). (A severity change needs an
    // owner: SPEC 4.)
    desk.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-25T21:40:00Z")
        .ok();
    desk.run(&["severity", "1001", "1", "--customer-agreed"])
        .now("2026-11-25T21:45:00Z")
        .ok();
    let follow_up = clock(
        &desk.show(case, "2026-11-25T21:45:00Z"),
        "escalation-follow-up",
        Some(1),
        0,
    )
    .clone();
    assert_eq!(follow_up["started_at"], "2026-11-25T21:30:00Z");
    assert_eq!(follow_up["due_at"], "2026-11-25T22:30:00Z");
    sla_check(&desk, "2026-11-25T22:30:00Z").ok();
    sla_check(&desk, "2026-11-25T22:30:01Z")
        .code(1)
        .stderr_contains("escalation-follow-up");
}

#[test]
fn accepting_or_declining_without_a_separate_review_stops_the_follow_up() {
    let desk = Env::init();
    let accepted = open_and_respond(&desk, MON_0905, "2", "north-america");
    let declined = open_and_respond(&desk, MON_0905, "2", "north-america");
    // Requested Wed 09:05 Toronto: due 10:05 (15:05Z).
    for case in [accepted, declined] {
        request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    }
    escalate(
        &desk,
        "2026-11-25T15:00:00Z",
        "accept",
        accepted,
        &["--manager", "Maya Chen", "--update-every", "1d"],
    )
    .ok();
    escalate(
        &desk,
        "2026-11-25T15:05:00Z",
        "decline",
        declined,
        &["--explanation", "The workaround restores service"],
    )
    .ok();
    for (case, stopped) in [
        (accepted, "2026-11-25T15:00:00Z"),
        (declined, "2026-11-25T15:05:00Z"),
    ] {
        let shown = desk.show(case, "2026-11-25T16:00:00Z");
        let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
        assert_eq!(follow_up["stopped_at"], stopped, "case {case}");
        assert_eq!(follow_up["status"], "met", "case {case}");
    }
    sla_check(&desk, "2026-11-25T16:00:00Z").ok();
}

// ---------------------------------------------------------------------------
// The update clock
// ---------------------------------------------------------------------------

/// A sev2 case requested Wed 09:05 Toronto, reviewed 09:30, accepted 10:00
/// Toronto (15:00Z) with updates every 4h: the first update is due 14:00
/// Toronto (19:00Z).
fn accepted_case(desk: &Env) -> u64 {
    let case = open_and_respond(desk, MON_0905, "2", "north-america");
    request(desk, case, SEV2_ELIGIBLE, "community").ok();
    escalate(desk, "2026-11-25T14:30:00Z", "review", case, &[]).ok();
    escalate(
        desk,
        "2026-11-25T15:00:00Z",
        "accept",
        case,
        &["--manager", "Maya Chen", "--update-every", "4h"],
    )
    .ok()
    .stderr_has("escalation accepted (manager: Maya Chen, updates every 4h)")
    .stderr_has("next update due 2026-11-25 14:00 America/Toronto");
    case
}

#[test]
fn the_update_clock_starts_at_acceptance_and_breaches_after_its_due_instant() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    let shown = desk.show(case, "2026-11-25T15:00:00Z");
    let update = clock(&shown, "escalation-update", Some(1), 0);
    assert_eq!(update["started_at"], "2026-11-25T15:00:00Z");
    assert_eq!(update["due_at"], "2026-11-25T19:00:00Z");
    assert_eq!(update["status"], "running");

    // 14:00 Toronto (accepted + 4h exactly): still running; a second later, breached.
    sla_check(&desk, "2026-11-25T18:59:00Z").ok();
    sla_check(&desk, "2026-11-25T19:00:00Z").ok();
    sla_check(&desk, "2026-11-25T19:00:01Z")
        .code(1)
        .stderr_contains("case 1001 escalation-update #1.1 due 2026-11-25 14:00 America/Toronto")
        .stderr_lacks("escalation-follow-up");
    assert_eq!(
        clock(
            &desk.show(case, "2026-11-25T19:00:01Z"),
            "escalation-update",
            Some(1),
            0
        )["status"],
        "breached"
    );
}

#[test]
fn each_update_restarts_the_update_clock() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    // An update at 13:00 Toronto (18:00Z) meets the first interval and starts
    // the next: due 17:00 Toronto (22:00Z).
    escalate(
        &desk,
        "2026-11-25T18:00:00Z",
        "update",
        case,
        &["--message", "Engineering reproduced the issue"],
    )
    .ok()
    .stderr_has("case 1001: escalation update recorded")
    .stderr_has("next update due 2026-11-25 17:00 America/Toronto");
    // The first interval's due time has passed, but it was met.
    sla_check(&desk, "2026-11-25T19:00:00Z").ok();
    sla_check(&desk, "2026-11-25T22:00:00Z").ok();
    sla_check(&desk, "2026-11-25T22:00:01Z")
        .code(1)
        .stderr_contains("case 1001 escalation-update #1.2 due 2026-11-25 17:00 America/Toronto");

    let shown = desk.show(case, "2026-11-25T22:00:01Z");
    let updates = clocks_named(&shown, "escalation-update");
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0]["due_at"], "2026-11-25T19:00:00Z");
    assert_eq!(updates[0]["stopped_at"], "2026-11-25T18:00:00Z");
    assert_eq!(updates[0]["status"], "met");
    assert_eq!(updates[1]["started_at"], "2026-11-25T18:00:00Z");
    assert_eq!(updates[1]["due_at"], "2026-11-25T22:00:00Z");
    assert_eq!(updates[1]["status"], "breached");
}

#[test]
fn a_late_update_is_a_breach_of_its_interval() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    // Due 14:00 Toronto; sent 14:01 (19:01Z).
    escalate(
        &desk,
        "2026-11-25T19:01:00Z",
        "update",
        case,
        &["--message", "Still investigating"],
    )
    .ok();
    let shown = desk.show(case, "2026-11-25T19:30:00Z");
    let updates = clocks_named(&shown, "escalation-update");
    assert_eq!(updates[0]["stopped_at"], "2026-11-25T19:01:00Z");
    assert_eq!(updates[0]["status"], "breached");
    assert_eq!(updates[1]["due_at"], "2026-11-25T23:01:00Z");
    assert_eq!(updates[1]["status"], "running");
}

#[test]
fn the_update_frequency_is_calendar_time() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    // Requested Fri 2026-11-27 14:30 Toronto (19:30Z), reviewed 14:45,
    // accepted 15:00 Toronto (20:00Z) with daily updates: due Sat
    // 2026-11-28 15:00 Toronto (20:00Z), weekend or not.
    request(&desk, case, "2026-11-27T19:30:00Z", "community").ok();
    escalate(&desk, "2026-11-27T19:45:00Z", "review", case, &[]).ok();
    escalate(
        &desk,
        "2026-11-27T20:00:00Z",
        "accept",
        case,
        &["--manager", "Maya Chen", "--update-every", "1d"],
    )
    .ok()
    .stderr_has("next update due 2026-11-28 15:00 America/Toronto");
    sla_check(&desk, "2026-11-28T20:00:00Z").ok();
    sla_check(&desk, "2026-11-28T20:00:01Z")
        .code(1)
        .stderr_contains("escalation-update #1.1 due 2026-11-28 15:00 America/Toronto");
}

#[test]
fn the_update_clock_stops_when_the_escalation_ends() {
    let desk = Env::init();
    let closed = accepted_case(&desk);
    let de_escalated = accepted_case(&desk);
    let case_closed = accepted_case(&desk);
    // All three end at 13:00 Toronto (18:00Z), before the 14:00 due time.
    escalate(
        &desk,
        "2026-11-25T18:00:00Z",
        "close",
        closed,
        &["--outcome", "permanent-fix", "--summary", "Fixed in 12.3"],
    )
    .ok();
    escalate(
        &desk,
        "2026-11-25T18:00:00Z",
        "de-escalate",
        de_escalated,
        &[
            "--reason",
            "The customer did not provide a test environment",
        ],
    )
    .ok();
    close_as_an_earlier_version_did(&desk, case_closed, "2026-11-25T18:00:00Z");
    for case in [closed, de_escalated, case_closed] {
        let shown = desk.show(case, "2026-11-30T15:00:00Z");
        let update = clock(&shown, "escalation-update", Some(1), 0);
        assert_eq!(update["stopped_at"], "2026-11-25T18:00:00Z", "case {case}");
        assert_eq!(update["status"], "met", "case {case}");
    }
    // Days later nothing is due.
    sla_check(&desk, "2026-11-30T15:00:00Z").ok();
    // And no more updates are taken.
    for case in [closed, de_escalated] {
        assert_refused(
            3,
            "has no open escalation",
            escalate(
                &desk,
                "2026-11-25T19:00:00Z",
                "update",
                case,
                &["--message", "x"],
            ),
        );
    }
    assert_refused(
        3,
        "case 1003 is closed",
        escalate(
            &desk,
            "2026-11-25T19:00:00Z",
            "update",
            case_closed,
            &["--message", "x"],
        ),
    );
}

#[test]
fn the_update_frequency_must_be_a_positive_duration() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    for every in ["0m", "soon", "-4h"] {
        assert_refused(
            2,
            "update-every",
            escalate(
                &desk,
                "2026-11-25T15:00:00Z",
                "accept",
                case,
                &["--manager", "Maya Chen", "--update-every", every],
            ),
        );
    }
    assert_refused(
        2,
        "--update-every",
        escalate(
            &desk,
            "2026-11-25T15:00:00Z",
            "accept",
            case,
            &["--manager", "Maya Chen"],
        ),
    );
}

// ---------------------------------------------------------------------------
// The paths through the process
// ---------------------------------------------------------------------------

fn stakeholders(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(role, name)| json!({"role": role, "name": name}))
            .collect(),
    )
}

#[test]
fn request_review_accept_update_close() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    desk.run(&["assign", "1001", "--to", "Paul Tremblay"])
        .now("2026-11-23T14:10:00Z")
        .ok();

    // Wed 09:05 Toronto: requested; the manager's follow-up is due 10:05.
    desk.run(&[
        "escalate",
        "request",
        "1001",
        "--by",
        "Ann Lee",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "Production search is degraded",
        "--resources",
        "Their search administrator, for logs and tests",
        "--customer-success-manager",
        "Cora Diaz",
        "--customer-manager",
        "Dan Wu",
    ])
    .now(SEV2_ELIGIBLE)
    .ok()
    .stderr_has("case 1001: escalation requested by Ann Lee (primary-contact)")
    .stderr_has("manager's follow-up due 2026-11-25 10:05 America/Toronto");
    let shown = desk.show(case, "2026-11-25T14:06:00Z");
    // SPEC 4: requested, not yet escalated.
    assert_eq!(shown["escalated"], false);
    assert_eq!(shown["escalation_status"], "requested");
    let e = &shown["escalations"][0];
    assert_eq!(e["status"], "requested");
    assert_eq!(e["requested_at"], SEV2_ELIGIBLE);
    assert_eq!(e["requester"], "Ann Lee");
    assert_eq!(e["role"], "primary-contact");
    assert_eq!(e["channel"], "community");
    assert_eq!(e["justification"], "Production search is degraded");
    assert_eq!(e["severity"], 2);
    assert_eq!(e["manager"], Value::Null);
    assert_eq!(e["update_every_seconds"], Value::Null);
    assert_eq!(e["outcome"], Value::Null);
    assert_eq!(
        e["stakeholders"],
        stakeholders(&[
            ("contact", CONTACT_ANN),
            ("contact", CONTACT_BOB),
            ("case owner", "Paul Tremblay"),
            ("customer success manager", "Cora Diaz"),
            ("customer manager", "Dan Wu"),
        ])
    );
    // SPEC 4: a pending request is not yet an escalated case.
    assert!(list_numbers(&desk, "2026-11-25T14:06:00Z", &["--escalated"]).is_empty());

    // 09:45: the support manager follows up with the customer.
    escalate(
        &desk,
        "2026-11-25T14:45:00Z",
        "review",
        case,
        &["--note", "Diagnostic path agreed; customer provides logs"],
    )
    .ok()
    .stderr_has("case 1001: escalation reviewed");
    // 10:00: accepted, updates every 4 hours.
    escalate(
        &desk,
        "2026-11-25T15:00:00Z",
        "accept",
        case,
        &["--manager", "Maya Chen", "--update-every", "4h"],
    )
    .ok();
    let shown = desk.show(case, "2026-11-25T15:00:00Z");
    assert_eq!(shown["escalated"], true);
    assert_eq!(
        list_numbers(&desk, "2026-11-25T15:00:00Z", &["--escalated"]),
        [1001]
    );
    let e = &shown["escalations"][0];
    assert_eq!(e["status"], "accepted");
    assert_eq!(e["manager"], "Maya Chen");
    assert_eq!(e["update_every_seconds"], 14400);
    assert_eq!(e["reviewed_at"], "2026-11-25T14:45:00Z");
    assert_eq!(e["accepted_at"], "2026-11-25T15:00:00Z");
    assert_eq!(
        e["stakeholders"],
        stakeholders(&[
            ("contact", CONTACT_ANN),
            ("contact", CONTACT_BOB),
            ("case owner", "Paul Tremblay"),
            ("support manager", "Maya Chen"),
            ("customer success manager", "Cora Diaz"),
            ("customer manager", "Dan Wu"),
        ])
    );

    // Updates at 13:30 and 17:00 Toronto, each within 4h of the last.
    escalate(
        &desk,
        "2026-11-25T18:30:00Z",
        "update",
        case,
        &["--message", "Root cause narrowed to the indexer"],
    )
    .ok()
    .stderr_has("next update due 2026-11-25 17:30 America/Toronto");
    escalate(
        &desk,
        "2026-11-25T22:00:00Z",
        "update",
        case,
        &["--message", "Patch in testing"],
    )
    .ok()
    .stderr_has("next update due 2026-11-25 21:00 America/Toronto");
    // 20:00 Toronto: closed, root cause identified.
    escalate(
        &desk,
        "2026-11-26T01:00:00Z",
        "close",
        case,
        &[
            "--outcome",
            "root-cause",
            "--summary",
            "A stale cache in the indexer; cleared and monitored",
        ],
    )
    .ok()
    .stderr_has("case 1001: escalation closed (root-cause)");

    let later = "2026-11-26T15:00:00Z";
    let shown = desk.show(case, later);
    assert_eq!(shown["escalated"], false);
    assert_eq!(
        shown["state"], "open",
        "closing the escalation keeps the case open"
    );
    let e = &shown["escalations"][0];
    assert_eq!(e["status"], "closed");
    assert_eq!(e["outcome"], "root-cause");
    assert_eq!(e["manager"], "Maya Chen");
    assert_eq!(e["update_every_seconds"], 14400);
    assert_eq!(
        e["updates"],
        json!(["2026-11-25T18:30:00Z", "2026-11-25T22:00:00Z"])
    );
    assert_eq!(e["ended_at"], "2026-11-26T01:00:00Z");
    assert_eq!(shown["escalations"].as_array().unwrap().len(), 1);

    // Every clock was met: follow-up 09:45 <= 10:05; updates 13:30 <= 14:00,
    // 17:00 <= 17:30, close 20:00 <= 21:00.
    let follow_up = clock(&shown, "escalation-follow-up", Some(1), 0);
    assert_eq!(follow_up["due_at"], "2026-11-25T15:05:00Z");
    assert_eq!(follow_up["stopped_at"], "2026-11-25T14:45:00Z");
    assert_eq!(follow_up["status"], "met");
    let intervals: Vec<(Value, Value, Value)> = clocks_named(&shown, "escalation-update")
        .iter()
        .map(|c| {
            (
                c["due_at"].clone(),
                c["stopped_at"].clone(),
                c["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        intervals,
        [
            (
                json!("2026-11-25T19:00:00Z"),
                json!("2026-11-25T18:30:00Z"),
                json!("met")
            ),
            (
                json!("2026-11-25T22:30:00Z"),
                json!("2026-11-25T22:00:00Z"),
                json!("met")
            ),
            (
                json!("2026-11-26T02:00:00Z"),
                json!("2026-11-26T01:00:00Z"),
                json!("met")
            ),
        ]
    );
    sla_check(&desk, later).ok();
    assert!(list_numbers(&desk, later, &["--escalated"]).is_empty());

    // The case file holds the facts, in order.
    let file = String::from_utf8(desk.bytes(&case_file(case))).unwrap();
    let events: Vec<&str> = file
        .lines()
        .filter_map(|l| l.trim().strip_prefix("event: "))
        .collect();
    assert_eq!(
        events,
        [
            "created",
            "responded",
            "assigned",
            "escalation-requested",
            "escalation-reviewed",
            "escalation-accepted",
            "escalation-update",
            "escalation-update",
            "escalation-closed",
        ]
    );
    assert!(file.contains("outcome: root-cause"), "{file}");
    assert!(file.contains("manager: Maya Chen"), "{file}");

    // The readable `show` tells the same story.
    desk.run(&["show", "1001"])
        .now(later)
        .ok()
        .stdout_contains("escalations")
        .stdout_contains("manager Maya Chen, updates every 4h, 2 sent")
        .stdout_contains("root-cause");
}

#[test]
fn each_closing_outcome_is_accepted_and_an_unknown_one_is_a_usage_error() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    let mut minute = 0;
    let mut at = || {
        minute += 1;
        format!("2026-11-25T15:{minute:02}:00Z")
    };
    for outcome in ["root-cause", "timeline", "permanent-fix"] {
        request(&desk, case, &at(), "community").ok();
        escalate(
            &desk,
            &at(),
            "accept",
            case,
            &["--manager", "Maya Chen", "--update-every", "2h"],
        )
        .ok();
        for bad in ["fixed", "Root-Cause", "root cause", ""] {
            assert_refused(
                2,
                "--outcome",
                escalate(
                    &desk,
                    "2026-11-25T16:00:00Z",
                    "close",
                    case,
                    &["--outcome", bad, "--summary", "done"],
                ),
            );
        }
        assert_refused(
            2,
            "is not an escalation outcome (allowed: root-cause, timeline, permanent-fix)",
            escalate(
                &desk,
                "2026-11-25T16:00:00Z",
                "close",
                case,
                &["--outcome", "resolved", "--summary", "done"],
            ),
        );
        // The final summary is required.
        assert_refused(
            2,
            "--summary",
            escalate(
                &desk,
                "2026-11-25T16:00:00Z",
                "close",
                case,
                &["--outcome", outcome],
            ),
        );
        escalate(
            &desk,
            &at(),
            "close",
            case,
            &[
                "--outcome",
                outcome,
                "--summary",
                "Agreed with the customer",
            ],
        )
        .ok();
    }
    let shown = desk.show(case, "2026-11-25T16:00:00Z");
    let outcomes: Vec<(&str, &str)> = shown["escalations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("closed", "root-cause"),
            ("closed", "timeline"),
            ("closed", "permanent-fix")
        ]
    );
}

#[test]
fn only_an_accepted_escalation_can_be_closed() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    assert_refused(
        3,
        "the escalation of case 1001 is requested; can only close an escalation that is accepted",
        escalate(
            &desk,
            "2026-11-25T15:00:00Z",
            "close",
            case,
            &["--outcome", "root-cause", "--summary", "done"],
        ),
    );
    assert_refused(
        3,
        "can only send an update for an escalation that is accepted",
        escalate(
            &desk,
            "2026-11-25T15:00:00Z",
            "update",
            case,
            &["--message", "x"],
        ),
    );
    escalate(&desk, "2026-11-25T15:00:00Z", "review", case, &[]).ok();
    assert_refused(
        3,
        "can only review an escalation that is requested",
        escalate(&desk, "2026-11-25T15:01:00Z", "review", case, &[]),
    );
}

#[test]
fn without_an_open_escalation_every_step_is_refused() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    let now = "2026-11-25T15:00:00Z";
    let steps: [(&str, &[&str]); 6] = [
        ("review", &[]),
        (
            "accept",
            &["--manager", "Maya Chen", "--update-every", "4h"],
        ),
        ("decline", &["--explanation", "No"]),
        ("update", &["--message", "News"]),
        ("close", &["--outcome", "timeline", "--summary", "Done"]),
        ("de-escalate", &["--reason", "Resources missing"]),
    ];
    for (sub, args) in steps {
        assert_refused(
            3,
            "case 1001 has no open escalation",
            escalate(&desk, now, sub, case, args),
        )
        .stderr_contains("cases escalate request 1001");
    }
}

#[test]
fn a_declined_escalation_explains_why_and_a_new_one_may_follow() {
    let desk = Env::init();
    let case = open_and_respond(&desk, MON_0905, "2", "north-america");
    request(&desk, case, SEV2_ELIGIBLE, "community").ok();
    escalate(&desk, "2026-11-25T14:30:00Z", "review", case, &[]).ok();
    // The explanation to the customer is required.
    assert_refused(
        2,
        "--explanation",
        escalate(&desk, "2026-11-25T14:40:00Z", "decline", case, &[]),
    );
    assert_refused(
        2,
        "--explanation",
        escalate(
            &desk,
            "2026-11-25T14:40:00Z",
            "decline",
            case,
            &["--explanation", "  "],
        ),
    );
    escalate(
        &desk,
        "2026-11-25T14:40:00Z",
        "decline",
        case,
        &[
            "--explanation",
            "The documented workaround restores service; the fix ships in 12.3",
        ],
    )
    .ok()
    .stderr_has("case 1001: escalation declined");
    let shown = desk.show(case, "2026-11-25T14:41:00Z");
    assert_eq!(shown["escalated"], false);
    let e = &shown["escalations"][0];
    assert_eq!(e["status"], "declined");
    assert_eq!(e["outcome"], "declined");
    assert_eq!(e["manager"], Value::Null);
    assert_eq!(e["ended_at"], "2026-11-25T14:40:00Z");
    assert!(list_numbers(&desk, "2026-11-25T14:41:00Z", &["--escalated"]).is_empty());
    assert!(String::from_utf8(desk.bytes(&case_file(case)))
        .unwrap()
        .contains("The documented workaround restores service"));

    // Nothing more happens to a declined escalation...
    assert_refused(
        3,
        "has no open escalation",
        escalate(
            &desk,
            "2026-11-25T14:50:00Z",
            "accept",
            case,
            &["--manager", "Maya Chen", "--update-every", "4h"],
        ),
    );
    // ... but the customer may ask again.
    request(&desk, case, "2026-11-25T15:00:00Z", "community").ok();
    let shown = desk.show(case, "2026-11-25T15:00:00Z");
    assert_eq!(shown["escalations"].as_array().unwrap().len(), 2);
    assert_eq!(shown["escalations"][1]["status"], "requested");
    // SPEC 4: escalated only from acceptance; a pending request shows as requested.
    assert_eq!(shown["escalated"], false);
    assert_eq!(shown["escalation_status"], "requested");
}

#[test]
fn an_accepted_escalation_cannot_be_declined() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    assert_refused(
        3,
        "the escalation of case 1001 is accepted; can only decline an escalation that is requested or reviewed",
        escalate(&desk, "2026-11-25T16:00:00Z", "decline", case, &["--explanation", "No"]),
    );
}

#[test]
fn de_escalation_needs_a_reason_and_ends_the_escalation() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    assert_refused(
        2,
        "--reason",
        escalate(&desk, "2026-11-25T16:00:00Z", "de-escalate", case, &[]),
    );
    escalate(
        &desk,
        "2026-11-25T16:00:00Z",
        "de-escalate",
        case,
        &[
            "--reason",
            "The customer did not provide the requested resources",
        ],
    )
    .ok()
    .stderr_has("case 1001: de-escalated");
    let shown = desk.show(case, "2026-11-25T16:01:00Z");
    assert_eq!(shown["escalated"], false);
    let e = &shown["escalations"][0];
    assert_eq!(e["status"], "de-escalated");
    assert_eq!(e["outcome"], "de-escalated");
    assert_eq!(e["manager"], "Maya Chen");
    assert_eq!(e["ended_at"], "2026-11-25T16:00:00Z");
    // The case itself carries on (never assigned: still new).
    assert_eq!(shown["state"], "new");
    assert_refused(
        3,
        "has no open escalation",
        escalate(
            &desk,
            "2026-11-25T16:05:00Z",
            "close",
            case,
            &["--outcome", "root-cause", "--summary", "x"],
        ),
    );
    // A requested (not yet accepted) escalation may be de-escalated too.
    let requested = open_and_respond(&desk, MON_0905, "2", "north-america");
    request(&desk, requested, SEV2_ELIGIBLE, "community").ok();
    escalate(
        &desk,
        "2026-11-25T14:30:00Z",
        "de-escalate",
        requested,
        &["--reason", "Withdrawn by the customer"],
    )
    .ok();
    assert_eq!(
        desk.show(requested, "2026-11-25T14:30:00Z")["escalations"][0]["status"],
        "de-escalated"
    );
}

/// Appends to case `number` (an unowned, new case) a customer-confirmed
/// closing at `at` by hand, as an earlier version of `cases close` recorded
/// it over an open escalation (SPEC 4 now refuses that closing).
fn close_as_an_earlier_version_did(desk: &Env, number: u64, at: &str) {
    desk.edit(&case_file(number), |text| {
        text.replacen("state: new", "state: closed", 1)
            + &format!("- at: {at}\n  event: closed\n  by: alice\n  reason: customer-confirmed\n  confirmed_by: {CONTACT_ANN}\n")
    });
}

#[test]
fn a_closing_recorded_over_an_open_escalation_still_ends_it() {
    let desk = Env::init();
    let case = accepted_case(&desk);
    // SPEC 4: `close` is now refused while an escalation is open ...
    desk.run(&["close", "1001", "--confirmed-by", "bob@acme.test"])
        .now("2026-11-25T16:00:00Z")
        .refused(3);
    // ... but a history an earlier version recorded that way still reads
    // as it did: the closing ended the escalation.
    close_as_an_earlier_version_did(&desk, case, "2026-11-25T16:00:00Z");
    desk.run(&["check"]).ok();
    let shown = desk.show(case, "2026-11-25T16:01:00Z");
    assert_eq!(shown["escalated"], false);
    assert_eq!(shown["escalations"][0]["status"], "case-closed");
    assert_eq!(shown["escalations"][0]["ended_at"], "2026-11-25T16:00:00Z");
    // Reopened, the case may be escalated again without "already open".
    desk.run(&["reopen", "1001", "--reason", "Back again"])
        .now("2026-11-26T15:00:00Z")
        .ok();
    request(&desk, case, "2026-11-26T15:05:00Z", "community").ok();
    assert_eq!(
        desk.show(case, "2026-11-26T15:05:00Z")["escalations"][1]["status"],
        "requested"
    );
}

// ---------------------------------------------------------------------------
// Escalated cases in lists and the queue
// ---------------------------------------------------------------------------

#[test]
fn list_escalated_shows_only_cases_with_an_accepted_escalation() {
    let desk = Env::init();
    let now = "2026-11-25T16:00:00Z";
    let requested = open_and_respond(&desk, MON_0905, "2", "north-america");
    let accepted = accepted_case(&desk);
    let declined = open_and_respond(&desk, MON_0905, "2", "north-america");
    let _never_escalated = open_and_respond(&desk, MON_0905, "2", "north-america");
    let closed = accepted_case(&desk);
    let de_escalated = accepted_case(&desk);
    let case_closed = accepted_case(&desk);
    request(&desk, requested, SEV2_ELIGIBLE, "community").ok();
    request(&desk, declined, SEV2_ELIGIBLE, "community").ok();
    escalate(&desk, now, "decline", declined, &["--explanation", "No"]).ok();
    escalate(
        &desk,
        now,
        "close",
        closed,
        &["--outcome", "timeline", "--summary", "Planned"],
    )
    .ok();
    escalate(
        &desk,
        now,
        "de-escalate",
        de_escalated,
        &["--reason", "No logs"],
    )
    .ok();
    close_as_an_earlier_version_did(&desk, case_closed, now);
    // SPEC 4: escalated from acceptance until the end; a mere request is not.
    assert_eq!(list_numbers(&desk, now, &["--escalated"]), [accepted]);
    // The table lists the same cases.
    let table = desk.run(&["list", "--escalated"]).now(now).ok();
    let rows: Vec<&str> = table.stdout.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{}", table.stdout);
    assert!(rows[0].trim_start().starts_with(&accepted.to_string()));
    // Other filters combine with it.
    assert_eq!(
        list_numbers(&desk, now, &["--escalated", "--state", "new"]),
        [accepted]
    );
    assert!(list_numbers(&desk, now, &["--escalated", "--severity", "3"]).is_empty());
}

/// Two unowned sev2 cases, the first escalated (its escalation accepted:
/// SPEC 4), the second with a request only.
fn queue_with_one_escalated(desk: &Env) -> (u64, u64) {
    let escalated = open_and_respond(desk, MON_0905, "2", "north-america");
    let plain = open_and_respond(desk, MON_0905, "2", "north-america");
    request(desk, escalated, SEV2_ELIGIBLE, "community").ok();
    escalate(
        desk,
        "2026-11-25T14:30:00Z",
        "accept",
        escalated,
        &["--manager", "Maya Chen", "--update-every", "4h"],
    )
    .ok();
    request(desk, plain, SEV2_ELIGIBLE, "community").ok();
    (escalated, plain)
}

#[test]
fn queue_json_marks_escalated_cases() {
    let desk = Env::init();
    let (escalated, plain) = queue_with_one_escalated(&desk);
    let queue = desk
        .run(&["queue", "--format", "json"])
        .now("2026-11-25T15:00:00Z")
        .ok()
        .json();
    let marks: Vec<(u64, bool)> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["number"].as_u64().unwrap(),
                q["escalated"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(marks, [(escalated, true), (plain, false)]);
}

#[test]
fn queue_csv_has_one_record_per_case_under_a_matching_header() {
    let desk = Env::init();
    let (escalated, plain) = queue_with_one_escalated(&desk);
    let csv = desk
        .run(&["queue", "--format", "csv"])
        .now("2026-11-25T15:00:00Z")
        .ok();
    // A header and one record per case, all with the same number of
    // fields, each line ending in a newline.
    assert!(csv.stdout.ends_with('\n'), "{:?}", csv.stdout);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.stdout);
    let width = lines[0].split(',').count();
    for line in &lines[1..] {
        assert_eq!(line.split(',').count(), width, "{}", csv.stdout);
    }
    assert!(lines[1].starts_with(&format!("{escalated},")));
    assert!(lines[2].starts_with(&format!("{plain},")));
}

#[test]
fn queue_table_marks_escalated_cases_in_a_named_column() {
    let desk = Env::init();
    let (escalated, plain) = queue_with_one_escalated(&desk);
    let table = desk.run(&["queue"]).now("2026-11-25T15:00:00Z").ok();
    let lines: Vec<&str> = table.stdout.lines().collect();
    // One name per column: case sev plan region due remaining <mark> title.
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(header.len(), 8, "{}", table.stdout);
    // The title sits under the "title" header.
    let title_at = lines[0].find("title").expect("a title column");
    for row in &lines[2..] {
        assert_eq!(
            row.find("Search results are stale"),
            Some(title_at),
            "{}",
            table.stdout
        );
    }
    // The escalated case is marked, the other is not, in the same column.
    let mark_at = lines[0].find(header[6]).unwrap();
    let mark = |row: &str| {
        row[mark_at..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    };
    let row_of = |n: u64| {
        *lines[2..]
            .iter()
            .find(|r| r.trim_start().starts_with(&n.to_string()))
            .unwrap()
    };
    assert_ne!(
        mark(row_of(escalated)),
        mark(row_of(plain)),
        "{}",
        table.stdout
    );
}
