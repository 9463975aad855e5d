//! One wiring for the REST tests: the real router over a real SQLite store in a temp dir, the
//! group committer, the WebSocket hub as fan-out, disk blobs, and the SSRF guard of
//! `shoptalk-jobs`. Requests go through `tower::ServiceExt::oneshot`, no sockets.

#![allow(dead_code)]

#[path = "../wiring/mod.rs"]
mod wiring;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use shoptalk_core::App;
use shoptalk_core::service::{Actor, UrlGuard};
use shoptalk_http::{AppState, HttpConfig};
use shoptalk_jobs::egress::{EgressPolicy, check_url};
use shoptalk_types::ids::*;
use shoptalk_types::model::{LoginRequest, NewApiKey, Scope};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
/// The peer address requests come from unless a test says otherwise.
pub const CLIENT: &str = "192.0.2.10:40000";

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub state: AppState,
    _dir: tempfile::TempDir,
}

/// A response, fully read.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.bytes)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the error envelope with this status and code; returns the envelope's `error`.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", self.text());
        let body = self.json();
        assert_eq!(body["error"]["code"], code, "body: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
        body["error"].clone()
    }
}

/// A workspace with every kind of credential.
pub struct Shop {
    pub workspace_id: WorkspaceId,
    pub widget_key: String,
    /// Admin API key.
    pub admin_key: String,
    pub read_key: String,
    pub write_key: String,
    pub agent_token: String,
    pub agent_id: AgentId,
    pub owner_email: String,
    pub visitor_token: String,
    pub visitor_contact_id: ContactId,
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(HttpConfig::default()).await
    }

    pub async fn with_config(config: HttpConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // The real egress policy: private, loopback and metadata addresses are refused.
        let url_guard: UrlGuard = Arc::new(|url: &str| {
            check_url(url, EgressPolicy::default())
                .map(|u| u.to_string())
                .map_err(|e| e.to_string())
        });
        let state = wiring::app_state(dir.path(), config, url_guard).await;
        let app = state.app.clone();
        Self {
            router: shoptalk_http::router(state.clone()),
            app,
            state,
            _dir: dir,
        }
    }

    /// A second router over the same application: what a restarted process would see (the
    /// in-memory idempotency keys and rate limits are gone, the database is not).
    pub fn restarted_router(&self) -> Router {
        shoptalk_http::router(self.state.clone())
    }

    pub async fn send(&self, mut req: Request<Body>) -> Res {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut()
                .insert(ConnectInfo(CLIENT.parse::<SocketAddr>().unwrap()));
        }
        send_to(&self.router, req).await
    }

    /// A JSON request (`body` serialised) with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        self.send(request(method, path, token, body)).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A workspace with an admin key, a read key, a write key, its owner signed in, and a
    /// widget visitor.
    pub async fn shop(&self, name: &str) -> Shop {
        let owner_email = format!("owner-{}@shop.example", WorkspaceId::new());
        let created = self
            .app
            .create_workspace(name, &owner_email, Some(PASSWORD))
            .await
            .unwrap();
        let admin = self.app.authenticate(&created.api_key, None).await.unwrap();
        let key = |scope| {
            let app = self.app.clone();
            async move {
                app.create_api_key(
                    &admin,
                    &NewApiKey {
                        name: format!("{scope:?} key"),
                        scope,
                    },
                )
                .await
                .unwrap()
                .secret
            }
        };
        let read_key = key(Scope::Read).await;
        let write_key = key(Scope::Write).await;
        let login = self
            .app
            .login(&LoginRequest {
                email: owner_email.clone(),
                password: PASSWORD.into(),
                workspace_id: Some(created.workspace_id),
            })
            .await
            .unwrap();
        let session = self
            .call(
                Method::POST,
                "/api/v1/widget/sessions",
                None,
                Some(json!({ "widget_key": created.widget_key })),
            )
            .await;
        assert_eq!(session.status, StatusCode::CREATED, "{}", session.text());
        let session = session.json();
        Shop {
            workspace_id: created.workspace_id,
            widget_key: created.widget_key,
            admin_key: created.api_key,
            read_key,
            write_key,
            agent_token: login.token,
            agent_id: login.agent.id,
            owner_email,
            visitor_token: session["token"].as_str().unwrap().to_string(),
            visitor_contact_id: session["contact_id"].as_str().unwrap().parse().unwrap(),
        }
    }

    /// How many things the workspace holds, to check that refused requests changed nothing.
    pub async fn counts(&self, shop: &Shop) -> Counts {
        let admin: Actor = self.app.authenticate(&shop.admin_key, None).await.unwrap();
        let mut counts = Counts::default();
        let mut cursor: Option<String> = None;
        loop {
            let page = self
                .app
                .list_contacts(&admin, None, None, Some(200), cursor.as_deref())
                .await
                .unwrap();
            counts.contacts += page.items.len();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        loop {
            let filter = shoptalk_core::service::ConversationFilter {
                limit: Some(200),
                cursor: cursor.take(),
                ..Default::default()
            };
            let page = self.app.list_conversations(&admin, filter).await.unwrap();
            counts.conversations += page.items.len();
            counts.messages += page.items.iter().map(|c| c.last_seq).sum::<i64>();
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        counts.agents = self.app.list_agents(&admin).await.unwrap().len();
        counts.api_keys = self.app.list_api_keys(&admin).await.unwrap().len();
        counts.webhooks = self.app.list_webhooks(&admin).await.unwrap().len();
        counts
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub contacts: usize,
    pub conversations: usize,
    pub messages: i64,
    pub agents: usize,
    pub api_keys: usize,
    pub webhooks: usize,
}

pub fn request(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(&body).unwrap()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

pub async fn send_to(router: &Router, req: Request<Body>) -> Res {
    let response = router.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Res {
        status,
        headers,
        bytes,
    }
}

/// A contact and a conversation with it, created through the API; returns their ids.
pub async fn contact_and_conversation(
    t: &TestApp,
    token: &str,
    external_id: &str,
) -> (String, String) {
    let contact = t
        .post(
            "/api/v1/contacts",
            token,
            json!({ "external_id": external_id, "name": "Ann" }),
        )
        .await;
    assert!(contact.status.is_success(), "{}", contact.text());
    let contact_id = contact.json()["id"].as_str().unwrap().to_string();
    let conversation = t
        .post(
            "/api/v1/conversations",
            token,
            json!({ "contact_id": contact_id }),
        )
        .await;
    assert_eq!(
        conversation.status,
        StatusCode::CREATED,
        "{}",
        conversation.text()
    );
    let conversation_id = conversation.json()["id"].as_str().unwrap().to_string();
    (contact_id, conversation_id)
}
