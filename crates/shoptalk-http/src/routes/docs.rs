//! The OpenAPI document and the interactive docs (Swagger UI, vendored: no CDN, no download).

use crate::error::ApiError;
use crate::extract::Path;
use crate::openapi;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::{Arc, LazyLock};
use utoipa_swagger_ui::Config;

/// Where the UI finds the document.
pub const OPENAPI_PATH: &str = "/api/openapi.json";
/// The UI's entry page.
const INDEX: &str = "/api/docs/index.html";

static SWAGGER_CONFIG: LazyLock<Arc<Config<'static>>> =
    LazyLock::new(|| Arc::new(Config::new([OPENAPI_PATH])));

/// OpenAPI 3.1 description of every route.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document_json(),
    )
        .into_response()
}

/// Interactive API documentation.
#[utoipa::path(
    get, path = "/api/docs", tag = "operations",
    responses((status = 303, description = "Redirect to the Swagger UI page"))
)]
pub async fn docs_index() -> Redirect {
    // The UI's assets are addressed relatively, so it must be served from under /api/docs/.
    Redirect::to(INDEX)
}

/// A file of the interactive documentation (HTML, scripts, styles).
#[utoipa::path(
    get, path = "/api/docs/{file}", tag = "operations",
    params(("file" = String, Path, description = "File name, e.g. index.html")),
    responses(
        (status = 200, description = "The file", content_type = "text/html", body = String),
        crate::openapi::NotFoundError
    )
)]
pub async fn docs_asset(Path(file): Path<String>) -> Response {
    match utoipa_swagger_ui::serve(&file, SWAGGER_CONFIG.clone()) {
        Ok(Some(f)) => (
            [(header::CONTENT_TYPE, f.content_type)],
            f.bytes.into_owned(),
        )
            .into_response(),
        Ok(None) => ApiError::not_found("file").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "swagger ui asset failed");
            ApiError::internal().into_response()
        }
    }
}
