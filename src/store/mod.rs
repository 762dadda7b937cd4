//! The flat-file case store (SPEC section 5).
//!
//! Case N lives at `<store>/<N / 1000, 3 digits>/<N>.yaml` (case 1042 at
//! `001/1042.yaml`): the path depends on the number alone and never changes,
//! and no directory holds more than 1,000 cases. The next number is one more
//! than the highest in the highest directory, so allocating one reads one
//! directory, not the store.
//!
//! Every mutation runs under the store's lock file (`.lock`, an advisory
//! `flock`) and writes through a temporary file in the same directory that
//! is fsynced and renamed over the case, so a reader sees the old or the new
//! file, never half of one, and concurrent invocations lose nothing.

pub mod cache;
pub mod codec;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::case::{Case, Header};

pub use codec::{
    decode, encode, encode_parts, event_json, fast_path_agreement, format_instant, DecodeError,
};

/// The number the first case of a store gets.
pub const FIRST_NUMBER: u64 = 1001;

/// The name of the lock file at the store's root.
pub const LOCK_FILE: &str = ".lock";

/// Prefix and suffix of temporary files; a leftover one means an
/// interrupted write and is never read as a case.
pub const TEMP_PREFIX: &str = ".case-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// What the store's `.gitignore` holds.
pub const STORE_GITIGNORE: &str =
    "# written by cases: lock, temporary and cache files are local\n.lock\n.case-*.tmp\n.cache\n.cache-*.tmp\n";

/// A store failure, naming the file involved.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {} does not exist or is not a directory (create one with: cases init)", path.display())]
    Missing { path: PathBuf },
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
}

impl StoreError {
    fn io(path: &Path, source: io::Error) -> StoreError {
        StoreError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A case store rooted at a directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Held while a mutation runs; dropping it releases the lock.
pub struct StoreLock {
    _file: File,
}

/// What is under a store: case files by number, and everything else.
#[derive(Debug, Clone, Default)]
pub struct StoreListing {
    /// Ordered by number.
    pub cases: Vec<CaseFile>,
    /// Files that are not cases, ordered by path.
    pub strays: Vec<StrayFile>,
}

/// A case file found by [`Store::list_files`].
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// The case its path says it holds.
    pub number: u64,
    pub path: PathBuf,
    /// What the listing saw (without following links): the stamp of a
    /// regular file; `None` for anything else, or when it vanished.
    stamp: Option<cache::Stamp>,
}

/// A case as a scan found it: read from its file and decoded in full, or
/// served from the scan cache with its header decoded and its history
/// decoded only when asked for (most scans look at most cases' headers only).
pub enum Scanned<'a> {
    Read(Case),
    Cached {
        entry: cache::CachedCase<'a>,
        path: &'a Path,
    },
}

impl Scanned<'_> {
    pub fn header(&self) -> &Header {
        match self {
            Scanned::Read(case) => case.header(),
            Scanned::Cached { entry, .. } => &entry.header,
        }
    }

    /// When the case was opened (its `created` event).
    pub fn opened_at(&self) -> DateTime<Utc> {
        match self {
            Scanned::Read(case) => case.opened_at(),
            Scanned::Cached { entry, .. } => entry.opened_at,
        }
    }

    /// The whole case. A cached history that does not decode (it was
    /// checksummed, so only a bug could cause that) is read from the file.
    pub fn into_case(self) -> Result<Case, StoreError> {
        match self {
            Scanned::Read(case) => Ok(case),
            Scanned::Cached { entry, path } => {
                let number = entry.header.number;
                entry
                    .into_case()
                    .map_or_else(|| read_path(number, path), Ok)
            }
        }
    }
}

/// A file under the store that is not a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrayFile {
    pub path: PathBuf,
    pub reason: &'static str,
}

impl Store {
    /// Opens an existing store directory. The directory itself is taken as
    /// named (`--store` may be any path, a link included), but a case
    /// directory or the lock file that is a symbolic link is refused: writes
    /// through it would land outside the store.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let root = root.into();
        if !root.is_dir() {
            return Err(StoreError::Missing { path: root });
        }
        refuse_linked_entries(&root)?;
        Ok(Store { root })
    }

    /// Creates the store directory (and its `.gitignore`) if needed.
    pub fn create(root: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(|e| StoreError::io(&root, e))?;
        let ignore = root.join(".gitignore");
        write_new_file(&ignore, STORE_GITIGNORE.as_bytes())
            .map_err(|e| StoreError::io(&ignore, e))?;
        Ok(Store { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path of case `number`, relative to nothing: `<root>/001/1042.yaml`.
    pub fn path_of(&self, number: u64) -> PathBuf {
        self.root
            .join(format!("{:03}", number / 1000))
            .join(format!("{number}.yaml"))
    }

    /// Takes the store's lock, waiting for other writers.
    pub fn lock(&self) -> Result<StoreLock, StoreError> {
        let path = self.root.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        file.lock().map_err(|e| StoreError::io(&path, e))?;
        Ok(StoreLock { _file: file })
    }

    /// Reads and decodes case `number`.
    pub fn read(&self, number: u64) -> Result<Case, StoreError> {
        let path = self.path_of(number);
        match read_case_bytes(&path) {
            Ok(bytes) => decode_file(&path, &bytes, Some(number)),
            Err(CaseRead::Io(e)) if e.kind() == io::ErrorKind::NotFound => {
                Err(StoreError::NotFound { number, path })
            }
            Err(refused) => Err(refused.into_error(&path)),
        }
    }

    /// The number the next new case gets: one more than the highest stored.
    /// Reads only the highest non-empty directory. Call under the lock.
    pub fn next_number(&self) -> Result<u64, StoreError> {
        let mut directories: Vec<u64> = numbered_entries(&self.root, true)?;
        directories.sort_unstable();
        for directory in directories.into_iter().rev() {
            let path = self.root.join(format!("{directory:03}"));
            if let Some(highest) = numbered_entries(&path, false)?.into_iter().max() {
                return highest.checked_add(1).ok_or_else(|| StoreError::Invalid {
                    path: self.path_of(highest),
                    line: 1,
                    column: 1,
                    message: format!(
                        "case {highest} is the highest number there can be; no case can follow it"
                    ),
                });
            }
        }
        Ok(FIRST_NUMBER)
    }

    /// Allocates the next number, builds the case with `build` and writes it,
    /// all under the lock. Nothing is written when `build` fails.
    pub fn create_case<E>(
        &self,
        build: impl FnOnce(u64) -> Result<Case, E>,
    ) -> Result<Result<Case, E>, StoreError> {
        let _lock = self.lock()?;
        let number = self.next_number()?;
        let case = match build(number) {
            Ok(case) => case,
            Err(error) => return Ok(Err(error)),
        };
        self.write(&case)?;
        Ok(Ok(case))
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

    /// Writes `case` atomically: temporary file, fsync, rename, fsync of the
    /// directory. Call under the lock.
    pub fn write(&self, case: &Case) -> Result<(), StoreError> {
        let path = self.path_of(case.number());
        let text = encode(case);
        // Never write a file the store would then refuse to read.
        if text.len() as u64 > MAX_CASE_FILE_BYTES {
            return Err(StoreError::Invalid {
                path,
                line: 1,
                column: 1,
                message: format!(
                    "case {} would be {} bytes, above the 1 MiB limit of a case file; nothing was written",
                    case.number(),
                    text.len()
                ),
            });
        }
        let directory = path.parent().unwrap_or(&self.root).to_path_buf();
        fs::create_dir_all(&directory).map_err(|e| StoreError::io(&directory, e))?;
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        builder.permissions(case_file_permissions());
        let mut temporary = builder
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(&directory)
            .map_err(|e| StoreError::io(&directory, e))?;
        temporary
            .write_all(text.as_bytes())
            .and_then(|()| temporary.as_file().sync_all())
            .map_err(|e| StoreError::io(temporary.path(), e))?;
        temporary
            .persist(&path)
            .map_err(|e| StoreError::io(&path, e.error))?;
        File::open(&directory)
            .and_then(|d| d.sync_all())
            .map_err(|e| StoreError::io(&directory, e))?;
        Ok(())
    }

    /// Every case file, ordered by case number, and every stray file:
    /// anything under the store that is not a case where a case belongs.
    /// Case directories are listed on all cores, and each case file is
    /// looked at (`lstat` relative to its directory) for the scan cache.
    pub fn list_files(&self) -> Result<StoreListing, StoreError> {
        use rayon::prelude::*;
        let mut strays = Vec::new();
        let mut directories = Vec::new();
        for (name, path, is_dir) in directory_entries(&self.root)? {
            if is_dir && is_directory_name(&name) {
                directories.push((name, path));
            } else if !ROOT_FILES.contains(&name.as_str()) && !cache::is_temporary(&name) {
                strays.push(StrayFile {
                    path,
                    reason: "not part of a case store (cases are <NNN>/<number>.yaml)",
                });
            }
        }
        // Each directory's cases sorted where it was read, directories in
        // number order: the concatenation is in number order.
        directories.sort_unstable_by_key(|(name, _)| name.parse::<u64>().unwrap_or(u64::MAX));
        let listed: Vec<(Vec<CaseFile>, Vec<StrayFile>)> = directories
            .par_iter()
            .map(|(name, path)| list_case_directory(name, path))
            .collect::<Result<_, _>>()?;
        let mut cases = Vec::with_capacity(listed.iter().map(|(c, _)| c.len()).sum());
        for (directory_cases, directory_strays) in listed {
            cases.extend(directory_cases);
            strays.extend(directory_strays);
        }
        debug_assert!(cases.is_sorted_by_key(|file| file.number));
        strays.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(StoreListing { cases, strays })
    }

    /// Reads every case on all cores (from the scan cache where a file is
    /// unchanged) and maps each with `map` where it was read; returns what
    /// `map` kept (`Some`), in number order. Only the cases being mapped are
    /// in memory at once, so a scan of a large store holds what `map` keeps,
    /// not the store.
    pub fn scan<T, F>(&self, map: F) -> Result<Vec<T>, StoreError>
    where
        T: Send,
        F: Fn(&CaseFile, Result<Scanned<'_>, StoreError>) -> Option<T> + Sync + Send,
    {
        Ok(self.scan_listed(map)?.1)
    }

    /// [`Store::scan`], also returning the listing it scanned (with the
    /// stray files).
    pub fn scan_listed<T, F>(&self, map: F) -> Result<(StoreListing, Vec<T>), StoreError>
    where
        T: Send,
        F: Fn(&CaseFile, Result<Scanned<'_>, StoreError>) -> Option<T> + Sync + Send,
    {
        use rayon::prelude::*;
        let (listing, cache) = self.list_and_load_cache()?;
        let mapped = listing
            .cases
            .par_iter()
            .filter_map(|file| map(file, read_listed(&cache, file)))
            .collect();
        cache.save();
        Ok((listing, mapped))
    }

    /// Reads every case on all cores and folds each into an accumulator
    /// made by `identity`; `reduce` combines the accumulators of the
    /// threads. For figures over the whole store in bounded memory.
    pub fn fold<A, I, F, R>(&self, identity: I, fold: F, reduce: R) -> Result<A, StoreError>
    where
        A: Send,
        I: Fn() -> A + Sync + Send,
        F: Fn(A, &CaseFile, Result<Scanned<'_>, StoreError>) -> A + Sync + Send,
        R: Fn(A, A) -> A + Sync + Send,
    {
        use rayon::prelude::*;
        let (listing, cache) = self.list_and_load_cache()?;
        let folded = listing
            .cases
            .par_iter()
            .fold(&identity, |acc, file| {
                fold(acc, file, read_listed(&cache, file))
            })
            .reduce(&identity, reduce);
        cache.save();
        Ok(folded)
    }

    /// The listing and the scan cache, loaded side by side: the cache is
    /// one large read while the listing waits on directories.
    fn list_and_load_cache(&self) -> Result<(StoreListing, cache::ScanCache), StoreError> {
        let (listing, cache) = rayon::join(|| self.list_files(), || self.scan_cache());
        Ok((listing?, cache))
    }

    /// The scan cache, or an empty one when `CASES_NO_CACHE` is set.
    fn scan_cache(&self) -> cache::ScanCache {
        if env_flag("CASES_NO_CACHE").unwrap_or(true) {
            return cache::ScanCache::disabled();
        }
        cache::ScanCache::load(&self.root)
    }
}

/// A boolean environment variable: unset or empty is `false`; `1`, `true`,
/// `yes`, `on` and `0`, `false`, `no`, `off` (any case) say what they
/// mean; anything else is an error naming what is allowed (the command
/// line checks `CASES_NO_CACHE` with this before anything runs).
pub fn env_flag(name: &str) -> Result<bool, String> {
    let Some(value) = std::env::var_os(name) else {
        return Ok(false);
    };
    let text = value.to_string_lossy().trim().to_ascii_lowercase();
    match text.as_str() {
        "" | "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        _ => Err(format!(
            "{name}={:?} is not a boolean (allowed: 1/0, true/false, yes/no)",
            value.to_string_lossy()
        )),
    }
}

/// The case files and strays of the case directory `name` at `path`.
fn list_case_directory(
    name: &str,
    path: &Path,
) -> Result<(Vec<CaseFile>, Vec<StrayFile>), StoreError> {
    let mut cases = Vec::new();
    let mut strays = Vec::new();
    // `name` is all digits; only the canonical spelling (`001`, not `0001`)
    // holds cases.
    let holds = name
        .parse::<u64>()
        .ok()
        .filter(|number| format!("{number:03}") == name);
    let entries = fs::read_dir(path).map_err(|e| StoreError::io(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(path, e))?;
        let file_path = entry.path();
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let file_type = entry
            .file_type()
            .map_err(|e| StoreError::io(&file_path, e))?;
        match case_number_of(&file_name) {
            Some(number) if !file_type.is_dir() && holds == Some(number / 1000) => {
                // `metadata` does not follow links, and looks the name up in
                // the open directory rather than walking the whole path.
                let stamp = entry
                    .metadata()
                    .ok()
                    .filter(|metadata| metadata.file_type().is_file())
                    .map(|metadata| cache::Stamp::of(&metadata));
                cases.push(CaseFile {
                    number,
                    path: file_path,
                    stamp,
                });
            }
            Some(_) if !file_type.is_dir() => strays.push(StrayFile {
                path: file_path,
                reason: "a case file in the wrong directory (case N belongs in N/1000, 3 digits)",
            }),
            _ if file_name.starts_with(TEMP_PREFIX) && file_name.ends_with(TEMP_SUFFIX) => {
                strays.push(StrayFile {
                    path: file_path,
                    reason: "a temporary file left by an interrupted write; it is not a case and can be deleted",
                })
            }
            _ => strays.push(StrayFile {
                path: file_path,
                reason: "not a case file (cases are <NNN>/<number>.yaml)",
            }),
        }
    }
    cases.sort_unstable_by_key(|file| file.number);
    Ok((cases, strays))
}

/// A listed case file: from the scan cache when the stamp the listing saw is
/// the one cached, else read (and offered to the cache with the stamp of
/// what was read). The listing only descends into real directories, so the
/// file is read without the directory check of [`read_case_bytes`].
pub(crate) fn read_listed<'a>(
    cache: &'a cache::ScanCache,
    file: &'a CaseFile,
) -> Result<Scanned<'a>, StoreError> {
    if let Some(entry) = file.stamp.and_then(|stamp| cache.get(file.number, &stamp)) {
        return Ok(Scanned::Cached {
            entry,
            path: &file.path,
        });
    }
    let (bytes, metadata) =
        read_regular_file(&file.path).map_err(|refused| refused.into_error(&file.path))?;
    let case = decode_file(&file.path, &bytes, Some(file.number))?;
    cache.put(&case, cache::Stamp::of(&metadata));
    Ok(Scanned::Read(case))
}

/// Reads and decodes the case file at `path`, expected to hold `number`.
fn read_path(number: u64, path: &Path) -> Result<Case, StoreError> {
    let bytes = read_case_file(path)?;
    decode_file(path, &bytes, Some(number))
}

/// Creates the file at `path` with `contents` unless something is there
/// already (`false`). Something includes a symbolic link, even one that
/// points nowhere: nothing is ever written through a link.
pub fn write_new_file(path: &Path, contents: &[u8]) -> io::Result<bool> {
    match File::options().write(true).create_new(true).open(path) {
        Ok(mut file) => file.write_all(contents).map(|()| true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// The largest case file the store reads: 1 MiB. A larger file is refused
/// before it is parsed; a case with hundreds of events is tens of kilobytes.
pub const MAX_CASE_FILE_BYTES: u64 = 1 << 20;

/// Why the bytes of a case file were not read.
enum CaseRead {
    Io(io::Error),
    /// The path is not something the store reads as a case.
    Refused(String),
}

impl CaseRead {
    fn into_error(self, path: &Path) -> StoreError {
        match self {
            CaseRead::Io(e) => StoreError::io(path, e),
            CaseRead::Refused(message) => StoreError::Invalid {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                message,
            },
        }
    }
}

/// The bytes of the case file at `path`, refusing what must not be read as
/// a case: a symbolic link (the file or its directory; it could point
/// anywhere), anything but a regular file (a FIFO would block the reader),
/// and a file above [`MAX_CASE_FILE_BYTES`].
fn read_case_bytes(path: &Path) -> Result<Vec<u8>, CaseRead> {
    if let Some(directory) = path.parent() {
        let metadata = fs::symlink_metadata(directory).map_err(CaseRead::Io)?;
        if metadata.file_type().is_symlink() {
            return Err(CaseRead::Refused(format!(
                "its directory {} is a symbolic link{}; case directories must be real directories inside the store",
                directory.display(),
                link_target(directory)
            )));
        }
    }
    read_regular_file(path).map(|(bytes, _)| bytes)
}

/// The bytes of the regular file at `path` and the metadata of the file
/// they were read from. The file is opened without following a symbolic
/// link and without blocking on a FIFO, then refused, before anything is
/// read, if it is not a regular file or is above [`MAX_CASE_FILE_BYTES`].
fn read_regular_file(path: &Path) -> Result<(Vec<u8>, fs::Metadata), CaseRead> {
    let is_link =
        || fs::symlink_metadata(path).is_ok_and(|metadata| metadata.file_type().is_symlink());
    let link_refused = || {
        CaseRead::Refused(format!(
            "the case file is a symbolic link{}; case files must be regular files inside the store",
            link_target(path)
        ))
    };
    // Without O_NOFOLLOW, look before opening.
    if cfg!(not(unix)) && is_link() {
        return Err(link_refused());
    }
    let file = open_no_follow(path).map_err(|e| {
        if is_link() {
            link_refused()
        } else {
            CaseRead::Io(e)
        }
    })?;
    let metadata = file.metadata().map_err(CaseRead::Io)?;
    if !metadata.is_file() {
        return Err(CaseRead::Refused(
            "not a regular file; a case file must be a regular file".into(),
        ));
    }
    if metadata.len() > MAX_CASE_FILE_BYTES {
        return Err(too_large(metadata.len()));
    }
    let bytes = read_open(file, metadata.len()).map_err(CaseRead::Io)?;
    Ok((check_size(bytes)?, metadata))
}

/// Opens `path` for reading without following a symbolic link at its end
/// and without blocking on a FIFO (on Unix).
fn open_no_follow(path: &Path) -> io::Result<File> {
    let mut options = File::options();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    options.open(path)
}

/// The bytes of `file`, expected to be `size` bytes long; at most one byte
/// over the limit is read, whatever the file has grown to.
fn read_open(file: File, size: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(size.min(MAX_CASE_FILE_BYTES) as usize + 1);
    file.take(MAX_CASE_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Refuses bytes over [`MAX_CASE_FILE_BYTES`].
fn check_size(bytes: Vec<u8>) -> Result<Vec<u8>, CaseRead> {
    if bytes.len() as u64 > MAX_CASE_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(size: u64) -> CaseRead {
    CaseRead::Refused(format!(
        "the file is {size} bytes, over the limit of {MAX_CASE_FILE_BYTES} bytes (1 MiB) for a case file; it was not read"
    ))
}

/// [`read_case_bytes`] with its refusals as store errors naming the file:
/// how every reader of case files should get their bytes.
fn read_case_file(path: &Path) -> Result<Vec<u8>, StoreError> {
    read_case_bytes(path).map_err(|refused| refused.into_error(path))
}

/// ` (to TARGET)` for a symbolic link, for messages.
fn link_target(path: &Path) -> String {
    fs::read_link(path).map_or(String::new(), |target| {
        format!(" (to {})", target.display())
    })
}

/// Refuses a store whose case directories (`001`, ...) or lock file are
/// symbolic links. Reads one directory: the store's root.
fn refuse_linked_entries(root: &Path) -> Result<(), StoreError> {
    let entries = fs::read_dir(root).map_err(|e| StoreError::io(root, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io(root, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(is_directory_name(&name) || name == LOCK_FILE) {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| StoreError::io(&path, e))?;
        if file_type.is_symlink() {
            let message = format!(
                "a symbolic link{} where the store keeps its own {}; replace it with a real {} inside the store",
                link_target(&path),
                if name == LOCK_FILE { "lock file" } else { "case directory" },
                if name == LOCK_FILE { "file" } else { "directory" },
            );
            return Err(StoreError::io(&path, io::Error::other(message)));
        }
    }
    Ok(())
}

fn decode_file(path: &Path, bytes: &[u8], number: Option<u64>) -> Result<Case, StoreError> {
    let invalid = |line, column, message: String| StoreError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        message,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let before = &bytes[..e.valid_up_to()];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |p| p + 1)
            + 1;
        invalid(line, column, "the file is not valid UTF-8".into())
    })?;
    let case = decode(text).map_err(|e| invalid(e.line, e.column, e.message))?;
    if let Some(number) = number {
        if case.number() != number {
            return Err(StoreError::WrongNumber {
                path: path.to_path_buf(),
                holds: case.number(),
                expected: number,
            });
        }
    }
    Ok(case)
}

/// Files at the store's root that belong there.
const ROOT_FILES: [&str; 5] = [
    LOCK_FILE,
    ".gitignore",
    ".gitattributes",
    ".git",
    cache::CACHE_FILE,
];

/// `(name, path, is_directory)` of every entry of `directory`.
fn directory_entries(directory: &Path) -> Result<Vec<(String, PathBuf, bool)>, StoreError> {
    let entries = fs::read_dir(directory).map_err(|e| StoreError::io(directory, e))?;
    entries
        .map(|entry| {
            let entry = entry.map_err(|e| StoreError::io(directory, e))?;
            let path = entry.path();
            let is_dir = entry
                .file_type()
                .map_err(|e| StoreError::io(&path, e))?
                .is_dir();
            Ok((
                entry.file_name().to_string_lossy().into_owned(),
                path,
                is_dir,
            ))
        })
        .collect()
}

/// Case files are ordinary shared files: `0666` less the umask (usually
/// `0644`), not the `0600` of a private temporary file.
#[cfg(unix)]
fn case_file_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

/// `001`, `002`, ... `1000`: a directory of up to 1,000 cases.
fn is_directory_name(name: &str) -> bool {
    name.len() >= 3 && name.bytes().all(|b| b.is_ascii_digit())
}

/// `1042.yaml` -> 1042.
fn case_number_of(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".yaml")?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Numbers named by the entries of `directory`: case files, or case
/// directories when `want_directories`.
fn numbered_entries(directory: &Path, want_directories: bool) -> Result<Vec<u64>, StoreError> {
    Ok(directory_entries(directory)?
        .into_iter()
        .filter_map(|(name, _, is_dir)| match (want_directories, is_dir) {
            (true, true) if is_directory_name(&name) => name.parse().ok(),
            (false, false) => case_number_of(&name),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn creating_a_store_never_writes_through_a_dangling_link() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cases");
        fs::create_dir(&root).unwrap();
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, root.join(".gitignore")).unwrap();
        Store::create(&root).unwrap();
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
        Store::create(&root).unwrap();
        let ignore = root.join(".gitignore");
        assert_eq!(fs::read_to_string(&ignore).unwrap(), STORE_GITIGNORE);
        fs::write(&ignore, "mine\n").unwrap();
        Store::create(&root).unwrap();
        assert_eq!(fs::read_to_string(&ignore).unwrap(), "mine\n");
    }
}
