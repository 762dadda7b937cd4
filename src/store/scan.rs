//! Scans of the whole store on all cores: the listing and the scan cache
//! are loaded side by side, then every case is served from the cache where
//! its file is unchanged or read through [`safe_open::read`] (open, fstat,
//! read: the syscalls of a plain read) and decoded where it was read.

use std::path::Path;

use chrono::{DateTime, Utc};

use super::decoding::decode_file;
use super::listing::{CaseFile, StoreListing, StrayFile};
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

    /// The case's labels, sorted, without decoding a cached history.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Scanned::Read(case) => case.labels(),
            Scanned::Cached { entry, .. } => entry.labels.clone(),
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
    cache: &'a cache::ScanCache,
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

    /// [`Store::scan`], also returning the listing it scanned (with the
    /// stray files, a refused scan cache among them).
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
        Ok(self.fold_listed(identity, fold, reduce)?.1)
    }

    /// [`Store::fold`], also returning the listing it scanned. `reduce`
    /// always gets the accumulator of earlier files first, so appending
    /// keeps number order.
    pub fn fold_listed<A, I, F, R>(
        &self,
        identity: I,
        fold: F,
        reduce: R,
    ) -> Result<(StoreListing, A), StoreError>
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
        Ok((listing, folded))
    }

    /// The listing and the scan cache, loaded side by side: the cache is
    /// one large read while the listing waits on directories. A scan cache
    /// that was refused (a link, a FIFO, too large) is listed as a stray.
    fn list_and_load_cache(&self) -> Result<(StoreListing, cache::ScanCache), StoreError> {
        let (listing, (cache, refused)) = rayon::join(
            || self.list_files(),
            || match self.options.scan_cache {
                Some(started) => cache::ScanCache::load(&self.root, started),
                None => (cache::ScanCache::disabled(), None),
            },
        );
        let mut listing = listing?;
        if let Some(refused) = refused {
            let path = refused.path.clone();
            if !listing.strays.iter().any(|s| s.path == path) {
                listing.strays.push(StrayFile {
                    path,
                    reason: refused.reason(),
                });
                listing.strays.sort_by(|a, b| a.path.cmp(&b.path));
            }
        }
        Ok((listing, cache))
    }
}
