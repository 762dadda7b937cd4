//! The report as HTML, one rendering for `cases report --format html` (a
//! page on its own) and the site's report and what-if pages: the period,
//! the headline figures, attainment of every clock by the `--by` grouping,
//! response-time percentiles, escalation outcomes, the backlog and the
//! weekly trend; with another policy, the same figures side by side.

use std::fmt::Write as _;

use super::charts::{self, AttainmentBar, PairedBar, Series};
use super::html::{escape, time_utc, Frame, Styles};
use crate::clock::ClockKind;
use crate::policy::format_duration;
use crate::report::{Attainment, Dimension, Percentiles, Report, ReportRequest, ResponseTimes};

/// A report and what it covers.
#[derive(Clone, Copy)]
pub struct ReportView<'a> {
    pub request: &'a ReportRequest,
    pub report: &'a Report,
    /// The other policy's file name and its figures (`--what-if`).
    pub what_if: Option<(&'a str, &'a Report)>,
}

/// The page `cases report --format html` prints: self-contained, styles
/// inline, no links; the what-if comparison follows when asked for.
pub fn standalone(view: &ReportView) -> String {
    let mut body = report_body(view);
    if let Some((name, other)) = view.what_if {
        body.push_str(&what_if_body(view, name, other));
    }
    Frame {
        title: "Support report",
        styles: Styles::Inline,
        root: None,
        subtitle: period_text(view.request, view.report),
    }
    .render(&body)
}

/// `From 2026-11-02 00:00 UTC to 2026-11-29 23:59:59 UTC`, or from the
/// first case's opening when the period has no start.
pub fn period_text(request: &ReportRequest, report: &Report) -> String {
    let end = time_utc(request.last_instant());
    match (request.since, report.first_opening) {
        (Some(since), _) => format!("From {} to {end}", time_utc(since)),
        (None, Some(first)) => format!("From the first case, opened {}, to {end}", time_utc(first)),
        (None, None) => format!("No case was opened up to {end}"),
    }
}

/// A group's value as people read it: `(unowned)` for an unowned case's
/// owner, `(no label)` for an unlabelled case.
fn group_value(dimension: Dimension, value: &Option<String>) -> &str {
    value.as_deref().unwrap_or(dimension.absent_text())
}

/// The label of a group: `sev2 plus`.
pub fn group_label(by: &[Dimension], group: &[Option<String>]) -> String {
    if group.is_empty() {
        return "all".into();
    }
    by.iter()
        .zip(group)
        .map(|(dimension, value)| match dimension {
            Dimension::Severity => format!("sev{}", group_value(*dimension, value)),
            _ => group_value(*dimension, value).to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `72.7%` or `-`.
pub fn percent_text(attainment: Option<&Attainment>) -> String {
    attainment
        .and_then(Attainment::percent)
        .map_or("-".into(), |p| format!("{p:.1}%"))
}

/// The total of every clock, breaches, backlog, opened and closed, as the
/// figure cards at the top of the index and the report.
pub fn headline(report: &Report) -> String {
    let mut text = String::from("<ul class=\"figures\" id=\"headline\">\n");
    let mut card = |id: &str, value: String, label: String| {
        let _ = writeln!(
            text,
            "<li id=\"{id}\"><span class=\"value\">{}</span> <span class=\"label\">{}</span></li>",
            escape(&value),
            escape(&label)
        );
    };
    let mut breached = 0;
    for clock in report.clocks() {
        let total = report
            .attainment
            .get(&(clock, Vec::new()))
            .cloned()
            .unwrap_or_default();
        breached += total.breached;
        card(
            &format!("attainment-{}", clock.as_str()),
            percent_text(Some(&total)),
            format!(
                "{} attainment ({} met of {} decided)",
                clock.as_str(),
                total.met,
                total.met + total.breached
            ),
        );
    }
    let c = &report.counts;
    let backlog: usize = report.backlog_by_state.iter().map(|(_, n)| n).sum();
    card(
        "breaches",
        breached.to_string(),
        "breached clocks (started in the period)".into(),
    );
    card(
        "backlog",
        backlog.to_string(),
        "open cases at the end".into(),
    );
    card("opened", c.opened.to_string(), "cases opened".into());
    card(
        "closed",
        (c.closed_customer_confirmed + c.closed_no_response).to_string(),
        format!(
            "cases closed ({} confirmed, {} no response)",
            c.closed_customer_confirmed, c.closed_no_response
        ),
    );
    text.push_str("</ul>\n");
    text
}

fn percentiles_text(p: Option<Percentiles>) -> (String, String) {
    p.map_or(("-".into(), "-".into()), |p| {
        (format_duration(p.median), format_duration(p.p90))
    })
}

/// The figures of the period, one row each.
fn figures_table(report: &Report) -> String {
    let c = &report.counts;
    let total: usize = report.backlog_by_state.iter().map(|(_, n)| n).sum();
    let states: Vec<String> = report
        .backlog_by_state
        .iter()
        .map(|(state, n)| format!("{state} {n}"))
        .collect();
    let ages: Vec<String> = report
        .backlog_by_age
        .iter()
        .map(|(label, n)| format!("{label} {n}"))
        .collect();
    let r = &report.response_times;
    let (business_median, business_p90) = percentiles_text(r.business);
    let (wall_median, wall_p90) = percentiles_text(r.wall);
    let outcomes: Vec<String> = report
        .escalation_outcomes
        .iter()
        .map(|(label, count)| format!("{label} {count}"))
        .collect();
    let rows = [
        ("opened", c.opened.to_string()),
        (
            "closed",
            format!(
                "{} (customer-confirmed {}, no-response {})",
                c.closed_customer_confirmed + c.closed_no_response,
                c.closed_customer_confirmed,
                c.closed_no_response
            ),
        ),
        ("reopened", c.reopened.to_string()),
        ("escalated", c.escalated.to_string()),
        ("backlog", format!("{total} ({})", states.join(", "))),
        ("backlog by age", ages.join(", ")),
        (
            "first response",
            format!(
                "{} measured; business time median {business_median}, p90 {business_p90}; wall time median {wall_median}, p90 {wall_p90}",
                r.count
            ),
        ),
        ("escalation outcomes", outcomes.join(", ")),
    ];
    let mut text =
        String::from("<table id=\"figures\">\n<caption>The period in figures</caption>\n<tbody>\n");
    for (label, value) in rows {
        let _ = writeln!(
            text,
            "<tr><th scope=\"row\">{label}</th><td>{}</td></tr>",
            escape(&value)
        );
    }
    text.push_str("</tbody>\n</table>\n");
    text
}

/// The rows of `clock` in the report: the total first, then each group.
fn clock_rows(report: &Report, clock: ClockKind) -> Vec<(&Vec<Option<String>>, &Attainment)> {
    let mut rows: Vec<(&Vec<Option<String>>, &Attainment)> = report
        .attainment
        .iter()
        .filter(|((kind, _), _)| *kind == clock)
        .map(|((_, group), a)| (group, a))
        .collect();
    rows.sort_by_key(|(group, _)| !group.is_empty());
    rows
}

fn attainment_section(request: &ReportRequest, report: &Report) -> String {
    let by: Vec<&str> = request.by.iter().map(|d| d.as_str()).collect();
    let mut text = format!(
        "<section id=\"attainment\">\n<h2>Attainment by clock{}</h2>\n<p>Clocks that started in the period; attainment is met / (met + breached). Running and waiting clocks are not decided yet.</p>\n",
        if by.is_empty() {
            String::new()
        } else {
            format!(" and {}", by.join(", "))
        }
    );
    text.push_str(&charts::legend("attainment", &charts::ATTAINMENT_LEGEND));
    for clock in report.clocks() {
        let rows = clock_rows(report, clock);
        let bars: Vec<AttainmentBar> = rows
            .iter()
            .map(|(group, a)| {
                let mut keys = vec![("clock".to_string(), clock.as_str().to_string())];
                for (dimension, value) in request.by.iter().zip(group.iter()) {
                    keys.push((
                        dimension.as_str().to_string(),
                        group_value(*dimension, value).to_string(),
                    ));
                }
                AttainmentBar {
                    label: group_label(&request.by, group),
                    keys,
                    met: a.met,
                    breached: a.breached,
                    running: a.running,
                    waiting: a.waiting,
                }
            })
            .collect();
        let id = format!("attainment-{}", clock.as_str());
        let _ = writeln!(
            text,
            "<h3>{}</h3>\n<figure class=\"chart\">\n{}</figure>",
            clock.as_str(),
            charts::attainment_bars(&id, &format!("{} attainment", clock.as_str()), &bars)
        );
        let _ = write!(
            text,
            "<details>\n<summary>{} figures as a table</summary>\n<div class=\"scroll\">\n<table>\n<thead><tr>",
            clock.as_str()
        );
        for dimension in &by {
            let _ = write!(text, "<th scope=\"col\">{dimension}</th>");
        }
        text.push_str("<th scope=\"col\" class=\"num\">met</th><th scope=\"col\" class=\"num\">breached</th><th scope=\"col\" class=\"num\">running</th><th scope=\"col\" class=\"num\">waiting</th><th scope=\"col\" class=\"num\">attainment</th></tr></thead>\n<tbody>\n");
        for (group, a) in &rows {
            text.push_str("<tr>");
            for (index, dimension) in request.by.iter().enumerate() {
                let value = group
                    .get(index)
                    .map_or("(all)", |value| group_value(*dimension, value));
                let _ = write!(text, "<td>{}</td>", escape(value));
            }
            let _ = writeln!(
                text,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                a.met,
                a.breached,
                a.running,
                a.waiting,
                percent_text(Some(a))
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n</details>\n");
    }
    text.push_str("</section>\n");
    text
}

fn response_section(report: &Report) -> String {
    let mut text = times_section(
        "response-times",
        "percentiles",
        "Time to first response",
        "from the start of the initial-response clock",
        &report.response_times,
    );
    if let Some(next) = &report.next_response_times {
        text.push_str(&times_section(
            "next-response-times",
            "next-percentiles",
            "Time to next response",
            "from each customer reply that started a next-response clock",
            next,
        ));
    }
    text
}

/// A section of response-time percentiles (business and wall time).
fn times_section(id: &str, table_id: &str, title: &str, from: &str, r: &ResponseTimes) -> String {
    let (bm, bp) = percentiles_text(r.business);
    let (wm, wp) = percentiles_text(r.wall);
    format!(
        "<section id=\"{id}\">\n<h2>{title}</h2>\n<p>{} responses measured, {from} (nearest-rank percentiles).</p>\n<table id=\"{table_id}\">\n<thead><tr><th scope=\"col\">measured in</th><th scope=\"col\" class=\"num\">median</th><th scope=\"col\" class=\"num\">90th percentile</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">business time</th><td class=\"num\">{bm}</td><td class=\"num\">{bp}</td></tr>\n<tr><th scope=\"row\">wall time</th><td class=\"num\">{wm}</td><td class=\"num\">{wp}</td></tr>\n</tbody>\n</table>\n</section>\n",
        r.count
    )
}

fn outcomes_section(report: &Report) -> String {
    // In the report's order: the policy's closing outcomes first.
    let bars: Vec<(String, usize)> = report.escalation_outcomes.clone();
    let mut text = String::from(
        "<section id=\"outcomes\">\n<h2>Escalation outcomes</h2>\n<p>Escalations that ended in the period, by how they ended.</p>\n",
    );
    if bars.iter().all(|(_, n)| *n == 0) {
        text.push_str("<p class=\"empty\">No escalation ended in the period.</p>\n");
    } else {
        text.push_str(&charts::legend(
            "outcomes-chart",
            &[("outcome", "escalations that ended this way")],
        ));
        let _ = writeln!(
            text,
            "<figure class=\"chart\">\n{}</figure>",
            charts::count_bars("outcomes-chart", "Escalation outcomes", "outcome", &bars)
        );
    }
    text.push_str("<table id=\"outcomes-table\">\n<thead><tr><th scope=\"col\">outcome</th><th scope=\"col\" class=\"num\">escalations</th></tr></thead>\n<tbody>\n");
    for (label, n) in &bars {
        let _ = writeln!(
            text,
            "<tr><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>"
        );
    }
    text.push_str("</tbody>\n</table>\n</section>\n");
    text
}

fn backlog_section(report: &Report) -> String {
    let mut text = String::from("<section id=\"backlog\">\n<h2>Backlog at the end of the period</h2>\n<div class=\"scroll\">\n<table id=\"backlog-by-state\">\n<caption>By state</caption>\n<tbody>\n");
    for (state, n) in &report.backlog_by_state {
        let _ = writeln!(
            text,
            "<tr><th scope=\"row\">{state}</th><td class=\"num\">{n}</td></tr>"
        );
    }
    text.push_str("</tbody>\n</table>\n<table id=\"backlog-by-age\">\n<caption>By age since opening</caption>\n<tbody>\n");
    for (label, n) in &report.backlog_by_age {
        let _ = writeln!(
            text,
            "<tr><th scope=\"row\">{label}</th><td class=\"num\">{n}</td></tr>"
        );
    }
    text.push_str("</tbody>\n</table>\n</div>\n</section>\n");
    text
}

/// The trend's series: opened, backlog and breaches per week.
const TREND_LEGEND: [(&str, &str); 3] = [
    ("opened", "cases opened in the week"),
    ("backlog", "open cases at the end of the week"),
    ("breaches", "clocks due in the week and breached"),
];

fn trend_section(report: &Report) -> String {
    let weeks: Vec<String> = report
        .weekly
        .iter()
        .map(|w| w.start.format("%Y-%m-%d").to_string())
        .collect();
    let series = [
        Series {
            class: "opened",
            label: "opened",
            values: report.weekly.iter().map(|w| w.opened).collect(),
        },
        Series {
            class: "backlog",
            label: "backlog",
            values: report.weekly.iter().map(|w| w.backlog).collect(),
        },
        Series {
            class: "breaches",
            label: "breaches",
            values: report.weekly.iter().map(|w| w.breaches).collect(),
        },
    ];
    let wide = weeks.len() > 20;
    let mut text = String::from(
        "<section id=\"weekly\">\n<h2>Weekly trend</h2>\n<p>Weeks start on Monday 00:00 UTC.</p>\n",
    );
    text.push_str(&charts::legend("trend", &TREND_LEGEND));
    let _ = writeln!(
        text,
        "<figure class=\"chart scroll{}\">\n{}</figure>",
        if wide { " wide" } else { "" },
        charts::trend("trend", "Weekly trend", &weeks, &series)
    );
    text.push_str("<details>\n<summary>Weekly figures as a table</summary>\n<div class=\"scroll\">\n<table id=\"weekly-table\">\n<thead><tr><th scope=\"col\">week of</th><th scope=\"col\" class=\"num\">opened</th><th scope=\"col\" class=\"num\">backlog</th><th scope=\"col\" class=\"num\">breaches</th></tr></thead>\n<tbody>\n");
    for (week, w) in weeks.iter().zip(&report.weekly) {
        let _ = writeln!(
            text,
            "<tr><th scope=\"row\">{week}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            w.opened, w.backlog, w.breaches
        );
    }
    text.push_str("</tbody>\n</table>\n</div>\n</details>\n</section>\n");
    text
}

/// The report's sections (without the page frame).
pub fn report_body(view: &ReportView) -> String {
    let mut text = String::from("<section id=\"summary\">\n<h2>Headline figures</h2>\n");
    text.push_str(&headline(view.report));
    text.push_str(&figures_table(view.report));
    text.push_str("</section>\n");
    text.push_str(&attainment_section(view.request, view.report));
    text.push_str(&response_section(view.report));
    text.push_str(&outcomes_section(view.report));
    text.push_str(&backlog_section(view.report));
    text.push_str(&trend_section(view.report));
    text
}

/// The comparison with another policy: attainment now and under it, the
/// difference in points, and the response times under both.
pub fn what_if_body(view: &ReportView, name: &str, other: &Report) -> String {
    let request = view.request;
    let mut text = format!(
        "<section id=\"what-if\">\n<h2>What if: {}</h2>\n<p>Every case evaluated under <code>{}</code> beside the current policy, over the same period.</p>\n",
        escape(name),
        escape(name)
    );
    text.push_str(&charts::legend(
        "what-if",
        &[
            ("current", "attainment under the current policy"),
            ("what-if", "attainment under the other policy"),
        ],
    ));
    for clock in view.report.clocks() {
        let rows = clock_rows(view.report, clock);
        let pairs: Vec<PairedBar> = rows
            .iter()
            .map(|(group, mine)| PairedBar {
                label: group_label(&request.by, group),
                current: mine.percent(),
                what_if: other
                    .attainment
                    .get(&(clock, (*group).clone()))
                    .and_then(Attainment::percent),
            })
            .collect();
        let id = format!("what-if-{}", clock.as_str());
        let _ = writeln!(
            text,
            "<h3>{}</h3>\n<figure class=\"chart\">\n{}</figure>",
            clock.as_str(),
            charts::paired_bars(
                &id,
                &format!("{} attainment now and what-if", clock.as_str()),
                &pairs
            )
        );
        let _ = writeln!(text, "<div class=\"scroll\">\n<table id=\"{id}-table\">\n<thead><tr><th scope=\"col\">group</th><th scope=\"col\" class=\"num\">now</th><th scope=\"col\" class=\"num\">what-if</th><th scope=\"col\" class=\"num\">difference</th></tr></thead>\n<tbody>");
        for (group, mine) in &rows {
            let theirs = other.attainment.get(&(clock, (*group).clone()));
            let delta = match (mine.percent(), theirs.and_then(Attainment::percent)) {
                (Some(a), Some(b)) => format!("{:+.1} pts", b - a),
                _ => "-".into(),
            };
            let _ = writeln!(
                text,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{delta}</td></tr>",
                escape(&group_label(&request.by, group)),
                percent_text(Some(mine)),
                percent_text(theirs)
            );
        }
        text.push_str("</tbody>\n</table>\n</div>\n");
    }
    let mine = &view.report.response_times;
    let theirs = &other.response_times;
    let (a, b) = (
        percentiles_text(mine.business),
        percentiles_text(theirs.business),
    );
    let (c, d) = (percentiles_text(mine.wall), percentiles_text(theirs.wall));
    let _ = writeln!(
        text,
        "<h3>Time to first response</h3>\n<table id=\"what-if-response-times\">\n<thead><tr><th scope=\"col\">percentile</th><th scope=\"col\" class=\"num\">now</th><th scope=\"col\" class=\"num\">what-if</th></tr></thead>\n<tbody>\n<tr><th scope=\"row\">business median</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n<tr><th scope=\"row\">business p90</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n<tr><th scope=\"row\">wall median</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n<tr><th scope=\"row\">wall p90</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n</tbody>\n</table>\n</section>",
        a.0, b.0, a.1, b.1, c.0, d.0, c.1, d.1
    );
    text
}
