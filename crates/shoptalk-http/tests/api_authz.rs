//! Authorisation, generated from the route table: every route is tried without credentials,
//! as a widget visitor, with a read-only key, and from another workspace.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{Value, json};
use shoptalk_core::service::Capability;
use shoptalk_http::router::{Access, ROUTES, Route, Verb};
use std::collections::BTreeSet;

/// Ids of workspace A's things, to put in paths.
struct Ids {
    agent: String,
    api_key: String,
    canned: String,
    contact: String,
    conversation: String,
    media: String,
    webhook: String,
}

impl Ids {
    fn all(&self) -> [&str; 7] {
        [
            &self.agent,
            &self.api_key,
            &self.canned,
            &self.contact,
            &self.conversation,
            &self.media,
            &self.webhook,
        ]
    }
}

fn method(v: Verb) -> Method {
    match v {
        Verb::Get => Method::GET,
        Verb::Post => Method::POST,
        Verb::Patch => Method::PATCH,
        Verb::Delete => Method::DELETE,
    }
}

/// The route's path with real ids in it.
fn fill(path: &str, ids: &Ids) -> String {
    let id = if path.starts_with("/api/v1/agents/") {
        &ids.agent
    } else if path.starts_with("/api/v1/api-keys/") {
        &ids.api_key
    } else if path.starts_with("/api/v1/canned-responses/") {
        &ids.canned
    } else if path.starts_with("/api/v1/contacts/") {
        &ids.contact
    } else if path.starts_with("/api/v1/conversations/") {
        &ids.conversation
    } else if path.starts_with("/api/v1/media/") {
        &ids.media
    } else if path.starts_with("/api/v1/webhooks/") {
        &ids.webhook
    } else {
        "index.html"
    };
    path.replace("{id}", id).replace("{file}", id)
}

/// A body the route would accept, so a refusal is about who calls, not what is sent.
fn valid_body(route: &Route) -> Option<Value> {
    let body = match (route.method, route.path) {
        (Verb::Get | Verb::Delete, _) => return None,
        (_, "/api/v1/agents/{id}" | "/api/v1/contacts/{id}") => json!({ "name": "Renamed" }),
        (_, "/api/v1/conversations/{id}") => json!({ "status": "resolved" }),
        (_, "/api/v1/conversations/{id}/messages") => {
            json!({ "content": { "type": "text", "text": "hi" } })
        }
        (_, "/api/v1/conversations/{id}/receipts") => json!({ "kind": "read", "seq": 1 }),
        (_, "/api/v1/conversations/{id}/typing") => json!({ "typing": true }),
        // A product id no workspace has: the 404 must come from the scoping, not the body.
        (_, "/api/v1/contacts/{id}/cart/items") => {
            json!({ "product_id": "01a1fe4e-7aab-7065-8d42-2e42854465cf", "quantity": 1 })
        }
        (_, "/api/v1/conversations/{id}/shop-actions") => {
            json!({ "action": { "type": "checkout", "text": "Checkout" } })
        }
        _ => json!({}),
    };
    Some(body)
}

async fn call_route(t: &TestApp, route: &Route, ids: &Ids, token: Option<&str>) -> Res {
    let path = fill(route.path, ids);
    t.call(method(route.method), &path, token, valid_body(route))
        .await
}

/// Workspace A with one of everything.
async fn populate(t: &TestApp, a: &Shop) -> Ids {
    let agent = t
        .post(
            "/api/v1/agents",
            &a.admin_key,
            json!({ "email": "bob@a.example", "name": "Bob", "role": "agent", "password": PASSWORD }),
        )
        .await;
    assert_eq!(agent.status, StatusCode::CREATED, "{}", agent.text());
    let key = t
        .post(
            "/api/v1/api-keys",
            &a.admin_key,
            json!({ "name": "spare", "scope": "write" }),
        )
        .await;
    assert_eq!(key.status, StatusCode::CREATED, "{}", key.text());
    let canned = t
        .post(
            "/api/v1/canned-responses",
            &a.admin_key,
            json!({ "shortcut": "secret", "title": "Secret", "text": "secret of A" }),
        )
        .await;
    assert_eq!(canned.status, StatusCode::CREATED, "{}", canned.text());
    let (contact, conversation) = contact_and_conversation(t, &a.admin_key, "a-1").await;
    let message = t
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &a.admin_key,
            json!({ "content": { "type": "text", "text": "secret of A" } }),
        )
        .await;
    assert_eq!(message.status, StatusCode::CREATED, "{}", message.text());
    let media = t
        .send(
            axum::http::Request::post("/api/v1/media?filename=a.txt")
                .header("authorization", format!("Bearer {}", a.admin_key))
                .body(axum::body::Body::from("media of A"))
                .unwrap(),
        )
        .await;
    assert_eq!(media.status, StatusCode::CREATED, "{}", media.text());
    let webhook = t
        .post(
            "/api/v1/webhooks",
            &a.admin_key,
            json!({ "url": "https://hooks.example.com/a", "events": ["*"] }),
        )
        .await;
    assert_eq!(webhook.status, StatusCode::CREATED, "{}", webhook.text());
    let id = |r: &Res| r.json()["id"].as_str().unwrap().to_string();
    Ids {
        agent: id(&agent),
        api_key: id(&key),
        canned: id(&canned),
        contact,
        conversation,
        media: id(&media),
        webhook: id(&webhook),
    }
}

#[tokio::test]
async fn every_route_enforces_its_rule() {
    let t = TestApp::new().await;
    let a = t.shop("A").await;
    let b = t.shop("B").await;
    let ids = populate(&t, &a).await;
    let before = t.counts(&a).await;

    for route in ROUTES {
        let name = format!("{} {}", route.method.as_str(), route.path);

        // (a) No credentials: 401 envelope, except public routes.
        let anonymous = call_route(&t, route, &ids, None).await;
        assert_ne!(
            anonymous.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{name} is not routed"
        );
        assert_ne!(
            anonymous.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{name}"
        );
        if route.access == Access::Public {
            let body: Option<Value> = serde_json::from_slice(&anonymous.bytes).ok();
            assert_ne!(
                body.as_ref()
                    .and_then(|b| b.pointer("/error/message"))
                    .and_then(Value::as_str),
                Some("no route matches this URL"),
                "{name} is not routed"
            );
        } else {
            anonymous.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
            let bogus = call_route(&t, route, &ids, Some("stk_not-a-real-key")).await;
            bogus.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
        }

        // (b) A widget visitor on a staff route: refused, never 2xx.
        if let Access::Staff(_) = route.access {
            let visitor = call_route(&t, route, &ids, Some(&a.visitor_token)).await;
            assert!(
                matches!(
                    visitor.status,
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                ),
                "{name} as a visitor: {} {}",
                visitor.status,
                visitor.text()
            );
        }

        // (c) A read-only key where writing is needed: 403.
        if let Access::Staff(needed) | Access::Customer(needed) = route.access
            && needed > Capability::Read
        {
            let reader = call_route(&t, route, &ids, Some(&a.read_key)).await;
            reader.assert_error(StatusCode::FORBIDDEN, "forbidden");
        }

        // (d) Workspace B's admin with A's ids: not found, and nothing of A in the body.
        if route.path.contains("{id}") {
            let other = call_route(&t, route, &ids, Some(&b.admin_key)).await;
            other.assert_error(StatusCode::NOT_FOUND, "not_found");
            let text = other.text();
            for id in ids
                .all()
                .into_iter()
                .chain([a.workspace_id.to_string().as_str()])
            {
                assert!(!text.contains(id), "{name} leaked {id}: {text}");
            }
            // B's visitor fares no better.
            let visitor = call_route(&t, route, &ids, Some(&b.visitor_token)).await;
            assert!(
                matches!(
                    visitor.status,
                    StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
                ),
                "{name} as B's visitor: {} {}",
                visitor.status,
                visitor.text()
            );
            assert!(!visitor.text().contains(&ids.conversation));
        }
    }

    // Nothing of A changed on the way.
    assert_eq!(t.counts(&a).await, before);
    let conversation = t
        .get(
            &format!("/api/v1/conversations/{}", ids.conversation),
            &a.admin_key,
        )
        .await;
    assert_eq!(conversation.json()["status"], "open");
    assert_eq!(conversation.json()["last_seq"], 1);
    let canned = t.get("/api/v1/canned-responses", &a.admin_key).await.json();
    assert_eq!(canned[0]["title"], "Secret");
    let agents = t.get("/api/v1/agents", &a.admin_key).await.json();
    assert!(
        agents
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["name"] == "Bob")
    );
}

#[tokio::test]
async fn a_visitor_sees_only_its_own_conversations() {
    let t = TestApp::new().await;
    let a = t.shop("A").await;
    let (_, staff_conversation) = contact_and_conversation(&t, &a.admin_key, "someone").await;
    let own = t
        .post(
            "/api/v1/conversations",
            &a.visitor_token,
            json!({ "contact_id": a.visitor_contact_id }),
        )
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text());
    let listed = t
        .get("/api/v1/conversations", &a.visitor_token)
        .await
        .json();
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![own.json()["id"].as_str().unwrap()]);
    t.get(
        &format!("/api/v1/conversations/{staff_conversation}"),
        &a.visitor_token,
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.post(
        &format!("/api/v1/conversations/{staff_conversation}/messages"),
        &a.visitor_token,
        json!({ "content": { "type": "text", "text": "let me in" } }),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");
}

/// The table and the OpenAPI document describe the same routes: a route served but not in
/// the table (or not documented) fails here.
#[tokio::test]
async fn the_table_and_the_openapi_document_agree() {
    let t = TestApp::new().await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let doc = doc.json();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if [
                "get", "post", "put", "patch", "delete", "head", "options", "trace",
            ]
            .contains(&method.as_str())
            {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.as_str().to_string(), r.path.to_string()))
        .collect();
    assert_eq!(table, documented);
}

#[tokio::test]
async fn unknown_routes_and_methods_get_the_envelope() {
    let t = TestApp::new().await;
    let missing = t.call(Method::GET, "/api/v1/nope", None, None).await;
    missing.assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    assert!(
        missing
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty())
    );
    let wrong = t.call(Method::PUT, "/api/v1/contacts", None, None).await;
    wrong.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}
