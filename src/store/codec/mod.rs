//! The one place case files are encoded and decoded.
//!
//! Canonical form: header keys then `history`, in a fixed order; events as
//! flat mappings `at`, `event`, `by`, then the fields of that kind in a fixed
//! order, absent fields omitted; UTC timestamps with `Z`; block style; LF;
//! one trailing newline. Encoding is a pure function of the case, so writing
//! an unchanged case gives identical bytes and `git diff` shows only events.

mod canonical;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use crate::case::{
    Case, CaseDefect, CloseReason, Contact, Event, EventKind, Header, Intake, State,
};
use crate::policy::{format_duration, parse_duration};
use crate::source_map::SourceMap;

/// Why a case file could not be decoded, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    number: u64,
    title: String,
    account: String,
    plan: String,
    region: String,
    language: String,
    severity: u8,
    state: String,
    owner: Option<String>,
    contacts: Vec<String>,
    related: Vec<u64>,
    policy_version: String,
    history: Vec<EventRecord>,
}

/// An event as written: every field any kind may carry, in canonical order.
#[derive(Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EventRecord {
    at: String,
    event: String,
    by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contacts: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    confirmed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requester: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_success_manager: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_manager: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    manager: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    update_every: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    old_number: Option<u64>,
}

/// Formats an instant the canonical way: `2026-11-27T14:05:00Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Encodes `case` in canonical form.
pub fn encode(case: &Case) -> String {
    encode_parts(case.header(), case.history())
}

/// Encodes a header and a history in canonical form, whether or not the
/// history replays to that header (a merge conflict keeps every event).
pub fn encode_parts(header: &Header, history: &[Event]) -> String {
    let file = CaseFile {
        number: header.number,
        title: header.title.clone(),
        account: header.account.clone(),
        plan: header.plan.clone(),
        region: header.region.clone(),
        language: header.language.clone(),
        severity: header.severity,
        state: header.state.as_str().to_string(),
        owner: header.owner.clone(),
        contacts: header.contacts.iter().map(Contact::to_string).collect(),
        related: header.related.clone(),
        policy_version: header.policy_version.clone(),
        history: history.iter().map(record_of).collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_yaml::to_string(&file).unwrap_or_default()
}

/// Decodes a case file; the error says where and what is wrong.
pub fn decode(text: &str) -> Result<Case, DecodeError> {
    if let Some((line, marker)) = conflict_marker(text) {
        return Err(DecodeError {
            line,
            column: 1,
            message: format!(
                "unresolved git conflict marker `{marker}`; resolve the merge (cases merge-file) before using this case"
            ),
        });
    }
    if let Some(found) = unprintable(text) {
        return Err(found);
    }
    // Files this tool wrote take the fast path; anything else, the general
    // parser with its precise messages.
    let file: CaseFile = match canonical::read(text) {
        Some(file) => file,
        None => {
            check_shape(text)?;
            serde_yaml::from_str(text).map_err(|error| {
                let location = error.location();
                DecodeError {
                    line: location.as_ref().map_or(1, |l| l.line()),
                    column: location.as_ref().map_or(1, |l| l.column()),
                    message: error.to_string(),
                }
            })?
        }
    };
    // The place of the node at `path` (1:1 if the text has none).
    let at = |path: &str, message: String| {
        let location = SourceMap::new(text).locate(path);
        DecodeError {
            line: location.map_or(1, |l| l.line),
            column: location.map_or(1, |l| l.column),
            message,
        }
    };
    let located = |path: String, message: String| at(&path, format!("{path}: {message}"));
    let state = State::parse(&file.state).ok_or_else(|| {
        located(
            "state".into(),
            format!(
                "unknown state {:?} (allowed: new, open, waiting-on-customer, waiting-on-fix, closed)",
                file.state
            ),
        )
    })?;
    let contacts = file
        .contacts
        .iter()
        .enumerate()
        .map(|(i, c)| contact(c).map_err(|m| located(format!("contacts[{i}]"), m)))
        .collect::<Result<Vec<_>, _>>()?;
    let history = file
        .history
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            event_of(record).map_err(|(field, m)| located(format!("history[{i}]{field}"), m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let header = Header {
        number: file.number,
        title: file.title,
        account: file.account,
        plan: file.plan,
        region: file.region,
        language: file.language,
        severity: file.severity,
        state,
        owner: file.owner,
        contacts,
        related: file.related,
        policy_version: file.policy_version,
    };
    Case::from_parts(header, history).map_err(|defect| match defect {
        CaseDefect::History(error) => located(format!("history[{}]", error.index), error.message),
        CaseDefect::HeaderMismatch(ref fields) => {
            let first = fields.first().map_or("number", |(field, ..)| *field);
            at(first, defect.to_string())
        }
    })
}

/// The first line that is a git conflict marker, if any.
fn conflict_marker(text: &str) -> Option<(usize, &'static str)> {
    text.lines().enumerate().find_map(|(i, line)| {
        ["<<<<<<<", "|||||||", "=======", ">>>>>>>"]
            .into_iter()
            .find(|marker| line.starts_with(marker))
            .map(|marker| (i + 1, marker))
    })
}

fn contact(text: &str) -> Result<Contact, String> {
    Contact::parse(text).ok_or_else(|| format!("bad contact {text:?} (allowed: \"Name <email>\")"))
}

/// Parses an event's instant. Instants are whole seconds, like `--now`: a
/// fraction is dropped (which keeps the order of events and makes the
/// canonical form read back as the same instant), and a leap second
/// (`23:59:60`), which business-time arithmetic cannot place, is refused.
fn instant(text: &str) -> Result<DateTime<Utc>, String> {
    let bad =
        || format!("bad timestamp {text:?} (allowed: RFC 3339 UTC such as 2026-11-27T14:05:00Z)");
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc).trunc_subsecs(0))
        .map_err(|_| bad())?;
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err(format!("{}; a leap second (:60) is not allowed", bad()));
    }
    Ok(t)
}

/// The first character YAML does not allow in a document (C0 and C1 control
/// characters but tab, line feed, carriage return and NEL; DEL; U+FFFE and
/// U+FFFF), located. The general parser refuses them; the check runs before
/// either reader so that the fast reader cannot accept them either. This
/// tool never writes them: the encoder escapes them in double quotes.
fn unprintable(text: &str) -> Option<DecodeError> {
    // Most files have none of the bytes that can start such a character.
    let suspect = |b: &u8| matches!(*b, 0..=8 | 0x0b | 0x0c | 0x0e..=0x1f | 0x7f | 0xc2 | 0xef);
    if !text.as_bytes().iter().any(suspect) {
        return None;
    }
    let (mut line, mut column) = (1, 1);
    for c in text.chars() {
        let allowed = matches!(c, '\t' | '\n' | '\r' | '\u{85}')
            || !(c.is_control() || c == '\u{fffe}' || c == '\u{ffff}');
        if !allowed {
            return Some(DecodeError {
                line,
                column,
                message: format!(
                    "the character {c:?} is not allowed in a case file (control characters must be written escaped, in double quotes)"
                ),
            });
        }
        if c == '\n' {
            (line, column) = (line + 1, 1);
        } else {
            column += 1;
        }
    }
    None
}

/// The deepest nesting of mappings and sequences a case file may have. A
/// canonical file needs 4 (the case, `history`, an event, its `contacts`).
pub const MAX_NESTING: usize = 16;

/// Refuses, before the general YAML parser sees them, the shapes that make
/// it slow or large: nesting deeper than [`MAX_NESTING`] (see
/// [`crate::source_map::check_shape`]) and aliases (`*name`, which repeat a
/// node — the "billion laughs" — and which no case file needs).
fn check_shape(text: &str) -> Result<(), DecodeError> {
    use crate::source_map::{check_shape, Location, ShapeProblem};
    let at = |location: Location, message: String| DecodeError {
        line: location.line,
        column: location.column,
        message,
    };
    check_shape(text, MAX_NESTING, true).map_err(|problem| match problem {
        ShapeProblem::TooDeep(location) => at(
            location,
            format!("the YAML is nested more than {MAX_NESTING} levels deep; a case file needs 4"),
        ),
        ShapeProblem::Alias(location) => at(
            location,
            "a YAML alias (*name) is not allowed in a case file: write the value itself".into(),
        ),
        ShapeProblem::Syntax(location, message) => at(location, message),
    })
}

fn record_of(event: &Event) -> EventRecord {
    let mut r = EventRecord {
        at: format_instant(event.at),
        event: event.kind.name().to_string(),
        by: event.by.clone(),
        ..EventRecord::default()
    };
    match &event.kind {
        EventKind::Created(intake) => {
            r.title = Some(intake.title.clone());
            r.account = Some(intake.account.clone());
            r.plan = Some(intake.plan.clone());
            r.region = Some(intake.region.clone());
            r.language = Some(intake.language.clone());
            r.severity = Some(intake.severity);
            r.channel = Some(intake.channel.clone());
            r.contacts = Some(intake.contacts.iter().map(Contact::to_string).collect());
            r.related = Some(intake.related.clone());
            r.policy_version = Some(intake.policy_version.clone());
        }
        EventKind::PhoneContact { note } => r.note = note.clone(),
        EventKind::Assigned { owner } => r.owner = Some(owner.clone()),
        EventKind::Responded { message }
        | EventKind::InfoRequested { message }
        | EventKind::FollowUp { message }
        | EventKind::CustomerReplied { message } => r.message = message.clone(),
        EventKind::Note { text } => r.text = Some(text.clone()),
        EventKind::SeverityChanged {
            from,
            to,
            agreed_by,
        } => {
            r.from = Some(*from);
            r.to = Some(*to);
            r.agreed_by = Some(agreed_by.clone());
        }
        EventKind::FixRequested { ticket } => r.ticket = Some(ticket.clone()),
        EventKind::FixAvailable { release } => r.release = Some(release.clone()),
        EventKind::Closed {
            reason,
            confirmed_by,
            rule,
        } => {
            r.reason = Some(reason.as_str().to_string());
            r.confirmed_by = confirmed_by.clone();
            r.rule = rule.clone();
        }
        EventKind::Reopened { reason } => r.reason = reason.clone(),
        EventKind::ContactAdded { contact } | EventKind::ContactRemoved { contact } => {
            r.contact = Some(contact.to_string())
        }
        EventKind::EscalationRequested {
            requester,
            role,
            channel,
            justification,
            customer_success_manager,
            customer_manager,
        } => {
            r.requester = Some(requester.clone());
            r.role = Some(role.clone());
            r.channel = Some(channel.clone());
            r.justification = Some(justification.clone());
            r.customer_success_manager = customer_success_manager.clone();
            r.customer_manager = customer_manager.clone();
        }
        EventKind::EscalationReviewed { note } => r.note = note.clone(),
        EventKind::EscalationAccepted {
            manager,
            update_every,
        } => {
            r.manager = Some(manager.clone());
            r.update_every = Some(format_duration(*update_every));
        }
        EventKind::EscalationDeclined { explanation } => r.explanation = Some(explanation.clone()),
        EventKind::EscalationUpdate { message } => r.message = Some(message.clone()),
        EventKind::EscalationClosed { outcome, summary } => {
            r.outcome = Some(outcome.clone());
            r.summary = Some(summary.clone());
        }
        EventKind::DeEscalated { reason } => r.reason = Some(reason.clone()),
        EventKind::Renumbered { old_number } => r.old_number = Some(*old_number),
    }
    r
}

/// Takes the fields of one event record, refusing missing and foreign ones.
struct Fields {
    record: EventRecord,
}

type FieldError = (String, String);

impl Fields {
    fn required<T>(
        &mut self,
        name: &str,
        take: impl FnOnce(&mut EventRecord) -> Option<T>,
    ) -> Result<T, FieldError> {
        take(&mut self.record).ok_or_else(|| {
            (
                String::new(),
                format!("a {} event needs the field `{name}`", self.record.event),
            )
        })
    }

    /// Fails when a field the kind does not take is still present.
    fn finish(self) -> Result<(), FieldError> {
        let r = &self.record;
        let present = [
            ("title", r.title.is_some()),
            ("account", r.account.is_some()),
            ("plan", r.plan.is_some()),
            ("region", r.region.is_some()),
            ("language", r.language.is_some()),
            ("severity", r.severity.is_some()),
            ("channel", r.channel.is_some()),
            ("contacts", r.contacts.is_some()),
            ("related", r.related.is_some()),
            ("policy_version", r.policy_version.is_some()),
            ("owner", r.owner.is_some()),
            ("from", r.from.is_some()),
            ("to", r.to.is_some()),
            ("agreed_by", r.agreed_by.is_some()),
            ("ticket", r.ticket.is_some()),
            ("release", r.release.is_some()),
            ("reason", r.reason.is_some()),
            ("confirmed_by", r.confirmed_by.is_some()),
            ("rule", r.rule.is_some()),
            ("contact", r.contact.is_some()),
            ("requester", r.requester.is_some()),
            ("role", r.role.is_some()),
            ("justification", r.justification.is_some()),
            (
                "customer_success_manager",
                r.customer_success_manager.is_some(),
            ),
            ("customer_manager", r.customer_manager.is_some()),
            ("manager", r.manager.is_some()),
            ("update_every", r.update_every.is_some()),
            ("outcome", r.outcome.is_some()),
            ("summary", r.summary.is_some()),
            ("explanation", r.explanation.is_some()),
            ("message", r.message.is_some()),
            ("text", r.text.is_some()),
            ("note", r.note.is_some()),
            ("old_number", r.old_number.is_some()),
        ]
        .into_iter()
        .find_map(|(name, present)| present.then_some(name));
        match present {
            None => Ok(()),
            Some(field) => Err((
                format!(".{field}"),
                format!("a {} event has no field `{field}`", r.event),
            )),
        }
    }
}

fn event_of(record: EventRecord) -> Result<Event, FieldError> {
    let at = instant(&record.at).map_err(|m| (".at".to_string(), m))?;
    let by = record.by.clone();
    if by.trim().is_empty() {
        return Err((".by".into(), "the actor must not be empty".into()));
    }
    let name = record.event.clone();
    let mut f = Fields { record };
    let kind = match name.as_str() {
        "created" => {
            let contacts = f.required("contacts", |r| r.contacts.take())?;
            EventKind::Created(Intake {
                title: f.required("title", |r| r.title.take())?,
                account: f.required("account", |r| r.account.take())?,
                plan: f.required("plan", |r| r.plan.take())?,
                region: f.required("region", |r| r.region.take())?,
                language: f.required("language", |r| r.language.take())?,
                severity: f.required("severity", |r| r.severity.take())?,
                channel: f.required("channel", |r| r.channel.take())?,
                contacts: contacts
                    .iter()
                    .map(|c| contact(c))
                    .collect::<Result<_, _>>()
                    .map_err(|m| (".contacts".to_string(), m))?,
                related: f.required("related", |r| r.related.take())?,
                policy_version: f.required("policy_version", |r| r.policy_version.take())?,
            })
        }
        "phone-contact" => EventKind::PhoneContact {
            note: f.record.note.take(),
        },
        "assigned" => EventKind::Assigned {
            owner: f.required("owner", |r| r.owner.take())?,
        },
        "responded" => EventKind::Responded {
            message: f.record.message.take(),
        },
        "note" => EventKind::Note {
            text: f.required("text", |r| r.text.take())?,
        },
        "info-requested" => EventKind::InfoRequested {
            message: f.record.message.take(),
        },
        "follow-up" => EventKind::FollowUp {
            message: f.record.message.take(),
        },
        "customer-replied" => EventKind::CustomerReplied {
            message: f.record.message.take(),
        },
        "severity-changed" => EventKind::SeverityChanged {
            from: f.required("from", |r| r.from.take())?,
            to: f.required("to", |r| r.to.take())?,
            agreed_by: f.required("agreed_by", |r| r.agreed_by.take())?,
        },
        "fix-requested" => EventKind::FixRequested {
            ticket: f.required("ticket", |r| r.ticket.take())?,
        },
        "fix-available" => EventKind::FixAvailable {
            release: f.required("release", |r| r.release.take())?,
        },
        "closed" => {
            let reason = f.required("reason", |r| r.reason.take())?;
            EventKind::Closed {
                reason: CloseReason::parse(&reason).ok_or_else(|| {
                    (
                        ".reason".to_string(),
                        format!("unknown close reason {reason:?} (allowed: customer-confirmed, no-response)"),
                    )
                })?,
                confirmed_by: f.record.confirmed_by.take(),
                rule: f.record.rule.take(),
            }
        }
        "reopened" => EventKind::Reopened {
            reason: f.record.reason.take(),
        },
        "contact-added" | "contact-removed" => {
            let text = f.required("contact", |r| r.contact.take())?;
            let contact = contact(&text).map_err(|m| (".contact".to_string(), m))?;
            if name == "contact-added" {
                EventKind::ContactAdded { contact }
            } else {
                EventKind::ContactRemoved { contact }
            }
        }
        "escalation-requested" => EventKind::EscalationRequested {
            requester: f.required("requester", |r| r.requester.take())?,
            role: f.required("role", |r| r.role.take())?,
            channel: f.required("channel", |r| r.channel.take())?,
            justification: f.required("justification", |r| r.justification.take())?,
            customer_success_manager: f.record.customer_success_manager.take(),
            customer_manager: f.record.customer_manager.take(),
        },
        "escalation-reviewed" => EventKind::EscalationReviewed {
            note: f.record.note.take(),
        },
        "escalation-accepted" => {
            let manager = f.required("manager", |r| r.manager.take())?;
            let every = f.required("update_every", |r| r.update_every.take())?;
            let update_every = parse_duration(&every)
                .filter(|d| *d > Duration::zero())
                .ok_or_else(|| {
                    (
                        ".update_every".to_string(),
                        format!(
                            "bad duration {every:?} (allowed: a duration such as 90m, 4h or 1d)"
                        ),
                    )
                })?;
            EventKind::EscalationAccepted {
                manager,
                update_every,
            }
        }
        "escalation-declined" => EventKind::EscalationDeclined {
            explanation: f.required("explanation", |r| r.explanation.take())?,
        },
        "escalation-update" => EventKind::EscalationUpdate {
            message: f.required("message", |r| r.message.take())?,
        },
        "escalation-closed" => EventKind::EscalationClosed {
            outcome: f.required("outcome", |r| r.outcome.take())?,
            summary: f.required("summary", |r| r.summary.take())?,
        },
        "de-escalated" => EventKind::DeEscalated {
            reason: f.required("reason", |r| r.reason.take())?,
        },
        "renumbered" => EventKind::Renumbered {
            old_number: f.required("old_number", |r| r.old_number.take())?,
        },
        other => {
            return Err((
                ".event".into(),
                format!(
                    "unknown event {other:?} (allowed: {})",
                    EVENT_NAMES.join(", ")
                ),
            ))
        }
    };
    f.finish()?;
    Ok(Event { at, by, kind })
}

/// Every event name a case file may hold.
pub const EVENT_NAMES: [&str; 23] = [
    "created",
    "phone-contact",
    "assigned",
    "responded",
    "note",
    "info-requested",
    "follow-up",
    "customer-replied",
    "severity-changed",
    "fix-requested",
    "fix-available",
    "closed",
    "reopened",
    "contact-added",
    "contact-removed",
    "escalation-requested",
    "escalation-reviewed",
    "escalation-accepted",
    "escalation-declined",
    "escalation-update",
    "escalation-closed",
    "de-escalated",
    "renumbered",
];

/// Diagnostics for benchmarks and tests: does the fast reader accept `text`,
/// and does it agree with the general parser? `(accepted, agrees)`.
#[doc(hidden)]
pub fn fast_path_agreement(text: &str) -> (bool, bool) {
    let fast = canonical::read(text);
    let general: Option<CaseFile> = serde_yaml::from_str(text).ok();
    (fast.is_some(), fast.is_none() || fast == general)
}

/// An event as a JSON object with the same field names as its YAML form.
pub fn event_json(event: &Event) -> serde_json::Value {
    serde_json::to_value(record_of(event)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Both readers of a text: the fast one (if it accepts) and serde's.
    fn both(text: &str) -> (Option<CaseFile>, Option<CaseFile>) {
        (canonical::read(text), serde_yaml::from_str(text).ok())
    }

    fn case_with(title: &str, message: &str) -> Case {
        let contact = Contact::parse("Jane Doe <jane@acme.example>").unwrap();
        let at = |minute: i64| {
            "2026-11-16T14:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minute)
        };
        let mut case = Case::open(
            1042,
            Event {
                at: at(0),
                by: "Jane Doe".into(),
                kind: EventKind::Created(Intake {
                    title: title.into(),
                    account: "Acme".into(),
                    plan: "plus".into(),
                    region: "emea".into(),
                    language: "en".into(),
                    severity: 2,
                    channel: "community".into(),
                    contacts: vec![contact.clone()],
                    related: vec![1008, 1009],
                    policy_version: "2026.1".into(),
                }),
            },
        )
        .unwrap();
        let kinds = vec![
            EventKind::PhoneContact {
                note: Some(message.into()),
            },
            EventKind::Assigned {
                owner: "alice".into(),
            },
            EventKind::Responded {
                message: Some(message.into()),
            },
            EventKind::Note {
                text: message.into(),
            },
            EventKind::InfoRequested { message: None },
            EventKind::FollowUp {
                message: Some(message.into()),
            },
            EventKind::CustomerReplied {
                message: Some(message.into()),
            },
            EventKind::SeverityChanged {
                from: 2,
                to: 1,
                agreed_by: contact.to_string(),
            },
            EventKind::ContactAdded {
                contact: Contact::parse("Raj <raj@acme.example>").unwrap(),
            },
            EventKind::ContactRemoved {
                contact: Contact::parse("Raj <raj@acme.example>").unwrap(),
            },
            EventKind::EscalationRequested {
                requester: "Jane Doe".into(),
                role: "primary-contact".into(),
                channel: "community".into(),
                justification: message.into(),
                customer_success_manager: Some("Sam".into()),
                customer_manager: None,
            },
            EventKind::EscalationReviewed {
                note: Some(message.into()),
            },
            EventKind::EscalationAccepted {
                manager: "Mona".into(),
                update_every: Duration::hours(4),
            },
            EventKind::EscalationUpdate {
                message: message.into(),
            },
            EventKind::EscalationClosed {
                outcome: "root-cause".into(),
                summary: message.into(),
            },
            EventKind::FixRequested {
                ticket: "DEV-1".into(),
            },
            EventKind::FixAvailable {
                release: "2026.11".into(),
            },
            EventKind::Closed {
                reason: CloseReason::CustomerConfirmed,
                confirmed_by: Some(contact.to_string()),
                rule: None,
            },
            EventKind::Reopened {
                reason: Some(message.into()),
            },
            EventKind::Renumbered { old_number: 1001 },
        ];
        for (minute, kind) in kinds.into_iter().enumerate() {
            case.record(Event {
                at: at(minute as i64 + 1),
                by: "alice".into(),
                kind,
            })
            .unwrap();
        }
        case
    }

    #[test]
    fn the_fast_reader_takes_every_event_kind_and_agrees_with_serde() {
        for (title, message) in [
            ("Search is slow", "Looking into it."),
            ("it's 'quoted'", "two\nlines\n"),
            ("yes", "no trailing newline\nhere"),
            ("123", "  leading spaces"),
            ("a: b # c", "tab\there"),
            ("- dash", "unicode: élan ✓"),
            ("null", "~"),
        ] {
            let text = encode(&case_with(title, message));
            let (fast, general) = both(&text);
            assert_eq!(
                fast.as_ref().or(general.as_ref()),
                general.as_ref(),
                "{text}"
            );
            assert_eq!(decode(&text).unwrap(), case_with(title, message));
        }
        // The common case really takes the fast path.
        assert!(canonical::read(&encode(&case_with(
            "Search is slow",
            "Line one\nline two\n"
        )))
        .is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the strings, a text the fast reader accepts reads the
        /// same with serde, and decoding gives the case back.
        #[test]
        fn fast_reader_agrees_with_serde(title in "\\PC{1,30}", message in "[ -~\n\t'\"#:|>-]{0,40}") {
            let title = title.trim().replace(['\n', '\r'], " ");
            prop_assume!(!title.is_empty());
            let text = encode(&case_with(&title, &message));
            let (fast, general) = both(&text);
            if fast.is_some() {
                prop_assert_eq!(&fast, &general);
            }
            prop_assert_eq!(decode(&text).unwrap(), case_with(&title, &message));
        }

        /// Mutated canonical texts: the fast reader either declines or
        /// agrees with serde.
        #[test]
        fn fast_reader_declines_or_agrees_on_mutations(line in 0usize..60, edit in 0usize..6) {
            let text = encode(&case_with("Search is slow", "Line one\nline two\n"));
            let mut lines: Vec<String> = text.lines().map(String::from).collect();
            let line = line % lines.len();
            match edit {
                0 => { lines.remove(line); }
                1 => { let copy = lines[line].clone(); lines.insert(line, copy); }
                2 => lines[line].insert(0, ' '),
                3 => lines[line].push_str(" # note"),
                4 => lines[line] = lines[line].replace(": ", ":  "),
                _ => lines[line] = lines[line].replace('a', "'"),
            }
            let mutated = lines.join("\n") + "\n";
            let (fast, general) = both(&mutated);
            if fast.is_some() {
                prop_assert_eq!(fast, general);
            }
        }
    }
}
