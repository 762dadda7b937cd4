//! Listing a store: every case file where the layout puts it, and every
//! other entry anywhere under the store, each named with why it does not
//! belong (for `cases check`). The root and each case directory are read
//! once (case directories on all cores); a subtree the layout has no place
//! for is walked whole ([`walkdir`], no link followed), so nothing under a
//! store goes unreported. Case write temporaries (`.case-*.tmp`) are kept
//! apart: only the caller can tell a live writer's from a leftover one.

use std::fs;
use std::path::{Path, PathBuf};

use super::layout::{
    canonical_directory, case_number_of, is_case_temporary, GITIGNORE_FILE, LOCK_FILE, ROOT_FILES,
};
use super::{cache, StoreError};

/// What is under a store: case files by number, and everything else.
#[derive(Debug, Clone, Default)]
pub struct StoreListing {
    /// Ordered by number.
    pub cases: Vec<CaseFile>,
    /// Entries that are not where the layout puts anything, ordered by path.
    pub strays: Vec<StrayFile>,
    /// Case write temporaries (`<NNN>/.case-*.tmp`), ordered by path.
    pub temporaries: Vec<PathBuf>,
}

/// A case file found by a listing.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The case its path says it holds.
    pub number: u64,
    pub path: PathBuf,
    /// What the listing saw (without following links): the stamp of a
    /// regular file; `None` for anything else, or when it vanished.
    pub(super) stamp: Option<cache::Stamp>,
}

/// An entry under the store that is not a case, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayFile {
    pub path: PathBuf,
    pub reason: String,
}

impl StrayFile {
    fn new(path: PathBuf, reason: &str) -> StrayFile {
        StrayFile {
            path,
            reason: reason.to_string(),
        }
    }
}

const NOT_IN_A_STORE: &str = "not part of a case store (cases are <NNN>/<number>.yaml)";
const NOT_A_CASE_FILE: &str = "not a case file (cases are <NNN>/<number>.yaml)";
const WRONG_DIRECTORY: &str =
    "a case file in the wrong directory (case N belongs in N/1000, 3 digits); it is not read and does not count for numbering";

/// Lists the store at `root` (see the module doc).
pub fn list(root: &Path) -> Result<StoreListing, StoreError> {
    use rayon::prelude::*;
    let RootListing {
        directories,
        mut strays,
    } = list_root(root)?;
    let listed: Vec<Listed> = directories
        .par_iter()
        .map(|(thousand, path)| list_case_directory(*thousand, path))
        .collect::<Result<_, _>>()?;
    let mut cases = Vec::with_capacity(listed.iter().map(|l| l.cases.len()).sum());
    let mut temporaries = Vec::new();
    for directory in listed {
        cases.extend(directory.cases);
        strays.extend(directory.strays);
        temporaries.extend(directory.temporaries);
    }
    debug_assert!(cases.is_sorted_by_key(|file| file.number));
    strays.sort_by(|a, b| a.path.cmp(&b.path));
    temporaries.sort();
    Ok(StoreListing {
        cases,
        strays,
        temporaries,
    })
}

/// The root of a store: its case directories, and what does not belong at
/// the root (with everything under a subtree the layout has no place for).
pub(super) struct RootListing {
    /// `(thousand, path)` in number order: listing each directory in turn,
    /// its cases sorted, lists every case in number order.
    pub directories: Vec<(u64, PathBuf)>,
    /// Unordered.
    pub strays: Vec<StrayFile>,
}

/// Reads the root of the store at `root` (see [`RootListing`]).
pub(super) fn list_root(root: &Path) -> Result<RootListing, StoreError> {
    let mut strays = Vec::new();
    let mut directories = Vec::new();
    for (name, path, file_type) in directory_entries(root)? {
        if file_type.is_dir() {
            match canonical_directory(&name) {
                Some(thousand) => directories.push((thousand, path)),
                None if name == ".git" => {}
                None => walk_stray(path, NOT_IN_A_STORE, &mut strays),
            }
        } else if let Some(reason) = root_file_problem(&name, &file_type) {
            strays.push(StrayFile::new(path, reason));
        }
    }
    directories.sort_unstable_by_key(|(thousand, _)| *thousand);
    Ok(RootListing {
        directories,
        strays,
    })
}

/// Why a non-directory entry at the root does not belong, if it does not:
/// the store's own files must be regular files (a FIFO or link there is
/// refused when opened, and named here).
fn root_file_problem(name: &str, file_type: &fs::FileType) -> Option<&'static str> {
    if name == ".git" {
        return None; // a worktree's or submodule's `.git` file
    }
    if !ROOT_FILES.contains(&name) {
        return (!cache::is_temporary(name)).then_some(NOT_IN_A_STORE);
    }
    if file_type.is_file() {
        return None;
    }
    Some(match name {
        LOCK_FILE => "the store's lock file is not a regular file; delete it (the next writer creates it)",
        cache::CACHE_FILE => "the scan cache is not a regular file; it is ignored: delete it (the next scan rebuilds it)",
        GITIGNORE_FILE => "the store's .gitignore is not a regular file; git ignores it: replace it with a regular file",
        _ => "not a regular file where the store keeps one of its own files; replace it with a regular file",
    })
}

/// Reports `path` and everything under it (without following links).
fn walk_stray(path: PathBuf, reason: &str, strays: &mut Vec<StrayFile>) {
    for entry in walkdir::WalkDir::new(&path).min_depth(1) {
        match entry {
            Ok(entry) => strays.push(StrayFile::new(entry.into_path(), NOT_IN_A_STORE)),
            Err(error) => {
                let at = error.path().map_or_else(|| path.clone(), Path::to_path_buf);
                strays.push(StrayFile {
                    path: at,
                    reason: format!("cannot be read ({error})"),
                })
            }
        }
    }
    strays.push(StrayFile::new(path, reason));
}

/// What one case directory holds.
pub(super) struct Listed {
    /// Ordered by number.
    pub cases: Vec<CaseFile>,
    pub strays: Vec<StrayFile>,
    pub temporaries: Vec<PathBuf>,
}

/// The case files, strays and temporaries of the case directory for the
/// cases `thousand * 1000 ..` at `path`.
pub(super) fn list_case_directory(thousand: u64, path: &Path) -> Result<Listed, StoreError> {
    let mut listed = Listed {
        cases: Vec::new(),
        strays: Vec::new(),
        temporaries: Vec::new(),
    };
    let entries = fs::read_dir(path).map_err(|e| StoreError::io(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(path, e))?;
        let file_path = entry.path();
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let file_type = entry
            .file_type()
            .map_err(|e| StoreError::io(&file_path, e))?;
        if file_type.is_dir() {
            walk_stray(file_path, NOT_A_CASE_FILE, &mut listed.strays);
            continue;
        }
        match case_number_of(&file_name) {
            Some(number) if number / 1000 == thousand => {
                // `metadata` does not follow links, and looks the name up in
                // the open directory rather than walking the whole path.
                let stamp = entry
                    .metadata()
                    .ok()
                    .filter(|metadata| metadata.file_type().is_file())
                    .map(|metadata| cache::Stamp::of(&metadata));
                listed.cases.push(CaseFile {
                    number,
                    path: file_path,
                    stamp,
                });
            }
            Some(_) => listed
                .strays
                .push(StrayFile::new(file_path, WRONG_DIRECTORY)),
            None if is_case_temporary(&file_name) => listed.temporaries.push(file_path),
            None => listed
                .strays
                .push(StrayFile::new(file_path, NOT_A_CASE_FILE)),
        }
    }
    listed.cases.sort_unstable_by_key(|file| file.number);
    Ok(listed)
}

/// `(name, path, type)` of every entry of `directory` (types not following
/// links).
pub fn directory_entries(
    directory: &Path,
) -> Result<Vec<(String, PathBuf, fs::FileType)>, StoreError> {
    let entries = fs::read_dir(directory).map_err(|e| StoreError::io(directory, e))?;
    entries
        .map(|entry| {
            let entry = entry.map_err(|e| StoreError::io(directory, e))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| StoreError::io(&path, e))?;
            Ok((
                entry.file_name().to_string_lossy().into_owned(),
                path,
                file_type,
            ))
        })
        .collect()
}

/// The next number for the store at `root`: one more than the highest case
/// file where the layout puts it, in the highest canonical case directory
/// that holds one. Reads the root and that directory (and empty ones above
/// it). Entries that do not belong (`0005/`, `001/5000.yaml`, a directory
/// named like a case) are not counted and are returned, for a warning.
pub fn next_number(root: &Path) -> Result<(Option<u64>, Vec<PathBuf>), StoreError> {
    let mut ignored = Vec::new();
    let mut directories = Vec::new();
    for (name, path, file_type) in directory_entries(root)? {
        if !file_type.is_dir() {
            continue;
        }
        match canonical_directory(&name) {
            Some(thousand) => directories.push((thousand, path)),
            None if super::layout::is_directory_name(&name) => ignored.push(path),
            None => {}
        }
    }
    directories.sort_unstable_by_key(|(thousand, _)| *thousand);
    for (thousand, path) in directories.into_iter().rev() {
        let mut highest = None;
        for (name, file_path, file_type) in directory_entries(&path)? {
            match case_number_of(&name) {
                Some(number) if number / 1000 == thousand && !file_type.is_dir() => {
                    highest = highest.max(Some(number));
                }
                Some(_) => ignored.push(file_path),
                None => {}
            }
        }
        if highest.is_some() {
            ignored.sort();
            return Ok((highest, ignored));
        }
    }
    ignored.sort();
    Ok((None, ignored))
}
