//! Message content from any source: decoding, validation and rendering never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shoptalk_types::Content;

fuzz_target!(|data: &[u8]| {
    if let Ok(content) = serde_json::from_slice::<Content>(data) {
        let _ = content.validate();
        assert!(content.preview().chars().count() <= 140);
        let _ = content.to_plain_text();
    }
});
