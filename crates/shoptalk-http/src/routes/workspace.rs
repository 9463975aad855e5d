//! The caller's workspace: settings and the identity-token secret.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth};
use crate::openapi::{AuthErrors, InputErrors};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use shoptalk_types::model::{Workspace, WorkspacePatch};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct IdentitySecret {
    /// HS256 secret the shop signs widget identity tokens with. Keep it server-side.
    pub identity_secret: String,
}

/// The caller's workspace.
#[utoipa::path(
    get, path = "/api/v1/workspace", tag = "workspace",
    security(("bearer" = [])),
    responses((status = 200, description = "The workspace", body = Workspace), AuthErrors)
)]
pub async fn get_workspace(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Workspace>> {
    Ok(Json(state.app.get_workspace(&actor).await?))
}

/// Changes the workspace's settings (admins).
#[utoipa::path(
    patch, path = "/api/v1/workspace", tag = "workspace",
    security(("bearer" = [])),
    request_body = WorkspacePatch,
    responses((status = 200, description = "Updated", body = Workspace), AuthErrors, InputErrors)
)]
pub async fn update_workspace(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(patch): ApiJson<WorkspacePatch>,
) -> ApiResult<Json<Workspace>> {
    Ok(Json(state.app.update_workspace(&actor, &patch).await?))
}

/// The secret for signing widget identity tokens (admins).
#[utoipa::path(
    get, path = "/api/v1/workspace/identity-secret", tag = "workspace",
    security(("bearer" = [])),
    responses((status = 200, description = "The secret", body = IdentitySecret), AuthErrors)
)]
pub async fn get_identity_secret(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<IdentitySecret>> {
    let identity_secret = state.app.identity_secret(&actor).await?;
    Ok(Json(IdentitySecret { identity_secret }))
}
