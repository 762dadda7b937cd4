//! The one declaration of a case file's header fields and of every event
//! kind: name, fields with their types, canonical field order and the
//! one-line summary. Everything else follows from these two tables:
//!
//! - [`super::Header`], [`super::EventKind`], [`super::Intake`],
//!   `EventKind::name`, `EventKind::NAMES` and `EventKind::summary` here;
//! - the case file's encoder, decoder and JSON form (`store/codec`), and
//!   its fast reader (`store/codec/canonical.rs`), which expand the same
//!   tables with their own callbacks;
//! - the header checks of [`super::Case::from_parts`].
//!
//! What stays by hand is what means something: the replay rule of each kind
//! (`lifecycle::apply`, a `match` the compiler checks for completeness) and
//! the documentation (SPEC section 5, README).
//!
//! **Adding an event kind:** one line in `kinds` below (with new field names
//! also in `fields`), one arm in `lifecycle::apply`, its description in
//! SPEC section 5 and its branch in the published `schemas/case.schema.json`.
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
            title: String as String,
            account: String as String,
            plan: String as String,
            region: String as String,
            language: String as String,
            severity: u8 as u8,
            state: State as String,
            owner: Option<String> as Option<String>,
            contacts: Vec<Contact> as Vec<String>,
            related: Vec<u64> as Vec<u64>,
            policy_version: String as String,
        }
    };
}

/// Calls `$callback! { fields { ... } kinds { ... } }` with the event table.
///
/// `fields`: every field any event may carry, with its type as written, in
/// the canonical order (an event's fields are written in this order, after
/// `at`, `event` and `by`). `kinds`: each event kind as
/// `Variant "name" { field: ModelType, ... } => summary`, where
/// `Variant(Struct)` puts the fields in a struct of their own; a field of
/// type `Option<_>` may be absent, every other one is required. The model
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
                Created(Intake) "created" {
                    title: String,
                    account: String,
                    plan: String,
                    region: String,
                    language: String,
                    severity: u8,
                    channel: String,
                    contacts: Vec<Contact>,
                    related: Vec<u64>,
                    policy_version: String,
                } => format!("opened: {title} (sev{severity}, {plan}, {region})"),
                /// A phone call: `call` says which kind; absent in a contact
                /// recorded before calls had kinds, which reads as it did
                /// then (it starts a severity 1 clock and responds to nothing).
                PhoneContact "phone-contact" {
                    call: Option<PhoneCall>,
                    note: Option<String>,
                } => format!("phone contact{}", call_suffix(call)),
                Assigned "assigned" {
                    owner: String,
                } => format!("assigned to {owner}"),
                Responded "responded" {
                    message: Option<String>,
                } => "responded".into(),
                Note "note" {
                    text: String,
                } => "note".into(),
                InfoRequested "info-requested" {
                    message: Option<String>,
                } => "information requested".into(),
                FollowUp "follow-up" {
                    message: Option<String>,
                } => "follow-up".into(),
                CustomerReplied "customer-replied" {
                    message: Option<String>,
                } => "customer replied".into(),
                SeverityChanged "severity-changed" {
                    from: u8,
                    to: u8,
                    agreed_by: String,
                } => format!("severity {from} -> {to} (agreed by {agreed_by})"),
                FixRequested "fix-requested" {
                    ticket: String,
                } => format!("fix requested ({ticket})"),
                FixAvailable "fix-available" {
                    release: String,
                } => format!("fix available ({release})"),
                Closed "closed" {
                    reason: CloseReason,
                    confirmed_by: Option<String>,
                    rule: Option<String>,
                } => format!("closed ({})", reason.as_str()),
                Reopened "reopened" {
                    reason: Option<String>,
                } => "reopened".into(),
                ContactAdded "contact-added" {
                    contact: Contact,
                } => format!("contact added: {contact}"),
                ContactRemoved "contact-removed" {
                    contact: Contact,
                } => format!("contact removed: {contact}"),
                EscalationRequested "escalation-requested" {
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
                EscalationReviewed "escalation-reviewed" {
                    note: Option<String>,
                } => "escalation reviewed".into(),
                EscalationAccepted "escalation-accepted" {
                    manager: String,
                    #[serde(with = "seconds")]
                    update_every: Duration,
                } => format!("escalation accepted (manager: {manager})"),
                EscalationDeclined "escalation-declined" {
                    explanation: String,
                } => "escalation declined".into(),
                EscalationUpdate "escalation-update" {
                    message: String,
                } => "escalation update".into(),
                EscalationClosed "escalation-closed" {
                    /// The customer contact who agreed to the closure; absent
                    /// in closures recorded before.
                    agreed_by: Option<String>,
                    outcome: String,
                    summary: String,
                } => format!("escalation closed ({outcome})"),
                DeEscalated "de-escalated" {
                    reason: String,
                } => "de-escalated".into(),
                /// A header fact was corrected (`cases edit`): which, from what, to what.
                Edited "edited" {
                    field: String,
                    old_value: String,
                    new_value: String,
                } => format!("{field} edited: {old_value} -> {new_value}"),
                /// The case was given a new number after two clones opened the same one.
                Renumbered "renumbered" {
                    old_number: u64,
                } => format!("renumbered from {old_number}"),
                /// A label (a team's grouping, such as a product area) was put
                /// on the case (`cases label N --add`).
                LabelAdded "label-added" {
                    label: String,
                } => format!("label added: {label}"),
                /// A label was taken off the case (`cases label N --remove`).
                LabelRemoved "label-removed" {
                    label: String,
                } => format!("label removed: {label}"),
            }
        }
    };
}

/// One event kind's shape, binding (as a pattern) or taking (as an
/// expression) its fields by name: `event_shape!(Created(Intake) { title })`
/// is `EventKind::Created(Intake { title })`, `event_shape!(Note { text })`
/// is `EventKind::Note { text }`.
macro_rules! event_shape {
    ($variant:ident ($wrapper:ident) { $($field:ident),* }) => {
        $crate::case::EventKind::$variant($crate::case::$wrapper { $($field),* })
    };
    ($variant:ident { $($field:ident),* }) => {
        $crate::case::EventKind::$variant { $($field),* }
    };
}

pub(crate) use {event_shape, with_events, with_header};
