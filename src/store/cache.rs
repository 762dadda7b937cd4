//! The scan cache: decoded cases kept in `<store>/.cache` (git-ignored) so a
//! repeated scan of an unchanged store reads one file instead of every case.
//!
//! The file is split in chunks, one per case directory (at most 1,000
//! cases), found through an index at its end: a scan reads, verifies and
//! rewrites each directory's chunk on its own, so it holds the chunks of
//! the directories being scanned, never the whole cache (issue 25). The
//! layout of the file ([`FORMAT`]):
//! - the format line;
//! - chunks, in no particular order: postcard-encoded entries one after
//!   another, each chunk's CRC-32 in the index;
//! - the index: the postcard-encoded [`ChunkInfo`]s, ordered by directory;
//! - the index's offset (u64) and CRC-32 (u32), little-endian.
//!
//! It is derived data and never trusted over the case files:
//! - an entry is used only while its file's size, modification time, change
//!   time and inode are what they were when it was cached;
//! - like git's racily-clean index entries, a file modified less than
//!   [`RACY_WINDOW`] before the scan that cached it is not cached at all (a
//!   later edit within the same timestamp tick could otherwise keep every
//!   stamp the same), so it is read from the file until it is old enough;
//! - the file carries a format version, its index and every chunk a
//!   CRC-32; a missing, foreign, old-format, truncated or corrupted file is
//!   ignored and rebuilt, and so is a corrupted chunk on its own, costing
//!   time, never correctness;
//! - it is written atomically (temporary file, rename) and only when some
//!   entry changed, the unchanged chunks copied over one at a time; a store
//!   where it cannot be written just goes uncached.

use std::cell::{Cell, RefCell};
use std::fs;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::safe_open::{self, Kind};
// An instant outside these years in a cache was not written by a scan.
use crate::case::{in_case_years, Case, Event, Header};

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
/// form of a case or the file's layout changes (v007: chunks per directory
/// and an index; v008: what commands derived from each case), and the
/// build of `cases` that wrote it (its version and a hash of its sources,
/// `build.rs`), since another build may verify cases differently or derive
/// other figures from them: a cache written by any other build is rebuilt.
const FORMAT: &[u8] = concat!(
    "cases-cache-v008 ",
    env!("CARGO_PKG_VERSION"),
    " ",
    env!("CASES_SOURCE_HASH"),
    "\n"
)
.as_bytes();

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

/// One cached case as written: its number, its file's stamp, the case
/// postcard-encoded in two parts, the header (with the opening instant)
/// and the history, each decoded only when a scan needs it, and what a
/// command derived from the case ([`Derived`]; empty when none did).
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    number: u64,
    stamp: Stamp,
    #[serde(borrow)]
    header: &'a [u8],
    #[serde(borrow)]
    history: &'a [u8],
    #[serde(borrow)]
    derived: &'a [u8],
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
    reused: &'a Cell<bool>,
    derived: Derived<'a>,
}

/// What a command derived from a cached case and keeps beside it, in the
/// command's own encoding (`report`'s facts of a case, keyed by the policy
/// they were computed under): dropped with the entry when the case file
/// changes, so it is only ever what the command computed from this
/// version of the case. A command that derived something else offers it
/// for the next cache.
#[derive(Debug, Clone, Copy)]
pub struct Derived<'a> {
    /// As the cache has it; empty when nothing was derived.
    pub bytes: &'a [u8],
    offered: &'a RefCell<Option<Vec<u8>>>,
}

impl Derived<'_> {
    /// Keeps `bytes` beside the case in the next cache, instead of what it
    /// has.
    pub fn offer(&self, bytes: Vec<u8>) {
        *self.offered.borrow_mut() = Some(bytes);
    }
}

impl<'a> CachedCase<'a> {
    /// What a command derived from the case ([`Derived`]).
    pub fn derived(&self) -> Derived<'a> {
        self.derived
    }

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
                    && history.iter().all(|event| in_case_years(event.at))
            })
            .map(|history| Case::from_verified(self.header, history));
        if case.is_none() {
            self.reused.set(false);
        }
        case
    }
}

/// Where one case directory's chunk is in a cache file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct ChunkInfo {
    /// The directory of the cases `thousand * 1000 ..`.
    thousand: u64,
    offset: u64,
    length: u64,
    crc: u32,
}

/// The largest chunk a scan reads: the 1,000 cases of a directory take
/// about 0.5 MB cached; a larger chunk was not written by a scan.
const MAX_CHUNK_BYTES: u64 = 1 << 28;

/// The largest index a scan reads: about 20 bytes per directory.
const MAX_INDEX_BYTES: u64 = 1 << 26;

/// The end of a cache file: the index's offset (u64) and CRC-32 (u32).
const TRAILER_BYTES: u64 = 12;

/// The cache file as a scan found it: open, its index read and verified,
/// its chunks still on disk.
struct OldCache {
    file: fs::File,
    /// Ordered by directory, no two alike.
    chunks: Vec<ChunkInfo>,
}

/// Where an entry's parts are in its chunk's buffer.
struct Located {
    number: u64,
    stamp: Stamp,
    header: Range<usize>,
    history: Range<usize>,
    derived: Range<usize>,
}

/// The next cache file as it is written: a temporary file beside the
/// cache, and where the chunks written so far are in it.
struct NextFile {
    writer: std::io::BufWriter<tempfile::NamedTempFile>,
    /// The length written so far: where the next chunk starts.
    offset: u64,
    chunks: Vec<ChunkInfo>,
}

impl NextFile {
    /// A temporary file beside the cache at `path`, its format line written.
    fn start(path: &Path) -> std::io::Result<NextFile> {
        let directory = path.parent().unwrap_or(Path::new("."));
        let file = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(directory)?;
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
        writer.write_all(FORMAT)?;
        Ok(NextFile {
            writer,
            offset: FORMAT.len() as u64,
            chunks: Vec::new(),
        })
    }

    /// Appends the chunk of directory `thousand`.
    fn write_chunk(&mut self, thousand: u64, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)?;
        self.chunks.push(ChunkInfo {
            thousand,
            offset: self.offset,
            length: bytes.len() as u64,
            crc: crc32fast::hash(bytes),
        });
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes the index and the trailer and puts the file in place at `path`.
    fn persist(mut self, path: &Path) -> std::io::Result<()> {
        self.chunks.sort_unstable_by_key(|chunk| chunk.thousand);
        self.chunks.dedup_by_key(|chunk| chunk.thousand);
        let index = postcard::to_allocvec(&self.chunks).map_err(std::io::Error::other)?;
        self.writer.write_all(&index)?;
        self.writer.write_all(&self.offset.to_le_bytes())?;
        self.writer
            .write_all(&crc32fast::hash(&index).to_le_bytes())?;
        let file = self.writer.into_inner().map_err(|e| e.into_error())?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// Where the next cache stands.
enum Next {
    /// No directory has changed yet.
    Unstarted,
    /// The chunks of the directories scanned since one changed are being
    /// written.
    Writing(Box<NextFile>),
    /// The cache cannot be written (or is disabled): the store goes uncached.
    Failed,
}

/// What the directories scanned so far did to the cache.
struct Progress {
    next: Next,
    /// Chunks of the old cache found unchanged before the next file was
    /// started: copied from the old file if the next one is saved.
    untouched: Vec<ChunkInfo>,
    /// True once a directory's chunk changed (an entry added or dropped).
    changed: bool,
    /// How many directories of the old index were scanned: any other one
    /// is gone from the store, and its chunk with it.
    visited: usize,
}

/// Buffers of finished directories ([`ScanCache::give_back`]).
#[derive(Default)]
struct Spare {
    buffers: Vec<Vec<u8>>,
    located: Vec<Vec<Located>>,
}

/// The most buffers of each kind kept: a directory being scanned on each
/// core holds one or two.
const SPARE_BUFFERS: usize = 4;

/// The scan cache of one scan: the old cache's index, and the next cache
/// that scan writes. Each case directory is scanned through its own
/// [`DirectoryCache`] ([`ScanCache::directory`]), handed back with
/// [`ScanCache::finish`]; [`ScanCache::save`] then puts the next cache in
/// place if anything changed. Only the chunks of directories being scanned
/// are in memory.
pub struct ScanCache {
    /// Where the cache file is; `None` when the cache is disabled.
    path: Option<PathBuf>,
    /// When this scan started, in nanoseconds since the epoch.
    started_ns: i128,
    old: Option<OldCache>,
    progress: Mutex<Progress>,
    /// Buffers finished directories left, for the next ones.
    spare: Mutex<Spare>,
    /// The largest read from the cache file so far, in bytes (the test
    /// that scans never read the whole cache).
    #[cfg(test)]
    largest_read: std::sync::atomic::AtomicU64,
}

impl ScanCache {
    /// Loads the index of the cache of the store at `root` for a scan that
    /// started at `started_ns` (nanoseconds since the epoch, from the
    /// caller: files modified within [`RACY_WINDOW`] before it are not
    /// cached). Any problem gives an empty cache; a cache file that
    /// [`safe_open`] refuses (a link, a FIFO, over 1 GiB) is also
    /// returned, for `check`. A file that does not start with this
    /// version's format line is not read further.
    pub fn load(root: &Path, started_ns: i128) -> (ScanCache, Option<safe_open::OpenError>) {
        let path = root.join(CACHE_FILE);
        let (old, refused) = match safe_open::open(&path, Kind::Cache) {
            Ok((file, metadata)) => (read_index(file, metadata.len()), None),
            Err(error) if error.is_not_found() => (None, None),
            Err(error) => (None, Some(error)),
        };
        let cache = ScanCache {
            path: Some(path),
            started_ns,
            old,
            progress: Mutex::new(Progress {
                next: Next::Unstarted,
                untouched: Vec::new(),
                changed: false,
                visited: 0,
            }),
            spare: Mutex::default(),
            #[cfg(test)]
            largest_read: Default::default(),
        };
        (cache, refused)
    }

    /// A cache that holds nothing and saves nothing (`--no-cache`).
    pub fn disabled() -> ScanCache {
        ScanCache {
            path: None,
            started_ns: i128::MIN,
            old: None,
            progress: Mutex::new(Progress {
                next: Next::Failed,
                untouched: Vec::new(),
                changed: false,
                visited: 0,
            }),
            spare: Mutex::default(),
            #[cfg(test)]
            largest_read: Default::default(),
        }
    }

    /// The cache of the case directory `thousand`, which holds `cases`
    /// case files, for a scan of it: its chunk read and verified (none if
    /// it is missing or corrupted).
    pub fn directory(&self, thousand: u64, cases: usize) -> DirectoryCache {
        let mut directory = DirectoryCache {
            thousand,
            racy_from: self.path.as_ref().map(|_| self.started_ns - RACY_WINDOW),
            listed: false,
            old: None,
            buffer: Vec::new(),
            located: Vec::new(),
            uses: Vec::new(),
            fresh: RefCell::new(Vec::new()),
            expected_bytes: cases.saturating_mul(ENTRY_BYTES_EXPECTED),
        };
        let Some(old) = &self.old else {
            return directory;
        };
        let Ok(position) = old.chunks.binary_search_by_key(&thousand, |c| c.thousand) else {
            return directory;
        };
        directory.listed = true;
        let info = old.chunks[position];
        let (buffer, located) = self.take_spare();
        if let Some((buffer, located)) = self.read_chunk(&old.file, &info, buffer, located) {
            directory.uses = located.iter().map(|_| EntryUse::default()).collect();
            directory.buffer = buffer;
            directory.located = located;
            directory.old = Some(info);
        }
        directory
    }

    /// The bytes of the chunk `info` of the old cache and where its
    /// entries are, if its checksum holds and every entry decodes, read
    /// into `buffer` and `located` (emptied first).
    fn read_chunk(
        &self,
        file: &fs::File,
        info: &ChunkInfo,
        buffer: Vec<u8>,
        located: Vec<Located>,
    ) -> Option<(Vec<u8>, Vec<Located>)> {
        let buffer = self.read_at(file, info.offset, info.length, buffer)?;
        if crc32fast::hash(&buffer) != info.crc {
            return None;
        }
        let located = locate_entries(&buffer, located)?;
        Some((buffer, located))
    }

    /// `length` bytes of the old cache file at `offset`, in `buffer`.
    fn read_at(
        &self,
        file: &fs::File,
        offset: u64,
        length: u64,
        mut buffer: Vec<u8>,
    ) -> Option<Vec<u8>> {
        #[cfg(test)]
        self.largest_read
            .fetch_max(length, std::sync::atomic::Ordering::Relaxed);
        // Resized, not cleared: only bytes it never had are zeroed (all of
        // them are read over), where zeroing every chunk cost 5% of a scan.
        buffer.resize(usize::try_from(length).ok()?, 0);
        read_exact_at(file, offset, &mut buffer).ok()?;
        Some(buffer)
    }

    /// A buffer for a chunk and a vector for its entries' places, as a
    /// finished directory left them (or new).
    fn take_spare(&self) -> (Vec<u8>, Vec<Located>) {
        let Ok(mut spare) = self.spare.lock() else {
            return Default::default();
        };
        (
            spare.buffers.pop().unwrap_or_default(),
            spare.located.pop().unwrap_or_default(),
        )
    }

    /// Keeps what a finished directory allocated for the next one: the
    /// allocator returns freed memory to the system at once (`main.rs`),
    /// so a new buffer for every directory was faulted in and zeroed by
    /// the kernel again (a tenth of a cached scan).
    fn give_back(&self, buffers: [Vec<u8>; 2], located: Vec<Located>) {
        let Ok(mut spare) = self.spare.lock() else {
            return;
        };
        for buffer in buffers {
            if buffer.capacity() > 0 && spare.buffers.len() < SPARE_BUFFERS {
                spare.buffers.push(buffer);
            }
        }
        if located.capacity() > 0 && spare.located.len() < SPARE_BUFFERS {
            spare.located.push(located);
        }
    }

    /// Takes back the cache of a directory whose scan is done: its chunk
    /// goes to the next cache as it was, or rebuilt from the entries still
    /// valid and those read from files; its buffers are kept for the next
    /// directory.
    pub fn finish(&self, mut directory: DirectoryCache) {
        let chunk = self.pass_on(&mut directory);
        let buffer = std::mem::take(&mut directory.buffer);
        self.give_back([buffer, chunk], directory.located);
    }

    /// Writes the chunk of `directory` to the next cache if one is being
    /// written ([`ScanCache::finish`]); returns the buffer of a chunk it
    /// rebuilt (empty if none).
    fn pass_on(&self, directory: &mut DirectoryCache) -> Vec<u8> {
        if self.path.is_none() {
            return Vec::new(); // disabled
        }
        let dropped = directory.uses.iter().any(|used| !used.reused.get())
            || (directory.listed && directory.old.is_none());
        let derived = (directory.uses.iter()).any(|used| used.offered.borrow().is_some());
        let mut chunk = directory.fresh.take();
        let changed = dropped || derived || !chunk.is_empty();
        if changed {
            for (located, used) in directory.located.iter().zip(&directory.uses) {
                if used.reused.get() {
                    let offered = used.offered.borrow();
                    let entry = Entry {
                        number: located.number,
                        stamp: located.stamp,
                        header: &directory.buffer[located.header.clone()],
                        history: &directory.buffer[located.history.clone()],
                        derived: offered
                            .as_deref()
                            .unwrap_or(&directory.buffer[located.derived.clone()]),
                    };
                    if entry.write_to(&mut chunk).is_err() {
                        self.fail();
                        return chunk;
                    }
                }
            }
        }
        let Ok(mut progress) = self.progress.lock() else {
            return chunk;
        };
        let progress = &mut *progress;
        progress.visited += usize::from(directory.listed);
        progress.changed |= changed;
        if !changed {
            let Some(info) = directory.old else {
                return chunk; // nothing cached for this directory, before or now
            };
            match progress.next {
                Next::Unstarted => {
                    progress.untouched.push(info);
                    return chunk;
                }
                Next::Failed => return chunk,
                Next::Writing(_) => chunk = std::mem::take(&mut directory.buffer),
            }
        } else if let (Some(path), Next::Unstarted) = (&self.path, &progress.next) {
            progress.next = match NextFile::start(path) {
                Ok(next) => Next::Writing(Box::new(next)),
                Err(_) => Next::Failed,
            };
        }
        if let Next::Writing(next) = &mut progress.next {
            if !chunk.is_empty() && next.write_chunk(directory.thousand, &chunk).is_err() {
                progress.next = Next::Failed;
            }
        }
        chunk
    }

    /// Gives up the next cache (the store goes uncached this time).
    fn fail(&self) {
        if let Ok(mut progress) = self.progress.lock() {
            progress.next = Next::Failed;
        }
    }

    /// Puts the next cache in place when this scan changed anything: the
    /// chunks written by [`ScanCache::finish`], then the unchanged chunks
    /// of directories finished before the first change, copied from the
    /// old file one at a time (the chunks of directories gone are dropped).
    /// Otherwise the old one stays.
    pub fn save(self) {
        let Some(path) = &self.path else {
            return; // disabled
        };
        if let Some(directory) = path.parent() {
            remove_stale_temporaries(directory);
        }
        let Ok(progress) = self.progress.lock().map(|mut p| {
            std::mem::replace(
                &mut *p,
                Progress {
                    next: Next::Failed,
                    untouched: Vec::new(),
                    changed: false,
                    visited: 0,
                },
            )
        }) else {
            return;
        };
        let old_chunks = self.old.as_ref().map_or(0, |old| old.chunks.len());
        if !progress.changed && progress.visited == old_chunks {
            return;
        }
        let next = match progress.next {
            Next::Failed => return,
            Next::Writing(next) => Ok(*next),
            // Only chunks dropped (directories gone): write the rest.
            Next::Unstarted => NextFile::start(path),
        };
        let written = next.and_then(|mut next| {
            for info in &progress.untouched {
                // Read again, verified again: only a chunk at a time is held.
                let bytes = self
                    .old
                    .as_ref()
                    .and_then(|old| self.read_chunk(&old.file, info, Vec::new(), Vec::new()))
                    .ok_or_else(|| std::io::Error::other("the old cache changed"))?
                    .0;
                next.write_chunk(info.thousand, &bytes)?;
            }
            next.persist(path)
        });
        // A store we cannot write to just goes uncached (the temporary file
        // is removed when it is dropped).
        drop(written);
    }
}

/// The cache of one case directory during a scan: its chunk of the old
/// cache (one buffer; entries are ranges into it), which of those entries
/// were still valid and used, and the entries of the files read from disk,
/// encoded for the next cache. Scanned by one thread.
pub struct DirectoryCache {
    thousand: u64,
    /// Files modified from this instant on are not cached; `None` when the
    /// cache is disabled.
    racy_from: Option<i128>,
    /// True when the old index had a chunk for this directory.
    listed: bool,
    /// That chunk, when it was read and verified.
    old: Option<ChunkInfo>,
    buffer: Vec<u8>,
    /// The entries of `buffer`, ordered by number.
    located: Vec<Located>,
    /// What the scan did with each entry of `located` (same order).
    uses: Vec<EntryUse>,
    fresh: RefCell<Vec<u8>>,
    /// What `fresh` is given at once when the first case is put: grown by
    /// doubling instead, each directory's chunk left freed blocks of every
    /// size that the allocator kept (a fresh scan of 100,000 cases peaked
    /// at 74 MB instead of 33 MB).
    expected_bytes: usize,
}

/// What a scan did with one entry of its directory's old chunk.
#[derive(Default)]
struct EntryUse {
    /// It was still valid and served: it goes to the next cache.
    reused: Cell<bool>,
    /// What a command derived from its case for the next cache (`None`:
    /// the entry's own is kept).
    offered: RefCell<Option<Vec<u8>>>,
}

/// About what a cached case takes (479 bytes on average in the synthetic
/// stores): a directory's chunk is reserved whole, rarely grown.
const ENTRY_BYTES_EXPECTED: usize = 640;

impl DirectoryCache {
    /// The cached case `number` if `stamp` says its file is unchanged.
    pub fn get(&self, number: u64, stamp: &Stamp) -> Option<CachedCase<'_>> {
        let position = self
            .located
            .binary_search_by_key(&number, |e| e.number)
            .ok()?;
        let located = &self.located[position];
        if located.stamp != *stamp {
            return None;
        }
        let cached: CachedHeader =
            postcard::from_bytes(&self.buffer[located.header.clone()]).ok()?;
        if cached.header.number != number || !in_case_years(cached.opened_at) {
            return None;
        }
        let used = &self.uses[position];
        used.reused.set(true);
        Some(CachedCase {
            header: cached.header,
            opened_at: cached.opened_at,
            labels: cached.labels,
            history: &self.buffer[located.history.clone()],
            reused: &used.reused,
            derived: Derived {
                bytes: &self.buffer[located.derived.clone()],
                offered: &used.offered,
            },
        })
    }

    /// Offers a case just read from its file for the next scan.
    pub fn put(&self, case: &Case, stamp: Stamp) {
        let Some(racy) = self.racy_from else {
            return; // disabled
        };
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
            derived: &[],
        };
        let mut fresh = self.fresh.borrow_mut();
        if fresh.capacity() == 0 {
            fresh.reserve(self.expected_bytes);
        }
        let before = fresh.len();
        if entry.write_to(&mut *fresh).is_err() {
            fresh.truncate(before);
        }
    }
}

/// The old cache's index, if `file` (of `length` bytes) is a cache of this
/// format whose index is intact and places every chunk inside the file.
/// Reads the format line, the trailer and the index, nothing else.
fn read_index(file: fs::File, length: u64) -> Option<OldCache> {
    let format_end = FORMAT.len() as u64;
    let index_end = length.checked_sub(TRAILER_BYTES)?;
    if index_end < format_end {
        return None;
    }
    let mut format = [0u8; FORMAT.len()];
    read_exact_at(&file, 0, &mut format).ok()?;
    if format != FORMAT {
        return None;
    }
    let mut trailer = [0u8; TRAILER_BYTES as usize];
    read_exact_at(&file, index_end, &mut trailer).ok()?;
    let (offset, crc) = trailer.split_at(8);
    let index_start = u64::from_le_bytes(offset.try_into().ok()?);
    let crc = u32::from_le_bytes(crc.try_into().ok()?);
    if index_start < format_end
        || index_start > index_end
        || index_end - index_start > MAX_INDEX_BYTES
    {
        return None;
    }
    let mut index = vec![0; usize::try_from(index_end - index_start).ok()?];
    read_exact_at(&file, index_start, &mut index).ok()?;
    if crc32fast::hash(&index) != crc {
        return None;
    }
    let chunks: Vec<ChunkInfo> = postcard::from_bytes(&index).ok()?;
    let inside = |c: &ChunkInfo| {
        c.offset >= format_end
            && c.length <= MAX_CHUNK_BYTES
            && c.offset
                .checked_add(c.length)
                .is_some_and(|end| end <= index_start)
    };
    let ordered = chunks.windows(2).all(|w| w[0].thousand < w[1].thousand);
    (ordered && chunks.iter().all(inside)).then_some(OldCache { file, chunks })
}

/// Where each entry of a chunk is: postcard-encoded entries one after
/// another (in no particular order). `None` if one does not decode.
fn locate_entries(bytes: &[u8], mut located: Vec<Located>) -> Option<Vec<Located>> {
    let base = bytes.as_ptr() as usize;
    let range_of = |part: &[u8]| {
        let start = part.as_ptr() as usize - base;
        start..start + part.len()
    };
    located.clear();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (entry, after): (Entry, &[u8]) = postcard::take_from_bytes(rest).ok()?;
        located.push(Located {
            number: entry.number,
            stamp: entry.stamp,
            header: range_of(entry.header),
            history: range_of(entry.history),
            derived: range_of(entry.derived),
        });
        rest = after;
    }
    located.sort_unstable_by_key(|e| e.number);
    located.dedup_by_key(|e| e.number);
    Some(located)
}

/// Fills `buffer` from `file` at `offset`, without moving a shared
/// position (chunks are read by several threads at once).
#[cfg(unix)]
fn read_exact_at(file: &fs::File, offset: u64, buffer: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// Fills `buffer` from `file` at `offset`.
#[cfg(windows)]
fn read_exact_at(file: &fs::File, mut offset: u64, mut buffer: &mut [u8]) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_read(buffer, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            read => {
                buffer = &mut buffer[read..];
                offset += read as u64;
            }
        }
    }
    Ok(())
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
        assert_eq!(&FORMAT[..17], b"cases-cache-v008 ");
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
        let directory = cache.directory(1, 2);
        for number in [1001, 1002] {
            let stamp = stamp_of(store, number);
            assert!(
                directory.get(number, &stamp).is_none(),
                "nothing cached yet"
            );
            directory.put(&store.read(number).unwrap(), stamp);
        }
        cache.finish(directory);
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
        let directory = cache.directory(1, 2);
        for (number, title) in [(1001, "First"), (1002, "Second")] {
            let expected = case(number, title);
            let cached = directory.get(number, &stamp_of(&store, number)).unwrap();
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
        let directory = cache.directory(1, 2);
        let mut stamp = stamp_of(&store, 1001);
        stamp.modified_ns += 1;
        assert!(directory.get(1001, &stamp).is_none());
        let mut stamp = stamp_of(&store, 1001);
        stamp.inode += 1;
        assert!(directory.get(1001, &stamp).is_none());
        // A rewritten file (same size: "First" and "Fifth") gets a new inode.
        store.write(&case(1001, "Fifth")).unwrap();
        assert!(directory.get(1001, &stamp_of(&store, 1001)).is_none());
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
                &good[b"cases-cache-v007 ".len()..],
            ]
            .concat(),
            // Written before labels were cached beside the header (v006).
            [
                &b"cases-cache-v005 "[..],
                &good[b"cases-cache-v007 ".len()..],
            ]
            .concat(),
            // Written before the cache was split in chunks per directory
            // (v007): one list of entries and a CRC of the whole file.
            [
                &b"cases-cache-v006 "[..],
                &good[b"cases-cache-v007 ".len()..],
            ]
            .concat(),
            Vec::new(),
        ] {
            fs::write(&path, &broken).unwrap();
            let cache = later(store.root());
            let directory = cache.directory(1, 2);
            assert!(directory.get(1001, &stamp_of(&store, 1001)).is_none());
            assert!(directory.get(1002, &stamp_of(&store, 1002)).is_none());
        }
    }

    /// One scan as the store runs it, starting 10 s from now: for each case
    /// file, whether it came from the cache and its header, or the error.
    fn scan_once(store: &Store) -> Vec<Result<(bool, String), String>> {
        let cache = later(store.root());
        let listing = store.list_files().unwrap();
        let mut seen = Vec::new();
        for files in listing
            .cases
            .chunk_by(|a, b| a.number / 1000 == b.number / 1000)
        {
            let directory = cache.directory(files[0].number / 1000, files.len());
            seen.extend(files.iter().map(|file| {
                match crate::store::read_listed(&directory, file) {
                    Ok(crate::store::Scanned::Cached { entry, .. }) => {
                        Ok((true, entry.header.facts.title))
                    }
                    Ok(crate::store::Scanned::Read(case)) => {
                        Ok((false, case.header().facts.title.clone()))
                    }
                    Err(error) => Err(error.to_string()),
                }
            }));
            cache.finish(directory);
        }
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

    /// The chunks of the store's cache file: each directory's bytes.
    fn cached_chunks(store: &Store) -> Vec<(u64, Vec<u8>)> {
        let path = store.root().join(CACHE_FILE);
        let file = fs::File::open(&path).unwrap();
        let length = file.metadata().unwrap().len();
        let old = read_index(file, length).expect("a valid cache file");
        old.chunks
            .iter()
            .map(|info| {
                let mut bytes = vec![0; info.length as usize];
                read_exact_at(&old.file, info.offset, &mut bytes).unwrap();
                assert_eq!(crc32fast::hash(&bytes), info.crc);
                (info.thousand, bytes)
            })
            .collect()
    }

    /// The numbers of the entries in the store's cache file.
    fn cached_numbers(store: &Store) -> Vec<u64> {
        cached_chunks(store)
            .iter()
            .flat_map(|(_, bytes)| locate_entries(bytes, Vec::new()).unwrap())
            .map(|e| e.number)
            .collect()
    }

    /// One scan of `store` through the cache that offers `offer(number,
    /// what the cache had derived)` for each cached case where it gives
    /// something; returns what each case had derived (`None`: read from
    /// its file).
    fn scan_deriving(
        store: &Store,
        offer: impl Fn(u64, &[u8]) -> Option<Vec<u8>>,
    ) -> Vec<(u64, Option<Vec<u8>>)> {
        let cache = later(store.root());
        let listing = store.list_files().unwrap();
        let directory = cache.directory(1, listing.cases.len());
        let mut seen = Vec::new();
        for file in &listing.cases {
            let scanned = crate::store::read_listed(&directory, file).unwrap();
            let derived = scanned.derived();
            if let Some(derived) = derived {
                if let Some(bytes) = offer(file.number, derived.bytes) {
                    derived.offer(bytes);
                }
            }
            seen.push((file.number, derived.map(|d| d.bytes.to_vec())));
        }
        cache.finish(directory);
        cache.save();
        seen
    }

    #[test]
    fn what_a_command_derived_stays_beside_its_case_until_the_file_changes() {
        let (_dir, store) = store_with_two_cases();
        let none = |_: u64, _: &[u8]| None;
        // Read from the files; then cached, nothing derived yet: offered.
        assert_eq!(
            scan_deriving(&store, none),
            vec![(1001, None), (1002, None)]
        );
        let offered = scan_deriving(&store, |number, _| {
            Some(format!("of {number}").into_bytes())
        });
        assert_eq!(offered, vec![(1001, Some(vec![])), (1002, Some(vec![]))]);
        let of = |text: &str| Some(text.as_bytes().to_vec());
        assert_eq!(
            scan_deriving(&store, none),
            vec![(1001, of("of 1001")), (1002, of("of 1002"))]
        );
        // Another scan rewrites the chunk (1003 added): kept. One replaces
        // what 1002 had: the new bytes are kept.
        store.write(&case(1003, "Third")).unwrap();
        let replaced = scan_deriving(&store, |number, _| {
            (number == 1002).then(|| b"new".to_vec())
        });
        assert_eq!(
            replaced,
            vec![(1001, of("of 1001")), (1002, of("of 1002")), (1003, None)]
        );
        // 1001's file changes: what was derived from it is gone with its entry.
        store.write(&case(1001, "Fifth")).unwrap();
        assert_eq!(
            scan_deriving(&store, none),
            vec![(1001, None), (1002, of("new")), (1003, Some(vec![]))]
        );
        assert_eq!(
            scan_deriving(&store, none),
            vec![
                (1001, Some(vec![])),
                (1002, of("new")),
                (1003, Some(vec![]))
            ]
        );
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
            fs::write(path, b"cases-cache-v007 half").unwrap();
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
        let chunks = cached_chunks(store);
        let mut next = NextFile::start(&path).unwrap();
        for (thousand, bytes) in chunks {
            let mut out = Vec::new();
            for located in locate_entries(&bytes, Vec::new()).unwrap() {
                let mut header = bytes[located.header].to_vec();
                let mut history = bytes[located.history].to_vec();
                change(located.number, &mut header, &mut history);
                let entry = Entry {
                    number: located.number,
                    stamp: located.stamp,
                    header: &header,
                    history: &history,
                    derived: &bytes[located.derived],
                };
                out.extend(postcard::to_allocvec(&entry).unwrap());
            }
            next.write_chunk(thousand, &out).unwrap();
        }
        next.persist(&path).unwrap();
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
        let directory = cache.directory(1, 2);
        let cases: Vec<Case> = listing
            .cases
            .iter()
            .map(|file| {
                let scanned = crate::store::read_listed(&directory, file).unwrap();
                assert!(matches!(scanned, crate::store::Scanned::Cached { .. }));
                scanned.into_case().unwrap()
            })
            .collect();
        assert_eq!(cases, [case(1001, "First"), case(1002, "Second")]);
        cache.finish(directory);
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
        let directory = cache.directory(1, 2);
        for number in [1001, 1002] {
            directory.put(&store.read(number).unwrap(), stamp_of(&store, number));
        }
        cache.finish(directory);
        cache.save();
        assert!(!store.root().join(CACHE_FILE).exists());
    }

    /// A store of 2,500 cases in three directories (001: 1001-1999, 002:
    /// 2000-2999, 003: 3000-3500), written without a sync each, and the
    /// same store opened for cached scans that start 10 s from now.
    fn store_across_three_directories() -> (tempfile::TempDir, Store, Store) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("cases");
        let uncached = Store::create(&root, crate::store::StoreOptions::uncached()).unwrap();
        for number in 1001..=3500 {
            let path = uncached.path_of(number);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            let text = crate::store::encode(&case(number, &format!("Case {number}")));
            fs::write(path, text).unwrap();
        }
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
        let cached = Store::open(&root, crate::store::StoreOptions::cached(later)).unwrap();
        (dir, uncached, cached)
    }

    /// Every case as a scan of `store` gives it (the whole case, in number
    /// order) and how many came from the cache.
    fn every_case(store: &Store) -> (Vec<String>, usize) {
        let seen = store
            .scan(|_, read| {
                let read = read.unwrap();
                let cached = matches!(read, crate::store::Scanned::Cached { .. });
                Some((format!("{:?}", read.into_case().unwrap()), cached))
            })
            .unwrap();
        let from_cache = seen.iter().filter(|(_, cached)| *cached).count();
        (seen.into_iter().map(|(case, _)| case).collect(), from_cache)
    }

    #[test]
    fn scans_across_directory_chunks_match_uncached_scans() {
        let (_dir, uncached, cached) = store_across_three_directories();
        let (expected, _) = every_case(&uncached);
        assert_eq!(expected.len(), 2500);
        assert_eq!(
            every_case(&cached),
            (expected.clone(), 0),
            "builds the cache"
        );
        assert_eq!(
            cached_chunks(&cached)
                .iter()
                .map(|c| c.0)
                .collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(every_case(&cached), (expected, 2500), "all from the cache");
        // One file changed in the middle chunk: read again, the rest cached.
        cached.write(&case(2500, "Changed")).unwrap();
        let (expected, _) = every_case(&uncached);
        assert!(expected[1499].contains("Changed"));
        assert_eq!(every_case(&cached), (expected.clone(), 2499));
        assert_eq!(every_case(&cached), (expected, 2500));
    }

    #[test]
    fn a_corrupted_chunk_is_read_from_the_files_and_rebuilt_alone() {
        let (_dir, uncached, cached) = store_across_three_directories();
        let (expected, _) = every_case(&uncached);
        every_case(&cached);
        let path = cached.root().join(CACHE_FILE);
        let file = fs::File::open(&path).unwrap();
        let old = read_index(file, fs::metadata(&path).unwrap().len()).unwrap();
        let middle = old.chunks[1];
        assert_eq!(middle.thousand, 2);
        let mut bytes = fs::read(&path).unwrap();
        bytes[(middle.offset + middle.length / 2) as usize] ^= 0x40;
        fs::write(&path, &bytes).unwrap();
        // The 1,000 cases of 002 are read from their files, the others
        // still served from their chunks.
        assert_eq!(every_case(&cached), (expected.clone(), 1500));
        assert_eq!(every_case(&cached), (expected, 2500));
    }

    #[test]
    fn a_scan_reads_the_cache_one_chunk_at_a_time() {
        // Issue 25: a cached scan's memory does not grow with the cache.
        // Each directory's chunk is read on its own: the largest read is
        // the largest chunk, never the file.
        let (_dir, _, cached) = store_across_three_directories();
        every_case(&cached);
        let length = fs::metadata(cached.root().join(CACHE_FILE)).unwrap().len();
        let largest_chunk = cached_chunks(&cached)
            .iter()
            .map(|(_, bytes)| bytes.len() as u64)
            .max()
            .unwrap();
        let cache = later(cached.root());
        for thousand in [1, 2, 3] {
            let directory = cache.directory(thousand, 1000);
            assert!(!directory.located.is_empty());
            cache.finish(directory);
        }
        let largest_read = cache
            .largest_read
            .load(std::sync::atomic::Ordering::Relaxed);
        assert_eq!(largest_read, largest_chunk);
        assert!(largest_read * 2 < length, "{largest_read} of {length}");
        cache.save();
    }
}
