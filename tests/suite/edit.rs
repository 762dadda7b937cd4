//! `cases edit N`: one `edited` event per changed field (who, when, old ->
//! new), pinned byte for byte in the case file; shown by `show` and
//! `history`; refused on closed cases; a plan or region change re-targets a
//! running initial-response clock as a severity change does (SPEC 3).
//!
//! T0 is Monday 2026-11-23 09:05 EST (14:05Z).

use crate::common::{case_file, initial_response, Env, NewCase};

#[test]
fn each_changed_field_is_one_edited_event_with_old_and_new_values() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.read(&case_file(1001));
    env.run(&[
        "edit",
        "1001",
        "--title",
        "Search is slow on mobile",
        "--plan",
        "plus",
        "--account",
        "acme",
    ])
    .now("2026-11-23T15:00:00Z")
    .actor("bob")
    .ok()
    .stderr_is(
        "case 1001: title edited: Search is slow -> Search is slow on mobile\n\
         case 1001: plan edited: premium -> plus\n",
    )
    .stdout_is("");
    let after = env.read(&case_file(1001));
    // The header takes the new values; the history gains exactly these
    // events, in the order of the options, the unchanged account left out.
    let expected_header = before
        .replacen(
            "title: Search is slow\n",
            "title: Search is slow on mobile\n",
            1,
        )
        .replacen("plan: premium\n", "plan: plus\n", 1);
    assert_eq!(
        after,
        format!(
            "{expected_header}\
- at: 2026-11-23T15:00:00Z
  event: edited
  by: bob
  field: title
  old_value: Search is slow
  new_value: Search is slow on mobile
- at: 2026-11-23T15:00:00Z
  event: edited
  by: bob
  field: plan
  old_value: premium
  new_value: plus
"
        )
    );
    env.run(&["show", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stdout_contains("case 1001: Search is slow on mobile\n")
        .stdout_contains("  plan       plus\n")
        .stdout_contains(
            "  2026-11-23 10:00 EST  edited by bob (field: plan; old_value: premium; new_value: plus)\n",
        );
    env.run(&["check"]).ok();
}

#[test]
fn history_lists_the_edits_with_their_commits() {
    let env = Env::init();
    env.open(&NewCase::default());
    env.run(&["--commit", "edit", "1001", "--region", "emea"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stderr_is("case 1001: region edited: north-america -> emea\n");
    let out = env
        .run(&["history", "1001"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    // Now in emea: its times are GMT.
    assert!(
        out.stdout_lines()[3]
            .starts_with("2026-11-23 15:00 GMT region edited: north-america -> emea alice "),
        "{out}"
    );
}

#[test]
fn a_plan_change_retargets_a_running_clock_and_keeps_a_stopped_one() {
    // Premium sev2: 2 business hours, due 11:05 EST (16:05Z). Basic sev2:
    // 8 business hours, due 17:05 EST (22:05Z).
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["edit", "1001", "--plan", "basic"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    let clock = initial_response(&env.show(1001, "2026-11-23T15:00:00Z")).clone();
    assert_eq!(clock["due_at"], "2026-11-23T22:05:00Z");
    assert_eq!(clock["status"], "running");

    // Answered on time at 10:30 EST, then downgraded: still met, due 11:05.
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T15:20:00Z")
        .ok();
    env.run(&["respond", "1001"])
        .now("2026-11-23T15:30:00Z")
        .ok();
    env.run(&["edit", "1001", "--plan", "basic"])
        .now("2026-11-23T15:40:00Z")
        .ok();
    let clock = initial_response(&env.show(1001, "2026-11-23T16:00:00Z")).clone();
    assert_eq!(clock["due_at"], "2026-11-23T16:05:00Z");
    assert_eq!(clock["status"], "met");

    // A basic case upgraded to premium at 12:00 EST, past premium's 11:05:
    // the upgrade exposes the breach.
    let env = Env::new();
    env.open(&NewCase {
        plan: "basic",
        ..NewCase::default()
    });
    env.run(&["edit", "1001", "--plan", "premium"])
        .now("2026-11-23T17:00:00Z")
        .ok();
    let clock = initial_response(&env.show(1001, "2026-11-23T17:00:00Z")).clone();
    assert_eq!(clock["due_at"], "2026-11-23T16:05:00Z");
    assert_eq!(clock["status"], "breached");
}

#[test]
fn a_region_change_retargets_on_the_new_region_calendar() {
    // Monday 2026-06-01 06:00 EDT (10:00Z): north-america's day has begun,
    // EMEA's starts at 11:00 GMT. Premium sev2, 2 business hours.
    let env = Env::new();
    env.open_at(&NewCase::default(), "2026-06-01T10:00:00Z");
    let at = "2026-06-01T10:30:00Z";
    assert_eq!(
        initial_response(&env.show(1001, at))["due_at"],
        "2026-06-01T12:00:00Z"
    );
    env.run(&["edit", "1001", "--region", "emea"]).now(at).ok();
    let shown = env.show(1001, at);
    assert_eq!(shown["region"], "emea");
    assert_eq!(initial_response(&shown)["due_at"], "2026-06-01T13:00:00Z");
}

#[test]
fn refusals_and_bad_values_write_nothing() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:10:00Z")
        .ok();
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    env.run(&["edit", "1001", "--plan", "gold"])
        .now("2026-11-23T14:30:00Z")
        .refused(2)
        .stderr_is("cases: error: --plan \"gold\" is not a plan (allowed: basic, plus, premium)\n");
    env.run(&["edit", "1001"])
        .now("2026-11-23T14:30:00Z")
        .refused(2).stderr_is(
        "cases: error: nothing to edit: give --title, --account, --plan, --region or --language\n",
    );
    env.run(&["edit", "1001", "--plan", "premium"])
        .now("2026-11-23T14:30:00Z")
        .refused(2)
        .stderr_is("cases: error: case 1001 already has these values: nothing to edit\n");
    env.run(&["edit", "1001", "--language", "de"])
        .now("2026-11-23T14:30:00Z")
        .refused(2)
        .stderr_is("cases: error: language \"de\" is not supported in north-america (allowed: en, fr); give --language too\n");
    env.run(&["edit", "1001", "--title", " "])
        .now("2026-11-23T14:30:00Z")
        .refused(2);
    env.run(&["close", "1001", "--confirmed-by", "Jane Doe"])
        .now("2026-11-23T14:40:00Z")
        .ok();
    env.run(&["edit", "1001", "--title", "New"])
        .now("2026-11-23T14:50:00Z")
        .refused(3)
        .stderr_is("cases: error: case 1001 is closed; edit is not allowed (reopen it first: cases reopen 1001)\n");
}

#[test]
fn a_hand_edited_inconsistent_edit_is_found_by_check() {
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["edit", "1001", "--plan", "plus"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.replace(&case_file(1001), "old_value: premium", "old_value: basic");
    env.run(&["check"])
        .code(1)
        .stdout_contains("an edited event changes plan from \"basic\", but it was \"premium\"");
}

#[test]
fn a_permissions_table_written_before_edits_existed_still_loads_and_allows_staff() {
    // The bundled policy less its `edited` line: as policies were written
    // before `cases edit`.
    let line = "  edited: [product-specialist, support-manager]\n";
    assert!(crate::common::DEFAULT_POLICY.contains(line));
    let env = Env::with_policy(&crate::common::DEFAULT_POLICY.replacen(line, "", 1));
    env.open(&NewCase::default());
    env.run(&["check"]).ok();
    env.run(&["edit", "1001", "--account", "Acme Corp"])
        .now("2026-11-23T15:00:00Z")
        .ok()
        .stderr_is("case 1001: account edited: acme -> Acme Corp\n");
}

#[test]
fn edit_with_format_json_prints_the_case_and_no_message() {
    let env = Env::init();
    env.open(&NewCase::default());
    let out = env
        .run(&["edit", "1001", "--plan", "plus", "--format", "json"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    out.stderr_is("");
    assert_eq!(out.json()["number"], 1001);
    assert_eq!(out.json()["plan"], "plus");
    env.run(&["edit", "1001", "--plan", "basic", "--quiet"])
        .now("2026-11-23T15:01:00Z")
        .ok()
        .stdout_is("")
        .stderr_is("");
    env.run(&["edit", "1001", "--plan", "basic", "--format", "csv"])
        .now("2026-11-23T15:02:00Z")
        .code(2);
}

#[test]
fn a_plan_edited_before_a_reopen_sets_the_reopen_response_target() {
    // Premium sev2 edited to basic before the first response: the reopen
    // a day later targets the basic terms in force at its start (8 business
    // hours from Tue 10:00 EST: 18:00 EST; premium's 2 would be 12:00).
    let env = Env::new();
    env.open(&NewCase::default());
    env.run(&["edit", "1001", "--plan", "basic"])
        .now("2026-11-23T14:20:00Z")
        .ok();
    env.run(&["assign", "1001", "--to", "alice"])
        .now("2026-11-23T14:25:00Z")
        .ok();
    env.run(&["respond", "1001"])
        .now("2026-11-23T14:30:00Z")
        .ok();
    env.run(&["close", "1001", "--confirmed-by", "Jane Doe"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.run(&["reopen", "1001"])
        .now("2026-11-24T15:00:00Z")
        .ok();
    let shown = env.show(1001, "2026-11-24T16:00:00Z");
    let reopen = &shown["clocks"][1];
    assert_eq!(reopen["clock"], "reopen-response");
    assert_eq!(reopen["started_at"], "2026-11-24T15:00:00Z");
    assert_eq!(reopen["due_at"], "2026-11-24T23:00:00Z");
    assert_eq!(reopen["status"], "running");
}
