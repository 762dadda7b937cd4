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

/// A failed command: its kind, a message naming the culprit and the facts,
/// and hints (what to run, what is allowed), printed after the message by
/// [`CommandError::line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub kind: ErrorKind,
    pub message: String,
    pub hints: Vec<String>,
}

impl CommandError {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    pub fn refused(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Refused, message)
    }

    pub fn unreadable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unreadable, message)
    }

    /// Adds a hint: the command to run, or what is allowed.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// The one line the command prints for this error (after `cases:
    /// error: `): the message, then the hints in parentheses.
    pub fn line(&self) -> String {
        crate::hint::with_hints(&self.message, &self.hints)
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line())
    }
}

impl From<StoreError> for CommandError {
    fn from(error: StoreError) -> Self {
        match error {
            // A write the store would refuse to read back (over 1 MiB):
            // the input is refused, nothing is written (exit 2).
            StoreError::NotFound { .. } | StoreError::Unwritable { .. } => {
                CommandError::usage(error.to_string())
            }
            // A directory that `cases init` did not make a store (empty, or
            // without its marks): the argument names the wrong directory,
            // and nothing is read or written there (exit 2). A store that
            // does not exist at all stays unreadable (exit 4).
            StoreError::NotAStore { .. } => CommandError::usage(error.to_string()),
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
        CommandError::unreadable(error.to_string()).with_hint("run cases check")
    }
}

impl From<crate::case::LifecycleError> for CommandError {
    fn from(error: crate::case::LifecycleError) -> Self {
        let hint = error.remedy().map(crate::hint::remedy);
        let refused = CommandError::refused(error.to_string());
        match hint {
            Some(hint) => refused.with_hint(hint),
            None => refused,
        }
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

/// A gate's refusal ([`crate::rules`]) as the command line prints it: the
/// facts, then what to run to make the action allowed (under `policy`,
/// the case's policy version). Refusals of a value the command was given
/// are usage errors naming the option.
pub fn rule_refused(
    refusal: crate::rules::Refusal,
    policy: &crate::policy::Policy,
) -> CommandError {
    use crate::rules::Refusal;
    match &refusal {
        Refusal::ChannelRefused { channel, message } => {
            CommandError::refused(format!("--channel {channel}: {message}"))
        }
        Refusal::NoOwner { number } => CommandError::refused(format!(
            "{refusal}; assign it first: cases assign {number} --to NAME (or cases take {number})"
        )),
        Refusal::EscalatedToIneligible { number, status, .. }
        | Refusal::CloseWhileEscalated { number, status } => CommandError::refused(format!(
            "{refusal}: {}",
            crate::hint::end_escalation(*number, *status, &policy.escalation.closing_outcomes)
        )),
        Refusal::ReopenWindowEnded { number, .. } => CommandError::refused(format!(
            "{refusal}; open a new case that refers to it: cases new --related {number} ..."
        )),
        Refusal::EscalationChannel { .. } | Refusal::UnknownOutcome { .. } => {
            let option = match refusal {
                Refusal::EscalationChannel { .. } => "--channel",
                _ => "--outcome",
            };
            CommandError::usage(format!("{option} {refusal}"))
        }
        Refusal::Clock(error) => error.clone().into(),
        _ => CommandError::refused(refusal.to_string()),
    }
}
