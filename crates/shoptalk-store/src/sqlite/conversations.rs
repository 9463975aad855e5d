//! Conversations: the inbox.

use super::error::db_err;
use super::events::{emit, hooks, queue_deliveries};
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::*;
use crate::events::{CONVERSATION_CREATED, CONVERSATION_UPDATED, event};
use jiff::Timestamp;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::{AssigneeFilter, ConversationQuery};
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

fn parse_channel(s: &str) -> R<Channel> {
    match s {
        "web" => Ok(Channel::Web),
        _ => Err(corrupt(format!("channel {s:?}"))),
    }
}

pub(super) fn conversation_row(row: &SqliteRow) -> R<Conversation> {
    Ok(Conversation {
        id: row.id("id")?,
        workspace_id: row.id("workspace_id")?,
        contact_id: row.id("contact_id")?,
        channel: parse_channel(&row.text("channel")?)?,
        status: parse_status(&row.text("status")?)?,
        snoozed_until: row.opt_time("snoozed_until")?,
        assignee_id: row.opt_id("assignee_id")?,
        labels: row.json("labels")?,
        last_seq: row.int("last_seq")?,
        last_message_preview: row.opt_text("last_message_preview")?,
        last_message_at: row.opt_time("last_message_at")?,
        unread_by_agent: row.int("unread_by_agent")?,
        unread_by_contact: row.int("unread_by_contact")?,
        contact_delivered_seq: row.int("contact_delivered_seq")?,
        contact_read_seq: row.int("contact_read_seq")?,
        agent_read_seq: row.int("agent_read_seq")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

async fn get_in(
    conn: &mut SqliteConnection,
    ws: WorkspaceId,
    id: ConversationId,
) -> R<Option<Conversation>> {
    sqlx::query("SELECT * FROM conversations WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(conversation_row)
        .transpose()
}

pub(super) async fn create(
    db: &Db,
    ws: WorkspaceId,
    contact_id: ContactId,
    channel: Channel,
) -> R<Option<Conversation>> {
    let mut tx = db.write().await?;
    let contact_exists = sqlx::query("SELECT 1 FROM contacts WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(contact_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .is_some();
    if !contact_exists {
        return Ok(None);
    }
    let now = now();
    let c = Conversation {
        id: ConversationId::new(),
        workspace_id: ws,
        contact_id,
        channel,
        status: ConversationStatus::Open,
        snoozed_until: None,
        assignee_id: None,
        labels: vec![],
        last_seq: 0,
        last_message_preview: None,
        last_message_at: None,
        unread_by_agent: 0,
        unread_by_contact: 0,
        contact_delivered_seq: 0,
        contact_read_seq: 0,
        agent_read_seq: 0,
        created_at: now,
        updated_at: now,
    };
    sqlx::query(
        "INSERT INTO conversations (id, workspace_id, contact_id, channel, status, labels,
             created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, '[]', ?6, ?6)",
    )
    .bind(c.id.to_string())
    .bind(ws.to_string())
    .bind(contact_id.to_string())
    .bind(channel.as_str())
    .bind(c.status.as_str())
    .bind(ms(now))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    emit(&mut tx, ws, || {
        Ok(vec![event(CONVERSATION_CREATED, ws, to_value(&c)?)])
    })
    .await?;
    commit(tx).await?;
    Ok(Some(c))
}

pub(super) async fn get(db: &Db, ws: WorkspaceId, id: ConversationId) -> R<Option<Conversation>> {
    let mut conn = db.reader.acquire().await.map_err(db_err)?;
    get_in(&mut conn, ws, id).await
}

/// An FTS5 query matching messages that contain every word of `text`, the last one as a
/// prefix ("retu" finds "return"). Each word is quoted, so FTS5 operators in user input are
/// plain text. `None` when `text` has no word to look for.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(format!("{}*", words.join(" ")))
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &ConversationQuery) -> R<Page<Conversation>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    let ws_id = ws.to_string();
    let mut sql =
        QueryBuilder::<Sqlite>::new("SELECT c.* FROM conversations c WHERE c.workspace_id = ");
    sql.push_bind(ws_id.clone());
    if let Some(status) = q.status {
        sql.push(" AND c.status = ").push_bind(status.as_str());
    }
    match q.assignee {
        Some(AssigneeFilter::Agent(agent)) => {
            sql.push(" AND c.assignee_id = ")
                .push_bind(agent.to_string());
        }
        Some(AssigneeFilter::Unassigned) => {
            sql.push(" AND c.assignee_id IS NULL");
        }
        None => {}
    }
    if let Some(label) = &q.label {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(c.labels) WHERE value = ")
            .push_bind(label.trim().to_owned())
            .push(")");
    }
    if let Some(contact) = q.contact_id {
        sql.push(" AND c.contact_id = ")
            .push_bind(contact.to_string());
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = like_contains(text);
        sql.push(" AND (c.contact_id IN (SELECT id FROM contacts WHERE workspace_id = ")
            .push_bind(ws_id.clone())
            .push(" AND (");
        for (i, col) in ["name", "email", "external_id"].iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(col)
                .push(" LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        sql.push("))");
        if let Some(fts) = fts_query(text) {
            sql.push(
                " OR c.id IN (SELECT m.conversation_id FROM messages_fts
                    JOIN messages m ON m.pk = messages_fts.rowid
                    WHERE messages_fts MATCH ",
            )
            .push_bind(fts)
            .push(")");
        }
        sql.push(")");
    }
    let order = Order {
        key: "c.last_activity_at",
        id: "c.id",
    };
    fetch_page(db, sql, order, q.after, limit, conversation_row, |c| {
        Cursor {
            key: ms(last_activity(c)),
            id: c.id.0,
        }
    })
    .await
}

pub(super) async fn update(
    db: &Db,
    ws: WorkspaceId,
    id: ConversationId,
    patch: &ConversationPatch,
) -> R<Option<Conversation>> {
    let mut tx = db.write().await?;
    let Some(mut c) = get_in(&mut tx, ws, id).await? else {
        return Ok(None);
    };
    apply_conversation_patch(&mut c, patch);
    c.updated_at = now();
    sqlx::query(
        "UPDATE conversations SET status = ?3, snoozed_until = ?4, assignee_id = ?5,
             labels = ?6, updated_at = ?7
         WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .bind(c.status.as_str())
    .bind(c.snoozed_until.map(ms))
    .bind(c.assignee_id.map(|a| a.to_string()))
    .bind(to_json(&c.labels)?)
    .bind(ms(c.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    emit(&mut tx, ws, || {
        Ok(vec![event(CONVERSATION_UPDATED, ws, to_value(&c)?)])
    })
    .await?;
    commit(tx).await?;
    Ok(Some(c))
}

pub(super) async fn wake_snoozed(db: &Db, now: Timestamp) -> R<Vec<Conversation>> {
    let mut tx = db.write().await?;
    let woken = sqlx::query(
        "UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = ?1
         WHERE status = 'snoozed' AND snoozed_until <= ?1
         RETURNING *",
    )
    .bind(ms(now))
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?
    .iter()
    .map(conversation_row)
    .collect::<R<Vec<_>>>()?;
    if woken.is_empty() {
        return Ok(woken);
    }
    let mut workspaces: Vec<WorkspaceId> = woken.iter().map(|c| c.workspace_id).collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    let hooks = hooks(&mut tx, &workspaces).await?;
    let events = woken
        .iter()
        .filter(|c| hooks.wants(c.workspace_id, CONVERSATION_UPDATED))
        .map(|c| Ok(event(CONVERSATION_UPDATED, c.workspace_id, to_value(c)?)))
        .collect::<R<Vec<_>>>()?;
    queue_deliveries(&mut tx, &hooks, &events).await?;
    commit(tx).await?;
    Ok(woken)
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn fts_queries_quote_words() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("- *"), None);
        assert_eq!(
            fts_query(r#"where "is" NEAR"#).unwrap(),
            r#""where" """is""" "NEAR"*"#
        );
    }
}
