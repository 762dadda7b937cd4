//! `cases edit N`: corrects or changes a case's title, account, plan,
//! region or language. Each changed field is one `edited` event (who,
//! when, old value, new value), so `show`, `history` and `git log -p` say
//! what changed; nothing is rewritten. A closed case is refused (reopen it
//! first). A plan or region change re-targets a running response clock
//! like a severity change does (SPEC section 3); a stopped one keeps the
//! plan and region in force when it stopped.

use super::intake::one_line;
use super::lifecycle::{record_all_with, recorded};
use super::policy::of_case;
use super::{CommandError, Context, Outcome};
use crate::case::{EventKind, State};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cases edit 1042 --title \"SharePoint connector drops documents\"
  cases edit 1042 --plan premium            the customer upgraded: clocks re-target
  cases edit 1042 --region emea --language fr")]
pub struct EditArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// The new title.
    #[arg(short, long)]
    pub title: Option<String>,
    /// The new account name.
    #[arg(short, long)]
    pub account: Option<String>,
    /// The new plan (one of the policy's plans).
    #[arg(short, long)]
    pub plan: Option<String>,
    /// The new region (one of the policy's regions).
    #[arg(short, long)]
    pub region: Option<String>,
    /// The new language (one the case's region supports).
    #[arg(short, long)]
    pub language: Option<String>,
}

pub fn cmd_edit(ctx: &mut Context, args: EditArgs) -> Result<Outcome, CommandError> {
    let policies = ctx.policies()?;
    let store = ctx.store()?;
    let mut wanted: Vec<(&str, String)> = Vec::new();
    if let Some(title) = &args.title {
        wanted.push(("title", one_line("--title", title)?));
    }
    if let Some(account) = &args.account {
        wanted.push(("account", one_line("--account", account)?));
    }
    if let Some(plan) = &args.plan {
        wanted.push(("plan", plan.clone()));
    }
    if let Some(region) = &args.region {
        wanted.push(("region", region.clone()));
    }
    if let Some(language) = &args.language {
        wanted.push(("language", one_line("--language", language)?));
    }
    if wanted.is_empty() {
        return Err(CommandError::usage(
            "nothing to edit: give --title, --account, --plan, --region or --language",
        ));
    }
    let number = args.number;
    let mut printed = String::new();
    let case = record_all_with(ctx, &store, number, |case| {
        let header = case.header();
        // The plans and regions of the policy version the case is under.
        let policy = of_case(&policies, case)?;
        if let Some(plan) = &args.plan {
            policy
                .plan_argument("--plan", plan)
                .map_err(CommandError::usage)?;
        }
        if let Some(region) = &args.region {
            policy
                .region_argument("--region", region)
                .map_err(CommandError::usage)?;
        }
        if header.state == State::Closed {
            return Err(CommandError::refused(format!(
                "case {number} is closed; edit is not allowed (reopen it first: cases reopen {number})"
            )));
        }
        // Every field in `wanted` is one of the facts.
        let current = |field: &str| header.facts.get(field).cloned().unwrap_or_default();
        let region_name = wanted
            .iter()
            .find(|(field, _)| *field == "region")
            .map_or_else(|| header.facts.region.clone(), |(_, value)| value.clone());
        let language = wanted
            .iter()
            .find(|(field, _)| *field == "language")
            .map_or_else(|| header.facts.language.clone(), |(_, value)| value.clone());
        if let Some(region) = policy.region(&region_name) {
            if !region.languages.contains(&language) {
                return Err(CommandError::usage(format!(
                    "language {language:?} is not supported in {region_name} (allowed: {}); give --language too",
                    region.languages.join(", ")
                )));
            }
        }
        let events: Vec<EventKind> = wanted
            .iter()
            .filter(|(field, value)| current(field) != *value)
            .map(|(field, value)| EventKind::Edited {
                field: field.to_string(),
                old_value: current(field),
                new_value: value.clone(),
            })
            .collect();
        for event in &events {
            printed.push_str(&format!("case {number}: {}\n", event.summary()));
        }
        if events.is_empty() {
            return Err(CommandError::usage(format!(
                "case {number} already has these values: nothing to edit"
            )));
        }
        Ok(events)
    })?;
    recorded(ctx, &case, &printed)?;
    Ok(Outcome::Success)
}
