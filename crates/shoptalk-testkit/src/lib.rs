//! Test helpers: a full server on port 0 ([`TestApp`]), the real binary as a child process
//! ([`BinaryServer`]), and a typed WebSocket client ([`WsClient`]).

mod binary;
mod ws;

pub use binary::{BinaryServer, run_cli};
pub use ws::WsClient;

use reqwest::StatusCode;
use serde_json::{Value, json};
use shoptalk::config::Config;
use shoptalk::server::{self, RunningServer};
use shoptalk_types::model::{Conversation, WidgetSession, WorkspaceCreated};
use std::net::SocketAddr;
use tempfile::TempDir;

/// The owner password of every test workspace.
pub const OWNER_PASSWORD: &str = "test-owner-password";

/// A Shoptalk server running in this process with the same wiring as `shoptalk serve`, on a
/// fresh data dir, plus one workspace.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub http: reqwest::Client,
    pub workspace: WorkspaceCreated,
    server: Option<RunningServer>,
    pub dir: TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        // Tests open many sessions from one address.
        config.http.login_per_minute = 10_000;
        config.http.widget_sessions_per_minute = 10_000;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let server = server::start(&config, listener)
            .await
            .expect("server starts");
        let workspace = server
            .app
            .create_workspace("Test Shop", "owner@test.example", Some(OWNER_PASSWORD))
            .await
            .expect("workspace");
        let addr = server.addr;
        Self {
            addr,
            base_url: format!("http://{addr}"),
            http: reqwest::Client::new(),
            workspace,
            server: Some(server),
            dir,
        }
    }

    /// Graceful shutdown, as on SIGTERM.
    pub async fn shutdown(mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await.expect("clean shutdown");
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder, token: Option<&str>) -> (StatusCode, Value) {
        let req = match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let res = req.send().await.expect("request");
        let status = res.status();
        let body = res.bytes().await.expect("body");
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        (status, json)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(self.http.get(format!("{}{path}", self.base_url)), token)
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .post(format!("{}{path}", self.base_url))
                .json(&body),
            token,
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(
            self.http
                .patch(format!("{}{path}", self.base_url))
                .json(&body),
            token,
        )
        .await
    }

    /// The workspace's admin API key.
    pub fn api_key(&self) -> &str {
        &self.workspace.api_key
    }

    /// A new anonymous widget visitor.
    pub async fn visitor(&self) -> WidgetSession {
        let (status, body) = self
            .post(
                "/api/v1/widget/sessions",
                None,
                json!({"widget_key": self.workspace.widget_key}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        serde_json::from_value(body).expect("widget session")
    }

    /// A session token of the workspace owner.
    pub async fn owner_token(&self) -> String {
        let (status, body) = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": self.workspace.owner_email, "password": OWNER_PASSWORD}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    /// The visitor opens a conversation with the shop.
    pub async fn conversation_for(&self, visitor: &WidgetSession) -> Conversation {
        let (status, body) = self
            .post(
                "/api/v1/conversations",
                Some(&visitor.token),
                json!({"contact_id": visitor.contact_id}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        serde_json::from_value(body).expect("conversation")
    }

    /// A WebSocket session with `token`.
    pub async fn ws(&self, token: &str) -> WsClient {
        WsClient::connect(self.addr, token).await
    }
}
