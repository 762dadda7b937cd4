//! Finding the store and its policy (SPEC section 7), the way git finds its
//! repository: from the current directory upwards, the first directory
//! holding `policy.yaml` or `cases/` is the store's root, and the two found
//! there belong together. `--store DIR` means the policy beside it
//! (`DIR/../policy.yaml`) unless `--policy` names another file.
//!
//! This only decides paths; reading them (and refusing a store without a
//! policy, exit 4) is the caller's. Paths found above the current directory
//! are given relative to it (`../../cases`), as git prints them.

use std::path::{Component, Path, PathBuf};

/// The store directory's name under a store root.
pub const STORE_DIR: &str = "cases";
/// The policy file's name under a store root.
pub const POLICY_FILE: &str = "policy.yaml";

/// Where the store and the policy of this command are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The store directory.
    pub store: PathBuf,
    /// The policy file: `--policy`, else the one beside the store.
    pub policy: PathBuf,
    /// `--policy` (or `CASES_POLICY`) named the policy file.
    pub policy_given: bool,
    /// How the store was found.
    pub found: Found,
}

/// How the store of a [`Location`] was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// `--store` (or `CASES_STORE`) named it.
    Given,
    /// Found at this root (the current directory or one above it).
    Discovered { root: PathBuf },
    /// Neither the current directory (this one) nor any above it holds a
    /// store or a policy.
    Nowhere { searched_from: PathBuf },
}

/// Decides where the store and the policy are, from the options and the
/// current directory `cwd` (absolute).
pub fn locate(store: Option<&Path>, policy: Option<&Path>, cwd: &Path) -> Location {
    let given_policy = policy.map(Path::to_path_buf);
    let policy_given = given_policy.is_some();
    if let Some(store) = store {
        return Location {
            store: store.to_path_buf(),
            policy: given_policy.unwrap_or_else(|| policy_beside(store)),
            policy_given,
            found: Found::Given,
        };
    }
    for (levels, dir) in cwd.ancestors().enumerate() {
        let holds_policy = dir.join(POLICY_FILE).symlink_metadata().is_ok();
        if holds_policy || dir.join(STORE_DIR).is_dir() {
            let root: PathBuf = if levels == 0 {
                PathBuf::new()
            } else {
                std::iter::repeat_n(Component::ParentDir, levels).collect()
            };
            return Location {
                store: root.join(STORE_DIR),
                policy: given_policy.unwrap_or_else(|| root.join(POLICY_FILE)),
                policy_given,
                found: Found::Discovered {
                    root: if levels == 0 {
                        PathBuf::from(".")
                    } else {
                        root
                    },
                },
            };
        }
    }
    Location {
        store: PathBuf::from(STORE_DIR),
        policy: given_policy.unwrap_or_else(|| PathBuf::from(POLICY_FILE)),
        policy_given,
        found: Found::Nowhere {
            searched_from: cwd.to_path_buf(),
        },
    }
}

/// `DIR/../policy.yaml`, written without the `..` when DIR names a
/// directory (`support/cases` gives `support/policy.yaml`, `cases` gives
/// `policy.yaml`).
pub fn policy_beside(store: &Path) -> PathBuf {
    match store.components().next_back() {
        Some(Component::Normal(_)) => store
            .parent()
            .map_or_else(|| PathBuf::from(POLICY_FILE), |p| p.join(POLICY_FILE)),
        _ => store.join("..").join(POLICY_FILE),
    }
}

impl Location {
    /// The directory holding the policy file: where `policies/` (earlier
    /// versions) and `team.yaml` (the roster) are.
    pub fn policy_dir(&self) -> PathBuf {
        match self.policy.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// `name` in the policy's directory (`team.yaml`, `policies`), without
    /// a leading `./`.
    pub fn beside_policy(&self, name: &str) -> PathBuf {
        match self.policy.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.join(name),
            _ => PathBuf::from(name),
        }
    }

    /// The one-line fix when the policy file is missing.
    pub fn missing_policy_message(&self) -> String {
        match &self.found {
            Found::Nowhere { searched_from } => format!(
                "no store found: neither {} nor a directory above it holds {POLICY_FILE} or {STORE_DIR}/ (create one with: cases init, or pass --store DIR)",
                searched_from.display()
            ),
            _ if self.policy_given => format!("policy {} does not exist", self.policy.display()),
            _ => {
                let root = self.policy_dir();
                format!(
                    "no policy beside the store {}: {} does not exist (restore the team's policy there, write the default with: cases init {}, or pass --policy FILE)",
                    self.store.display(),
                    self.policy.display(),
                    root.display()
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_beside_a_store() {
        let beside = |s: &str| policy_beside(Path::new(s)).display().to_string();
        assert_eq!(beside("cases"), "policy.yaml");
        assert_eq!(beside("support/cases"), "support/policy.yaml");
        assert_eq!(beside("/srv/support/cases/"), "/srv/support/policy.yaml");
        assert_eq!(beside("."), "./../policy.yaml");
        assert_eq!(beside("support/.."), "support/../../policy.yaml");
    }

    #[test]
    fn walks_up_to_the_first_directory_with_a_store_or_a_policy() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("cases/001")).unwrap();
        let deep = root.join("cases/001");
        let found = locate(None, None, &deep);
        assert_eq!(found.store, PathBuf::from("../../cases"));
        assert_eq!(found.policy, PathBuf::from("../../policy.yaml"));
        assert_eq!(
            found.found,
            Found::Discovered {
                root: PathBuf::from("../..")
            }
        );
        let here = locate(None, Some(Path::new("p.yaml")), root);
        assert_eq!(here.store, PathBuf::from("cases"));
        assert_eq!(here.policy, PathBuf::from("p.yaml"));
        assert!(here.policy_given);
        assert_eq!(here.policy_dir(), PathBuf::from("."));
    }
}
