//! `cases policy show`: the policy as the guide prints it, in table,
//! Markdown and JSON, with the holidays of a chosen year.

use crate::common::Env;

/// The whole table output for 2027 under the default policy.
const SHOW_2027: &str = "Policy version
 version  effective  previous
-----------------------------
 2026.1   always     -

Case response times
 severity    initial response - basic  initial response - plus  initial response - premium  clock                    starts at
------------------------------------------------------------------------------------------------------------------------------
 1 critical  4h                        2h                       1h                          24x7, holidays included  first phone call
 2 major     8h                        4h                       2h                          region's business hours  opening
 3 minor     12h                       12h                      6h                          region's business hours  opening
 4 request   24h                       24h                      12h                         region's business hours  opening

Contacting support
 region         time zone        hours (local)        hours (UTC)                                   languages  phones
---------------------------------------------------------------------------------------------------------------------
 north-america  America/Toronto  mon-fri 06:00-21:00  11:00-02:00 UTC (EST), 10:00-01:00 UTC (EDT)  en, fr     +1.866.266.1583 or +1.418.266.1583
 emea           Etc/GMT          mon-fri 11:00-02:00  11:00-02:00 UTC (GMT)                         en, fr     00800 5008 0900

Holidays 2027 (business calendars; not 24x7)
 date        day  holiday
-------------------------
 2027-01-01  Fri  New Year's Day
 2027-09-06  Mon  Labour Day
 2027-12-25  Sat  Christmas Day

Case escalation
 severity    allowed after    manager follow-up
-----------------------------------------------
 1 critical  1d               1h (24x7)
 2 major     2 business days  1h of desk hours
 3 minor     5 business days  1h of desk hours
 4 request   not eligible     -

Rules
 rule                               value
-----------------------------------------
 escalation desk                    mon-fri 08:00-17:00 America/Toronto (13:00-22:00 UTC (EST), 12:00-21:00 UTC (EDT))
 who may request an escalation      primary-contact, administrator, developer, partner, entitled-community-user, customer-success-manager, customer-manager, support-manager, product-specialist
 outcomes that close an escalation  root-cause, timeline, permanent-fix
 intake channels                    community, phone
 refused channels                   email
 auto-close (no response)           after 2 follow-ups and 4 business days waiting on the customer
 reopen window                      30d after closing
 customer status view               on (cases status --account NAME, a page per account in cases site)

Who may do what
 action                roles allowed (with a roster, team.yaml)
---------------------------------------------------------------
 created               product-specialist, support-manager
 phone-contact         product-specialist, support-manager
 assigned              product-specialist, support-manager
 responded             product-specialist, support-manager
 note                  product-specialist, support-manager, customer-success-manager, customer-manager, development
 info-requested        product-specialist, support-manager
 follow-up             product-specialist, support-manager
 customer-replied      product-specialist, support-manager
 severity-changed      product-specialist, support-manager
 fix-requested         product-specialist, support-manager
 fix-available         product-specialist, support-manager
 closed                product-specialist, support-manager
 reopened              product-specialist, support-manager
 contact-added         product-specialist, support-manager
 contact-removed       product-specialist, support-manager
 escalation-requested  product-specialist, support-manager, customer-success-manager, customer-manager
 escalation-reviewed   support-manager
 escalation-accepted   support-manager
 escalation-declined   support-manager
 escalation-update     support-manager
 escalation-closed     support-manager
 de-escalated          support-manager
 edited                product-specialist, support-manager
 renumbered            product-specialist, support-manager
 label-added           product-specialist, support-manager
 label-removed         product-specialist, support-manager
 sweep                 support-manager, automation
";

#[test]
fn the_table_prints_targets_hours_in_local_time_and_utc_holidays_and_roles() {
    let env = Env::new();
    env.run(&["policy", "show", "--year", "2027"])
        .ok()
        .stdout_is(SHOW_2027);
    // The year defaults to that of --now: 2026's Labour Day is Sep 7.
    env.run(&["policy", "show"])
        .ok()
        .stdout_has("Holidays 2026 (business calendars; not 24x7)\n date        day  holiday\n-------------------------\n 2026-01-01  Thu  New Year's Day\n 2026-09-07  Mon  Labour Day\n 2026-12-25  Fri  Christmas Day\n");
}

#[test]
fn markdown_and_json_carry_the_same_policy() {
    let env = Env::new();
    env.run(&["policy", "show", "--format", "markdown", "--year", "2027"])
        .ok()
        .stdout_has("## Case response times\n\n| severity | initial response - basic | initial response - plus | initial response - premium | clock | starts at |\n|---|---|---|---|---|---|\n| 1 critical | 4h | 2h | 1h | 24x7, holidays included | first phone call |\n")
        .stdout_has("| north-america | America/Toronto | mon-fri 06:00-21:00 | 11:00-02:00 UTC (EST), 10:00-01:00 UTC (EDT) | en, fr | +1.866.266.1583 or +1.418.266.1583 |\n");
    let json = env
        .run(&["policy", "show", "--format", "json", "--year", "2027"])
        .ok()
        .json();
    assert_eq!(json["version"], "2026.1");
    assert_eq!(
        json["severities"][1]["response_targets"][2],
        serde_json::json!({"plan": "premium", "target": "2h", "target_seconds": 7200})
    );
    assert_eq!(
        json["regions"][1]["hours"],
        serde_json::json!([{"local": "mon-fri 11:00-02:00", "utc": "11:00-02:00 UTC (GMT)"}])
    );
    assert_eq!(
        json["holidays"],
        serde_json::json!({"year": 2027, "dates": [
            {"date": "2027-01-01", "name": "New Year's Day"},
            {"date": "2027-09-06", "name": "Labour Day"},
            {"date": "2027-12-25", "name": "Christmas Day"}]})
    );
    assert_eq!(json["escalation"]["follow_up_seconds"], 3600);
    assert_eq!(
        json["customer_status"],
        serde_json::json!({"enabled": true})
    );
    assert_eq!(
        json["permissions"][17],
        serde_json::json!({"action": "escalation-accepted", "roles": ["support-manager"]})
    );
    env.run(&["policy", "show", "--format", "csv"])
        .code(2)
        .stderr_is("cases: error: --format csv is not available for cases policy (allowed: table, json, markdown)\n");
}

#[test]
fn the_customer_status_switch_is_shown_off_when_the_policy_leaves_it_out() {
    let env = Env::with_policy(
        &crate::common::DEFAULT_POLICY.replace("customer_status:\n  enabled: true\n", ""),
    );
    env.run(&["policy", "show"])
        .ok()
        .stdout_has(" customer status view               off (turn it on with customer_status: {enabled: true})\n");
    env.run(&["policy", "show", "--format", "markdown"])
        .ok()
        .stdout_has(
            "| customer status view | off (turn it on with customer_status: {enabled: true}) |\n",
        );
    let json = env.run(&["policy", "show", "--format", "json"]).ok().json();
    assert_eq!(
        json["customer_status"],
        serde_json::json!({"enabled": false})
    );
}

#[test]
fn an_earlier_version_can_be_shown() {
    let env = Env::new();
    env.run(&[
        "policy",
        "new-version",
        "2027.1",
        "--effective",
        "2027-01-01T05:00:00Z",
    ])
    .ok();
    env.replace("policy.yaml", "premium: 2h}", "premium: 6h}");
    let current = env.run(&["policy", "show", "--format", "json"]).ok().json();
    assert_eq!(
        current["severities"][1]["response_targets"][2]["target"],
        "6h"
    );
    assert_eq!(current["previous"], "2026.1");
    assert_eq!(current["effective"], "2027-01-01T05:00:00Z");
    let old = env
        .run(&["policy", "show", "--version", "2026.1", "--format", "json"])
        .ok()
        .json();
    assert_eq!(old["severities"][1]["response_targets"][2]["target"], "2h");
    env.run(&["policy", "show", "--version", "2020.1"]).code(4).stderr_is(
        "cases: error: policy version \"2020.1\", which is not available: policies/2020.1.yaml does not exist (earlier versions are kept beside policy.yaml in policies/<version>.yaml; restore it from git)\n",
    );
}
