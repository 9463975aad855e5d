//! A typed client of the real-time protocol, for tests.

use futures_util::{SinkExt, StreamExt};
use shoptalk_types::frames::{ClientFrame, ServerFrame};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for an expected frame before failing.
const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

pub struct WsClient {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsClient {
    /// Connects and consumes the `hello` frame.
    pub async fn connect(addr: SocketAddr, token: &str) -> Self {
        let mut request = format!("ws://{addr}/api/v1/ws?token={token}")
            .into_client_request()
            .expect("request");
        request
            .headers_mut()
            .insert("origin", "http://localhost".parse().expect("origin"));
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("ws connect");
        let mut client = Self { stream };
        match client.next().await {
            Some(ServerFrame::Hello { .. }) => client,
            other => panic!("expected hello, got {other:?}"),
        }
    }

    pub async fn send(&mut self, frame: &ClientFrame) {
        let text = serde_json::to_string(frame).expect("frame");
        self.stream
            .send(WsMessage::text(text))
            .await
            .expect("ws send");
    }

    /// The next protocol frame, `None` when the socket closed. Panics after a timeout.
    pub async fn next(&mut self) -> Option<ServerFrame> {
        loop {
            let msg = tokio::time::timeout(FRAME_TIMEOUT, self.stream.next())
                .await
                .expect("timed out waiting for a frame");
            match msg {
                Some(Ok(WsMessage::Text(text))) => {
                    return Some(serde_json::from_str(&text).expect("server frame"));
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    /// Skips frames until one matches.
    pub async fn next_matching(
        &mut self,
        mut wanted: impl FnMut(&ServerFrame) -> bool,
    ) -> ServerFrame {
        loop {
            let frame = self.next().await.expect("socket closed while waiting");
            if wanted(&frame) {
                return frame;
            }
        }
    }

    pub async fn close(mut self) {
        let _ = self.stream.close(None).await;
    }
}
