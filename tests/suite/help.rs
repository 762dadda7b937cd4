//! Help for people: global options under their own heading, examples in
//! every command's help, short flags, and `cases man DIR` (one man page per
//! command, from the clap definition).

use crate::common::Env;

#[test]
fn new_help_shows_its_options_then_the_global_ones_then_examples() {
    let env = Env::new();
    let help = env.run(&["new", "--help"]).ok().stdout.clone();
    let options = help.find("Options:").expect("an Options heading");
    let title = help.find("-t, --title <TITLE>").expect("-t for --title");
    let account = help
        .find("-a, --account <ACCOUNT>")
        .expect("-a for --account");
    let global = help
        .find("Global options:")
        .expect("a Global options heading");
    let store = help.find("--store <DIR>").expect("--store");
    let examples = help.find("Examples:\n  cases new -t ").expect("examples");
    // The command's own options together, the global ones after them.
    assert!(
        options < title && title < account && account < global,
        "{help}"
    );
    assert!(global < store && store < examples, "{help}");
    assert!(help.contains("  -f, --format <FORMAT>"), "{help}");
    assert!(help.contains("  -q, --quiet"), "{help}");
}

#[test]
fn short_flags_work_as_the_long_ones() {
    let env = Env::new();
    let number = env
        .run(&[
            "new",
            "-t",
            "Search is slow",
            "-a",
            "acme",
            "-p",
            "premium",
            "-r",
            "north-america",
            "-s",
            "2",
            "--channel",
            "community",
            "-c",
            "Jane Doe <jane@acme.example>",
        ])
        .ok()
        .stdout
        .clone();
    assert_eq!(number, "1001\n");
    env.run(&["note", "1001", "-t", "short"]).ok();
    env.run(&["respond", "1001", "-m", "hello", "-f", "json"])
        .ok();
    env.run(&["show", "1001", "-f", "json"])
        .ok()
        .stdout_contains("\"message\": \"hello\"");
}

#[test]
fn man_writes_one_page_per_command() {
    let env = Env::new();
    env.run(&["man", "pages"])
        .ok()
        .stdout_is("")
        .stderr_contains("man pages written to pages");
    let mut pages: Vec<String> = std::fs::read_dir(env.root().join("pages"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for page in [
        "cases.1",
        "cases-new.1",
        "cases-sla.1",
        "cases-label.1",
        "cases-escalate.1",
        "cases-escalate-request.1",
        "cases-policy-show.1",
        "cases-man.1",
    ] {
        assert!(pages.contains(&page.to_string()), "{page} in {pages:?}");
    }
    // A page for every command the top-level help lists.
    let help = env.run(&["--help"]).ok().stdout.clone();
    let commands: Vec<String> = help
        .split("Commands:\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect();
    assert!(commands.len() > 25, "{commands:?}");
    for name in &commands {
        assert!(
            pages.contains(&format!("cases-{name}.1")),
            "{name} in {pages:?}"
        );
    }
    let new = std::fs::read_to_string(env.root().join("pages/cases-new.1")).unwrap();
    assert!(
        new.starts_with(".ie \\n(.g .ds Aq \\(aq") || new.contains(".TH cases-new"),
        "{new}"
    );
    assert!(new.contains("Examples:"), "{new}");
}
