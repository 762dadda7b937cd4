//! `cases`: support-case management as code.
//!
//! The pure domain — [`calendar`] (business time), [`case`] (model and state
//! machine) and [`clock`] (SLA clocks and gates) and
//! [`escalation`] and [`rules`] (every "may this happen now" gate) and
//! [`customer_status`] (what a customer may see) — takes "now" as a parameter
//! and never touches the file system. [`policy`] loads and validates
//! `policy.yaml`; [`store`] owns the case files (paths, canonical YAML,
//! atomic writes, locking); [`site`] renders the dashboard (pages as
//! bytes, no I/O); [`cli`] is the command line at the edge.

#![forbid(unsafe_code)]

pub mod calendar;
pub mod case;
pub mod cli;
pub mod clock;
pub mod customer_status;
pub mod duration;
pub mod escalation;
pub mod gitops;
pub mod hint;
pub mod merge;
pub mod policy;
pub mod report;
pub mod rules;
pub mod site;
pub mod source_map;
pub mod store;
pub mod team;
