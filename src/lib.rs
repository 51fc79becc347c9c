//! cabrep turns structured YAML into a council's cabinet report — an editable DOCX, a tagged
//! PDF and an accessible HTML page — and assembles the reports of one meeting into an agenda
//! pack.
//!
//! The pipeline, one room per stage, each importing only the rooms below it:
//!
//! | floor | rooms | what they own |
//! |---|---|---|
//! | commands | [`commands`], [`check`] | what each command writes or checks; a build's batch on the worker pool; binding a pack's parts; the live preview (`serve`, `watch`) |
//! | engine | [`engine`], [`jobs`] | set-up shared by a process; the worker pool |
//! | writers | [`render`] | document tree → DOCX, PDF, HTML bytes |
//! | assembly | [`document`] | models + house style → one document tree |
//! | meetings | [`meeting`] | a meeting's items, the public/Part 2 split, the decision record |
//! | loading | [`load`] | read → parse → validate, as located diagnostics |
//! | model | [`model`] | the validated, computed paper |
//! | input | [`input`] | YAML → located raw structs |
//! | ground | [`tree`], [`template`], [`house`], [`merge`], [`escape`], [`diag`], [`output`], [`suggest`] | the document tree (pure data), the template, house-format words, PDFs joined at the object level, markup escaping, diagnostics, atomic files |
//!
//! On the ground floor, [`template`] takes the house style's type from [`tree`] and nothing else
//! of the project; writers ([`render`]) never see the input or
//! the model, and the exempt split happens in [`meeting`], before any writer runs.
#![deny(missing_docs)]

pub mod check;
pub mod commands;
pub mod diag;
pub mod document;
pub mod engine;
pub mod escape;
pub mod house;
pub mod input;
pub mod jobs;
pub mod load;
pub mod meeting;
pub mod merge;
pub mod model;
pub mod output;
pub mod render;
pub mod suggest;
pub mod template;
pub mod tree;

/// A commented starter report (`cabrep new report`); it passes `cabrep check` as written.
pub const STARTER_REPORT: &str = include_str!("../templates/cabinet/starter-report.yaml");
/// A commented starter meeting file (`cabrep new meeting`).
pub const STARTER_MEETING: &str = include_str!("starters/meeting.yaml");
/// A commented previous Forward Plan (`cabrep new forward-plan`), for `forward-plan --previous`.
pub const STARTER_FORWARD_PLAN: &str = include_str!("starters/forward-plan.yaml");
/// A commented missions register (`cabrep new missions`), for a report's `missions:`.
pub const STARTER_MISSIONS: &str = include_str!("starters/missions.yaml");
/// A commented outcome file (`cabrep new outcome`), for `cabrep decisions`.
pub const STARTER_OUTCOME: &str = include_str!("starters/outcome.yaml");
