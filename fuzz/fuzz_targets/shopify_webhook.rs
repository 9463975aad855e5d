//! Shopify webhook bodies from any bytes, for every topic: decoding never panics, a refusal
//! names a field, and the signature check never panics on any header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shoptalk_integrations::shopify::signature::{sign, verify};
use shoptalk_integrations::shopify::{Context, Topic, decode};

fuzz_target!(|data: &[u8]| {
    let ctx = Context {
        shop_domain: "fuzz.myshopify.com".into(),
        currency: "USD".into(),
    };
    for topic in Topic::ALL {
        if let Err(e) = decode(topic, data, &ctx) {
            assert!(!e.field.is_empty());
        }
    }
    let header = String::from_utf8_lossy(data);
    let _ = verify("secret", data, &header);
    assert!(verify("secret", data, &sign("secret", data)));
});
