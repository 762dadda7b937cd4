//! The case model: a header of facts and an append-only history of events
//! (SPEC sections 4 and 5).
//!
//! The header is never edited directly: it is what [`lifecycle::replay`] of
//! the history gives. A command builds one [`Event`] and calls
//! [`Case::record`], which runs the state machine and refuses illegal moves
//! before anything is written. Pure: no I/O, no clock.

pub mod lifecycle;
pub(crate) mod schema;

use std::fmt;

use chrono::{DateTime, Duration, Utc};

pub use lifecycle::{
    is_label, replay, EscalationStatus, LifecycleError, Refusal, Remedy, Replayed, LABEL_RULE,
};

/// Declares an enum each of whose variants has one name, written in case
/// files and typed on the command line, so the names are spelled once:
/// `ALL` (in declaration order), `as_str`, `parse`, and `allowed` (every
/// name, comma-separated, for the messages that say what is allowed).
macro_rules! named_variants {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )+ }
    ) => {
        $(#[$meta])*
        pub enum $name { $( $(#[$variant_meta])* $variant, )+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name used in case files and on the command line.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The variant of that name.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|variant| variant.as_str() == text)
            }

            /// Every name, comma-separated: what a message says is allowed.
            pub fn allowed() -> String {
                [$($text),+].join(", ")
            }
        }
    };
}

named_variants! {
    /// A case's place in the lifecycle.
    #[derive(
        Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
    )]
    pub enum State {
        /// Queued, no owner: where every case starts.
        New = "new",
        /// Owned by a product specialist.
        Open = "open",
        WaitingOnCustomer = "waiting-on-customer",
        /// Development is engaged; a product update is pending.
        WaitingOnFix = "waiting-on-fix",
        Closed = "closed",
    }
}

impl State {
    /// True for every state but closed.
    pub fn is_open(self) -> bool {
        self != State::Closed
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A customer contact, written `Name <email>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

impl Contact {
    /// Parses `Name <email>`; the name may not be empty or contain `<`/`>`,
    /// the email needs one `@` with text on both sides.
    pub fn parse(text: &str) -> Option<Contact> {
        let text = text.trim();
        let (name, rest) = text.split_once('<')?;
        let email = rest.strip_suffix('>')?;
        let name = name.trim();
        let valid_email = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && !host.is_empty() && !host.contains('@')
        }) && !email.contains([' ', '<', '>']);
        let valid_name = !name.is_empty() && !name.contains(['<', '>', '\n']);
        (valid_email && valid_name).then(|| Contact {
            name: name.to_string(),
            email: email.to_string(),
        })
    }

    /// True when `text` names this contact by name or email (case-insensitive).
    pub fn matches(&self, text: &str) -> bool {
        let text = text.trim();
        self.name.eq_ignore_ascii_case(text)
            || self.email.eq_ignore_ascii_case(text)
            || Contact::parse(text).is_some_and(|c| c.email.eq_ignore_ascii_case(&self.email))
    }
}

impl fmt::Display for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

named_variants! {
    /// Why a case was closed.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    pub enum CloseReason {
        /// The customer agreed the case can be closed.
        CustomerConfirmed = "customer-confirmed",
        /// Closed by the auto-close rule after unanswered follow-ups.
        NoResponse = "no-response",
    }
}

/// The intake channel of a case logged during a phone call with the
/// customer: its opening records that live call.
pub const PHONE_CHANNEL: &str = "phone";

named_variants! {
    /// Which kind of phone call a phone contact was (SPEC section 4).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
    pub enum PhoneCall {
        /// The customer called and reached an agent (during operation hours a
        /// severity 1 caller does): the call starts a severity 1 clock and is
        /// the response.
        Live = "live",
        /// The customer left a voicemail: it starts a severity 1 clock and
        /// responds to nothing.
        Voicemail = "voicemail",
        /// Support called the customer back and they spoke: a response.
        Callback = "callback",
    }
}

impl PhoneCall {
    /// True when support and the customer spoke (a live call or a
    /// callback): a customer-facing contact, and while the case waits on
    /// the customer, their reply.
    pub fn is_conversation(self) -> bool {
        matches!(self, PhoneCall::Live | PhoneCall::Callback)
    }
}

/// The call of a phone contact, in summaries: ` (voicemail)`; nothing for
/// one recorded before calls had kinds.
fn call_suffix(call: &Option<PhoneCall>) -> String {
    call.map_or(String::new(), |call| format!(" ({})", call.as_str()))
}

/// Durations as whole seconds in the store's binary cache.
mod seconds {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(duration.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let seconds = i64::deserialize(deserializer)?;
        Duration::try_seconds(seconds)
            .ok_or_else(|| serde::de::Error::custom("duration out of range"))
    }
}

/// Generates the model from the event table of [`schema`]: `EventKind`,
/// the struct of a kind that has one (`Intake`, `EscalationRequest`), and
/// `name`, `NAMES`, `summary`, `DEFAULT_ROLES` and `MAY_BE_UNLISTED`.
macro_rules! declare_events {
    (
        fields { $($written:ident : $written_type:ty),* $(,)? }
        kinds { $(
            $(#[$meta:meta])*
            $variant:ident $(($wrapper:ident))? $name:literal by $roles:ident $(if $unlisted:ident)? {
                $( $(#[$field_meta:meta])* $field:ident : $type:ty $([in $group:ident])? ),* $(,)?
            } => $summary:expr
        ),* $(,)? }
    ) => {
        declare_events!(@enum [] $(
            $(#[$meta])* $variant $(($wrapper))? { $( $(#[$field_meta])* $field: $type, )* }
        )*);
        $( declare_events!(@struct [$(#[$meta])*] $($wrapper)? {
            $( $(#[$field_meta])* $field: $type $([in $group])?, )*
        }); )*

        impl EventKind {
            /// Every event name a case file may hold, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name),*];

            /// Each event name with the staff roles allowed to record it
            /// when the policy has no `permissions` table.
            pub const DEFAULT_ROLES: &'static [(&'static str, &'static [&'static str])] =
                &[$(($name, schema::$roles)),*];

            /// The event names a policy's `permissions` table may leave out
            /// (they were added after such tables were first written); one
            /// left out has its [`EventKind::DEFAULT_ROLES`].
            pub const MAY_BE_UNLISTED: &'static [&'static str] =
                &[$($( declare_events!(@$unlisted $name), )?)*];

            /// The event's name as written in case files (`escalation-accepted`).
            #[allow(unused_variables)]
            pub fn name(&self) -> &'static str {
                match self {
                    $( schema::event_pattern!($variant $(($wrapper))? { $($field),* } as whole) => $name, )*
                }
            }

            /// One line for a commit message or a log: `escalation accepted (manager: Mona)`.
            #[allow(unused_variables)]
            pub fn summary(&self) -> String {
                match self {
                    $( schema::event_pattern!($variant $(($wrapper))? { $($field),* } as whole) => schema::event_bind!(
                        whole, $variant $(($wrapper))? { $($field $([in $group])?),* } => $summary
                    ), )*
                }
            }
        }
    };
    (@unlisted $name:literal) => { $name };
    (@enum [$($done:tt)*]) => {
        /// What happened, with the fields of that kind of event.
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum EventKind { $($done)* }
    };
    (@enum [$($done:tt)*] $(#[$meta:meta])* $variant:ident ($wrapper:ident) { $($fields:tt)* } $($rest:tt)*) => {
        declare_events!(@enum [$($done)* $(#[$meta])* $variant($wrapper),] $($rest)*);
    };
    (@enum [$($done:tt)*] $(#[$meta:meta])* $variant:ident { $($fields:tt)* } $($rest:tt)*) => {
        declare_events!(@enum [$($done)* $(#[$meta])* $variant { $($fields)* },] $($rest)*);
    };
    (@struct [$(#[$meta:meta])*] $wrapper:ident { $($fields:tt)* }) => {
        schema::struct_with_facts!([
            $(#[$meta])*
            #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        ] $wrapper [] [] $($fields)*);
    };
    (@struct [$(#[$meta:meta])*] { $($fields:tt)* }) => {};
}

schema::with_events!(declare_events);

#[cfg(test)]
impl Intake {
    /// An opening for unit tests: `title`, severity 2 on the plus plan in
    /// emea, in English, through the community, with one contact (Jane Doe)
    /// and nothing related, under policy 2026.1.
    pub(crate) fn sample(title: &str) -> Intake {
        Intake {
            facts: Facts {
                title: title.into(),
                account: "Acme".into(),
                plan: "plus".into(),
                region: "emea".into(),
                language: "en".into(),
            },
            severity: 2,
            channel: "community".into(),
            contacts: vec![Contact::parse("Jane Doe <jane@acme.example>").unwrap()],
            related: vec![],
            policy_version: "2026.1".into(),
        }
    }
}

/// One entry of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// When it happened (whole seconds, UTC).
    #[serde(with = "chrono::serde::ts_seconds")]
    pub at: DateTime<Utc>,
    /// Who recorded it.
    pub by: String,
    pub kind: EventKind,
}

/// Generates [`Header`] and the comparison of a stored header with the
/// replayed one from the header table of [`schema`].
macro_rules! declare_header {
    ($( $(#[$meta:meta])* $field:ident : $type:ty as $written:ty $([in $group:ident])? ),* $(,)?) => {
        schema::struct_with_facts!([
            /// The header fields of a case: exactly what replaying its history gives.
            #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        ] Header [] [] $( $(#[$meta])* $field: $type $([in $group])?, )*);
        schema::facts_of!(declare_facts [] $( $(#[$meta])* $field: $type $([in $group])?, )*);

        /// The fields of `stored` that differ from `replayed`: `(field, stored, replayed)`.
        fn header_mismatches(stored: &Header, replayed: &Header) -> Vec<(&'static str, String, String)> {
            let mut out = Vec::new();
            $( if stored $(.$group)? .$field != replayed $(.$group)? .$field {
                out.push((
                    stringify!($field),
                    stored $(.$group)? .$field.shown(),
                    replayed $(.$group)? .$field.shown(),
                ));
            } )*
            out
        }
    };
}

/// Generates [`Facts`] from the fields of the header table marked
/// `[in facts]` (through `schema::facts_of!`), in their order there.
macro_rules! declare_facts {
    ($( $(#[$meta:meta])* $field:ident ),* $(,)?) => {
        /// The facts a case is opened with that `cases edit` may correct
        /// later (an `edited` event): all text, embedded in the [`Header`]
        /// and in the opening [`Intake`]. The severity has its own event (it
        /// needs the customer's agreement), the owner `assigned`, the
        /// contacts `contact-added`/`contact-removed`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub struct Facts { $( $(#[$meta])* pub $field: String, )* }

        impl Facts {
            /// The name of every fact, in canonical order.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),*];

            /// The fact named `name`; `None` for a name that is not a fact.
            pub fn get(&self, name: &str) -> Option<&String> {
                match name {
                    $( stringify!($field) => Some(&self.$field), )*
                    _ => None,
                }
            }

            /// [`Facts::get`], to change it.
            pub fn get_mut(&mut self, name: &str) -> Option<&mut String> {
                match name {
                    $( stringify!($field) => Some(&mut self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

schema::with_header!(declare_header);

/// A header value as a mismatch message shows it.
trait Shown {
    fn shown(&self) -> String;
}

impl Shown for String {
    fn shown(&self) -> String {
        self.clone()
    }
}

impl Shown for u8 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for u64 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for State {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for Option<String> {
    fn shown(&self) -> String {
        self.clone().unwrap_or_else(|| "(none)".into())
    }
}

impl Shown for Vec<Contact> {
    fn shown(&self) -> String {
        let texts: Vec<String> = self.iter().map(Contact::to_string).collect();
        format!("[{}]", texts.join(", "))
    }
}

impl Shown for Vec<u64> {
    fn shown(&self) -> String {
        format!("{self:?}")
    }
}

/// A case: its header and its history. Constructed by [`Case::open`] or
/// [`Case::from_parts`], both of which guarantee the header matches the
/// history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    header: Header,
    history: Vec<Event>,
}

impl Case {
    /// A new case numbered `number`, opened by `event` (a `created` event).
    pub fn open(number: u64, event: Event) -> Result<Case, LifecycleError> {
        let history = vec![event];
        let replayed = replay(number, &history)?;
        Ok(Case {
            header: replayed.header,
            history,
        })
    }

    /// A case from a stored header and history; fails when the history is
    /// illegal or the header is not what it replays to (the differing fields
    /// are named).
    pub fn from_parts(header: Header, history: Vec<Event>) -> Result<Case, CaseDefect> {
        let replayed = replay(header.number, &history).map_err(CaseDefect::History)?;
        let mismatches = header_mismatches(&header, &replayed.header);
        if !mismatches.is_empty() {
            return Err(CaseDefect::HeaderMismatch(mismatches));
        }
        Ok(Case { header, history })
    }

    /// A case whose header is known to be what its history replays to:
    /// just replayed (a merge), or verified by [`Case::from_parts`] when it
    /// was put in the store's scan cache.
    pub(crate) fn from_verified(header: Header, history: Vec<Event>) -> Case {
        Case { header, history }
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn history(&self) -> &[Event] {
        &self.history
    }

    pub fn number(&self) -> u64 {
        self.header.number
    }

    /// When the case was opened (its `created` event).
    pub fn opened_at(&self) -> DateTime<Utc> {
        self.history[0].at
    }

    /// The facts the case was opened with (its `created` event), before
    /// any edit.
    pub fn opening_facts(&self) -> &Facts {
        match &self.history[0].kind {
            EventKind::Created(intake) => &intake.facts,
            // A case's history opens with `created` (checked on construction).
            _ => &self.header.facts,
        }
    }

    /// The case's labels, sorted (`cases label`).
    pub fn labels(&self) -> Vec<String> {
        self.replayed().labels
    }

    /// The lifecycle facts of the current history.
    pub fn replayed(&self) -> Replayed {
        // The history was checked on construction, so replay succeeds.
        replay(self.header.number, &self.history)
            .unwrap_or_else(|_| Replayed::from_header(&self.header))
    }

    /// The case as it stood at `instant`: only the events recorded at or
    /// before it; `None` when it was opened later.
    pub fn as_of(&self, instant: DateTime<Utc>) -> Option<Case> {
        self.view_as_of(instant).map(std::borrow::Cow::into_owned)
    }

    /// [`Case::as_of`] without copying when nothing happened after `instant`
    /// (the common case when computing clocks at the present).
    pub fn view_as_of(&self, instant: DateTime<Utc>) -> Option<std::borrow::Cow<'_, Case>> {
        if self.history.last().is_some_and(|last| last.at <= instant) {
            return Some(std::borrow::Cow::Borrowed(self));
        }
        let history = history_as_of(&self.history, instant).to_vec();
        let replayed = replay(self.header.number, &history).ok()?;
        Some(std::borrow::Cow::Owned(Case {
            header: replayed.header,
            history,
        }))
    }

    /// Appends `event` if the lifecycle allows it; on refusal the case is unchanged.
    pub fn record(&mut self, event: Event) -> Result<(), LifecycleError> {
        let mut history = self.history.clone();
        history.push(event);
        let replayed = replay(self.header.number, &history)?;
        self.history = history;
        self.header = replayed.header;
        Ok(())
    }
}

/// The years (in UTC) an instant of a case falls in: a case file writes
/// each instant as `YYYY-MM-DDTHH:MM:SSZ` (the whole rule, with whole
/// seconds and no leap second, is `store::codec::recordable_instant`).
pub const CASE_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// True for an instant in [`CASE_YEARS`].
pub fn in_case_years(t: DateTime<Utc>) -> bool {
    use chrono::Datelike;
    CASE_YEARS.contains(&t.year())
}

/// The events of `history` recorded at or before `instant`.
pub fn history_as_of(history: &[Event], instant: DateTime<Utc>) -> &[Event] {
    let end = history.partition_point(|event| event.at <= instant);
    &history[..end]
}

/// The severity in force at `instant`: the last change at or before it.
pub fn severity_at(history: &[Event], instant: DateTime<Utc>) -> Option<u8> {
    severity_after(history_as_of(history, instant))
}

/// The severity `events` leave in force: the last change among them, or
/// the opening severity; `None` when they hold neither.
pub fn severity_after(events: &[Event]) -> Option<u8> {
    events.iter().rev().find_map(|event| match &event.kind {
        EventKind::SeverityChanged { to, .. } => Some(*to),
        EventKind::Created(intake) => Some(intake.severity),
        _ => None,
    })
}

/// Why a stored case cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseDefect {
    /// The history breaks a lifecycle rule.
    #[error("history: {0}")]
    History(LifecycleError),
    /// Header fields that disagree with the history: `(field, stored, replayed)`.
    #[error("header disagrees with its history: {}", mismatch_text(.0))]
    HeaderMismatch(Vec<(&'static str, String, String)>),
}

fn mismatch_text(fields: &[(&'static str, String, String)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(field, stored, replayed)| {
            format!("{field} is {stored} but the history gives {replayed}")
        })
        .collect();
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_parse_name_and_email() {
        let contact = Contact::parse("Jane Doe <jane@acme.example>").unwrap();
        assert_eq!(contact.name, "Jane Doe");
        assert_eq!(contact.email, "jane@acme.example");
        assert_eq!(contact.to_string(), "Jane Doe <jane@acme.example>");
        assert!(contact.matches("JANE@acme.example"));
        assert!(contact.matches("jane doe"));
        for bad in [
            "jane@acme.example",
            "Jane <jane>",
            "<jane@x.y>",
            "Jane <a@b@c>",
            "Jane <j@x.y",
        ] {
            assert_eq!(Contact::parse(bad), None, "{bad}");
        }
    }
}
