//! Metadata of uploaded media; the bytes live in a blob store (`crate::blob`).

use super::error::db_err;
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::ms;
use shoptalk_core::store::MediaRecord;
use shoptalk_types::ids::*;
use shoptalk_types::model::Media;

pub(super) async fn insert(db: &Db, m: &MediaRecord) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO media (id, workspace_id, filename, content_type, size_bytes, url,
             storage_name, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(m.media.id.to_string())
    .bind(m.workspace_id.to_string())
    .bind(&m.media.filename)
    .bind(&m.media.content_type)
    .bind(m.media.size_bytes)
    .bind(&m.media.url)
    .bind(&m.storage_name)
    .bind(ms(m.media.created_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

pub(super) async fn get(db: &Db, ws: WorkspaceId, id: MediaId) -> R<Option<MediaRecord>> {
    let row = sqlx::query("SELECT * FROM media WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?;
    row.map(|row| {
        Ok(MediaRecord {
            media: Media {
                id: row.id("id")?,
                filename: row.text("filename")?,
                content_type: row.text("content_type")?,
                size_bytes: row.int("size_bytes")?,
                url: row.text("url")?,
                created_at: row.time("created_at")?,
            },
            workspace_id: row.id("workspace_id")?,
            storage_name: row.text("storage_name")?,
        })
    })
    .transpose()
}
