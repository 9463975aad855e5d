//! Canned responses: the workspace's saved replies, for the agent app's composer.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::ids::CannedResponseId;
use shoptalk_types::model::{CannedResponse, CannedResponsePatch, NewCannedResponse};

/// Every canned response of the workspace (at most 1000), by shortcut: the agent app loads
/// them once and matches `/shortcut` as the agent types.
#[utoipa::path(
    get, path = "/api/v1/canned-responses", tag = "canned-responses",
    security(("bearer" = [])),
    responses((status = 200, description = "The canned responses", body = Vec<CannedResponse>), AuthErrors)
)]
pub async fn list_canned_responses(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<CannedResponse>>> {
    Ok(Json(state.app.list_canned_responses(&actor).await?))
}

/// Saves a reply. A shortcut already used in the workspace is a 409 naming `shortcut`.
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/canned-responses", tag = "canned-responses",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewCannedResponse,
    responses((status = 201, description = "Created", body = CannedResponse), AuthErrors, InputErrors, ConflictError)
)]
pub async fn create_canned_response(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewCannedResponse>,
) -> ApiResult<(StatusCode, Json<CannedResponse>)> {
    let canned = state.app.create_canned_response(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(canned)))
}

/// Changes some fields of a canned response.
#[utoipa::path(
    patch, path = "/api/v1/canned-responses/{id}", tag = "canned-responses",
    security(("bearer" = [])),
    params(("id" = CannedResponseId, Path, description = "Canned response id")),
    request_body = CannedResponsePatch,
    responses((status = 200, description = "Updated", body = CannedResponse), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn update_canned_response(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<CannedResponseId>,
    ApiJson(patch): ApiJson<CannedResponsePatch>,
) -> ApiResult<Json<CannedResponse>> {
    let canned = state.app.update_canned_response(&actor, id, &patch).await?;
    Ok(Json(canned))
}

/// Deletes a canned response.
#[utoipa::path(
    delete, path = "/api/v1/canned-responses/{id}", tag = "canned-responses",
    security(("bearer" = [])),
    params(("id" = CannedResponseId, Path, description = "Canned response id")),
    responses((status = 204, description = "Deleted"), AuthErrors, NotFoundError)
)]
pub async fn delete_canned_response(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<CannedResponseId>,
) -> ApiResult<StatusCode> {
    state.app.delete_canned_response(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
