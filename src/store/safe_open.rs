//! The one way `cases` opens a file it finds in a repository: case files,
//! `policy.yaml` and every policy version, `report --what-if FILE`, the team
//! roster, the scan cache, the lock file, `.gitattributes` and the merge
//! driver's inputs. Every file in a repository may be hostile (a pull
//! request can commit a symbolic link to `~/.git-credentials`, a FIFO, a
//! link to `/dev/zero` or a huge sparse file), so every open here:
//!
//! - follows no symbolic link at the last component (`O_NOFOLLOW`), and
//!   [`read_text_within`] none below a directory either;
//! - never blocks (`O_NONBLOCK`): a FIFO opens at once and is then refused;
//! - accepts regular files only, checked on the open file (`fstat`), so
//!   nothing can be swapped in between the check and the read;
//! - refuses a file above its [`Kind`]'s size limit before reading a byte,
//!   and reads at most one byte past the limit whatever the file grows to;
//! - fails with an [`OpenError`] that names the file and what is wrong with
//!   it, never what it holds (a refused file is never read).
//!
//! The syscalls are those a plain read makes: `open`, `fstat`, `read`s to
//! the end. Scans use [`read`] for each case file and add nothing per file.
//!
//! ```ignore
//! use cases::store::safe_open::{self, Kind};
//! let text = safe_open::read_text(Path::new("policy.yaml"), Kind::Policy)?;
//! // policies/2026.1.yaml, no link in `policies/` nor in the file:
//! let text = safe_open::read_text_within(root, Path::new("policies/2026.1.yaml"), Kind::Policy)?;
//! if let Err(e) = &result { if e.is_not_found() { /* absent is fine */ } }
//! ```
//!
//! Nothing here uses `unsafe`: the flags go through
//! `std::os::unix::fs::OpenOptionsExt::custom_flags`.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// What a file is to `cases`: it decides the size limit and how messages
/// name the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A case file (`cases/001/1001.yaml`), and each side the merge driver
    /// is given: 1 MiB.
    Case,
    /// `policy.yaml`, a policy version, or `report --what-if FILE`: 1 MiB.
    Policy,
    /// The team roster: 1 MiB.
    Roster,
    /// The scan cache `cases/.cache`: 1 GiB (about 470 bytes per case).
    Cache,
    /// The store's lock file `cases/.lock` (never read; see [`open_lock`]).
    Lock,
    /// The repository's `.gitattributes`: 1 MiB.
    Attributes,
    /// The file `cases import FILE` reads: 256 MiB (about a million rows).
    Import,
}

impl Kind {
    /// The largest file of this kind that is read, in bytes.
    pub fn limit(self) -> u64 {
        match self {
            Kind::Cache => 1 << 30,
            Kind::Import => 1 << 28,
            Kind::Lock => 0,
            Kind::Case | Kind::Policy | Kind::Roster | Kind::Attributes => 1 << 20,
        }
    }

    /// How messages name a file of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Case => "case file",
            Kind::Policy => "policy file",
            Kind::Roster => "team roster",
            Kind::Cache => "scan cache",
            Kind::Lock => "lock file",
            Kind::Attributes => ".gitattributes file",
            Kind::Import => "import file",
        }
    }

    /// What a file of this kind must be, for messages.
    fn requirement(self) -> &'static str {
        match self {
            Kind::Case => "case files must be regular files inside the store",
            Kind::Cache => "the cache was ignored; delete it (the next scan rebuilds it)",
            Kind::Lock => "delete it; the store's lock file must be a regular file",
            Kind::Policy | Kind::Roster | Kind::Attributes | Kind::Import => {
                "cases opens no link, which could point anywhere: replace it with a regular file"
            }
        }
    }
}

/// Why a file was not opened or read. Its message names the file and never
/// quotes what the file holds.
#[derive(Debug, thiserror::Error)]
#[error("{}: {}", path.display(), self.reason())]
pub struct OpenError {
    pub path: PathBuf,
    pub kind: Kind,
    pub problem: Problem,
}

/// What was wrong with the file.
#[derive(Debug)]
pub enum Problem {
    /// A symbolic link, with where it points (a path, not content).
    Link { target: Option<PathBuf> },
    /// A FIFO, device, socket or directory.
    NotRegular { what: &'static str },
    /// Above [`Kind::limit`].
    TooLarge { size: u64 },
    /// Not UTF-8 ([`read_text`]), at this line and column.
    NotUtf8 { line: usize, column: usize },
    /// The operating system's error (`NotFound` among them).
    Io(io::Error),
}

impl OpenError {
    fn new(path: &Path, kind: Kind, problem: Problem) -> OpenError {
        OpenError {
            path: path.to_path_buf(),
            kind,
            problem,
        }
    }

    /// True when nothing is at the path (a dangling link is something).
    pub fn is_not_found(&self) -> bool {
        matches!(&self.problem, Problem::Io(e) if e.kind() == io::ErrorKind::NotFound)
    }

    /// The message without the path: what is wrong with the file.
    pub fn reason(&self) -> String {
        let noun = self.kind.noun();
        match &self.problem {
            Problem::Link { target } => format!(
                "the {noun} is a symbolic link{}; {}",
                target
                    .as_ref()
                    .map_or(String::new(), |t| format!(" (to {})", t.display())),
                self.kind.requirement()
            ),
            Problem::NotRegular { what } => format!(
                "not a regular file ({what}); a {noun} must be a regular file{}",
                if self.kind == Kind::Cache {
                    " (it was ignored; delete it)"
                } else {
                    ""
                }
            ),
            Problem::TooLarge { size } => format!(
                "the file is {size} bytes, over the limit of {} bytes ({}) for a {noun}; it was not read",
                self.kind.limit(),
                human_size(self.kind.limit())
            ),
            Problem::NotUtf8 { line, column } => {
                format!("the {noun} is not valid UTF-8 (line {line}, column {column})")
            }
            Problem::Io(e) => e.to_string(),
        }
    }
}

/// `1 MiB`, `1 GiB`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b => format!("{b} bytes"),
    }
}

/// A file as read by [`read`]: its bytes and the metadata of the open file
/// they came from (for the scan cache's stamps).
#[derive(Debug)]
pub struct Contents {
    pub bytes: Vec<u8>,
    pub metadata: fs::Metadata,
}

/// Opens the regular file at `path` for reading as a `kind`, refusing a
/// link, anything not a regular file and a file above the limit; the file
/// is open and unread, with its metadata. For callers that read it their
/// own way (the scan cache checks its format line first).
pub fn open(path: &Path, kind: Kind) -> Result<(File, fs::Metadata), OpenError> {
    let mut options = File::options();
    options.read(true);
    let file = open_with(&mut options, path, kind)?;
    let metadata = checked_metadata(&file, path, kind)?;
    if metadata.len() > kind.limit() {
        return Err(OpenError::new(
            path,
            kind,
            Problem::TooLarge {
                size: metadata.len(),
            },
        ));
    }
    Ok((file, metadata))
}

/// The bytes of the regular file at `path`, read as a `kind` (see the
/// module's rules).
pub fn read(path: &Path, kind: Kind) -> Result<Contents, OpenError> {
    let (file, metadata) = open(path, kind)?;
    let limit = kind.limit();
    let mut bytes = Vec::with_capacity(metadata.len().min(limit) as usize + 1);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| OpenError::new(path, kind, Problem::Io(e)))?;
    if bytes.len() as u64 > limit {
        // It grew past the limit after the fstat.
        let size = bytes.len() as u64;
        return Err(OpenError::new(path, kind, Problem::TooLarge { size }));
    }
    Ok(Contents { bytes, metadata })
}

/// [`read`] as UTF-8 text; invalid UTF-8 is refused with its line and
/// column, and no content.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, OpenError> {
    let bytes = read(path, kind)?.bytes;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = position_of(e.as_bytes(), e.utf8_error().valid_up_to());
        OpenError::new(path, kind, Problem::NotUtf8 { line, column })
    })
}

/// [`read_text`] of `relative` under `root`, refusing a symbolic link at
/// any component below `root` (`policies/` as a link to elsewhere, say)
/// and a path that leaves `root` (`..`, absolute). `root` itself is taken
/// as given. One `lstat` per directory component.
pub fn read_text_within(root: &Path, relative: &Path, kind: Kind) -> Result<String, OpenError> {
    let full = root.join(relative);
    let mut at = root.to_path_buf();
    let components: Vec<Component> = relative.components().collect();
    for (index, component) in components.iter().enumerate() {
        let Component::Normal(name) = component else {
            return Err(OpenError::new(
                &full,
                kind,
                Problem::Io(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("the path leaves {}", root.display()),
                )),
            ));
        };
        at.push(name);
        if index + 1 == components.len() {
            break;
        }
        match fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(OpenError::new(
                    &at,
                    kind,
                    Problem::Link {
                        target: fs::read_link(&at).ok(),
                    },
                ))
            }
            Ok(_) => {}
            Err(e) => return Err(OpenError::new(&at, kind, Problem::Io(e))),
        }
    }
    read_text(&full, kind)
}

/// Opens (creating it if needed) the store's lock file for `flock`: no
/// link followed or created through, no FIFO waited on, a regular file
/// only.
pub fn open_lock(path: &Path) -> Result<File, OpenError> {
    let kind = Kind::Lock;
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    let file = open_with(&mut options, path, kind)?;
    checked_metadata(&file, path, kind)?;
    Ok(file)
}

/// Opens `path` with `options` plus `O_NOFOLLOW | O_NONBLOCK` (on Unix;
/// elsewhere a link is looked for first), turning a refused link into
/// [`Problem::Link`].
fn open_with(options: &mut fs::OpenOptions, path: &Path, kind: Kind) -> Result<File, OpenError> {
    let link = || {
        fs::symlink_metadata(path)
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| {
                OpenError::new(
                    path,
                    kind,
                    Problem::Link {
                        target: fs::read_link(path).ok(),
                    },
                )
            })
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if let Some(refused) = link() {
        return Err(refused);
    }
    options.open(path).map_err(|e| {
        // ELOOP (a link) and ENXIO (a FIFO opened for writing with no
        // reader) say what the thing is only after a look.
        link().unwrap_or_else(|| match fs::symlink_metadata(path) {
            Ok(m) if !m.is_file() && e.kind() != io::ErrorKind::NotFound => OpenError::new(
                path,
                kind,
                Problem::NotRegular {
                    what: what_is(&m.file_type()),
                },
            ),
            _ => OpenError::new(path, kind, Problem::Io(e)),
        })
    })
}

/// The metadata of the open `file`, refusing anything but a regular file.
fn checked_metadata(file: &File, path: &Path, kind: Kind) -> Result<fs::Metadata, OpenError> {
    let metadata = file
        .metadata()
        .map_err(|e| OpenError::new(path, kind, Problem::Io(e)))?;
    if !metadata.is_file() {
        let what = what_is(&metadata.file_type());
        return Err(OpenError::new(path, kind, Problem::NotRegular { what }));
    }
    Ok(metadata)
}

/// `a FIFO`, `a device`, ... for messages.
fn what_is(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a file"
    }
}

/// The 1-based line and column of byte `offset` in `bytes`.
pub fn position_of(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1)
        + 1;
    (line, column)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn fifo(path: &Path) {
        let made = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(made.success());
    }

    #[test]
    fn a_link_is_refused_and_its_target_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("credentials");
        fs::write(&secret, "https://bob:TOKEN@example.com\n").unwrap();
        let link = dir.path().join("policy.yaml");
        symlink(&secret, &link).unwrap();
        let error = read_text(&link, Kind::Policy).unwrap_err();
        let message = error.to_string();
        assert!(matches!(error.problem, Problem::Link { .. }), "{message}");
        assert_eq!(
            message,
            format!(
                "{}: the policy file is a symbolic link (to {}); cases opens no link, which could point anywhere: replace it with a regular file",
                link.display(),
                secret.display()
            )
        );
        assert!(!message.contains("TOKEN"));
    }

    #[test]
    fn a_fifo_is_refused_without_blocking_for_reading_and_locking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fifo(&path);
        let error = read(&path, Kind::Cache).unwrap_err();
        assert_eq!(
            error.reason(),
            "not a regular file (a FIFO); a scan cache must be a regular file (it was ignored; delete it)"
        );
        let error = open_lock(&path).unwrap_err();
        assert_eq!(
            error.reason(),
            "not a regular file (a FIFO); a lock file must be a regular file"
        );
    }

    #[test]
    fn a_device_a_directory_and_a_large_file_are_refused() {
        let error = read(Path::new("/dev/zero"), Kind::Policy).unwrap_err();
        assert_eq!(
            error.reason(),
            "not a regular file (a device); a policy file must be a regular file"
        );
        let dir = tempfile::tempdir().unwrap();
        let error = read(dir.path(), Kind::Roster).unwrap_err();
        assert!(matches!(
            error.problem,
            Problem::NotRegular {
                what: "a directory"
            }
        ));
        let big = dir.path().join("big");
        let file = File::create(&big).unwrap();
        file.set_len(1 << 40).unwrap(); // sparse: 1 TiB
        let error = read(&big, Kind::Cache).unwrap_err();
        assert_eq!(
            error.reason(),
            "the file is 1099511627776 bytes, over the limit of 1073741824 bytes (1 GiB) for a scan cache; it was not read"
        );
        file.set_len(1 << 20).unwrap();
        assert_eq!(read(&big, Kind::Case).unwrap().bytes.len(), 1 << 20);
        file.set_len((1 << 20) + 1).unwrap();
        assert!(matches!(
            read(&big, Kind::Case).unwrap_err().problem,
            Problem::TooLarge { size: 1048577 }
        ));
    }

    #[test]
    fn text_that_is_not_utf8_is_refused_with_its_position_and_no_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p");
        fs::write(&path, b"version: x\nsecret: ab\xffcd\n").unwrap();
        let error = read_text(&path, Kind::Policy).unwrap_err();
        assert_eq!(
            error.reason(),
            "the policy file is not valid UTF-8 (line 2, column 11)"
        );
    }

    #[test]
    fn within_a_root_no_directory_below_it_may_be_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        fs::create_dir(&elsewhere).unwrap();
        fs::write(elsewhere.join("v1.yaml"), "version: v1\n").unwrap();
        let root = dir.path().join("repo");
        fs::create_dir(&root).unwrap();
        symlink(&elsewhere, root.join("policies")).unwrap();
        let error =
            read_text_within(&root, Path::new("policies/v1.yaml"), Kind::Policy).unwrap_err();
        assert_eq!(error.path, root.join("policies"));
        assert!(matches!(error.problem, Problem::Link { .. }));
        let error =
            read_text_within(&root, Path::new("../elsewhere/v1.yaml"), Kind::Policy).unwrap_err();
        assert!(error.to_string().contains("the path leaves"), "{error}");
        fs::remove_file(root.join("policies")).unwrap();
        fs::create_dir(root.join("policies")).unwrap();
        fs::write(root.join("policies/v1.yaml"), "version: v1\n").unwrap();
        assert_eq!(
            read_text_within(&root, Path::new("policies/v1.yaml"), Kind::Policy).unwrap(),
            "version: v1\n"
        );
        let missing = read_text_within(&root, Path::new("policies/v2.yaml"), Kind::Policy);
        assert!(missing.unwrap_err().is_not_found());
    }

    #[test]
    fn the_lock_file_is_created_but_never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join(".lock");
        open_lock(&lock).unwrap();
        assert!(lock.is_file());
        fs::remove_file(&lock).unwrap();
        symlink(dir.path().join("victim"), &lock).unwrap();
        let error = open_lock(&lock).unwrap_err();
        assert!(matches!(error.problem, Problem::Link { .. }));
        assert!(!dir.path().join("victim").exists());
    }
}
