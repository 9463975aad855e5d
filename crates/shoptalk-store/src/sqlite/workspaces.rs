//! Workspaces and their staff (agents).

use super::error::db_err;
use super::rows::{R, RowExt};
use super::{Db, commit, credentials};
use crate::common::{ms, parse_role, role_str, to_json};
use jiff::Timestamp;
use shoptalk_core::store::{AgentRecord, ApiKeyRecord, WorkspaceRecord};
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use sqlx::SqliteConnection;
use sqlx::sqlite::SqliteRow;

fn workspace_row(row: &SqliteRow) -> R<WorkspaceRecord> {
    Ok(WorkspaceRecord {
        workspace: Workspace {
            id: row.id("id")?,
            name: row.text("name")?,
            widget_key: row.text("widget_key")?,
            identity_required: row.flag("identity_required")?,
            allowed_origins: row.json("allowed_origins")?,
            widget: row.json("widget")?,
            created_at: row.time("created_at")?,
        },
        identity_secret: row.text("identity_secret")?,
    })
}

fn agent_row(row: &SqliteRow) -> R<AgentRecord> {
    Ok(AgentRecord {
        agent: Agent {
            id: row.id("id")?,
            workspace_id: row.id("workspace_id")?,
            email: row.text("email")?,
            name: row.text("name")?,
            role: parse_role(&row.text("role")?)?,
            active: row.flag("active")?,
            created_at: row.time("created_at")?,
        },
        password_hash: row.text("password_hash")?,
    })
}

pub(super) async fn create(
    db: &Db,
    w: &WorkspaceRecord,
    owner: &AgentRecord,
    key: &ApiKeyRecord,
) -> R<()> {
    let mut tx = db.write().await?;
    let ws = &w.workspace;
    sqlx::query(
        "INSERT INTO workspaces (id, name, widget_key, identity_required, allowed_origins,
             identity_secret, created_at, widget)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(ws.id.to_string())
    .bind(&ws.name)
    .bind(&ws.widget_key)
    .bind(ws.identity_required)
    .bind(to_json(&ws.allowed_origins)?)
    .bind(&w.identity_secret)
    .bind(ms(ws.created_at))
    .bind(to_json(&ws.widget)?)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    insert_agent_in(&mut tx, owner).await?;
    credentials::insert_api_key_in(&mut tx, key).await?;
    commit(tx).await
}

pub(super) async fn get(db: &Db, id: WorkspaceId) -> R<Option<WorkspaceRecord>> {
    sqlx::query("SELECT * FROM workspaces WHERE id = ?1")
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(workspace_row)
        .transpose()
}

pub(super) async fn by_widget_key(db: &Db, key: &str) -> R<Option<WorkspaceRecord>> {
    sqlx::query("SELECT * FROM workspaces WHERE widget_key = ?1")
        .bind(key)
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(workspace_row)
        .transpose()
}

pub(super) async fn update(
    db: &Db,
    id: WorkspaceId,
    patch: &WorkspacePatch,
) -> R<Option<WorkspaceRecord>> {
    let origins = patch.allowed_origins.as_ref().map(to_json).transpose()?;
    let widget = patch.widget.as_ref().map(to_json).transpose()?;
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "UPDATE workspaces SET
             name = coalesce(?2, name),
             identity_required = coalesce(?3, identity_required),
             allowed_origins = coalesce(?4, allowed_origins),
             widget = coalesce(?5, widget)
         WHERE id = ?1
         RETURNING *",
    )
    .bind(id.to_string())
    .bind(patch.name.as_deref())
    .bind(patch.identity_required)
    .bind(origins)
    .bind(widget)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let updated = row.as_ref().map(workspace_row).transpose()?;
    commit(tx).await?;
    Ok(updated)
}

async fn insert_agent_in(conn: &mut SqliteConnection, a: &AgentRecord) -> R<()> {
    let agent = &a.agent;
    sqlx::query(
        "INSERT INTO agents (id, workspace_id, email, name, role, active, password_hash,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(agent.id.to_string())
    .bind(agent.workspace_id.to_string())
    .bind(&agent.email)
    .bind(&agent.name)
    .bind(role_str(agent.role))
    .bind(agent.active)
    .bind(&a.password_hash)
    .bind(ms(agent.created_at))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(super) async fn insert_agent(db: &Db, a: &AgentRecord) -> R<()> {
    let mut tx = db.write().await?;
    insert_agent_in(&mut tx, a).await?;
    commit(tx).await
}

pub(super) async fn agent(db: &Db, ws: WorkspaceId, id: AgentId) -> R<Option<AgentRecord>> {
    sqlx::query("SELECT * FROM agents WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(agent_row)
        .transpose()
}

pub(super) async fn agents_by_email(db: &Db, email: &str) -> R<Vec<AgentRecord>> {
    sqlx::query("SELECT * FROM agents WHERE email = ?1 COLLATE NOCASE ORDER BY created_at, id")
        .bind(email)
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(agent_row)
        .collect()
}

pub(super) async fn list_agents(db: &Db, ws: WorkspaceId) -> R<Vec<Agent>> {
    sqlx::query("SELECT * FROM agents WHERE workspace_id = ?1 ORDER BY created_at, id")
        .bind(ws.to_string())
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(|row| agent_row(row).map(|a| a.agent))
        .collect()
}

/// Revokes every live session of an agent (inside the caller's transaction).
async fn revoke_sessions_in(conn: &mut SqliteConnection, ws: WorkspaceId, id: AgentId) -> R<()> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = ?3
         WHERE workspace_id = ?1 AND agent_id = ?2 AND revoked_at IS NULL",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .bind(ms(Timestamp::now()))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

pub(super) async fn update_agent(
    db: &Db,
    ws: WorkspaceId,
    id: AgentId,
    patch: &AgentPatch,
) -> R<Option<Agent>> {
    let mut tx = db.write().await?;
    let row = sqlx::query(
        "UPDATE agents SET
             name = coalesce(?3, name),
             role = coalesce(?4, role),
             active = coalesce(?5, active)
         WHERE workspace_id = ?1 AND id = ?2
         RETURNING *",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .bind(patch.name.as_deref())
    .bind(patch.role.map(role_str))
    .bind(patch.active)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let agent = agent_row(&row)?.agent;
    if patch.active == Some(false) {
        revoke_sessions_in(&mut tx, ws, id).await?;
    }
    commit(tx).await?;
    Ok(Some(agent))
}

pub(super) async fn set_agent_password(
    db: &Db,
    ws: WorkspaceId,
    id: AgentId,
    password_hash: &str,
) -> R<bool> {
    let mut tx = db.write().await?;
    let done =
        sqlx::query("UPDATE agents SET password_hash = ?3 WHERE workspace_id = ?1 AND id = ?2")
            .bind(ws.to_string())
            .bind(id.to_string())
            .bind(password_hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected()
            > 0;
    if !done {
        return Ok(false);
    }
    revoke_sessions_in(&mut tx, ws, id).await?;
    commit(tx).await?;
    Ok(true)
}
