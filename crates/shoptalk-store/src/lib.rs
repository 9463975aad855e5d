//! Storage backends for Shoptalk.
//!
//! - [`SqliteStore`]: the embedded default. One database file in WAL mode with
//!   `synchronous=FULL`, a small pool of reader connections and exactly one writer connection,
//!   so writers queue in the process instead of fighting over SQLite's lock. The message log is
//!   written by group commit ([`shoptalk_core::committer`]): one transaction per batch, a
//!   handful of set-based statements whatever the batch size.
//! - [`DiskBlobStore`]: media files on local disk.
//!
//! A PostgreSQL backend will live beside SQLite (`src/postgres/`, `migrations/postgres/`). What
//! does not depend on the SQL dialect is shared and backend-neutral: planning a write batch
//! (`batch`), building events and webhook deliveries (`events`), and small conversions
//! (`common`).
//!
//! Architecture Invariant: every SQL statement of a tenant's data filters by the caller's
//! `WorkspaceId` (or reaches the row through one that does).

mod batch;
mod blob;
mod common;
mod events;
mod sqlite;

pub use blob::DiskBlobStore;
pub use events::{WEBHOOK_DELIVER_JOB, WEBHOOK_MAX_ATTEMPTS};
pub use sqlite::SqliteStore;
