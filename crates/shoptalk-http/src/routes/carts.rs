//! Shopping carts: one open cart per contact, filled from the catalog.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shoptalk_core::service::CartFilter;
use shoptalk_types::commerce::{Cart, CartItemChange, CartPatch, CartStatus};
use shoptalk_types::ids::{CartId, ContactId};
use shoptalk_types::model::Page;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CartListParams {
    /// Only this contact's carts.
    #[param(value_type = Option<String>, format = Uuid)]
    pub contact_id: Option<ContactId>,
    pub status: Option<CartStatus>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Carts of the workspace, most recently changed first.
#[utoipa::path(
    get, path = "/api/v1/carts", tag = "carts",
    security(("bearer" = [])),
    params(CartListParams),
    responses((status = 200, description = "A page of carts", body = Page<Cart>), AuthErrors, InputErrors)
)]
pub async fn list_carts(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<CartListParams>,
) -> ApiResult<Json<Page<Cart>>> {
    let filter = CartFilter {
        contact_id: p.contact_id,
        status: p.status,
        limit: p.limit,
        cursor: p.cursor,
    };
    Ok(Json(state.app.list_carts(&actor, &filter).await?))
}

/// One cart. A visitor sees only its own.
#[utoipa::path(
    get, path = "/api/v1/carts/{id}", tag = "carts",
    security(("bearer" = [])),
    params(("id" = CartId, Path, description = "Cart id")),
    responses((status = 200, description = "The cart", body = Cart), AuthErrors, NotFoundError)
)]
pub async fn get_cart(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<CartId>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.app.get_cart(&actor, id).await?))
}

/// Sets the cart's checkout link (`http`/`https`) or the shop's id for it. A converted cart
/// no longer changes (409); an `external_id` of another cart is a 409 naming it.
#[utoipa::path(
    patch, path = "/api/v1/carts/{id}", tag = "carts",
    security(("bearer" = [])),
    params(("id" = CartId, Path, description = "Cart id")),
    request_body = CartPatch,
    responses((status = 200, description = "Updated", body = Cart), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn update_cart(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<CartId>,
    ApiJson(patch): ApiJson<CartPatch>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.app.update_cart(&actor, id, &patch).await?))
}

/// The contact's open (active or abandoned) cart; 404 when there is none. A visitor reads
/// its own.
#[utoipa::path(
    get, path = "/api/v1/contacts/{id}/cart", tag = "carts",
    security(("bearer" = [])),
    params(("id" = ContactId, Path, description = "Contact id")),
    responses((status = 200, description = "The open cart", body = Cart), AuthErrors, NotFoundError)
)]
pub async fn get_contact_cart(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ContactId>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.app.open_cart_of(&actor, id).await?))
}

/// Adds a catalog variant to the contact's open cart (1–999 units), or with `set` sets its
/// quantity (0–999; 0 removes the line); opens a cart when there is none, and reopens an
/// abandoned one. A line holds at most 999 units and a cart 50 lines in one currency; tracked
/// stock limits what can be added ("only N left"). Unknown products and variants are 422s
/// naming the field. Emits `cart.updated`. A visitor changes only its own cart.
#[utoipa::path(
    post, path = "/api/v1/contacts/{id}/cart/items", tag = "carts",
    security(("bearer" = [])),
    params(("id" = ContactId, Path, description = "Contact id")),
    request_body = CartItemChange,
    responses((status = 200, description = "The cart after the change", body = Cart), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn change_cart_items(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ContactId>,
    ApiJson(change): ApiJson<CartItemChange>,
) -> ApiResult<Json<Cart>> {
    Ok(Json(state.app.change_cart(&actor, id, &change).await?))
}
