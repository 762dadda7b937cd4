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

use crate::case::{Case, Event, Header};

/// The cache file's name at the store's root.
pub const CACHE_FILE: &str = ".cache";

/// Bumped whenever the cached form of a case changes.
const FORMAT: &[u8; 16] = b"cases-cache-v002";

/// Files modified this recently before a scan are not cached (nanoseconds).
pub const RACY_WINDOW: i128 = 2_000_000_000;

/// What identifies one version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

impl Stamp {
    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

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

/// What the header part of an entry holds.
#[derive(Serialize, Deserialize)]
struct CachedHeader {
    header: Header,
    #[serde(with = "chrono::serde::ts_seconds")]
    opened_at: DateTime<Utc>,
}

/// A case served from the cache: its header, and its history still encoded.
#[derive(Debug)]
pub struct CachedCase<'a> {
    pub header: Header,
    /// When the case was opened (its `created` event).
    pub opened_at: DateTime<Utc>,
    history: &'a [u8],
}

impl CachedCase<'_> {
    /// The whole case; `None` if the history does not decode.
    pub fn into_case(self) -> Option<Case> {
        let history: Vec<Event> = postcard::from_bytes(self.history).ok()?;
        (history.first()?.at == self.opened_at).then(|| Case::from_cache(self.header, history))
    }
}

/// A case read from its file during this scan, for the next cache.
struct Fresh {
    number: u64,
    stamp: Stamp,
    header: Vec<u8>,
    history: Vec<u8>,
}

/// Where an entry's parts are in the cache buffer.
struct Located {
    number: u64,
    stamp: Stamp,
    header: Range<usize>,
    history: Range<usize>,
}

/// The cache as loaded for one scan, plus the entries that scan produces.
/// The old cache stays one buffer; its entries are ranges into it.
pub struct ScanCache {
    path: PathBuf,
    /// When this scan started, in nanoseconds since the epoch.
    started_ns: i128,
    buffer: Vec<u8>,
    /// The entries of the cache as loaded, ordered by number.
    old: Vec<Located>,
    fresh: Mutex<Vec<Fresh>>,
    /// Which entries of `old` were still valid and used (same order).
    reused: Vec<AtomicBool>,
}

impl ScanCache {
    /// Loads the cache of the store at `root`; any problem gives an empty one.
    pub fn load(root: &Path) -> ScanCache {
        let started_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i128);
        Self::load_at(root, started_ns)
    }

    /// [`ScanCache::load`] for a scan that started at `started_ns` (tests
    /// move it to exercise the racy window without waiting).
    fn load_at(root: &Path, started_ns: i128) -> ScanCache {
        let path = root.join(CACHE_FILE);
        let buffer = fs::read(&path).unwrap_or_default();
        let old = index(&buffer).unwrap_or_default();
        let reused = old.iter().map(|_| AtomicBool::new(false)).collect();
        ScanCache {
            path,
            started_ns,
            buffer,
            old,
            fresh: Mutex::new(Vec::new()),
            reused,
        }
    }

    /// A cache that holds nothing and saves nothing (`CASES_NO_CACHE`).
    pub fn disabled() -> ScanCache {
        ScanCache {
            path: PathBuf::new(),
            started_ns: i128::MIN,
            buffer: Vec::new(),
            old: Vec::new(),
            fresh: Mutex::new(Vec::new()),
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
        if cached.header.number != number {
            return None;
        }
        self.reused[position].store(true, Ordering::Relaxed);
        Some(CachedCase {
            header: cached.header,
            opened_at: cached.opened_at,
            history: &self.buffer[located.history.clone()],
        })
    }

    /// Offers a case just read from its file for the next scan.
    pub fn put(&self, case: &Case, stamp: Stamp) {
        if self.path.as_os_str().is_empty() {
            return; // disabled
        }
        let racy = self.started_ns - RACY_WINDOW;
        if stamp.modified_ns >= racy || stamp.changed_ns >= racy {
            return; // racily clean: read it from the file until it is older
        }
        let header = CachedHeader {
            header: case.header().clone(),
            opened_at: case.opened_at(),
        };
        let (Ok(header), Ok(history)) = (
            postcard::to_allocvec(&header),
            postcard::to_allocvec(case.history()),
        ) else {
            return;
        };
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.push(Fresh {
                number: case.number(),
                stamp,
                header,
                history,
            });
        }
    }

    /// Writes the cache for the next scan when this one changed anything:
    /// the entries used plus the fresh ones (files gone are dropped).
    pub fn save(self) {
        if self.path.as_os_str().is_empty() {
            return; // disabled
        }
        let fresh = self.fresh.into_inner().unwrap_or_default();
        let all_reused = self.reused.iter().all(|r| r.load(Ordering::Relaxed));
        if fresh.is_empty() && all_reused {
            return;
        }
        let mut entries: Vec<Entry> = self
            .old
            .iter()
            .zip(&self.reused)
            .filter(|(_, reused)| reused.load(Ordering::Relaxed))
            .map(|(located, _)| Entry {
                number: located.number,
                stamp: located.stamp,
                header: &self.buffer[located.header.clone()],
                history: &self.buffer[located.history.clone()],
            })
            .chain(fresh.iter().map(|f| Entry {
                number: f.number,
                stamp: f.stamp,
                header: &f.header,
                history: &f.history,
            }))
            .collect();
        entries.sort_unstable_by_key(|e| e.number);
        entries.dedup_by_key(|e| e.number);
        let directory = self.path.parent().unwrap_or(Path::new("."));
        let written = tempfile::Builder::new()
            .prefix(".cache-")
            .suffix(".tmp")
            .tempfile_in(directory)
            .and_then(|mut file| {
                file.write_all(FORMAT)?;
                // Buffer before checksumming: postcard writes a byte at a time.
                let mut writer = std::io::BufWriter::with_capacity(
                    1 << 20,
                    Checksummed {
                        inner: file,
                        crc: crc32fast::Hasher::new(),
                    },
                );
                postcard::to_io(&entries, &mut writer).map_err(std::io::Error::other)?;
                let mut checksummed = writer.into_inner().map_err(|e| e.into_error())?;
                let crc = checksummed.crc.clone().finalize();
                checksummed.inner.write_all(&crc.to_le_bytes())?;
                checksummed.inner.persist(&self.path).map_err(|e| e.error)?;
                Ok(())
            });
        // A store we cannot write to just goes uncached.
        drop(written);
    }
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

/// Where each entry of a cache file is: `FORMAT`, the postcard-encoded
/// entries, then the CRC-32 of those entries. `None` if it is not valid.
fn index(bytes: &[u8]) -> Option<Vec<Located>> {
    let rest = bytes.strip_prefix(FORMAT.as_slice())?;
    let (payload, crc) = rest.split_at_checked(rest.len().checked_sub(4)?)?;
    if crc32fast::hash(payload).to_le_bytes() != crc {
        return None;
    }
    let entries: Vec<Entry> = postcard::from_bytes(payload).ok()?;
    let base = bytes.as_ptr() as usize;
    let range_of = |part: &[u8]| {
        let start = part.as_ptr() as usize - base;
        start..start + part.len()
    };
    let mut index: Vec<Located> = entries
        .into_iter()
        .map(|e| Located {
            number: e.number,
            stamp: e.stamp,
            header: range_of(e.header),
            history: range_of(e.history),
        })
        .collect();
    // Written in order; sorting again costs nothing and makes lookups safe.
    index.sort_unstable_by_key(|e| e.number);
    index.dedup_by_key(|e| e.number);
    Some(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Contact, Event, EventKind, Intake};
    use crate::store::Store;

    fn case(number: u64, title: &str) -> Case {
        Case::open(
            number,
            Event {
                at: "2026-11-16T14:00:00Z".parse().unwrap(),
                by: "alice".into(),
                kind: EventKind::Created(Intake {
                    title: title.into(),
                    account: "Acme".into(),
                    plan: "plus".into(),
                    region: "emea".into(),
                    language: "en".into(),
                    severity: 2,
                    channel: "community".into(),
                    contacts: vec![Contact::parse("Jane <jane@acme.example>").unwrap()],
                    related: vec![],
                    policy_version: "2026.1".into(),
                }),
            },
        )
        .unwrap()
    }

    fn stamp_of(store: &Store, number: u64) -> Stamp {
        Stamp::of(&fs::symlink_metadata(store.path_of(number)).unwrap())
    }

    /// A scan that starts 10 s from now: every file is old enough to cache.
    fn later(root: &Path) -> ScanCache {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as i128;
        ScanCache::load_at(root, now + 10_000_000_000)
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
        let store = Store::create(dir.path().join("cases")).unwrap();
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
                Ok(crate::store::Scanned::Cached { entry, .. }) => Ok((true, entry.header.title)),
                Ok(crate::store::Scanned::Read(case)) => Ok((false, case.header().title.clone())),
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

    #[test]
    fn racily_clean_files_are_not_cached() {
        let (_dir, store) = store_with_two_cases();
        // The scan starts now: both files were written within the window.
        let cache = ScanCache::load(store.root());
        for number in [1001, 1002] {
            cache.put(&store.read(number).unwrap(), stamp_of(&store, number));
        }
        cache.save();
        assert!(!store.root().join(CACHE_FILE).exists());
    }
}
