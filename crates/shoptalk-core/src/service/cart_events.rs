//! Behaviour events that move the contact's cart, for shops whose storefront reports what
//! happens there: `added_to_cart` / `removed_from_cart` (`{product_id, variant_id?,
//! quantity?}`), `checkout_started` (`{checkout_url}`), `order_placed` (`{order_id?}`).
//! The events are stored like any other first; an event naming something unknown changes no
//! cart. Each event id moves a cart at most once, so retried calls are harmless.

use super::App;
use super::cart_rules::LineChange;
use super::commerce_input::web_url;
use super::commerce_notify::log_failure;
use crate::error::DomainResult;
use serde_json::{Map, Value};
use shoptalk_types::commerce::CartStatus;
use shoptalk_types::content::limits::CART_QUANTITY_MAX;
use shoptalk_types::ids::*;
use shoptalk_types::model::ContactEvent;

/// The source under which applied event ids are remembered.
const APPLIED_EVENTS: &str = "contact_event.cart";

/// A behaviour event that moves a cart, decoded from its properties.
#[derive(Debug, Clone, PartialEq)]
enum CartEvent {
    Added {
        product_id: ProductId,
        variant_id: Option<String>,
        quantity: u32,
    },
    Removed {
        product_id: ProductId,
        variant_id: Option<String>,
        /// Absent: the whole line.
        quantity: Option<u32>,
    },
    CheckoutStarted {
        checkout_url: String,
    },
    OrderPlaced {
        order_id: Option<String>,
    },
}

/// `None` for events that do not concern carts; `Some(Err(why))` for cart events whose
/// properties are not usable.
fn decode(
    name: &str,
    properties: Option<&Map<String, Value>>,
) -> Option<Result<CartEvent, String>> {
    let empty = Map::new();
    let p = properties.unwrap_or(&empty);
    let decoded = match name {
        "added_to_cart" => product(p).and_then(|(product_id, variant_id)| {
            Ok(CartEvent::Added {
                product_id,
                variant_id,
                quantity: quantity(p)?.unwrap_or(1),
            })
        }),
        "removed_from_cart" => product(p).and_then(|(product_id, variant_id)| {
            Ok(CartEvent::Removed {
                product_id,
                variant_id,
                quantity: quantity(p)?,
            })
        }),
        "checkout_started" => match p.get("checkout_url") {
            Some(Value::String(url)) => Ok(CartEvent::CheckoutStarted {
                checkout_url: url.clone(),
            }),
            _ => Err("checkout_url must be a string".to_owned()),
        },
        "order_placed" => match p.get("order_id") {
            None | Some(Value::Null) => Ok(CartEvent::OrderPlaced { order_id: None }),
            Some(Value::String(id)) => Ok(CartEvent::OrderPlaced {
                order_id: Some(id.clone()),
            }),
            Some(_) => Err("order_id must be a string".to_owned()),
        },
        _ => return None,
    };
    Some(decoded)
}

fn product(p: &Map<String, Value>) -> Result<(ProductId, Option<String>), String> {
    let product_id = match p.get("product_id") {
        Some(Value::String(s)) => s.parse().map_err(|_| "product_id is not a product id")?,
        _ => return Err("product_id must be a string".to_owned()),
    };
    let variant_id = match p.get("variant_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("variant_id must be a string".to_owned()),
    };
    Ok((product_id, variant_id))
}

fn quantity(p: &Map<String, Value>) -> Result<Option<u32>, String> {
    match p.get("quantity") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .filter(|q| (1..=u64::from(CART_QUANTITY_MAX)).contains(q))
            .map(|q| Some(q as u32))
            .ok_or_else(|| "quantity must be a whole number from 1 to 999".to_owned()),
    }
}

impl App {
    /// Moves carts by the cart events among `events` (already stored). Problems are logged:
    /// the events stand whatever their effect on carts.
    pub(super) async fn apply_cart_events(&self, ws: WorkspaceId, events: &[ContactEvent]) {
        for event in events {
            let decoded = match decode(&event.name, event.properties.as_ref()) {
                None => continue,
                Some(Ok(decoded)) => decoded,
                Some(Err(why)) => {
                    tracing::debug!(event = %event.id, %why, "cart event ignored");
                    continue;
                }
            };
            match self.store.mark_inbound(ws, APPLIED_EVENTS, &event.id).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "cart event not applied");
                    continue;
                }
            }
            log_failure(
                "applying a cart event",
                self.apply_cart_event(ws, event.contact_id, decoded).await,
            );
        }
    }

    async fn apply_cart_event(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        event: CartEvent,
    ) -> DomainResult<()> {
        match event {
            CartEvent::Added {
                product_id,
                variant_id,
                quantity,
            } => {
                let change = LineChange::Add(quantity);
                self.change_cart_line(ws, contact, product_id, variant_id.as_deref(), change)
                    .await?;
            }
            CartEvent::Removed {
                product_id,
                variant_id,
                quantity,
            } => {
                let change = LineChange::Remove(quantity);
                self.change_cart_line(ws, contact, product_id, variant_id.as_deref(), change)
                    .await?;
            }
            CartEvent::CheckoutStarted { checkout_url } => {
                let url = web_url("checkout_url", &checkout_url)?;
                self.update_open_cart(ws, contact, |cart| {
                    cart.checkout_url = Some(url.clone());
                })
                .await?;
            }
            CartEvent::OrderPlaced { order_id } => {
                // The shop's own order id, or one of ours when it placed the order here.
                let ours = match order_id.and_then(|id| id.parse::<OrderId>().ok()) {
                    Some(id) => (self.store.order(ws, id).await?)
                        .filter(|o| o.contact_id == contact)
                        .map(|o| o.id),
                    None => None,
                };
                self.update_open_cart(ws, contact, |cart| {
                    cart.status = CartStatus::Converted;
                    cart.order_id = ours;
                })
                .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn props(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn cart_events_are_decoded() {
        let id = ProductId::new();
        let added = props(json!({"product_id": id.to_string(), "variant_id": "m", "quantity": 2}));
        assert_eq!(
            decode("added_to_cart", Some(&added)),
            Some(Ok(CartEvent::Added {
                product_id: id,
                variant_id: Some("m".into()),
                quantity: 2
            }))
        );
        let bare = props(json!({"product_id": id.to_string()}));
        assert_eq!(
            decode("added_to_cart", Some(&bare)),
            Some(Ok(CartEvent::Added {
                product_id: id,
                variant_id: None,
                quantity: 1
            }))
        );
        assert_eq!(
            decode("removed_from_cart", Some(&bare)),
            Some(Ok(CartEvent::Removed {
                product_id: id,
                variant_id: None,
                quantity: None
            }))
        );
        assert_eq!(
            decode("order_placed", None),
            Some(Ok(CartEvent::OrderPlaced { order_id: None }))
        );
        assert_eq!(decode("page_viewed", Some(&added)), None);
    }

    #[test]
    fn unusable_properties_are_refused() {
        for bad in [
            json!({}),
            json!({"product_id": "not-a-uuid"}),
            json!({"product_id": 7}),
            json!({"product_id": ProductId::new().to_string(), "quantity": 0}),
            json!({"product_id": ProductId::new().to_string(), "quantity": 1000}),
            json!({"product_id": ProductId::new().to_string(), "quantity": -1}),
            json!({"product_id": ProductId::new().to_string(), "quantity": 1.5}),
            json!({"product_id": ProductId::new().to_string(), "variant_id": 3}),
        ] {
            assert!(
                matches!(
                    decode("added_to_cart", Some(&props(bad.clone()))),
                    Some(Err(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(decode("checkout_started", None), Some(Err(_))));
        let numeric = props(json!({"order_id": 5}));
        assert!(matches!(
            decode("order_placed", Some(&numeric)),
            Some(Err(_))
        ));
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "\\PC{0,40}".prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 4, |inner| {
            proptest::collection::vec(inner, 0..4).prop_map(Value::from)
        })
    }

    proptest! {
        /// Any properties decode or are refused, never panic, and what decodes is in range.
        #[test]
        fn any_properties_are_safe(
            name in prop_oneof![
                Just("added_to_cart"), Just("removed_from_cart"),
                Just("checkout_started"), Just("order_placed"), Just("other")
            ],
            keys in proptest::collection::btree_map(
                prop_oneof![
                    Just("product_id".to_owned()), Just("variant_id".to_owned()),
                    Just("quantity".to_owned()), Just("checkout_url".to_owned()),
                    Just("order_id".to_owned()), "[a-z]{1,8}"
                ],
                any_json(),
                0..5,
            ),
        ) {
            let p: Map<String, Value> = keys.into_iter().collect();
            if let Some(Ok(CartEvent::Added { quantity, .. })) = decode(name, Some(&p)) {
                prop_assert!((1..=999).contains(&quantity));
            }
            if let Some(Ok(CartEvent::Removed { quantity: Some(q), .. })) = decode(name, Some(&p)) {
                prop_assert!((1..=999).contains(&q));
            }
        }
    }
}
