//! Throughput of the SQLite group commit: `commit_batch` with batches of messages spread over
//! many conversations, on a fresh database file, durable commits (`synchronous=FULL`).
//!
//! ```text
//! cargo run --release -p shoptalk-store --example commit_batch -- \
//!     [batch size=1000] [batches=200] [conversations=10000] [webhook=false] [dir=$TMPDIR]
//! ```
//!
//! Messages go round-robin over the conversations, so every message of a batch lands in a
//! different conversation as long as there are at least as many conversations as the batch
//! size. Every message carries a `client_msg_id` (as WebSocket sends do), senders alternate
//! between the contact and an agent, and each batch also carries one read receipt per 20
//! messages. With `webhook=true` the workspace has a webhook subscribed to `message.created`,
//! so every message also queues a delivery and a job.
//!
//! What bounds it: each message dirties the tail page of its conversation in two indexes
//! ((conversation_id, seq) and (conversation_id, client_msg_id)), and every dirty page is
//! written to the WAL and fsynced at commit. Few, long conversations (e.g. 1000 conversations
//! of hundreds of messages each) are therefore the worst case; many short ones share pages.
//! The process CPU figure tells the store's own cost apart from the machine's load.

use jiff::Timestamp;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::Content;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use std::time::{Duration, Instant};

#[path = "support/bench_workspace.rs"]
mod bench_workspace;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let batch_size: usize = arg(0, "1000").parse()?;
    let batches: usize = arg(1, "200").parse()?;
    let conversations: usize = arg(2, "10000").parse()?;
    let webhook: bool = arg(3, "false").parse()?;
    let dir = tempfile::TempDir::new_in(arg(4, &std::env::temp_dir().to_string_lossy()))?;
    let path = dir.path().join("bench.db");
    let store = SqliteStore::open(&path).await?;

    let (ws, agent) = bench_workspace::create(&store).await?;
    let t = Timestamp::now();
    if webhook {
        store
            .insert_webhook(&WebhookRecord {
                webhook: Webhook {
                    id: WebhookId::new(),
                    url: "https://example.test/hook".into(),
                    events: vec!["message.created".into()],
                    active: true,
                    created_at: t,
                },
                workspace_id: ws,
                secret: "whsec_x".into(),
            })
            .await?;
    }
    let mut convs = Vec::with_capacity(conversations);
    for _ in 0..conversations {
        let contact = store.insert_anonymous_contact(ws).await?;
        let conv = store
            .create_conversation(ws, contact.id, Channel::Web)
            .await?
            .ok_or("contact vanished")?;
        convs.push(conv);
    }

    let mut latencies = Vec::with_capacity(batches);
    let mut committed = 0usize;
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    for b in 0..batches {
        let mut batch = WriteBatch::default();
        for i in 0..batch_size {
            let n = b * batch_size + i;
            let conv = &convs[n % convs.len()];
            let sender = if n.is_multiple_of(2) {
                Sender {
                    kind: SenderKind::Contact,
                    id: Some(conv.contact_id.0),
                }
            } else {
                Sender {
                    kind: SenderKind::Agent,
                    id: Some(agent.0),
                }
            };
            batch.messages.push(NewMessage {
                id: MessageId::new(),
                workspace_id: ws,
                conversation_id: conv.id,
                only_if_contact: n.is_multiple_of(2).then_some(conv.contact_id),
                sender,
                content: Content::text(format!("message {n}: is the blue jacket in stock in M?")),
                private: false,
                client_msg_id: Some(format!("c{n}")),
                created_at: Timestamp::now(),
            });
            if i.is_multiple_of(20) {
                batch.receipts.push(ReceiptUpdate {
                    workspace_id: ws,
                    conversation_id: conv.id,
                    only_if_contact: None,
                    side: Side::Agent,
                    kind: ReceiptKind::Read,
                    seq: i64::MAX,
                });
            }
        }
        let t0 = Instant::now();
        let outcome = store.commit_batch(&batch).await?;
        latencies.push(t0.elapsed());
        committed += outcome.messages.iter().filter(|r| r.is_ok()).count();
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "commit_batch: {committed} messages in {batches} batches of {batch_size} over {conversations} conversations (webhook: {webhook})"
    );
    println!(
        "  {:.0} messages/s; per batch p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        committed as f64 / elapsed.as_secs_f64(),
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(pct(1.0)),
    );
    if let Some(cpu) = cpu {
        println!(
            "  process CPU {cpu:.2} s ({:.1} µs per message): {:.0} messages per CPU-second",
            cpu * 1e6 / committed as f64,
            committed as f64 / cpu
        );
    }
    store.close().await;
    Ok(())
}

/// User + system CPU time of this process so far (Linux), to tell the store's own cost from
/// the machine's load.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // Clock ticks per second: 100 on every Linux configuration in use.
    Some(ticks / 100.0)
}
