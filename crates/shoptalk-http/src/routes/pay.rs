//! The hosted pay page's API: no credentials but the unguessable payment id in the URL.
//! Reading shows what is being paid for (never who pays); paying takes the test provider's
//! test cards and is rate-limited per client IP.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Path};
use crate::limits::{ClientIp, Limits};
use crate::openapi::{
    ConflictError, InputErrors, NotFoundError, PaymentDeclinedError, RateLimitedError,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_core::service::TestCardOutcome;
use shoptalk_types::commerce::{PayPage, TestCardPayment};
use shoptalk_types::ids::PaymentId;
use std::sync::Arc;

/// What the pay page shows.
#[utoipa::path(
    get, path = "/api/v1/pay/{id}", tag = "payments",
    params(("id" = PaymentId, Path, description = "Payment id, from the pay link")),
    responses((status = 200, description = "The payment as the customer sees it", body = PayPage), NotFoundError)
)]
pub async fn get_pay_page(
    State(state): State<AppState>,
    Path(id): Path<PaymentId>,
) -> ApiResult<Json<PayPage>> {
    Ok(Json(state.app.pay_page(id).await?))
}

/// Pays with a test card (test provider only): `4242 4242 4242 4242` pays, and the order is
/// marked paid and the customer told in their conversation; `4000 0000 0000 0002` is
/// declined (402, the payment is `failed` and may be tried again).
#[utoipa::path(
    post, path = "/api/v1/pay/{id}", tag = "payments",
    params(("id" = PaymentId, Path, description = "Payment id, from the pay link")),
    request_body = TestCardPayment,
    responses(
        (status = 200, description = "Paid", body = PayPage),
        PaymentDeclinedError, NotFoundError, InputErrors, ConflictError, RateLimitedError
    )
)]
pub async fn pay_with_test_card(
    State(state): State<AppState>,
    State(limits): State<Arc<Limits>>,
    ClientIp(ip): ClientIp,
    Path(id): Path<PaymentId>,
    ApiJson(body): ApiJson<TestCardPayment>,
) -> ApiResult<Json<PayPage>> {
    limits.pay_attempts.check(ip)?;
    match state.app.pay_with_test_card(id, &body.card_number).await? {
        TestCardOutcome::Paid(page) => Ok(Json(page)),
        TestCardOutcome::Declined => Err(ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "payment_declined",
            "The card was declined. Nothing was charged; try another card.",
        )),
    }
}
