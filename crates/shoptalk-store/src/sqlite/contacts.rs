//! Contacts: the shop's customers, identified or anonymous.

use super::error::db_err;
use super::events::emit;
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::*;
use crate::events::{CONTACT_CREATED, CONTACT_MERGED, CONTACT_UPDATED, event};
use serde_json::{Map, json};
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::ContactQuery;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

pub(super) fn contact_row(row: &SqliteRow) -> R<Contact> {
    Ok(Contact {
        id: row.id("id")?,
        workspace_id: row.id("workspace_id")?,
        external_id: row.opt_text("external_id")?,
        name: row.opt_text("name")?,
        email: row.opt_text("email")?,
        phone: row.opt_text("phone")?,
        locale: row.opt_text("locale")?,
        timezone: row.opt_text("timezone")?,
        attributes: row.json("attributes")?,
        tags: row.json("tags")?,
        anonymous: row.flag("anonymous")?,
        created_at: row.time("created_at")?,
        updated_at: row.time("updated_at")?,
    })
}

async fn get_in(conn: &mut SqliteConnection, ws: WorkspaceId, id: ContactId) -> R<Option<Contact>> {
    sqlx::query("SELECT * FROM contacts WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(contact_row)
        .transpose()
}

async fn insert_in(conn: &mut SqliteConnection, c: &Contact) -> R<()> {
    sqlx::query(
        "INSERT INTO contacts (id, workspace_id, external_id, name, email, phone, locale,
             timezone, attributes, tags, anonymous, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )
    .bind(c.id.to_string())
    .bind(c.workspace_id.to_string())
    .bind(c.external_id.as_deref())
    .bind(c.name.as_deref())
    .bind(c.email.as_deref())
    .bind(c.phone.as_deref())
    .bind(c.locale.as_deref())
    .bind(c.timezone.as_deref())
    .bind(to_json(&c.attributes)?)
    .bind(to_json(&c.tags)?)
    .bind(c.anonymous)
    .bind(ms(c.created_at))
    .bind(ms(c.updated_at))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Writes every mutable field of `c` (read and changed in the same transaction).
async fn save_in(conn: &mut SqliteConnection, c: &Contact) -> R<()> {
    sqlx::query(
        "UPDATE contacts SET external_id = ?3, name = ?4, email = ?5, phone = ?6, locale = ?7,
             timezone = ?8, attributes = ?9, tags = ?10, anonymous = ?11, updated_at = ?12
         WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(c.workspace_id.to_string())
    .bind(c.id.to_string())
    .bind(c.external_id.as_deref())
    .bind(c.name.as_deref())
    .bind(c.email.as_deref())
    .bind(c.phone.as_deref())
    .bind(c.locale.as_deref())
    .bind(c.timezone.as_deref())
    .bind(to_json(&c.attributes)?)
    .bind(to_json(&c.tags)?)
    .bind(c.anonymous)
    .bind(ms(c.updated_at))
    .execute(conn)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// The contact an upsert updates: same external id, else same email (case-insensitive, the
/// oldest if several). A contact that already has another external id is a different
/// customer: an email match never re-keys it.
async fn find_match(
    conn: &mut SqliteConnection,
    ws: WorkspaceId,
    new: &NewContact,
) -> R<Option<Contact>> {
    if let Some(external_id) = &new.external_id {
        let row =
            sqlx::query("SELECT * FROM contacts WHERE workspace_id = ?1 AND external_id = ?2")
                .bind(ws.to_string())
                .bind(external_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_err)?;
        if let Some(row) = row {
            return contact_row(&row).map(Some);
        }
    }
    let Some(email) = &new.email else {
        return Ok(None);
    };
    sqlx::query(
        "SELECT * FROM contacts
         WHERE workspace_id = ?1 AND email = ?2 COLLATE NOCASE
             AND (?3 IS NULL OR external_id IS NULL)
         ORDER BY created_at, id LIMIT 1",
    )
    .bind(ws.to_string())
    .bind(email)
    .bind(new.external_id.as_deref())
    .fetch_optional(conn)
    .await
    .map_err(db_err)?
    .as_ref()
    .map(contact_row)
    .transpose()
}

fn blank(ws: WorkspaceId, anonymous: bool) -> Contact {
    let now = now();
    Contact {
        id: ContactId::new(),
        workspace_id: ws,
        external_id: None,
        name: None,
        email: None,
        phone: None,
        locale: None,
        timezone: None,
        attributes: Map::new(),
        tags: vec![],
        anonymous,
        created_at: now,
        updated_at: now,
    }
}

async fn emit_contact(conn: &mut SqliteConnection, kind: &str, c: &Contact) -> R<()> {
    emit(conn, c.workspace_id, || {
        Ok(vec![event(kind, c.workspace_id, to_value(c)?)])
    })
    .await
}

pub(super) async fn upsert(db: &Db, ws: WorkspaceId, new: &NewContact) -> R<(Contact, bool)> {
    let mut tx = db.write().await?;
    let (contact, created) = match find_match(&mut tx, ws, new).await? {
        Some(mut c) => {
            apply_contact_patch(&mut c, new);
            c.updated_at = now();
            save_in(&mut tx, &c).await?;
            emit_contact(&mut tx, CONTACT_UPDATED, &c).await?;
            (c, false)
        }
        None => {
            let mut c = blank(ws, false);
            apply_contact_patch(&mut c, new);
            insert_in(&mut tx, &c).await?;
            emit_contact(&mut tx, CONTACT_CREATED, &c).await?;
            (c, true)
        }
    };
    commit(tx).await?;
    Ok((contact, created))
}

pub(super) async fn insert_anonymous(db: &Db, ws: WorkspaceId) -> R<Contact> {
    let c = blank(ws, true);
    let mut tx = db.write().await?;
    insert_in(&mut tx, &c).await?;
    emit_contact(&mut tx, CONTACT_CREATED, &c).await?;
    commit(tx).await?;
    Ok(c)
}

pub(super) async fn get(db: &Db, ws: WorkspaceId, id: ContactId) -> R<Option<Contact>> {
    let mut conn = db.reader.acquire().await.map_err(db_err)?;
    get_in(&mut conn, ws, id).await
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &ContactQuery) -> R<Page<Contact>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    let mut sql = QueryBuilder::<Sqlite>::new("SELECT * FROM contacts WHERE workspace_id = ");
    sql.push_bind(ws.to_string());
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = like_contains(text);
        sql.push(" AND (");
        for (i, col) in ["name", "email", "phone", "external_id"].iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            sql.push(col)
                .push(" LIKE ")
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        sql.push(")");
    }
    if let Some(tag) = &q.tag {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value = ")
            .push_bind(tag.trim().to_owned())
            .push(")");
    }
    let order = Order {
        key: "created_at",
        id: "id",
    };
    fetch_page(db, sql, order, q.after, limit, contact_row, |c| Cursor {
        key: ms(c.created_at),
        id: c.id.0,
    })
    .await
}

pub(super) async fn update(
    db: &Db,
    ws: WorkspaceId,
    id: ContactId,
    patch: &ContactPatch,
) -> R<Option<Contact>> {
    let mut tx = db.write().await?;
    let Some(mut c) = get_in(&mut tx, ws, id).await? else {
        return Ok(None);
    };
    apply_contact_patch(&mut c, patch);
    c.updated_at = now();
    save_in(&mut tx, &c).await?;
    emit_contact(&mut tx, CONTACT_UPDATED, &c).await?;
    commit(tx).await?;
    Ok(Some(c))
}

/// The statement moving the versioned commerce documents of a table from contact ?2 to ?3
/// (see `merge`); a macro so that it stays a static string.
macro_rules! moved_document {
    ($table:literal) => {
        concat!(
            "UPDATE ",
            $table,
            " SET contact_id = ?3, version = version + 1, ",
            "doc = json_set(doc, '$.contact_id', ?3, '$.version', version + 1) ",
            "WHERE workspace_id = ?1 AND contact_id = ?2"
        )
    };
}

pub(super) async fn merge(
    db: &Db,
    ws: WorkspaceId,
    from: ContactId,
    into: ContactId,
) -> R<Option<Contact>> {
    if from == into {
        // Merging a contact into itself would delete it: nothing to do.
        return get(db, ws, into).await;
    }
    let mut tx = db.write().await?;
    let (Some(from_c), Some(into_c)) = (
        get_in(&mut tx, ws, from).await?,
        get_in(&mut tx, ws, into).await?,
    ) else {
        return Ok(None);
    };
    let moves = [
        "UPDATE conversations SET contact_id = ?3 WHERE workspace_id = ?1 AND contact_id = ?2",
        "UPDATE visitor_sessions SET contact_id = ?3 WHERE workspace_id = ?1 AND contact_id = ?2",
        // Before `from` is deleted, which would delete its events with it.
        "UPDATE contact_events SET contact_id = ?3 WHERE workspace_id = ?1 AND contact_id = ?2",
        "UPDATE tracked_links SET contact_id = ?3 WHERE workspace_id = ?1 AND contact_id = ?2",
        // A visitor who shopped and then identified keeps their cart, orders, returns and
        // payments. These are versioned documents: the column, the document and the version
        // move together, so a writer holding the old version retries on the merged record.
        moved_document!("carts"),
        moved_document!("orders"),
        moved_document!("returns"),
        moved_document!("payments"),
    ];
    for statement in moves {
        sqlx::query(statement)
            .bind(ws.to_string())
            .bind(from.to_string())
            .bind(into.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    // Delete first: `into` may take over `from`'s external id, which is unique.
    sqlx::query("DELETE FROM contacts WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(from.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let mut merged = merge_contact_records(into_c, &from_c);
    merged.updated_at = now();
    save_in(&mut tx, &merged).await?;
    emit(&mut tx, ws, || {
        Ok(vec![event(
            CONTACT_MERGED,
            ws,
            json!({ "from": from, "into": to_value(&merged)? }),
        )])
    })
    .await?;
    commit(tx).await?;
    Ok(Some(merged))
}
