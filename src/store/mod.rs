//! The flat-file case store (SPEC section 5), in submodules along its seams:
//!
//! - [`layout`]: where case N lives (`<N / 1000, 3 digits>/<N>.yaml`, so a
//!   path depends on the number alone and no directory holds more than
//!   1,000 cases) and what every other name at the root is;
//! - [`safe_open`]: the one way any file found in a repository is opened
//!   (no links, regular files only, never blocking, a size cap per kind,
//!   errors that never quote content) — policy files and the roster too;
//! - [`lock`]: the store's `flock`, held from a command's first mutation to
//!   its end (so `--commit` runs under it);
//! - [`atomic`]: temporary file, fsync, rename, fsync of the directory;
//! - [`listing`]: every case file, and every entry that does not belong;
//! - [`scan`]: whole-store scans on all cores through the scan [`cache`];
//! - [`decoding`]: bytes to a case, checked against its path; [`codec`] is
//!   the only YAML encoder and decoder of cases.
//!
//! The next number is one more than the highest in the highest directory,
//! so allocating one reads one directory, not the store. Only `cases init`
//! ([`Store::create`]) makes a store; [`Store::open`] refuses a directory
//! that is not one, so `--store /` writes nothing. What the store does with
//! the scan cache (on or off, and the instant that decides which files are
//! too recent to cache) is its caller's choice: [`StoreOptions`].

pub mod atomic;
pub mod cache;
pub mod codec;
pub mod decoding;
pub mod layout;
pub mod listing;
pub mod lock;
pub mod safe_open;
pub mod scan;

use std::io;
use std::path::{Path, PathBuf};

use crate::case::Case;

pub use atomic::write_new_file;
pub use codec::{
    decode, encode, encode_parts, event_json, fast_path_agreement, format_instant,
    try_encode_parts, DecodeError,
};
pub use layout::{FIRST_NUMBER, LOCK_FILE, STORE_GITIGNORE, TEMP_PREFIX, TEMP_SUFFIX};
pub use listing::{CaseFile, StoreListing, StrayFile};
pub use lock::StoreLock;
#[cfg(test)]
pub(crate) use scan::read_listed;
pub use scan::{ScanListing, Scanned};

/// The largest case file the store reads or writes: 1 MiB
/// ([`safe_open::Kind::Case`]). A larger file is refused before it is
/// read; a case with hundreds of events is tens of kilobytes.
pub const MAX_CASE_FILE_BYTES: u64 = 1 << 20;

/// A store failure, naming the file involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {} does not exist or is not a directory (create one with: cases init)", path.display())]
    Missing { path: PathBuf },
    /// A directory without the marks `cases init` leaves (empty or not).
    #[error("{} is not a case store: {} (only cases init makes a store: {})", path.display(), if *empty { "it is empty" } else { "it holds no case directory, no store .gitignore and no .lock" }, init_hint(path))]
    NotAStore { path: PathBuf, empty: bool },
    #[error("case {number} does not exist (no file {})", path.display())]
    NotFound { number: u64, path: PathBuf },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}:1:1: number: the file holds case {holds} but its path is that of case {expected}", path.display())]
    WrongNumber {
        path: PathBuf,
        holds: u64,
        expected: u64,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A case that cannot be written: it would be refused when read back.
    #[error("case {number}: {message}; nothing was written")]
    Unwritable { number: u64, message: String },
    /// A file of the store refused by [`safe_open`] (the lock, the cache).
    #[error(transparent)]
    Refused(safe_open::OpenError),
}

impl StoreError {
    fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<safe_open::OpenError> for StoreError {
    /// A refused case file is an invalid case file (`file:1:1: why`).
    fn from(error: safe_open::OpenError) -> StoreError {
        match (&error.problem, error.kind) {
            (safe_open::Problem::Io(e), _) => StoreError::Io {
                path: error.path.clone(),
                source: io::Error::new(e.kind(), e.to_string()),
            },
            (_, safe_open::Kind::Case) => StoreError::Invalid {
                line: 1,
                column: 1,
                message: error.reason(),
                path: error.path,
            },
            _ => StoreError::Refused(error),
        }
    }
}

/// How a store is used by one command: given by the caller, never read
/// from the environment by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    /// `Some(instant)`: scans use the scan cache, and a file modified less
    /// than [`cache::RACY_WINDOW`] before `instant` (nanoseconds since the
    /// epoch; the command's start on the system clock) is not cached.
    /// `None`: no cache is read or written.
    pub scan_cache: Option<i128>,
}

impl StoreOptions {
    /// Scans use the cache, with the racy window ending at `started`.
    pub fn cached(started: std::time::SystemTime) -> StoreOptions {
        let started = started
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        StoreOptions {
            scan_cache: Some(started),
        }
    }

    /// No scan cache.
    pub fn uncached() -> StoreOptions {
        StoreOptions { scan_cache: None }
    }
}

/// A case store rooted at a directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    options: StoreOptions,
    held: lock::Held,
}

/// A new case and what numbering it ignored.
#[derive(Debug)]
pub struct Created {
    pub case: Case,
    /// Entries named like cases or case directories that are not where the
    /// layout puts them, so they did not count for the number.
    pub ignored: Vec<PathBuf>,
}

/// What [`Store::create_cases`] wrote.
#[derive(Debug)]
pub struct CreatedMany {
    /// In number order.
    pub cases: Vec<Case>,
    /// As in [`Created::ignored`].
    pub ignored: Vec<PathBuf>,
}

impl Store {
    /// Opens an existing store directory. The directory itself is taken as
    /// named (`--store` may be any path, a link included), but it must be a
    /// store: holding a case directory, the store's `.gitignore` or its
    /// `.lock` (an empty directory is not one: `cases init` writes the
    /// `.gitignore`, and a clone keeps it). A case directory or the lock file that is a symbolic
    /// link is refused: writes through it would land outside the store.
    /// Reads one directory, the root.
    pub fn open(root: impl Into<PathBuf>, options: StoreOptions) -> Result<Store, StoreError> {
        let root = root.into();
        if !root.is_dir() {
            return Err(StoreError::Missing { path: root });
        }
        check_root(&root)?;
        Ok(Store {
            root,
            options,
            held: lock::Held::default(),
        })
    }

    /// Creates the store directory, its `.gitignore` and its `.lock` where
    /// missing (an existing `.gitignore` is kept, a link included): what
    /// `cases init` does, and the only way a store comes to be.
    pub fn create(root: impl Into<PathBuf>, options: StoreOptions) -> Result<Store, StoreError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|e| StoreError::io(&root, e))?;
        let ignore = root.join(layout::GITIGNORE_FILE);
        write_new_file(&ignore, STORE_GITIGNORE.as_bytes())
            .map_err(|e| StoreError::io(&ignore, e))?;
        safe_open::open_lock(&root.join(LOCK_FILE))?;
        Store::open(root, options)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of case `number`: `<root>/001/1042.yaml`.
    pub fn path_of(&self, number: u64) -> PathBuf {
        layout::path_of(&self.root, number)
    }

    /// Takes the store's lock, waiting for other writers; it stays held
    /// until this store (every clone) is dropped or [`Store::unlock`].
    pub fn lock(&self) -> Result<StoreLock, StoreError> {
        self.held.take(&self.root.join(LOCK_FILE))
    }

    /// Takes the lock only if no other writer holds it: `Ok(true)` when
    /// taken (held until [`Store::unlock`]), `Ok(false)` when a writer is
    /// running. Used by `check` to tell a live writer's temporary file from
    /// a leftover one.
    pub fn try_lock(&self) -> Result<bool, StoreError> {
        self.held.try_take(&self.root.join(LOCK_FILE))
    }

    /// Releases the lock if this store holds it.
    pub fn unlock(&self) {
        self.held.release();
    }

    /// Reads and decodes case `number`.
    pub fn read(&self, number: u64) -> Result<Case, StoreError> {
        let path = self.path_of(number);
        match scan::read_case_file(number, &path) {
            Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Err(StoreError::NotFound { number, path })
            }
            read => read,
        }
    }

    /// The number the next new case gets: one more than the highest stored
    /// where the layout puts it, and the entries numbering ignored. Reads
    /// the root and the highest non-empty case directory. Call under the lock.
    pub fn next_number(&self) -> Result<(u64, Vec<PathBuf>), StoreError> {
        let (highest, ignored) = listing::next_number(&self.root)?;
        let Some(highest) = highest else {
            return Ok((FIRST_NUMBER, ignored));
        };
        let next = highest.checked_add(1).ok_or_else(|| StoreError::Invalid {
            path: self.path_of(highest),
            line: 1,
            column: 1,
            message: format!(
                "case {highest} is the highest number there can be; no case can follow it"
            ),
        })?;
        Ok((next.max(FIRST_NUMBER), ignored))
    }

    /// Allocates the next number, builds the case with `build` and writes it,
    /// all under the lock. Nothing is written when `build` fails.
    pub fn create_case<E>(
        &self,
        build: impl FnOnce(u64) -> Result<Case, E>,
    ) -> Result<Result<Created, E>, StoreError> {
        let _lock = self.lock()?;
        let (number, ignored) = self.next_number()?;
        let case = match build(number) {
            Ok(case) => case,
            Err(error) => return Ok(Err(error)),
        };
        self.write(&case)?;
        Ok(Ok(Created { case, ignored }))
    }

    /// Allocates consecutive numbers from the next one, builds every case
    /// with `build(first number)` and writes them all, under one lock (an
    /// import). Every case is encoded and checked before the first write,
    /// so nothing is written when one of them could not be; should a write
    /// fail all the same (a full disk), the files already written are
    /// removed and the store is as it was. Each file is written atomically;
    /// each directory is synced once, after its last file.
    pub fn create_cases<E>(
        &self,
        build: impl FnOnce(u64) -> Result<Vec<Case>, E>,
    ) -> Result<Result<CreatedMany, E>, StoreError> {
        let _lock = self.lock()?;
        let (first, ignored) = self.next_number()?;
        let cases = match build(first) {
            Ok(cases) => cases,
            Err(error) => return Ok(Err(error)),
        };
        let mut files = Vec::with_capacity(cases.len());
        for case in &cases {
            files.push((self.path_of(case.number()), writable(case)?));
        }
        atomic::write_batch(&files)?;
        Ok(Ok(CreatedMany { cases, ignored }))
    }

    /// Reads case `number`, lets `change` modify it, and writes it back when
    /// it changed, all under the lock. Nothing is written when `change` fails.
    pub fn update_case<E>(
        &self,
        number: u64,
        change: impl FnOnce(&mut Case) -> Result<(), E>,
    ) -> Result<Result<Case, E>, StoreError> {
        let _lock = self.lock()?;
        let original = self.read(number)?;
        let mut case = original.clone();
        if let Err(error) = change(&mut case) {
            return Ok(Err(error));
        }
        if case != original {
            self.write(&case)?;
        }
        Ok(Ok(case))
    }

    /// Writes `case` atomically (see [`atomic`]), after checking that the
    /// store would read it back as it is: never a file it would refuse.
    /// Call under the lock.
    pub fn write(&self, case: &Case) -> Result<(), StoreError> {
        let path = self.path_of(case.number());
        let text = writable(case)?;
        atomic::write_atomically(&path, text.as_bytes())
    }

    /// Every case file, ordered by case number, every entry that does not
    /// belong, and the case write temporaries (see [`listing`]).
    pub fn list_files(&self) -> Result<StoreListing, StoreError> {
        listing::list(&self.root)
    }
}

/// The bytes `case` is written as, if the store will read them back as the
/// same case: within the size limit, and decoding to `case`.
pub fn writable(case: &Case) -> Result<String, StoreError> {
    let number = case.number();
    let unwritable = |message: String| StoreError::Unwritable { number, message };
    let text = try_encode_parts(case.header(), case.history()).map_err(unwritable)?;
    if text.len() as u64 > MAX_CASE_FILE_BYTES {
        return Err(unwritable(format!(
            "the case file would be {} bytes, above the 1 MiB limit of a case file",
            text.len()
        )));
    }
    match decode(&text) {
        Ok(read_back) if read_back == *case => Ok(text),
        Ok(_) => Err(unwritable(
            "the case file would not read back as the same case".into(),
        )),
        Err(e) => Err(unwritable(format!(
            "the case file would not read back ({}:{}: {})",
            e.line, e.column, e.problem
        ))),
    }
}

/// Checks that `root` is a store (see [`Store::open`]) and that none of its
/// case directories nor its lock file is a symbolic link.
fn check_root(root: &Path) -> Result<(), StoreError> {
    let entries = listing::directory_entries(root)?;
    let mut is_store = false;
    for (name, path, file_type) in &entries {
        let own = name == LOCK_FILE || layout::is_directory_name(name);
        if own && file_type.is_symlink() {
            let message = format!(
                "a symbolic link{} where the store keeps its own {}; replace it with a real {} inside the store",
                std::fs::read_link(path)
                    .map_or(String::new(), |t| format!(" (to {})", t.display())),
                if name == LOCK_FILE { "lock file" } else { "case directory" },
                if name == LOCK_FILE { "file" } else { "directory" },
            );
            return Err(StoreError::io(path, io::Error::other(message)));
        }
        is_store |= own
            || (name == layout::GITIGNORE_FILE && file_type.is_file())
            || name == cache::CACHE_FILE;
    }
    if is_store {
        Ok(())
    } else {
        Err(StoreError::NotAStore {
            path: root.to_path_buf(),
            empty: entries.is_empty(),
        })
    }
}

/// The `cases init` that makes a store of `path`: `init` makes
/// `DIR/cases`, so a directory named `cases` is made by `cases init` of its
/// parent, any other by one that makes a `cases/` inside it.
fn init_hint(path: &Path) -> String {
    match (path.file_name(), path.parent()) {
        (Some(name), Some(parent)) if name == "cases" => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            format!("cases init {}", parent.display())
        }
        _ => format!(
            "cases init DIR makes DIR/cases; cases init {} makes {}",
            path.display(),
            path.join("cases").display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[cfg(unix)]
    #[test]
    fn creating_a_store_never_writes_through_a_dangling_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cases");
        fs::create_dir(&root).unwrap();
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, root.join(".gitignore")).unwrap();
        Store::create(&root, StoreOptions::uncached()).unwrap();
        assert!(!target.exists(), "nothing written through the link");
        assert!(fs::symlink_metadata(root.join(".gitignore"))
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_new_store_gets_its_gitignore_and_an_existing_one_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cases");
        Store::create(&root, StoreOptions::uncached()).unwrap();
        let ignore = root.join(".gitignore");
        assert_eq!(fs::read_to_string(&ignore).unwrap(), STORE_GITIGNORE);
        fs::write(&ignore, "mine\n").unwrap();
        Store::create(&root, StoreOptions::uncached()).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), "mine\n");
    }
}
