//! Charts as inline SVG: attainment bars, paired (current / what-if) bars,
//! plain count bars and the weekly trend. Every chart has a `<title>` and a
//! `<desc>` (named by `aria-labelledby`), a legend in HTML for every colour
//! it uses, and its figures in a data table beside it; every drawn figure
//! also sits in a `data-` attribute so tests (and people) can read it back.

use std::fmt::Write as _;

use super::html::escape;

/// One legend entry: the CSS class of the colour and what it means.
pub type LegendEntry<'a> = (&'a str, &'a str);

/// The legend of a chart, as an HTML list.
pub fn legend(id: &str, entries: &[LegendEntry]) -> String {
    let mut text = format!("<ul class=\"legend\" id=\"{}-legend\">\n", escape(id));
    for (class, meaning) in entries {
        let _ = writeln!(
            text,
            "<li data-class=\"{class}\"><span class=\"swatch {class}\" aria-hidden=\"true\"></span>{}</li>",
            escape(meaning)
        );
    }
    text.push_str("</ul>\n");
    text
}

/// The opening of an accessible `<svg>`: role, size, viewBox, title, desc.
fn svg_open(id: &str, width: f64, height: f64, title: &str, desc: &str) -> String {
    let id = escape(id);
    format!(
        "<svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        escape(title),
        escape(desc)
    )
}

/// The width a label of `text` takes at 12px (a generous estimate).
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * 7.2
}

/// One attainment bar.
pub struct AttainmentBar {
    pub label: String,
    /// `(dimension, value)` pairs, written as `data-<dimension>` attributes.
    pub keys: Vec<(String, String)>,
    pub met: usize,
    pub breached: usize,
    pub running: usize,
    pub waiting: usize,
}

impl AttainmentBar {
    fn percent(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| 100.0 * self.met as f64 / decided as f64)
    }
}

/// The length of the bars' track.
pub const TRACK: f64 = 360.0;
const BAR_ROW: usize = 22;

/// The legend of attainment bars.
pub const ATTAINMENT_LEGEND: [LegendEntry<'static>; 3] = [
    ("met", "met (stopped by the due time)"),
    ("breached", "breached"),
    (
        "undecided",
        "nothing decided yet (only running or waiting clocks)",
    ),
];

/// Horizontal bars: the green share is met / (met + breached) of a red
/// track; a group with nothing decided is an empty grey track, not 0%.
pub fn attainment_bars(id: &str, title: &str, bars: &[AttainmentBar]) -> String {
    let label_width = bars
        .iter()
        .map(|b| text_width(&b.label))
        .fold(60.0, f64::max)
        + 10.0;
    let width = label_width + TRACK + 90.0;
    let height = (BAR_ROW * bars.len().max(1) + 10) as f64;
    let desc = if bars.is_empty() {
        "No clock of this kind in the period.".to_string()
    } else {
        let parts: Vec<String> = bars
            .iter()
            .map(|b| format!("{}: {}", b.label, bar_value_text(b)))
            .collect();
        format!("Attainment, met of decided clocks: {}.", parts.join("; "))
    };
    let mut svg = svg_open(id, width, height, title, &desc);
    for (index, bar) in bars.iter().enumerate() {
        let y = index * BAR_ROW + 5;
        let percent = bar.percent();
        let length = percent.map_or(0.0, |p| p / 100.0 * TRACK);
        let mut keys = String::new();
        for (key, value) in &bar.keys {
            let _ = write!(keys, " data-{}=\"{}\"", escape(key), escape(value));
        }
        let _ = writeln!(
            svg,
            "<g class=\"bar\"{keys} data-met=\"{}\" data-breached=\"{}\" data-attainment=\"{}\">\n<text x=\"0\" y=\"{}\">{}</text>\n<rect class=\"{}\" x=\"{label_width:.0}\" y=\"{y}\" width=\"{TRACK:.1}\" height=\"16\"/>\n<rect class=\"met\" x=\"{label_width:.0}\" y=\"{y}\" width=\"{length:.1}\" height=\"16\"/>\n<text x=\"{:.0}\" y=\"{}\">{}</text>\n</g>",
            bar.met,
            bar.breached,
            percent.map_or("none".into(), |p| format!("{p:.1}")),
            y + 12,
            escape(&bar.label),
            if percent.is_some() { "breached" } else { "undecided" },
            label_width + TRACK + 6.0,
            y + 12,
            escape(&bar_value_text(bar)),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// `72.7% of 11` or `-` when nothing was decided.
fn bar_value_text(bar: &AttainmentBar) -> String {
    match (bar.percent(), bar.met + bar.breached) {
        (Some(p), decided) => format!("{p:.1}% of {decided}"),
        (None, _) => "-".into(),
    }
}

/// One pair of bars: a figure now and under another policy (percent).
pub struct PairedBar {
    pub label: String,
    pub current: Option<f64>,
    pub what_if: Option<f64>,
}

/// Pairs of horizontal bars on a 0-100% scale.
pub fn paired_bars(id: &str, title: &str, pairs: &[PairedBar]) -> String {
    let label_width = pairs
        .iter()
        .map(|b| text_width(&b.label))
        .fold(60.0, f64::max)
        + 10.0;
    let row = 34;
    let width = label_width + TRACK + 70.0;
    let height = (row * pairs.len().max(1) + 10) as f64;
    let show = |p: Option<f64>| p.map_or("-".to_string(), |p| format!("{p:.1}%"));
    let parts: Vec<String> = pairs
        .iter()
        .map(|p| {
            format!(
                "{}: now {}, what-if {}",
                p.label,
                show(p.current),
                show(p.what_if)
            )
        })
        .collect();
    let desc = if parts.is_empty() {
        "Nothing to compare.".to_string()
    } else {
        format!(
            "Attainment now and under the other policy: {}.",
            parts.join("; ")
        )
    };
    let mut svg = svg_open(id, width, height, title, &desc);
    for (index, pair) in pairs.iter().enumerate() {
        let y = index * row + 5;
        let _ = writeln!(
            svg,
            "<g class=\"pair\" data-current=\"{}\" data-what-if=\"{}\">\n<text x=\"0\" y=\"{}\">{}</text>",
            pair.current.map_or("none".into(), |p| format!("{p:.1}")),
            pair.what_if.map_or("none".into(), |p| format!("{p:.1}")),
            y + 17,
            escape(&pair.label)
        );
        for (offset, class, value) in [(0, "current", pair.current), (14, "what-if", pair.what_if)]
        {
            let length = value.map_or(0.0, |p| p / 100.0 * TRACK);
            let _ = writeln!(
                svg,
                "<rect class=\"{class}\" x=\"{label_width:.0}\" y=\"{}\" width=\"{length:.1}\" height=\"12\"/>\n<text x=\"{:.0}\" y=\"{}\">{}</text>",
                y + offset,
                label_width + length + 4.0,
                y + offset + 10,
                show(value)
            );
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}

/// Horizontal bars of counts in one colour (`class`).
pub fn count_bars(id: &str, title: &str, class: &str, bars: &[(String, usize)]) -> String {
    let label_width = bars.iter().map(|(l, _)| text_width(l)).fold(60.0, f64::max) + 10.0;
    let peak = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let width = label_width + TRACK + 60.0;
    let height = (BAR_ROW * bars.len().max(1) + 10) as f64;
    let parts: Vec<String> = bars.iter().map(|(l, n)| format!("{l}: {n}")).collect();
    let mut svg = svg_open(id, width, height, title, &format!("{}.", parts.join("; ")));
    for (index, (label, count)) in bars.iter().enumerate() {
        let y = index * BAR_ROW + 5;
        let length = *count as f64 / peak * TRACK;
        let _ = writeln!(
            svg,
            "<g class=\"count\" data-label=\"{}\" data-count=\"{count}\">\n<text x=\"0\" y=\"{}\">{}</text>\n<rect class=\"{class}\" x=\"{label_width:.0}\" y=\"{y}\" width=\"{length:.1}\" height=\"16\"/>\n<text x=\"{:.0}\" y=\"{}\">{count}</text>\n</g>",
            escape(label),
            y + 12,
            escape(label),
            label_width + length + 6.0,
            y + 12,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Ticks for an axis from 0 to at least `peak`: a step of 1, 2 or 5 times
/// a power of ten giving at most 6 intervals; returns `(step, top)`.
pub fn nice_scale(peak: usize) -> (usize, usize) {
    let peak = peak.max(1);
    let mut magnitude = 1usize;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * magnitude;
            if peak.div_ceil(step) <= 6 {
                return (step, peak.div_ceil(step) * step);
            }
        }
        magnitude *= 10;
    }
}

/// One line of the trend chart: its class (colour), its meaning, a value per week.
pub struct Series<'a> {
    pub class: &'a str,
    pub label: &'a str,
    pub values: Vec<usize>,
}

/// Geometry of the trend chart.
pub const TREND_LEFT: f64 = 50.0;
pub const TREND_TOP: f64 = 12.0;
pub const TREND_PLOT_HEIGHT: f64 = 200.0;
pub const TREND_STEP: f64 = 40.0;

/// Lines over weeks on one scale: a labelled tick for every week (the
/// week's Monday) and a y axis of round numbers with grid lines.
pub fn trend(id: &str, title: &str, weeks: &[String], series: &[Series]) -> String {
    let n = weeks.len();
    let plot_width = TREND_STEP * n.saturating_sub(1).max(1) as f64;
    let width = TREND_LEFT + plot_width + 40.0;
    let height = TREND_TOP + TREND_PLOT_HEIGHT + 95.0;
    let peak = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let (step, top) = nice_scale(peak);
    let baseline = TREND_TOP + TREND_PLOT_HEIGHT;
    let x = |i: usize| TREND_LEFT + i as f64 * TREND_STEP;
    let y = |v: usize| baseline - v as f64 / top as f64 * TREND_PLOT_HEIGHT;
    let desc = match (weeks.first(), weeks.last()) {
        (Some(first), Some(last)) => {
            let lines: Vec<String> = series
                .iter()
                .map(|s| {
                    format!(
                        "{} {}",
                        s.label,
                        s.values
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect();
            format!(
                "{n} weeks from the week of {first} to the week of {last}; {}.",
                lines.join("; ")
            )
        }
        _ => "No weeks in the period.".to_string(),
    };
    let mut svg = svg_open(id, width, height, title, &desc);
    // The y axis: grid lines and round numbers.
    let mut tick = 0;
    while tick <= top {
        let ty = y(tick);
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{TREND_LEFT:.0}\" y1=\"{ty:.1}\" x2=\"{:.0}\" y2=\"{ty:.1}\"/>\n<text class=\"y-tick\" x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            TREND_LEFT + plot_width,
            TREND_LEFT - 6.0,
            ty + 4.0
        );
        tick += step;
    }
    let _ = writeln!(
        svg,
        "<line class=\"axis\" x1=\"{TREND_LEFT:.0}\" y1=\"{baseline:.1}\" x2=\"{:.0}\" y2=\"{baseline:.1}\"/>\n<line class=\"axis\" x1=\"{TREND_LEFT:.0}\" y1=\"{TREND_TOP:.1}\" x2=\"{TREND_LEFT:.0}\" y2=\"{baseline:.1}\"/>\n<text class=\"axis-title\" transform=\"translate(12 {:.0}) rotate(-90)\" text-anchor=\"middle\">cases or clocks</text>",
        TREND_LEFT + plot_width,
        TREND_TOP + TREND_PLOT_HEIGHT / 2.0,
    );
    // The x axis: every week, its Monday, slanted to fit.
    for (i, week) in weeks.iter().enumerate() {
        let _ = writeln!(
            svg,
            "<line class=\"axis\" x1=\"{0:.1}\" y1=\"{baseline:.1}\" x2=\"{0:.1}\" y2=\"{1:.1}\"/>\n<text class=\"x-tick\" transform=\"translate({2:.1} {3:.1}) rotate(-45)\" text-anchor=\"end\">{4}</text>",
            x(i),
            baseline + 4.0,
            x(i) + 3.0,
            baseline + 14.0,
            escape(week)
        );
    }
    let _ = writeln!(
        svg,
        "<text class=\"axis-title\" x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"middle\">week starting (Monday, UTC)</text>",
        TREND_LEFT + plot_width / 2.0,
        height - 6.0
    );
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
            .collect();
        let values: Vec<String> = s.values.iter().map(usize::to_string).collect();
        let _ = writeln!(
            svg,
            "<polyline class=\"{}\" fill=\"none\" stroke-width=\"2\" points=\"{}\" data-values=\"{}\"/>",
            s.class,
            points.join(" "),
            values.join(",")
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = writeln!(
                svg,
                "<circle class=\"{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"><title>{}: {} {v}</title></circle>",
                s.class,
                x(i),
                y(*v),
                escape(&weeks[i]),
                escape(s.label)
            );
        }
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_round_numbers_with_at_most_six_steps() {
        assert_eq!(nice_scale(0), (1, 1));
        assert_eq!(nice_scale(1), (1, 1));
        assert_eq!(nice_scale(6), (1, 6));
        assert_eq!(nice_scale(7), (2, 8));
        assert_eq!(nice_scale(9), (2, 10));
        assert_eq!(nice_scale(12), (2, 12));
        assert_eq!(nice_scale(13), (5, 15));
        assert_eq!(nice_scale(31), (10, 40));
        assert_eq!(nice_scale(4_321), (1_000, 5_000));
    }
}
