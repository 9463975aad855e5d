//! Signed outbound webhook delivery: the handler of `webhook.deliver` jobs.
//!
//! The store queues one delivery (and its job) per subscribed webhook in the same transaction
//! as the event's cause. Each run of the job is one attempt: POST the event, signed with the
//! webhook's secret per Standard Webhooks, and record the outcome on the delivery so that
//! tenants can read it in the delivery log. Retries, backoff and the attempt limit belong to
//! the job queue.

use crate::egress::{self, EgressPolicy};
use crate::runner::{JobFailure, JobHandler};
use crate::signing;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shoptalk_core::store::{Job, Store};
use shoptalk_types::DeliveryId;
use shoptalk_types::model::DeliveryStatus;
use std::sync::Arc;

/// The job kind this handler runs.
pub const JOB_KIND: &str = "webhook.deliver";
/// The `user-agent` of deliveries.
pub const USER_AGENT: &str = "Shoptalk-Webhooks/1";
/// Bytes of a response body read at most (the rest is discarded unread).
pub const MAX_RESPONSE_BYTES: usize = 4096;
/// Characters of a failed response's body kept in the delivery's error.
const ERROR_SNIPPET_CHARS: usize = 200;

/// The payload of a `webhook.deliver` job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverPayload {
    pub delivery_id: DeliveryId,
}

/// Delivers webhook events; register it as the handler of [`JOB_KIND`].
pub struct WebhookDeliverer {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    policy: EgressPolicy,
}

/// How one attempt ended, before it is recorded.
enum Attempt {
    Delivered(u16),
    /// The endpoint answered with a non-2xx status.
    Rejected(u16, String),
    /// No answer: connection, TLS, timeout.
    Unreachable(String),
    /// The destination is refused by the egress policy, or the webhook cannot be signed for:
    /// retrying cannot help.
    Refused(String),
}

impl WebhookDeliverer {
    /// A deliverer with the guarded [`egress::client`] for `policy`.
    pub fn new(store: Arc<dyn Store>, policy: EgressPolicy) -> Self {
        Self::with_client(store, egress::client(policy), policy)
    }

    /// A deliverer with a given client. It must be an [`egress::client`] (or as strict) for the
    /// egress policy to hold for names; IP literals are checked here either way.
    pub fn with_client(
        store: Arc<dyn Store>,
        client: reqwest::Client,
        policy: EgressPolicy,
    ) -> Self {
        Self {
            store,
            client,
            policy,
        }
    }

    async fn attempt(&self, url: &str, secret: &str, event_id: &str, body: Vec<u8>) -> Attempt {
        // The resolver guards names; IP literals never reach it.
        let url = match egress::check_url(url, self.policy) {
            Ok(url) => url,
            Err(e) => return Attempt::Refused(e.to_string()),
        };
        let timestamp = Timestamp::now().as_second();
        let signature = match signing::sign(secret, event_id, timestamp, &body) {
            Ok(s) => s,
            Err(e) => return Attempt::Refused(e.to_string()),
        };
        let sent = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::USER_AGENT, USER_AGENT)
            .header("webhook-id", event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                return match egress::egress_error(&e) {
                    Some(refusal) if refusal.is_policy() => Attempt::Refused(refusal.to_string()),
                    Some(other) => Attempt::Unreachable(other.to_string()),
                    None => Attempt::Unreachable(describe(&e)),
                };
            }
        };
        let status = response.status().as_u16();
        let head = read_head(&mut response).await;
        if response.status().is_success() {
            Attempt::Delivered(status)
        } else {
            let snippet: String = String::from_utf8_lossy(&head)
                .chars()
                .filter(|c| !c.is_control())
                .take(ERROR_SNIPPET_CHARS)
                .collect();
            let snippet = snippet.trim();
            let message = if snippet.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {snippet}")
            };
            Attempt::Rejected(status, message)
        }
    }
}

/// The first [`MAX_RESPONSE_BYTES`] of a response body; errors end the read quietly.
async fn read_head(response: &mut reqwest::Response) -> Vec<u8> {
    let mut head = Vec::new();
    while head.len() < MAX_RESPONSE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_RESPONSE_BYTES - head.len();
                head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            Ok(None) | Err(_) => break,
        }
    }
    head
}

/// A request error with its causes, for the delivery log.
fn describe(err: &reqwest::Error) -> String {
    let mut text = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "connection failed".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[async_trait]
impl JobHandler for WebhookDeliverer {
    async fn run(&self, job: &Job) -> Result<(), JobFailure> {
        let payload: DeliverPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobFailure::permanent(format!("invalid webhook.deliver payload: {e}")))?;
        let id = payload.delivery_id;
        let found = self
            .store
            .delivery_for_send(id)
            .await
            .map_err(|e| JobFailure::retryable(format!("loading delivery {id}: {e}")))?;
        let Some((delivery, webhook, event)) = found else {
            return Err(JobFailure::permanent(format!("delivery {id} not found")));
        };
        match delivery.status {
            // Already done by an earlier run whose completion was not recorded.
            DeliveryStatus::Succeeded => return Ok(()),
            DeliveryStatus::Dead => {
                return Err(JobFailure::permanent(format!("delivery {id} is dead")));
            }
            DeliveryStatus::Pending => {}
        }
        let last_attempt = job.attempts >= job.max_attempts;
        let record = |status: DeliveryStatus, code: Option<u16>, error: Option<String>| {
            let store = self.store.clone();
            async move {
                store
                    .record_delivery_attempt(id, status, code.map(i64::from), error.as_deref())
                    .await
                    .map_err(|e| JobFailure::retryable(format!("recording delivery {id}: {e}")))
            }
        };

        if !webhook.webhook.active {
            let reason = "the webhook is disabled".to_owned();
            record(DeliveryStatus::Dead, None, Some(reason.clone())).await?;
            return Err(JobFailure::permanent(reason));
        }

        let body = serde_json::to_vec(&event)
            .map_err(|e| JobFailure::permanent(format!("serializing event: {e}")))?;
        let outcome = self
            .attempt(
                &webhook.webhook.url,
                &webhook.secret,
                &event.id.to_string(),
                body,
            )
            .await;
        let retry_status = if last_attempt {
            DeliveryStatus::Dead
        } else {
            DeliveryStatus::Pending
        };
        match outcome {
            Attempt::Delivered(code) => {
                record(DeliveryStatus::Succeeded, Some(code), None).await?;
                Ok(())
            }
            Attempt::Rejected(code, message) => {
                record(retry_status, Some(code), Some(message.clone())).await?;
                Err(JobFailure::retryable(message))
            }
            Attempt::Unreachable(message) => {
                record(retry_status, None, Some(message.clone())).await?;
                Err(JobFailure::retryable(message))
            }
            Attempt::Refused(message) => {
                tracing::warn!(delivery_id = %id, webhook_id = %webhook.webhook.id, %message,
                    "webhook destination refused");
                record(DeliveryStatus::Dead, None, Some(message.clone())).await?;
                Err(JobFailure::permanent(message))
            }
        }
    }
}
