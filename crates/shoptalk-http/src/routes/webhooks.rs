//! Outbound webhook subscriptions and their delivery log (admins only).

use super::PageParams;
use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::ids::WebhookId;
use shoptalk_types::model::{NewWebhook, Page, Webhook, WebhookCreated, WebhookDelivery};

/// The workspace's webhooks.
#[utoipa::path(
    get, path = "/api/v1/webhooks", tag = "webhooks",
    security(("bearer" = [])),
    responses((status = 200, description = "The webhooks", body = Vec<Webhook>), AuthErrors)
)]
pub async fn list_webhooks(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<Webhook>>> {
    Ok(Json(state.app.list_webhooks(&actor).await?))
}

/// Subscribes a public HTTPS endpoint to events; the signing secret is in this response
/// only. Private, loopback and metadata addresses are refused. Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/webhooks", tag = "webhooks",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewWebhook,
    responses((status = 201, description = "Created", body = WebhookCreated), AuthErrors, InputErrors, ConflictError)
)]
pub async fn create_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewWebhook>,
) -> ApiResult<(StatusCode, Json<WebhookCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_webhook(&actor, &new).await?),
    ))
}

/// Removes a webhook; pending deliveries to it are dropped.
#[utoipa::path(
    delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = WebhookId, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted"), AuthErrors, NotFoundError)
)]
pub async fn delete_webhook(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<WebhookId>,
) -> ApiResult<StatusCode> {
    state.app.delete_webhook(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delivery attempts of a webhook, newest first.
#[utoipa::path(
    get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    security(("bearer" = [])),
    params(("id" = WebhookId, Path, description = "Webhook id"), PageParams),
    responses((status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn list_deliveries(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<WebhookId>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<WebhookDelivery>>> {
    let page = state
        .app
        .list_deliveries(&actor, id, p.limit, p.cursor.as_deref())
        .await?;
    Ok(Json(page))
}
