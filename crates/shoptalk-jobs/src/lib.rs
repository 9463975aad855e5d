//! Workers for Shoptalk's durable job queue.
//!
//! Work that must happen after a write, but not inside the request that made it, is a job:
//! today, delivering each domain event (`message.created`, `contact.updated`, ...) to every
//! webhook subscribed to it. The [`JobRunner`] claims due jobs from the [`Store`] with a lease,
//! runs each through the [`JobHandler`] registered for its kind, and records the outcome:
//! done, retried later with exponential [`backoff`], or dead after its last attempt.
//!
//! # Why the store enqueues jobs
//!
//! Jobs are not enqueued by this crate, nor by request handlers after a write returns: the
//! store inserts a write's webhook deliveries and their jobs in the *same transaction* as the
//! write itself. A committed message therefore always has its deliveries queued, and a
//! rolled-back one never has (no event for a message that does not exist, no message whose
//! event is lost to a crash between two commits). The queue lives in the database, so jobs
//! survive restarts; a worker that dies mid-job leaves a lease that expires, and the job is
//! claimed again. Delivery is thus at least once, and handlers must tolerate repeats
//! (webhook receivers deduplicate on `webhook-id`).
//!
//! # Modules
//!
//! - [`runner`]: the job runner and the retry policy.
//! - [`webhook`]: the `webhook.deliver` handler, POSTing signed events to tenant endpoints.
//! - [`signing`]: Standard Webhooks signatures (`webhook-signature: v1,...`), with a verifier
//!   for tests and for documentation of what receivers do.
//! - [`egress`]: the SSRF guard every outbound HTTP call goes through.
//!
//! [`Store`]: shoptalk_core::store::Store

pub mod egress;
pub mod runner;
pub mod signing;
pub mod webhook;

pub use egress::{EgressError, EgressPolicy, check_url, is_forbidden};
pub use runner::{JobFailure, JobHandler, JobRunner, backoff, backoff_ceiling};
pub use signing::{SigningError, VerifyError, sign, verify};
pub use webhook::{DeliverPayload, WebhookDeliverer};
