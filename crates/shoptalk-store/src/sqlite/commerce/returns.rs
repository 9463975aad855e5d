//! Return requests of orders.

use super::super::Db;
use super::super::error::db_err;
use super::super::rows::R;
use super::record::{Col, doc_row, enum_str, select, versioned_document};
use shoptalk_types::commerce::ReturnRequest;
use shoptalk_types::ids::*;

versioned_document!(ReturnRequest, "returns", |r| {
    Ok(vec![
        ("order_id", Col::text(r.order_id)),
        ("contact_id", Col::text(r.contact_id)),
        ("status", Col::text(enum_str(&r.status)?)),
    ])
});

/// Oldest first. An order has a handful of returns: no paging.
pub(super) async fn of_order(db: &Db, ws: WorkspaceId, order: OrderId) -> R<Vec<ReturnRequest>> {
    let mut sql = select::<ReturnRequest>(ws);
    sql.push(" AND order_id = ")
        .push_bind(order.to_string())
        .push(" ORDER BY created_at, id");
    sql.build()
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(doc_row)
        .collect()
}
