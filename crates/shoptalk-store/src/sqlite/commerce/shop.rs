//! Shop settings and integrations: one JSON document per workspace each.

use super::super::error::db_err;
use super::super::rows::{R, RowExt};
use super::super::{Db, commit};
use super::record::write_err;
use crate::common::to_json;
use serde::de::DeserializeOwned;
use shoptalk_types::commerce::{Integrations, ShopSettings};
use shoptalk_types::ids::WorkspaceId;

/// The workspace's document that `select` reads, or the default when there is none.
async fn workspace_doc<T: DeserializeOwned + Default>(
    db: &Db,
    select: &'static str,
    ws: WorkspaceId,
) -> R<T> {
    let row = sqlx::query(select)
        .bind(ws.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?;
    match row {
        Some(row) => row.json("doc"),
        None => Ok(T::default()),
    }
}

pub(super) async fn settings(db: &Db, ws: WorkspaceId) -> R<ShopSettings> {
    workspace_doc(
        db,
        "SELECT doc FROM shop_settings WHERE workspace_id = ?1",
        ws,
    )
    .await
}

pub(super) async fn put_settings(db: &Db, ws: WorkspaceId, settings: &ShopSettings) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO shop_settings (workspace_id, doc, abandon_after_minutes) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace_id) DO UPDATE
         SET doc = excluded.doc, abandon_after_minutes = excluded.abandon_after_minutes",
    )
    .bind(ws.to_string())
    .bind(to_json(settings)?)
    .bind(i64::from(settings.abandon_after_minutes))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}

pub(super) async fn integrations(db: &Db, ws: WorkspaceId) -> R<Integrations> {
    workspace_doc(
        db,
        "SELECT doc FROM integrations WHERE workspace_id = ?1",
        ws,
    )
    .await
}

pub(super) async fn put_integrations(
    db: &Db,
    ws: WorkspaceId,
    integrations: &Integrations,
) -> R<()> {
    let domain = integrations
        .shopify
        .as_ref()
        .map(|s| s.shop_domain.to_lowercase());
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO integrations (workspace_id, doc, shopify_shop_domain) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace_id) DO UPDATE
         SET doc = excluded.doc, shopify_shop_domain = excluded.shopify_shop_domain",
    )
    .bind(ws.to_string())
    .bind(to_json(integrations)?)
    .bind(domain)
    .execute(&mut *tx)
    .await
    .map_err(write_err)?;
    commit(tx).await
}

pub(super) async fn workspace_by_shop_domain(db: &Db, domain: &str) -> R<Option<WorkspaceId>> {
    sqlx::query("SELECT workspace_id FROM integrations WHERE shopify_shop_domain = ?1")
        .bind(domain.to_lowercase())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .map(|row| row.id("workspace_id"))
        .transpose()
}
