//! The integration tests, one binary (each binary links the typesetter: one link, not thirteen).
//! A module per feature; `common` holds the shared set-up and is the only module that names the
//! library's paths.
//!
//! Run one feature with `cargo test --release --locked --test it FEATURE::`, e.g. `pack::`.

mod common;

mod accessibility;
mod announce;
mod announce_bound;
mod audit;
mod authoring;
mod binding;
mod bound_alt;
mod cli;
mod council;
mod decisions;
mod diagnostics;
mod external;
mod figures;
mod golden;
mod hostile;
mod hostile_exempt;
mod hostile_readers;
mod hostile_serve;
mod hostile_template;
mod hostile_typeset;
mod house;
mod house_style;
mod html;
mod layout;
mod markdown;
mod meeting_cycle;
mod nothing_dropped;
mod one_run;
mod other_councils;
mod pack;
mod papers;
mod paragraph_numbers;
mod pictures;
mod preview;
mod preview_notify;
mod reference_docx;
mod report;
mod resolutions;
mod schema;
mod screen_reader;
mod template_fields;
