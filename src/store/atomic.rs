//! Atomic writes: a temporary file in the target's directory, written,
//! fsynced and renamed over the target, then the directory fsynced (and,
//! for a new case directory, the store's root), so a crash leaves the old
//! or the new file, never half of one, and a new file's directory entry is
//! durable.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use super::layout::{TEMP_PREFIX, TEMP_SUFFIX};
use super::StoreError;

/// Writes `bytes` to `path` atomically (see the module doc). `path`'s
/// directory is created, and the parent fsynced, when it is missing.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let directory = path.parent().unwrap_or(Path::new("."));
    if !directory.is_dir() {
        fs::create_dir(directory).map_err(|e| StoreError::io(directory, e))?;
        if let Some(parent) = directory.parent() {
            sync_directory(parent)?;
        }
    }
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(shared_file_permissions());
    let mut temporary = builder
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(directory)
        .map_err(|e| StoreError::io(directory, e))?;
    temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| StoreError::io(temporary.path(), e))?;
    temporary
        .persist(path)
        .map_err(|e| StoreError::io(path, e.error))?;
    sync_directory(directory)
}

/// fsyncs a directory so the entries just made or renamed in it last.
pub fn sync_directory(directory: &Path) -> Result<(), StoreError> {
    let directory = if directory.as_os_str().is_empty() {
        Path::new(".")
    } else {
        directory
    };
    File::open(directory)
        .and_then(|d| d.sync_all())
        .map_err(|e| StoreError::io(directory, e))
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

/// Case files are ordinary shared files: `0666` less the umask (usually
/// `0644`), not the `0600` of a private temporary file.
#[cfg(unix)]
fn shared_file_permissions() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}
