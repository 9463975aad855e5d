//! Who may open a socket and what it may touch, and how bad frames are answered.

mod ws_common;

use shoptalk_types::Content;
use shoptalk_types::frames::{ClientFrame, MAX_CLIENT_FRAME_BYTES, ServerFrame};
use shoptalk_types::ids::ConversationId;
use shoptalk_types::model::{ReceiptKind, WorkspacePatch};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message};
use ws_common::*;

#[tokio::test]
async fn credentials_are_checked_before_the_upgrade() {
    let server = TestServer::start().await;
    let shop = server.shop("Auth").await;

    for query in ["token=stv_not-a-real-token", "token=garbage", ""] {
        let request = server.ws_url(query).into_client_request().unwrap();
        let refused = server.refused(request).await;
        assert_eq!(refused.status, 401, "{query}");
        assert_eq!(refused.body["error"]["code"], "unauthenticated", "{query}");
    }

    // `Authorization: Bearer` works as well as `?token=`.
    let mut request = server.ws_url("").into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {}", shop.agent_token)).unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    use futures_util::StreamExt;
    let first = ws.next().await.unwrap().unwrap();
    let hello: ServerFrame = serde_json::from_str(first.to_text().unwrap()).unwrap();
    assert!(matches!(hello, ServerFrame::Hello { .. }));
}

#[tokio::test]
async fn widget_sockets_must_come_from_an_allowed_origin() {
    let server = TestServer::start().await;
    let shop = server.shop("Origins").await;
    server
        .app
        .update_workspace(
            &shop.admin,
            &WorkspacePatch {
                allowed_origins: Some(vec!["https://shop.example".into()]),
                ..WorkspacePatch::default()
            },
        )
        .await
        .unwrap();
    let visitor = server.visitor(&shop, Some("https://shop.example")).await;

    for origin in [Some("https://evil.example"), None] {
        let mut request = server
            .ws_url(&format!("token={}", visitor.token))
            .into_client_request()
            .unwrap();
        if let Some(origin) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_static(origin));
        }
        let refused = server.refused(request).await;
        assert_eq!(refused.status, 403, "{origin:?}");
        assert_eq!(refused.body["error"]["code"], "forbidden");
    }
    server
        .connect_with(&visitor.token, Some("https://shop.example"))
        .await
        .expect("the allowed origin gets in");
    // Staff sockets do not depend on the widget's origins.
    server
        .connect_with(&shop.agent_token, Some("https://inbox.example"))
        .await
        .expect("agents connect from anywhere");
}

#[tokio::test]
async fn customers_cannot_touch_other_conversations() {
    let server = TestServer::start().await;
    let shop_a = server.shop("A").await;
    let shop_b = server.shop("B").await;
    let neighbour = server.visitor(&shop_a, None).await;
    let mut customer = server.connect(&shop_a.visitor.token).await;
    let mut agent_a = server.connect(&shop_a.agent_token).await;

    let foreign: [(ConversationId, &str); 3] = [
        (shop_b.visitor.conversation_id, "another workspace"),
        (neighbour.conversation_id, "another contact"),
        (ConversationId::new(), "nobody's"),
    ];
    for (conv, whose) in foreign {
        customer.say(conv, "sneaky", "hi").await;
        let (r, error) = customer.error().await;
        assert_eq!(
            (r.as_deref(), error.code.as_str()),
            (Some("sneaky"), "not_found"),
            "send to {whose}"
        );

        customer
            .send(&ClientFrame::Resume {
                conversation_id: conv,
                after_seq: 0,
            })
            .await;
        let (r, error) = customer.error().await;
        assert_eq!(
            (r.as_deref(), error.code.as_str()),
            (Some("resume"), "not_found"),
            "resume {whose}"
        );

        for frame in [
            ClientFrame::Typing {
                conversation_id: conv,
                typing: true,
            },
            ClientFrame::Receipt {
                conversation_id: conv,
                kind: ReceiptKind::Read,
                seq: 1,
            },
        ] {
            customer.send(&frame).await;
            let (_, error) = customer.error().await;
            assert_eq!(error.code, "not_found", "{frame:?} on {whose}");
        }
    }
    // Nothing was written anywhere.
    assert!(
        server
            .log(&shop_b.admin, shop_b.visitor.conversation_id)
            .await
            .is_empty()
    );
    assert!(
        server
            .log(&shop_a.admin, neighbour.conversation_id)
            .await
            .is_empty()
    );

    // Agents of A cannot reach B either; and B's agents saw nothing of all this.
    agent_a
        .say(shop_b.visitor.conversation_id, "cross", "hi")
        .await;
    let (_, error) = agent_a.error().await;
    assert_eq!(error.code, "not_found");
    let mut agent_b = server.connect(&shop_b.agent_token).await;
    let seen = agent_b.sync().await;
    assert!(
        seen.iter()
            .all(|f| matches!(f, ServerFrame::Presence { .. })),
        "{seen:?}"
    );
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_socket_stays_usable() {
    let server = TestServer::start().await;
    let shop = server.shop("Bad frames").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;

    let oversized = format!(
        r#"{{"type":"send","conversation_id":"{conv}","client_msg_id":"big","content":{{"type":"text","text":"{}"}}}}"#,
        "x".repeat(MAX_CLIENT_FRAME_BYTES)
    );
    let cases: Vec<(String, &str, Option<&str>)> = vec![
        ("{".into(), "malformed_frame", None),
        ("not json at all".into(), "malformed_frame", None),
        (
            r#"{"type":"launch_missiles"}"#.into(),
            "malformed_frame",
            Some("launch_missiles"),
        ),
        (
            r#"{"type":"ping","extra":true}"#.into(),
            "malformed_frame",
            Some("ping"),
        ),
        (
            format!(
                r#"{{"type":"send","conversation_id":"{conv}","client_msg_id":"c-9","content":{{"type":"hologram"}}}}"#
            ),
            "malformed_frame",
            Some("c-9"),
        ),
        (oversized, "frame_too_large", None),
    ];
    for (text, code, r) in cases {
        customer.send_text(text.clone()).await;
        let frame = customer.next().await;
        match frame {
            ServerFrame::Error { r#ref, error } => {
                assert_eq!(error.code, code, "{}", &text[..text.len().min(80)]);
                assert_eq!(r#ref.as_deref(), r, "{}", &text[..text.len().min(80)]);
                assert!(!error.message.is_empty());
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
    customer
        .send_raw(Message::Binary(Bytes::from_static(b"\x00\x01")))
        .await;
    let (_, error) = customer.error().await;
    assert_eq!(error.code, "malformed_frame");

    // Invalid content is the REST envelope's validation error, answered by client_msg_id.
    customer
        .send(&ClientFrame::Send {
            conversation_id: conv,
            client_msg_id: "empty".into(),
            content: Content::text(""),
            private: false,
        })
        .await;
    let (r, error) = customer.error().await;
    assert_eq!(r.as_deref(), Some("empty"));
    assert_eq!(error.code, "validation_failed");
    assert_eq!(error.field.as_deref(), Some("content.text"));

    // Still usable.
    customer.say(conv, "ok", "still here").await;
    assert_eq!(customer.ack("ok").await.seq, 1);
}

#[tokio::test]
async fn a_message_beyond_the_transport_limit_closes_with_1009() {
    let server = TestServer::start().await;
    let shop = server.shop("Huge").await;
    let mut customer = server.connect(&shop.visitor.token).await;
    customer
        .send_text("x".repeat(shoptalk_http::ws::MAX_TRANSPORT_MESSAGE_BYTES + 1))
        .await;
    let (_, ended) = customer.drain_until_closed(Duration::from_secs(10)).await;
    match ended {
        Ended::Closed(Some(frame)) => assert_eq!(frame.code, CloseCode::Size),
        // The server may stop reading the rest of the message and reset the connection.
        Ended::Dropped => {}
        other => panic!("expected a 1009 close, got {other:?}"),
    }
}

#[tokio::test]
async fn a_silent_client_is_dropped_after_three_heartbeats() {
    let server = TestServer::with_config(shoptalk_http::HttpConfig {
        ws_heartbeat_secs: 1,
        ..Default::default()
    })
    .await;
    let shop = server.shop("Heartbeat").await;
    let mut talker = server.connect(&shop.agent_token).await;
    let mut silent = server.connect(&shop.api_key).await;
    assert!(matches!(
        talker.hello,
        ServerFrame::Hello {
            heartbeat_ms: 1000,
            ..
        }
    ));
    // The talker keeps answering (reading answers the server's pings); the silent one does
    // not read at all for 5 s, so it answers nothing.
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(5) {
        talker.sync().await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (_, ended) = silent.drain_until_closed(Duration::from_secs(5)).await;
    match ended {
        Ended::Closed(Some(frame)) => assert_eq!(frame.code, CloseCode::Away),
        // The client library answers the pings it reads first, into a closed socket, and
        // reports that error before the close frame.
        Ended::Dropped => {}
        other => panic!("expected a 1001 close, got {other:?}"),
    }
    assert_eq!(
        server.hub.connection_count(),
        1,
        "the server dropped the silent socket"
    );
    talker
        .say(shop.visitor.conversation_id, "alive", "still here")
        .await;
    talker.ack("alive").await;
}
