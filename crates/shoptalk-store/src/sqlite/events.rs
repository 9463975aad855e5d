//! Webhook event emission inside a write transaction (the Invariant of `shoptalk_core::store`):
//! the deliveries of an event, and their jobs, commit with the write that caused it or not at
//! all.
//!
//! Cost: one indexed probe of `webhooks` per write (per batch for the message log), and
//! nothing else when the workspace has no active webhook. A probe rather than an in-memory
//! cache keeps every process on the file (server, CLI) right without invalidation.

use super::error::db_err;
use super::rows::{R, RowExt};
use crate::common::{ms, to_json};
use crate::events::{HookRoute, Hooks, WEBHOOK_DELIVER_JOB, WEBHOOK_MAX_ATTEMPTS};
use jiff::Timestamp;
use serde_json::json;
use shoptalk_types::ids::*;
use shoptalk_types::model::Event;
use sqlx::SqliteConnection;

/// The active webhooks of `workspaces`.
pub(super) async fn hooks(conn: &mut SqliteConnection, workspaces: &[WorkspaceId]) -> R<Hooks> {
    if workspaces.is_empty() {
        return Ok(Hooks::default());
    }
    let rows = sqlx::query(
        "SELECT id, workspace_id, events FROM webhooks
         WHERE active = 1 AND workspace_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(to_json(workspaces)?)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let routes = rows
        .iter()
        .map(|row| {
            Ok(HookRoute {
                webhook_id: row.id("id")?,
                workspace_id: row.id("workspace_id")?,
                events: row.json("events")?,
            })
        })
        .collect::<R<Vec<_>>>()?;
    Ok(Hooks::new(routes))
}

/// Emits the events of a write to one workspace: probes its webhooks, then queues the
/// deliveries. `events` is only called when some webhook of `ws` is active.
pub(super) async fn emit(
    conn: &mut SqliteConnection,
    ws: WorkspaceId,
    events: impl FnOnce() -> R<Vec<Event>>,
) -> R<()> {
    let hooks = hooks(conn, &[ws]).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    queue_deliveries(conn, &hooks, &events()?).await
}

/// Inserts one pending delivery per (event, subscribed webhook), and its job, in two
/// statements whatever the number of events.
pub(super) async fn queue_deliveries(
    conn: &mut SqliteConnection,
    hooks: &Hooks,
    events: &[Event],
) -> R<()> {
    let planned = hooks.plan(events)?;
    if planned.is_empty() {
        return Ok(());
    }
    let now = ms(Timestamp::now());
    let deliveries: Vec<_> = planned
        .iter()
        .map(|d| {
            json!([
                d.id,
                d.workspace_id,
                d.webhook_id,
                d.event_id,
                d.event_type,
                d.payload
            ])
        })
        .collect();
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, workspace_id, webhook_id, event_id, event_type,
             payload, status, attempts, created_at, updated_at)
         SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5,
             'pending', 0, ?2, ?2
         FROM jsonb_each(?1)",
    )
    .bind(to_json(&deliveries)?)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;

    let jobs: Vec<_> = planned
        .iter()
        .map(|d| json!([JobId::new(), d.id]))
        .collect();
    sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts,
             created_at, updated_at)
         SELECT value->>0, ?2, json_object('delivery_id', value->>1), 'queued', ?3, 0, ?4,
             ?3, ?3
         FROM jsonb_each(?1)",
    )
    .bind(to_json(&jobs)?)
    .bind(WEBHOOK_DELIVER_JOB)
    .bind(now)
    .bind(WEBHOOK_MAX_ATTEMPTS)
    .execute(&mut *conn)
    .await
    .map_err(db_err)?;
    Ok(())
}
