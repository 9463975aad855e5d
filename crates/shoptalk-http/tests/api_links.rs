//! Tracked links end to end: what the shop sends is rewritten to `/r/{token}`, opening one
//! redirects to the URL sent (and nowhere else) and counts the click, `link.clicked` reaches
//! a subscribed webhook, and customers' messages and notes are left as written.

mod common;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use serde_json::{Value, json};
use shoptalk_core::store::WebhookRecord;
use shoptalk_jobs::{EgressPolicy, JobRunner, WebhookDeliverer, webhook};
use shoptalk_types::ids::*;
use shoptalk_types::model::Webhook;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the test wiring calls its public URL (`wiring::PUBLIC_URL`).
const TRACKED_PREFIX: &str = "http://shoptalk.test/r/";
const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

fn carousel() -> Value {
    json!({
        "type": "carousel",
        "cards": [
            {"title": "Linen suit", "media": {"url": "https://cdn.shop.example/suit.jpg"}, "actions": [
                {"type": "link", "text": "View", "url": "https://shop.example/p/linen-suit?ref=chat"},
                {"type": "webview", "text": "Sizes", "url": "https://shop.example/sizes"}
            ]},
            {"title": "Straw hat", "actions": [
                {"type": "postback", "text": "More like this", "payload": "similar:hat"}
            ]}
        ]
    })
}

/// Sends `content` as `token`; returns the stored message.
async fn send(
    t: &TestApp,
    token: &str,
    conversation: &str,
    content: Value,
    private: bool,
) -> Value {
    let res = t
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            token,
            json!({ "content": content, "private": private }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    res.json()
}

/// The tokens of the tracked links in a message's content, in order.
fn tokens(message: &Value) -> Vec<String> {
    let text = message["content"].to_string();
    text.split(TRACKED_PREFIX)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

/// Opens `path` as a browser (or as `user_agent`) would.
async fn open(t: &TestApp, method: Method, path: &str, user_agent: Option<&str>) -> Res {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(agent) = user_agent {
        builder = builder.header(header::USER_AGENT, agent);
    }
    t.send(builder.body(Body::empty()).unwrap()).await
}

/// Waits until the link's click count reaches `expected` (clicks are recorded in the
/// background), then checks it stays there.
async fn assert_clicks(t: &TestApp, ws: WorkspaceId, token: &str, expected: u64) {
    let mut count = 0;
    for _ in 0..200 {
        count = t.app.store.link_clicks(ws, token).await.unwrap();
        if count >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    count = count.max(t.app.store.link_clicks(ws, token).await.unwrap());
    assert_eq!(count, expected, "clicks of {token}");
}

#[tokio::test]
async fn links_the_shop_sends_redirect_to_the_url_sent_and_count_people() {
    let t = TestApp::new().await;
    let shop = t.shop("Links").await;
    let (contact_id, conversation) = contact_and_conversation(&t, &shop.admin_key, "c-1").await;
    let message = send(&t, &shop.agent_token, &conversation, carousel(), false).await;

    let found = tokens(&message);
    assert_eq!(found.len(), 2, "{message}");
    let cards = &message["content"]["cards"];
    assert_eq!(
        cards[0]["media"]["url"], "https://cdn.shop.example/suit.jpg",
        "media is never rewritten"
    );
    assert_eq!(cards[1]["actions"][0]["payload"], "similar:hat");

    // The record keeps who was sent the link, where and in which message.
    let record = t.app.store.tracked_link(&found[0]).await.unwrap().unwrap();
    assert_eq!(record.url, "https://shop.example/p/linen-suit?ref=chat");
    assert_eq!(record.workspace_id, shop.workspace_id);
    assert_eq!(record.contact_id.unwrap().to_string(), contact_id);
    assert_eq!(record.conversation_id.unwrap().to_string(), conversation);
    assert_eq!(record.message_id.unwrap().to_string(), message["id"]);

    // A person is redirected to exactly the URL sent, and counted.
    let res = open(&t, Method::GET, &format!("/r/{}", found[0]), Some(BROWSER)).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_eq!(
        res.header("location"),
        Some("https://shop.example/p/linen-suit?ref=chat")
    );
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let res = open(&t, Method::GET, &format!("/r/{}", found[1]), Some(BROWSER)).await;
    assert_eq!(res.header("location"), Some("https://shop.example/sizes"));
    open(&t, Method::GET, &format!("/r/{}", found[0]), Some(BROWSER)).await;

    // Machines are redirected alike but not counted.
    for (method, agent) in [
        (Method::HEAD, Some(BROWSER)),
        (Method::GET, Some("WhatsApp/2.23.20.0 A")),
        (Method::GET, Some("Slackbot-LinkExpanding 1.0")),
        (Method::GET, None),
    ] {
        let res = open(&t, method.clone(), &format!("/r/{}", found[0]), agent).await;
        assert_eq!(res.status, StatusCode::FOUND, "{method} {agent:?}");
    }
    assert_clicks(&t, shop.workspace_id, &found[0], 2).await;
    assert_clicks(&t, shop.workspace_id, &found[1], 1).await;

    // Another workspace sees none of these clicks.
    let other = t.shop("Other").await;
    assert_eq!(
        t.app
            .store
            .link_clicks(other.workspace_id, &found[0])
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn only_stored_tokens_redirect_and_crafted_paths_are_not_found() {
    let t = TestApp::new().await;
    let shop = t.shop("Crafted").await;
    let (_, conversation) = contact_and_conversation(&t, &shop.admin_key, "c-2").await;
    let message = send(&t, &shop.admin_key, &conversation, carousel(), false).await;
    let real = &tokens(&message)[0];
    // Near the longest URI a request can carry.
    let long = "a".repeat(60_000);
    let unknown = format!(
        "{}{}",
        &real[..21],
        if real.ends_with('A') { "B" } else { "A" }
    );
    for path in [
        "/r/",
        "/r//evil.example",
        "/r/%2F%2Fevil.example",
        "/r/%2f%2fevil.example%2f",
        "/r/https:%2F%2Fevil.example",
        "/r/..%2F..%2Fapi%2Fv1%2Fme",
        "/r/%00",
        "/r/%FF%FE",
        &format!("/r/{long}"),
        &format!("/r/{unknown}"),
        &format!("/r/{real}%2F"),
        &format!("/r/{real}/evil.example"),
    ] {
        for method in [Method::GET, Method::HEAD] {
            let res = open(&t, method.clone(), path, Some(BROWSER)).await;
            assert_eq!(
                res.status,
                StatusCode::NOT_FOUND,
                "{method} {}",
                &path[..path.len().min(60)]
            );
            assert_eq!(res.header("location"), None, "{path}");
        }
    }
    let res = open(&t, Method::GET, &format!("/r/{unknown}"), Some(BROWSER)).await;
    res.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_clicks(&t, shop.workspace_id, real, 0).await;
}

#[tokio::test]
async fn customers_messages_notes_and_text_are_left_as_written() {
    let t = TestApp::new().await;
    let shop = t.shop("Untouched").await;
    let conversation = t
        .post(
            "/api/v1/conversations",
            &shop.visitor_token,
            json!({ "contact_id": shop.visitor_contact_id }),
        )
        .await;
    assert_eq!(
        conversation.status,
        StatusCode::CREATED,
        "{}",
        conversation.text()
    );
    let conversation = conversation.json()["id"].as_str().unwrap().to_string();

    let from_customer = json!({"type": "text", "text": "Is https://shop.example/p/1 in stock?"});
    let sent = send(
        &t,
        &shop.visitor_token,
        &conversation,
        from_customer.clone(),
        false,
    )
    .await;
    assert_eq!(sent["content"], from_customer);

    // A private note is for agents: nothing to count.
    let note = send(&t, &shop.agent_token, &conversation, carousel(), true).await;
    assert_eq!(note["content"], carousel());

    // Text keeps the address the shopper reads before opening it.
    let text = json!({"type": "text", "text": "Our size guide: https://shop.example/sizes"});
    let reply = send(&t, &shop.agent_token, &conversation, text.clone(), false).await;
    assert_eq!(reply["content"], text);

    // Our own pay page is not wrapped; a product's link is.
    let pay = json!({"type": "payment_request", "amount_minor": 1500, "currency": "EUR",
        "description": "Order 1001", "pay_url": "http://shoptalk.test/pay/0190a1b2"});
    let sent = send(&t, &shop.agent_token, &conversation, pay.clone(), false).await;
    assert_eq!(sent["content"], pay);
    let product = json!({"type": "product", "product_id": "p1",
        "image_url": "https://cdn.shop.example/p1.jpg", "url": "https://shop.example/p/1"});
    let sent = send(&t, &shop.agent_token, &conversation, product, false).await;
    assert_eq!(
        sent["content"]["image_url"],
        "https://cdn.shop.example/p1.jpg"
    );
    assert_eq!(tokens(&sent).len(), 1, "{sent}");

    // What the customer reads back is what was stored.
    let log = t
        .get(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &shop.visitor_token,
        )
        .await
        .json();
    let first = &log["items"][0];
    assert_eq!(first["content"], from_customer);
}

/// Event bodies a local webhook endpoint received.
type Received = Arc<Mutex<Vec<Value>>>;

async fn webhook_endpoint() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(
                |State(received): State<Received>, Json(event): Json<Value>| async move {
                    received.lock().unwrap().push(event);
                    StatusCode::NO_CONTENT
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received)
}

#[tokio::test]
async fn a_click_is_delivered_to_a_subscribed_webhook() {
    let t = TestApp::new().await;
    let shop = t.shop("Hooks").await;
    let (contact_id, conversation) = contact_and_conversation(&t, &shop.admin_key, "c-3").await;
    let (url, received) = webhook_endpoint().await;
    // Stored directly: the API refuses loopback endpoints, and this one is local.
    t.app
        .store
        .insert_webhook(&WebhookRecord {
            webhook: Webhook {
                id: WebhookId::new(),
                url,
                events: vec!["link.clicked".into()],
                active: true,
                created_at: jiff::Timestamp::now(),
            },
            workspace_id: shop.workspace_id,
            secret: shoptalk_core::auth::new_webhook_secret(),
        })
        .await
        .unwrap();

    let message = send(&t, &shop.agent_token, &conversation, carousel(), false).await;
    let token = tokens(&message)[0].clone();
    let res = open(&t, Method::GET, &format!("/r/{token}"), Some(BROWSER)).await;
    assert_eq!(res.status, StatusCode::FOUND);
    assert_clicks(&t, shop.workspace_id, &token, 1).await;

    let local = EgressPolicy {
        allow_private: true,
    };
    let runner = JobRunner::new(t.app.store.clone()).with_handler(
        webhook::JOB_KIND,
        Arc::new(WebhookDeliverer::new(t.app.store.clone(), local)),
    );
    runner.run_due(jiff::Timestamp::now()).await;

    let events = received.lock().unwrap().clone();
    assert_eq!(events.len(), 1, "only the subscribed event: {events:?}");
    let event = &events[0];
    assert_eq!(event["type"], "link.clicked");
    assert_eq!(event["workspace_id"], shop.workspace_id.to_string());
    let data = event["data"].to_string();
    for expected in [
        token.as_str(),
        "https://shop.example/p/linen-suit?ref=chat",
        &contact_id,
        message["id"].as_str().unwrap(),
    ] {
        assert!(data.contains(expected), "{expected} in {data}");
    }
}
