//! Payments (pay links).

use super::super::Db;
use super::super::error::db_err;
use super::super::rows::R;
use super::record::{Col, doc_row, enum_str, first, select, versioned_document};
use shoptalk_types::commerce::{Payment, PaymentProviderKind};
use shoptalk_types::ids::*;

versioned_document!(Payment, "payments", |r| {
    Ok(vec![
        ("contact_id", Col::text(r.contact_id)),
        ("provider", Col::text(enum_str(&r.provider)?)),
        ("provider_ref", Col::Text(r.provider_ref.clone())),
        ("status", Col::text(enum_str(&r.status)?)),
    ])
});

pub(super) async fn by_provider_ref(
    db: &Db,
    ws: WorkspaceId,
    provider: PaymentProviderKind,
    provider_ref: &str,
) -> R<Option<Payment>> {
    let mut sql = select::<Payment>(ws);
    sql.push(" AND provider = ")
        .push_bind(enum_str(&provider)?)
        .push(" AND provider_ref = ")
        .push_bind(provider_ref.to_owned());
    first(db, sql).await
}

/// Without a workspace: the unguessable id is the credential of the hosted pay page.
pub(super) async fn by_id_alone(db: &Db, id: PaymentId) -> R<Option<Payment>> {
    sqlx::query("SELECT doc FROM payments WHERE id = ?1")
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(doc_row)
        .transpose()
}
