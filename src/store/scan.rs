//! Scans of the whole store on all cores, one case directory (at most
//! 1,000 cases) at a time per core: the root and the scan cache's index are
//! read side by side, then each directory is listed, its chunk of the cache
//! read, and every case served from the chunk where its file is unchanged
//! or read through [`safe_open::read`] (open, fstat, read: the syscalls of
//! a plain read) and decoded where it was read. What a scan holds is the
//! directories in flight and what the command keeps, never the store's
//! listing or its cache whole (issue 25).

use std::collections::LinkedList;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::decoding::decode_file;
use super::listing::{self, CaseFile, RootListing, StrayFile};
use super::safe_open::{self, Kind};
use super::{cache, Store, StoreError};
use crate::case::{Case, Header};

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

impl<'a> Scanned<'a> {
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

    /// The case's labels, sorted, without decoding a cached history.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Scanned::Read(case) => case.labels(),
            Scanned::Cached { entry, .. } => entry.labels.clone(),
        }
    }

    /// What a command derived from the cached case ([`cache::Derived`]);
    /// `None` for a case read from its file, which has none yet.
    pub fn derived(&self) -> Option<cache::Derived<'a>> {
        match self {
            Scanned::Read(_) => None,
            Scanned::Cached { entry, .. } => Some(entry.derived()),
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
                    .map_or_else(|| read_case_file(number, path), Ok)
            }
        }
    }
}

/// A listed case file: from the scan cache when the stamp the listing saw is
/// the one cached, else read (and offered to the cache with the stamp of
/// what was read). The listing only descends into real directories, so the
/// file is read without looking at its directory again.
pub(crate) fn read_listed<'a>(
    cache: &'a cache::DirectoryCache,
    file: &'a CaseFile,
) -> Result<Scanned<'a>, StoreError> {
    if let Some(entry) = file.stamp.and_then(|stamp| cache.get(file.number, &stamp)) {
        return Ok(Scanned::Cached {
            entry,
            path: &file.path,
        });
    }
    let contents = safe_open::read(&file.path, Kind::Case)?;
    let case = decode_file(&file.path, &contents.bytes, file.number)?;
    cache.put(&case, cache::Stamp::of(&contents.metadata));
    Ok(Scanned::Read(case))
}

/// Reads and decodes the case file at `path`, expected to hold `number`.
pub(super) fn read_case_file(number: u64, path: &Path) -> Result<Case, StoreError> {
    let contents = safe_open::read(path, Kind::Case)?;
    decode_file(path, &contents.bytes, number)
}

/// What a scan found besides the cases: how many case files it listed, and
/// the entries that do not belong (for `cases check`), as a
/// [`super::StoreListing`] has them.
#[derive(Debug, Default)]
pub struct ScanListing {
    pub case_count: usize,
    /// Ordered by path; a refused scan cache among them.
    pub strays: Vec<StrayFile>,
    /// Case write temporaries (`<NNN>/.case-*.tmp`), ordered by path.
    pub temporaries: Vec<PathBuf>,
}

impl ScanListing {
    /// Adds what the directories of `later` found (ordering is left to the
    /// end of the scan).
    fn absorb(&mut self, later: ScanListing) {
        self.case_count += later.case_count;
        self.strays.extend(later.strays);
        self.temporaries.extend(later.temporaries);
    }
}

impl Store {
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

    /// [`Store::scan`], also returning what the listing found besides the
    /// cases (the stray files, a refused scan cache among them).
    pub fn scan_listed<T, F>(&self, map: F) -> Result<(ScanListing, Vec<T>), StoreError>
    where
        T: Send,
        F: Fn(&CaseFile, Result<Scanned<'_>, StoreError>) -> Option<T> + Sync + Send,
    {
        // Runs of kept values, linked rather than appended at every level
        // of the join, then copied once into one vector.
        let (listing, runs) = self.fold_listed(
            LinkedList::new,
            |mut runs: LinkedList<Vec<T>>, file, read| {
                if let Some(kept) = map(file, read) {
                    match runs.back_mut() {
                        Some(run) => run.push(kept),
                        None => runs.push_back(vec![kept]),
                    }
                }
                runs
            },
            |mut earlier, mut later| {
                earlier.append(&mut later);
                earlier
            },
        )?;
        let mut kept = Vec::with_capacity(runs.iter().map(Vec::len).sum());
        for run in runs {
            kept.extend(run);
        }
        Ok((listing, kept))
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
        Ok(self.fold_listed(identity, fold, reduce)?.1)
    }

    /// [`Store::fold`], also returning what the listing found besides the
    /// cases. `reduce` always gets the accumulator of earlier files first,
    /// so appending keeps number order. A directory that cannot be listed
    /// stops the scan with its error (the cache is then left as it was).
    pub fn fold_listed<A, I, F, R>(
        &self,
        identity: I,
        fold: F,
        reduce: R,
    ) -> Result<(ScanListing, A), StoreError>
    where
        A: Send,
        I: Fn() -> A + Sync + Send,
        F: Fn(A, &CaseFile, Result<Scanned<'_>, StoreError>) -> A + Sync + Send,
        R: Fn(A, A) -> A + Sync + Send,
    {
        use rayon::prelude::*;
        let (root, cache) = self.list_root_and_load_cache()?;
        let start = || (ScanListing::default(), identity());
        let (mut listing, folded) = root
            .directories
            .par_iter()
            .try_fold(start, |(mut listing, acc), (thousand, path)| {
                let acc = scan_directory(&cache, *thousand, path, &mut listing, acc, &fold)?;
                Ok::<_, StoreError>((listing, acc))
            })
            .try_reduce(start, |(mut earlier, a), (later, b)| {
                earlier.absorb(later);
                Ok((earlier, reduce(a, b)))
            })?;
        cache.save();
        listing.strays.extend(root.strays);
        listing.strays.sort_by(|a, b| a.path.cmp(&b.path));
        listing.temporaries.sort();
        Ok((listing, folded))
    }

    /// The root's listing and the scan cache's index, read side by side. A
    /// scan cache that was refused (a link, a FIFO, too large) is listed as
    /// a stray.
    fn list_root_and_load_cache(&self) -> Result<(RootListing, cache::ScanCache), StoreError> {
        let (root, (cache, refused)) = rayon::join(
            || listing::list_root(&self.root),
            || match self.options.scan_cache {
                Some(started) => cache::ScanCache::load(&self.root, started),
                None => (cache::ScanCache::disabled(), None),
            },
        );
        let mut root = root?;
        if let Some(refused) = refused {
            let path = refused.path.clone();
            if !root.strays.iter().any(|s| s.path == path) {
                root.strays.push(StrayFile {
                    path,
                    reason: refused.reason(),
                });
            }
        }
        Ok((root, cache))
    }
}

/// Scans the case directory `thousand` at `path`: lists it into `listing`,
/// folds each of its cases into `acc` in number order, served from its
/// chunk of the cache where unchanged, and hands the chunk back.
fn scan_directory<A>(
    cache: &cache::ScanCache,
    thousand: u64,
    path: &Path,
    listing: &mut ScanListing,
    acc: A,
    fold: &impl Fn(A, &CaseFile, Result<Scanned<'_>, StoreError>) -> A,
) -> Result<A, StoreError> {
    let listed = listing::list_case_directory(thousand, path)?;
    let directory = cache.directory(thousand, listed.cases.len());
    let acc = listed.cases.iter().fold(acc, |acc, file| {
        fold(acc, file, read_listed(&directory, file))
    });
    cache.finish(directory);
    listing.case_count += listed.cases.len();
    listing.strays.extend(listed.strays);
    listing.temporaries.extend(listed.temporaries);
    Ok(acc)
}
