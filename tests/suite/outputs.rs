//! Whole outputs pinned as insta snapshots (`tests/suite/snapshots/`): the
//! read commands on the bundled sample store (`cases/`, built by
//! `scripts/sample-store.sh`) in every format, at a fixed instant, and the
//! element structure of the HTML report. A change of a table, a column or a
//! JSON shape shows here as a reviewed diff; update the README with it.
//!
//! To accept intended changes: `INSTA_UPDATE=always cargo test --test suite
//! outputs::` (or `cargo insta review`), then read the diff before committing.

use crate::common::html::{parse_html, Element};
use crate::common::Env;

/// Friday 2026-11-27 10:00 in Toronto: the sample store's "now".
const NOW: &str = "2026-11-27T15:00:00Z";

/// Every data format of the read commands.
const FORMATS: [&str; 4] = ["table", "markdown", "csv", "json"];

/// What `cases args...` does at [`NOW`] without the scan cache: exit code,
/// stdout and stderr, as one text.
fn run(env: &Env, args: &[&str]) -> String {
    let out = env.run(args).now(NOW).env("CASES_NO_CACHE", "1").output();
    format!(
        "$ cases {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.code,
        out.stdout,
        out.stderr
    )
}

/// Snapshots `cases <command...> --format F` for every format, one
/// snapshot per format named `<name>_<format>`.
fn every_format(name: &str, command: &[&str]) {
    let env = Env::sample();
    for format in FORMATS {
        let mut args = command.to_vec();
        args.extend(["--format", format]);
        insta::assert_snapshot!(format!("{name}_{format}"), run(&env, &args));
    }
}

#[test]
fn show_a_case_waiting_on_a_fix() {
    every_format("show_1001", &["show", "1001"]);
}

#[test]
fn show_a_case_closed_by_the_sweep() {
    every_format("show_1002", &["show", "1002"]);
}

#[test]
fn show_an_open_severity_1_case() {
    every_format("show_1003", &["show", "1003"]);
}

#[test]
fn list_the_sample_store() {
    every_format("list", &["list"]);
}

#[test]
fn sla_of_the_sample_store() {
    every_format("sla", &["sla"]);
}

#[test]
fn queue_of_the_sample_store() {
    every_format("queue", &["queue"]);
}

#[test]
fn report_of_the_sample_store() {
    every_format("report", &["report"]);
}

#[test]
fn check_of_the_sample_store() {
    every_format("check", &["check"]);
}

/// The HTML report as an outline: one line per element, indented by depth,
/// with its `id` and `class` and the start of its text (the contents of
/// `<style>` and `<script>` are left out: they are code, not structure).
#[test]
fn report_html_structure() {
    let env = Env::sample();
    let out = env
        .run(&["report", "--format", "html"])
        .now(NOW)
        .env("CASES_NO_CACHE", "1")
        .ok()
        .clone();
    let elements = parse_html(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{}", out.stdout));
    let outline: Vec<String> = elements.iter().map(outline_line).collect();
    insta::assert_snapshot!("report_html_structure", outline.join("\n"));
}

fn outline_line(element: &Element) -> String {
    let mut line = format!("{}<{}", "  ".repeat(element.ancestors.len()), element.name);
    for key in ["id", "class"] {
        if let Some(value) = element.attrs.get(key) {
            line.push_str(&format!(" {key}={value:?}"));
        }
    }
    line.push('>');
    let text = element
        .text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !text.is_empty() && !matches!(element.name.as_str(), "style" | "script") {
        let short: String = text.chars().take(60).collect();
        line.push(' ');
        line.push_str(&short);
    }
    line
}
