//! The product catalog: what the shop sells, for agents to find and share.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Auth, Path, Query, body_rejection, parse_json};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use shoptalk_core::service::{ImportSource, ProductFilter};
use shoptalk_types::ids::ProductId;
use shoptalk_types::model::{NewProduct, Page, Product, ProductImportReport, ProductPatch};
use utoipa::{IntoParams, ToSchema};

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

/// Products of the workspace, newest first, filtered. With `q`, ties within the same
/// millisecond of creation come in the order the products were added rather than by id, and
/// the cursor belongs to that search.
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

/// The JSON body of an import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductImportBody {
    /// At most 10,000 products, each checked (and refused) on its own.
    #[schema(value_type = Vec<NewProduct>)]
    pub products: Vec<serde_json::Value>,
    /// Write over the product with the same `external_id` instead of refusing it.
    #[serde(default)]
    pub upsert_by_external_id: bool,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProductImportParams {
    /// Write over the product with the same `external_id` instead of refusing it (a JSON
    /// body may say so in its own field instead).
    pub upsert_by_external_id: Option<bool>,
}

/// Imports up to 10,000 products (5 MiB) at once, as JSON (`application/json`,
/// `{"products": [NewProduct...], "upsert_by_external_id": false}`) or CSV (`text/csv`).
///
/// Each valid product is created, or with upsert written over the workspace's product with
/// the same `external_id` (which keeps its id and creation time); each invalid one is written
/// not at all and reported in `errors`, one entry per problem: for JSON, `row` is the index
/// in `products` and `field` the path in the product; for CSV, `row` is the record's row as
/// a spreadsheet shows it (the header is row 1) and `field` the column.
///
/// CSV: a header row, then one row per variant; rows with the same `external_id` are one
/// product. Columns (case-insensitive, any order; unknown ones are refused):
/// `external_id` (required), `title` (required), `description`, `url`, `category`, `tags`
/// (comma-separated), `images` (space-separated URLs), `currency` (required, ISO 4217),
/// `option1_name`…`option10_name` — these are the product's, read from its first row and
/// empty or equal on its other rows — then per variant `variant_id`, `sku`, `variant_title`
/// (default: the option values joined by ` / `, or `Default`), `option1_value`…
/// `option10_value`, `price` (required), `compare_at_price`, `inventory` (empty: not
/// tracked), `image_url`. Prices are decimals in the currency's unit with at most its
/// minor-unit digits (`12.99` EUR, `1200` JPY). Translations (`localized`) need JSON.
///
/// A bad header, a wrong `Content-Type` or more than 10,000 products refuse the whole call.
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/products/import", tag = "products",
    security(("bearer" = [])),
    params(
        ProductImportParams,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe"),
    ),
    request_body(content(
        (ProductImportBody = "application/json"),
        (String = "text/csv", example = "external_id,title,currency,option1_name,option1_value,price\nmug-1,Mug,EUR,Size,S,12.99\nmug-1,,,,M,13.99"),
    )),
    responses((status = 200, description = "What was imported, and every problem of the refused products", body = ProductImportReport), AuthErrors, InputErrors)
)]
pub async fn import_products(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(params): Query<ProductImportParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<ProductImportReport>> {
    let body = body.map_err(body_rejection)?;
    let query_upsert = params.upsert_by_external_id.unwrap_or(false);
    let (source, upsert) = match media_type(&headers).as_deref() {
        Some("application/json") => {
            let json: ProductImportBody = parse_json(&body)?;
            let upsert = json.upsert_by_external_id || query_upsert;
            (ImportSource::Json(json.products), upsert)
        }
        Some("text/csv") => (ImportSource::Csv(&body), query_upsert),
        _ => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the products as JSON (Content-Type: application/json) or CSV \
                 (Content-Type: text/csv)",
            ));
        }
    };
    let report = state.app.import_products(&actor, source, upsert).await?;
    Ok(Json(report))
}

/// The `Content-Type` without parameters, lower-cased.
fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(value.split(';').next()?.trim().to_ascii_lowercase())
}
