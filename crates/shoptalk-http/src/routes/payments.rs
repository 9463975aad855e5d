//! Payments asked of contacts: staff send a pay link (into a conversation when named), and
//! the contact (or staff) read where it stands.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError, UpstreamError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::commerce::{NewPayment, Payment};
use shoptalk_types::ids::PaymentId;

/// Creates a pay link through the workspace's payment provider: for an order (what is left
/// to pay), for the contact's cart (which becomes an order when paid) or for a free amount.
/// With `conversation_id`, a `payment_request` message carrying the link is sent there.
/// Accepts `Idempotency-Key`, so a retried "send payment link" sends one link.
#[utoipa::path(
    post, path = "/api/v1/payments", tag = "payments",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewPayment,
    responses(
        (status = 201, description = "The pending payment and its pay link", body = Payment),
        AuthErrors, NotFoundError, InputErrors, ConflictError, UpstreamError
    )
)]
pub async fn create_payment(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewPayment>,
) -> ApiResult<(StatusCode, Json<Payment>)> {
    let payment = state.app.request_payment(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(payment)))
}

/// One payment; a contact reads only its own.
#[utoipa::path(
    get, path = "/api/v1/payments/{id}", tag = "payments",
    security(("bearer" = [])),
    params(("id" = PaymentId, Path, description = "Payment id")),
    responses((status = 200, description = "The payment", body = Payment), AuthErrors, NotFoundError)
)]
pub async fn get_payment(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<PaymentId>,
) -> ApiResult<Json<Payment>> {
    Ok(Json(state.app.get_payment(&actor, id).await?))
}
