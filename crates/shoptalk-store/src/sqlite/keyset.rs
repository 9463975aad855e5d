//! Newest-first keyset pages, shared by every list.

use super::Db;
use super::error::db_err;
use super::rows::R;
use crate::common::page;
use shoptalk_core::cursor::Cursor;
use shoptalk_types::model::Page;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

/// Where a list sorts: its key column and the id column that breaks ties in it.
pub(super) struct Order {
    pub key: &'static str,
    pub id: &'static str,
}

/// Ends a `... WHERE ...` query with the page after `after`, newest first, and runs it. The
/// row-value comparison on `(key, id)` becomes a single index range in SQLite; one row more
/// than `limit` is fetched so the page knows whether another follows.
pub(super) async fn fetch_page<T>(
    db: &Db,
    mut sql: QueryBuilder<Sqlite>,
    order: Order,
    after: Option<Cursor>,
    limit: u32,
    decode: fn(&SqliteRow) -> R<T>,
    cursor_of: impl Fn(&T) -> Cursor,
) -> R<Page<T>> {
    let Order { key, id } = order;
    if let Some(after) = after {
        sql.push(format!(" AND ({key}, {id}) < ("))
            .push_bind(after.key)
            .push(", ")
            .push_bind(after.id.to_string())
            .push(")");
    }
    sql.push(format!(" ORDER BY {key} DESC, {id} DESC LIMIT "))
        .push_bind(i64::from(limit) + 1);
    let rows = sql
        .build()
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(decode)
        .collect::<R<Vec<_>>>()?;
    Ok(page(rows, limit, cursor_of))
}
