//! Helpers for `tests/escalation.rs`: a throw-away working directory set up
//! by the real `cases init .` (so the default policy is the one `init`
//! writes), and a runner that always passes `--now` and `--actor` to the real
//! binary, with every inherited `CASES_*` variable removed.
//!
//! Every instant in these tests is written in UTC; the comments next to them
//! give the local time (America/Toronto is UTC-5 from November to March,
//! Etc/GMT is UTC).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// The actor of every run unless a test names another.
pub const ACTOR: &str = "alice";

/// The two contacts of every case opened by [`Desk::open`].
pub const CONTACT_ANN: &str = "Ann Lee <ann@acme.test>";
pub const CONTACT_BOB: &str = "Bob Roy <bob@acme.test>";

/// Monday 2026-11-23 09:05 America/Toronto (EST, UTC-5).
pub const MON_0905: &str = "2026-11-23T14:05:00Z";

/// The path of case `number` relative to the working directory.
pub fn case_path(number: u64) -> String {
    format!("cases/{:03}/{number}.yaml", number / 1000)
}

/// What one run of `cases` gave.
#[derive(Debug)]
pub struct Ran {
    pub args: Vec<String>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    fn describe(&self) -> String {
        format!(
            "cases {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Asserts the exit code.
    pub fn code(self, expected: i32) -> Ran {
        assert_eq!(
            self.code,
            expected,
            "unexpected exit code\n{}",
            self.describe()
        );
        self
    }

    /// Asserts exit 0.
    pub fn ok(self) -> Ran {
        self.code(0)
    }

    pub fn stdout_has(self, needle: &str) -> Ran {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stdout_lacks(self, needle: &str) -> Ran {
        assert!(
            !self.stdout.contains(needle),
            "stdout has {needle:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stderr_has(self, needle: &str) -> Ran {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        self
    }

    pub fn stderr_lacks(self, needle: &str) -> Ran {
        assert!(
            !self.stderr.contains(needle),
            "stderr has {needle:?}\n{}",
            self.describe()
        );
        self
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.describe()))
    }
}

/// A working directory initialised with `cases init .`.
pub struct Desk {
    dir: TempDir,
}

impl Desk {
    /// A new temporary directory with a store and the default policy.
    pub fn new() -> Desk {
        let dir = tempfile::Builder::new()
            .prefix("cases-escalation-")
            .tempdir()
            .expect("create a temporary directory");
        let desk = Desk { dir };
        desk.run(MON_0905, &["init", "."]).ok();
        assert!(desk.path("cases").is_dir(), "init creates cases/");
        assert!(
            desk.path("policy.yaml").is_file(),
            "init writes policy.yaml"
        );
        desk
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Runs `cases --now NOW --actor alice ARGS...`.
    pub fn run(&self, now: &str, args: &[&str]) -> Ran {
        self.run_as(ACTOR, now, args)
    }

    /// Runs `cases --now NOW --actor ACTOR ARGS...`.
    pub fn run_as(&self, actor: &str, now: &str, args: &[&str]) -> Ran {
        let mut command = Command::cargo_bin("cases").expect("the cases binary is built");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CASES_") {
                command.env_remove(&key);
            }
        }
        command
            .current_dir(self.root())
            .args(["--now", now, "--actor", actor])
            .args(args);
        let output = command.output().expect("run cases");
        Ran {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Opens a case on the plus plan with [`CONTACT_ANN`] and [`CONTACT_BOB`]
    /// and records a first response at the same instant, so that the
    /// initial-response clock is met and only escalation clocks can fail
    /// `sla --check`. Returns its number.
    pub fn open(&self, opened_at: &str, severity: &str, region: &str) -> u64 {
        let ran = self
            .run(
                opened_at,
                &[
                    "new",
                    "--title",
                    "Search results are stale",
                    "--account",
                    "Acme",
                    "--plan",
                    "plus",
                    "--region",
                    region,
                    "--severity",
                    severity,
                    "--channel",
                    "community",
                    "--contact",
                    CONTACT_ANN,
                    "--contact",
                    CONTACT_BOB,
                ],
            )
            .ok();
        let number: u64 = ran
            .stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("new prints a number\n{}", ran.describe()));
        self.run(
            opened_at,
            &["respond", &number.to_string(), "--message", "Looking"],
        )
        .ok();
        number
    }

    /// `escalate request N --by "Ann Lee" --role primary-contact --channel CHANNEL`.
    pub fn request(&self, number: u64, now: &str, channel: &str) -> Ran {
        self.request_as(number, now, channel, "primary-contact")
    }

    /// Like [`Desk::request`] with another role.
    pub fn request_as(&self, number: u64, now: &str, channel: &str, role: &str) -> Ran {
        self.run(
            now,
            &[
                "escalate",
                "request",
                &number.to_string(),
                "--by",
                "Ann Lee",
                "--role",
                role,
                "--channel",
                channel,
                "--justification",
                "Production search is degraded",
            ],
        )
    }

    /// `escalate <sub> N ARGS...`.
    pub fn escalate(&self, now: &str, sub: &str, number: u64, args: &[&str]) -> Ran {
        let number = number.to_string();
        let mut all = vec!["escalate", sub, number.as_str()];
        all.extend_from_slice(args);
        self.run(now, &all)
    }

    /// `show N --format json` at `now`.
    pub fn show(&self, number: u64, now: &str) -> Value {
        self.run(now, &["show", &number.to_string(), "--format", "json"])
            .ok()
            .json()
    }

    /// `sla --check` at `now`.
    pub fn sla_check(&self, now: &str) -> Ran {
        self.run(now, &["sla", "--check"])
    }

    /// The bytes of case `number`'s file.
    pub fn case_bytes(&self, number: u64) -> Vec<u8> {
        fs::read(self.path(&case_path(number))).expect("read the case file")
    }

    /// Every file under `cases/` but the lock file (`.lock`, which any
    /// writer may create), with its bytes.
    pub fn store_snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        fn walk(dir: &Path, base: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
            for entry in fs::read_dir(dir).expect("read a store directory") {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    walk(&path, base, into);
                } else {
                    let rel = path
                        .strip_prefix(base)
                        .expect("under the store")
                        .to_string_lossy()
                        .into_owned();
                    if rel != ".lock" {
                        into.insert(rel, fs::read(&path).expect("read a store file"));
                    }
                }
            }
        }
        let mut files = BTreeMap::new();
        let base = self.path("cases");
        walk(&base, &base, &mut files);
        files
    }

    /// Runs `run`, which must be refused: exit `code`, `fragment` on stderr
    /// (in one line for exit 3), and no byte of the store changed.
    pub fn assert_refused(&self, code: i32, fragment: &str, run: impl FnOnce(&Desk) -> Ran) -> Ran {
        let before = self.store_snapshot();
        let ran = run(self).code(code).stderr_has(fragment);
        // The policy's and the lifecycle's refusals (exit 3) say why in one
        // line; usage errors may come from the argument parser with its hints.
        if code == 3 {
            assert_eq!(
                ran.stderr.lines().count(),
                1,
                "a refusal says why in one line\n{}",
                ran.describe()
            );
        }
        let after = self.store_snapshot();
        assert!(
            before == after,
            "a refused command changed the store\n{}",
            ran.describe()
        );
        ran
    }

    /// The number of the cases `list ARGS --format json` lists at `now`.
    pub fn list_numbers(&self, now: &str, args: &[&str]) -> Vec<u64> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json"]);
        let listed = self.run(now, &all).ok().json();
        listed
            .as_array()
            .expect("list prints an array")
            .iter()
            .map(|c| c["number"].as_u64().expect("a number"))
            .collect()
    }
}

/// The clock `name` of escalation `escalation` (1-based; `None` for the
/// initial response) in a `show --format json` value; for several update
/// intervals, the `nth` (0-based).
pub fn clock<'a>(shown: &'a Value, name: &str, escalation: Option<u64>, nth: usize) -> &'a Value {
    let matching: Vec<&Value> = shown["clocks"]
        .as_array()
        .expect("clocks is an array")
        .iter()
        .filter(|c| c["clock"] == name && c["escalation"].as_u64() == escalation)
        .collect();
    matching.get(nth).copied().unwrap_or_else(|| {
        panic!(
            "no clock {name} #{escalation:?} [{nth}] in {}",
            serde_json::to_string_pretty(&shown["clocks"]).unwrap_or_default()
        )
    })
}

/// The clocks named `name` in a `show --format json` value.
pub fn clocks_named<'a>(shown: &'a Value, name: &str) -> Vec<&'a Value> {
    shown["clocks"]
        .as_array()
        .expect("clocks is an array")
        .iter()
        .filter(|c| c["clock"] == name)
        .collect()
}
