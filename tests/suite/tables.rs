//! Tables for people: on a terminal (`CASES_INTERACTIVE=1` stands for one)
//! fitted to `COLUMNS` with the title shortened by an ellipsis, coloured by
//! status with `--color always` (or auto on a terminal), plain and full
//! width when piped, uncoloured with `--color never` or `NO_COLOR`.

use crate::common::{Env, NewCase};

const AT: &str = "2026-11-23T17:00:00Z";

/// Case 1001 breached at 11:05 EST (16:05Z), 1002 met, 1003 running.
fn three_cases() -> Env {
    let env = Env::init();
    env.open(&NewCase {
        title: "Search results are missing every document indexed since the upgrade on Friday",
        ..NewCase::default()
    });
    env.open(&NewCase {
        title: "Portal down",
        ..NewCase::default()
    });
    env.run(&["respond", "1002"])
        .now("2026-11-23T15:00:00Z")
        .ok();
    env.open_at(
        &NewCase {
            title: "How do I boost recent documents?",
            severity: "4",
            ..NewCase::default()
        },
        "2026-11-23T16:30:00Z",
    );
    env
}

#[test]
fn a_terminal_table_fits_columns_and_shortens_the_title() {
    let env = three_cases();
    let out = env
        .run(&["list", "--color", "never"])
        .env("CASES_INTERACTIVE", "1")
        .env("COLUMNS", "90")
        .now(AT)
        .ok();
    out.stdout_is(LIST_AT_90);
    for line in out.stdout.lines() {
        assert!(unicode_width(line) <= 90, "{line:?}");
    }
}

fn unicode_width(line: &str) -> usize {
    line.chars().count()
}

const LIST_AT_90: &str =
    " number  severity  plan     region         state  owner  account  labels  title
-----------------------------------------------------------------------------------------
 1001    2         premium  north-america  new    -      acme     -       Search results…
 1002    2         premium  north-america  new    -      acme     -       Portal down
 1003    4         premium  north-america  new    -      acme     -       How do I boost…
";

#[test]
fn piped_tables_keep_their_full_width_whatever_columns_says() {
    let env = three_cases();
    let piped = env
        .run(&["list"])
        .env("CASES_INTERACTIVE", "0")
        .env("COLUMNS", "40")
        .now(AT)
        .ok();
    piped.stdout_contains(
        "Search results are missing every document indexed since the upgrade on Friday\n",
    );
    assert!(!piped.stdout.contains('…'));
    assert!(!piped.stdout.contains('\u{1b}'));
}

#[test]
fn status_is_coloured_on_a_terminal_and_with_color_always() {
    let env = three_cases();
    let red = "\u{1b}[31mbreached\u{1b}[0m";
    let green = "\u{1b}[32mmet\u{1b}[0m";
    // Piped with --color always: the plain table, coloured.
    let always = env.run(&["sla", "--color", "always"]).now(AT).ok();
    always.stdout_contains(red).stdout_contains(green);
    assert!(!always.stdout.contains("running\u{1b}"));
    // On a terminal, auto colours (comfy-table's codes around the padded cell).
    let terminal = env
        .run(&["sla"])
        .env("CASES_INTERACTIVE", "1")
        .env("COLUMNS", "200")
        .now(AT)
        .ok();
    assert!(terminal.stdout.contains("\u{1b}[38;5;9m"), "{terminal}");
    // Off: never, NO_COLOR on a terminal, and piped by default.
    for run in [
        env.run(&["sla", "--color", "never"])
            .env("CASES_INTERACTIVE", "1"),
        env.run(&["sla"])
            .env("CASES_INTERACTIVE", "1")
            .env("NO_COLOR", "1"),
        env.run(&["sla"]).env("CASES_INTERACTIVE", "0"),
    ] {
        let out = run.now(AT).ok();
        assert!(!out.stdout.contains('\u{1b}'), "{out}");
        out.stdout_contains("breached");
    }
    env.run(&["sla", "--color", "sometimes"]).now(AT).refused(2);
}
