//! Help for people: the examples every command's `--help` ends with, in
//! one table, and the man pages (`cases man DIR`, one page per command,
//! from the same clap definition as `--help` and the completions).
//!
//! [`command`] is the clap definition with the examples applied; `main`,
//! `completions` and `man` all use it, so they never disagree.

use std::path::PathBuf;

use clap::CommandFactory;

use super::{Cli, CommandError, Context, Outcome};

/// Each command (space-separated path) and the examples its help shows.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("init", "cases init support              a new store in ./support (git init if needed)\n  cases init .                    a store here, in an existing repository"),
    ("new", "cases new -t \"Search is slow\" -a Acme -p premium -r north-america -s 2 --channel community --contact \"Jane Doe <jane@acme.example>\"\n  cases new -t \"Portal down\" -a Globex -p plus -r emea -s 1 --channel phone --contact \"Maya <maya@globex.example>\"\n  cases new ... --related 1003    refers to an earlier case"),
    ("show", "cases show 1042\n  cases show 1042 --tz utc\n  cases show 1042 --format json | jq .clocks"),
    ("list", "cases list --open --owner me\n  cases list --label indexing --sort opened --reverse -n 5\n  cases list --state closed --format csv"),
    ("check", "cases check                     validate policy.yaml and every case file (exit 1 on a problem)\n  cases check --format json\n  cases --no-cache check          re-read every file, as on a fresh clone"),
    ("sla", "cases sla\n  cases sla --status breached,at-risk --at-risk 2h --region emea\n  cases sla --check --since 1h --format markdown   in CI: exit 1 on a breach"),
    ("queue", "cases queue\n  cases queue --region emea --limit 5"),
    ("take", "cases take                      take the head of the queue\n  cases take 1042                 take this case"),
    ("assign", "cases assign 1042 --to bruno\n  cases --actor mona assign 1042 --to alice"),
    ("phone", "cases phone 1042 --call voicemail --note \"Jane left a message\"\n  cases phone 1042 --call live    the customer reached an agent"),
    ("respond", "cases respond 1042 -m \"Reindexing now; next update at 14:00\"\n  cases respond 1042 -m - < reply.txt\n  cases respond 1042              on a terminal: $EDITOR opens"),
    ("note", "cases note 1042 -t \"Reproduced on 8.2 with the customer's config\"\n  git log -1 --format=%B | cases note 1042 -t -\n  cases note 1042                 on a terminal: $EDITOR opens"),
    ("request-info", "cases request-info 1042 -m \"Please send the connector logs\"\n  cases request-info 1042         on a terminal: $EDITOR opens"),
    ("follow-up", "cases follow-up 1042 -m \"Any news on the logs?\"\n  cases follow-up 1042            on a terminal: $EDITOR opens"),
    ("customer-reply", "cases customer-reply 1042 -m \"Logs attached to the portal\"\n  cases customer-reply 1042 -m - < mail.txt"),
    ("edit", "cases edit 1042 --title \"SharePoint connector drops documents\"\n  cases edit 1042 --plan premium  the customer upgraded: clocks re-target\n  cases edit 1042 --region emea --language fr"),
    ("label", "cases label 1042 --add indexing\n  cases label 1042 --add indexing,connectors --remove analytics\n  cases list --label indexing     the cases labelled indexing"),
    ("severity", "cases severity 1042 1 --customer-agreed --agreed-by \"Jane Doe\"\n  cases severity 1042 minor --customer-agreed"),
    ("fix", "cases fix request 1042 --ticket DEV-4711\n  cases fix available 1042 --release 8.2.1"),
    ("fix request", "cases fix request 1042 --ticket DEV-4711"),
    ("fix available", "cases fix available 1042 --release 8.2.1"),
    ("close", "cases close 1042 --confirmed-by \"Jane Doe\"\n  cases close 1042 --confirmed-by jane@acme.example"),
    ("reopen", "cases reopen 1042 --reason \"The 503s are back\"\n  cases reopen 1042"),
    ("contact", "cases contact add 1042 \"Raj Patel <raj@acme.example>\"\n  cases contact remove 1042 raj@acme.example"),
    ("contact add", "cases contact add 1042 \"Raj Patel <raj@acme.example>\""),
    ("contact remove", "cases contact remove 1042 raj@acme.example\n  cases contact remove 1042 \"Raj Patel\""),
    ("escalate", "cases escalate request 1042 --by \"Jane Doe\" --role primary-contact --channel community --justification \"Production search down\" --resources \"Raj for logs\"\n  cases escalate accept 1042 --manager Mona --update-every 4h\n  cases escalate close 1042 --outcome root-cause --summary \"Index corruption after the upgrade\""),
    ("escalate request", "cases escalate request 1042 --by \"Jane Doe\" --role primary-contact --channel community --justification \"Production search down\" --resources \"Raj Patel for logs and test runs\"\n  cases escalate request 1042 ... --justification - < why.txt"),
    ("escalate review", "cases escalate review 1042 --note \"Agreed on a diagnostic path with Jane\""),
    ("escalate accept", "cases escalate accept 1042 --manager Mona --update-every 4h\n  cases escalate accept 1042 --manager Mona --update-every 1d"),
    ("escalate decline", "cases escalate decline 1042 --explanation \"A fix is already scheduled in 8.2.1\""),
    ("escalate update", "cases escalate update 1042 --message \"Patch in QA; next update tomorrow 09:00\"\n  cases escalate update 1042 --message - < update.txt"),
    ("escalate close", "cases escalate close 1042 --outcome root-cause --summary \"Index corruption after the upgrade\"\n  cases escalate close 1042 --outcome permanent-fix --summary \"Fixed in 8.2.1\" --agreed-by jane@acme.example"),
    ("escalate de-escalate", "cases escalate de-escalate 1042 --reason \"The customer did not provide the resources\""),
    ("report", "cases report --since 2026-11-01 --until 2026-11-30\n  cases report --by severity,label --format markdown\n  cases report --what-if next-policy.yaml --format html > report.html"),
    ("sweep", "cases sweep --dry-run            what would close, which follow-ups are due\n  cases --commit sweep            close as no-response and commit"),
    ("status", "cases status --account \"Acme Corp\"            what Acme Corp may see of its cases\n  cases status -a \"Acme Corp\" --format json   for a customer portal\n  cases status -a Globex --closed-within 90d  with the cases closed in the last 90 days"),
    ("site", "cases site public\n  cases site public --since 2026-11-01 --by severity,region"),
    ("git-setup", "cases git-setup                 once per clone: .gitattributes and the merge driver"),
    ("merge-file", "cases merge-file %O %A %B       how git calls it (cases git-setup registers it)\n  cases merge-file base.yaml ours.yaml theirs.yaml"),
    ("history", "cases history 1042\n  cases history 1042 --tz utc --format json"),
    ("renumber", "cases renumber 1042              after git pull reported an add/add conflict\n  cases renumber 1042 --side theirs   after git rebase"),
    ("policy", "cases policy show\n  cases policy new-version 2027.1 --effective 2027-01-01T00:00:00Z"),
    ("policy show", "cases policy show\n  cases policy show --year 2027 --format markdown"),
    ("policy new-version", "cases policy new-version 2027.1 --effective 2027-01-01T00:00:00Z\n  cases policy new-version 2026.2   in force from now"),
    ("completions", "cases completions bash > ~/.local/share/bash-completion/completions/cases\n  cases completions zsh > \"${fpath[1]}/_cases\"\n  cases completions fish > ~/.config/fish/completions/cases.fish"),
    ("man", "cases man man/                  one page per command: man/cases.1, man/cases-new.1, ...\n  man -l man/cases-sla.1"),
];

/// The clap definition of `cases` with every command's examples.
pub fn command() -> clap::Command {
    let mut command = Cli::command();
    for (path, examples) in EXAMPLES {
        command = with_examples(command, &path.split(' ').collect::<Vec<_>>(), examples);
    }
    command
}

fn with_examples(command: clap::Command, path: &[&str], examples: &'static str) -> clap::Command {
    match path {
        [] => command.after_help(format!("Examples:\n  {examples}")),
        [first, rest @ ..] => {
            let rest = rest.to_vec();
            command.mut_subcommand(*first, move |sub| with_examples(sub, &rest, examples))
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The directory to write the pages into (created if missing).
    pub dir: PathBuf,
}

/// `cases man DIR`: `cases.1` and one `cases-COMMAND.1` per command and
/// subcommand (`cases-escalate-request.1`).
pub fn cmd_man(ctx: &mut Context, args: ManArgs) -> Result<Outcome, CommandError> {
    std::fs::create_dir_all(&args.dir).map_err(|e| {
        CommandError::unreadable(format!("{}: cannot create it: {e}", args.dir.display()))
    })?;
    let mut written = 0;
    let command = command();
    write_pages(&command, "cases", &args.dir, &mut written)?;
    ctx.say(&format!(
        "{written} man pages written to {} (man -l {}/cases.1)",
        args.dir.display(),
        args.dir.display()
    ));
    Ok(Outcome::Success)
}

fn write_pages(
    command: &clap::Command,
    name: &str,
    dir: &std::path::Path,
    written: &mut usize,
) -> Result<(), CommandError> {
    let page = command.clone().name(name.to_string());
    let mut bytes = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut bytes)
        .map_err(|e| CommandError::unreadable(format!("man page {name}: {e}")))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, bytes)
        .map_err(|e| CommandError::unreadable(format!("{}: {e}", path.display())))?;
    *written += 1;
    for sub in command.get_subcommands() {
        if sub.get_name() != "help" {
            write_pages(sub, &format!("{name}-{}", sub.get_name()), dir, written)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and subcommand has examples, each path in
    /// [`EXAMPLES`] names a command, and the global options sit under
    /// their own heading.
    #[test]
    fn every_command_has_examples_and_global_options_a_heading() {
        fn visit(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let examples = command
                .get_after_help()
                .is_some_and(|help| help.to_string().starts_with("Examples:\n  cases "));
            if !examples {
                missing.push(path.to_string());
            }
            for sub in command.get_subcommands() {
                if sub.get_name() != "help" {
                    visit(sub, format!("{path} {}", sub.get_name()).trim(), missing);
                }
            }
        }
        let command = command();
        let mut missing = Vec::new();
        for sub in command.get_subcommands() {
            if sub.get_name() != "help" {
                visit(sub, sub.get_name(), &mut missing);
            }
        }
        assert_eq!(missing, Vec::<String>::new(), "commands without examples");
        for (path, _) in EXAMPLES {
            let mut at = &command;
            for name in path.split(' ') {
                at = at
                    .find_subcommand(name)
                    .unwrap_or_else(|| panic!("EXAMPLES names {path:?}, not a command"));
            }
        }
        let globals: Vec<_> = command
            .get_arguments()
            .filter(|a| a.is_global_set())
            .collect();
        assert!(globals.len() >= 6);
        for arg in globals {
            assert_eq!(
                arg.get_help_heading(),
                Some("Global options"),
                "{:?}",
                arg.get_id()
            );
        }
    }
}
