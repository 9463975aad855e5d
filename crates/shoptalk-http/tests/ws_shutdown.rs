//! Graceful shutdown: every socket is told to reconnect, then closed; new ones are refused.

mod ws_common;

use shoptalk_types::frames::ServerFrame;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use ws_common::*;

#[tokio::test]
async fn shutdown_sends_reconnect_then_closes_every_socket() {
    let server = TestServer::start().await;
    let shop = server.shop("Shutdown").await;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;
    assert_eq!(server.hub.connection_count(), 2);

    server.hub.shutdown(1_500);

    for client in [&mut customer, &mut agent] {
        let (frames, ended) = client.drain_until_closed(Duration::from_secs(10)).await;
        let last = frames
            .iter()
            .rfind(|f| !matches!(f, ServerFrame::Presence { .. }))
            .cloned();
        assert_eq!(
            last,
            Some(ServerFrame::Reconnect {
                retry_after_ms: 1_500
            }),
            "{frames:?}"
        );
        match ended {
            Ended::Closed(Some(frame)) => assert_eq!(frame.code, CloseCode::Away),
            other => panic!("expected a 1001 close, got {other:?}"),
        }
    }
    assert!(server.hub.wait_closed(Duration::from_secs(5)).await);
    assert_eq!(server.hub.connection_count(), 0);

    // Sockets opened from now on are refused: the client retries after a moment.
    let request = server
        .ws_url(&format!("token={}", shop.agent_token))
        .into_client_request()
        .unwrap();
    let refused = server.refused(request).await;
    assert_eq!(refused.status, 503);
    assert_eq!(refused.body["error"]["code"], "unavailable");
}
