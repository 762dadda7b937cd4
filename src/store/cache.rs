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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::case::Case;

/// The cache file's name at the store's root.
pub const CACHE_FILE: &str = ".cache";

/// Bumped whenever the cached form of a case changes.
const FORMAT: &[u8; 16] = b"cases-cache-v001";

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
/// postcard-encoded (decoded only when a scan needs it).
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    number: u64,
    stamp: Stamp,
    #[serde(borrow)]
    case: &'a [u8],
}

/// A case read from its file during this scan, for the next cache.
struct Fresh {
    number: u64,
    stamp: Stamp,
    case: Vec<u8>,
}

/// The cache as loaded for one scan, plus the entries that scan produces.
/// The old cache stays one buffer; its entries are ranges into it.
pub struct ScanCache {
    path: PathBuf,
    /// When this scan started, in nanoseconds since the epoch.
    started_ns: i128,
    buffer: Vec<u8>,
    /// `(number, stamp, where in the buffer)`, ordered by number.
    old: Vec<(u64, Stamp, std::ops::Range<usize>)>,
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
    pub fn get(&self, number: u64, stamp: &Stamp) -> Option<Case> {
        let position = self.old.binary_search_by_key(&number, |(n, ..)| *n).ok()?;
        let (_, cached, range) = &self.old[position];
        if cached != stamp {
            return None;
        }
        let case: Case = postcard::from_bytes(&self.buffer[range.clone()]).ok()?;
        if case.number() != number {
            return None;
        }
        self.reused[position].store(true, Ordering::Relaxed);
        Some(case)
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
        let Ok(bytes) = postcard::to_allocvec(case) else {
            return;
        };
        if let Ok(mut fresh) = self.fresh.lock() {
            fresh.push(Fresh {
                number: case.number(),
                stamp,
                case: bytes,
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
            .map(|((number, stamp, range), _)| Entry {
                number: *number,
                stamp: *stamp,
                case: &self.buffer[range.clone()],
            })
            .chain(fresh.iter().map(|f| Entry {
                number: f.number,
                stamp: f.stamp,
                case: &f.case,
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
fn index(bytes: &[u8]) -> Option<Vec<(u64, Stamp, std::ops::Range<usize>)>> {
    let rest = bytes.strip_prefix(FORMAT.as_slice())?;
    let (payload, crc) = rest.split_at_checked(rest.len().checked_sub(4)?)?;
    if crc32fast::hash(payload).to_le_bytes() != crc {
        return None;
    }
    let entries: Vec<Entry> = postcard::from_bytes(payload).ok()?;
    let base = bytes.as_ptr() as usize;
    let mut index: Vec<(u64, Stamp, std::ops::Range<usize>)> = entries
        .into_iter()
        .map(|e| {
            let start = e.case.as_ptr() as usize - base;
            (e.number, e.stamp, start..start + e.case.len())
        })
        .collect();
    // Written in order; sorting again costs nothing and makes lookups safe.
    index.sort_unstable_by_key(|(number, ..)| *number);
    index.dedup_by_key(|(number, ..)| *number);
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
        assert_eq!(
            cache.get(1001, &stamp_of(&store, 1001)),
            Some(case(1001, "First"))
        );
        assert_eq!(
            cache.get(1002, &stamp_of(&store, 1002)),
            Some(case(1002, "Second"))
        );
    }

    #[test]
    fn a_changed_stamp_is_a_miss() {
        let (_dir, store) = store_with_two_cases();
        fill(&store);
        let cache = later(store.root());
        let mut stamp = stamp_of(&store, 1001);
        stamp.modified_ns += 1;
        assert_eq!(cache.get(1001, &stamp), None);
        let mut stamp = stamp_of(&store, 1001);
        stamp.inode += 1;
        assert_eq!(cache.get(1001, &stamp), None);
        // A rewritten file (same size: "First" and "Fifth") gets a new inode.
        store.write(&case(1001, "Fifth")).unwrap();
        assert_eq!(cache.get(1001, &stamp_of(&store, 1001)), None);
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
            assert_eq!(cache.get(1001, &stamp_of(&store, 1001)), None);
            assert_eq!(cache.get(1002, &stamp_of(&store, 1002)), None);
        }
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
