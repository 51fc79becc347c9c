//! Assembly: turns validated models (a report, a meeting's packs, a decision record, a Forward
//! Plan) and the template's house style into the one document tree of [`crate::tree`]. It decides
//! every number and word a writer prints; it never reads YAML and never writes bytes.

pub mod assemble;
pub mod decisions;
pub mod forward_plan;
pub mod front_sheet;
pub mod pack;
mod relink;
mod shell;
