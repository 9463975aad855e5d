//! Carts, and the sweep that marks idle ones abandoned.

use super::super::Db;
use super::super::commit;
use super::super::error::db_err;
use super::super::events::{hooks, queue_deliveries};
use super::super::keyset::{Order, fetch_page};
use super::super::rows::R;
use super::record::{Col, doc_row, enum_str, first, select, versioned_document};
use crate::common::{MAX_PAGE, clamp_limit, ms, to_value};
use crate::events::{CART_ABANDONED, event};
use jiff::Timestamp;
use shoptalk_core::commerce_store::CartQuery;
use shoptalk_core::cursor::Cursor;
use shoptalk_types::commerce::{Cart, ShopSettings};
use shoptalk_types::ids::*;
use shoptalk_types::model::Page;

versioned_document!(Cart, "carts", |r| {
    Ok(vec![
        ("contact_id", Col::text(r.contact_id)),
        ("status", Col::text(enum_str(&r.status)?)),
        ("external_id", Col::Text(r.external_id.clone())),
        ("line_count", Col::Int(r.items.len() as i64)),
    ])
});

pub(super) async fn open(db: &Db, ws: WorkspaceId, contact: ContactId) -> R<Option<Cart>> {
    let mut sql = select::<Cart>(ws);
    sql.push(" AND contact_id = ")
        .push_bind(contact.to_string())
        .push(" AND status IN ('active', 'abandoned') ORDER BY updated_at DESC, id DESC LIMIT 1");
    first(db, sql).await
}

pub(super) async fn by_external_id(db: &Db, ws: WorkspaceId, external_id: &str) -> R<Option<Cart>> {
    let mut sql = select::<Cart>(ws);
    sql.push(" AND external_id = ")
        .push_bind(external_id.to_owned());
    first(db, sql).await
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &CartQuery) -> R<Page<Cart>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    let mut sql = select::<Cart>(ws);
    if let Some(contact) = q.contact_id {
        sql.push(" AND contact_id = ")
            .push_bind(contact.to_string());
    }
    if let Some(status) = q.status {
        sql.push(" AND status = ").push_bind(enum_str(&status)?);
    }
    let order = Order {
        key: "updated_at",
        id: "id",
    };
    fetch_page(db, sql, order, q.after, limit, doc_row, |c: &Cart| Cursor {
        key: ms(c.updated_at),
        id: c.id.0,
    })
    .await
}

/// One statement marks the carts (oldest idle first) and returns them; their `cart.abandoned`
/// deliveries are queued in the same transaction. `updated_at` is kept: it is when the
/// customer last touched the cart.
pub(super) async fn abandon_idle(db: &Db, now: Timestamp, limit: u32) -> R<Vec<Cart>> {
    let default_minutes = i64::from(ShopSettings::default().abandon_after_minutes);
    let mut tx = db.write().await?;
    let abandoned = sqlx::query(
        "UPDATE carts SET
             status = 'abandoned',
             version = version + 1,
             abandoned_at = ?1,
             doc = json_set(doc, '$.status', 'abandoned', '$.version', version + 1)
         WHERE id IN (
             SELECT c.id FROM carts c
             LEFT JOIN shop_settings s ON s.workspace_id = c.workspace_id
             WHERE c.status = 'active' AND c.line_count > 0
               -- No workspace waits less than the shortest setting: bounds the index range.
               AND c.updated_at <= ?1 - 60000 * min(?2,
                   coalesce((SELECT min(abandon_after_minutes) FROM shop_settings), ?2))
               AND c.updated_at <= ?1 - 60000 * coalesce(s.abandon_after_minutes, ?2)
             ORDER BY c.updated_at
             LIMIT ?3)
         RETURNING doc",
    )
    .bind(ms(now))
    .bind(default_minutes)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?
    .iter()
    .map(doc_row::<Cart>)
    .collect::<R<Vec<_>>>()?;
    if abandoned.is_empty() {
        return Ok(abandoned);
    }
    let mut workspaces: Vec<WorkspaceId> = abandoned.iter().map(|c| c.workspace_id).collect();
    workspaces.sort_unstable();
    workspaces.dedup();
    let hooks = hooks(&mut tx, &workspaces).await?;
    let events = abandoned
        .iter()
        .filter(|c| hooks.wants(c.workspace_id, CART_ABANDONED))
        .map(|c| Ok(event(CART_ABANDONED, c.workspace_id, to_value(c)?)))
        .collect::<R<Vec<_>>>()?;
    queue_deliveries(&mut tx, &hooks, &events).await?;
    commit(tx).await?;
    Ok(abandoned)
}
