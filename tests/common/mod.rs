//! Shared helpers for the integration tests: a throw-away working directory
//! with a store and a policy, and a small builder that runs the real `cases`
//! binary in it with a fixed clock and actor.
//!
//! ```ignore
//! let env = Env::new();
//! env.run(&["new", "--title", "..."]).now("2026-11-23T14:05:00Z").actor("alice").ok();
//! ```
//!
//! Every run starts from a clean environment as far as `cases` is concerned:
//! `CASES_STORE`, `CASES_POLICY`, `CASES_NOW` and `CASES_ACTOR` are removed
//! from the inherited environment, `CASES_NOW` and `CASES_ACTOR` are then set
//! (to [`T0`] and `alice` unless a test says otherwise), and the command runs
//! with the temporary directory as its working directory.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// The repository's `policy.yaml`, which is also the embedded default.
pub const DEFAULT_POLICY: &str = include_str!("../../policy.yaml");

/// Monday 2026-11-23 09:05 in Toronto (EST, UTC-5).
pub const T0: &str = "2026-11-23T14:05:00Z";

/// The actor every run uses unless told otherwise.
pub const ACTOR: &str = "alice";

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

/// A temporary working directory for one test.
pub struct Env {
    dir: TempDir,
}

impl Env {
    /// A working directory with an empty store `cases/` and the default
    /// `policy.yaml`.
    pub fn new() -> Env {
        Env::with_policy(DEFAULT_POLICY)
    }

    /// A working directory with an empty store and this `policy.yaml`.
    pub fn with_policy(policy: &str) -> Env {
        let env = Env::empty();
        env.mkdir("cases");
        env.write("policy.yaml", policy);
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

    pub fn mkdir(&self, rel: &str) {
        fs::create_dir_all(self.path(rel)).unwrap_or_else(|e| panic!("mkdir {rel}: {e}"));
    }

    /// Writes `contents` to `rel`, creating its directory.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir for {rel}: {e}"));
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
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
        }
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
}

/// Files (with their bytes) and directories (with `None`) by relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub entries: BTreeMap<String, Option<Vec<u8>>>,
}

impl Snapshot {
    /// The paths added, removed or changed between `self` and `later`.
    pub fn differences(&self, later: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        for (path, bytes) in &self.entries {
            match later.entries.get(path) {
                None => out.push(format!("removed {path}")),
                Some(now) if now != bytes => out.push(format!("changed {path}")),
                Some(_) => {}
            }
        }
        for path in later.entries.keys() {
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

/// One invocation of the binary, built up before it runs.
pub struct Run<'a> {
    env: &'a Env,
    args: Vec<String>,
    now: Option<String>,
    actor: Option<String>,
    vars: Vec<(String, String)>,
}

impl Run<'_> {
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

    /// Sets an environment variable for this run.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.vars.push((key.to_string(), value.to_string()));
        self
    }

    /// Runs the command and returns what happened, asserting nothing.
    pub fn output(self) -> Output {
        let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_cases"));
        command.current_dir(self.env.root());
        for var in ["CASES_STORE", "CASES_POLICY", "CASES_NOW", "CASES_ACTOR"] {
            command.env_remove(var);
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
        let output = command.output().expect("run the cases binary");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            command: format!(
                "CASES_NOW={} CASES_ACTOR={} {}cases {}",
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
            ),
        }
    }

    /// Runs the command and asserts its exit code.
    #[track_caller]
    pub fn code(self, expected: i32) -> Output {
        let out = self.output();
        assert_eq!(
            out.code, expected,
            "exit code of `{}`\n--- stdout\n{}--- stderr\n{}",
            out.command, out.stdout, out.stderr
        );
        out
    }

    /// Runs the command and asserts it succeeded.
    #[track_caller]
    pub fn ok(self) -> Output {
        self.code(0)
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

impl Output {
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

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
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
pub struct NewCase {
    pub title: &'static str,
    pub account: &'static str,
    pub plan: &'static str,
    pub region: &'static str,
    pub severity: &'static str,
    pub channel: &'static str,
    pub contacts: Vec<&'static str>,
    pub language: Option<&'static str>,
    pub related: Vec<&'static str>,
}

impl Default for NewCase {
    fn default() -> Self {
        NewCase {
            title: "Search is slow",
            account: "acme",
            plan: "premium",
            region: "north-america",
            severity: "2",
            channel: "community",
            contacts: vec!["Jane Doe <jane@acme.example>"],
            language: None,
            related: Vec::new(),
        }
    }
}

impl NewCase {
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

/// Asserts `actual` has everything `expected` has: objects may carry more
/// keys than expected (the JSON output may grow), arrays must have the same
/// length, and every other value must be equal.
#[track_caller]
pub fn assert_json_has(actual: &serde_json::Value, expected: &serde_json::Value) {
    if let Err(at) = json_has(actual, expected, String::from("$")) {
        panic!("JSON differs at {at}\nexpected (at least): {expected:#}\nactual: {actual:#}");
    }
}

fn json_has(
    actual: &serde_json::Value,
    expected: &serde_json::Value,
    at: String,
) -> Result<(), String> {
    use serde_json::Value;
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (key, value) in expected {
                let here = format!("{at}.{key}");
                match actual.get(key) {
                    None => return Err(format!("{here} (missing)")),
                    Some(found) => json_has(found, value, here)?,
                }
            }
            Ok(())
        }
        (Value::Array(actual), Value::Array(expected)) => {
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
