//! The one declaration of a case file's header fields and of every event
//! kind: name, fields with their types, canonical field order, the default
//! roles allowed to record it and the one-line summary. Everything else
//! follows from these two tables:
//!
//! - [`super::Header`], [`super::Facts`] (the header fields marked
//!   `[in facts]`: the facts a case is opened with that `cases edit` may
//!   correct, which the header and the opening embed as one field `facts`;
//!   case files write them flat), [`super::EventKind`] and the structs of
//!   the kinds that have one ([`super::Intake`], [`super::EscalationRequest`]);
//! - `EventKind::name`, `NAMES`, `summary`, `DEFAULT_ROLES` and
//!   `MAY_BE_UNLISTED` (the policy's default permissions);
//! - the case file's encoder, decoder and JSON form (`store/codec`), and
//!   its fast reader (`store/codec/canonical.rs`), which expand the same
//!   tables with their own callbacks;
//! - the header checks of [`super::Case::from_parts`].
//!
//! What stays by hand is what means something: the replay rule of each kind
//! (`lifecycle::apply`, a `match` the compiler checks for completeness) and
//! the documentation (SPEC section 5, README).
//!
//! **Adding an event kind:** one line in `kinds` below, `by ROLES if
//! unlisted` (with new field names also in `fields`), one arm in
//! `lifecycle::apply`, its description in SPEC section 5 and its branch in
//! the published `schemas/case.schema.json`; then add it to the every-kind
//! fixture of the codec tests (they say so). README, "Adding an event kind
//! or a field", has the whole list.
//!
//! The tables are read by callback macros (`with_header!(callback)`,
//! `with_events!(callback)`) so that each consumer generates only what it
//! needs, in its own module, without a second list to keep in step.

/// Calls `$callback! { ... }` with the header table: each field of a case
/// file's header, in canonical order, with its type in the model and its
/// type as written (`model as written`).
macro_rules! with_header {
    ($callback:ident) => {
        $callback! {
            /// The case number (also in the file's path).
            number: u64 as u64,
            /// What the customer reported, in a line.
            title: String as String [in facts],
            /// The customer's account (company).
            account: String as String [in facts],
            /// The support plan the account is on (a plan of the policy).
            plan: String as String [in facts],
            /// The region whose business hours the clocks follow.
            region: String as String [in facts],
            /// The language support is given in.
            language: String as String [in facts],
            severity: u8 as u8,
            state: State as String,
            owner: Option<String> as Option<String>,
            contacts: Vec<Contact> as Vec<String>,
            related: Vec<u64> as Vec<u64>,
            policy_version: String as String,
        }
    };
}

/// Who may record an event when the policy says nothing else (the guide's
/// roles; the permissions of SPEC section 7): product specialists and
/// support managers.
pub const SPECIALISTS: &[&str] = &["product-specialist", "support-manager"];

/// Support managers only: they run escalations.
pub const MANAGERS: &[&str] = &["support-manager"];

/// Whoever may ask for an escalation: support, and the customer's managers
/// on the support side.
pub const REQUESTERS: &[&str] = &[
    "product-specialist",
    "support-manager",
    "customer-success-manager",
    "customer-manager",
];

/// Everyone who works on a case, development too (a note).
pub const ANYONE_ON_THE_CASE: &[&str] = &[
    "product-specialist",
    "support-manager",
    "customer-success-manager",
    "customer-manager",
    "development",
];

/// Calls `$callback! { fields { ... } kinds { ... } }` with the event table.
///
/// `fields`: every field any event may carry, with its type as written, in
/// the canonical order (an event's fields are written in this order, after
/// `at`, `event` and `by`). `kinds`: each event kind as
/// `Variant "name" by ROLES { field: ModelType, ... } => summary`, where
/// `Variant(Struct)` puts the fields in a struct of their own; a field of
/// type `Option<_>` may be absent, every other one is required. `ROLES` are
/// the staff roles allowed to record the kind when the policy has no
/// `permissions` table; `by ROLES if unlisted` marks a kind added after
/// permission tables were first written, which a table may leave out (it
/// then has `ROLES`), so that a policy written before it stays valid and
/// means what it meant. Every new kind is `if unlisted`. The model
/// types convert to and from the written types in `store/codec`
/// (`FieldValue`), so a kind names a field with the same written type
/// whichever kind it belongs to.
macro_rules! with_events {
    ($callback:ident) => {
        $callback! {
            fields {
                title: String,
                account: String,
                plan: String,
                region: String,
                language: String,
                severity: u8,
                channel: String,
                contacts: Vec<String>,
                related: Vec<u64>,
                policy_version: String,
                owner: String,
                from: u8,
                to: u8,
                agreed_by: String,
                ticket: String,
                release: String,
                reason: String,
                confirmed_by: String,
                rule: String,
                contact: String,
                requester: String,
                role: String,
                justification: String,
                resources: String,
                customer_success_manager: String,
                customer_manager: String,
                manager: String,
                update_every: String,
                outcome: String,
                summary: String,
                explanation: String,
                message: String,
                text: String,
                call: String,
                note: String,
                old_number: u64,
                field: String,
                old_value: String,
                new_value: String,
                label: String,
            }
            kinds {
                /// The case was opened with these facts.
                Created(Intake) "created" by SPECIALISTS {
                    title: String [in facts],
                    account: String [in facts],
                    plan: String [in facts],
                    region: String [in facts],
                    language: String [in facts],
                    severity: u8,
                    channel: String,
                    contacts: Vec<Contact>,
                    related: Vec<u64>,
                    policy_version: String,
                } => format!("opened: {title} (sev{severity}, {plan}, {region})"),
                /// A phone call: `call` says which kind; absent in a contact
                /// recorded before calls had kinds, which reads as it did
                /// then (it starts a severity 1 clock and responds to nothing).
                PhoneContact "phone-contact" by SPECIALISTS {
                    call: Option<PhoneCall>,
                    note: Option<String>,
                } => format!("phone contact{}", call_suffix(call)),
                Assigned "assigned" by SPECIALISTS {
                    owner: String,
                } => format!("assigned to {owner}"),
                Responded "responded" by SPECIALISTS {
                    message: Option<String>,
                } => "responded".into(),
                Note "note" by ANYONE_ON_THE_CASE {
                    text: String,
                } => "note".into(),
                InfoRequested "info-requested" by SPECIALISTS {
                    message: Option<String>,
                } => "information requested".into(),
                FollowUp "follow-up" by SPECIALISTS {
                    message: Option<String>,
                } => "follow-up".into(),
                CustomerReplied "customer-replied" by SPECIALISTS {
                    message: Option<String>,
                } => "customer replied".into(),
                SeverityChanged "severity-changed" by SPECIALISTS {
                    from: u8,
                    to: u8,
                    agreed_by: String,
                } => format!("severity {from} -> {to} (agreed by {agreed_by})"),
                FixRequested "fix-requested" by SPECIALISTS {
                    ticket: String,
                } => format!("fix requested ({ticket})"),
                FixAvailable "fix-available" by SPECIALISTS {
                    release: String,
                } => format!("fix available ({release})"),
                Closed "closed" by SPECIALISTS {
                    reason: CloseReason,
                    confirmed_by: Option<String>,
                    rule: Option<String>,
                } => format!("closed ({})", reason.as_str()),
                Reopened "reopened" by SPECIALISTS {
                    reason: Option<String>,
                } => "reopened".into(),
                ContactAdded "contact-added" by SPECIALISTS {
                    contact: Contact,
                } => format!("contact added: {contact}"),
                ContactRemoved "contact-removed" by SPECIALISTS {
                    contact: Contact,
                } => format!("contact removed: {contact}"),
                /// An escalation was asked for: who asked, in what role,
                /// through which channel, why, and what the customer commits.
                EscalationRequested(EscalationRequest) "escalation-requested" by REQUESTERS {
                    requester: String,
                    role: String,
                    channel: String,
                    justification: String,
                    /// The internal resources the customer commits (a condition
                    /// of the guide); absent in requests recorded before.
                    resources: Option<String>,
                    /// Support-side stakeholders named on the request.
                    customer_success_manager: Option<String>,
                    customer_manager: Option<String>,
                } => format!("escalation requested by {requester} ({role})"),
                EscalationReviewed "escalation-reviewed" by MANAGERS {
                    note: Option<String>,
                } => "escalation reviewed".into(),
                EscalationAccepted "escalation-accepted" by MANAGERS {
                    manager: String,
                    #[serde(with = "seconds")]
                    update_every: Duration,
                } => format!("escalation accepted (manager: {manager})"),
                EscalationDeclined "escalation-declined" by MANAGERS {
                    explanation: String,
                } => "escalation declined".into(),
                EscalationUpdate "escalation-update" by MANAGERS {
                    message: String,
                } => "escalation update".into(),
                EscalationClosed "escalation-closed" by MANAGERS {
                    /// The customer contact who agreed to the closure; absent
                    /// in closures recorded before.
                    agreed_by: Option<String>,
                    outcome: String,
                    summary: String,
                } => format!("escalation closed ({outcome})"),
                DeEscalated "de-escalated" by MANAGERS {
                    reason: String,
                } => "de-escalated".into(),
                /// A header fact was corrected (`cases edit`): which, from what, to what.
                Edited "edited" by SPECIALISTS if unlisted {
                    field: String,
                    old_value: String,
                    new_value: String,
                } => format!("{field} edited: {old_value} -> {new_value}"),
                /// The case was given a new number after two clones opened the same one.
                Renumbered "renumbered" by SPECIALISTS {
                    old_number: u64,
                } => format!("renumbered from {old_number}"),
                /// A label (a team's grouping, such as a product area) was put
                /// on the case (`cases label N --add`).
                LabelAdded "label-added" by SPECIALISTS if unlisted {
                    label: String,
                } => format!("label added: {label}"),
                /// A label was taken off the case (`cases label N --remove`).
                LabelRemoved "label-removed" by SPECIALISTS if unlisted {
                    label: String,
                } => format!("label removed: {label}"),
            }
        }
    };
}

/// The pattern of one event kind: `event_pattern!(Created(Intake) as w)`
/// is `EventKind::Created(w)` (the kind's struct, bound whole),
/// `event_pattern!(Note { text } as w)` is `EventKind::Note { text }`.
macro_rules! event_pattern {
    ($variant:ident ($wrapper:ident) { $($field:ident),* } as $whole:ident) => {
        $crate::case::EventKind::$variant($whole)
    };
    ($variant:ident { $($field:ident),* } as $whole:ident) => {
        $crate::case::EventKind::$variant { $($field),* }
    };
}

/// `$body` with each field of the kind matched by [`event_pattern`] bound
/// by name (a reference): for a kind with a struct, taken from `$whole`
/// (through its group, `[in facts]`); for any other, already bound.
macro_rules! event_bind {
    ($whole:ident, $variant:ident ($wrapper:ident) { $($field:ident $([in $group:ident])?),* } => $body:expr) => {{
        $( let $field = &$whole $(.$group)? .$field; )*
        $body
    }};
    ($whole:ident, $variant:ident { $($field:ident),* } => $body:expr) => {
        $body
    };
}

/// The event of one kind built from its fields, bound by name:
/// `event_build!(Note { text })` is `EventKind::Note { text }`; a kind with
/// a struct gets the struct, its `[in facts]` fields in its `facts`.
macro_rules! event_build {
    ($variant:ident ($wrapper:ident) { $($field:ident $([in $group:ident])?),* }) => {
        $crate::case::EventKind::$variant($crate::case::schema::build_with_facts!(
            [$crate::case::$wrapper] [] [] $($field $([in $group])?,)*
        ))
    };
    ($variant:ident { $($field:ident),* }) => {
        $crate::case::EventKind::$variant { $($field),* }
    };
}

/// Declares `pub struct $name` with the fields of a table, where the fields
/// marked `[in facts]` are one field `facts: Facts`, at the place of the
/// first of them. Each field is given as `field: Type,` or `field: Type [in facts],`.
macro_rules! struct_with_facts {
    // Done: the struct.
    ([$($attr:tt)*] $name:ident [$($done:tt)*] [$($seen:ident)?]) => {
        $($attr)*
        pub struct $name { $($done)* }
    };
    // The first field of the group: the group's field.
    ([$($attr:tt)*] $name:ident [$($done:tt)*] []
        $(#[$meta:meta])* $field:ident : $type:ty [in facts], $($rest:tt)*) => {
        $crate::case::schema::struct_with_facts!([$($attr)*] $name
            [$($done)* pub facts: $crate::case::Facts,] [facts] $($rest)*);
    };
    // A later field of the group: already there.
    ([$($attr:tt)*] $name:ident [$($done:tt)*] [$seen:ident]
        $(#[$meta:meta])* $field:ident : $type:ty [in facts], $($rest:tt)*) => {
        $crate::case::schema::struct_with_facts!([$($attr)*] $name [$($done)*] [$seen] $($rest)*);
    };
    // A field of its own.
    ([$($attr:tt)*] $name:ident [$($done:tt)*] [$($seen:ident)?]
        $(#[$meta:meta])* $field:ident : $type:ty, $($rest:tt)*) => {
        $crate::case::schema::struct_with_facts!([$($attr)*] $name
            [$($done)* $(#[$meta])* pub $field: $type,] [$($seen)?] $($rest)*);
    };
}

/// The struct `$name` built from fields bound by name (`field` or
/// `field [in facts]`, each followed by a comma), those marked `[in facts]`
/// in its `facts`: `build_with_facts!([Intake] [] [] title [in facts],
/// severity,)` is `Intake { severity, facts: Facts { title } }`.
macro_rules! build_with_facts {
    ([$($name:tt)*] [$($own:ident)*] []) => {
        $($name)* { $($own),* }
    };
    ([$($name:tt)*] [$($own:ident)*] [$($fact:ident)+]) => {
        $($name)* { $($own,)* facts: $crate::case::Facts { $($fact),+ } }
    };
    ([$($name:tt)*] [$($own:ident)*] [$($fact:ident)*] $field:ident [in facts], $($rest:tt)*) => {
        $crate::case::schema::build_with_facts!([$($name)*] [$($own)*] [$($fact)* $field] $($rest)*)
    };
    ([$($name:tt)*] [$($own:ident)*] [$($fact:ident)*] $field:ident, $($rest:tt)*) => {
        $crate::case::schema::build_with_facts!([$($name)*] [$($own)* $field] [$($fact)*] $($rest)*)
    };
}

/// Calls `$callback! { ... }` with the fields of a table marked
/// `[in facts]`, in order, each with its doc comment: the fields of
/// [`super::Facts`], which are so declared once, in the header table.
/// Each field is given as `field: Type,` or `field: Type [in facts],`.
macro_rules! facts_of {
    ($callback:ident [$($done:tt)*]) => {
        $callback! { $($done)* }
    };
    ($callback:ident [$($done:tt)*] $(#[$meta:meta])* $field:ident : $type:ty [in facts], $($rest:tt)*) => {
        $crate::case::schema::facts_of!($callback [$($done)* $(#[$meta])* $field,] $($rest)*);
    };
    ($callback:ident [$($done:tt)*] $(#[$meta:meta])* $field:ident : $type:ty, $($rest:tt)*) => {
        $crate::case::schema::facts_of!($callback [$($done)*] $($rest)*);
    };
}

pub(crate) use {
    build_with_facts, event_bind, event_build, event_pattern, facts_of, struct_with_facts,
    with_events, with_header,
};
