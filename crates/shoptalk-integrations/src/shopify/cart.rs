//! Shopify carts and checkouts as Shoptalk carts.
//!
//! Mapping decisions:
//! - A storefront cart (`carts/*`) is known by its `token`; it names no customer, so it only
//!   updates a cart Shoptalk already links to that token (a checkout of it came earlier, or
//!   the shop's code set the cart's `external_id`).
//! - A checkout (`checkouts/*`) is known by its `cart_token` (the storefront cart it was
//!   started from, so that cart's updates and the order placed from it find the same cart),
//!   else by its own `token`; its customer (`shopify:<customer id>`, else its `email`) owns
//!   a new cart. `checkout_url` is `abandoned_checkout_url`, the link that brings the
//!   customer back to finish.
//! - Items: `variant_id` is Shopify's variant id (the line `key` when there is none), `title`
//!   the product title with ` — <variant title>`, `unit_price_minor` is `price`, `sku` as
//!   given; the product is the catalog product whose external id is `shopify:<product_id>`,
//!   when there is one. Lines with quantity 0 are left out.
//! - Currency: the payload's `currency`, else the shop's.

use super::customer::buyer;
use super::decode::{DecodeError, currency};
use super::order::{line_title, money, product_external_id};
use super::payload;
use super::text::{given, web_url};
use shoptalk_core::service::{ShopCart, ShopLine};
use shoptalk_types::commerce::CartItem;

pub fn cart(c: &payload::Cart, shop_currency: &str) -> Result<ShopCart, DecodeError> {
    let cur = currency_or("currency", c.currency.as_deref(), shop_currency)?;
    Ok(ShopCart {
        external_ids: vec![token("token", &c.token)?],
        customer: None,
        items: items(&c.line_items, &cur)?,
        currency: cur,
        checkout_url: None,
    })
}

pub fn checkout(c: &payload::Checkout, shop_currency: &str) -> Result<ShopCart, DecodeError> {
    let cur = currency_or("currency", c.currency.as_deref(), shop_currency)?;
    let mut external_ids: Vec<String> = given(c.cart_token.as_deref()).into_iter().collect();
    external_ids.push(token("token", &c.token)?);
    Ok(ShopCart {
        external_ids,
        customer: buyer(
            c.customer.as_ref(),
            &[c.email.as_deref()],
            c.customer_locale.as_deref(),
        ),
        items: items(&c.line_items, &cur)?,
        currency: cur,
        checkout_url: web_url(c.abandoned_checkout_url.as_deref()),
    })
}

fn currency_or(field: &str, given_code: Option<&str>, shop: &str) -> Result<String, DecodeError> {
    match given(given_code) {
        Some(code) => currency(field, &code),
        None => Ok(shop.to_owned()),
    }
}

fn token(field: &str, value: &str) -> Result<String, DecodeError> {
    let value = value.trim();
    let ok = (1..=255).contains(&value.len()) && !value.chars().any(char::is_control);
    if ok {
        Ok(value.to_owned())
    } else {
        Err(DecodeError::new(field, "must be 1 to 255 characters"))
    }
}

fn items(lines: &[payload::LineItem], cur: &str) -> Result<Vec<ShopLine<CartItem>>, DecodeError> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate().filter(|(_, l)| l.quantity > 0) {
        let field = |name: &str| format!("line_items[{i}].{name}");
        let variant_id = (l.variant_id.map(|v| v.to_string()))
            .or_else(|| given(l.key.as_deref()))
            .or_else(|| l.id.map(|id| id.to_string()))
            .ok_or_else(|| DecodeError::new(field("variant_id"), "is required"))?;
        out.push(ShopLine {
            line: CartItem {
                product_id: None,
                variant_id,
                sku: given(l.sku.as_deref()),
                title: line_title(l.title.as_deref(), l.variant_title.as_deref(), "Item"),
                quantity: l.quantity,
                unit_price_minor: money(&field("price"), &l.price, cur)?,
                image_url: None,
            },
            product_external_id: product_external_id(l),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checkouts_are_known_by_cart_token_then_token() {
        let c: payload::Checkout = serde_json::from_value(json!({
            "token": "chk1", "cart_token": "cart1", "email": "ann@example.com",
            "currency": "EUR", "abandoned_checkout_url": "https://shop.example/recover/1",
            "line_items": [
                {"key": "k1", "title": "Mug", "variant_title": "Default Title", "quantity": 1, "price": "8.50"},
                {"variant_id": 7, "title": "Tea", "quantity": 0, "price": "3.00"}
            ]
        }))
        .unwrap();
        let cart = checkout(&c, "USD").unwrap();
        assert_eq!(cart.external_ids, ["cart1", "chk1"]);
        assert_eq!(cart.currency, "EUR");
        assert_eq!(
            cart.checkout_url.as_deref(),
            Some("https://shop.example/recover/1")
        );
        assert_eq!(
            cart.customer.unwrap().email.as_deref(),
            Some("ann@example.com")
        );
        assert_eq!(cart.items.len(), 1);
        let item = &cart.items[0].line;
        assert_eq!(
            (item.variant_id.as_str(), item.title.as_str()),
            ("k1", "Mug")
        );
        assert_eq!((item.quantity, item.unit_price_minor), (1, 850));
    }

    #[test]
    fn carts_take_the_shop_currency_and_no_customer() {
        let c: payload::Cart = serde_json::from_value(json!({
            "token": "t", "line_items": [{"id": 1, "quantity": 2, "price": "500", "title": "Bowl"}]
        }))
        .unwrap();
        let cart = cart(&c, "JPY").unwrap();
        assert_eq!(cart.currency, "JPY");
        assert_eq!(cart.customer, None);
        assert_eq!(cart.items[0].line.unit_price_minor, 500);
        assert_eq!(cart.items[0].line.variant_id, "1");
        let blank: payload::Cart = serde_json::from_value(json!({"token": " "})).unwrap();
        assert_eq!(super::cart(&blank, "USD").unwrap_err().field, "token");
    }
}
