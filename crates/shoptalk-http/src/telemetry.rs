//! Prometheus metrics: one process-wide recorder, and a middleware that counts and times every
//! request by its route *template* (`/api/v1/conversations/{id}`), never the raw URI, so the
//! number of series stays bounded whatever ids clients send.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

pub const REQUESTS_TOTAL: &str = "shoptalk_http_requests_total";
pub const REQUEST_DURATION: &str = "shoptalk_http_request_duration_seconds";

/// Route label of requests that matched no route.
pub const UNMATCHED: &str = "unmatched";

const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The global Prometheus recorder, installed on first use. Idempotent: several routers in
/// one process (tests, or the binary building one per listener) share it. `None` when some
/// other recorder was installed first; `/metrics` then says so.
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), DURATION_BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "another metrics recorder is installed; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

/// Counts and times a routed request. Installed as a route layer so the matched path is known.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |p| p.as_str().to_string());
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    record(&method, route, response.status().as_u16(), started);
    response
}

/// Records one request; also used by the fallbacks, which no route layer wraps.
pub fn record(method: &str, route: String, status: u16, started: Instant) {
    let method = method.to_string();
    metrics::histogram!(REQUEST_DURATION, "method" => method.clone(), "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    metrics::counter!(
        REQUESTS_TOTAL,
        "method" => method,
        "route" => route,
        "status" => status.to_string()
    )
    .increment(1);
}
