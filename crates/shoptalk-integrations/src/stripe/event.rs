//! Stripe's Event envelope and the few event types that move a payment. Decoders read only
//! the fields they use and tolerate every other field, since Stripe adds fields without
//! changing the API version.

use serde::Deserialize;
use std::collections::BTreeMap;

/// An Event as Stripe delivers it to a webhook endpoint.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Event {
    /// `evt_…`: the same event redelivered keeps its id.
    pub id: String,
    /// `checkout.session.completed`, `payment_intent.succeeded`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub livemode: Option<bool>,
    pub data: EventData,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EventData {
    /// The object the event is about, decoded by [`Event::payment_signal`] per type.
    pub object: serde_json::Value,
}

/// The parts of a Checkout Session an event carries that say which payment it settles.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckoutSession {
    /// `cs_…`.
    pub id: String,
    /// `paid`, `unpaid` or `no_payment_required`.
    #[serde(default)]
    pub payment_status: Option<String>,
    #[serde(default)]
    pub client_reference_id: Option<String>,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// The parts of a PaymentIntent the `payment_intent.*` events use.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    pub status: String,
    pub amount: i64,
    /// Lower case, e.g. `eur`.
    pub currency: String,
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// What an event says about one of our payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSignal {
    /// Our payment id, from the metadata (or the session's `client_reference_id`).
    pub payment_id: Option<String>,
    /// The Checkout Session id, when the event is about a session.
    pub session_id: Option<String>,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Paid,
    Expired,
}

/// The metadata key the Checkout Session (and its PaymentIntent) carries our payment id in.
pub const PAYMENT_ID_KEY: &str = "payment_id";
/// The metadata key naming the workspace, for people reading the Stripe dashboard.
pub const WORKSPACE_ID_KEY: &str = "workspace_id";

impl Event {
    /// The payment outcome this event reports, if any; `Ok(None)` for event types (or states)
    /// that change nothing. An error means the object does not have the shape its type
    /// promises.
    pub fn payment_signal(&self) -> Result<Option<PaymentSignal>, serde_json::Error> {
        let object = || self.data.object.clone();
        Ok(match self.kind.as_str() {
            // Card payments are paid on completion; delayed methods (bank debits) complete
            // unpaid and report `async_payment_succeeded` later.
            "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
                let session: CheckoutSession = serde_json::from_value(object())?;
                (session.payment_status.as_deref() == Some("paid"))
                    .then(|| session.signal(Outcome::Paid))
            }
            "checkout.session.expired" => {
                let session: CheckoutSession = serde_json::from_value(object())?;
                Some(session.signal(Outcome::Expired))
            }
            "payment_intent.succeeded" => {
                let intent: PaymentIntent = serde_json::from_value(object())?;
                let payment_id = intent.metadata.get(PAYMENT_ID_KEY).cloned();
                (intent.status == "succeeded" && payment_id.is_some()).then_some(PaymentSignal {
                    payment_id,
                    session_id: None,
                    outcome: Outcome::Paid,
                })
            }
            _ => None,
        })
    }
}

impl CheckoutSession {
    fn signal(self, outcome: Outcome) -> PaymentSignal {
        let payment_id = self
            .metadata
            .get(PAYMENT_ID_KEY)
            .cloned()
            .or(self.client_reference_id);
        PaymentSignal {
            payment_id,
            session_id: Some(self.id),
            outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn event(kind: &str, object: serde_json::Value) -> Event {
        serde_json::from_value(json!({
            "id": "evt_1", "object": "event", "type": kind, "data": {"object": object},
            "some_future_field": {"nested": true}
        }))
        .unwrap()
    }

    #[test]
    fn a_completed_paid_session_is_paid_and_names_our_payment() {
        let e = event(
            "checkout.session.completed",
            json!({"id": "cs_1", "object": "checkout.session", "payment_status": "paid",
                   "client_reference_id": "ref", "metadata": {"payment_id": "pay"}}),
        );
        assert_eq!(
            e.payment_signal().unwrap(),
            Some(PaymentSignal {
                payment_id: Some("pay".into()),
                session_id: Some("cs_1".into()),
                outcome: Outcome::Paid
            })
        );
    }

    #[test]
    fn the_client_reference_stands_in_for_missing_metadata() {
        let e = event(
            "checkout.session.expired",
            json!({"id": "cs_1", "payment_status": "unpaid", "client_reference_id": "ref"}),
        );
        let s = e.payment_signal().unwrap().unwrap();
        assert_eq!(
            (s.payment_id.as_deref(), s.outcome),
            (Some("ref"), Outcome::Expired)
        );
    }

    #[test]
    fn unpaid_completions_and_foreign_intents_change_nothing() {
        let unpaid = event(
            "checkout.session.completed",
            json!({"id": "cs_1", "payment_status": "unpaid"}),
        );
        assert_eq!(unpaid.payment_signal().unwrap(), None);
        let foreign = event(
            "payment_intent.succeeded",
            json!({"id": "pi_1", "status": "succeeded", "amount": 1, "currency": "eur", "metadata": {}}),
        );
        assert_eq!(foreign.payment_signal().unwrap(), None);
        let other = event("customer.created", json!({"id": "cus_1"}));
        assert_eq!(other.payment_signal().unwrap(), None);
    }

    #[test]
    fn an_object_without_its_promised_shape_is_an_error() {
        let e = event(
            "checkout.session.completed",
            json!({"payment_status": "paid"}),
        );
        assert!(e.payment_signal().is_err());
    }

    proptest! {
        #[test]
        fn any_body_decodes_or_fails_without_panicking(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(e) = serde_json::from_slice::<Event>(&body) {
                let _ = e.payment_signal();
            }
        }

        #[test]
        fn any_object_under_a_known_type_is_answered_without_panicking(
            kind in prop::sample::select(vec![
                "checkout.session.completed",
                "checkout.session.async_payment_succeeded",
                "checkout.session.expired",
                "payment_intent.succeeded",
            ]),
            id in proptest::option::of("\\PC{0,10}"),
            status in proptest::option::of(prop::sample::select(vec!["paid", "unpaid", "succeeded", "canceled"])),
            metadata in proptest::collection::btree_map("\\PC{0,12}", "\\PC{0,12}", 0..3),
        ) {
            let object = json!({
                "id": id, "payment_status": status, "status": status,
                "amount": 100, "currency": "eur", "metadata": metadata,
            });
            let _ = event(kind, object).payment_signal();
        }
    }
}
