//! The route table and the router built from it.
//!
//! [`ROUTES`] is the single list of what the server answers and who may call it. The router
//! mounts exactly these entries, each wrapped in its own access check, so a route cannot be
//! served without an authorisation rule; the core then scopes every lookup to the caller's
//! workspace (and a visitor to its own conversations). Tests iterate the table.

use crate::error::ApiError;
use crate::extract::{authenticate, bearer_token, identity_token};
use crate::idempotency::{self, IdempotencyStore};
use crate::limits::Limits;
use crate::routes::*;
use crate::state::AppState;
use crate::telemetry;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef, Query, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post};
use shoptalk_core::service::{Actor, Capability, IMPORT_MAX_BYTES, MAX_UPLOAD_BYTES};
use std::any::Any;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Instant;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Who may call a route. Beyond this gate the core applies the finer rules (a visitor sees
/// only its own conversations; ids of other workspaces are "not found").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, no credentials (health, docs, login, widget sessions).
    Public,
    /// Widget visitors (on their own data) and staff with at least this capability.
    Customer(Capability),
    /// Staff only (agents and API keys), with at least this capability.
    Staff(Capability),
}

impl Access {
    /// Whether `actor` passes this gate.
    pub fn permits(self, actor: &Actor) -> Result<(), ApiError> {
        let needed = match self {
            Self::Public => return Ok(()),
            Self::Customer(_) if !actor.is_staff() => return Ok(()),
            Self::Customer(needed) | Self::Staff(needed) => needed,
        };
        actor.require(needed).map_err(ApiError::from)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    Get,
    Post,
    Patch,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// Which body limit a route gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// `HttpConfig::max_body_bytes`.
    Json,
    /// `MAX_UPLOAD_BYTES`: attachments.
    Upload,
    /// `IMPORT_MAX_BYTES`: bulk imports, and deliveries of a connected shop's records.
    Import,
}

/// One entry of the table.
pub struct Route {
    pub method: Verb,
    /// axum path template, as in the OpenAPI document.
    pub path: &'static str,
    pub access: Access,
    /// Honours `Idempotency-Key` (creates).
    pub idempotent: bool,
    pub body: BodyLimit,
    /// Also accepts credentials as `?token=&identity=` (WebSocket clients in browsers cannot
    /// set headers).
    pub token_in_query: bool,
    mount: fn() -> MethodRouter<ApiState>,
}

const fn route(
    method: Verb,
    path: &'static str,
    access: Access,
    mount: fn() -> MethodRouter<ApiState>,
) -> Route {
    Route {
        method,
        path,
        access,
        idempotent: false,
        body: BodyLimit::Json,
        token_in_query: false,
        mount,
    }
}

impl Route {
    const fn idempotent(self) -> Self {
        Self {
            idempotent: true,
            ..self
        }
    }

    const fn token_in_query(self) -> Self {
        Self {
            token_in_query: true,
            ..self
        }
    }

    const fn upload(self) -> Self {
        Self {
            body: BodyLimit::Upload,
            ..self
        }
    }

    const fn import(self) -> Self {
        Self {
            body: BodyLimit::Import,
            ..self
        }
    }
}

use Access::{Customer, Public, Staff};
use Capability::{Admin, Read, Write};
use Verb::{Delete, Get, Patch, Post};

/// Every route the server answers, and who may call it.
#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    // Operations and documentation.
    route(Get, "/healthz", Public, || get(health::healthz)),
    route(Get, "/readyz", Public, || get(health::readyz)),
    route(Get, "/metrics", Public, || get(health::metrics)),
    route(Get, "/api/openapi.json", Public, || get(docs::openapi_json)),
    route(Get, "/api/docs", Public, || get(docs::docs_index)),
    route(Get, "/api/docs/{file}", Public, || get(docs::docs_asset)),
    // Staff sign-in and profile.
    route(Post, "/api/v1/auth/login", Public, || post(auth::login)),
    route(Post, "/api/v1/auth/logout", Staff(Read), || post(auth::logout)),
    route(Get, "/api/v1/me", Staff(Read), || get(auth::get_me)),
    route(Post, "/api/v1/me/password", Staff(Write), || post(auth::change_password)),
    // Workspace administration.
    route(Get, "/api/v1/workspace", Staff(Read), || get(workspace::get_workspace)),
    route(Patch, "/api/v1/workspace", Staff(Admin), || patch(workspace::update_workspace)),
    route(Get, "/api/v1/workspace/identity-secret", Staff(Admin), || get(workspace::get_identity_secret)),
    route(Get, "/api/v1/agents", Staff(Read), || get(agents::list_agents)),
    route(Get, "/api/v1/agents/presence", Staff(Read), || get(agents::list_presence)),
    route(Post, "/api/v1/agents", Staff(Admin), || post(agents::create_agent)).idempotent(),
    route(Patch, "/api/v1/agents/{id}", Staff(Admin), || patch(agents::update_agent)),
    route(Get, "/api/v1/api-keys", Staff(Admin), || get(api_keys::list_api_keys)),
    route(Post, "/api/v1/api-keys", Staff(Admin), || post(api_keys::create_api_key)).idempotent(),
    route(Delete, "/api/v1/api-keys/{id}", Staff(Admin), || delete(api_keys::revoke_api_key)),
    // The widget's door.
    route(Get, "/api/v1/widget/config", Public, || get(widget::get_widget_config)),
    route(Post, "/api/v1/widget/sessions", Public, || post(widget::open_widget_session)),
    // Contacts.
    route(Post, "/api/v1/contacts", Staff(Write), || post(contacts::upsert_contact)).idempotent(),
    route(Get, "/api/v1/contacts", Staff(Read), || get(contacts::list_contacts)),
    route(Get, "/api/v1/contacts/{id}", Customer(Read), || get(contacts::get_contact)),
    route(Patch, "/api/v1/contacts/{id}", Staff(Write), || patch(contacts::update_contact)),
    // Behaviour events: a visitor records its own, staff name the contact.
    route(Post, "/api/v1/events", Customer(Write), || post(events::track_events)),
    route(Get, "/api/v1/contacts/{id}/events", Staff(Read), || get(events::list_contact_events)),
    // Conversations and their log.
    route(Post, "/api/v1/conversations", Customer(Write), || post(conversations::create_conversation)).idempotent(),
    route(Get, "/api/v1/conversations", Customer(Read), || get(conversations::list_conversations)),
    route(Get, "/api/v1/conversations/{id}", Customer(Read), || get(conversations::get_conversation)),
    route(Patch, "/api/v1/conversations/{id}", Staff(Write), || patch(conversations::update_conversation)),
    route(Post, "/api/v1/conversations/{id}/messages", Customer(Write), || post(messages::send_message)).idempotent(),
    route(Get, "/api/v1/conversations/{id}/messages", Customer(Read), || get(messages::list_messages)),
    route(Post, "/api/v1/conversations/{id}/receipts", Customer(Write), || post(messages::post_receipt)),
    route(Post, "/api/v1/conversations/{id}/typing", Customer(Write), || post(messages::post_typing)),
    // Canned responses.
    route(Get, "/api/v1/canned-responses", Staff(Read), || get(canned_responses::list_canned_responses)),
    route(Post, "/api/v1/canned-responses", Staff(Write), || post(canned_responses::create_canned_response)).idempotent(),
    route(Patch, "/api/v1/canned-responses/{id}", Staff(Write), || patch(canned_responses::update_canned_response)),
    route(Delete, "/api/v1/canned-responses/{id}", Staff(Write), || delete(canned_responses::delete_canned_response)),
    // Product catalog.
    route(Post, "/api/v1/products", Staff(Write), || post(products::create_product)).idempotent(),
    route(Get, "/api/v1/products", Staff(Read), || get(products::list_products)),
    route(Get, "/api/v1/products/{id}", Staff(Read), || get(products::get_product)),
    route(Patch, "/api/v1/products/{id}", Staff(Write), || patch(products::update_product)),
    route(Delete, "/api/v1/products/{id}", Staff(Write), || delete(products::delete_product)),
    route(Post, "/api/v1/products/import", Staff(Write), || post(products::import_products)).idempotent().import(),
    // The shop: settings, carts, orders, returns, shopping inside messages.
    route(Get, "/api/v1/shop", Staff(Read), || get(shop::get_shop)),
    route(Patch, "/api/v1/shop", Staff(Admin), || patch(shop::update_shop)),
    route(Get, "/api/v1/carts", Staff(Read), || get(carts::list_carts)),
    route(Get, "/api/v1/carts/{id}", Customer(Read), || get(carts::get_cart)),
    route(Patch, "/api/v1/carts/{id}", Staff(Write), || patch(carts::update_cart)),
    route(Get, "/api/v1/contacts/{id}/cart", Customer(Read), || get(carts::get_contact_cart)),
    route(Post, "/api/v1/contacts/{id}/cart/items", Customer(Write), || post(carts::change_cart_items)),
    route(Post, "/api/v1/conversations/{id}/shop-actions", Customer(Write), || post(shop_actions::shop_action)),
    route(Post, "/api/v1/orders", Staff(Write), || post(orders::create_order)).idempotent(),
    route(Get, "/api/v1/orders", Customer(Read), || get(orders::list_orders)),
    route(Get, "/api/v1/orders/{id}", Customer(Read), || get(orders::get_order)),
    route(Post, "/api/v1/orders/{id}/actions", Staff(Write), || post(orders::order_action)),
    route(Get, "/api/v1/orders/{id}/returns", Customer(Read), || get(returns::list_order_returns)),
    route(Post, "/api/v1/returns", Customer(Write), || post(returns::create_return)).idempotent(),
    route(Get, "/api/v1/returns/{id}", Customer(Read), || get(returns::get_return)),
    route(Post, "/api/v1/returns/{id}/transitions", Staff(Write), || post(returns::transition_return)),
    // Attachments.
    route(Post, "/api/v1/media", Customer(Write), || post(media::upload_media)).upload(),
    route(Get, "/api/v1/media/{id}", Customer(Read), || get(media::download_media)),
    // Webhooks.
    route(Get, "/api/v1/webhooks", Staff(Admin), || get(webhooks::list_webhooks)),
    route(Post, "/api/v1/webhooks", Staff(Admin), || post(webhooks::create_webhook)).idempotent(),
    route(Delete, "/api/v1/webhooks/{id}", Staff(Admin), || delete(webhooks::delete_webhook)),
    route(Get, "/api/v1/webhooks/{id}/deliveries", Staff(Admin), || get(webhooks::list_deliveries)),
    // Payments: pay links sent by staff, the hosted pay page's API, Stripe's webhooks.
    route(Post, "/api/v1/payments", Staff(Write), || post(payments::create_payment)).idempotent(),
    route(Get, "/api/v1/payments/{id}", Customer(Read), || get(payments::get_payment)),
    route(Get, "/api/v1/pay/{id}", Public, || get(pay::get_pay_page)),
    route(Post, "/api/v1/pay/{id}", Public, || post(pay::pay_with_test_card)),
    route(Post, "/api/v1/integrations/stripe/webhooks/{workspace_id}", Public, || post(stripe_webhooks::receive_stripe_event)),
    // Integrations: connecting Shopify and Stripe, and Shopify's webhooks (signed per shop;
    // an order with hundreds of lines outgrows the JSON limit).
    route(Get, "/api/v1/integrations", Staff(Admin), || get(integrations::get_integrations)),
    route(Patch, "/api/v1/integrations", Staff(Admin), || patch(integrations::update_integrations)),
    route(Post, "/api/v1/integrations/shopify/webhooks", Public, || post(shopify_webhooks::receive_shopify_webhook)).import(),
    // Tracked links in messages: the click is counted, the redirect goes to the URL sent.
    route(Get, "/r/{token}", Public, || get(links::follow_link)),
    // Real time.
    route(Get, "/api/v1/ws", Customer(Read), || get(crate::ws::upgrade)).token_in_query(),
];

/// What the handlers of this router can reach: the shared [`AppState`] and the edge's own
/// per-router pieces. Handlers ask for the part they need (`State<AppState>`, ...).
#[derive(Clone, FromRef)]
pub struct ApiState {
    pub shared: AppState,
    pub limits: Arc<Limits>,
    pub idempotency: Arc<IdempotencyStore>,
}

/// The whole HTTP surface over `state`.
pub fn router(state: AppState) -> Router {
    // Installed before the first request so every request is counted.
    telemetry::prometheus();
    let web = crate::web::router(&state);
    let api = ApiState {
        limits: Arc::new(Limits::new(&state.config)),
        idempotency: Arc::default(),
        shared: state,
    };
    let mut router = Router::new();
    for route in ROUTES {
        router = router.route(route.path, mount(route, &api));
    }
    let routes = router
        .route_layer(middleware::from_fn(telemetry::track))
        // After every route is added: it applies to the routes registered so far.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .with_state(api)
        .merge(web);
    with_edge_layers(routes)
}

/// What every response passes through, routed or not (outermost last): request ids, tracing,
/// `nosniff`, panics caught as the 500 envelope, stray plain-text errors made envelopes.
///
/// There is no router-wide body limit: each route carries its own (`HttpConfig::max_body_bytes`
/// for JSON, `MAX_UPLOAD_BYTES` for uploads), because a global one would cap uploads too.
fn with_edge_layers(router: Router) -> Router {
    router
        .layer(cors())
        // The per-route RequestBodyLimitLayer is the limit; extractors need no second one.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::map_response(envelope_stray_errors))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The widget runs on the shop's own domain and calls this API cross-origin. Credentials are
/// bearer tokens, never cookies, so allowing any origin exposes nothing a page could not
/// already send; which origins may open widget sessions is the workspace's own rule
/// (`allowed_origins`), checked by the domain.
fn cors() -> tower_http::cors::CorsLayer {
    use tower_http::cors::{Any, CorsLayer};
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            axum::http::Method::GET,
            axum::http::Method::POST,
            axum::http::Method::PATCH,
            axum::http::Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-shoptalk-identity"),
        ])
        .expose_headers([header::RETRY_AFTER, REQUEST_ID.clone()])
        .max_age(std::time::Duration::from_secs(3600))
}

/// One table entry as a method router: body limit, then the access gate, then (for creates)
/// idempotency, then the handler.
fn mount(route: &Route, api: &ApiState) -> MethodRouter<ApiState> {
    let limit = match route.body {
        BodyLimit::Json => api.shared.config.max_body_bytes,
        BodyLimit::Upload => MAX_UPLOAD_BYTES,
        BodyLimit::Import => IMPORT_MAX_BYTES,
    };
    let mut method_router = (route.mount)();
    if route.idempotent {
        let store = api.idempotency.clone();
        method_router = method_router.layer::<_, Infallible>(middleware::from_fn(
            move |req: Request, next: Next| idempotency::layer(store.clone(), limit, req, next),
        ));
    }
    let (access, token_in_query) = (route.access, route.token_in_query);
    method_router
        .layer::<_, Infallible>(middleware::from_fn_with_state(
            api.shared.clone(),
            move |State(state): State<AppState>, req: Request, next: Next| {
                enforce(access, token_in_query, state, req, next)
            },
        ))
        .layer::<_, Infallible>(RequestBodyLimitLayer::new(limit))
}

/// The access gate: authenticates (401), checks the rule (403), and leaves the caller in the
/// request for the handler's `Auth` extractor.
async fn enforce(
    access: Access,
    token_in_query: bool,
    state: AppState,
    mut req: Request,
    next: Next,
) -> Response {
    if access == Access::Public {
        return next.run(req).await;
    }
    let query = token_in_query
        .then(|| Query::<QueryCredentials>::try_from_uri(req.uri()).ok())
        .flatten()
        .map(|Query(q)| q)
        .unwrap_or_default();
    let token = query
        .token
        .as_deref()
        .or_else(|| bearer_token(req.headers()));
    let identity = query
        .identity
        .as_deref()
        .or_else(|| identity_token(req.headers()));
    let actor = match authenticate(&state, token, identity).await {
        Ok(actor) => actor,
        Err(e) => return e.into_response(),
    };
    if let Err(e) = access.permits(&actor) {
        return e.into_response();
    }
    req.extensions_mut().insert(actor);
    next.run(req).await
}

/// Credentials in the query string, for routes that accept them there.
#[derive(Debug, Default, serde::Deserialize)]
struct QueryCredentials {
    token: Option<String>,
    identity: Option<String>,
}

async fn not_found(req: Request) -> ApiError {
    telemetry::record(
        req.method().as_str(),
        telemetry::UNMATCHED.to_string(),
        404,
        Instant::now(),
    );
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no route matches this URL",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this URL does not accept this method",
    )
}

/// Any error response that is not already the JSON envelope (a layer's own 413, say) is
/// replaced by one, so clients only ever parse one error shape.
async fn envelope_stray_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::NOT_FOUND => ("not_found", "not found"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "this URL does not accept this method")
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than this endpoint accepts",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "this Content-Type is not accepted",
        ),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "the request took too long"),
        s if s.is_server_error() => (
            "internal",
            "something went wrong on our side; it has been logged",
        ),
        _ => ("bad_request", "the request could not be understood"),
    };
    let mut fixed = ApiError::new(status, code, message).into_response();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = response.headers().get(&name) {
            fixed.headers_mut().insert(name, value.clone());
        }
    }
    fixed
}

/// A panic is a bug: log it, answer the generic 500 envelope, keep serving.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    tracing::error!(panic = %detail, "handler panicked");
    ApiError::internal().into_response()
}

fn request_span(req: &Request) -> tracing::Span {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        "http",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use std::collections::HashSet;
    use tower::ServiceExt;

    #[tokio::test]
    async fn panics_become_the_500_envelope() {
        let boom = Router::new().route(
            "/boom",
            get(|| async {
                if true {
                    panic!("a bug");
                }
                "unreachable"
            }),
        );
        let request = Request::get("/boom").body(Body::empty()).unwrap();
        let response = with_edge_layers(boom).oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers().clone();
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(headers.contains_key("x-request-id"));
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal");
        assert!(
            !body.to_string().contains("a bug"),
            "the panic message stays in the log"
        );
    }

    #[test]
    fn each_route_is_listed_once() {
        let mut seen = HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} listed twice",
                r.method.as_str(),
                r.path
            );
        }
    }

    #[test]
    fn creates_honour_idempotency_keys() {
        for (method, path) in [
            (Post, "/api/v1/contacts"),
            (Post, "/api/v1/conversations"),
            (Post, "/api/v1/agents"),
            (Post, "/api/v1/api-keys"),
            (Post, "/api/v1/webhooks"),
            (Post, "/api/v1/canned-responses"),
            (Post, "/api/v1/products"),
            (Post, "/api/v1/orders"),
            (Post, "/api/v1/returns"),
            (Post, "/api/v1/conversations/{id}/messages"),
        ] {
            let r = ROUTES
                .iter()
                .find(|r| r.method == method && r.path == path)
                .unwrap();
            assert!(r.idempotent, "{path}");
        }
    }
}
