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
