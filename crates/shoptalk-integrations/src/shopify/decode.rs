//! From a delivery's topic and raw body to a [`ShopEvent`]: parse the payload, then map it
//! (see [`super::customer`], [`super::order`], [`super::cart`], [`super::product`]). A
//! body that does not fit names the field at fault, as a path into the payload
//! (`line_items[0].price`).

use super::topic::Topic;
use super::{cart, customer, order, payload, product};
use serde::de::DeserializeOwned;
use shoptalk_core::service::ShopEvent;
use shoptalk_types::currency::minor_units;

/// What decoding needs to know of the workspace the delivery is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The shop's `*.myshopify.com` domain: product pages live there.
    pub shop_domain: String,
    /// The shop's currency, for the amounts of payloads that do not name theirs (carts,
    /// products).
    pub currency: String,
}

/// Why a payload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DecodeError {
    /// A path into the payload, or `body` when it is not a JSON object at all.
    pub field: String,
    pub message: String,
}

impl DecodeError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Decodes the body of a delivery of `topic`.
pub fn decode(topic: Topic, body: &[u8], ctx: &Context) -> Result<ShopEvent, DecodeError> {
    use Topic::*;
    Ok(match topic {
        OrdersCreate | OrdersUpdated | OrdersPaid | OrdersCancelled => {
            ShopEvent::Order(Box::new(order::order(&parse::<payload::Order>(body)?)?))
        }
        FulfillmentsCreate | FulfillmentsUpdate => {
            ShopEvent::Fulfilment(order::fulfilment_event(&parse(body)?)?)
        }
        CheckoutsCreate | CheckoutsUpdate => {
            ShopEvent::Cart(cart::checkout(&parse(body)?, &ctx.currency)?)
        }
        CartsCreate | CartsUpdate => ShopEvent::Cart(cart::cart(&parse(body)?, &ctx.currency)?),
        CustomersCreate | CustomersUpdate => {
            ShopEvent::Customer(customer::contact(&parse(body)?, None))
        }
        ProductsCreate | ProductsUpdate => {
            ShopEvent::Product(product::product(&parse(body)?, ctx)?)
        }
    })
}

/// An ISO 4217 code as Shopify writes it (upper case).
pub(super) fn currency(field: &str, code: &str) -> Result<String, DecodeError> {
    let code = code.trim();
    match minor_units(code) {
        Some(_) => Ok(code.to_owned()),
        None => Err(DecodeError::new(field, "is not an ISO 4217 currency code")),
    }
}

/// Parses the whole body as `T`, naming the field at fault.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        located(&path, e.inner())
    })?;
    de.end()
        .map_err(|_| DecodeError::new("body", "has data after the JSON value"))?;
    Ok(value)
}

fn located(path: &str, e: &serde_json::Error) -> DecodeError {
    if e.is_syntax() || e.is_eof() || e.is_io() {
        return DecodeError::new("body", "is not valid JSON");
    }
    // serde's messages end with the position, which means nothing to the sender.
    let full = e.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m)
        .to_owned();
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (path, missing) {
        ("." | "", Some(name)) => name.to_owned(),
        ("." | "", None) => "body".to_owned(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_owned(),
    };
    DecodeError { field, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ctx() -> Context {
        Context {
            shop_domain: "shop.myshopify.com".into(),
            currency: "USD".into(),
        }
    }

    fn field_of(topic: Topic, body: &str) -> String {
        decode(topic, body.as_bytes(), &ctx()).unwrap_err().field
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(field_of(Topic::OrdersCreate, "{"), "body");
        assert_eq!(field_of(Topic::OrdersCreate, "[]"), "body");
        assert_eq!(field_of(Topic::CustomersCreate, r#"{"id": 1} x"#), "body");
        assert_eq!(field_of(Topic::OrdersCreate, "{}"), "id");
        assert_eq!(field_of(Topic::CustomersCreate, r#"{"id": 1.5}"#), "id");
        assert_eq!(
            field_of(
                Topic::OrdersCreate,
                r#"{"id": 1, "currency": "USD", "created_at": "2024-01-01T00:00:00Z",
                    "total_price": "1.00", "line_items": [{"quantity": 1}]}"#
            ),
            "line_items[0].price"
        );
        assert_eq!(
            field_of(
                Topic::OrdersCreate,
                r#"{"id": 1, "currency": "USD", "created_at": "2024-01-01T00:00:00Z",
                    "total_price": "1.00", "customer": {"email": "a@b.example"}}"#
            ),
            "customer.id"
        );
        assert_eq!(
            field_of(
                Topic::OrdersCreate,
                r#"{"id": 1, "currency": "USD", "created_at": "yesterday", "total_price": "1"}"#
            ),
            "created_at"
        );
        let e = decode(Topic::CartsUpdate, br#"{"token": 5}"#, &ctx()).unwrap_err();
        assert_eq!(e.field, "token");
        assert!(!e.message.contains("line"), "{}", e.message);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
            for topic in Topic::ALL {
                let _ = decode(topic, &body, &ctx());
            }
        }

        #[test]
        fn arbitrary_json_never_panics(
            json in "\\{(\"[a-z_]{1,12}\": ?(null|-?[0-9]{1,22}(\\.[0-9]{1,4})?|\"[^\"\\\\]{0,12}\"|\\[\\]|\\{\\}), ?){0,8}\"id\": ?[0-9]{1,20}\\}",
        ) {
            for topic in Topic::ALL {
                let _ = decode(topic, json.as_bytes(), &ctx());
            }
        }
    }
}
