//! Carts and orders as message content: the `cart` and `order` cards customers see in chat.

use super::App;
use shoptalk_types::Content;
use shoptalk_types::commerce::{Cart, Order, OrderStatus};
use shoptalk_types::content::limits::{CART_LINES_MAX, NAME_MAX_CHARS, TITLE_MAX_CHARS};
use shoptalk_types::content::{CartLine, Money};

impl App {
    /// The order's status card: number, status, total, and the latest tracking.
    pub fn order_card(&self, order: &Order) -> Content {
        order_card(order)
    }

    /// The cart's card with its lines, subtotal and checkout link. An empty cart has no card
    /// (a card needs a line): it is said in words.
    pub fn cart_card(&self, cart: &Cart) -> Content {
        cart_card(cart)
    }
}

fn order_card(order: &Order) -> Content {
    let tracked = (order.fulfilments.iter().rev())
        .find(|f| f.tracking_number.is_some() || f.tracking_url.is_some());
    Content::Order {
        order_id: order.id.to_string(),
        number: Some(clip(&order.number, NAME_MAX_CHARS)),
        status: status_name(order.status).to_owned(),
        total: Some(Money::new(order.total_minor, &order.currency)),
        tracking_number: tracked
            .and_then(|f| f.tracking_number.as_deref())
            .map(|n| clip(n, NAME_MAX_CHARS)),
        tracking_url: tracked.and_then(|f| f.tracking_url.clone()),
        carrier: tracked
            .and_then(|f| f.carrier.as_deref())
            .map(|c| clip(c, TITLE_MAX_CHARS)),
    }
}

fn cart_card(cart: &Cart) -> Content {
    if cart.items.is_empty() {
        return Content::text("Your cart is empty.");
    }
    let items = (cart.items.iter().take(CART_LINES_MAX))
        .map(|item| CartLine {
            product_id: item
                .product_id
                .map_or_else(|| item.variant_id.clone(), |p| p.to_string()),
            variant_id: Some(item.variant_id.clone()).filter(|v| !v.is_empty()),
            title: clip(&item.title, TITLE_MAX_CHARS),
            quantity: item.quantity,
            unit_price: Money::new(item.unit_price_minor, &cart.currency),
        })
        .collect();
    Content::Cart {
        cart_id: Some(cart.id.to_string()),
        items,
        total: Some(Money::new(cart.subtotal_minor, &cart.currency)),
        checkout_url: cart.checkout_url.clone(),
    }
}

/// The status as the API names it.
pub(super) fn status_name(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Placed => "placed",
        OrderStatus::Paid => "paid",
        OrderStatus::Fulfilled => "fulfilled",
        OrderStatus::Shipped => "shipped",
        OrderStatus::Delivered => "delivered",
        OrderStatus::Cancelled => "cancelled",
        OrderStatus::Refunded => "refunded",
        OrderStatus::PartiallyRefunded => "partially_refunded",
    }
}

/// The status as people read it: `partially refunded`.
pub(super) fn status_words(status: OrderStatus) -> String {
    status_name(status).replace('_', " ")
}

/// At most `max` characters, a cut marked with `…`.
pub(super) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use shoptalk_types::commerce::{CartItem, Fulfilment};
    use shoptalk_types::ids::*;

    #[test]
    fn status_names_match_the_wire() {
        for status in [
            OrderStatus::Placed,
            OrderStatus::Paid,
            OrderStatus::Fulfilled,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
            OrderStatus::PartiallyRefunded,
        ] {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(status_name(status))
            );
        }
    }

    fn item(i: usize, product: Option<ProductId>) -> CartItem {
        CartItem {
            product_id: product,
            variant_id: format!("v{i}"),
            sku: None,
            title: "Long title ".repeat(20),
            quantity: 999,
            unit_price_minor: 1_000_000_000_000,
            image_url: None,
        }
    }

    #[test]
    fn every_cart_makes_a_valid_card() {
        let ws = WorkspaceId::new();
        let mut cart =
            super::super::cart_rules::new_cart(ws, ContactId::new(), "JPY", Timestamp::now());
        assert_eq!(cart_card(&cart), Content::text("Your cart is empty."));
        cart.items = (0..60)
            .map(|i| item(i, (i % 2 == 0).then(ProductId::new)))
            .collect();
        cart.subtotal_minor = i64::MAX;
        cart.checkout_url = Some("https://shop.example/checkout".into());
        let card = cart_card(&cart);
        card.validate().unwrap();
        let Content::Cart { items, .. } = card else {
            panic!("not a cart card")
        };
        assert_eq!(items.len(), 50);
        assert_eq!(
            items[1].product_id, "v1",
            "a line without a catalog product names its variant"
        );
    }

    #[test]
    fn the_order_card_shows_the_latest_tracking() {
        let now = Timestamp::now();
        let fulfilment = |n: &str| Fulfilment {
            id: n.into(),
            status: "in_transit".into(),
            carrier: Some("C".repeat(200)),
            tracking_number: Some(n.into()),
            tracking_url: None,
            lines: Default::default(),
            created_at: now,
        };
        let order = Order {
            id: OrderId::new(),
            workspace_id: WorkspaceId::new(),
            contact_id: ContactId::new(),
            number: "1001".into(),
            external_id: None,
            status: OrderStatus::PartiallyRefunded,
            currency: "EUR".into(),
            lines: vec![],
            subtotal_minor: 100,
            shipping_minor: 0,
            tax_minor: 0,
            discount_minor: 0,
            total_minor: 100,
            refunded_minor: 50,
            fulfilments: vec![fulfilment("T1"), fulfilment("T2")],
            refunds: vec![],
            timeline: vec![],
            cart_id: None,
            status_url: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let card = order_card(&order);
        card.validate().unwrap();
        let Content::Order {
            status,
            tracking_number,
            ..
        } = card
        else {
            panic!("not an order card")
        };
        assert_eq!(
            (status.as_str(), tracking_number.as_deref()),
            ("partially_refunded", Some("T2"))
        );
    }

    #[test]
    fn clipping_keeps_short_text_and_marks_cuts() {
        assert_eq!(clip("Mug", 80), "Mug");
        let long = clip(&"é".repeat(100), 80);
        assert_eq!(long.chars().count(), 80);
        assert!(long.ends_with('…'));
    }
}
