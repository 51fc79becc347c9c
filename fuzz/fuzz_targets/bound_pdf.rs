//! Arbitrary bytes → a PDF to bind into a pack (`BoundPdf::from_bytes`: the bounded scan of its
//! streams and syntax, then the PDF reader's parse and its walks of the page tree and structure
//! tree under the caps; seeds in `tests/hostile/readers/`): whatever the bytes, the
//! result is a PDF or a message, never a panic, a hang or runaway memory. The caps are smaller
//! than the defaults so that a bomb is caught well inside the fuzzer's memory limit.
#![no_main]

use std::path::Path;

use cabrep::input::file::Limits;
use cabrep::meeting::BoundPdf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { pdf_decoded_bytes: 32 << 20, pdf_pages: 500, ..Limits::default() };
    match BoundPdf::from_bytes(Path::new("fuzz.pdf"), data.to_vec(), &limits) {
        Ok(pdf) => assert!(pdf.pages() >= 1 && pdf.pages() <= limits.pdf_pages),
        Err(message) => assert!(message.contains("fuzz.pdf"), "{message}"),
    }
});
