//! Self-contained support for the lifecycle, queue and sweep integration
//! tests: a temporary directory holding a store made by `cases init .` (so
//! `cases/` and the default `policy.yaml`), and helpers that run the real
//! binary in it with an explicit `--now` and `--actor` and a clean
//! environment (no inherited `CASES_*` variable).
//!
//! Used with `mod lifecycle_support;` from `tests/lifecycle.rs`,
//! `tests/queue.rs` and `tests/sweep.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;
use tempfile::TempDir;

/// The product specialist acting unless a test says otherwise.
pub const ACTOR: &str = "alice";

/// The contacts every case is opened with, in order.
pub const JANE: &str = "Jane Doe <jane@acme.example>";
pub const RAJ: &str = "Raj Patel <raj@acme.example>";

/// What one run of the binary gave.
#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics unless the run exited 0; returns it for more checks.
    pub fn success(self) -> Run {
        assert_eq!(self.code, 0, "expected success:\n{self}");
        self
    }

    /// Panics unless the run exited with `code`.
    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}:\n{self}");
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "$ cases {}\nexit: {}\n--- stdout\n{}--- stderr\n{}---",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }
}

/// Options of `cases new` beyond the defaults of [`Store::open`].
#[derive(Debug, Clone)]
pub struct NewCase<'a> {
    pub title: &'a str,
    pub plan: &'a str,
    pub region: &'a str,
    pub severity: &'a str,
    pub contacts: Vec<&'a str>,
    pub related: Option<u64>,
}

impl<'a> NewCase<'a> {
    /// A north-america case with the two default contacts.
    pub fn new(plan: &'a str, severity: &'a str) -> Self {
        NewCase {
            title: "Search results missing documents",
            plan,
            region: "north-america",
            severity,
            contacts: vec![JANE, RAJ],
            related: None,
        }
    }

    pub fn title(mut self, title: &'a str) -> Self {
        self.title = title;
        self
    }
}

/// A temporary directory holding `cases/` and `policy.yaml`, made by
/// `cases init .`; removed when dropped.
pub struct Store {
    dir: TempDir,
}

impl Store {
    /// Runs `cases init .` in a fresh temporary directory.
    pub fn init() -> Store {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store { dir };
        store.run("2026-01-01T00:00:00Z", &["init", "."]).success();
        assert!(store.root().join("cases").is_dir(), "init made no cases/");
        assert!(
            store.root().join("policy.yaml").is_file(),
            "init wrote no policy.yaml"
        );
        store
    }

    /// The directory holding `cases/` and `policy.yaml` (the current
    /// directory of every run).
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `cases --now NOW --actor ACTOR ARGS...` as [`ACTOR`].
    pub fn run(&self, now: &str, args: &[&str]) -> Run {
        self.run_as(ACTOR, now, args)
    }

    /// Runs `cases --now NOW --actor ACTOR ARGS...`.
    pub fn run_as(&self, actor: &str, now: &str, args: &[&str]) -> Run {
        let mut all: Vec<String> = vec!["--now".into(), now.into(), "--actor".into(), actor.into()];
        all.extend(args.iter().map(|a| a.to_string()));
        let mut command = Command::new(assert_cmd::cargo::cargo_bin!("cases"));
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CASES_") {
                command.env_remove(&key);
            }
        }
        let output = command
            .args(&all)
            .current_dir(self.root())
            // Keep git (run by `init`) away from the user's configuration.
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.root())
            .output()
            .expect("run the cases binary");
        Run {
            args: all,
            code: output.status.code().expect("exit code (not a signal)"),
            stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
            stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
        }
    }

    /// Runs a command that must succeed, as [`ACTOR`].
    pub fn ok(&self, now: &str, args: &[&str]) -> Run {
        self.run(now, args).success()
    }

    /// Runs a command that must succeed, as `actor`.
    pub fn ok_as(&self, actor: &str, now: &str, args: &[&str]) -> Run {
        self.run_as(actor, now, args).success()
    }

    /// Opens a case with `cases new` at `now` and returns its number.
    pub fn open(&self, now: &str, case: NewCase) -> u64 {
        let mut args = vec![
            "new",
            "--title",
            case.title,
            "--account",
            "Acme Corp",
            "--plan",
            case.plan,
            "--region",
            case.region,
            "--severity",
            case.severity,
            "--channel",
            "community",
        ];
        for contact in &case.contacts {
            args.push("--contact");
            args.push(contact);
        }
        let related = case.related.map(|n| n.to_string());
        if let Some(related) = &related {
            args.push("--related");
            args.push(related);
        }
        let run = self.ok(now, &args);
        run.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("`cases new` printed no number:\n{run}"))
    }

    /// The file of case `number` (`cases/001/1042.yaml`).
    pub fn case_file(&self, number: u64) -> PathBuf {
        self.root()
            .join("cases")
            .join(format!("{:03}", number / 1000))
            .join(format!("{number}.yaml"))
    }

    /// The bytes of case `number`'s file.
    pub fn bytes(&self, number: u64) -> Vec<u8> {
        fs::read(self.case_file(number))
            .unwrap_or_else(|e| panic!("read {}: {e}", self.case_file(number).display()))
    }

    /// Case `number`'s file, parsed.
    pub fn yaml(&self, number: u64) -> Yaml {
        serde_yaml::from_slice(&self.bytes(number)).expect("case file is YAML")
    }

    /// The events of case `number`'s history, as stored.
    pub fn history(&self, number: u64) -> Vec<Yaml> {
        self.yaml(number)["history"]
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
        yaml_text(&self.yaml(number)[key])
    }

    /// `cases show N --format json` at `now`.
    pub fn show(&self, number: u64, now: &str) -> Json {
        let run = self.ok(now, &["show", &number.to_string(), "--format", "json"]);
        serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("show printed invalid JSON ({e}):\n{run}"))
    }

    /// Every file under `cases/` but the lock file, with its bytes.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(dir: &Path, into: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in fs::read_dir(dir).expect("read store directory") {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    walk(&path, into);
                } else if path.file_name().is_some_and(|n| n != ".lock") {
                    let bytes = fs::read(&path).expect("read store file");
                    into.insert(path, bytes);
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(&self.root().join("cases"), &mut files);
        files
    }

    /// Runs a command that the lifecycle or the policy must refuse: exit
    /// 3, nothing on stdout, exactly one line on stderr that contains every
    /// fragment, and every file of the store unchanged byte for byte.
    pub fn refused(&self, actor: &str, now: &str, args: &[&str], fragments: &[&str]) -> Run {
        self.rejected(3, actor, now, args, fragments)
    }

    /// Like [`Store::refused`] with another exit code (2: invalid input).
    pub fn rejected(
        &self,
        code: i32,
        actor: &str,
        now: &str,
        args: &[&str],
        fragments: &[&str],
    ) -> Run {
        let before = self.snapshot();
        let run = self.run_as(actor, now, args).code(code);
        assert_eq!(run.stdout, "", "a refusal prints nothing on stdout:\n{run}");
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "a refusal says why in one line:\n{run}"
        );
        for fragment in fragments {
            assert!(
                run.stderr.contains(fragment),
                "stderr lacks {fragment:?}:\n{run}"
            );
        }
        let after = self.snapshot();
        assert_eq!(
            before.keys().collect::<Vec<_>>(),
            after.keys().collect::<Vec<_>>(),
            "a refusal added or removed files:\n{run}"
        );
        for (path, bytes) in &before {
            assert!(
                after[path] == *bytes,
                "a refusal changed {}:\n{run}",
                path.display()
            );
        }
        run
    }
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

/// The initial-response clock of a `show --format json` document.
pub fn initial_response(show: &Json) -> &Json {
    show["clocks"]
        .as_array()
        .expect("clocks[]")
        .iter()
        .find(|c| c["clock"] == "initial-response")
        .expect("an initial-response clock")
}
