//! Where things are in a store (SPEC section 5): case N at
//! `<N / 1000, 3 digits>/<N>.yaml`, the store's own files at its root, and
//! what a name means. Pure: no file system.

use std::path::{Path, PathBuf};

use super::cache;

/// The number the first case of a store gets.
pub const FIRST_NUMBER: u64 = 1001;

/// The name of the lock file at the store's root.
pub const LOCK_FILE: &str = ".lock";

/// Prefix and suffix of temporary files; one is never read as a case.
pub const TEMP_PREFIX: &str = ".case-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// The store's `.gitignore`.
pub const GITIGNORE_FILE: &str = ".gitignore";

/// What the store's `.gitignore` holds.
pub const STORE_GITIGNORE: &str =
    "# written by cases: lock, temporary and cache files are local\n.lock\n.case-*.tmp\n.cache\n.cache-*.tmp\n";

/// Files at the store's root that belong there.
pub const ROOT_FILES: [&str; 5] = [
    LOCK_FILE,
    GITIGNORE_FILE,
    ".gitattributes",
    ".git",
    cache::CACHE_FILE,
];

/// The path of case `number` under `root`: `<root>/001/1042.yaml`.
pub fn path_of(root: &Path, number: u64) -> PathBuf {
    root.join(directory_name(number))
        .join(format!("{number}.yaml"))
}

/// `001` for the cases 1000-1999.
pub fn directory_name(number: u64) -> String {
    format!("{:03}", number / 1000)
}

/// `001`, `002`, ... `1000`: all digits, at least three; only the canonical
/// spelling ([`canonical_directory`]) holds cases.
pub fn is_directory_name(name: &str) -> bool {
    name.len() >= 3 && name.bytes().all(|b| b.is_ascii_digit())
}

/// The thousand a directory named `name` holds (`001` -> 1), if `name` is
/// its canonical spelling (`0001` is not).
pub fn canonical_directory(name: &str) -> Option<u64> {
    if !is_directory_name(name) {
        return None;
    }
    name.parse::<u64>()
        .ok()
        .filter(|thousand| format!("{thousand:03}") == name)
}

/// `1042.yaml` -> 1042.
pub fn case_number_of(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(".yaml")?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// True for the name of a case write's temporary file.
pub fn is_case_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(path_of(Path::new("s"), 1042), Path::new("s/001/1042.yaml"));
        assert_eq!(
            path_of(Path::new("s"), 12345),
            Path::new("s/012/12345.yaml")
        );
        assert_eq!(canonical_directory("001"), Some(1));
        assert_eq!(canonical_directory("0001"), None);
        assert_eq!(canonical_directory("1000"), Some(1000));
        assert_eq!(case_number_of("1042.yaml"), Some(1042));
        assert_eq!(case_number_of("01042.yaml"), None);
        assert_eq!(case_number_of("+1042.yaml"), None);
    }
}
