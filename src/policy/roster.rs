//! The team roster file (`team.yaml` beside `policy.yaml`, SPEC section 7):
//! parsed and validated into a [`Roster`], every problem reported with its
//! line and column like the policy's.
//!
//! A file without a `members` key (the commented example `cases init`
//! writes) is no roster: the tool stays permissive. `members: []` is a
//! roster with nobody on it.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;

use super::{PolicyError, PolicyProblem, Problem};
use crate::source_map::SourceMap;
use crate::team::{Member, Roster, STAFF_ROLES};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTeam {
    members: Option<Vec<RawMember>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    name: String,
    email: String,
    roles: Vec<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    until: Option<String>,
}

/// The example `cases init` writes: every line a comment, so no roster.
pub const EXAMPLE_TEAM_YAML: &str = "\
# The support team (SPEC section 7). While no `members:` list is here,
# anyone may do anything. Uncomment and edit to enforce who does what: the
# actor (--actor, git's user.name) must be a member on the team at that
# instant with a role that policy.yaml's `permissions` allows for the
# action; cases are assigned to product specialists only; `cases check`
# verifies every recorded event; `--commit` authors commits with the
# member's name and email. Roles: product-specialist, support-manager,
# customer-success-manager, customer-manager, development, automation.
# `from` and `until` (a date, from/until its 00:00 UTC, or an RFC 3339
# instant; until is exclusive) keep old events valid after someone leaves.
#
# members:
#   - name: alice
#     email: alice@vendor.example
#     roles: [product-specialist]
#     from: 2026-01-01
#   - name: Mona
#     email: mona@vendor.example
#     roles: [support-manager]
#   - name: cron
#     email: support-automation@vendor.example
#     roles: [automation]
";

/// Parses `team.yaml`; `Ok(None)` when it names no members list.
pub fn parse_roster(text: &str, origin: &str) -> Result<Option<Roster>, PolicyError> {
    let single = |line, column, message: String| {
        PolicyError::unreadable(origin, line, column, Problem::Unreadable(message))
    };
    if let Err(problem) = crate::source_map::check_shape(text, super::MAX_POLICY_NESTING, true) {
        let (at, message) = match problem {
            crate::source_map::ShapeProblem::TooDeep(at) => {
                (at, "the YAML is nested too deep".to_string())
            }
            crate::source_map::ShapeProblem::Alias(at) => {
                (at, "aliases are not allowed in team.yaml".to_string())
            }
            crate::source_map::ShapeProblem::Syntax(at, message) => (at, message),
        };
        return Err(single(at.line, at.column, message));
    }
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Ok(None);
    }
    let raw: RawTeam = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|error| {
        let path = error.path().to_string();
        let location = SourceMap::new(text).locate(&path);
        PolicyError::Invalid {
            origin: origin.to_string(),
            problems: vec![PolicyProblem {
                line: location.map_or(1, |l| l.line),
                column: location.map_or(1, |l| l.column),
                field: if path == "." { String::new() } else { path },
                problem: Problem::Structure(error.inner().to_string()),
            }],
        }
    })?;
    let Some(raw_members) = raw.members else {
        return Ok(None);
    };
    let map = SourceMap::new(text);
    let mut problems = Vec::new();
    let mut problem = |path: String, found: Problem| {
        let location = map.locate(&path);
        problems.push(PolicyProblem {
            line: location.map_or(1, |l| l.line),
            column: location.map_or(1, |l| l.column),
            field: path,
            problem: found,
        });
    };
    let mut members: Vec<Member> = Vec::new();
    for (i, m) in raw_members.into_iter().enumerate() {
        let member = member(i, m, &members, &mut problem);
        members.push(member);
    }
    if problems.is_empty() {
        Ok(Some(Roster { members }))
    } else {
        Err(PolicyError::Invalid {
            origin: origin.to_string(),
            problems,
        })
    }
}

/// Member `i` of the roster (`members[i]`), with a problem for each field
/// that is not allowed; a name already on the roster (`earlier`) is one.
fn member(
    i: usize,
    m: RawMember,
    earlier: &[Member],
    problem: &mut impl FnMut(String, Problem),
) -> Member {
    let path = format!("members[{i}]");
    let name = m.name.trim().to_string();
    if name.is_empty() || name.contains(['\n', '\r', '<', '>']) {
        problem(
            format!("{path}.name"),
            Problem::rule("must be one line without < or >"),
        );
    } else if earlier.iter().any(|other| other.name == name) {
        problem(
            format!("{path}.name"),
            Problem::rule(format!("{name:?} is on the roster twice")),
        );
    }
    let email = m.email.trim().to_string();
    if !email.contains('@') || email.contains([' ', '<', '>', '\n']) {
        problem(
            format!("{path}.email"),
            Problem::rule(format!("{email:?} is not an email address")),
        );
    }
    if m.roles.is_empty() {
        problem(
            format!("{path}.roles"),
            Problem::rule(format!(
                "at least one role (allowed: {})",
                STAFF_ROLES.join(", ")
            )),
        );
    }
    for role in &m.roles {
        if !STAFF_ROLES.contains(&role.as_str()) {
            problem(
                format!("{path}.roles"),
                Problem::unknown("role", role, STAFF_ROLES),
            );
        }
    }
    let mut instant = |key: &str, text: &Option<String>| {
        let text = text.as_deref()?;
        parse_date_or_instant(text).or_else(|| {
            problem(
                format!("{path}.{key}"),
                Problem::malformed("date", text, "2026-01-31 or an RFC 3339 instant"),
            );
            None
        })
    };
    let from = instant("from", &m.from);
    let until = instant("until", &m.until);
    if let (Some(from), Some(until)) = (from, until) {
        if until <= from {
            problem(format!("{path}.until"), Problem::rule("must be after from"));
        }
    }
    Member {
        name,
        email,
        roles: m.roles,
        from,
        until,
    }
}

/// `2026-01-31` (its 00:00 UTC) or an RFC 3339 instant.
fn parse_date_or_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.with_timezone(&Utc))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_is_no_roster_and_members_are_validated() {
        assert_eq!(parse_roster(EXAMPLE_TEAM_YAML, "team.yaml").unwrap(), None);
        let uncommented: String = EXAMPLE_TEAM_YAML
            .lines()
            .filter(|l| {
                l.starts_with("# ") && (l[2..].starts_with("members") || l[2..].starts_with("  "))
            })
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let roster = parse_roster(&uncommented, "team.yaml").unwrap().unwrap();
        assert_eq!(roster.members.len(), 3);
        assert_eq!(
            roster.members[0].from.unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        let bad = "members:\n  - name: bob\n    email: bob\n    roles: [boss]\n    from: soon\n";
        assert_eq!(
            parse_roster(bad, "team.yaml").unwrap_err().to_string(),
            "team.yaml:3:5: members[0].email: \"bob\" is not an email address\n\
             team.yaml:4:5: members[0].roles: unknown role \"boss\" (allowed: product-specialist, support-manager, customer-success-manager, customer-manager, development, automation)\n\
             team.yaml:5:5: members[0].from: bad date \"soon\" (allowed: 2026-01-31 or an RFC 3339 instant)"
        );
        assert_eq!(
            parse_roster("members: []\n", "t").unwrap(),
            Some(Roster::default())
        );
    }
}
