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
    Case, CaseDefect, CloseReason, Contact, Event, EventKind, Header, PhoneCall, State,
};
use crate::duration::{format_duration, parse_duration};
use crate::source_map::SourceMap;

/// Why a case file could not be decoded, with where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {problem}")]
pub struct DecodeError {
    pub line: usize,
    pub column: usize,
    pub problem: DecodeProblem,
}

/// What is wrong with a case file, as typed facts; its `Display` is the
/// message `check` and every command print after the file and position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeProblem {
    /// A line git left from a merge that stopped.
    #[error("unresolved git conflict marker `{marker}`; resolve the merge (cases merge-file) before using this case")]
    ConflictMarker { marker: &'static str },
    /// A character YAML does not allow in a document.
    #[error("the character {character:?} is not allowed in a case file (control characters must be written escaped, in double quotes)")]
    Unprintable { character: char },
    /// Nesting deeper than [`MAX_NESTING`].
    #[error("the YAML is nested more than {MAX_NESTING} levels deep; a case file needs 4")]
    TooDeep,
    /// A YAML alias, which no case file needs.
    #[error("a YAML alias (*name) is not allowed in a case file: write the value itself")]
    Alias,
    /// The text is not YAML of a case file's structure, as the parser words it.
    #[error("{0}")]
    Syntax(String),
    /// A header or event field (a path such as `history[2].reason`) holds
    /// a value that is not allowed, or is missing.
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    /// The history breaks a lifecycle rule (with how to make it allowed).
    #[error("history[{}]: {}", .0.index, crate::hint::lifecycle(.0))]
    Lifecycle(crate::case::LifecycleError),
    /// Header fields disagree with what the history gives.
    #[error("{0}")]
    HeaderMismatch(CaseDefect),
}

/// Generates, from the header table of [`crate::case::schema`], the file
/// as written ([`CaseFile`]: the header fields in canonical order, then the
/// history) and its conversion from and to a [`Header`].
macro_rules! header_codec {
    ($( $(#[$meta:meta])* $field:ident : $type:ty as $written:ty $([in $group:ident])? ),* $(,)?) => {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct CaseFile {
            $( $field: $written, )*
            history: Vec<EventRecord>,
        }

        impl CaseFile {
            fn new(header: &Header, history: Vec<EventRecord>) -> CaseFile {
                CaseFile {
                    $( $field: HeaderValue::written(&header $(.$group)? .$field), )*
                    history,
                }
            }

            /// Takes the header out of the file; the error is `(path, message)`.
            fn take_header(&mut self) -> Result<Header, FieldError> {
                $( let $field =
                    HeaderValue::read(std::mem::take(&mut self.$field), stringify!($field))?; )*
                Ok(crate::case::schema::build_with_facts!([Header] [] [] $($field $([in $group])?,)*))
            }
        }
    };
}

crate::case::schema::with_header!(header_codec);

/// Generates, from the event table of [`crate::case::schema`], the event
/// as written ([`EventRecord`]: every field any kind may carry, in
/// canonical order), its encoding ([`record_of`]) and its decoding
/// ([`kind_of`], [`foreign_field`]).
macro_rules! event_codec {
    (
        fields { $($written:ident : $written_type:ty),* $(,)? }
        kinds { $(
            $(#[$meta:meta])*
            $variant:ident $(($wrapper:ident))? $name:literal by $roles:ident $(if $unlisted:ident)? {
                $( $(#[$field_meta:meta])* $field:ident : $type:ty $([in $group:ident])? ),* $(,)?
            } => $summary:expr
        ),* $(,)? }
    ) => {
        /// An event as written: every field any kind may carry, in canonical order.
        #[derive(Debug, PartialEq, Serialize, Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct EventRecord {
            at: String,
            event: String,
            by: String,
            $(
                #[serde(skip_serializing_if = "Option::is_none")]
                $written: Option<$written_type>,
            )*
        }

        fn record_of(event: &Event) -> EventRecord {
            let mut record = EventRecord {
                at: format_instant(event.at),
                event: event.kind.name().to_string(),
                by: event.by.clone(),
                ..EventRecord::default()
            };
            match &event.kind {
                $( crate::case::schema::event_pattern!($variant $(($wrapper))? { $($field),* } as whole) => {
                    crate::case::schema::event_bind!(whole, $variant $(($wrapper))? { $($field $([in $group])?),* } => {
                        $( record.$field = FieldValue::encode($field); )*
                    })
                } )*
            }
            record
        }

        /// The kind named by `record.event`, with its fields taken out of `record`.
        fn kind_of(record: &mut EventRecord) -> Result<EventKind, FieldError> {
            match record.event.as_str() {
                $( $name => {
                    $( let $field = take(&record.event, stringify!($field), record.$field.take())?; )*
                    Ok(crate::case::schema::event_build!($variant $(($wrapper))? { $($field $([in $group])?),* }))
                } )*
                other => Err((
                    ".event".into(),
                    format!(
                        "unknown event {other:?} (allowed: {})",
                        EventKind::NAMES.join(", ")
                    ),
                )),
            }
        }

        /// The first field still present in `record` (one its kind does not take).
        fn foreign_field(record: &EventRecord) -> Option<&'static str> {
            $( if record.$written.is_some() {
                return Some(stringify!($written));
            } )*
            None
        }
    };
}

crate::case::schema::with_events!(event_codec);

/// Formats an instant the canonical way: `2026-11-27T14:05:00Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Encodes `case` in canonical form. Serialising plain strings and numbers
/// cannot fail; should it ever, this panics rather than give an empty
/// file. Writers use [`try_encode_parts`], which returns the error.
pub fn encode(case: &Case) -> String {
    encode_parts(case.header(), case.history())
}

/// [`try_encode_parts`] for tests and tools (panics on an error, which
/// cannot happen; see [`encode`]).
pub fn encode_parts(header: &Header, history: &[Event]) -> String {
    try_encode_parts(header, history).expect("a case always serialises")
}

/// Encodes a header and a history in canonical form, whether or not the
/// history replays to that header (a merge conflict keeps every event).
/// Never an empty text: an error is returned instead.
pub fn try_encode_parts(header: &Header, history: &[Event]) -> Result<String, String> {
    let file = CaseFile::new(header, history.iter().map(record_of).collect());
    match serde_yaml::to_string(&file) {
        Ok(text) if !text.is_empty() => Ok(text),
        Ok(_) => Err("the encoder gave an empty text".into()),
        Err(e) => Err(format!("the case cannot be encoded: {e}")),
    }
}

/// Decodes a case file; the error says where and what is wrong.
pub fn decode(text: &str) -> Result<Case, DecodeError> {
    if let Some((line, marker)) = conflict_marker(text) {
        return Err(DecodeError {
            line,
            column: 1,
            problem: DecodeProblem::ConflictMarker { marker },
        });
    }
    if let Some(found) = unprintable(text) {
        return Err(found);
    }
    // Files this tool wrote take the fast path; anything else, the general
    // parser with its precise messages.
    let mut file: CaseFile = match canonical::read(text) {
        Some(file) => file,
        None => {
            check_shape(text)?;
            serde_yaml::from_str(text).map_err(|error| {
                let location = error.location();
                DecodeError {
                    line: location.as_ref().map_or(1, |l| l.line()),
                    column: location.as_ref().map_or(1, |l| l.column()),
                    problem: DecodeProblem::Syntax(error.to_string()),
                }
            })?
        }
    };
    // The place of the node at `path` (1:1 if the text has none).
    let at = |path: &str, problem: DecodeProblem| {
        let location = SourceMap::new(text).locate(path);
        DecodeError {
            line: location.map_or(1, |l| l.line),
            column: location.map_or(1, |l| l.column),
            problem,
        }
    };
    let located = |field: String, message: String| {
        at(&field.clone(), DecodeProblem::Field { field, message })
    };
    let header = file
        .take_header()
        .map_err(|(path, message)| located(path, message))?;
    let history = file
        .history
        .into_iter()
        .enumerate()
        .map(|(i, record)| {
            event_of(record).map_err(|(field, m)| located(format!("history[{i}]{field}"), m))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Case::from_parts(header, history).map_err(|defect| match defect {
        CaseDefect::History(error) => at(
            &format!("history[{}]", error.index),
            DecodeProblem::Lifecycle(error),
        ),
        CaseDefect::HeaderMismatch(ref fields) => {
            let first = fields.first().map_or("number", |(field, ..)| *field);
            at(first, DecodeProblem::HeaderMismatch(defect))
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
    recordable_instant(t).map_err(|why| format!("{}; {why}", bad()))?;
    Ok(t)
}

/// The one rule for an instant a case file can hold, wherever an instant
/// enters (`--now`, `--as-of`, report bounds, event times): whole seconds
/// in years 0000-9999 in UTC, so its canonical form
/// (`2026-11-27T14:05:00Z`) reads back as the same instant, and no leap
/// second (`23:59:60`), which business-time arithmetic cannot place. `t`
/// is before truncation to seconds.
pub fn recordable_instant(t: DateTime<Utc>) -> Result<(), String> {
    if t.timestamp_subsec_nanos() >= 1_000_000_000 {
        return Err("a leap second (:60) is not an instant cases can record".into());
    }
    if !crate::case::in_case_years(t) {
        return Err(format!(
            "{} in UTC is outside the years 0000-9999 a case file can hold",
            t.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    Ok(())
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
                problem: DecodeProblem::Unprintable { character: c },
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
    let at = |location: Location, problem: DecodeProblem| DecodeError {
        line: location.line,
        column: location.column,
        problem,
    };
    check_shape(text, MAX_NESTING, true).map_err(|problem| match problem {
        ShapeProblem::TooDeep(location) => at(location, DecodeProblem::TooDeep),
        ShapeProblem::Alias(location) => at(location, DecodeProblem::Alias),
        ShapeProblem::Syntax(location, message) => at(location, DecodeProblem::Syntax(message)),
    })
}

/// `(path below the event, message)`: the path is empty or `.field`.
type FieldError = (String, String);

/// A field value the model holds, as written in an event (absent when
/// `encode` gives `None`).
trait FieldValue: Sized {
    type Written;
    fn encode(&self) -> Option<Self::Written>;
    /// `Err(None)` when a required field is missing, `Err(Some(message))`
    /// when its written value is not allowed.
    fn decode(written: Option<Self::Written>) -> Result<Self, Option<String>>;
}

/// A field every event of a kind has, written as itself.
macro_rules! required_as_written {
    ($($type:ty),*) => {$(
        impl FieldValue for $type {
            type Written = $type;
            fn encode(&self) -> Option<$type> {
                Some(self.clone())
            }
            fn decode(written: Option<$type>) -> Result<Self, Option<String>> {
                written.ok_or(None)
            }
        }
    )*};
}

required_as_written!(String, u8, u64, Vec<u64>);

impl<T: FieldValue> FieldValue for Option<T> {
    type Written = T::Written;
    fn encode(&self) -> Option<T::Written> {
        self.as_ref().and_then(T::encode)
    }
    fn decode(written: Option<T::Written>) -> Result<Self, Option<String>> {
        written.map(|w| T::decode(Some(w))).transpose()
    }
}

impl FieldValue for Contact {
    type Written = String;
    fn encode(&self) -> Option<String> {
        Some(self.to_string())
    }
    fn decode(written: Option<String>) -> Result<Self, Option<String>> {
        contact(&written.ok_or(None)?).map_err(Some)
    }
}

impl FieldValue for Vec<Contact> {
    type Written = Vec<String>;
    fn encode(&self) -> Option<Vec<String>> {
        Some(self.iter().map(Contact::to_string).collect())
    }
    fn decode(written: Option<Vec<String>>) -> Result<Self, Option<String>> {
        written
            .ok_or(None)?
            .iter()
            .map(|c| contact(c))
            .collect::<Result<_, _>>()
            .map_err(Some)
    }
}

/// A field whose value is one of an enum's names ([`CloseReason`],
/// [`PhoneCall`]); an unknown one is refused with every allowed name.
macro_rules! one_of_names {
    ($($type:ident: $what:literal),*) => {$(
        impl FieldValue for $type {
            type Written = String;
            fn encode(&self) -> Option<String> {
                Some(self.as_str().to_string())
            }
            fn decode(written: Option<String>) -> Result<Self, Option<String>> {
                let text = written.ok_or(None)?;
                $type::parse(&text).ok_or_else(|| {
                    Some(format!("unknown {} {text:?} (allowed: {})", $what, $type::allowed()))
                })
            }
        }
    )*};
}

one_of_names!(CloseReason: "close reason", PhoneCall: "phone call");

/// A positive duration (an escalation's update frequency).
impl FieldValue for Duration {
    type Written = String;
    fn encode(&self) -> Option<String> {
        Some(format_duration(*self))
    }
    fn decode(written: Option<String>) -> Result<Self, Option<String>> {
        let every = written.ok_or(None)?;
        parse_duration(&every)
            .filter(|d| *d > Duration::zero())
            .ok_or_else(|| {
                Some(format!(
                    "bad duration {every:?} (allowed: a duration such as 90m, 4h or 1d)"
                ))
            })
    }
}

/// Decodes the field `field` of an `event` event.
fn take<T: FieldValue>(
    event: &str,
    field: &str,
    written: Option<T::Written>,
) -> Result<T, FieldError> {
    T::decode(written).map_err(|problem| match problem {
        None => (
            String::new(),
            format!("a {event} event needs the field `{field}`"),
        ),
        Some(message) => (format!(".{field}"), message),
    })
}

/// A header value as written; the error of `read` is `(path, message)`.
trait HeaderValue: Sized {
    type Written;
    fn written(&self) -> Self::Written;
    fn read(written: Self::Written, field: &str) -> Result<Self, FieldError>;
}

/// Header values written as themselves.
macro_rules! header_as_written {
    ($($type:ty),*) => {$(
        impl HeaderValue for $type {
            type Written = $type;
            fn written(&self) -> $type {
                self.clone()
            }
            fn read(written: $type, _: &str) -> Result<Self, FieldError> {
                Ok(written)
            }
        }
    )*};
}

header_as_written!(String, u8, u64, Option<String>, Vec<u64>);

impl HeaderValue for State {
    type Written = String;
    fn written(&self) -> String {
        self.as_str().to_string()
    }
    fn read(written: String, field: &str) -> Result<Self, FieldError> {
        State::parse(&written).ok_or_else(|| {
            (
                field.to_string(),
                format!("unknown state {written:?} (allowed: {})", State::allowed()),
            )
        })
    }
}

impl HeaderValue for Vec<Contact> {
    type Written = Vec<String>;
    fn written(&self) -> Vec<String> {
        self.iter().map(Contact::to_string).collect()
    }
    fn read(written: Vec<String>, field: &str) -> Result<Self, FieldError> {
        written
            .iter()
            .enumerate()
            .map(|(i, c)| contact(c).map_err(|m| (format!("{field}[{i}]"), m)))
            .collect()
    }
}

fn event_of(mut record: EventRecord) -> Result<Event, FieldError> {
    let at = instant(&record.at).map_err(|m| (".at".to_string(), m))?;
    if record.by.trim().is_empty() {
        return Err((".by".into(), "the actor must not be empty".into()));
    }
    let kind = kind_of(&mut record)?;
    if let Some(field) = foreign_field(&record) {
        return Err((
            format!(".{field}"),
            format!("a {} event has no field `{field}`", record.event),
        ));
    }
    Ok(Event {
        at,
        by: record.by,
        kind,
    })
}

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
pub(crate) mod tests {
    use super::*;
    use crate::case::{EscalationRequest, Intake};
    use proptest::prelude::*;

    /// Both readers of a text: the fast one (if it accepts) and serde's.
    fn both(text: &str) -> (Option<CaseFile>, Option<CaseFile>) {
        (canonical::read(text), serde_yaml::from_str(text).ok())
    }

    /// A case with every kind of event (a test says so), opened as
    /// `title`, with `message` in every text field.
    pub(crate) fn case_with(title: &str, message: &str) -> Case {
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
                    related: vec![1008, 1009],
                    ..Intake::sample(title)
                }),
            },
        )
        .unwrap();
        let kinds = vec![
            EventKind::PhoneContact {
                call: Some(PhoneCall::Voicemail),
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
            EventKind::EscalationRequested(EscalationRequest {
                requester: "Jane Doe".into(),
                role: "primary-contact".into(),
                channel: "community".into(),
                justification: message.into(),
                resources: Some(message.into()),
                customer_success_manager: Some("Sam".into()),
                customer_manager: None,
            }),
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
                agreed_by: Some(contact.to_string()),
                outcome: "root-cause".into(),
                summary: message.into(),
            },
            EventKind::EscalationRequested(EscalationRequest {
                requester: "Jane Doe".into(),
                role: "primary-contact".into(),
                channel: "phone".into(),
                justification: message.into(),
                resources: None,
                customer_success_manager: None,
                customer_manager: Some("Cam".into()),
            }),
            EventKind::EscalationDeclined {
                explanation: message.into(),
            },
            EventKind::EscalationRequested(EscalationRequest {
                requester: "Jane Doe".into(),
                role: "primary-contact".into(),
                channel: "community".into(),
                justification: message.into(),
                resources: Some(message.into()),
                customer_success_manager: None,
                customer_manager: None,
            }),
            EventKind::EscalationAccepted {
                manager: "Mona".into(),
                update_every: Duration::days(1),
            },
            EventKind::DeEscalated {
                reason: message.into(),
            },
            EventKind::Edited {
                field: "account".into(),
                old_value: "Acme".into(),
                new_value: "Acme Corp".into(),
            },
            EventKind::LabelAdded {
                label: "indexing".into(),
            },
            EventKind::LabelAdded {
                label: "search".into(),
            },
            EventKind::LabelRemoved {
                label: "indexing".into(),
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
        // Every kind of the event table is in the fixture.
        let case = case_with("Search is slow", "Looking into it.");
        let mut written: Vec<&str> = case.history().iter().map(|e| e.kind.name()).collect();
        let mut every = EventKind::NAMES.to_vec();
        written.sort_unstable();
        written.dedup();
        every.sort_unstable();
        assert_eq!(written, every);
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
