//! Arbitrary bytes → a PDF to bind into a pack (`BoundPdf::from_bytes`: the bounded scan of its
//! streams and syntax, then the PDF reader's parse and its walks of the page tree and structure
//! tree under the caps; seeds in `tests/hostile/readers/`): whatever the bytes, the
//! result is a PDF or a message, never a panic, a hang or runaway memory. A PDF that passes is
//! then read and merged as a typeset part (`merge::inspect_typeset`, `merge::merge`), as a cache
//! entry planted in a typeset part's place would be. The caps are smaller
//! than the defaults so that a bomb is caught well inside the fuzzer's memory limit.
#![no_main]

use std::path::Path;

use cabrep::input::file::Limits;
use cabrep::meeting::BoundPdf;
use cabrep::merge::{self, MergeOptions, Part, PartSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { pdf_decoded_bytes: 32 << 20, pdf_pages: 500, ..Limits::default() };
    match BoundPdf::from_bytes(Path::new("fuzz.pdf"), data.to_vec(), &limits) {
        Ok(pdf) => {
            assert!(pdf.pages() >= 1 && pdf.pages() <= limits.pdf_pages);
            // The same bytes as a part cabrep typeset (a planted cache entry): the quick read,
            // which copies most of its objects as bytes, inspects and merges it, or says why not.
            if let Ok(facts) = merge::inspect_typeset(data) {
                assert!(facts.page_count >= 1);
            }
            let part =
                Part { pdf: data.into(), source: PartSource::Typeset, title: "fuzz".into(), lang: None, nested: false };
            if let Ok(merged) = merge::merge(&[part], &MergeOptions::default()) {
                assert!(merged.page_count >= 1);
            }
        }
        Err(message) => assert!(message.contains("fuzz.pdf"), "{message}"),
    }
});
