//! The message log: group commit (`commit_batch`) and paging through a conversation.
//!
//! `commit_batch` runs a fixed number of statements whatever the batch size. Each set-based
//! statement takes the whole batch as ONE JSON array parameter and unpacks it with
//! `jsonb_each` (which hands each row over as binary JSON, sparing SQLite a text round trip
//! per field), so a batch of 2048 costs about as many round trips to SQLite as a batch of 1:
//!
//! 1. read the state of the batch's conversations;
//! 2. read the stored messages holding the batch's `client_msg_id`s;
//! 3. plan in memory (`crate::batch::plan`): refusals, duplicates, seqs, new watermarks;
//! 4. insert the new messages;
//! 5. index their text for search;
//! 6. update the touched conversations (last seq, preview, unread counters, watermarks, and
//!    the status of those a contact's message reopens);
//! 7. read back the reopened conversations (only when there are some);
//! 8. queue webhook deliveries for `message.created` and `conversation.updated` (only if
//!    some webhook wants them).

use super::conversations::conversation_row;
use super::error::db_err;
use super::events::{hooks, queue_deliveries};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::batch::{
    ConversationChange, ConversationState, NewRow, conversation_ids, idempotency_keys, plan,
};
use crate::common::*;
use crate::events::{CONVERSATION_UPDATED, MESSAGE_CREATED, event};
use jiff::Timestamp;
use shoptalk_core::store::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::{Conversation, ConversationStatus, Message, Sender};
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;
use std::collections::HashMap;

fn message_row(row: &SqliteRow) -> R<Message> {
    Ok(Message {
        id: row.id("id")?,
        conversation_id: row.id("conversation_id")?,
        seq: row.int("seq")?,
        sender: Sender {
            kind: parse_sender(&row.text("sender_type")?)?,
            id: row.opt_id("sender_id")?,
        },
        content: row.json("content")?,
        private: row.flag("private")?,
        client_msg_id: row.opt_text("client_msg_id")?,
        created_at: row.time("created_at")?,
    })
}

pub(super) async fn commit_batch(db: &Db, batch: &WriteBatch) -> R<BatchOutcome> {
    if batch.messages.is_empty() && batch.receipts.is_empty() {
        return Ok(BatchOutcome::default());
    }
    let mut tx = db.write().await?;
    let convs = load_states(&mut tx, &conversation_ids(batch)).await?;
    let existing = load_existing(&mut tx, &idempotency_keys(batch, &convs)).await?;
    let plan = plan(batch, &convs, &existing);
    insert_messages(&mut tx, &plan.inserts).await?;
    index_text(&mut tx, &plan.inserts).await?;
    update_conversations(&mut tx, &plan.changes).await?;
    let reopened = load_reopened(&mut tx, &plan.changes).await?;
    emit_events(&mut tx, &plan.inserts, &reopened).await?;
    commit(tx).await?;
    Ok(BatchOutcome {
        reopened,
        ..plan.outcome
    })
}

/// The state of the batch's conversations, aggregated by SQLite into one JSON value: one row
/// to transfer instead of one per conversation.
async fn load_states(
    conn: &mut SqliteConnection,
    ids: &[ConversationId],
) -> R<HashMap<ConversationId, ConversationState>> {
    let json: String = sqlx::query_scalar(
        "SELECT json_group_array(json_array(id, workspace_id, contact_id, status, last_seq,
             contact_delivered_seq, contact_read_seq, agent_read_seq))
         FROM conversations WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(to_json(ids)?)
    .fetch_one(conn)
    .await
    .map_err(db_err)?;
    type Row = (
        ConversationId,
        WorkspaceId,
        ContactId,
        ConversationStatus,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = parse_json(&json, "conversation states")?;
    Ok(rows
        .into_iter()
        .map(
            |(id, workspace_id, contact_id, status, last_seq, cd, cr, ar)| {
                let state = ConversationState {
                    id,
                    workspace_id,
                    contact_id,
                    status,
                    last_seq,
                    contact_delivered_seq: cd,
                    contact_read_seq: cr,
                    agent_read_seq: ar,
                };
                (id, state)
            },
        )
        .collect())
}

async fn load_existing(
    conn: &mut SqliteConnection,
    keys: &[(ConversationId, &str)],
) -> R<HashMap<(ConversationId, String), Message>> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    // CROSS JOIN keeps jsonb_each as the outer loop: one probe of the unique
    // (conversation_id, client_msg_id) index per key.
    let rows = sqlx::query(
        "SELECT m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, m.content,
             m.private, m.client_msg_id, m.created_at
         FROM jsonb_each(?1) AS k
         CROSS JOIN messages AS m
             ON m.conversation_id = k.value->>0 AND m.client_msg_id = k.value->>1",
    )
    .bind(to_json(keys)?)
    .fetch_all(conn)
    .await
    .map_err(db_err)?;
    rows.iter()
        .map(|row| {
            let m = message_row(row)?;
            let key = m
                .client_msg_id
                .clone()
                .ok_or_else(|| corrupt("matched message without client_msg_id"))?;
            Ok(((m.conversation_id, key), m))
        })
        .collect()
}

async fn insert_messages(conn: &mut SqliteConnection, rows: &[NewRow]) -> R<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut params = Vec::with_capacity(rows.len());
    for NewRow { message: m, .. } in rows {
        params.push((
            m.id,
            m.conversation_id,
            m.seq,
            sender_str(m.sender.kind),
            m.sender.id,
            // Content is stored as its exact JSON text, passed as a string.
            to_json(&m.content)?,
            m.private,
            m.client_msg_id.as_deref(),
            ms(m.created_at),
        ));
    }
    sqlx::query(
        "INSERT INTO messages (id, conversation_id, seq, sender_type, sender_id, content,
             private, client_msg_id, created_at)
         SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5,
             value->>6, value->>7, value->>8
         FROM jsonb_each(?1)",
    )
    .bind(to_json(&params)?)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn index_text(conn: &mut SqliteConnection, rows: &[NewRow]) -> R<()> {
    let params: Vec<_> = rows
        .iter()
        .filter_map(|r| Some((r.message.id, r.search_text.as_deref()?)))
        .collect();
    if params.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO messages_fts (rowid, body)
         SELECT m.pk, t.value->>1
         FROM jsonb_each(?1) AS t CROSS JOIN messages AS m ON m.id = t.value->>0",
    )
    .bind(to_json(&params)?)
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// One UPDATE for every touched conversation. Watermarks are also guarded with `max` so that
/// they cannot move backwards even if the plan were built from stale state. A moved read
/// watermark recounts that side's unread messages from the log (after this batch's inserts);
/// otherwise the counter grows by the batch's new messages.
async fn update_conversations(
    conn: &mut SqliteConnection,
    changes: &[ConversationChange],
) -> R<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let params: Vec<_> = changes
        .iter()
        .map(|c| {
            let (preview, at) = match &c.last_message {
                Some((preview, at)) => (Some(preview.as_str()), Some(ms(*at))),
                None => (None, None),
            };
            (
                c.id,
                c.last_seq,
                preview,
                at,
                c.unread_by_agent_added,
                c.unread_by_contact_added,
                c.contact_delivered_seq,
                c.contact_read_seq,
                c.agent_read_seq,
                c.recount_unread_by_agent,
                c.recount_unread_by_contact,
                c.reopen,
            )
        })
        .collect();
    sqlx::query(
        "UPDATE conversations SET
             last_seq = max(conversations.last_seq, u.last_seq),
             last_message_preview = coalesce(u.preview, conversations.last_message_preview),
             last_message_at = coalesce(u.at, conversations.last_message_at),
             contact_delivered_seq = max(conversations.contact_delivered_seq, u.cd),
             contact_read_seq = max(conversations.contact_read_seq, u.cr),
             agent_read_seq = max(conversations.agent_read_seq, u.ar),
             unread_by_agent = CASE WHEN u.recount_agent THEN (
                     SELECT count(*) FROM messages m
                     WHERE m.conversation_id = conversations.id AND m.seq > u.ar
                         AND m.sender_type = 'contact' AND m.private = 0)
                 ELSE conversations.unread_by_agent + u.add_agent END,
             unread_by_contact = CASE WHEN u.recount_contact THEN (
                     SELECT count(*) FROM messages m
                     WHERE m.conversation_id = conversations.id AND m.seq > u.cr
                         AND m.sender_type <> 'contact' AND m.private = 0)
                 ELSE conversations.unread_by_contact + u.add_contact END,
             status = CASE WHEN u.reopen THEN 'open' ELSE conversations.status END,
             snoozed_until = CASE WHEN u.reopen THEN NULL ELSE conversations.snoozed_until END,
             updated_at = ?2
         FROM (SELECT value->>0 AS id, value->>1 AS last_seq, value->>2 AS preview,
                   value->>3 AS at, value->>4 AS add_agent, value->>5 AS add_contact,
                   value->>6 AS cd, value->>7 AS cr, value->>8 AS ar,
                   value->>9 AS recount_agent, value->>10 AS recount_contact,
                   value->>11 AS reopen
               FROM jsonb_each(?1)) AS u
         WHERE conversations.id = u.id",
    )
    .bind(to_json(&params)?)
    .bind(ms(Timestamp::now()))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The conversations this batch reopened, as updated. Rare: nothing is read otherwise.
async fn load_reopened(
    conn: &mut SqliteConnection,
    changes: &[ConversationChange],
) -> R<Vec<Conversation>> {
    let ids: Vec<ConversationId> = changes.iter().filter(|c| c.reopen).map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query("SELECT * FROM conversations WHERE id IN (SELECT value FROM json_each(?1))")
        .bind(to_json(&ids)?)
        .fetch_all(conn)
        .await
        .map_err(db_err)?
        .iter()
        .map(conversation_row)
        .collect()
}

/// `message.created` for each new message and `conversation.updated` for each reopened
/// conversation, where the workspace has a webhook that wants it. Reopening needs a new
/// message, so the messages' workspaces are all the workspaces concerned.
async fn emit_events(
    conn: &mut SqliteConnection,
    rows: &[NewRow],
    reopened: &[Conversation],
) -> R<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut workspaces: Vec<WorkspaceId> = rows.iter().map(|r| r.workspace_id).collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    let hooks = hooks(conn, &workspaces).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let created = rows
        .iter()
        .filter(|r| hooks.wants(r.workspace_id, MESSAGE_CREATED))
        .map(|r| {
            Ok(event(
                MESSAGE_CREATED,
                r.workspace_id,
                to_value(&r.message)?,
            ))
        });
    let updated = reopened
        .iter()
        .filter(|c| hooks.wants(c.workspace_id, CONVERSATION_UPDATED))
        .map(|c| Ok(event(CONVERSATION_UPDATED, c.workspace_id, to_value(c)?)));
    let events = created.chain(updated).collect::<R<Vec<_>>>()?;
    queue_deliveries(conn, &hooks, &events).await
}

pub(super) async fn after(
    db: &Db,
    ws: WorkspaceId,
    conversation: ConversationId,
    after_seq: i64,
    limit: u32,
    include_private: bool,
) -> R<Vec<Message>> {
    sqlx::query(
        "SELECT m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, m.content,
             m.private, m.client_msg_id, m.created_at
         FROM messages m
         WHERE m.conversation_id = ?2 AND m.seq > ?3 AND (?4 OR m.private = 0)
             AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = ?2 AND c.workspace_id = ?1)
         ORDER BY m.seq LIMIT ?5",
    )
    .bind(ws.to_string())
    .bind(conversation.to_string())
    .bind(after_seq)
    .bind(include_private)
    .bind(i64::from(clamp_limit(limit, MAX_MESSAGES_PAGE)))
    .fetch_all(&db.reader)
    .await
    .map_err(db_err)?
    .iter()
    .map(message_row)
    .collect()
}

pub(super) async fn before(
    db: &Db,
    ws: WorkspaceId,
    conversation: ConversationId,
    before_seq: i64,
    limit: u32,
    include_private: bool,
) -> R<Vec<Message>> {
    let mut messages = sqlx::query(
        "SELECT m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, m.content,
             m.private, m.client_msg_id, m.created_at
         FROM messages m
         WHERE m.conversation_id = ?2 AND m.seq < ?3 AND (?4 OR m.private = 0)
             AND EXISTS (SELECT 1 FROM conversations c WHERE c.id = ?2 AND c.workspace_id = ?1)
         ORDER BY m.seq DESC LIMIT ?5",
    )
    .bind(ws.to_string())
    .bind(conversation.to_string())
    .bind(before_seq)
    .bind(include_private)
    .bind(i64::from(clamp_limit(limit, MAX_MESSAGES_PAGE)))
    .fetch_all(&db.reader)
    .await
    .map_err(db_err)?
    .iter()
    .map(message_row)
    .collect::<R<Vec<_>>>()?;
    messages.reverse();
    Ok(messages)
}
