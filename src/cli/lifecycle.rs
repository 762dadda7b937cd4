//! Lifecycle commands that record one event on one case: `assign`,
//! `respond`, `note`, `phone`, `request-info`, `follow-up`, `customer-reply`,
//! `severity`, `fix request|available`, `close`, `reopen`, `contact add|remove`.
//!
//! Each reads the case under the store lock, checks the policy's gates, lets
//! the state machine accept or refuse the event (exit 3, nothing written)
//! and writes the case back atomically.

use chrono::{DateTime, Utc};
use clap::Subcommand;

use super::error::rule_refused;
use super::input;
use super::intake::{non_empty, one_line};
use super::policy::of_case;
use super::{CommandError, Context, Format, Outcome};
use crate::case::{Case, CloseReason, Contact, Event, EventKind, PhoneCall};
use crate::clock::{self, local_time};
use crate::policy::Policy;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct MessageArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// What was said or sent; `-` reads it from standard input; omitted on
    /// a terminal, $VISUAL or $EDITOR opens for it (an empty text aborts).
    #[arg(short, long)]
    pub message: Option<String>,
}

impl MessageArgs {
    /// The message as given: `--message`, standard input for `-`, or the
    /// editor on a terminal (see [`input::optional_text`]).
    fn text(self) -> Result<Option<String>, CommandError> {
        let editor_title = format!("the message for case {}", self.number);
        input::optional_text(self.message, "--message", Some(&editor_title))
    }
}

#[derive(Debug, clap::Args)]
pub struct PhoneArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// Which call: live (the customer called and reached an agent: starts a
    /// severity 1 clock and is the response), voicemail (the customer left
    /// a message: starts a severity 1 clock only), callback (support called
    /// the customer back and they spoke: a response).
    #[arg(long, value_name = "KIND", value_parser = parse_call)]
    pub call: PhoneCall,
    /// What was said; `-` reads it from standard input.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct AssignArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The product specialist who takes ownership.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The note (internal; not sent to the customer); `-` reads it from
    /// standard input; omitted on a terminal, $VISUAL or $EDITOR opens for
    /// it (an empty text aborts).
    #[arg(short, long)]
    pub text: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SeverityArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The new severity: level or name (1/critical ... 4/request).
    pub level: String,
    /// The customer agreed to the change (required by the policy).
    #[arg(long)]
    pub customer_agreed: bool,
    /// Which contact agreed [default: the case's first contact].
    #[arg(long, value_name = "CONTACT")]
    pub agreed_by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum FixCommand {
    /// Development is engaged: the case waits on a fix.
    Request {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// The development ticket reference.
        #[arg(long)]
        ticket: String,
    },
    /// A fix is released: the customer is notified; the case stays open.
    Available {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// The release that carries the fix.
        #[arg(long)]
        release: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The contact who agreed the case can be closed (name or email).
    #[arg(long, value_name = "CONTACT")]
    pub confirmed_by: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ReopenArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// Why the customer asked to reopen; `-` reads it from standard input.
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ContactCommand {
    /// Add a contact to a case.
    Add {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// "Name <email>".
        contact: String,
    },
    /// Remove a contact from a case (a case keeps at least one).
    Remove {
        /// The case number.
        #[arg(value_parser = crate::cli::parse_case_number)]
        number: u64,
        /// The contact's name, email or "Name <email>".
        contact: String,
    },
}

/// Checks, before anything is written, that the policy can evaluate `case`
/// as changed (its clocks, gates and auto-close at `at`): what a command
/// prints after writing, and what every reader computes, cannot then fail.
/// A case the policy cannot evaluate (no target for its plan) is refused
/// with exit 4 and nothing is written, so a retry cannot record twice.
pub(super) fn evaluable(
    case: &Case,
    policy: &Policy,
    at: DateTime<Utc>,
) -> Result<(), CommandError> {
    clock::clocks(case, policy, at)?;
    clock::gates(case, policy, at)?;
    clock::auto_close(case, policy, at)?;
    Ok(())
}

fn parse_call(text: &str) -> Result<PhoneCall, String> {
    PhoneCall::parse(text).ok_or_else(|| format!("allowed: {}", PhoneCall::allowed()))
}

/// True for the clocks a customer-facing contact stops.
fn is_response_clock(reading: &clock::ClockReading) -> bool {
    matches!(
        reading.clock,
        clock::ClockKind::InitialResponse
            | clock::ClockKind::ReopenResponse
            | clock::ClockKind::NextResponse
    )
}

/// Records the event `build` makes from the current case on case `number`
/// at `ctx.now` by the actor; `build` may refuse (exit 3). Everything is
/// checked before the write ([`evaluable`]): a command that records never
/// fails afterwards.
pub fn record_with(
    ctx: &Context,
    store: &Store,
    number: u64,
    build: impl FnOnce(&Case) -> Result<EventKind, CommandError>,
) -> Result<Case, CommandError> {
    record_all_with(ctx, store, number, |case| {
        build(case).map(|kind| vec![kind])
    })
}

/// Like [`record_with`] for several events at once (`cases edit`), all at
/// `ctx.now` in the order given: all are recorded, or none.
pub fn record_all_with(
    ctx: &Context,
    store: &Store,
    number: u64,
    build: impl FnOnce(&Case) -> Result<Vec<EventKind>, CommandError>,
) -> Result<Case, CommandError> {
    let by = ctx.actor()?;
    let at = ctx.now;
    let policies = ctx.policies()?;
    let mut recorded = 0;
    let case = store.update_case(number, |case| {
        if let Some(last) = case.history().last().filter(|last| at < last.at) {
            let tz = of_case(&policies, case)?.time_zone_of(&case.header().facts.region);
            return Err(CommandError::refused(format!(
                "case {number}: {} is before its last event ({} at {}); events are recorded in time order",
                local_time(at, tz),
                last.kind.name(),
                local_time(last.at, tz)
            )));
        }
        let kinds = build(case)?;
        recorded = kinds.len();
        for kind in kinds {
            permitted(ctx, number, &kind, at, of_case(&policies, case)?)?;
            case.record(Event {
                at,
                by: by.clone(),
                kind,
            })
            .map_err(CommandError::from)?;
        }
        evaluable(case, of_case(&policies, case)?, at)
    })??;
    let history = case.history();
    for event in &history[history.len().saturating_sub(recorded)..] {
        ctx.changed(
            store.path_of(number),
            format!("case {number}: {}", event.kind.summary()),
        );
    }
    Ok(case)
}

/// With a roster: the actor's role must allow recording `kind` at `at`,
/// and a case is owned by a product specialist on the team (exit 3).
pub(super) fn permitted(
    ctx: &Context,
    number: u64,
    kind: &EventKind,
    at: DateTime<Utc>,
    policy: &Policy,
) -> Result<(), CommandError> {
    ctx.authorize(kind.name(), at, policy)?;
    if let (EventKind::Assigned { owner }, Some(roster)) = (kind, ctx.roster()?) {
        roster.check_owner(owner, at).map_err(|e| {
            CommandError::refused(format!("case {number} cannot be assigned to {owner}: {e}"))
                .with_hint(super::TEAM_FILE)
        })?;
    }
    Ok(())
}

/// Records `kind` on case `number`.
pub fn record(
    ctx: &Context,
    store: &Store,
    number: u64,
    kind: EventKind,
) -> Result<Case, CommandError> {
    record_with(ctx, store, number, |_| Ok(kind))
}

/// What a command that changed a case prints: with `--format json`, the
/// case as `cases show N --format json` prints it (standard output);
/// otherwise `message` (lines for the person, standard error, unless
/// `--quiet`).
pub fn recorded(ctx: &mut Context, case: &Case, message: &str) -> Result<(), CommandError> {
    if ctx.format() == Format::Json {
        let policies = ctx.policies()?;
        let value = super::read::case_json(case, of_case(&policies, case)?, ctx.now)?;
        ctx.out.push_str(&super::output::json(&value));
    } else {
        ctx.say(message);
    }
    Ok(())
}

/// Records a simple event; returns the case and `case N: <what> (state)`.
fn record_simple(
    ctx: &mut Context,
    number: u64,
    kind: EventKind,
    what: &str,
) -> Result<(Case, String), CommandError> {
    let store = ctx.store()?;
    let case = record(ctx, &store, number, kind)?;
    let message = format!("case {}: {what} ({})\n", case.number(), case.header().state);
    Ok((case, message))
}

pub fn cmd_assign(ctx: &mut Context, args: AssignArgs) -> Result<Outcome, CommandError> {
    let owner = one_line("--to", &args.to)?;
    let what = format!("assigned to {owner}");
    let (case, message) = record_simple(ctx, args.number, EventKind::Assigned { owner }, &what)?;
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_phone(ctx: &mut Context, args: PhoneArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let kind = EventKind::PhoneContact {
        call: Some(args.call),
        note: input::optional_text(args.note, "--note", None)?,
    };
    let what = format!("phone contact recorded ({})", args.call.as_str());
    let (case, mut message) = record_simple(ctx, args.number, kind, &what)?;
    for reading in clock::clocks(&case, of_case(&policies, &case)?, ctx.now)? {
        let name = reading.clock.as_str();
        let started = reading.started_at == Some(ctx.now);
        let stopped = reading.stopped_at == Some(ctx.now) && is_response_clock(&reading);
        match (started, stopped, reading.due_at) {
            (true, false, Some(due)) if reading.stopped_at.is_none() => message.push_str(&format!(
                "{name} clock started; due {}\n",
                local_time(due, reading.time_zone)
            )),
            (true, true, _) => message.push_str(&format!(
                "{name} clock started and stopped: {}\n",
                reading.status.as_str()
            )),
            (false, true, _) => message.push_str(&format!(
                "{name} clock stopped: {}\n",
                reading.status.as_str()
            )),
            _ => {}
        }
    }
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_respond(ctx: &mut Context, args: MessageArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let number = args.number;
    let kind = EventKind::Responded {
        message: args.text()?,
    };
    let (case, mut message) = record_simple(ctx, number, kind, "response recorded")?;
    for reading in clock::clocks(&case, of_case(&policies, &case)?, ctx.now)? {
        if reading.stopped_at == Some(ctx.now) {
            message.push_str(&format!(
                "{} clock stopped: {}\n",
                reading.clock.as_str(),
                reading.status.as_str()
            ));
        }
    }
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_note(ctx: &mut Context, args: NoteArgs) -> Result<Outcome, CommandError> {
    let text = input::required_text(
        args.text,
        "--text",
        Some(&format!("the note for case {}", args.number)),
    )?;
    let (case, message) = record_simple(ctx, args.number, EventKind::Note { text }, "note added")?;
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_request_info(ctx: &mut Context, args: MessageArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let number = args.number;
    let kind = EventKind::InfoRequested {
        message: args.text()?,
    };
    let (case, mut message) = record_simple(ctx, number, kind, "information requested")?;
    let policy = of_case(&policies, &case)?;
    if let Some(plan) = clock::auto_close(&case, policy, ctx.now)? {
        let tz = policy.time_zone_of(&case.header().facts.region);
        if let Some((k, due)) = plan.next_follow_up {
            message.push_str(&format!(
                "follow-up {k} of {} due {}; auto-close at {}\n",
                plan.follow_ups_required,
                local_time(due, tz),
                local_time(plan.autoclose_at, tz)
            ));
        }
    }
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_follow_up(ctx: &mut Context, args: MessageArgs) -> Result<Outcome, CommandError> {
    let number = args.number;
    let kind = EventKind::FollowUp {
        message: args.text()?,
    };
    let (case, message) = record_simple(ctx, number, kind, "follow-up recorded")?;
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_customer_reply(ctx: &mut Context, args: MessageArgs) -> Result<Outcome, CommandError> {
    let number = args.number;
    let kind = EventKind::CustomerReplied {
        message: args.text()?,
    };
    let (case, message) = record_simple(ctx, number, kind, "customer reply recorded")?;
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_severity(ctx: &mut Context, args: SeverityArgs) -> Result<Outcome, CommandError> {
    let policy = ctx.policy()?;
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let rule = policy
        .severity_argument("severity", &args.level)
        .map_err(CommandError::usage)?;
    let to = rule.level;
    let number = args.number;
    if !args.customer_agreed {
        return Err(CommandError::usage(format!(
            "case {number}: a severity change needs the customer's agreement; pass --customer-agreed (and --agreed-by CONTACT)"
        )));
    }
    let case = record_with(ctx, &store, number, |case| {
        if let Err(refusal) = crate::rules::severity_change(case, rule) {
            return Err(rule_refused(refusal, of_case(&policies, case)?));
        }
        let agreed_by = match &args.agreed_by {
            None => case.header().contacts.first().ok_or_else(|| {
                CommandError::refused(format!(
                    "case {number} has no contact to agree to the change; add one first: cases contact add {number} \"Name <email>\""
                ))
            })?.to_string(),
            Some(text) => find_contact(case, text)?.to_string(),
        };
        Ok(EventKind::SeverityChanged {
            from: case.header().severity,
            to,
            agreed_by,
        })
    })?;
    let mut message = format!("case {}: severity {} ({})\n", case.number(), to, rule.name);
    let readings = clock::clocks(&case, of_case(&policies, &case)?, ctx.now)?;
    for (reading, interval) in readings
        .iter()
        .zip(super::read::update_intervals(&readings))
    {
        message.push_str(&format!(
            "{} {}\n",
            super::read::clock_name(reading, interval),
            super::read::describe_clock(reading, ctx.now, ctx.zone())
        ));
    }
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

/// The contact of `case` that `text` names (by name or email), or a refusal
/// listing the contacts.
pub(super) fn find_contact<'a>(case: &'a Case, text: &str) -> Result<&'a Contact, CommandError> {
    case.header()
        .contacts
        .iter()
        .find(|c| c.matches(text))
        .ok_or_else(|| {
            CommandError::refused(format!(
                "{text:?} is not a contact of case {} (contacts: {})",
                case.number(),
                contact_list(case)
            ))
        })
}

/// The contacts of `case`, comma-separated.
fn contact_list(case: &Case) -> String {
    case.header()
        .contacts
        .iter()
        .map(Contact::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn cmd_fix(ctx: &mut Context, command: FixCommand) -> Result<Outcome, CommandError> {
    match command {
        FixCommand::Request { number, ticket } => {
            let ticket = non_empty("--ticket", &ticket)?;
            let what = format!("fix requested ({ticket})");
            let (case, message) =
                record_simple(ctx, number, EventKind::FixRequested { ticket }, &what)?;
            recorded(ctx, &case, &message)?;
        }
        FixCommand::Available { number, release } => {
            let release = non_empty("--release", &release)?;
            let what = format!("fix available in {release}; notify the customer, the case stays open until they agree to close");
            let (case, message) =
                record_simple(ctx, number, EventKind::FixAvailable { release }, &what)?;
            recorded(ctx, &case, &message)?;
        }
    }
    Ok(Outcome::Success)
}

pub fn cmd_close(ctx: &mut Context, args: CloseArgs) -> Result<Outcome, CommandError> {
    let store = ctx.store()?;
    let number = args.number;
    let policies = ctx.policies()?;
    let Some(text) = args.confirmed_by else {
        // A missing option is a usage error (exit 2); the contacts help to fix it.
        let case = store.read(number)?;
        return Err(CommandError::usage(format!(
            "case {number} stays open until the customer agrees to close it; pass --confirmed-by CONTACT (one of: {})",
            contact_list(&case)
        )));
    };
    let case = record_with(ctx, &store, number, |case| {
        let policy = of_case(&policies, case)?;
        crate::rules::close(case).map_err(|refusal| rule_refused(refusal, policy))?;
        let contact = find_contact(case, &text)?;
        Ok(EventKind::Closed {
            reason: CloseReason::CustomerConfirmed,
            confirmed_by: Some(contact.to_string()),
            rule: None,
        })
    })?;
    recorded(
        ctx,
        &case,
        &format!("case {number}: closed (customer-confirmed)\n"),
    )?;
    Ok(Outcome::Success)
}

pub fn cmd_reopen(ctx: &mut Context, args: ReopenArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let number = args.number;
    let now = ctx.now;
    let case = record_with(ctx, &store, number, |case| {
        let policy = of_case(&policies, case)?;
        crate::rules::reopen(case, policy, now).map_err(|refusal| rule_refused(refusal, policy))?;
        Ok(EventKind::Reopened {
            reason: input::optional_text(args.reason, "--reason", None)?,
        })
    })?;
    let owner = case
        .header()
        .owner
        .clone()
        .unwrap_or_else(|| "the queue".into());
    let message = format!(
        "case {number}: reopened ({}, back to {owner})\n",
        case.header().state
    );
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}

pub fn cmd_contact(ctx: &mut Context, command: ContactCommand) -> Result<Outcome, CommandError> {
    let store = ctx.store()?;
    match command {
        ContactCommand::Add { number, contact } => {
            let contact = Contact::parse(&contact).ok_or_else(|| {
                CommandError::usage(format!(
                    "contact {contact:?} is not a contact (allowed: \"Name <email>\")"
                ))
            })?;
            let text = contact.to_string();
            let case = record(ctx, &store, number, EventKind::ContactAdded { contact })?;
            recorded(
                ctx,
                &case,
                &format!("case {number}: contact added: {text}\n"),
            )?;
        }
        ContactCommand::Remove { number, contact } => {
            let case = record_with(ctx, &store, number, |case| {
                let found = find_contact(case, &contact)?.clone();
                Ok(EventKind::ContactRemoved { contact: found })
            })?;
            let message = format!(
                "case {number}: contact removed; contacts: {}\n",
                contact_list(&case)
            );
            recorded(ctx, &case, &message)?;
        }
    }
    Ok(Outcome::Success)
}
