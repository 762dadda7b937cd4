//! The policy file as written: serde structures that mirror `policy.yaml`
//! key for key. Unknown keys are refused here; meaning is checked in
//! [`super::validate`].

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub version: String,
    /// RFC 3339; absent: in force for every case (the first version).
    #[serde(default)]
    pub effective: Option<String>,
    /// The version this one replaced, kept in `policies/<previous>.yaml`.
    #[serde(default)]
    pub previous: Option<String>,
    pub plans: Vec<String>,
    pub severities: Vec<RawSeverity>,
    pub regions: IndexMap<String, RawRegion>,
    #[serde(default)]
    pub holidays: Vec<RawHoliday>,
    pub intake: RawIntake,
    pub escalation: RawEscalation,
    pub auto_close: RawAutoClose,
    pub reopen: RawReopen,
    /// Action (event kind, or `sweep`) -> the staff roles allowed.
    #[serde(default)]
    pub permissions: Option<IndexMap<String, Vec<String>>>,
    /// Absent in policy files written before it existed: the guide's line.
    pub international_phone: Option<String>,
    /// The customer status view (`cases status`, the site's account
    /// pages); absent: off, as in every policy written before it existed.
    #[serde(default)]
    pub customer_status: Option<RawCustomerStatus>,
}

/// `customer_status: {enabled: true}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomerStatus {
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeverity {
    pub level: u8,
    pub name: String,
    pub description: String,
    #[serde(default)]
    pub examples: Vec<String>,
    pub clock: String,
    pub response_starts: String,
    pub response_targets: BTreeMap<String, String>,
    /// Absent in policies without a next-response clock (the default).
    #[serde(default)]
    pub next_response_targets: Option<BTreeMap<String, String>>,
    pub escalation_after: String,
    pub escalation_follow_up_clock: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    pub time_zone: String,
    pub shifts: Vec<RawShift>,
    pub languages: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub days: Vec<String>,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoliday {
    pub name: String,
    pub month: u32,
    pub day: Option<u32>,
    pub weekday: Option<String>,
    pub nth: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIntake {
    pub channels: Vec<String>,
    #[serde(default)]
    pub refused: Vec<String>,
    pub refused_message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub desk: RawDesk,
    pub follow_up: String,
    pub roles: Vec<String>,
    pub closing_outcomes: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesk {
    pub time_zone: String,
    pub shifts: Vec<RawShift>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAutoClose {
    pub follow_ups: u32,
    pub after: String,
    /// Absent in policy files written before it existed: 1 business day.
    pub after_last_follow_up: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReopen {
    pub window: String,
}
