//! End to end over real HTTP and WebSocket, with the same wiring as `shoptalk serve`: a
//! customer and an agent chat, reconnect and resume, retry, receipts, graceful shutdown.

use shoptalk_testkit::TestApp;
use shoptalk_types::Content;
use shoptalk_types::frames::{ClientFrame, ServerFrame};
use shoptalk_types::model::{ReceiptKind, Side};

fn send(conversation_id: shoptalk_types::ConversationId, id: &str, text: &str) -> ClientFrame {
    ClientFrame::Send {
        conversation_id,
        client_msg_id: id.into(),
        content: Content::text(text),
        private: false,
    }
}

#[tokio::test]
async fn customer_and_agent_chat_resume_and_retry() {
    let app = TestApp::spawn().await;
    let visitor = app.visitor().await;
    let conversation = app.conversation_for(&visitor).await;
    let agent_token = app.owner_token().await;

    let mut customer = app.ws(&visitor.token).await;
    let mut agent = app.ws(&agent_token).await;

    // Customer → agent: ack after commit, pushed to the agent.
    customer
        .send(&send(
            conversation.id,
            "c1",
            "Hi, is the navy shirt in stock?",
        ))
        .await;
    let acked = customer
        .next_matching(|f| matches!(f, ServerFrame::Ack { .. }))
        .await;
    let ServerFrame::Ack { message: first, .. } = acked else {
        unreachable!()
    };
    assert_eq!(first.seq, 1);
    let pushed = agent
        .next_matching(|f| matches!(f, ServerFrame::Message { .. }))
        .await;
    assert!(matches!(pushed, ServerFrame::Message { message } if message.id == first.id));

    // Agent → customer.
    agent
        .send(&send(conversation.id, "a1", "Yes, in every size!"))
        .await;
    let reply = customer
        .next_matching(|f| matches!(f, ServerFrame::Message { message } if message.seq == 2))
        .await;
    assert!(
        matches!(reply, ServerFrame::Message { message } if message.content == Content::text("Yes, in every size!"))
    );

    // The customer goes away; the agent writes twice more; the customer resumes from seq 2.
    customer.close().await;
    for (id, text) in [("a2", "Shall I reserve one?"), ("a3", "It ships today.")] {
        agent.send(&send(conversation.id, id, text)).await;
        // Each send's own ack: only then is it committed (and pushed) before the reconnect.
        agent
            .next_matching(
                |f| matches!(f, ServerFrame::Ack { client_msg_id, .. } if client_msg_id == id),
            )
            .await;
    }
    let mut customer = app.ws(&visitor.token).await;
    customer
        .send(&ClientFrame::Resume {
            conversation_id: conversation.id,
            after_seq: 2,
        })
        .await;
    let mut replayed = Vec::new();
    loop {
        match customer.next().await.expect("socket open") {
            ServerFrame::Message { message } => replayed.push(message.seq),
            ServerFrame::Resumed { last_seq, .. } => {
                assert_eq!(last_seq, 4);
                break;
            }
            _ => {}
        }
    }
    assert_eq!(
        replayed,
        vec![3, 4],
        "exactly the missing messages, in order"
    );

    // A retried send returns the original message and creates nothing.
    customer
        .send(&send(
            conversation.id,
            "c1",
            "Hi, is the navy shirt in stock?",
        ))
        .await;
    let retry = customer
        .next_matching(|f| matches!(f, ServerFrame::Ack { .. }))
        .await;
    assert!(
        matches!(retry, ServerFrame::Ack { message, .. } if message.id == first.id && message.seq == 1)
    );
    let (_, page) = app
        .get(
            &format!(
                "/api/v1/conversations/{}/messages?after_seq=0",
                conversation.id
            ),
            Some(app.api_key()),
        )
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 4);

    // Read receipts move forward only.
    customer
        .send(&ClientFrame::Receipt {
            conversation_id: conversation.id,
            kind: ReceiptKind::Read,
            seq: 4,
        })
        .await;
    let receipt = agent
        .next_matching(|f| matches!(f, ServerFrame::Receipt { .. }))
        .await;
    assert!(matches!(
        receipt,
        ServerFrame::Receipt {
            side: Side::Contact,
            kind: ReceiptKind::Read,
            seq: 4,
            ..
        }
    ));
    customer
        .send(&ClientFrame::Receipt {
            conversation_id: conversation.id,
            kind: ReceiptKind::Read,
            seq: 1,
        })
        .await;
    let (_, conv) = app
        .get(
            &format!("/api/v1/conversations/{}", conversation.id),
            Some(app.api_key()),
        )
        .await;
    assert_eq!(conv["contact_read_seq"], 4);
    assert_eq!(conv["unread_by_contact"], 0);

    // Graceful shutdown tells live sockets to reconnect.
    let shutdown = tokio::spawn(app.shutdown());
    let goodbye = agent
        .next_matching(|f| matches!(f, ServerFrame::Reconnect { .. }))
        .await;
    assert!(matches!(goodbye, ServerFrame::Reconnect { .. }));
    shutdown.await.unwrap();
}

#[tokio::test]
async fn health_readiness_metrics_and_docs_are_served() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(app.get("/readyz", None).await.0, 200);
    let (status, spec) = app.get("/api/openapi.json", None).await;
    assert_eq!(status, 200);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    // Something is counted once traffic flowed.
    let visitor = app.visitor().await;
    app.conversation_for(&visitor).await;
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(text.contains("shoptalk_http_requests_total"), "{text}");
    let docs = app
        .http
        .get(format!("{}/api/docs", app.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
}

#[tokio::test]
async fn the_widget_may_call_the_api_from_the_shops_origin() {
    let app = TestApp::spawn().await;
    let preflight = app
        .http
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/v1/widget/sessions", app.base_url),
        )
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let allowed = preflight.headers()["access-control-allow-origin"]
        .to_str()
        .unwrap();
    assert_eq!(allowed, "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("POST"), "{methods}");
}
