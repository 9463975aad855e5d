//! Shopify orders and fulfilments as Shoptalk orders.
//!
//! Mapping decisions:
//! - `external_id` is `shopify:<order id>`; the `number` is the order's `name`, what the
//!   customer sees (`#1001`, with the shop's prefix and suffix), else `#<order_number>`.
//!   Shoptalk numbers its own orders `1001`, `1002`, ...: Shopify's `#` keeps the two apart,
//!   and order cards show both as `#1001`.
//! - The customer is the order's `customer` (`shopify:<customer id>`), else its `email` /
//!   `contact_email`; the order's `customer_locale` becomes the contact's locale.
//! - Lines: `id` is Shopify's line item id (refunds and fulfilments name lines by it),
//!   `title` is the product title with ` — <variant title>` when the variant has one
//!   (Shopify's `Default Title` is none), `unit_price_minor` is `price` (before discounts),
//!   `variant_id` and `sku` as given; the product is the catalog product whose external id
//!   is `shopify:<product_id>`, when there is one.
//! - Money, in the order's `currency` (the shop's): `subtotal` is `total_line_items_price`
//!   (before discounts; the sum of the lines when absent), `discount` is `total_discounts`,
//!   `shipping` the sum of the `price` of `shipping_lines` not removed, `tax` is
//!   `total_tax`, and `total` is `total_price`, what the customer was charged (duties and
//!   tips Shopify adds are in it without their own field).
//! - Status, first that applies: `cancelled_at` set → cancelled; `financial_status`
//!   `refunded` / `partially_refunded` → refunded / partially refunded; a fulfilment the
//!   carrier reports `delivered` → delivered; `fulfillment_status` `fulfilled` → shipped when
//!   a fulfilment has tracking, else fulfilled; `partial` with tracking → shipped;
//!   `financial_status` `paid` → paid; otherwise placed.
//! - Fulfilments: `id` is Shopify's, `status` the carrier's `shipment_status` when known,
//!   else Shopify's `status`; carrier from `tracking_company`; tracking number and URL from
//!   `tracking_number`/`tracking_url`, else the first of `tracking_numbers`/`tracking_urls`
//!   (only web links are kept); lines by line item id.
//! - Refunds: `id` is Shopify's, the amount is the sum of its successful `refund`
//!   transactions, the reason its `note`, lines by line item id.
//! - `status_url` is `order_status_url`; the cart and checkout tokens link the order to the
//!   cart it came from.

use super::customer::buyer;
use super::decode::{DecodeError, currency};
use super::money::Amount;
use super::payload;
use super::text::{given, web_url};
use jiff::Timestamp;
use shoptalk_core::service::{ShopFulfilment, ShopLine, ShopOrder};
use shoptalk_types::commerce::{Fulfilment, OrderLine, OrderStatus, Refund};
use std::collections::BTreeMap;

/// Shopify's placeholder title of the only variant of a product without options.
pub(super) const DEFAULT_VARIANT_TITLE: &str = "Default Title";

pub(super) fn money(field: &str, amount: &Amount, currency: &str) -> Result<i64, DecodeError> {
    amount
        .minor(currency)
        .map_err(|message| DecodeError::new(field, message))
}

/// At the millisecond precision stores keep, so what is written reads back equal.
pub(super) fn millis(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}

/// `Product — Variant`, or the product title alone.
pub(super) fn line_title(title: Option<&str>, variant: Option<&str>, fallback: &str) -> String {
    let title = given(title).unwrap_or_else(|| fallback.to_owned());
    match given(variant).filter(|v| v != DEFAULT_VARIANT_TITLE && !title.ends_with(v.as_str())) {
        Some(v) => format!("{title} — {v}"),
        None => title,
    }
}

pub(super) fn product_external_id(line: &payload::LineItem) -> Option<String> {
    line.product_id.map(|id| format!("shopify:{id}"))
}

pub fn order(o: &payload::Order) -> Result<ShopOrder, DecodeError> {
    let cur = currency("currency", &o.currency)?;
    let amount =
        |field: &str, a: &Option<Amount>| a.as_ref().map_or(Ok(0), |a| money(field, a, &cur));
    let lines = (o.line_items.iter().enumerate())
        .map(|(i, l)| order_line(i, l, &cur))
        .collect::<Result<Vec<_>, _>>()?;
    let subtotal_minor = match &o.total_line_items_price {
        Some(a) => money("total_line_items_price", a, &cur)?,
        None => (lines.iter())
            .map(|l| {
                l.line
                    .unit_price_minor
                    .saturating_mul(i64::from(l.line.quantity))
            })
            .fold(0, i64::saturating_add),
    };
    let mut shipping_minor = 0i64;
    for (i, s) in o.shipping_lines.iter().enumerate() {
        if s.is_removed != Some(true) {
            let price = money(&format!("shipping_lines[{i}].price"), &s.price, &cur)?;
            shipping_minor = shipping_minor.saturating_add(price);
        }
    }
    let fulfilments: Vec<Fulfilment> = o.fulfillments.iter().map(fulfilment).collect();
    let refunds = (o.refunds.iter().enumerate())
        .map(|(i, r)| refund(&format!("refunds[{i}]"), r, &cur))
        .collect::<Result<Vec<_>, _>>()?;
    let number = given(o.name.as_deref())
        .or_else(|| o.order_number.map(|n| format!("#{n}")))
        .unwrap_or_else(|| format!("#{}", o.id));
    Ok(ShopOrder {
        external_id: format!("shopify:{}", o.id),
        number,
        customer: buyer(
            o.customer.as_ref(),
            &[o.email.as_deref(), o.contact_email.as_deref()],
            o.customer_locale.as_deref(),
        ),
        lines,
        subtotal_minor,
        shipping_minor,
        tax_minor: amount("total_tax", &o.total_tax)?,
        discount_minor: amount("total_discounts", &o.total_discounts)?,
        total_minor: money("total_price", &o.total_price, &cur)?,
        status: order_status(o, &fulfilments),
        fulfilments,
        refunds,
        status_url: web_url(o.order_status_url.as_deref()),
        cart_external_ids: [o.cart_token.as_deref(), o.checkout_token.as_deref()]
            .into_iter()
            .filter_map(given)
            .collect(),
        placed_at: millis(o.created_at),
        currency: cur,
    })
}

fn order_line(
    i: usize,
    l: &payload::LineItem,
    cur: &str,
) -> Result<ShopLine<OrderLine>, DecodeError> {
    let field = |name: &str| format!("line_items[{i}].{name}");
    let id =
        l.id.ok_or_else(|| DecodeError::new(field("id"), "is required on order lines"))?;
    Ok(ShopLine {
        line: OrderLine {
            id: id.to_string(),
            product_id: None,
            variant_id: l.variant_id.map(|v| v.to_string()),
            sku: given(l.sku.as_deref()),
            title: line_title(l.title.as_deref(), l.variant_title.as_deref(), "Item"),
            quantity: l.quantity,
            unit_price_minor: money(&field("price"), &l.price, cur)?,
            image_url: None,
        },
        product_external_id: product_external_id(l),
    })
}

fn order_status(o: &payload::Order, fulfilments: &[Fulfilment]) -> OrderStatus {
    let financial = o.financial_status.as_deref().unwrap_or("");
    let fulfilment = o.fulfillment_status.as_deref().unwrap_or("");
    let tracked = fulfilments.iter().any(has_tracking);
    if o.cancelled_at.is_some() {
        OrderStatus::Cancelled
    } else if financial == "refunded" {
        OrderStatus::Refunded
    } else if financial == "partially_refunded" {
        OrderStatus::PartiallyRefunded
    } else if fulfilments.iter().any(|f| f.status == "delivered") {
        OrderStatus::Delivered
    } else if (fulfilment == "fulfilled" || fulfilment == "partial") && tracked {
        OrderStatus::Shipped
    } else if fulfilment == "fulfilled" {
        OrderStatus::Fulfilled
    } else if financial == "paid" {
        OrderStatus::Paid
    } else {
        OrderStatus::Placed
    }
}

fn has_tracking(f: &Fulfilment) -> bool {
    f.tracking_number.is_some() || f.tracking_url.is_some()
}

fn fulfilment(f: &payload::Fulfillment) -> Fulfilment {
    let mut lines = BTreeMap::new();
    for l in &f.line_items {
        let q: &mut u32 = lines.entry(l.id.to_string()).or_default();
        *q = q.saturating_add(l.quantity);
    }
    let first = |list: &[String]| list.first().cloned();
    Fulfilment {
        id: f.id.to_string(),
        status: given(f.shipment_status.as_deref())
            .or_else(|| given(f.status.as_deref()))
            .unwrap_or_else(|| "pending".to_owned()),
        carrier: given(f.tracking_company.as_deref()),
        tracking_number: given(f.tracking_number.as_deref())
            .or_else(|| given(first(&f.tracking_numbers).as_deref())),
        tracking_url: web_url(f.tracking_url.as_deref())
            .or_else(|| web_url(first(&f.tracking_urls).as_deref())),
        lines,
        created_at: millis(f.created_at),
    }
}

fn refund(field: &str, r: &payload::Refund, cur: &str) -> Result<Refund, DecodeError> {
    let mut amount_minor = 0i64;
    for (i, t) in r.transactions.iter().enumerate() {
        let refunded = t.kind.as_deref() == Some("refund")
            && t.status.as_deref().is_none_or(|s| s == "success");
        if refunded {
            let a = money(&format!("{field}.transactions[{i}].amount"), &t.amount, cur)?;
            amount_minor = amount_minor.saturating_add(a);
        }
    }
    let mut lines = BTreeMap::new();
    for l in &r.refund_line_items {
        let q: &mut u32 = lines.entry(l.line_item_id.to_string()).or_default();
        *q = q.saturating_add(l.quantity);
    }
    Ok(Refund {
        id: r.id.to_string(),
        amount_minor,
        reason: given(r.note.as_deref()),
        lines,
        created_at: millis(r.created_at),
    })
}

/// A `fulfillments/*` delivery: the fulfilment, for the order it names. The order moves to
/// delivered when the carrier says so, to shipped when there is tracking, else to
/// fulfilled; a cancelled or failed fulfilment leaves the status alone.
pub fn fulfilment_event(f: &payload::Fulfillment) -> Result<ShopFulfilment, DecodeError> {
    let order_id = f
        .order_id
        .ok_or_else(|| DecodeError::new("order_id", "is required"))?;
    let fulfilment = fulfilment(f);
    let failed = matches!(f.status.as_deref(), Some("cancelled" | "error" | "failure"));
    let status = if failed {
        None
    } else if fulfilment.status == "delivered" {
        Some(OrderStatus::Delivered)
    } else if has_tracking(&fulfilment) {
        Some(OrderStatus::Shipped)
    } else {
        Some(OrderStatus::Fulfilled)
    };
    Ok(ShopFulfilment {
        order_external_id: format!("shopify:{order_id}"),
        fulfilment,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decode(v: serde_json::Value) -> Result<ShopOrder, DecodeError> {
        order(&serde_json::from_value(v).unwrap())
    }

    fn base() -> serde_json::Value {
        json!({
            "id": 1, "currency": "EUR", "created_at": "2024-05-01T10:00:00+02:00",
            "total_price": "25.00", "name": "#EU1001", "order_number": 1001,
            "email": "ann@example.com",
            "line_items": [{"id": 11, "title": "Shirt", "variant_title": "M", "quantity": 2,
                            "price": "10.00", "product_id": 5, "variant_id": 6, "sku": ""}],
            "shipping_lines": [{"price": "5.00"}, {"price": "9.00", "is_removed": true}],
        })
    }

    #[test]
    fn a_minimal_order_maps() {
        let o = decode(base()).unwrap();
        assert_eq!(o.external_id, "shopify:1");
        assert_eq!(o.number, "#EU1001");
        assert_eq!(o.currency, "EUR");
        assert_eq!(o.subtotal_minor, 2000);
        assert_eq!(o.shipping_minor, 500);
        assert_eq!((o.tax_minor, o.discount_minor, o.total_minor), (0, 0, 2500));
        assert_eq!(o.status, OrderStatus::Placed);
        assert_eq!(o.placed_at.to_string(), "2024-05-01T08:00:00Z");
        let line = &o.lines[0];
        assert_eq!(line.line.title, "Shirt — M");
        assert_eq!(line.line.sku, None);
        assert_eq!(line.line.variant_id.as_deref(), Some("6"));
        assert_eq!(line.product_external_id.as_deref(), Some("shopify:5"));
        let customer = o.customer.unwrap();
        assert_eq!(
            (customer.external_id, customer.email.as_deref()),
            (None, Some("ann@example.com"))
        );
    }

    #[test]
    fn statuses_follow_the_documented_order() {
        let with = |patch: serde_json::Value| {
            let mut v = base();
            for (k, val) in patch.as_object().unwrap() {
                v[k] = val.clone();
            }
            decode(v).unwrap().status
        };
        let tracked = json!([{"id": 3, "created_at": "2024-05-02T00:00:00Z", "status": "success",
                              "tracking_number": "1Z"}]);
        let delivered = json!([{"id": 3, "created_at": "2024-05-02T00:00:00Z", "status": "success",
                                "shipment_status": "delivered"}]);
        assert_eq!(with(json!({"financial_status": "paid"})), OrderStatus::Paid);
        assert_eq!(
            with(json!({"financial_status": "paid", "fulfillment_status": "fulfilled"})),
            OrderStatus::Fulfilled
        );
        assert_eq!(
            with(json!({"fulfillment_status": "fulfilled", "fulfillments": tracked})),
            OrderStatus::Shipped
        );
        assert_eq!(
            with(json!({"fulfillment_status": "partial", "fulfillments": tracked})),
            OrderStatus::Shipped
        );
        assert_eq!(
            with(json!({"fulfillment_status": "partial"})),
            OrderStatus::Placed
        );
        assert_eq!(
            with(json!({"fulfillments": delivered})),
            OrderStatus::Delivered
        );
        assert_eq!(
            with(json!({"financial_status": "partially_refunded", "fulfillments": delivered})),
            OrderStatus::PartiallyRefunded
        );
        assert_eq!(
            with(json!({"financial_status": "refunded"})),
            OrderStatus::Refunded
        );
        assert_eq!(
            with(json!({"financial_status": "paid", "cancelled_at": "2024-05-03T00:00:00Z"})),
            OrderStatus::Cancelled
        );
    }

    #[test]
    fn refunds_count_successful_refund_transactions() {
        let mut v = base();
        v["refunds"] = json!([{"id": 9, "created_at": "2024-05-04T00:00:00Z", "note": "damaged",
        "refund_line_items": [{"line_item_id": 11, "quantity": 1}],
        "transactions": [
            {"kind": "refund", "status": "success", "amount": "10.00"},
            {"kind": "refund", "status": "failure", "amount": "10.00"},
            {"kind": "sale", "status": "success", "amount": 99.0}
        ]}]);
        let r = &decode(v).unwrap().refunds[0];
        assert_eq!(
            (r.id.as_str(), r.amount_minor, r.reason.as_deref()),
            ("9", 1000, Some("damaged"))
        );
        assert_eq!(r.lines.get("11"), Some(&1));
    }

    #[test]
    fn bad_money_names_its_field() {
        let mut v = base();
        v["shipping_lines"][0]["price"] = json!("5.005");
        assert_eq!(decode(v).unwrap_err().field, "shipping_lines[0].price");
        let mut v = base();
        v["currency"] = json!("euro");
        assert_eq!(decode(v).unwrap_err().field, "currency");
        let mut v = base();
        v["line_items"][0]["id"] = json!(null);
        assert_eq!(decode(v).unwrap_err().field, "line_items[0].id");
    }

    #[test]
    fn fulfilment_events_move_the_status() {
        let event = |v: serde_json::Value| fulfilment_event(&serde_json::from_value(v).unwrap());
        let base = json!({"id": 3, "order_id": 1, "created_at": "2024-05-02T00:00:00Z", "status": "success"});
        let mut v = base.clone();
        v["tracking_numbers"] = json!(["1Z"]);
        v["tracking_urls"] = json!(["javascript:alert(1)"]);
        let e = event(v).unwrap();
        assert_eq!(e.order_external_id, "shopify:1");
        assert_eq!(e.status, Some(OrderStatus::Shipped));
        assert_eq!(e.fulfilment.tracking_number.as_deref(), Some("1Z"));
        assert_eq!(e.fulfilment.tracking_url, None);
        assert_eq!(
            event(base.clone()).unwrap().status,
            Some(OrderStatus::Fulfilled)
        );
        let mut v = base.clone();
        v["status"] = json!("cancelled");
        assert_eq!(event(v).unwrap().status, None);
        let mut v = base.clone();
        v["shipment_status"] = json!("delivered");
        assert_eq!(event(v).unwrap().status, Some(OrderStatus::Delivered));
        let mut v = base;
        v["order_id"] = json!(null);
        assert_eq!(event(v).unwrap_err().field, "order_id");
    }
}
