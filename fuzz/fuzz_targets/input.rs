//! Arbitrary bytes → `SourceFile` → `ReportFile` → validation: whatever the input, reading it
//! must end in a value or a located diagnostic, never a panic, a hang or runaway memory.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cabrep::input::types::ReportFile;
use cabrep::input::SourceFile;
use cabrep::model::{validate_report, Rules};
use cabrep::template::Template;
use libfuzzer_sys::fuzz_target;

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| Rules::from_template(&Template::builtin().expect("built-in template")))
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = SourceFile::from_bytes("fuzz.yaml".into(), PathBuf::from("fuzz.yaml"), data.to_vec()) else {
        return;
    };
    let located = |d: &cabrep::diag::Diagnostic| {
        assert!(d.line >= 1 && d.column >= 1, "diagnostic without a position: {d:?}");
        // The headline is what editors parse; building it must not panic either.
        let _ = d.headline();
    };
    let file: ReportFile = match source.parse() {
        Ok(f) => f,
        Err(d) => {
            located(&d);
            return;
        }
    };
    let validated = validate_report(&file, None, rules(), Path::new("."), None);
    for p in validated.problems {
        located(&source.locate(p));
    }
});
