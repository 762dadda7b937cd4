//! The customer status pages of the site (issue 26): with the policy's
//! `customer_status` on, one self-contained page per account,
//! `accounts/<slug>.html`, showing what `cases status --account NAME`
//! shows — that account's cases only, nothing internal
//! ([`crate::customer_status`]) — and a staff list of those pages,
//! `accounts.html`. Pure string building, like the rest of the site.
//!
//! An account page links to nothing (the staff pages show every account)
//! and holds its styles inline, so it can be sent to the customer on its
//! own. Every text from a case file (the account name, titles, messages)
//! is escaped.
//!
//! **File names** ([`account_slug`]) are a function of the account name
//! alone, so a page keeps its name from one build to the next whatever
//! other accounts come and go: the name in lower-case ASCII letters and
//! digits (any other run of characters a `-`, at most 40 characters,
//! `account` when nothing is left), then `-` and 16 hex digits of a 64-bit
//! FNV-1a hash of the exact name. So `../x`, `Zoë` and `Acme Corp` versus
//! `acme-corp` are all distinct file names without a `/` or a dot;
//! [`slugs`] still checks that no two accounts of one build share one.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::html::{escape, time_in, time_utc, Frame, Styles};
use crate::customer_status::{CaseStatus, EscalationState};

/// One account and what its page shows.
#[derive(Debug, Clone)]
pub struct AccountStatus {
    /// The account's whole name, as on its cases.
    pub name: String,
    /// Its cases the view shows, in number order.
    pub cases: Vec<CaseStatus>,
}

/// The directory of the account pages.
pub const ACCOUNTS_DIR: &str = "accounts";

/// The staff page listing every account page.
pub const ACCOUNTS_LIST: &str = "accounts.html";

/// 64-bit FNV-1a of `bytes`: stable across builds and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The file name (without `.html`) of `account`'s page; see the module's
/// documentation.
pub fn account_slug(account: &str) -> String {
    let readable = super::readable_slug(account, "account");
    format!("{readable}-{:016x}", fnv1a(account.as_bytes()))
}

/// The file name of each account's page, keyed by the account: its
/// [`account_slug`], and in the (unseen) event of two accounts hashing to
/// the same one, `-2`, `-3`... in name order, so no two share a page.
pub fn slugs<'a>(accounts: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let mut names: Vec<&str> = accounts.collect();
    names.sort_unstable();
    names.dedup();
    super::unique_slugs(names.into_iter(), account_slug)
}

/// The path of a page whose slug is `slug`: `accounts/<slug>.html`.
pub fn account_path(slug: &str) -> String {
    format!("{ACCOUNTS_DIR}/{slug}.html")
}

/// The page of one account, as of `now`: self-contained (inline styles,
/// no navigation, no link).
pub fn account_page(account: &AccountStatus, now: DateTime<Utc>) -> String {
    let cases = &account.cases;
    let mut body = format!(
        "<section id=\"cases\">\n<h2>Your support cases</h2>\n<p>{} case{}: every open case, and the closed ones that may still be reopened. Times are in each case's support region time zone.</p>\n",
        cases.len(),
        if cases.len() == 1 { "" } else { "s" }
    );
    if cases.is_empty() {
        body.push_str("<p class=\"empty\">No open or recently closed case.</p>\n");
    } else {
        body.push_str("<div class=\"scroll\">\n<table class=\"stack\">\n<thead><tr><th scope=\"col\">case</th><th scope=\"col\">title</th><th scope=\"col\">state</th><th scope=\"col\">severity</th><th scope=\"col\">next commitment</th><th scope=\"col\">escalation</th><th scope=\"col\">last update</th></tr></thead>\n<tbody>\n");
        for case in cases {
            let _ = writeln!(
                body,
                "<tr data-case=\"{}\"><td data-label=\"case\">{}</td><td data-label=\"title\">{}</td><td data-label=\"state\">{}</td><td data-label=\"severity\">{}</td><td data-label=\"next commitment\">{}</td><td data-label=\"escalation\">{}</td><td data-label=\"last update\">{}</td></tr>",
                case.number,
                case.number,
                escape(&case.title),
                case.state,
                escape(&match &case.severity_name {
                    Some(name) => format!("{} {name}", case.severity),
                    None => case.severity.to_string(),
                }),
                commitment_cell(case),
                escalation_cell(&case.escalation),
                update_cell(case)
            );
        }
        body.push_str("</tbody>\n</table>\n</div>\n");
    }
    body.push_str("</section>\n");
    let title = format!("{}: support cases", account.name);
    Frame {
        title: &title,
        styles: Styles::Inline,
        root: None,
        subtitle: format!("As of {}", time_utc(now)),
    }
    .render(&body)
}

fn commitment_cell(case: &CaseStatus) -> String {
    match &case.next_commitment {
        Some(c) => match c.due_at {
            Some(due) => format!(
                "{} due {}",
                escape(c.clock.as_str()),
                time_in(due, c.time_zone)
            ),
            None => format!("{}: starts with your phone call", escape(c.clock.as_str())),
        },
        None => "-".into(),
    }
}

fn escalation_cell(state: &EscalationState) -> String {
    match (state, state.outcome()) {
        (EscalationState::None, _) => "-".into(),
        (state, Some(outcome)) => format!("{} ({})", state.as_str(), escape(outcome)),
        (state, None) => state.as_str().into(),
    }
}

fn update_cell(case: &CaseStatus) -> String {
    match &case.last_update {
        Some(u) => {
            let mut cell = format!("{} {}", time_in(u.at, case.time_zone), u.kind.as_str());
            if let Some(text) = &u.text {
                let _ = write!(cell, "<div class=\"detail\">{}</div>", escape(text.trim()));
            }
            cell
        }
        None => "-".into(),
    }
}

/// The staff list of the account pages (a page of the site, with its
/// navigation): each account with the number of cases its page shows.
pub fn accounts_list(
    accounts: &[AccountStatus],
    slugs: &BTreeMap<&str, String>,
    frame: Frame,
) -> String {
    let mut body = format!(
        "<section id=\"accounts\">\n<h2>Customer status pages</h2>\n<p>{} account{}. Each page shows one account what <code>cases status --account NAME</code> shows, and links to nothing else: send it to that customer only.</p>\n",
        accounts.len(),
        if accounts.len() == 1 { "" } else { "s" }
    );
    body.push_str(&accounts_table(accounts, slugs));
    body.push_str("</section>\n");
    frame.render(&body)
}

/// The table of account pages, linked from the site's root.
pub fn accounts_table(accounts: &[AccountStatus], slugs: &BTreeMap<&str, String>) -> String {
    if accounts.is_empty() {
        return "<p class=\"empty\">No account.</p>\n".into();
    }
    let mut text = String::from("<div class=\"scroll\">\n<table class=\"stack\">\n<thead><tr><th scope=\"col\">account</th><th scope=\"col\" class=\"num\">cases shown</th></tr></thead>\n<tbody>\n");
    for account in accounts {
        let Some(slug) = slugs.get(account.name.as_str()) else {
            continue;
        };
        let _ = writeln!(
            text,
            "<tr><td data-label=\"account\"><a href=\"{}\">{}</a></td><td class=\"num\" data-label=\"cases shown\">{}</td></tr>",
            escape(&account_path(slug)),
            escape(&account.name),
            account.cases.len()
        );
    }
    text.push_str("</tbody>\n</table>\n</div>\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_slugs_are_safe_file_names_distinct_and_stable() {
        let names = [
            "Acme Corp",
            "acme-corp",
            "Acme",
            "../../etc/passwd",
            "",
            "Zoë",
            "Zoé",
            "日本",
            "a/b\\c.html",
        ];
        let slugs = slugs(names.into_iter());
        let mut files: Vec<&String> = slugs.values().collect();
        files.sort();
        files.dedup();
        assert_eq!(files.len(), names.len(), "{slugs:?}");
        for slug in slugs.values() {
            assert!(
                slug.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{slug}"
            );
            assert!(!slug.starts_with('-') && slug.len() <= 40 + 17, "{slug}");
        }
        assert!(slugs["Acme Corp"].starts_with("acme-corp-"));
        assert!(slugs["../../etc/passwd"].starts_with("etc-passwd-"));
        assert!(slugs[""].starts_with("account-"));
        assert!(slugs["日本"].starts_with("account-"));
        // A function of the name alone: the same in any company.
        assert_eq!(
            super::slugs(["Acme Corp"].into_iter())["Acme Corp"],
            slugs["Acme Corp"]
        );
        assert_eq!(account_slug("Acme Corp"), slugs["Acme Corp"]);
    }
}
