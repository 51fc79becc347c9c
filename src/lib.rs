//! cabrep turns structured YAML into a council's cabinet report — an editable DOCX, a tagged
//! PDF and an accessible HTML page — and assembles the reports of one meeting into an agenda
//! pack.
//!
//! The pipeline, one module per stage:
//! [`input`] (YAML → located raw structs) → [`model`] (validated, computed) → [`document`]
//! (one format-neutral tree, with the house style from [`template`]) → [`render`] (DOCX, PDF,
//! HTML) → [`output`] (atomic, deterministic files).
#![deny(missing_docs)]

pub mod check;
pub mod diag;
pub mod document;
pub mod house;
pub mod input;
pub mod model;
pub mod output;
pub mod pack;
pub mod pipeline;
pub mod render;
pub mod suggest;
pub mod template;
pub mod tree;

/// A commented starter report (`cabrep new report`); it passes `cabrep check` as written.
pub const STARTER_REPORT: &str = include_str!("starters/report.yaml");
/// A commented starter meeting file (`cabrep new meeting`).
pub const STARTER_MEETING: &str = include_str!("starters/meeting.yaml");
/// A commented previous Forward Plan (`cabrep new forward-plan`), for `forward-plan --previous`.
pub const STARTER_FORWARD_PLAN: &str = include_str!("starters/forward-plan.yaml");
/// A commented missions register (`cabrep new missions`), for a report's `missions:`.
pub const STARTER_MISSIONS: &str = include_str!("starters/missions.yaml");
/// A commented outcome file (`cabrep new outcome`), for `cabrep decisions`.
pub const STARTER_OUTCOME: &str = include_str!("starters/outcome.yaml");
