//! The scan cache: decoded cases kept in `<store>/.cache` (git-ignored) so a
//! repeated scan of an unchanged store reads one file instead of every case.
//!
//! It is derived data and never trusted over the case files:
//! - an entry is used only while its file's size, modification time, change
//!   time and inode are what they were when it was cached;
//! - like git's racily-clean index entries, a file modified less than
//!   [`RACY_WINDOW`] before the scan that cached it is not cached at all (a
//!   later edit within the same timestamp tick could otherwise keep every
//!   stamp the same), so it is read from the file until it is old enough;
//! - the file carries a format version and a CRC-32 of its contents; a
//!   missing, stale, truncated or corrupted cache is ignored and rebuilt,
//!   costing time, never correctness;
//! - it is written atomically (temporary file, rename) and only when some
//!   entry changed; a store where it cannot be written just goes uncached.

use std::fs;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::safe_open::{self, Kind};
use crate::case::{Case, Event, Header};

/// The cache file's name at the store's root.
pub const CACHE_FILE: &str = ".cache";

/// Prefix and suffix of the next cache while a scan writes it.
const TEMP_PREFIX: &str = ".cache-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file left this long ago by a scan that was killed is removed.
const STALE_TEMPORARY: std::time::Duration = std::time::Duration::from_secs(600);

/// True for the name of a next cache being written (or left by a killed
/// scan): it belongs at the store's root like the cache itself.
pub fn is_temporary(name: &str) -> bool {
    // `tempfile` puts six random letters and digits between the two.
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|random| {
            random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// Removes temporary cache files that no scan has written to for
/// [`STALE_TEMPORARY`] (a scan writes its file from start to end; one killed
/// part-way leaves it behind). Best effort: errors are ignored.
fn remove_stale_temporaries(root: &Path) {
    let Ok(entries) = fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMPORARY);
        if stale && is_temporary(&entry.file_name().to_string_lossy()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The first line of a cache file: its format, bumped whenever the cached
/// form of a case changes, and the version of `cases` that wrote it, since
/// a new version may verify cases differently.
const FORMAT: &[u8] = concat!("cases-cache-v006 ", env!("CARGO_PKG_VERSION"), "\n").as_bytes();

/// Files modified this recently before a scan are not cached (nanoseconds).
pub const RACY_WINDOW: i128 = 2_000_000_000;

/// The system clock in nanoseconds since the epoch (tests of the racy
/// window).
#[cfg(test)]
fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

impl Stamp {
    /// The stamp of a regular file's metadata.
    #[cfg(unix)]
    pub fn of(metadata: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: metadata.len(),
            modified_ns: i128::from(metadata.mtime()) * 1_000_000_000
                + i128::from(metadata.mtime_nsec()),
            changed_ns: i128::from(metadata.ctime()) * 1_000_000_000
                + i128::from(metadata.ctime_nsec()),
            inode: metadata.ino(),
        }
    }

    /// Without inodes and change times, size and modification time.
    #[cfg(not(unix))]
    pub fn of(metadata: &fs::Metadata) -> Stamp {
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        Stamp {
            size: metadata.len(),
            modified_ns,
            changed_ns: modified_ns,
            inode: 0,
        }
    }
}

/// One cached case as written: its number, its file's stamp, and the case
/// postcard-encoded in two parts, the header (with the opening instant)
/// and the history, each decoded only when a scan needs it.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    number: u64,
    stamp: Stamp,
    #[serde(borrow)]
    header: &'a [u8],
    #[serde(borrow)]
    history: &'a [u8],
}

impl Entry<'_> {
    /// Appends the entry to a cache file being written.
    fn write_to(&self, writer: &mut impl Write) -> std::io::Result<()> {
        let bytes = postcard::to_allocvec(self).map_err(std::io::Error::other)?;
        writer.write_all(&bytes)
    }
}

/// What the header part of an entry holds.
#[derive(Serialize, Deserialize)]
struct CachedHeader {
    header: Header,
    #[serde(with = "chrono::serde::ts_seconds")]
    opened_at: DateTime<Utc>,
    /// The case's labels (from its history), so that listings filter and
    /// show them without decoding the history.
    labels: Vec<String>,
}

/// A case served from the cache: its header, and its history still encoded.
#[derive(Debug)]
pub struct CachedCase<'a> {
    pub header: Header,
    /// When the case was opened (its `created` event).
    pub opened_at: DateTime<Utc>,
    /// Its labels, sorted.
    pub labels: Vec<String>,
    history: &'a [u8],
    /// Cleared when the history turns out not to decode, so that the next
    /// cache drops the entry.
    reused: &'a AtomicBool,
}

impl CachedCase<'_> {
    /// The whole case; `None` if its history does not decode or holds what
    /// no case file can (which a checksummed cache only gives when it was
    /// tampered with). It was verified when it was cached: replaying it
    /// again would cost a third of a cached `report`.
    pub fn into_case(self) -> Option<Case> {
        let history: Option<Vec<Event>> = postcard::from_bytes(self.history).ok();
        let case = history
            .filter(|history| {
                history
                    .first()
                    .is_some_and(|first| first.at == self.opened_at)
                    && history.iter().all(|event| in_file_range(event.at))
            })
            .map(|history| Case::from_verified(self.header, history));
        if case.is_none() {
            self.reused.store(false, Ordering::Relaxed);
        }
        case
    }
}

/// True for an instant a case file can hold (years 0000-9999): anything
/// else in a cache was not written by a scan.
fn in_file_range(t: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    (0..=9999).contains(&t.year())
}

/// Where an entry's parts are in the cache buffer.
struct Located {
    number: u64,
    stamp: Stamp,
    header: Range<usize>,
    history: Range<usize>,
}

/// The next cache file as it is written: a temporary file beside the cache,
/// with the CRC-32 of what was written so far.
type Writer = std::io::BufWriter<Checksummed<tempfile::NamedTempFile>>;

/// Where the next cache stands.
enum Next {
    /// Nothing has been read from a case file yet.
    Unstarted,
    /// Entries read during the scan are being written.
    Writing(Box<Writer>),
    /// The cache cannot be written (or is disabled): the store goes uncached.
    Failed,
}

/// The cache as loaded for one scan, plus the next cache that scan writes.
/// The old cache stays one buffer; its entries are ranges into it. Cases
/// read from their files are written to the next cache as they are read,
/// so a scan that builds the cache does not hold it in memory.
pub struct ScanCache {
    /// Where the cache file is; `None` when the cache is disabled.
    path: Option<PathBuf>,
    /// When this scan started, in nanoseconds since the epoch.
    started_ns: i128,
    buffer: Vec<u8>,
    /// The entries of the cache as loaded, ordered by number.
    old: Vec<Located>,
    next: Mutex<Next>,
    /// Which entries of `old` were still valid and used (same order).
    reused: Vec<AtomicBool>,
}

impl ScanCache {
    /// Loads the cache of the store at `root` for a scan that started at
    /// `started_ns` (nanoseconds since the epoch, from the caller: files
    /// modified within [`RACY_WINDOW`] before it are not cached). Any
    /// problem gives an empty cache; a cache file that [`safe_open`]
    /// refuses (a link, a FIFO, over 1 GiB) is also returned, for `check`.
    /// A file that does not start with this version's format line is not
    /// read further.
    pub fn load(root: &Path, started_ns: i128) -> (ScanCache, Option<safe_open::OpenError>) {
        let path = root.join(CACHE_FILE);
        let (buffer, refused) = match read_cache_file(&path) {
            Ok(buffer) => (buffer, None),
            Err(error) if error.is_not_found() => (Vec::new(), None),
            Err(error) => (Vec::new(), Some(error)),
        };
        let old = index(&buffer).unwrap_or_default();
        let reused = old.iter().map(|_| AtomicBool::new(false)).collect();
        let cache = ScanCache {
            path: Some(path),
            started_ns,
            buffer,
            old,
            next: Mutex::new(Next::Unstarted),
            reused,
        };
        (cache, refused)
    }

    /// A cache that holds nothing and saves nothing (`--no-cache`).
    pub fn disabled() -> ScanCache {
        ScanCache {
            path: None,
            started_ns: i128::MIN,
            buffer: Vec::new(),
            old: Vec::new(),
            next: Mutex::new(Next::Failed),
            reused: Vec::new(),
        }
    }

    /// The cached case `number` if `stamp` says its file is unchanged.
    pub fn get(&self, number: u64, stamp: &Stamp) -> Option<CachedCase<'_>> {
        let position = self.old.binary_search_by_key(&number, |e| e.number).ok()?;
        let located = &self.old[position];
        if located.stamp != *stamp {
            return None;
        }
        let cached: CachedHeader =
            postcard::from_bytes(&self.buffer[located.header.clone()]).ok()?;
        if cached.header.number != number || !in_file_range(cached.opened_at) {
            return None;
        }
        let reused = &self.reused[position];
        reused.store(true, Ordering::Relaxed);
        Some(CachedCase {
            header: cached.header,
            opened_at: cached.opened_at,
            labels: cached.labels,
            history: &self.buffer[located.history.clone()],
            reused,
        })
    }

    /// Offers a case just read from its file for the next scan.
    pub fn put(&self, case: &Case, stamp: Stamp) {
        let Some(path) = &self.path else {
            return; // disabled
        };
        let racy = self.started_ns - RACY_WINDOW;
        if stamp.modified_ns >= racy || stamp.changed_ns >= racy {
            return; // racily clean: read it from the file until it is older
        }
        let header = CachedHeader {
            header: case.header().clone(),
            opened_at: case.opened_at(),
            labels: case.labels(),
        };
        let (Ok(header), Ok(history)) = (
            postcard::to_allocvec(&header),
            postcard::to_allocvec(case.history()),
        ) else {
            return;
        };
        let entry = Entry {
            number: case.number(),
            stamp,
            header: &header,
            history: &history,
        };
        let Ok(mut next) = self.next.lock() else {
            return;
        };
        if matches!(*next, Next::Unstarted) {
            *next = match start_next(path) {
                Ok(writer) => Next::Writing(Box::new(writer)),
                Err(_) => Next::Failed,
            };
        }
        if let Next::Writing(writer) = &mut *next {
            if entry.write_to(writer).is_err() {
                *next = Next::Failed;
            }
        }
    }

    /// Puts the next cache in place when this scan changed anything: the
    /// entries read from files, then the old entries still valid (the
    /// entries of files gone are dropped). Otherwise the old one stays.
    pub fn save(self) {
        let Some(path) = &self.path else {
            return; // disabled
        };
        if let Some(directory) = path.parent() {
            remove_stale_temporaries(directory);
        }
        let next = self.next.lock().map_or(Next::Failed, |mut next| {
            std::mem::replace(&mut *next, Next::Failed)
        });
        let all_reused = self.reused.iter().all(|r| r.load(Ordering::Relaxed));
        let writer = match next {
            Next::Failed => return,
            Next::Writing(writer) => Ok(*writer),
            Next::Unstarted if all_reused => return,
            // Only entries dropped (files deleted): write the rest.
            Next::Unstarted => start_next(path),
        };
        let buffer = &self.buffer;
        let written = writer.and_then(|mut writer| {
            for (located, reused) in self.old.iter().zip(&self.reused) {
                if reused.load(Ordering::Relaxed) {
                    let entry = Entry {
                        number: located.number,
                        stamp: located.stamp,
                        header: &buffer[located.header.clone()],
                        history: &buffer[located.history.clone()],
                    };
                    entry.write_to(&mut writer)?;
                }
            }
            let mut checksummed = writer.into_inner().map_err(|e| e.into_error())?;
            let crc = checksummed.crc.clone().finalize();
            checksummed.inner.write_all(&crc.to_le_bytes())?;
            checksummed.inner.persist(path).map_err(|e| e.error)?;
            Ok(())
        });
        // A store we cannot write to just goes uncached (the temporary file
        // is removed when it is dropped).
        drop(written);
    }
}

/// The bytes of the cache file at `path` through [`safe_open`]; empty when
/// it does not start with this version's format line (the rest is not read).
fn read_cache_file(path: &Path) -> Result<Vec<u8>, safe_open::OpenError> {
    use std::io::Read;
    let (file, metadata) = safe_open::open(path, Kind::Cache)?;
    let mut reader = file.take(Kind::Cache.limit());
    let mut buffer = Vec::with_capacity(metadata.len() as usize);
    let mut format = [0u8; FORMAT.len()];
    if reader.read_exact(&mut format).is_err() || format != FORMAT {
        return Ok(Vec::new());
    }
    buffer.extend_from_slice(&format);
    reader
        .read_to_end(&mut buffer)
        .map_err(|_| ())
        .map_or(Ok(Vec::new()), |_| Ok(buffer))
}

/// A temporary file beside the cache at `path` for the next cache, its
/// format line written.
fn start_next(path: &Path) -> std::io::Result<Writer> {
    let directory = path.parent().unwrap_or(Path::new("."));
    let file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(directory)?;
    let mut writer = std::io::BufWriter::with_capacity(
        1 << 20,
        Checksummed {
            inner: file,
            crc: crc32fast::Hasher::new(),
        },
    );
    writer.write_all(FORMAT)?;
    Ok(writer)
}

/// A writer that keeps a CRC-32 of what passes through it.
struct Checksummed<W: Write> {
    inner: W,
    crc: crc32fast::Hasher,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(bytes)?;
        self.crc.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Where each entry of a cache file is: `FORMAT`, postcard-encoded entries
/// one after another (in no particular order), then the CRC-32 of all that
/// precedes it. `None` if it is not valid.
fn index(bytes: &[u8]) -> Option<Vec<Located>> {
    let (payload, crc) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
    if crc32fast::hash(payload).to_le_bytes() != crc {
        return None;
    }
    let mut rest = payload.strip_prefix(FORMAT)?;
    let base = bytes.as_ptr() as usize;
    let range_of = |part: &[u8]| {
        let start = part.as_ptr() as usize - base;
        start..start + part.len()
    };
    let mut index = Vec::new();
    while !rest.is_empty() {
        let (entry, after): (Entry, &[u8]) = postcard::take_from_bytes(rest).ok()?;
        index.push(Located {
            number: entry.number,
            stamp: entry.stamp,
            header: range_of(entry.header),
            history: range_of(entry.history),
        });
        rest = after;
    }
    index.sort_unstable_by_key(|e| e.number);
    index.dedup_by_key(|e| e.number);
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Event, EventKind, Intake};
    use crate::store::Store;

    /// FNV-1a, to pin bytes in a short literal.
    fn fingerprint(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn the_cached_form_of_a_case_is_the_one_format_names() {
        // The header and history of a case with every event kind, as an
        // entry holds them. When this fails, the cached form changed (a
        // field, its order, an event kind inserted before others): bump
        // FORMAT, so that no old cache is read with the new layout, then
        // update these figures. The same case built with the code before
        // Facts and EscalationRequest (ffa5ac7, flat header fields and a
        // struct variant) encodes to these same bytes: caches written by
        // that version read the same.
        let case = crate::store::codec::tests::case_with("Search is slow", "Looking into it.");
        let header = postcard::to_allocvec(&CachedHeader {
            header: case.header().clone(),
            opened_at: case.opened_at(),
            labels: case.labels(),
        })
        .unwrap();
        let history = postcard::to_allocvec(case.history()).unwrap();
        assert_eq!(&FORMAT[..17], b"cases-cache-v006 ");
        assert_eq!(
            (header.len(), fingerprint(&header)),
            (102, 824240681638494074),
            "header"
        );
        assert_eq!(
            (history.len(), fingerprint(&history)),
            (1079, 5267431722049447554),
            "history"
        );
    }

    fn case(number: u64, title: &str) -> Case {
        Case::open(
            number,
            Event {
                at: "2026-11-16T14:00:00Z".parse().unwrap(),
                by: "alice".into(),
                kind: EventKind::Created(Intake::sample(title)),
            },
        )
        .unwrap()
    }

    fn stamp_of(store: &Store, number: u64) -> Stamp {
        Stamp::of(&fs::symlink_metadata(store.path_of(number)).unwrap())
    }

    /// A scan that starts 10 s from now: every file is old enough to cache.
    fn later(root: &Path) -> ScanCache {
        ScanCache::load(root, now_ns() + 10_000_000_000).0
    }

    fn fill(store: &Store) {
        let cache = later(store.root());
        for number in [1001, 1002] {
            let stamp = stamp_of(store, number);
            assert!(cache.get(number, &stamp).is_none(), "nothing cached yet");
            cache.put(&store.read(number).unwrap(), stamp);
        }
        cache.save();
    }

    fn store_with_two_cases() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(
            dir.path().join("cases"),
            crate::store::StoreOptions::uncached(),
        )
        .unwrap();
        store.write(&case(1001, "First")).unwrap();
        store.write(&case(1002, "Second")).unwrap();
        (dir, store)
    }

    #[test]
    fn an_unchanged_file_is_served_from_the_cache() {
        let (_dir, store) = store_with_two_cases();
        fill(&store);
        let cache = later(store.root());
        for (number, title) in [(1001, "First"), (1002, "Second")] {
            let expected = case(number, title);
            let cached = cache.get(number, &stamp_of(&store, number)).unwrap();
            // The header and the opening come without decoding the history.
            assert_eq!(cached.header, *expected.header());
            assert_eq!(cached.opened_at, expected.opened_at());
            assert_eq!(cached.into_case(), Some(expected));
        }
    }

    #[test]
    fn a_changed_stamp_is_a_miss() {
        let (_dir, store) = store_with_two_cases();
        fill(&store);
        let cache = later(store.root());
        let mut stamp = stamp_of(&store, 1001);
        stamp.modified_ns += 1;
        assert!(cache.get(1001, &stamp).is_none());
        let mut stamp = stamp_of(&store, 1001);
        stamp.inode += 1;
        assert!(cache.get(1001, &stamp).is_none());
        // A rewritten file (same size: "First" and "Fifth") gets a new inode.
        store.write(&case(1001, "Fifth")).unwrap();
        assert!(cache.get(1001, &stamp_of(&store, 1001)).is_none());
    }

    #[test]
    fn a_corrupted_or_truncated_cache_is_ignored() {
        let (_dir, store) = store_with_two_cases();
        fill(&store);
        let path = store.root().join(CACHE_FILE);
        let good = fs::read(&path).unwrap();
        for broken in [
            {
                let mut b = good.clone();
                let middle = b.len() / 2;
                b[middle] ^= 0x40;
                b
            },
            good[..good.len() - 3].to_vec(),
            b"cases-cache-v000".to_vec(),
            // Written before the edited event kind (v005): the kinds after
            // it were numbered one lower, so it must be rebuilt.
            [
                &b"cases-cache-v004 "[..],
                &good[b"cases-cache-v006 ".len()..],
            ]
            .concat(),
            // Written before labels were cached beside the header (v006).
            [
                &b"cases-cache-v005 "[..],
                &good[b"cases-cache-v006 ".len()..],
            ]
            .concat(),
            Vec::new(),
        ] {
            fs::write(&path, &broken).unwrap();
            let cache = later(store.root());
            assert!(cache.get(1001, &stamp_of(&store, 1001)).is_none());
            assert!(cache.get(1002, &stamp_of(&store, 1002)).is_none());
        }
    }

    /// One scan as the store runs it, starting 10 s from now: for each case
    /// file, whether it came from the cache and its header, or the error.
    fn scan_once(store: &Store) -> Vec<Result<(bool, String), String>> {
        let cache = later(store.root());
        let listing = store.list_files().unwrap();
        let seen = listing
            .cases
            .iter()
            .map(|file| match crate::store::read_listed(&cache, file) {
                Ok(crate::store::Scanned::Cached { entry, .. }) => {
                    Ok((true, entry.header.facts.title))
                }
                Ok(crate::store::Scanned::Read(case)) => {
                    Ok((false, case.header().facts.title.clone()))
                }
                Err(error) => Err(error.to_string()),
            })
            .collect();
        cache.save();
        seen
    }

    #[test]
    fn a_scan_serves_unchanged_files_from_the_cache_and_rereads_changed_ones() {
        let (_dir, store) = store_with_two_cases();
        let read = |title: &str| Ok((false, title.to_string()));
        let cached = |title: &str| Ok((true, title.to_string()));
        assert_eq!(scan_once(&store), vec![read("First"), read("Second")]);
        assert_eq!(scan_once(&store), vec![cached("First"), cached("Second")]);
        // A header edited by hand no longer matches its history: the file is
        // read again and refused, never served from the cache.
        let path = store.path_of(1001);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replacen("title: First", "title: Forged", 1)).unwrap();
        let seen = scan_once(&store);
        assert_eq!(seen[1], cached("Second"));
        let error = seen[0].clone().unwrap_err();
        assert!(
            error.starts_with(&format!("{}:", path.display())) && error.contains("title"),
            "{error}"
        );
        // Put back, it is read (and cached) again.
        fs::write(&path, text).unwrap();
        assert_eq!(scan_once(&store), vec![read("First"), cached("Second")]);
        assert_eq!(scan_once(&store), vec![cached("First"), cached("Second")]);
    }

    /// The numbers of the entries in the store's cache file.
    fn cached_numbers(store: &Store) -> Vec<u64> {
        let bytes = fs::read(store.root().join(CACHE_FILE)).unwrap();
        index(&bytes).unwrap().iter().map(|e| e.number).collect()
    }

    #[test]
    fn the_entries_of_deleted_files_are_dropped() {
        let (_dir, store) = store_with_two_cases();
        store.write(&case(1003, "Third")).unwrap();
        scan_once(&store);
        assert_eq!(cached_numbers(&store), vec![1001, 1002, 1003]);
        fs::remove_file(store.path_of(1002)).unwrap();
        let cached = |title: &str| Ok((true, title.to_string()));
        assert_eq!(scan_once(&store), vec![cached("First"), cached("Third")]);
        assert_eq!(cached_numbers(&store), vec![1001, 1003]);
    }

    #[test]
    fn an_unchanged_store_leaves_the_cache_file_alone() {
        let (_dir, store) = store_with_two_cases();
        scan_once(&store);
        let path = store.root().join(CACHE_FILE);
        let before = Stamp::of(&fs::symlink_metadata(&path).unwrap());
        scan_once(&store);
        assert_eq!(Stamp::of(&fs::symlink_metadata(&path).unwrap()), before);
        let leftovers: Vec<_> = fs::read_dir(store.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn temporaries_left_by_killed_scans_are_not_strays_and_are_removed_when_stale() {
        let (_dir, store) = store_with_two_cases();
        scan_once(&store);
        let path = store.root().join(CACHE_FILE);
        let built = Stamp::of(&fs::symlink_metadata(&path).unwrap());
        let stale = store.root().join(".cache-killed.tmp");
        let recent = store.root().join(".cache-Run1ng.tmp");
        for path in [&stale, &recent] {
            fs::write(path, b"cases-cache-v006 half").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
        assert!(store.list_files().unwrap().strays.is_empty());
        // Other names are strays, for `check` to report.
        let other = store.root().join(".cache-mine.tmp");
        fs::write(&other, b"").unwrap();
        let strays: Vec<_> = store
            .list_files()
            .unwrap()
            .strays
            .into_iter()
            .map(|s| s.path)
            .collect();
        assert_eq!(strays, std::slice::from_ref(&other));
        fs::remove_file(&other).unwrap();
        // A scan of the unchanged store: the cache is all reused, not
        // rewritten, and the stale temporary goes.
        let cached = |title: &str| Ok((true, title.to_string()));
        assert_eq!(scan_once(&store), vec![cached("First"), cached("Second")]);
        assert_eq!(Stamp::of(&fs::symlink_metadata(&path).unwrap()), built);
        assert!(
            !stale.exists(),
            "a temporary untouched for an hour is removed"
        );
        assert!(recent.exists(), "one a scan may be writing is left alone");
    }

    /// Rewrites the store's cache file with `change` applied to each entry's
    /// header and history parts, and a valid checksum: a tampered cache.
    fn tamper(store: &Store, change: impl Fn(u64, &mut Vec<u8>, &mut Vec<u8>)) {
        let path = store.root().join(CACHE_FILE);
        let bytes = fs::read(&path).unwrap();
        let mut out = FORMAT.to_vec();
        for located in index(&bytes).unwrap() {
            let mut header = bytes[located.header].to_vec();
            let mut history = bytes[located.history].to_vec();
            change(located.number, &mut header, &mut history);
            let entry = Entry {
                number: located.number,
                stamp: located.stamp,
                header: &header,
                history: &history,
            };
            out.extend(postcard::to_allocvec(&entry).unwrap());
        }
        let crc = crc32fast::hash(&out);
        out.extend(crc.to_le_bytes());
        fs::write(&path, out).unwrap();
    }

    #[test]
    fn a_cached_history_that_does_not_decode_is_read_from_the_file_and_dropped() {
        let (_dir, store) = store_with_two_cases();
        scan_once(&store);
        tamper(&store, |number, _, history| {
            if number == 1001 {
                history.truncate(history.len() / 2);
            }
        });
        let cache = later(store.root());
        let listing = store.list_files().unwrap();
        let cases: Vec<Case> = listing
            .cases
            .iter()
            .map(|file| {
                let scanned = crate::store::read_listed(&cache, file).unwrap();
                assert!(matches!(scanned, crate::store::Scanned::Cached { .. }));
                scanned.into_case().unwrap()
            })
            .collect();
        assert_eq!(cases, [case(1001, "First"), case(1002, "Second")]);
        cache.save();
        // The next cache no longer holds the broken entry: it is read again.
        assert_eq!(cached_numbers(&store), vec![1002]);
        let read = |title: &str| Ok((false, title.to_string()));
        let cached = |title: &str| Ok((true, title.to_string()));
        assert_eq!(scan_once(&store), vec![read("First"), cached("Second")]);
    }

    #[test]
    fn a_cached_instant_no_case_file_can_hold_is_a_miss() {
        let (_dir, store) = store_with_two_cases();
        scan_once(&store);
        // The opening instant in year -262000 (a file holds years 0000-9999).
        tamper(&store, |number, header, _| {
            if number == 1002 {
                let mut cached: CachedHeader = postcard::from_bytes(header).unwrap();
                cached.opened_at = DateTime::<Utc>::MIN_UTC;
                *header = postcard::to_allocvec(&cached).unwrap();
            }
        });
        let read = |title: &str| Ok((false, title.to_string()));
        let cached = |title: &str| Ok((true, title.to_string()));
        assert_eq!(scan_once(&store), vec![cached("First"), read("Second")]);
    }

    #[test]
    fn racily_clean_files_are_not_cached() {
        let (_dir, store) = store_with_two_cases();
        // The scan starts now: both files were written within the window.
        let cache = ScanCache::load(store.root(), now_ns()).0;
        for number in [1001, 1002] {
            cache.put(&store.read(number).unwrap(), stamp_of(&store, number));
        }
        cache.save();
        assert!(!store.root().join(CACHE_FILE).exists());
    }
}
