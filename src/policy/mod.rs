//! The support policy (`policy.yaml`, SPEC section 1): plans, severities and
//! their response targets, regions and their business calendars, holidays,
//! intake channels, escalation, auto-close and reopen rules.
//!
//! [`Policy::parse`] validates the whole file and reports every problem with
//! its line, column and what is allowed; a [`Policy`] that exists is valid, so
//! the rest of the crate never re-checks it. The default policy is the
//! repository's `policy.yaml`, embedded at build time ([`DEFAULT_POLICY_YAML`]).

mod duration;
mod error;
mod raw;
mod roster;
mod set;
mod validate;

use chrono::{DateTime, Duration, Utc};

use crate::calendar::{BusinessCalendar, Calendar};
use crate::source_map::{ShapeProblem, SourceMap};

pub use duration::{format_duration, format_wait, parse_duration, parse_wait, Wait, DURATION_HELP};
pub use error::{PolicyError, PolicyProblem, Problem};
pub use roster::{parse_roster, EXAMPLE_TEAM_YAML};
pub use set::{is_version_name, PolicySet, VersionError, VersionSource, VERSION_NAME_RULE};

/// The default policy, byte for byte the repository's `policy.yaml`.
pub const DEFAULT_POLICY_YAML: &str = include_str!("../../policy.yaml");

/// A validated support policy.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Recorded in every case opened under this policy.
    pub version: String,
    /// From when `new` opens cases under this version; `None`: since always.
    pub effective: Option<DateTime<Utc>>,
    /// The version this one replaced (kept in `policies/<previous>.yaml`).
    pub previous: Option<String>,
    pub plans: Vec<String>,
    /// Ordered by level, most severe first.
    pub severities: Vec<SeverityRule>,
    /// In the order the policy lists them.
    pub regions: Vec<Region>,
    pub holidays: Vec<NamedHoliday>,
    pub intake: Intake,
    pub escalation: EscalationRules,
    pub auto_close: AutoCloseRule,
    /// How long after closing a case may be reopened (calendar time).
    pub reopen_window: Duration,
    /// Action (an event kind, or `sweep`) and the staff roles allowed to
    /// do it, enforced when a roster (`team.yaml`) exists.
    pub permissions: Vec<(String, Vec<String>)>,
    /// The customer status view is on (`customer_status: {enabled: true}`):
    /// `cases status` prints it and `cases site` writes a page per account.
    /// A presentation switch, not an SLA rule: the current policy decides,
    /// whatever version a case recorded. Off when the policy does not say.
    pub customer_status: bool,
}

/// The staff roles allowed to run `cases sweep` when the policy has no
/// `permissions` table.
const SWEEP_ROLES: &[&str] = &["support-manager", "automation"];

/// The permissions of a policy without a `permissions` section: the
/// guide's, each event kind's roles from its entry in the event table
/// (`case::schema`), then `sweep` (the same table as the bundled
/// policy.yaml; a test says so).
pub fn default_roles() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    let sweep: (&'static str, &'static [&'static str]) = (crate::team::SWEEP_ACTION, SWEEP_ROLES);
    crate::case::EventKind::DEFAULT_ROLES
        .iter()
        .copied()
        .chain(std::iter::once(sweep))
}

/// [`default_roles`] as a policy holds them.
fn default_permissions() -> Vec<(String, Vec<String>)> {
    default_roles()
        .map(|(action, roles)| (action.to_string(), owned(roles)))
        .collect()
}

/// Owned copies of `texts`.
fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

/// Every action a permissions table lists: each event kind, and `sweep`.
pub fn permission_actions() -> Vec<&'static str> {
    let mut actions: Vec<&'static str> = crate::case::EventKind::NAMES.to_vec();
    actions.push(crate::team::SWEEP_ACTION);
    actions
}

/// One severity level and everything the policy attaches to it.
#[derive(Debug, Clone)]
pub struct SeverityRule {
    pub level: u8,
    pub name: String,
    pub description: String,
    pub examples: Vec<String>,
    pub clock: ClockCalendar,
    pub response_starts: ResponseStart,
    /// `(plan, target)` for every plan, in the policy's plan order.
    pub response_targets: Vec<(String, Duration)>,
    /// The next-response targets, `(plan, target)` for every plan: the time
    /// support has to answer each customer reply after the first response.
    /// `None` when the policy has no next-response clock (the default; a
    /// policy has them on every severity or on none).
    pub next_response_targets: Option<Vec<(String, Duration)>>,
    pub escalation_after: Wait,
    pub escalation_follow_up_clock: FollowUpCalendar,
}

/// The calendar a severity's clocks run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockCalendar {
    /// Every instant, holidays included (`24x7`).
    AlwaysOpen,
    /// The case region's business hours (`business-hours`).
    BusinessHours,
}

/// When the initial-response clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStart {
    /// When the case is opened.
    Opened,
    /// At the first phone contact recorded at or after opening.
    FirstPhoneContact,
}

/// The calendar of the manager's follow-up after an escalation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpCalendar {
    AlwaysOpen,
    /// The escalation desk's hours.
    Desk,
}

/// A support region: its business calendar, languages and phone numbers.
#[derive(Debug, Clone)]
pub struct Region {
    pub name: String,
    pub calendar: BusinessCalendar,
    pub languages: Vec<String>,
    pub phones: Vec<String>,
}

/// A holiday with the name the policy gives it.
#[derive(Debug, Clone)]
pub struct NamedHoliday {
    pub name: String,
    pub rule: crate::calendar::Holiday,
}

/// Which channels open a case, and what to say to the others.
#[derive(Debug, Clone)]
pub struct Intake {
    /// Channels a case may be opened through.
    pub channels: Vec<String>,
    /// Known channels that are refused with [`Intake::refused_message`].
    pub refused: Vec<String>,
    pub refused_message: String,
    /// The international support line every severity 1 caller is told,
    /// whatever the region (`international_phone`).
    pub international_phone: String,
}

impl Intake {
    /// The international line of a policy file that does not name one
    /// (written before the setting existed): the guide's.
    pub const DEFAULT_INTERNATIONAL_PHONE: &'static str = "+1.418.266.1583";
}

/// Rules of the escalation process.
#[derive(Debug, Clone)]
pub struct EscalationRules {
    /// The escalation desk's hours (phone requests, manager follow-up).
    pub desk: BusinessCalendar,
    /// The manager follows up within this much desk time.
    pub follow_up: Duration,
    /// Roles allowed to request an escalation.
    pub roles: Vec<String>,
    /// Outcomes that close an escalation.
    pub closing_outcomes: Vec<String>,
}

/// When a case waiting on the customer is closed as no-response.
#[derive(Debug, Clone)]
pub struct AutoCloseRule {
    /// Follow-ups that must have been made first.
    pub follow_ups: u32,
    /// Time since the case started waiting, on the region's calendar.
    pub after: Wait,
    /// Time the customer has after the last required follow-up, on the
    /// region's calendar (`after_last_follow_up`; 1 business day when a
    /// policy file does not say).
    pub after_last_follow_up: Wait,
}

impl AutoCloseRule {
    /// The grace after the last required follow-up of a policy file that
    /// does not name one (written before the setting existed).
    pub const DEFAULT_AFTER_LAST_FOLLOW_UP: Wait = Wait::BusinessDays(1);
}

/// The deepest nesting of mappings and sequences a policy file may have.
/// The bundled policy nests 6 deep; the rest is room for other layouts.
pub const MAX_POLICY_NESTING: usize = 16;

impl Policy {
    /// Parses and validates `text`; `origin` names the file in messages.
    /// Every unknown key and every semantic problem is reported; a missing
    /// key or a value of the wrong type stops the structural pass (the
    /// problems found up to there are all reported).
    pub fn parse(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let refused = |line, column, message: String| {
            PolicyError::unreadable(origin, line, column, Problem::Unreadable(message))
        };
        // Deep flow nesting would make the YAML parser take minutes.
        match crate::source_map::check_shape(text, MAX_POLICY_NESTING, false) {
            Ok(()) => {}
            Err(ShapeProblem::TooDeep(at)) => {
                return Err(refused(at.line, at.column, format!(
                    "the YAML is nested more than {MAX_POLICY_NESTING} levels deep; the bundled policy needs 6"
                )))
            }
            // Aliases are allowed in a policy (serde_yaml bounds their expansion).
            Err(ShapeProblem::Alias(_)) => {}
            Err(ShapeProblem::Syntax(at, message)) => {
                return Err(refused(at.line, at.column, message))
            }
        }
        let mut value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|error| {
            let location = error.location();
            refused(
                location.as_ref().map_or(1, |l| l.line()),
                location.as_ref().map_or(1, |l| l.column()),
                error.to_string(),
            )
        })?;
        let mut problems: Vec<(String, Problem)> = Vec::new();
        let raw = loop {
            match serde_path_to_error::deserialize::<_, raw::RawPolicy>(value.clone()) {
                Ok(raw) => break Some(raw),
                Err(error) => {
                    let path = error.path().to_string();
                    let path = if path == "." { String::new() } else { path };
                    let message = error.inner().to_string();
                    let unknown_key = message.starts_with("unknown field");
                    problems.push((path.clone(), Problem::Structure(message)));
                    // Drop the unknown key and look for more problems.
                    if !(unknown_key && remove_path(&mut value, &path)) {
                        break None;
                    }
                }
            }
        };
        match raw.map(validate::validate) {
            Some(Ok(policy)) if problems.is_empty() => return Ok(policy),
            Some(Err(found)) => problems.extend(found),
            Some(Ok(_)) | None => {}
        }
        let map = SourceMap::new(text);
        Err(PolicyError::Invalid {
            origin: origin.to_string(),
            problems: problems
                .into_iter()
                .map(|(path, problem)| {
                    let location = map.locate(&path);
                    // An unknown key is located at the key and reported
                    // against the mapping that holds it.
                    let unknown_key =
                        matches!(&problem, Problem::Structure(m) if m.starts_with("unknown field"));
                    let shown = if unknown_key {
                        path.rfind(['.', '['])
                            .map_or(String::new(), |cut| path[..cut].to_string())
                    } else {
                        path
                    };
                    PolicyProblem {
                        line: location.map_or(1, |l| l.line),
                        column: location.map_or(1, |l| l.column),
                        field: shown,
                        problem,
                    }
                })
                .collect(),
        })
    }

    /// The embedded default policy.
    pub fn default_policy() -> Policy {
        match Policy::parse(DEFAULT_POLICY_YAML, "<embedded policy.yaml>") {
            Ok(policy) => policy,
            // Unreachable: a unit test parses the embedded policy.
            Err(error) => panic!("the embedded default policy is invalid: {error}"),
        }
    }

    /// The roles allowed to record `action` (none for an unknown action).
    pub fn allowed_roles(&self, action: &str) -> &[String] {
        self.permissions
            .iter()
            .find(|(a, _)| a == action)
            .map_or(&[], |(_, roles)| roles.as_slice())
    }

    /// The rule for severity `level`.
    pub fn severity(&self, level: u8) -> Option<&SeverityRule> {
        self.severities.iter().find(|s| s.level == level)
    }

    /// True when the policy keeps a next-response clock after each customer
    /// reply (its severities have `next_response_targets`; off by default).
    pub fn has_next_response(&self) -> bool {
        self.severities
            .iter()
            .any(|s| s.next_response_targets.is_some())
    }

    /// Resolves a severity given as its level (`2`) or its name (`major`).
    pub fn parse_severity(&self, text: &str) -> Option<&SeverityRule> {
        self.severities
            .iter()
            .find(|s| s.level.to_string() == text || s.name.eq_ignore_ascii_case(text))
    }

    /// The region called `name`.
    pub fn region(&self, name: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// The time zone local times of a case in `region` are shown in (UTC
    /// for a region the policy does not know).
    pub fn time_zone_of(&self, region: &str) -> chrono_tz::Tz {
        self.region(region)
            .map_or(chrono_tz::Tz::UTC, |r| r.calendar.time_zone())
    }

    /// Parses a severity given as its level or name; the error names
    /// `option` and lists what is allowed.
    pub fn severity_argument(&self, option: &str, text: &str) -> Result<&SeverityRule, String> {
        self.parse_severity(text).ok_or_else(|| {
            let names: Vec<String> = self
                .severities
                .iter()
                .map(|s| format!("{}/{}", s.level, s.name))
                .collect();
            format!(
                "{option} {text:?} is not a severity (allowed: {})",
                names.join(", ")
            )
        })
    }

    /// True when `plan` is one of the policy's plans.
    pub fn has_plan(&self, plan: &str) -> bool {
        self.plans.iter().any(|p| p == plan)
    }

    /// Checks a plan given as `option`; the error lists the plans.
    pub fn plan_argument(&self, option: &str, text: &str) -> Result<(), String> {
        if self.has_plan(text) {
            return Ok(());
        }
        Err(format!(
            "{option} {text:?} is not a plan (allowed: {})",
            self.plans.join(", ")
        ))
    }

    /// The region given as `option`; the error lists the regions.
    pub fn region_argument(&self, option: &str, text: &str) -> Result<&Region, String> {
        self.region(text).ok_or_else(|| {
            let names: Vec<&str> = self.regions.iter().map(|r| r.name.as_str()).collect();
            format!(
                "{option} {text:?} is not a region (allowed: {})",
                names.join(", ")
            )
        })
    }

    /// Every number a severity 1 caller of `region` may dial, each with who
    /// it serves: the region's lines, then the international line (one
    /// number that is both is listed once, with both).
    pub fn severity_1_phones<'a>(&'a self, region: &'a Region) -> Vec<(&'a str, Vec<&'a str>)> {
        let international = self.intake.international_phone.as_str();
        let mut lines: Vec<(&str, Vec<&str>)> = region
            .phones
            .iter()
            .map(|phone| (phone.as_str(), vec![region.name.as_str()]))
            .collect();
        match lines.iter_mut().find(|(phone, _)| *phone == international) {
            Some((_, serves)) => serves.push("international"),
            None => lines.push((international, vec!["international"])),
        }
        lines
    }

    /// The calendar severity `rule`'s clocks run on in `region`.
    pub fn severity_calendar(&self, rule: &SeverityRule, region: &Region) -> Calendar {
        match rule.clock {
            ClockCalendar::AlwaysOpen => Calendar::AlwaysOpen,
            ClockCalendar::BusinessHours => Calendar::Business(region.calendar.clone()),
        }
    }

    /// The calendar of the manager's follow-up for severity `rule`.
    pub fn follow_up_calendar(&self, rule: &SeverityRule) -> Calendar {
        match rule.escalation_follow_up_clock {
            FollowUpCalendar::AlwaysOpen => Calendar::AlwaysOpen,
            FollowUpCalendar::Desk => Calendar::Business(self.escalation.desk.clone()),
        }
    }
}

/// Removes the node at `path` (`a.b[2].c`) from `value`; false when absent.
fn remove_path(value: &mut serde_yaml::Value, path: &str) -> bool {
    let mut segments: Vec<&str> = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        while let Some(open) = rest.find('[') {
            if open > 0 {
                segments.push(&rest[..open]);
            }
            let close = rest[open..].find(']').map_or(rest.len(), |c| open + c);
            segments.push(&rest[open..=close.min(rest.len() - 1)]);
            rest = &rest[(close + 1).min(rest.len())..];
        }
        if !rest.is_empty() {
            segments.push(rest);
        }
    }
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = value;
    for segment in parents {
        let next = match segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(index) => index.parse::<usize>().ok().and_then(|i| node.get_mut(i)),
            None => node.get_mut(*segment),
        };
        match next {
            Some(child) => node = child,
            None => return false,
        }
    }
    node.as_mapping_mut()
        .and_then(|mapping| mapping.remove(*last))
        .is_some()
}

impl SeverityRule {
    /// The initial-response target for `plan` (also a reopen's).
    pub fn response_target(&self, plan: &str) -> Option<Duration> {
        target_of(&self.response_targets, plan)
    }

    /// The next-response target for `plan`; `None` when the policy has no
    /// next-response clock.
    pub fn next_response_target(&self, plan: &str) -> Option<Duration> {
        target_of(self.next_response_targets.as_deref()?, plan)
    }
}

fn target_of(targets: &[(String, Duration)], plan: &str) -> Option<Duration> {
    targets
        .iter()
        .find(|(p, _)| p == plan)
        .map(|(_, target)| *target)
}

impl Wait {
    /// The instant this wait ends when it starts at `from` on `calendar`;
    /// `None` for [`Wait::Never`].
    pub fn ends_at(&self, from: DateTime<Utc>, calendar: &Calendar) -> Option<DateTime<Utc>> {
        match *self {
            Wait::After(duration) => Some(calendar.add_business_duration(from, duration)),
            Wait::BusinessDays(days) => Some(calendar.add_business_days(from, days)),
            Wait::Never => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_policy_is_valid_and_complete() {
        let policy = Policy::parse(DEFAULT_POLICY_YAML, "policy.yaml").unwrap();
        assert_eq!(policy.plans, ["basic", "plus", "premium"]);
        let hours = |level: u8, plan: &str| {
            policy
                .severity(level)
                .unwrap()
                .response_target(plan)
                .unwrap()
                .num_hours()
        };
        let table: Vec<[i64; 3]> = (1..=4)
            .map(|level| {
                [
                    hours(level, "basic"),
                    hours(level, "plus"),
                    hours(level, "premium"),
                ]
            })
            .collect();
        assert_eq!(table, [[4, 2, 1], [8, 4, 2], [12, 12, 6], [24, 24, 12]]);
        assert_eq!(
            policy.severity(1).unwrap().escalation_after,
            Wait::After(Duration::hours(24))
        );
        assert_eq!(
            policy.severity(2).unwrap().escalation_after,
            Wait::BusinessDays(2)
        );
        assert_eq!(
            policy.severity(3).unwrap().escalation_after,
            Wait::BusinessDays(5)
        );
        assert_eq!(policy.severity(4).unwrap().escalation_after, Wait::Never);
        assert_eq!(policy.reopen_window, Duration::days(30));
        assert_eq!(policy.auto_close.follow_ups, 2);
        assert_eq!(policy.auto_close.after, Wait::BusinessDays(4));
        assert_eq!(
            policy.auto_close.after_last_follow_up,
            Wait::BusinessDays(1)
        );
        // A policy file from before the setting existed loads with the default.
        let older = DEFAULT_POLICY_YAML.replace("  after_last_follow_up: 1 business day\n", "");
        assert_ne!(older, DEFAULT_POLICY_YAML);
        let older = Policy::parse(&older, "old.yaml").unwrap();
        assert_eq!(
            older.auto_close.after_last_follow_up,
            AutoCloseRule::DEFAULT_AFTER_LAST_FOLLOW_UP
        );
        assert_eq!(policy.escalation.follow_up, Duration::minutes(60));
        assert_eq!(policy.holidays.len(), 3);
        let names: Vec<&str> = policy.regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["north-america", "emea"]);
    }

    #[test]
    fn the_bundled_permissions_are_the_defaults_and_cover_every_action() {
        let policy = Policy::parse(DEFAULT_POLICY_YAML, "policy.yaml").unwrap();
        assert_eq!(policy.permissions, default_permissions());
        let listed: Vec<&str> = policy.permissions.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(listed, permission_actions());
        // A policy without the section gets the same table.
        let cut = DEFAULT_POLICY_YAML.find("\n# Who may record what").unwrap();
        let without = Policy::parse(&DEFAULT_POLICY_YAML[..cut + 1], "old.yaml").unwrap();
        assert_eq!(without.permissions, policy.permissions);
        let error = Policy::parse(
            &DEFAULT_POLICY_YAML.replace(
                "  sweep: [support-manager, automation]\n",
                "  sweep: [boss]\n  reopend: []\n",
            ),
            "p.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("permissions.sweep: unknown role \"boss\""),
            "{error}"
        );
        assert!(
            error.contains("permissions.reopend: unknown action \"reopend\""),
            "{error}"
        );
    }

    #[test]
    fn a_permissions_table_may_leave_out_only_the_kinds_added_after_it() {
        let line = |action: &str| {
            DEFAULT_POLICY_YAML
                .lines()
                .find(|line| line.starts_with(&format!("  {action}: [")))
                .map(|line| format!("{line}\n"))
        };
        // Written before edits and labels (and any kind added since): the
        // same permissions, in the same order.
        assert!(crate::case::EventKind::MAY_BE_UNLISTED.contains(&"edited"));
        let mut older = DEFAULT_POLICY_YAML.to_string();
        for action in crate::case::EventKind::MAY_BE_UNLISTED {
            if let Some(line) = line(action) {
                older = older.replacen(&line, "", 1);
            }
        }
        assert!(!older.contains("  edited: ["));
        let policy = Policy::parse(&older, "old.yaml").unwrap();
        assert_eq!(policy.permissions, default_permissions());
        // Any other kind left out is a mistake, named.
        let error = Policy::parse(
            &DEFAULT_POLICY_YAML.replacen(&line("renumbered").unwrap(), "", 1),
            "policy.yaml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "policy.yaml:133:1: permissions: missing the roles allowed to record renumbered (an empty list allows nobody)"
        );
        // A table in another order reads in the table's order.
        let reordered = DEFAULT_POLICY_YAML
            .replacen(&line("created").unwrap(), "", 1)
            .replacen(
                "  sweep: [",
                &format!("{}  sweep: [", line("created").unwrap()),
                1,
            );
        assert_ne!(reordered, DEFAULT_POLICY_YAML);
        let policy = Policy::parse(&reordered, "policy.yaml").unwrap();
        assert_eq!(policy.permissions, default_permissions());
    }

    #[test]
    fn deep_nesting_is_refused_before_the_yaml_parser_sees_it() {
        // libyaml needs minutes for this; the pre-pass is linear.
        let deep = format!(
            "version: \"1\"\nplans: {}{}\n",
            "[".repeat(200_000),
            "]".repeat(200_000)
        );
        let error = Policy::parse(&deep, "deep.yaml").unwrap_err();
        // The scanner stops at its own limit (256 flow levels), ahead of the
        // parser's events: that is where the error points.
        assert_eq!(
            error.to_string(),
            "deep.yaml:2:263: the YAML is nested more than 16 levels deep; the bundled policy needs 6"
        );
        let nested = |depth: usize| {
            DEFAULT_POLICY_YAML.replace(
                "plans: [basic, plus, premium]",
                &format!("plans: {}basic{}", "[".repeat(depth), "]".repeat(depth)),
            )
        };
        // 17 levels: the document, then 16 sequences.
        assert!(Policy::parse(&nested(16), "p.yaml")
            .unwrap_err()
            .to_string()
            .starts_with("p.yaml:9:23: the YAML is nested more than 16 levels"));
        // Within the limit the parser decides (a nested list is not a plan).
        let within = Policy::parse(&nested(15), "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(!within.contains("nested more than"), "{within}");
    }

    #[test]
    fn the_customer_status_view_is_off_unless_the_policy_turns_it_on() {
        let bundled = Policy::parse(DEFAULT_POLICY_YAML, "policy.yaml").unwrap();
        assert!(bundled.customer_status);
        let section = "customer_status:\n  enabled: true\n";
        assert!(DEFAULT_POLICY_YAML.ends_with(section));
        let without = DEFAULT_POLICY_YAML.replace(section, "");
        assert!(!Policy::parse(&without, "old.yaml").unwrap().customer_status);
        let with = |text: &str| format!("{without}customer_status:\n{text}");
        assert!(
            !Policy::parse(&with("  enabled: false\n"), "p.yaml")
                .unwrap()
                .customer_status
        );
        // Validated like the rest: an unknown key and a value that is not
        // a boolean are refused with their line and column.
        let line = without.lines().count() + 3;
        let error = Policy::parse(&with("  enabled: true\n  notes: true\n"), "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!(
                "p.yaml:{line}:3: customer_status: unknown field `notes`, expected `enabled`"
            )),
            "{error}"
        );
        let error = Policy::parse(&with("  enabled: \"yes\"\n"), "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with(&format!("p.yaml:{}:", line - 1))
                && error.contains(
                    "customer_status.enabled: invalid type: string \"yes\", expected a boolean"
                ),
            "{error}"
        );
        let error = Policy::parse(&with("  {}\n"), "p.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("missing field `enabled`"), "{error}");
    }

    #[test]
    fn anchors_and_aliases_are_allowed_in_a_policy() {
        let text = DEFAULT_POLICY_YAML
            .replacen("languages: [en, fr]", "languages: &both [en, fr]", 1)
            .replacen("languages: [en, fr]", "languages: *both", 1);
        assert!(text.contains("*both"));
        let policy = Policy::parse(&text, "policy.yaml").unwrap();
        assert_eq!(policy.region("emea").unwrap().languages, ["en", "fr"]);
    }
}
