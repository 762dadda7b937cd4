//! The team roster (SPEC section 7): `team.yaml` beside `policy.yaml` names
//! the staff, their roles and when they were on the team; the policy's
//! `permissions` say which roles may record what. Enforced at command time
//! (exit 3 naming the actor, the action and the roles allowed), verified by
//! `check` for every recorded event, and used to author `--commit`s.

use std::process::Command;

use crate::common::{isolate, Env, NewCase};

const TEAM: &str = "\
members:
  - name: alice
    email: alice@vendor.example
    roles: [product-specialist]
  - name: bruno
    email: bruno@vendor.example
    roles: [product-specialist]
    until: 2026-11-24
  - name: Mona
    email: mona@vendor.example
    roles: [support-manager]
  - name: cron
    email: cron@vendor.example
    roles: [automation]
";

/// Thursday 2026-11-26 10:00 Toronto: case 1001 (opened at T0, severity 2)
/// may be escalated.
const ELIGIBLE: &str = "2026-11-26T15:00:00Z";

fn env_with_team() -> Env {
    let env = Env::new();
    env.write("team.yaml", TEAM);
    env
}

#[test]
fn actions_are_refused_for_roles_the_policy_does_not_allow() {
    let env = env_with_team();
    assert_eq!(env.open(&NewCase::default()), 1001);
    // Customers never run cases.
    env.new_case(&NewCase::default()).actor("Jane Doe").refused(3).stderr_is(
        "cases: error: Jane Doe may not record created (allowed: product-specialist, support-manager): Jane Doe is not on the team roster (team.yaml)\n",
    );
    // Cases are assigned to product specialists on the roster.
    env.run(&["assign", "1001", "--to", "alcie"]).refused(3).stderr_is(
        "cases: error: case 1001 cannot be assigned to alcie: alcie is not a product specialist on the team roster; cases are owned by product specialists (on the team then: alice, bruno) (team.yaml)\n",
    );
    env.run(&["assign", "1001", "--to", "Mona"])
        .actor("Mona")
        .refused(3);
    env.run(&["take", "1001"]).actor("Mona").refused(3).stderr_is(
        "cases: error: case 1001 cannot be assigned to Mona: Mona is not a product specialist on the team roster; cases are owned by product specialists (on the team then: alice, bruno) (team.yaml)\n",
    );
    env.run(&["assign", "1001", "--to", "alice"])
        .actor("Mona")
        .ok();
    env.run(&["respond", "1001"]).ok();
    env.run(&[
        "escalate",
        "request",
        "1001",
        "--by",
        "Jane Doe",
        "--role",
        "primary-contact",
        "--channel",
        "community",
        "--justification",
        "Production search is degraded.",
        "--resources",
        "Their search administrator, for logs and tests",
    ])
    .now(ELIGIBLE)
    .ok();
    // Only a support manager reviews, accepts, declines, updates, closes.
    env.run(&["escalate", "review", "1001"]).now(ELIGIBLE).refused(3).stderr_is(
        "cases: error: alice may not record escalation-reviewed (allowed: support-manager): alice is product-specialist (team.yaml)\n",
    );
    env.run(&["escalate", "accept", "1001", "--manager", "Mona", "--update-every", "4h"])
        .now(ELIGIBLE)
        .refused(3)
        .stderr_is("cases: error: alice may not record escalation-accepted (allowed: support-manager): alice is product-specialist (team.yaml)\n");
    env.run(&["escalate", "review", "1001"])
        .now(ELIGIBLE)
        .actor("Mona")
        .ok();
    env.run(&[
        "escalate",
        "accept",
        "1001",
        "--manager",
        "Mona",
        "--update-every",
        "4h",
    ])
    .now(ELIGIBLE)
    .actor("mona@vendor.example")
    .ok();
    // The sweep is for automation and managers.
    env.run(&["sweep"]).now(ELIGIBLE).refused(3).stderr_is(
        "cases: error: alice may not record sweep (allowed: support-manager, automation): alice is product-specialist (team.yaml)\n",
    );
    env.run(&["sweep", "--dry-run"]).now(ELIGIBLE).ok();
    env.run(&["sweep"]).now(ELIGIBLE).actor("cron").ok();
    env.run(&["check"])
        .now(ELIGIBLE)
        .ok()
        .stdout_is("checked the policy and 1 case file: no problems\n");
}

#[test]
fn leaving_the_team_does_not_invalidate_earlier_events() {
    let env = env_with_team();
    let number = env.open(&NewCase::default());
    env.run(&["take", "1001"]).actor("bruno").ok();
    env.run(&["respond", "1001"])
        .actor("bruno")
        .now("2026-11-23T23:59:59Z")
        .ok();
    // From Nov 24 bruno is no longer on the team.
    env.run(&["note", "1001", "--text", "x"]).actor("bruno").now("2026-11-24T00:00:00Z").refused(3).stderr_is(
        "cases: error: bruno may not record note (allowed: product-specialist, support-manager, customer-success-manager, customer-manager, development): bruno is on the roster only from the beginning until 2026-11-24T00:00:00Z (team.yaml)\n",
    );
    env.run(&["assign", &number.to_string(), "--to", "bruno"])
        .now("2026-11-24T10:00:00Z")
        .refused(3);
    env.run(&["assign", &number.to_string(), "--to", "alice"])
        .now("2026-11-24T10:00:00Z")
        .ok();
    env.run(&["check"]).now("2026-11-25T00:00:00Z").ok();
}

#[test]
fn check_reports_every_event_made_by_someone_not_allowed_then() {
    let env = Env::new();
    // Recorded before the roster existed: a customer opened the case,
    // someone off the team took it, a specialist accepted an escalation.
    env.open(&NewCase::default());
    env.new_case(&NewCase::default()).actor("Jane Doe").ok();
    env.run(&["take", "1002"]).actor("zed").ok();
    env.run(&["respond", "1002"]).actor("zed").ok();
    env.write("team.yaml", TEAM);
    let out = env.run(&["check"]).now(ELIGIBLE).code(1);
    assert_eq!(
        out.stdout,
        "cases/001/1002.yaml:1:1: history[0] (created at 2026-11-23T14:05:00Z): Jane Doe may not record created (allowed: product-specialist, support-manager): Jane Doe is not on the team roster\n\
         cases/001/1002.yaml:1:1: history[1] (assigned at 2026-11-23T14:05:00Z): zed may not record assigned (allowed: product-specialist, support-manager): zed is not on the team roster\n\
         cases/001/1002.yaml:1:1: history[1] (assigned at 2026-11-23T14:05:00Z): zed is not a product specialist on the team roster; cases are owned by product specialists (on the team then: alice, bruno)\n\
         cases/001/1002.yaml:1:1: history[2] (responded at 2026-11-23T14:05:00Z): zed may not record responded (allowed: product-specialist, support-manager): zed is not on the team roster\n\
         checked the policy and 2 case files: 4 problems\n"
    );
}

#[test]
fn without_a_roster_anyone_may_act_and_init_writes_a_commented_example() {
    let env = Env::init();
    assert!(env.read("team.yaml").starts_with("# The support team"));
    env.open(&NewCase::default());
    env.run(&["assign", "1001", "--to", "alcie"])
        .actor("Jane Doe")
        .ok();
    env.run(&["check"]).ok();
    // A roster that is not valid is exit 4, naming file, line and field,
    // for the commands that act or check (reading commands do not need it).
    env.write(
        "team.yaml",
        "members:\n  - name: alice\n    email: alice\n    roles: [product-specialist]\n",
    );
    env.run(&["check"]).code(4);
    env.run(&["note", "1001", "--text", "x"])
        .refused(4)
        .stderr_is(
            "cases: error: team.yaml:3:5: members[0].email: \"alice\" is not an email address\n",
        );
}

#[test]
fn commit_authors_are_the_roster_names_and_emails() {
    let env = Env::init();
    env.write("team.yaml", TEAM);
    env.new_case(&NewCase::default()).args(&["--commit"]).ok();
    env.run(&["take", "1001", "--commit"]).actor("bruno").ok();
    let mut git = Command::new("git");
    isolate(&mut git, env.root());
    let log = git
        .current_dir(env.root())
        .args(["log", "--format=%an <%ae>|%s"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(log.stdout).unwrap(),
        "bruno <bruno@vendor.example>|case 1001: assigned to bruno\nalice <alice@vendor.example>|case 1001: opened: Search is slow (sev2, premium, north-america)\n"
    );
}

#[test]
fn the_sample_store_passes_check_with_its_roster() {
    let env = Env::new();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    env.write("team.yaml", std::fs::read(repo.join("team.yaml")).unwrap());
    for entry in std::fs::read_dir(repo.join("cases/001")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        env.write(&format!("cases/001/{name}"), std::fs::read(&path).unwrap());
    }
    env.run(&["check"])
        .ok()
        .stdout_is("checked the policy and 12 case files: no problems\n");
    // The roster is what makes it pass: a customer's event would not.
    env.replace("cases/001/1005.yaml", "  by: alice\n", "  by: Tom Baker\n");
    env.run(&["check"]).code(1).stdout_has(
        "cases/001/1005.yaml:1:1: history[0] (created at 2026-11-26T16:00:00Z): Tom Baker may not record created",
    );
}

#[cfg(unix)]
#[test]
fn a_hostile_roster_or_version_file_is_refused_not_followed_or_waited_on() {
    let env = Env::new();
    env.open(&NewCase::default());
    // A FIFO where the roster should be: refused at once, not a hang.
    let fifo = env.path("team.yaml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    env.run(&["note", "1001", "--text", "x"])
        .refused(4)
        .stderr_is(
            "cases: error: roster team.yaml: not a regular file (a FIFO); a team roster must be a regular file\n",
        );
    std::fs::remove_file(&fifo).unwrap();
    // A link to a policy version is not followed.
    env.run(&[
        "policy",
        "new-version",
        "2027.1",
        "--effective",
        "2027-01-01T00:00:00Z",
    ])
    .ok();
    std::fs::rename(env.path("policies/2026.1.yaml"), env.path("elsewhere.yaml")).unwrap();
    std::os::unix::fs::symlink(env.path("elsewhere.yaml"), env.path("policies/2026.1.yaml"))
        .unwrap();
    // The message is store::safe_open's, like every refused file's.
    env.run(&["show", "1001"]).code(4).stderr_is(&format!(
        "cases: error: policy version policies/2026.1.yaml: the policy file is a symbolic link (to {}); cases opens no link, which could point anywhere: replace it with a regular file\n",
        env.path("elsewhere.yaml").display()
    ));
}
