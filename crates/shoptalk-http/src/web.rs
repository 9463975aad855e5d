//! The web front end, served from the table `shoptalk-web` compiled into the binary; nothing
//! here reads the disk.
//!
//! | URL | what | cached |
//! |---|---|---|
//! | `/assets/{*path}` | content-hashed bundles: the widget, the app's chunks | a year, immutable |
//! | `/widget.js` | the stable embed URL: a redirect to the current widget bundle | 5 minutes |
//! | `/app`, `/app/{*rest}` | the agent app, a SPA: every path gets its `index.html` | revalidated |
//! | `/pay/{id}` | the pay page of a payment link (it reads the payment from the API) | revalidated |
//! | `/` | a redirect to `/app` | |
//! | `/demo` | the demo storefront with the demo widget key (`shoptalk demo` only) | revalidated |
//! | `/demo/products/{category}/{slug}.svg` | the demo catalog's pictures, drawn on request ([`demo_art`]; `shoptalk demo` only) | a day |
//!
//! These routes need no credentials and are not API, so they live outside the route table
//! ([`crate::router::ROUTES`]); [`crate::router()`] merges them in. Files are negotiated
//! brotli > gzip > identity from `Accept-Encoding` (each encoding has its own strong ETag) and
//! revalidate with `If-None-Match`. HTML pages carry a strict Content-Security-Policy (no
//! inline script or style). The widget and its redirect are loaded by a plain `<script>` tag
//! on any shop's site, hence `Cross-Origin-Resource-Policy: cross-origin`.

use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::extract::rejection::PathRejection;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use shoptalk_web::Asset;

pub mod demo_art;

/// The policy of every HTML page: scripts, styles and fonts only from this server, no inline
/// code, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; \
    connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// What the demo page's widget tag holds until the server puts the demo widget key there.
pub const WIDGET_KEY_PLACEHOLDER: &str = "__SHOPTALK_WIDGET_KEY__";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Shops pick up a new widget within minutes, while each bundle stays cached forever.
const WIDGET_REDIRECT_CACHE: &str = "public, max-age=300";
const REVALIDATE: &str = "no-cache";

static CROSS_ORIGIN_RESOURCE_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-resource-policy");

/// The web front end's routes, merged into the API router before its edge layers (request
/// ids, tracing, CORS, `nosniff`, panics caught). `/demo` exists only when
/// `HttpConfig::demo_widget_key` is set.
pub fn router(state: &AppState) -> Router {
    let mut router = Router::new()
        .route("/", get(|| async { Redirect::temporary("/app") }))
        .route("/widget.js", get(widget))
        .route("/assets/{*path}", get(hashed_asset))
        .route("/app", get(app))
        .route("/app/", get(app))
        .route("/app/{*rest}", get(app))
        .route("/pay/{id}", get(pay));
    if let Some(page) = state.config.demo_widget_key.as_deref().and_then(demo_page) {
        router = router.route("/demo", get(move || demo(page.clone())));
    }
    if state.config.demo_widget_key.is_some() {
        router = router.route(
            "/demo/products/{category}/{file}",
            get(demo_art::product_picture),
        );
    }
    router
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(middleware::from_fn(telemetry::track))
}

/// `GET /assets/{*path}`: a content-hashed file.
async fn hashed_asset(path: Result<Path<String>, PathRejection>, request: HeaderMap) -> Response {
    let found = path
        .ok()
        .and_then(|Path(path)| shoptalk_web::asset(&format!("assets/{path}")));
    let Some(asset) = found else {
        return ApiError::not_found("asset").into_response();
    };
    let cache = if asset.is_immutable() {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mut response = serve(asset, &request, cache);
    response.headers_mut().insert(
        CROSS_ORIGIN_RESOURCE_POLICY.clone(),
        HeaderValue::from_static("cross-origin"),
    );
    response
}

/// `GET /widget.js`: the URL shops embed, redirected to the current bundle. A script tag
/// follows the redirect, and `document.currentScript` is still the tag (its `data-*`
/// attributes configure the widget).
async fn widget() -> Response {
    let mut response =
        Redirect::temporary(&format!("/{}", shoptalk_web::widget_path())).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(WIDGET_REDIRECT_CACHE),
    );
    headers.insert(
        CROSS_ORIGIN_RESOURCE_POLICY.clone(),
        HeaderValue::from_static("cross-origin"),
    );
    response
}

/// `GET /app…`: the agent app's page; the app routes within itself.
async fn app(request: HeaderMap) -> Response {
    page("app/index.html", "the agent app", &request)
}

/// `GET /pay/{id}`: the pay page; the page itself reads the id from its URL and asks the API.
async fn pay(request: HeaderMap) -> Response {
    page("pay/index.html", "the pay page", &request)
}

/// A built HTML page, served with the security headers of every page.
fn page(path: &str, what: &str, request: &HeaderMap) -> Response {
    match shoptalk_web::asset(path) {
        Some(index) => html(serve(index, request, REVALIDATE)),
        None => ApiError::not_found(what).into_response(),
    }
}

/// `GET /demo`: the demo storefront page, prepared once with the key in place.
async fn demo(page: Bytes) -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, REVALIDATE),
    ];
    html((headers, page).into_response())
}

/// The demo page with `widget_key` in place of every placeholder.
fn demo_page(widget_key: &str) -> Option<Bytes> {
    let template = shoptalk_web::asset("demo/index.html")?;
    let page = String::from_utf8_lossy(template.raw)
        .replace(WIDGET_KEY_PLACEHOLDER, &escape_attribute(widget_key));
    Some(Bytes::from(page))
}

/// `text` made safe inside a quoted HTML attribute (and in text and comments).
fn escape_attribute(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The security headers of every HTML page (`nosniff` comes with every response).
fn html(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// `asset` in the encoding the client prefers, or `304 Not Modified` when the client's copy
/// is current.
fn serve(asset: &'static Asset, request: &HeaderMap, cache_control: &'static str) -> Response {
    let encoding = Encoding::negotiate(request);
    let etag = encoding.etag(asset);
    let mut response = if not_modified(request, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Body::from(encoding.bytes(asset)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        );
        if let Some(coding) = encoding.token() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("ETags are quoted hex"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Brotli if the client accepts it at least as much as gzip, else gzip, else the raw
    /// bytes. A coding with `q=0` (itself or through `*;q=0`) is never chosen.
    fn negotiate(request: &HeaderMap) -> Self {
        let (mut brotli, mut gzip, mut any) = (None::<f32>, None::<f32>, None::<f32>);
        let items = request
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','));
        for item in items {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let q = parts
                .find_map(|param| {
                    let (name, value) = param.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| value.trim().parse::<f32>().unwrap_or(0.0))
                })
                .unwrap_or(1.0);
            let slot = if coding.eq_ignore_ascii_case("br") {
                &mut brotli
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                &mut gzip
            } else if coding == "*" {
                &mut any
            } else {
                continue;
            };
            *slot = Some(slot.map_or(q, |previous| previous.max(q)));
        }
        let brotli = brotli.or(any).unwrap_or(0.0);
        let gzip = gzip.or(any).unwrap_or(0.0);
        if brotli > 0.0 && brotli >= gzip {
            Self::Brotli
        } else if gzip > 0.0 {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` token.
    fn token(self) -> Option<&'static str> {
        match self {
            Self::Brotli => Some("br"),
            Self::Gzip => Some("gzip"),
            Self::Identity => None,
        }
    }

    fn bytes(self, asset: &'static Asset) -> &'static [u8] {
        match self {
            Self::Brotli => asset.brotli,
            Self::Gzip => asset.gzip,
            Self::Identity => asset.raw,
        }
    }

    /// A strong ETag per representation: the encoded bytes differ, so their tags must too.
    fn etag(self, asset: &Asset) -> String {
        match self.token() {
            None => asset.etag.to_owned(),
            Some(coding) => {
                let tag = asset.etag.trim_matches('"');
                format!("\"{tag}-{coding}\"")
            }
        }
    }
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this URL does not accept this method",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn encodings_are_negotiated_brotli_first_respecting_q() {
        use Encoding::*;
        for (accept, expected) in [
            ("gzip, deflate, br, zstd", Brotli),
            ("br;q=1.0, gzip;q=0.8, *;q=0.1", Brotli),
            ("gzip, deflate", Gzip),
            ("GZIP", Gzip),
            ("x-gzip", Gzip),
            ("gzip;q=1, br;q=0.5", Gzip),
            ("br;q=0, gzip", Gzip),
            ("br;q=0.000, gzip;q=0", Identity),
            ("*", Brotli),
            ("*;q=0", Identity),
            ("gzip, *;q=0", Gzip),
            ("identity", Identity),
            ("deflate", Identity),
            ("", Identity),
            ("br;q=nonsense", Identity),
        ] {
            assert_eq!(
                Encoding::negotiate(&accepting(accept)),
                expected,
                "{accept}"
            );
        }
        assert_eq!(Encoding::negotiate(&HeaderMap::new()), Identity);
    }

    #[test]
    fn attribute_escaping_leaves_no_markup() {
        assert_eq!(
            escape_attribute(r#"k"><script>alert('x')</script>&"#),
            "k&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
        assert_eq!(escape_attribute("wk_live_123-abc"), "wk_live_123-abc");
    }
}
