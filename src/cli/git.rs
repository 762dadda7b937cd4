//! Git-native commands: `git-setup` (attributes and merge driver),
//! `merge-file` (the driver git calls), `history N` (events joined with the
//! commits that recorded them) and `renumber N` (two clones opened the same
//! number: the local case gets the next free one and remembers the old).

use std::fs;
use std::path::PathBuf;

use clap::ValueEnum;
use serde_json::{json, Value};

use super::output::{self, Rows};
use super::{CommandError, Context, Format, Outcome};
use crate::case::{Case, Event, EventKind};
use crate::gitops::{self, Commit, Git};
use crate::merge::{merge, Merged};
use crate::store::safe_open::{self, Kind};
use crate::store::{decode, try_encode_parts, Scanned, MAX_CASE_FILE_BYTES};

#[derive(Debug, clap::Args)]
pub struct GitSetupArgs {}

#[derive(Debug, clap::Args)]
pub struct MergeFileArgs {
    /// The common ancestor (git's %O).
    pub base: PathBuf,
    /// Our version; the result is written here (git's %A).
    pub ours: PathBuf,
    /// Their version (git's %B).
    pub theirs: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
}

/// Which side of a number collision gets the new number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Side {
    /// Our version: the local case when resolving a `git pull` (merge).
    Ours,
    /// Their version: the local case when resolving a `git rebase`.
    Theirs,
}

#[derive(Debug, clap::Args)]
pub struct RenumberArgs {
    /// The number both clones used.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The side that gets the new number.
    #[arg(long, value_enum, default_value = "ours")]
    pub side: Side,
}

fn git_error(error: gitops::GitError) -> CommandError {
    CommandError::unreadable(error.to_string())
}

/// Writes `.gitattributes` and registers the merge driver for the store.
pub fn setup(store: &std::path::Path) -> Result<PathBuf, gitops::GitError> {
    Git::at(store).setup_merge_driver(store, &gitops::current_program())
}

pub fn cmd_git_setup(ctx: &mut Context, _args: GitSetupArgs) -> Result<Outcome, CommandError> {
    let store = ctx.store()?;
    let attributes = setup(store.root()).map_err(git_error)?;
    ctx.say(&format!(
        "case files use the cases merge driver ({}); driver registered in git config (merge.cases)\n",
        attributes.display()
    ));
    Ok(Outcome::Success)
}

pub fn cmd_merge_file(ctx: &mut Context, args: MergeFileArgs) -> Result<Outcome, CommandError> {
    // Each side through the safe open: no link, no FIFO, at most 1 MiB.
    let read = |path: &PathBuf| {
        safe_open::read_text(path, Kind::Case).map_err(|e| CommandError::unreadable(e.to_string()))
    };
    let (base_text, ours_text, theirs_text) =
        (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let base = decode(&base_text).ok();
    let (ours, theirs) = match (decode(&ours_text), decode(&theirs_text)) {
        (Ok(ours), Ok(theirs)) => (ours, theirs),
        (ours, _) => {
            // Not a valid case on one side: merge lines, as git would, so the
            // conflict markers keep both versions for a person to resolve.
            let side = if ours.is_err() { "ours" } else { "theirs" };
            // git passes bare temporary names (`.merge_file_XXXXXX`): run
            // in the current directory with absolute paths.
            let absolute = |p: &PathBuf| std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let clean = Git::at(".").merge_file_lines(
                &absolute(&args.ours),
                &absolute(&args.base),
                &absolute(&args.theirs),
            );
            ctx.err.push_str(&format!(
                "cases merge-file: {side} is not a valid case file; merged line by line{}\n",
                if clean { "" } else { " with conflict markers" }
            ));
            return Ok(if clean {
                Outcome::Success
            } else {
                Outcome::Findings
            });
        }
    };
    let write = |text: &str| {
        fs::write(&args.ours, text)
            .map_err(|e| CommandError::unreadable(format!("{}: {e}", args.ours.display())))
    };
    let (header, history, conflict) = match merge(base.as_ref(), &ours, &theirs) {
        Merged::Clean(case) => (case.header().clone(), case.history().to_vec(), None),
        Merged::Conflict {
            header,
            history,
            reason,
        } => (header, history, Some(crate::hint::merge_conflict(&reason))),
    };
    let text = try_encode_parts(&header, &history).map_err(|e| {
        CommandError::unreadable(format!("case {}: {e}; ours left as it was", header.number))
    })?;
    // A merged file the store would refuse is a conflict, never a clean
    // merge: every event is kept, and `cases check` names the file.
    let conflict = conflict.or_else(|| {
        (text.len() as u64 > MAX_CASE_FILE_BYTES).then(|| {
            format!(
                "the merged case file is {} bytes, over the 1 MiB limit of a case file (split the history by hand or drop duplicate events)",
                text.len()
            )
        })
    });
    write(&text)?;
    match conflict {
        None => Ok(Outcome::Success),
        Some(reason) => {
            ctx.err.push_str(&format!(
                "cases merge-file: case {}: kept every event of both sides, but they conflict: {reason}\n",
                header.number,
            ));
            Ok(Outcome::Findings)
        }
    }
}

pub fn cmd_history(ctx: &mut Context, args: HistoryArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let case = store.read(args.number)?;
    let policy = super::policy::of_case(&policies, &case)?;
    let git = Git::at(store.root());
    // A renumbered case was recorded under its old numbers first: their
    // paths are searched before the current one, oldest first.
    let mut paths: Vec<PathBuf> = case
        .history()
        .iter()
        .filter_map(|event| match event.kind {
            EventKind::Renumbered { old_number } => Some(store.path_of(old_number)),
            _ => None,
        })
        .collect();
    paths.push(store.path_of(args.number));
    // Each path once, at its first place (a history may renumber often).
    let mut seen = std::collections::HashSet::new();
    paths.retain(|path| seen.insert(path.clone()));
    let mut logs = Vec::new();
    for path in paths {
        let commits = git.log_file(&path).map_err(git_error)?;
        logs.push((path, commits));
    }
    let introduced = attribute(&git, &case, &logs);
    let tz = policy.time_zone_of(&case.header().facts.region);
    if ctx.format() == Format::Json {
        let items: Vec<Value> = case
            .history()
            .iter()
            .zip(&introduced)
            .map(|(event, commit)| {
                let mut value = super::read::history_json(event);
                value["commit"] = commit.map_or(
                    Value::Null,
                    |c| json!({"hash": c.hash, "author": c.author, "date": commit_date(c)}),
                );
                value
            })
            .collect();
        ctx.out.push_str(&output::json(&Value::Array(items)));
        return Ok(Outcome::Success);
    }
    if ctx.format() == Format::Csv {
        // For machines: instants in RFC 3339 UTC, the commit's fields as
        // JSON nests them.
        let mut rows = Rows::new(vec![
            "at",
            "event",
            "by",
            "commit.hash",
            "commit.author",
            "commit.date",
        ]);
        for (event, commit) in case.history().iter().zip(&introduced) {
            rows.push(vec![
                crate::store::format_instant(event.at),
                event.kind.name().to_string(),
                event.by.clone(),
                commit.map_or(String::new(), |c| c.hash.clone()),
                commit.map_or(String::new(), |c| c.author.clone()),
                commit.map_or(String::new(), commit_date),
            ]);
        }
        ctx.out.push_str(&rows.csv());
        return Ok(Outcome::Success);
    }
    let mut rows = Rows::new(vec!["at", "event", "by", "commit", "author", "date"]);
    for (event, commit) in case.history().iter().zip(&introduced) {
        rows.push(vec![
            ctx.zone().show(event.at, tz),
            event.kind.summary(),
            event.by.clone(),
            commit.map_or("(uncommitted)".into(), |c| {
                c.hash.chars().take(10).collect()
            }),
            commit.map_or("-".into(), |c| c.author.clone()),
            commit.map_or("-".into(), |c| c.date.clone()),
        ]);
    }
    ctx.out.push_str(&rows.render(ctx.format()));
    Ok(Outcome::Success)
}

/// A commit's author date in RFC 3339 UTC, like every instant in JSON and
/// CSV (git prints it with an offset); as git gave it if it does not parse.
fn commit_date(commit: &Commit) -> String {
    chrono::DateTime::parse_from_rfc3339(&commit.date).map_or(commit.date.clone(), |t| {
        crate::store::format_instant(t.with_timezone(&chrono::Utc))
    })
}

/// For each event of `case`, the first commit whose version of the file
/// holds it (events merged in from another clone are found wherever they
/// sit in the history). `logs` are the case's paths, each with its commits
/// oldest first; a version counts only if it is this case (same `created`
/// event), since an old path now holds another case.
fn attribute<'a>(
    git: &Git,
    case: &Case,
    logs: &'a [(PathBuf, Vec<Commit>)],
) -> Vec<Option<&'a Commit>> {
    let mut introduced: Vec<Option<&Commit>> = vec![None; case.history().len()];
    for (path, commits) in logs {
        for commit in commits {
            let Some(version) = git
                .show(&commit.hash, path)
                .and_then(|text| decode(&text).ok())
                .filter(|version| version.history().first() == case.history().first())
            else {
                continue;
            };
            for (slot, event) in introduced.iter_mut().zip(case.history()) {
                if slot.is_none() && version.history().contains(event) {
                    *slot = Some(commit);
                }
            }
        }
    }
    introduced
}

pub fn cmd_renumber(ctx: &mut Context, args: RenumberArgs) -> Result<Outcome, CommandError> {
    let store = ctx.store()?;
    let number = args.number;
    let path = store.path_of(number);
    let git = Git::at(store.root());
    let stage = |n: &str| git.show(n, &path);
    let (Some(ours_text), Some(theirs_text)) = (stage(":2"), stage(":3")) else {
        return Err(CommandError::usage(format!(
            "case {number} is not in a number collision: git's index holds no conflicting versions of {} (renumber resolves a collision during a merge)",
            path.display()
        )));
    };
    let decode_stage = |text: &str, side: &str| {
        decode(text).map_err(|e| {
            CommandError::unreadable(format!(
                "{} ({side} version):{}:{}: {}",
                path.display(),
                e.line,
                e.column,
                e.problem
            ))
        })
    };
    let ours = decode_stage(&ours_text, "our")?;
    let theirs = decode_stage(&theirs_text, "their")?;
    if ours.history()[0] == theirs.history()[0] {
        return Err(CommandError::refused(format!(
            "both versions of case {number} are the same case; merge them instead: git merge-file is run by the cases merge driver (cases git-setup)"
        )));
    }
    let ((kept, kept_side), (moving, moving_side)) = match args.side {
        Side::Ours => ((theirs, "their"), (ours, "our")),
        Side::Theirs => ((ours, "our"), (theirs, "their")),
    };
    let actor = ctx.actor()?;
    let now = ctx.now;
    let _lock = store.lock()?;
    // Safe to re-run: a run that failed after writing (git could not stage)
    // left the moved case under its new number; it is found and reused, not
    // copied to yet another number.
    let first = &moving.history()[0];
    let already_moved = store
        .scan(|file, read| {
            if file.number <= number {
                return None;
            }
            let case = read.and_then(Scanned::into_case).ok()?;
            let moved_from_here = case.history().iter().any(
                |e| matches!(e.kind, EventKind::Renumbered { old_number } if old_number == number),
            );
            (case.history().first() == Some(first) && moved_from_here).then_some(case.number())
        })?
        .into_iter()
        .next();
    let new_number = match already_moved {
        Some(existing) => existing,
        None => {
            let new_number = store.next_number()?.0.max(number + 1);
            let mut moved = Case::open(new_number, first.clone())?;
            for event in &moving.history()[1..] {
                moved.record(event.clone())?;
            }
            moved.record(Event {
                at: now.max(moving.history().last().map_or(now, |e| e.at)),
                by: actor,
                kind: EventKind::Renumbered { old_number: number },
            })?;
            store.write(&moved)?;
            new_number
        }
    };
    store.write(&kept)?;
    let new_path = store.path_of(new_number);
    // Staged, not committed: the resolution belongs to the merge commit.
    git.add(&[&path, &new_path]).map_err(|e| {
        CommandError::unreadable(format!(
            "{e}; the files are written (case {number} and case {new_number}); fix that and run cases renumber {number} again (it reuses case {new_number})"
        ))
    })?;
    ctx.out.push_str(&format!("{new_number}\n"));
    ctx.say(&format!(
        "case {number}: kept {kept_side} version ({}); {moving_side} case is now {new_number} (it records its old number)\n",
        kept.header().facts.title,
    ));
    ctx.say("both files are staged; finish the merge with: git commit\n");
    Ok(Outcome::Success)
}
