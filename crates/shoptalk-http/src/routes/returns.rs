//! Returns: a contact asks to send items back; staff move the request along.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::commerce::{NewReturn, ReturnRequest, ReturnTransition};
use shoptalk_types::ids::{OrderId, ReturnId};

/// Asks to return items of a shipped order (a visitor: of its own orders). `lines` names
/// order lines and units, at most what was ordered less what other returns hold; `reason`
/// 1–500 characters; `photos` at most 5 uploaded media ids. Emits `return.updated`; the
/// customer is told. Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/returns", tag = "returns",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewReturn,
    responses((status = 201, description = "Requested", body = ReturnRequest), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn create_return(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewReturn>,
) -> ApiResult<(StatusCode, Json<ReturnRequest>)> {
    let ret = state.app.create_return(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(ret)))
}

/// One return. A visitor sees only its own.
#[utoipa::path(
    get, path = "/api/v1/returns/{id}", tag = "returns",
    security(("bearer" = [])),
    params(("id" = ReturnId, Path, description = "Return id")),
    responses((status = 200, description = "The return", body = ReturnRequest), AuthErrors, NotFoundError)
)]
pub async fn get_return(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ReturnId>,
) -> ApiResult<Json<ReturnRequest>> {
    Ok(Json(state.app.get_return(&actor, id).await?))
}

/// An order's returns, oldest first. A visitor sees only its own orders'.
#[utoipa::path(
    get, path = "/api/v1/orders/{id}/returns", tag = "returns",
    security(("bearer" = [])),
    params(("id" = OrderId, Path, description = "Order id")),
    responses((status = 200, description = "The order's returns", body = Vec<ReturnRequest>), AuthErrors, NotFoundError)
)]
pub async fn list_order_returns(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Vec<ReturnRequest>>> {
    Ok(Json(state.app.list_order_returns(&actor, id).await?))
}

/// Moves a return one step: requested → approved | rejected, approved → received →
/// refunded; anything else is a 409. `refunded` refunds the order by `refund_minor`, else
/// the returned lines' value (at most what is left to refund). Emits `return.updated`; the
/// customer is told.
#[utoipa::path(
    post, path = "/api/v1/returns/{id}/transitions", tag = "returns",
    security(("bearer" = [])),
    params(("id" = ReturnId, Path, description = "Return id")),
    request_body = ReturnTransition,
    responses((status = 200, description = "The return after the step", body = ReturnRequest), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn transition_return(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ReturnId>,
    ApiJson(t): ApiJson<ReturnTransition>,
) -> ApiResult<Json<ReturnRequest>> {
    Ok(Json(state.app.transition_return(&actor, id, &t).await?))
}
