//! The shared harness of the integration tests: a throw-away working
//! directory with a store and a policy, a builder that runs the real `cases`
//! binary in it with a fixed clock and actor, what a run printed, and views
//! of the case files and of `show --format json`.
//!
//! ```ignore
//! let env = Env::new(); // or Env::init(), which runs `cases init .`
//! env.run(&["new", "--title", "..."]).now("2026-11-23T14:05:00Z").actor("alice").ok();
//! ```
//!
//! Runs go through `assert_cmd` (the binary found by its `cargo_bin!`,
//! run by its `OutputAssertExt::assert`); [`Output`] keeps what they did.
//!
//! Every run starts from a clean environment as far as `cases` is concerned:
//! every inherited `CASES_*` variable is removed, `CASES_NOW` and
//! `CASES_ACTOR` are then set (to [`T0`] and [`ACTOR`] unless a test says
//! otherwise), git reads no system configuration and `HOME` is the working
//! directory (so no user configuration either), and the command runs with
//! the working directory as its current directory.
//!
//! Submodules: [`git`] (real repositories: a bare origin and its clones) and
//! [`html`] (a small checker of the pages `report --format html` writes).

#![allow(dead_code)]

pub mod git;
pub mod html;

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::assert::OutputAssertExt;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use tempfile::TempDir;

/// The `cases` binary under test (where assert_cmd's `cargo_bin!` finds it).
pub const BIN: &str = env!("CARGO_BIN_EXE_cases");

/// A command running the binary under test, found by assert_cmd.
pub fn cases_command() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin!("cases"))
}

/// The repository's `policy.yaml`, which is also the embedded default.
pub const DEFAULT_POLICY: &str = include_str!("../../../policy.yaml");

/// The bundled policy with the next-response clock turned on
/// (`examples/next-response-policy.yaml`: `next_response_targets` on every
/// severity, and a comment; `next_response::the_example_policy_is_the_default_plus_the_targets`
/// keeps the rest equal to [`DEFAULT_POLICY`]).
pub const NEXT_RESPONSE_POLICY: &str = include_str!("../../../examples/next-response-policy.yaml");

/// Monday 2026-11-23 09:05 in Toronto (EST, UTC-5).
pub const T0: &str = "2026-11-23T14:05:00Z";

/// The actor every run uses unless told otherwise.
pub const ACTOR: &str = "alice";

/// The contacts of the cases the lifecycle, queue and sweep tests open
/// (Jane is also the one contact of [`NewCase::default`]).
pub const JANE: &str = "Jane Doe <jane@acme.example>";
pub const RAJ: &str = "Raj Patel <raj@acme.example>";

/// The path of case `number` relative to the working directory:
/// `cases/<number / 1000, 3 digits>/<number>.yaml`.
pub fn case_file(number: u64) -> String {
    format!("cases/{:03}/{number}.yaml", number / 1000)
}

/// `text` with every run of whitespace collapsed to one space, so that
/// assertions on tables do not depend on column widths.
pub fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes every inherited `CASES_*` variable from `command`, keeps git away
/// from the system's configuration and makes `home` its `HOME` (so git reads
/// no user configuration either).
pub fn isolate(command: &mut Command, home: &Path) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CASES_") {
            command.env_remove(&key);
        }
    }
    command.env("GIT_CONFIG_NOSYSTEM", "1").env("HOME", home);
}

/// Runs `command` to its end and returns what it did; `shown` names it in
/// messages. Its output must be UTF-8.
pub fn execute(command: &mut Command, shown: String) -> Output {
    // assert_cmd runs it (and panics, naming the command, if it cannot start).
    let output = command.assert().get_output().clone();
    let text = |bytes: Vec<u8>, stream: &str| {
        String::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("the {stream} of `{shown}` is not UTF-8: {e}"))
    };
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: text(output.stdout, "stdout"),
        stderr: text(output.stderr, "stderr"),
        command: shown,
    }
}

/// Like [`execute`], writing `input` to the command's standard input.
pub fn execute_with_stdin(command: &mut Command, shown: String, input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("`{shown}` does not start: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.as_bytes().to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("`{shown}`: {e}"));
    writer.join().expect("stdin writer");
    let text = |bytes: Vec<u8>, stream: &str| {
        String::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("the {stream} of `{shown}` is not UTF-8: {e}"))
    };
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: text(output.stdout, "stdout"),
        stderr: text(output.stderr, "stderr"),
        command: shown,
    }
}

/// The text file at `path`.
pub fn read_text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Writes `contents` to `path`, creating its directory.
pub fn write_file(path: &Path, contents: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir for {}: {e}", path.display()));
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// A temporary working directory for one test.
pub struct Env {
    dir: TempDir,
}

impl Env {
    /// A working directory with an empty store `cases/` (its `.gitignore`,
    /// the mark `cases init` leaves) and the default `policy.yaml`, written
    /// by the test (no git repository).
    pub fn new() -> Env {
        Env::with_policy(DEFAULT_POLICY)
    }

    /// A working directory with an empty store and this `policy.yaml`.
    pub fn with_policy(policy: &str) -> Env {
        let env = Env::empty();
        env.make_store("cases");
        env.write("policy.yaml", policy);
        env
    }

    /// A working directory holding a copy of the bundled sample store
    /// (`cases/001`) and the repository's `policy.yaml` (which the sample
    /// was written under).
    pub fn sample() -> Env {
        let env = Env::new();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/001");
        let mut copied = 0;
        for entry in std::fs::read_dir(&source).expect("the sample store") {
            let path = entry.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                env.write(&format!("cases/001/{name}"), std::fs::read(&path).unwrap());
                copied += 1;
            }
        }
        assert!(copied >= 12, "the sample store has {copied} cases");
        env
    }

    /// An empty working directory: no store, no policy.
    pub fn empty() -> Env {
        let dir = tempfile::Builder::new()
            .prefix("cases-test-")
            .tempdir()
            .expect("create a temporary directory");
        Env { dir }
    }

    /// A working directory set up by the real `cases init .`: the store,
    /// the default policy `init` writes, and a git repository with the
    /// merge driver.
    pub fn init() -> Env {
        let env = Env::empty();
        env.run(&["init", "."]).ok();
        assert!(env.path("cases").is_dir(), "init made no cases/");
        assert!(
            env.path("policy.yaml").is_file(),
            "init wrote no policy.yaml"
        );
        env
    }

    /// The working directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `rel` under the working directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// An empty store at `rel` as `cases init` leaves it: the directory and
    /// its `.gitignore` (an empty directory is not a store).
    pub fn make_store(&self, rel: &str) {
        self.write(&format!("{rel}/.gitignore"), cases::store::STORE_GITIGNORE);
    }

    pub fn mkdir(&self, rel: &str) {
        fs::create_dir_all(self.path(rel)).unwrap_or_else(|e| panic!("mkdir {rel}: {e}"));
    }

    /// Writes `contents` to `rel`, creating its directory.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        write_file(&self.path(rel), contents);
    }

    pub fn read(&self, rel: &str) -> String {
        read_text(&self.path(rel))
    }

    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        fs::read(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.path(rel)).unwrap_or_else(|e| panic!("remove {rel}: {e}"));
    }

    /// Rewrites the text file `rel` with `change`, which must change it.
    pub fn edit(&self, rel: &str, change: impl FnOnce(&str) -> String) {
        let before = self.read(rel);
        let after = change(&before);
        assert_ne!(before, after, "the edit of {rel} changed nothing");
        self.write(rel, after);
    }

    /// Replaces the first occurrence of `from` in `rel` by `to`.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        self.edit(rel, |text| {
            assert!(text.contains(from), "{rel} does not contain {from:?}");
            text.replacen(from, to, 1)
        });
    }

    /// A run of `cases args...` in this directory.
    pub fn run(&self, args: &[&str]) -> Run<'_> {
        Run {
            env: self,
            args: args.iter().map(|a| a.to_string()).collect(),
            now: Some(T0.to_string()),
            actor: Some(ACTOR.to_string()),
            vars: Vec::new(),
            cwd: None,
            stdin: None,
        }
    }

    /// The binary in this directory with the clean environment of every
    /// run, without `CASES_NOW` or `CASES_ACTOR`.
    fn bare_command(&self) -> Command {
        let mut command = cases_command();
        command.current_dir(self.root());
        isolate(&mut command, self.root());
        command
    }

    /// `cases args...` in this directory as a plain process, to run many at
    /// once or to kill it: the clean environment of [`Env::run`], actor
    /// [`ACTOR`], no clock unless the arguments or the caller give one.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.bare_command();
        command.env("CASES_ACTOR", ACTOR).args(args);
        command
    }

    /// A run of `cases new` with the options of `case`.
    pub fn new_case(&self, case: &NewCase) -> Run<'_> {
        let mut run = self.run(&[]);
        run.args = case.args();
        run
    }

    /// Opens `case` at `now`, asserts success and returns its number.
    pub fn open_at(&self, case: &NewCase, now: &str) -> u64 {
        let out = self.new_case(case).now(now).ok();
        out.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("`cases new` printed {:?}, not a number", out.stdout))
    }

    /// Opens `case` at [`T0`] and returns its number.
    pub fn open(&self, case: &NewCase) -> u64 {
        self.open_at(case, T0)
    }

    /// `cases show N --format json` at `now`, which must succeed.
    pub fn show(&self, number: u64, now: &str) -> Json {
        self.run(&["show", &number.to_string(), "--format", "json"])
            .now(now)
            .ok()
            .json()
    }

    /// Case `number`'s file, parsed as YAML.
    pub fn case_yaml(&self, number: u64) -> Yaml {
        serde_yaml::from_slice(&self.bytes(&case_file(number))).expect("case file is YAML")
    }

    /// The events of case `number`'s history, as stored.
    pub fn history(&self, number: u64) -> Vec<Yaml> {
        self.case_yaml(number)["history"]
            .as_sequence()
            .expect("history is a sequence")
            .clone()
    }

    /// The last event of case `number`'s history.
    pub fn last_event(&self, number: u64) -> Yaml {
        self.history(number).pop().expect("a history")
    }

    /// A header field of case `number`'s file, as text (`~` for null).
    pub fn field(&self, number: u64, key: &str) -> String {
        yaml_text(&self.case_yaml(number)[key])
    }

    /// Every file and directory under the working directory with its bytes.
    pub fn snapshot(&self) -> Snapshot {
        let mut entries = BTreeMap::new();
        walk(self.root(), self.root(), &mut entries);
        Snapshot { entries }
    }

    /// Asserts nothing under the working directory changed since `before`.
    pub fn assert_unchanged(&self, before: &Snapshot) {
        let after = self.snapshot();
        let changed = before.differences(&after);
        assert!(
            changed.is_empty(),
            "the working directory changed: {changed:#?}"
        );
    }

    /// Every file under the store `cases/` but its lock file (`cases/.lock`,
    /// which any writer may create) and its scan cache (`cases/.cache`,
    /// derived data any reader may refresh: see [`Snapshot::differences`]),
    /// by relative path, with its bytes.
    pub fn store_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut entries = BTreeMap::new();
        walk(self.root(), &self.path("cases"), &mut entries);
        entries
            .into_iter()
            .filter(|(rel, _)| rel != "cases/.lock" && rel != "cases/.cache")
            .filter_map(|(rel, bytes)| Some((rel, bytes?)))
            .collect()
    }
}

/// Files (with their bytes) and directories (with `None`) by relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub entries: BTreeMap<String, Option<Vec<u8>>>,
}

impl Snapshot {
    /// The paths added, removed or changed between `self` and `later`.
    ///
    /// The scan cache (`cases/.cache`) is left out: it is derived data that
    /// any command reading the store may refresh (ignored by git), and
    /// whether a run refreshes it depends on how long after the last write
    /// it runs (the racy window), so on a loaded machine it would make a
    /// refused command look as if it wrote.
    pub fn differences(&self, later: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        let derived = |path: &String| path == "cases/.cache";
        for (path, bytes) in self.entries.iter().filter(|(p, _)| !derived(p)) {
            match later.entries.get(path) {
                None => out.push(format!("removed {path}")),
                Some(now) if now != bytes => out.push(format!("changed {path}")),
                Some(_) => {}
            }
        }
        for path in later.entries.keys().filter(|p| !derived(p)) {
            if !self.entries.contains_key(path) {
                out.push(format!("added {path}"));
            }
        }
        out
    }

    /// The relative paths of the files (not directories).
    pub fn files(&self) -> Vec<String> {
        self.entries
            .iter()
            .filter(|(_, bytes)| bytes.is_some())
            .map(|(path, _)| path.clone())
            .collect()
    }
}

/// Adds everything under `dir` to `entries`, by path relative to `root`:
/// files with their bytes, directories (as `path/`) with `None`.
fn walk(root: &Path, dir: &Path, entries: &mut BTreeMap<String, Option<Vec<u8>>>) {
    let mut children: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    children.sort();
    for path in children {
        let rel = path
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            entries.insert(format!("{rel}/"), None);
            walk(root, &path, entries);
        } else {
            entries.insert(rel, Some(fs::read(&path).unwrap_or_default()));
        }
    }
}

/// One invocation of the binary, built up before it runs: it runs when
/// [`Run::output`], [`Run::code`], [`Run::ok`] or [`Run::refused`] is called.
#[must_use = "a Run does nothing until it is run"]
pub struct Run<'a> {
    env: &'a Env,
    args: Vec<String>,
    now: Option<String>,
    actor: Option<String>,
    vars: Vec<(String, String)>,
    /// The current directory, relative to the working directory.
    cwd: Option<String>,
    /// What the command reads on standard input (else nothing: it is closed).
    stdin: Option<String>,
}

impl Run<'_> {
    /// Runs in `rel`, a directory under the working directory (or, when
    /// absolute, anywhere).
    pub fn cwd(mut self, rel: &str) -> Self {
        self.cwd = Some(rel.to_string());
        self
    }

    /// `CASES_NOW` for this run.
    pub fn now(mut self, now: &str) -> Self {
        self.now = Some(now.to_string());
        self
    }

    /// Runs without `CASES_NOW`.
    pub fn no_now(mut self) -> Self {
        self.now = None;
        self
    }

    /// `CASES_ACTOR` for this run.
    pub fn actor(mut self, actor: &str) -> Self {
        self.actor = Some(actor.to_string());
        self
    }

    /// Runs without `CASES_ACTOR`.
    pub fn no_actor(mut self) -> Self {
        self.actor = None;
        self
    }

    /// Appends arguments.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Gives the command `text` on standard input.
    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = Some(text.to_string());
        self
    }

    /// Sets an environment variable for this run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.vars.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs the command and returns what happened, asserting nothing.
    pub fn output(self) -> Output {
        let mut command = self.env.bare_command();
        if let Some(cwd) = &self.cwd {
            command.current_dir(self.env.path(cwd));
        }
        if let Some(now) = &self.now {
            command.env("CASES_NOW", now);
        }
        if let Some(actor) = &self.actor {
            command.env("CASES_ACTOR", actor);
        }
        for (key, value) in &self.vars {
            command.env(key, value);
        }
        command.args(&self.args);
        let shown = format!(
            "{}CASES_NOW={} CASES_ACTOR={} {}cases {}",
            self.cwd
                .as_ref()
                .map_or(String::new(), |cwd| format!("(in {cwd}) ")),
            self.now.as_deref().unwrap_or("(unset)"),
            self.actor.as_deref().unwrap_or("(unset)"),
            self.vars
                .iter()
                .map(|(k, v)| format!("{k}={v:?} "))
                .collect::<String>(),
            self.args
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        match &self.stdin {
            Some(text) => execute_with_stdin(&mut command, shown, text),
            None => execute(&mut command, shown),
        }
    }

    /// Runs the command and asserts its exit code.
    #[track_caller]
    pub fn code(self, expected: i32) -> Output {
        let out = self.output();
        out.code(expected);
        out
    }

    /// Runs the command and asserts it succeeded.
    #[track_caller]
    pub fn ok(self) -> Output {
        self.code(0)
    }

    /// Runs a command that must be refused: asserts its exit code and that
    /// no file of the store changed (see [`Env::store_files`]).
    #[track_caller]
    pub fn refused(self, code: i32) -> Output {
        let env = self.env;
        let before = env.store_files();
        let out = self.code(code);
        let after = env.store_files();
        assert!(
            before == after,
            "a refused command changed the store:\n{out}"
        );
        out
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The command line, for messages.
    pub command: String,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$ {}\nexit: {}\n--- stdout\n{}--- stderr\n{}---",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

impl Output {
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "exit code of `{}`\n--- stdout\n{}--- stderr\n{}",
            self.command, self.stdout, self.stderr
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(&self) -> &Self {
        self.code(0)
    }

    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "stdout of `{}`", self.command);
        self
    }

    #[track_caller]
    pub fn stderr_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stderr, expected, "stderr of `{}`", self.command);
        self
    }

    /// Asserts stdout contains `needle`, ignoring differences in whitespace.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            squash(&self.stdout).contains(&squash(needle)),
            "stdout of `{}` lacks {needle:?}:\n{}",
            self.command,
            self.stdout
        );
        self
    }

    /// Asserts stderr contains `needle`, ignoring differences in whitespace.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            squash(&self.stderr).contains(&squash(needle)),
            "stderr of `{}` lacks {needle:?}:\n{}",
            self.command,
            self.stderr
        );
        self
    }

    /// Asserts stdout contains `needle` exactly, whitespace included (unlike
    /// [`Output::stdout_has`]).
    #[track_caller]
    pub fn stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{self}"
        );
        self
    }

    /// Asserts stderr contains `needle` exactly, whitespace included (unlike
    /// [`Output::stderr_has`]).
    #[track_caller]
    pub fn stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn stdout_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle),
            "stdout of `{}` has {needle:?}:\n{}",
            self.command,
            self.stdout
        );
        self
    }

    #[track_caller]
    pub fn stderr_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stderr.contains(needle),
            "stderr of `{}` has {needle:?}:\n{}",
            self.command,
            self.stderr
        );
        self
    }

    /// Asserts neither stdout nor stderr contains `needle`.
    #[track_caller]
    pub fn lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "`{}` printed {needle:?}:\n--- stdout\n{}--- stderr\n{}",
            self.command,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stderr_empty(&self) -> &Self {
        assert!(
            self.stderr.is_empty(),
            "stderr of `{}` is not empty:\n{}",
            self.command,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn stdout_empty(&self) -> &Self {
        assert!(
            self.stdout.is_empty(),
            "stdout of `{}` is not empty:\n{}",
            self.command,
            self.stdout
        );
        self
    }

    /// Asserts what a refusal prints: nothing on stdout, and exactly one
    /// line on stderr that contains every fragment (exactly).
    #[track_caller]
    pub fn says_why_in_one_line(&self, fragments: &[&str]) -> &Self {
        assert_eq!(
            self.stdout, "",
            "a refusal prints nothing on stdout:\n{self}"
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "a refusal says why in one line:\n{self}"
        );
        for fragment in fragments {
            self.stderr_contains(fragment);
        }
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Json {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout of `{}` is not JSON ({e}):\n{}",
                self.command, self.stdout
            )
        })
    }

    /// The lines of stdout with whitespace collapsed.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lines().map(squash).collect()
    }
}

/// The options of a `cases new`, with defaults for a premium severity 2
/// case in north-america.
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub title: &'a str,
    pub account: &'a str,
    pub plan: &'a str,
    pub region: &'a str,
    pub severity: &'a str,
    pub channel: &'a str,
    pub contacts: Vec<&'a str>,
    pub language: Option<&'a str>,
    pub related: Vec<&'a str>,
}

impl Default for NewCase<'_> {
    fn default() -> Self {
        NewCase {
            title: "Search is slow",
            account: "acme",
            plan: "premium",
            region: "north-america",
            severity: "2",
            channel: "community",
            contacts: vec![JANE],
            language: None,
            related: Vec::new(),
        }
    }
}

impl<'a> NewCase<'a> {
    /// The case the lifecycle, queue and sweep tests open: Acme Corp's
    /// "Search results missing documents" in north-america, with contacts
    /// [`JANE`] and [`RAJ`], on `plan` at `severity`.
    pub fn with_jane_and_raj(plan: &'a str, severity: &'a str) -> Self {
        NewCase {
            title: "Search results missing documents",
            account: "Acme Corp",
            plan,
            severity,
            contacts: vec![JANE, RAJ],
            ..NewCase::default()
        }
    }

    /// `new --title ... --account ...` as arguments.
    pub fn args(&self) -> Vec<String> {
        // `--option=value`, so that values starting with a dash stay values.
        let mut args = vec![
            "new".to_string(),
            format!("--title={}", self.title),
            format!("--account={}", self.account),
            format!("--plan={}", self.plan),
            format!("--region={}", self.region),
            format!("--severity={}", self.severity),
            format!("--channel={}", self.channel),
        ];
        for contact in &self.contacts {
            args.push(format!("--contact={contact}"));
        }
        if let Some(language) = self.language {
            args.push(format!("--language={language}"));
        }
        for related in &self.related {
            args.push(format!("--related={related}"));
        }
        args
    }
}

/// The events that make a new case open and owned by `owner` at `at`: the
/// header edit and the history entry, for [`assign_by_hand`].
pub fn assigned_event(at: &str, owner: &str) -> String {
    format!("- at: {at}\n  event: assigned\n  by: {owner}\n  owner: {owner}\n")
}

/// Assigns case `number` to `owner` at `at` by editing its file the way the
/// (not yet available) `cases assign` command would: header and history.
pub fn assign_by_hand(env: &Env, number: u64, at: &str, owner: &str) {
    let file = case_file(number);
    env.edit(&file, |text| {
        assert!(text.contains("state: new\nowner: null\n"), "{file}: {text}");
        let text = text.replacen(
            "state: new\nowner: null\n",
            &format!("state: open\nowner: {owner}\n"),
            1,
        );
        text + &assigned_event(at, owner)
    });
}

/// A YAML scalar as text (`~` for null).
pub fn yaml_text(value: &Yaml) -> String {
    match value {
        Yaml::Null => "~".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Number(n) => n.to_string(),
        Yaml::String(s) => s.clone(),
        other => serde_yaml::to_string(other).expect("YAML"),
    }
}

/// The value of `key` in a stored event, as text (`~` when absent).
pub fn event_field(event: &Yaml, key: &str) -> String {
    yaml_text(&event[key])
}

/// The clocks named `name` in a `show --format json` value.
pub fn clocks_named<'a>(shown: &'a Json, name: &str) -> Vec<&'a Json> {
    shown["clocks"]
        .as_array()
        .expect("clocks is an array")
        .iter()
        .filter(|c| c["clock"] == name)
        .collect()
}

/// The (first) initial-response clock of a `show --format json` value.
pub fn initial_response(shown: &Json) -> &Json {
    clocks_named(shown, "initial-response")
        .first()
        .copied()
        .expect("an initial-response clock")
}

/// The clock `name` of escalation `escalation` (1-based; `None` for the
/// initial response) in a `show --format json` value; for several update
/// intervals, the `nth` (0-based).
pub fn clock<'a>(shown: &'a Json, name: &str, escalation: Option<u64>, nth: usize) -> &'a Json {
    let matching: Vec<&Json> = clocks_named(shown, name)
        .into_iter()
        .filter(|c| c["escalation"].as_u64() == escalation)
        .collect();
    matching.get(nth).copied().unwrap_or_else(|| {
        panic!(
            "no clock {name} #{escalation:?} [{nth}] in {}",
            serde_json::to_string_pretty(&shown["clocks"]).unwrap_or_default()
        )
    })
}

/// Asserts `actual` has everything `expected` has: objects may carry more
/// keys than expected (the JSON output may grow), arrays must have the same
/// length, and every other value must be equal.
#[track_caller]
pub fn assert_json_has(actual: &Json, expected: &Json) {
    if let Err(at) = json_has(actual, expected, String::from("$")) {
        panic!("JSON differs at {at}\nexpected (at least): {expected:#}\nactual: {actual:#}");
    }
}

fn json_has(actual: &Json, expected: &Json, at: String) -> Result<(), String> {
    match (actual, expected) {
        (Json::Object(actual), Json::Object(expected)) => {
            for (key, value) in expected {
                let here = format!("{at}.{key}");
                match actual.get(key) {
                    None => return Err(format!("{here} (missing)")),
                    Some(found) => json_has(found, value, here)?,
                }
            }
            Ok(())
        }
        (Json::Array(actual), Json::Array(expected)) => {
            if actual.len() != expected.len() {
                return Err(format!(
                    "{at} (length {} instead of {})",
                    actual.len(),
                    expected.len()
                ));
            }
            for (index, (found, value)) in actual.iter().zip(expected).enumerate() {
                json_has(found, value, format!("{at}[{index}]"))?;
            }
            Ok(())
        }
        _ if actual == expected => Ok(()),
        _ => Err(format!("{at} ({actual} instead of {expected})")),
    }
}
