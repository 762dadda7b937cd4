//! Policy versions (SPEC section 7): the current policy and the earlier
//! versions cases were opened under, each looked up by the version a case
//! recorded.
//!
//! A [`PolicySet`] is built once per command. Earlier versions come from a
//! [`VersionSource`] (at the edge: the files `policies/<version>.yaml`
//! beside `policy.yaml`), listed once and each loaded at most once, lazily,
//! the first time a case asks for it; afterwards a lookup is a hash-map hit
//! and an initialised `OnceLock`, with no lock taken, so scans on every core
//! pay nothing per case. A version that cannot be found is an error, never
//! silently another version.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};

use super::{Policy, PolicyError};

/// RFC 3339 UTC, as the store writes instants.
const INSTANT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// What a version name may be made of, for messages.
pub const VERSION_NAME_RULE: &str =
    "letters, digits, dots, dashes and underscores, not starting with a dot";

/// True when `name` can name the file `policies/<name>.yaml`: letters,
/// digits, `.`, `-` and `_`, not starting with a dot (so never `..`).
pub fn is_version_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Where earlier versions are kept.
pub trait VersionSource: Send + Sync {
    /// The versions available, listed once per command.
    fn list(&self) -> Vec<String>;
    /// Loads and validates version `version` (one of [`VersionSource::list`]).
    fn load(&self, version: &str) -> Result<Policy, VersionError>;
    /// Where version `version` is, or would be, kept: for messages.
    fn location_of(&self, version: &str) -> String;
}

/// Why a policy version could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VersionError {
    /// No file holds this version.
    Missing {
        /// The case that recorded it, when a case asked.
        number: Option<u64>,
        version: String,
        /// Where it was looked for.
        looked_for: String,
    },
    /// The file exists but is not a valid policy.
    Invalid(PolicyError),
    /// The file holds another version than its name says.
    Mismatch {
        path: String,
        holds: String,
        expected: String,
    },
    /// The file could not be read.
    Unreadable { path: String, message: String },
    /// No version was in force yet at this instant.
    NotInForce {
        at: DateTime<Utc>,
        version: String,
        effective: DateTime<Utc>,
    },
    /// The `previous` links of the versions go round in a circle.
    Cycle { version: String },
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionError::Missing {
                number,
                version,
                looked_for,
            } => {
                if let Some(number) = number {
                    write!(f, "case {number} was opened under ")?;
                }
                write!(
                    f,
                    "policy version {version:?}, which is not available: {looked_for} does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)"
                )
            }
            VersionError::Invalid(error) => write!(f, "{error}"),
            VersionError::Mismatch {
                path,
                holds,
                expected,
            } => write!(
                f,
                "{path}: holds policy version {holds:?}, not {expected:?} (a file in policies/ is named after the version it holds)"
            ),
            VersionError::Unreadable { path, message } => {
                write!(f, "policy version {path}: {message}")
            }
            VersionError::NotInForce {
                at,
                version,
                effective,
            } => write!(
                f,
                "no policy version is in force at {}: the earliest, {version:?}, takes effect {}",
                at.format(INSTANT),
                effective.format(INSTANT)
            ),
            VersionError::Cycle { version } => write!(
                f,
                "the previous versions of policy version {version:?} go round in a circle"
            ),
        }
    }
}

impl std::error::Error for VersionError {}

/// The current policy and the earlier versions, for one command.
pub struct PolicySet {
    current: Arc<Policy>,
    /// Every lookup gives the current policy (`report --what-if`).
    uniform: bool,
    source: Option<Box<dyn VersionSource>>,
    /// Listed on the first lookup of an earlier version; each entry loaded
    /// on its own first lookup.
    earlier: OnceLock<HashMap<String, OnceLock<Result<Policy, VersionError>>>>,
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("current", &self.current.version)
            .field("uniform", &self.uniform)
            .finish_non_exhaustive()
    }
}

impl PolicySet {
    /// The current policy and the earlier versions `source` keeps.
    pub fn new(current: Arc<Policy>, source: Box<dyn VersionSource>) -> PolicySet {
        PolicySet {
            current,
            uniform: false,
            source: Some(source),
            earlier: OnceLock::new(),
        }
    }

    /// Only `policy`, for every case whatever version it recorded: what
    /// `report --what-if FILE` evaluates under.
    pub fn uniform(policy: Arc<Policy>) -> PolicySet {
        PolicySet {
            current: policy,
            uniform: true,
            source: None,
            earlier: OnceLock::new(),
        }
    }

    /// The current policy (`policy.yaml`).
    pub fn current(&self) -> &Policy {
        &self.current
    }

    /// Policy version `version`.
    pub fn version(&self, version: &str) -> Result<&Policy, VersionError> {
        self.lookup(None, version)
    }

    /// The version case `number` recorded (`policy_version`).
    pub fn for_case(&self, number: u64, version: &str) -> Result<&Policy, VersionError> {
        self.lookup(Some(number), version)
    }

    fn lookup(&self, number: Option<u64>, version: &str) -> Result<&Policy, VersionError> {
        if self.uniform || version == self.current.version {
            return Ok(&self.current);
        }
        let missing = || VersionError::Missing {
            number,
            version: version.to_string(),
            looked_for: self.source.as_ref().map_or_else(
                || format!("policies/{version}.yaml"),
                |s| s.location_of(version),
            ),
        };
        let Some(source) = &self.source else {
            return Err(missing());
        };
        let earlier = self.earlier.get_or_init(|| {
            source
                .list()
                .into_iter()
                .filter(|name| is_version_name(name))
                .map(|name| (name, OnceLock::new()))
                .collect()
        });
        let cell = earlier.get(version).ok_or_else(missing)?;
        cell.get_or_init(|| {
            let policy = source.load(version)?;
            if policy.version != version {
                return Err(VersionError::Mismatch {
                    path: source.location_of(version),
                    holds: policy.version,
                    expected: version.to_string(),
                });
            }
            Ok(policy)
        })
        .as_ref()
        .map_err(Clone::clone)
    }

    /// The version `new` opens a case under at `at`: the current one if it
    /// is effective by then, else the latest of its previous versions that
    /// is (a version effective next month is not used today).
    pub fn in_force_at(&self, at: DateTime<Utc>) -> Result<&Policy, VersionError> {
        let mut policy: &Policy = &self.current;
        let mut seen = HashSet::new();
        loop {
            match policy.effective {
                Some(effective) if effective > at => {}
                _ => return Ok(policy),
            }
            if !seen.insert(policy.version.clone()) {
                return Err(VersionError::Cycle {
                    version: self.current.version.clone(),
                });
            }
            match &policy.previous {
                Some(previous) => policy = self.version(previous)?,
                None => {
                    return Err(VersionError::NotInForce {
                        at,
                        version: policy.version.clone(),
                        effective: policy.effective.unwrap_or(at),
                    })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Versions {
        texts: Vec<(&'static str, String)>,
        loads: Arc<AtomicUsize>,
    }

    impl VersionSource for Versions {
        fn list(&self) -> Vec<String> {
            self.texts.iter().map(|(v, _)| v.to_string()).collect()
        }
        fn load(&self, version: &str) -> Result<Policy, VersionError> {
            self.loads.fetch_add(1, Ordering::SeqCst);
            let text = &self.texts.iter().find(|(v, _)| *v == version).unwrap().1;
            Policy::parse(text, version).map_err(VersionError::Invalid)
        }
        fn location_of(&self, version: &str) -> String {
            format!("policies/{version}.yaml")
        }
    }

    fn policy(version: &str, effective: Option<&str>, previous: Option<&str>) -> String {
        let mut head = format!("version: \"{version}\"\n");
        if let Some(e) = effective {
            head.push_str(&format!("effective: {e}\n"));
        }
        if let Some(p) = previous {
            head.push_str(&format!("previous: \"{p}\"\n"));
        }
        super::super::DEFAULT_POLICY_YAML.replace("version: \"2026.1\"\n", &head)
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn each_version_is_loaded_once_and_a_missing_one_is_an_error() {
        let loads = Arc::new(AtomicUsize::new(0));
        let current = Policy::parse(
            &policy("2027.1", Some("2027-01-01T05:00:00Z"), Some("2026.1")),
            "policy.yaml",
        )
        .unwrap();
        let set = PolicySet::new(
            Arc::new(current),
            Box::new(Versions {
                texts: vec![
                    ("2026.1", policy("2026.1", None, None)),
                    ("2025.9", policy("2025.8", None, None)),
                ],
                loads: Arc::clone(&loads),
            }),
        );
        for _ in 0..3 {
            assert_eq!(set.for_case(1001, "2026.1").unwrap().version, "2026.1");
            assert_eq!(set.for_case(1002, "2027.1").unwrap().version, "2027.1");
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert_eq!(
            set.for_case(1003, "2024.1").unwrap_err().to_string(),
            "case 1003 was opened under policy version \"2024.1\", which is not available: policies/2024.1.yaml does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)"
        );
        assert_eq!(
            set.version("2025.9").unwrap_err().to_string(),
            "policies/2025.9.yaml: holds policy version \"2025.8\", not \"2025.9\" (a file in policies/ is named after the version it holds)"
        );
        // A name that cannot be a file is never looked for.
        assert!(matches!(
            set.version("../policy").unwrap_err(),
            VersionError::Missing { .. }
        ));
        // In force: the new version from its instant on, the old one before.
        assert_eq!(
            set.in_force_at(at("2026-12-31T12:00:00Z")).unwrap().version,
            "2026.1"
        );
        assert_eq!(
            set.in_force_at(at("2027-01-01T05:00:00Z")).unwrap().version,
            "2027.1"
        );
        // What-if: every case under the one policy.
        let what_if = PolicySet::uniform(Arc::new(
            Policy::parse(&policy("x", None, None), "x.yaml").unwrap(),
        ));
        assert_eq!(what_if.for_case(1001, "2026.1").unwrap().version, "x");
    }

    #[test]
    fn before_the_first_version_nothing_is_in_force() {
        let current = Policy::parse(
            &policy("2027.1", Some("2027-01-01T05:00:00Z"), None),
            "policy.yaml",
        );
        // `previous` needs `effective`; the first version may have one.
        let set = PolicySet::uniform(Arc::new(current.unwrap()));
        assert_eq!(
            set.in_force_at(at("2026-12-01T00:00:00Z")).unwrap_err().to_string(),
            "no policy version is in force at 2026-12-01T00:00:00Z: the earliest, \"2027.1\", takes effect 2027-01-01T05:00:00Z"
        );
        let error = Policy::parse(&policy("2027.1", None, Some("2026.1")), "p.yaml").unwrap_err();
        assert_eq!(
            error.to_string(),
            "p.yaml:1:1: effective: a version that replaces another needs the instant it takes effect (effective: RFC 3339)"
        );
        let error = Policy::parse(&policy("2027.1", Some("soon"), None), "p.yaml").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("p.yaml:8:1: effective: bad instant \"soon\""),
            "{error}"
        );
    }
}
