//! Lifecycle commands that record one event on one case: `phone`, `respond`.
//! Each reads the case under the store lock, lets the state machine accept
//! or refuse the event (exit 3, nothing written) and writes it back atomically.

use super::{CommandError, Context, Outcome};
use crate::case::{Case, EventKind};
use crate::clock::{self, local_time};
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub struct PhoneArgs {
    /// The case number.
    pub number: u64,
    /// What was said.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct RespondArgs {
    /// The case number.
    pub number: u64,
    /// The response sent to the customer.
    #[arg(long)]
    pub message: Option<String>,
}

/// Records `kind` on case `number` at `ctx.now` by the actor.
pub fn record(
    ctx: &Context,
    store: &Store,
    number: u64,
    kind: EventKind,
) -> Result<Case, CommandError> {
    let by = ctx.actor()?;
    let at = ctx.now;
    let case = store.update_case(number, |case| {
        case.record(crate::case::Event { at, by, kind })
    })??;
    Ok(case)
}

pub fn cmd_phone(ctx: &mut Context, args: PhoneArgs) -> Result<Outcome, CommandError> {
    let policy = ctx.policy()?;
    let store = ctx.store()?;
    let case = record(
        ctx,
        &store,
        args.number,
        EventKind::PhoneContact { note: args.note },
    )?;
    ctx.out
        .push_str(&format!("case {}: phone contact recorded\n", case.number()));
    for reading in clock::clocks(&case, &policy, ctx.now)? {
        if let (Some(started), Some(due)) = (reading.started_at, reading.due_at) {
            if started == ctx.now && reading.stopped_at.is_none() {
                ctx.out.push_str(&format!(
                    "{} clock started; due {}\n",
                    reading.clock.as_str(),
                    local_time(due, reading.time_zone)
                ));
            }
        }
    }
    Ok(Outcome::Success)
}

pub fn cmd_respond(ctx: &mut Context, args: RespondArgs) -> Result<Outcome, CommandError> {
    let policy = ctx.policy()?;
    let store = ctx.store()?;
    let case = record(
        ctx,
        &store,
        args.number,
        EventKind::Responded {
            message: args.message,
        },
    )?;
    ctx.out
        .push_str(&format!("case {}: response recorded\n", case.number()));
    for reading in clock::clocks(&case, &policy, ctx.now)? {
        if reading.stopped_at == Some(ctx.now) {
            ctx.out.push_str(&format!(
                "{} clock stopped: {}\n",
                reading.clock.as_str(),
                reading.status.as_str()
            ));
        }
    }
    Ok(Outcome::Success)
}
