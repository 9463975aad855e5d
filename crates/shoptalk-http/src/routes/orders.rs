//! Orders: placed by the shop's backend or from a cart, and what staff do to them.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shoptalk_core::service::OrderFilter;
use shoptalk_types::commerce::{NewOrder, Order, OrderAction, OrderStatus};
use shoptalk_types::ids::{ContactId, OrderId};
use shoptalk_types::model::Page;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// Only this contact's orders (a visitor always gets its own).
    #[param(value_type = Option<String>, format = Uuid)]
    pub contact_id: Option<ContactId>,
    pub status: Option<OrderStatus>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Places an order for a contact: `lines` (catalog products, or the shop's own lines with
/// `title` and `unit_price_minor`; 1–100, 1–999 units each), or `cart_id`, whose cart becomes
/// `converted`. The total (subtotal + shipping + tax − discount) must be 0 to 10^12 minor
/// units. `number` defaults to the workspace's next (1001, 1002, ...); a number or
/// `external_id` already used is a 409 naming it. Emits `order.created`. Accepts
/// `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/orders", tag = "orders",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewOrder,
    responses((status = 201, description = "Placed", body = Order), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn create_order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let order = state.app.create_order(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(order)))
}

/// Orders, newest first. A visitor lists its own whatever it passes.
#[utoipa::path(
    get, path = "/api/v1/orders", tag = "orders",
    security(("bearer" = [])),
    params(OrderListParams),
    responses((status = 200, description = "A page of orders", body = Page<Order>), AuthErrors, InputErrors)
)]
pub async fn list_orders(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<OrderListParams>,
) -> ApiResult<Json<Page<Order>>> {
    let filter = OrderFilter {
        contact_id: p.contact_id,
        status: p.status,
        limit: p.limit,
        cursor: p.cursor,
    };
    Ok(Json(state.app.list_orders(&actor, &filter).await?))
}

/// One order, with its timeline. A visitor sees only its own.
#[utoipa::path(
    get, path = "/api/v1/orders/{id}", tag = "orders",
    security(("bearer" = [])),
    params(("id" = OrderId, Path, description = "Order id")),
    responses((status = 200, description = "The order", body = Order), AuthErrors, NotFoundError)
)]
pub async fn get_order(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(state.app.get_order(&actor, id).await?))
}

/// Acts on an order. Status moves placed → paid → fulfilled/shipped → delivered; `cancel`
/// only before it ships (409 after); `refund` at most what is left (422 naming
/// `amount_minor`), partial → `partially_refunded`, all → `refunded`; `resend_tracking`
/// needs a fulfilment with tracking (409). `mark_paid` and `cancel` on an order already so
/// change nothing. Each action is added to the timeline, noted privately for agents in the
/// contact's conversation, told to the customer when `notify` (with the order card), and
/// emitted as `order.updated` and `order.action_requested` (`{order, action, by}`);
/// Shopify-connected shops get it carried out there.
#[utoipa::path(
    post, path = "/api/v1/orders/{id}/actions", tag = "orders",
    security(("bearer" = [])),
    params(("id" = OrderId, Path, description = "Order id")),
    request_body = OrderAction,
    responses((status = 200, description = "The order after the action", body = Order), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn order_action(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<OrderId>,
    ApiJson(action): ApiJson<OrderAction>,
) -> ApiResult<Json<Order>> {
    Ok(Json(state.app.order_action(&actor, id, &action).await?))
}
