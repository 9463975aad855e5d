//! API keys for the shop's own systems (admins only).

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::ids::ApiKeyId;
use shoptalk_types::model::{ApiKey, ApiKeyCreated, NewApiKey};

/// Every key of the workspace, revoked ones included (secrets are never shown again).
#[utoipa::path(
    get, path = "/api/v1/api-keys", tag = "api-keys",
    security(("bearer" = [])),
    responses((status = 200, description = "The keys", body = Vec<ApiKey>), AuthErrors)
)]
pub async fn list_api_keys(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<ApiKey>>> {
    Ok(Json(state.app.list_api_keys(&actor).await?))
}

/// Creates a key; its secret is in this response only. Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/api-keys", tag = "api-keys",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewApiKey,
    responses((status = 201, description = "Created", body = ApiKeyCreated), AuthErrors, InputErrors)
)]
pub async fn create_api_key(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewApiKey>,
) -> ApiResult<(StatusCode, Json<ApiKeyCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_api_key(&actor, &new).await?),
    ))
}

/// Revokes a key at once.
#[utoipa::path(
    delete, path = "/api/v1/api-keys/{id}", tag = "api-keys",
    security(("bearer" = [])),
    params(("id" = ApiKeyId, Path, description = "API key id")),
    responses((status = 204, description = "Revoked"), AuthErrors, NotFoundError)
)]
pub async fn revoke_api_key(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<StatusCode> {
    state.app.revoke_api_key(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
