//! Teams with several clones of one store: the `cases` merge driver,
//! `--commit`, `cases history` and number collisions, run against real git
//! repositories (a bare origin, a seed clone that ran `cases init .`, and
//! clones `a` and `b` that each ran `cases git-setup`).
//!
//! Every case here is a severity 2 `plus` case in `emea`, whose calendar is
//! Etc/GMT, so the local times `history` prints are the UTC instants.
//! 2026-11-23 is a Monday; a severity 2 case opened then may be escalated
//! from two business days later, so the escalation requests below are on
//! Thursday 2026-11-26.

use crate::common::git::{
    assert_every_event_kept, assert_no_conflict_markers, epoch, history_items, Repo, World,
    COMMITTER_NAME,
};
use crate::common::{Output, BIN};
use serde_json::{json, Value};

const JANE: &str = "Jane Doe <jane@acme.example>";
const BO: &str = "Bo Li <bo@globex.example>";
/// Monday 2026-11-23 14:05 UTC: case 1001 is opened.
const OPENED: &str = "2026-11-23T14:05:00Z";
const FILE: &str = "cases/001/1001.yaml";

// ---------------------------------------------------------------------------
// The exact text of case files, built from their parts
// ---------------------------------------------------------------------------

/// The header of a case opened with [`crate::common::git::Repo::open`].
fn header(number: u64, title: &str, contact: &str, state: &str, owner: Option<&str>) -> String {
    format!(
        "number: {number}\ntitle: {title}\naccount: acme\nplan: plus\nregion: emea\nlanguage: en\n\
         severity: 2\nstate: {state}\nowner: {}\ncontacts:\n- {contact}\nrelated: []\n\
         policy_version: '2026.1'\nhistory:\n",
        owner.unwrap_or("null")
    )
}

fn created(at: &str, by: &str, title: &str, contact: &str) -> String {
    format!(
        "- at: {at}\n  event: created\n  by: {by}\n  title: {title}\n  account: acme\n  plan: plus\n  \
         region: emea\n  language: en\n  severity: 2\n  channel: community\n  contacts:\n  \
         - {contact}\n  related: []\n  policy_version: '2026.1'\n"
    )
}

/// Case 1001 "Search is slow" opened by alice at [`OPENED`], with `events`.
fn case_1001(state: &str, owner: Option<&str>, events: &[String]) -> String {
    let mut text = header(1001, "Search is slow", JANE, state, owner);
    text.push_str(&created(OPENED, "alice", "Search is slow", JANE));
    for event in events {
        text.push_str(event);
    }
    text
}

fn note(at: &str, by: &str, text: &str) -> String {
    format!("- at: {at}\n  event: note\n  by: {by}\n  text: {text}\n")
}

fn assigned(at: &str, by: &str, owner: &str) -> String {
    format!("- at: {at}\n  event: assigned\n  by: {by}\n  owner: {owner}\n")
}

fn responded(at: &str, by: &str, message: &str) -> String {
    format!("- at: {at}\n  event: responded\n  by: {by}\n  message: {message}\n")
}

fn closed(at: &str, by: &str) -> String {
    format!(
        "- at: {at}\n  event: closed\n  by: {by}\n  reason: customer-confirmed\n  \
         confirmed_by: {JANE}\n"
    )
}

fn escalation_requested(at: &str, by: &str, requester: &str, role: &str, why: &str) -> String {
    format!(
        "- at: {at}\n  event: escalation-requested\n  by: {by}\n  channel: community\n  \
         requester: {requester}\n  role: {role}\n  justification: {why}\n  \
         resources: Their search administrator, for logs and tests\n"
    )
}

// ---------------------------------------------------------------------------
// Small steps
// ---------------------------------------------------------------------------

/// A world with clones `a` and `b`; `a` opened case 1001 "Search is slow"
/// at [`OPENED`] (committed, pushed) and `b` pulled it.
fn two_clones_sharing_case_1001(world: &World) -> (Repo<'_>, Repo<'_>) {
    let a = world.clone("a");
    let b = world.clone("b");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    a.push();
    b.pull().ok();
    assert_eq!(b.read(FILE), case_1001("new", None, &[]));
    (a, b)
}

#[track_caller]
fn check_passes(repo: &Repo, cases: usize) {
    repo.cases(&["check"], "2026-11-27T12:00:00Z", "ci")
        .ok()
        .stdout_has(&format!(
            "checked the policy and {cases} case file{}: no problems",
            if cases == 1 { "" } else { "s" }
        ));
}

/// `git pull --no-rebase --no-edit origin BRANCH`.
fn pull_branch(repo: &Repo, branch: &str) -> Output {
    repo.git(&["pull", "--no-rebase", "--no-edit", "origin", branch])
}

/// The number of parents of `HEAD`.
fn parents_of_head(repo: &Repo) -> usize {
    repo.git_ok(&["rev-list", "--parents", "-n", "1", "HEAD"])
        .split_whitespace()
        .count()
        - 1
}

// ---------------------------------------------------------------------------
// git-setup and .gitattributes
// ---------------------------------------------------------------------------

#[test]
fn init_and_git_setup_assign_case_files_the_cases_driver_once() {
    let world = World::new();
    let seed = world.at("seed");
    assert_eq!(seed.read(".gitattributes"), "cases/*/*.yaml merge=cases\n");
    let program = std::fs::canonicalize(BIN).expect("the binary");
    let driver = format!("'{}' merge-file %O %A %B\n", program.display());
    assert_eq!(seed.git_ok(&["config", "merge.cases.driver"]), driver);
    assert_eq!(
        seed.git_ok(&["config", "merge.cases.name"]),
        "cases: structured merge of case files\n"
    );
    // `cases init` again changes nothing.
    seed.cases(&["init", "."], OPENED, "setup").ok();
    assert_eq!(seed.read(".gitattributes"), "cases/*/*.yaml merge=cases\n");
    assert_eq!(seed.status(), Vec::<String>::new());

    // A clone gets .gitattributes from the repository and the driver from
    // git-setup (ran once by World::clone); running it again adds nothing.
    let a = world.clone("a");
    let top = std::fs::canonicalize(a.dir()).expect("the clone");
    a.cases(&["git-setup"], OPENED, "setup")
        .ok()
        .stderr_has(&format!(
        "case files use the cases merge driver ({}); driver registered in git config (merge.cases)",
        top.join(".gitattributes").display()
    ));
    assert_eq!(a.read(".gitattributes"), "cases/*/*.yaml merge=cases\n");
    assert_eq!(a.status(), Vec::<String>::new());
    assert_eq!(
        a.git_ok(&["config", "--get-all", "merge.cases.driver"]),
        driver
    );
    assert_eq!(
        a.git_ok(&["check-attr", "merge", "--", FILE]),
        format!("{FILE}: merge: cases\n")
    );
    // A clone without git-setup has the attribute but not the driver.
    world
        .at("")
        .git_ok(&["clone", "--quiet", "origin.git", "plain"]);
    let plain = world.at("plain");
    plain.git(&["config", "merge.cases.driver"]).code(1);
    plain.cases(&["git-setup"], OPENED, "setup").ok();
    assert_eq!(plain.git_ok(&["config", "merge.cases.driver"]), driver);
    assert_eq!(plain.read(".gitattributes"), "cases/*/*.yaml merge=cases\n");
}

#[test]
fn git_setup_appends_to_an_existing_gitattributes_without_a_final_newline() {
    let world = World::new();
    let a = world.clone("a");
    a.write(".gitattributes", "*.png binary");
    a.cases(&["git-setup"], OPENED, "setup").ok();
    assert_eq!(
        a.read(".gitattributes"),
        "*.png binary\ncases/*/*.yaml merge=cases\n"
    );
    a.cases(&["git-setup"], OPENED, "setup").ok();
    assert_eq!(
        a.read(".gitattributes"),
        "*.png binary\ncases/*/*.yaml merge=cases\n"
    );
}

// ---------------------------------------------------------------------------
// Clean merges
// ---------------------------------------------------------------------------

#[test]
fn events_appended_in_two_clones_merge_in_time_order_either_way() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    a.cases(
        &["note", "1001", "--text", "customer sent logs", "--commit"],
        "2026-11-23T15:30:00Z",
        "alice",
    )
    .ok();
    a.push();
    // b's event is earlier than a's: in a's merge (a's event is "ours")
    // the time order differs from the order of the sides.
    b.cases(
        &["assign", "1001", "--to", "bob", "--commit"],
        "2026-11-23T15:00:00Z",
        "bob",
    )
    .ok();
    b.git_ok(&["push", "--quiet", "origin", "HEAD:b-work"]);

    let expected = case_1001(
        "open",
        Some("bob"),
        &[
            assigned("2026-11-23T15:00:00Z", "bob", "bob"),
            note("2026-11-23T15:30:00Z", "alice", "customer sent logs"),
        ],
    );
    let pulled = b.pull();
    pulled.ok().lacks("CONFLICT");
    assert_eq!(b.read(FILE), expected);
    assert_no_conflict_markers(&b.read(FILE));
    assert_eq!(parents_of_head(&b), 2);
    assert_eq!(b.status(), Vec::<String>::new());
    check_passes(&b, 1);
    let shown = b
        .cases(
            &["show", "1001", "--format", "json"],
            "2026-11-23T16:00:00Z",
            "bob",
        )
        .ok()
        .json();
    assert_eq!(shown["owner"], "bob");
    assert_eq!(shown["state"], "open");

    // The other direction: a merges b's commit into its own.
    pull_branch(&a, "b-work").ok().lacks("CONFLICT");
    assert_eq!(a.read(FILE), expected);
    assert_eq!(parents_of_head(&a), 2);
    check_passes(&a, 1);
}

#[test]
fn events_at_the_same_instant_merge_to_the_same_bytes_either_way() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    const AT: &str = "2026-11-23T15:00:00Z";
    a.cases(
        &[
            "respond",
            "1001",
            "--message",
            "looking into it",
            "--commit",
        ],
        AT,
        "alice",
    )
    .ok();
    a.push();
    b.cases(&["assign", "1001", "--to", "bob", "--commit"], AT, "bob")
        .ok();
    b.git_ok(&["push", "--quiet", "origin", "HEAD:b-work"]);

    b.pull().ok();
    pull_branch(&a, "b-work").ok();
    let in_b = b.read(FILE);
    assert_eq!(a.read(FILE).as_bytes(), in_b.as_bytes());
    assert_eq!(
        in_b,
        case_1001(
            "open",
            Some("bob"),
            &[
                assigned(AT, "bob", "bob"),
                responded(AT, "alice", "looking into it"),
            ],
        )
    );
    check_passes(&a, 1);
    check_passes(&b, 1);
}

#[test]
fn an_event_both_sides_hold_is_kept_once() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    a.cases(
        &["note", "1001", "--text", "customer sent logs", "--commit"],
        "2026-11-23T15:00:00Z",
        "alice",
    )
    .ok();
    a.push();
    // b takes a's note commit by itself (both sides now hold the event as a
    // new one), then records its own event.
    b.git_ok(&["fetch", "--quiet", "origin"]);
    b.git_ok(&["cherry-pick", "origin/main"]);
    b.cases(
        &["assign", "1001", "--to", "bob", "--commit"],
        "2026-11-23T15:30:00Z",
        "bob",
    )
    .ok();
    a.cases(
        &[
            "respond",
            "1001",
            "--message",
            "thanks, reading",
            "--commit",
        ],
        "2026-11-23T16:00:00Z",
        "alice",
    )
    .ok();
    a.push();

    b.pull().ok().lacks("CONFLICT");
    let merged = b.read(FILE);
    assert_eq!(
        merged,
        case_1001(
            "open",
            Some("bob"),
            &[
                note("2026-11-23T15:00:00Z", "alice", "customer sent logs"),
                assigned("2026-11-23T15:30:00Z", "bob", "bob"),
                responded("2026-11-23T16:00:00Z", "alice", "thanks, reading"),
            ],
        )
    );
    assert_eq!(merged.matches("event: note").count(), 1);
    assert_no_conflict_markers(&merged);
    check_passes(&b, 1);
}

/// `b` reassigns the case twice within one second (carol, then bob) while
/// `a` adds an unrelated note. Both sides replay, and so does their union in
/// b's own order; the merged owner must be bob, b's last assignment.
#[test]
fn events_one_side_recorded_at_the_same_instant_keep_their_order() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    a.cases(
        &["note", "1001", "--text", "from a", "--commit"],
        "2026-11-23T14:30:00Z",
        "alice",
    )
    .ok();
    a.push();
    const AT: &str = "2026-11-23T15:00:00Z";
    for owner in ["carol", "bob"] {
        b.cases(&["assign", "1001", "--to", owner, "--commit"], AT, "bob")
            .ok();
    }
    let before = b
        .cases(&["show", "1001", "--format", "json"], AT, "bob")
        .ok()
        .json();
    assert_eq!(before["owner"], "bob");

    b.pull().ok();
    assert_eq!(
        b.read(FILE),
        case_1001(
            "open",
            Some("bob"),
            &[
                note("2026-11-23T14:30:00Z", "alice", "from a"),
                assigned(AT, "bob", "carol"),
                assigned(AT, "bob", "bob"),
            ],
        )
    );
}

// ---------------------------------------------------------------------------
// Conflicts: every event kept, git told, check names the file and reason
// ---------------------------------------------------------------------------

#[test]
fn both_clones_closing_one_case_is_a_conflict_that_keeps_every_event() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    a.cases(
        &[
            "close",
            "1001",
            "--confirmed-by",
            "jane@acme.example",
            "--commit",
        ],
        "2026-11-24T15:00:00Z",
        "alice",
    )
    .ok();
    a.push();
    b.cases(
        &["close", "1001", "--confirmed-by", "Jane Doe", "--commit"],
        "2026-11-24T16:00:00Z",
        "bob",
    )
    .ok();
    let ours = b.read(FILE);
    let theirs = a.read(FILE);

    let reason = "history[2]: case 1001 is closed; closed is not allowed (reopen it first: cases reopen 1001)";
    b.pull()
        .code(1)
        .stdout_has(&format!("CONFLICT (content): Merge conflict in {FILE}"))
        .stderr_has(&format!(
            "cases merge-file: case 1001: kept every event of both sides, but they conflict: {reason}"
        ));
    assert_eq!(b.status(), vec![format!("UU {FILE}")]);
    let merged = b.read(FILE);
    assert_no_conflict_markers(&merged);
    assert_every_event_kept(&merged, &[&ours, &theirs]);
    // The header is ours (b's); the history holds both closures in time order.
    assert_eq!(
        merged,
        case_1001(
            "closed",
            None,
            &[
                closed("2026-11-24T15:00:00Z", "alice"),
                closed("2026-11-24T16:00:00Z", "bob"),
            ],
        )
    );
    // Lines 15-28 are the created event, 29-33 alice's closure; bob's starts
    // at line 34.
    let check = b.cases(&["check"], "2026-11-25T12:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        format!("{FILE}: unmerged in git (both modified): the merge driver kept every event of both sides but they conflict; fix what is wrong with the file, then: git add '{FILE}'\n{FILE}:34:3: {reason}\nchecked the policy and 1 case file: 2 problems\n")
    );
    // Not a number collision: renumber refuses (both sides are one case).
    b.cases(&["renumber", "1001"], "2026-11-25T12:00:00Z", "bob")
        .code(3)
        .stderr_has("both versions of case 1001 are the same case");
    assert_eq!(b.read(FILE), merged);
}

#[test]
fn both_clones_requesting_an_escalation_is_a_conflict_that_keeps_every_event() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    a.cases(
        &[
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
            "search is still slow",
            "--resources",
            "Their search administrator, for logs and tests",
            "--commit",
        ],
        "2026-11-26T15:00:00Z",
        "alice",
    )
    .ok();
    a.push();
    b.cases(
        &[
            "escalate",
            "request",
            "1001",
            "--by",
            "Jim Roe",
            "--role",
            "administrator",
            "--channel",
            "community",
            "--justification",
            "indexing is stuck",
            "--resources",
            "Their search administrator, for logs and tests",
            "--commit",
        ],
        "2026-11-26T15:30:00Z",
        "bob",
    )
    .ok();
    let ours = b.read(FILE);
    let theirs = a.read(FILE);

    let reason = "history[2]: case 1001 already has an open escalation (requested); close, decline or de-escalate it first";
    b.pull()
        .code(1)
        .stdout_has(&format!("CONFLICT (content): Merge conflict in {FILE}"))
        .stderr_has(&format!(
            "cases merge-file: case 1001: kept every event of both sides, but they conflict: {reason}"
        ));
    assert_eq!(b.status(), vec![format!("UU {FILE}")]);
    let merged = b.read(FILE);
    assert_no_conflict_markers(&merged);
    assert_every_event_kept(&merged, &[&ours, &theirs]);
    assert_eq!(
        merged,
        case_1001(
            "new",
            None,
            &[
                escalation_requested(
                    "2026-11-26T15:00:00Z",
                    "alice",
                    "Jane Doe",
                    "primary-contact",
                    "search is still slow"
                ),
                escalation_requested(
                    "2026-11-26T15:30:00Z",
                    "bob",
                    "Jim Roe",
                    "administrator",
                    "indexing is stuck"
                ),
            ],
        )
    );
    // Lines 15-28 are the created event, 29-35 alice's request; bob's starts
    // at line 36.
    let check = b.cases(&["check"], "2026-11-27T12:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        format!("{FILE}: unmerged in git (both modified): the merge driver kept every event of both sides but they conflict; fix what is wrong with the file, then: git add '{FILE}'\n{FILE}:37:3: {reason}\nchecked the policy and 1 case file: 2 problems\n")
    );
}

// ---------------------------------------------------------------------------
// --commit
// ---------------------------------------------------------------------------

/// Asserts `HEAD` is one commit on top of `before` that changed only
/// case 1001, with `message`, authored by `author` at `now`.
#[track_caller]
fn assert_committed(repo: &Repo, before: &str, message: &str, author: &str, now: &str) {
    assert_eq!(repo.rev("HEAD~1"), before, "one new commit");
    assert_eq!(repo.log1("%B", "HEAD").trim_end(), message);
    assert_eq!(repo.log1("%an|%ae", "HEAD"), format!("{author}|"));
    assert_eq!(repo.log1("%at", "HEAD"), epoch(now).to_string());
    assert_eq!(repo.log1("%cn", "HEAD"), COMMITTER_NAME);
    assert_eq!(repo.files_of("HEAD"), vec![FILE.to_string()]);
    assert_eq!(
        repo.git_ok(&["show", &format!("HEAD:{FILE}")]),
        repo.read(FILE)
    );
}

#[test]
fn commit_flag_commits_only_the_case_file_with_a_scannable_message() {
    let world = World::new();
    let a = world.clone("a");
    let before = a.rev("HEAD");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    assert_committed(
        &a,
        &before,
        "case 1001: opened: Search is slow (sev2, plus, emea)",
        "alice",
        OPENED,
    );

    // Other changes in the clone: a staged file, a modified tracked file and
    // a case written without --commit.
    a.write("notes.txt", "not a case\n");
    a.git_ok(&["add", "notes.txt"]);
    let policy = a.read("policy.yaml");
    a.write("policy.yaml", &format!("{policy}# a local edit\n"));
    assert_eq!(
        a.open("Index is stale", BO, "2026-11-23T14:10:00Z", "bob", false),
        1002
    );
    let others = vec![
        "A  notes.txt".to_string(),
        " M policy.yaml".to_string(),
        "?? cases/001/1002.yaml".to_string(),
    ];
    assert_eq!(a.status(), others);

    let steps: [(&[&str], &str, &str, &str); 3] = [
        (
            &["assign", "1001", "--to", "bob"],
            "2026-11-23T15:00:00Z",
            "carol",
            "case 1001: assigned to bob",
        ),
        (
            &[
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
                "search is still slow",
                "--resources",
                "Their search administrator, for logs and tests",
            ],
            "2026-11-26T15:00:00Z",
            "alice",
            "case 1001: escalation requested by Jane Doe (primary-contact)",
        ),
        (
            &[
                "escalate",
                "accept",
                "1001",
                "--manager",
                "Mona",
                "--update-every",
                "4h",
            ],
            "2026-11-26T16:00:00Z",
            "Mona",
            "case 1001: escalation accepted (manager: Mona)",
        ),
    ];
    for (args, now, actor, message) in steps {
        let before = a.rev("HEAD");
        let mut args = args.to_vec();
        args.push("--commit");
        a.cases(&args, now, actor).ok();
        assert_committed(&a, &before, message, actor, now);
        assert_eq!(a.status(), others, "after `{message}`");
    }

    // A refused command commits nothing.
    let before = a.rev("HEAD");
    a.cases(
        &["close", "1001", "--commit"],
        "2026-11-26T17:00:00Z",
        "alice",
    )
    .code(2);
    assert_eq!(a.rev("HEAD"), before);
    assert_eq!(a.status(), others);
}

/// Every entry of `revision`'s tree, recursively, one `mode type id\tpath`
/// a line (paths quoted by git where they are not plain).
fn tree_of(repo: &Repo, revision: &str) -> Vec<String> {
    repo.git_ok(&["ls-tree", "-r", "--full-tree", revision])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_commit_changes_the_case_file_only_and_keeps_every_other_entry_as_it_was() {
    // The commit is built from HEAD's trees: an executable, a link, a name
    // that is not UTF-8 and a nested directory elsewhere in the repository
    // come through untouched, and what else is staged stays staged.
    use std::os::unix::ffi::OsStrExt;
    let world = World::new();
    let a = world.clone("a");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    use std::os::unix::fs::PermissionsExt;
    a.write("tools/deep/run.sh", "#!/bin/sh\n");
    std::fs::set_permissions(
        a.path("tools/deep/run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::os::unix::fs::symlink("policy.yaml", a.path("policy-link")).unwrap();
    let odd = std::ffi::OsStr::from_bytes(b"docs/caf\xe9.txt");
    std::fs::create_dir_all(a.path("docs")).unwrap();
    std::fs::write(a.dir().join(odd), "latin-1 name\n").unwrap();
    a.git_ok(&["add", "--all"]);
    a.git_ok(&["commit", "--quiet", "-m", "other files"]);
    a.write("notes.txt", "staged, not a case\n");
    a.git_ok(&["add", "notes.txt"]);
    let before = tree_of(&a, "HEAD");
    a.cases(
        &["note", "1001", "--text", "customer sent logs", "--commit"],
        "2026-11-23T15:00:00Z",
        "alice",
    )
    .ok();
    let after = tree_of(&a, "HEAD");
    let changed: Vec<(&String, &String)> =
        before.iter().zip(&after).filter(|(b, a)| b != a).collect();
    assert_eq!(before.len(), after.len(), "{after:?}");
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].1.ends_with(&format!("\t{FILE}")), "{changed:?}");
    assert!(after
        .iter()
        .any(|l| l.starts_with("100755 blob ") && l.ends_with("\ttools/deep/run.sh")));
    assert!(after
        .iter()
        .any(|l| l.starts_with("120000 blob ") && l.ends_with("\tpolicy-link")));
    assert!(
        after.iter().any(|l| l.ends_with("\t\"docs/caf\\351.txt\"")),
        "{after:?}"
    );
    assert_eq!(a.files_of("HEAD"), vec![FILE.to_string()]);
    assert_eq!(a.git_ok(&["show", &format!("HEAD:{FILE}")]), a.read(FILE));
    assert_eq!(a.status(), vec!["A  notes.txt".to_string()]);
    assert_eq!(a.log1("%B", "HEAD"), "case 1001: note\n");
    a.git_ok(&["fsck", "--strict", "--no-progress"]);
}

#[test]
fn a_commit_is_signed_when_git_config_says_commits_are() {
    let world = World::new();
    let a = world.clone("a");
    let key = world.root().join("signing-key");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f"])
        .arg(&key)
        .status()
        .expect("run ssh-keygen");
    assert!(made.success());
    a.git_ok(&["config", "gpg.format", "ssh"]);
    a.git_ok(&["config", "user.signingkey", &key.display().to_string()]);
    a.git_ok(&["config", "commit.gpgSign", "true"]);
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    let commit = a.git_ok(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains("gpgsig -----BEGIN SSH SIGNATURE-----"),
        "{commit}"
    );
    assert_eq!(a.files_of("HEAD"), vec![FILE.to_string()]);
}

#[test]
fn during_a_merge_a_commit_is_refused_as_git_commit_refuses_it_and_the_write_kept() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    for (repo, text) in [(&a, "from a\n"), (&b, "from b\n")] {
        repo.write("notes.txt", text);
        repo.git_ok(&["add", "notes.txt"]);
        repo.git_ok(&["commit", "--quiet", "-m", "notes"]);
    }
    a.push();
    b.pull().code(1);
    let before = b.rev("HEAD");
    b.cases(
        &["note", "1001", "--text", "during the merge", "--commit"],
        "2026-11-23T15:00:00Z",
        "bob",
    )
    .ok()
    .stderr_has("cases: warning: recorded but not committed (git commit: ")
    .stderr_has("commit it with: git commit -- ");
    assert_eq!(b.rev("HEAD"), before, "no commit on one side of the merge");
    assert!(b.exists(".git/MERGE_HEAD"));
    assert!(b.read(FILE).contains("during the merge"));
}

#[test]
fn the_first_commit_of_a_repository_holds_the_case_file_only() {
    let world = World::new();
    let fresh = world.at("fresh");
    fresh.git_ok(&["init", "--quiet"]);
    fresh
        .cases(&["init", "."], "2026-11-23T12:00:00Z", "setup")
        .ok();
    assert_eq!(
        fresh.open("Search is slow", JANE, OPENED, "alice", true),
        1001
    );
    assert_eq!(fresh.git_ok(&["rev-list", "--count", "HEAD"]), "1\n");
    assert_eq!(fresh.files_of("HEAD"), vec![FILE.to_string()]);
    assert_eq!(
        fresh.log1("%s", "HEAD"),
        "case 1001: opened: Search is slow (sev2, plus, emea)"
    );
}

#[test]
fn git_config_cases_commit_makes_committing_the_default() {
    let world = World::new();
    let a = world.clone("a");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);

    // Neither the flag nor the setting: the file changes, nothing is committed.
    let before = a.rev("HEAD");
    a.cases(
        &["note", "1001", "--text", "customer sent logs"],
        "2026-11-23T15:00:00Z",
        "alice",
    )
    .ok();
    assert_eq!(a.rev("HEAD"), before);
    assert_eq!(a.status(), vec![format!(" M {FILE}")]);

    a.git_ok(&["config", "cases.commit", "true"]);
    a.cases(
        &["assign", "1001", "--to", "bob"],
        "2026-11-23T15:30:00Z",
        "bob",
    )
    .ok();
    assert_committed(
        &a,
        &before,
        "case 1001: assigned to bob",
        "bob",
        "2026-11-23T15:30:00Z",
    );
    assert_eq!(a.status(), Vec::<String>::new());
    assert_eq!(
        a.read(FILE),
        case_1001(
            "open",
            Some("bob"),
            &[
                note("2026-11-23T15:00:00Z", "alice", "customer sent logs"),
                assigned("2026-11-23T15:30:00Z", "bob", "bob"),
            ],
        )
    );

    // Switched off again: no commit.
    a.git_ok(&["config", "cases.commit", "false"]);
    let before = a.rev("HEAD");
    a.cases(
        &["respond", "1001", "--message", "on it"],
        "2026-11-23T16:00:00Z",
        "bob",
    )
    .ok();
    assert_eq!(a.rev("HEAD"), before);
    assert_eq!(a.status(), vec![format!(" M {FILE}")]);
}

// ---------------------------------------------------------------------------
// history
// ---------------------------------------------------------------------------

#[test]
fn history_joins_events_with_the_commits_that_recorded_them() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    let opened = a.rev("HEAD");
    b.cases(
        &["assign", "1001", "--to", "bob", "--commit"],
        "2026-11-23T15:00:00Z",
        "bob",
    )
    .ok();
    let assigned_in_b = b.rev("HEAD");
    b.push();
    a.cases(
        &["note", "1001", "--text", "customer sent logs", "--commit"],
        "2026-11-23T15:30:00Z",
        "alice",
    )
    .ok();
    let noted = a.rev("HEAD");
    a.pull().ok();
    assert_eq!(parents_of_head(&a), 2);
    a.cases(
        &["respond", "1001", "--message", "on it"],
        "2026-11-23T16:00:00Z",
        "alice",
    )
    .ok();

    let commits = [
        (&opened, "alice", OPENED),
        (&assigned_in_b, "bob", "2026-11-23T15:00:00Z"),
        (&noted, "alice", "2026-11-23T15:30:00Z"),
    ];
    let mut dates = Vec::new();
    for (hash, author, now) in commits {
        assert_eq!(a.log1("%an", hash), author);
        assert_eq!(a.log1("%at", hash), epoch(now).to_string());
        dates.push(a.log1("%aI", hash));
    }

    let table = a.cases(&["history", "1001"], "2026-11-23T17:00:00Z", "alice");
    let lines = table.ok().stdout_lines();
    assert_eq!(lines.len(), 6, "{}", table.stdout);
    assert_eq!(lines[0], "at event by commit author date");
    assert!(lines[1].chars().all(|c| c == '-'), "{}", table.stdout);
    assert_eq!(
        lines[2..],
        [
            format!(
                "2026-11-23 14:05 GMT opened: Search is slow (sev2, plus, emea) alice {} alice {}",
                &opened[..10],
                dates[0]
            ),
            format!(
                "2026-11-23 15:00 GMT assigned to bob bob {} bob {}",
                &assigned_in_b[..10],
                dates[1]
            ),
            format!(
                "2026-11-23 15:30 GMT note alice {} alice {}",
                &noted[..10],
                dates[2]
            ),
            "2026-11-23 16:00 GMT responded alice (uncommitted) - -".to_string(),
        ]
    );

    let items = a
        .cases(
            &["history", "1001", "--format", "json"],
            "2026-11-23T17:00:00Z",
            "alice",
        )
        .ok()
        .json();
    let items = items.as_array().expect("an array");
    assert_eq!(items.len(), 4);
    let summary: Vec<Value> = items
        .iter()
        .map(|item| json!([item["at"], item["event"], item["by"], item["commit"]]))
        .collect();
    assert_eq!(
        summary,
        vec![
            json!([OPENED, "created", "alice", {"hash": opened, "author": "alice", "date": dates[0]}]),
            json!(["2026-11-23T15:00:00Z", "assigned", "bob", {"hash": assigned_in_b, "author": "bob", "date": dates[1]}]),
            json!(["2026-11-23T15:30:00Z", "note", "alice", {"hash": noted, "author": "alice", "date": dates[2]}]),
            json!(["2026-11-23T16:00:00Z", "responded", "alice", null]),
        ]
    );
    assert_eq!(items[0]["title"], "Search is slow");
    assert_eq!(items[1]["owner"], "bob");
    assert_eq!(items[2]["text"], "customer sent logs");
    assert_eq!(items[3]["message"], "on it");
}

// ---------------------------------------------------------------------------
// Number collisions
// ---------------------------------------------------------------------------

/// A world where `a` opened case 1001 "Search is slow" (pushed) and `b`
/// opened its own case 1001 "Index is stale" (committed, not pushed).
/// Returns the clones and b's version of the file.
fn colliding_clones(world: &World) -> (Repo<'_>, Repo<'_>, String) {
    let a = world.clone("a");
    let b = world.clone("b");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    a.push();
    assert_eq!(
        b.open("Index is stale", BO, "2026-11-23T14:10:00Z", "bob", true),
        1001
    );
    let ours = b.read(FILE);
    assert_eq!(
        ours,
        format!(
            "{}{}",
            header(1001, "Index is stale", BO, "new", None),
            created("2026-11-23T14:10:00Z", "bob", "Index is stale", BO)
        )
    );
    (a, b, ours)
}

const COLLISION: &str = "history[1]: a second created event: two different cases were recorded as case 1001 (a number collision between clones; resolve it during the merge with: cases renumber 1001)";

/// The titles of every case, by number.
fn titles(repo: &Repo) -> Vec<(u64, String)> {
    repo.cases(&["list", "--format", "json"], "2026-11-27T12:00:00Z", "ci")
        .ok()
        .json()
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| {
            (
                c["number"].as_u64().expect("a number"),
                c["title"].as_str().expect("a title").to_string(),
            )
        })
        .collect()
}

#[test]
fn a_number_collision_is_detected_and_renumbering_loses_nothing() {
    let world = World::new();
    let (a, b, ours) = colliding_clones(&world);
    let theirs = a.read(FILE);

    b.pull()
        .code(1)
        .stdout_has(&format!("CONFLICT (add/add): Merge conflict in {FILE}"))
        .stderr_has(
            "cases merge-file: case 1001: kept every event of both sides, but they conflict: two different cases were created as case 1001 (resolve with: cases renumber 1001)",
        );
    assert_eq!(b.status(), vec![format!("AA {FILE}")]);
    let merged = b.read(FILE);
    assert_no_conflict_markers(&merged);
    assert_every_event_kept(&merged, &[&ours, &theirs]);
    assert_eq!(history_items(&merged).len(), 2);
    // Lines 15-28 are a's created event (the earlier one); b's starts at 29.
    let check = b.cases(&["check"], "2026-11-23T16:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        format!("{FILE}: unmerged in git (both added): two clones opened case 1001; give the local one a new number: cases renumber 1001\n{FILE}:29:3: {COLLISION}\nchecked the policy and 1 case file: 2 problems\n")
    );

    let renumbered = b.cases(&["renumber", "1001"], "2026-11-23T16:00:00Z", "bob");
    renumbered.ok();
    assert_eq!(renumbered.stdout, "1002\n");
    assert_eq!(
        renumbered.stderr,
        "case 1001: kept their version (Search is slow); our case is now 1002 (it records its old number)\n\
         both files are staged; finish the merge with: git commit\n"
    );
    // The remote case keeps 1001 byte for byte; the local one is 1002 and
    // records its old number; both are staged.
    assert_eq!(b.read(FILE), theirs);
    assert_eq!(
        b.read("cases/001/1002.yaml"),
        format!(
            "{}{}- at: 2026-11-23T16:00:00Z\n  event: renumbered\n  by: bob\n  old_number: 1001\n",
            header(1002, "Index is stale", BO, "new", None),
            created("2026-11-23T14:10:00Z", "bob", "Index is stale", BO)
        )
    );
    assert_eq!(
        b.status(),
        vec![format!("M  {FILE}"), "A  cases/001/1002.yaml".to_string()]
    );
    let shown = b
        .cases(
            &["show", "1002", "--format", "json"],
            "2026-11-23T16:00:00Z",
            "bob",
        )
        .ok()
        .json();
    let last = shown["history"]
        .as_array()
        .and_then(|h| h.last())
        .cloned()
        .unwrap_or_else(|| panic!("no history in {shown:#}"));
    assert_eq!(last["event"], "renumbered");
    assert_eq!(last["old_number"], 1001);

    b.git_ok(&["commit", "--quiet", "--no-edit"]);
    assert_eq!(parents_of_head(&b), 2);
    check_passes(&b, 2);
    let both = vec![
        (1001, "Search is slow".to_string()),
        (1002, "Index is stale".to_string()),
    ];
    assert_eq!(titles(&b), both);

    // a gets both cases as they are in b.
    b.push();
    a.pull().ok();
    assert_eq!(titles(&a), both);
    assert_eq!(a.read(FILE), theirs);
    assert_eq!(a.read("cases/001/1002.yaml"), b.read("cases/001/1002.yaml"));
    check_passes(&a, 2);
}

#[test]
fn a_number_collision_met_in_a_rebase_renumbers_their_side() {
    let world = World::new();
    let (a, b, ours) = colliding_clones(&world);
    let theirs = a.read(FILE);
    b.git(&["pull", "--rebase"]).code(1);
    // In a rebase, git's "ours" is the upstream (a's case) and "theirs" the
    // local commit being replayed (b's case).
    b.cases(
        &["renumber", "1001", "--side", "theirs"],
        "2026-11-23T16:00:00Z",
        "bob",
    )
    .ok()
    .stdout_has("1002");
    b.git(&["-c", "core.editor=true", "rebase", "--continue"])
        .ok();
    assert_eq!(b.read(FILE), theirs);
    assert_eq!(
        b.read("cases/001/1002.yaml"),
        format!(
            "{}- at: 2026-11-23T16:00:00Z\n  event: renumbered\n  by: bob\n  old_number: 1001\n",
            ours.replacen("number: 1001\n", "number: 1002\n", 1)
        )
    );
    assert_eq!(parents_of_head(&b), 1);
    check_passes(&b, 2);
    assert_eq!(
        titles(&b),
        vec![
            (1001, "Search is slow".to_string()),
            (1002, "Index is stale".to_string()),
        ]
    );
}

#[test]
fn renumber_outside_a_collision_is_a_usage_error() {
    let world = World::new();
    let a = world.clone("a");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    let before = a.read(FILE);
    a.cases(&["renumber", "1001"], "2026-11-23T16:00:00Z", "alice")
        .code(2)
        .stderr_has(&format!(
            "cases: error: case 1001 is not in a number collision: git's index holds no conflicting versions of {FILE}"
        ));
    assert_eq!(a.read(FILE), before);
    assert!(!a.exists("cases/001/1002.yaml"));
    assert_eq!(a.status(), Vec::<String>::new());
}

#[test]
fn two_files_claiming_one_number_fail_check_with_both_paths() {
    let world = World::new();
    let a = world.clone("a");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    a.write("cases/001/1002.yaml", &a.read(FILE));
    let check = a.cases(&["check"], "2026-11-23T16:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        "cases/001/1002.yaml:1:1: number: the file holds case 1001 but its path is that of case 1002; cases/001/1001.yaml also claims case 1001\nchecked the policy and 2 case files: 1 problem\n"
    );
}

/// `renumber` is a mutating command; with committing made the default it
/// must still resolve the collision instead of failing because git refuses
/// a partial commit during a merge.
#[test]
fn renumber_with_committing_on_by_default_resolves_the_collision() {
    let world = World::new();
    let (a, b, _) = colliding_clones(&world);
    let theirs = a.read(FILE);
    b.git_ok(&["config", "cases.commit", "true"]);
    b.pull().code(1);
    b.cases(&["renumber", "1001"], "2026-11-23T16:00:00Z", "bob")
        .ok()
        .lacks("error");
    if b.exists(".git/MERGE_HEAD") {
        b.git_ok(&["commit", "--quiet", "--no-edit"]);
    }
    assert_eq!(b.read(FILE), theirs);
    assert_eq!(b.status(), Vec::<String>::new());
    check_passes(&b, 2);
}

// ---------------------------------------------------------------------------
// merge-file on plain files
// ---------------------------------------------------------------------------

/// Writes `base`, `ours` and `theirs` in `dir`, runs `cases merge-file` on
/// them (named by absolute paths) and returns the run and what OURS holds
/// afterwards.
fn merge_files(dir: &Repo, base: &str, ours: &str, theirs: &str) -> (Output, String) {
    merge_files_named(dir, base, ours, theirs, |name| {
        dir.path(name).display().to_string()
    })
}

/// [`merge_files`] with the paths passed as `name` makes them.
fn merge_files_named(
    dir: &Repo,
    base: &str,
    ours: &str,
    theirs: &str,
    name: impl Fn(&str) -> String,
) -> (Output, String) {
    dir.write("base.yaml", base);
    dir.write("ours.yaml", ours);
    dir.write("theirs.yaml", theirs);
    let (b, o, t) = (name("base.yaml"), name("ours.yaml"), name("theirs.yaml"));
    let out = dir.cases(&["merge-file", &b, &o, &t], "2026-11-27T12:00:00Z", "git");
    assert_eq!(dir.read("base.yaml"), base, "BASE is left alone");
    assert_eq!(dir.read("theirs.yaml"), theirs, "THEIRS is left alone");
    let merged = dir.read("ours.yaml");
    (out, merged)
}

#[test]
fn merge_file_writes_the_clean_merge_to_ours() {
    let world = World::new();
    let dir = world.at("files");
    let base = case_1001("new", None, &[]);
    let ours = case_1001(
        "new",
        None,
        &[note("2026-11-23T15:30:00Z", "alice", "customer sent logs")],
    );
    let theirs = case_1001(
        "open",
        Some("bob"),
        &[assigned("2026-11-23T15:00:00Z", "bob", "bob")],
    );
    let expected = case_1001(
        "open",
        Some("bob"),
        &[
            assigned("2026-11-23T15:00:00Z", "bob", "bob"),
            note("2026-11-23T15:30:00Z", "alice", "customer sent logs"),
        ],
    );
    let (out, merged) = merge_files(&dir, &base, &ours, &theirs);
    out.ok();
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "");
    assert_eq!(merged, expected);
    // Sides swapped: the same bytes.
    let (out, merged) = merge_files(&dir, &base, &theirs, &ours);
    out.ok();
    assert_eq!(merged, expected);
    // An event both sides added is kept once.
    let (out, merged) = merge_files(&dir, &base, &expected, &theirs);
    out.ok();
    assert_eq!(merged, expected);
    // Bare file names in the working directory, as git passes them.
    let (out, merged) = merge_files_named(&dir, &base, &ours, &theirs, str::to_string);
    out.ok();
    assert_eq!(merged, expected);
}

#[test]
fn merge_file_keeps_every_event_of_irreconcilable_sides_and_exits_1() {
    let world = World::new();
    let dir = world.at("files");
    let base = case_1001("new", None, &[]);
    let ours = case_1001("closed", None, &[closed("2026-11-24T16:00:00Z", "bob")]);
    let theirs = case_1001("closed", None, &[closed("2026-11-24T15:00:00Z", "alice")]);
    let (out, merged) = merge_files(&dir, &base, &ours, &theirs);
    out.code(1);
    assert_eq!(
        out.stderr,
        "cases merge-file: case 1001: kept every event of both sides, but they conflict: history[2]: case 1001 is closed; closed is not allowed (reopen it first: cases reopen 1001)\n"
    );
    assert_eq!(
        merged,
        case_1001(
            "closed",
            None,
            &[
                closed("2026-11-24T15:00:00Z", "alice"),
                closed("2026-11-24T16:00:00Z", "bob"),
            ],
        )
    );
}

#[test]
fn merge_file_with_an_unparsable_side_falls_back_to_a_line_merge_with_markers() {
    let world = World::new();
    let dir = world.at("files");
    let base = case_1001("new", None, &[]);
    let valid_event = note("2026-11-23T15:30:00Z", "alice", "customer sent logs");
    let valid = format!("{base}{valid_event}");
    let broken_event = "- at: sometime\n  event: [not, a, case\n";
    let broken = format!("{base}{broken_event}");
    for (side, ours, theirs) in [
        ("theirs", valid.as_str(), broken.as_str()),
        ("ours", broken.as_str(), valid.as_str()),
    ] {
        let (out, merged) = merge_files(&dir, &base, ours, theirs);
        out.code(1);
        assert_eq!(
            out.stderr,
            format!(
                "cases merge-file: {side} is not a valid case file; merged line by line with conflict markers\n"
            )
        );
        let (ours_event, theirs_event) = if side == "theirs" {
            (valid_event.as_str(), broken_event)
        } else {
            (broken_event, valid_event.as_str())
        };
        assert_eq!(
            merged,
            format!("{base}<<<<<<< ours\n{ours_event}=======\n{theirs_event}>>>>>>> theirs\n")
        );
    }
}

/// git calls the driver with bare names of temporary files in the work
/// tree's top (`.merge_file_XXXXXX`); the line-merge fallback must work
/// with such names too.
#[test]
fn merge_file_line_fallback_works_with_bare_file_names() {
    let world = World::new();
    let dir = world.at("files");
    let base = case_1001("new", None, &[]);
    let valid_event = note("2026-11-23T15:30:00Z", "alice", "customer sent logs");
    let broken_event = "- at: sometime\n  event: [not, a, case\n";
    let (out, merged) = merge_files_named(
        &dir,
        &base,
        &format!("{base}{valid_event}"),
        &format!("{base}{broken_event}"),
        str::to_string,
    );
    out.code(1);
    assert_eq!(
        merged,
        format!("{base}<<<<<<< ours\n{valid_event}=======\n{broken_event}>>>>>>> theirs\n")
    );
}

/// One clone commits a hand edit that leaves case 1001 unparsable, the
/// other records an event: the pull is a conflict and the work tree file
/// holds both sides between conflict markers, so `check` flags it.
#[test]
fn a_pull_with_an_unparsable_side_leaves_both_sides_in_the_file() {
    let world = World::new();
    let (a, b) = two_clones_sharing_case_1001(&world);
    let base = a.read(FILE);
    let broken_event = "- at: sometime\n  event: [not, a, case\n";
    a.write(FILE, &format!("{base}{broken_event}"));
    a.git_ok(&["commit", "--quiet", "-am", "hand edit"]);
    a.push();
    b.cases(
        &["note", "1001", "--text", "customer sent logs", "--commit"],
        "2026-11-23T15:30:00Z",
        "bob",
    )
    .ok();
    let valid_event = note("2026-11-23T15:30:00Z", "bob", "customer sent logs");
    assert_eq!(b.read(FILE), format!("{base}{valid_event}"));
    b.pull()
        .code(1)
        .stdout_has(&format!("CONFLICT (content): Merge conflict in {FILE}"))
        .stderr_has("cases merge-file: theirs is not a valid case file; merged line by line with conflict markers");
    assert_eq!(b.status(), vec![format!("UU {FILE}")]);
    assert_eq!(
        b.read(FILE),
        format!("{base}<<<<<<< ours\n{valid_event}=======\n{broken_event}>>>>>>> theirs\n")
    );
    b.cases(&["check"], "2026-11-27T12:00:00Z", "ci")
        .code(1)
        .stdout_has(&format!("{FILE}:29:1: unresolved git conflict marker"));
}

/// The commit `history` names for each event of case `number`, in order.
fn commits_of(repo: &Repo, number: &str) -> Vec<String> {
    let history = repo
        .cases(
            &["history", number, "--format", "json"],
            "2026-11-27T12:00:00Z",
            "ci",
        )
        .ok()
        .json();
    history
        .as_array()
        .expect("an array")
        .iter()
        .map(|event| event["commit"]["hash"].as_str().unwrap_or("-").to_string())
        .collect()
}

#[test]
fn history_follows_a_renumbered_case_to_its_old_number() {
    let world = World::new();
    let (a, b, _) = colliding_clones(&world);
    b.cases(
        &["note", "1001", "--text", "Reindexing tonight", "--commit"],
        "2026-11-23T15:00:00Z",
        "bob",
    )
    .ok();
    let opened_in_b = b.rev("HEAD~1");
    let noted_in_b = b.rev("HEAD");
    b.pull().code(1);
    b.cases(&["renumber", "1001"], "2026-11-23T16:00:00Z", "bob")
        .ok();
    b.git_ok(&["commit", "--quiet", "--no-edit"]);
    let merge = b.rev("HEAD");
    // Case 1002 was recorded as 1001 until the merge: its first events are
    // found in the commits that recorded them, under the old path.
    assert_eq!(commits_of(&b, "1002"), [opened_in_b, noted_in_b, merge]);
    // The case that kept 1001 is attributed to a's commit only, never to
    // b's versions of the same path (another case).
    assert_eq!(commits_of(&b, "1001"), [a.rev("HEAD")]);
}

/// Issue 15, item 10: after a run that failed half-way (`.git/index.lock`
/// present), a second `renumber` made a second copy of the case under yet
/// another number. Now the second run finishes the first.
#[test]
fn renumber_is_safe_to_run_again_after_a_failure() {
    let world = World::new();
    let (_a, b, _) = colliding_clones(&world);
    b.pull().code(1);
    b.write(".git/index.lock", "");
    let failed = b.cases(&["renumber", "1001"], "2026-11-23T16:00:00Z", "bob");
    failed.code(4);
    failed
        .stderr_has("index.lock")
        .stderr_has("the files are written (case 1001 and case 1002); fix that and run cases renumber 1001 again (it reuses case 1002)");
    std::fs::remove_file(b.path(".git/index.lock")).unwrap();
    let moved = b.read("cases/001/1002.yaml");
    let again = b.cases(&["renumber", "1001"], "2026-11-23T16:05:00Z", "bob");
    again.ok();
    assert_eq!(again.stdout, "1002\n");
    assert_eq!(
        b.read("cases/001/1002.yaml"),
        moved,
        "the moved case is reused as it is"
    );
    assert!(!b.exists("cases/001/1003.yaml"), "no second copy");
    assert_eq!(
        b.status(),
        vec![format!("M  {FILE}"), "A  cases/001/1002.yaml".to_string()]
    );
    b.git_ok(&["commit", "--quiet", "--no-edit"]);
    check_passes(&b, 2);
}

/// Issue 15, item 8: when the merge driver fails (or is missing) git leaves
/// the case file as ours with status `UU` and the other side's events only
/// in the index; `check` passed. A modify/delete conflict passed too.
#[test]
fn check_reports_paths_git_left_unmerged() {
    let world = World::new();
    let a = world.clone("a");
    let b = world.clone("b");
    assert_eq!(a.open("Search is slow", JANE, OPENED, "alice", true), 1001);
    a.push();
    b.pull().ok();
    a.cases(
        &["--commit", "note", "1001", "--text", "from a"],
        "2026-11-23T15:00:00Z",
        "alice",
    )
    .ok();
    a.push();
    b.cases(
        &["--commit", "note", "1001", "--text", "from b"],
        "2026-11-23T15:10:00Z",
        "bob",
    )
    .ok();
    // A driver that fails, as a moved binary would.
    b.git_ok(&["config", "merge.cases.driver", "false"]);
    b.pull().code(1);
    assert_eq!(b.status(), vec![format!("UU {FILE}")]);
    let check = b.cases(&["check"], "2026-11-23T16:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        format!(
            "{FILE}: unmerged in git (both modified): the cases merge driver did not run or failed, and the file holds our side only; set the driver up (cases git-setup), merge again with: git checkout -m -- '{FILE}', then: git add '{FILE}'\n\
             checked the policy and 1 case file: 1 problem\n"
        )
    );
    // What check says to do works: the driver merges both notes.
    b.cases(&["git-setup"], "2026-11-23T16:00:00Z", "setup")
        .ok();
    b.git_ok(&["checkout", "-m", "--", FILE]);
    let merged = b.read(FILE);
    assert!(
        merged.contains("text: from a") && merged.contains("text: from b"),
        "{merged}"
    );
    b.git_ok(&["add", FILE]);
    b.git_ok(&["commit", "--quiet", "--no-edit"]);
    check_passes(&b, 1);
    b.push();

    // Modify/delete: a deletes the case, b adds to it.
    a.pull().ok();
    a.git_ok(&["rm", "--quiet", FILE]);
    a.git_ok(&["commit", "--quiet", "-m", "drop 1001"]);
    a.push();
    b.cases(
        &["--commit", "note", "1001", "--text", "again"],
        "2026-11-23T17:00:00Z",
        "bob",
    )
    .ok();
    b.pull().code(1);
    let check = b.cases(&["check"], "2026-11-23T18:00:00Z", "ci");
    check.code(1);
    assert_eq!(
        check.stdout,
        format!(
            "{FILE}: unmerged in git (deleted on one side, changed on the other): keep it with git add '{FILE}' or delete it with git rm '{FILE}'\n\
             checked the policy and 1 case file: 1 problem\n"
        )
    );
}
