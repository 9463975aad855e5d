//! Shopify's own example payloads (from its webhook documentation, kept in the shared data
//! folder) decoded and mapped field by field: the decoders read what Shopify publishes, not
//! only what our tests write. The samples' large ids were rounded by a JavaScript round trip
//! before they were stored (see the folder's SOURCE.md); they are asserted as the file has
//! them, read as integers, while `admin_graphql_api_id` keeps the exact value.

use jiff::Timestamp;
use shoptalk_core::service::{ShopEvent, ShopOrder};
use shoptalk_integrations::shopify::ids::Gid;
use shoptalk_integrations::shopify::webhook::{HMAC_HEADER, SHOP_DOMAIN_HEADER, TOPIC_HEADER};
use shoptalk_integrations::shopify::{Context, Topic, decode, payload};
use shoptalk_types::commerce::OrderStatus;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The folder of Shopify's samples, or `None` (the test passes vacuously) when it is not
/// there, unless `SHOPTALK_REQUIRE_SHARED_DATA=1` demands it.
fn samples() -> Option<PathBuf> {
    let root = std::env::var_os("SHOPTALK_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = root.join("webhooks/shopify");
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

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

fn ctx() -> Context {
    Context {
        shop_domain: "jsmith.myshopify.com".into(),
        currency: "USD".into(),
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn gid(text: Option<&Gid>) -> (&str, u64) {
    let gid = text.expect("admin_graphql_api_id");
    (gid.kind.as_str(), gid.id)
}

#[test]
fn orders_create_maps_field_by_field() {
    let Some(dir) = samples() else { return };
    let body = read(&dir, "shopify_orders_create.json");

    // The payload as read: integer ids as the file has them, exact global ids beside.
    let raw: payload::Order = serde_json::from_slice(&body).unwrap();
    assert_eq!(raw.id.0, 820_982_911_946_154_500);
    assert_eq!(
        gid(raw.admin_graphql_api_id.as_ref()),
        ("Order", 820_982_911_946_154_508)
    );
    let customer = raw.customer.as_ref().unwrap();
    assert_eq!(customer.id.0, 115_310_627_314_723_950);
    assert_eq!(
        gid(customer.admin_graphql_api_id.as_ref()),
        ("Customer", 115_310_627_314_723_954)
    );
    let line_gids: Vec<_> = raw
        .line_items
        .iter()
        .map(|l| gid(l.admin_graphql_api_id.as_ref()))
        .collect();
    assert_eq!(
        line_gids,
        [
            ("LineItem", 487_817_672_276_298_554),
            ("LineItem", 976_318_377_106_520_349),
            ("LineItem", 315_789_986_012_684_393),
        ]
    );

    let ShopEvent::Order(order) = decode(Topic::OrdersCreate, &body, &ctx()).unwrap() else {
        panic!("an order");
    };
    let ShopOrder {
        external_id,
        number,
        customer,
        currency,
        lines,
        subtotal_minor,
        shipping_minor,
        tax_minor,
        discount_minor,
        total_minor,
        status,
        fulfilments,
        refunds,
        status_url,
        cart_external_ids,
        placed_at,
    } = *order;
    assert_eq!(external_id, "shopify:820982911946154500");
    assert_eq!(number, "#9999");
    assert_eq!(currency, "USD");
    let customer = customer.unwrap();
    assert_eq!(
        customer.external_id.as_deref(),
        Some("shopify:115310627314723950")
    );
    assert_eq!(customer.name.as_deref(), Some("John Smith"));
    assert_eq!(customer.email.as_deref(), Some("john@example.com"));
    assert_eq!(customer.phone, None);
    assert_eq!(customer.locale.as_deref(), Some("en"));

    let summary: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.line.id.as_str(),
                l.line.sku.as_deref(),
                l.line.title.as_str(),
                l.line.quantity,
                l.line.unit_price_minor,
                l.line.variant_id.as_deref(),
                l.product_external_id.as_deref(),
            )
        })
        .collect();
    let product = Some("shopify:788032119674292900");
    assert_eq!(
        summary,
        [
            (
                "487817672276298560",
                Some("SKU2006-001"),
                "Aviator sunglasses",
                1,
                8999,
                None,
                product
            ),
            (
                "976318377106520300",
                Some("SKU2006-020"),
                "Mid-century lounger",
                1,
                15999,
                None,
                product
            ),
            (
                "315789986012684400",
                Some("SKU2006-035"),
                "Coffee table",
                1,
                11999,
                None,
                product
            ),
        ]
    );
    assert!(
        lines
            .iter()
            .all(|l| l.line.product_id.is_none() && l.line.image_url.is_none())
    );

    assert_eq!(subtotal_minor, 36997, "total_line_items_price");
    assert_eq!(shipping_minor, 1000, "shipping_lines[0].price");
    assert_eq!(tax_minor, 0);
    assert_eq!(discount_minor, 2000);
    assert_eq!(total_minor, 35997, "total_price");
    assert_eq!(
        total_minor,
        subtotal_minor + shipping_minor + tax_minor - discount_minor
    );
    assert_eq!(status, OrderStatus::Cancelled, "cancelled_at is set");
    assert!(fulfilments.is_empty() && refunds.is_empty());
    assert_eq!(
        status_url.as_deref(),
        Some("https://jsmith.myshopify.com/548380009/orders/123456abcd/authenticate?key=abcdefg")
    );
    assert!(
        cart_external_ids.is_empty(),
        "cart_token and checkout_token are null"
    );
    assert_eq!(placed_at, at("2022-01-01T00:00:00Z"));

    // orders/updated, orders/paid and orders/cancelled carry the same Order payload.
    for topic in [
        Topic::OrdersUpdated,
        Topic::OrdersPaid,
        Topic::OrdersCancelled,
    ] {
        let again = decode(topic, &body, &ctx()).unwrap();
        assert!(
            matches!(again, ShopEvent::Order(o) if o.external_id == "shopify:820982911946154500")
        );
    }
}

#[test]
fn customers_create_maps_field_by_field() {
    let Some(dir) = samples() else { return };
    let body = read(&dir, "shopify_customers_create.json");
    let raw: payload::Customer = serde_json::from_slice(&body).unwrap();
    assert_eq!(raw.id.0, 706_405_506_930_370_000);
    assert_eq!(
        gid(raw.admin_graphql_api_id.as_ref()),
        ("Customer", 706_405_506_930_370_084)
    );

    let ShopEvent::Customer(contact) = decode(Topic::CustomersCreate, &body, &ctx()).unwrap()
    else {
        panic!("a customer");
    };
    assert_eq!(
        contact.external_id.as_deref(),
        Some("shopify:706405506930370000")
    );
    assert_eq!(contact.name.as_deref(), Some("Bob Biller"));
    assert_eq!(contact.email.as_deref(), Some("bob@biller.com"));
    assert_eq!(contact.phone, None);
    assert_eq!(contact.locale, None);
    assert_eq!(contact.timezone, None);
    assert_eq!(contact.attributes, None);
    assert_eq!(contact.tags, None);
    let update = decode(Topic::CustomersUpdate, &body, &ctx()).unwrap();
    assert_eq!(update, ShopEvent::Customer(contact));
}

#[test]
fn carts_update_maps_field_by_field() {
    let Some(dir) = samples() else { return };
    let body = read(&dir, "shopify_carts_update.json");
    let raw: payload::Cart = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        raw.line_items[0].id.map(|id| id.0),
        Some(704_912_205_188_288_500)
    );

    let ShopEvent::Cart(cart) = decode(Topic::CartsUpdate, &body, &ctx()).unwrap() else {
        panic!("a cart");
    };
    assert_eq!(cart.external_ids, ["eeafa272cebfd4b22385bc4b645e762c"]);
    assert_eq!(cart.customer, None, "a storefront cart names no customer");
    assert_eq!(cart.currency, "USD", "the payload has none: the shop's");
    assert_eq!(cart.checkout_url, None);
    assert_eq!(cart.items.len(), 1);
    let item = &cart.items[0];
    assert_eq!(item.line.variant_id, "704912205188288500");
    assert_eq!(item.line.sku.as_deref(), Some("example-shirt-s"));
    assert_eq!(item.line.title, "Example T-Shirt - Small");
    assert_eq!(item.line.quantity, 3);
    assert_eq!(item.line.unit_price_minor, 1999);
    assert_eq!(item.line.product_id, None);
    assert_eq!(item.line.image_url, None);
    assert_eq!(
        item.product_external_id.as_deref(),
        Some("shopify:788032119674292900")
    );
    let create = decode(Topic::CartsCreate, &body, &ctx()).unwrap();
    assert_eq!(create, ShopEvent::Cart(cart));
}

#[test]
fn fulfillments_update_maps_field_by_field() {
    let Some(dir) = samples() else { return };
    let body = read(&dir, "shopify_fulfillments_update.json");
    let raw: payload::Fulfillment = serde_json::from_slice(&body).unwrap();
    assert_eq!(raw.order_id.map(|id| id.0), Some(820_982_911_946_154_500));
    assert_eq!(
        gid(raw.admin_graphql_api_id.as_ref()),
        ("Fulfillment", 123_456)
    );

    let ShopEvent::Fulfilment(event) = decode(Topic::FulfillmentsUpdate, &body, &ctx()).unwrap()
    else {
        panic!("a fulfilment");
    };
    assert_eq!(event.order_external_id, "shopify:820982911946154500");
    assert_eq!(event.status, Some(OrderStatus::Shipped), "it has tracking");
    let f = &event.fulfilment;
    assert_eq!(f.id, "123456");
    assert_eq!(f.status, "pending", "no shipment_status: Shopify's status");
    assert_eq!(f.carrier.as_deref(), Some("UPS"));
    assert_eq!(f.tracking_number.as_deref(), Some("1z827wk74630"));
    assert_eq!(
        f.tracking_url.as_deref(),
        Some("https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630")
    );
    assert_eq!(
        f.lines,
        BTreeMap::from([
            ("141249953214522980".to_owned(), 1),
            ("866550311766439000".to_owned(), 1),
        ])
    );
    assert_eq!(f.created_at, at("2022-01-01T00:00:00Z"));
    let create = decode(Topic::FulfillmentsCreate, &body, &ctx()).unwrap();
    assert_eq!(create, ShopEvent::Fulfilment(event));
}

/// The header block Shopify documents: the names we read are the names it sends.
#[test]
fn the_documented_headers_are_the_ones_read() {
    let Some(dir) = samples() else { return };
    let text = String::from_utf8(read(&dir, "shopify_orders_create.headers.txt")).unwrap();
    let headers: BTreeMap<String, String> = text
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    for name in [TOPIC_HEADER, HMAC_HEADER, SHOP_DOMAIN_HEADER] {
        assert!(headers.contains_key(name), "{name} in {headers:?}");
    }
    assert_eq!(
        Topic::parse(&headers[TOPIC_HEADER]),
        Some(Topic::OrdersCreate)
    );
    assert_eq!(headers[SHOP_DOMAIN_HEADER], "johns-apparel.myshopify.com");
}
