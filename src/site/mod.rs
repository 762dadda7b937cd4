//! The support manager's dashboard: a static site of the store as of one
//! instant, built from what the domain computed (cases, their clocks,
//! gates and escalations, the report) and returned as files — relative
//! path and bytes. Nothing here reads the clock or the file system; `cases
//! site` (in `cli::site`) gathers the input and writes the files.
//!
//! The site is self-contained: every link is relative and points at a
//! file of the site, nothing is fetched (no script, no font, no image, no
//! external style), so it works from `file://` and on any static host.
//!
//! ```text
//! index.html            headline figures, cases needing action, the queue,
//!                       each owner's open cases, open escalations
//! action.html           every overdue or at-risk clock of an open case
//! queue.html            the unowned cases in taking order
//! escalations.html      every open escalation, with its next update due
//! owners/<name>.html    one owner's open cases
//! closed.html           the cases closed recently (those with a page)
//! report.html           the report over the period (what `report --format html` prints)
//! what-if.html          the report under another policy (with --what-if)
//! cases/NNN/N.html      one page per open case and per recently closed one
//! style.css             the one stylesheet
//! accounts.html         with the customer status view on: the account pages
//! accounts/<slug>.html  one self-contained page per account, for that customer
//! ```
//!
//! Which cases get a page ([`gets_page`]): every open case, and each case
//! closed within the window the caller gives (30 days by default, the
//! reopen window: a case that can still be reopened can be looked at).
//! Lists on the index stop at [`INDEX_LIMIT`] entries and link to their
//! full page, so the index stays small however large the store.

pub mod accounts;
pub mod charts;
pub mod html;
pub mod report_page;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::case::{Case, EventKind, State};
use crate::clock::{self, ClockError, ClockKind, ClockReading, ClockStatus, Gates};
use crate::escalation::{self, Ending, Escalation};
use crate::policy::{format_duration, Policy};
use html::{escape, lateness, time_in, time_left, time_utc, Frame, Styles};
use report_page::ReportView;

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    /// Relative to the site's root, `/`-separated (`cases/001/1042.html`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// How many entries each list on the index shows before linking to its page.
pub const INDEX_LIMIT: usize = 25;

/// The name of the stylesheet every page of the site links.
pub const STYLESHEET_PATH: &str = "style.css";

/// A case with what the domain says about it at the site's instant.
#[derive(Debug, Clone)]
pub struct CaseFacts {
    /// The case as it stood at the instant (no later event).
    pub case: Case,
    pub clocks: Vec<ClockReading>,
    pub gates: Gates,
    pub escalations: Vec<Escalation>,
    /// The case region's zone: every instant of the case is shown in it.
    pub time_zone: Tz,
    /// When it was last closed, if it is closed.
    pub closed_at: Option<DateTime<Utc>>,
}

impl CaseFacts {
    /// The facts of `case` at `now` (`None` when it was opened later).
    pub fn of(
        case: &Case,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, ClockError> {
        let Some(case) = case.view_as_of(now) else {
            return Ok(None);
        };
        let clocks = clock::clocks(&case, policy, now)?;
        let gates = clock::gates(&case, policy, now)?;
        let escalations = escalation::escalations(&case);
        let closed_at = closed_at(&case);
        Ok(Some(CaseFacts {
            time_zone: policy.time_zone_of(&case.header().facts.region),
            case: case.into_owned(),
            clocks,
            gates,
            escalations,
            closed_at,
        }))
    }

    fn number(&self) -> u64 {
        self.case.number()
    }

    /// The open escalation, if the last one has not ended.
    fn open_escalation(&self) -> Option<(usize, &Escalation)> {
        self.escalations
            .iter()
            .enumerate()
            .next_back()
            .filter(|(_, e)| e.is_open())
            .map(|(i, e)| (i + 1, e))
    }
}

/// When `case` (as it stands) was closed; `None` unless it is closed.
fn closed_at(case: &Case) -> Option<DateTime<Utc>> {
    if case.header().state != State::Closed {
        return None;
    }
    case.history()
        .iter()
        .rev()
        .find(|e| matches!(e.kind, EventKind::Closed { .. }))
        .map(|e| e.at)
}

/// True when `case`, as it stood at `now`, gets a page: it is open, or it
/// was closed at most `closed_within` before `now`.
pub fn gets_page(case: &Case, now: DateTime<Utc>, closed_within: Duration) -> bool {
    if case.header().state.is_open() {
        return true;
    }
    closed_at(case).is_some_and(|closed| closed >= now - closed_within)
}

/// Everything the site is built from.
pub struct SiteInput<'a> {
    pub policy: &'a Policy,
    /// The instant the site shows the store at.
    pub now: DateTime<Utc>,
    /// Running clocks due within this are at risk.
    pub at_risk: Duration,
    /// Closed cases keep a page this long after closing.
    pub closed_within: Duration,
    pub report: ReportView<'a>,
    /// Every case that gets a page, in number order.
    pub cases: &'a [CaseFacts],
    /// The numbers of the unowned cases in taking order (as `cases queue`).
    pub queue: &'a [u64],
    /// With the policy's customer status view on: every account of the
    /// store, in name order, with what its page shows; `None` when it is
    /// off (the site is then what it was before account pages existed).
    pub accounts: Option<&'a [accounts::AccountStatus]>,
}

/// The path of case `number`'s page: `cases/001/1042.html`, directories of
/// at most 1,000 pages as in the store.
pub fn case_path(number: u64) -> String {
    format!("cases/{:03}/{number}.html", number / 1000)
}

/// Where a clock stands for someone who must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// Running past its due time.
    Overdue,
    /// Running, due within the at-risk window.
    AtRisk,
}

/// The urgency of `reading` at `now`, if it needs action.
pub fn urgency(reading: &ClockReading, now: DateTime<Utc>, at_risk: Duration) -> Option<Urgency> {
    if reading.stopped_at.is_some() {
        return None;
    }
    let due = reading.due_at?;
    match reading.status {
        ClockStatus::Breached => Some(Urgency::Overdue),
        ClockStatus::Running if due - now <= at_risk => Some(Urgency::AtRisk),
        _ => None,
    }
}

/// `initial-response`, `reopen-response #1`, `escalation-update #2`.
fn clock_name(reading: &ClockReading) -> String {
    match reading.escalation.or(reading.reopen) {
        Some(n) => format!("{} #{n}", reading.clock.as_str()),
        None => reading.clock.as_str().to_string(),
    }
}

/// The site's pages other than the case pages (see [`case_page`]), and
/// the stylesheet.
pub fn pages(input: &SiteInput) -> Vec<SiteFile> {
    let site = Site::new(input);
    let mut files = vec![
        file("index.html", site.index()),
        file("action.html", site.action_page()),
        file("queue.html", site.queue_page()),
        file("escalations.html", site.escalations_page()),
        file("closed.html", site.closed_page()),
        file("report.html", site.report_page()),
        SiteFile {
            path: STYLESHEET_PATH.into(),
            bytes: html::STYLESHEET.as_bytes().to_vec(),
        },
    ];
    if let Some((name, other)) = input.report.what_if {
        files.push(file("what-if.html", site.what_if_page(name, other)));
    }
    for (owner, slug) in &site.owner_slugs {
        files.push(file(&format!("owners/{slug}.html"), site.owner_page(owner)));
    }
    if let Some(list) = input.accounts {
        let slugs = accounts::slugs(list.iter().map(|a| a.name.as_str()));
        files.push(file(
            accounts::ACCOUNTS_LIST,
            accounts::accounts_list(list, &slugs, site.frame("Customer status pages")),
        ));
        for account in list {
            if let Some(slug) = slugs.get(account.name.as_str()) {
                files.push(file(
                    &accounts::account_path(slug),
                    accounts::account_page(account, input.now),
                ));
            }
        }
    }
    files
}

/// Every file of the site: [`pages`] and a page per case.
pub fn build(input: &SiteInput) -> Vec<SiteFile> {
    let mut files = pages(input);
    let linked = paged_numbers(input.cases);
    files.extend(
        input
            .cases
            .iter()
            .map(|facts| case_page(input, &linked, facts)),
    );
    files
}

/// The numbers of the cases with a page.
pub fn paged_numbers(cases: &[CaseFacts]) -> BTreeSet<u64> {
    cases.iter().map(CaseFacts::number).collect()
}

fn file(path: &str, text: String) -> SiteFile {
    SiteFile {
        path: path.into(),
        bytes: text.into_bytes(),
    }
}

/// A clock that needs action, with its case.
struct ActionItem<'a> {
    facts: &'a CaseFacts,
    reading: &'a ClockReading,
    urgency: Urgency,
}

/// The input with what the list pages share worked out once.
struct Site<'a> {
    input: &'a SiteInput<'a>,
    by_number: BTreeMap<u64, &'a CaseFacts>,
    /// Overdue and at-risk clocks of open cases, soonest due first.
    actions: Vec<ActionItem<'a>>,
    /// Owner -> their open cases, in number order.
    owners: BTreeMap<&'a str, Vec<&'a CaseFacts>>,
    /// Owner -> the file name of their page.
    owner_slugs: BTreeMap<&'a str, String>,
}

impl<'a> Site<'a> {
    fn new(input: &'a SiteInput<'a>) -> Self {
        let mut actions = Vec::new();
        let mut owners: BTreeMap<&str, Vec<&CaseFacts>> = BTreeMap::new();
        for facts in input.cases {
            if !facts.case.header().state.is_open() {
                continue;
            }
            for reading in &facts.clocks {
                if let Some(urgency) = urgency(reading, input.now, input.at_risk) {
                    actions.push(ActionItem {
                        facts,
                        reading,
                        urgency,
                    });
                }
            }
            if let Some(owner) = &facts.case.header().owner {
                owners.entry(owner.as_str()).or_default().push(facts);
            }
        }
        actions.sort_by_key(|a| (a.reading.due_at, a.facts.number()));
        let owner_slugs = slugs(owners.keys().copied());
        Site {
            input,
            by_number: input.cases.iter().map(|f| (f.number(), f)).collect(),
            actions,
            owners,
            owner_slugs,
        }
    }

    fn frame(&self, title: &'a str) -> Frame<'a> {
        Frame {
            title,
            styles: Styles::Linked(STYLESHEET_PATH),
            root: Some(""),
            subtitle: format!("As of {}", time_utc(self.input.now)),
        }
    }

    fn open_escalations(
        &self,
    ) -> Vec<(
        &'a CaseFacts,
        usize,
        &'a Escalation,
        Option<&'a ClockReading>,
    )> {
        let mut open: Vec<_> = self
            .input
            .cases
            .iter()
            .filter(|f| f.case.header().state.is_open())
            .filter_map(|f| {
                let (index, e) = f.open_escalation()?;
                Some((f, index, e, next_escalation_clock(f, index)))
            })
            .collect();
        open.sort_by_key(|(f, _, _, next)| {
            (
                next.and_then(|r| r.due_at).is_none(),
                next.and_then(|r| r.due_at),
                f.number(),
            )
        });
        open
    }

    fn index(&self) -> String {
        let input = self.input;
        let mut body = format!(
            "<section id=\"summary\">\n<h2>The period</h2>\n<p>{}. <a href=\"report.html\">The full report</a>{}.</p>\n{}</section>\n",
            report_page::period_text(input.report.request, input.report.report),
            if input.report.what_if.is_some() {
                " and <a href=\"what-if.html\">what if</a>"
            } else {
                ""
            },
            report_page::headline(input.report.report),
        );
        let overdue = self
            .actions
            .iter()
            .filter(|a| a.urgency == Urgency::Overdue)
            .count();
        let _ = writeln!(
            body,
            "<section id=\"needs-action\">\n<h2>Needs action first</h2>\n<p>{overdue} clock{} overdue and {} due within {} on open cases, the most urgent first.</p>",
            plural(overdue),
            self.actions.len() - overdue,
            format_duration(input.at_risk)
        );
        body.push_str(&self.action_table(&self.actions[..self.actions.len().min(INDEX_LIMIT)]));
        more(
            &mut body,
            self.actions.len(),
            "action.html",
            "clocks needing action",
        );
        body.push_str("</section>\n");

        let _ = writeln!(
            body,
            "<section id=\"queue\">\n<h2>Queue</h2>\n<p>{} unowned case{} in the order to take them.</p>",
            input.queue.len(),
            plural(input.queue.len())
        );
        body.push_str(&self.queue_table(&input.queue[..input.queue.len().min(INDEX_LIMIT)]));
        more(&mut body, input.queue.len(), "queue.html", "queued cases");
        body.push_str("</section>\n");

        body.push_str(&self.owners_section());

        let escalations = self.open_escalations();
        let _ = writeln!(
            body,
            "<section id=\"escalations\">\n<h2>Open escalations</h2>\n<p>{} open escalation{}, the next update due first.</p>",
            escalations.len(),
            plural(escalations.len())
        );
        body.push_str(&self.escalation_table(&escalations[..escalations.len().min(INDEX_LIMIT)]));
        more(
            &mut body,
            escalations.len(),
            "escalations.html",
            "open escalations",
        );
        body.push_str("</section>\n");
        if let Some(list) = input.accounts {
            let slugs = accounts::slugs(list.iter().map(|a| a.name.as_str()));
            let _ = writeln!(
                body,
                "<section id=\"accounts\">\n<h2>Customer status pages</h2>\n<p>{} account{}, each with a page of its own to send to that customer.</p>",
                list.len(),
                plural(list.len())
            );
            body.push_str(&accounts::accounts_table(
                &list[..list.len().min(INDEX_LIMIT)],
                &slugs,
            ));
            more(&mut body, list.len(), accounts::ACCOUNTS_LIST, "accounts");
            body.push_str("</section>\n");
        }
        self.frame("Support dashboard").render(&body)
    }

    fn action_page(&self) -> String {
        let body = format!(
            "<section id=\"needs-action\">\n<h2>Every clock needing action</h2>\n<p>Overdue clocks, then clocks due within {}, soonest due first.</p>\n{}</section>\n",
            format_duration(self.input.at_risk),
            self.action_table(&self.actions)
        );
        self.frame("Needs action").render(&body)
    }

    fn queue_page(&self) -> String {
        let body = format!(
            "<section id=\"queue\">\n<h2>Unowned cases in taking order</h2>\n<p>Severity first, then the initial-response due time, then the opening time.</p>\n{}</section>\n",
            self.queue_table(self.input.queue)
        );
        self.frame("Queue").render(&body)
    }

    fn escalations_page(&self) -> String {
        let escalations = self.open_escalations();
        let body = format!(
            "<section id=\"escalations\">\n<h2>Every open escalation</h2>\n{}</section>\n",
            self.escalation_table(&escalations)
        );
        self.frame("Open escalations").render(&body)
    }

    fn closed_page(&self) -> String {
        let mut closed: Vec<&CaseFacts> = self
            .input
            .cases
            .iter()
            .filter(|f| f.closed_at.is_some())
            .collect();
        closed.sort_by_key(|f| (std::cmp::Reverse(f.closed_at), f.number()));
        let mut body = format!(
            "<section id=\"closed\">\n<h2>Closed within {} of {}</h2>\n<p>Older closed cases have no page; <code>cases show N</code> shows any case.</p>\n",
            format_duration(self.input.closed_within),
            time_utc(self.input.now)
        );
        if closed.is_empty() {
            body.push_str("<p class=\"empty\">None.</p>\n");
        } else {
            body.push_str("<div class=\"scroll\">\n<table class=\"stack\">\n<thead><tr><th scope=\"col\">case</th><th scope=\"col\">sev</th><th scope=\"col\">title</th><th scope=\"col\">account</th><th scope=\"col\">owner</th><th scope=\"col\">closed</th><th scope=\"col\">how</th></tr></thead>\n<tbody>\n");
            for f in closed {
                let how = f
                    .case
                    .history()
                    .iter()
                    .rev()
                    .find_map(|e| match &e.kind {
                        EventKind::Closed { reason, .. } => Some(reason.as_str()),
                        _ => None,
                    })
                    .unwrap_or("-");
                let _ = writeln!(
                    body,
                    "<tr>{}<td data-label=\"closed\">{}</td><td data-label=\"how\">{how}</td></tr>",
                    case_cells(f, "", true),
                    f.closed_at
                        .map_or(String::new(), |t| time_in(t, f.time_zone))
                );
            }
            body.push_str("</tbody>\n</table>\n</div>\n");
        }
        body.push_str("</section>\n");
        self.frame("Recently closed").render(&body)
    }

    fn report_page(&self) -> String {
        let view = &self.input.report;
        let mut body = format!(
            "<p id=\"period\">{}</p>\n",
            report_page::period_text(view.request, view.report)
        );
        body.push_str(&report_page::report_body(view));
        if view.what_if.is_some() {
            body.push_str(
                "<p><a href=\"what-if.html\">The same period under the other policy</a>.</p>\n",
            );
        }
        self.frame("Support report").render(&body)
    }

    fn what_if_page(&self, name: &str, other: &crate::report::Report) -> String {
        let view = &self.input.report;
        let mut body = format!(
            "<p id=\"period\">{}</p>\n",
            report_page::period_text(view.request, view.report)
        );
        body.push_str(&report_page::what_if_body(view, name, other));
        self.frame("What if").render(&body)
    }

    fn owners_section(&self) -> String {
        let mut text = format!(
            "<section id=\"owners\">\n<h2>Owners</h2>\n<p>{} owner{} with open cases.</p>\n",
            self.owners.len(),
            plural(self.owners.len())
        );
        if self.owners.is_empty() {
            text.push_str("<p class=\"empty\">No owned open case.</p>\n</section>\n");
            return text;
        }
        text.push_str("<div class=\"scroll\">\n<table id=\"owners-table\" class=\"stack\">\n<thead><tr><th scope=\"col\">owner</th><th scope=\"col\" class=\"num\">open cases</th><th scope=\"col\" class=\"num\">overdue</th><th scope=\"col\" class=\"num\">at risk</th><th scope=\"col\" class=\"num\">open</th><th scope=\"col\" class=\"num\">waiting on customer</th><th scope=\"col\" class=\"num\">waiting on fix</th><th scope=\"col\">cases</th></tr></thead>\n<tbody>\n");
        for (owner, cases) in &self.owners {
            let count = |wanted: Urgency| {
                self.actions
                    .iter()
                    .filter(|a| {
                        a.urgency == wanted
                            && a.facts.case.header().owner.as_deref() == Some(*owner)
                    })
                    .count()
            };
            let in_state = |state: State| {
                cases
                    .iter()
                    .filter(|f| f.case.header().state == state)
                    .count()
            };
            let links: Vec<String> = cases
                .iter()
                .take(INDEX_LIMIT)
                .map(|f| case_link(f.number(), ""))
                .collect();
            let _ = writeln!(
                text,
                "<tr data-owner=\"{}\"><th scope=\"row\"><a href=\"owners/{}.html\">{}</a></th><td class=\"num\" data-label=\"open cases\">{}</td><td class=\"num\" data-label=\"overdue\">{}</td><td class=\"num\" data-label=\"at risk\">{}</td><td class=\"num\" data-label=\"open\">{}</td><td class=\"num\" data-label=\"waiting on customer\">{}</td><td class=\"num\" data-label=\"waiting on fix\">{}</td><td data-label=\"cases\">{}{}</td></tr>",
                escape(owner),
                self.owner_slugs[owner],
                escape(owner),
                cases.len(),
                count(Urgency::Overdue),
                count(Urgency::AtRisk),
                in_state(State::Open),
                in_state(State::WaitingOnCustomer),
                in_state(State::WaitingOnFix),
                links.join(" "),
                if cases.len() > INDEX_LIMIT { " …" } else { "" }
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n</section>\n");
        text
    }

    fn owner_page(&self, owner: &str) -> String {
        let cases = self.owners.get(owner).map_or(&[][..], Vec::as_slice);
        let mut body = format!(
            "<section id=\"owner\">\n<h2>Open cases of {}</h2>\n<p>{} open case{}, with the next clock due.</p>\n<div class=\"scroll\">\n<table class=\"stack\">\n<thead><tr><th scope=\"col\">case</th><th scope=\"col\">sev</th><th scope=\"col\">title</th><th scope=\"col\">account</th><th scope=\"col\">owner</th><th scope=\"col\">state</th><th scope=\"col\">next due</th><th scope=\"col\">time left</th></tr></thead>\n<tbody>\n",
            escape(owner),
            cases.len(),
            plural(cases.len())
        );
        for f in cases {
            let next = f
                .clocks
                .iter()
                .filter(|r| r.stopped_at.is_none() && r.due_at.is_some())
                .min_by_key(|r| r.due_at);
            let (due, left) = match next {
                Some(r) => {
                    let due = r.due_at.unwrap_or(self.input.now);
                    (
                        format!("{} {}", escape(&clock_name(r)), time_in(due, f.time_zone)),
                        status_span(r, self.input.now, self.input.at_risk),
                    )
                }
                None => ("-".into(), "-".into()),
            };
            let _ = writeln!(
                body,
                "<tr>{}<td data-label=\"state\">{}</td><td data-label=\"next due\">{due}</td><td data-label=\"time left\">{left}</td></tr>",
                case_cells(f, "../", true),
                f.case.header().state
            );
        }
        body.push_str("</tbody>\n</table>\n</div>\n</section>\n");
        Frame {
            title: owner,
            styles: Styles::Linked("../style.css"),
            root: Some("../"),
            subtitle: format!("Owner · as of {}", time_utc(self.input.now)),
        }
        .render(&body)
    }

    fn action_table(&self, items: &[ActionItem]) -> String {
        if items.is_empty() {
            return "<p class=\"empty\">Nothing overdue or at risk.</p>\n".into();
        }
        let mut text = String::from("<div class=\"scroll\">\n<table class=\"action stack\">\n<thead><tr><th scope=\"col\">case</th><th scope=\"col\">sev</th><th scope=\"col\">title</th><th scope=\"col\">account</th><th scope=\"col\">owner</th><th scope=\"col\">clock</th><th scope=\"col\">status</th><th scope=\"col\">due</th></tr></thead>\n<tbody>\n");
        for item in items {
            let due = item.reading.due_at.unwrap_or(self.input.now);
            let _ = writeln!(
                text,
                "<tr data-case=\"{}\" data-clock=\"{}\">{}<td data-label=\"clock\">{}</td><td data-label=\"status\">{}</td><td data-label=\"due\">{}</td></tr>",
                item.facts.number(),
                escape(&clock_name(item.reading)),
                case_cells(item.facts, "", true),
                escape(&clock_name(item.reading)),
                status_span(item.reading, self.input.now, self.input.at_risk),
                time_in(due, item.facts.time_zone)
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n");
        text
    }

    fn queue_table(&self, numbers: &[u64]) -> String {
        if numbers.is_empty() {
            return "<p class=\"empty\">The queue is empty.</p>\n".into();
        }
        let mut text = String::from("<div class=\"scroll\">\n<table class=\"queue stack\">\n<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">case</th><th scope=\"col\">sev</th><th scope=\"col\">title</th><th scope=\"col\">account</th><th scope=\"col\">opened</th><th scope=\"col\">initial response due</th></tr></thead>\n<tbody>\n");
        for (place, number) in numbers.iter().enumerate() {
            let Some(f) = self.by_number.get(number) else {
                continue;
            };
            let initial = f
                .clocks
                .iter()
                .find(|r| r.clock == ClockKind::InitialResponse);
            let due = match initial {
                Some(r) if r.due_at.is_some() => format!(
                    "{} {}",
                    time_in(r.due_at.unwrap_or(self.input.now), f.time_zone),
                    status_span(r, self.input.now, self.input.at_risk)
                ),
                Some(r) if r.status == ClockStatus::Waiting => {
                    "waiting for the first phone contact".into()
                }
                _ => "-".into(),
            };
            let _ = writeln!(
                text,
                "<tr data-case=\"{number}\"><td class=\"num\" data-label=\"place\">{}</td>{}<td data-label=\"opened\">{}</td><td data-label=\"initial response due\">{due}</td></tr>",
                place + 1,
                case_cells(f, "", false),
                time_in(f.case.opened_at(), f.time_zone)
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n");
        text
    }

    fn escalation_table(
        &self,
        escalations: &[(&CaseFacts, usize, &Escalation, Option<&ClockReading>)],
    ) -> String {
        if escalations.is_empty() {
            return "<p class=\"empty\">No open escalation.</p>\n".into();
        }
        let mut text = String::from("<div class=\"scroll\">\n<table class=\"escalations stack\">\n<thead><tr><th scope=\"col\">case</th><th scope=\"col\">sev</th><th scope=\"col\">title</th><th scope=\"col\">account</th><th scope=\"col\">owner</th><th scope=\"col\">escalation</th><th scope=\"col\">manager</th><th scope=\"col\">next update due</th></tr></thead>\n<tbody>\n");
        for (f, index, e, next) in escalations {
            let manager = e
                .accepted
                .as_ref()
                .map_or("-".to_string(), |(_, m, every)| {
                    format!("{} (every {})", escape(m), format_duration(*every))
                });
            let due = match next {
                Some(r) => format!(
                    "{} {} {}",
                    escape(&clock_name(r)),
                    time_in(r.due_at.unwrap_or(self.input.now), f.time_zone),
                    status_span(r, self.input.now, self.input.at_risk)
                ),
                None => "-".into(),
            };
            let _ = writeln!(
                text,
                "<tr data-case=\"{}\">{}<td data-label=\"escalation\">#{index} {}, requested {}</td><td data-label=\"manager\">{manager}</td><td data-label=\"next update due\">{due}</td></tr>",
                f.number(),
                case_cells(f, "", true),
                escape(&e.status()),
                time_in(e.requested_at, f.time_zone)
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n");
        text
    }
}

/// The running clock of escalation `index` of `facts` due soonest: the
/// manager's follow-up until it is made, then the current update interval.
fn next_escalation_clock(facts: &CaseFacts, index: usize) -> Option<&ClockReading> {
    facts
        .clocks
        .iter()
        .filter(|r| r.escalation == Some(index) && r.stopped_at.is_none() && r.due_at.is_some())
        .min_by_key(|r| r.due_at)
}

/// `s` for a count other than one.
fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `<p>and 12 more: every one on <a>…</a></p>` when a list was cut.
fn more(text: &mut String, total: usize, page: &str, what: &str) {
    if total > INDEX_LIMIT {
        let _ = writeln!(
            text,
            "<p>{} more: <a href=\"{page}\">all {total} {what}</a>.</p>",
            total - INDEX_LIMIT
        );
    }
}

/// A link to case `number`'s page from a page at `root` (`""` or `"../"`).
fn case_link(number: u64, root: &str) -> String {
    format!("<a href=\"{root}{}\">{number}</a>", case_path(number))
}

/// The cells every case list starts with: case, sev, title, account and
/// (unless the list is of unowned cases) owner; each labelled for phones,
/// where a row is shown as a card.
fn case_cells(f: &CaseFacts, root: &str, with_owner: bool) -> String {
    let h = f.case.header();
    let mut cells = format!(
        "<td data-label=\"case\">{}</td><td data-label=\"sev\">{}</td><td data-label=\"title\">{}</td><td data-label=\"account\">{}</td>",
        case_link(h.number, root),
        h.severity,
        escape(&h.facts.title),
        escape(&h.facts.account),
    );
    if with_owner {
        let _ = write!(
            cells,
            "<td data-label=\"owner\">{}</td>",
            h.owner.as_deref().map_or("-".into(), escape)
        );
    }
    cells
}

/// The status of a clock as a labelled span: `overdue 1h5m`, `at risk: in 40m`, `running: in 3h`, `met`.
fn status_span(reading: &ClockReading, now: DateTime<Utc>, at_risk: Duration) -> String {
    let (class, text) = match (
        urgency(reading, now, at_risk),
        reading.due_at,
        reading.stopped_at,
    ) {
        (Some(Urgency::Overdue), Some(due), _) => ("overdue", time_left(due, now)),
        (Some(Urgency::AtRisk), Some(due), _) => {
            ("at-risk", format!("at risk: due {}", time_left(due, now)))
        }
        (_, Some(due), Some(stopped)) if stopped > due => {
            ("breached", format!("breached, {}", lateness(stopped - due)))
        }
        (_, Some(due), None) => ("running", format!("running: due {}", time_left(due, now))),
        _ => (reading.status.as_str(), reading.status.as_str().to_string()),
    };
    format!("<span class=\"status {class}\">{}</span>", escape(&text))
}

/// File names for owners' pages: [`readable_slug`], a name taken already
/// with `-2`, `-3`...
fn slugs<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    unique_slugs(names, |name| readable_slug(name, "owner"))
}

/// `name` as a file name: ASCII letters and digits lower-cased, every run
/// of anything else one `-`, at most 40 characters, no `-` at either end;
/// `fallback` when nothing is left.
pub(crate) fn readable_slug(name: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug: String = slug.trim_matches('-').chars().take(40).collect();
    match slug.trim_end_matches('-') {
        "" => fallback.to_string(),
        slug => slug.to_string(),
    }
}

/// Each of `names`, in the order given, with the file name `slug` makes of
/// it; one already taken gets `-2`, `-3`..., so no two share a page.
pub(crate) fn unique_slugs<'a>(
    names: impl Iterator<Item = &'a str>,
    slug: impl Fn(&str) -> String,
) -> BTreeMap<&'a str, String> {
    let mut taken = BTreeSet::new();
    let mut slugs = BTreeMap::new();
    for name in names {
        let base = slug(name);
        let mut candidate = base.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        slugs.insert(name, candidate);
    }
    slugs
}

/// One entry of a case's timeline: an event or a clock's start, due time or stop.
struct Moment {
    at: DateTime<Utc>,
    /// Events before clock marks at the same instant.
    order: u8,
    class: String,
    what: String,
    by: Option<String>,
    detail: String,
}

/// The page of one case; `linked` holds the numbers of the cases with a
/// page (a related case without one is named, not linked).
pub fn case_page(input: &SiteInput, linked: &BTreeSet<u64>, facts: &CaseFacts) -> SiteFile {
    let now = input.now;
    let h = facts.case.header();
    let root = "../../";
    let mut body = case_section(input, linked, facts);
    clocks_section(&mut body, input, facts);
    escalations_section(&mut body, input, facts);
    history_section(&mut body, input, facts);
    let title = format!("Case {}: {}", h.number, h.facts.title);
    let stylesheet = format!("{root}{STYLESHEET_PATH}");
    let text = Frame {
        title: &title,
        styles: Styles::Linked(&stylesheet),
        root: Some(root),
        subtitle: format!(
            "sev{} · {} · {} · as of {}",
            h.severity,
            escape(&h.facts.account),
            h.state,
            time_utc(now)
        ),
    }
    .render(&body);
    SiteFile {
        path: case_path(h.number),
        bytes: text.into_bytes(),
    }
}
/// The case section (`#case`): its header (state, severity, plan, region,
/// owner, contacts and the rest).
fn case_section(input: &SiteInput, linked: &BTreeSet<u64>, facts: &CaseFacts) -> String {
    let case = &facts.case;
    let h = facts.case.header();
    let tz = facts.time_zone;
    let root = "../../";
    let severity_name = input
        .policy
        .severity(h.severity)
        .map_or(String::new(), |s| format!(" ({})", s.name));
    let contacts: Vec<String> = h.contacts.iter().map(|c| escape(&c.to_string())).collect();
    let related: Vec<String> = h
        .related
        .iter()
        .map(|n| {
            if linked.contains(n) {
                format!("<a href=\"{root}{}\">{n}</a>", case_path(*n))
            } else {
                format!("{n} (no page: closed earlier)")
            }
        })
        .collect();
    let escalated = match facts.open_escalation() {
        Some((_, e)) if e.accepted.is_some() => "escalated",
        Some(_) => "escalation requested",
        None => "no",
    };
    let mut body = String::from("<section id=\"case\">\n<h2>Case</h2>\n<dl class=\"facts\">\n");
    let mut fact = |name: &str, value: String| {
        let _ = writeln!(body, "<dt>{name}</dt><dd>{value}</dd>");
    };
    fact("state", format!("<span class=\"state\">{}</span>", h.state));
    fact(
        "severity",
        escape(&format!("{}{severity_name}", h.severity)),
    );
    fact("plan", escape(&h.facts.plan));
    fact(
        "region",
        format!("{} ({})", escape(&h.facts.region), escape(tz.name())),
    );
    fact("account", escape(&h.facts.account));
    fact(
        "owner",
        h.owner.as_deref().map_or("(unowned)".into(), escape),
    );
    fact("language", escape(&h.facts.language));
    fact("contacts", contacts.join(", "));
    if !related.is_empty() {
        fact("related", related.join(", "));
    }
    fact("opened", time_in(case.opened_at(), tz));
    if let Some(closed) = facts.closed_at {
        fact("closed", time_in(closed, tz));
    }
    fact("escalated", escalated.into());
    fact("policy version", escape(&h.policy_version));
    body.push_str("</dl>\n</section>\n");
    body
}

/// Its clocks and gates (`#clocks`).
fn clocks_section(body: &mut String, input: &SiteInput, facts: &CaseFacts) {
    let now = input.now;
    let tz = facts.time_zone;
    body.push_str("<section id=\"clocks\">\n<h2>Clocks</h2>\n<div class=\"scroll\">\n<table class=\"stack\">\n<thead><tr><th scope=\"col\">clock</th><th scope=\"col\">status</th><th scope=\"col\">started</th><th scope=\"col\">due</th><th scope=\"col\">stopped</th></tr></thead>\n<tbody>\n");
    for r in &facts.clocks {
        let when = |t: Option<DateTime<Utc>>| t.map_or("-".into(), |t| time_in(t, tz));
        let started = match (r.started_at, r.status) {
            (None, ClockStatus::Waiting) => "waiting for the first phone contact".into(),
            (t, _) => when(t),
        };
        let _ = writeln!(
            body,
            "<tr data-clock=\"{}\" data-status=\"{}\"><th scope=\"row\">{}</th><td data-label=\"status\">{}</td><td data-label=\"started\">{started}</td><td data-label=\"due\">{}</td><td data-label=\"stopped\">{}</td></tr>",
            escape(&clock_name(r)),
            r.status.as_str(),
            escape(&clock_name(r)),
            status_span(r, now, input.at_risk),
            when(r.due_at),
            when(r.stopped_at)
        );
    }
    body.push_str("</tbody>\n</table>\n</div>\n");
    let gate =
        |t: Option<DateTime<Utc>>, never: &str| t.map_or(never.to_string(), |t| time_in(t, tz));
    let _ = write!(
        body,
        "<h3>Gates</h3>\n<dl class=\"facts\">\n<dt>escalation allowed from</dt><dd>{}</dd>\n",
        gate(facts.gates.escalation_eligible_at, "never (not eligible)")
    );
    if facts.gates.autoclose_at.is_some() {
        let _ = writeln!(
            body,
            "<dt>auto-close at</dt><dd>{}</dd>",
            gate(facts.gates.autoclose_at, "")
        );
    }
    if facts.gates.reopen_until.is_some() {
        let _ = writeln!(
            body,
            "<dt>reopen until</dt><dd>{}</dd>",
            gate(facts.gates.reopen_until, "")
        );
    }
    body.push_str("</dl>\n</section>\n");
}

/// Its escalations (`#escalation`), if any.
fn escalations_section(body: &mut String, input: &SiteInput, facts: &CaseFacts) {
    let now = input.now;
    let case = &facts.case;
    let tz = facts.time_zone;
    if !facts.escalations.is_empty() {
        body.push_str("<section id=\"escalation\">\n<h2>Escalation</h2>\n");
        for (i, e) in facts.escalations.iter().enumerate() {
            let index = i + 1;
            let _ = writeln!(
                body,
                "<h3>#{index}: {}</h3>\n<dl class=\"facts\">\n<dt>requested</dt><dd>{} by {} ({}, {})</dd>\n<dt>justification</dt><dd class=\"detail\">{}</dd>",
                escape(&e.status()),
                time_in(e.requested_at, tz),
                escape(&e.request.requester),
                escape(&e.request.role),
                escape(&e.request.channel),
                escape(&e.request.justification)
            );
            if let Some(reviewed) = e.reviewed_at {
                let _ = writeln!(body, "<dt>reviewed</dt><dd>{}</dd>", time_in(reviewed, tz));
            }
            if let Some((at, manager, every)) = &e.accepted {
                let _ = writeln!(
                    body,
                    "<dt>accepted</dt><dd>{} by {}, updates every {}; {} sent</dd>",
                    time_in(*at, tz),
                    escape(manager),
                    format_duration(*every),
                    e.updates.len()
                );
            }
            if e.is_open() {
                if let Some(next) = next_escalation_clock(facts, index) {
                    let _ = writeln!(
                        body,
                        "<dt>next update due</dt><dd>{} ({}) {}</dd>",
                        time_in(next.due_at.unwrap_or(now), tz),
                        escape(&clock_name(next)),
                        status_span(next, now, input.at_risk)
                    );
                }
            }
            if let Some((at, ending)) = &e.ended {
                let detail = match ending {
                    Ending::Closed { summary, .. } => summary.clone(),
                    Ending::Declined { explanation } => explanation.clone(),
                    Ending::DeEscalated { reason } => reason.clone(),
                    Ending::CaseClosed => "the case was closed".into(),
                };
                let _ = writeln!(
                    body,
                    "<dt>ended</dt><dd>{}: {}: <span class=\"detail\">{}</span></dd>",
                    time_in(*at, tz),
                    escape(ending.label()),
                    escape(&detail)
                );
            }
            let people: Vec<String> = escalation::stakeholders(case, e)
                .into_iter()
                .map(|(role, name)| format!("{} ({role})", escape(&name)))
                .collect();
            let _ = writeln!(
                body,
                "<dt>stakeholders</dt><dd>{}</dd>\n</dl>",
                people.join(", ")
            );
        }
        body.push_str("</section>\n");
    }
}

/// Its history as a timeline (`#history`), with the clocks' starts, dues
/// and stops.
fn history_section(body: &mut String, input: &SiteInput, facts: &CaseFacts) {
    let now = input.now;
    let case = &facts.case;
    let tz = facts.time_zone;
    let mut moments: Vec<Moment> = Vec::new();
    for event in case.history() {
        moments.push(Moment {
            at: event.at,
            order: 0,
            class: "event".into(),
            what: event.kind.name().to_string(),
            by: Some(event.by.clone()),
            detail: event_detail(event),
        });
    }
    for r in &facts.clocks {
        let name = clock_name(r);
        if let Some(started) = r.started_at {
            moments.push(Moment {
                at: started,
                order: 1,
                class: "clock start".into(),
                what: format!("{name} clock started"),
                by: None,
                detail: String::new(),
            });
        }
        if let Some(due) = r.due_at {
            let (class, detail) = match (r.stopped_at, r.status) {
                (Some(stopped), _) if stopped <= due => ("due met", "met before it".to_string()),
                (Some(stopped), _) => (
                    "due breached",
                    format!("missed: stopped {} later", format_duration(stopped - due)),
                ),
                (None, ClockStatus::Breached) => {
                    ("due breached", format!("missed: {}", time_left(due, now)))
                }
                (None, _) => ("due", format!("upcoming: {}", time_left(due, now))),
            };
            moments.push(Moment {
                at: due,
                order: 2,
                class: format!("clock {class}"),
                what: format!("{name} due"),
                by: None,
                detail,
            });
        }
        if let Some(stopped) = r.stopped_at {
            moments.push(Moment {
                at: stopped,
                order: 1,
                class: format!("clock stop {}", r.status.as_str()),
                what: format!("{name} clock stopped: {}", r.status.as_str()),
                by: None,
                detail: String::new(),
            });
        }
    }
    moments.sort_by_key(|m| (m.at, m.order));
    let _ = writeln!(
        body,
        "<section id=\"history\">\n<h2>History</h2>\n<p>Events as recorded, with the clocks' starts, due times and stops marked; times in {}.</p>\n<ol class=\"timeline\">",
        escape(tz.name())
    );
    for m in &moments {
        let by =
            m.by.as_deref()
                .map_or(String::new(), |by| format!(" by {}", escape(by)));
        let detail = if m.detail.is_empty() {
            String::new()
        } else {
            format!("<div class=\"detail\">{}</div>", escape(&m.detail))
        };
        let _ = writeln!(
            body,
            "<li class=\"{}\"><span class=\"when\">{}</span> <span class=\"what\">{}</span>{by}{detail}</li>",
            m.class,
            time_in(m.at, tz),
            escape(&m.what)
        );
    }
    body.push_str("</ol>\n</section>\n");
}

/// The fields of an event other than when, what and who, one per line
/// (`owner: alice`); the created event's facts are the page's header.
fn event_detail(event: &crate::case::Event) -> String {
    let mut lines = Vec::new();
    if let Value::Object(fields) = crate::store::event_json(event) {
        for (key, value) in fields {
            let header_fact = matches!(event.kind, EventKind::Created(_)) && key != "channel";
            if header_fact || ["at", "event", "by"].contains(&key.as_str()) {
                continue;
            }
            let value = match value {
                Value::String(s) => s,
                Value::Null => continue,
                other => other.to_string(),
            };
            lines.push(format!("{key}: {value}"));
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_slugs_are_file_names_and_distinct() {
        let slugs = slugs(["Ann Lee", "ann-lee", "../etc", "", "Zoë"].into_iter());
        assert_eq!(slugs["Ann Lee"], "ann-lee");
        assert_eq!(slugs["ann-lee"], "ann-lee-2");
        assert_eq!(slugs["../etc"], "etc");
        assert_eq!(slugs[""], "owner");
        assert_eq!(slugs["Zoë"], "zo");
    }

    #[test]
    fn case_pages_live_in_directories_of_a_thousand() {
        assert_eq!(case_path(1042), "cases/001/1042.html");
        assert_eq!(case_path(123_456), "cases/123/123456.html");
    }

    #[test]
    fn escaping_leaves_no_markup_and_no_control_characters() {
        assert_eq!(
            escape("<a href='x'>\"&\u{1b}[31m"),
            "&lt;a href=&#39;x&#39;&gt;&quot;&amp;\u{fffd}[31m"
        );
    }
}
