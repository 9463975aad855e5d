//! Stripe's own examples (the API reference's Event and PaymentIntent objects, kept in the
//! shared data folder) decoded field by field: our decoders read real payloads, not only the
//! ones our tests write.

use serde_json::Value;
use shoptalk_integrations::stripe::event::PaymentIntent;
use shoptalk_integrations::stripe::{Event, Outcome, PaymentSignal};
use std::path::PathBuf;

/// The folder of third-party samples, or `None` (the test passes vacuously) when it is not
/// there, unless `SHOPTALK_REQUIRE_SHARED_DATA=1` demands it.
fn stripe_samples() -> Option<PathBuf> {
    let root = std::env::var_os("SHOPTALK_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = root.join("webhooks/stripe");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("SHOPTALK_REQUIRE_SHARED_DATA").as_deref() != Ok("1"),
        "shared data required but missing at {}",
        dir.display()
    );
    None
}

fn sample(dir: &std::path::Path, name: &str) -> Value {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn the_reference_event_envelope_decodes_and_moves_nothing() {
    let Some(dir) = stripe_samples() else { return };
    let raw = sample(&dir, "stripe_event_setup_intent_created_api_reference.json");
    let event: Event = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(event.id, "evt_1NG8Du2eZvKYlo2CUI79vXWy");
    assert_eq!(event.kind, "setup_intent.created");
    assert_eq!(event.created, Some(1_686_089_970));
    assert_eq!(event.livemode, Some(false));
    assert_eq!(event.data.object, raw["data"]["object"]);
    assert_eq!(event.data.object["id"], "seti_1NG8Du2eZvKYlo2C9XMqbR0x");
    assert_eq!(event.payment_signal().unwrap(), None);
}

/// The reference PaymentIntent as `data.object` of a `payment_intent.succeeded` event, the way
/// Stripe delivers it, with the status and metadata a payment of ours has.
fn succeeded_event(envelope: &Value, intent: &Value, payment_id: &str) -> Value {
    let mut intent = intent.clone();
    intent["status"] = "succeeded".into();
    intent["amount_received"] = intent["amount"].clone();
    intent["metadata"] = serde_json::json!({"payment_id": payment_id, "workspace_id": "w"});
    let mut event = envelope.clone();
    event["id"] = "evt_3MtwBwLkdIwHu7ix0snN0B15".into();
    event["type"] = "payment_intent.succeeded".into();
    event["data"] = serde_json::json!({"object": intent});
    event
}

#[test]
fn the_reference_payment_intent_decodes_field_by_field() {
    let Some(dir) = stripe_samples() else { return };
    let raw = sample(&dir, "stripe_payment_intent_object_api_reference.json");
    let intent: PaymentIntent = serde_json::from_value(raw).unwrap();
    assert_eq!(intent.id, "pi_3MtwBwLkdIwHu7ix28a3tqPa");
    assert_eq!(intent.amount, 2000);
    assert_eq!(intent.currency, "usd");
    assert_eq!(intent.status, "requires_payment_method");
    assert!(intent.metadata.is_empty());
}

#[test]
fn a_succeeded_event_around_the_reference_intent_pays_our_payment() {
    let Some(dir) = stripe_samples() else { return };
    let envelope = sample(&dir, "stripe_event_setup_intent_created_api_reference.json");
    let intent = sample(&dir, "stripe_payment_intent_object_api_reference.json");
    let body = serde_json::to_vec(&succeeded_event(&envelope, &intent, "pay_42")).unwrap();

    let event: Event = serde_json::from_slice(&body).unwrap();
    assert_eq!(event.kind, "payment_intent.succeeded");
    let decoded: PaymentIntent = serde_json::from_value(event.data.object.clone()).unwrap();
    assert_eq!(
        (decoded.id.as_str(), decoded.amount, decoded.status.as_str()),
        ("pi_3MtwBwLkdIwHu7ix28a3tqPa", 2000, "succeeded")
    );
    assert_eq!(
        event.payment_signal().unwrap(),
        Some(PaymentSignal {
            payment_id: Some("pay_42".into()),
            session_id: None,
            outcome: Outcome::Paid,
        })
    );
}

#[test]
fn the_reference_intent_unpaid_under_a_succeeded_type_pays_nothing() {
    let Some(dir) = stripe_samples() else { return };
    let envelope = sample(&dir, "stripe_event_setup_intent_created_api_reference.json");
    let mut intent = sample(&dir, "stripe_payment_intent_object_api_reference.json");
    intent["metadata"] = serde_json::json!({"payment_id": "pay_42"});
    let mut event = envelope.clone();
    event["type"] = "payment_intent.succeeded".into();
    event["data"] = serde_json::json!({"object": intent});
    let event: Event = serde_json::from_value(event).unwrap();
    assert_eq!(event.payment_signal().unwrap(), None);
}
