//! Text options from standard input (`-`) and from an editor: one reader
//! for every free-text option (`src/cli/input.rs`). `-` keeps a multi-line
//! text, shown with its line breaks; an omitted `--text`/`--message` on a
//! terminal (`CASES_INTERACTIVE=1` here) opens `$VISUAL`/`$EDITOR` on a
//! file whose `#` lines are dropped; an empty text aborts (exit 2) with
//! nothing written; off a terminal an omitted option is what it was.

use crate::common::{case_file, Env, NewCase};

const AT: &str = "2026-11-23T15:00:00Z";

#[test]
fn dash_reads_a_multi_line_note_from_standard_input() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.read(&case_file(1001));
    env.run(&["note", "1001", "--text", "-"])
        .stdin("Reproduced on 8.2.\nSteps:\n  1. index\n  2. search\n")
        .now(AT)
        .ok();
    assert_eq!(
        env.read(&case_file(1001)),
        format!(
            "{before}\
- at: 2026-11-23T15:00:00Z
  event: note
  by: alice
  text: |-
    Reproduced on 8.2.
    Steps:
      1. index
      2. search
"
        )
    );
    env.run(&["show", "1001"]).now(AT).ok().stdout_contains(
        "  2026-11-23 10:00 EST  note by alice (text: below)\n      text:\n        Reproduced on 8.2.\n        Steps:\n          1. index\n          2. search\n",
    );
    assert_eq!(
        env.show(1001, AT)["history"][1]["text"],
        "Reproduced on 8.2.\nSteps:\n  1. index\n  2. search"
    );
}

#[test]
fn dash_works_for_every_text_option_once_per_command() {
    let env = Env::init();
    env.open(&NewCase::default());
    env.run(&["respond", "1001", "--message", "-"])
        .stdin("Hello Jane,\nwe are on it.\n")
        .now(AT)
        .ok();
    assert_eq!(
        env.last_event(1001)["message"].as_str(),
        Some("Hello Jane,\nwe are on it.")
    );
    env.run(&["phone", "1001", "--call", "callback", "--note", "-"])
        .stdin("Talked to Jane\n")
        .now(AT)
        .ok();
    assert_eq!(
        env.last_event(1001)["note"].as_str(),
        Some("Talked to Jane")
    );
    let before = env.snapshot();
    env.run(&["note", "1001", "--text", "-"])
        .stdin("  \n\n")
        .now(AT)
        .refused(2)
        .stderr_is("cases: error: --text must not be empty\n");
    env.assert_unchanged(&before);
}

/// A fake editor: a shell script that writes `body` into the file it is
/// given (after the template, whose `#` lines are dropped).
fn fake_editor(env: &Env, body: &str) -> String {
    let path = env.root().join("fake-editor.sh");
    std::fs::write(
        &path,
        format!("#!/bin/sh\nprintf '%s' '{body}' >> \"$1\"\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path.display().to_string()
}

#[test]
fn an_omitted_text_on_a_terminal_opens_the_editor() {
    let env = Env::init();
    env.open(&NewCase::default());
    let editor = fake_editor(&env, "First line\n# a comment, dropped\nSecond line\n");
    env.run(&["note", "1001"])
        .env("CASES_INTERACTIVE", "1")
        .env("VISUAL", "")
        .env("EDITOR", &editor)
        .now(AT)
        .ok();
    assert_eq!(
        env.last_event(1001)["text"].as_str(),
        Some("First line\nSecond line")
    );
    // VISUAL wins over EDITOR, as in git; respond opens it for --message.
    let visual = fake_editor(&env, "From VISUAL\n");
    env.run(&["respond", "1001"])
        .env("CASES_INTERACTIVE", "1")
        .env("VISUAL", &visual)
        .env("EDITOR", "false")
        .now(AT)
        .ok();
    assert_eq!(
        env.last_event(1001)["message"].as_str(),
        Some("From VISUAL")
    );
}

#[test]
fn an_empty_or_failed_editor_aborts_with_nothing_written() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.snapshot();
    let empty = fake_editor(&env, "# only a comment\n\n");
    let before_editor = env.snapshot();
    let _ = before;
    env.run(&["note", "1001"])
        .env("CASES_INTERACTIVE", "1")
        .env("VISUAL", "")
        .env("EDITOR", &empty)
        .now(AT)
        .refused(2)
        .stderr_is("cases: error: aborted: the text is empty, nothing recorded (write it in the editor, or give --text)\n");
    env.assert_unchanged(&before_editor);
    env.run(&["respond", "1001"])
        .env("CASES_INTERACTIVE", "1")
        .env("VISUAL", "false")
        .now(AT)
        .refused(2)
        .stderr_contains("the editor \"false\" failed");
    env.assert_unchanged(&before_editor);
}

#[test]
fn off_a_terminal_an_omitted_text_is_what_it_was() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.snapshot();
    env.run(&["note", "1001"])
        .env("CASES_INTERACTIVE", "0")
        .env("EDITOR", "false")
        .now(AT)
        .refused(2)
        .stderr_is(
            "cases: error: --text TEXT is required (or --text - to read it from standard input)\n",
        );
    env.assert_unchanged(&before);
    // respond without a message records a response without one.
    env.run(&["respond", "1001"])
        .env("CASES_INTERACTIVE", "0")
        .env("EDITOR", "false")
        .now(AT)
        .ok();
    assert!(env.last_event(1001)["message"].is_null());
}

#[test]
fn dash_takes_at_most_one_mebibyte_of_standard_input() {
    let env = Env::init();
    env.open(&NewCase::default());
    let before = env.snapshot();
    let over = "x".repeat((1 << 20) + 1);
    env.run(&["note", "1001", "--text", "-"])
        .stdin(&over)
        .now(AT)
        .refused(2)
        .stderr_is("cases: error: --text -: standard input holds more than 1 MiB\n");
    env.assert_unchanged(&before);
    // Exactly the limit is read; the case file's own limit then refuses
    // a case that large, still writing nothing.
    env.run(&["note", "1001", "--text", "-"])
        .stdin(&over[1..])
        .now(AT)
        .refused(2)
        .stderr_contains("the case file would be")
        .stderr_contains("above the 1 MiB limit of a case file; nothing was written");
    env.assert_unchanged(&before);
}
