//! The store's lock: `<store>/.lock`, an advisory `flock`, opened through
//! [`safe_open::open_lock`] (no link followed, no FIFO waited on).
//!
//! A command takes it at its first mutation and holds it until its
//! [`Store`](super::Store) (every clone) is dropped or
//! [`Store::unlock`](super::Store::unlock) is called, so whatever the
//! command does after writing — `--commit` above all — runs before the next
//! writer reads. Taking it again while held is free.

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::safe_open;
use super::StoreError;

/// The lock as one command holds it: shared by the clones of its store.
#[derive(Debug, Clone, Default)]
pub(super) struct Held(Arc<Mutex<Option<File>>>);

/// Proof that the caller holds the store's lock (see the module doc for
/// how long it is held).
#[derive(Debug)]
pub struct StoreLock(());

impl Held {
    /// Takes the lock at `path`, waiting for other writers, unless held.
    pub(super) fn take(&self, path: &Path) -> Result<StoreLock, StoreError> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            let file = safe_open::open_lock(path).map_err(StoreError::from)?;
            file.lock().map_err(|e| StoreError::io(path, e))?;
            *held = Some(file);
        }
        Ok(StoreLock(()))
    }

    /// Takes the lock at `path` only if no other writer holds it: `true`
    /// when taken (or already held).
    pub(super) fn try_take(&self, path: &Path) -> Result<bool, StoreError> {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if held.is_none() {
            let file = safe_open::open_lock(path).map_err(StoreError::from)?;
            match file.try_lock() {
                Ok(()) => *held = Some(file),
                Err(std::fs::TryLockError::WouldBlock) => return Ok(false),
                Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::io(path, e)),
            }
        }
        Ok(true)
    }

    /// Releases the lock if held.
    pub(super) fn release(&self) {
        let mut held = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *held = None;
    }
}
