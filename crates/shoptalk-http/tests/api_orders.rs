//! Orders, what staff do to them, and returns (by API and guided in chat), through the real
//! router over SQLite.

mod commerce;
mod common;

use axum::http::{Method, StatusCode};
use commerce::*;
use common::*;
use serde_json::{Value, json};
use shoptalk_types::commerce::{Integrations, ShopifySettings};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn orders_are_placed_from_lines_and_the_catalog() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let hook = webhook(&t, &shop.admin_key, &["order.created"]).await;
    let mug = product(&t, &shop.admin_key, "EUR", 1250, None).await;
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;

    let res = t
        .post(
            "/api/v1/orders",
            &shop.write_key,
            json!({
                "contact_id": ann,
                "lines": [
                    { "product_id": mug, "quantity": 2 },
                    { "title": "Gift wrap", "quantity": 1, "unit_price_minor": 300 }
                ],
                "shipping_minor": 490,
                "tax_minor": 100,
                "discount_minor": 500,
                "status_url": "https://shop.example/orders/1"
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let order = res.json();
    assert_eq!(order["number"], "1001");
    assert_eq!(order["status"], "placed");
    assert_eq!(order["currency"], "EUR", "the catalog's currency");
    assert_eq!(order["lines"][0]["title"], "Mug");
    assert_eq!(order["lines"][0]["unit_price_minor"], 1250);
    assert_eq!(
        (
            order["lines"][0]["id"].as_str(),
            order["lines"][1]["id"].as_str()
        ),
        (Some("1"), Some("2"))
    );
    assert_eq!(order["subtotal_minor"], 2800);
    assert_eq!(order["total_minor"], 2800 + 490 + 100 - 500);
    assert_eq!(order["timeline"][0]["kind"], "placed");
    assert!(
        order["timeline"][0]["by"]
            .as_str()
            .unwrap()
            .starts_with("api_key:")
    );

    let next = order_with(&t, &shop.write_key, &ann, json!({})).await;
    assert_eq!(next["number"], "1002");
    let numbered = order_with(
        &t,
        &shop.write_key,
        &ann,
        json!({ "number": "A-7", "external_id": "shop-7" }),
    )
    .await;
    assert_eq!(numbered["number"], "A-7");

    let fetched = t
        .get(&format!("/api/v1/orders/{}", id(&order)), &shop.read_key)
        .await;
    assert_eq!(fetched.json(), order);
    let events = delivered(&t, &shop.admin_key, &hook).await;
    assert_eq!(events.len(), 3);
    assert_eq!(events[2].0, "order.created");
    assert_eq!(events[2].1["id"], order["id"]);

    // Retrying with the same Idempotency-Key places nothing new.
    let key_request = || {
        let mut req = request(
            Method::POST,
            "/api/v1/orders",
            Some(&shop.write_key),
            Some(
                json!({ "contact_id": ann, "lines": [{ "title": "Tea", "quantity": 1, "unit_price_minor": 400 }] }),
            ),
        );
        req.headers_mut()
            .insert("idempotency-key", "order-tea".parse().unwrap());
        req
    };
    let first = t.send(key_request()).await;
    let again = t.send(key_request()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(first.json()["id"], again.json()["id"]);
    let all = t
        .get(&format!("/api/v1/orders?contact_id={ann}"), &shop.read_key)
        .await
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 4);
}

/// An order of one explicit line, with `extra` fields.
async fn order_with(t: &TestApp, token: &str, contact: &str, extra: Value) -> Value {
    let mut body = json!({
        "contact_id": contact,
        "lines": [{ "title": "Tea", "quantity": 1, "unit_price_minor": 400 }]
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let res = t.post("/api/v1/orders", token, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

#[tokio::test]
async fn bad_orders_are_refused_naming_the_field() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let mug = product(&t, &shop.admin_key, "EUR", 1250, None).await;
    let dollars = product(&t, &shop.admin_key, "USD", 100, None).await;
    let theirs = product(&t, &other.admin_key, "EUR", 100, None).await;
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let (bob, _) = contact_and_conversation(&t, &shop.admin_key, "bob").await;
    let bobs_cart = add(
        &t,
        &shop.admin_key,
        &bob,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    order_with(&t, &shop.write_key, &ann, json!({ "number": "X1" })).await;
    let tea = json!({ "title": "Tea", "quantity": 1, "unit_price_minor": 400 });

    let cases = [
        (json!({ "lines": [] }), "lines"),
        (
            json!({ "lines": [tea], "cart_id": id(&bobs_cart) }),
            "lines",
        ),
        (json!({ "cart_id": id(&bobs_cart) }), "cart_id"),
        (
            json!({ "lines": [{ "title": "Tea", "quantity": 0, "unit_price_minor": 1 }] }),
            "lines[0].quantity",
        ),
        (
            json!({ "lines": [{ "title": "Tea", "quantity": 1000, "unit_price_minor": 1 }] }),
            "lines[0].quantity",
        ),
        (
            json!({ "lines": [{ "quantity": 1, "unit_price_minor": 1 }] }),
            "lines[0].title",
        ),
        (
            json!({ "lines": [{ "title": "Tea", "quantity": 1 }] }),
            "lines[0].unit_price_minor",
        ),
        (
            json!({ "lines": [{ "title": "Tea", "quantity": 1, "unit_price_minor": -1 }] }),
            "lines[0].unit_price_minor",
        ),
        (
            json!({ "lines": [{ "product_id": theirs, "quantity": 1 }] }),
            "lines[0].product_id",
        ),
        (
            json!({ "lines": [{ "product_id": mug, "variant_id": "xl", "quantity": 1 }] }),
            "lines[0].variant_id",
        ),
        (
            json!({ "lines": [{ "product_id": mug, "quantity": 1 }, { "product_id": dollars, "quantity": 1 }] }),
            "lines[1].product_id",
        ),
        (
            json!({ "lines": [{ "title": "Gold", "quantity": 999, "unit_price_minor": 1_000_000_000_000i64 }] }),
            "lines",
        ),
        (
            json!({ "lines": [tea], "discount_minor": 401 }),
            "discount_minor",
        ),
        (
            json!({ "lines": [tea], "shipping_minor": -1 }),
            "shipping_minor",
        ),
        (json!({ "lines": [tea], "currency": "euro" }), "currency"),
        (
            json!({ "lines": [tea], "status_url": "javascript:alert(1)" }),
            "status_url",
        ),
        (json!({ "lines": [tea], "number": "" }), "number"),
    ];
    for (extra, field) in cases {
        let mut body = json!({ "contact_id": ann });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let res = t
            .post("/api/v1/orders", &shop.write_key, body.clone())
            .await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field, "{body}");
    }
    let taken = t
        .post(
            "/api/v1/orders",
            &shop.write_key,
            json!({ "contact_id": ann, "number": "X1", "lines": [tea] }),
        )
        .await;
    assert_eq!(
        taken.assert_error(StatusCode::CONFLICT, "conflict")["field"],
        "number"
    );
    // Another workspace's contact, or none at all.
    t.post(
        "/api/v1/orders",
        &other.admin_key,
        json!({ "contact_id": ann, "lines": [tea] }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.post(
        "/api/v1/orders",
        &shop.read_key,
        json!({ "contact_id": ann, "lines": [tea] }),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let listed = t
        .get(&format!("/api/v1/orders?contact_id={ann}"), &shop.read_key)
        .await
        .json();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "refused orders were not placed"
    );
    let cart = t
        .get(&format!("/api/v1/carts/{}", id(&bobs_cart)), &shop.read_key)
        .await
        .json();
    assert_eq!(cart["status"], "active");
}

#[tokio::test]
async fn contacts_see_only_their_own_orders() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let me = shop.visitor_contact_id.to_string();
    let mine = order_with(&t, &shop.write_key, &me, json!({})).await;
    let anns = order_with(&t, &shop.write_key, &ann, json!({})).await;

    let listed = t
        .get(
            &format!("/api/v1/orders?contact_id={ann}"),
            &shop.visitor_token,
        )
        .await
        .json();
    let ids: Vec<&Value> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["id"])
        .collect();
    assert_eq!(
        ids,
        vec![&mine["id"]],
        "the filter is forced to the visitor"
    );
    let own = t
        .get(
            &format!("/api/v1/orders/{}", id(&mine)),
            &shop.visitor_token,
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    for token in [&shop.visitor_token, &other.admin_key, &other.visitor_token] {
        let res = t.get(&format!("/api/v1/orders/{}", id(&anns)), token).await;
        res.assert_error(StatusCode::NOT_FOUND, "not_found");
        assert!(!res.text().contains(&ann));
    }
    act(
        &t,
        &other.admin_key,
        &id(&anns),
        json!({ "type": "mark_paid" }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    act(
        &t,
        &shop.visitor_token,
        &id(&mine),
        json!({ "type": "mark_paid" }),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn refunds_partial_then_full_with_notes_messages_and_webhooks() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let hook = webhook(
        &t,
        &shop.admin_key,
        &["order.updated", "order.action_requested"],
    )
    .await;
    let conversation = visitor_conversation(&t, &shop).await;
    let me = shop.visitor_contact_id.to_string();
    let order = shipped_order(&t, &shop.admin_key, &me).await;
    let order_id = id(&order);
    assert_eq!(
        (order["status"].as_str(), order["total_minor"].as_i64()),
        (Some("shipped"), Some(2500))
    );

    let res = act(
        &t,
        &shop.agent_token,
        &order_id,
        json!({ "type": "refund", "amount_minor": 1200, "reason": "damaged" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let refunded = res.json();
    assert_eq!(refunded["status"], "partially_refunded");
    assert_eq!(refunded["refunded_minor"], 1200);
    let entry = refunded["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(entry["summary"], "Refunded 12.00 EUR: damaged");
    assert_eq!(entry["by"], format!("agent:{}", shop.agent_id));

    // Agents see a private note naming who did it; the customer sees a line and the card.
    let agent_name = shop.owner_email.split('@').next().unwrap().to_string();
    let note = format!("{agent_name} refunded 12.00 EUR of order #1001: damaged");
    let staff_view = wait_for_message(&t, &shop.admin_key, &conversation, |m| {
        m["content"]["text"] == note.as_str()
    })
    .await;
    assert_eq!(
        (
            staff_view["private"].as_bool(),
            staff_view["sender"]["type"].as_str()
        ),
        (Some(true), Some("system"))
    );
    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["text"] == "We refunded 12.00 EUR for your order #1001."
    })
    .await;
    let card = wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["type"] == "order" && m["content"]["status"] == "partially_refunded"
    })
    .await;
    assert_eq!(card["content"]["tracking_number"], "JD0123");
    assert_eq!(card["content"]["carrier"], "DHL");
    let customer_view = messages(&t, &shop.visitor_token, &conversation).await;
    assert!(
        customer_view.iter().all(|m| m["private"] != true),
        "notes stay with agents"
    );

    // More than is left names the amount; the rest refunds all.
    let error = act(
        &t,
        &shop.agent_token,
        &order_id,
        json!({ "type": "refund", "amount_minor": 1301 }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "amount_minor");
    for bad in [json!(0), json!(-100)] {
        act(
            &t,
            &shop.agent_token,
            &order_id,
            json!({ "type": "refund", "amount_minor": bad }),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let error = act(
        &t,
        &shop.agent_token,
        &order_id,
        json!({ "type": "refund", "lines": { "9": 1 } }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "lines.9");
    let full = act(
        &t,
        &shop.agent_token,
        &order_id,
        json!({ "type": "refund", "notify": false }),
    )
    .await
    .json();
    assert_eq!(
        (full["status"].as_str(), full["refunded_minor"].as_i64()),
        (Some("refunded"), Some(2500))
    );
    act(
        &t,
        &shop.agent_token,
        &order_id,
        json!({ "type": "refund" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");

    let events = delivered(&t, &shop.admin_key, &hook).await;
    let requested: Vec<&Value> = events
        .iter()
        .filter(|(k, _)| k == "order.action_requested")
        .map(|(_, d)| d)
        .collect();
    // mark_paid, fulfil, two refunds; newest first.
    assert_eq!(requested.len(), 4);
    assert_eq!(
        requested[0]["action"],
        json!({ "type": "refund", "amount_minor": 1300, "reason": null, "lines": {}, "notify": false })
    );
    assert_eq!(requested[1]["action"]["amount_minor"], 1200);
    assert_eq!(requested[1]["by"], format!("agent:{}", shop.agent_id));
    assert_eq!(requested[1]["order"]["refunded_minor"], 1200);
    assert_eq!(
        events.iter().filter(|(k, _)| k == "order.updated").count(),
        4
    );
}

#[tokio::test]
async fn the_order_lifecycle_and_its_refusals() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let conversation = visitor_conversation(&t, &shop).await;
    let me = shop.visitor_contact_id.to_string();
    let admin = &shop.admin_key;

    // Cancel before shipping works once; a cancelled order cannot be paid.
    let early = order_with(&t, admin, &me, json!({})).await;
    let cancelled = act(
        &t,
        admin,
        &id(&early),
        json!({ "type": "cancel", "reason": "duplicate" }),
    )
    .await;
    assert_eq!(cancelled.json()["status"], "cancelled");
    let again = act(&t, admin, &id(&early), json!({ "type": "cancel" })).await;
    assert_eq!(
        again.json()["timeline"].as_array().unwrap().len(),
        2,
        "a second cancel changes nothing"
    );
    act(&t, admin, &id(&early), json!({ "type": "mark_paid" }))
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["text"] == "Your order #1001 was cancelled."
    })
    .await;

    // Nothing to resend or deliver before shipping.
    let order = order_with(&t, admin, &me, json!({})).await;
    let order_id = id(&order);
    act(&t, admin, &order_id, json!({ "type": "resend_tracking" }))
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    act(&t, admin, &order_id, json!({ "type": "mark_delivered" }))
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    act(&t, admin, &order_id, json!({ "type": "refund" }))
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    let paid = act(&t, admin, &order_id, json!({ "type": "mark_paid" }))
        .await
        .json();
    assert_eq!(paid["status"], "paid");
    let bad = act(
        &t,
        admin,
        &order_id,
        json!({ "type": "fulfil", "tracking_url": "ftp://x" }),
    )
    .await;
    assert_eq!(
        bad.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["field"],
        "tracking_url"
    );
    let shipped = act(
        &t,
        admin,
        &order_id,
        json!({ "type": "fulfil", "carrier": "UPS", "tracking_number": "1Z9", "tracking_url": "https://ups.example/1Z9" }),
    )
    .await
    .json();
    assert_eq!(shipped["status"], "shipped");
    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["text"] == "Your order #1002 is on its way."
    })
    .await;

    // Shipped: cancelling is too late.
    let late = act(&t, admin, &order_id, json!({ "type": "cancel" })).await;
    late.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(
        t.get(&format!("/api/v1/orders/{order_id}"), admin)
            .await
            .json()["status"],
        "shipped"
    );

    // Resending tracking sends the card again.
    let before = messages(&t, &shop.visitor_token, &conversation).await.len();
    act(&t, admin, &order_id, json!({ "type": "resend_tracking" })).await;
    let cards = messages(&t, &shop.visitor_token, &conversation).await;
    assert!(cards.len() > before);
    let card = cards
        .iter()
        .rev()
        .find(|m| m["content"]["type"] == "order")
        .unwrap();
    assert_eq!(card["content"]["tracking_number"], "1Z9");
    let link = card["content"]["tracking_url"].as_str().unwrap();
    assert_eq!(link_target(&t, link).await, "https://ups.example/1Z9");

    let delivered_order = act(&t, admin, &order_id, json!({ "type": "mark_delivered" }))
        .await
        .json();
    assert_eq!(delivered_order["status"], "delivered");
    assert_eq!(delivered_order["fulfilments"][0]["status"], "delivered");
    let kinds: Vec<&str> = delivered_order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["placed", "paid", "shipped", "tracking_resent", "delivered"]
    );
    act(&t, admin, &order_id, json!({ "type": "explode" }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn shopify_connected_shops_get_the_action_carried_out_there() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let me = shop.visitor_contact_id.to_string();
    let order = order_with(&t, &shop.admin_key, &me, json!({})).await;
    act(
        &t,
        &shop.admin_key,
        &id(&order),
        json!({ "type": "mark_paid" }),
    )
    .await;
    let queued = |jobs: Vec<shoptalk_core::store::Job>| {
        jobs.into_iter()
            .filter(|j| j.kind == "shopify.order_action")
            .map(|j| j.payload)
            .collect::<Vec<_>>()
    };
    let lease = jiff::SignedDuration::from_secs(60);
    let none = t
        .app
        .store
        .claim_jobs(jiff::Timestamp::now(), lease, 100)
        .await
        .unwrap();
    assert!(
        queued(none).is_empty(),
        "not connected: nothing to carry out"
    );

    let integrations = Integrations {
        shopify: Some(ShopifySettings {
            shop_domain: "example.myshopify.com".into(),
            admin_access_token: Some("shpat_test".into()),
            ..ShopifySettings::default()
        }),
        stripe: None,
    };
    t.app
        .store
        .put_integrations(shop.workspace_id, &integrations)
        .await
        .unwrap();
    act(
        &t,
        &shop.admin_key,
        &id(&order),
        json!({ "type": "cancel", "reason": "fraud", "notify": false }),
    )
    .await;
    let jobs = queued(
        t.app
            .store
            .claim_jobs(jiff::Timestamp::now(), lease, 100)
            .await
            .unwrap(),
    );
    assert_eq!(
        jobs,
        vec![json!({
            "workspace_id": shop.workspace_id,
            "order_id": order["id"],
            "action": { "type": "cancel", "reason": "fraud", "notify": false }
        })]
    );
}

async fn request_return(t: &TestApp, token: &str, body: Value) -> Res {
    t.post("/api/v1/returns", token, body).await
}

async fn move_return(t: &TestApp, token: &str, ret: &str, body: Value) -> Res {
    t.post(&format!("/api/v1/returns/{ret}/transitions"), token, body)
        .await
}

#[tokio::test]
async fn returns_move_through_their_states_and_refund_the_order() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let hook = webhook(&t, &shop.admin_key, &["return.updated"]).await;
    let conversation = visitor_conversation(&t, &shop).await;
    let me = shop.visitor_contact_id.to_string();
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let order = shipped_order(&t, &shop.admin_key, &me).await;
    let anns = shipped_order(&t, &shop.admin_key, &ann).await;
    let unshipped = order_with(&t, &shop.admin_key, &me, json!({})).await;
    let visitor = &shop.visitor_token;

    let base =
        |lines: Value| json!({ "order_id": order["id"], "lines": lines, "reason": "Too small" });
    for (body, field) in [
        (base(json!({})), "lines"),
        (base(json!({ "1": 3 })), "lines.1"),
        (base(json!({ "1": 0 })), "lines.1"),
        (base(json!({ "7": 1 })), "lines.7"),
        (
            json!({ "order_id": order["id"], "lines": { "1": 1 }, "reason": "  " }),
            "reason",
        ),
        (
            json!({ "order_id": order["id"], "lines": { "1": 1 }, "reason": "x".repeat(501) }),
            "reason",
        ),
        (
            json!({ "order_id": order["id"], "lines": { "1": 1 }, "reason": "x", "photos": vec![uuid(); 6] }),
            "photos",
        ),
        (
            json!({ "order_id": order["id"], "lines": { "1": 1 }, "reason": "x", "photos": [uuid()] }),
            "photos[0]",
        ),
    ] {
        let error = request_return(&t, visitor, body.clone())
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field, "{body}");
    }
    for token in [visitor, &other.admin_key] {
        request_return(
            &t,
            token,
            json!({ "order_id": anns["id"], "lines": { "1": 1 }, "reason": "mine now" }),
        )
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    request_return(
        &t,
        visitor,
        json!({ "order_id": unshipped["id"], "lines": { "1": 1 }, "reason": "x" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");

    let created = request_return(&t, visitor, base(json!({ "1": 2 }))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let ret = created.json();
    assert_eq!(ret["status"], "requested");
    let ret_id = id(&ret);
    wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["text"]
            .as_str()
            .is_some_and(|s| s.starts_with("We received your return request for order #1001"))
    })
    .await;
    // Both units of line 1 are being returned now.
    let error = request_return(&t, visitor, base(json!({ "1": 1 })))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "lines.1");
    assert_eq!(
        t.get(&format!("/api/v1/returns/{ret_id}"), visitor)
            .await
            .json(),
        ret
    );
    t.get(&format!("/api/v1/returns/{ret_id}"), &other.admin_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    move_return(&t, visitor, &ret_id, json!({ "status": "approved" }))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");

    // Out of order steps are conflicts; refund_minor only with refunded.
    for skip in ["received", "refunded", "requested"] {
        move_return(&t, &shop.admin_key, &ret_id, json!({ "status": skip }))
            .await
            .assert_error(StatusCode::CONFLICT, "conflict");
    }
    let error = move_return(
        &t,
        &shop.admin_key,
        &ret_id,
        json!({ "status": "approved", "refund_minor": 5 }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "refund_minor");
    for (status, told) in [
        ("approved", "was approved"),
        ("received", "We received the items"),
    ] {
        let moved = move_return(&t, &shop.admin_key, &ret_id, json!({ "status": status })).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
        assert_eq!(moved.json()["status"], status);
        wait_for_message(&t, visitor, &conversation, |m| {
            m["content"]["text"]
                .as_str()
                .is_some_and(|s| s.contains(told))
        })
        .await;
    }
    let error = move_return(
        &t,
        &shop.admin_key,
        &ret_id,
        json!({ "status": "refunded", "refund_minor": 2501 }),
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "refund_minor");
    let refunded = move_return(
        &t,
        &shop.admin_key,
        &ret_id,
        json!({ "status": "refunded", "note": "all good" }),
    )
    .await;
    assert_eq!(refunded.status, StatusCode::OK, "{}", refunded.text());
    assert_eq!(refunded.json()["status"], "refunded");
    let after = t
        .get(&format!("/api/v1/orders/{}", id(&order)), &shop.admin_key)
        .await
        .json();
    assert_eq!(
        (after["status"].as_str(), after["refunded_minor"].as_i64()),
        (Some("partially_refunded"), Some(2000))
    );
    assert_eq!(after["refunds"][0]["lines"], json!({ "1": 2 }));
    wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["text"] == "We refunded 20.00 EUR for your return from order #1001."
    })
    .await;

    // A second return of the other line, rejected with a reason the customer reads.
    let second = request_return(&t, visitor, base(json!({ "2": 1 })))
        .await
        .json();
    let rejected = move_return(
        &t,
        &shop.admin_key,
        &id(&second),
        json!({ "status": "rejected", "note": "worn" }),
    )
    .await;
    assert_eq!(rejected.json()["note"], "worn");
    move_return(
        &t,
        &shop.admin_key,
        &id(&second),
        json!({ "status": "approved" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");
    wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["text"] == "Your return for order #1001 was declined: worn"
    })
    .await;

    let listed = t
        .get(&format!("/api/v1/orders/{}/returns", id(&order)), visitor)
        .await
        .json();
    let statuses: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["refunded", "rejected"]);
    t.get(&format!("/api/v1/orders/{}/returns", id(&anns)), visitor)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let updates = delivered(&t, &shop.admin_key, &hook).await;
    assert_eq!(updates.len(), 6, "two requests and four steps");
}

fn uuid() -> String {
    shoptalk_types::ids::MediaId::new().to_string()
}

async fn press(t: &TestApp, token: &str, conversation: &str, text: &str, payload: &str) {
    let res = t
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            token,
            json!({ "content": { "type": "postback", "text": text, "payload": payload } }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
}

#[tokio::test]
async fn a_return_is_guided_in_chat() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let conversation = visitor_conversation(&t, &shop).await;
    let me = shop.visitor_contact_id.to_string();
    let visitor = &shop.visitor_token;
    let order = shipped_order(&t, &shop.admin_key, &me).await;
    let order_id = id(&order);

    press(&t, visitor, &conversation, "Return an item", "return:start").await;
    let orders = wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["type"] == "list"
    })
    .await;
    let row = &orders["content"]["sections"][0]["rows"][0];
    assert_eq!(row["id"], format!("return:order:{order_id}"));
    assert_eq!(row["title"], "Order #1001");

    press(
        &t,
        visitor,
        &conversation,
        "Order #1001",
        &format!("return:order:{order_id}"),
    )
    .await;
    let lines = wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["type"] == "list"
            && m["content"]["body"] == "Which item would you like to return?"
    })
    .await;
    let rows = lines["content"]["sections"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], format!("return:line:{order_id}:1"));
    assert_eq!(rows[0]["title"], "Mug");

    press(
        &t,
        visitor,
        &conversation,
        "Mug",
        &format!("return:line:{order_id}:1"),
    )
    .await;
    let reasons = wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["text"] == "Why are you returning Mug?"
    })
    .await;
    let damaged = &reasons["content"]["quick_replies"][0];
    assert_eq!(
        damaged["payload"],
        format!("return:reason:{order_id}:1:damaged")
    );

    press(
        &t,
        visitor,
        &conversation,
        "Arrived damaged",
        damaged["payload"].as_str().unwrap(),
    )
    .await;
    wait_for_message(&t, visitor, &conversation, |m| {
        m["content"]["text"]
            .as_str()
            .is_some_and(|s| s.starts_with("We received your return request for order #1001"))
    })
    .await;
    let returns = t
        .get(&format!("/api/v1/orders/{order_id}/returns"), visitor)
        .await
        .json();
    assert_eq!(returns[0]["lines"], json!({ "1": 2 }));
    assert_eq!(returns[0]["reason"], "Arrived damaged");

    // Someone else's order, or a line already returned: an apology, nothing created.
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let anns = shipped_order(&t, &shop.admin_key, &ann).await;
    press(
        &t,
        visitor,
        &conversation,
        "Sneaky",
        &format!("return:reason:{}:1:damaged", id(&anns)),
    )
    .await;
    press(
        &t,
        visitor,
        &conversation,
        "Again",
        &format!("return:line:{order_id}:1"),
    )
    .await;
    let sorry = |m: &Value| {
        m["content"]["text"]
            .as_str()
            .is_some_and(|s| s.starts_with("Sorry"))
    };
    wait_for_message(&t, visitor, &conversation, sorry).await;
    for _ in 0..100 {
        if messages(&t, visitor, &conversation)
            .await
            .iter()
            .filter(|m| sorry(m))
            .count()
            == 2
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(
        messages(&t, visitor, &conversation)
            .await
            .iter()
            .filter(|m| sorry(m))
            .count(),
        2
    );
    let theirs = t
        .get(
            &format!("/api/v1/orders/{}/returns", id(&anns)),
            &shop.admin_key,
        )
        .await
        .json();
    assert_eq!(theirs, json!([]));
}
