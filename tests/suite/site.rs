//! `cases site DIR` through the real binary: which files the site has,
//! that every page parses, that every link resolves to a file of the site
//! and none leaves it, the exact figures on a fixture store, that a failed
//! run leaves the old site, and the CI workflow in `examples/`.
//!
//! The fixture (default policy, north-america: Mon-Fri 06:00-21:00
//! America/Toronto, in November EST = 11:00Z-02:00Z), seen at
//! Wednesday 2026-11-25 16:00Z (11:00 in Toronto):
//!
//! - 1001 sev3 basic, opened 2026-10-01 14:00Z, responded 14:30, closed
//!   2026-10-02: closed 54 days earlier, so no page (window 30 days).
//! - 1002 sev2 basic, opened Mon 23 14:00Z (09:00 local), related to 1001,
//!   alice, responded 15:00Z (due 17:00 local = 22:00Z: met); escalation
//!   requested Wed 14:30Z, accepted 15:00Z by mona, updates every 4h: the
//!   follow-up (due 15:30Z, 60 desk minutes) met, the first update due 19:00Z.
//! - 1003 sev4 basic, opened Mon 23 15:00Z, bruno, responded 16:00Z,
//!   closed Tue 24 15:00Z: closed within the window, so it has a page.
//! - 1004 sev2 plus (4h), opened Tue 24 14:00Z, unowned, no response: due
//!   18:00Z Tue, overdue 22h at the site's instant.
//! - 1005 sev3 premium (6h), opened Wed 25 11:00Z (06:00 local), unowned:
//!   due 17:00Z, at risk (due in 1h, within the default 2h).
//!
//! The default period is 13 weeks: from Monday 2026-08-31 00:00Z through
//! the site's instant. Opened 5, closed 2, backlog 3; initial response met
//! by 1001, 1002, 1003, breached by 1004, running for 1005: 75.0% (3 of 4).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::common::html::{named, parse_html, Element};
use crate::common::{Env, NewCase};

const NOW: &str = "2026-11-25T16:00:00Z";
const CONTACT: &str = "Ann Lee <ann@acme.test>";

/// Opens a case at `at` and checks its number.
fn open(env: &Env, at: &str, number: u64, plan: &str, severity: &str, related: &[&str]) {
    let title = format!("Case {number}");
    let case = NewCase {
        title: &title,
        account: "Acme Corp",
        plan,
        severity,
        contacts: vec![CONTACT],
        related: related.to_vec(),
        ..NewCase::default()
    };
    assert_eq!(env.open_at(&case, at), number);
}

fn step(env: &Env, at: &str, actor: &str, args: &[&str]) {
    env.run(args).now(at).actor(actor).ok();
}

/// The fixture store described at the top of this file.
fn fixture() -> Env {
    let env = Env::new();
    open(&env, "2026-10-01T14:00:00Z", 1001, "basic", "3", &[]);
    step(
        &env,
        "2026-10-01T14:05:00Z",
        "bruno",
        &["assign", "1001", "--to", "bruno"],
    );
    step(&env, "2026-10-01T14:30:00Z", "bruno", &["respond", "1001"]);
    step(
        &env,
        "2026-10-02T14:00:00Z",
        "bruno",
        &["close", "1001", "--confirmed-by", "Ann Lee"],
    );
    open(&env, "2026-11-23T14:00:00Z", 1002, "basic", "2", &["1001"]);
    step(
        &env,
        "2026-11-23T14:10:00Z",
        "alice",
        &["assign", "1002", "--to", "alice"],
    );
    step(&env, "2026-11-23T15:00:00Z", "alice", &["respond", "1002"]);
    open(&env, "2026-11-23T15:00:00Z", 1003, "basic", "4", &[]);
    step(
        &env,
        "2026-11-23T15:05:00Z",
        "bruno",
        &["assign", "1003", "--to", "bruno"],
    );
    step(&env, "2026-11-23T16:00:00Z", "bruno", &["respond", "1003"]);
    open(&env, "2026-11-24T14:00:00Z", 1004, "plus", "2", &[]);
    step(
        &env,
        "2026-11-24T15:00:00Z",
        "bruno",
        &["close", "1003", "--confirmed-by", "Ann Lee"],
    );
    open(&env, "2026-11-25T11:00:00Z", 1005, "premium", "3", &[]);
    step(
        &env,
        "2026-11-25T14:30:00Z",
        "alice",
        &[
            "escalate",
            "request",
            "1002",
            "--by",
            "Ann Lee",
            "--role",
            "primary-contact",
            "--channel",
            "community",
            "--justification",
            "Production search is degraded",
            "--resources",
            "Their search administrator, for logs and tests",
        ],
    );
    step(
        &env,
        "2026-11-25T15:00:00Z",
        "mona",
        &[
            "escalate",
            "accept",
            "1002",
            "--manager",
            "mona",
            "--update-every",
            "4h",
        ],
    );
    env
}

/// Every file under `dir`, relative, `/`-separated, with its bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(rel.join("/"), fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The site `cases site public` writes for `env` at `now` with `extra` arguments.
fn build(env: &Env, now: &str, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec!["site", "public"];
    args.extend_from_slice(extra);
    env.run(&args).now(now).ok();
    files_under(&env.path("public"))
}

/// Resolves `href` (relative, maybe with a `#fragment`) from the page at `page`.
fn resolve(page: &str, href: &str) -> String {
    let target = href.split('#').next().unwrap_or_default();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            ".." => {
                assert!(parts.pop().is_some(), "{href} from {page} leaves the site");
            }
            "." | "" => {}
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Parses every page; checks that every link resolves to a file of the
/// site, that nothing refers outside it, and returns the parsed pages.
fn check_site(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<Element>> {
    let mut pages = BTreeMap::new();
    for (path, bytes) in files {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8"));
        for external in ["http:", "https:", "url(", "@import", "//"] {
            let allowed = text.matches("http://www.w3.org/2000/svg").count();
            if external == "http:" || external == "//" {
                assert_eq!(
                    text.matches(external).count(),
                    allowed,
                    "{path} refers to {external} beyond the SVG namespace"
                );
            } else {
                assert!(!text.contains(external), "{path} has {external}");
            }
        }
        if !path.ends_with(".html") {
            continue;
        }
        let elements = parse_html(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for tag in ["script", "img", "iframe", "object", "embed", "base"] {
            assert!(named(&elements, tag).is_empty(), "<{tag}> in {path}");
        }
        for element in &elements {
            assert!(!element.attrs.contains_key("src"), "{path}: {element:?}");
            if let Some(href) = element.attrs.get("href") {
                assert!(
                    !href.contains(':') && !href.starts_with('/'),
                    "{path}: {href} is not a relative link"
                );
                let target = resolve(path, href);
                assert!(
                    files.contains_key(&target),
                    "{path}: {href} -> {target}: no such file"
                );
            }
        }
        assert_eq!(named(&elements, "html")[0].attr("lang"), "en", "{path}");
        assert_eq!(
            named(&elements, "meta")[0].attr("charset"),
            "utf-8",
            "{path}"
        );
        assert_eq!(named(&elements, "main").len(), 1, "{path}");
        assert_eq!(named(&elements, "h1").len(), 1, "{path}");
        for svg in named(&elements, "svg") {
            assert_eq!(svg.attr("role"), "img", "{path}");
            let id = svg.attr("id");
            assert_eq!(svg.attr("aria-labelledby"), format!("{id}-title {id}-desc"));
        }
        pages.insert(path.clone(), elements);
    }
    pages
}

/// All the text inside element `index`.
fn text_of(elements: &[Element], index: usize) -> String {
    elements[index].inner_text.clone()
}

/// Rows (`tr` with `data-case`) inside the element with `id`: each
/// row's `data-case` and the texts of its cells.
fn rows_under(elements: &[Element], id: &str) -> Vec<(String, Vec<String>)> {
    let section = elements
        .iter()
        .position(|e| e.attrs.get("id").map(String::as_str) == Some(id))
        .unwrap_or_else(|| panic!("no #{id}"));
    let inside = |mut i: usize| loop {
        match elements[i].parent {
            Some(p) if p == section => return true,
            Some(p) => i = p,
            None => return false,
        }
    };
    (0..elements.len())
        .filter(|i| elements[*i].name == "tr" && inside(*i))
        .filter_map(|i| {
            let case = elements[i].attrs.get("data-case")?.clone();
            let cells = (0..elements.len())
                .filter(|j| elements[*j].parent == Some(i))
                .map(|j| text_of(elements, j))
                .collect();
            Some((case, cells))
        })
        .collect()
}

#[test]
fn the_site_of_the_fixture_store_has_these_files_and_figures() {
    let env = fixture();
    let files = build(&env, NOW, &[]);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            ".cases-site",
            "accounts.html",
            "accounts/acme-corp-e67e1d4042811d55.html",
            "action.html",
            "cases/001/1002.html",
            "cases/001/1003.html",
            "cases/001/1004.html",
            "cases/001/1005.html",
            "closed.html",
            "escalations.html",
            "index.html",
            "owners/alice.html",
            "queue.html",
            "report.html",
            "style.css",
        ]
    );
    let pages = check_site(&files);
    let index = &pages["index.html"];

    // Headline figures of the 13-week period.
    let card = |id: &str| {
        let i = index
            .iter()
            .position(|e| e.name == "li" && e.attrs.get("id").map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no card {id}"));
        text_of(index, i)
    };
    assert_eq!(
        card("attainment-initial-response"),
        "75.0% initial-response attainment (3 met of 4 decided)"
    );
    assert_eq!(
        card("attainment-escalation-follow-up"),
        "100.0% escalation-follow-up attainment (1 met of 1 decided)"
    );
    assert_eq!(
        card("attainment-escalation-update"),
        "- escalation-update attainment (0 met of 0 decided)"
    );
    assert_eq!(
        card("breaches"),
        "1 breached clocks (started in the period)"
    );
    assert_eq!(card("backlog"), "3 open cases at the end");
    assert_eq!(card("opened"), "5 cases opened");
    assert_eq!(
        card("closed"),
        "2 cases closed (2 confirmed, 0 no response)"
    );
    let period = text_of(
        index,
        index
            .iter()
            .position(|e| e.name == "p" && e.ancestors.contains(&"section".to_string()))
            .unwrap(),
    );
    assert!(
        period.starts_with("From 2026-08-31 00:00 UTC to 2026-11-25 16:00 UTC"),
        "{period}"
    );

    // Needs action: the overdue clock first, then the one at risk.
    assert_eq!(
        rows_under(index, "needs-action"),
        [
            (
                "1004".to_string(),
                [
                    "1004",
                    "2",
                    "Case 1004",
                    "Acme Corp",
                    "-",
                    "initial-response",
                    "overdue 22h",
                    "2026-11-24 13:00 America/Toronto"
                ]
                .map(String::from)
                .to_vec()
            ),
            (
                "1005".to_string(),
                [
                    "1005",
                    "3",
                    "Case 1005",
                    "Acme Corp",
                    "-",
                    "initial-response",
                    "at risk: due in 1h",
                    "2026-11-25 12:00 America/Toronto"
                ]
                .map(String::from)
                .to_vec()
            ),
        ]
    );
    // The queue in taking order; the open escalation with its next update.
    let queue: Vec<String> = rows_under(index, "queue")
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(queue, ["1004", "1005"]);
    let escalations = rows_under(index, "escalations");
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0].0, "1002");
    assert_eq!(
        escalations[0].1[5..],
        [
            "#1 accepted, requested 2026-11-25 09:30 America/Toronto",
            "mona (every 4h)",
            "escalation-update #1 2026-11-25 14:00 America/Toronto running: due in 3h",
        ]
    );
    // Owners: alice has 1002; bruno's cases are closed.
    let owners: Vec<(&str, String)> = index
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name == "tr" && e.attrs.contains_key("data-owner"))
        .map(|(i, e)| (e.attr("data-owner"), text_of(index, i)))
        .collect();
    assert_eq!(owners, [("alice", "alice 1 0 0 1 0 0 1002".to_string())]);

    // The closed page lists 1003 (1001 closed before the window).
    let closed = &pages["closed.html"];
    let listed: Vec<&str> = named(closed, "a")
        .iter()
        .map(|a| a.attr("href"))
        .filter(|h| h.starts_with("cases/"))
        .collect();
    assert_eq!(listed, ["cases/001/1003.html"]);

    // The customer status view is on in the default policy: the account's
    // page shows its open cases and 1003 (closed within the reopen
    // window), not 1001, and links to nothing; the index lists it.
    let account = &pages["accounts/acme-corp-e67e1d4042811d55.html"];
    let shown: Vec<&str> = account
        .iter()
        .filter(|e| e.name == "tr" && e.attrs.contains_key("data-case"))
        .map(|e| e.attr("data-case"))
        .collect();
    assert_eq!(shown, ["1002", "1003", "1004", "1005"]);
    assert!(named(account, "a").is_empty());
    assert_eq!(named(account, "h1")[0].text, "Acme Corp: support cases");
    let linked: Vec<&str> = named(index, "a")
        .iter()
        .map(|a| a.attr("href"))
        .filter(|h| h.starts_with("accounts"))
        .collect();
    assert_eq!(linked, ["accounts/acme-corp-e67e1d4042811d55.html"]);
}

#[test]
fn a_case_page_shows_its_clocks_escalation_and_a_timeline_with_the_clocks_marked() {
    let env = fixture();
    let files = build(&env, NOW, &[]);
    let pages = check_site(&files);
    let page = &pages["cases/001/1002.html"];
    assert_eq!(named(page, "h1")[0].text, "Case 1002: Case 1002");
    // The related case closed long ago has no page: named, not linked.
    let facts = page
        .iter()
        .position(|e| e.name == "dl")
        .map(|i| text_of(page, i))
        .unwrap();
    assert!(
        facts.contains("related 1001 (no page: closed earlier)"),
        "{facts}"
    );
    assert!(facts.contains("escalated escalated"), "{facts}");
    let clocks: Vec<(&str, &str)> = page
        .iter()
        .filter(|e| e.name == "tr" && e.attrs.contains_key("data-clock"))
        .map(|e| (e.attr("data-clock"), e.attr("data-status")))
        .collect();
    assert_eq!(
        clocks,
        [
            ("initial-response", "met"),
            ("escalation-follow-up #1", "met"),
            ("escalation-update #1", "running"),
        ]
    );
    let timeline: Vec<String> = page
        .iter()
        .enumerate()
        .filter(|(_, e)| e.name == "li" && e.ancestors.contains(&"ol".to_string()))
        .map(|(i, _)| text_of(page, i))
        .collect();
    assert_eq!(
        timeline,
        [
            "2026-11-23 09:00 America/Toronto created by alice channel: community",
            "2026-11-23 09:00 America/Toronto initial-response clock started",
            "2026-11-23 09:10 America/Toronto assigned by alice owner: alice",
            "2026-11-23 10:00 America/Toronto responded by alice",
            "2026-11-23 10:00 America/Toronto initial-response clock stopped: met",
            "2026-11-23 17:00 America/Toronto initial-response due met before it",
            "2026-11-25 09:30 America/Toronto escalation-requested by alice channel: community requester: Ann Lee role: primary-contact justification: Production search is degraded resources: Their search administrator, for logs and tests",
            "2026-11-25 09:30 America/Toronto escalation-follow-up #1 clock started",
            "2026-11-25 10:00 America/Toronto escalation-accepted by mona manager: mona update_every: 4h",
            "2026-11-25 10:00 America/Toronto escalation-follow-up #1 clock stopped: met",
            "2026-11-25 10:00 America/Toronto escalation-update #1 clock started",
            "2026-11-25 10:30 America/Toronto escalation-follow-up #1 due met before it",
            "2026-11-25 14:00 America/Toronto escalation-update #1 due upcoming: in 3h",
        ]
    );
    // The overdue case says so in its clocks table.
    let overdue = &pages["cases/001/1004.html"];
    let row = overdue
        .iter()
        .position(|e| {
            e.name == "tr"
                && e.attrs.get("data-clock").map(String::as_str) == Some("initial-response")
        })
        .unwrap();
    assert_eq!(
        text_of(overdue, row),
        "initial-response overdue 22h 2026-11-24 09:00 America/Toronto 2026-11-24 13:00 America/Toronto -"
    );
}

#[test]
fn the_report_page_uses_the_grouping_and_the_what_if_page_compares() {
    let env = fixture();
    // Under the other policy sev2 plus has 1 day: 1004 is no longer breached.
    let other = crate::common::DEFAULT_POLICY.replace(
        "{basic: 8h, plus: 4h, premium: 2h}",
        "{basic: 8h, plus: 1d, premium: 2h}",
    );
    assert_ne!(other, crate::common::DEFAULT_POLICY);
    env.write("other.yaml", &other);
    let files = build(&env, NOW, &["--by", "owner", "--what-if", "other.yaml"]);
    let pages = check_site(&files);
    assert!(files.contains_key("what-if.html"));
    let report = &pages["report.html"];
    let bars: Vec<(&str, &str, &str)> = report
        .iter()
        .filter(|e| {
            e.name == "g" && e.attr("class") == "bar" && e.attr("data-clock") == "initial-response"
        })
        .map(|e| {
            (
                e.attrs.get("data-owner").map_or("(all)", String::as_str),
                e.attr("data-met"),
                e.attr("data-breached"),
            )
        })
        .collect();
    assert_eq!(
        bars,
        [
            ("(all)", "3", "1"),
            ("(unowned)", "0", "1"),
            ("alice", "1", "0"),
            ("bruno", "2", "0")
        ]
    );
    // Every colour the charts use has a legend entry on the page.
    let legend: Vec<&str> = report
        .iter()
        .filter(|e| e.name == "li" && e.attrs.contains_key("data-class"))
        .map(|e| e.attr("data-class"))
        .collect();
    for drawn in report.iter().filter(|e| {
        (e.name == "rect" || e.name == "polyline") && e.ancestors.contains(&"svg".to_string())
    }) {
        assert!(
            legend.contains(&drawn.attr("class")),
            "no legend for {drawn:?}"
        );
    }
    let what_if = &pages["what-if.html"];
    let pairs: Vec<(&str, &str)> = what_if
        .iter()
        .filter(|e| e.name == "g" && e.attr("class") == "pair")
        .map(|e| (e.attr("data-current"), e.attr("data-what-if")))
        .take(1)
        .collect();
    assert_eq!(pairs, [("75.0", "100.0")]);
}

#[test]
fn closed_within_decides_which_closed_cases_get_a_page() {
    let env = fixture();
    let files = build(&env, NOW, &["--closed-within", "60d"]);
    assert!(files.contains_key("cases/001/1001.html"));
    check_site(&files);
    // A second run replaces the whole site: 1001's page is gone again.
    let files = build(&env, NOW, &["--closed-within", "1d"]);
    let cases: Vec<&str> = files
        .keys()
        .filter(|k| k.starts_with("cases/"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        cases,
        [
            "cases/001/1002.html",
            "cases/001/1004.html",
            "cases/001/1005.html"
        ]
    );
    check_site(&files);
}

/// Names beside `public` in the working directory (no leftovers of a run).
fn beside(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_run_leaves_the_old_site_and_nothing_beside_it() {
    let env = fixture();
    let before = build(&env, NOW, &[]);
    env.write("cases/001/1003.yaml", "number: [broken\n");
    let out = env.run(&["site", "public"]).now(NOW).code(4);
    assert!(out.stderr.contains("1003.yaml"), "{}", out.stderr);
    assert_eq!(files_under(&env.path("public")), before);
    assert_eq!(beside(&env), ["public"]);
}

#[test]
fn a_directory_that_is_not_a_site_is_never_replaced() {
    let env = fixture();
    env.write("notes/keep.txt", "mine\n");
    let out = env.run(&["site", "notes"]).now(NOW).code(2);
    assert_eq!(
        out.stderr,
        "cases: error: site directory notes is not empty and was not written by cases site (no .cases-site); name a new or empty directory\n"
    );
    assert_eq!(env.read("notes/keep.txt"), "mine\n");
    // The store itself is such a directory.
    env.run(&["site", "cases"]).now(NOW).code(2);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(env.path("notes"), env.path("link")).unwrap();
        let out = env.run(&["site", "link"]).now(NOW).code(2);
        assert!(out.stderr.contains("is a symbolic link"), "{}", out.stderr);
    }
    env.write("file", "x");
    env.run(&["site", "file"]).now(NOW).code(2);
    let out = env
        .run(&["site", "fresh", "--format", "json"])
        .now(NOW)
        .code(2);
    assert_eq!(
        out.stderr,
        "cases: error: --format json is not available for cases site (allowed: table)\n"
    );
    assert!(!env.exists("fresh"));
    // An empty directory is fine.
    env.mkdir("empty");
    env.run(&["site", "empty"]).now(NOW).ok();
    assert!(env.path("empty/index.html").is_file());
}

#[test]
fn the_html_report_draws_what_the_issue_asked_for() {
    let env = fixture();
    let html = env
        .run(&[
            "report",
            "--format",
            "html",
            "--by",
            "owner",
            "--what-if",
            "policy.yaml",
        ])
        .now(NOW)
        .ok()
        .stdout;
    let elements = parse_html(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    // A page on its own: styles inline, no link at all.
    assert!(named(&elements, "a").is_empty());
    assert!(named(&elements, "link").is_empty());
    assert_eq!(named(&elements, "style").len(), 1);
    // The period without --since starts at the first case's opening.
    let subtitle = elements
        .iter()
        .position(|e| e.attrs.get("class").map(String::as_str) == Some("subtitle"))
        .unwrap();
    assert_eq!(
        text_of(&elements, subtitle),
        "From the first case, opened 2026-10-01 14:00 UTC, to 2026-11-25 16:00 UTC"
    );
    assert!(html.contains("id=\"what-if\""));
    assert!(html.contains("data-owner=\"alice\""));
}

/// The workflow file the README tells teams to copy.
fn workflow() -> serde_yaml::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/github-actions.yml");
    let text = fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_ci_workflow_checks_hourly_and_on_push_and_publishes_the_site() {
    let wf = workflow();
    // serde_yaml reads the key `on` as the string "on".
    let on = &wf["on"];
    assert_eq!(on["schedule"][0]["cron"].as_str(), Some("0 * * * *"));
    assert!(on.get("push").is_some(), "{on:?}");
    assert!(on.get("workflow_dispatch").is_some(), "{on:?}");
    let permissions = &wf["permissions"];
    assert_eq!(permissions["contents"].as_str(), Some("read"));
    assert_eq!(permissions["pages"].as_str(), Some("write"));
    assert_eq!(permissions["id-token"].as_str(), Some("write"));

    let steps = |job: &str| -> Vec<serde_yaml::Value> {
        wf["jobs"][job]["steps"]
            .as_sequence()
            .unwrap_or_else(|| panic!("no steps in job {job}"))
            .clone()
    };
    let runs = |job: &str| -> Vec<String> {
        steps(job)
            .iter()
            .filter_map(|s| s["run"].as_str().map(str::to_string))
            .collect()
    };
    let uses = |job: &str| -> Vec<String> {
        steps(job)
            .iter()
            .filter_map(|s| {
                s["uses"]
                    .as_str()
                    .map(|u| u.split('@').next().unwrap().to_string())
            })
            .collect()
    };
    let check = runs("check").join("\n");
    assert!(check.contains("cases check"), "{check}");
    assert!(
        check
            .contains("cases sla --check --since 1h --format markdown >> \"$GITHUB_STEP_SUMMARY\""),
        "{check}"
    );
    assert!(uses("check").contains(&"actions/checkout".to_string()));

    let site = &wf["jobs"]["site"];
    assert_eq!(site["needs"].as_str(), Some("check"));
    assert!(site["if"].as_str().unwrap().contains("!cancelled()"));
    assert!(runs("site").join("\n").contains("cases site public"));
    assert!(uses("site").contains(&"actions/upload-pages-artifact".to_string()));
    let path = steps("site")
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .map(|s| s["with"]["path"].as_str().unwrap().to_string());
    assert_eq!(path.as_deref(), Some("public"));

    let deploy = &wf["jobs"]["deploy"];
    assert_eq!(deploy["needs"].as_str(), Some("site"));
    assert_eq!(deploy["environment"]["name"].as_str(), Some("github-pages"));
    assert!(uses("deploy").contains(&"actions/deploy-pages".to_string()));
}
