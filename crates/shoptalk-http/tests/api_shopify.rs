//! Shopify connected to a workspace, end to end through the real router over SQLite: the
//! integration settings, signed webhook deliveries (Shopify's documented samples and our
//! own), and staff's refunds and cancellations carried out through a fake Admin API.

mod commerce;
mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use commerce::{act, messages, wait_for_message};
use common::*;
use serde_json::{Value, json};
use shoptalk_core::store::Job;
use shoptalk_integrations::shopify::admin::{JOB_KIND, ShopifyOrderActions};
use shoptalk_integrations::shopify::signature::sign;
use shoptalk_jobs::JobHandler;
use shoptalk_jobs::egress::EgressPolicy;
use shoptalk_types::commerce::{Integrations, ShopifySettings};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DOMAIN: &str = "jsmith.myshopify.com";
const SECRET: &str = "shpss_0123456789abcdef";

/// Shopify's samples, or `None` (the test passes vacuously) when the shared data folder is
/// not there, unless `SHOPTALK_REQUIRE_SHARED_DATA=1` demands it.
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

fn sample(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

async fn connect(t: &TestApp, admin: &str, settings: Value) -> Res {
    t.call(
        Method::PATCH,
        "/api/v1/integrations",
        Some(admin),
        Some(json!({ "shopify": settings })),
    )
    .await
}

async fn connected(t: &TestApp) -> Shop {
    let shop = t.shop("Shop").await;
    let res = connect(
        t,
        &shop.admin_key,
        json!({ "shop_domain": DOMAIN, "webhook_secret": SECRET }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    shop
}

/// A delivery as Shopify sends it; `None` leaves a header out.
fn delivery(
    domain: Option<&str>,
    hmac: Option<&str>,
    id: Option<&str>,
    topic: &str,
    body: &[u8],
) -> Request<Body> {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/integrations/shopify/webhooks")
        .header("content-type", "application/json")
        .header("x-shopify-topic", topic)
        .header("x-shopify-api-version", "2025-04");
    for (name, value) in [
        ("x-shopify-shop-domain", domain),
        ("x-shopify-hmac-sha256", hmac),
        ("x-shopify-webhook-id", id),
    ] {
        if let Some(value) = value {
            req = req.header(name, value);
        }
    }
    req.body(Body::from(body.to_vec())).unwrap()
}

/// A delivery signed with the shop's secret.
async fn deliver(t: &TestApp, topic: &str, id: &str, body: &[u8]) -> Res {
    let hmac = sign(SECRET, body);
    t.send(delivery(Some(DOMAIN), Some(&hmac), Some(id), topic, body))
        .await
}

async fn deliver_json(t: &TestApp, topic: &str, id: &str, body: Value) -> Value {
    let res = deliver(t, topic, id, &serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()
}

fn processed(res: &Res, kind: &str) -> String {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let body = res.json();
    assert_eq!(body["processed"], kind, "{body}");
    body["id"].as_str().unwrap().to_string()
}

async fn get_json(t: &TestApp, path: &str, token: &str) -> Value {
    let res = t.get(path, token).await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.text());
    res.json()
}

/// A paid order of our own making: 2 × 10.00 EUR plus 5.00 shipping, for Ann (Shopify
/// customer 7).
fn paid_order(id: u64) -> Value {
    json!({
        "id": id, "name": format!("#{id}"), "currency": "EUR",
        "created_at": "2024-05-01T10:00:00+02:00", "financial_status": "paid",
        "total_price": "25.00", "total_line_items_price": "20.00",
        "customer": {"id": 7, "email": "ann@example.com", "first_name": "Ann"},
        "line_items": [{"id": 11, "product_id": 5, "variant_id": 6, "title": "Shirt",
                        "variant_title": "M", "quantity": 2, "price": "10.00"}],
        "shipping_lines": [{"price": "5.00"}],
    })
}

#[tokio::test]
async fn integrations_are_kept_by_admins_and_never_show_a_secret() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    assert_eq!(
        get_json(&t, "/api/v1/integrations", &shop.admin_key).await,
        json!({})
    );

    let res = t
        .call(
            Method::PATCH,
            "/api/v1/integrations",
            Some(&shop.admin_key),
            Some(json!({
                "shopify": { "shop_domain": "JSmith.MyShopify.com", "webhook_secret": SECRET,
                             "admin_access_token": "shpat_secret_token" },
                "stripe": { "secret_key": "sk_test_secret", "webhook_secret": "whsec_secret" }
            })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let redacted = json!({
        "shopify": { "shop_domain": DOMAIN, "webhook_secret": "set", "admin_access_token": "set" },
        "stripe": { "secret_key": "set", "webhook_secret": "set" }
    });
    assert_eq!(res.json(), redacted);
    let read = t.get("/api/v1/integrations", &shop.admin_key).await;
    assert_eq!(read.json(), redacted);
    for secret in [
        SECRET,
        "shpat_secret_token",
        "sk_test_secret",
        "whsec_secret",
    ] {
        assert!(!read.text().contains(secret));
    }

    // Sending back what was read, or leaving secrets out, keeps them.
    let res = connect(&t, &shop.admin_key, redacted["shopify"].clone()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let res = connect(&t, &shop.admin_key, json!({ "shop_domain": DOMAIN })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let stored = t.app.store.integrations(shop.workspace_id).await.unwrap();
    let shopify = stored.shopify.unwrap();
    assert_eq!(shopify.webhook_secret.as_deref(), Some(SECRET));
    assert_eq!(
        shopify.admin_access_token.as_deref(),
        Some("shpat_secret_token")
    );
    assert_eq!(
        stored.stripe.unwrap().secret_key.as_deref(),
        Some("sk_test_secret")
    );

    // Bad values name their field and change nothing.
    for (settings, field) in [
        (
            json!({ "shop_domain": "not a host" }),
            "shopify.shop_domain",
        ),
        (
            json!({ "shop_domain": DOMAIN, "webhook_secret": "" }),
            "shopify.webhook_secret",
        ),
        (
            json!({ "shop_domain": DOMAIN, "admin_api_base": "http://127.0.0.1:9/admin" }),
            "shopify.admin_api_base",
        ),
        (
            json!({ "shop_domain": DOMAIN, "extra": 1 }),
            "shopify.extra",
        ),
    ] {
        let res = connect(&t, &shop.admin_key, settings).await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field);
    }
    assert_eq!(
        get_json(&t, "/api/v1/integrations", &shop.admin_key).await,
        redacted
    );

    // One shop, one workspace.
    let res = connect(
        &t,
        &other.admin_key,
        json!({ "shop_domain": DOMAIN, "webhook_secret": "x" }),
    )
    .await;
    let error = res.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(error["field"], "shopify.shop_domain");
    assert_eq!(
        get_json(&t, "/api/v1/integrations", &other.admin_key).await,
        json!({})
    );

    // Agents and narrower keys may not.
    t.call(
        Method::PATCH,
        "/api/v1/integrations",
        Some(&shop.write_key),
        Some(json!({ "stripe": null })),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");

    // `null` disconnects; the shop is free for another workspace.
    let res = t
        .call(
            Method::PATCH,
            "/api/v1/integrations",
            Some(&shop.admin_key),
            Some(json!({ "shopify": null })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json(), json!({ "stripe": redacted["stripe"] }));
    let res = connect(
        &t,
        &other.admin_key,
        json!({ "shop_domain": DOMAIN, "webhook_secret": "x" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

#[tokio::test]
async fn refused_deliveries_change_nothing() {
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let body = serde_json::to_vec(&paid_order(1001)).unwrap();
    let good = sign(SECRET, &body);
    let forged = sign("not the secret", &body);
    let before = t.counts(&shop).await;

    let unauthenticated = |res: Res| {
        let error = res.assert_error(StatusCode::UNAUTHORIZED, "invalid_signature");
        error["message"].as_str().unwrap().to_string()
    };
    let forged_message = unauthenticated(
        t.send(delivery(
            Some(DOMAIN),
            Some(&forged),
            Some("w1"),
            "orders/create",
            &body,
        ))
        .await,
    );
    let unknown_shop = unauthenticated(
        t.send(delivery(
            Some("other.myshopify.com"),
            Some(&good),
            Some("w1"),
            "orders/create",
            &body,
        ))
        .await,
    );
    assert_eq!(
        forged_message, unknown_shop,
        "unknown shops are not told apart"
    );
    unauthenticated(
        t.send(delivery(
            Some(DOMAIN),
            None,
            Some("w1"),
            "orders/create",
            &body,
        ))
        .await,
    );
    unauthenticated(
        t.send(delivery(
            None,
            Some(&good),
            Some("w1"),
            "orders/create",
            &body,
        ))
        .await,
    );
    let tampered = [&body[..], &b" "[..]].concat();
    unauthenticated(
        t.send(delivery(
            Some(DOMAIN),
            Some(&good),
            Some("w1"),
            "orders/create",
            &tampered,
        ))
        .await,
    );

    // Signed, but without its id; then bodies that do not fit their topic.
    let res = t
        .send(delivery(
            Some(DOMAIN),
            Some(&good),
            None,
            "orders/create",
            &body,
        ))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "missing_header");
    for (raw, field) in [
        (&b"{\"id\": "[..], "body"),
        (&br#"{"id": "abc"}"#[..], "id"),
        (&br#"{"id": 1, "currency": "EUR", "created_at": "2024-05-01T10:00:00Z", "total_price": "1.001"}"#[..], "total_price"),
    ] {
        let res = deliver(&t, "orders/create", "w2", raw).await;
        let error = res.assert_error(StatusCode::BAD_REQUEST, "invalid_payload");
        assert_eq!(error["field"], field, "{}", String::from_utf8_lossy(raw));
    }

    // A topic that is not ingested is acknowledged.
    let res = deliver(&t, "orders/delete", "w3", &body).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(res.json()["ignored"].is_string());

    assert_eq!(t.counts(&shop).await, before);
    let order = t
        .app
        .store
        .order_by_external_id(shop.workspace_id, "shopify:1001")
        .await
        .unwrap();
    assert_eq!(order, None);
    for id in ["w1", "w2"] {
        assert!(
            !t.app
                .store
                .inbound_seen(shop.workspace_id, "shopify", id)
                .await
                .unwrap()
        );
    }

    // A disconnected shop's deliveries are refused like a stranger's.
    t.call(
        Method::PATCH,
        "/api/v1/integrations",
        Some(&shop.admin_key),
        Some(json!({ "shopify": null })),
    )
    .await;
    unauthenticated(
        t.send(delivery(
            Some(DOMAIN),
            Some(&good),
            Some("w4"),
            "orders/create",
            &body,
        ))
        .await,
    );
}

#[tokio::test]
async fn the_documented_order_arrives_field_by_field_once() {
    let Some(dir) = samples() else { return };
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let body = sample(&dir, "shopify_orders_create.json");
    let res = deliver(&t, "orders/create", "b5f3c0a6-order-1", &body).await;
    let order_id = processed(&res, "order");

    let order = get_json(&t, &format!("/api/v1/orders/{order_id}"), &shop.read_key).await;
    assert_eq!(order["external_id"], "shopify:820982911946154500");
    assert_eq!(order["number"], "#9999");
    assert_eq!(order["status"], "cancelled");
    assert_eq!(order["currency"], "USD");
    assert_eq!(order["subtotal_minor"], 36997);
    assert_eq!(order["shipping_minor"], 1000);
    assert_eq!(order["tax_minor"], 0);
    assert_eq!(order["discount_minor"], 2000);
    assert_eq!(order["total_minor"], 35997);
    assert_eq!(order["refunded_minor"], 0);
    assert_eq!(
        order["status_url"],
        "https://jsmith.myshopify.com/548380009/orders/123456abcd/authenticate?key=abcdefg"
    );
    assert_eq!(order["fulfilments"], json!([]));
    assert_eq!(order["version"], 1);
    let lines: Vec<_> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].clone(),
                l["sku"].clone(),
                l["title"].clone(),
                l["quantity"].clone(),
                l["unit_price_minor"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (
                json!("487817672276298560"),
                json!("SKU2006-001"),
                json!("Aviator sunglasses"),
                json!(1),
                json!(8999)
            ),
            (
                json!("976318377106520300"),
                json!("SKU2006-020"),
                json!("Mid-century lounger"),
                json!(1),
                json!(15999)
            ),
            (
                json!("315789986012684400"),
                json!("SKU2006-035"),
                json!("Coffee table"),
                json!(1),
                json!(11999)
            ),
        ]
    );
    assert!(
        order["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l.get("product_id").is_none())
    );
    let timeline: Vec<_> = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["by"].as_str().unwrap()))
        .collect();
    assert_eq!(timeline, [("placed", "shopify"), ("cancelled", "shopify")]);
    assert_eq!(order["timeline"][0]["at"], "2022-01-01T00:00:00Z");

    let contact_id = order["contact_id"].as_str().unwrap();
    let contact = get_json(
        &t,
        &format!("/api/v1/contacts/{contact_id}"),
        &shop.read_key,
    )
    .await;
    assert_eq!(contact["external_id"], "shopify:115310627314723950");
    assert_eq!(contact["name"], "John Smith");
    assert_eq!(contact["email"], "john@example.com");
    assert_eq!(contact["phone"], Value::Null);
    assert_eq!(contact["locale"], "en");

    // The same delivery again changes nothing.
    let before = t.counts(&shop).await;
    let replay = deliver(&t, "orders/create", "b5f3c0a6-order-1", &body).await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text());
    assert_eq!(replay.json(), json!({ "duplicate": true }));
    assert_eq!(t.counts(&shop).await, before);
    // An update carrying nothing new writes nothing either.
    let update = deliver(&t, "orders/updated", "b5f3c0a6-order-2", &body).await;
    assert_eq!(processed(&update, "order"), order_id);
    let again = get_json(&t, &format!("/api/v1/orders/{order_id}"), &shop.read_key).await;
    assert_eq!(again, order);
}

#[tokio::test]
async fn tracking_reaches_the_customer_once() {
    let Some(dir) = samples() else { return };
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let order_id = processed(
        &deliver(
            &t,
            "orders/create",
            "o-1",
            &sample(&dir, "shopify_orders_create.json"),
        )
        .await,
        "order",
    );
    let order = get_json(&t, &format!("/api/v1/orders/{order_id}"), &shop.read_key).await;
    let res = t
        .post(
            "/api/v1/conversations",
            &shop.admin_key,
            json!({ "contact_id": order["contact_id"] }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let conversation = res.json()["id"].as_str().unwrap().to_string();

    let fulfilment = sample(&dir, "shopify_fulfillments_update.json");
    let res = deliver(&t, "fulfillments/update", "f-1", &fulfilment).await;
    assert_eq!(processed(&res, "order"), order_id);
    let order = get_json(&t, &format!("/api/v1/orders/{order_id}"), &shop.read_key).await;
    assert_eq!(
        order["fulfilments"],
        json!([{
            "id": "123456",
            "status": "pending",
            "carrier": "UPS",
            "tracking_number": "1z827wk74630",
            "tracking_url": "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1z827wk74630",
            "lines": { "141249953214522980": 1, "866550311766439000": 1 },
            "created_at": "2022-01-01T00:00:00Z"
        }])
    );
    assert_eq!(
        order["status"], "cancelled",
        "a fulfilment does not undo a cancellation"
    );
    let kinds: Vec<_> = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            json!("placed"),
            json!("cancelled"),
            json!("fulfilment_created")
        ]
    );

    let card = wait_for_message(&t, &shop.admin_key, &conversation, |m| {
        m["content"]["type"] == "order"
    })
    .await;
    assert_eq!(card["content"]["order_id"], order_id.as_str());
    assert_eq!(card["content"]["number"], "#9999");
    assert_eq!(card["content"]["tracking_number"], "1z827wk74630");
    assert_eq!(card["content"]["carrier"], "UPS");

    // Shopify sends the same fulfilment again (another delivery): no second card.
    let res = deliver(&t, "fulfillments/update", "f-2", &fulfilment).await;
    assert_eq!(processed(&res, "order"), order_id);
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let cards = messages(&t, &shop.admin_key, &conversation)
        .await
        .into_iter()
        .filter(|m| m["content"]["type"] == "order")
        .count();
    assert_eq!(cards, 1);
}

#[tokio::test]
async fn the_documented_customer_and_cart_arrive_field_by_field() {
    let Some(dir) = samples() else { return };
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let res = deliver(
        &t,
        "customers/create",
        "c-1",
        &sample(&dir, "shopify_customers_create.json"),
    )
    .await;
    let contact_id = processed(&res, "contact");
    let contact = get_json(
        &t,
        &format!("/api/v1/contacts/{contact_id}"),
        &shop.read_key,
    )
    .await;
    assert_eq!(contact["external_id"], "shopify:706405506930370000");
    assert_eq!(contact["name"], "Bob Biller");
    assert_eq!(contact["email"], "bob@biller.com");
    assert_eq!(contact["phone"], Value::Null);
    assert_eq!(contact["anonymous"], false);

    // A storefront cart names nobody: it is kept once a checkout says whose it is.
    let cart = sample(&dir, "shopify_carts_update.json");
    let res = deliver(&t, "carts/update", "k-1", &cart).await;
    assert_eq!(res.json()["ignored"], "the cart names no customer");
    let token = "eeafa272cebfd4b22385bc4b645e762c";
    let checkout = json!({
        "token": "chk-1", "cart_token": token, "currency": "USD",
        "customer": { "id": 706405506930370000u64, "email": "bob@biller.com" },
        "abandoned_checkout_url": "https://jsmith.myshopify.com/checkouts/chk-1/recover",
        "line_items": [],
    });
    let created = deliver_json(&t, "checkouts/create", "k-2", checkout).await;
    let cart_id = created["id"].as_str().unwrap().to_string();
    let res = deliver(&t, "carts/update", "k-3", &cart).await;
    assert_eq!(processed(&res, "cart"), cart_id);

    let cart = get_json(&t, &format!("/api/v1/carts/{cart_id}"), &shop.read_key).await;
    assert_eq!(cart["contact_id"], contact_id.as_str());
    assert_eq!(cart["external_id"], token);
    assert_eq!(cart["status"], "active");
    assert_eq!(cart["currency"], "USD");
    assert_eq!(
        cart["checkout_url"],
        "https://jsmith.myshopify.com/checkouts/chk-1/recover"
    );
    assert_eq!(
        cart["items"],
        json!([{
            "variant_id": "704912205188288500",
            "sku": "example-shirt-s",
            "title": "Example T-Shirt - Small",
            "quantity": 3,
            "unit_price_minor": 1999
        }])
    );
    assert_eq!(cart["subtotal_minor"], 5997);
}

#[tokio::test]
async fn products_join_the_catalog_and_orders_find_them() {
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let product = json!({
        "id": 5, "title": "Shirt", "handle": "shirt", "body_html": "<p>Soft &amp; warm</p>",
        "product_type": "Tops", "tags": "cotton, summer",
        "options": [{"name": "Size", "position": 1}],
        "images": [{"id": 8, "src": "https://cdn.example/shirt.png"}],
        "variants": [{"id": 6, "title": "M", "sku": "SH-M", "price": "10.00", "compare_at_price": "12.00",
                      "option1": "M", "inventory_quantity": 4, "image_id": 8}],
    });
    let res = deliver_json(&t, "products/create", "p-1", product.clone()).await;
    let product_id = res["id"].as_str().unwrap().to_string();
    let stored = get_json(
        &t,
        &format!("/api/v1/products/{product_id}"),
        &shop.read_key,
    )
    .await;
    assert_eq!(stored["external_id"], "shopify:5");
    assert_eq!(stored["title"], "Shirt");
    assert_eq!(stored["description"], "Soft & warm");
    assert_eq!(stored["url"], "https://jsmith.myshopify.com/products/shirt");
    assert_eq!(stored["category"], "Tops");
    assert_eq!(stored["tags"], json!(["cotton", "summer"]));
    assert_eq!(stored["currency"], "USD", "the shop's currency");
    assert_eq!(
        stored["variants"],
        json!([{ "id": "6", "sku": "SH-M", "title": "M", "options": { "Size": "M" },
                 "price_minor": 1000, "compare_at_minor": 1200, "inventory": 4,
                 "image_url": "https://cdn.example/shirt.png" }])
    );

    // An update replaces it in place.
    let mut update = product;
    update["title"] = json!("Cotton shirt");
    let res = deliver_json(&t, "products/update", "p-2", update).await;
    assert_eq!(res["id"], product_id.as_str());
    let stored = get_json(
        &t,
        &format!("/api/v1/products/{product_id}"),
        &shop.read_key,
    )
    .await;
    assert_eq!(stored["title"], "Cotton shirt");

    let res = deliver_json(&t, "orders/paid", "o-1", paid_order(1001)).await;
    let order = get_json(
        &t,
        &format!("/api/v1/orders/{}", res["id"].as_str().unwrap()),
        &shop.read_key,
    )
    .await;
    assert_eq!(order["lines"][0]["product_id"], product_id.as_str());
    assert_eq!(order["lines"][0]["title"], "Shirt — M");
    assert_eq!(order["status"], "paid");
}

fn shopify_with_admin_api(base: &str) -> Integrations {
    Integrations {
        shopify: Some(ShopifySettings {
            shop_domain: DOMAIN.into(),
            webhook_secret: Some(SECRET.into()),
            admin_access_token: Some("shpat_admin".into()),
            admin_api_base: Some(base.to_owned()),
        }),
        stripe: None,
    }
}

/// The `shopify.order_action` jobs queued, claimed as the job runner would.
async fn claim_actions(t: &TestApp) -> Vec<Job> {
    let lease = jiff::SignedDuration::from_secs(60);
    let jobs = t
        .app
        .store
        .claim_jobs(jiff::Timestamp::now(), lease, 100)
        .await
        .unwrap();
    jobs.into_iter().filter(|j| j.kind == JOB_KIND).collect()
}

#[tokio::test]
async fn refunds_and_cancellations_are_carried_out_in_shopify() {
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let api = MockServer::start().await;
    // Written directly: the save-time egress check refuses a local address, which the fake
    // Admin API has.
    t.app
        .store
        .put_integrations(
            shop.workspace_id,
            &shopify_with_admin_api(&format!("{}/admin/api/2025-04", api.uri())),
        )
        .await
        .unwrap();
    let handler = ShopifyOrderActions::new(
        t.app.store.clone(),
        EgressPolicy {
            allow_private: true,
        },
    );
    let res = deliver_json(&t, "orders/paid", "o-1", paid_order(450789469)).await;
    let order_id = res["id"].as_str().unwrap().to_string();

    let refund = act(
        &t,
        &shop.admin_key,
        &order_id,
        json!({ "type": "refund", "amount_minor": 1500, "reason": "damaged", "notify": false }),
    )
    .await;
    assert_eq!(refund.status, StatusCode::OK, "{}", refund.text());
    let jobs = claim_actions(&t).await;
    assert_eq!(jobs.len(), 1);
    let job = &jobs[0];
    let marker = format!("[shoptalk job {}]", job.id);

    let token = || header("X-Shopify-Access-Token", "shpat_admin");
    Mock::given(method("GET"))
        .and(path("/admin/api/2025-04/orders/450789469/refunds.json"))
        .and(token())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "refunds": [] })))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path(
            "/admin/api/2025-04/orders/450789469/refunds/calculate.json",
        ))
        .and(token())
        .and(body_json(
            json!({ "refund": { "currency": "EUR", "refund_line_items": [] } }),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "refund": {
            "transactions": [
                { "order_id": 450789469, "kind": "suggested_refund", "gateway": "bogus",
                  "parent_id": 801038806, "amount": "0.00", "maximum_refundable": "10.00" },
                { "order_id": 450789469, "kind": "suggested_refund", "gateway": "gift_card",
                  "parent_id": 801038807, "amount": "0.00", "maximum_refundable": 15.0 }
            ]
        }})))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/admin/api/2025-04/orders/450789469/refunds.json"))
        .and(token())
        .and(body_json(json!({ "refund": {
            "currency": "EUR",
            "notify": false,
            "note": format!("damaged {marker}"),
            "refund_line_items": [],
            "transactions": [
                { "parent_id": 801038806u64, "amount": "10.00", "kind": "refund", "gateway": "bogus" },
                { "parent_id": 801038807u64, "amount": "5.00", "kind": "refund", "gateway": "gift_card" }
            ]
        }})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({ "refund": { "id": 929361464 } })))
        .expect(1)
        .mount(&api)
        .await;
    handler.run(job).await.unwrap();
    api.verify().await;

    // The queue runs a job at least once: a second run finds the refund and makes none.
    api.reset().await;
    Mock::given(method("GET"))
        .and(path("/admin/api/2025-04/orders/450789469/refunds.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "refunds": [
                { "id": 929361464, "note": format!("damaged {marker}") }
            ]})),
        )
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&api)
        .await;
    handler.run(job).await.unwrap();
    api.verify().await;

    // Cancelling: Shopify's reason and whether it emails the customer.
    api.reset().await;
    let res = deliver_json(&t, "orders/paid", "o-2", paid_order(450789470)).await;
    let second = res["id"].as_str().unwrap().to_string();
    let cancel = act(
        &t,
        &shop.admin_key,
        &second,
        json!({ "type": "cancel", "reason": "Fraud", "notify": true }),
    )
    .await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text());
    let jobs = claim_actions(&t).await;
    assert_eq!(jobs.len(), 1);
    Mock::given(method("GET"))
        .and(path("/admin/api/2025-04/orders/450789470.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "order": { "id": 450789470, "cancelled_at": null } })),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .and(path("/admin/api/2025-04/orders/450789470/cancel.json"))
        .and(token())
        .and(body_json(json!({ "reason": "fraud", "email": true })))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({ "order": { "id": 450789470 } })),
        )
        .expect(1)
        .mount(&api)
        .await;
    handler.run(&jobs[0]).await.unwrap();
    api.verify().await;

    // Shopify's refusals end the job with its reason; its outages are retried.
    for (status, retryable) in [(422, false), (429, true), (503, true)] {
        api.reset().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({ "order": { "cancelled_at": null } })),
            )
            .mount(&api)
            .await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(json!({ "errors": "Order cannot be cancelled" })),
            )
            .mount(&api)
            .await;
        let failure = handler.run(&jobs[0]).await.unwrap_err();
        assert_eq!(failure.retryable, retryable, "{status}: {failure}");
        assert!(
            failure.message.contains(&format!("HTTP {status}")),
            "{failure}"
        );
    }
    api.reset().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({ "order": { "cancelled_at": "2024-05-02T00:00:00Z" } })),
        )
        .mount(&api)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&api)
        .await;
    handler.run(&jobs[0]).await.unwrap();
    api.verify().await;
}

#[tokio::test]
async fn local_actions_and_orders_made_here_call_nothing() {
    let t = TestApp::new().await;
    let shop = connected(&t).await;
    let api = MockServer::start().await;
    t.app
        .store
        .put_integrations(shop.workspace_id, &shopify_with_admin_api(&api.uri()))
        .await
        .unwrap();
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&api)
        .await;
    let handler: Arc<dyn JobHandler> = Arc::new(ShopifyOrderActions::new(
        t.app.store.clone(),
        EgressPolicy {
            allow_private: true,
        },
    ));
    let res = deliver_json(&t, "orders/paid", "o-1", paid_order(1001)).await;
    let order_id = res["id"].as_str().unwrap().to_string();
    let fulfil =
        json!({ "type": "fulfil", "carrier": "DHL", "tracking_number": "JD1", "notify": false });
    let res = act(&t, &shop.admin_key, &order_id, fulfil).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let local = t
        .post(
            "/api/v1/orders",
            &shop.admin_key,
            json!({ "contact_id": shop.visitor_contact_id, "lines": [{ "title": "Tea", "quantity": 1, "unit_price_minor": 400 }] }),
        )
        .await;
    assert_eq!(local.status, StatusCode::CREATED, "{}", local.text());
    let local_id = local.json()["id"].as_str().unwrap().to_string();
    let res = act(
        &t,
        &shop.admin_key,
        &local_id,
        json!({ "type": "cancel", "notify": false }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let jobs = claim_actions(&t).await;
    assert_eq!(
        jobs.len(),
        2,
        "both actions are queued; neither has anything to call"
    );
    for job in &jobs {
        handler.run(job).await.unwrap();
    }
    api.verify().await;
}
