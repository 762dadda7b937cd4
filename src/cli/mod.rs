//! The `cases` command line: argument definitions, the shared [`Context`]
//! (store, policy, now, actor, format) and dispatch to one module per
//! command group. Commands write their output into the context; [`main`]
//! prints it, so a closed pipe (`cases list | head`) is a clean exit.

mod check;
mod completions;
mod discover;
mod edit;
mod error;
mod escalate;
mod exchange;
mod external_sort;
mod filter;
mod git;
mod help;
mod init;
mod input;
mod intake;
mod label;
mod lifecycle;
mod output;
mod policy;
mod queue;
mod read;
mod report;
mod site;
mod sla;
mod status;
mod stdout;
mod sweep;
mod term;
mod zone;

use std::cell::RefCell;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use clap::{Parser, Subcommand};

use crate::policy::{Policy, PolicySet};
use crate::team::Roster;

/// The roster's file name, beside `policy.yaml`.
pub const TEAM_FILE: &str = "team.yaml";
use crate::store::Store;
use discover::Location;

pub use error::{CommandError, ErrorKind, Outcome};
pub use output::Format;

/// Support-case management as code: cases are YAML files in git, SLAs come
/// from policy.yaml.
#[derive(Debug, Parser)]
#[command(name = "cases", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (under their own heading in every help).
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The case store directory [default: the first cases/ found from here
    /// upwards, beside its policy.yaml, as git finds its repository].
    #[arg(long, global = true, env = "CASES_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// The policy file [default: the policy.yaml beside the store, DIR/../policy.yaml].
    #[arg(long, global = true, env = "CASES_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The current instant, RFC 3339 (e.g. 2026-11-27T14:05:00Z) [default: the system clock].
    #[arg(long, global = true, env = "CASES_NOW", value_name = "RFC3339", value_parser = parse_instant)]
    pub now: Option<DateTime<Utc>>,
    /// Who is acting [default: git's user.name, else $USER].
    #[arg(long, global = true, env = "CASES_ACTOR", value_name = "NAME")]
    pub actor: Option<String>,
    /// Output format for data [default: table; JSON lines for export]. A
    /// command refuses a format it cannot print (exit 2).
    #[arg(short, long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Commit the case files a command changes, one commit per command
    /// (also on when git config cases.commit is true). CASES_COMMIT takes
    /// 1/0, true/false, yes/no.
    #[arg(long, global = true, env = "CASES_COMMIT", value_parser = clap::builder::BoolishValueParser::new(), action = clap::ArgAction::SetTrue)]
    pub commit: bool,
    /// No messages on standard error (errors are still printed); data on
    /// standard output is unchanged.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Read every case file, neither reading nor writing the scan cache
    /// cases/.cache (as a fresh clone does; also CASES_NO_CACHE=1).
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Show local times in each case's region zone, in UTC, in this
    /// machine's zone (TZ), or in an IANA zone such as Europe/Paris.
    #[arg(long, global = true, env = "CASES_TZ", value_name = "region|utc|local|ZONE", default_value = "region", value_parser = zone::parse_tz)]
    pub tz: zone::ShownZone,
    /// Colour statuses in tables (breached red, at risk yellow, met
    /// green): auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    pub color: term::ColorChoice,
}

/// Parses an RFC 3339 instant, truncated to whole seconds; an instant no
/// case file can hold (a leap second, past 9999 in UTC) is refused, so no
/// command can record one ([`crate::store::codec::recordable_instant`]).
pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e}; expected RFC 3339 such as 2026-11-27T14:05:00Z"))?;
    crate::store::codec::recordable_instant(t)?;
    Ok(t.trunc_subsecs(0))
}

/// Parses a case number: ASCII digits only (no sign, space or path), so no
/// argument can name a file outside the store and `+1001` is not 1001.
pub fn parse_case_number(text: &str) -> Result<u64, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a case number is digits only, such as 1042".into());
    }
    text.parse()
        .map_err(|_| format!("a case number is at most {}", u64::MAX))
}

/// Parses a duration such as `2h` or `1h30m`.
pub fn parse_duration_arg(text: &str) -> Result<chrono::Duration, String> {
    crate::policy::parse_duration(text)
        .ok_or_else(|| format!("expected {}", crate::policy::DURATION_HELP))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a store: cases/, the default policy.yaml, and git setup.
    Init(init::InitArgs),
    /// Open a case and print its number.
    New(intake::NewArgs),
    /// Show one case: header, clocks, gates and history.
    Show(read::ShowArgs),
    /// List cases, ordered by number.
    List(read::ListArgs),
    /// Validate the policy and every case file; exit 1 on any problem.
    Check(check::CheckArgs),
    /// Every clock of every open case; --check fails a CI job on breaches.
    Sla(sla::SlaArgs),
    /// Unowned cases in the order they should be taken.
    Queue(queue::QueueArgs),
    /// Take ownership of the next case in the queue, or of case N.
    Take(queue::TakeArgs),
    /// Assign a case to a product specialist.
    Assign(lifecycle::AssignArgs),
    /// Record a phone contact with the customer (starts the severity 1 clock).
    Phone(lifecycle::PhoneArgs),
    /// Record a response to the customer (the first stops the initial-response clock).
    Respond(lifecycle::MessageArgs),
    /// Add an internal note.
    Note(lifecycle::NoteArgs),
    /// Ask the customer for information: the case waits on the customer.
    RequestInfo(lifecycle::MessageArgs),
    /// Record a follow-up to a customer who has not replied.
    FollowUp(lifecycle::MessageArgs),
    /// Record the customer's reply: a waiting case is open again.
    CustomerReply(lifecycle::MessageArgs),
    /// Correct or change the title, account, plan, region or language (recorded, old -> new).
    Edit(edit::EditArgs),
    /// Put labels on a case or take them off (recorded): teams group cases by them.
    Label(label::LabelArgs),
    /// Change the severity (needs the customer's agreement); clocks re-target.
    Severity(lifecycle::SeverityArgs),
    /// Development fixes: request one, or record that one is available.
    #[command(subcommand)]
    Fix(lifecycle::FixCommand),
    /// Close a case the customer agreed to close.
    Close(lifecycle::CloseArgs),
    /// Reopen a case closed within the reopen window (same owner).
    Reopen(lifecycle::ReopenArgs),
    /// Add or remove a customer contact.
    #[command(subcommand)]
    Contact(lifecycle::ContactCommand),
    /// The escalation process: request, review, accept or decline, updates, close, de-escalate.
    #[command(subcommand)]
    Escalate(escalate::EscalateCommand),
    /// Attainment, response times, backlog and escalations over a period; --what-if another policy.
    Report(report::ReportArgs),
    /// Apply the time-driven policy: auto-close, follow-ups due.
    Sweep(sweep::SweepArgs),
    /// Every case with its header, history and clocks, one JSON object per line.
    Export(exchange::ExportArgs),
    /// Open cases from a CSV or JSON-lines file (from another helpdesk): every row checked first.
    Import(exchange::ImportArgs),
    /// What a customer may see of their own cases: state, next commitment, last public update.
    Status(status::StatusArgs),
    /// Build the dashboard: a static site of the store (index, case pages, report) in DIR.
    Site(site::SiteArgs),
    /// Set up git for this store: .gitattributes and the case-file merge driver.
    GitSetup(git::GitSetupArgs),
    /// The merge driver git calls: structured three-way merge of one case file.
    MergeFile(git::MergeFileArgs),
    /// A case's events joined with the git commits that recorded them.
    History(git::HistoryArgs),
    /// Resolve two clones opening the same number: give the local case a new one.
    Renumber(git::RenumberArgs),
    /// The policy's versions: start the next one from the current one.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Write the man pages: cases.1 and one page per command, into DIR.
    Man(help::ManArgs),
}

/// Formats of commands that print rows of data.
const ROW_FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Csv, Format::Markdown];
/// Formats of commands that print one case: a message (table) or the case
/// as `show --format json` prints it.
const CASE_FORMATS: &[Format] = &[Format::Table, Format::Json];
/// Commands that print text for people (or git) only.
const TEXT_FORMATS: &[Format] = &[Format::Table];

impl Command {
    /// The formats this command prints; any other `--format` is refused
    /// (exit 2) before anything runs, so a format is never silently ignored.
    pub fn formats(&self) -> &'static [Format] {
        match self {
            Command::Policy(policy::PolicyCommand::Show(_)) => {
                &[Format::Table, Format::Json, Format::Markdown]
            }
            Command::Export(_) => &[Format::Json],
            Command::Import(_) => CASE_FORMATS,
            Command::Report(_) => &[
                Format::Table,
                Format::Json,
                Format::Csv,
                Format::Markdown,
                Format::Html,
            ],
            Command::List(_)
            | Command::Check(_)
            | Command::Sla(_)
            | Command::Queue(_)
            | Command::Sweep(_)
            | Command::Status(_)
            | Command::History(_) => ROW_FORMATS,
            Command::New(_)
            | Command::Show(_)
            | Command::Take(_)
            | Command::Assign(_)
            | Command::Phone(_)
            | Command::Respond(_)
            | Command::Note(_)
            | Command::RequestInfo(_)
            | Command::FollowUp(_)
            | Command::CustomerReply(_)
            | Command::Severity(_)
            | Command::Fix(_)
            | Command::Close(_)
            | Command::Reopen(_)
            | Command::Contact(_)
            | Command::Edit(_)
            | Command::Label(_)
            | Command::Escalate(_) => CASE_FORMATS,
            Command::Init(_)
            | Command::GitSetup(_)
            | Command::MergeFile(_)
            | Command::Renumber(_)
            | Command::Policy(policy::PolicyCommand::NewVersion(_))
            | Command::Site(_)
            | Command::Completions(_)
            | Command::Man(_) => TEXT_FORMATS,
        }
    }

    /// True for a command that never writes the store and whose output
    /// can be long: its output is passed on to standard output as it is
    /// made. Every other command's output is held until it is done (its
    /// files written, committed and the store's lock released), so a reader
    /// that stops reading can never hold the lock or part a write from its
    /// commit.
    pub fn passes_output_on(&self) -> bool {
        matches!(
            self,
            Command::List(_)
                | Command::Sla(_)
                | Command::Queue(_)
                | Command::Report(_)
                | Command::Check(_)
                | Command::Status(_)
                | Command::History(_)
                | Command::Show(_)
        )
    }

    /// The command's name as typed (`escalate`, `request-info`), for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Init(_) => "init",
            Command::New(_) => "new",
            Command::Show(_) => "show",
            Command::List(_) => "list",
            Command::Check(_) => "check",
            Command::Sla(_) => "sla",
            Command::Queue(_) => "queue",
            Command::Take(_) => "take",
            Command::Assign(_) => "assign",
            Command::Phone(_) => "phone",
            Command::Respond(_) => "respond",
            Command::Note(_) => "note",
            Command::RequestInfo(_) => "request-info",
            Command::FollowUp(_) => "follow-up",
            Command::CustomerReply(_) => "customer-reply",
            Command::Severity(_) => "severity",
            Command::Fix(_) => "fix",
            Command::Close(_) => "close",
            Command::Reopen(_) => "reopen",
            Command::Contact(_) => "contact",
            Command::Edit(_) => "edit",
            Command::Label(_) => "label",
            Command::Escalate(_) => "escalate",
            Command::Report(_) => "report",
            Command::Sweep(_) => "sweep",
            Command::Export(_) => "export",
            Command::Import(_) => "import",
            Command::GitSetup(_) => "git-setup",
            Command::MergeFile(_) => "merge-file",
            Command::History(_) => "history",
            Command::Renumber(_) => "renumber",
            Command::Policy(_) => "policy",
            Command::Status(_) => "status",
            Command::Site(_) => "site",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }
}

/// What every command runs with.
pub struct Context {
    pub global: GlobalArgs,
    /// The instant the command acts at.
    pub now: DateTime<Utc>,
    /// What goes to standard output: held, or passed on as it is made.
    pub out: stdout::StandardOutput,
    /// What goes to standard error (notices, one line per breach).
    pub err: String,
    /// Case files this command wrote, with what happened, for `--commit`.
    changes: RefCell<Vec<Change>>,
    /// Where the store and the policy are, the policy and the actor,
    /// looked up once per command.
    location: std::cell::OnceCell<Location>,
    /// Warnings from after the command ran (a failed `--commit`).
    warnings: RefCell<Vec<String>>,
    policy: std::cell::OnceCell<Arc<Policy>>,
    policies: std::cell::OnceCell<Arc<PolicySet>>,
    roster: std::cell::OnceCell<Option<Arc<Roster>>>,
    actor: std::cell::OnceCell<String>,
    /// The store, opened once: the lock it takes at the first mutation is
    /// held until the command (and its `--commit`) is done.
    store: std::cell::OnceCell<Store>,
    /// The instant on the system clock the command started at: the end of
    /// the scan cache's racy window.
    started: std::time::SystemTime,
}

/// A case file a command wrote and the commit-message line for it.
#[derive(Debug, Clone)]
struct Change {
    path: PathBuf,
    message: String,
}

impl Context {
    pub fn new(global: GlobalArgs, system_now: DateTime<Utc>) -> Self {
        let now = global.now.unwrap_or_else(|| system_now.trunc_subsecs(0));
        let started = std::time::SystemTime::from(system_now);
        Self {
            global,
            now,
            out: stdout::StandardOutput::held(),
            err: String::new(),
            changes: RefCell::new(Vec::new()),
            location: std::cell::OnceCell::new(),
            warnings: RefCell::new(Vec::new()),
            policy: std::cell::OnceCell::new(),
            policies: std::cell::OnceCell::new(),
            roster: std::cell::OnceCell::new(),
            actor: std::cell::OnceCell::new(),
            store: std::cell::OnceCell::new(),
            started,
        }
    }

    /// Records that `path` was written because of `message`
    /// (`case 1042: escalation accepted (manager: Mona)`).
    pub fn changed(&self, path: PathBuf, message: String) {
        self.changes.borrow_mut().push(Change { path, message });
    }

    /// Commits the files this command wrote when `--commit` (or git config
    /// `cases.commit`) asks for it: one commit, authored by the actor.
    fn commit_changes(&self) -> Result<(), CommandError> {
        let changes = self.changes.borrow();
        if changes.is_empty() {
            return Ok(());
        }
        let git = crate::gitops::Git::at(&self.location().store);
        if !self.global.commit && git.config_bool("cases.commit") != Some(true) {
            return Ok(());
        }
        let mut paths: Vec<&std::path::Path> = Vec::new();
        for change in changes.iter() {
            if !paths.contains(&change.path.as_path()) {
                paths.push(&change.path);
            }
        }
        let message = match changes.as_slice() {
            [only] => only.message.clone(),
            many => {
                let lines: Vec<&str> = many.iter().map(|c| c.message.as_str()).collect();
                format!("cases: {} changes\n\n{}", many.len(), lines.join("\n"))
            }
        };
        // The roster's name and email when the actor is on it.
        let actor = self.actor()?;
        let roster = self.roster()?;
        let member = roster.as_deref().and_then(|r| r.find(&actor));
        let (name, email) = member.map_or((actor.as_str(), ""), |m| {
            (m.name.as_str(), m.email.as_str())
        });
        // Still under the store's lock (held since the first write), so
        // the files hold exactly what this command wrote.
        if let Err(error) = git.commit_paths(&paths, &message, name, email, self.now) {
            // The write is kept and the command succeeded: reporting a
            // failure would make a retry record it twice.
            let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            self.warnings.borrow_mut().push(format!(
                "cases: warning: recorded but not committed ({error}); commit it with: git commit -- {}\n",
                shown.join(" ")
            ));
        }
        Ok(())
    }

    /// The zone `--tz` shows local times in.
    pub fn zone(&self) -> zone::ShownZone {
        self.global.tz
    }

    /// `--format`, or table when not given.
    pub fn format(&self) -> Format {
        self.global.format.unwrap_or(Format::Table)
    }

    /// A message for the person running the command: standard error,
    /// unless `--quiet`. Data goes to `out`.
    pub fn say(&mut self, message: &str) {
        if !self.global.quiet {
            self.err.push_str(message);
            if !message.ends_with('\n') {
                self.err.push('\n');
            }
        }
    }

    /// Where the store and the policy are: `--store` and `--policy`, else
    /// found from the current directory upwards (SPEC section 7).
    pub fn location(&self) -> &Location {
        self.location.get_or_init(|| {
            let cwd = std::env::current_dir().unwrap_or_default();
            discover::locate(
                self.global.store.as_deref(),
                self.global.policy.as_deref(),
                &cwd,
            )
        })
    }

    /// The store: `--store`, else the one found (see [`Context::location`]).
    pub fn store(&self) -> Result<Store, CommandError> {
        if let Some(store) = self.store.get() {
            return Ok(store.clone());
        }
        let no_cache = self.global.no_cache || env_flag("CASES_NO_CACHE").unwrap_or(true);
        let options = if no_cache {
            crate::store::StoreOptions::uncached()
        } else {
            crate::store::StoreOptions::cached(self.started)
        };
        let store = Store::open(&self.location().store, options)?;
        Ok(self.store.get_or_init(|| store).clone())
    }

    /// The policy: `--policy`, else the `policy.yaml` beside the store;
    /// never a built-in default (exit 4 with the fix when it is missing).
    /// Read once per command.
    pub fn policy(&self) -> Result<Arc<Policy>, CommandError> {
        self.load_policy().map_err(CommandError::from)
    }

    /// [`Context::policy`], with every problem of an invalid policy kept
    /// apart (for `check`, which lists them) from a policy that cannot be
    /// read at all.
    pub fn load_policy(&self) -> Result<Arc<Policy>, PolicyUnusable> {
        if let Some(policy) = self.policy.get() {
            return Ok(Arc::clone(policy));
        }
        let policy = Arc::new(self.read_policy()?);
        Ok(Arc::clone(self.policy.get_or_init(|| policy)))
    }

    /// The current policy and the earlier versions kept beside it
    /// (`policies/<version>.yaml`), each read at most once per command,
    /// when a case first needs it.
    pub fn policies(&self) -> Result<Arc<PolicySet>, CommandError> {
        if let Some(policies) = self.policies.get() {
            return Ok(Arc::clone(policies));
        }
        let source = policy::FileVersions {
            dir: self.location().beside_policy(policy::VERSIONS_DIR),
        };
        let policies = Arc::new(PolicySet::new(self.policy()?, Box::new(source)));
        Ok(Arc::clone(self.policies.get_or_init(|| policies)))
    }

    /// The team roster, `team.yaml` beside the policy; `None` when there
    /// is none (then anyone may do anything). Read once per command.
    pub fn roster(&self) -> Result<Option<Arc<Roster>>, CommandError> {
        if let Some(roster) = self.roster.get() {
            return Ok(roster.clone());
        }
        let path = self.location().beside_policy(TEAM_FILE);
        // Through the safe open like every file of the repository.
        let read = crate::store::safe_open::read_text(&path, crate::store::safe_open::Kind::Roster)
            .map_err(|e| e.reason());
        let roster = match read {
            Ok(text) => {
                crate::policy::parse_roster(&text, &path.display().to_string())?.map(Arc::new)
            }
            Err(_) if path.symlink_metadata().is_err() => None,
            Err(e) => {
                return Err(CommandError::unreadable(format!(
                    "roster {}: {e}",
                    path.display()
                )))
            }
        };
        Ok(self.roster.get_or_init(|| roster).clone())
    }

    /// Refuses (exit 3) when a roster exists and the actor may not record
    /// `action` at `at` under `policy`'s permissions.
    pub fn authorize(
        &self,
        action: &str,
        at: DateTime<Utc>,
        policy: &Policy,
    ) -> Result<(), CommandError> {
        let Some(roster) = self.roster()? else {
            return Ok(());
        };
        let actor = self.actor()?;
        roster
            .authorize(&actor, action, policy.allowed_roles(action), at)
            .map(|_| ())
            .map_err(|refusal| CommandError::refused(refusal.to_string()).with_hint(TEAM_FILE))
    }

    fn read_policy(&self) -> Result<Policy, PolicyUnusable> {
        let location = self.location();
        let path = &location.policy;
        match crate::store::safe_open::read_text(path, crate::store::safe_open::Kind::Policy) {
            Ok(text) => {
                Policy::parse(&text, &path.display().to_string()).map_err(PolicyUnusable::Invalid)
            }
            Err(e) if e.is_not_found() => Err(PolicyUnusable::Unreadable(
                CommandError::unreadable(location.missing_policy_message()),
            )),
            Err(e) => Err(PolicyUnusable::Unreadable(CommandError::unreadable(
                format!("policy {e}"),
            ))),
        }
    }

    /// Who is acting: `--actor`, else git's user.name, else `$USER`.
    /// Looked up once per command.
    pub fn actor(&self) -> Result<String, CommandError> {
        if let Some(actor) = self.actor.get() {
            return Ok(actor.clone());
        }
        let actor = self.find_actor()?;
        Ok(self.actor.get_or_init(|| actor).clone())
    }

    fn find_actor(&self) -> Result<String, CommandError> {
        if let Some(actor) = self
            .global
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            return intake::one_line("--actor", actor);
        }
        let from_git = std::process::Command::new("git")
            .args(["config", "user.name"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty());
        let actor = from_git
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.trim().is_empty()))
            .ok_or_else(|| CommandError::usage("no actor: pass --actor NAME or set CASES_ACTOR"))?;
        intake::one_line("the actor (git's user.name or $USER)", &actor)
    }
}

/// A boolean environment variable: unset or empty is `false`; `1`, `true`,
/// `yes`, `on` and `0`, `false`, `no`, `off` (any case) say what they
/// mean; anything else is an error naming what is allowed. The store never
/// reads the environment itself: the command line reads `CASES_NO_CACHE`
/// with this and passes the answer in [`crate::store::StoreOptions`].
pub fn env_flag(name: &str) -> Result<bool, String> {
    let Some(value) = std::env::var_os(name) else {
        return Ok(false);
    };
    let text = value.to_string_lossy().trim().to_ascii_lowercase();
    match text.as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        _ => Err(format!(
            "{name}={:?} is not a boolean (allowed: 1/0, true/false, yes/no)",
            value.to_string_lossy()
        )),
    }
}

/// Why the policy cannot be used.
#[derive(Debug)]
pub enum PolicyUnusable {
    /// It was read and is invalid: every problem found.
    Invalid(crate::policy::PolicyError),
    /// It is missing or cannot be read.
    Unreadable(CommandError),
}

impl From<PolicyUnusable> for CommandError {
    fn from(unusable: PolicyUnusable) -> Self {
        match unusable {
            PolicyUnusable::Invalid(error) => error.into(),
            PolicyUnusable::Unreadable(error) => error,
        }
    }
}

/// Runs one parsed command.
pub fn run(command: Command, ctx: &mut Context) -> Result<Outcome, CommandError> {
    env_flag("CASES_NO_CACHE").map_err(CommandError::usage)?;
    if let Some(format) = ctx.global.format {
        let allowed = command.formats();
        if !allowed.contains(&format) {
            let names: Vec<&str> = allowed.iter().map(|f| f.as_str()).collect();
            return Err(CommandError::usage(format!(
                "--format {} is not available for cases {} (allowed: {})",
                format.as_str(),
                command.name(),
                names.join(", ")
            )));
        }
    }
    let outcome = match command {
        Command::Init(args) => init::cmd_init(ctx, args),
        Command::New(args) => intake::cmd_new(ctx, args),
        Command::Show(args) => read::cmd_show(ctx, args),
        Command::List(args) => read::cmd_list(ctx, args),
        Command::Check(args) => check::cmd_check(ctx, args),
        Command::Sla(args) => sla::cmd_sla(ctx, args),
        Command::Queue(args) => queue::cmd_queue(ctx, args),
        Command::Take(args) => queue::cmd_take(ctx, args),
        Command::Assign(args) => lifecycle::cmd_assign(ctx, args),
        Command::Phone(args) => lifecycle::cmd_phone(ctx, args),
        Command::Respond(args) => lifecycle::cmd_respond(ctx, args),
        Command::Note(args) => lifecycle::cmd_note(ctx, args),
        Command::RequestInfo(args) => lifecycle::cmd_request_info(ctx, args),
        Command::FollowUp(args) => lifecycle::cmd_follow_up(ctx, args),
        Command::CustomerReply(args) => lifecycle::cmd_customer_reply(ctx, args),
        Command::Edit(args) => edit::cmd_edit(ctx, args),
        Command::Label(args) => label::cmd_label(ctx, args),
        Command::Severity(args) => lifecycle::cmd_severity(ctx, args),
        Command::Fix(command) => lifecycle::cmd_fix(ctx, command),
        Command::Close(args) => lifecycle::cmd_close(ctx, args),
        Command::Reopen(args) => lifecycle::cmd_reopen(ctx, args),
        Command::Contact(command) => lifecycle::cmd_contact(ctx, command),
        Command::Escalate(command) => escalate::cmd_escalate(ctx, command),
        Command::Report(args) => report::cmd_report(ctx, args),
        Command::Sweep(args) => sweep::cmd_sweep(ctx, args),
        Command::Export(args) => exchange::cmd_export(ctx, args),
        Command::Import(args) => exchange::cmd_import(ctx, args),
        Command::Policy(command) => policy::cmd_policy(ctx, command),
        Command::Status(args) => status::cmd_status(ctx, args),
        Command::Site(args) => site::cmd_site(ctx, args),
        Command::Completions(args) => completions::cmd_completions(ctx, args),
        Command::Man(args) => help::cmd_man(ctx, args),
        Command::GitSetup(args) => git::cmd_git_setup(ctx, args),
        Command::MergeFile(args) => git::cmd_merge_file(ctx, args),
        Command::History(args) => git::cmd_history(ctx, args),
        Command::Renumber(args) => git::cmd_renumber(ctx, args),
    }?;
    let committed = ctx.commit_changes();
    if let Some(store) = ctx.store.get() {
        store.unlock();
    }
    for warning in ctx.warnings.take() {
        ctx.err.push_str(&warning);
    }
    committed?;
    Ok(outcome)
}

/// The whole program: parse, run, print, exit with the documented code.
pub fn main() -> ExitCode {
    let parsed = help::command()
        .try_get_matches()
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    term::init(cli.global.color);
    let mut ctx = Context::new(cli.global, Utc::now());
    // Every byte for a terminal goes through one filter
    // (output::terminal_safe): a hostile case file, policy or argument
    // cannot drive the reader's terminal.
    if cli.command.passes_output_on() {
        ctx.out = stdout::StandardOutput::passed_on(Box::new(io::stdout()));
    } else {
        ctx.out = stdout::StandardOutput::held_for(Box::new(io::stdout()));
    }
    let result = run(cli.command, &mut ctx);
    let printed = ctx.out.finish();
    if let Err(error) = printed {
        if error.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("cases: error: standard output: {error}");
            return ExitCode::from(ErrorKind::Unreadable.exit_code());
        }
    }
    let _ = io::stderr().write_all(output::terminal_safe(&ctx.err).as_bytes());
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(error) => {
            eprintln!("cases: error: {}", output::printable(&error.line(), false));
            ExitCode::from(error.kind.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use std::fs;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Runs `cases ARGS` in this process against `store` and the bundled
    /// policy; returns what it printed and how it ended.
    fn run_in_process(store: &std::path::Path, args: &[&str]) -> String {
        run_in_process_to(store, args, None)
    }

    /// [`run_in_process`], its standard output passed on to `to` as `cases`
    /// passes it on to standard output, when given.
    fn run_in_process_to(
        store: &std::path::Path,
        args: &[&str],
        to: Option<stdout::Captured>,
    ) -> String {
        let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/policy.yaml");
        run_in_process_under(store, std::path::Path::new(policy), args, to)
    }

    /// [`run_in_process_to`] under the policy file `policy`.
    fn run_in_process_under(
        store: &std::path::Path,
        policy: &std::path::Path,
        args: &[&str],
        to: Option<stdout::Captured>,
    ) -> String {
        let policy = policy.display().to_string();
        let store = store.display().to_string();
        let mut argv = vec!["cases", "--store", &store, "--policy", &policy];
        argv.extend(["--now", "2026-11-27T15:00:00Z"]);
        argv.extend(args);
        let cli = Cli::try_parse_from(argv).unwrap();
        // The command starts 10 s from now on the system clock, so the
        // files just copied are old enough for the scan cache to take.
        let started = Utc::now() + chrono::Duration::seconds(10);
        let mut ctx = Context::new(cli.global, started);
        if let Some(to) = &to {
            ctx.out = stdout::StandardOutput::passed_on(Box::new(to.clone()));
        }
        let result = run(cli.command, &mut ctx);
        if let Some(to) = &to {
            ctx.out.finish().unwrap();
            ctx.out = stdout::StandardOutput::held();
            ctx.out.push_str(&String::from_utf8(to.bytes()).unwrap());
        }
        let ended = match result {
            Ok(Outcome::Success) => "exit 0".to_string(),
            Ok(Outcome::Findings) => "exit 1".to_string(),
            Err(error) => format!("error: {}", error.line()),
        };
        format!("{ended}\n--- stdout\n{}--- stderr\n{}", ctx.out, ctx.err)
    }

    /// A copy of the sample store in `dir` (`<dir>/cases`).
    fn copy_of_the_sample_store(dir: &std::path::Path) -> std::path::PathBuf {
        let store = dir.join("cases");
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("cases");
        // The sample store is <NNN>/<number>.yaml.
        for directory in fs::read_dir(&sample).unwrap() {
            let directory = directory.unwrap().path();
            if !directory.is_dir() {
                continue;
            }
            let to = store.join(directory.file_name().unwrap());
            fs::create_dir_all(&to).unwrap();
            for file in fs::read_dir(&directory).unwrap() {
                let file = file.unwrap().path();
                fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
            }
        }
        store
    }

    /// A report from the facts the cache keeps is the report from the
    /// files: under the policy they were computed under, and after that
    /// policy is edited (they are computed again), as of an instant before
    /// some cases' last events (the histories are read), with a what-if
    /// policy, by label and owner.
    #[test]
    fn a_report_from_cached_facts_is_the_report_from_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = copy_of_the_sample_store(dir.path());
        let policy = dir.path().join("policy.yaml");
        let what_if = dir.path().join("what-if.yaml");
        let original = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policy.yaml"));
        let original = original.unwrap();
        let from = "response_targets: {basic: 8h, plus: 4h, premium: 2h}";
        assert!(original.contains(from), "the sample policy changed");
        let stricter = original.replacen(
            from,
            "response_targets: {basic: 1h, plus: 1h, premium: 1h}",
            1,
        );
        fs::write(&policy, &original).unwrap();
        fs::write(&what_if, &stricter).unwrap();
        let what_if = what_if.display().to_string();
        let requests: [&[&str]; 5] = [
            &["report", "--format", "json"],
            &["report", "--by", "label,owner", "--format", "csv"],
            &[
                "report",
                "--as-of",
                "2026-11-20T12:00:00Z",
                "--format",
                "json",
            ],
            &["report", "--since", "2026-11-16", "--until", "2026-11-22"],
            &["report", "--what-if", &what_if, "--format", "json"],
        ];
        let run = |args: &[&str]| run_in_process_under(&store, &policy, args, None);
        let from_files = |args: &[&str]| {
            let mut all = vec!["--no-cache"];
            all.extend(args);
            run(&all)
        };
        let all_as_from_files = |policy_text: &str, when: &str| {
            fs::write(&policy, policy_text).unwrap();
            for args in requests {
                let expected = from_files(args);
                assert!(expected.starts_with("exit 0"), "{args:?}: {expected}");
                assert_eq!(run(args), expected, "{args:?} ({when})");
            }
        };
        fs::write(&policy, &original).unwrap();
        run(requests[0]); // the cache, without facts
        run(requests[0]); // the facts
        all_as_from_files(&original, "facts under the policy");
        // Facts computed under the original policy are in the cache: after
        // an edit they are not used (and are computed again), nor those
        // computed under the edit when it is undone.
        all_as_from_files(&stricter, "facts under the policy before its edit");
        all_as_from_files(&stricter, "facts under the edited policy");
        all_as_from_files(&original, "facts under the edit, undone");
        // The edit changes the report (so the facts' key had to change).
        fs::write(&policy, &original).unwrap();
        let before = from_files(requests[0]);
        fs::write(&policy, &stricter).unwrap();
        assert_ne!(from_files(requests[0]), before);
    }

    /// Every scanning command prints the same from the scan cache as from
    /// the files.
    #[test]
    fn scanning_commands_print_the_same_from_the_cache_as_from_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = copy_of_the_sample_store(dir.path());
        let cache = store.join(crate::store::cache::CACHE_FILE);
        let commands: [&[&str]; 12] = [
            &["list", "--format", "json"],
            &["list", "--state", "open"],
            &["list", "--escalated", "--format", "json"],
            &["sla", "--format", "json"],
            &["sla", "--check"],
            &["sla", "--as-of", "2026-11-20T12:00:00Z", "--format", "json"],
            &["report", "--format", "json"],
            &[
                "report",
                "--since",
                "2026-11-01T00:00:00Z",
                "--by",
                "region",
            ],
            &["check", "--format", "json"],
            &["queue", "--format", "json"],
            &["sweep", "--dry-run"],
            &["status", "--account", "Acme Corp", "--format", "json"],
        ];
        let stamp = |args: &[&str]| {
            let metadata =
                fs::metadata(&cache).unwrap_or_else(|e| panic!("{args:?}: no cache: {e}"));
            (metadata.modified().unwrap(), metadata.len())
        };
        for args in commands {
            let _ = fs::remove_file(&cache);
            let from_files = run_in_process(&store, args);
            let cached = stamp(args);
            let from_cache = run_in_process(&store, args);
            let after_first = stamp(args);
            let from_facts = run_in_process(&store, args);
            // Every entry was reused and none added: the cache was not
            // rewritten. But the first report from the cache adds its facts
            // of every case (larger), which the next one reads.
            if args[0] == "report" {
                assert!(after_first.1 > cached.1, "{args:?}: no facts added");
            } else {
                assert_eq!(cached, after_first, "{args:?}");
            }
            assert_eq!(after_first, stamp(args), "{args:?}");
            assert!(
                !from_files.contains("--- stdout\n---"),
                "{args:?} printed nothing"
            );
            assert_eq!(from_cache, from_files, "{args:?}");
            assert_eq!(from_facts, from_files, "{args:?}");
        }
    }

    /// Output of many chunks passed on to standard output as it is made is
    /// the output held whole (made terminal-safe as `main` makes it), in
    /// every format of every listing.
    /// A store of 2,000 imported cases, one of them (1701) hand-edited
    /// with a title of terminal controls.
    fn store_of_2000_imported_cases(dir: &std::path::Path) -> std::path::PathBuf {
        let store = dir.join("cases");
        let root = dir.display().to_string();
        assert!(run_in_process(&store, &["init", &root]).starts_with("exit 0"));
        let mut rows =
            String::from("title,account,plan,region,severity,channel,contacts,opened_at\n");
        for i in 0..2000 {
            let title = format!("Imported case {i} é 日本");
            rows.push_str(&format!(
                "{title},Account {},premium,emea,{},community,Jane <jane@example.com>,2026-11-2{}T10:00:00Z\n",
                i % 7,
                2 + i % 3,
                i % 7
            ));
        }
        let file = dir.join("rows.csv");
        fs::write(&file, rows).unwrap();
        let imported = run_in_process(
            &store,
            &["--actor", "alice", "import", &file.display().to_string()],
        );
        assert!(imported.starts_with("exit 0"), "{imported}");
        // A hand-edited file can hold what import refuses.
        let hostile = store.join("001/1701.yaml");
        let text = fs::read_to_string(&hostile).unwrap();
        let title = "title: Imported case 700 é 日本\n";
        assert!(text.contains(title), "{text}");
        let edited = text.replace(title, "title: \"hostile \\e]0;title\\a \\u009b2J\"\n");
        fs::write(&hostile, edited).unwrap();
        store
    }

    #[test]
    fn a_listing_passed_on_as_it_is_made_is_the_listing_held_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_of_2000_imported_cases(dir.path());
        for args in [
            &["list"][..],
            &["list", "--format", "json"],
            &["list", "--format", "csv"],
            &["list", "--format", "markdown"],
            &["sla"],
            &["sla", "--check", "--format", "markdown"],
            &["sla", "--format", "json"],
            &["sla", "--format", "csv"],
            &["queue"],
            &["queue", "--format", "json"],
            &["queue", "--format", "csv"],
        ] {
            let held = run_in_process(&store, args);
            let passed_on = run_in_process_to(&store, args, Some(stdout::Captured::default()));
            assert!(held.len() > 2 * 64 * 1024, "{args:?}: {} bytes", held.len());
            // sla shows no titles.
            assert!(args[0] == "sla" || held.contains("hostile"), "{args:?}");
            assert!(!passed_on.contains('\u{1b}'), "{args:?}");
            assert_eq!(passed_on, output::terminal_safe(&held), "{args:?}");
        }
    }

    #[test]
    fn rows_sorted_through_temporary_files_print_as_rows_sorted_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_of_2000_imported_cases(dir.path());
        for args in [
            &["list"][..],
            &["list", "--reverse", "--format", "json"],
            &["list", "--sort", "title", "--reverse", "--limit", "1500"],
            &["list", "--sort", "account", "--format", "csv"],
            &["sla", "--format", "markdown"],
            &["sla", "--reverse"],
            &[
                "sla", "--sort", "status", "--limit", "1900", "--format", "csv",
            ],
            &["sla", "--check", "--since", "3d"],
            &["sla", "--format", "json"],
            &["sla", "--status", "breached", "--format", "json"],
            &["sla", "--sort", "severity", "--reverse", "--format", "json"],
            &["sla", "--limit", "1999", "--format", "json"],
        ] {
            let in_memory = run_in_process(&store, args);
            // About 25 rows a run: more runs than are merged at once.
            external_sort::TEST_BUDGET.set(8 << 10);
            let spilled = run_in_process(&store, args);
            external_sort::TEST_BUDGET.set(external_sort::BUDGET_BYTES);
            assert!(in_memory.len() > 100_000, "{args:?}: {in_memory}");
            assert_eq!(spilled, in_memory, "{args:?}");
        }
    }

    #[test]
    fn instants_are_truncated_to_seconds() {
        let t = parse_instant("2026-11-27T09:05:30.75-05:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-27T14:05:30+00:00");
        assert!(parse_instant("2026-11-27 09:05").is_err());
    }
}
