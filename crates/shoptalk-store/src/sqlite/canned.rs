//! Canned responses.

use super::error::db_err;
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::{ms, now};
use shoptalk_types::ids::*;
use shoptalk_types::model::{CannedResponse, CannedResponsePatch};
use sqlx::sqlite::SqliteRow;

fn canned_row(row: &SqliteRow) -> R<CannedResponse> {
    Ok(CannedResponse {
        id: row.id("id")?,
        shortcut: row.text("shortcut")?,
        title: row.text("title")?,
        text: row.text("text")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

pub(super) async fn list(db: &Db, ws: WorkspaceId) -> R<Vec<CannedResponse>> {
    sqlx::query("SELECT * FROM canned_responses WHERE workspace_id = ?1 ORDER BY shortcut")
        .bind(ws.to_string())
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(canned_row)
        .collect()
}

pub(super) async fn insert(db: &Db, ws: WorkspaceId, c: &CannedResponse) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO canned_responses (id, workspace_id, shortcut, title, text, created_at,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(c.id.to_string())
    .bind(ws.to_string())
    .bind(&c.shortcut)
    .bind(&c.title)
    .bind(&c.text)
    .bind(ms(c.created_at))
    .bind(ms(c.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

pub(super) async fn update(
    db: &Db,
    ws: WorkspaceId,
    id: CannedResponseId,
    patch: &CannedResponsePatch,
) -> R<Option<CannedResponse>> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "UPDATE canned_responses SET
             shortcut = coalesce(?3, shortcut),
             title = coalesce(?4, title),
             text = coalesce(?5, text),
             updated_at = ?6
         WHERE workspace_id = ?1 AND id = ?2
         RETURNING *",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .bind(patch.shortcut.as_deref())
    .bind(patch.title.as_deref())
    .bind(patch.text.as_deref())
    .bind(ms(now()))
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let updated = row.as_ref().map(canned_row).transpose()?;
    commit(tx).await?;
    Ok(updated)
}

pub(super) async fn delete(db: &Db, ws: WorkspaceId, id: CannedResponseId) -> R<bool> {
    let mut tx = db.write().await?;
    let found = sqlx::query("DELETE FROM canned_responses WHERE workspace_id = ?1 AND id = ?2")
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
