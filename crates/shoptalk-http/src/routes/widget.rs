//! Widget sessions: how a shop's page gets a visitor token. No credentials: the widget key is
//! public, so this door is rate-limited per client IP and checked against allowed origins.

use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::limits::{ClientIp, Limits};
use crate::openapi::{InputErrors, RateLimitedError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use shoptalk_core::service::WidgetSessionRequest;
use shoptalk_types::model::{ErrorBody, NewWidgetSession, WidgetSession};
use std::sync::Arc;

/// Opens a visitor session (anonymous, or identified with a shop-signed identity token).
#[utoipa::path(
    post, path = "/api/v1/widget/sessions", tag = "widget",
    request_body = NewWidgetSession,
    responses(
        (status = 201, description = "Session opened", body = WidgetSession),
        (status = 401, description = "The workspace requires an identity token", body = ErrorBody),
        (status = 403, description = "This origin may not open sessions", body = ErrorBody),
        InputErrors, RateLimitedError
    )
)]
pub async fn open_widget_session(
    State(state): State<AppState>,
    State(limits): State<Arc<Limits>>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewWidgetSession>,
) -> ApiResult<(StatusCode, Json<WidgetSession>)> {
    limits.widget_sessions.check(ip)?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let session = state
        .app
        .open_widget_session(WidgetSessionRequest {
            body: &body,
            origin,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}
