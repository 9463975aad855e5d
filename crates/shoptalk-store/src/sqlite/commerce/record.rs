//! Versioned documents: carts, orders, returns and payments are stored the same way, as one
//! JSON `doc` beside the columns their queries need, and written with optimistic concurrency
//! (see `shoptalk_core::commerce_store`). This module does that once for all four.

use super::super::error::db_err;
use super::super::events::emit;
use super::super::rows::{R, RowExt};
use super::super::{Db, commit};
use crate::common::{corrupt, ms, to_json, to_value};
use crate::events::event;
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shoptalk_core::StoreError;
use shoptalk_core::commerce_store::Emit;
use shoptalk_types::ids::WorkspaceId;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};
use uuid::Uuid;

/// The value of one indexed column.
pub(super) enum Col {
    Text(Option<String>),
    Int(i64),
}

impl Col {
    pub fn text(s: impl ToString) -> Self {
        Self::Text(Some(s.to_string()))
    }

    fn bind_to(self, sql: &mut QueryBuilder<Sqlite>) {
        match self {
            Col::Text(v) => sql.push_bind(v),
            Col::Int(v) => sql.push_bind(v),
        };
    }
}

/// A record kept as a versioned document.
pub(super) trait Record: Serialize + DeserializeOwned {
    /// Its table: `id`, `workspace_id`, `version`, `doc`, `created_at`, `updated_at`, and the
    /// [`Record::columns`].
    const TABLE: &'static str;
    fn id(&self) -> Uuid;
    fn workspace_id(&self) -> WorkspaceId;
    fn version(&self) -> i64;
    fn created_at(&self) -> Timestamp;
    fn updated_at(&self) -> Timestamp;
    /// The record's own indexed columns and their values.
    fn columns(&self) -> R<Vec<(&'static str, Col)>>;
}

/// Implements [`Record`] for a wire type with the fields every versioned document has (`id`,
/// `workspace_id`, `version`, `created_at`, `updated_at`); `columns` gives its own.
macro_rules! versioned_document {
    ($ty:ty, $table:literal, |$rec:ident| $columns:expr) => {
        impl super::record::Record for $ty {
            const TABLE: &'static str = $table;

            fn id(&self) -> uuid::Uuid {
                self.id.0
            }
            fn workspace_id(&self) -> shoptalk_types::ids::WorkspaceId {
                self.workspace_id
            }
            fn version(&self) -> i64 {
                self.version
            }
            fn created_at(&self) -> jiff::Timestamp {
                self.created_at
            }
            fn updated_at(&self) -> jiff::Timestamp {
                self.updated_at
            }
            fn columns(&self) -> super::super::rows::R<Vec<(&'static str, super::record::Col)>> {
                let $rec = self;
                $columns
            }
        }
    };
}
pub(super) use versioned_document;

/// Decodes the `doc` column of a row.
pub(super) fn doc_row<T: DeserializeOwned>(row: &SqliteRow) -> R<T> {
    row.json("doc")
}

/// `SELECT doc FROM <table> WHERE workspace_id = ?`, for the caller to narrow.
pub(super) fn select<T: Record>(ws: WorkspaceId) -> QueryBuilder<Sqlite> {
    let mut sql = QueryBuilder::new(format!(
        "SELECT doc FROM {} WHERE workspace_id = ",
        T::TABLE
    ));
    sql.push_bind(ws.to_string());
    sql
}

/// The first row of a `SELECT doc ...`, if any.
pub(super) async fn first<T: DeserializeOwned>(
    db: &Db,
    mut sql: QueryBuilder<Sqlite>,
) -> R<Option<T>> {
    sql.build()
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(doc_row)
        .transpose()
}

/// A record by id within its workspace.
pub(super) async fn by_id<T: Record>(db: &Db, ws: WorkspaceId, id: Uuid) -> R<Option<T>> {
    let mut sql = select::<T>(ws);
    sql.push(" AND id = ").push_bind(id.to_string());
    first(db, sql).await
}

/// Stores `rec` if its version follows the stored one (version 1: if there is none), and
/// queues the webhook deliveries of `emits` in the same transaction. `false`: another write
/// came first, nothing was stored nor emitted.
pub(super) async fn put<T: Record>(db: &Db, rec: &T, emits: &[Emit]) -> R<bool> {
    let ws = rec.workspace_id();
    let version = rec.version();
    let mut cols = vec![
        ("workspace_id", Col::text(ws)),
        ("version", Col::Int(version)),
        ("doc", Col::Text(Some(to_json(rec)?))),
        ("created_at", Col::Int(ms(rec.created_at()))),
        ("updated_at", Col::Int(ms(rec.updated_at()))),
    ];
    cols.extend(rec.columns()?);
    let mut sql = if version == 1 {
        insert_sql(T::TABLE, rec.id(), cols)
    } else {
        update_sql(T::TABLE, rec.id(), ws, version - 1, cols)
    };
    let mut tx = db.write().await?;
    let stored = sql
        .build()
        .execute(&mut *tx)
        .await
        .map_err(write_err)?
        .rows_affected()
        == 1;
    if !stored {
        return Ok(false);
    }
    emit(&mut tx, ws, || {
        Ok(emits
            .iter()
            .map(|e| event(e.kind, ws, e.data.clone()))
            .collect())
    })
    .await?;
    commit(tx).await?;
    Ok(true)
}

/// An existing id is left alone: the insert affects no row.
fn insert_sql(table: &str, id: Uuid, cols: Vec<(&'static str, Col)>) -> QueryBuilder<Sqlite> {
    let mut sql = QueryBuilder::new(format!("INSERT INTO {table} (id"));
    for (name, _) in &cols {
        sql.push(", ").push(name);
    }
    sql.push(") VALUES (").push_bind(id.to_string());
    for (_, value) in cols {
        sql.push(", ");
        value.bind_to(&mut sql);
    }
    sql.push(") ON CONFLICT (id) DO NOTHING");
    sql
}

fn update_sql(
    table: &str,
    id: Uuid,
    ws: WorkspaceId,
    stored_version: i64,
    cols: Vec<(&'static str, Col)>,
) -> QueryBuilder<Sqlite> {
    let mut sql = QueryBuilder::new(format!("UPDATE {table} SET "));
    for (i, (name, value)) in cols.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(name).push(" = ");
        value.bind_to(&mut sql);
    }
    sql.push(" WHERE id = ")
        .push_bind(id.to_string())
        .push(" AND workspace_id = ")
        .push_bind(ws.to_string())
        .push(" AND version = ")
        .push_bind(stored_version);
    sql
}

/// How a stored enum is named in its column: its serde name (`active`, `partially_refunded`).
pub(super) fn enum_str<T: Serialize>(value: &T) -> R<String> {
    match to_value(value)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(corrupt(format!("{other} is not a unit variant"))),
    }
}

/// The uniqueness rules of the commerce tables, by the columns SQLite names.
const UNIQUE_RULES: &[(&str, &str)] = &[
    ("carts.workspace_id, carts.external_id", "cart_external_id"),
    ("orders.workspace_id, orders.number", "order_number"),
    (
        "orders.workspace_id, orders.external_id",
        "order_external_id",
    ),
    (
        "payments.workspace_id, payments.provider, payments.provider_ref",
        "payment_provider_ref",
    ),
    ("integrations.shopify_shop_domain", "shopify_shop_domain"),
    ("tracked_links.token", "tracked_link_token"),
];

fn unique_rule(message: &str) -> Option<&'static str> {
    let (_, listed) = message.rsplit_once(": ")?;
    UNIQUE_RULES
        .iter()
        .find(|(cols, _)| listed == *cols)
        .map(|(_, rule)| *rule)
}

/// [`db_err`], knowing the names of the commerce tables' uniqueness rules.
pub(super) fn write_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
        && let Some(rule) = unique_rule(d.message())
    {
        return StoreError::Duplicate(rule);
    }
    db_err(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_commerce_rules() {
        assert_eq!(
            unique_rule("UNIQUE constraint failed: orders.workspace_id, orders.number"),
            Some("order_number")
        );
        assert_eq!(unique_rule("UNIQUE constraint failed: orders.id"), None);
    }
}
