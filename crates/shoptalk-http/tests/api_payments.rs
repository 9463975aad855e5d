//! Payments in chat: pay links for orders, carts and free amounts, the test provider's pay
//! page, and Stripe (Checkout against a local fake, signed webhooks) end to end.

mod commerce;
mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use commerce::*;
use common::*;
use serde_json::{Value, json};
use shoptalk_core::service::Actor;
use shoptalk_http::HttpConfig;
use shoptalk_integrations::stripe::signature;
use shoptalk_types::commerce::{Integrations, NewPayment, StripeSettings};
use shoptalk_types::ids::{CartId, ContactId, WorkspaceId};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const THANK_YOU: &str = "Payment received — thank you!";
const WEBHOOK_SECRET: &str = "whsec_test_payments";
const SESSION_ID: &str = "cs_test_a1b2c3";
const SESSION_URL: &str =
    "https://checkout.stripe.com/c/pay/cs_test_a1b2c3#fidkdWxOYHwnPyd1blpxYHZxWjA0";

// ------------------------------------------------------------------ fixtures

/// A staff-made contact with a conversation, and an order of 2 × 10.00 + 1 × 5.00 EUR.
struct Scene {
    contact: String,
    conversation: String,
    order: Value,
}

async fn scene(t: &TestApp, shop: &Shop) -> Scene {
    let (contact, conversation) = contact_and_conversation(t, &shop.write_key, "ann").await;
    let order = order(
        t,
        &shop.write_key,
        &contact,
        json!([
            { "title": "Mug", "quantity": 2, "unit_price_minor": 1000 },
            { "title": "Spoon", "quantity": 1, "unit_price_minor": 500 }
        ]),
    )
    .await;
    Scene {
        contact,
        conversation,
        order,
    }
}

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

async fn request_payment(t: &TestApp, token: &str, body: Value) -> Res {
    t.post("/api/v1/payments", token, body).await
}

async fn pay(t: &TestApp, payment: &str, card: &str) -> Res {
    t.call(
        Method::POST,
        &format!("/api/v1/pay/{payment}"),
        None,
        Some(json!({ "card_number": card })),
    )
    .await
}

async fn payment_status(t: &TestApp, token: &str, payment: &str) -> String {
    let res = t.get(&format!("/api/v1/payments/{payment}"), token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["status"].as_str().unwrap().to_owned()
}

async fn order_status(t: &TestApp, token: &str, order: &str) -> String {
    let res = t.get(&format!("/api/v1/orders/{order}"), token).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["status"].as_str().unwrap().to_owned()
}

fn is_text(m: &Value, text: &str) -> bool {
    m["content"]["type"] == "text" && m["content"]["text"] == text
}

fn is_order_card(m: &Value, order: &str) -> bool {
    m["content"]["type"] == "order" && m["content"]["order_id"] == order
}

/// The messages the customer sees (private notes left out).
async fn public_messages(t: &TestApp, token: &str, conversation: &str) -> Vec<Value> {
    messages(t, token, conversation)
        .await
        .into_iter()
        .filter(|m| m["private"] == false)
        .collect()
}

// ------------------------------------------------------------------ requesting

#[tokio::test]
async fn an_order_payment_asks_for_its_balance_in_the_conversation() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs & Co").await;
    let s = scene(&t, &shop).await;

    let res = request_payment(
        &t,
        &shop.agent_token,
        json!({ "contact_id": s.contact, "order_id": id(&s.order), "conversation_id": s.conversation }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let payment = res.json();
    assert_eq!(payment["amount_minor"], 2500);
    assert_eq!(payment["currency"], "EUR");
    assert_eq!(payment["description"], "Order #1001");
    assert_eq!(payment["status"], "pending");
    assert_eq!(payment["provider"], "test");
    assert_eq!(payment["order_id"], id(&s.order));
    assert_eq!(
        payment["pay_url"],
        format!("http://shoptalk.test/pay/{}", id(&payment))
    );

    let request = wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        m["content"]["type"] == "payment_request"
    })
    .await;
    assert_eq!(request["sender"]["type"], "system");
    assert_eq!(request["private"], false);
    assert_eq!(
        request["content"],
        json!({
            "type": "payment_request",
            "amount_minor": 2500,
            "currency": "EUR",
            "description": "Order #1001",
            "order_id": id(&s.order),
            "pay_url": payment["pay_url"],
        })
    );

    let read = t
        .get(
            &format!("/api/v1/payments/{}", id(&payment)),
            &shop.read_key,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());
    assert_eq!(read.json(), payment);
}

#[tokio::test]
async fn a_cart_payment_is_its_subtotal() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let product = product(&t, &shop.write_key, "EUR", 1250, None).await;
    let contact = shop.visitor_contact_id.to_string();
    let cart = add(
        &t,
        &shop.visitor_token,
        &contact,
        json!({ "product_id": product, "quantity": 3 }),
    )
    .await;
    assert_eq!(cart.status, StatusCode::OK, "{}", cart.text());
    let cart = cart.json();

    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": contact, "cart_id": id(&cart) }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let payment = res.json();
    assert_eq!(payment["amount_minor"], 3750);
    assert_eq!(payment["currency"], "EUR");
    assert_eq!(payment["description"], "Your cart");
    assert_eq!(payment["cart_id"], id(&cart));
    assert!(payment.get("order_id").is_none());
}

#[tokio::test]
async fn a_free_amount_is_checked_field_by_field_and_changes_nothing_when_refused() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let s = scene(&t, &shop).await;
    let base = json!({ "contact_id": s.contact, "conversation_id": s.conversation });
    let with = |extra: Value| {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let before = messages(&t, &shop.agent_token, &s.conversation).await.len();
    let long = "x".repeat(201);
    for (body, field) in [
        (with(json!({})), "amount_minor"),
        (with(json!({ "amount_minor": 0 })), "amount_minor"),
        (with(json!({ "amount_minor": -5 })), "amount_minor"),
        (
            with(json!({ "amount_minor": 1_000_000_000_001_i64 })),
            "amount_minor",
        ),
        (
            with(json!({ "amount_minor": 100, "currency": "eur" })),
            "currency",
        ),
        (
            with(json!({ "amount_minor": 100, "currency": "XXX" })),
            "currency",
        ),
        (
            with(json!({ "amount_minor": 100, "description": "  " })),
            "description",
        ),
        (
            with(json!({ "amount_minor": 100, "description": long })),
            "description",
        ),
        (
            with(json!({ "order_id": id(&s.order), "amount_minor": 100 })),
            "amount_minor",
        ),
    ] {
        let res = request_payment(&t, &shop.write_key, body.clone()).await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], field, "{body}");
    }
    assert_eq!(
        messages(&t, &shop.agent_token, &s.conversation).await.len(),
        before
    );

    let res = request_payment(
        &t,
        &shop.write_key,
        with(json!({ "amount_minor": 1_000_000_000_000_i64, "currency": "JPY" })),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["description"], "Payment");

    // Without a currency: the shop's.
    let res = request_payment(
        &t,
        &shop.write_key,
        with(json!({ "amount_minor": 990, "description": "Deposit" })),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(
        (
            res.json()["currency"].as_str(),
            res.json()["description"].as_str()
        ),
        (Some("USD"), Some("Deposit"))
    );
}

#[tokio::test]
async fn paid_orders_empty_carts_and_foreign_things_are_refused() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let s = scene(&t, &shop).await;

    let paid = shipped_order(&t, &shop.write_key, &s.contact).await;
    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "order_id": id(&paid) }),
    )
    .await;
    let error = res.assert_error(StatusCode::CONFLICT, "conflict");
    assert!(
        error["message"].as_str().unwrap().contains("already paid"),
        "{error}"
    );

    let cancelled = order(
        &t,
        &shop.write_key,
        &s.contact,
        json!([{ "title": "Mug", "quantity": 1, "unit_price_minor": 1000 }]),
    )
    .await;
    let res = act(
        &t,
        &shop.write_key,
        id(&cancelled),
        json!({ "type": "cancel", "notify": false }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "order_id": id(&cancelled) }),
    )
    .await;
    let error = res.assert_error(StatusCode::CONFLICT, "conflict");
    assert!(
        error["message"].as_str().unwrap().contains("cancelled"),
        "{error}"
    );

    // A cart emptied again.
    let product = product(&t, &shop.write_key, "EUR", 500, None).await;
    let added = add(
        &t,
        &shop.write_key,
        &s.contact,
        json!({ "product_id": product, "quantity": 1 }),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    let emptied = add(
        &t,
        &shop.write_key,
        &s.contact,
        json!({ "product_id": product, "quantity": 0, "set": true }),
    )
    .await;
    assert_eq!(emptied.status, StatusCode::OK, "{}", emptied.text());
    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "cart_id": id(&emptied.json()) }),
    )
    .await;
    let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "cart_id");

    // Another contact's order, a conversation of another contact, another workspace's things.
    let (stranger, strangers_conversation) =
        contact_and_conversation(&t, &shop.write_key, "stranger").await;
    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": stranger, "order_id": id(&s.order) }),
    )
    .await;
    res.assert_error(StatusCode::NOT_FOUND, "not_found");
    let res = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "amount_minor": 100, "conversation_id": strangers_conversation }),
    )
    .await;
    let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "conversation_id");
    let res = request_payment(
        &t,
        &other.write_key,
        json!({ "contact_id": s.contact, "amount_minor": 100 }),
    )
    .await;
    res.assert_error(StatusCode::NOT_FOUND, "not_found");

    // Read keys and visitors may not send pay links.
    let body = json!({ "contact_id": s.contact, "amount_minor": 100 });
    request_payment(&t, &shop.read_key, body.clone())
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    request_payment(&t, &shop.visitor_token, body)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn a_retried_send_with_the_same_key_sends_one_link() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let s = scene(&t, &shop).await;
    let send = || {
        let mut req = request(
            Method::POST,
            "/api/v1/payments",
            Some(&shop.agent_token),
            Some(
                json!({ "contact_id": s.contact, "order_id": id(&s.order), "conversation_id": s.conversation }),
            ),
        );
        req.headers_mut()
            .insert("idempotency-key", "send-link-1".parse().unwrap());
        t.send(req)
    };
    let first = send().await;
    let second = send().await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.text());
    assert_eq!(id(&first.json()), id(&second.json()));
    let requests = messages(&t, &shop.agent_token, &s.conversation)
        .await
        .into_iter()
        .filter(|m| m["content"]["type"] == "payment_request")
        .count();
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_contact_pays_only_for_its_own_cart_or_order() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let visitor: Actor = t.app.authenticate(&shop.visitor_token, None).await.unwrap();
    let product = product(&t, &shop.write_key, "EUR", 800, None).await;
    let me = shop.visitor_contact_id;
    let cart = add(
        &t,
        &shop.visitor_token,
        &me.to_string(),
        json!({ "product_id": product, "quantity": 1 }),
    )
    .await
    .json();
    let cart_id: CartId = id(&cart).parse().unwrap();
    let new = |contact: ContactId, cart: Option<CartId>, amount: Option<i64>| NewPayment {
        contact_id: contact,
        order_id: None,
        cart_id: cart,
        amount_minor: amount,
        currency: None,
        description: None,
        conversation_id: None,
    };

    let own = t
        .app
        .request_payment(&visitor, &new(me, Some(cart_id), None))
        .await
        .unwrap();
    assert_eq!(own.amount_minor, 800);
    let read = t
        .get(&format!("/api/v1/payments/{}", own.id), &shop.visitor_token)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text());

    let free = t
        .app
        .request_payment(&visitor, &new(me, None, Some(100)))
        .await;
    assert!(
        matches!(free, Err(shoptalk_core::DomainError::Forbidden(_))),
        "{free:?}"
    );
    let (stranger, _) = contact_and_conversation(&t, &shop.write_key, "x").await;
    let stranger: ContactId = stranger.parse().unwrap();
    let foreign = t
        .app
        .request_payment(&visitor, &new(stranger, Some(cart_id), None))
        .await;
    assert!(
        matches!(foreign, Err(shoptalk_core::DomainError::NotFound(_))),
        "{foreign:?}"
    );

    // Someone else's payment is not found for the visitor.
    let theirs = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": stranger, "amount_minor": 100 }),
    )
    .await
    .json();
    t.get(
        &format!("/api/v1/payments/{}", id(&theirs)),
        &shop.visitor_token,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
}

// ------------------------------------------------------------------ the test pay page

#[tokio::test]
async fn the_pay_page_shows_what_is_paid_for_and_nobody_s_data() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs & Co").await;
    let s = scene(&t, &shop).await;
    let payment = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "order_id": id(&s.order) }),
    )
    .await
    .json();

    let res = t
        .call(
            Method::GET,
            &format!("/api/v1/pay/{}", id(&payment)),
            None,
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.json();
    assert_eq!(page["id"], id(&payment));
    assert_eq!(page["shop_name"], "Mugs & Co");
    assert_eq!(page["description"], "Order #1001");
    assert_eq!(page["amount_minor"], 2500);
    assert_eq!(page["currency"], "EUR");
    assert_eq!(page["status"], "pending");
    assert_eq!(page["provider"], "test");
    assert_eq!(page["order_number"], "1001");
    assert_eq!(
        page["lines"],
        json!([
            { "title": "Mug", "quantity": 2, "unit_price_minor": 1000 },
            { "title": "Spoon", "quantity": 1, "unit_price_minor": 500 }
        ])
    );
    let text = res.text();
    assert!(
        !text.contains(&s.contact) && !text.contains("Ann"),
        "{text}"
    );

    t.call(
        Method::GET,
        &format!("/api/v1/pay/{}", shoptalk_types::ids::PaymentId::new()),
        None,
        None,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_test_card_pays_the_order_and_the_customer_hears_it_once() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let s = scene(&t, &shop).await;
    let hook = webhook(&t, &shop.admin_key, &["payment.updated"]).await;
    let order_id = id(&s.order).to_owned();
    let payment = request_payment(
        &t,
        &shop.agent_token,
        json!({ "contact_id": s.contact, "order_id": order_id, "conversation_id": s.conversation }),
    )
    .await
    .json();

    let res = pay(&t, id(&payment), "4242 4242 4242 4242").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["status"], "paid");
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "paid"
    );
    assert_eq!(order_status(&t, &shop.read_key, &order_id).await, "paid");

    let thanks = wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        is_text(m, THANK_YOU)
    })
    .await;
    let card = wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        is_order_card(m, &order_id)
    })
    .await;
    assert!(card["seq"].as_i64() > thanks["seq"].as_i64());
    assert_eq!(card["content"]["status"], "paid");

    // Paying again is refused and says nothing more.
    let seen = public_messages(&t, &shop.agent_token, &s.conversation).await;
    pay(&t, id(&payment), "4242424242424242")
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(
        public_messages(&t, &shop.agent_token, &s.conversation).await,
        seen
    );

    // The shop's systems heard of each step, oldest last.
    let statuses: Vec<(String, String)> = delivered(&t, &shop.admin_key, &hook)
        .await
        .into_iter()
        .map(|(kind, data)| (kind, data["status"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [("payment.updated", "paid"), ("payment.updated", "pending")]
        .map(|(k, s)| (k.to_owned(), s.to_owned()));
    assert_eq!(statuses, expected);
}

#[tokio::test]
async fn a_paid_cart_becomes_a_paid_order_told_in_the_latest_conversation() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let conversation = visitor_conversation(&t, &shop).await;
    let product = product(&t, &shop.write_key, "EUR", 1250, None).await;
    let contact = shop.visitor_contact_id.to_string();
    let cart = add(
        &t,
        &shop.visitor_token,
        &contact,
        json!({ "product_id": product, "quantity": 2 }),
    )
    .await
    .json();
    let payment = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": contact, "cart_id": id(&cart) }),
    )
    .await
    .json();

    let res = pay(&t, id(&payment), "4242-4242-4242-4242").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let page = res.json();
    assert_eq!(page["status"], "paid");

    let paid = t
        .get(
            &format!("/api/v1/payments/{}", id(&payment)),
            &shop.read_key,
        )
        .await
        .json();
    let order_id = paid["order_id"].as_str().expect("the cart became an order");
    assert_eq!(order_status(&t, &shop.read_key, order_id).await, "paid");
    let order = t
        .get(&format!("/api/v1/orders/{order_id}"), &shop.read_key)
        .await
        .json();
    assert_eq!(order["total_minor"], 2500);
    assert_eq!(order["cart_id"], id(&cart));
    assert_eq!(page["order_number"], order["number"]);
    let cart = t
        .get(&format!("/api/v1/carts/{}", id(&cart)), &shop.read_key)
        .await
        .json();
    assert_eq!(cart["status"], "converted");

    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        is_text(m, THANK_YOU)
    })
    .await;
    wait_for_message(&t, &shop.visitor_token, &conversation, |m| {
        is_order_card(m, order_id)
    })
    .await;
}

#[tokio::test]
async fn paying_an_old_cart_amount_does_not_buy_what_was_added_since() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let conversation = visitor_conversation(&t, &shop).await;
    let product = product(&t, &shop.write_key, "EUR", 1250, None).await;
    let contact = shop.visitor_contact_id.to_string();
    let line = json!({ "product_id": product, "quantity": 1 });
    let cart = add(&t, &shop.visitor_token, &contact, line.clone())
        .await
        .json();
    let payment = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": contact, "cart_id": id(&cart) }),
    )
    .await
    .json();
    assert_eq!(payment["amount_minor"], 1250);
    // Nine more after the link was sent, then the old amount is paid.
    let grown = json!({ "product_id": product, "quantity": 9 });
    add(&t, &shop.visitor_token, &contact, grown).await;

    let res = pay(&t, id(&payment), "4242 4242 4242 4242").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "paid"
    );
    let cart = t
        .get(&format!("/api/v1/carts/{}", id(&cart)), &shop.read_key)
        .await
        .json();
    assert_eq!(
        cart["status"], "active",
        "the grown cart is not sold for the old amount"
    );
    let orders = t
        .get(
            &format!("/api/v1/orders?contact_id={contact}"),
            &shop.read_key,
        )
        .await
        .json();
    assert_eq!(orders["items"].as_array().unwrap().len(), 0);
    // The agents are told to sort it out.
    wait_for_message(&t, &shop.read_key, &conversation, |m| {
        m["private"] == true
            && m["content"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("cart changed"))
    })
    .await;
}

#[tokio::test]
async fn a_declined_card_fails_the_payment_until_a_good_one_pays() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let s = scene(&t, &shop).await;
    let payment = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "order_id": id(&s.order) }),
    )
    .await
    .json();

    let declined = pay(&t, id(&payment), "4000 0000 0000 0002").await;
    let error = declined.assert_error(StatusCode::PAYMENT_REQUIRED, "payment_declined");
    assert!(
        error["message"].as_str().unwrap().contains("declined"),
        "{error}"
    );
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "failed"
    );
    assert_eq!(
        order_status(&t, &shop.read_key, id(&s.order)).await,
        "placed"
    );

    // A number that is no test card changes nothing.
    for bad in ["4111 1111 1111 1111", "", "4242 4242 4242 424x"] {
        let res = pay(&t, id(&payment), bad).await;
        let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(error["field"], "card_number", "{bad:?}");
    }
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "failed"
    );

    let res = pay(&t, id(&payment), "4242 4242 4242 4242").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(order_status(&t, &shop.read_key, id(&s.order)).await, "paid");
}

#[tokio::test]
async fn card_attempts_are_rate_limited_per_client() {
    let t = TestApp::with_config(HttpConfig {
        pay_attempts_per_minute: 2,
        ..HttpConfig::default()
    })
    .await;
    let shop = t.shop("Shop").await;
    let s = scene(&t, &shop).await;
    let payment = request_payment(
        &t,
        &shop.write_key,
        json!({ "contact_id": s.contact, "order_id": id(&s.order) }),
    )
    .await
    .json();
    for _ in 0..2 {
        let res = pay(&t, id(&payment), "1111").await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            res.text()
        );
    }
    let limited = pay(&t, id(&payment), "4242 4242 4242 4242").await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "pending"
    );
}

// ------------------------------------------------------------------ Stripe

/// A fake of Stripe's API that opens one Checkout Session per call.
async fn fake_stripe() -> MockServer {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": SESSION_ID,
            "object": "checkout.session",
            "mode": "payment",
            "payment_status": "unpaid",
            "status": "open",
            "url": SESSION_URL
        })))
        .mount(&stripe)
        .await;
    stripe
}

/// Connects the workspace to Stripe at `api_base` (stored directly: the integrations API
/// refuses loopback URLs, as it should) and makes Stripe its payment provider.
async fn use_stripe(t: &TestApp, shop: &Shop, api_base: &str) {
    let integrations = Integrations {
        shopify: None,
        stripe: Some(StripeSettings {
            secret_key: Some("sk_test_123".into()),
            webhook_secret: Some(WEBHOOK_SECRET.into()),
            api_base: Some(api_base.into()),
        }),
    };
    t.app
        .store
        .put_integrations(shop.workspace_id, &integrations)
        .await
        .unwrap();
    let res = t
        .call(
            Method::PATCH,
            "/api/v1/shop",
            Some(&shop.admin_key),
            Some(json!({ "payment_provider": "stripe" })),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
}

fn stripe_event(id: &str, kind: &str, object: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1_700_000_000,
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind,
        "data": { "object": object }
    }))
    .unwrap()
}

fn completed_session(payment: &str) -> Value {
    json!({
        "id": SESSION_ID,
        "object": "checkout.session",
        "client_reference_id": payment,
        "metadata": { "payment_id": payment, "workspace_id": "w" },
        "mode": "payment",
        "payment_status": "paid",
        "status": "complete",
        "amount_total": 2500,
        "currency": "eur"
    })
}

async fn deliver(t: &TestApp, ws: WorkspaceId, body: &[u8], signature: Option<String>) -> Res {
    let mut req = Request::post(format!("/api/v1/integrations/stripe/webhooks/{ws}"))
        .header("content-type", "application/json");
    if let Some(signature) = signature {
        req = req.header("stripe-signature", signature);
    }
    t.send(req.body(Body::from(body.to_vec())).unwrap()).await
}

fn signed_now(secret: &str, body: &[u8]) -> String {
    signature::header_value(secret, jiff::Timestamp::now().as_second(), body)
}

/// A Stripe workspace with an order whose pay link was sent to the conversation.
async fn stripe_scene(t: &TestApp, stripe: &MockServer) -> (Shop, Scene, Value) {
    let shop = t.shop("Shop").await;
    use_stripe(t, &shop, &stripe.uri()).await;
    let s = scene(t, &shop).await;
    let res = request_payment(
        t,
        &shop.agent_token,
        json!({ "contact_id": s.contact, "order_id": id(&s.order), "conversation_id": s.conversation }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let payment = res.json();
    (shop, s, payment)
}

#[tokio::test]
async fn stripe_end_to_end_from_link_to_paid_order() {
    let t = TestApp::new().await;
    let stripe = fake_stripe().await;
    let (shop, s, payment) = stripe_scene(&t, &stripe).await;
    assert_eq!(payment["provider"], "stripe");
    assert_eq!(payment["provider_ref"], SESSION_ID);
    assert_eq!(payment["pay_url"], SESSION_URL);
    assert_eq!(payment["status"], "pending");
    let request = wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        m["content"]["type"] == "payment_request"
    })
    .await;
    // The link in the message is tracked, and leads to the Checkout Session.
    let sent_link = request["content"]["pay_url"].as_str().unwrap();
    let tracked = sent_link.strip_prefix("http://shoptalk.test").unwrap();
    let followed = t.call(Method::GET, tracked, None, None).await;
    assert!(followed.status.is_redirection(), "{}", followed.text());
    assert_eq!(followed.header("location"), Some(SESSION_URL));

    // The Checkout Session was asked for this payment, with the workspace's key.
    let sent = stripe.received_requests().await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        "Bearer sk_test_123"
    );
    let form: std::collections::BTreeMap<String, String> =
        url::form_urlencoded::parse(&sent[0].body)
            .into_owned()
            .collect();
    assert_eq!(form["client_reference_id"], id(&payment));
    assert_eq!(form["line_items[0][price_data][unit_amount]"], "2500");
    assert_eq!(form["line_items[0][price_data][currency]"], "eur");
    assert_eq!(
        form["success_url"],
        format!("http://shoptalk.test/pay/{}", id(&payment))
    );

    // Test cards do not pay Stripe payments.
    pay(&t, id(&payment), "4242 4242 4242 4242")
        .await
        .assert_error(StatusCode::CONFLICT, "conflict");

    let body = stripe_event(
        "evt_paid_1",
        "checkout.session.completed",
        completed_session(id(&payment)),
    );
    let res = deliver(
        &t,
        shop.workspace_id,
        &body,
        Some(signed_now(WEBHOOK_SECRET, &body)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json(), json!({ "received": true }));
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "paid"
    );
    assert_eq!(order_status(&t, &shop.read_key, id(&s.order)).await, "paid");
    wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        is_text(m, THANK_YOU)
    })
    .await;
    wait_for_message(&t, &shop.agent_token, &s.conversation, |m| {
        is_order_card(m, id(&s.order))
    })
    .await;
    let order = t
        .get(&format!("/api/v1/orders/{}", id(&s.order)), &shop.read_key)
        .await
        .json();
    let paid_entry = order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "paid")
        .cloned()
        .expect("a paid entry");
    assert_eq!(paid_entry["by"], "stripe");

    // Stripe redelivers the same event, and reports the intent too: nothing more happens.
    let seen = public_messages(&t, &shop.agent_token, &s.conversation).await;
    let replay = deliver(
        &t,
        shop.workspace_id,
        &body,
        Some(signed_now(WEBHOOK_SECRET, &body)),
    )
    .await;
    assert_eq!(replay.status, StatusCode::OK, "{}", replay.text());
    let intent = stripe_event(
        "evt_intent_1",
        "payment_intent.succeeded",
        json!({ "id": "pi_1", "object": "payment_intent", "status": "succeeded", "amount": 2500,
                "currency": "eur", "metadata": { "payment_id": id(&payment) } }),
    );
    let res = deliver(
        &t,
        shop.workspace_id,
        &intent,
        Some(signed_now(WEBHOOK_SECRET, &intent)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        public_messages(&t, &shop.agent_token, &s.conversation).await,
        seen
    );
    assert_eq!(stripe.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_payment_intent_success_alone_pays() {
    let t = TestApp::new().await;
    let stripe = fake_stripe().await;
    let (shop, s, payment) = stripe_scene(&t, &stripe).await;
    let body = stripe_event(
        "evt_intent_2",
        "payment_intent.succeeded",
        json!({ "id": "pi_2", "status": "succeeded", "amount": 2500, "currency": "eur",
                "metadata": { "payment_id": id(&payment) }, "latest_charge": "ch_1" }),
    );
    let res = deliver(
        &t,
        shop.workspace_id,
        &body,
        Some(signed_now(WEBHOOK_SECRET, &body)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "paid"
    );
    assert_eq!(order_status(&t, &shop.read_key, id(&s.order)).await, "paid");
}

#[tokio::test]
async fn forged_stale_and_unsigned_deliveries_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    let stripe = fake_stripe().await;
    let (shop, s, payment) = stripe_scene(&t, &stripe).await;
    let body = stripe_event(
        "evt_forged",
        "checkout.session.completed",
        completed_session(id(&payment)),
    );
    let now = jiff::Timestamp::now().as_second();
    let tampered = String::from_utf8(body.clone())
        .unwrap()
        .replace("evt_forged", "evt_forgex")
        .into_bytes();
    let cases: Vec<(&str, &[u8], Option<String>)> = vec![
        ("unsigned", &body, None),
        ("garbled", &body, Some("not a signature".into())),
        (
            "wrong secret",
            &body,
            Some(signature::header_value("whsec_guess", now, &body)),
        ),
        (
            "stale",
            &body,
            Some(signature::header_value(WEBHOOK_SECRET, now - 301, &body)),
        ),
        (
            "tampered",
            &tampered,
            Some(signature::header_value(WEBHOOK_SECRET, now, &body)),
        ),
        (
            "v0 only",
            &body,
            Some(format!(
                "t={now},v0={}",
                signature::sign(WEBHOOK_SECRET, now, &body)
            )),
        ),
    ];
    for (case, body, header) in cases {
        let res = deliver(&t, shop.workspace_id, body, header).await;
        let error = res.assert_error(StatusCode::UNAUTHORIZED, "invalid_signature");
        assert!(!error["message"].as_str().unwrap().is_empty(), "{case}");
    }
    // Signed for this workspace, delivered to another one's endpoint.
    let other = t.shop("Other").await;
    deliver(
        &t,
        other.workspace_id,
        &body,
        Some(signed_now(WEBHOOK_SECRET, &body)),
    )
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "invalid_signature");
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "pending"
    );
    assert_eq!(
        order_status(&t, &shop.read_key, id(&s.order)).await,
        "placed"
    );

    // The refused event id was not recorded: the genuine delivery still applies.
    let res = deliver(
        &t,
        shop.workspace_id,
        &body,
        Some(signed_now(WEBHOOK_SECRET, &body)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "paid"
    );
}

#[tokio::test]
async fn expiry_unknown_types_and_malformed_events() {
    let t = TestApp::new().await;
    let stripe = fake_stripe().await;
    let (shop, _s, payment) = stripe_scene(&t, &stripe).await;
    let ws = shop.workspace_id;
    let signed = |body: &[u8]| Some(signed_now(WEBHOOK_SECRET, body));

    let unknown = stripe_event("evt_other", "customer.created", json!({ "id": "cus_1" }));
    let res = deliver(&t, ws, &unknown, signed(&unknown)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());

    let not_json = b"{\"id\": ".to_vec();
    deliver(&t, ws, &not_json, signed(&not_json))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_event");
    let shapeless = stripe_event(
        "evt_bad",
        "checkout.session.completed",
        json!({ "no_id": true }),
    );
    deliver(&t, ws, &shapeless, signed(&shapeless))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_event");
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "pending"
    );

    let mut session = completed_session(id(&payment));
    session["payment_status"] = "unpaid".into();
    session["status"] = "expired".into();
    let expired = stripe_event("evt_expired", "checkout.session.expired", session);
    let res = deliver(&t, ws, &expired, signed(&expired)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(
        payment_status(&t, &shop.read_key, id(&payment)).await,
        "expired"
    );
}

#[tokio::test]
async fn stripe_failures_are_named_and_leave_no_link_behind() {
    let t = TestApp::new().await;
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": { "type": "invalid_request_error", "message": "Amount must convert to at least 50 cents." }
        })))
        .mount(&stripe)
        .await;
    let shop = t.shop("Shop").await;
    use_stripe(&t, &shop, &stripe.uri()).await;
    let s = scene(&t, &shop).await;
    let before = messages(&t, &shop.agent_token, &s.conversation).await.len();

    let res = request_payment(
        &t,
        &shop.agent_token,
        json!({ "contact_id": s.contact, "amount_minor": 10, "currency": "EUR", "conversation_id": s.conversation }),
    )
    .await;
    let error = res.assert_error(StatusCode::BAD_GATEWAY, "upstream_failed");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("Stripe") && message.contains("at least 50 cents"),
        "{message}"
    );
    assert_eq!(
        messages(&t, &shop.agent_token, &s.conversation).await.len(),
        before
    );

    // Without a secret key, the workspace is told to set Stripe up.
    t.app
        .store
        .put_integrations(shop.workspace_id, &Integrations::default())
        .await
        .unwrap();
    let res = request_payment(
        &t,
        &shop.agent_token,
        json!({ "contact_id": s.contact, "order_id": id(&s.order) }),
    )
    .await;
    let error = res.assert_error(StatusCode::CONFLICT, "conflict");
    assert!(
        error["message"].as_str().unwrap().contains("secret key"),
        "{error}"
    );
}
