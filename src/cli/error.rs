//! Command errors and the one place they become exit codes (SPEC section 6):
//! 0 success; 1 a check found breaches or invalid files; 2 usage error or
//! invalid input; 3 refused by the policy or the lifecycle; 4 store or
//! policy unreadable.

use std::process::ExitCode;

use crate::policy::PolicyError;
use crate::store::StoreError;

/// What kind of failure, which decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad arguments or input values (exit 2).
    Usage,
    /// The policy or the lifecycle does not allow the action (exit 3).
    Refused,
    /// The store or the policy cannot be read (exit 4).
    Unreadable,
}

impl ErrorKind {
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::Refused => 3,
            ErrorKind::Unreadable => 4,
        }
    }
}

/// A failed command: its kind and a message naming the culprit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
}

impl CommandError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Refused,
            message: message.into(),
        }
    }

    pub fn unreadable(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Unreadable,
            message: message.into(),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound { .. } => CommandError::usage(error.to_string()),
            _ => CommandError::unreadable(error.to_string()),
        }
    }
}

impl From<PolicyError> for CommandError {
    fn from(error: PolicyError) -> Self {
        CommandError::unreadable(error.to_string())
    }
}

impl From<crate::clock::ClockError> for CommandError {
    fn from(error: crate::clock::ClockError) -> Self {
        CommandError::unreadable(format!("{error} (run cases check)"))
    }
}

impl From<crate::case::LifecycleError> for CommandError {
    fn from(error: crate::case::LifecycleError) -> Self {
        CommandError::refused(error.message)
    }
}

/// How a command that ran to the end went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// A check found breaches or invalid files: exit 1.
    Findings,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Success => ExitCode::SUCCESS,
            Outcome::Findings => ExitCode::from(1),
        }
    }
}
