//! The words that tell a support engineer what to run next. The domain
//! refuses with facts and, where one step would make the action allowed, a
//! typed [`Remedy`]; the edges (the store's decode messages, the command
//! line's errors) word it here, in one place, as a command to run.

use crate::case::{EscalationStatus, LifecycleError, Remedy};
use crate::merge::Conflict;

/// The command that carries out `remedy`, with what it does.
pub fn remedy(remedy: Remedy) -> String {
    match remedy {
        Remedy::Reopen { number } => format!("reopen it first: cases reopen {number}"),
        Remedy::Renumber { number } => format!(
            "a number collision between clones; resolve it during the merge with: cases renumber {number}"
        ),
        Remedy::RequestEscalation { number } => {
            format!("request one: cases escalate request {number}")
        }
    }
}

/// `message (hint; hint)`, or `message` alone without hints: how an error
/// and what to do about it are printed on one line.
pub fn with_hints(message: &str, hints: &[String]) -> String {
    if hints.is_empty() {
        message.to_string()
    } else {
        format!("{message} ({})", hints.join("; "))
    }
}

/// A lifecycle refusal with the command that would make it allowed.
pub fn lifecycle(error: &LifecycleError) -> String {
    let hints: Vec<String> = error.remedy().map(remedy).into_iter().collect();
    with_hints(&error.to_string(), &hints)
}

/// Why a merge conflicts, with how to resolve it.
pub fn merge_conflict(conflict: &Conflict) -> String {
    match conflict {
        Conflict::Collision { number } => with_hints(
            &format!("two different cases were created as case {number}"),
            &[format!("resolve with: cases renumber {number}")],
        ),
        Conflict::Lifecycle(error) => format!("history[{}]: {}", error.index, lifecycle(error)),
    }
}

/// How an open escalation of case `number` ends, as the commands to run:
/// an accepted one is closed with an outcome agreed with the customer (one
/// of `outcomes`, the policy's) or de-escalated; a request not yet
/// accepted is declined or de-escalated.
pub fn end_escalation(number: u64, status: EscalationStatus, outcomes: &[String]) -> String {
    let de_escalate = format!("de-escalate it: cases escalate de-escalate {number} --reason TEXT");
    match status {
        EscalationStatus::Accepted => format!(
            "first close the escalation with the outcome agreed with the customer: cases escalate close {number} --outcome {} --summary TEXT [--agreed-by CONTACT], or {de_escalate}",
            outcomes.join("|")
        ),
        EscalationStatus::Requested | EscalationStatus::Reviewed => format!(
            "first decline the request: cases escalate decline {number} --explanation TEXT, or {de_escalate}"
        ),
    }
}
