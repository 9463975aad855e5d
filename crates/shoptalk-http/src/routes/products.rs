//! The product catalog: what the shop sells, for agents to find and share.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shoptalk_core::service::ProductFilter;
use shoptalk_types::ids::ProductId;
use shoptalk_types::model::{NewProduct, Page, Product, ProductPatch};
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductListParams {
    /// Words (prefixes) in title, description, SKUs and tags; all must match.
    pub q: Option<String>,
    /// Only products of this category.
    pub category: Option<String>,
    /// Some variant costs at least this, in minor units.
    pub min_price: Option<i64>,
    /// Some variant costs at most this, in minor units.
    pub max_price: Option<i64>,
    /// `true`: some variant within the price bounds is in stock (untracked or above zero);
    /// `false`: no variant is in stock.
    pub in_stock: Option<bool>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Adds a product. An `external_id` already used in the workspace is a 409 naming it.
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/products", tag = "products",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewProduct,
    responses((status = 201, description = "Created", body = Product), AuthErrors, InputErrors, ConflictError)
)]
pub async fn create_product(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewProduct>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    let product = state.app.create_product(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(product)))
}

/// Products of the workspace, newest first, filtered.
#[utoipa::path(
    get, path = "/api/v1/products", tag = "products",
    security(("bearer" = [])),
    params(ProductListParams),
    responses((status = 200, description = "A page of products", body = Page<Product>), AuthErrors, InputErrors)
)]
pub async fn list_products(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<ProductListParams>,
) -> ApiResult<Json<Page<Product>>> {
    let filter = ProductFilter {
        q: p.q,
        category: p.category,
        min_price: p.min_price,
        max_price: p.max_price,
        in_stock: p.in_stock,
        limit: p.limit,
        cursor: p.cursor,
    };
    Ok(Json(state.app.list_products(&actor, &filter).await?))
}

/// One product.
#[utoipa::path(
    get, path = "/api/v1/products/{id}", tag = "products",
    security(("bearer" = [])),
    params(("id" = ProductId, Path, description = "Product id")),
    responses((status = 200, description = "The product", body = Product), AuthErrors, NotFoundError)
)]
pub async fn get_product(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ProductId>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.get_product(&actor, id).await?))
}

/// Changes some fields of a product; `variants`, when given, replaces the whole list.
#[utoipa::path(
    patch, path = "/api/v1/products/{id}", tag = "products",
    security(("bearer" = [])),
    params(("id" = ProductId, Path, description = "Product id")),
    request_body = ProductPatch,
    responses((status = 200, description = "Updated", body = Product), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn update_product(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ProductId>,
    ApiJson(patch): ApiJson<ProductPatch>,
) -> ApiResult<Json<Product>> {
    Ok(Json(state.app.update_product(&actor, id, &patch).await?))
}

/// Deletes a product.
#[utoipa::path(
    delete, path = "/api/v1/products/{id}", tag = "products",
    security(("bearer" = [])),
    params(("id" = ProductId, Path, description = "Product id")),
    responses((status = 204, description = "Deleted"), AuthErrors, NotFoundError)
)]
pub async fn delete_product(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ProductId>,
) -> ApiResult<StatusCode> {
    state.app.delete_product(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
