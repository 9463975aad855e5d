//! Tracked links and their clicks.

use super::super::error::db_err;
use super::super::events::emit;
use super::super::rows::{R, RowExt};
use super::super::{Db, commit};
use super::record::write_err;
use crate::common::{ms, to_json, to_value};
use crate::events::{LINK_CLICKED, event};
use jiff::Timestamp;
use shoptalk_core::commerce_store::TrackedLinkRecord;
use shoptalk_types::commerce::LinkClick;
use shoptalk_types::ids::WorkspaceId;
use sqlx::sqlite::SqliteRow;

fn link_row(row: &SqliteRow) -> R<TrackedLinkRecord> {
    Ok(TrackedLinkRecord {
        token: row.text("token")?,
        workspace_id: row.id("workspace_id")?,
        url: row.text("url")?,
        contact_id: row.opt_id("contact_id")?,
        conversation_id: row.opt_id("conversation_id")?,
        message_id: row.opt_id("message_id")?,
        source: row.opt_text("source")?,
        created_at: row.time("created_at")?,
    })
}

/// One statement whatever the number of links.
pub(super) async fn insert(db: &Db, links: &[TrackedLinkRecord]) -> R<()> {
    if links.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = links
        .iter()
        .map(|l| {
            (
                &l.token,
                l.workspace_id,
                &l.url,
                l.contact_id,
                l.conversation_id,
                l.message_id,
                &l.source,
                ms(l.created_at),
            )
        })
        .collect();
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO tracked_links (token, workspace_id, url, contact_id, conversation_id,
             message_id, source, created_at)
         SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6,
             value->>7
         FROM json_each(?1)",
    )
    .bind(to_json(&rows)?)
    .execute(&mut *tx)
    .await
    .map_err(write_err)?;
    commit(tx).await
}

pub(super) async fn get(db: &Db, token: &str) -> R<Option<TrackedLinkRecord>> {
    sqlx::query("SELECT * FROM tracked_links WHERE token = ?1")
        .bind(token)
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(link_row)
        .transpose()
}

/// A click of a link that is not (or no longer) stored is not recorded.
pub(super) async fn record_click(db: &Db, link: &TrackedLinkRecord, at: Timestamp) -> R<()> {
    let ws = link.workspace_id;
    let mut tx = db.write().await?;
    let recorded = sqlx::query(
        "INSERT INTO link_clicks (token, clicked_at)
         SELECT token, ?3 FROM tracked_links WHERE token = ?1 AND workspace_id = ?2",
    )
    .bind(&link.token)
    .bind(ws.to_string())
    .bind(ms(at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        > 0;
    if !recorded {
        return Ok(());
    }
    emit(&mut tx, ws, || {
        let click = LinkClick {
            token: link.token.clone(),
            url: link.url.clone(),
            contact_id: link.contact_id,
            message_id: link.message_id,
            at,
        };
        Ok(vec![event(LINK_CLICKED, ws, to_value(&click)?)])
    })
    .await?;
    commit(tx).await
}

pub(super) async fn clicks(db: &Db, ws: WorkspaceId, token: &str) -> R<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM link_clicks k
         JOIN tracked_links l ON l.token = k.token
         WHERE l.token = ?1 AND l.workspace_id = ?2",
    )
    .bind(token)
    .bind(ws.to_string())
    .fetch_one(&db.reader)
    .await
    .map_err(db_err)?;
    Ok(n.unsigned_abs())
}
