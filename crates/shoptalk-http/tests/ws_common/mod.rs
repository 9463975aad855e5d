//! A real server on 127.0.0.1:0 (SQLite in a temp dir, group committer, hub, the full router)
//! and a small WebSocket client speaking the protocol's frames.

#![allow(dead_code)]

#[path = "../wiring/mod.rs"]
mod wiring;

use futures_util::{SinkExt, StreamExt};
use shoptalk_core::App;
use shoptalk_core::service::{Actor, LogPosition, WidgetSessionRequest};
use shoptalk_http::HttpConfig;
use shoptalk_http::ws::Hub;
use shoptalk_types::Content;
use shoptalk_types::frames::{ClientFrame, ServerFrame};
use shoptalk_types::ids::*;
use shoptalk_types::model::{
    Conversation, ErrorDetail, LoginRequest, NewConversation, NewWidgetSession,
};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(10);
pub const PASSWORD: &str = "correct horse battery";

pub struct TestServer {
    pub addr: SocketAddr,
    pub app: App,
    pub hub: Arc<Hub>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> Self {
        Self::with_config(HttpConfig::default()).await
    }

    pub async fn with_config(config: HttpConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = wiring::app_state(
            dir.path(),
            config,
            Arc::new(|url: &str| Ok(url.to_string())),
        )
        .await;
        let (app, hub) = (state.app.clone(), state.hub.clone());
        let router = shoptalk_http::router(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(shoptalk_http::serve(listener, router, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            app,
            hub,
            stop: Some(stop),
            _dir: dir,
        }
    }

    pub fn ws_url(&self, query: &str) -> String {
        format!("ws://{}/api/v1/ws?{query}", self.addr)
    }

    /// A workspace with its owner logged in, a widget visitor and a conversation between them.
    pub async fn shop(&self, name: &str) -> Shop {
        let owner_email = format!("owner-{}@shop.example", WorkspaceId::new());
        let created = self
            .app
            .create_workspace(name, &owner_email, Some(PASSWORD))
            .await
            .unwrap();
        let login = self
            .app
            .login(&LoginRequest {
                email: owner_email,
                password: PASSWORD.into(),
                workspace_id: Some(created.workspace_id),
            })
            .await
            .unwrap();
        let admin = self.app.authenticate(&created.api_key, None).await.unwrap();
        let mut shop = Shop {
            workspace_id: created.workspace_id,
            widget_key: created.widget_key.clone(),
            api_key: created.api_key.clone(),
            agent_token: login.token,
            agent_id: login.agent.id,
            admin,
            visitor: Visitor::placeholder(),
        };
        shop.visitor = self.visitor(&shop, None).await;
        shop
    }

    /// A new widget visitor of `shop` with a conversation of its own.
    pub async fn visitor(&self, shop: &Shop, origin: Option<&str>) -> Visitor {
        let session = self
            .app
            .open_widget_session(WidgetSessionRequest {
                body: &NewWidgetSession {
                    widget_key: shop.widget_key.clone(),
                    visitor_token: None,
                    identity_token: None,
                },
                origin,
            })
            .await
            .unwrap();
        let actor = Actor::Contact {
            workspace_id: session.workspace_id,
            contact_id: session.contact_id,
        };
        let conversation = self
            .app
            .create_conversation(
                &actor,
                &NewConversation {
                    contact_id: session.contact_id,
                    channel: None,
                },
            )
            .await
            .unwrap();
        Visitor {
            token: session.token,
            contact_id: session.contact_id,
            actor,
            conversation_id: conversation.id,
        }
    }

    pub async fn connect(&self, token: &str) -> Client {
        self.connect_with(token, None).await.unwrap()
    }

    pub async fn connect_with(
        &self,
        token: &str,
        origin: Option<&str>,
    ) -> Result<Client, tungstenite::Error> {
        let mut request = self
            .ws_url(&format!("token={token}"))
            .into_client_request()
            .unwrap();
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_str(origin).unwrap());
        }
        let (ws, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Client::new(ws).await)
    }

    /// A client whose TCP receive buffer is tiny, so the server's writes back up quickly
    /// when it stops reading.
    pub async fn connect_small_window(&self, token: &str) -> Client {
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream: TcpStream = socket.connect(self.addr).await.unwrap();
        let (ws, _) = tokio_tungstenite::client_async(
            self.ws_url(&format!("token={token}")),
            MaybeTlsStream::Plain(stream),
        )
        .await
        .unwrap();
        Client::new(ws).await
    }

    /// The HTTP response of an upgrade the server refuses.
    pub async fn refused(
        &self,
        request: tungstenite::handshake::client::Request,
    ) -> HandshakeResponseWithBody {
        match tokio_tungstenite::connect_async(request).await {
            Ok(_) => panic!("the upgrade was accepted"),
            Err(tungstenite::Error::Http(response)) => HandshakeResponseWithBody::from(*response),
            Err(e) => panic!("unexpected error {e}"),
        }
    }

    pub async fn conversation(&self, actor: &Actor, id: ConversationId) -> Conversation {
        self.app.get_conversation(actor, id).await.unwrap()
    }

    pub async fn log(&self, actor: &Actor, id: ConversationId) -> Vec<ChatMessage> {
        self.app
            .list_messages(actor, id, LogPosition::After(0), 200)
            .await
            .unwrap()
            .items
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub use shoptalk_types::model::Message as ChatMessage;

pub struct HandshakeResponseWithBody {
    pub status: u16,
    pub body: serde_json::Value,
}

impl From<tungstenite::http::Response<Option<Vec<u8>>>> for HandshakeResponseWithBody {
    fn from(response: tungstenite::http::Response<Option<Vec<u8>>>) -> Self {
        let status = response.status().as_u16();
        let body = response
            .body()
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(serde_json::Value::Null);
        Self { status, body }
    }
}

pub struct Shop {
    pub workspace_id: WorkspaceId,
    pub widget_key: String,
    pub api_key: String,
    pub agent_token: String,
    pub agent_id: AgentId,
    /// The admin API key as an actor, for direct use-case calls.
    pub admin: Actor,
    pub visitor: Visitor,
}

pub struct Visitor {
    pub token: String,
    pub contact_id: ContactId,
    pub actor: Actor,
    pub conversation_id: ConversationId,
}

impl Visitor {
    fn placeholder() -> Self {
        Self {
            token: String::new(),
            contact_id: ContactId::new(),
            actor: Actor::Contact {
                workspace_id: WorkspaceId::new(),
                contact_id: ContactId::new(),
            },
            conversation_id: ConversationId::new(),
        }
    }
}

/// What a socket ended with.
#[derive(Debug)]
pub enum Ended {
    Closed(Option<CloseFrame>),
    /// The connection ended without a close frame (reset, EOF).
    Dropped,
    /// Nothing ended it in the time given.
    StillOpen,
}

pub struct Client {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    pub hello: ServerFrame,
}

impl Client {
    async fn new(mut ws: WebSocketStream<MaybeTlsStream<TcpStream>>) -> Self {
        let hello = next_frame(&mut ws).await.expect("hello");
        assert!(
            matches!(hello, ServerFrame::Hello { .. }),
            "first frame is hello, got {hello:?}"
        );
        Self { ws, hello }
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        self.send_text(serde_json::to_string(frame).unwrap()).await;
    }

    pub async fn send_text(&mut self, text: impl Into<String>) {
        self.ws.send(Message::text(text.into())).await.unwrap();
    }

    pub async fn send_raw(&mut self, message: Message) {
        self.ws.send(message).await.unwrap();
    }

    pub async fn say(&mut self, conversation_id: ConversationId, client_msg_id: &str, text: &str) {
        self.send(&ClientFrame::Send {
            conversation_id,
            client_msg_id: client_msg_id.into(),
            content: Content::text(text),
            private: false,
        })
        .await;
    }

    /// The next protocol frame (pings are answered by the library and skipped).
    pub async fn next(&mut self) -> ServerFrame {
        tokio::time::timeout(WAIT, next_frame(&mut self.ws))
            .await
            .expect("timed out waiting for a frame")
            .expect("the socket closed")
    }

    /// The next frame, or `None` when nothing arrives within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<ServerFrame> {
        tokio::time::timeout(wait, next_frame(&mut self.ws))
            .await
            .ok()
            .flatten()
    }

    /// Skips frames until one matches; returns it and the skipped ones.
    pub async fn until<T>(
        &mut self,
        mut pick: impl FnMut(&ServerFrame) -> Option<T>,
    ) -> (T, Vec<ServerFrame>) {
        let mut skipped = Vec::new();
        loop {
            let frame = self.next().await;
            if let Some(t) = pick(&frame) {
                return (t, skipped);
            }
            skipped.push(frame);
        }
    }

    pub async fn ack(&mut self, client_msg_id: &str) -> ChatMessage {
        self.until(|f| match f {
            ServerFrame::Ack {
                client_msg_id: id,
                message,
            } if id == client_msg_id => Some(message.clone()),
            ServerFrame::Error {
                r#ref: Some(r),
                error,
            } if r == client_msg_id => {
                panic!("send {client_msg_id} failed: {error:?}")
            }
            _ => None,
        })
        .await
        .0
    }

    pub async fn error(&mut self) -> (Option<String>, ErrorDetail) {
        self.until(|f| match f {
            ServerFrame::Error { r#ref, error } => Some((r#ref.clone(), error.clone())),
            _ => None,
        })
        .await
        .0
    }

    /// The next `message` push.
    pub async fn message(&mut self) -> ChatMessage {
        self.until(|f| match f {
            ServerFrame::Message { message } => Some(message.clone()),
            _ => None,
        })
        .await
        .0
    }

    /// Round trip: everything the server sent before the `pong` is returned.
    pub async fn sync(&mut self) -> Vec<ServerFrame> {
        let nonce = rand_nonce();
        self.send(&ClientFrame::Ping { nonce: Some(nonce) }).await;
        self.until(|f| {
            matches!(f, ServerFrame::Pong { nonce: Some(n) } if *n == nonce).then_some(())
        })
        .await
        .1
    }

    /// Reads until the socket ends; returns the frames read and how it ended.
    pub async fn drain_until_closed(&mut self, wait: Duration) -> (Vec<ServerFrame>, Ended) {
        let mut frames = Vec::new();
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let Ok(next) = tokio::time::timeout_at(deadline, self.ws.next()).await else {
                return (frames, Ended::StillOpen);
            };
            match next {
                Some(Ok(Message::Text(t))) => {
                    frames.push(serde_json::from_str(t.as_str()).unwrap())
                }
                Some(Ok(Message::Close(frame))) => return (frames, Ended::Closed(frame)),
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return (frames, Ended::Dropped),
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.ws.close(None).await;
        while let Ok(Some(Ok(_))) = tokio::time::timeout(WAIT, self.ws.next()).await {}
    }
}

fn rand_nonce() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

async fn next_frame(ws: &mut WebSocketStream<MaybeTlsStream<TcpStream>>) -> Option<ServerFrame> {
    loop {
        match ws.next().await? {
            Ok(Message::Text(t)) => {
                return Some(
                    serde_json::from_str(t.as_str())
                        .unwrap_or_else(|e| panic!("not a server frame ({e}): {t}")),
                );
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}
