//! Atomic writes: a temporary file in the target's directory, written,
//! fsynced and renamed over the target, then the directory fsynced (and,
//! for a new case directory, the store's root), so a crash leaves the old
//! or the new file, never half of one, and a new file's directory entry is
//! durable.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::layout::{TEMP_PREFIX, TEMP_SUFFIX};
use super::StoreError;

/// Writes `bytes` to `path` atomically (see the module doc). `path`'s
/// directory is created, and the parent fsynced, when it is missing.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let directory = path.parent().unwrap_or(Path::new("."));
    make_durable_directory(directory)?;
    synced_temporary(directory, bytes)?
        .persist(path)
        .map_err(|e| StoreError::io(path, e.error))?;
    sync_directory(directory)
}

/// Creates `directory` when it is missing and fsyncs its parent, so the
/// new directory entry lasts before any file is written into it.
fn make_durable_directory(directory: &Path) -> Result<(), StoreError> {
    if !directory.is_dir() {
        fs::create_dir(directory).map_err(|e| StoreError::io(directory, e))?;
        if let Some(parent) = directory.parent() {
            sync_directory(parent)?;
        }
    }
    Ok(())
}

/// A temporary file in `directory` holding `bytes`, written and fsynced;
/// dropped unpersisted, it deletes itself.
fn synced_temporary(directory: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, StoreError> {
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
    Ok(temporary)
}

/// Writes new files (an import), each atomically like [`write_atomically`]:
/// every temporary is written and fsynced first, on all cores (the fsyncs,
/// one per file, are most of the time, and the file system commits
/// concurrent ones together), then each is renamed into place, never over
/// an existing file, and each directory is synced once, after its last
/// file. Should anything fail, the temporaries are deleted and the files
/// already renamed removed (their directories synced): all or nothing.
pub fn write_batch(files: &[(PathBuf, String)]) -> Result<(), StoreError> {
    use rayon::prelude::*;
    let mut directories: Vec<&Path> = Vec::new();
    for (path, _) in files {
        let directory = path.parent().unwrap_or(Path::new("."));
        if directories.last() != Some(&directory) && !directories.contains(&directory) {
            make_durable_directory(directory)?;
            directories.push(directory);
        }
    }
    // Dropped on an error: each deletes its temporary file.
    let temporaries = files
        .par_iter()
        .map(|(path, text)| {
            let directory = path.parent().unwrap_or(Path::new("."));
            let temporary = synced_temporary(directory, text.as_bytes())?;
            // Closed here (a batch may hold more files than a process may
            // keep open); the path still deletes the file when dropped.
            Ok(temporary.into_temp_path())
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut written: Vec<&Path> = Vec::with_capacity(files.len());
    let result = (|| {
        for (temporary, (path, _)) in temporaries.into_iter().zip(files) {
            temporary
                .persist_noclobber(path)
                .map_err(|e| StoreError::io(path, e.error))?;
            written.push(path);
        }
        for directory in &directories {
            sync_directory(directory)?;
        }
        Ok(())
    })();
    if result.is_err() {
        for path in &written {
            let _ = fs::remove_file(path);
        }
        for directory in &directories {
            let _ = sync_directory(directory);
        }
    }
    result
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_that_fails_part_way_leaves_nothing_of_itself() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join("001").join(name);
        fs::create_dir(dir.path().join("001")).unwrap();
        fs::write(at("1003.yaml"), "already here\n").unwrap();
        let files: Vec<(PathBuf, String)> = ["1001.yaml", "1002.yaml", "1003.yaml"]
            .iter()
            .map(|name| (at(name), format!("{name}\n")))
            .collect();
        assert!(write_batch(&files).is_err());
        assert!(!at("1001.yaml").exists());
        assert!(!at("1002.yaml").exists());
        assert_eq!(
            fs::read_to_string(at("1003.yaml")).unwrap(),
            "already here\n"
        );
        // No temporary left behind either.
        assert_eq!(fs::read_dir(dir.path().join("001")).unwrap().count(), 1);
        // And a batch that can be written is written whole.
        assert!(write_batch(&files[..2]).is_ok());
        assert_eq!(fs::read_to_string(at("1002.yaml")).unwrap(), "1002.yaml\n");
    }
}
