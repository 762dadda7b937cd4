//! The support team (SPEC section 7): a roster of staff with their roles
//! and the dates they were on the team, and the decisions the permissions
//! table of the policy makes with it — may this actor record this kind of
//! event at this instant, may this person own a case.
//!
//! Pure: the roster is parsed by [`crate::policy::parse_roster`] and the
//! instant is a parameter. Membership is dated (`from`, `until`) so that a
//! person who joins or leaves never makes the events recorded before
//! invalid. Customers are not on the roster: what they do is recorded by
//! staff with the contact named.

use std::fmt;

use chrono::{DateTime, Utc};

/// The roles the guide names for the vendor's staff.
pub const STAFF_ROLES: &[&str] = &[
    PRODUCT_SPECIALIST,
    SUPPORT_MANAGER,
    "customer-success-manager",
    "customer-manager",
    "development",
    "automation",
];

/// The role that owns cases.
pub const PRODUCT_SPECIALIST: &str = "product-specialist";
/// The role that runs the escalation process.
pub const SUPPORT_MANAGER: &str = "support-manager";

/// The action of `cases sweep` (the auto-close it records is the policy's).
pub const SWEEP_ACTION: &str = "sweep";

/// Who is on the support team, and when.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub members: Vec<Member>,
}

/// One person on the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The name they act under (`--actor`, git's user.name).
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    /// On the team from this instant (inclusive); `None`: always was.
    pub from: Option<DateTime<Utc>>,
    /// Until this instant (exclusive); `None`: still is.
    pub until: Option<DateTime<Utc>>,
}

impl Member {
    /// On the team at `at`.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        self.from.is_none_or(|from| from <= at) && self.until.is_none_or(|until| at < until)
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// Why an actor may not do something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub actor: String,
    pub action: String,
    /// The roles the permissions table allows for the action.
    pub allowed: Vec<String>,
    pub reason: Reason,
}

/// What is wrong with the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    NotOnRoster,
    /// On the roster, but not at that instant.
    NotOnTeamThen {
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    },
    /// On the team then, with these roles.
    Roles(Vec<String>),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let allowed = if self.allowed.is_empty() {
            "nobody".to_string()
        } else {
            self.allowed.join(", ")
        };
        write!(
            f,
            "{} may not record {} (allowed: {allowed}): ",
            self.actor, self.action
        )?;
        match &self.reason {
            Reason::NotOnRoster => write!(f, "{} is not on the team roster", self.actor),
            Reason::NotOnTeamThen { from, until } => write!(
                f,
                "{} is on the roster only from {} until {}",
                self.actor,
                from.map_or("the beginning".into(), |t| t.format(INSTANT).to_string()),
                until.map_or("now".into(), |t| t.format(INSTANT).to_string())
            ),
            Reason::Roles(roles) if roles.is_empty() => {
                write!(f, "{} has no role", self.actor)
            }
            Reason::Roles(roles) => write!(f, "{} is {}", self.actor, roles.join(", ")),
        }
    }
}

const INSTANT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Why someone may not own a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotASpecialist {
    pub owner: String,
    /// The product specialists on the team at that instant.
    pub specialists: Vec<String>,
}

impl fmt::Display for NotASpecialist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a product specialist on the team roster; cases are owned by product specialists (on the team then: {})",
            self.owner,
            if self.specialists.is_empty() {
                "none".to_string()
            } else {
                self.specialists.join(", ")
            }
        )
    }
}

impl Roster {
    /// The member called `actor` (by name, or by email in any case).
    pub fn find(&self, actor: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == actor).or_else(|| {
            self.members
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(actor))
        })
    }

    /// May `actor` record `action` at `at`, when `allowed` are the roles
    /// the policy allows for it?
    pub fn authorize(
        &self,
        actor: &str,
        action: &str,
        allowed: &[String],
        at: DateTime<Utc>,
    ) -> Result<&Member, Refusal> {
        let refusal = |reason| Refusal {
            actor: actor.to_string(),
            action: action.to_string(),
            allowed: allowed.to_vec(),
            reason,
        };
        let member = self
            .find(actor)
            .ok_or_else(|| refusal(Reason::NotOnRoster))?;
        if !member.active_at(at) {
            return Err(refusal(Reason::NotOnTeamThen {
                from: member.from,
                until: member.until,
            }));
        }
        if member.roles.iter().any(|role| allowed.contains(role)) {
            Ok(member)
        } else {
            Err(refusal(Reason::Roles(member.roles.clone())))
        }
    }

    /// May `owner` own a case from `at`: a product specialist on the team then.
    pub fn check_owner(&self, owner: &str, at: DateTime<Utc>) -> Result<(), NotASpecialist> {
        match self.find(owner) {
            Some(m) if m.active_at(at) && m.has_role(PRODUCT_SPECIALIST) => Ok(()),
            _ => Err(NotASpecialist {
                owner: owner.to_string(),
                specialists: self
                    .members
                    .iter()
                    .filter(|m| m.active_at(at) && m.has_role(PRODUCT_SPECIALIST))
                    .map(|m| m.name.clone())
                    .collect(),
            }),
        }
    }
}

/// Every event of `case` the roster and `policy`'s permissions do not
/// allow at the instant it was recorded, one line each. Events recorded by
/// `policy_actor` (the auto-close rule) are the policy's own.
pub fn event_problems(
    roster: &Roster,
    policy: &crate::policy::Policy,
    case: &crate::case::Case,
    policy_actor: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (index, event) in case.history().iter().enumerate() {
        if event.by == policy_actor {
            continue;
        }
        let action = event.kind.name();
        let at = event.at.format(INSTANT);
        if let Err(refusal) =
            roster.authorize(&event.by, action, policy.allowed_roles(action), event.at)
        {
            problems.push(format!("history[{index}] ({action} at {at}): {refusal}"));
        }
        if let crate::case::EventKind::Assigned { owner } = &event.kind {
            if let Err(error) = roster.check_owner(owner, event.at) {
                problems.push(format!("history[{index}] ({action} at {at}): {error}"));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn membership_is_dated_and_roles_decide() {
        let roster = Roster {
            members: vec![
                Member {
                    name: "alice".into(),
                    email: "alice@vendor.example".into(),
                    roles: vec![PRODUCT_SPECIALIST.into()],
                    from: Some(at("2026-01-01T00:00:00Z")),
                    until: Some(at("2026-12-01T00:00:00Z")),
                },
                Member {
                    name: "Mona".into(),
                    email: "mona@vendor.example".into(),
                    roles: vec![SUPPORT_MANAGER.into()],
                    from: None,
                    until: None,
                },
            ],
        };
        let managers = vec![SUPPORT_MANAGER.to_string()];
        let t = at("2026-11-23T14:05:00Z");
        assert_eq!(
            roster
                .authorize("Mona", "escalation-accepted", &managers, t)
                .unwrap()
                .name,
            "Mona"
        );
        assert_eq!(
            roster.authorize("alice", "escalation-accepted", &managers, t).unwrap_err().to_string(),
            "alice may not record escalation-accepted (allowed: support-manager): alice is product-specialist"
        );
        assert_eq!(
            roster.authorize("ALICE@vendor.example", "x", &managers, at("2026-12-01T00:00:00Z")).unwrap_err().to_string(),
            "ALICE@vendor.example may not record x (allowed: support-manager): ALICE@vendor.example is on the roster only from 2026-01-01T00:00:00Z until 2026-12-01T00:00:00Z"
        );
        assert_eq!(
            roster
                .authorize("Jane Doe", "created", &[], t)
                .unwrap_err()
                .to_string(),
            "Jane Doe may not record created (allowed: nobody): Jane Doe is not on the team roster"
        );
        assert!(roster.check_owner("alice", t).is_ok());
        assert_eq!(
            roster.check_owner("alcie", t).unwrap_err().to_string(),
            "alcie is not a product specialist on the team roster; cases are owned by product specialists (on the team then: alice)"
        );
        assert!(roster.check_owner("Mona", t).is_err());
    }
}
