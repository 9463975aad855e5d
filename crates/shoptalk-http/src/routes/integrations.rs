//! The workspace's connections to Shopify and Stripe, kept by admins. Secrets are write-only.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth};
use crate::openapi::{AuthErrors, ConflictError, InputErrors};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use shoptalk_types::commerce::{Integrations, IntegrationsPatch};

/// The workspace's integrations. A stored secret reads `"set"`, never its value.
#[utoipa::path(
    get, path = "/api/v1/integrations", tag = "integrations",
    security(("bearer" = [])),
    responses((status = 200, description = "The integrations, secrets redacted", body = Integrations), AuthErrors)
)]
pub async fn get_integrations(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Integrations>> {
    Ok(Json(state.app.get_integrations(&actor).await?))
}

/// Connects, changes or disconnects integrations. A key left out leaves that integration
/// alone, `null` disconnects it, an object connects or changes it: `shop_domain` is the
/// shop's host name (`example.myshopify.com`); a secret left out (or sent back as `"set"`)
/// keeps the stored one; API bases must be URLs the server may call. A shop connected to
/// another workspace is a 409 naming `shopify.shop_domain`.
#[utoipa::path(
    patch, path = "/api/v1/integrations", tag = "integrations",
    security(("bearer" = [])),
    request_body = IntegrationsPatch,
    responses((status = 200, description = "Updated, secrets redacted", body = Integrations), AuthErrors, InputErrors, ConflictError)
)]
pub async fn update_integrations(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(patch): ApiJson<IntegrationsPatch>,
) -> ApiResult<Json<Integrations>> {
    Ok(Json(state.app.update_integrations(&actor, &patch).await?))
}
