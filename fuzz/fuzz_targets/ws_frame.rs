//! The WebSocket frame decoder takes whatever a client sends: it must never panic, and what
//! it accepts must survive a round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shoptalk_types::frames::ClientFrame;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(frame) = ClientFrame::decode(text) {
        let again = serde_json::to_string(&frame).expect("decoded frames encode");
        assert_eq!(ClientFrame::decode(&again).expect("re-decodes"), frame);
        if let ClientFrame::Send { content, .. } = &frame {
            let _ = content.validate();
            let _ = content.preview();
            let _ = content.to_plain_text();
        }
    }
});
