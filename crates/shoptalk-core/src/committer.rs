//! Group commit for the message log. Senders hand their write to one committer task and wait;
//! the committer takes everything queued (up to [`MAX_BATCH`]) and writes it in one
//! transaction with one durable commit, then answers each sender and publishes the committed
//! events in commit order. Throughput thus grows with load instead of being capped by the
//! fsync rate, and a sender is acknowledged only after its data is on disk.
//!
//! Architecture Invariant: only the committer appends messages and moves receipts, so live
//! pushes of a conversation leave in seq order.

use crate::error::{DomainError, DomainResult};
use crate::fanout::{Fanout, LiveEvent};
use crate::store::*;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// Most writes committed in one transaction.
pub const MAX_BATCH: usize = 2048;
/// Writes waiting for the committer before senders wait for room (back-pressure).
const QUEUE_DEPTH: usize = 16 * 1024;

enum Pending {
    // Boxed: a message is much larger than a receipt, and the queue holds thousands.
    Message(
        Box<NewMessage>,
        oneshot::Sender<Result<Appended, AppendRejected>>,
    ),
    Receipt(ReceiptUpdate, oneshot::Sender<ReceiptOutcome>),
}

#[derive(Clone)]
pub struct GroupCommitter {
    tx: mpsc::Sender<Pending>,
}

impl GroupCommitter {
    /// Starts the committer task. It ends when every handle is dropped, after committing
    /// what was queued — which is what graceful shutdown relies on.
    pub fn spawn(
        store: Arc<dyn Store>,
        fanout: Arc<dyn Fanout>,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(QUEUE_DEPTH);
        let handle = tokio::spawn(run(store, fanout, rx));
        (Self { tx }, handle)
    }

    /// Queues `message` for the next commit and returns at once. Messages enqueued one after
    /// the other get seqs in that order, so a connection that enqueues in the order its client
    /// sent keeps that order in the log while it waits for several commits at once.
    pub async fn enqueue(&self, message: NewMessage) -> DomainResult<AppendTicket> {
        let (done, wait) = oneshot::channel();
        self.submit(Pending::Message(Box::new(message), done))
            .await?;
        Ok(AppendTicket(wait))
    }

    pub async fn receipt(&self, receipt: ReceiptUpdate) -> DomainResult<ReceiptOutcome> {
        let (done, wait) = oneshot::channel();
        self.submit(Pending::Receipt(receipt, done)).await?;
        wait.await.map_err(|_| commit_failed())
    }

    async fn submit(&self, pending: Pending) -> DomainResult<()> {
        self.tx
            .send(pending)
            .await
            .map_err(|_| DomainError::Unavailable("the server is shutting down"))
    }
}

/// A queued append: resolves once its batch has committed.
pub struct AppendTicket(oneshot::Receiver<Result<Appended, AppendRejected>>);

impl AppendTicket {
    pub async fn committed(self) -> DomainResult<Result<Appended, AppendRejected>> {
        self.0.await.map_err(|_| commit_failed())
    }
}

/// A dropped answer means the batch's transaction failed (logged by the committer): the
/// sender must not assume success, and retrying with the same `client_msg_id` is safe.
fn commit_failed() -> DomainError {
    DomainError::Unavailable("the write could not be committed; retry with the same client_msg_id")
}

async fn run(store: Arc<dyn Store>, fanout: Arc<dyn Fanout>, mut rx: mpsc::Receiver<Pending>) {
    let mut queue = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut queue, MAX_BATCH).await > 0 {
        commit_one_batch(store.as_ref(), fanout.as_ref(), std::mem::take(&mut queue)).await;
    }
}

/// One step of the committer: write `pending` as one batch, answer, publish.
async fn commit_one_batch(store: &dyn Store, fanout: &dyn Fanout, pending: Vec<Pending>) {
    let mut batch = WriteBatch::default();
    let mut message_waiters = Vec::new();
    let mut receipt_waiters = Vec::new();
    for p in pending {
        match p {
            Pending::Message(m, w) => {
                batch.messages.push(*m);
                message_waiters.push(w);
            }
            Pending::Receipt(r, w) => {
                batch.receipts.push(r);
                receipt_waiters.push(w);
            }
        }
    }
    let size = batch.messages.len() + batch.receipts.len();
    let started = Instant::now();
    let outcome = match store.commit_batch(&batch).await {
        Ok(outcome) => outcome,
        Err(e) => {
            // Dropping the waiters answers every sender with "not committed".
            tracing::error!(error = %e, size, "group commit failed");
            metrics::counter!("shoptalk_commit_failures_total").increment(1);
            return;
        }
    };
    metrics::histogram!("shoptalk_commit_batch_size").record(size as f64);
    metrics::histogram!("shoptalk_commit_seconds").record(started.elapsed().as_secs_f64());

    for ((result, waiter), sent) in outcome
        .messages
        .into_iter()
        .zip(message_waiters)
        .zip(&batch.messages)
    {
        if let Ok(appended) = &result
            && !appended.duplicate
        {
            metrics::counter!("shoptalk_messages_total").increment(1);
            fanout.publish(LiveEvent::Message {
                workspace_id: sent.workspace_id,
                contact_id: appended.contact_id,
                message: appended.message.clone(),
            });
        }
        let _ = waiter.send(result);
    }
    // After the messages that caused them, so an agent sees the message, then the reopening.
    for conversation in outcome.reopened {
        fanout.publish(LiveEvent::Conversation { conversation });
    }
    for ((result, waiter), sent) in outcome
        .receipts
        .into_iter()
        .zip(receipt_waiters)
        .zip(&batch.receipts)
    {
        if let ReceiptOutcome::Advanced(a) = &result {
            fanout.publish(LiveEvent::Receipt {
                workspace_id: sent.workspace_id,
                contact_id: a.contact_id,
                conversation_id: a.conversation_id,
                side: a.side,
                kind: a.kind,
                seq: a.seq,
            });
        }
        let _ = waiter.send(result);
    }
}
