//! The pieces every page is made of: escaping, instants shown with their
//! zone, the page frame (head, navigation, styles) and the stylesheet for
//! screens, phones and print. Pure string building.

use std::fmt::Write as _;

use chrono::{DateTime, Duration, Timelike, Utc};
use chrono_tz::Tz;

use crate::policy::format_duration;

/// `text` safe inside an element or a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A hostile case file cannot hide text with control characters.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-27 10:00` (seconds only when there are some).
fn clock_text<T: chrono::TimeZone>(t: DateTime<T>) -> String
where
    T::Offset: std::fmt::Display,
{
    if t.second() == 0 {
        t.format("%Y-%m-%d %H:%M").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// An instant as people read it, in `tz` and named: `2026-11-27 10:00 America/Toronto`.
pub fn local_text(t: DateTime<Utc>, tz: Tz) -> String {
    format!("{} {}", clock_text(t.with_timezone(&tz)), tz.name())
}

/// An instant in UTC: `2026-11-27 15:00 UTC`.
pub fn utc_text(t: DateTime<Utc>) -> String {
    format!("{} UTC", clock_text(t))
}

/// A `<time>` element: the local reading with its zone, the instant in
/// `datetime` (RFC 3339 UTC).
pub fn time_in(t: DateTime<Utc>, tz: Tz) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        crate::store::format_instant(t),
        escape(&local_text(t, tz))
    )
}

/// A `<time>` element in UTC.
pub fn time_utc(t: DateTime<Utc>) -> String {
    format!(
        "<time datetime=\"{}\">{}</time>",
        crate::store::format_instant(t),
        utc_text(t)
    )
}

/// `in 2h30m` or `overdue 15m` from `now`.
pub fn time_left(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if now < due {
        format!("in {}", format_duration(due - now))
    } else if now == due {
        "due now".into()
    } else {
        format!("overdue {}", format_duration(now - due))
    }
}

/// `late 1h5m` for a clock stopped after its due time.
pub fn lateness(late: Duration) -> String {
    format!("late {}", format_duration(late))
}

/// How a page gets its styles: inline (a page on its own, as `report
/// --format html` prints) or the site's stylesheet at a relative path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Styles<'a> {
    Inline,
    Linked(&'a str),
}

/// A page of the site, or one on its own.
pub struct Frame<'a> {
    pub title: &'a str,
    pub styles: Styles<'a>,
    /// The relative path back to the site's root (`""`, `"../"`); `None`
    /// for a page on its own (no navigation).
    pub root: Option<&'a str>,
    /// What the header says under the title (the instant it was built at).
    pub subtitle: String,
}

/// The site's sections, for the navigation bar: `(path, label)`.
pub const NAVIGATION: [(&str, &str); 6] = [
    ("index.html", "Dashboard"),
    ("action.html", "Needs action"),
    ("queue.html", "Queue"),
    ("escalations.html", "Escalations"),
    ("report.html", "Report"),
    ("closed.html", "Recently closed"),
];

impl Frame<'_> {
    /// The page: `body` between the header (title, navigation) and the end.
    pub fn render(&self, body: &str) -> String {
        let mut page = String::with_capacity(body.len() + 4096);
        page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(page, "<title>{}</title>", escape(self.title));
        match self.styles {
            Styles::Inline => {
                let _ = writeln!(page, "<style>\n{STYLESHEET}</style>");
            }
            Styles::Linked(href) => {
                let _ = writeln!(page, "<link rel=\"stylesheet\" href=\"{}\">", escape(href));
            }
        }
        page.push_str("</head>\n<body>\n<header>\n");
        let _ = writeln!(page, "<h1>{}</h1>", escape(self.title));
        if !self.subtitle.is_empty() {
            let _ = writeln!(page, "<p class=\"subtitle\">{}</p>", self.subtitle);
        }
        if let Some(root) = self.root {
            page.push_str("<nav aria-label=\"Site\">\n<ul>\n");
            for (path, label) in NAVIGATION {
                let _ = writeln!(page, "<li><a href=\"{root}{path}\">{label}</a></li>");
            }
            page.push_str("</ul>\n</nav>\n");
        }
        page.push_str("</header>\n<main>\n");
        page.push_str(body);
        page.push_str("</main>\n</body>\n</html>\n");
        page
    }
}

/// The styles of every page: readable on a phone (tables scroll on their
/// own, charts shrink), and printed (no navigation, black on white, tables
/// and charts kept whole).
pub const STYLESHEET: &str = "\
:root{--met:#2e7d32;--breached:#c62828;--undecided:#e0e0e0;--risk:#ef6c00;--opened:#1565c0;--backlog:#6a1b9a;--current:#37474f;--whatif:#ef6c00;--ink:#212121;--muted:#616161;--rule:#ddd}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;margin:0 auto;max-width:72em;padding:0 1em 2em;color:var(--ink);line-height:1.4;background:#fff}
header{border-bottom:2px solid var(--rule);margin-bottom:1em}
h1{font-size:1.6em;margin:.6em 0 .2em}
h2{font-size:1.25em;margin:1.4em 0 .4em}
h3{font-size:1.05em;margin:1em 0 .3em}
.subtitle{color:var(--muted);margin:0 0 .5em}
nav ul{list-style:none;padding:0;margin:.4em 0 .8em;display:flex;flex-wrap:wrap;gap:.3em 1em}
nav a{font-weight:600}
a{color:#0d47a1}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.3em 0 1em}
th,td{padding:.25em .7em;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #bbb;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.2em 0}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(9.5em,1fr));gap:.6em;padding:0;margin:.5em 0 1em;list-style:none}
.figures li{border:1px solid var(--rule);border-radius:6px;padding:.5em .7em}
.figures .value{display:block;font-size:1.7em;font-weight:700;font-variant-numeric:tabular-nums}
.figures .label{display:block;color:var(--muted);font-size:.9em}
.status{font-weight:600;white-space:nowrap}
.status.overdue,.status.breached{color:var(--breached)}
.status.at-risk{color:var(--risk)}
.status.met{color:var(--met)}
.chart{margin:.5em 0 .5em}
.chart svg{max-width:100%;height:auto;display:block}
.chart.wide svg{max-width:none}
svg text{font-size:12px;fill:#212121}
svg .axis{stroke:#757575}
svg .grid{stroke:#e0e0e0}
.met{fill:var(--met)}.breached{fill:var(--breached)}.undecided{fill:var(--undecided);stroke:#9e9e9e}
.current{fill:var(--current)}.what-if{fill:var(--whatif)}.outcome{fill:var(--opened)}
polyline.opened{stroke:var(--opened)}polyline.backlog{stroke:var(--backlog)}polyline.breaches{stroke:var(--breached)}
circle.opened{fill:var(--opened)}circle.backlog{fill:var(--backlog)}circle.breaches{fill:var(--breached)}
.legend{list-style:none;padding:0;margin:.2em 0 .6em;display:flex;flex-wrap:wrap;gap:.2em 1.2em}
.swatch{display:inline-block;width:1em;height:1em;vertical-align:-.15em;margin-right:.35em;border:1px solid #9e9e9e}
.swatch.met{background:var(--met)}.swatch.breached{background:var(--breached)}.swatch.undecided{background:var(--undecided)}
.swatch.opened{background:var(--opened)}.swatch.backlog{background:var(--backlog)}.swatch.breaches{background:var(--breached)}
.swatch.current{background:var(--current)}.swatch.what-if{background:var(--whatif)}.swatch.outcome{background:var(--opened)}
details{margin:.2em 0 1em}
summary{cursor:pointer;color:var(--muted)}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2em 1em;margin:.5em 0 1em}
dl.facts dt{font-weight:600;color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;padding:0 0 0 1em;border-left:3px solid var(--rule);margin:.5em 0 1em}
ol.timeline li{position:relative;margin:0 0 .6em;padding-left:.6em}
ol.timeline li::before{content:\"\";position:absolute;left:-1.45em;top:.35em;width:.7em;height:.7em;border-radius:50%;background:#9e9e9e}
ol.timeline li.clock::before{background:var(--opened)}
ol.timeline li.clock.due::before{background:var(--risk)}
ol.timeline li.clock.breached::before{background:var(--breached)}
ol.timeline li.clock.met::before{background:var(--met)}
ol.timeline .when{display:block;color:var(--muted);font-size:.9em}
ol.timeline .what{font-weight:600}
ol.timeline li.clock .what{color:#0d47a1;font-weight:500}
time{white-space:nowrap}
.detail{white-space:pre-wrap}
.empty{color:var(--muted);font-style:italic}
@media (max-width:40em){body{padding:0 .6em 1em}h1{font-size:1.3em}th,td{padding:.2em .4em}.figures{grid-template-columns:repeat(2,1fr)}.figures .value{font-size:1.35em}time{white-space:normal}
table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block;width:100%}
table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
table.stack tr{border:1px solid var(--rule);border-radius:6px;margin:0 0 .6em;padding:.35em .6em}
table.stack td,table.stack th{border:0;padding:.1em 0;text-align:left}
table.stack td[data-label]::before{content:attr(data-label) \": \";color:var(--muted);font-weight:600}}
@media print{nav,details>summary{display:none}details{display:block}body{max-width:none;color:#000;font-size:10.5pt}a{color:inherit;text-decoration:none}.scroll,.chart.wide{overflow:visible}.chart.wide svg{max-width:100%}section,table,.chart,figure{break-inside:avoid}h2,h3{break-after:avoid}.figures li{border-color:#999}}
";
