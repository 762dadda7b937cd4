//! `cases check`: validates the policy and every case file, lists every
//! problem (file, line, column, what is wrong) and exits 1 on any.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::external_sort::ExternalSort;
use super::{output, CommandError, Context, Format, Outcome, PolicyUnusable};
use crate::case::{Case, EventKind};
use crate::gitops::{Git, Unmerged};
use crate::policy::PolicySet;
use crate::store::{CaseFile, Scanned, Store, StoreError, StrayFile};
use crate::team::Roster;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// One problem `check` found.
struct Problem {
    file: String,
    /// 0 (with `column`) for a problem of the whole file.
    line: usize,
    column: usize,
    message: String,
}

impl Problem {
    /// A problem at `line`, `column` of the file at `path`.
    fn at(path: &Path, line: usize, column: usize, message: String) -> Problem {
        Problem {
            file: path.display().to_string(),
            line,
            column,
            message,
        }
    }

    /// A problem of the whole file at `path` (no line).
    fn of_file(path: &Path, message: String) -> Problem {
        Problem::at(path, 0, 0, message)
    }

    /// A problem of a case file found in what its text means, not at a
    /// place in it: given at its first line.
    fn of_case(path: &Path, message: String) -> Problem {
        Problem::at(path, 1, 1, message)
    }
}

pub fn cmd_check(ctx: &mut Context, _args: CheckArgs) -> Result<Outcome, CommandError> {
    let mut problems = Vec::new();
    let policies = match ctx.load_policy() {
        Ok(_) => Some(ctx.policies()?),
        Err(PolicyUnusable::Invalid(error)) => {
            problems.extend(error.problems().iter().map(|p| Problem {
                file: error.origin().to_string(),
                line: p.line,
                column: p.column,
                message: p.message(),
            }));
            None
        }
        Err(PolicyUnusable::Unreadable(error)) => return Err(error),
    };
    let roster = ctx.roster()?;
    let store = ctx.store()?;
    let against = CheckedAgainst {
        policies: policies.as_deref(),
        roster: roster.as_deref(),
        now: ctx.now,
    };
    // Every file on all cores, folded into the problems (in number order)
    // and one opening per case: nothing else is kept of a clean file.
    // The openings are sorted by fingerprint as they are gathered (an
    // external sort), so a check holds a budget of them, not one per case.
    let by_fingerprint: fn(&Opening, &Opening) -> std::cmp::Ordering =
        |a, b| (a.fingerprint(), a.number).cmp(&(b.fingerprint(), b.number));
    let budget = super::external_sort::budget();
    let (listing, checked) = store.fold_listed(
        || Checked {
            problems: Vec::new(),
            openings: ExternalSort::new(&by_fingerprint, |_| 0, budget),
        },
        |checked, file, read| checked.add(check_file(&store, &against, file, read)),
        Checked::then,
    )?;
    let openings = checked
        .openings
        .finish()
        .map_err(super::external_sort::failed)?;
    problems.extend(duplicate_copies(&store, openings.iter().map(|o| *o)));
    openings.checked().map_err(super::external_sort::failed)?;
    problems.extend(store_problems(&store, listing.temporaries, listing.strays));
    problems.extend(checked.problems);
    print_problems(ctx, policies.is_some(), listing.case_count, &problems);
    Ok(if problems.is_empty() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}

/// What each case is checked against: its policy version (none when the
/// policy is invalid, which is reported instead) and the roster.
struct CheckedAgainst<'a> {
    policies: Option<&'a PolicySet>,
    roster: Option<&'a Roster>,
    now: DateTime<Utc>,
}

/// The problems of one listed case file: what makes it unreadable, or what
/// it breaks of its policy version's rules and the roster's.
fn check_file(
    store: &Store,
    against: &CheckedAgainst,
    file: &CaseFile,
    read: Result<Scanned<'_>, StoreError>,
) -> FileChecked {
    let case = match read.and_then(Scanned::into_case) {
        Ok(case) => case,
        Err(error) => {
            return FileChecked {
                problems: vec![unreadable(store, &file.path, error)],
                opening: None,
            }
        }
    };
    let mut messages = Vec::new();
    if let Some(policies) = against.policies {
        // Each case under the version it recorded; one that cannot be
        // found is a problem, never another version.
        match super::policy::of_case(policies, &case) {
            Ok(policy) => {
                messages = crate::rules::against_policy(&case, policy, against.now);
                // With a roster: every event by someone allowed then.
                if let Some(roster) = against.roster {
                    messages.extend(crate::team::event_problems(
                        roster,
                        policy,
                        &case,
                        super::sweep::POLICY_ACTOR,
                    ));
                }
            }
            Err(error) => messages.push(error.line()),
        }
    }
    FileChecked {
        problems: messages
            .into_iter()
            .map(|message| Problem::of_case(&file.path, message))
            .collect(),
        opening: Some(Opening::of(&case)),
    }
}

/// The problem of a case file that cannot be read as a case.
fn unreadable(store: &Store, path: &Path, error: StoreError) -> Problem {
    match error {
        StoreError::Invalid {
            path,
            line,
            column,
            message,
        } => Problem::at(&path, line, column, message),
        StoreError::WrongNumber {
            path,
            holds,
            expected,
        } => {
            let other = store.path_of(holds);
            let also = if other.exists() {
                format!("; {} also claims case {holds}", other.display())
            } else {
                String::new()
            };
            Problem::of_case(
                &path,
                format!("number: the file holds case {holds} but its path is that of case {expected}{also}"),
            )
        }
        other => Problem::of_file(path, other.to_string()),
    }
}

/// The problems of the store that are not in a case: paths git left
/// unmerged, temporaries no writer is writing, and strays.
fn store_problems(
    store: &Store,
    temporaries: Vec<PathBuf>,
    strays: Vec<StrayFile>,
) -> Vec<Problem> {
    let git = Git::at(store.root());
    let unmerged = git
        .unmerged()
        .unwrap_or_default()
        .into_iter()
        .map(|(path, how)| {
            let message = unmerged_message(&git, store, &path, how);
            Problem::of_file(&store.root().join(&path), message)
        });
    let leftovers = leftover_temporaries(store, &temporaries)
        .into_iter()
        .map(|path| {
            Problem::of_file(
            &path,
            "a temporary file left by an interrupted write; it is not a case and can be deleted"
                .into(),
        )
        });
    let strays = strays
        .into_iter()
        .map(|stray| Problem::of_file(&stray.path, stray.reason));
    unmerged.chain(leftovers).chain(strays).collect()
}

/// Prints the problems in the chosen format; in a table, a last line that
/// counts the cases checked and the problems.
fn print_problems(
    ctx: &mut Context,
    policy_valid: bool,
    cases_checked: usize,
    problems: &[Problem],
) {
    let items: Vec<_> = problems
        .iter()
        .map(|p| json!({"file": p.file, "line": p.line, "column": p.column, "message": p.message}))
        .collect();
    let fields = ["file", "line", "column", "message"];
    match ctx.format() {
        Format::Json => ctx.out.push_str(&output::json(&json!({
            "policy_valid": policy_valid,
            "cases_checked": cases_checked,
            "problems": items,
        }))),
        Format::Csv => ctx.out.push_str(&output::json_rows(&fields, items).csv()),
        Format::Markdown => ctx
            .out
            .push_str(&output::json_rows(&fields, items).markdown()),
        _ => {
            for p in problems {
                if p.line == 0 {
                    ctx.out.push_str(&format!("{}: {}\n", p.file, p.message));
                } else {
                    ctx.out.push_str(&format!(
                        "{}:{}:{}: {}\n",
                        p.file, p.line, p.column, p.message
                    ));
                }
            }
            ctx.out.push_str(&format!(
                "checked the policy and {} case file{}: {}\n",
                cases_checked,
                if cases_checked == 1 { "" } else { "s" },
                match problems.len() {
                    0 => "no problems".to_string(),
                    1 => "1 problem".to_string(),
                    n => format!("{n} problems"),
                }
            ));
        }
    }
}

/// What `check` learnt from one case file: its problems, and for a case it
/// could read, how it was opened.
struct FileChecked {
    problems: Vec<Problem>,
    opening: Option<Opening>,
}

/// What `check` keeps of a scan: the problems of the files, in number
/// order, and how each case it could read was opened (for the copy
/// detection), sorted by fingerprint as they are gathered.
struct Checked<'c, C> {
    problems: Vec<Problem>,
    openings: ExternalSort<'c, Opening, C>,
}

impl<C: Fn(&Opening, &Opening) -> std::cmp::Ordering> Checked<'_, C> {
    /// Adds what one file gave.
    fn add(mut self, file: FileChecked) -> Self {
        self.problems.extend(file.problems);
        if let Some(opening) = file.opening {
            self.openings.push(opening);
        }
        self
    }

    /// Joins the checks of two runs of files, `self` the earlier.
    fn then(mut self, mut later: Self) -> Self {
        self.problems.append(&mut later.problems);
        self.openings.absorb(later.openings);
        self
    }
}

/// How a case was opened: a hash of its opening event's instant and actor
/// (cheap, no allocation: the whole events are compared when two match),
/// its number, and whether it records a renumber. Sixteen bytes (the
/// renumber is the low bit of the hash's word), sorted by fingerprint in
/// bounded memory.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
struct Opening {
    /// The hash, shifted left one bit, and the renumber bit.
    key: u64,
    number: u64,
}

impl Opening {
    fn of(case: &Case) -> Opening {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let opened = &case.history()[0];
        (opened.at.timestamp(), &opened.by).hash(&mut hasher);
        let renumbered = case
            .history()
            .iter()
            .any(|e| matches!(e.kind, EventKind::Renumbered { .. }));
        Opening {
            key: hasher.finish() << 1 | u64::from(renumbered),
            number: case.number(),
        }
    }

    /// The opening's hash (63 bits).
    fn fingerprint(&self) -> u64 {
        self.key >> 1
    }

    fn renumbered(&self) -> bool {
        self.key & 1 == 1
    }
}

/// One problem per renumbered case that is a second copy of another case:
/// the same opening event, where one of the two records a renumber (a
/// renumber run twice, or one whose old file came back). `renumber` refuses
/// to move a case identical to the one it collides with, so a renumbered
/// case never legitimately shares its opening event; two identical cases
/// opened in one second without a renumber are left alone (a double
/// submission is the team's call). Confirmed by reading both files and
/// comparing the whole opening events: a hash match alone is never
/// reported.
fn duplicate_copies(store: &Store, sorted: impl Iterator<Item = Opening>) -> Vec<Problem> {
    // The openings with one fingerprint are neighbours, each group in
    // number order; a group is held only while it is looked at.
    let mut sorted = sorted.peekable();
    let mut problems = Vec::new();
    while let Some(first) = sorted.next() {
        let mut group = vec![first];
        while let Some(next) = sorted.next_if(|o| o.fingerprint() == first.fingerprint()) {
            group.push(next);
        }
        if group.len() < 2 || !group.iter().any(|o| o.renumbered()) {
            continue;
        }
        let read: Vec<_> = group
            .iter()
            .filter_map(|o| Some((store.read(o.number).ok()?, o.renumbered())))
            .collect();
        for (index, (copy, copy_renumbered)) in read.iter().enumerate() {
            let Some((original, _)) = read[..index].iter().find(|(earlier, renumbered)| {
                earlier.history()[0] == copy.history()[0] && (*renumbered || *copy_renumbered)
            }) else {
                continue;
            };
            problems.push(Problem::of_case(
                &store.path_of(copy.number()),
                format!(
                    "case {} is a second copy of case {}: both were opened by the same event ({} by {}) and a renumber moved one of them; keep one (git rm the other)",
                    copy.number(),
                    original.number(),
                    crate::store::format_instant(copy.history()[0].at),
                    copy.history()[0].by,
                ),
            ));
        }
    }
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    problems
}

/// What `check` says about a path git left unmerged, and what to do.
fn unmerged_message(git: &Git, store: &Store, relative: &Path, how: Unmerged) -> String {
    let path = store.root().join(relative);
    let file = path.display().to_string();
    let number = relative
        .file_name()
        .and_then(|name| crate::store::layout::case_number_of(&name.to_string_lossy()));
    // The driver writes every event of both sides; a file that is still our
    // side byte for byte was not merged at all.
    let ours_only = || {
        let ours = git.show(":2", &path);
        ours.is_some() && std::fs::read_to_string(&path).ok() == ours
    };
    match how {
        Unmerged::BothModified if !ours_only() => format!(
            "unmerged in git (both modified): the merge driver kept every event of both sides but they conflict; fix what is wrong with the file, then: git add '{file}'"
        ),
        Unmerged::BothModified => format!(
            "unmerged in git (both modified): the cases merge driver did not run or failed, and the file holds our side only; set the driver up (cases git-setup), merge again with: git checkout -m -- '{file}', then: git add '{file}'"
        ),
        Unmerged::BothAdded => match number {
            Some(n) => format!(
                "unmerged in git (both added): two clones opened case {n}; give the local one a new number: cases renumber {n}"
            ),
            None => format!("unmerged in git (both added): resolve it, then: git add '{file}'"),
        },
        Unmerged::DeletedByThem | Unmerged::DeletedByUs => format!(
            "unmerged in git (deleted on one side, changed on the other): keep it with git add '{file}' or delete it with git rm '{file}'"
        ),
        Unmerged::Other => format!("unmerged in git: resolve it, then: git add '{file}'"),
    }
}

/// A running writer's temporary file is younger than this, whatever the
/// machine's load; an older one is a leftover even while a writer runs.
const LIVE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(600);

/// The case write temporaries in `listed` that no writer is writing. A
/// writer creates and renames its temporary while it holds the store's
/// lock, so a temporary that still exists once `check` holds the lock
/// itself is a leftover. When another writer holds the lock (or it cannot
/// be taken: a read-only checkout), only temporaries untouched for
/// [`LIVE_TEMPORARY`] are leftovers. The lock is held for these few
/// `lstat`s only.
fn leftover_temporaries(store: &Store, listed: &[PathBuf]) -> Vec<PathBuf> {
    if listed.is_empty() {
        return Vec::new();
    }
    let quiet = store.try_lock().unwrap_or(false);
    let leftovers = listed
        .iter()
        .filter(|path| {
            let Ok(metadata) = std::fs::symlink_metadata(path) else {
                return false; // renamed into place by its writer
            };
            quiet
                || metadata
                    .modified()
                    .ok()
                    .and_then(|m| m.elapsed().ok())
                    .is_some_and(|age| age > LIVE_TEMPORARY)
        })
        .cloned()
        .collect();
    store.unlock();
    leftovers
}
