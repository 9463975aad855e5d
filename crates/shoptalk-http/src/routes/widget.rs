//! The widget's public door: its configuration, and visitor sessions. No credentials: the
//! widget key is public, so sessions are rate-limited per client IP, and both are checked
//! against the workspace's allowed origins.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Query};
use crate::limits::{ClientIp, Limits};
use crate::openapi::{InputErrors, RateLimitedError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;
use shoptalk_core::service::WidgetSessionRequest;
use shoptalk_types::model::{ErrorBody, NewWidgetSession, WidgetConfig, WidgetSession};
use std::sync::Arc;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WidgetConfigParams {
    /// The workspace's public widget key.
    pub widget_key: String,
}

fn origin(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok())
}

/// What the widget shows before a visitor writes: the shop's widget settings, whether it is
/// inside business hours and whether an agent is online. Answered with `Cache-Control:
/// no-cache`: availability and presence change by the minute.
#[utoipa::path(
    get, path = "/api/v1/widget/config", tag = "widget",
    params(WidgetConfigParams),
    responses(
        (status = 200, description = "The widget's configuration", body = WidgetConfig),
        (status = 403, description = "This origin may not use the widget", body = ErrorBody),
        (status = 404, description = "No workspace has this widget key", body = ErrorBody),
        InputErrors
    )
)]
pub async fn get_widget_config(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<WidgetConfigParams>,
) -> ApiResult<([(header::HeaderName, HeaderValue); 1], Json<WidgetConfig>)> {
    let config = state
        .app
        .widget_config(&params.widget_key, origin(&headers))
        .await?;
    let no_cache = [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))];
    Ok((no_cache, Json(config)))
}

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
    let session = state
        .app
        .open_widget_session(WidgetSessionRequest {
            body: &body,
            origin: origin(&headers),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(session)))
}
