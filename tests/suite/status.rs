//! `cases status --account NAME` and the site's account pages (issue 26):
//! the whole outputs on the sample store, the exit codes, the policy
//! switch, and the leak test — for every account of the sample store and
//! of a hostile store (a marker text in every internal field of every
//! case, accounts with look-alike names, hostile names), no other
//! account's case, title, name or public text and no internal text appears
//! in any format of `status` nor in any account page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::{Env, NewCase, DEFAULT_POLICY, JANE};

/// Friday 2026-11-27 10:00 in Toronto: the sample store's "now".
const NOW: &str = "2026-11-27T15:00:00Z";

/// The bundled policy's switch, as `policy.yaml` ends with it.
const SWITCH: &str = "customer_status:\n  enabled: true\n";

/// Every account of `env`'s store, from `list`.
fn accounts(env: &Env, now: &str) -> BTreeMap<String, Vec<u64>> {
    let list = env.run(&["list", "--format", "json"]).now(now).ok().json();
    let mut accounts: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for case in list.as_array().unwrap() {
        accounts
            .entry(case["account"].as_str().unwrap().to_string())
            .or_default()
            .push(case["number"].as_u64().unwrap());
    }
    accounts
}

/// What `cases args...` did at [`NOW`], as one text.
fn run(env: &Env, args: &[&str]) -> String {
    let out = env.run(args).now(NOW).env("CASES_NO_CACHE", "1").output();
    format!(
        "$ cases {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.iter()
            .map(|a| if a.contains(' ') {
                format!("{a:?}")
            } else {
                a.to_string()
            })
            .collect::<Vec<_>>()
            .join(" "),
        out.code,
        out.stdout,
        out.stderr
    )
}

#[test]
fn status_of_every_account_of_the_sample_store() {
    let env = Env::sample();
    let accounts = accounts(&env, NOW);
    assert_eq!(accounts.len(), 9, "{accounts:?}");
    for format in ["table", "json", "csv", "markdown"] {
        let all: Vec<String> = accounts
            .keys()
            .map(|account| run(&env, &["status", "--account", account, "--format", format]))
            .collect();
        insta::assert_snapshot!(format!("status_{format}"), all.join("\n"));
    }
}

#[test]
fn closed_within_shows_older_closed_cases_and_an_account_without_one_is_an_empty_success() {
    let env = Env::sample();
    // 1008 closed on 2026-10-07: outside the reopen window, inside 90 days.
    let json = env
        .run(&["status", "-a", "Acme Corp", "--format", "json"])
        .now(NOW)
        .ok()
        .json();
    let numbers: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1001, 1010]);
    let json = env
        .run(&[
            "status",
            "-a",
            "Acme Corp",
            "--closed-within",
            "90d",
            "--format",
            "json",
        ])
        .now(NOW)
        .ok()
        .json();
    let numbers: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1001, 1008, 1010]);
    // A look-alike name is another account: nothing, and no other name.
    let out = env
        .run(&["status", "--account", "Acme", "--format", "json"])
        .now(NOW)
        .ok();
    out.stdout_is("[]\n").stderr_is(
        "cases: no case of account \"Acme\" to show (open, or closed within the reopen window); an account is matched by its whole name\n",
    );
    env.run(&["status", "--account", "Acme", "--quiet"])
        .now(NOW)
        .ok()
        .stderr_is("");
}

#[test]
fn bad_input_is_refused_with_the_documented_code_and_one_line() {
    let env = Env::sample();
    env.run(&["status", "--account", "  "])
        .refused(2)
        .stderr_is(
            "cases: error: --account must name an account (its whole name, as on its cases)\n",
        );
    env.run(&["status", "--account", "Globex", "--format", "html"])
        .refused(2)
        .stderr_is("cases: error: --format html is not available for cases status (allowed: table, json, csv, markdown)\n");
    let out = env
        .run(&["status", "--account", "Globex", "--closed-within", "soon"])
        .refused(2);
    assert!(
        out.stderr.contains("--closed-within") && out.stdout.is_empty(),
        "{out}"
    );
    let out = env.run(&["status"]).refused(2);
    assert!(out.stderr.contains("--account"), "{out}");
}

#[test]
fn an_invalid_case_file_stops_the_view_with_a_line_that_names_no_file() {
    let env = Env::sample();
    // Another account's broken file: exit 4, and nothing of it is quoted
    // (the output may be pasted to a customer); check names it.
    env.write(
        "cases/001/1013.yaml",
        "number: 1013\ntitle: [Globex Secret\n",
    );
    env.run(&["status", "--account", "Acme Corp"]).refused(4).stdout_is("").stderr_is(
        "cases: error: a case file of the store is invalid or cannot be read (run cases check for which one and why)\n",
    );
    env.run(&["check"])
        .code(1)
        .stdout_has("cases/001/1013.yaml");
}

#[test]
fn the_switch_off_refuses_status_and_the_site_writes_no_account_page() {
    let env = Env::sample();
    // On: every account has a page, the index lists them.
    env.run(&["site", "on"]).now(NOW).ok();
    let on = files_under(&env.path("on"));
    assert!(on.contains_key("accounts.html"));
    // Off: the policy without the section (as every policy before it).
    env.replace("policy.yaml", SWITCH, "");
    env.run(&["status", "--account", "Globex"]).refused(3).stdout_is("").stderr_is(
        "cases: error: the customer status view is off in policy.yaml: add `customer_status: {enabled: true}` to it to turn it on\n",
    );
    // Off is also `enabled: false`; the current policy decides, whatever
    // version the cases recorded.
    env.write(
        "policy.yaml",
        DEFAULT_POLICY.replace(SWITCH, "customer_status:\n  enabled: false\n"),
    );
    env.run(&["status", "-a", "Globex", "--format", "json"])
        .refused(3);
    let out = env.run(&["site", "off"]).now(NOW).ok();
    assert!(!out.stderr.contains("account"), "{out}");
    let off = files_under(&env.path("off"));
    // The site is the one without the feature: the same files but the
    // account pages, each byte for byte, and the index without its
    // accounts section.
    let expected: BTreeMap<String, Vec<u8>> = on
        .iter()
        .filter(|(path, _)| *path != "accounts.html" && !path.starts_with("accounts/"))
        .map(|(path, bytes)| {
            let bytes = if path == "index.html" {
                let text = String::from_utf8(bytes.clone()).unwrap();
                let start = text.find("<section id=\"accounts\">").unwrap();
                let end = start + text[start..].find("</section>\n").unwrap() + 11;
                format!("{}{}", &text[..start], &text[end..]).into_bytes()
            } else {
                bytes.clone()
            };
            (path.clone(), bytes)
        })
        .collect();
    assert_eq!(
        off.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(off[path] == *bytes, "{path} differs with the switch off");
    }
}

/// Every file under `dir`, relative, `/`-separated, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel: Vec<String> = path
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The instant the hostile store is read at: Monday 2026-11-30 15:00 UTC.
const HOSTILE_NOW: &str = "2026-11-30T15:00:00Z";

/// The accounts of the hostile store: look-alikes of one another, and
/// names that are hostile as HTML and as paths.
const HOSTILE_ACCOUNTS: [&str; 6] = [
    "Acme",
    "Acme Corp",
    "ACME CORP",
    "Acme Corp Ltd",
    "<b>Evil</b> & \"Co\" ../../x",
    "Zoë Ünïcode",
];

/// What the hostile store holds: for each account, the texts only it may
/// see (titles and public messages) and its case numbers; and every
/// internal text of every case, which nobody may see.
#[derive(Default)]
struct Hostile {
    own: BTreeMap<String, Vec<String>>,
    numbers: BTreeMap<String, BTreeSet<u64>>,
    internal: Vec<String>,
}

/// A store with, for each account `i` (tag `A{i}`): a case with an event of
/// most kinds (an internal marker in every internal field: notes, phone
/// notes, the customer's reply, the ticket, a contact, the owner, the
/// actor, the manager, the justification, the resources, the review note,
/// the de-escalation reason, an old title and an old account), a case
/// closed within the reopen window with a note, and a case closed long
/// ago (not shown).
fn hostile() -> (Env, Hostile) {
    let env = Env::new();
    let mut store = Hostile::default();
    let mut next = 1001;
    for (i, account) in HOSTILE_ACCOUNTS.iter().enumerate() {
        let tag = format!("A{i}x");
        let secret = |what: &str| format!("{what}-SECRET-{tag}");
        let own = store.own.entry(account.to_string()).or_default();
        let numbers = store.numbers.entry(account.to_string()).or_default();
        let step = |at: &str, actor: &str, args: &[&str]| {
            env.run(args).now(at).actor(actor).ok();
        };
        // The case with everything, opened under a former account.
        let former = secret("FORMER");
        let old_title = secret("OLDTITLE");
        let case = NewCase {
            title: &old_title,
            account: &former,
            contacts: vec![JANE],
            ..NewCase::default()
        };
        let n = env.open_at(&case, "2026-11-23T14:05:00Z");
        assert_eq!(n, next);
        next += 1;
        let number = n.to_string();
        let num = number.as_str();
        let actor = secret("actor").to_lowercase();
        let owner = secret("owner").to_lowercase();
        let manager = secret("manager").to_lowercase();
        let title = format!("TITLE-{tag} <i>{account}</i>");
        let contact = format!("{} <contact{i}@secret.example>", secret("CONTACT"));
        step(
            "2026-11-23T14:06:00Z",
            &actor,
            &["edit", num, "--account", account],
        );
        step(
            "2026-11-23T14:07:00Z",
            &actor,
            &["edit", num, "--title", &title],
        );
        step(
            "2026-11-23T14:08:00Z",
            &actor,
            &["assign", num, "--to", &owner],
        );
        step(
            "2026-11-23T14:09:00Z",
            &actor,
            &[
                "phone",
                num,
                "--call",
                "voicemail",
                "--note",
                &secret("PHONENOTE"),
            ],
        );
        step(
            "2026-11-23T14:10:00Z",
            &actor,
            &["note", num, "--text", &secret("NOTE")],
        );
        let response = format!("PUBLIC-RESPONSE-{tag}");
        step(
            "2026-11-23T14:11:00Z",
            &actor,
            &["respond", num, "-m", &response],
        );
        step(
            "2026-11-23T14:12:00Z",
            &actor,
            &["contact", "add", num, &contact],
        );
        let info = format!("PUBLIC-INFO-{tag}");
        step(
            "2026-11-23T14:13:00Z",
            &actor,
            &["request-info", num, "-m", &info],
        );
        step(
            "2026-11-23T14:14:00Z",
            &actor,
            &["customer-reply", num, "-m", &secret("REPLY")],
        );
        step(
            "2026-11-23T14:15:00Z",
            &actor,
            &["fix", "request", num, "--ticket", &secret("TICKET")],
        );
        step(
            "2026-11-23T14:16:00Z",
            &actor,
            &["label", num, "--add", &format!("secret-label-{i}")],
        );
        step(
            "2026-11-26T14:00:00Z",
            &actor,
            &[
                "escalate",
                "request",
                num,
                "--by",
                "Jane Doe",
                "--role",
                "primary-contact",
                "--channel",
                "community",
                "--justification",
                &secret("JUSTIFICATION"),
                "--resources",
                &secret("RESOURCES"),
            ],
        );
        step(
            "2026-11-26T14:10:00Z",
            &manager,
            &["escalate", "review", num, "--note", &secret("REVIEWNOTE")],
        );
        step(
            "2026-11-26T14:20:00Z",
            &manager,
            &[
                "escalate",
                "accept",
                num,
                "--manager",
                &manager,
                "--update-every",
                "4h",
            ],
        );
        let update = format!("PUBLIC-UPDATE-{tag}");
        step(
            "2026-11-26T15:00:00Z",
            &manager,
            &["escalate", "update", num, "--message", &update],
        );
        if i % 2 == 0 {
            step(
                "2026-11-26T16:00:00Z",
                &manager,
                &[
                    "escalate",
                    "de-escalate",
                    num,
                    "--reason",
                    &secret("DEESCALATE"),
                ],
            );
            store.internal.push(secret("DEESCALATE"));
        }
        own.extend([title.clone(), response, info, update]);
        numbers.insert(n);
        store.internal.extend(
            [
                "FORMER",
                "OLDTITLE",
                "PHONENOTE",
                "NOTE",
                "REPLY",
                "TICKET",
                "CONTACT",
                "JUSTIFICATION",
                "RESOURCES",
                "REVIEWNOTE",
            ]
            .map(secret),
        );
        store.internal.extend([
            actor,
            owner,
            manager,
            format!("contact{i}@secret.example"),
            format!("secret-label-{i}"),
        ]);
        // A severity 4 of the account opened and answered by alice on the
        // day `opened`, closed by her on the day `closed` (`YYYY-MM-DD`).
        let closed_case = |title: &str, opened: &str, closed: &str| {
            let at = |time: &str| format!("{opened}T{time}:00Z");
            let case = NewCase {
                title,
                account,
                severity: "4",
                ..NewCase::default()
            };
            let n = env.open_at(&case, &at("14:05"));
            let num = n.to_string();
            step(&at("14:06"), "alice", &["assign", &num, "--to", "alice"]);
            step(&at("14:07"), "alice", &["respond", &num]);
            let closed_at = format!("{closed}T14:07:00Z");
            step(
                &closed_at,
                "alice",
                &["close", &num, "--confirmed-by", "Jane Doe"],
            );
            n
        };
        // Closed within the reopen window, with a note after the closing.
        let recent = format!("TITLE-RECENT-{tag}");
        let n = closed_case(&recent, "2026-11-24", "2026-11-25");
        next += 1;
        step(
            "2026-11-25T14:08:00Z",
            "alice",
            &["note", &n.to_string(), "--text", &secret("CLOSEDNOTE")],
        );
        store.internal.push(secret("CLOSEDNOTE"));
        own.push(recent);
        numbers.insert(n);
        // Closed long ago: shown to nobody by default.
        let old = format!("TITLE-LONGAGO-{tag}");
        closed_case(&old, "2026-09-01", "2026-09-02");
        next += 1;
        store.internal.push(old);
    }
    (env, store)
}

/// What `account` may see must not hold: any internal text, any text
/// only another account may see, another account's name (unless it is
/// part of this one's), and — in JSON and on pages — another account's
/// case number.
fn assert_no_leak(what: &str, account: &str, printed: &str, forbidden: &[String]) {
    for needle in forbidden {
        assert!(
            !printed.contains(needle.as_str()),
            "{what} for {account:?} shows {needle:?}:\n{printed}"
        );
    }
}

/// The texts `account` may not see, in a store of `accounts` where
/// `own` holds each account's own texts.
fn forbidden_for(
    account: &str,
    accounts: &[&str],
    own: &BTreeMap<String, Vec<String>>,
    internal: &[String],
    escape: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut forbidden: Vec<String> = internal.iter().map(|t| escape(t)).collect();
    for other in accounts.iter().filter(|other| **other != account) {
        if !account.contains(other) {
            forbidden.push(escape(other));
        }
        forbidden.extend(own.get(*other).into_iter().flatten().map(|t| escape(t)));
    }
    forbidden
}

/// The case numbers a JSON output lists.
fn json_numbers(json: &Value) -> BTreeSet<u64> {
    json.as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_u64().unwrap())
        .collect()
}

/// The `data-case` numbers of a page.
fn page_numbers(page: &str) -> BTreeSet<u64> {
    page.split("data-case=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// HTML's escaping of a text, as the pages write it.
fn html(text: &str) -> String {
    cases::site::html::escape(text)
}

/// Runs the leak checks of every account of `env` at `now`.
fn check_every_account(
    env: &Env,
    now: &str,
    accounts: &[&str],
    own: &BTreeMap<String, Vec<String>>,
    numbers: &BTreeMap<String, BTreeSet<u64>>,
    internal: &[String],
) {
    env.run(&["site", "public"]).now(now).ok();
    for account in accounts {
        let plain = forbidden_for(account, accounts, own, internal, str::to_string);
        for format in ["table", "json", "csv", "markdown"] {
            let out = env
                .run(&["status", "--account", account, "--format", format])
                .now(now)
                .ok();
            let printed = format!("{}{}", out.stdout, out.stderr);
            assert_no_leak(
                &format!("status --format {format}"),
                account,
                &printed,
                &plain,
            );
            if format == "json" {
                // JSON escapes nothing these texts hold but `"`: check
                // the escaped form too.
                let escaped = forbidden_for(account, accounts, own, internal, |t| {
                    serde_json::to_string(t)
                        .unwrap()
                        .trim_matches('"')
                        .to_string()
                });
                assert_no_leak("status --format json", account, &printed, &escaped);
                let listed = json_numbers(&out.json());
                assert!(
                    listed.is_subset(&numbers[*account]),
                    "{account}: {listed:?}"
                );
            }
        }
        let slug = cases::site::accounts::account_slug(account);
        let page = env.read(&format!("public/accounts/{slug}.html"));
        let escaped = forbidden_for(account, accounts, own, internal, html);
        assert_no_leak("the account page", account, &page, &escaped);
        assert!(
            page_numbers(&page).is_subset(&numbers[*account]),
            "{account}: {:?}",
            page_numbers(&page)
        );
        // Self-contained and linking to nothing.
        for link in ["href=", "src=", "<link", "<script"] {
            assert!(!page.contains(link), "{account}'s page has {link}");
        }
        assert!(
            page.contains(&format!("<h1>{}: support cases</h1>", html(account))),
            "{page}"
        );
    }
}

#[test]
fn no_account_sees_another_accounts_cases_nor_any_internal_text_in_the_hostile_store() {
    let (env, store) = hostile();
    // The store holds what the test looks for: each internal text is in a
    // case file, each account's own texts are shown to it.
    let files: String = (1001..1001 + 3 * HOSTILE_ACCOUNTS.len() as u64)
        .map(|n| env.read(&crate::common::case_file(n)))
        .collect();
    for needle in &store.internal {
        let in_yaml = needle.replace('"', "\\\"");
        assert!(
            files.contains(needle.as_str()) || files.contains(&in_yaml),
            "{needle} is in no case file"
        );
    }
    for (account, own) in &store.own {
        let out = env
            .run(&["status", "-a", account, "--format", "json"])
            .now(HOSTILE_NOW)
            .ok();
        for text in own.iter().filter(|t| t.starts_with("TITLE")) {
            assert!(
                out.stdout.contains(
                    &serde_json::to_string(text)
                        .unwrap()
                        .trim_matches('"')
                        .to_string()
                ),
                "{account} does not see {text}"
            );
        }
        assert_eq!(json_numbers(&out.json()), store.numbers[account]);
    }
    let accounts: Vec<&str> = HOSTILE_ACCOUNTS.to_vec();
    check_every_account(
        &env,
        HOSTILE_NOW,
        &accounts,
        &store.own,
        &store.numbers,
        &store.internal,
    );
    // Every account got a page of its own; the former accounts none.
    let pages = files_under(&env.path("public/accounts"));
    assert_eq!(pages.len(), HOSTILE_ACCOUNTS.len(), "{:?}", pages.keys());
}

#[test]
fn no_account_of_the_sample_store_sees_another_accounts_cases_or_notes() {
    let env = Env::sample();
    let by_account = accounts(&env, NOW);
    let names: Vec<&str> = by_account.keys().map(String::as_str).collect();
    // Each account's own titles; every internal text of the store's
    // histories (notes, phone notes, justifications, resources, review
    // notes, de-escalation reasons, customer replies, reopen reasons).
    let export = env.run(&["export"]).now(NOW).ok();
    let mut own: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut internal: Vec<String> = Vec::new();
    for line in export.stdout.lines() {
        let case: Value = serde_json::from_str(line).unwrap();
        own.entry(case["account"].as_str().unwrap().to_string())
            .or_default()
            .push(case["title"].as_str().unwrap().to_string());
        for event in case["history"].as_array().unwrap() {
            let field = match event["event"].as_str().unwrap() {
                "note" => "text",
                "phone-contact" | "escalation-reviewed" => "note",
                "escalation-requested" => "justification",
                "de-escalated" | "reopened" => "reason",
                "customer-replied" => "message",
                _ => continue,
            };
            if let Some(text) = event[field].as_str() {
                internal.push(text.trim().to_string());
            }
            if let Some(text) = event["resources"].as_str() {
                internal.push(text.trim().to_string());
            }
        }
    }
    assert!(internal.len() >= 3, "{internal:?}");
    let numbers: BTreeMap<String, BTreeSet<u64>> = by_account
        .iter()
        .map(|(name, numbers)| (name.clone(), numbers.iter().copied().collect()))
        .collect();
    check_every_account(&env, NOW, &names, &own, &numbers, &internal);
}
