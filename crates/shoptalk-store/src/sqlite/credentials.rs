//! Bearer credentials: agent sessions, API keys, widget visitor sessions. Each is found by the
//! hash of its token (primary key or unique index), never by the token itself.

use super::error::db_err;
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::{ms, parse_scope, scope_str};
use jiff::Timestamp;
use shoptalk_core::store::{ApiKeyRecord, SessionRecord, VisitorSessionRecord};
use shoptalk_types::ids::*;
use shoptalk_types::model::ApiKey;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

pub(super) async fn insert_session(db: &Db, s: &SessionRecord) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, workspace_id, agent_id, expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&s.token_hash)
    .bind(s.workspace_id.to_string())
    .bind(s.agent_id.to_string())
    .bind(ms(s.expires_at))
    .bind(ms(Timestamp::now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

/// Live = not revoked, not expired, and the agent still active (deactivation revokes sessions
/// too; this also covers a session inserted by a racing login).
pub(super) async fn live_session(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
) -> R<Option<SessionRecord>> {
    let row = sqlx::query(
        "SELECT s.token_hash, s.workspace_id, s.agent_id, s.expires_at
         FROM sessions s
         JOIN agents a ON a.workspace_id = s.workspace_id AND a.id = s.agent_id
         WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2
             AND a.active = 1",
    )
    .bind(token_hash)
    .bind(ms(now))
    .fetch_optional(&db.reader)
    .await
    .map_err(db_err)?;
    row.map(|row| {
        Ok(SessionRecord {
            token_hash: row.text("token_hash")?,
            workspace_id: row.id("workspace_id")?,
            agent_id: row.id("agent_id")?,
            expires_at: row.time("expires_at")?,
        })
    })
    .transpose()
}

pub(super) async fn revoke_session(db: &Db, token_hash: &str) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL")
        .bind(token_hash)
        .bind(ms(Timestamp::now()))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    commit(tx).await
}

fn api_key_row(row: &SqliteRow) -> R<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        key: ApiKey {
            id: row.id("id")?,
            name: row.text("name")?,
            prefix: row.text("prefix")?,
            scope: parse_scope(&row.text("scope")?)?,
            created_at: row.time("created_at")?,
            revoked_at: row.opt_time("revoked_at")?,
        },
        workspace_id: row.id("workspace_id")?,
        key_hash: row.text("key_hash")?,
    })
}

pub(super) async fn insert_api_key_in(conn: &mut SqliteConnection, k: &ApiKeyRecord) -> R<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, workspace_id, name, prefix, scope, key_hash, created_at,
             revoked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(k.key.id.to_string())
    .bind(k.workspace_id.to_string())
    .bind(&k.key.name)
    .bind(&k.key.prefix)
    .bind(scope_str(k.key.scope))
    .bind(&k.key_hash)
    .bind(ms(k.key.created_at))
    .bind(k.key.revoked_at.map(ms))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(super) async fn insert_api_key(db: &Db, k: &ApiKeyRecord) -> R<()> {
    let mut tx = db.write().await?;
    insert_api_key_in(&mut tx, k).await?;
    commit(tx).await
}

pub(super) async fn live_api_key(db: &Db, key_hash: &str) -> R<Option<ApiKeyRecord>> {
    sqlx::query("SELECT * FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL")
        .bind(key_hash)
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(api_key_row)
        .transpose()
}

pub(super) async fn list_api_keys(db: &Db, ws: WorkspaceId) -> R<Vec<ApiKey>> {
    sqlx::query("SELECT * FROM api_keys WHERE workspace_id = ?1 ORDER BY created_at, id")
        .bind(ws.to_string())
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(|row| api_key_row(row).map(|k| k.key))
        .collect()
}

/// True when the key exists in the workspace; revoking twice keeps the first revocation time.
pub(super) async fn revoke_api_key(db: &Db, ws: WorkspaceId, id: ApiKeyId) -> R<bool> {
    let mut tx = db.write().await?;
    let found = sqlx::query(
        "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?3)
         WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .bind(ms(Timestamp::now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        > 0;
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn insert_visitor_session(db: &Db, s: &VisitorSessionRecord) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO visitor_sessions (token_hash, workspace_id, contact_id, expires_at,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .bind(&s.token_hash)
    .bind(s.workspace_id.to_string())
    .bind(s.contact_id.to_string())
    .bind(ms(s.expires_at))
    .bind(ms(Timestamp::now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

pub(super) async fn live_visitor_session(
    db: &Db,
    token_hash: &str,
    now: Timestamp,
) -> R<Option<VisitorSessionRecord>> {
    let row = sqlx::query(
        "SELECT token_hash, workspace_id, contact_id, expires_at FROM visitor_sessions
         WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2",
    )
    .bind(token_hash)
    .bind(ms(now))
    .fetch_optional(&db.reader)
    .await
    .map_err(db_err)?;
    row.map(|row| {
        Ok(VisitorSessionRecord {
            token_hash: row.text("token_hash")?,
            workspace_id: row.id("workspace_id")?,
            contact_id: row.id("contact_id")?,
            expires_at: row.time("expires_at")?,
        })
    })
    .transpose()
}
