//! Resuming after a disconnect, and the laggard rule: a client that stops reading is cut off
//! without slowing anyone, and resumes without loss.

mod ws_common;

use futures_util::future::join_all;
use shoptalk_core::App;
use shoptalk_core::service::Actor;
use shoptalk_http::HttpConfig;
use shoptalk_http::ws::CLOSE_LAGGING;
use shoptalk_types::Content;
use shoptalk_types::frames::{ClientFrame, ServerFrame};
use shoptalk_types::ids::ConversationId;
use shoptalk_types::model::SendMessage;
use std::time::Duration;
use ws_common::*;

/// Posts `count` messages as `actor`, `concurrency` at a time; returns when all are committed.
async fn post(
    app: &App,
    actor: &Actor,
    conv: ConversationId,
    prefix: &str,
    count: usize,
    concurrency: usize,
    text: &str,
) {
    let ids: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
    for chunk in ids.chunks(concurrency) {
        let sends = chunk.iter().map(|id| async move {
            let req = SendMessage {
                client_msg_id: Some(id.clone()),
                content: Content::text(text),
                private: false,
            };
            app.send_message(actor, conv, &req).await.unwrap();
        });
        join_all(sends).await;
    }
}

/// The client rule of docs/protocol.md: apply `seq == watermark + 1`, ignore what is at or
/// below the watermark, leave gaps to the replay. Returns whether the frame was applied.
fn apply(
    watermark: &mut i64,
    applied: &mut Vec<i64>,
    frame: &ServerFrame,
    conv: ConversationId,
) -> bool {
    if let ServerFrame::Message { message } = frame
        && message.conversation_id == conv
        && message.seq == *watermark + 1
    {
        *watermark = message.seq;
        applied.push(message.seq);
        return true;
    }
    false
}

#[tokio::test]
async fn resume_replays_exactly_the_missing_messages_in_order() {
    let server = TestServer::start().await;
    let shop = server.shop("Resume").await;
    let conv = shop.visitor.conversation_id;
    let mut customer = server.connect(&shop.visitor.token).await;
    post(&server.app, &shop.admin, conv, "first", 3, 1, "hello").await;
    for seq in 1..=3 {
        assert_eq!(customer.message().await.seq, seq);
    }
    customer.close().await;

    // While the customer is away, the shop writes (a private note among them).
    post(
        &server.app,
        &shop.admin,
        conv,
        "away",
        4,
        1,
        "are you there?",
    )
    .await;
    server
        .app
        .send_message(
            &shop.admin,
            conv,
            &SendMessage {
                client_msg_id: Some("note".into()),
                content: Content::text("internal"),
                private: true,
            },
        )
        .await
        .unwrap();
    post(
        &server.app,
        &shop.admin,
        conv,
        "after-note",
        1,
        1,
        "still there?",
    )
    .await;

    let mut customer = server.connect(&shop.visitor.token).await;
    customer
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: 3,
        })
        .await;
    let (last_seq, frames) = customer
        .until(|f| match f {
            ServerFrame::Resumed {
                conversation_id,
                last_seq,
            } if *conversation_id == conv => Some(*last_seq),
            _ => None,
        })
        .await;
    let seqs: Vec<i64> = frames
        .iter()
        .map(|f| match f {
            ServerFrame::Message { message } => message.seq,
            other => panic!("unexpected frame during the replay: {other:?}"),
        })
        .collect();
    // Seq 8 is the private note: never shown to the customer.
    assert_eq!(seqs, vec![4, 5, 6, 7, 9]);
    assert_eq!(last_seq, 9);

    // Nothing missing: `resumed` at once, with the same watermark.
    customer
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: 9,
        })
        .await;
    assert_eq!(
        customer.next().await,
        ServerFrame::Resumed {
            conversation_id: conv,
            last_seq: 9
        }
    );

    // The agent sees the note in its replay.
    let mut agent = server.connect(&shop.agent_token).await;
    agent
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: 7,
        })
        .await;
    let (_, frames) = agent
        .until(|f| matches!(f, ServerFrame::Resumed { .. }).then_some(()))
        .await;
    let seqs: Vec<(i64, bool)> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } => Some((message.seq, message.private)),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, vec![(8, true), (9, false)]);
}

#[tokio::test]
async fn a_long_replay_pages_and_stays_in_order_while_live_messages_arrive() {
    let server = TestServer::start().await;
    let shop = server.shop("Long replay").await;
    let conv = shop.visitor.conversation_id;
    const BACKLOG: usize = 1_100; // more than two pages
    const LIVE: usize = 200;
    post(
        &server.app,
        &shop.admin,
        conv,
        "old",
        BACKLOG,
        100,
        "backlog",
    )
    .await;

    let mut customer = server.connect(&shop.visitor.token).await;
    customer
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: 0,
        })
        .await;
    let app = server.app.clone();
    let admin = shop.admin;
    let live =
        tokio::spawn(async move { post(&app, &admin, conv, "live", LIVE, 10, "live").await });

    let total = (BACKLOG + LIVE) as i64;
    let mut watermark = 0;
    let mut applied = Vec::new();
    let mut replay_done = false;
    let mut replayed = Vec::new();
    while watermark < total || !replay_done {
        let frame = customer.next().await;
        if !replay_done && let ServerFrame::Message { message } = &frame {
            replayed.push(message.seq);
        }
        if let ServerFrame::Resumed { last_seq, .. } = frame {
            assert!(last_seq >= BACKLOG as i64);
            replay_done = true;
        }
        apply(&mut watermark, &mut applied, &frame, conv);
    }
    live.await.unwrap();
    assert_eq!(applied, (1..=total).collect::<Vec<_>>());
    // Until `resumed`, the replay itself went in order: each seq at most once, increasing.
    let replay_only: Vec<i64> = replayed
        .iter()
        .copied()
        .filter(|s| *s <= BACKLOG as i64)
        .collect();
    assert_eq!(replay_only, (1..=BACKLOG as i64).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_laggard_is_cut_off_without_slowing_others_and_resumes_without_loss() {
    let server = TestServer::with_config(HttpConfig {
        ws_send_queue_frames: 32,
        ..HttpConfig::default()
    })
    .await;
    let shop = server.shop("Laggard").await;
    let conv = shop.visitor.conversation_id;
    // ~8 MB: more than the kernel buffers between the server and a client that stopped
    // reading (the server's send buffer autotunes up to 4 MB).
    const N: i64 = 2_000;
    let text = "x".repeat(4_000);

    // The laggard stops reading after `hello`; its tiny TCP window fills at once.
    let mut laggard = server.connect_small_window(&shop.agent_token).await;
    let mut reader = server.connect(&shop.api_key).await;
    let app = server.app.clone();
    let actor = shop.visitor.actor;
    let writer =
        tokio::spawn(async move { post(&app, &actor, conv, "m", N as usize, 20, &text).await });

    let mut seen = 0;
    while seen < N {
        if let ServerFrame::Message { message } = reader.next().await {
            assert_eq!(
                message.seq,
                seen + 1,
                "the reader got every message, in order"
            );
            seen = message.seq;
        }
    }
    writer.await.unwrap();

    // The laggard was cut off: it reads what was in flight, then the socket ends.
    let (frames, ended) = laggard.drain_until_closed(Duration::from_secs(30)).await;
    eprintln!("laggard read {} frames before {ended:?}", frames.len());
    match &ended {
        Ended::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), CLOSE_LAGGING),
        Ended::Closed(None) | Ended::Dropped => {}
        Ended::StillOpen => panic!("the laggard was not cut off"),
    }
    let mut watermark = 0;
    let mut applied = Vec::new();
    for frame in &frames {
        apply(&mut watermark, &mut applied, frame, conv);
    }
    assert!(watermark < N, "the laggard was not cut off ({ended:?})");

    // It comes back and resumes from what it has.
    let mut laggard = server.connect(&shop.agent_token).await;
    laggard
        .send(&ClientFrame::Resume {
            conversation_id: conv,
            after_seq: watermark,
        })
        .await;
    let (last_seq, frames) = laggard
        .until(|f| match f {
            ServerFrame::Resumed { last_seq, .. } => Some(*last_seq),
            _ => None,
        })
        .await;
    for frame in &frames {
        assert!(
            apply(&mut watermark, &mut applied, frame, conv)
                || !matches!(frame, ServerFrame::Message { .. })
        );
    }
    assert_eq!(last_seq, N);
    assert_eq!(applied, (1..=N).collect::<Vec<_>>());
    assert_eq!(server.hub.connection_count(), 2);
}
