//! Newest-first keyset pages, shared by every list.

use shoptalk_core::cursor::Cursor;
use sqlx::{QueryBuilder, Sqlite};

/// Ends a `... WHERE ...` query with the page after `after`, newest first, one row more than
/// `limit` so the caller knows whether another page follows. The row-value comparison on
/// `(key, id)` becomes a single index range in SQLite, and `id` breaks ties in `key`.
pub(super) fn push_page(
    sql: &mut QueryBuilder<Sqlite>,
    key: &str,
    id: &str,
    after: Option<Cursor>,
    limit: u32,
) {
    if let Some(after) = after {
        sql.push(format!(" AND ({key}, {id}) < ("))
            .push_bind(after.key)
            .push(", ")
            .push_bind(after.id.to_string())
            .push(")");
    }
    sql.push(format!(" ORDER BY {key} DESC, {id} DESC LIMIT "))
        .push_bind(i64::from(limit) + 1);
}
