//! Adapters to outside commerce systems, built from their published formats: Shopify
//! (verified webhooks in, Admin API calls out) and Stripe (Checkout Sessions, signed webhooks).
//! No HTTP server here: `shoptalk-http` routes deliveries to these decoders.

pub mod shopify;
pub mod stripe;
