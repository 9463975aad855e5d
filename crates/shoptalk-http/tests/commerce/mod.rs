//! Fixtures of the commerce tests: catalog products, carts, shipped orders, conversations,
//! and reading what the shop said in them.

#![allow(dead_code)]

use crate::common::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// A product of one variant priced `price_minor`, with `stock` tracked when given.
pub async fn product(
    t: &TestApp,
    token: &str,
    currency: &str,
    price_minor: i64,
    stock: Option<i64>,
) -> String {
    let mut variant = json!({ "id": "default", "title": "Default", "price_minor": price_minor });
    if let Some(stock) = stock {
        variant["inventory"] = json!(stock);
    }
    let res = t
        .post(
            "/api/v1/products",
            token,
            json!({ "title": "Mug", "currency": currency, "variants": [variant] }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// A product with sizes S and M.
pub async fn shirt(t: &TestApp, token: &str) -> String {
    let res = t
        .post(
            "/api/v1/products",
            token,
            json!({
                "title": "Shirt",
                "currency": "EUR",
                "images": ["https://img.example/shirt.png"],
                "variants": [
                    { "id": "s", "title": "S", "price_minor": 1500 },
                    { "id": "m", "title": "M", "price_minor": 1700, "inventory": 2 }
                ]
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

pub async fn add(t: &TestApp, token: &str, contact: &str, body: Value) -> Res {
    t.post(
        &format!("/api/v1/contacts/{contact}/cart/items"),
        token,
        body,
    )
    .await
}

pub async fn patch(t: &TestApp, path: &str, token: &str, body: Value) -> Res {
    t.call(Method::PATCH, path, Some(token), Some(body)).await
}

/// An order of explicit lines, placed by staff.
pub async fn order(t: &TestApp, token: &str, contact: &str, lines: Value) -> Value {
    let res = t
        .post(
            "/api/v1/orders",
            token,
            json!({ "contact_id": contact, "currency": "EUR", "lines": lines }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

pub async fn act(t: &TestApp, token: &str, order: &str, action: Value) -> Res {
    t.post(&format!("/api/v1/orders/{order}/actions"), token, action)
        .await
}

/// An order of two lines (2 × 10.00, 1 × 5.00 EUR), paid and shipped with tracking.
pub async fn shipped_order(t: &TestApp, token: &str, contact: &str) -> Value {
    let placed = order(
        t,
        token,
        contact,
        json!([
            { "title": "Mug", "quantity": 2, "unit_price_minor": 1000 },
            { "title": "Spoon", "quantity": 1, "unit_price_minor": 500 }
        ]),
    )
    .await;
    let id = placed["id"].as_str().unwrap();
    let paid = act(t, token, id, json!({ "type": "mark_paid" })).await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text());
    let shipped = act(
        t,
        token,
        id,
        json!({ "type": "fulfil", "carrier": "DHL", "tracking_number": "JD0123", "notify": false }),
    )
    .await;
    assert_eq!(shipped.status, StatusCode::OK, "{}", shipped.text());
    shipped.json()
}

/// The visitor's own conversation.
pub async fn visitor_conversation(t: &TestApp, shop: &Shop) -> String {
    let res = t
        .post(
            "/api/v1/conversations",
            &shop.visitor_token,
            json!({ "contact_id": shop.visitor_contact_id }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// Every message of a conversation as `token` sees it, oldest first.
pub async fn messages(t: &TestApp, token: &str, conversation: &str) -> Vec<Value> {
    let res = t
        .get(
            &format!("/api/v1/conversations/{conversation}/messages?after_seq=0&limit=200"),
            token,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["items"].as_array().unwrap().clone()
}

/// Waits until the conversation holds a message `matches` accepts (answers posted in the
/// background), and returns it.
pub async fn wait_for_message(
    t: &TestApp,
    token: &str,
    conversation: &str,
    matches: impl Fn(&Value) -> bool,
) -> Value {
    for _ in 0..200 {
        if let Some(m) = messages(t, token, conversation)
            .await
            .into_iter()
            .find(|m| matches(m))
        {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "no such message in {conversation}: {:#?}",
        messages(t, token, conversation).await
    );
}

/// A webhook of the workspace subscribed to `events`; returns its id.
pub async fn webhook(t: &TestApp, admin: &str, events: &[&str]) -> String {
    let res = t
        .post(
            "/api/v1/webhooks",
            admin,
            json!({ "url": "https://hooks.example.com/commerce", "events": events }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_string()
}

/// The events delivered to a webhook, newest first: (type, data).
pub async fn delivered(t: &TestApp, admin: &str, hook: &str) -> Vec<(String, Value)> {
    let res = t
        .get(
            &format!("/api/v1/webhooks/{hook}/deliveries?limit=200"),
            admin,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let mut out = Vec::new();
    for d in res.json()["items"].as_array().unwrap() {
        let id = d["id"].as_str().unwrap().parse().unwrap();
        let (_, _, event) = t.app.store.delivery_for_send(id).await.unwrap().unwrap();
        out.push((event.kind, event.data));
    }
    out
}

/// Where a link in a message leads: links the shop sends are tracked (`/r/<token>`).
pub async fn link_target(t: &TestApp, link: &str) -> String {
    let token = link.rsplit('/').next().unwrap();
    let tracked = t.app.store.tracked_link(token).await.unwrap();
    tracked.map_or_else(|| link.to_string(), |l| l.url)
}
