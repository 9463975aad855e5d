//! Contacts: the shop's customers.

use super::created_or_ok;
use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shoptalk_types::ids::ContactId;
use shoptalk_types::model::{Contact, ContactPatch, NewContact, Page};
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactListParams {
    /// Search in name, email, phone and external id.
    pub q: Option<String>,
    /// Only contacts with this tag.
    pub tag: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Creates a contact, or updates the one with the same `external_id` (else `email`).
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/contacts", tag = "contacts",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewContact,
    responses(
        (status = 201, description = "Created", body = Contact),
        (status = 200, description = "An existing contact was updated", body = Contact),
        AuthErrors, InputErrors, ConflictError
    )
)]
pub async fn upsert_contact(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewContact>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    let (contact, created) = state.app.upsert_contact(&actor, &new).await?;
    Ok((created_or_ok(created), Json(contact)))
}

/// Contacts of the workspace, newest first.
#[utoipa::path(
    get, path = "/api/v1/contacts", tag = "contacts",
    security(("bearer" = [])),
    params(ContactListParams),
    responses((status = 200, description = "A page of contacts", body = Page<Contact>), AuthErrors, InputErrors)
)]
pub async fn list_contacts(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<ContactListParams>,
) -> ApiResult<Json<Page<Contact>>> {
    let page = state
        .app
        .list_contacts(&actor, p.q, p.tag, p.limit, p.cursor.as_deref())
        .await?;
    Ok(Json(page))
}

/// One contact. A widget visitor may read its own.
#[utoipa::path(
    get, path = "/api/v1/contacts/{id}", tag = "contacts",
    security(("bearer" = [])),
    params(("id" = ContactId, Path, description = "Contact id")),
    responses((status = 200, description = "The contact", body = Contact), AuthErrors, NotFoundError)
)]
pub async fn get_contact(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ContactId>,
) -> ApiResult<Json<Contact>> {
    Ok(Json(state.app.get_contact(&actor, id).await?))
}

/// Changes some fields of a contact; `attributes` merge key by key (`null` removes one).
#[utoipa::path(
    patch, path = "/api/v1/contacts/{id}", tag = "contacts",
    security(("bearer" = [])),
    params(("id" = ContactId, Path, description = "Contact id")),
    request_body = ContactPatch,
    responses((status = 200, description = "Updated", body = Contact), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn update_contact(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ContactId>,
    ApiJson(patch): ApiJson<ContactPatch>,
) -> ApiResult<Json<Contact>> {
    Ok(Json(state.app.update_contact(&actor, id, &patch).await?))
}
