//! Orders and the workspace's order numbers.

use super::super::Db;
use super::super::commit;
use super::super::error::db_err;
use super::super::keyset::{Order as Sort, fetch_page};
use super::super::rows::R;
use super::record::{Col, doc_row, enum_str, first, select, versioned_document};
use crate::common::{MAX_PAGE, clamp_limit, ms};
use shoptalk_core::commerce_store::OrderQuery;
use shoptalk_core::cursor::Cursor;
use shoptalk_types::commerce::Order;
use shoptalk_types::ids::*;
use shoptalk_types::model::Page;

/// The number of a workspace's first order.
const FIRST_ORDER_NUMBER: i64 = 1001;

versioned_document!(Order, "orders", |r| {
    Ok(vec![
        ("contact_id", Col::text(r.contact_id)),
        ("number", Col::text(&r.number)),
        ("external_id", Col::Text(r.external_id.clone())),
        ("status", Col::text(enum_str(&r.status)?)),
    ])
});

pub(super) async fn by_external_id(
    db: &Db,
    ws: WorkspaceId,
    external_id: &str,
) -> R<Option<Order>> {
    let mut sql = select::<Order>(ws);
    sql.push(" AND external_id = ")
        .push_bind(external_id.to_owned());
    first(db, sql).await
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &OrderQuery) -> R<Page<Order>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    let mut sql = select::<Order>(ws);
    if let Some(contact) = q.contact_id {
        sql.push(" AND contact_id = ")
            .push_bind(contact.to_string());
    }
    if let Some(status) = q.status {
        sql.push(" AND status = ").push_bind(enum_str(&status)?);
    }
    let sort = Sort {
        key: "created_at",
        id: "id",
    };
    fetch_page(db, sql, sort, q.after, limit, doc_row, |o: &Order| Cursor {
        key: ms(o.created_at),
        id: o.id.0,
    })
    .await
}

/// Counts on from the last number handed out, past numbers that orders given their own
/// number already use, and keeps the result reserved.
pub(super) async fn next_number(db: &Db, ws: WorkspaceId) -> R<u64> {
    let mut tx = db.write().await?;
    let number = loop {
        let candidate: i64 = sqlx::query_scalar(
            "INSERT INTO order_numbers (workspace_id, last_number) VALUES (?1, ?2)
             ON CONFLICT (workspace_id) DO UPDATE SET last_number = last_number + 1
             RETURNING last_number",
        )
        .bind(ws.to_string())
        .bind(FIRST_ORDER_NUMBER)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let taken: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM orders WHERE workspace_id = ?1 AND number = ?2)",
        )
        .bind(ws.to_string())
        .bind(candidate.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if !taken {
            break candidate;
        }
    };
    commit(tx).await?;
    // The counter starts at a positive number and only grows.
    Ok(number.unsigned_abs())
}
