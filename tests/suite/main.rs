//! The integration test suite: one binary, one module per feature (linking
//! one binary instead of one per file is most of a cold `cargo test`).
//! Each module runs the real `cases` binary (or the library) against a
//! temporary store; `common` is the shared harness.

mod common;

mod bad_input;
mod calendar;
mod check;
mod contract;
mod discovery;
mod edit;
mod escalation;
mod exchange;
mod filters;
mod git;
mod hardening;
mod help;
mod hostile;
mod labels;
mod lifecycle;
mod new_show_list;
mod next_response;
mod outputs;
mod policy_show;
mod policy_versions;
mod queue;
mod recipes;
mod reliability;
mod report;
mod schemas;
mod site;
mod sla_cli;
mod sla_properties;
mod sla_rules;
mod status;
mod store_format;
mod sweep;
mod tables;
mod team;
mod text_input;
mod zones;
