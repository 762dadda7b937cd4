//! The filters, sort orders and limits that `list`, `queue` and `sla`
//! share, so that `--state new,open --owner me --grep sharepoint --sort
//! opened --limit 5` means the same on all three.
//!
//! A filter is checked against a case's header first ([`Filter::keeps_header`]),
//! which a scan has without decoding the history; only `--escalated` and
//! `--grep` need the history ([`Filter::needs_history`], then
//! [`Filter::keeps_case`]), and only when they are given.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use clap::ValueEnum;
use serde_json::Value;

use super::report::{parse_bound_end, parse_bound_start};
use super::{CommandError, Context};
use crate::case::{Case, Header, State};
use crate::policy::Policy;

/// Which cases a listing keeps. Every option takes comma-separated values
/// (`--state new,open`), and a case is kept when it matches one value of
/// every option given.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Filters")]
pub struct CaseFilter {
    /// Only cases in these states: new, open, waiting-on-customer, waiting-on-fix, closed.
    #[arg(short, long, value_delimiter = ',', value_parser = parse_state, value_name = "STATE,...")]
    pub state: Vec<State>,
    /// Only cases that are not closed (the same as every state but closed).
    #[arg(long, conflicts_with = "state")]
    pub open: bool,
    /// Only cases of these severities (levels or names: 1,2 or critical,major).
    #[arg(long, value_delimiter = ',', value_name = "LEVEL,...")]
    pub severity: Vec<String>,
    /// Only cases on these plans.
    #[arg(short, long, value_delimiter = ',', value_name = "PLAN,...")]
    pub plan: Vec<String>,
    /// Only cases of these regions.
    #[arg(short, long, value_delimiter = ',', value_name = "REGION,...")]
    pub region: Vec<String>,
    /// Only cases owned by these people: "me" is the actor, "none" the unowned cases.
    #[arg(short, long, value_delimiter = ',', value_name = "NAME,...")]
    pub owner: Vec<String>,
    /// Only cases of these accounts (case-insensitive, whole name).
    #[arg(short, long, value_delimiter = ',', value_name = "ACCOUNT,...")]
    pub account: Vec<String>,
    /// Only cases with one of these labels (cases label), "none" the unlabelled cases.
    #[arg(short, long, value_delimiter = ',', value_name = "LABEL,...", value_parser = parse_label_filter)]
    pub label: Vec<String>,
    /// Only escalated cases: an escalation accepted and not yet ended (a
    /// request not yet accepted does not count).
    #[arg(long)]
    pub escalated: bool,
    /// Only cases whose title, account or history text contains TEXT (case-insensitive).
    #[arg(short, long, value_name = "TEXT")]
    pub grep: Option<String>,
    /// Only cases opened at or after this date (from its 00:00 UTC) or RFC 3339 instant.
    #[arg(long, value_name = "DATE", value_parser = parse_bound_start)]
    pub opened_since: Option<DateTime<Utc>>,
    /// Only cases opened before the end of this date (UTC) or before this RFC 3339 instant.
    #[arg(long, value_name = "DATE", value_parser = parse_bound_end)]
    pub opened_until: Option<DateTime<Utc>>,
}

/// How a listing is ordered and cut.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Order")]
pub struct Order {
    /// Sort by this field instead of the command's own order (ties keep it).
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<SortField>,
    /// Reverse the sort order (latest, highest or last first).
    #[arg(long)]
    pub reverse: bool,
    /// Print at most N rows (after sorting).
    #[arg(short = 'n', long, value_name = "N")]
    pub limit: Option<usize>,
}

/// What `--sort` can order by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortField {
    /// The case number.
    Number,
    /// When the case was opened.
    Opened,
    /// Severity, most severe first.
    Severity,
    /// Lifecycle state (new, open, waiting-on-customer, waiting-on-fix, closed).
    State,
    Plan,
    Region,
    /// The owner's name (unowned last).
    Owner,
    /// The account's name (case-insensitive).
    Account,
    /// The title (case-insensitive).
    Title,
    /// The due time (clocks without one last); `queue` and `sla` only.
    Due,
    /// The clock's status; `sla` only.
    Status,
}

impl SortField {
    /// What any case row can be ordered by (`list`: a listing has no
    /// clocks), in the order `--sort` errors list them.
    pub const OF_A_CASE: [SortField; 9] = [
        SortField::Number,
        SortField::Opened,
        SortField::Severity,
        SortField::State,
        SortField::Plan,
        SortField::Region,
        SortField::Owner,
        SortField::Account,
        SortField::Title,
    ];

    /// What a row of clocks can be ordered by (`sla`): its due time, what
    /// any case row can, and its status.
    pub fn of_clocks() -> Vec<SortField> {
        std::iter::once(SortField::Due)
            .chain(SortField::OF_A_CASE)
            .chain(std::iter::once(SortField::Status))
            .collect()
    }

    /// What the queue can be ordered by: what any case row can but the
    /// state and owner (every queued case is new and unowned), and the due
    /// time of its response.
    pub fn of_the_queue() -> Vec<SortField> {
        SortField::OF_A_CASE
            .into_iter()
            .filter(|field| !matches!(field, SortField::State | SortField::Owner))
            .chain(std::iter::once(SortField::Due))
            .collect()
    }

    fn name(self) -> String {
        self.to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }
}

/// A `--label` value: a label name, or `none`.
fn parse_label_filter(text: &str) -> Result<String, String> {
    if text == "none" {
        Ok(text.to_string())
    } else {
        super::label::parse_label(text)
    }
}

fn parse_state(text: &str) -> Result<State, String> {
    State::parse(text).ok_or_else(|| format!("allowed: {}", State::allowed()))
}

/// A [`CaseFilter`] checked against the policy, with `me` resolved.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    states: Vec<State>,
    open: bool,
    severities: Vec<u8>,
    plans: Vec<String>,
    regions: Vec<String>,
    /// `None` stands for the unowned cases.
    owners: Vec<Option<String>>,
    /// Lower-cased.
    accounts: Vec<String>,
    /// Labels, "none" for the unlabelled cases.
    labels: Vec<String>,
    escalated: bool,
    /// Lower-cased.
    grep: Option<String>,
    opened_since: Option<DateTime<Utc>>,
    opened_until: Option<DateTime<Utc>>,
}

impl CaseFilter {
    /// Checks every value against the policy (a usage error names the
    /// option and what is allowed) and resolves `--owner me` to the actor.
    pub fn resolve(&self, ctx: &Context, policy: &Policy) -> Result<Filter, CommandError> {
        let mut severities = Vec::new();
        for text in &self.severity {
            let level = policy
                .severity_argument("--severity", text.trim())
                .map_err(CommandError::usage)?
                .level;
            severities.push(level);
        }
        for plan in &self.plan {
            policy
                .plan_argument("--plan", plan)
                .map_err(CommandError::usage)?;
        }
        for region in &self.region {
            policy
                .region_argument("--region", region)
                .map_err(CommandError::usage)?;
        }
        let mut owners = Vec::new();
        for owner in &self.owner {
            owners.push(match owner.trim() {
                "none" => None,
                "me" => Some(ctx.actor()?),
                name => Some(name.to_string()),
            });
        }
        if let (Some(since), Some(until)) = (self.opened_since, self.opened_until) {
            if since >= until {
                return Err(CommandError::usage(format!(
                    "--opened-since {} is not before --opened-until {}",
                    crate::store::format_instant(since),
                    crate::store::format_instant(until)
                )));
            }
        }
        let grep = match self.grep.as_deref().map(str::trim) {
            Some("") => return Err(CommandError::usage("--grep needs some text to look for")),
            other => other.map(str::to_lowercase),
        };
        Ok(Filter {
            states: self.state.clone(),
            open: self.open,
            severities,
            plans: self.plan.clone(),
            regions: self.region.clone(),
            owners,
            accounts: self.account.iter().map(|a| a.to_lowercase()).collect(),
            labels: self.label.clone(),
            escalated: self.escalated,
            grep,
            opened_since: self.opened_since,
            opened_until: self.opened_until,
        })
    }
}

/// True when `values` is empty (no such option) or holds `value`.
fn any_of<T: PartialEq>(values: &[T], value: &T) -> bool {
    values.is_empty() || values.contains(value)
}

impl Filter {
    /// Whether the case passes every filter its header can decide.
    pub fn keeps_header(&self, header: &Header, opened_at: DateTime<Utc>) -> bool {
        any_of(&self.states, &header.state)
            && (!self.open || header.state.is_open())
            && any_of(&self.severities, &header.severity)
            && any_of(&self.plans, &header.facts.plan)
            && any_of(&self.regions, &header.facts.region)
            && any_of(&self.owners, &header.owner)
            && (self.accounts.is_empty()
                || self.accounts.contains(&header.facts.account.to_lowercase()))
            && self.opened_since.is_none_or(|since| opened_at >= since)
            && self.opened_until.is_none_or(|until| opened_at < until)
    }

    /// Whether a case with these labels passes `--label` (a scan has them
    /// without decoding the history; [`Filter::keeps_case`] checks them too).
    pub fn keeps_labels(&self, labels: &[String]) -> bool {
        self.labels.is_empty()
            || self.labels.iter().any(|wanted| {
                if wanted == "none" {
                    labels.is_empty()
                } else {
                    labels.contains(wanted)
                }
            })
    }

    /// Whether [`Filter::keeps_case`] must see the history.
    pub fn needs_history(&self) -> bool {
        self.escalated || self.grep.is_some()
    }

    /// Whether the case passes the filters that need its history (call it
    /// after [`Filter::keeps_header`]).
    pub fn keeps_case(&self, case: &Case) -> bool {
        let replayed = case.replayed();
        (!self.escalated || replayed.is_escalated())
            && self.keeps_labels(&replayed.labels)
            && self
                .grep
                .as_deref()
                .is_none_or(|needle| mentions(case, needle))
    }
}

/// Whether the case's title, account or any text of its history contains
/// `needle` (already lower-cased).
fn mentions(case: &Case, needle: &str) -> bool {
    let header = case.header();
    let found = |text: &str| text.to_lowercase().contains(needle);
    if found(&header.facts.title) || found(&header.facts.account) {
        return true;
    }
    case.history().iter().any(|event| {
        let Value::Object(fields) = crate::store::event_json(event) else {
            return false;
        };
        fields
            .iter()
            .filter(|(key, _)| !["at", "event"].contains(&key.as_str()))
            .any(|(_, value)| value_mentions(value, &found))
    })
}

fn value_mentions(value: &Value, found: &dyn Fn(&str) -> bool) -> bool {
    match value {
        Value::String(text) => found(text),
        Value::Array(items) => items.iter().any(|v| value_mentions(v, found)),
        Value::Object(fields) => fields.values().any(|v| value_mentions(v, found)),
        _ => false,
    }
}

/// What a sort compares of one row.
pub struct SortView<'a> {
    pub header: &'a Header,
    pub opened_at: DateTime<Utc>,
    /// The row's due time (`queue`, `sla`).
    pub due_at: Option<DateTime<Utc>>,
    /// The row's status as printed (`sla`).
    pub status: Option<&'a str>,
}

impl Order {
    /// True when `--sort` names one of `fields`.
    pub fn sorts_by(&self, fields: &[SortField]) -> bool {
        self.sort.is_some_and(|sort| fields.contains(&sort))
    }

    /// Sorts `rows` (already in the command's own order, which breaks ties)
    /// by `--sort`, reversed with `--reverse`, and keeps the first
    /// `--limit`. `allowed` are the fields this command can sort by.
    pub fn apply<T>(
        &self,
        rows: &mut Vec<T>,
        allowed: &[SortField],
        view: impl Fn(&T) -> SortView<'_>,
    ) -> Result<(), CommandError> {
        if let Some(field) = self.allowed_sort(allowed)? {
            rows.sort_by(|a, b| {
                let ordering = compare(field, &view(a), &view(b));
                if self.reverse {
                    ordering.reverse()
                } else {
                    ordering
                }
            });
        } else if self.reverse {
            rows.reverse();
        }
        if let Some(limit) = self.limit {
            rows.truncate(limit);
        }
        Ok(())
    }

    /// The `--sort` field, when this command (sorting by `allowed`) has it.
    fn allowed_sort(&self, allowed: &[SortField]) -> Result<Option<SortField>, CommandError> {
        match self.sort {
            Some(field) if !allowed.contains(&field) => {
                let names: Vec<String> = allowed.iter().map(|f| f.name()).collect();
                Err(CommandError::usage(format!(
                    "--sort {} is not available here (allowed: {})",
                    field.name(),
                    names.join(", ")
                )))
            }
            field => Ok(field),
        }
    }

    /// The order [`Order::apply`] gives, as a comparison of two rows, for
    /// rows sorted as they are gathered (an external sort): `own` is the
    /// command's own order, which must be total (ending with the case
    /// number and the row's place in its case), so that it stands for the
    /// order the rows were read in. `--sort` compares first, reversed with
    /// `--reverse`, and ties keep `own`; `--reverse` alone reverses `own`.
    /// `--limit` is the reader's: [`Order::limit`].
    pub fn comparison<T>(
        &self,
        allowed: &[SortField],
        view: impl Fn(&T) -> SortView<'_> + Sync,
        own: impl Fn(&T, &T) -> Ordering + Sync,
    ) -> Result<impl Fn(&T, &T) -> Ordering + Sync, CommandError> {
        let field = self.allowed_sort(allowed)?;
        let reverse = self.reverse;
        Ok(move |a: &T, b: &T| match field {
            Some(field) => {
                let ordering = compare(field, &view(a), &view(b));
                if reverse {
                    ordering.reverse()
                } else {
                    ordering
                }
                .then_with(|| own(a, b))
            }
            None if reverse => own(b, a),
            None => own(a, b),
        })
    }

    /// How many rows to print: `--limit`, or all.
    pub fn limit(&self) -> usize {
        self.limit.unwrap_or(usize::MAX)
    }
}

/// Rows without a value (no owner, no due time) sort last.
fn compare(field: SortField, a: &SortView<'_>, b: &SortView<'_>) -> Ordering {
    fn last_if_none<T: Ord>(a: Option<T>, b: Option<T>) -> Ordering {
        match (a, b) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
    }
    let (x, y) = (a.header, b.header);
    match field {
        SortField::Number => x.number.cmp(&y.number),
        SortField::Opened => a.opened_at.cmp(&b.opened_at),
        SortField::Severity => x.severity.cmp(&y.severity),
        SortField::State => {
            let rank = |s: State| State::ALL.iter().position(|t| *t == s);
            rank(x.state).cmp(&rank(y.state))
        }
        SortField::Plan => x.facts.plan.cmp(&y.facts.plan),
        SortField::Region => x.facts.region.cmp(&y.facts.region),
        SortField::Owner => last_if_none(x.owner.as_deref(), y.owner.as_deref()),
        SortField::Account => x
            .facts
            .account
            .to_lowercase()
            .cmp(&y.facts.account.to_lowercase()),
        SortField::Title => x
            .facts
            .title
            .to_lowercase()
            .cmp(&y.facts.title.to_lowercase()),
        SortField::Due => last_if_none(a.due_at, b.due_at),
        SortField::Status => {
            let rank = |s: Option<&str>| {
                ["breached", "at-risk", "running", "waiting", "met"]
                    .iter()
                    .position(|t| Some(*t) == s)
            };
            last_if_none(rank(a.status), rank(b.status))
        }
    }
}
