//! git at the edge: the merge-driver setup, one commit per mutating command,
//! a case file's commit log, and the two sides of a conflicted file. Every
//! call runs the `git` program in the store's working tree.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::store::safe_open::{self, Kind};

mod commit;
mod index;

/// The name of the merge driver in `.gitattributes` and git config.
pub const MERGE_DRIVER: &str = "cases";

/// A git failure, with what git said.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git {command}: {message}")]
pub struct GitError {
    pub command: String,
    pub message: String,
}

/// How a path is left unmerged by git.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmerged {
    /// Both sides changed it (`UU`) and no merge driver resolved it.
    BothModified,
    /// Both sides added it (`AA`): for a case, two clones opened one number.
    BothAdded,
    /// Changed here, deleted on the other side (`UD`).
    DeletedByThem,
    /// Deleted here, changed on the other side (`DU`).
    DeletedByUs,
    /// Added on one side only, or deleted on both.
    Other,
}

/// One commit that touched a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub hash: String,
    pub author: String,
    /// Author date, RFC 3339 as git prints it (`%aI`).
    pub date: String,
}

/// git run in one directory.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
    /// The work tree's top with links resolved, asked of git once.
    top: std::cell::OnceCell<Option<PathBuf>>,
}

impl Git {
    /// git run from `dir` (any directory inside the work tree).
    pub fn at(dir: impl Into<PathBuf>) -> Git {
        Git {
            dir: dir.into(),
            top: std::cell::OnceCell::new(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command.args(args).current_dir(&self.dir);
        command
    }

    fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let output = self.run_with(args, &[], b"")?;
        Ok(String::from_utf8_lossy(&output).into_owned())
    }

    /// Runs git with `args` and the environment variables `envs`, `input`
    /// on its standard input; what it printed, as bytes.
    fn run_with(
        &self,
        args: &[&str],
        envs: &[(&str, &str)],
        input: &[u8],
    ) -> Result<Vec<u8>, GitError> {
        use std::io::Write;
        use std::process::Stdio;
        // The command git is asked for, past any `-c key=value`.
        let named = args
            .iter()
            .zip(std::iter::once(&"").chain(args.iter()))
            .find(|(arg, before)| !arg.starts_with('-') && **before != "-c")
            .map_or("", |(arg, _)| *arg);
        let failure = |message: String| GitError {
            command: named.to_string(),
            message,
        };
        let mut child = self
            .command(args)
            .envs(envs.iter().copied())
            .stdin(if input.is_empty() {
                Stdio::null()
            } else {
                Stdio::piped()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failure(format!("cannot run git: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            // git reads all of its input before it answers, and it is small
            // (a tree listing, a message): no deadlock on a full pipe.
            stdin
                .write_all(input)
                .map_err(|e| failure(format!("cannot write to git: {e}")))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|e| failure(format!("cannot run git: {e}")))?;
        if !output.status.success() {
            return Err(failure(what_git_said(&String::from_utf8_lossy(
                &output.stderr,
            ))));
        }
        Ok(output.stdout)
    }

    /// True when `dir` is inside a git work tree.
    pub fn is_repository(&self) -> bool {
        self.run(&["rev-parse", "--is-inside-work-tree"]).is_ok()
    }

    /// The work tree's top directory.
    pub fn toplevel(&self) -> Result<PathBuf, GitError> {
        Ok(PathBuf::from(
            self.run(&["rev-parse", "--show-toplevel"])?.trim(),
        ))
    }

    /// Assigns case files under `store` the `cases` merge driver in the
    /// repository's `.gitattributes` and registers the driver, run as
    /// `program merge-file %O %A %B`, in the repository's git config.
    pub fn setup_merge_driver(&self, store: &Path, program: &Path) -> Result<PathBuf, GitError> {
        let top = self.toplevel()?;
        let store = fs::canonicalize(store).map_err(|e| GitError {
            command: "setup".into(),
            message: format!("{}: {e}", store.display()),
        })?;
        let top = fs::canonicalize(&top).unwrap_or(top);
        let relative = store.strip_prefix(&top).map_err(|_| GitError {
            command: "setup".into(),
            message: format!(
                "store {} is not inside the repository {}",
                store.display(),
                top.display()
            ),
        })?;
        let line = attribute_line(relative);
        let attributes = top.join(".gitattributes");
        let setup_error = |message: String| GitError {
            command: "setup".into(),
            message,
        };
        let existing = match safe_open::read_text(&attributes, Kind::Attributes) {
            Ok(text) => text,
            Err(e) if e.is_not_found() => String::new(),
            Err(e) if matches!(e.problem, safe_open::Problem::Link { .. }) => {
                return Err(setup_error(format!(
                    "{} is a symbolic link; cases does not write through links (git ignores a linked .gitattributes too): replace it with a regular file",
                    attributes.display()
                )))
            }
            Err(e) => return Err(setup_error(e.to_string())),
        };
        if !existing.lines().any(|l| l.trim() == line) {
            let mut text = existing;
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&line);
            text.push('\n');
            // Renamed into place: a link or FIFO put there since is
            // replaced, never written through.
            crate::store::atomic::write_atomically(&attributes, text.as_bytes())
                .map_err(|e| setup_error(e.to_string()))?;
        }
        self.run(&[
            "config",
            "merge.cases.name",
            "cases: structured merge of case files",
        ])?;
        let driver = format!(
            "'{}' merge-file %O %A %B",
            program.display().to_string().replace('\'', "'\\''")
        );
        self.run(&["config", "merge.cases.driver", &driver])?;
        Ok(attributes)
    }

    /// Stages `paths` (marks a conflicted file resolved).
    pub fn add(&self, paths: &[&Path]) -> Result<(), GitError> {
        let path_args = absolute_paths(paths);
        let mut add = vec!["add", "--"];
        add.extend(path_args.iter().map(String::as_str));
        self.run(&add).map(|_| ())
    }

    /// Line-merges `theirs` into `ours` with conflict markers, as git does
    /// without a driver (`git merge-file`); true when it merged cleanly.
    pub fn merge_file_lines(&self, ours: &Path, base: &Path, theirs: &Path) -> bool {
        self.command(&["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
            .arg(ours)
            .arg(base)
            .arg(theirs)
            .status()
            .is_ok_and(|status| status.success())
    }

    /// The unmerged paths under this directory (what a merge left in
    /// conflict), relative to it, with how they conflict; `None` outside a
    /// git work tree. Reads the index only, never the work tree: itself,
    /// a record at a time, to see that every entry is merged (the answer
    /// almost always), else with `git ls-files -u`, which holds the whole
    /// index in memory.
    pub fn unmerged(&self) -> Option<Vec<(PathBuf, Unmerged)>> {
        if self.index_stages() == index::Stages::AllMerged {
            return Some(Vec::new());
        }
        let text = self.run(&["ls-files", "-u", "-z", "--", "."]).ok()?;
        let mut stages: std::collections::BTreeMap<PathBuf, [bool; 3]> = Default::default();
        for record in text.split('\0').filter(|r| !r.is_empty()) {
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let stage = meta
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse::<usize>().ok());
            if let Some(stage @ 1..=3) = stage {
                stages.entry(PathBuf::from(path)).or_default()[stage - 1] = true;
            }
        }
        Some(
            stages
                .into_iter()
                .map(|(path, [base, ours, theirs])| {
                    let how = match (base, ours, theirs) {
                        (true, true, true) => Unmerged::BothModified,
                        (false, true, true) => Unmerged::BothAdded,
                        (true, true, false) => Unmerged::DeletedByThem,
                        (true, false, true) => Unmerged::DeletedByUs,
                        _ => Unmerged::Other,
                    };
                    (path, how)
                })
                .collect(),
        )
    }

    /// What the repository's index holds, read by [`index`]: `Unknown`
    /// outside a work tree or when git does not say where the index is
    /// and how its objects are named.
    fn index_stages(&self) -> index::Stages {
        use std::os::unix::ffi::OsStrExt;
        let asked = [
            "rev-parse",
            "--is-inside-work-tree",
            "--git-path",
            "index",
            "--show-object-format",
        ];
        let Ok(printed) = self.run_with(&asked, &[], b"") else {
            return index::Stages::Unknown;
        };
        // The path as bytes: one that is not UTF-8 is read as it is.
        let mut lines = printed.split(|&b| b == b'\n');
        let (Some(b"true"), Some(path), Some(format)) = (lines.next(), lines.next(), lines.next())
        else {
            return index::Stages::Unknown;
        };
        let hash_bytes = match format {
            b"sha1" => 20,
            b"sha256" => 32,
            _ => return index::Stages::Unknown,
        };
        // git prints the path relative to where it ran.
        let path = self.dir.join(std::ffi::OsStr::from_bytes(path));
        index::unmerged_entries(&path, hash_bytes)
    }

    /// Reads a boolean git config value.
    pub fn config_bool(&self, key: &str) -> Option<bool> {
        self.run(&["config", "--bool", key])
            .ok()
            .map(|v| v.trim() == "true")
    }

    /// Commits exactly `paths` (nothing else that is staged) with `message`,
    /// authored by `author` at `author_date` (the command's `--now`), as
    /// `git commit --only -- paths` would. Returns the new commit's hash.
    ///
    /// No local hook runs (pre-commit, prepare-commit-msg, commit-msg,
    /// post-commit, ...): a hook of the clone must not change or refuse
    /// what the store recorded. Enforce rules on the server instead. The
    /// commit is built with plumbing ([`commit`]); only a repository
    /// without a first commit goes through `git commit`.
    pub fn commit_paths(
        &self,
        paths: &[&Path],
        message: &str,
        author: &str,
        author_email: &str,
        author_date: chrono::DateTime<chrono::Utc>,
    ) -> Result<String, GitError> {
        let date_arg = author_date.format("%Y-%m-%dT%H:%M:%S+0000").to_string();
        // No committer identity configured: the actor commits too.
        let identity: Vec<String> = if self.run(&["config", "user.name"]).is_err() {
            vec![
                "-c".into(),
                format!("user.email={author_email}"),
                "-c".into(),
                format!("user.name={author}"),
            ]
        } else {
            Vec::new()
        };
        let author_parts = (author, author_email, date_arg.as_str());
        if let Some(hash) = self.commit_by_plumbing(paths, message, &identity, author_parts)? {
            return Ok(hash);
        }
        let path_args = absolute_paths(paths);
        let mut add = vec!["add", "--"];
        add.extend(path_args.iter().map(String::as_str));
        self.run(&add)?;
        let author_arg = format!("{author} <{author_email}>");
        let mut commit: Vec<&str> = identity.iter().map(String::as_str).collect();
        // `-- paths` commits those paths only (`--only`), whatever else is
        // staged.
        commit.extend([
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "--quiet",
            "--only",
            "-m",
            message,
            "--author",
            &author_arg,
            "--date",
            &date_arg,
            "--",
        ]);
        commit.extend(path_args.iter().map(String::as_str));
        self.run(&commit)?;
        Ok(self.run(&["rev-parse", "HEAD"])?.trim().to_string())
    }

    /// The commits that touched `path`, oldest first, on every line of
    /// history merged in: with `--full-history`, a merge that kept one
    /// side's version of the file does not hide the other side's commits.
    pub fn log_file(&self, path: &Path) -> Result<Vec<Commit>, GitError> {
        let path = absolute_paths(&[path]).remove(0);
        let text = self.run(&[
            "log",
            "--reverse",
            "--full-history",
            "--format=%H%x1f%an%x1f%aI",
            "--",
            &path,
        ])?;
        Ok(text
            .lines()
            .filter_map(|line| {
                let mut parts = line.split('\u{1f}');
                Some(Commit {
                    hash: parts.next()?.to_string(),
                    author: parts.next()?.to_string(),
                    date: parts.next()?.to_string(),
                })
            })
            .collect())
    }

    /// The content of `path` at `revision` (`HEAD`, a hash, or `:2` for a
    /// conflict stage); `None` when it did not exist there.
    pub fn show(&self, revision: &str, path: &Path) -> Option<String> {
        let relative = self.relative_to_top(path)?;
        self.run(&["show", &format!("{revision}:{}", relative.display())])
            .ok()
    }

    /// `path` relative to the work tree's top (for `rev:path` arguments).
    fn relative_to_top(&self, path: &Path) -> Option<PathBuf> {
        let top = self
            .top
            .get_or_init(|| {
                let top = self.toplevel().ok()?;
                Some(fs::canonicalize(&top).unwrap_or(top))
            })
            .as_deref()?;
        let absolute = std::path::absolute(path).ok()?;
        // Resolve symbolic links in the directory part, which exists.
        let absolute = match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => fs::canonicalize(parent).ok()?.join(name),
            _ => absolute,
        };
        absolute.strip_prefix(top).ok().map(Path::to_path_buf)
    }
}

/// The `.gitattributes` line giving the case files of the store at
/// `relative` (to the work tree's top) the merge driver. The directory part
/// has its glob characters escaped (`\*`), and a pattern holding a space, a
/// quote, a backslash or a control character, or starting with `#` or `!`,
/// is written in git's C-style quotes (`"team a/cases/*/*.yaml"`), as
/// gitattributes(5) reads them.
pub fn attribute_line(relative: &Path) -> String {
    let mut pattern = String::new();
    for c in relative.to_string_lossy().chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            pattern.push('\\');
        }
        pattern.push(if c == std::path::MAIN_SEPARATOR {
            '/'
        } else {
            c
        });
    }
    if !pattern.is_empty() {
        pattern.push('/');
    }
    pattern.push_str("*/*.yaml");
    let needs_quotes = pattern.starts_with(['#', '!'])
        || pattern
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '\\' || c.is_control());
    if needs_quotes {
        let mut quoted = String::from('"');
        for c in pattern.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\n' => quoted.push_str("\\n"),
                '\t' => quoted.push_str("\\t"),
                c if c.is_control() => {
                    let mut bytes = [0; 4];
                    for b in c.encode_utf8(&mut bytes).bytes() {
                        quoted.push_str(&format!("\\{b:03o}"));
                    }
                }
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        pattern = quoted;
    }
    format!("{pattern} merge={MERGE_DRIVER}")
}

/// What git said when it failed: its `fatal:` and `error:` lines (the real
/// reason, e.g. another git holding `.git/index.lock`), else its last line;
/// hints are left out.
fn what_git_said(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let reasons: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("fatal:") || l.starts_with("error:"))
        .collect();
    if reasons.is_empty() {
        lines.last().copied().unwrap_or("failed").to_string()
    } else {
        reasons.join("; ")
    }
}

/// Paths as absolute strings: git runs in the store, not the caller's directory.
fn absolute_paths(paths: &[&Path]) -> Vec<String> {
    paths
        .iter()
        .map(|p| {
            std::path::absolute(p)
                .unwrap_or_else(|_| p.to_path_buf())
                .display()
                .to_string()
        })
        .collect()
}

/// The program to register as the merge driver: this executable.
pub fn current_program() -> PathBuf {
    std::env::current_exe().unwrap_or_else(|_| PathBuf::from("cases"))
}
