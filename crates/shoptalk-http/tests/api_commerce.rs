//! Shop settings, carts, behaviour events that move carts, and shopping inside messages,
//! through the real router over SQLite.

mod commerce;
mod common;

use axum::extract::ConnectInfo;
use axum::http::{Method, StatusCode};
use commerce::*;
use common::*;
use serde_json::{Value, json};
use std::net::SocketAddr;

#[tokio::test]
async fn shop_settings_are_read_by_staff_and_changed_by_admins() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let settings = t.get("/api/v1/shop", &shop.read_key).await;
    assert_eq!(settings.status, StatusCode::OK, "{}", settings.text());
    assert_eq!(
        settings.json(),
        json!({ "currency": "USD", "locale": "en-US", "abandon_after_minutes": 60, "payment_provider": "test" })
    );
    patch(
        &t,
        "/api/v1/shop",
        &shop.write_key,
        json!({ "currency": "EUR" }),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");

    let changed = patch(
        &t,
        "/api/v1/shop",
        &shop.admin_key,
        json!({ "currency": "EUR", "locale": "de-de", "abandon_after_minutes": 30 }),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["locale"], "de-DE");

    for (body, field) in [
        (json!({ "currency": "eur" }), "currency"),
        (json!({ "currency": "XYZ" }), "currency"),
        (json!({ "locale": "<script>" }), "locale"),
        (
            json!({ "abandon_after_minutes": 4 }),
            "abandon_after_minutes",
        ),
        (
            json!({ "abandon_after_minutes": 43201 }),
            "abandon_after_minutes",
        ),
        (
            json!({ "abandon_after_minutes": -5 }),
            "abandon_after_minutes",
        ),
        (json!({ "colour": "red" }), "colour"),
    ] {
        let refused = patch(&t, "/api/v1/shop", &shop.admin_key, body.clone()).await;
        let error = refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field, "{body}");
    }
    let after = t.get("/api/v1/shop", &shop.admin_key).await.json();
    assert_eq!(
        (
            after["currency"].as_str(),
            after["locale"].as_str(),
            after["abandon_after_minutes"].as_u64()
        ),
        (Some("EUR"), Some("de-DE"), Some(30)),
        "refused patches change nothing"
    );

    // The widget formats prices the shop's way.
    let config = t
        .call(
            Method::GET,
            &format!("/api/v1/widget/config?widget_key={}", shop.widget_key),
            None,
            None,
        )
        .await;
    assert_eq!(config.status, StatusCode::OK, "{}", config.text());
    assert_eq!(
        config.json()["shop"],
        json!({ "currency": "EUR", "locale": "de-DE" })
    );
}

#[tokio::test]
async fn carts_fill_from_the_catalog() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let shirt = shirt(&t, &shop.admin_key).await;
    let me = shop.visitor_contact_id.to_string();
    let visitor = &shop.visitor_token;

    let res = add(
        &t,
        visitor,
        &me,
        json!({ "product_id": shirt, "variant_id": "m", "quantity": 1 }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let cart = res.json();
    assert_eq!(cart["status"], "active");
    assert_eq!(cart["currency"], "EUR");
    assert_eq!(cart["items"][0]["title"], "Shirt — M");
    assert_eq!(cart["items"][0]["unit_price_minor"], 1700);
    assert_eq!(
        cart["items"][0]["image_url"],
        "https://img.example/shirt.png"
    );
    assert_eq!(cart["version"], 1);

    // No variant named: the first; adding again merges into the line.
    add(
        &t,
        visitor,
        &me,
        json!({ "product_id": shirt, "quantity": 1 }),
    )
    .await;
    let cart = add(
        &t,
        visitor,
        &me,
        json!({ "product_id": shirt, "variant_id": "s", "quantity": 2 }),
    )
    .await
    .json();
    assert_eq!(cart["items"].as_array().unwrap().len(), 2);
    assert_eq!(cart["items"][1]["quantity"], 3);
    assert_eq!(cart["subtotal_minor"], 1700 + 3 * 1500);

    // Setting 0 removes the line.
    let cart = add(
        &t,
        visitor,
        &me,
        json!({ "product_id": shirt, "variant_id": "m", "quantity": 0, "set": true }),
    )
    .await
    .json();
    assert_eq!(cart["items"].as_array().unwrap().len(), 1);
    assert_eq!(cart["subtotal_minor"], 4500);

    // The open cart, by contact and by id.
    let open = t.get(&format!("/api/v1/contacts/{me}/cart"), visitor).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.text());
    assert_eq!(open.json(), cart);
    let by_id = t
        .get(
            &format!("/api/v1/carts/{}", cart["id"].as_str().unwrap()),
            visitor,
        )
        .await;
    assert_eq!(by_id.json(), cart);
}

#[tokio::test]
async fn cart_changes_that_break_a_rule_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let shirt = shirt(&t, &shop.admin_key).await;
    let dollars = product(&t, &shop.admin_key, "USD", 900, None).await;
    let theirs = product(&t, &other.admin_key, "EUR", 900, None).await;
    let me = shop.visitor_contact_id.to_string();
    let visitor = &shop.visitor_token;
    add(
        &t,
        visitor,
        &me,
        json!({ "product_id": shirt, "variant_id": "s", "quantity": 999 }),
    )
    .await;
    let before = t
        .get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .json();

    for (body, field, says) in [
        (
            json!({ "product_id": shirt, "variant_id": "xl", "quantity": 1 }),
            "variant_id",
            "not a variant",
        ),
        (
            json!({ "product_id": uuid(), "quantity": 1 }),
            "product_id",
            "not a product",
        ),
        (
            json!({ "product_id": theirs, "quantity": 1 }),
            "product_id",
            "not a product",
        ),
        (
            json!({ "product_id": "nope", "quantity": 1 }),
            "product_id",
            "",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": 0 }),
            "quantity",
            "1 to 999",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": 1000 }),
            "quantity",
            "1 to 999",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": 1000, "set": true }),
            "quantity",
            "0 to 999",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": -3 }),
            "quantity",
            "",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": 4294967296u64 }),
            "quantity",
            "",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "s", "quantity": 1 }),
            "quantity",
            "at most 999",
        ),
        (
            json!({ "product_id": shirt, "variant_id": "m", "quantity": 3 }),
            "quantity",
            "only 2 left",
        ),
        (
            json!({ "product_id": dollars, "quantity": 1 }),
            "product_id",
            "one currency",
        ),
        (
            json!({ "product_id": shirt, "quantity": 1, "price": 1 }),
            "price",
            "",
        ),
    ] {
        let res = add(&t, visitor, &me, body.clone()).await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field, "{body}");
        assert!(
            error["message"].as_str().unwrap().contains(says),
            "{body}: {error}"
        );
    }
    let after = t
        .get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .json();
    assert_eq!(after, before);
}

fn uuid() -> String {
    shoptalk_types::ids::ProductId::new().to_string()
}

#[tokio::test]
async fn carts_are_their_contacts_own() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let mug = product(&t, &shop.admin_key, "EUR", 900, None).await;
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let cart = add(
        &t,
        &shop.write_key,
        &ann,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await;
    assert_eq!(cart.status, StatusCode::OK, "{}", cart.text());
    let cart_id = cart.json()["id"].as_str().unwrap().to_string();

    // Another contact (the visitor) and another workspace see nothing of it.
    for token in [&shop.visitor_token, &other.admin_key, &other.visitor_token] {
        t.get(&format!("/api/v1/carts/{cart_id}"), token)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        t.get(&format!("/api/v1/contacts/{ann}/cart"), token)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        add(&t, token, &ann, json!({ "product_id": mug, "quantity": 1 }))
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    patch(
        &t,
        &format!("/api/v1/carts/{cart_id}"),
        &other.admin_key,
        json!({ "external_id": "x" }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.get("/api/v1/carts", &shop.visitor_token)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let unchanged = t
        .get(&format!("/api/v1/carts/{cart_id}"), &shop.read_key)
        .await
        .json();
    assert_eq!(unchanged["items"][0]["quantity"], 1);
    assert!(unchanged.get("external_id").is_none());

    // Staff list carts, filtered.
    let listed = t
        .get(
            &format!("/api/v1/carts?contact_id={ann}&status=active"),
            &shop.read_key,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    let listed = listed.json();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], cart_id.as_str());
    let none = t
        .get("/api/v1/carts?status=converted", &shop.read_key)
        .await
        .json();
    assert_eq!(none["items"], json!([]));
    t.get("/api/v1/carts?status=lost", &shop.read_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get(
        &format!("/api/v1/contacts/{}/cart", shop.visitor_contact_id),
        &shop.visitor_token,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn staff_set_checkout_links_and_external_ids() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let mug = product(&t, &shop.admin_key, "EUR", 900, None).await;
    let (ann, _) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let (bob, _) = contact_and_conversation(&t, &shop.admin_key, "bob").await;
    let a = add(
        &t,
        &shop.admin_key,
        &ann,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    let b = add(
        &t,
        &shop.admin_key,
        &bob,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    let path = |c: &Value| format!("/api/v1/carts/{}", c["id"].as_str().unwrap());

    let set = patch(
        &t,
        &path(&a),
        &shop.write_key,
        json!({ "checkout_url": "https://shop.example/checkout/a", "external_id": "cart-a" }),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text());
    assert_eq!(
        set.json()["checkout_url"],
        "https://shop.example/checkout/a"
    );
    assert_eq!(set.json()["version"], 2);
    for bad in [
        "javascript:alert(1)",
        "/checkout",
        "https://shop.example/a b",
    ] {
        let error = patch(
            &t,
            &path(&a),
            &shop.write_key,
            json!({ "checkout_url": bad }),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], "checkout_url");
    }
    let taken = patch(
        &t,
        &path(&b),
        &shop.write_key,
        json!({ "external_id": "cart-a" }),
    )
    .await;
    let error = taken.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(error["field"], "external_id");
    patch(
        &t,
        &path(&a),
        &shop.visitor_token,
        json!({ "external_id": "mine" }),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn concurrent_adds_to_one_cart_lose_nothing() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let mug = product(&t, &shop.admin_key, "EUR", 900, None).await;
    let me = shop.visitor_contact_id.to_string();
    let mut tasks = Vec::new();
    for quantity in 1..=20u32 {
        let router = t.router.clone();
        let path = format!("/api/v1/contacts/{me}/cart/items");
        let body = json!({ "product_id": mug, "quantity": quantity });
        let token = shop.visitor_token.clone();
        tasks.push(tokio::spawn(async move {
            let mut req = request(Method::POST, &path, Some(&token), Some(body));
            req.extensions_mut()
                .insert(ConnectInfo(CLIENT.parse::<SocketAddr>().unwrap()));
            send_to(&router, req).await
        }));
    }
    for task in tasks {
        let res = task.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    }
    let cart = t
        .get(&format!("/api/v1/contacts/{me}/cart"), &shop.visitor_token)
        .await
        .json();
    assert_eq!(cart["items"][0]["quantity"], (1..=20).sum::<u32>());
    assert_eq!(cart["version"], 20, "one version per add");
    assert_eq!(cart["subtotal_minor"], 210 * 900);
}

#[tokio::test]
async fn a_converted_cart_never_changes_and_the_next_add_opens_a_new_one() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let mug = product(&t, &shop.admin_key, "EUR", 900, None).await;
    let me = shop.visitor_contact_id.to_string();
    let first = add(
        &t,
        &shop.visitor_token,
        &me,
        json!({ "product_id": mug, "quantity": 2 }),
    )
    .await
    .json();
    let first_id = first["id"].as_str().unwrap();
    let placed = t
        .post(
            "/api/v1/orders",
            &shop.write_key,
            json!({ "contact_id": me, "cart_id": first_id }),
        )
        .await;
    assert_eq!(placed.status, StatusCode::CREATED, "{}", placed.text());
    let order = placed.json();
    assert_eq!(order["total_minor"], 1800);
    assert_eq!(order["cart_id"], first_id);

    let converted = t
        .get(&format!("/api/v1/carts/{first_id}"), &shop.visitor_token)
        .await
        .json();
    assert_eq!(converted["status"], "converted");
    assert_eq!(converted["order_id"], order["id"]);
    t.get(&format!("/api/v1/contacts/{me}/cart"), &shop.visitor_token)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    patch(
        &t,
        &format!("/api/v1/carts/{first_id}"),
        &shop.write_key,
        json!({ "external_id": "late" }),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "conflict");
    // Ordering the same cart again answers with its order; a new add opens a new cart.
    let again = t
        .post(
            "/api/v1/orders",
            &shop.write_key,
            json!({ "contact_id": me, "cart_id": first_id }),
        )
        .await;
    assert_eq!(again.json()["id"], order["id"]);
    let second = add(
        &t,
        &shop.visitor_token,
        &me,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    assert_ne!(second["id"], first["id"]);
    assert_eq!(second["items"][0]["quantity"], 1);
    let still = t
        .get(&format!("/api/v1/carts/{first_id}"), &shop.visitor_token)
        .await
        .json();
    assert_eq!(still, converted);
}

#[tokio::test]
async fn abandoned_carts_come_back_when_changed() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let hook = webhook(&t, &shop.admin_key, &["cart.abandoned", "cart.updated"]).await;
    let mug = product(&t, &shop.admin_key, "EUR", 900, None).await;
    let me = shop.visitor_contact_id.to_string();
    let cart = add(
        &t,
        &shop.visitor_token,
        &me,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    // Nothing is idle yet.
    assert_eq!(t.app.abandon_idle_carts().await.unwrap(), 0);
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
    let abandoned = t.app.store.abandon_idle_carts(later, 100).await.unwrap();
    assert_eq!(abandoned.len(), 1);
    let open = t
        .get(&format!("/api/v1/contacts/{me}/cart"), &shop.visitor_token)
        .await
        .json();
    assert_eq!(open["status"], "abandoned");

    let back = add(
        &t,
        &shop.visitor_token,
        &me,
        json!({ "product_id": mug, "quantity": 1 }),
    )
    .await
    .json();
    assert_eq!(
        (back["id"].clone(), back["status"].as_str()),
        (cart["id"].clone(), Some("active"))
    );
    assert_eq!(back["items"][0]["quantity"], 2);
    let kinds: Vec<String> = delivered(&t, &shop.admin_key, &hook)
        .await
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(kinds.contains(&"cart.abandoned".to_string()), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "cart.updated").count(),
        2,
        "{kinds:?}"
    );
}

async fn track(t: &TestApp, token: &str, events: Value) -> Value {
    let res = t
        .post("/api/v1/events", token, json!({ "events": events }))
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    res.json()
}

#[tokio::test]
async fn behaviour_events_move_the_cart() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let shirt = shirt(&t, &shop.admin_key).await;
    let me = shop.visitor_contact_id.to_string();
    let visitor = &shop.visitor_token;
    let events = json!([
        { "id": "e1", "name": "added_to_cart", "properties": { "product_id": shirt, "variant_id": "s", "quantity": 3 } },
        { "id": "e2", "name": "removed_from_cart", "properties": { "product_id": shirt, "variant_id": "s", "quantity": 1 } },
        { "id": "e3", "name": "added_to_cart", "properties": { "product_id": uuid() } },
        { "id": "e4", "name": "added_to_cart", "properties": { "product_id": shirt, "quantity": "lots" } },
        { "id": "e5", "name": "page_viewed" }
    ]);
    assert_eq!(track(&t, visitor, events.clone()).await["accepted"], 5);
    let cart = t
        .get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .json();
    assert_eq!(cart["items"].as_array().unwrap().len(), 1);
    assert_eq!(cart["items"][0]["quantity"], 2);

    // A retried call is recorded as duplicates and moves nothing.
    assert_eq!(track(&t, visitor, events).await["duplicates"], 5);
    let again = t
        .get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .json();
    assert_eq!(again, cart);
    // Every event was stored, the unknown product's too.
    let stored = t
        .get(&format!("/api/v1/contacts/{me}/events"), &shop.read_key)
        .await
        .json();
    assert_eq!(stored["items"].as_array().unwrap().len(), 5);

    track(
        &t,
        visitor,
        json!([{ "id": "e6", "name": "checkout_started", "properties": { "checkout_url": "https://shop.example/checkout/9" } }]),
    )
    .await;
    let cart = t
        .get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .json();
    assert_eq!(cart["checkout_url"], "https://shop.example/checkout/9");

    // Staff report for a contact; an order placed converts the open cart.
    track(
        &t,
        &shop.write_key,
        json!([{ "id": "e7", "name": "order_placed", "contact_id": me, "properties": { "order_id": "shop-77" } }]),
    )
    .await;
    let converted = t
        .get(
            &format!("/api/v1/carts/{}", cart["id"].as_str().unwrap()),
            visitor,
        )
        .await
        .json();
    assert_eq!(converted["status"], "converted");
    t.get(&format!("/api/v1/contacts/{me}/cart"), visitor)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

async fn press(t: &TestApp, token: &str, conversation: &str, action: Value) -> Res {
    t.post(
        &format!("/api/v1/conversations/{conversation}/shop-actions"),
        token,
        json!({ "action": action }),
    )
    .await
}

#[tokio::test]
async fn add_to_cart_in_a_message_confirms_the_cart_in_the_conversation() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let hook = webhook(&t, &shop.admin_key, &["cart.updated"]).await;
    let shirt = shirt(&t, &shop.admin_key).await;
    let conversation = visitor_conversation(&t, &shop).await;
    let res = press(
        &t,
        &shop.visitor_token,
        &conversation,
        json!({ "type": "add_to_cart", "text": "Add to cart", "product_id": shirt, "variant_id": "s", "quantity": 2 }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let result = res.json();
    assert_eq!(result["cart"]["items"][0]["quantity"], 2);
    assert!(result.get("payment").is_none());

    let card = wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["type"] == "cart"
    })
    .await;
    assert_eq!(card["sender"]["type"], "system");
    assert_eq!(card["content"]["cart_id"], result["cart"]["id"]);
    assert_eq!(card["content"]["items"][0]["title"], "Shirt — S");
    assert_eq!(
        card["content"]["total"],
        json!({ "amount_minor": 3000, "currency": "EUR" })
    );

    // Staff pressing it act for the conversation's contact.
    let staff = press(
        &t,
        &shop.agent_token,
        &conversation,
        json!({ "type": "add_to_cart", "text": "Add", "product_id": shirt, "variant_id": "s" }),
    )
    .await;
    assert_eq!(staff.status, StatusCode::OK, "{}", staff.text());
    assert_eq!(
        staff.json()["cart"]["contact_id"],
        shop.visitor_contact_id.to_string()
    );
    assert_eq!(staff.json()["cart"]["items"][0]["quantity"], 3);

    let updates = delivered(&t, &shop.admin_key, &hook).await;
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0].1["items"][0]["quantity"], 3, "newest first");
}

#[tokio::test]
async fn shop_actions_are_checked() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let shirt = shirt(&t, &shop.admin_key).await;
    let conversation = visitor_conversation(&t, &shop).await;
    let (_, staff_conversation) = contact_and_conversation(&t, &shop.admin_key, "ann").await;
    let add_shirt = json!({ "type": "add_to_cart", "text": "Add", "product_id": shirt });

    for token in [&shop.visitor_token, &other.admin_key] {
        press(&t, token, &staff_conversation, add_shirt.clone())
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
    for (action, field) in [
        (
            json!({ "type": "link", "text": "Open", "url": "https://shop.example" }),
            "action.type",
        ),
        (json!({ "type": "reply", "text": "Yes" }), "action.type"),
        (
            json!({ "type": "add_to_cart", "text": "Add", "product_id": "p-1" }),
            "action.product_id",
        ),
        (
            json!({ "type": "add_to_cart", "text": "Add", "product_id": uuid() }),
            "action.product_id",
        ),
        (
            json!({ "type": "add_to_cart", "text": "Add", "product_id": shirt, "variant_id": "xl" }),
            "action.variant_id",
        ),
        (
            json!({ "type": "add_to_cart", "text": "Add", "product_id": shirt, "quantity": 0 }),
            "action.quantity",
        ),
        (
            json!({ "type": "buy", "text": "Buy", "product_id": shirt, "quantity": 1 }),
            "action",
        ),
    ] {
        let res = press(&t, &shop.visitor_token, &conversation, action.clone()).await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(
            error["field"].as_str().unwrap().starts_with(field),
            "{action}: {error}"
        );
    }
    // There is no cart to check out, and nothing was posted.
    press(
        &t,
        &shop.visitor_token,
        &conversation,
        json!({ "type": "checkout", "text": "Checkout" }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        messages(&t, &shop.admin_key, &conversation)
            .await
            .is_empty()
    );
    let refused = t
        .post(
            &format!("/api/v1/conversations/{conversation}/shop-actions"),
            &shop.visitor_token,
            json!({ "action": add_shirt, "extra": 1 }),
        )
        .await;
    refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn checkout_shows_the_shops_link_or_asks_for_payment() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let mug = product(&t, &shop.admin_key, "EUR", 1250, None).await;
    let conversation = visitor_conversation(&t, &shop).await;
    let checkout = json!({ "type": "checkout", "text": "Checkout" });

    // Buy now: one unit, and a pay link for the cart in the conversation.
    let bought = press(
        &t,
        &shop.visitor_token,
        &conversation,
        json!({ "type": "buy", "text": "Buy", "product_id": mug }),
    )
    .await;
    assert_eq!(bought.status, StatusCode::OK, "{}", bought.text());
    let bought = bought.json();
    assert_eq!(bought["cart"]["items"][0]["quantity"], 1);
    assert_eq!(bought["payment"]["amount_minor"], 1250);
    assert_eq!(bought["payment"]["cart_id"], bought["cart"]["id"]);
    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["type"] == "payment_request"
    })
    .await;

    // Checkout without a shop link: a pay link again.
    let paying = press(&t, &shop.visitor_token, &conversation, checkout.clone()).await;
    assert_eq!(paying.status, StatusCode::OK, "{}", paying.text());
    assert!(paying.json()["payment"]["pay_url"].is_string());

    // With the shop's checkout link: the cart card carrying it, no payment.
    let cart_id = bought["cart"]["id"].as_str().unwrap();
    patch(
        &t,
        &format!("/api/v1/carts/{cart_id}"),
        &shop.write_key,
        json!({ "checkout_url": "https://shop.example/checkout/c1" }),
    )
    .await;
    let linked = press(
        &t,
        &shop.visitor_token,
        &conversation,
        json!({ "type": "checkout", "text": "Checkout", "cart_id": cart_id }),
    )
    .await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.text());
    assert!(linked.json().get("payment").is_none());
    let card = wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        m["content"]["type"] == "cart" && m["content"]["checkout_url"].is_string()
    })
    .await;
    assert_eq!(card["content"]["items"][0]["quantity"], 1);
    // Links in messages are tracked: the card's link leads to the shop's checkout.
    let link = card["content"]["checkout_url"].as_str().unwrap();
    assert_eq!(
        link_target(&t, link).await,
        "https://shop.example/checkout/c1"
    );
}
