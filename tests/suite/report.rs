//! `cases report` through the real binary, on a fixture store built with the
//! CLI at fixed instants. Every figure below is worked out by hand in the
//! comments, from the default policy that `cases init` writes:
//!
//! - north-america: Mon-Fri 06:00-21:00 America/Toronto, which in November
//!   (EST, UTC-5) is Mon-Fri 11:00Z to 02:00Z the next day; emea: Mon-Fri
//!   11:00-02:00 Etc/GMT (UTC), the same UTC hours. No holiday in November.
//! - initial-response targets (business time): sev1 basic/plus/premium
//!   4h/2h/1h round the clock from the first phone contact; sev2 8h/4h/2h;
//!   sev3 12h/12h/6h; sev4 24h/24h/12h, all from opening.
//! - escalation follow-up: 60 min of escalation-desk time (Mon-Fri
//!   08:00-17:00 Toronto = 13:00-22:00Z), round the clock for sev1; update
//!   intervals are wall time from the acceptance or the previous update.
//! - percentiles are nearest-rank: rank = ceil(p/100 * n).
//!
//! The period is November 2-29 (`--since 2026-11-02 --until 2026-11-29`,
//! i.e. [2026-11-02T00:00Z, 2026-11-30T00:00Z)), reported on 2026-12-01.

use crate::common::html::{children, indices, named, parse_html, Element};
use crate::common::{squash, Env, NewCase, Output, ACTOR};
use serde_json::{json, Value};

/// When the reports are run: after the period.
const NOW: &str = "2026-12-01T12:00:00Z";

/// The period of the fixture's reports.
const PERIOD: [&str; 4] = ["--since", "2026-11-02", "--until", "2026-11-29"];

/// `PERIOD` followed by `extra`.
fn period(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args = PERIOD.to_vec();
    args.extend_from_slice(extra);
    args
}

/// The contact of every case a script opens.
const CONTACT: &str = "Ann Lee <ann@acme.test>";

/// `cases report` at `now` with `args`, asserting exit 0.
fn run_report(store: &Env, now: &str, args: &[&str]) -> Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    store.run(&all).now(now).ok()
}

/// `cases report --format json` at `now` with `args`.
fn report_json(store: &Env, now: &str, args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    run_report(store, now, &all).json()
}

/// One step of a [`Script`].
struct Step {
    at: String,
    actor: String,
    args: Vec<String>,
    stdout_has: Option<String>,
}

/// CLI steps, written case by case and replayed in time order (so a fixture
/// store is built exactly as people would build it).
#[derive(Default)]
struct Script {
    steps: Vec<Step>,
}

impl Script {
    fn new() -> Script {
        Script::default()
    }

    /// `cases args...` at `at` by [`ACTOR`].
    fn at(&mut self, at: &str, args: &[&str]) -> &mut Script {
        self.by(at, ACTOR, args)
    }

    /// `cases args...` at `at` by `actor`.
    fn by(&mut self, at: &str, actor: &str, args: &[&str]) -> &mut Script {
        self.steps.push(Step {
            at: at.into(),
            actor: actor.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            stdout_has: None,
        });
        self
    }

    /// Like [`Script::at`], and the step's stdout must contain `expected`.
    fn expect(&mut self, at: &str, args: &[&str], expected: &str) -> &mut Script {
        self.at(at, args);
        self.steps.last_mut().expect("a step").stdout_has = Some(expected.into());
        self
    }

    /// `cases new` at `at`; the case must get `number`.
    fn open(
        &mut self,
        at: &str,
        number: u64,
        plan: &str,
        region: &str,
        severity: u8,
    ) -> &mut Script {
        let severity = severity.to_string();
        let title = format!("Case {number}");
        let case = NewCase {
            title: &title,
            account: "Acme Corp",
            plan,
            region,
            severity: &severity,
            // Logged in the community, then phoned in (the guide's severity
            // 1 process): a case logged by phone would record its live call.
            channel: "community",
            contacts: vec![CONTACT],
            ..NewCase::default()
        };
        let args = case.args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.expect(at, &args, &format!("{number}\n"))
    }

    /// `cases escalate request N` through the community by the primary contact.
    fn escalate(&mut self, at: &str, number: u64) -> &mut Script {
        let n = number.to_string();
        self.at(
            at,
            &[
                "escalate",
                "request",
                &n,
                "--by",
                "Ann Lee",
                "--role",
                "primary-contact",
                "--channel",
                "community",
                "--justification",
                "Business impact is growing",
                "--resources",
                "Their search administrator, for logs and tests",
            ],
        )
    }

    /// Replays the script in `store` in time order, asserting each step.
    fn play(self, store: &Env) {
        let mut steps = self.steps;
        // Stable: steps at the same instant keep the order they were written in.
        steps.sort_by(|a, b| a.at.cmp(&b.at));
        for step in steps {
            let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
            let out = store.run(&args).now(&step.at).actor(&step.actor).ok();
            if let Some(expected) = &step.stdout_has {
                out.stdout_contains(expected);
            }
        }
    }
}

/// The fixture store. Case by case (all instants UTC):
///
/// 1001 sev4 basic north-america, opened Mon Oct 26 15:00 (before the
///   period), responded, closed Oct 28, reopened Nov 4: counts one reopening;
///   open at the end, 34 days old. Its clock started before the period.
/// 1002 sev2 plus north-america, opened Mon Nov 2 14:00 (09:00 Toronto),
///   responded 14:30: 30 min business and wall, due 18:00 (4h): met (what-if
///   1h: due 15:00, met). Closed customer-confirmed Thu Nov 5.
/// 1003 sev2 plus emea, opened Mon Nov 2 20:00, responded 22:00: 2h, due
///   Tue 00:00 (4h): met (what-if 1h: due 21:00, breached). Information
///   requested Nov 3 12:00, follow-ups Nov 4 and 6, closed no-response by the
///   sweep Mon Nov 9 13:00 (auto-close at Mon Nov 9 12:00: four shifts on).
/// 1004 sev3 basic north-america, opened Fri Nov 6 23:00 (18:00 Toronto);
///   12h due: 3h on Friday's shift (to Sat 02:00) + 9h from Mon 11:00 = Mon
///   Nov 9 20:00. Responded Mon 13:00: business 3h + 2h = 5h, wall 62h
///   (2d14h): met. Waiting on a fix from Nov 10.
/// 1005 sev1 premium emea, opened Tue Nov 10 03:00, phone contact 03:20
///   (the clock starts), due 04:20 (1h, 24x7), responded 05:00: 1h40m
///   business and wall: breached. Escalation requested Wed Nov 11 10:00
///   (eligible after 24h), follow-up due 11:00 round the clock, reviewed
///   10:30: met. Accepted 11:00 with updates every 4h: [11:00, due 15:00,
///   update 14:00] met, [14:00, due 18:00, update 19:00] breached, [19:00,
///   due 23:00, closed root-cause 22:00] met. Case closed Nov 12.
/// 1006 sev2 premium north-america, opened Wed Nov 11 15:00, due 17:00
///   (2h), responded 18:00: 3h business and wall: breached. Escalation
///   requested Mon Nov 16 14:00 (desk 09:00 Toronto), follow-up due 15:00,
///   declined 16:00: breached, outcome declined. Second one requested Tue
///   Nov 17 14:00, reviewed 14:30: met; de-escalated Nov 18. Open at the end.
/// 1007 sev2 basic emea, opened Mon Nov 16 12:00, due 20:00 (8h),
///   responded 12:45: 45 min: met. Escalation requested Wed Nov 18 14:00
///   (eligible from Wed 12:00, two shifts on), accepted 14:50 (follow-up due
///   15:00: met) with updates every 1d: [Wed 14:50, due Thu 14:50, update Thu
///   14:00] met, [Thu 14:00, due Fri 14:00, closed timeline Fri 10:00] met.
///   Second requested Mon Nov 23 14:00, accepted 14:30 (met) every 2d,
///   [14:30, due Wed 14:30, closed permanent-fix Tue Nov 24 14:00] met.
/// 1008 sev3 plus emea, opened Thu Nov 19 12:00, never answered: due Fri
///   Nov 20 00:00 (12h within Thursday's shift): breached. New, 10 days old.
/// 1009 sev3 premium north-america, opened Fri Nov 20 23:30; 6h due: 2h30m
///   on Friday + 3h30m from Mon 11:00 = Mon 14:30. Responded Mon Nov 23
///   11:30: business 2h30m + 30m = 3h, wall 60h: met. Closed Nov 24.
/// 1010 sev4 plus emea, opened Sat Nov 21 10:00 (outside hours); 24h due:
///   15h Monday + 9h Tuesday = Tue Nov 24 20:00. Responded Mon Nov 23 12:00:
///   business 1h, wall 50h: met. Waiting on the customer from Nov 24.
/// 1011 sev3 basic emea, opened Tue Nov 24 15:00, never answered: due Wed
///   Nov 25 12:00 (11h Tuesday + 1h): breached. New, 5 days old.
/// 1012 sev1 plus north-america, opened Sat Nov 28 20:00, no phone contact
///   yet: its clock is waiting. New, 1 day old.
/// 1013 sev4 premium north-america, opened Sun Nov 29 18:00, assigned; due
///   Mon Nov 30 23:00 (12h from Mon 11:00): running at the end. 6h old.
/// 1014 sev2 plus north-america, opened Mon Nov 30 14:00, after the period:
///   in no figure of it.
fn fixture() -> Env {
    let store = Env::init();
    let mut s = Script::new();
    s.open("2026-10-26T15:00:00Z", 1001, "basic", "north-america", 4)
        .at("2026-10-26T15:05:00Z", &["assign", "1001", "--to", "bob"])
        .at("2026-10-26T16:00:00Z", &["respond", "1001"])
        .at(
            "2026-10-28T15:00:00Z",
            &["close", "1001", "--confirmed-by", "Ann Lee"],
        )
        .at("2026-11-04T15:00:00Z", &["reopen", "1001"]);
    s.open("2026-11-02T14:00:00Z", 1002, "plus", "north-america", 2)
        .at("2026-11-02T14:05:00Z", &["assign", "1002", "--to", "alice"])
        .at("2026-11-02T14:30:00Z", &["respond", "1002"])
        .at(
            "2026-11-05T15:00:00Z",
            &["close", "1002", "--confirmed-by", "Ann Lee"],
        );
    s.open("2026-11-02T20:00:00Z", 1003, "plus", "emea", 2)
        .at("2026-11-02T20:05:00Z", &["assign", "1003", "--to", "alice"])
        .at("2026-11-02T22:00:00Z", &["respond", "1003"])
        .at("2026-11-03T12:00:00Z", &["request-info", "1003"])
        .at("2026-11-04T12:00:00Z", &["follow-up", "1003"])
        .at("2026-11-06T12:00:00Z", &["follow-up", "1003"])
        .expect("2026-11-09T13:00:00Z", &["sweep"], "case 1003: closed");
    s.open("2026-11-06T23:00:00Z", 1004, "basic", "north-america", 3)
        .at("2026-11-06T23:05:00Z", &["assign", "1004", "--to", "carol"])
        .at("2026-11-09T13:00:00Z", &["respond", "1004"])
        .at(
            "2026-11-10T15:00:00Z",
            &["fix", "request", "1004", "--ticket", "DEV-1"],
        );
    s.open("2026-11-10T03:00:00Z", 1005, "premium", "emea", 1)
        .at(
            "2026-11-10T03:20:00Z",
            &["phone", "1005", "--call", "voicemail"],
        )
        .at("2026-11-10T03:25:00Z", &["assign", "1005", "--to", "alice"])
        .at("2026-11-10T05:00:00Z", &["respond", "1005"])
        .escalate("2026-11-11T10:00:00Z", 1005)
        .at("2026-11-11T10:30:00Z", &["escalate", "review", "1005"])
        .at(
            "2026-11-11T11:00:00Z",
            &[
                "escalate",
                "accept",
                "1005",
                "--manager",
                "mia",
                "--update-every",
                "4h",
            ],
        )
        .at(
            "2026-11-11T14:00:00Z",
            &["escalate", "update", "1005", "--message", "first"],
        )
        .at(
            "2026-11-11T19:00:00Z",
            &["escalate", "update", "1005", "--message", "second"],
        )
        .at(
            "2026-11-11T22:00:00Z",
            &[
                "escalate",
                "close",
                "1005",
                "--outcome",
                "root-cause",
                "--summary",
                "found",
            ],
        )
        .at(
            "2026-11-12T15:00:00Z",
            &["close", "1005", "--confirmed-by", "Ann Lee"],
        );
    s.open("2026-11-11T15:00:00Z", 1006, "premium", "north-america", 2)
        .at("2026-11-11T15:10:00Z", &["assign", "1006", "--to", "dave"])
        .at("2026-11-11T18:00:00Z", &["respond", "1006"])
        .escalate("2026-11-16T14:00:00Z", 1006)
        .at(
            "2026-11-16T16:00:00Z",
            &["escalate", "decline", "1006", "--explanation", "on track"],
        )
        .escalate("2026-11-17T14:00:00Z", 1006)
        .at("2026-11-17T14:30:00Z", &["escalate", "review", "1006"])
        .at(
            "2026-11-18T15:00:00Z",
            &["escalate", "de-escalate", "1006", "--reason", "no logs"],
        );
    s.open("2026-11-16T12:00:00Z", 1007, "basic", "emea", 2)
        .at("2026-11-16T12:05:00Z", &["assign", "1007", "--to", "erin"])
        .at("2026-11-16T12:45:00Z", &["respond", "1007"])
        .escalate("2026-11-18T14:00:00Z", 1007)
        .at(
            "2026-11-18T14:50:00Z",
            &[
                "escalate",
                "accept",
                "1007",
                "--manager",
                "mia",
                "--update-every",
                "1d",
            ],
        )
        .at(
            "2026-11-19T14:00:00Z",
            &["escalate", "update", "1007", "--message", "first"],
        )
        .at(
            "2026-11-20T10:00:00Z",
            &[
                "escalate",
                "close",
                "1007",
                "--outcome",
                "timeline",
                "--summary",
                "planned",
            ],
        )
        .escalate("2026-11-23T14:00:00Z", 1007)
        .at(
            "2026-11-23T14:30:00Z",
            &[
                "escalate",
                "accept",
                "1007",
                "--manager",
                "mia",
                "--update-every",
                "2d",
            ],
        )
        .at(
            "2026-11-24T14:00:00Z",
            &[
                "escalate",
                "close",
                "1007",
                "--outcome",
                "permanent-fix",
                "--summary",
                "fixed",
            ],
        );
    s.open("2026-11-19T12:00:00Z", 1008, "plus", "emea", 3);
    s.open("2026-11-20T23:30:00Z", 1009, "premium", "north-america", 3)
        .at("2026-11-20T23:35:00Z", &["assign", "1009", "--to", "bob"])
        .at("2026-11-23T11:30:00Z", &["respond", "1009"])
        .at(
            "2026-11-24T15:00:00Z",
            &["close", "1009", "--confirmed-by", "Ann Lee"],
        );
    s.open("2026-11-21T10:00:00Z", 1010, "plus", "emea", 4)
        .at("2026-11-23T11:50:00Z", &["assign", "1010", "--to", "erin"])
        .at("2026-11-23T12:00:00Z", &["respond", "1010"])
        .at("2026-11-24T12:00:00Z", &["request-info", "1010"]);
    s.open("2026-11-24T15:00:00Z", 1011, "basic", "emea", 3);
    s.open("2026-11-28T20:00:00Z", 1012, "plus", "north-america", 1);
    s.open("2026-11-29T18:00:00Z", 1013, "premium", "north-america", 4)
        .at("2026-11-29T18:05:00Z", &["assign", "1013", "--to", "dave"]);
    s.open("2026-11-30T14:00:00Z", 1014, "plus", "north-america", 2)
        .at("2026-11-30T14:05:00Z", &["assign", "1014", "--to", "alice"])
        .at("2026-11-30T14:10:00Z", &["respond", "1014"]);
    s.play(&store);
    store
}

/// One attainment entry of the JSON report grouped by severity and plan
/// (`None` for the clock's total).
fn entry(clock: &str, group: Option<(&str, &str)>, counts: [u64; 4], percent: Value) -> Value {
    let [met, breached, running, waiting] = counts;
    let (severity, plan) = group.map_or((Value::Null, Value::Null), |(s, p)| {
        (json!(s.parse::<u64>().expect("a severity level")), json!(p))
    });
    json!({
        "clock": clock, "total": group.is_none(), "severity": severity, "plan": plan,
        "met": met, "breached": breached, "running": running, "waiting": waiting,
        "attainment_percent": percent,
    })
}

const IR: &str = "initial-response";
const REOPEN: &str = "reopen-response";
const FOLLOW_UP: &str = "escalation-follow-up";
const UPDATE: &str = "escalation-update";

/// Attainment of the period by severity and plan under the default policy.
fn attainment_by_severity_and_plan() -> Value {
    json!([
        // Initial response, clocks started in the period: met 1002, 1003,
        // 1004, 1007, 1009, 1010 (6); breached 1005, 1006, 1008, 1011 (4);
        // running 1013; waiting 1012. 6 / (6 + 4) = 60.0%.
        entry(IR, None, [6, 4, 1, 1], json!(60.0)),
        // 1012: waiting, nothing decided: no attainment.
        entry(IR, Some(("1", "plus")), [0, 0, 0, 1], Value::Null),
        entry(IR, Some(("1", "premium")), [0, 1, 0, 0], json!(0.0)), // 1005
        entry(IR, Some(("2", "basic")), [1, 0, 0, 0], json!(100.0)), // 1007
        entry(IR, Some(("2", "plus")), [2, 0, 0, 0], json!(100.0)),  // 1002, 1003
        entry(IR, Some(("2", "premium")), [0, 1, 0, 0], json!(0.0)), // 1006
        entry(IR, Some(("3", "basic")), [1, 1, 0, 0], json!(50.0)),  // 1004, 1011
        entry(IR, Some(("3", "plus")), [0, 1, 0, 0], json!(0.0)),    // 1008
        entry(IR, Some(("3", "premium")), [1, 0, 0, 0], json!(100.0)), // 1009
        entry(IR, Some(("4", "plus")), [1, 0, 0, 0], json!(100.0)),  // 1010
        entry(IR, Some(("4", "premium")), [0, 0, 1, 0], Value::Null), // 1013
        // Reopen response: 1001 reopened Wed Nov 4 10:00 Toronto, sev4 basic
        // (24h of business time: 11h Wednesday + 13h Thursday = Thu 19:00
        // Toronto, Fri Nov 6 00:00Z), never answered since: breached.
        entry(REOPEN, None, [0, 1, 0, 0], json!(0.0)),
        entry(REOPEN, Some(("4", "basic")), [0, 1, 0, 0], json!(0.0)),
        // Follow-ups: met 1005, 1006 (2nd), 1007 (both); breached 1006 (1st):
        // 4 / 5 = 80.0%.
        entry(FOLLOW_UP, None, [4, 1, 0, 0], json!(80.0)),
        entry(
            FOLLOW_UP,
            Some(("1", "premium")),
            [1, 0, 0, 0],
            json!(100.0)
        ),
        entry(FOLLOW_UP, Some(("2", "basic")), [2, 0, 0, 0], json!(100.0)),
        entry(FOLLOW_UP, Some(("2", "premium")), [1, 1, 0, 0], json!(50.0)),
        // Update intervals: 1005 met 2, breached 1; 1007 met 2 + 1:
        // 5 / 6 = 83.33% -> 83.3; 1005 alone 2 / 3 = 66.67% -> 66.7.
        entry(UPDATE, None, [5, 1, 0, 0], json!(83.3)),
        entry(UPDATE, Some(("1", "premium")), [2, 1, 0, 0], json!(66.7)),
        entry(UPDATE, Some(("2", "basic")), [3, 0, 0, 0], json!(100.0)),
    ])
}

/// Counts in the period.
fn period_counts() -> Value {
    json!({
        // 1002 to 1013; 1001 opened before the period, 1014 after it.
        "opened": 12,
        // 1002, 1005, 1009 confirmed; 1003 by the sweep. 1001's closing
        // (Oct 28) is before the period.
        "closed": 4,
        "closed_customer_confirmed": 3,
        "closed_no_response": 1,
        "reopened": 1, // 1001 on Nov 4
        // Accepted in the period (SPEC 4: escalated from the acceptance):
        // 1005 once, 1007 twice; 1006's two requests were never accepted.
        "escalated": 3,
    })
}

/// The backlog at the end of the period, 2026-11-30T00:00Z.
fn period_backlog() -> Value {
    json!({
        // new: 1008, 1011, 1012; open: 1001, 1006, 1007, 1013;
        // waiting-on-customer: 1010; waiting-on-fix: 1004.
        "by_state": {"new": 3, "open": 4, "waiting-on-customer": 1, "waiting-on-fix": 1},
        // Whole days since opening: 1013 0 (6h); 1012 1 (1d4h); 1011 5;
        // 1004 23, 1006 18, 1007 13, 1008 10, 1010 8; 1001 34.
        "by_age": {"under 1 day": 1, "1-3 days": 1, "3-7 days": 1, "7-30 days": 5, "30 days or more": 1},
    })
}

/// Time to first response of the cases opened in the period.
fn period_first_response() -> Value {
    // Business: 30m (1002), 45m (1007), 1h (1010), 1h40m (1005), 2h (1003),
    // 3h (1006), 3h (1009), 5h (1004). n = 8: median rank ceil(4) = 4 ->
    // 1h40m = 6000 s; p90 rank ceil(7.2) = 8 -> 5h = 18000 s.
    // Wall: 30m, 45m, 1h40m, 2h, 3h, 50h (1010), 60h (1009), 62h (1004):
    // median 2h = 7200 s; p90 62h = 2d14h = 223200 s.
    json!({
        "count": 8,
        "business": {"median_seconds": 6000, "p90_seconds": 18000},
        "wall": {"median_seconds": 7200, "p90_seconds": 223200},
    })
}

/// The weekly trend: weeks from Monday Nov 2 while before Nov 30.
fn period_weekly() -> Value {
    json!([
        // Opened 1002, 1003, 1004. Open on Nov 9 00:00: 1001 (reopened Nov
        // 4), 1003 (closed Nov 9 13:00), 1004. Breached and due this week:
        // 1001's reopen response (Fri Nov 6 00:00).
        {"week_start": "2026-11-02T00:00:00Z", "opened": 3, "backlog": 3, "breaches": 1},
        // Opened 1005, 1006. Open on Nov 16: 1001, 1004, 1006. Breached and
        // due this week: 1005's response (Tue 04:20) and update (Wed 18:00),
        // 1006's response (Wed 17:00).
        {"week_start": "2026-11-09T00:00:00Z", "opened": 2, "backlog": 3, "breaches": 3},
        // Opened 1007, 1008, 1009, 1010. Open on Nov 23: 1001, 1004, 1006,
        // 1007, 1008, 1009 (closed Nov 24), 1010. Breached: 1006's first
        // follow-up (Mon 15:00), 1008's response (Fri 00:00).
        {"week_start": "2026-11-16T00:00:00Z", "opened": 4, "backlog": 7, "breaches": 2},
        // Opened 1011, 1012, 1013. Open at the end: the backlog of 9.
        // Breached: 1011's response (Wed 12:00).
        {"week_start": "2026-11-23T00:00:00Z", "opened": 3, "backlog": 9, "breaches": 1},
    ])
}

#[test]
fn json_gives_every_figure_of_the_period() {
    let store = fixture();
    let report = report_json(&store, NOW, &period(&[]));
    let expected = json!({
        "since": "2026-11-02T00:00:00Z",
        "until": "2026-11-30T00:00:00Z",
        // The period ends before --until's midnight: its last second.
        "evaluated_at": "2026-11-29T23:59:59Z",
        "by": ["severity", "plan"],
        "counts": period_counts(),
        "backlog": period_backlog(),
        "attainment": attainment_by_severity_and_plan(),
        "first_response": period_first_response(),
        // 1005 root-cause (Nov 11), 1007 timeline (Nov 20) and permanent-fix
        // (Nov 24), 1006 declined (Nov 16) and de-escalated (Nov 18).
        "escalation_outcomes": {
            "root-cause": 1, "timeline": 1, "permanent-fix": 1, "declined": 1, "de-escalated": 1,
        },
        "weekly": period_weekly(),
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&report[key], value, "{key}");
    }
    assert_eq!(report, expected);
}

#[test]
fn attainment_by_region_and_by_owner() {
    let store = fixture();
    // Regions. Initial response: north-america 1002 met, 1004 met, 1006
    // breached, 1009 met, 1012 waiting, 1013 running: 3 / 4 = 75.0%; emea
    // 1003, 1007, 1010 met, 1005, 1008, 1011 breached: 3 / 6 = 50.0%.
    // Follow-ups: emea 1005 + 1007 x2 met (3 / 3); north-america 1006 met 1,
    // breached 1 (50.0%). Updates: all emea (1005, 1007): 5 / 6 = 83.3%, no
    // north-america row since no interval started there.
    let csv = run_report(&store, NOW, &period(&["--by", "region", "--format", "csv"])).stdout;
    assert_eq!(
        csv,
        "clock,total,region,met,breached,running,waiting,attainment_percent\n\
         initial-response,true,,6,4,1,1,60.0\n\
         initial-response,false,emea,3,3,0,0,50.0\n\
         initial-response,false,north-america,3,1,1,1,75.0\n\
         reopen-response,true,,0,1,0,0,0.0\n\
         reopen-response,false,north-america,0,1,0,0,0.0\n\
         escalation-follow-up,true,,4,1,0,0,80.0\n\
         escalation-follow-up,false,emea,3,0,0,0,100.0\n\
         escalation-follow-up,false,north-america,1,1,0,0,50.0\n\
         escalation-update,true,,5,1,0,0,83.3\n\
         escalation-update,false,emea,5,1,0,0,83.3\n"
    );
    let report = report_json(&store, NOW, &period(&["--by", "region"]));
    assert_eq!(report["by"], json!(["region"]));
    let na = report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["clock"] == IR && e["region"] == "north-america")
        .expect("north-america initial-response row");
    assert_eq!(
        na,
        &json!({"clock": IR, "total": false, "region": "north-america", "met": 3, "breached": 1,
                "running": 1, "waiting": 1, "attainment_percent": 75.0})
    );

    // Owners at the end, initial response: alice 1002, 1003 met, 1005
    // breached (66.7%); bob 1009 met; carol 1004 met; dave 1006 breached,
    // 1013 running (0.0%); erin 1007, 1010 met; unowned 1008, 1011
    // breached, 1012 waiting (0.0%).
    let csv = run_report(&store, NOW, &period(&["--by", "owner", "--format", "csv"])).stdout;
    let lines: Vec<&str> = csv.lines().filter(|l| l.starts_with(IR)).collect();
    assert_eq!(
        lines,
        [
            "initial-response,true,,6,4,1,1,60.0",
            "initial-response,false,,0,2,0,1,0.0",
            "initial-response,false,alice,2,1,0,0,66.7",
            "initial-response,false,bob,1,0,0,0,100.0",
            "initial-response,false,carol,1,0,0,0,100.0",
            "initial-response,false,dave,0,1,1,0,0.0",
            "initial-response,false,erin,2,0,0,0,100.0",
        ]
    );
}

#[test]
fn table_shows_every_figure() {
    let store = fixture();
    let table = run_report(&store, NOW, &period(&[])).stdout;
    let lines: Vec<String> = table.lines().map(squash).collect();
    for expected in [
        "report for 2026-11-02T00:00:00Z to 2026-11-29T23:59:59Z",
        "opened 12",
        "closed 4 (customer-confirmed 3, no-response 1)",
        "reopened 1",
        "escalated 3",
        "backlog 9 (new 3, open 4, waiting-on-customer 1, waiting-on-fix 1)",
        "backlog by age under 1 day 1, 1-3 days 1, 3-7 days 1, 7-30 days 5, 30 days or more 1",
        "first response 8 measured; business time median 1h40m, p90 5h; wall time median 2h, p90 2d14h",
        "escalation outcomes root-cause 1, timeline 1, permanent-fix 1, declined 1, de-escalated 1",
        "clock severity plan met breached running waiting attainment",
        "initial-response (all) (all) 6 4 1 1 60.0%",
        "initial-response 1 plus 0 0 0 1 -",
        "initial-response 1 premium 0 1 0 0 0.0%",
        "initial-response 2 plus 2 0 0 0 100.0%",
        "initial-response 3 basic 1 1 0 0 50.0%",
        "initial-response 4 premium 0 0 1 0 -",
        "reopen-response (all) (all) 0 1 0 0 0.0%",
        "reopen-response 4 basic 0 1 0 0 0.0%",
        "escalation-follow-up (all) (all) 4 1 0 0 80.0%",
        "escalation-follow-up 2 premium 1 1 0 0 50.0%",
        "escalation-update (all) (all) 5 1 0 0 83.3%",
        "escalation-update 1 premium 2 1 0 0 66.7%",
        "week of opened backlog breaches",
        "2026-11-02 3 3 1",
        "2026-11-09 2 3 3",
        "2026-11-16 4 7 2",
        "2026-11-23 3 9 1",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "no line {expected:?} in\n{table}"
        );
    }
    // 20 attainment rows (as in JSON) and 4 weeks.
    let rows = lines
        .iter()
        .filter(|l| {
            l.starts_with("initial-response")
                || l.starts_with("reopen-response")
                || l.starts_with("escalation-")
        })
        .count();
    assert_eq!(rows, 20, "{table}");
    assert!(!table.contains("NaN") && !table.contains("inf"), "{table}");
}

#[test]
fn csv_is_the_attainment_table() {
    let store = fixture();
    let csv = run_report(&store, NOW, &period(&["--format", "csv"])).stdout;
    assert_eq!(
        csv,
        "clock,total,severity,plan,met,breached,running,waiting,attainment_percent\n\
         initial-response,true,,,6,4,1,1,60.0\n\
         initial-response,false,1,plus,0,0,0,1,\n\
         initial-response,false,1,premium,0,1,0,0,0.0\n\
         initial-response,false,2,basic,1,0,0,0,100.0\n\
         initial-response,false,2,plus,2,0,0,0,100.0\n\
         initial-response,false,2,premium,0,1,0,0,0.0\n\
         initial-response,false,3,basic,1,1,0,0,50.0\n\
         initial-response,false,3,plus,0,1,0,0,0.0\n\
         initial-response,false,3,premium,1,0,0,0,100.0\n\
         initial-response,false,4,plus,1,0,0,0,100.0\n\
         initial-response,false,4,premium,0,0,1,0,\n\
         reopen-response,true,,,0,1,0,0,0.0\n\
         reopen-response,false,4,basic,0,1,0,0,0.0\n\
         escalation-follow-up,true,,,4,1,0,0,80.0\n\
         escalation-follow-up,false,1,premium,1,0,0,0,100.0\n\
         escalation-follow-up,false,2,basic,2,0,0,0,100.0\n\
         escalation-follow-up,false,2,premium,1,1,0,0,50.0\n\
         escalation-update,true,,,5,1,0,0,83.3\n\
         escalation-update,false,1,premium,2,1,0,0,66.7\n\
         escalation-update,false,2,basic,3,0,0,0,100.0\n"
    );
}

#[test]
fn markdown_is_a_job_summary() {
    let store = fixture();
    let md = run_report(&store, NOW, &period(&["--format", "markdown"])).stdout;
    assert!(
        md.starts_with("## Support report\n\n2026-11-02T00:00:00Z to 2026-11-29T23:59:59Z\n\n"),
        "{md}"
    );
    for expected in [
        "| figure | value |",
        "| opened | 12 |",
        "| closed | 4 (customer-confirmed 3, no-response 1) |",
        "| reopened | 1 |",
        "| escalated | 3 |",
        "| backlog | 9 (new 3, open 4, waiting-on-customer 1, waiting-on-fix 1) |",
        "| backlog by age | under 1 day 1, 1-3 days 1, 3-7 days 1, 7-30 days 5, 30 days or more 1 |",
        "| first response | 8 measured; business time median 1h40m, p90 5h; wall time median 2h, p90 2d14h |",
        "| escalation outcomes | root-cause 1, timeline 1, permanent-fix 1, declined 1, de-escalated 1 |",
        "### Attainment",
        "| clock | severity | plan | met | breached | running | waiting | attainment |",
        "|---|---|---|---|---|---|---|---|",
        "| initial-response | (all) | (all) | 6 | 4 | 1 | 1 | 60.0% |",
        "| initial-response | 1 | plus | 0 | 0 | 0 | 1 | - |",
        "| escalation-follow-up | (all) | (all) | 4 | 1 | 0 | 0 | 80.0% |",
        "| escalation-update | (all) | (all) | 5 | 1 | 0 | 0 | 83.3% |",
        "### Weekly",
        "| week of | opened | backlog | breaches |",
        "| 2026-11-02 | 3 | 3 | 1 |",
        "| 2026-11-09 | 2 | 3 | 3 |",
        "| 2026-11-16 | 4 | 7 | 2 |",
        "| 2026-11-23 | 3 | 9 | 1 |",
    ] {
        assert!(md.lines().any(|l| l == expected), "no line {expected:?} in\n{md}");
    }
    // Every table line has as many cells as its header.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| {
            l.starts_with("| initial-response")
                || l.starts_with("| reopen-response")
                || l.starts_with("| escalation-")
        })
        .collect();
    assert_eq!(rows.len(), 20, "{md}");
    assert!(rows.iter().all(|r| r.matches(" | ").count() == 7), "{md}");
}

#[test]
fn as_of_gives_the_figures_as_they_stood_then() {
    let store = fixture();
    // As of Mon Nov 16 00:00: the period is cut to [Nov 2, Nov 16).
    let report = report_json(&store, NOW, &period(&["--as-of", "2026-11-16T00:00:00Z"]));
    let expected = json!({
        "since": "2026-11-02T00:00:00Z",
        "until": "2026-11-30T00:00:00Z",
        "evaluated_at": "2026-11-16T00:00:00Z",
        "by": ["severity", "plan"],
        // Opened 1002-1006; closed 1002 and 1005 (confirmed), 1003 (sweep);
        // 1001 reopened; only 1005's escalation was accepted by then (1006's
        // request of Nov 16 is not counted: SPEC 4, escalated from acceptance).
        "counts": {"opened": 5, "closed": 3, "closed_customer_confirmed": 2,
                   "closed_no_response": 1, "reopened": 1, "escalated": 1},
        // Open: 1001 (20 days), 1006 (4 days: 3-7); waiting on a fix: 1004 (9 days).
        "backlog": {
            "by_state": {"new": 0, "open": 2, "waiting-on-customer": 0, "waiting-on-fix": 1},
            "by_age": {"under 1 day": 0, "1-3 days": 0, "3-7 days": 1, "7-30 days": 2, "30 days or more": 0},
        },
        // Initial response: 1002, 1003, 1004 met; 1005, 1006 breached: 60.0%.
        "attainment": [
            entry(IR, None, [3, 2, 0, 0], json!(60.0)),
            entry(IR, Some(("1", "premium")), [0, 1, 0, 0], json!(0.0)),
            entry(IR, Some(("2", "plus")), [2, 0, 0, 0], json!(100.0)),
            entry(IR, Some(("2", "premium")), [0, 1, 0, 0], json!(0.0)),
            entry(IR, Some(("3", "basic")), [1, 0, 0, 0], json!(100.0)),
            // 1001's reopen response, due Fri Nov 6 00:00, never answered.
            entry(REOPEN, None, [0, 1, 0, 0], json!(0.0)),
            entry(REOPEN, Some(("4", "basic")), [0, 1, 0, 0], json!(0.0)),
            entry(FOLLOW_UP, None, [1, 0, 0, 0], json!(100.0)),
            entry(FOLLOW_UP, Some(("1", "premium")), [1, 0, 0, 0], json!(100.0)),
            entry(UPDATE, None, [2, 1, 0, 0], json!(66.7)),
            entry(UPDATE, Some(("1", "premium")), [2, 1, 0, 0], json!(66.7)),
        ],
        // Business 30m, 1h40m, 2h, 3h, 5h: median rank 3 = 2h, p90 rank
        // ceil(4.5) = 5 = 5h. Wall 30m, 1h40m, 2h, 3h, 62h: 2h and 62h.
        "first_response": {
            "count": 5,
            "business": {"median_seconds": 7200, "p90_seconds": 18000},
            "wall": {"median_seconds": 7200, "p90_seconds": 223200},
        },
        "escalation_outcomes": {
            "root-cause": 1, "timeline": 0, "permanent-fix": 0, "declined": 0, "de-escalated": 0,
        },
        // --as-of is inclusive: the week that starts at that very instant
        // is in the trend, with what stood then.
        "weekly": [
            {"week_start": "2026-11-02T00:00:00Z", "opened": 3, "backlog": 3, "breaches": 1},
            {"week_start": "2026-11-09T00:00:00Z", "opened": 2, "backlog": 3, "breaches": 3},
            {"week_start": "2026-11-16T00:00:00Z", "opened": 0, "backlog": 3, "breaches": 0},
        ],
    });
    assert_eq!(report, expected);

    // A period ending with Nov 15 (exclusive midnight) is the store as of
    // the last second of Nov 15.
    let mut until = report_json(
        &store,
        NOW,
        &["--since", "2026-11-02", "--until", "2026-11-15"],
    );
    until["until"] = json!("2026-11-30T00:00:00Z");
    assert_eq!(
        until,
        report_json(&store, NOW, &period(&["--as-of", "2026-11-15T23:59:59Z"]))
    );
    assert_eq!(until["counts"], expected["counts"]);
    assert_eq!(until["attainment"], expected["attainment"]);

    // As of Tue Nov 10 04:00, 1005's clock (phone 03:20, due 04:20) was
    // running and nothing after that instant counts: opened 1002-1005;
    // 1002, 1003, 1004 met: 3 / 3 = 100.0%. Open: 1001, 1004, 1005.
    let early = report_json(&store, NOW, &period(&["--as-of", "2026-11-10T04:00:00Z"]));
    assert_eq!(early["evaluated_at"], "2026-11-10T04:00:00Z");
    assert_eq!(early["counts"]["opened"], 4);
    assert_eq!(early["counts"]["escalated"], 0);
    assert_eq!(
        early["attainment"],
        json!([
            entry(IR, None, [3, 0, 1, 0], json!(100.0)),
            entry(IR, Some(("1", "premium")), [0, 0, 1, 0], Value::Null),
            entry(IR, Some(("2", "plus")), [2, 0, 0, 0], json!(100.0)),
            entry(IR, Some(("3", "basic")), [1, 0, 0, 0], json!(100.0)),
            // 1001's reopen response, due Fri Nov 6 00:00, never answered.
            entry(REOPEN, None, [0, 1, 0, 0], json!(0.0)),
            entry(REOPEN, Some(("4", "basic")), [0, 1, 0, 0], json!(0.0)),
            // Every clock has its total row, even with nothing to count yet.
            entry(FOLLOW_UP, None, [0, 0, 0, 0], Value::Null),
            entry(UPDATE, None, [0, 0, 0, 0], Value::Null),
        ])
    );
    assert_eq!(early["first_response"]["count"], 3);
    assert_eq!(
        early["backlog"]["by_state"],
        json!({"new": 0, "open": 3, "waiting-on-customer": 0, "waiting-on-fix": 0})
    );
    assert_eq!(
        early["escalation_outcomes"],
        nothing()["escalation_outcomes"]
    );

    // An --as-of after the period's end changes nothing.
    let late = report_json(&store, NOW, &period(&["--as-of", "2026-12-01T00:00:00Z"]));
    assert_eq!(late, report_json(&store, NOW, &period(&[])));
}

/// The default policy with plus sev2's target cut from 4h to 1h.
fn what_if_policy(store: &Env) {
    let policy = store.read("policy.yaml");
    let from = "response_targets: {basic: 8h, plus: 4h, premium: 2h}";
    assert!(policy.contains(from), "the default policy changed");
    store.write(
        "whatif.yaml",
        policy.replacen(
            from,
            "response_targets: {basic: 8h, plus: 1h, premium: 2h}",
            1,
        ),
    );
}

#[test]
fn what_if_gives_both_attainments_and_the_delta() {
    let store = fixture();
    what_if_policy(&store);
    // Under 1h, 1002 (30 min) stays met and 1003 (2h, due Mon 21:00)
    // becomes breached: sev2 plus 1 / 2 = 50.0% (delta -50.0 pts); total
    // 5 / 10 = 50.0% (delta -10.0 pts). Nothing else changes.
    let report = report_json(&store, NOW, &period(&["--what-if", "whatif.yaml"]));
    assert_eq!(report["attainment"], attainment_by_severity_and_plan());
    let theirs = &report["what_if"];
    assert_eq!(theirs["policy_file"], "whatif.yaml");
    let mut expected = attainment_by_severity_and_plan();
    expected[0] = entry(IR, None, [5, 5, 1, 1], json!(50.0));
    expected[4] = entry(IR, Some(("2", "plus")), [1, 1, 0, 0], json!(50.0));
    assert_eq!(theirs["attainment"], expected);
    // The same cases, the same responses: counts, backlog, response times
    // and outcomes agree; 1003's breach (due Mon Nov 2 21:00) joins week 1.
    assert_eq!(theirs["counts"], period_counts());
    assert_eq!(theirs["backlog"], period_backlog());
    assert_eq!(theirs["first_response"], period_first_response());
    assert_eq!(theirs["escalation_outcomes"], report["escalation_outcomes"]);
    let breaches: Vec<&Value> = theirs["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["breaches"])
        .collect();
    assert_eq!(breaches, [&json!(2), &json!(3), &json!(2), &json!(1)]);

    let table = run_report(&store, NOW, &period(&["--what-if", "whatif.yaml"])).stdout;
    let lines: Vec<String> = table.lines().map(squash).collect();
    for expected in [
        "what-if whatif.yaml:",
        "first response business time median 1h40m, p90 5h; wall time median 2h, p90 2d14h",
        "clock severity plan met breached running waiting attainment what-if delta",
        "initial-response (all) (all) 6 4 1 1 60.0% 50.0% -10.0 pts",
        "initial-response 2 plus 2 0 0 0 100.0% 50.0% -50.0 pts",
        "initial-response 2 premium 0 1 0 0 0.0% 0.0% +0.0 pts",
        "initial-response 1 plus 0 0 0 1 - - -",
        "escalation-update (all) (all) 5 1 0 0 83.3% 83.3% +0.0 pts",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "no line {expected:?} in\n{table}"
        );
    }

    let csv = run_report(
        &store,
        NOW,
        &period(&["--what-if", "whatif.yaml", "--format", "csv"]),
    )
    .stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "clock,total,severity,plan,met,breached,running,waiting,attainment_percent,what_if_attainment_percent,delta_points"
    );
    assert_eq!(lines[1], "initial-response,true,,,6,4,1,1,60.0,50.0,-10.0");
    assert_eq!(
        lines[5],
        "initial-response,false,2,plus,2,0,0,0,100.0,50.0,-50.0"
    );
    assert_eq!(lines[11], "initial-response,false,4,premium,0,0,1,0,,,");
    assert_eq!(lines[12], "reopen-response,true,,,0,1,0,0,0.0,0.0,0.0");
    assert_eq!(
        lines[14],
        "escalation-follow-up,true,,,4,1,0,0,80.0,80.0,0.0"
    );
    assert_eq!(lines.len(), 21);

    let md = run_report(
        &store,
        NOW,
        &period(&["--what-if", "whatif.yaml", "--format", "markdown"]),
    )
    .stdout;
    for expected in [
        "What-if: `whatif.yaml` beside the current policy.",
        "| clock | severity | plan | met | breached | running | waiting | attainment | what-if | delta |",
        "| initial-response | (all) | (all) | 6 | 4 | 1 | 1 | 60.0% | 50.0% | -10.0 pts |",
        "| initial-response | 2 | plus | 2 | 0 | 0 | 0 | 100.0% | 50.0% | -50.0 pts |",
    ] {
        assert!(md.lines().any(|l| l == expected), "no line {expected:?} in\n{md}");
    }

    // A what-if file that is not there: exit 4, nothing on stdout.
    let ran = store
        .run(&["report", "--what-if", "missing.yaml"])
        .now(NOW)
        .code(4);
    assert!(ran.stdout.is_empty(), "{ran}");
    assert!(ran.stderr.contains("missing.yaml"), "{ran}");
}

/// The figures of a report in which nothing happened and nothing is open.
fn nothing() -> Value {
    json!({
        "counts": {"opened": 0, "closed": 0, "closed_customer_confirmed": 0,
                   "closed_no_response": 0, "reopened": 0, "escalated": 0},
        "backlog": {
            "by_state": {"new": 0, "open": 0, "waiting-on-customer": 0, "waiting-on-fix": 0},
            "by_age": {"under 1 day": 0, "1-3 days": 0, "3-7 days": 0, "7-30 days": 0, "30 days or more": 0},
        },
        "first_response": {"count": 0, "business": null, "wall": null},
        "escalation_outcomes": {
            "root-cause": 0, "timeline": 0, "permanent-fix": 0, "declined": 0, "de-escalated": 0,
        },
    })
}

#[test]
fn a_store_with_no_cases_gives_a_clean_report() {
    let store = Env::init();
    let now = "2026-11-27T15:00:00Z";
    let report = report_json(&store, now, &[]);
    for (key, value) in nothing().as_object().unwrap() {
        assert_eq!(&report[key], value, "{key}");
    }
    assert_eq!(report["since"], Value::Null);
    assert_eq!(report["evaluated_at"], now);
    assert!(report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["attainment_percent"].is_null()));
    assert_eq!(report["weekly"], json!([]));

    let table = run_report(&store, now, &[]).stdout;
    let squashed = squash(&table);
    for expected in [
        "report for the beginning to 2026-11-27T15:00:00Z",
        "opened 0",
        "closed 0 (customer-confirmed 0, no-response 0)",
        "backlog 0 (new 0, open 0, waiting-on-customer 0, waiting-on-fix 0)",
        "first response 0 measured; business time -; wall time -",
        "escalation outcomes root-cause 0, timeline 0, permanent-fix 0, declined 0, de-escalated 0",
        "clock severity plan met breached running waiting attainment",
        "week of opened backlog breaches",
    ] {
        assert!(squashed.contains(expected), "no {expected:?} in\n{table}");
    }
    let csv = run_report(&store, now, &["--format", "csv"]).stdout;
    assert!(
        csv.starts_with(
            "clock,total,severity,plan,met,breached,running,waiting,attainment_percent\n"
        ),
        "{csv}"
    );
    let md = run_report(&store, now, &["--format", "markdown"]).stdout;
    assert!(
        md.contains("| first response | 0 measured; business time -; wall time - |"),
        "{md}"
    );
    for text in [&table, &csv, &md] {
        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    }
    let html = run_report(&store, now, &["--format", "html"]).stdout;
    let elements = parse_html(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    // One bar, the clock's total, with nothing decided: a grey track and "-".
    let (_, bars) = svg(&elements, "attainment-initial-response");
    assert_eq!(bars.len(), 1);
    assert_eq!(elements[bars[0]].attr("data-attainment"), "none");
    let texts = children(&elements, bars[0], "text");
    assert_eq!(
        (texts[0].text.as_str(), texts[1].text.as_str()),
        ("all", "-")
    );
    for line in polylines(&elements) {
        assert_eq!(line.attr("data-values"), "");
        assert_eq!(line.attr("points"), "");
    }
    assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
}

#[test]
fn an_empty_period_gives_a_clean_report() {
    let store = fixture();
    // September: before the first case was opened.
    let report = report_json(
        &store,
        NOW,
        &["--since", "2026-09-01", "--until", "2026-09-30"],
    );
    for (key, value) in nothing().as_object().unwrap() {
        assert_eq!(&report[key], value, "{key}");
    }
    assert!(report["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["attainment_percent"].is_null()));
    // Weeks from Monday Aug 31 while before Oct 1: five empty weeks.
    let weeks: Vec<(&str, u64, u64, u64)> = report["weekly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["week_start"].as_str().unwrap(),
                w["opened"].as_u64().unwrap(),
                w["backlog"].as_u64().unwrap(),
                w["breaches"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        weeks,
        [
            ("2026-08-31T00:00:00Z", 0, 0, 0),
            ("2026-09-07T00:00:00Z", 0, 0, 0),
            ("2026-09-14T00:00:00Z", 0, 0, 0),
            ("2026-09-21T00:00:00Z", 0, 0, 0),
            ("2026-09-28T00:00:00Z", 0, 0, 0),
        ]
    );
    for format in ["table", "csv", "markdown", "html"] {
        let out = run_report(
            &store,
            NOW,
            &[
                "--since",
                "2026-09-01",
                "--until",
                "2026-09-30",
                "--format",
                format,
            ],
        )
        .stdout;
        assert!(
            !out.contains("NaN") && !out.contains("inf"),
            "{format}: {out}"
        );
    }

    // A quiet week after the period (Dec 7-13, reported on Dec 14): nothing
    // happened, but the backlog carries over. Open at Dec 14 00:00: new 1008,
    // 1011, 1012; open 1001, 1006, 1007, 1013, 1014; waiting on the customer
    // 1010 (no sweep ran); waiting on a fix 1004. Ages: 1001 48 days, 1004
    // 37, 1006 32 (30 or more); 1007 27, 1008 24, 1010 22, 1011 19, 1012 15,
    // 1013 14, 1014 13 (7-30).
    let quiet = report_json(
        &store,
        "2026-12-14T00:00:00Z",
        &["--since", "2026-12-07", "--until", "2026-12-13"],
    );
    assert_eq!(quiet["counts"], nothing()["counts"]);
    assert_eq!(quiet["first_response"], nothing()["first_response"]);
    assert_eq!(
        quiet["escalation_outcomes"],
        nothing()["escalation_outcomes"]
    );
    assert!(quiet["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["attainment_percent"].is_null()));
    assert_eq!(
        quiet["backlog"],
        json!({
            "by_state": {"new": 3, "open": 5, "waiting-on-customer": 1, "waiting-on-fix": 1},
            "by_age": {"under 1 day": 0, "1-3 days": 0, "3-7 days": 0, "7-30 days": 7, "30 days or more": 3},
        })
    );
    assert_eq!(
        quiet["weekly"],
        json!([{"week_start": "2026-12-07T00:00:00Z", "opened": 0, "backlog": 10, "breaches": 0}])
    );
    let table = squash(
        &run_report(
            &store,
            "2026-12-14T00:00:00Z",
            &["--since", "2026-12-07", "--until", "2026-12-13"],
        )
        .stdout,
    );
    assert!(
        table.contains("first response 0 measured; business time -; wall time -"),
        "{table}"
    );
}

#[test]
fn every_clock_is_reported_even_with_nothing_to_count() {
    // The issue: "for each clock (initial response, escalation follow-up,
    // escalation update): attainment % and counts". With nothing to count,
    // each clock's total is 0 met, 0 breached and no attainment.
    let empty = Env::init();
    let report = report_json(&empty, "2026-11-27T15:00:00Z", &[]);
    let totals = json!([
        entry(IR, None, [0, 0, 0, 0], Value::Null),
        entry(REOPEN, None, [0, 0, 0, 0], Value::Null),
        entry(FOLLOW_UP, None, [0, 0, 0, 0], Value::Null),
        entry(UPDATE, None, [0, 0, 0, 0], Value::Null),
    ]);
    assert_eq!(report["attainment"], totals);
    let csv = run_report(&empty, "2026-11-27T15:00:00Z", &["--format", "csv"]).stdout;
    assert!(csv.contains("initial-response,true,,,0,0,0,0,\n"), "{csv}");

    // In the fixture, before the first escalation (as of Nov 10 04:00) the
    // escalation clocks still get their (empty) totals.
    let store = fixture();
    let early = report_json(&store, NOW, &period(&["--as-of", "2026-11-10T04:00:00Z"]));
    let clocks: Vec<&Value> = early["attainment"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["severity"].is_null())
        .map(|e| &e["clock"])
        .collect();
    assert_eq!(
        clocks,
        [
            &json!(IR),
            &json!(REOPEN),
            &json!(FOLLOW_UP),
            &json!(UPDATE)
        ]
    );
}

#[test]
fn events_at_the_end_instant_belong_to_the_next_period() {
    // The period [Nov 2, Nov 30 00:00) excludes its end. Case 1001 is open
    // all through November and closed exactly at Nov 30 00:00 (a midnight
    // job, say); case 1002 is opened exactly then. November's report does
    // not count the closing nor the opening (both belong to December), so
    // its backlog at the end must still hold 1001 and not 1002, as its own
    // weekly trend already says.
    let store = Env::init();
    let mut s = Script::new();
    s.open("2026-11-10T14:00:00Z", 1001, "plus", "emea", 3)
        .at("2026-11-10T14:05:00Z", &["assign", "1001", "--to", "bob"])
        .at("2026-11-10T14:10:00Z", &["respond", "1001"])
        .at(
            "2026-11-30T00:00:00Z",
            &["close", "1001", "--confirmed-by", "Ann Lee"],
        )
        .open("2026-11-30T00:00:00Z", 1002, "plus", "emea", 3);
    s.play(&store);
    let november = report_json(&store, NOW, &period(&[]));
    assert_eq!(november["counts"]["opened"], 1);
    assert_eq!(november["counts"]["closed"], 0);
    assert_eq!(november["weekly"][3]["backlog"], 1);
    assert_eq!(
        november["backlog"]["by_state"],
        json!({"new": 0, "open": 1, "waiting-on-customer": 0, "waiting-on-fix": 0})
    );
    // 1001 is 19 days old (Nov 10 14:00 to Nov 30 00:00).
    assert_eq!(
        november["backlog"]["by_age"],
        json!({"under 1 day": 0, "1-3 days": 0, "3-7 days": 0, "7-30 days": 1, "30 days or more": 0})
    );
    // December counts both.
    let december = report_json(
        &store,
        "2026-12-31T12:00:00Z",
        &["--since", "2026-11-30", "--until", "2026-12-30"],
    );
    assert_eq!(december["counts"]["opened"], 1);
    assert_eq!(december["counts"]["closed"], 1);
}

#[test]
fn html_is_only_for_report() {
    let store = fixture();
    for args in [
        vec!["list", "--format", "html"],
        vec!["sla", "--format", "html"],
        vec!["show", "1002", "--format", "html"],
        vec!["--format", "html", "queue"],
    ] {
        let ran = store.run(&args).now(NOW).code(2);
        assert!(ran.stdout.is_empty(), "{ran}");
        assert!(
            ran.stderr
                .contains("--format html is not available for cases "),
            "{ran}"
        );
    }
    // A mutating command refuses before it writes anything.
    let before = store.read("cases/001/1002.yaml");
    store
        .run(&["note", "1002", "--text", "x", "--format", "html"])
        .now(NOW)
        .code(2);
    assert_eq!(store.read("cases/001/1002.yaml"), before);
}

/// The `<svg id=ID>` of a page and the indices of its direct `<g>` children.
fn svg(elements: &[Element], id: &str) -> (usize, Vec<usize>) {
    let svgs: Vec<usize> = indices(elements, "svg")
        .into_iter()
        .filter(|i| elements[*i].attrs.get("id").map(String::as_str) == Some(id))
        .collect();
    assert_eq!(svgs.len(), 1, "one <svg id={id:?}>");
    let index = svgs[0];
    let groups = (0..elements.len())
        .filter(|i| elements[*i].parent == Some(index) && elements[*i].name == "g")
        .collect();
    (index, groups)
}

/// The polylines of the trend chart, in order.
fn polylines(elements: &[Element]) -> Vec<&Element> {
    let (trend, _) = svg(elements, "trend");
    children(elements, trend, "polyline")
}

fn number(text: &str) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("{text:?} is not a number"))
}

#[test]
fn html_page_structure_and_embedded_figures() {
    let store = fixture();
    let html = run_report(&store, NOW, &period(&["--format", "html"])).stdout;
    let elements = parse_html(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));

    // One page: html > head + body, a title, UTF-8, nothing fetched.
    assert_eq!(named(&elements, "html").len(), 1);
    assert_eq!(named(&elements, "head").len(), 1);
    assert_eq!(named(&elements, "body").len(), 1);
    assert_eq!(named(&elements, "title")[0].text, "Support report");
    assert_eq!(named(&elements, "meta")[0].attr("charset"), "utf-8");
    for tag in ["script", "link", "img", "iframe", "object", "embed"] {
        assert!(
            named(&elements, tag).is_empty(),
            "<{tag}> in a self-contained page"
        );
    }
    for element in &elements {
        for (name, value) in &element.attrs {
            assert!(name != "src" && name != "href", "{element:?}");
            if name != "xmlns" {
                assert!(!value.contains("http"), "{element:?}");
            }
        }
    }
    assert!(
        !html.contains("url(") && !html.contains("@import"),
        "{html}"
    );
    // A chart per clock the policy keeps (the default policy has no
    // next-response clock), the escalation outcomes and the trend, each with
    // a title and a description for those who cannot see it.
    let mut expected_svgs: Vec<String> = cases::clock::ClockKind::ALL
        .iter()
        .filter(|clock| **clock != cases::clock::ClockKind::NextResponse)
        .map(|clock| format!("attainment-{}", clock.as_str()))
        .collect();
    expected_svgs.extend(["outcomes-chart".to_string(), "trend".to_string()]);
    let svgs: Vec<&str> = named(&elements, "svg")
        .iter()
        .map(|s| s.attr("id"))
        .collect();
    assert_eq!(svgs, expected_svgs);
    for svg in named(&elements, "svg") {
        assert_eq!(svg.ancestors, ["html", "body", "main", "section", "figure"]);
        assert_eq!(svg.attr("xmlns"), "http://www.w3.org/2000/svg");
        assert_eq!(svg.attr("role"), "img");
        let id = svg.attr("id");
        assert_eq!(svg.attr("aria-labelledby"), format!("{id}-title {id}-desc"));
    }
    // Every colour drawn has a legend entry.
    let legend: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "li" && e.attrs.contains_key("data-class"))
        .map(|e| e.attr("data-class"))
        .collect();
    for drawn in elements.iter().filter(|e| {
        ["rect", "polyline", "circle"].contains(&e.name.as_str())
            && e.ancestors.contains(&"svg".to_string())
    }) {
        assert!(
            legend.contains(&drawn.attr("class")),
            "no legend for {drawn:?}"
        );
    }

    // The period, with its zone; the headline figure of each clock.
    let subtitle = elements
        .iter()
        .find(|e| e.attrs.get("class").map(String::as_str) == Some("subtitle"))
        .expect("a subtitle");
    assert_eq!(
        subtitle.inner_text,
        "From 2026-11-02 00:00 UTC to 2026-11-29 23:59:59 UTC"
    );
    let card = |id: &str| {
        elements
            .iter()
            .find(|e| e.name == "li" && e.attrs.get("id").map(String::as_str) == Some(id))
            .unwrap_or_else(|| panic!("no card {id}"))
            .inner_text
            .clone()
    };
    assert_eq!(
        card("attainment-initial-response"),
        "60.0% initial-response attainment (6 met of 10 decided)"
    );
    assert_eq!(card("opened"), "12 cases opened");
    assert_eq!(
        card("closed"),
        "4 cases closed (3 confirmed, 1 no response)"
    );
    assert_eq!(card("backlog"), "9 open cases at the end");

    // The figures table.
    let figures_table = elements
        .iter()
        .position(|e| e.attrs.get("id").map(String::as_str) == Some("figures"))
        .expect("table#figures");
    let figures: Vec<(String, String)> = indices(&elements, "tr")
        .into_iter()
        .filter(|tr| {
            elements[*tr]
                .ancestors
                .ends_with(&["table".into(), "tbody".into()])
        })
        .filter(|tr| elements[*tr].parent.and_then(|p| elements[p].parent) == Some(figures_table))
        .map(|tr| {
            let (th, td) = (children(&elements, tr, "th"), children(&elements, tr, "td"));
            assert_eq!((th.len(), td.len()), (1, 1), "{:?}", elements[tr]);
            (th[0].text.clone(), td[0].text.clone())
        })
        .collect();
    assert_eq!(figures.len(), 8, "{figures:?}");
    for (label, value) in [
        ("opened", "12"),
        ("closed", "4 (customer-confirmed 3, no-response 1)"),
        ("reopened", "1"),
        ("escalated", "3"),
        (
            "backlog",
            "9 (new 3, open 4, waiting-on-customer 1, waiting-on-fix 1)",
        ),
        (
            "first response",
            "8 measured; business time median 1h40m, p90 5h; wall time median 2h, p90 2d14h",
        ),
    ] {
        assert!(
            figures.contains(&(label.to_string(), value.to_string())),
            "no {label}: {value} in {figures:?}"
        );
    }

    // Attainment per severity x plan: the total, then one bar per group of
    // the initial-response clock, as worked out for the JSON report.
    let (_, bars) = svg(&elements, "attainment-initial-response");
    let expected = [
        (None, 6, 4, "60.0", "60.0%"),
        (Some(("1", "plus")), 0, 0, "none", "-"),
        (Some(("1", "premium")), 0, 1, "0.0", "0.0%"),
        (Some(("2", "basic")), 1, 0, "100.0", "100.0%"),
        (Some(("2", "plus")), 2, 0, "100.0", "100.0%"),
        (Some(("2", "premium")), 0, 1, "0.0", "0.0%"),
        (Some(("3", "basic")), 1, 1, "50.0", "50.0%"),
        (Some(("3", "plus")), 0, 1, "0.0", "0.0%"),
        (Some(("3", "premium")), 1, 0, "100.0", "100.0%"),
        (Some(("4", "plus")), 1, 0, "100.0", "100.0%"),
        (Some(("4", "premium")), 0, 0, "none", "-"),
    ];
    assert_eq!(bars.len(), expected.len());
    let mut ys = Vec::new();
    for (&index, (group, met, breached, attainment, label)) in bars.iter().zip(expected) {
        let bar = &elements[index];
        assert_eq!(bar.attr("class"), "bar");
        assert_eq!(bar.attr("data-clock"), "initial-response");
        let texts = children(&elements, index, "text");
        assert_eq!(texts.len(), 2, "{bar:?}");
        match group {
            Some((severity, plan)) => {
                assert_eq!(bar.attr("data-severity"), severity);
                assert_eq!(bar.attr("data-plan"), plan);
                assert_eq!(texts[0].text, format!("sev{severity} {plan}"));
            }
            None => {
                assert!(!bar.attrs.contains_key("data-severity"), "{bar:?}");
                assert_eq!(texts[0].text, "all");
            }
        }
        assert_eq!(bar.attr("data-met"), met.to_string());
        assert_eq!(bar.attr("data-breached"), breached.to_string());
        assert_eq!(bar.attr("data-attainment"), attainment);
        // The label says how many decided clocks the share is of.
        let decided = met + breached;
        let expected_label = if decided == 0 {
            label.to_string()
        } else {
            format!("{label} of {decided}")
        };
        assert_eq!(texts[1].text, expected_label);
        // The met rect's length is the attainment's share of the 360 px
        // track (drawn over the full breached track).
        let rects = children(&elements, index, "rect");
        let met_rect = rects
            .iter()
            .find(|r| r.attr("class") == "met")
            .expect("met rect");
        // The track is red where clocks were breached; grey when nothing
        // was decided (not a 0% bar).
        let track_class = if met + breached == 0 {
            "undecided"
        } else {
            "breached"
        };
        let track = rects
            .iter()
            .find(|r| r.attr("class") == track_class)
            .expect("track rect");
        let share = if met + breached == 0 {
            0.0
        } else {
            360.0 * met as f64 / (met + breached) as f64
        };
        assert!(
            (number(met_rect.attr("width")) - share).abs() < 0.05,
            "{bar:?}"
        );
        assert_eq!(number(track.attr("width")), 360.0);
        assert_eq!(met_rect.attr("y"), track.attr("y"));
        ys.push(number(met_rect.attr("y")));
    }
    assert!(
        ys.windows(2).all(|w| w[0] + 16.0 <= w[1]),
        "bars overlap: {ys:?}"
    );

    // The weekly trend: three lines, one point per week, as in the JSON.
    let lines = polylines(&elements);
    let classes: Vec<&str> = lines.iter().map(|l| l.attr("class")).collect();
    assert_eq!(classes, ["opened", "backlog", "breaches"]);
    let values: Vec<&str> = lines.iter().map(|l| l.attr("data-values")).collect();
    assert_eq!(values, ["3,2,4,3", "3,3,7,9", "1,3,2,1"]);
    // One scale for all three, of round numbers: the peak (9) under the
    // top tick (10), 0 on the axis (y 212), 200 px high.
    let top = 10.0;
    for line in &lines {
        let points: Vec<(f64, f64)> = line
            .attr("points")
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').expect("x,y");
                (number(x), number(y))
            })
            .collect();
        let values: Vec<f64> = line.attr("data-values").split(',').map(number).collect();
        assert_eq!(points.len(), 4, "{line:?}");
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0), "{line:?}");
        for ((_, y), v) in points.iter().zip(values) {
            let expected = 212.0 - v / top * 200.0;
            assert!((y - expected).abs() < 0.05, "{line:?}: {y} for {v}");
        }
    }
    // Axis labels: every tick of the y axis, every week on the x axis, and
    // what each axis measures.
    let texts = children(&elements, svg(&elements, "trend").0, "text");
    let labelled = |class: &str| -> Vec<&str> {
        texts
            .iter()
            .filter(|t| t.attr("class") == class)
            .map(|t| t.text.as_str())
            .collect()
    };
    assert_eq!(labelled("y-tick"), ["0", "2", "4", "6", "8", "10"]);
    assert_eq!(
        labelled("x-tick"),
        ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    );
    assert_eq!(
        labelled("axis-title"),
        ["cases or clocks", "week starting (Monday, UTC)"]
    );
}

#[test]
fn html_bar_with_nothing_decided_is_not_drawn_as_breached() {
    // 1012 (sev1 plus) is waiting and 1013 (sev4 premium) running: nothing
    // breached, so no red may show; the bar reads "-" and has no
    // attainment, not 0%.
    let store = fixture();
    let html = run_report(&store, NOW, &period(&["--format", "html"])).stdout;
    let elements = parse_html(&html).unwrap_or_else(|e| panic!("{e}\n{html}"));
    let (_, bars) = svg(&elements, "attainment-initial-response");
    for index in bars {
        let bar = &elements[index];
        let rects = children(&elements, index, "rect");
        let red: f64 = rects
            .iter()
            .filter(|r| r.attr("class") == "breached")
            .map(|r| number(r.attr("width")))
            .sum::<f64>()
            - rects
                .iter()
                .filter(|r| r.attr("class") == "met")
                .map(|r| number(r.attr("width")))
                .sum::<f64>();
        let (met, breached) = (
            number(bar.attr("data-met")),
            number(bar.attr("data-breached")),
        );
        let expected = if met + breached == 0.0 {
            0.0
        } else {
            360.0 * breached / (met + breached)
        };
        assert!((red - expected).abs() < 0.05, "red {red} px for {bar:?}");
    }
}

#[test]
fn the_html_checker_rejects_broken_pages() {
    let good = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>a>b{}</style></head>\
                <body><svg id=\"x\"><g data-a=\"1\"><rect width=\"2\"/></g></svg></body></html>\n";
    let elements = parse_html(good).expect("a good page");
    assert_eq!(elements[0].name, "html");
    assert_eq!(
        named(&elements, "rect")[0].ancestors,
        ["html", "body", "svg", "g"]
    );
    assert_eq!(named(&elements, "g")[0].attr("data-a"), "1");
    for bad in [
        "<html></html>",                                       // no doctype
        "<!DOCTYPE html><html><body></html>",                  // body never closed
        "<!DOCTYPE html><html><b><i></b></i></html>",          // crossed
        "<!DOCTYPE html><html></html></html>",                 // closes nothing
        "<!DOCTYPE html><html><svg><g></svg></html>",          // g never closed
        "<!DOCTYPE html><html><p a=\"1\" a=\"2\"></p></html>", // attribute twice
        "<!DOCTYPE html><html><p a=1></p></html>",             // unquoted
        "<!DOCTYPE html><html><p>1 > 0</p></html>",            // stray >
        "<!DOCTYPE html><html><p></p></html>trailing",         // text after the end
    ] {
        assert!(parse_html(bad).is_err(), "accepted {bad:?}");
    }
}

/// An outcome added to the policy's `closing_outcomes` is reported like the
/// built-in ones, in the policy's order, in every format (it used to be
/// missing: the report listed a fixed five).
#[test]
fn an_outcome_added_to_the_policy_is_reported() {
    let policy = crate::common::DEFAULT_POLICY.replace(
        "closing_outcomes: [root-cause, timeline, permanent-fix]",
        "closing_outcomes: [workaround, root-cause, timeline, permanent-fix]",
    );
    assert_ne!(policy, crate::common::DEFAULT_POLICY);
    let store = Env::with_policy(&policy);
    let mut s = Script::new();
    s.open("2026-11-10T03:00:00Z", 1001, "premium", "emea", 1)
        .at(
            "2026-11-10T03:20:00Z",
            &["phone", "1001", "--call", "voicemail"],
        )
        .at("2026-11-10T03:25:00Z", &["assign", "1001", "--to", "alice"])
        .at("2026-11-10T05:00:00Z", &["respond", "1001"])
        .escalate("2026-11-11T10:00:00Z", 1001)
        .at(
            "2026-11-11T11:00:00Z",
            &[
                "escalate",
                "accept",
                "1001",
                "--manager",
                "mia",
                "--update-every",
                "4h",
            ],
        )
        .at(
            "2026-11-11T12:00:00Z",
            &[
                "escalate",
                "close",
                "1001",
                "--outcome",
                "workaround",
                "--summary",
                "a setting avoids it",
            ],
        );
    s.play(&store);
    let json = report_json(&store, NOW, &PERIOD);
    assert_eq!(
        serde_json::to_string(&json["escalation_outcomes"]).unwrap(),
        r#"{"workaround":1,"root-cause":0,"timeline":0,"permanent-fix":0,"declined":0,"de-escalated":0}"#
    );
    run_report(&store, NOW, &PERIOD).stdout_has(
        "escalation outcomes workaround 1, root-cause 0, timeline 0, permanent-fix 0, declined 0, de-escalated 0",
    );
}
