//! Webhook deliveries received from shops and payment providers that were processed.

use super::super::error::db_err;
use super::super::rows::R;
use super::super::{Db, commit};
use crate::common::{ms, now};
use shoptalk_types::ids::WorkspaceId;

pub(super) async fn seen(db: &Db, ws: WorkspaceId, source: &str, delivery_id: &str) -> R<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM inbound_deliveries
             WHERE workspace_id = ?1 AND source = ?2 AND delivery_id = ?3)",
    )
    .bind(ws.to_string())
    .bind(source)
    .bind(delivery_id)
    .fetch_one(&db.reader)
    .await
    .map_err(db_err)
}

/// `false` when it was already marked.
pub(super) async fn mark(db: &Db, ws: WorkspaceId, source: &str, delivery_id: &str) -> R<bool> {
    let mut tx = db.write().await?;
    let fresh = sqlx::query(
        "INSERT INTO inbound_deliveries (workspace_id, source, delivery_id, received_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )
    .bind(ws.to_string())
    .bind(source)
    .bind(delivery_id)
    .bind(ms(now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        == 1;
    commit(tx).await?;
    Ok(fresh)
}
