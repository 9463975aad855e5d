//! Outbound webhooks and their delivery log.

use super::error::db_err;
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::*;
use jiff::Timestamp;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::WebhookRecord;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

/// Columns are read with a prefix so the same decoder serves plain and joined queries.
fn webhook_row(row: &SqliteRow, p: &str) -> R<WebhookRecord> {
    let col = |c: &str| format!("{p}{c}");
    Ok(WebhookRecord {
        webhook: Webhook {
            id: row.id(&col("id"))?,
            url: row.text(&col("url"))?,
            events: row.json(&col("events"))?,
            active: row.flag(&col("active"))?,
            created_at: row.time(&col("created_at"))?,
        },
        workspace_id: row.id(&col("workspace_id"))?,
        secret: row.text(&col("secret"))?,
    })
}

fn delivery_row(row: &SqliteRow) -> R<WebhookDelivery> {
    Ok(WebhookDelivery {
        id: row.id("id")?,
        webhook_id: row.id("webhook_id")?,
        event_id: row.id("event_id")?,
        event_type: row.text("event_type")?,
        status: parse_delivery_status(&row.text("status")?)?,
        attempts: row.int("attempts")?,
        response_status: row.opt_int("response_status")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

pub(super) async fn insert(db: &Db, w: &WebhookRecord) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO webhooks (id, workspace_id, url, events, active, secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(w.webhook.id.to_string())
    .bind(w.workspace_id.to_string())
    .bind(&w.webhook.url)
    .bind(to_json(&w.webhook.events)?)
    .bind(w.webhook.active)
    .bind(&w.secret)
    .bind(ms(w.webhook.created_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

pub(super) async fn list(db: &Db, ws: WorkspaceId) -> R<Vec<Webhook>> {
    sqlx::query("SELECT * FROM webhooks WHERE workspace_id = ?1 ORDER BY created_at, id")
        .bind(ws.to_string())
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(|row| webhook_row(row, "").map(|w| w.webhook))
        .collect()
}

pub(super) async fn get(db: &Db, ws: WorkspaceId, id: WebhookId) -> R<Option<WebhookRecord>> {
    sqlx::query("SELECT * FROM webhooks WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .map(|row| webhook_row(&row, ""))
        .transpose()
}

/// Deletes the webhook and its delivery log; queued delivery jobs then find nothing to send.
pub(super) async fn delete(db: &Db, ws: WorkspaceId, id: WebhookId) -> R<bool> {
    let mut tx = db.write().await?;
    let found = sqlx::query("DELETE FROM webhooks WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected()
        > 0;
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn list_deliveries(
    db: &Db,
    ws: WorkspaceId,
    webhook: WebhookId,
    limit: u32,
    after: Option<Cursor>,
) -> R<Page<WebhookDelivery>> {
    let limit = clamp_limit(limit, MAX_PAGE);
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT id, webhook_id, event_id, event_type, status, attempts, response_status,
             last_error, created_at, updated_at
         FROM webhook_deliveries WHERE workspace_id = ",
    );
    sql.push_bind(ws.to_string())
        .push(" AND webhook_id = ")
        .push_bind(webhook.to_string());
    let order = Order {
        key: "created_at",
        id: "id",
    };
    fetch_page(db, sql, order, after, limit, delivery_row, |d| Cursor {
        key: ms(d.created_at),
        id: d.id.0,
    })
    .await
}

pub(super) async fn delivery_for_send(
    db: &Db,
    id: DeliveryId,
) -> R<Option<(WebhookDelivery, WebhookRecord, Event)>> {
    let row = sqlx::query(
        "SELECT d.id, d.webhook_id, d.event_id, d.event_type, d.status, d.attempts,
             d.response_status, d.last_error, d.created_at, d.updated_at, d.payload,
             w.id AS w_id, w.workspace_id AS w_workspace_id, w.url AS w_url,
             w.events AS w_events, w.active AS w_active, w.secret AS w_secret,
             w.created_at AS w_created_at
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.id = ?1",
    )
    .bind(id.to_string())
    .fetch_optional(&db.reader)
    .await
    .map_err(db_err)?;
    row.map(|row| {
        Ok((
            delivery_row(&row)?,
            webhook_row(&row, "w_")?,
            row.json::<Event>("payload")?,
        ))
    })
    .transpose()
}

pub(super) async fn record_attempt(
    db: &Db,
    id: DeliveryId,
    status: DeliveryStatus,
    response_status: Option<i64>,
    error: Option<&str>,
) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE webhook_deliveries SET status = ?2, attempts = attempts + 1,
             response_status = ?3, last_error = ?4, updated_at = ?5
         WHERE id = ?1",
    )
    .bind(id.to_string())
    .bind(delivery_status_str(status))
    .bind(response_status)
    .bind(error)
    .bind(ms(Timestamp::now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}
