//! Liveness, readiness and Prometheus metrics: what a load balancer and a scraper poll.

use crate::error::{ApiError, ApiResult};
use crate::openapi::UnavailableError;
use crate::state::AppState;
use crate::telemetry;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok` (alive) or `ready` (storage reachable).
    pub status: &'static str,
}

/// The process is up and serving HTTP.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = HealthStatus))
)]
pub async fn healthz() -> Json<HealthStatus> {
    Json(HealthStatus { status: "ok" })
}

/// The process can serve requests: its storage answers.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "Ready", body = HealthStatus), UnavailableError)
)]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<Json<HealthStatus>> {
    match state.app.store.ping().await {
        Ok(()) => Ok(Json(HealthStatus { status: "ready" })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(ApiError {
                retry_after: Some(1),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "storage is not reachable",
                )
            })
        }
    }
}

/// Prometheus text exposition of the process's metrics.
#[utoipa::path(
    get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String))
)]
pub async fn metrics() -> impl IntoResponse {
    let body = match telemetry::prometheus() {
        Some(handle) => {
            // Without the exporter's HTTP listener nothing else runs upkeep (histogram
            // buckets draining); doing it per scrape is enough.
            handle.run_upkeep();
            handle.render()
        }
        None => "# another metrics recorder is installed in this process\n".to_string(),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
}
