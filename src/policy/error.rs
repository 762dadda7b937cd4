//! What is wrong with a policy or roster file, as typed facts: the file,
//! where (line and column), the field (a dotted path such as
//! `regions.emea.time_zone`), and what the field allows. [`PolicyError`]'s
//! `Display` is the one wording every command and `cases check` print.

use std::fmt;

/// What is wrong at one place of a policy (or `team.yaml`) file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The text cannot be read as YAML of the allowed shape (syntax,
    /// nesting, aliases).
    #[error("{0}")]
    Unreadable(String),
    /// A key the format does not have, a missing key or a value of the
    /// wrong type, as the structural reader words it.
    #[error("{0}")]
    Structure(String),
    /// A name that is not one of those allowed.
    #[error("unknown {what} {value:?} (allowed: {})", allowed.join(", "))]
    Unknown {
        /// What the name names (`clock`, `plan`, `role`, ...).
        what: &'static str,
        value: String,
        allowed: Vec<String>,
    },
    /// A value whose form is not one of those allowed.
    #[error("bad {what} {value:?} (allowed: {allowed})")]
    Malformed {
        /// What the value is (`duration`, `wait`, `start`, ...).
        what: &'static str,
        value: String,
        /// The allowed forms, worded.
        allowed: String,
    },
    /// A rule of the format the value breaks, as a fact.
    #[error("{0}")]
    Rule(String),
}

impl Problem {
    /// [`Problem::Unknown`] with `allowed` from any list of names.
    pub fn unknown<S: ToString>(
        what: &'static str,
        value: impl Into<String>,
        allowed: impl IntoIterator<Item = S>,
    ) -> Problem {
        Problem::Unknown {
            what,
            value: value.into(),
            allowed: allowed.into_iter().map(|a| a.to_string()).collect(),
        }
    }

    /// [`Problem::Malformed`].
    pub fn malformed(
        what: &'static str,
        value: impl Into<String>,
        allowed: impl Into<String>,
    ) -> Problem {
        Problem::Malformed {
            what,
            value: value.into(),
            allowed: allowed.into(),
        }
    }

    /// [`Problem::Rule`].
    pub fn rule(fact: impl Into<String>) -> Problem {
        Problem::Rule(fact.into())
    }

    /// The allowed values or forms, when the problem names them.
    pub fn allowed(&self) -> Option<String> {
        match self {
            Problem::Unknown { allowed, .. } => Some(allowed.join(", ")),
            Problem::Malformed { allowed, .. } => Some(allowed.clone()),
            _ => None,
        }
    }
}

/// One problem found in a policy file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    pub line: usize,
    pub column: usize,
    /// The dotted path of the offending node, e.g. `regions.emea.time_zone`;
    /// empty for the file as a whole.
    pub field: String,
    pub problem: Problem,
}

impl PolicyProblem {
    /// `field: problem`, or the problem alone for the whole file: the
    /// message without the file and position.
    pub fn message(&self) -> String {
        if self.field.is_empty() {
            self.problem.to_string()
        } else {
            format!("{}: {}", self.field, self.problem)
        }
    }
}

/// Why a policy (or roster) file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The file could not be read as YAML: the problem that stopped the
    /// reading.
    #[error("{}", Located(origin, std::slice::from_ref(&**problem)))]
    Unreadable {
        /// The file, as named in messages.
        origin: String,
        problem: Box<PolicyProblem>,
    },
    /// The file was read: every problem found in it.
    #[error("{}", Located(origin, problems))]
    Invalid {
        /// The file, as named in messages.
        origin: String,
        problems: Vec<PolicyProblem>,
    },
}

impl PolicyError {
    /// The file, as named in messages.
    pub fn origin(&self) -> &str {
        match self {
            PolicyError::Unreadable { origin, .. } | PolicyError::Invalid { origin, .. } => origin,
        }
    }

    /// Every problem found, in file order of finding.
    pub fn problems(&self) -> &[PolicyProblem] {
        match self {
            PolicyError::Unreadable { problem, .. } => std::slice::from_ref(&**problem),
            PolicyError::Invalid { problems, .. } => problems,
        }
    }

    /// The file could not be read past `line:column`.
    pub(super) fn unreadable(origin: &str, line: usize, column: usize, problem: Problem) -> Self {
        PolicyError::Unreadable {
            origin: origin.to_string(),
            problem: Box::new(PolicyProblem {
                line,
                column,
                field: String::new(),
                problem,
            }),
        }
    }
}

/// `origin:line:column: field: problem`, one line per problem.
struct Located<'a>(&'a str, &'a [PolicyProblem]);

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Located(origin, problems) = self;
        for (index, problem) in problems.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(
                f,
                "{origin}:{}:{}: {}",
                problem.line,
                problem.column,
                problem.message()
            )?;
        }
        Ok(())
    }
}
