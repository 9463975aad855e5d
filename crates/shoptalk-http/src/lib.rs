//! Shoptalk's HTTP edge: the REST API under `/api/v1`, health and metrics endpoints, the
//! OpenAPI document and its interactive docs, the WebSocket hub, and the embedded web front
//! end (`web`: widget, agent app, demo page).
//!
//! The edge parses and renders; every rule lives in `shoptalk_core::App`. Each route has exactly
//! one authorisation rule, declared in the table [`router::ROUTES`] the router is built from;
//! every failure leaves as the JSON error envelope of [`error::ApiError`].
//!
//! API Boundary: the routes, their JSON shapes and the error codes are public contract
//! (`GET /api/openapi.json` describes them). Extend, don't break.

pub mod error;
pub mod extract;
pub mod idempotency;
pub mod limits;
pub mod openapi;
pub mod router;
pub mod routes;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod ws;

pub use error::{ApiError, ApiResult};
pub use router::router;
pub use state::{AppState, HttpConfig};

use axum::Router;
use std::future::Future;
use std::net::SocketAddr;

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish. The peer address is made available to handlers (`ConnectInfo`), which is what the
/// per-IP rate limits key on.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    // Without TCP_NODELAY, a small frame written right after another (a push, then the ack)
    // waits for the peer's delayed ACK: ~40 ms added to interactive traffic.
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
