//! Chatting over real sockets: sends and acks, pushes, private notes, idempotent retries,
//! receipts, typing, presence, and conversations reopened by the customer.

mod ws_common;

use shoptalk_types::Content;
use shoptalk_types::frames::{ClientFrame, PresenceStatus, Principal, ServerFrame};
use shoptalk_types::model::{ConversationPatch, ConversationStatus, ReceiptKind, SenderKind, Side};
use std::collections::BTreeSet;
use std::time::Duration;
use ws_common::*;

#[tokio::test]
async fn customer_and_agent_chat_both_ways() {
    let server = TestServer::start().await;
    let shop = server.shop("Chat").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;
    assert!(matches!(
        customer.hello,
        ServerFrame::Hello { workspace_id, principal: Principal::Contact { id }, heartbeat_ms: 30_000 }
            if workspace_id == shop.workspace_id && id == shop.visitor.contact_id
    ));
    assert!(matches!(
        agent.hello,
        ServerFrame::Hello { principal: Principal::Agent { id }, .. } if id == shop.agent_id
    ));

    customer.say(conv, "c-1", "Do you have this in blue?").await;
    let acked = customer.ack("c-1").await;
    assert_eq!(acked.seq, 1);
    assert_eq!(acked.client_msg_id.as_deref(), Some("c-1"));
    assert_eq!(acked.sender.kind, SenderKind::Contact);
    let pushed = agent.message().await;
    assert_eq!(pushed, acked);

    agent.say(conv, "a-1", "Yes, in every size.").await;
    let acked = agent.ack("a-1").await;
    assert_eq!(acked.seq, 2);
    assert_eq!(acked.sender.kind, SenderKind::Agent);
    // The customer also gets its own message back (before or after its ack: clients dedupe),
    // then the agent's answer.
    let (pushed, skipped) = customer
        .until(|f| match f {
            ServerFrame::Message { message } if message.seq == 2 => Some(message.clone()),
            _ => None,
        })
        .await;
    assert!(
        skipped
            .iter()
            .all(|f| matches!(f, ServerFrame::Message { message } if message.seq == 1)),
        "{skipped:?}"
    );
    assert_eq!(pushed.id, acked.id);
    assert_eq!(pushed.seq, 2);
    assert_eq!(pushed.content, Content::text("Yes, in every size."));

    // The acknowledged messages are in the log, in order.
    let log = server.log(&shop.admin, conv).await;
    assert_eq!(log.iter().map(|m| m.seq).collect::<Vec<_>>(), vec![1, 2]);
}

#[tokio::test]
async fn private_notes_reach_agents_but_never_the_customer() {
    let server = TestServer::start().await;
    let shop = server.shop("Notes").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;
    let mut colleague = server.connect(&shop.api_key).await;

    agent
        .send(&ClientFrame::Send {
            conversation_id: conv,
            client_msg_id: "note-1".into(),
            content: Content::text("VIP customer, offer free shipping"),
            private: true,
        })
        .await;
    let note = agent.ack("note-1").await;
    assert!(note.private);
    assert_eq!(colleague.message().await.id, note.id);

    agent.say(conv, "a-2", "Shipping is on us!").await;
    let public = agent.ack("a-2").await;
    // The customer's first push is the public message: the note never came.
    let (first, skipped) = customer
        .until(|f| match f {
            ServerFrame::Message { message } => Some(message.clone()),
            _ => None,
        })
        .await;
    assert_eq!(first.id, public.id, "the customer got {first:?} first");
    assert!(
        skipped
            .iter()
            .all(|f| !matches!(f, ServerFrame::Message { .. }))
    );

    // A customer cannot write notes either.
    customer
        .send(&ClientFrame::Send {
            conversation_id: conv,
            client_msg_id: "c-note".into(),
            content: Content::text("psst"),
            private: true,
        })
        .await;
    let (r, error) = customer.error().await;
    assert_eq!(r.as_deref(), Some("c-note"));
    assert_eq!(error.code, "validation_failed");
    assert_eq!(error.field.as_deref(), Some("private"));

    // Nor does the replay show notes to the customer.
    customer
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: 0,
        })
        .await;
    let (last_seq, replayed) = customer
        .until(|f| match f {
            ServerFrame::Resumed { last_seq, .. } => Some(*last_seq),
            _ => None,
        })
        .await;
    let seqs: Vec<i64> = replayed
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } => Some(message.seq),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, vec![public.seq]);
    assert_eq!(last_seq, public.seq);
}

#[tokio::test]
async fn a_retried_send_acks_the_original_and_creates_nothing() {
    let server = TestServer::start().await;
    let shop = server.shop("Retry").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;

    customer.say(conv, "same-id", "Where is my order?").await;
    let original = customer.ack("same-id").await;
    // The ack was "lost": the client retries on a new socket.
    customer.close().await;
    let mut customer = server.connect(&shop.visitor.token).await;
    customer.say(conv, "same-id", "Where is my order?").await;
    let retried = customer.ack("same-id").await;
    assert_eq!(retried.id, original.id);
    assert_eq!(retried.seq, original.seq);
    assert_eq!(retried, original);

    customer.say(conv, "next-id", "Order #1001").await;
    let next = customer.ack("next-id").await;
    assert_eq!(next.seq, original.seq + 1, "the retry took no seq");

    // The agent saw the message once, then the next one.
    assert_eq!(agent.message().await.id, original.id);
    assert_eq!(agent.message().await.id, next.id);
    assert_eq!(server.log(&shop.admin, conv).await.len(), 2);
}

#[tokio::test]
async fn many_sends_in_flight_are_all_acked_with_gapless_seqs() {
    let server = TestServer::start().await;
    let shop = server.shop("Burst").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    const N: usize = 300;
    for i in 0..N {
        customer
            .say(conv, &format!("m-{i}"), &format!("message {i}"))
            .await;
    }
    let mut seqs = BTreeSet::new();
    let mut acked = 0;
    while acked < N {
        if let ServerFrame::Ack { message, .. } = customer.next().await {
            assert!(seqs.insert(message.seq));
            acked += 1;
        }
    }
    assert_eq!(
        seqs.into_iter().collect::<Vec<_>>(),
        (1..=N as i64).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn receipts_only_move_forward() {
    let server = TestServer::start().await;
    let shop = server.shop("Receipts").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;
    for i in 0..3 {
        agent.say(conv, &format!("a-{i}"), "hello").await;
        agent.ack(&format!("a-{i}")).await;
    }

    let receipt = |kind, seq| ClientFrame::Receipt {
        conversation_id: conv,
        kind,
        seq,
    };
    let next_receipt = |f: &ServerFrame| match f {
        ServerFrame::Receipt {
            conversation_id,
            side,
            kind,
            seq,
        } if *conversation_id == conv => Some((*side, *kind, *seq)),
        _ => None,
    };

    customer.send(&receipt(ReceiptKind::Read, 2)).await;
    let (got, _) = agent.until(next_receipt).await;
    assert_eq!(got, (Side::Contact, ReceiptKind::Read, 2));
    assert_eq!(
        server
            .conversation(&shop.admin, conv)
            .await
            .contact_read_seq,
        2
    );

    // A lower seq after a higher one: nothing moves, nothing is pushed.
    customer.send(&receipt(ReceiptKind::Read, 1)).await;
    customer.send(&receipt(ReceiptKind::Delivered, 3)).await;
    let (got, _) = agent.until(next_receipt).await;
    assert_eq!(
        got,
        (Side::Contact, ReceiptKind::Delivered, 3),
        "the stale read receipt was pushed"
    );
    let conversation = server.conversation(&shop.admin, conv).await;
    assert_eq!(conversation.contact_read_seq, 2);
    assert_eq!(conversation.contact_delivered_seq, 3);

    // The customer sees receipts of its conversation too, and its own stale one got no error.
    let frames = customer.sync().await;
    assert!(
        frames
            .iter()
            .all(|f| !matches!(f, ServerFrame::Error { .. })),
        "{frames:?}"
    );

    // A negative seq is refused with the field named.
    customer.send(&receipt(ReceiptKind::Read, -1)).await;
    let (r, error) = customer.error().await;
    assert_eq!(r.as_deref(), Some("receipt"));
    assert_eq!(error.code, "validation_failed");
    assert_eq!(error.field.as_deref(), Some("seq"));
}

#[tokio::test]
async fn typing_reaches_the_other_side_and_nothing_is_stored() {
    let server = TestServer::start().await;
    let shop = server.shop("Typing").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    let mut agent = server.connect(&shop.agent_token).await;

    customer
        .send(&ClientFrame::Typing {
            conversation_id: conv,
            typing: true,
        })
        .await;
    let (from, _) = agent
        .until(|f| match f {
            ServerFrame::Typing {
                conversation_id,
                from,
                typing: true,
            } if *conversation_id == conv => Some(*from),
            _ => None,
        })
        .await;
    assert_eq!(
        from,
        Principal::Contact {
            id: shop.visitor.contact_id
        }
    );

    agent
        .send(&ClientFrame::Typing {
            conversation_id: conv,
            typing: true,
        })
        .await;
    let (from, skipped) = customer
        .until(|f| match f {
            ServerFrame::Typing { from, .. } => Some(*from),
            _ => None,
        })
        .await;
    assert_eq!(
        from,
        Principal::Agent { id: shop.agent_id },
        "the customer got its own typing back"
    );
    assert!(skipped.is_empty(), "{skipped:?}");
    // Nor does the agent get its own typing back: the next thing it sees is a marker.
    agent.say(conv, "marker", "done typing").await;
    let (_, skipped) = agent
        .until(|f| matches!(f, ServerFrame::Ack { .. }).then_some(()))
        .await;
    assert!(
        skipped
            .iter()
            .all(|f| !matches!(f, ServerFrame::Typing { .. })),
        "{skipped:?}"
    );

    // Typing left no trace: the log holds only the marker.
    let conversation = server.conversation(&shop.admin, conv).await;
    assert_eq!(conversation.last_seq, 1);
    assert_eq!(server.log(&shop.admin, conv).await.len(), 1);
}

#[tokio::test]
async fn agents_see_each_other_come_and_go() {
    let server = TestServer::start().await;
    let shop = server.shop("Presence").await;
    let mut watcher = server.connect(&shop.api_key).await;
    let presence = |f: &ServerFrame| match f {
        ServerFrame::Presence { agent_id, status } => Some((*agent_id, *status)),
        _ => None,
    };

    let first_tab = server.connect(&shop.agent_token).await;
    assert_eq!(
        watcher.until(presence).await.0,
        (shop.agent_id, PresenceStatus::Online)
    );
    let mut second_tab = server.connect(&shop.agent_token).await;

    second_tab
        .send(&ClientFrame::Presence {
            status: PresenceStatus::Away,
        })
        .await;
    assert_eq!(
        watcher.until(presence).await.0,
        (shop.agent_id, PresenceStatus::Away)
    );

    // Closing one tab of two: still online. Closing the last: offline.
    first_tab.close().await;
    assert!(watcher.sync().await.iter().all(|f| presence(f).is_none()));
    second_tab.close().await;
    assert_eq!(
        watcher.until(presence).await.0,
        (shop.agent_id, PresenceStatus::Offline)
    );

    // Customers have no presence.
    let mut customer = server.connect(&shop.visitor.token).await;
    customer
        .send(&ClientFrame::Presence {
            status: PresenceStatus::Online,
        })
        .await;
    let (r, error) = customer.error().await;
    assert_eq!(r.as_deref(), Some("presence"));
    assert_eq!(error.code, "forbidden");
    assert!(
        watcher
            .next_within(Duration::from_millis(200))
            .await
            .is_none()
    );
}

#[tokio::test]
async fn presence_is_remembered_for_the_agent_list_and_the_widget() {
    let server = TestServer::start().await;
    let shop = server.shop("Remembered").await;
    let listed = || async {
        let all = server.app.agent_presence(&shop.admin).await.unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].agent_id, shop.agent_id);
        all[0].status
    };
    let widget_sees_online = || async {
        let config = server.app.widget_config(&shop.widget_key, None).await;
        config.unwrap().agents_online
    };
    let presence = |f: &ServerFrame| match f {
        ServerFrame::Presence { status, .. } => Some(*status),
        _ => None,
    };
    assert_eq!(listed().await, PresenceStatus::Offline);
    assert!(!widget_sees_online().await);

    // A socket that says nothing counts as online. (Each change is remembered before it is
    // pushed, so once the watcher has the frame, the list agrees.)
    let mut watcher = server.connect(&shop.api_key).await;
    let mut first_tab = server.connect(&shop.agent_token).await;
    assert_eq!(watcher.until(presence).await.0, PresenceStatus::Online);
    assert_eq!(listed().await, PresenceStatus::Online);
    assert!(widget_sees_online().await);

    // The last status sent holds, whichever tab sent it; a tab opening later keeps it.
    first_tab
        .send(&ClientFrame::Presence {
            status: PresenceStatus::Away,
        })
        .await;
    assert_eq!(watcher.until(presence).await.0, PresenceStatus::Away);
    let second_tab = server.connect(&shop.agent_token).await;
    assert_eq!(listed().await, PresenceStatus::Away);
    assert!(!widget_sees_online().await, "away is not online");
    // Repeating a status changes nothing and pushes nothing.
    first_tab
        .send(&ClientFrame::Presence {
            status: PresenceStatus::Away,
        })
        .await;
    first_tab.sync().await;
    assert!(watcher.sync().await.iter().all(|f| presence(f).is_none()));

    first_tab.close().await;
    assert_eq!(listed().await, PresenceStatus::Away, "a tab is still open");
    second_tab.close().await;
    assert_eq!(watcher.until(presence).await.0, PresenceStatus::Offline);
    assert_eq!(listed().await, PresenceStatus::Offline);
    assert!(!widget_sees_online().await);

    // Back again: online, whatever it was when it left.
    let _back = server.connect(&shop.agent_token).await;
    assert_eq!(watcher.until(presence).await.0, PresenceStatus::Online);
    assert_eq!(listed().await, PresenceStatus::Online);
}

#[tokio::test]
async fn a_customer_writing_back_reopens_the_conversation_for_the_agents() {
    let server = TestServer::start().await;
    let shop = server.shop("Reopen").await;
    let conv = shop.visitor.conversation_id;
    let resolve = ConversationPatch {
        status: Some(ConversationStatus::Resolved),
        ..Default::default()
    };
    server
        .app
        .update_conversation(&shop.admin, conv, &resolve)
        .await
        .unwrap();
    let mut agent = server.connect(&shop.agent_token).await;
    let mut customer = server.connect(&shop.visitor.token).await;

    // What the customer pressed reaches the agents as a message of its own.
    let pressed = Content::Postback {
        text: "Talk to a person".into(),
        payload: Some("handoff".into()),
        message_id: None,
    };
    customer
        .send(&ClientFrame::Send {
            conversation_id: conv,
            client_msg_id: "c-1".into(),
            content: pressed.clone(),
            private: false,
        })
        .await;
    let acked = customer.ack("c-1").await;
    assert_eq!(agent.message().await.content, pressed);

    let (reopened, _) = agent
        .until(|f| match f {
            ServerFrame::Conversation { conversation } => Some(conversation.clone()),
            _ => None,
        })
        .await;
    assert_eq!(reopened.id, conv);
    assert_eq!(reopened.status, ConversationStatus::Open);
    assert_eq!(reopened.last_seq, acked.seq);
    assert_eq!(
        reopened.last_message_preview.as_deref(),
        Some("Talk to a person")
    );
    assert_eq!(server.conversation(&shop.admin, conv).await, reopened);
    // Conversation frames are for agents only.
    assert!(
        customer
            .sync()
            .await
            .iter()
            .all(|f| !matches!(f, ServerFrame::Conversation { .. }))
    );

    // An open conversation stays as it is: no frame for the next message.
    customer.say(conv, "c-2", "Thanks").await;
    customer.ack("c-2").await;
    agent.message().await;
    assert!(
        agent
            .sync()
            .await
            .iter()
            .all(|f| !matches!(f, ServerFrame::Conversation { .. }))
    );
}
