//! Management figures over a period (pure): counts of opened, closed,
//! reopened and escalated cases; the backlog at the end of the period;
//! attainment of every clock by any grouping; time to first response
//! (median and 90th percentile, business and wall time); escalation
//! outcomes; a weekly trend.
//!
//! Every figure is evaluated at one instant, the last second of the period
//! (`until` is exclusive; `--as-of` is inclusive): cases are replayed as they
//! stood then, so a report of last month does not change when this month's
//! events land, and an event at the very end belongs to the next period.
//!
//! Attainment counts the clocks that *started* in the period and were
//! decided by `end`: met / (met + breached); running and waiting clocks are
//! counted apart. Percentiles use the nearest-rank method (the median of an
//! even count is the lower middle value).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};

use serde::{Deserialize, Serialize};

use crate::case::{Case, CloseReason, EventKind, Header, State, CASE_YEARS};
use crate::clock::{self, ClockError, ClockKind, ClockStatus, ResponseTime};
use crate::escalation::Ending;
use crate::policy::Policy;

/// A dimension attainment can be broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Severity,
    Plan,
    Region,
    Owner,
    Label,
}

impl Dimension {
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Severity => "severity",
            Dimension::Plan => "plan",
            Dimension::Region => "region",
            Dimension::Owner => "owner",
            Dimension::Label => "label",
        }
    }

    /// How people read a group without a value: an unowned case's owner, an
    /// unlabelled case's label.
    pub fn absent_text(self) -> &'static str {
        match self {
            Dimension::Label => "(no label)",
            _ => "(unowned)",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Some(match text {
            "severity" => Dimension::Severity,
            "plan" => Dimension::Plan,
            "region" => Dimension::Region,
            "owner" => Dimension::Owner,
            "label" => Dimension::Label,
            _ => return None,
        })
    }

    /// The values of this dimension of a case with `header` and the
    /// labels `labels` gives (asked only for labels): one, `None` for an
    /// unowned case's owner; for labels each label (a case counts in the
    /// group of every label it has), `None` for a case without one.
    fn values_of(self, header: &Header, labels: &dyn Fn() -> Vec<String>) -> Vec<Option<String>> {
        match self {
            Dimension::Severity => vec![Some(header.severity.to_string())],
            Dimension::Plan => vec![Some(header.facts.plan.clone())],
            Dimension::Region => vec![Some(header.facts.region.clone())],
            Dimension::Owner => vec![header.owner.clone()],
            Dimension::Label => {
                let labels = labels();
                if labels.is_empty() {
                    vec![None]
                } else {
                    labels.into_iter().map(Some).collect()
                }
            }
        }
    }
}

/// Every group a case counts in for `by`: one per combination of its
/// values (more than one only when it has several labels). Single-valued
/// dimensions are pushed onto every group in place, so a case without
/// labels costs one vector and its values, not a vector per dimension.
fn groups_of(
    by: &[Dimension],
    header: &Header,
    labels: &dyn Fn() -> Vec<String>,
) -> Vec<Vec<Option<String>>> {
    let mut groups = vec![Vec::with_capacity(by.len())];
    for dimension in by {
        let mut values = dimension.values_of(header, labels);
        if values.len() == 1 {
            let value = values.pop().flatten();
            match groups.as_mut_slice() {
                [group] => group.push(value),
                many => many.iter_mut().for_each(|group| group.push(value.clone())),
            }
            continue;
        }
        groups = groups
            .iter()
            .flat_map(|group| {
                values.iter().map(move |value| {
                    let mut group = group.clone();
                    group.push(value.clone());
                    group
                })
            })
            .collect();
    }
    groups
}

/// What the report covers.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// Start of the period (inclusive); `None` for the beginning of time.
    pub since: Option<DateTime<Utc>>,
    /// End of the period (exclusive).
    pub until: DateTime<Utc>,
    /// Evaluate as of this instant if earlier than `until`.
    pub as_of: Option<DateTime<Utc>>,
    pub by: Vec<Dimension>,
}

impl ReportRequest {
    /// The instant every figure is evaluated at.
    /// The end of the period, exclusive: `until`, or just after `as_of`
    /// (which includes what happened at that instant) when earlier.
    pub fn end(&self) -> DateTime<Utc> {
        self.as_of.map_or(self.until, |as_of| {
            (as_of + Duration::seconds(1)).min(self.until)
        })
    }

    /// The last instant inside the period: everything is evaluated as the
    /// store stood then (instants are whole seconds).
    pub fn last_instant(&self) -> DateTime<Utc> {
        self.end() - Duration::seconds(1)
    }

    fn in_period(&self, t: DateTime<Utc>) -> bool {
        self.since.is_none_or(|since| t >= since) && t < self.end()
    }
}

/// Counts of what happened in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub opened: usize,
    pub closed_customer_confirmed: usize,
    pub closed_no_response: usize,
    pub reopened: usize,
    /// Escalations accepted in the period (a case is escalated from the
    /// acceptance; a request alone does not count).
    pub escalated: usize,
}

/// Attainment of one clock in one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attainment {
    pub met: usize,
    pub breached: usize,
    pub running: usize,
    pub waiting: usize,
}

impl Attainment {
    /// met / (met + breached) in percent; `None` when nothing was decided.
    pub fn percent(&self) -> Option<f64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| 100.0 * self.met as f64 / decided as f64)
    }

    fn add(&mut self, status: ClockStatus) {
        match status {
            ClockStatus::Met => self.met += 1,
            ClockStatus::Breached => self.breached += 1,
            ClockStatus::Running => self.running += 1,
            ClockStatus::Waiting => self.waiting += 1,
        }
    }
}

/// Median and 90th percentile of a set of durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percentiles {
    pub median: Duration,
    pub p90: Duration,
}

/// Time from the start of the initial-response clock to the first response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseTimes {
    /// Responses measured.
    pub count: usize,
    pub business: Option<Percentiles>,
    pub wall: Option<Percentiles>,
}

/// One week of the trend (weeks start on Monday 00:00 UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    pub start: DateTime<Utc>,
    pub opened: usize,
    /// Open cases at the end of the week (or at the report's end).
    pub backlog: usize,
    /// Clocks due in the week that were breached.
    pub breaches: usize,
}

/// Response times being counted: measured responses, in business and
/// wall time, for their percentiles.
#[derive(Debug, Clone, Default)]
struct TimesTally {
    count: usize,
    business: Distribution,
    wall: Distribution,
}

impl TimesTally {
    /// Counts a response's time (`None`: not responded yet, not counted).
    fn add(&mut self, times: Option<clock::ResponseTime>) {
        if let Some(times) = times {
            self.count += 1;
            self.business.add(times.business);
            self.wall.add(times.wall);
        }
    }

    fn merge(&mut self, other: TimesTally) {
        self.count += other.count;
        self.business.merge(other.business);
        self.wall.merge(other.wall);
    }

    fn finish(self) -> ResponseTimes {
        ResponseTimes {
            count: self.count,
            business: self.business.percentiles(),
            wall: self.wall.percentiles(),
        }
    }
}

/// Durations counted by value: how many times each distinct duration was
/// seen. Percentiles from it are exact, and it grows with the spread of
/// the times (response times recorded to the second, mostly within days),
/// not with the number of cases: a report of a million cases holds no
/// list of a million times (README, Performance).
#[derive(Debug, Clone, Default)]
struct Distribution(BTreeMap<Duration, u64>);

impl Distribution {
    fn add(&mut self, value: Duration) {
        *self.0.entry(value).or_default() += 1;
    }

    fn merge(&mut self, other: Distribution) {
        for (value, count) in other.0 {
            *self.0.entry(value).or_default() += count;
        }
    }

    /// The nearest-rank percentile `p` (0-100]: the smallest value with at
    /// least `p`% of the values at or below it.
    fn percentile(&self, p: u32) -> Option<Duration> {
        let total: u64 = self.0.values().sum();
        if total == 0 {
            return None;
        }
        let rank = (u64::from(p) * total).div_ceil(100).max(1);
        let mut seen = 0;
        self.0.iter().find_map(|(value, count)| {
            seen += count;
            (seen >= rank).then_some(*value)
        })
    }

    fn percentiles(&self) -> Option<Percentiles> {
        Some(Percentiles {
            median: self.percentile(50)?,
            p90: self.percentile(90)?,
        })
    }
}

/// Every figure of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub end: DateTime<Utc>,
    pub counts: Counts,
    /// Cases in each open state at the end.
    pub backlog_by_state: Vec<(State, usize)>,
    /// Open cases at the end by age since opening.
    pub backlog_by_age: Vec<(&'static str, usize)>,
    /// `(clock, group values in the order of `by`)` -> attainment; the empty
    /// group is the clock's total. A value is `None` for an unowned case's
    /// owner.
    pub attainment: BTreeMap<(ClockKind, Vec<Option<String>>), Attainment>,
    /// Times to first response (cases opened in the period).
    pub response_times: ResponseTimes,
    /// Times of next responses (clocks started in the period); `None` when
    /// the report has no next-response clock (see [`Tally::finish`]).
    pub next_response_times: Option<ResponseTimes>,
    /// Ended escalations by outcome, in reporting order (see
    /// [`outcome_order`]).
    pub escalation_outcomes: Vec<(String, usize)>,
    pub weekly: Vec<Week>,
    /// When the first case counted was opened (the start of a period
    /// without `since`); `None` when there was none.
    pub first_opening: Option<DateTime<Utc>>,
}

impl Report {
    /// The clocks the report has figures for, in reporting order: every
    /// clock, but the next-response clock only where it is kept.
    pub fn clocks(&self) -> impl Iterator<Item = ClockKind> + '_ {
        ClockKind::ALL
            .into_iter()
            .filter(|clock| self.attainment.contains_key(&(*clock, Vec::new())))
    }
}

/// Age buckets of the backlog.
const AGE_BUCKETS: [(&str, i64); 5] = [
    ("under 1 day", 1),
    ("1-3 days", 3),
    ("3-7 days", 7),
    ("7-30 days", 30),
    ("30 days or more", i64::MAX),
];

/// Builds the report of `cases` under `policy` (all in memory; a scan of a
/// store folds [`Tally`]s instead).
pub fn build(
    cases: &[Case],
    policy: &Policy,
    request: &ReportRequest,
) -> Result<Report, ClockError> {
    let mut tally = Tally::new();
    for case in cases {
        tally.add(case, policy, request)?;
    }
    Ok(tally.finish(request, policy))
}

/// The order escalation outcomes are reported in, each even when no
/// escalation ended so: the policy's `closing_outcomes` in its order, then
/// the endings without an agreed outcome ([`Ending::NOT_CLOSED`]), then any
/// other outcome that `ended` holds (one an earlier policy version allowed),
/// by name. So an outcome added to the policy is never missing from a report.
pub fn outcome_order(closing_outcomes: &[String], ended: &BTreeMap<String, usize>) -> Vec<String> {
    let mut order: Vec<String> = closing_outcomes.to_vec();
    order.extend(Ending::NOT_CLOSED.iter().map(|label| label.to_string()));
    let others: Vec<String> = ended
        .keys()
        .filter(|label| !order.contains(label))
        .cloned()
        .collect();
    order.extend(others);
    order
}

/// What a report takes from one case under its policy, whatever the period
/// it covers: its opening, closings, reopenings and accepted escalations,
/// its clocks (their instants; the status depends on the instant of the
/// report and is worked out there), its response times and how its
/// escalations ended. Computed from a case as it stands, it holds at every
/// instant from its last event on ([`ReportedCase::holds_at`]), so the scan
/// cache keeps it beside the case, keyed by the policy it was computed
/// under: a report of an unchanged store decodes no history and computes
/// no clock (README, Performance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedCase {
    #[serde(with = "chrono::serde::ts_microseconds")]
    opened_at: DateTime<Utc>,
    /// Its last event: the facts hold from then on.
    #[serde(with = "chrono::serde::ts_microseconds")]
    settled_at: DateTime<Utc>,
    /// In history order.
    milestones: Vec<(Instant, Milestone)>,
    /// Every clock ([`clock::clocks`]), in its order.
    clocks: Vec<ClockFacts>,
    /// The time to first response; `None` while not responded.
    first_response: Option<Times>,
    /// Each next-response clock that started: its start and response time.
    next_responses: Vec<(Instant, Option<Times>)>,
    /// Each ended escalation (but by the case closing): when, and its
    /// outcome's label.
    escalation_outcomes: Vec<(Instant, String)>,
}

/// An instant of [`ReportedCase`], in microseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Instant(#[serde(with = "chrono::serde::ts_microseconds")] DateTime<Utc>);

/// An event a report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Milestone {
    Closed(CloseReason),
    Reopened,
    EscalationAccepted,
}

/// A clock of [`ReportedCase`]: what its status at any instant follows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct ClockFacts {
    clock: ClockKind,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    started_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    due_at: Option<DateTime<Utc>>,
    #[serde(with = "chrono::serde::ts_microseconds_option")]
    stopped_at: Option<DateTime<Utc>>,
}

/// A [`ResponseTime`] in microseconds: wall, business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Times(i64, i64);

impl Times {
    fn of(time: ResponseTime) -> Option<Times> {
        Some(Times(
            time.wall.num_microseconds()?,
            time.business.num_microseconds()?,
        ))
    }
}

impl From<Times> for ResponseTime {
    fn from(Times(wall, business): Times) -> ResponseTime {
        ResponseTime {
            wall: Duration::microseconds(wall),
            business: Duration::microseconds(business),
        }
    }
}

impl ReportedCase {
    /// The facts of `case` under `policy`.
    pub fn of(case: &Case, policy: &Policy) -> Result<ReportedCase, ClockError> {
        let history = case.history();
        let opened_at = case.opened_at();
        let settled_at = history.last().map_or(opened_at, |event| event.at);
        let milestones = history
            .iter()
            .filter_map(|event| {
                let milestone = match &event.kind {
                    EventKind::Closed { reason, .. } => Milestone::Closed(*reason),
                    EventKind::Reopened { .. } => Milestone::Reopened,
                    EventKind::EscalationAccepted { .. } => Milestone::EscalationAccepted,
                    _ => return None,
                };
                Some((Instant(event.at), milestone))
            })
            .collect();
        let readings = clock::clocks(case, policy, settled_at)?;
        let times = |reading: &clock::ClockReading| {
            clock::response_time(case, policy, settled_at, reading)
                .map(|time| time.and_then(Times::of))
        };
        // `clocks` gives the initial response first.
        let first_response = readings.first().map(times).transpose()?.flatten();
        let mut next_responses = Vec::new();
        for reading in &readings {
            if let (ClockKind::NextResponse, Some(started)) = (reading.clock, reading.started_at) {
                next_responses.push((Instant(started), times(reading)?));
            }
        }
        let escalation_outcomes = crate::escalation::escalations(case)
            .into_iter()
            .filter_map(|escalation| escalation.ended)
            .filter(|(_, ending)| *ending != Ending::CaseClosed)
            .map(|(at, ending)| (Instant(at), ending.label().to_string()))
            .collect();
        let clocks = readings
            .iter()
            .map(|reading| ClockFacts {
                clock: reading.clock,
                started_at: reading.started_at,
                due_at: reading.due_at,
                stopped_at: reading.stopped_at,
            })
            .collect();
        Ok(ReportedCase {
            opened_at,
            settled_at,
            milestones,
            clocks,
            first_response,
            next_responses,
            escalation_outcomes,
        })
    }

    /// True when these facts are those of the case as it stood at
    /// `instant`: nothing happened to it after.
    pub fn holds_at(&self, instant: DateTime<Utc>) -> bool {
        self.settled_at <= instant
    }

    /// True when every instant and time here is one a case can hold (years
    /// 0000-9999, a due instant up to 19999; times not negative, nor longer
    /// than that span): facts read back from a cache that are not are not
    /// used, as a cached history is not.
    pub fn is_plausible(&self) -> bool {
        let in_range = |t: &DateTime<Utc>| crate::case::in_case_years(*t);
        // The span of the years a case can have instants in.
        let span = i64::from(CASE_YEARS.end() - CASE_YEARS.start() + 1);
        // A clock started by year 9999 may be due after it (a case opened
        // on 9999-12-31 is due in 10000), never a span later.
        let due_years = *CASE_YEARS.start()..=CASE_YEARS.end() + 10_000;
        let due_in_range = |t: &DateTime<Utc>| due_years.contains(&t.year());
        let longest = span * 366 * 86_400 * 1_000_000;
        let times_ok = |t: &Option<Times>| {
            t.is_none_or(|Times(wall, business)| {
                (0..=longest).contains(&wall) && (0..=longest).contains(&business)
            })
        };
        in_range(&self.opened_at)
            && in_range(&self.settled_at)
            && self.milestones.iter().all(|(at, _)| in_range(&at.0))
            && self.clocks.iter().all(|c| {
                [c.started_at, c.stopped_at].iter().flatten().all(in_range)
                    && c.due_at.as_ref().is_none_or(due_in_range)
            })
            && times_ok(&self.first_response)
            && self
                .next_responses
                .iter()
                .all(|(at, times)| in_range(&at.0) && times_ok(times))
            && self
                .escalation_outcomes
                .iter()
                .all(|(at, _)| in_range(&at.0))
    }
}

/// The figures of some of the cases: add cases one by one, merge tallies
/// made in parallel, then [`Tally::finish`]. Nothing here depends on the
/// order cases are added in.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    counts: Counts,
    backlog_by_state: BTreeMap<State, usize>,
    backlog_by_age: [usize; AGE_BUCKETS.len()],
    /// Clock -> group -> attainment: nested so that a reading finds its
    /// group by reference ([`Tally::attainment_of`]).
    attainment: BTreeMap<ClockKind, BTreeMap<Vec<Option<String>>, Attainment>>,
    /// Times to first response.
    first_responses: TimesTally,
    /// Times of the next responses (their clocks started in the period).
    next_responses: TimesTally,
    escalation_outcomes: BTreeMap<String, usize>,
    /// Week start -> that week's figures.
    weeks: BTreeMap<DateTime<Utc>, Week>,
    earliest_opening: Option<DateTime<Utc>>,
}

impl Tally {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one case, as it stood at the end of the period.
    pub fn add(
        &mut self,
        stored: &Case,
        policy: &Policy,
        request: &ReportRequest,
    ) -> Result<(), ClockError> {
        let Some(case) = stored.view_as_of(request.last_instant()) else {
            return Ok(());
        };
        let facts = ReportedCase::of(&case, policy)?;
        self.add_facts(case.header(), &|| case.labels(), &facts, request);
        Ok(())
    }

    /// Adds one case by its facts ([`ReportedCase::of`] the case as it stood
    /// at the end of the period, or of the whole case when it was settled
    /// by then: [`ReportedCase::holds_at`]), with its header and the labels
    /// `labels` gives (asked only when grouping by label).
    pub fn add_facts(
        &mut self,
        header: &Header,
        labels: &dyn Fn() -> Vec<String>,
        facts: &ReportedCase,
        request: &ReportRequest,
    ) {
        let end = request.end();
        let last = request.last_instant();
        let opened_at = facts.opened_at;
        self.earliest_opening = Some(
            self.earliest_opening
                .map_or(opened_at, |e| e.min(opened_at)),
        );
        if request.in_period(opened_at) {
            self.counts.opened += 1;
        }
        for (at, milestone) in &facts.milestones {
            if !request.in_period(at.0) {
                continue;
            }
            match milestone {
                Milestone::Closed(CloseReason::CustomerConfirmed) => {
                    self.counts.closed_customer_confirmed += 1
                }
                Milestone::Closed(CloseReason::NoResponse) => self.counts.closed_no_response += 1,
                Milestone::Reopened => self.counts.reopened += 1,
                // Escalated from the acceptance (SPEC 4), not the request.
                Milestone::EscalationAccepted => self.counts.escalated += 1,
            }
        }
        let state = header.state;
        if state.is_open() {
            *self.backlog_by_state.entry(state).or_default() += 1;
            let age_days = (end - opened_at).num_days();
            let bucket = AGE_BUCKETS
                .iter()
                .position(|(_, limit)| age_days < *limit)
                .unwrap_or(AGE_BUCKETS.len() - 1);
            self.backlog_by_age[bucket] += 1;
        }

        let groups = groups_of(&request.by, header, labels);
        for reading in &facts.clocks {
            let status = clock::status(reading.due_at, reading.stopped_at, last);
            if let Some(due) = reading.due_at.filter(|due| *due < end) {
                if status == ClockStatus::Breached {
                    self.week(week_start(due)).breaches += 1;
                }
            }
            // A clock waiting to start counts in the period its case opened.
            let counted = reading
                .started_at
                .map_or(request.in_period(opened_at), |started| {
                    request.in_period(started)
                });
            if counted {
                for group in &groups {
                    self.attainment_of(reading.clock, group).add(status);
                }
                // The total counts each clock once, whatever its groups.
                if !request.by.is_empty() {
                    self.attainment_of(reading.clock, &[]).add(status);
                }
            }
        }
        if request.in_period(opened_at) {
            self.first_responses
                .add(facts.first_response.map(ResponseTime::from));
        }
        for (started, times) in &facts.next_responses {
            if request.in_period(started.0) {
                self.next_responses.add(times.map(ResponseTime::from));
            }
        }
        for (at, outcome) in &facts.escalation_outcomes {
            if request.in_period(at.0) {
                *self.escalation_outcomes.entry(outcome.clone()).or_default() += 1;
            }
        }
        // Open or closed at the end of each week from its opening (or the
        // trend's start): walk the closures and reopenings alongside the weeks.
        let toggles: Vec<(DateTime<Utc>, bool)> = facts
            .milestones
            .iter()
            .filter_map(|(at, milestone)| match milestone {
                Milestone::Closed(_) => Some((at.0, false)),
                Milestone::Reopened => Some((at.0, true)),
                Milestone::EscalationAccepted => None,
            })
            .collect();
        let from = opened_at
            .max(request.since.unwrap_or(opened_at))
            .max(end - Duration::weeks(TREND_WEEKS));
        let (mut open, mut next_toggle) = (true, 0);
        let mut start = week_start(from);
        while start < end {
            let week_end = (start + Duration::weeks(1)).min(end);
            let counted_from = request.since.map_or(start, |since| start.max(since));
            let opened_here = opened_at >= counted_from && opened_at < week_end;
            while next_toggle < toggles.len() && toggles[next_toggle].0 < week_end {
                open = toggles[next_toggle].1;
                next_toggle += 1;
            }
            if opened_here || open {
                let week = self.week(start);
                week.opened += usize::from(opened_here);
                week.backlog += usize::from(open);
            }
            if !open && next_toggle == toggles.len() {
                break; // closed for good: no later week counts it
            }
            start += Duration::weeks(1);
        }
    }

    /// The attainment of `clock` in `group`. The group is copied only the
    /// first time it is seen: nearly every reading lands in a known group.
    fn attainment_of(&mut self, clock: ClockKind, group: &[Option<String>]) -> &mut Attainment {
        let groups = self.attainment.entry(clock).or_default();
        if !groups.contains_key(group) {
            groups.insert(group.to_vec(), Attainment::default());
        }
        groups.get_mut(group).expect("inserted above when missing")
    }

    fn week(&mut self, start: DateTime<Utc>) -> &mut Week {
        self.weeks.entry(start).or_insert(Week {
            start,
            opened: 0,
            backlog: 0,
            breaches: 0,
        })
    }

    /// Combines two tallies of different cases.
    pub fn merge(mut self, other: Tally) -> Tally {
        let c = other.counts;
        self.counts.opened += c.opened;
        self.counts.closed_customer_confirmed += c.closed_customer_confirmed;
        self.counts.closed_no_response += c.closed_no_response;
        self.counts.reopened += c.reopened;
        self.counts.escalated += c.escalated;
        for (state, n) in other.backlog_by_state {
            *self.backlog_by_state.entry(state).or_default() += n;
        }
        for (mine, theirs) in self.backlog_by_age.iter_mut().zip(other.backlog_by_age) {
            *mine += theirs;
        }
        for (clock, group, a) in other
            .attainment
            .into_iter()
            .flat_map(|(clock, groups)| groups.into_iter().map(move |(g, a)| (clock, g, a)))
        {
            let mine = self
                .attainment
                .entry(clock)
                .or_default()
                .entry(group)
                .or_default();
            mine.met += a.met;
            mine.breached += a.breached;
            mine.running += a.running;
            mine.waiting += a.waiting;
        }
        self.first_responses.merge(other.first_responses);
        self.next_responses.merge(other.next_responses);
        for (label, n) in other.escalation_outcomes {
            *self.escalation_outcomes.entry(label).or_default() += n;
        }
        for (start, week) in other.weeks {
            let mine = self.week(start);
            mine.opened += week.opened;
            mine.backlog += week.backlog;
            mine.breaches += week.breaches;
        }
        self.earliest_opening = match (self.earliest_opening, other.earliest_opening) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self
    }

    /// The report under `policy` (the current one, or the what-if): its
    /// closing outcomes are the escalation outcomes listed first, in that
    /// order (see [`outcome_order`]), and the next-response figures are
    /// reported when it has next-response targets or some were counted (a
    /// case opened under an earlier version that had them).
    pub fn finish(self, request: &ReportRequest, policy: &Policy) -> Report {
        let end = request.end();
        let next_response =
            policy.has_next_response() || self.attainment.contains_key(&ClockKind::NextResponse);
        let mut attainment: BTreeMap<_, _> = self
            .attainment
            .into_iter()
            .flat_map(|(clock, groups)| groups.into_iter().map(move |(g, a)| ((clock, g), a)))
            .collect();
        // Every clock has a total row, even with nothing to count; the
        // next-response clock only where it is kept (the report of a store
        // without it is what it always was).
        for clock in ClockKind::ALL {
            if clock != ClockKind::NextResponse || next_response {
                attainment.entry((clock, Vec::new())).or_default();
            }
        }
        let trend_start = request
            .since
            .or(self.earliest_opening)
            .map(|t| week_start(t.max(end - Duration::weeks(TREND_WEEKS))));
        let weekly = match trend_start {
            Some(first) => std::iter::successors(Some(first), |w| Some(*w + Duration::weeks(1)))
                .take_while(|w| *w < end)
                .map(|start| {
                    self.weeks.get(&start).cloned().unwrap_or(Week {
                        start,
                        opened: 0,
                        backlog: 0,
                        breaches: 0,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        Report {
            end,
            counts: self.counts,
            backlog_by_state: State::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| (*s, self.backlog_by_state.get(s).copied().unwrap_or(0)))
                .collect(),
            backlog_by_age: AGE_BUCKETS
                .iter()
                .zip(self.backlog_by_age)
                .map(|((label, _), count)| (*label, count))
                .collect(),
            attainment,
            response_times: self.first_responses.finish(),
            next_response_times: next_response.then(|| self.next_responses.finish()),
            escalation_outcomes: outcome_order(
                &policy.escalation.closing_outcomes,
                &self.escalation_outcomes,
            )
            .into_iter()
            .map(|label| {
                let count = self.escalation_outcomes.get(&label).copied().unwrap_or(0);
                (label, count)
            })
            .collect(),
            weekly,
            first_opening: self.earliest_opening,
        }
    }
}

/// How many weeks back the trend goes at most.
const TREND_WEEKS: i64 = 104;

/// Monday 00:00 UTC of `t`'s week.
fn week_start(t: DateTime<Utc>) -> DateTime<Utc> {
    let date = t.date_naive() - Duration::days(i64::from(t.weekday().num_days_from_monday()));
    date.and_time(NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let minutes = |v: &[i64]| {
            let mut counted = Distribution::default();
            for m in v {
                counted.add(Duration::minutes(*m));
            }
            counted
        };
        // Out of order, and counted in two halves merged.
        let mut values = minutes(&[100, 20, 90, 40, 10]);
        values.merge(minutes(&[60, 30, 80, 50, 70]));
        assert_eq!(values.percentile(50), Some(Duration::minutes(50)));
        assert_eq!(values.percentile(90), Some(Duration::minutes(90)));
        assert_eq!(minutes(&[7]).percentile(90), Some(Duration::minutes(7)));
        assert_eq!(minutes(&[1, 2]).percentile(50), Some(Duration::minutes(1)));
        // Repeated values count each time: 5, 5, 5, 9 has median 5, p90 9.
        let repeated = minutes(&[5, 9, 5, 5]);
        assert_eq!(repeated.percentile(50), Some(Duration::minutes(5)));
        assert_eq!(repeated.percentile(90), Some(Duration::minutes(9)));
        assert_eq!(minutes(&[]).percentile(50), None);
    }

    #[test]
    fn facts_hold_from_the_last_event_and_only_with_instants_a_case_can_hold() {
        let case = crate::store::codec::tests::case_with("Search is slow", "Looking into it.");
        let facts = ReportedCase::of(&case, &Policy::default_policy()).unwrap();
        let last = case.history().last().unwrap().at;
        assert!(facts.holds_at(last) && facts.holds_at(last + Duration::days(400)));
        assert!(!facts.holds_at(last - Duration::seconds(1)));
        assert!(facts.is_plausible());
        use chrono::TimeZone;
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        let forged = [
            ReportedCase {
                opened_at: far,
                ..facts.clone()
            },
            ReportedCase {
                first_response: Some(Times(-1, 0)),
                ..facts.clone()
            },
            ReportedCase {
                next_responses: vec![(Instant(last), Some(Times(0, i64::MAX)))],
                ..facts.clone()
            },
            ReportedCase {
                escalation_outcomes: vec![(Instant(far), "timeline".into())],
                ..facts.clone()
            },
        ];
        for forged in forged {
            assert!(!forged.is_plausible(), "{forged:?}");
        }
        // A clock due after 9999 (a case opened on 9999-12-31) is one a
        // case can have; one due in 20000 is not.
        let due_in = |year| ReportedCase {
            clocks: vec![ClockFacts {
                clock: ClockKind::InitialResponse,
                started_at: Some(last),
                due_at: Some(Utc.with_ymd_and_hms(year, 1, 3, 0, 0, 0).unwrap()),
                stopped_at: None,
            }],
            ..facts.clone()
        };
        assert!(due_in(10000).is_plausible());
        assert!(!due_in(20000).is_plausible());
    }

    #[test]
    fn weeks_start_on_monday_utc() {
        let friday = DateTime::parse_from_rfc3339("2026-11-27T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(week_start(friday).to_rfc3339(), "2026-11-23T00:00:00+00:00");
    }
}
