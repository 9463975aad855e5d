//! The REST contract as a client relies on it: create → send → read back, idempotent retries,
//! forward-only receipts, pagination, and the operational endpoints.

mod common;

use axum::http::{Method, Request, StatusCode};
use common::*;
use serde_json::{Value, json};
use std::collections::HashSet;

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

#[tokio::test]
async fn contact_conversation_message_round_trip() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let key = shop.admin_key.as_str();

    let contact = t
        .post(
            "/api/v1/contacts",
            key,
            json!({ "external_id": "cust-1", "name": "Ann" }),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.text());
    let contact = contact.json();

    // Upsert by external_id: the second call updates the same contact.
    let again = t
        .post(
            "/api/v1/contacts",
            key,
            json!({ "external_id": "cust-1", "name": "Ann B." }),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(id(&again.json()), id(&contact));
    assert_eq!(again.json()["name"], "Ann B.");

    let conversation = t
        .post(
            "/api/v1/conversations",
            key,
            json!({ "contact_id": id(&contact) }),
        )
        .await;
    assert_eq!(
        conversation.status,
        StatusCode::CREATED,
        "{}",
        conversation.text()
    );
    let conversation_id = id(&conversation.json()).to_string();
    let messages = format!("/api/v1/conversations/{conversation_id}/messages");

    let send = json!({ "client_msg_id": "c1", "content": { "type": "text", "text": "hello" } });
    let first = t.post(&messages, key, send.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let first = first.json();
    assert!(first["id"].is_string());
    assert_eq!(first["seq"], 1);

    // A retry after a lost ack: the original message, nothing new.
    let retry = t.post(&messages, key, send).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.text());
    assert_eq!(retry.json(), first);
    let log = t.get(&format!("{messages}?after_seq=0"), key).await;
    assert_eq!(log.status, StatusCode::OK);
    let items = log.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0], first);

    // The inbox shows it with its preview.
    let inbox = t.get("/api/v1/conversations", key).await.json();
    let listed = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == conversation_id.as_str())
        .expect("the conversation is listed")
        .clone();
    assert_eq!(listed["last_message_preview"], "hello");
    assert_eq!(listed["last_seq"], 1);

    // The default read is the newest page.
    let newest = t.get(&messages, key).await.json();
    assert_eq!(newest["items"].as_array().unwrap().len(), 1);
    t.get(&format!("{messages}?after_seq=0&before_seq=5"), key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn receipts_never_move_backwards() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let visitor = shop.visitor_token.as_str();
    let conversation = t
        .post(
            "/api/v1/conversations",
            visitor,
            json!({ "contact_id": shop.visitor_contact_id }),
        )
        .await;
    assert_eq!(
        conversation.status,
        StatusCode::CREATED,
        "{}",
        conversation.text()
    );
    let conversation_id = id(&conversation.json()).to_string();
    let base = format!("/api/v1/conversations/{conversation_id}");
    let sent = t
        .post(
            &format!("{base}/messages"),
            &shop.agent_token,
            json!({ "content": { "type": "text", "text": "Your order shipped" } }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());

    let read = t
        .post(
            &format!("{base}/receipts"),
            visitor,
            json!({ "kind": "read", "seq": 1 }),
        )
        .await;
    assert_eq!(read.status, StatusCode::NO_CONTENT, "{}", read.text());
    let after_read = t.get(&base, &shop.admin_key).await.json();
    assert_eq!(after_read["contact_read_seq"], 1);

    let stale = t
        .post(
            &format!("{base}/receipts"),
            visitor,
            json!({ "kind": "delivered", "seq": 0 }),
        )
        .await;
    assert_eq!(stale.status, StatusCode::NO_CONTENT, "{}", stale.text());
    let after_stale = t.get(&base, &shop.admin_key).await.json();
    for watermark in [
        "contact_read_seq",
        "contact_delivered_seq",
        "agent_read_seq",
    ] {
        assert_eq!(after_stale[watermark], after_read[watermark], "{watermark}");
    }

    let typing = t
        .post(
            &format!("{base}/typing"),
            visitor,
            json!({ "typing": true }),
        )
        .await;
    assert_eq!(typing.status, StatusCode::NO_CONTENT, "{}", typing.text());
}

#[tokio::test]
async fn pagination_visits_each_conversation_once() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let mut created = HashSet::new();
    for i in 0..5 {
        let (_, conversation) =
            contact_and_conversation(&t, &shop.admin_key, &format!("c{i}")).await;
        created.insert(conversation);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let url = match &cursor {
            Some(c) => format!("/api/v1/conversations?limit=2&cursor={c}"),
            None => "/api/v1/conversations?limit=2".to_string(),
        };
        let page = t.get(&url, &shop.admin_key).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let page = page.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|c| id(c).to_string()));
        cursor = page["next_cursor"].as_str().map(String::from);
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert_eq!(seen.into_iter().collect::<HashSet<_>>(), created);

    t.get("/api/v1/conversations?cursor=garbage", &shop.admin_key)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let me = t
        .get("/api/v1/conversations?assignee=me", &shop.agent_token)
        .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert!(me.json()["items"].as_array().unwrap().is_empty());
    let unassigned = t
        .get(
            "/api/v1/conversations?assignee=none&status=open",
            &shop.admin_key,
        )
        .await;
    assert_eq!(unassigned.json()["items"].as_array().unwrap().len(), 5);
}

fn keyed(path: &str, token: &str, key: &str, body: &Value) -> Request<axum::body::Body> {
    let mut req = request(Method::POST, path, Some(token), Some(body.clone()));
    req.headers_mut()
        .insert("idempotency-key", key.parse().unwrap());
    req
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_response() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let key = shop.admin_key.as_str();
    let before = t.counts(&shop).await;

    let body = json!({ "email": "eve@shop.example", "name": "Eve" });
    let first = t.send(keyed("/api/v1/contacts", key, "k-1", &body)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text());
    let replay = t.send(keyed("/api/v1/contacts", key, "k-1", &body)).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.bytes, first.bytes);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(t.counts(&shop).await.contacts, before.contacts + 1);

    let other = json!({ "email": "mallory@shop.example" });
    t.send(keyed("/api/v1/contacts", key, "k-1", &other))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
    t.send(keyed("/api/v1/contacts", key, "", &other))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "invalid_idempotency_key");

    // Keys belong to their caller: another credential's same key is another request.
    let by_other = t
        .send(keyed("/api/v1/contacts", &shop.write_key, "k-1", &other))
        .await;
    assert_eq!(by_other.status, StatusCode::CREATED, "{}", by_other.text());

    // Conversations.
    let contact_id = first.json()["id"].as_str().unwrap().to_string();
    let conv_body = json!({ "contact_id": contact_id });
    let c1 = t
        .send(keyed("/api/v1/conversations", key, "conv-1", &conv_body))
        .await;
    let c2 = t
        .send(keyed("/api/v1/conversations", key, "conv-1", &conv_body))
        .await;
    assert_eq!(c1.status, StatusCode::CREATED);
    assert_eq!(c2.bytes, c1.bytes);
    let conversation_id = c1.json()["id"].as_str().unwrap().to_string();

    // Messages: the key stands for client_msg_id, so even a restarted server (keys in memory
    // gone) returns the original message.
    let path = format!("/api/v1/conversations/{conversation_id}/messages");
    let msg = json!({ "content": { "type": "text", "text": "once" } });
    let m1 = t.send(keyed(&path, key, "msg-1", &msg)).await;
    assert_eq!(m1.status, StatusCode::CREATED, "{}", m1.text());
    assert_eq!(m1.json()["client_msg_id"], "msg-1");
    let m2 = t.send(keyed(&path, key, "msg-1", &msg)).await;
    assert_eq!(m2.bytes, m1.bytes);
    let restarted = t.restarted_router();
    let m3 = send_to(&restarted, keyed(&path, key, "msg-1", &msg)).await;
    assert_eq!(m3.status, StatusCode::OK, "{}", m3.text());
    assert_eq!(m3.json()["id"], m1.json()["id"]);

    let after = t.counts(&shop).await;
    assert_eq!(after.contacts, before.contacts + 2);
    assert_eq!(after.conversations, before.conversations + 1);
    assert_eq!(after.messages, before.messages + 1);
}

#[tokio::test]
async fn staff_endpoints_work_end_to_end() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let admin = shop.admin_key.as_str();

    let me = t.get("/api/v1/me", &shop.agent_token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], shop.owner_email.as_str());

    let ws = t.get("/api/v1/workspace", admin).await;
    assert_eq!(ws.json()["id"], shop.workspace_id.to_string());
    let patched = t
        .call(
            Method::PATCH,
            "/api/v1/workspace",
            Some(admin),
            Some(json!({ "name": "Renamed" })),
        )
        .await;
    assert_eq!(patched.json()["name"], "Renamed");
    let secret = t.get("/api/v1/workspace/identity-secret", admin).await;
    assert!(
        secret.json()["identity_secret"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );

    let keys = t.get("/api/v1/api-keys", admin).await.json();
    let read_key_id = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["scope"] == "read")
        .map(|k| k["id"].as_str().unwrap().to_string())
        .unwrap();
    let revoked = t
        .call(
            Method::DELETE,
            &format!("/api/v1/api-keys/{read_key_id}"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text());
    t.get("/api/v1/workspace", &shop.read_key)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    let login = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": shop.owner_email, "password": PASSWORD })),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let token = login.json()["token"].as_str().unwrap().to_string();
    let out = t
        .call(Method::POST, "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text());
    t.get("/api/v1/me", &token)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    let hook = t
        .post(
            "/api/v1/webhooks",
            admin,
            json!({ "url": "https://hooks.example.com/x", "events": ["message.created"] }),
        )
        .await;
    assert_eq!(hook.status, StatusCode::CREATED, "{}", hook.text());
    assert!(
        hook.json()["secret"]
            .as_str()
            .unwrap()
            .starts_with("whsec_")
    );
    let hook_id = hook.json()["id"].as_str().unwrap().to_string();
    let deliveries = t
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries?limit=10"),
            admin,
        )
        .await;
    assert_eq!(deliveries.status, StatusCode::OK, "{}", deliveries.text());
}

#[tokio::test]
async fn operations_endpoints() {
    let t = TestApp::new().await;
    let health = t.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (health.status, health.json()),
        (StatusCode::OK, json!({ "status": "ok" }))
    );
    let ready = t.call(Method::GET, "/readyz", None, None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text());

    let shop = t.shop("Shop").await;
    let (_, conversation) = contact_and_conversation(&t, &shop.admin_key, "m").await;
    t.get(
        &format!("/api/v1/conversations/{conversation}"),
        &shop.admin_key,
    )
    .await;
    let metrics = t.call(Method::GET, "/metrics", None, None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics
            .header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text();
    // Labelled by route template, never by the raw URI.
    assert!(text.contains("shoptalk_http_requests_total"), "{text}");
    assert!(
        text.contains(r#"route="/api/v1/conversations/{id}""#),
        "{text}"
    );
    assert!(!text.contains(&conversation), "{text}");
    assert!(
        text.contains("shoptalk_http_request_duration_seconds"),
        "{text}"
    );

    let docs = t.call(Method::GET, "/api/docs", None, None).await;
    assert!(docs.status.is_redirection());
    let index = t
        .call(Method::GET, "/api/docs/index.html", None, None)
        .await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.text().contains("swagger"), "{}", index.text());
    let init = t
        .call(Method::GET, "/api/docs/swagger-initializer.js", None, None)
        .await;
    assert!(init.text().contains("/api/openapi.json"));
}

#[tokio::test]
async fn the_openapi_document_is_3_1_with_bearer_auth() {
    let t = TestApp::new().await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let send = &doc["paths"]["/api/v1/conversations/{id}/messages"]["post"];
    assert!(send["requestBody"].is_object());
    assert!(send["responses"]["201"].is_object());
    assert!(send["responses"]["401"].is_object());
    // Every operation has a unique id (generated clients need them).
    let mut ids = HashSet::new();
    for item in doc["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(op_id) = op["operationId"].as_str() {
                assert!(
                    ids.insert(op_id.to_string()),
                    "duplicate operationId {op_id}"
                );
            }
        }
    }
}

/// A request with an `Origin` header, as a browser sends it.
fn from_origin(path: &str, origin: &str) -> Request<axum::body::Body> {
    Request::get(path)
        .header("origin", origin)
        .body(axum::body::Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_widget_reads_its_configuration_without_credentials() {
    let t = TestApp::new().await;
    let shop = t.shop("Widget Shop").await;
    let config_url = format!("/api/v1/widget/config?widget_key={}", shop.widget_key);

    let config = t.call(Method::GET, &config_url, None, None).await;
    assert_eq!(config.status, StatusCode::OK, "{}", config.text());
    assert_eq!(config.header("cache-control"), Some("no-cache"));
    assert_eq!(
        config.json(),
        json!({
            "workspace_name": "Widget Shop",
            "settings": {"color": "#4f46e5", "position": "right", "sound": true},
            "available": true,
            // Nobody has the agent app open.
            "agents_online": false,
            // The shop's defaults, for formatting prices.
            "shop": {"currency": "USD", "locale": "en-US"},
        })
    );
    let unknown = t
        .call(
            Method::GET,
            "/api/v1/widget/config?widget_key=stw_nope",
            None,
            None,
        )
        .await;
    let err = unknown.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        err["message"].as_str().unwrap().contains("widget key"),
        "{err}"
    );

    // Admins set the widget up; a week without opening hours is never available.
    let widget = json!({
        "color": "#0a7cff",
        "logo_url": "https://cdn.shop.example/logo.svg",
        "greeting": "Hi! Ask us anything.",
        "position": "left",
        "away_message": "We answer tomorrow morning.",
        "business_hours": {"timezone": "Europe/Paris", "days": []},
        "locale": "fr",
        "sound": false
    });
    let patched = t
        .call(
            Method::PATCH,
            "/api/v1/workspace",
            Some(&shop.admin_key),
            Some(json!({ "widget": widget })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    assert_eq!(patched.json()["widget"], widget);
    assert_eq!(
        t.get("/api/v1/workspace", &shop.read_key).await.json()["widget"],
        widget
    );
    let config = t.call(Method::GET, &config_url, None, None).await.json();
    assert_eq!(config["settings"], widget);
    assert_eq!(config["available"], false);

    // Only admins change it; the whole object is replaced, defaults filling the gaps.
    t.call(
        Method::PATCH,
        "/api/v1/workspace",
        Some(&shop.write_key),
        Some(json!({ "widget": {} })),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let reset = t
        .call(
            Method::PATCH,
            "/api/v1/workspace",
            Some(&shop.admin_key),
            Some(json!({ "widget": { "greeting": "Hello" } })),
        )
        .await;
    assert_eq!(
        reset.json()["widget"],
        json!({"color": "#4f46e5", "greeting": "Hello", "position": "right", "sound": true})
    );

    // Allowed origins hold for the configuration as for sessions.
    t.call(
        Method::PATCH,
        "/api/v1/workspace",
        Some(&shop.admin_key),
        Some(json!({ "allowed_origins": ["https://shop.example"] })),
    )
    .await;
    let allowed = t
        .send(from_origin(&config_url, "https://shop.example"))
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text());
    t.send(from_origin(&config_url, "https://evil.example"))
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    t.call(Method::GET, &config_url, None, None)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn agent_presence_lists_every_active_agent() {
    let t = TestApp::new().await;
    let shop = t.shop("Presence").await;
    let bob = t
        .post(
            "/api/v1/agents",
            &shop.admin_key,
            json!({ "email": "bob@shop.example", "name": "Bob", "role": "agent", "password": PASSWORD }),
        )
        .await
        .json();
    let gone = t
        .post(
            "/api/v1/agents",
            &shop.admin_key,
            json!({ "email": "gone@shop.example", "name": "Gone", "role": "agent", "password": PASSWORD }),
        )
        .await
        .json();
    t.call(
        Method::PATCH,
        &format!("/api/v1/agents/{}", id(&gone)),
        Some(&shop.admin_key),
        Some(json!({ "active": false })),
    )
    .await;

    let presence = t.get("/api/v1/agents/presence", &shop.read_key).await;
    assert_eq!(presence.status, StatusCode::OK, "{}", presence.text());
    // No socket is open in these tests: everyone is offline (sockets: ws_chat.rs).
    assert_eq!(
        presence.json(),
        json!([
            {"agent_id": shop.agent_id, "status": "offline"},
            {"agent_id": id(&bob), "status": "offline"},
        ])
    );
}

#[tokio::test]
async fn canned_responses_round_trip() {
    let t = TestApp::new().await;
    let shop = t.shop("Canned").await;
    let other = t.shop("Other").await;
    let agent = shop.agent_token.as_str();
    let create = |shortcut: &str, title: &str| json!({ "shortcut": shortcut, "title": title, "text": "Hi {{contact.first_name}},\nthanks!" });

    let thanks = t
        .post(
            "/api/v1/canned-responses",
            agent,
            create("Thanks", "Thank you"),
        )
        .await;
    assert_eq!(thanks.status, StatusCode::CREATED, "{}", thanks.text());
    let thanks = thanks.json();
    assert_eq!(thanks["shortcut"], "thanks", "shortcuts are lower-cased");
    assert_eq!(thanks["text"], "Hi {{contact.first_name}},\nthanks!");
    assert_eq!(thanks["created_at"], thanks["updated_at"]);
    let hello = t
        .post(
            "/api/v1/canned-responses",
            agent,
            create("hello", "Greeting"),
        )
        .await
        .json();

    // The whole list, by shortcut; the app's `?limit=` is harmless.
    let list = t
        .get("/api/v1/canned-responses?limit=200", &shop.read_key)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    assert_eq!(list.json(), json!([hello.clone(), thanks.clone()]));

    // A shortcut is taken once per workspace: 409 naming the field.
    let taken = t
        .post("/api/v1/canned-responses", agent, create("thanks", "Again"))
        .await;
    let err = taken.assert_error(StatusCode::CONFLICT, "conflict");
    assert_eq!(err["field"], "shortcut");
    let elsewhere = t
        .post(
            "/api/v1/canned-responses",
            &other.admin_key,
            create("thanks", "Theirs"),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::CREATED,
        "{}",
        elsewhere.text()
    );

    let path = format!("/api/v1/canned-responses/{}", id(&thanks));
    let patched = t
        .call(
            Method::PATCH,
            &path,
            Some(agent),
            Some(json!({ "title": "Thanks!" })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    let patched = patched.json();
    assert_eq!(
        (&patched["title"], &patched["shortcut"]),
        (&json!("Thanks!"), &json!("thanks"))
    );
    assert_eq!(patched["created_at"], thanks["created_at"]);
    let clash = t
        .call(
            Method::PATCH,
            &path,
            Some(agent),
            Some(json!({ "shortcut": "hello" })),
        )
        .await;
    assert_eq!(
        clash.assert_error(StatusCode::CONFLICT, "conflict")["field"],
        "shortcut"
    );

    // Another workspace's: not found.
    t.call(
        Method::PATCH,
        &path,
        Some(&other.admin_key),
        Some(json!({ "title": "x" })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.call(Method::DELETE, &path, Some(&other.admin_key), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    let deleted = t.call(Method::DELETE, &path, Some(agent), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    t.call(Method::DELETE, &path, Some(agent), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        t.get("/api/v1/canned-responses", agent).await.json(),
        json!([hello])
    );
}

#[tokio::test]
async fn events_are_recorded_once_and_listed_newest_first() {
    let t = TestApp::new().await;
    let shop = t.shop("Events").await;
    let visitor = shop.visitor_token.as_str();
    let events = format!("/api/v1/contacts/{}/events", shop.visitor_contact_id);

    // The widget records its visitor's events without naming it.
    let batch = json!({ "events": [
        { "id": "e-1", "name": "page_viewed", "properties": { "path": "/shoes" },
          "occurred_at": "2026-01-05T10:00:00Z" },
        { "id": "e-2", "name": "product.viewed", "properties": { "product_id": "p1" },
          "occurred_at": "2026-01-05T10:01:00Z" },
    ]});
    let first = t.post("/api/v1/events", visitor, batch.clone()).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.text());
    assert_eq!(first.json(), json!({ "accepted": 2, "duplicates": 0 }));
    // A retry stores nothing twice.
    let retry = t.post("/api/v1/events", visitor, batch).await;
    assert_eq!(retry.json(), json!({ "accepted": 0, "duplicates": 2 }));

    // The shop's systems name the contact.
    let from_shop = t
        .post(
            "/api/v1/events",
            &shop.write_key,
            json!({ "events": [{ "id": "e-3", "name": "cart_viewed",
                "contact_id": shop.visitor_contact_id }] }),
        )
        .await;
    assert_eq!(from_shop.json(), json!({ "accepted": 1, "duplicates": 0 }));

    // Newest first, a page at a time.
    let page = t.get(&format!("{events}?limit=2"), &shop.read_key).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.json();
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cart_viewed", "product.viewed"]);
    let next = page["next_cursor"].as_str().expect("a second page");
    let rest = t
        .get(&format!("{events}?limit=2&cursor={next}"), &shop.read_key)
        .await
        .json();
    let last = &rest["items"][0];
    assert_eq!(
        (
            &last["id"],
            &last["name"],
            &last["properties"],
            &last["occurred_at"]
        ),
        (
            &json!("e-1"),
            &json!("page_viewed"),
            &json!({ "path": "/shoes" }),
            &json!("2026-01-05T10:00:00Z")
        )
    );
    assert_eq!(last["contact_id"], json!(shop.visitor_contact_id));
    assert!(rest.get("next_cursor").is_none());

    // Visitors don't read events, not even their own; other workspaces find no contact.
    t.get(&events, visitor)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let other = t.shop("Other").await;
    t.get(&events, &other.admin_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn products_round_trip_and_filter() {
    let t = TestApp::new().await;
    let shop = t.shop("Catalog").await;
    let other = t.shop("Other").await;
    let agent = shop.agent_token.as_str();
    let mug = json!({
        "external_id": "mug-1",
        "title": " Blue mug ",
        "description": "Stoneware, 350 ml",
        "url": "https://shop.example/mug",
        "category": "kitchen",
        "tags": ["ceramic"],
        "images": ["https://cdn.example/mug.jpg"],
        "currency": "EUR",
        "localized": { "de": { "title": "Blaue Tasse" } },
        "variants": [
            { "id": "small", "sku": "MUG-S", "title": "Small", "options": { "size": "S" },
              "price_minor": 1200, "compare_at_minor": 1500, "inventory": 0 },
            { "title": "Large", "price_minor": 1800, "inventory": 4 }
        ]
    });
    let created = t.post("/api/v1/products", agent, mug.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    assert_eq!(created["title"], "Blue mug", "trimmed");
    assert_eq!(created["workspace_id"], json!(shop.workspace_id));
    assert_eq!(created["variants"][0]["id"], "small");
    assert!(
        created["variants"][1]["id"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "a missing variant id is generated"
    );
    let path = format!("/api/v1/products/{}", id(&created));
    assert_eq!(t.get(&path, &shop.read_key).await.json(), created);

    // The external id is unique per workspace: 409 naming it.
    let taken = t.post("/api/v1/products", agent, mug.clone()).await;
    assert_eq!(
        taken.assert_error(StatusCode::CONFLICT, "conflict")["field"],
        "external_id"
    );
    let theirs = t
        .post("/api/v1/products", &other.admin_key, mug.clone())
        .await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.text());

    let lamp = t
        .post(
            "/api/v1/products",
            agent,
            json!({ "title": "Lamp", "currency": "EUR",
                    "variants": [{ "title": "One", "price_minor": 5000 }] }),
        )
        .await
        .json();

    let ids = |res: Res| -> Vec<String> {
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        (res.json()["items"].as_array().unwrap().iter())
            .map(|p| id(p).to_string())
            .collect()
    };
    let list = |q: &str| {
        let path = format!("/api/v1/products{q}");
        let t = &t;
        async move { t.get(&path, agent).await }
    };
    assert_eq!(ids(list("").await), [id(&lamp), id(&created)]);
    assert_eq!(ids(list("?q=blue").await), [id(&created)]);
    assert_eq!(ids(list("?q=MUG-S").await), [id(&created)]);
    assert_eq!(ids(list("?category=kitchen").await), [id(&created)]);
    assert_eq!(ids(list("?min_price=2000").await), [id(&lamp)]);
    assert_eq!(ids(list("?max_price=1200").await), [id(&created)]);
    assert_eq!(
        ids(list("?in_stock=true&max_price=1500").await),
        Vec::<String>::new()
    );
    let first = list("?limit=1").await.json();
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    assert_eq!(
        ids(list(&format!("?limit=1&cursor={cursor}")).await),
        [id(&created)]
    );

    // PATCH: absent fields stay, `variants` replaces the list.
    let patched = t
        .call(
            Method::PATCH,
            &path,
            Some(agent),
            Some(json!({ "title": "Red mug",
                         "variants": [{ "id": "only", "title": "One", "price_minor": 999 }] })),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text());
    let patched = patched.json();
    assert_eq!(patched["title"], "Red mug");
    assert_eq!(patched["category"], "kitchen");
    assert_eq!(patched["variants"].as_array().unwrap().len(), 1);
    assert_eq!(patched["created_at"], created["created_at"]);
    assert_eq!(ids(list("?q=red").await), [id(&created)]);
    assert_eq!(ids(list("?q=blue").await), Vec::<String>::new());

    // Another workspace's product: not found.
    t.get(&path, &other.admin_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.call(
        Method::PATCH,
        &path,
        Some(&other.admin_key),
        Some(json!({ "title": "x" })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.call(Method::DELETE, &path, Some(&other.admin_key), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    let deleted = t.call(Method::DELETE, &path, Some(agent), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    t.get(&path, agent)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(ids(list("").await), [id(&lamp)]);
}
