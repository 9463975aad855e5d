//! Stripe's webhook deliveries, one endpoint per workspace. The body is verified against the
//! workspace's signing secret before anything is read from it; each event id is applied once.

use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::openapi::InputErrors;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use shoptalk_core::service::{ProviderOutcome, ProviderReport};
use shoptalk_integrations::stripe::{Event, Outcome, PaymentSignal, signature};
use shoptalk_types::commerce::PaymentProviderKind;
use shoptalk_types::ids::WorkspaceId;
use shoptalk_types::model::ErrorBody;
use utoipa::ToSchema;

/// Longest event id kept as a processed delivery (Stripe's are about 30 characters).
const EVENT_ID_MAX_BYTES: usize = 255;

/// The answer Stripe gets for every accepted delivery, applied or ignored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Received {
    pub received: bool,
}

/// Receives a Stripe event. `checkout.session.completed` (paid),
/// `checkout.session.async_payment_succeeded` and `payment_intent.succeeded` mark the payment
/// paid; `checkout.session.expired` expires it; other types are acknowledged and ignored.
/// A missing, wrong or stale (over 5 minutes) `Stripe-Signature` is a 401 that changes
/// nothing; a redelivered event id changes nothing either.
#[utoipa::path(
    post, path = "/api/v1/integrations/stripe/webhooks/{workspace_id}", tag = "payments",
    params(
        ("workspace_id" = WorkspaceId, Path, description = "The workspace the endpoint belongs to"),
        ("Stripe-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256>"),
    ),
    request_body(content = String, content_type = "application/json", description = "A Stripe Event"),
    responses(
        (status = 200, description = "Accepted (applied, or nothing to do)", body = Received),
        (status = 401, description = "Missing, wrong or stale signature", body = ErrorBody),
        InputErrors
    )
)]
pub async fn receive_stripe_event(
    State(state): State<AppState>,
    Path(ws): Path<WorkspaceId>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Received>> {
    let secret = state.app.stripe_webhook_secret(ws).await?;
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    // An endpoint without a secret cannot tell Stripe from anyone else: nothing is accepted.
    let secret = secret.ok_or_else(|| {
        unauthorized("no Stripe signing secret is set up for this endpoint".into())
    })?;
    signature::verify(header, &body, &secret, jiff::Timestamp::now())
        .map_err(|why| unauthorized(why.to_string()))?;
    let event: Event = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("invalid_event", format!("not a Stripe event: {e}")))?;
    if event.id.is_empty() || event.id.len() > EVENT_ID_MAX_BYTES {
        return Err(ApiError::invalid("id", "must be 1 to 255 bytes"));
    }
    let signal = event.payment_signal().map_err(|e| {
        ApiError::bad_request(
            "invalid_event",
            format!(
                "{} does not carry the object its type promises: {e}",
                event.kind
            ),
        )
    })?;
    state
        .app
        .apply_provider_report(
            ws,
            PaymentProviderKind::Stripe,
            &event.id,
            signal.map(report),
        )
        .await?;
    Ok(Json(Received { received: true }))
}

fn unauthorized(message: String) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
}

fn report(signal: PaymentSignal) -> ProviderReport {
    ProviderReport {
        payment_id: signal.payment_id,
        provider_ref: signal.session_id,
        outcome: match signal.outcome {
            Outcome::Paid => ProviderOutcome::Paid,
            Outcome::Expired => ProviderOutcome::Expired,
        },
    }
}
