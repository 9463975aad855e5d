//! Behaviour events of contacts: stored once per (workspace, client id), listed newest first.

use super::error::db_err;
use super::events::emit;
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::*;
use crate::events::{CONTACT_EVENT_TRACKED, event};
use shoptalk_core::cursor::Cursor;
use shoptalk_types::ids::*;
use shoptalk_types::model::{ContactEvent, Page};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};
use std::collections::HashSet;
use uuid::Uuid;

/// An event and its `uid`, the tie-breaker of the list's cursor.
fn event_row(row: &SqliteRow) -> R<(ContactEvent, Uuid)> {
    let properties: Option<String> = row.opt_text("properties")?;
    let event = ContactEvent {
        id: row.text("id")?,
        contact_id: row.id("contact_id")?,
        name: row.text("name")?,
        properties: properties
            .map(|p| parse_json(&p, "properties"))
            .transpose()?,
        occurred_at: row.time("occurred_at")?,
        received_at: row.time("received_at")?,
    };
    Ok((event, row.id("uid")?))
}

/// Three statements whatever the number of events: check the contacts, insert what is new,
/// queue the webhook deliveries of what was inserted.
pub(super) async fn insert(db: &Db, ws: WorkspaceId, events: &[ContactEvent]) -> R<Option<usize>> {
    if events.is_empty() {
        return Ok(Some(0));
    }
    let mut tx = db.write().await?;
    let contacts: HashSet<ContactId> = events.iter().map(|e| e.contact_id).collect();
    let contacts: Vec<ContactId> = contacts.into_iter().collect();
    let unknown: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM json_each(?1) AS k
         WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = ?2 AND c.id = k.value)",
    )
    .bind(to_json(&contacts)?)
    .bind(ws.to_string())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_err)?;
    if unknown > 0 {
        return Ok(None);
    }
    let mut rows = Vec::with_capacity(events.len());
    for e in events {
        rows.push((
            Uuid::now_v7(),
            e.contact_id,
            &e.id,
            &e.name,
            e.properties.as_ref().map(to_json).transpose()?,
            ms(e.occurred_at),
            ms(e.received_at),
        ));
    }
    // `WHERE true` tells SQLite's parser the ON CONFLICT belongs to the INSERT, not a join.
    // A conflicting row, stored earlier or earlier in this very statement, is skipped.
    let inserted: HashSet<String> = sqlx::query_scalar(
        "INSERT INTO contact_events (uid, workspace_id, contact_id, id, name, properties,
             occurred_at, received_at)
         SELECT value->>0, ?2, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6
         FROM jsonb_each(?1) WHERE true
         ON CONFLICT (workspace_id, id) DO NOTHING
         RETURNING id",
    )
    .bind(to_json(&rows)?)
    .bind(ws.to_string())
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?
    .into_iter()
    .collect();
    let stored = inserted.len();
    emit(&mut tx, ws, || {
        // The first event of each stored id is the one that was inserted.
        let mut pending = inserted;
        events
            .iter()
            .filter(|e| pending.remove(&e.id))
            .map(|e| Ok(event(CONTACT_EVENT_TRACKED, ws, to_value(e)?)))
            .collect()
    })
    .await?;
    commit(tx).await?;
    Ok(Some(stored))
}

pub(super) async fn list(
    db: &Db,
    ws: WorkspaceId,
    contact: ContactId,
    limit: u32,
    after: Option<Cursor>,
) -> R<Page<ContactEvent>> {
    let limit = clamp_limit(limit, MAX_PAGE);
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT * FROM contact_events WHERE workspace_id = ");
    sql.push_bind(ws.to_string())
        .push(" AND contact_id = ")
        .push_bind(contact.to_string());
    let order = Order {
        key: "occurred_at",
        id: "uid",
    };
    let page = fetch_page(db, sql, order, after, limit, event_row, |(e, uid)| Cursor {
        key: ms(e.occurred_at),
        id: *uid,
    })
    .await?;
    Ok(Page {
        items: page.items.into_iter().map(|(e, _)| e).collect(),
        next_cursor: page.next_cursor,
    })
}
