//! Reading input files: bytes → text → typed structs, with every error located
//! (file, line, column, field path). Hostile input (huge, non-UTF-8, alias bombs, deep nesting)
//! is refused with a located error, never a panic.
//!
//! The front door: [`SourceFile`] (in `source`) reads a file and parses it; below it, `explain`
//! turns the YAML parser's errors into the author's terms and `syntax` holds the heuristics that
//! find the line at fault in a malformed file (tabs, stray colons, unclosed quotes and brackets).
//! `file` is the one reader every input goes through, template folders (`template_folder`)
//! included.

pub mod file;
pub mod locate;
pub mod paper_fields;
pub mod picture;
pub mod scale;
pub mod shapes;
mod source;
pub mod template_folder;
pub mod types;

pub use locate::{Locator, NodeKind, Position};
pub use scale::Scale;
pub use source::{InputKind, SourceFile, MAX_INPUT_BYTES};
