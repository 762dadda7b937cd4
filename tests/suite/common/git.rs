//! Real git repositories for the git tests: a temporary world holding a bare
//! origin (`git init --bare -b main`), a seed clone that ran `cases init .`
//! and pushed, and any number of clones that each ran `cases git-setup`
//! (the merge driver lives in each clone's `.git/config`).
//!
//! Nothing from the machine leaks in: every `git` and `cases` run gets a
//! fresh environment as far as they care (every inherited `CASES_*` and
//! `GIT_*` variable removed, `GIT_CONFIG_NOSYSTEM=1`, `HOME` and
//! `XDG_CONFIG_HOME` in the world with a `.gitconfig` naming the committer,
//! `LC_ALL=C` so git speaks English). Every `cases` run passes `--now` and
//! `--actor` as options, not through `CASES_NOW` and `CASES_ACTOR` as
//! [`super::Env::run`] does, so no process it starts (git, and the merge
//! driver git starts) inherits them.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use super::{execute, isolate, read_text, write_file, NewCase, Output, BIN};

/// The committer every clone's git uses (from `$HOME/.gitconfig`).
pub const COMMITTER_NAME: &str = "Test Committer";
pub const COMMITTER_EMAIL: &str = "committer@example.test";

/// Seconds since the epoch of an RFC 3339 instant.
pub fn epoch(instant: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(instant)
        .unwrap_or_else(|e| panic!("{instant}: {e}"))
        .timestamp()
}

/// A temporary directory with a home, a bare origin and a seeded store.
pub struct World {
    dir: TempDir,
}

impl World {
    /// A bare origin with `main`, seeded by a clone that ran `cases init .`,
    /// committed everything and pushed.
    pub fn new() -> World {
        let dir = tempfile::Builder::new()
            .prefix("cases-git-test-")
            .tempdir()
            .expect("create a temporary directory");
        let world = World { dir };
        let home = world.home();
        fs::create_dir_all(home.join(".config")).expect("create the home directory");
        fs::write(
            home.join(".gitconfig"),
            format!(
                "[user]\n\tname = {COMMITTER_NAME}\n\temail = {COMMITTER_EMAIL}\n\
                 [init]\n\tdefaultBranch = main\n\
                 [advice]\n\tdetachedHead = false\n\tskippedCherryPicks = false\n"
            ),
        )
        .expect("write .gitconfig");
        world
            .at("")
            .git_ok(&["init", "--quiet", "--bare", "-b", "main", "origin.git"]);
        world
            .at("")
            .git_ok(&["clone", "--quiet", "origin.git", "seed"]);
        let seed = world.at("seed");
        seed.cases(&["init", "."], "2026-11-23T12:00:00Z", "setup")
            .ok();
        seed.git_ok(&["add", "--all"]);
        seed.git_ok(&["commit", "--quiet", "-m", "cases init"]);
        seed.git_ok(&["push", "--quiet", "origin", "HEAD:main"]);
        world
    }

    /// The world's top directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `$HOME` of every run.
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// The bare origin.
    pub fn origin(&self) -> PathBuf {
        self.root().join("origin.git")
    }

    /// A directory of the world (created if missing), to run commands in.
    pub fn at(&self, name: &str) -> Repo<'_> {
        let dir = self.root().join(name);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        Repo { world: self, dir }
    }

    /// A clone of the origin named `name` that ran `cases git-setup`.
    pub fn clone(&self, name: &str) -> Repo<'_> {
        self.at("")
            .git_ok(&["clone", "--quiet", "origin.git", name]);
        let repo = self.at(name);
        repo.cases(&["git-setup"], "2026-11-23T12:00:00Z", "setup")
            .ok();
        repo
    }
}

/// A directory (usually a clone) in which `git` and `cases` run.
pub struct Repo<'w> {
    world: &'w World,
    dir: PathBuf,
}

/// Removes what the machine's environment could change and sets what the
/// tests rely on: [`isolate`] with the world's home, and no inherited `GIT_*`
/// variable.
fn isolate_in(command: &mut Command, world: &World) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GIT_") {
            command.env_remove(&key);
        }
    }
    isolate(command, &world.home());
    command
        .env("XDG_CONFIG_HOME", world.home().join(".config"))
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .env("LANG", "C");
}

impl Repo<'_> {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    pub fn read(&self, rel: &str) -> String {
        read_text(&self.path(rel))
    }

    /// Writes `contents` to `rel`, creating its directory.
    pub fn write(&self, rel: &str, contents: &str) {
        write_file(&self.path(rel), contents);
    }

    fn run(&self, program: &str, args: &[&str], shown: String) -> Output {
        let mut command = Command::new(program);
        command.current_dir(&self.dir).args(args);
        isolate_in(&mut command, self.world);
        execute(&mut command, format!("(in {}) {shown}", self.dir.display()))
    }

    /// `cases --now NOW --actor ACTOR args...`, asserting nothing.
    pub fn cases(&self, args: &[&str], now: &str, actor: &str) -> Output {
        let mut all = vec!["--now", now, "--actor", actor];
        all.extend_from_slice(args);
        let shown = format!("cases {}", quoted(&all));
        self.run(BIN, &all, shown)
    }

    /// `git args...`, asserting nothing.
    pub fn git(&self, args: &[&str]) -> Output {
        self.run("git", args, format!("git {}", quoted(args)))
    }

    /// `git args...`, asserting success; returns stdout.
    #[track_caller]
    pub fn git_ok(&self, args: &[&str]) -> String {
        self.git(args).ok().stdout.clone()
    }

    /// `git pull --no-rebase --no-edit` from the origin.
    pub fn pull(&self) -> Output {
        self.git(&["pull", "--no-rebase", "--no-edit"])
    }

    /// `git push --quiet` to the origin's `main`, asserting success.
    #[track_caller]
    pub fn push(&self) {
        self.git_ok(&["push", "--quiet", "origin", "HEAD:main"]);
    }

    /// The full hash of `revision`.
    #[track_caller]
    pub fn rev(&self, revision: &str) -> String {
        self.git_ok(&["rev-parse", revision]).trim().to_string()
    }

    /// `git log -1 --format=FORMAT REVISION`, trimmed of its newline.
    #[track_caller]
    pub fn log1(&self, format: &str, revision: &str) -> String {
        let out = self.git_ok(&["log", "-1", &format!("--format={format}"), revision]);
        out.strip_suffix('\n').unwrap_or(&out).to_string()
    }

    /// The files `revision` changed, as `git show --name-only` lists them.
    #[track_caller]
    pub fn files_of(&self, revision: &str) -> Vec<String> {
        self.git_ok(&["show", "--name-only", "--format=", revision])
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// `git status --porcelain`, one entry a line.
    #[track_caller]
    pub fn status(&self) -> Vec<String> {
        self.git_ok(&["status", "--porcelain"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Opens a severity 2 `plus` case in `emea` (Etc/GMT, so local times are
    /// UTC) with the given title and contact, asserting success; returns
    /// its number.
    #[track_caller]
    pub fn open(&self, title: &str, contact: &str, now: &str, actor: &str, commit: bool) -> u64 {
        let case = NewCase {
            title,
            plan: "plus",
            region: "emea",
            contacts: vec![contact],
            ..NewCase::default()
        };
        let mut args = case.args();
        if commit {
            args.push("--commit".to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.cases(&args, now, actor).ok().clone();
        out.stdout
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("`cases new` printed {:?}, not a number", out.stdout))
    }
}

fn quoted(args: &[&str]) -> String {
    args.iter()
        .map(|a| {
            if a.is_empty() || a.contains([' ', '"', '\'', '<', '>']) {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The entries of a case file's `history:` list, each as its YAML text
/// (`- at: ...` up to the next entry).
pub fn history_items(text: &str) -> Vec<String> {
    let (_, history) = text
        .split_once("\nhistory:\n")
        .unwrap_or_else(|| panic!("no history in:\n{text}"));
    let mut items: Vec<String> = Vec::new();
    for line in history.lines() {
        if line.starts_with("- ") || items.is_empty() {
            items.push(String::new());
        }
        let item = items.last_mut().expect("an item");
        item.push_str(line);
        item.push('\n');
    }
    items
}

/// Asserts `text` holds no git conflict marker.
#[track_caller]
pub fn assert_no_conflict_markers(text: &str) {
    for marker in ["<<<<<<<", "=======", ">>>>>>>", "|||||||"] {
        assert!(
            !text.lines().any(|l| l.starts_with(marker)),
            "conflict marker {marker} in:\n{text}"
        );
    }
}

/// Asserts every history entry of each of `sides` is in `merged`, and that
/// `merged` holds nothing else and no entry twice.
#[track_caller]
pub fn assert_every_event_kept(merged: &str, sides: &[&str]) {
    let merged_items = history_items(merged);
    let mut union: Vec<String> = Vec::new();
    for side in sides {
        for item in history_items(side) {
            assert!(
                merged_items.contains(&item),
                "the merged file lost the event\n{item}\n--- merged\n{merged}"
            );
            if !union.contains(&item) {
                union.push(item);
            }
        }
    }
    let mut sorted_merged = merged_items.clone();
    sorted_merged.sort();
    sorted_merged.dedup();
    assert_eq!(
        sorted_merged.len(),
        merged_items.len(),
        "an event is twice in:\n{merged}"
    );
    assert_eq!(
        merged_items.len(),
        union.len(),
        "the merged file holds events neither side had:\n{merged}"
    );
}
