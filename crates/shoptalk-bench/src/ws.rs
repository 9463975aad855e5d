//! WebSocket plumbing: connecting (optionally from a chosen source address), waiting for
//! `hello`, keeping the connection alive with heartbeats, and a lean decoder of the server
//! frames the bench looks at.

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use shoptalk_types::ids::ConversationId;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{WebSocketStream, client_async_with_config};

pub type Ws = WebSocketStream<TcpStream>;

/// Where the server's WebSocket endpoint is.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// Resolved addresses of the server (IPv4 and/or IPv6).
    addrs: Vec<SocketAddr>,
    /// `ws://host:port/prefix/api/v1/ws`, without the query.
    ws_url: String,
}

impl Endpoint {
    /// From the server's base URL (`http://127.0.0.1:8080`). TLS is not supported: point the
    /// bench at the plain HTTP listener.
    pub async fn resolve(base_url: &str) -> Result<Self> {
        let url = reqwest::Url::parse(base_url).with_context(|| format!("bad --url {base_url}"))?;
        if url.scheme() != "http" {
            bail!("--url must be http:// (the bench speaks plain ws://), got {base_url}");
        }
        let host = url.host_str().context("--url has no host")?;
        let port = url.port_or_known_default().unwrap_or(80);
        let bare_host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare_host, port))
            .await
            .with_context(|| format!("cannot resolve {host}"))?
            .collect();
        if addrs.is_empty() {
            bail!("{host} resolves to no address");
        }
        let prefix = url.path().trim_end_matches('/');
        Ok(Self {
            addrs,
            ws_url: format!("ws://{host}:{port}{prefix}/api/v1/ws"),
        })
    }

    /// A server address of the same family as `local`, else the first one.
    fn addr_for(&self, local: Option<IpAddr>) -> SocketAddr {
        local
            .and_then(|l| self.addrs.iter().find(|a| a.is_ipv4() == l.is_ipv4()))
            .unwrap_or(&self.addrs[0])
            .to_owned()
    }
}

/// Small buffers for the many customer/visitor sockets; agents, who receive every message
/// of the workspace, read with a bigger one.
pub fn config(read_buffer: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(read_buffer)
        // Write each frame out at once: latency matters more than syscalls here.
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20))
}

/// Percent-encodes a query parameter value.
pub fn encode_query_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Opens `GET /api/v1/ws?token=...`, from `local` if given (the source address spreads many
/// sockets over several loopback IPs, each with its own ephemeral port range).
pub async fn connect(
    endpoint: &Endpoint,
    token: &str,
    origin: Option<&str>,
    local: Option<IpAddr>,
    config: WebSocketConfig,
) -> Result<Ws> {
    let server = endpoint.addr_for(local);
    let socket = if server.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }?;
    if let Some(ip) = local {
        socket
            .bind(SocketAddr::new(ip, 0))
            .with_context(|| format!("bind {ip}"))?;
    }
    let stream = socket
        .connect(server)
        .await
        .with_context(|| format!("connect to {server}"))?;
    stream.set_nodelay(true)?;

    let url = format!("{}?token={}", endpoint.ws_url, encode_query_value(token));
    let mut request = url.into_client_request()?;
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin)?);
    }
    let (ws, _) = client_async_with_config(request, stream, Some(config))
        .await
        .context("WebSocket handshake")?;
    Ok(ws)
}

/// Which server frame it is. Only the ones the bench acts on are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Hello,
    Ack,
    Message,
    Error,
    Reconnect,
    #[serde(other)]
    Other,
}

/// The fields of a message the checks need; the rest (content...) is skipped unparsed.
#[derive(Debug, Clone, Deserialize)]
pub struct MessageRef {
    pub conversation_id: ConversationId,
    pub seq: i64,
    #[serde(default)]
    pub client_msg_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorRef {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// A server frame decoded only as far as the bench needs: one flat struct instead of the full
/// `ServerFrame`, so agents keep up with the whole workspace's traffic cheaply.
#[derive(Debug, Clone, Deserialize)]
pub struct Incoming {
    #[serde(rename = "type")]
    pub kind: Kind,
    #[serde(default)]
    pub heartbeat_ms: Option<u64>,
    #[serde(default)]
    pub client_msg_id: Option<String>,
    #[serde(default)]
    pub message: Option<MessageRef>,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub error: Option<ErrorRef>,
}

impl Incoming {
    pub fn decode(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closed {
    /// The server sent a close frame (4008: we read too slowly).
    ByServer {
        code: u16,
        reason: String,
    },
    /// The TCP connection ended without a close frame.
    Eof,
    Error(String),
}

impl Closed {
    /// The key under which the report counts it.
    pub fn error_key(&self) -> String {
        match self {
            Self::ByServer { code, .. } => format!("ws_close_{code}"),
            Self::Eof => "ws_eof".into(),
            Self::Error(_) => "ws_error".into(),
        }
    }
}

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ByServer { code, reason } => write!(f, "closed by server: {code} {reason}"),
            Self::Eof => write!(f, "connection ended without a close frame"),
            Self::Error(e) => write!(f, "{e}"),
        }
    }
}

/// What [`Conn::recv`] yields.
#[derive(Debug)]
pub enum Event {
    Frame(Incoming),
    /// A text frame that is not a server frame the bench understands.
    Garbled,
}

/// How long to wait for `hello` after the handshake.
const HELLO_TIMEOUT: Duration = Duration::from_secs(30);

/// An open socket that has received `hello`, and sends an application `ping` whenever it has
/// sent nothing for a while, as the server asks (WebSocket pings are answered by tungstenite).
pub struct Conn {
    ws: Ws,
    ping_every: Duration,
    next_ping: Instant,
}

const PING: &str = r#"{"type":"ping"}"#;

impl Conn {
    /// Waits for the server's first frame, which must be `hello`.
    pub async fn handshake(mut ws: Ws) -> Result<Self> {
        let first = timeout(HELLO_TIMEOUT, ws.next())
            .await
            .context("no hello within 30 s")?;
        let hello = match first {
            Some(Ok(Message::Text(text))) => Incoming::decode(&text)
                .filter(|f| f.kind == Kind::Hello)
                .with_context(|| format!("first frame is not hello: {text}"))?,
            Some(Ok(Message::Close(frame))) => bail!(
                "closed before hello: {}",
                frame.map_or("no close frame".into(), |f| format!(
                    "{} {}",
                    f.code, f.reason
                ))
            ),
            Some(Ok(other)) => bail!("unexpected first frame {other:?}"),
            Some(Err(e)) => return Err(e).context("reading hello"),
            None => bail!("connection ended before hello"),
        };
        let heartbeat = Duration::from_millis(hello.heartbeat_ms.unwrap_or(30_000).max(1000));
        // Comfortably inside the server's patience.
        let ping_every = heartbeat.mul_f64(0.75);
        Ok(Self {
            ws,
            ping_every,
            next_ping: Instant::now() + ping_every,
        })
    }

    /// Sends a text frame (and postpones the next heartbeat).
    pub async fn send(&mut self, text: String) -> Result<(), Closed> {
        self.ws
            .send(Message::text(text))
            .await
            .map_err(|e| closed_by(&e))?;
        self.next_ping = Instant::now() + self.ping_every;
        Ok(())
    }

    /// The next server frame; sends heartbeats while waiting. Cancel-safe enough to race in
    /// `select!`: at worst a heartbeat is left in the write buffer for the next send.
    pub async fn recv(&mut self) -> Result<Event, Closed> {
        loop {
            tokio::select! {
                msg = self.ws.next() => match msg {
                    Some(Ok(Message::Text(text))) => {
                        return Ok(Incoming::decode(&text).map_or(Event::Garbled, Event::Frame));
                    }
                    Some(Ok(Message::Close(frame))) => {
                        return Err(frame.map_or(Closed::Eof, |f| Closed::ByServer {
                            code: f.code.into(),
                            reason: f.reason.to_string(),
                        }));
                    }
                    // Pings are answered inside tungstenite; pongs and binary mean nothing here.
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(closed_by(&e)),
                    None => return Err(Closed::Eof),
                },
                _ = sleep_until(self.next_ping) => {
                    self.send(PING.to_string()).await?;
                }
            }
        }
    }

    /// Says goodbye (best effort, bounded in time).
    pub async fn close(mut self) {
        let _ = timeout(Duration::from_secs(2), self.ws.close(None)).await;
    }
}

/// Resolves once `flag` is (or becomes) true, or its sender is gone.
pub async fn until_set(flag: &mut tokio::sync::watch::Receiver<bool>) {
    // The guard `wait_for` returns must not live across an await of the caller.
    let _ = flag.wait_for(|&set| set).await.map(|_| ());
}

fn closed_by(e: &tungstenite::Error) -> Closed {
    match e {
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => Closed::Eof,
        other => Closed::Error(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::Content;
    use shoptalk_types::frames::{Principal, ServerFrame};
    use shoptalk_types::ids::{ContactId, MessageId, WorkspaceId};
    use shoptalk_types::model::{ErrorDetail, Message as Msg, Sender, SenderKind};

    fn message(seq: i64, client_msg_id: Option<&str>) -> Msg {
        Msg {
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            seq,
            sender: Sender {
                kind: SenderKind::Contact,
                id: Some(ContactId::new().0),
            },
            content: Content::text("hello there"),
            private: false,
            client_msg_id: client_msg_id.map(str::to_string),
            created_at: jiff::Timestamp::now(),
        }
    }

    /// The lean decoder must read what the contract's own types encode.
    #[test]
    fn decodes_the_contracts_frames() {
        let hello = ServerFrame::Hello {
            workspace_id: WorkspaceId::new(),
            principal: Principal::Contact {
                id: ContactId::new(),
            },
            heartbeat_ms: 25_000,
        };
        let f = Incoming::decode(&hello.encode()).unwrap();
        assert_eq!((f.kind, f.heartbeat_ms), (Kind::Hello, Some(25_000)));

        let m = message(7, Some("b1-2"));
        let ack = ServerFrame::Ack {
            client_msg_id: "b1-2".into(),
            message: m.clone(),
        };
        let f = Incoming::decode(&ack.encode()).unwrap();
        assert_eq!(f.kind, Kind::Ack);
        assert_eq!(f.client_msg_id.as_deref(), Some("b1-2"));
        let r = f.message.unwrap();
        assert_eq!((r.conversation_id, r.seq), (m.conversation_id, 7));

        let push = ServerFrame::Message {
            message: message(3, None),
        };
        let f = Incoming::decode(&push.encode()).unwrap();
        assert_eq!(f.kind, Kind::Message);
        assert_eq!(f.message.unwrap().client_msg_id, None);

        let err = ServerFrame::Error {
            r#ref: Some("b1-3".into()),
            error: ErrorDetail {
                code: "invalid".into(),
                message: "nope".into(),
                field: None,
            },
        };
        let f = Incoming::decode(&err.encode()).unwrap();
        assert_eq!(f.kind, Kind::Error);
        assert_eq!(f.reference.as_deref(), Some("b1-3"));
        assert_eq!(f.error.unwrap().code, "invalid");

        let pong = ServerFrame::Pong { nonce: None };
        assert_eq!(Incoming::decode(&pong.encode()).unwrap().kind, Kind::Other);
        assert!(Incoming::decode("not json").is_none());
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("stv_AbC-1._~"), "stv_AbC-1._~");
        assert_eq!(encode_query_value("a+b/c=&d"), "a%2Bb%2Fc%3D%26d");
    }

    #[test]
    fn close_reasons_have_report_keys() {
        let slow = Closed::ByServer {
            code: 4008,
            reason: "slow".into(),
        };
        assert_eq!(slow.error_key(), "ws_close_4008");
        assert_eq!(Closed::Eof.error_key(), "ws_eof");
    }

    /// Against a throwaway WebSocket server: the token and Origin arrive, `hello` is awaited,
    /// idle sockets send heartbeats, and a slow-consumer close is reported with its code.
    #[tokio::test]
    #[allow(clippy::result_large_err)] // the handshake callback's signature is tungstenite's
    async fn connects_heartbeats_and_reports_server_closes() {
        use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
        use tokio_tungstenite::tungstenite::protocol::CloseFrame;
        use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let mut seen = (String::new(), String::new());
            let mut ws =
                tokio_tungstenite::accept_hdr_async(tcp, |req: &Request, resp: Response| {
                    seen.0 = req.uri().to_string();
                    seen.1 = req.headers()["origin"].to_str().unwrap().to_string();
                    Ok(resp)
                })
                .await
                .unwrap();
            let hello = ServerFrame::Hello {
                workspace_id: WorkspaceId::new(),
                principal: Principal::Contact {
                    id: ContactId::new(),
                },
                heartbeat_ms: 1000,
            };
            ws.send(Message::text(hello.encode())).await.unwrap();
            let ping = ws.next().await.unwrap().unwrap();
            ws.send(Message::Close(Some(CloseFrame {
                code: CloseCode::from(4008),
                reason: "too slow".into(),
            })))
            .await
            .unwrap();
            (seen, ping.into_text().unwrap().to_string())
        });

        let endpoint = Endpoint::resolve(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap();
        let local = Some("127.0.0.1".parse().unwrap());
        let socket = connect(
            &endpoint,
            "stv_a+b",
            Some("http://localhost"),
            local,
            config(4096),
        )
        .await
        .unwrap();
        let mut conn = Conn::handshake(socket).await.unwrap();
        let closed = loop {
            match conn.recv().await {
                Ok(_) => continue,
                Err(closed) => break closed,
            }
        };
        assert_eq!(closed.error_key(), "ws_close_4008");
        let ((uri, origin), ping) = server.await.unwrap();
        assert_eq!(uri, "/api/v1/ws?token=stv_a%2Bb");
        assert_eq!(origin, "http://localhost");
        assert_eq!(ping, PING);
    }

    #[tokio::test]
    async fn endpoints_keep_the_path_prefix_and_refuse_tls() {
        let e = Endpoint::resolve("http://127.0.0.1:8080/").await.unwrap();
        assert_eq!(e.ws_url, "ws://127.0.0.1:8080/api/v1/ws");
        let e = Endpoint::resolve("http://127.0.0.1/chat").await.unwrap();
        assert_eq!(e.ws_url, "ws://127.0.0.1:80/chat/api/v1/ws");
        assert!(Endpoint::resolve("https://127.0.0.1").await.is_err());
    }
}
