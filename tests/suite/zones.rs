//! `--tz region|utc|local|ZONE` and the zone abbreviation beside every local
//! time people read (`show`, `sla`, `queue`, `history`), exact on the DST
//! days of America/Toronto: 2026-03-08 (02:00 EST -> 03:00 EDT) and
//! 2026-11-01 (02:00 EDT -> 01:00 EST, so 01:30 happens twice).

use crate::common::{Env, NewCase};

/// A severity 1 premium case (1 hour, 24x7) opened at `opened` and phoned
/// in at `phoned`, in `region`; both are committed.
fn sev1(env: &Env, region: &str, opened: &str, phoned: &str) -> u64 {
    let case = NewCase {
        severity: "1",
        region,
        ..NewCase::default()
    };
    let number = env.open_at(&case, opened);
    env.run(&["phone", &number.to_string(), "--call", "voicemail"])
        .now(phoned)
        .ok();
    env.run(&["--commit", "note", &number.to_string(), "--text", "x"])
        .now(phoned)
        .ok();
    number
}

#[test]
fn the_fall_back_hour_is_told_apart_by_its_abbreviation() {
    let env = Env::init();
    // Phoned at 01:30 EDT (05:30Z): due an hour later, 01:30 EST (06:30Z).
    sev1(
        &env,
        "north-america",
        "2026-11-01T05:20:00Z",
        "2026-11-01T05:30:00Z",
    );
    let show = env.run(&["show", "1001"]).now("2026-11-01T06:00:00Z").ok();
    show.stdout_contains("  opened     2026-11-01 01:20 EDT\n")
        .stdout_contains("  initial-response         running, due 2026-11-01 01:30 EST (in 30m)\n")
        .stdout_contains("  2026-11-01 01:30 EDT  phone-contact by alice (call: voicemail)\n");
    env.run(&["sla"]).now("2026-11-01T06:00:00Z").ok().stdout_is(
        " number  severity  plan     region         state  clock             status   due                   remaining
------------------------------------------------------------------------------------------------------------
 1001    1         premium  north-america  new    initial-response  running  2026-11-01 01:30 EST  in 30m
1 clock on 1 open case at 2026-11-01T06:00:00Z: 0 breached, 0 at risk
",
    );
    // The same instants in UTC and in another zone.
    env.run(&["sla", "--tz", "utc"])
        .now("2026-11-01T06:00:00Z")
        .ok()
        .stdout_contains(" 2026-11-01 06:30 UTC ");
    env.run(&["show", "1001"])
        .args(&["--tz", "Europe/Paris"])
        .now("2026-11-01T06:00:00Z")
        .ok()
        .stdout_contains("running, due 2026-11-01 07:30 CET (in 30m)");
}

#[test]
fn messages_keep_the_zone_name_and_say_which_fall_back_hour() {
    let env = Env::init();
    // Opened Sat 2026-10-31 01:30 EDT: a sev1 is eligible for escalation 24h
    // later, 2026-11-01 05:30Z, the first of the two 01:30s.
    sev1(
        &env,
        "north-america",
        "2026-10-31T05:30:00Z",
        "2026-10-31T05:35:00Z",
    );
    let request = |now: &str| {
        env.run(&[
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
            "Down",
            "--resources",
            "Raj for logs",
        ])
        .now(now)
    };
    request("2026-10-31T12:00:00Z").code(3).stderr_contains(
        "case 1001 is not eligible for escalation until 2026-11-01 01:30 America/Toronto (EDT) (sev1:",
    );
}

#[test]
fn the_spring_forward_gap_is_skipped_and_labelled() {
    let env = Env::init();
    // Phoned at 01:40 EST (06:40Z): due 07:40Z, which is 03:40 EDT.
    sev1(
        &env,
        "north-america",
        "2026-03-08T06:30:00Z",
        "2026-03-08T06:40:00Z",
    );
    env.run(&["show", "1001"])
        .now("2026-03-08T07:00:00Z")
        .ok()
        .stdout_contains("  opened     2026-03-08 01:30 EST\n")
        .stdout_contains("running, due 2026-03-08 03:40 EDT (in 40m)\n");
    env.run(&["queue"])
        .now("2026-03-08T07:00:00Z")
        .ok()
        .stdout_contains(" 2026-03-08 03:40 EDT  in 40m ");
}

#[test]
fn emea_shows_gmt_and_tz_puts_every_case_in_one_zone() {
    let env = Env::init();
    sev1(&env, "emea", "2026-11-23T14:00:00Z", "2026-11-23T14:10:00Z");
    sev1(
        &env,
        "north-america",
        "2026-11-23T14:00:00Z",
        "2026-11-23T14:20:00Z",
    );
    let due = |tz: &[&str]| {
        let out = env.run(&["sla"]).args(tz).now("2026-11-23T14:30:00Z").ok();
        out.stdout_lines()
            .iter()
            .skip(2)
            .take(2)
            .map(|line| {
                line.split("initial-response running ")
                    .nth(1)
                    .unwrap()
                    .to_string()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        due(&[]),
        ["2026-11-23 15:10 GMT in 40m", "2026-11-23 10:20 EST in 50m"]
    );
    assert_eq!(
        due(&["--tz", "America/Toronto"]),
        ["2026-11-23 10:10 EST in 40m", "2026-11-23 10:20 EST in 50m"]
    );
    // TZ names the machine's zone for --tz local (and CASES_TZ sets --tz).
    let local = env
        .run(&["sla"])
        .env("CASES_TZ", "local")
        .env("TZ", "Asia/Kolkata")
        .now("2026-11-23T14:30:00Z")
        .ok();
    local.stdout_contains(" 2026-11-23 20:40 IST  in 40m");
    env.run(&["sla", "--tz", "Mars/Olympus"])
        .code(2)
        .stderr_contains(
            "expected region, utc, local or an IANA time zone such as America/Toronto",
        );
}

#[test]
fn history_shows_the_zone_beside_each_local_time() {
    let env = Env::init();
    sev1(
        &env,
        "north-america",
        "2026-11-01T05:20:00Z",
        "2026-11-01T06:40:00Z",
    );
    let out = env
        .run(&["history", "1001"])
        .now("2026-11-01T07:00:00Z")
        .ok();
    let lines = out.stdout_lines();
    assert!(
        lines[2].starts_with("2026-11-01 01:20 EDT opened: "),
        "{out}"
    );
    assert!(
        lines[3].starts_with("2026-11-01 01:40 EST phone contact "),
        "{out}"
    );
}
