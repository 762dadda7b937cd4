//! `cases label N --add indexing --remove analytics`: puts labels on a
//! case and takes them off, one recorded event per label (`label-added`,
//! `label-removed`), so `history` and `git log -p` say who labelled what and
//! when. Labels group cases for a team (product areas); `list`, `queue` and
//! `sla` filter on them (`--label`), `report --by label` counts by them.
//! A closed case may be labelled: reports count closed cases too.

use super::lifecycle::{record_all_with, recorded};
use super::{CommandError, Context, Outcome};
use crate::case::{is_label, EventKind, LABEL_RULE};

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  cases label 1042 --add indexing
  cases label 1042 --add indexing,connectors --remove analytics
  cases list --label indexing          the cases labelled indexing")]
pub struct LabelArgs {
    /// The case number.
    #[arg(value_parser = crate::cli::parse_case_number)]
    pub number: u64,
    /// Labels to put on the case (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...", value_parser = parse_label)]
    pub add: Vec<String>,
    /// Labels to take off the case (comma-separated or repeated).
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...", value_parser = parse_label)]
    pub remove: Vec<String>,
}

/// A label name as an argument: [`LABEL_RULE`], or a one-line usage error.
pub fn parse_label(text: &str) -> Result<String, String> {
    if is_label(text) {
        Ok(text.to_string())
    } else {
        Err(format!("a label is {LABEL_RULE}"))
    }
}

pub fn cmd_label(ctx: &mut Context, args: LabelArgs) -> Result<Outcome, CommandError> {
    if args.add.is_empty() && args.remove.is_empty() {
        return Err(CommandError::usage(
            "nothing to do: give --add LABEL or --remove LABEL",
        ));
    }
    if let Some(both) = args.add.iter().find(|label| args.remove.contains(label)) {
        return Err(CommandError::usage(format!(
            "label {both} is both in --add and in --remove"
        )));
    }
    let store = ctx.store()?;
    let number = args.number;
    let mut message = String::new();
    let case = record_all_with(ctx, &store, number, |case| {
        let labels = case.labels();
        let mut events = Vec::new();
        let mut seen: Vec<&String> = Vec::new();
        for label in &args.add {
            if seen.contains(&label) {
                continue;
            }
            seen.push(label);
            if labels.contains(label) {
                return Err(CommandError::usage(format!(
                    "case {number} already has label {label} (--add)"
                )));
            }
            events.push(EventKind::LabelAdded {
                label: label.clone(),
            });
        }
        for label in &args.remove {
            if seen.contains(&label) {
                continue;
            }
            seen.push(label);
            if !labels.contains(label) {
                let has = if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels.join(", ")
                };
                return Err(CommandError::usage(format!(
                    "case {number} has no label {label} (--remove; its labels: {has})"
                )));
            }
            events.push(EventKind::LabelRemoved {
                label: label.clone(),
            });
        }
        for event in &events {
            message.push_str(&format!("case {number}: {}\n", event.summary()));
        }
        Ok(events)
    })?;
    recorded(ctx, &case, &message)?;
    Ok(Outcome::Success)
}
