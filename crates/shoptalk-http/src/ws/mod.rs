//! The real-time endpoint, `GET /api/v1/ws`: one WebSocket per agent tab, API client or widget
//! visitor, carrying the JSON frames of [`shoptalk_types::frames`]. `docs/protocol.md` is the
//! client's guide.
//!
//! - [`upgrade`] authenticates *before* upgrading (401/403 as the usual JSON envelope).
//! - [`Hub`] is this node's registry of sockets and the [`shoptalk_core::fanout::Fanout`] the
//!   group committer publishes to.
//! - `connection` runs one socket: a single task, a bounded queue, no buffers kept while idle.

mod connection;
mod hub;

pub use connection::{CLOSE_LAGGING, MAX_IN_FLIGHT, RESUME_PAGE};
pub use hub::{BURST_FACTOR, Hub, LAG_GRACE};

use crate::error::ApiError;
use crate::extract::{authenticate, bearer_token, identity_token};
use crate::state::AppState;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shoptalk_core::service::Actor;
use shoptalk_types::frames::MAX_CLIENT_FRAME_BYTES;

/// Largest WebSocket message the transport accepts. Text frames between
/// [`MAX_CLIENT_FRAME_BYTES`] and this are answered with a `frame_too_large` error and the
/// socket stays open; beyond it the socket is closed with 1009.
pub const MAX_TRANSPORT_MESSAGE_BYTES: usize = 4 * MAX_CLIENT_FRAME_BYTES;

/// Query parameters of `GET /api/v1/ws`.
#[derive(Debug, Default, Deserialize)]
pub struct WsParams {
    /// Agent session token, API key or widget visitor token (else `Authorization: Bearer`).
    pub token: Option<String>,
    /// The shop-signed identity token, for widgets of workspaces that require identity.
    pub identity: Option<String>,
}

/// `GET /api/v1/ws?token=...&identity=...`: authenticates, checks the widget's `Origin`, then
/// upgrades to a WebSocket speaking the protocol of `docs/protocol.md`.
#[utoipa::path(
    get,
    path = "/api/v1/ws",
    tag = "realtime",
    params(
        ("token" = Option<String>, Query, description = "Agent session token, API key or widget visitor token; `Authorization: Bearer` works too"),
        ("identity" = Option<String>, Query, description = "Shop-signed identity token (widgets of workspaces that require identity); `X-Shoptalk-Identity` works too"),
    ),
    responses(
        (status = 101, description = "Switching protocols: JSON frames as described in docs/protocol.md"),
        (status = 400, description = "Not a WebSocket upgrade request", body = shoptalk_types::model::ErrorBody),
        (status = 401, description = "Missing or invalid credentials", body = shoptalk_types::model::ErrorBody),
        (status = 403, description = "Widget socket from an origin the workspace does not allow", body = shoptalk_types::model::ErrorBody),
        (status = 503, description = "The server is shutting down; retry shortly", body = shoptalk_types::model::ErrorBody),
    )
)]
pub async fn upgrade(
    State(state): State<AppState>,
    authenticated: Option<Extension<Actor>>,
    params: Result<Query<WsParams>, QueryRejection>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let actor = match authenticated {
        // The router's access gate already resolved the caller (query or header).
        Some(Extension(actor)) => actor,
        None => {
            let params = match params {
                Ok(Query(params)) => params,
                Err(e) => {
                    return ApiError::bad_request("invalid_query", e.body_text()).into_response();
                }
            };
            let token = params.token.as_deref().or_else(|| bearer_token(&headers));
            let identity = params
                .identity
                .as_deref()
                .or_else(|| identity_token(&headers));
            match authenticate(&state, token, identity).await {
                Ok(actor) => actor,
                Err(e) => return e.into_response(),
            }
        }
    };
    if !actor.is_staff() {
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        if let Err(e) = state.app.check_widget_origin(&actor, origin).await {
            return ApiError::from(e).into_response();
        }
    }
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => {
            return ApiError::new(e.status(), "websocket_upgrade_required", e.body_text())
                .into_response();
        }
    };
    if state.hub.is_shutting_down() {
        return ApiError::from(shoptalk_core::DomainError::Unavailable(
            "the server is shutting down; reconnect shortly",
        ))
        .into_response();
    }
    let config = &state.config;
    let write_buffer = config.ws_write_buffer_bytes;
    ws.read_buffer_size(config.ws_read_buffer_bytes)
        .write_buffer_size(write_buffer)
        // Past the target, the buffer only grows while the client is not reading; one big
        // frame on top is all it may hold.
        .max_write_buffer_size(write_buffer + MAX_TRANSPORT_MESSAGE_BYTES)
        .max_message_size(MAX_TRANSPORT_MESSAGE_BYTES)
        .max_frame_size(MAX_TRANSPORT_MESSAGE_BYTES)
        .on_failed_upgrade(|e| tracing::debug!(error = %e, "websocket upgrade failed"))
        .on_upgrade(move |socket| connection::run(socket, state, actor))
}
