//! The OpenAPI 3.1 document of every route, built from the handlers' `#[utoipa::path]`
//! annotations. A test checks it lists exactly the routes of `crate::router::ROUTES`.

use crate::routes;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shoptalk API",
        description = "Conversational commerce: shops chat with their customers. Authenticate \
            with `Authorization: Bearer <api key, agent session or visitor token>`. Errors are \
            `{\"error\": {\"code\", \"message\", \"field\"?}}`. Lists are cursor-paginated \
            (`?limit=&cursor=` → `next_cursor`). Creates accept `Idempotency-Key`.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::health::metrics,
        routes::docs::openapi_json,
        routes::docs::docs_index,
        routes::docs::docs_asset,
        routes::auth::login,
        routes::auth::logout,
        routes::auth::get_me,
        routes::auth::change_password,
        routes::workspace::get_workspace,
        routes::workspace::update_workspace,
        routes::workspace::get_identity_secret,
        routes::agents::list_agents,
        routes::agents::list_presence,
        routes::agents::create_agent,
        routes::agents::update_agent,
        routes::api_keys::list_api_keys,
        routes::api_keys::create_api_key,
        routes::api_keys::revoke_api_key,
        routes::widget::get_widget_config,
        routes::widget::open_widget_session,
        routes::contacts::upsert_contact,
        routes::contacts::list_contacts,
        routes::contacts::get_contact,
        routes::contacts::update_contact,
        routes::events::track_events,
        routes::events::list_contact_events,
        routes::conversations::create_conversation,
        routes::conversations::list_conversations,
        routes::conversations::get_conversation,
        routes::conversations::update_conversation,
        routes::messages::send_message,
        routes::messages::list_messages,
        routes::messages::post_receipt,
        routes::messages::post_typing,
        routes::canned_responses::list_canned_responses,
        routes::canned_responses::create_canned_response,
        routes::canned_responses::update_canned_response,
        routes::canned_responses::delete_canned_response,
        routes::products::create_product,
        routes::products::list_products,
        routes::products::get_product,
        routes::products::update_product,
        routes::products::delete_product,
        routes::products::import_products,
        routes::shop::get_shop,
        routes::shop::update_shop,
        routes::carts::list_carts,
        routes::carts::get_cart,
        routes::carts::update_cart,
        routes::carts::get_contact_cart,
        routes::carts::change_cart_items,
        routes::shop_actions::shop_action,
        routes::orders::create_order,
        routes::orders::list_orders,
        routes::orders::get_order,
        routes::orders::order_action,
        routes::returns::list_order_returns,
        routes::returns::create_return,
        routes::returns::get_return,
        routes::returns::transition_return,
        routes::media::upload_media,
        routes::media::download_media,
        routes::webhooks::list_webhooks,
        routes::webhooks::create_webhook,
        routes::webhooks::delete_webhook,
        routes::webhooks::list_deliveries,
        routes::links::follow_link,
        routes::payments::create_payment,
        routes::payments::get_payment,
        routes::pay::get_pay_page,
        routes::pay::pay_with_test_card,
        routes::stripe_webhooks::receive_stripe_event,
        routes::integrations::get_integrations,
        routes::integrations::update_integrations,
        routes::shopify_webhooks::receive_shopify_webhook,
        crate::ws::upgrade,
    ),
    components(schemas(shoptalk_types::model::ErrorBody, shoptalk_types::model::ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Staff sign-in and profile"),
        (name = "workspace", description = "The shop's settings"),
        (name = "agents", description = "Staff"),
        (name = "api-keys", description = "Keys for the shop's systems"),
        (name = "widget", description = "The web widget's configuration and visitor sessions"),
        (name = "contacts", description = "Customers"),
        (name = "events", description = "What contacts do on the shop's site"),
        (name = "conversations", description = "The inbox"),
        (name = "messages", description = "The message log, receipts and typing"),
        (name = "canned-responses", description = "Saved replies for the agent app"),
        (name = "products", description = "The shop's product catalog"),
        (name = "shop", description = "How the shop sells: currency, locale, abandoned carts"),
        (name = "carts", description = "Contacts' shopping carts, and shopping inside messages"),
        (name = "orders", description = "Orders and what staff do to them"),
        (name = "returns", description = "Items sent back"),
        (name = "media", description = "Attachments"),
        (name = "webhooks", description = "Outbound, signed event delivery"),
        (name = "links", description = "Tracked links sent in messages"),
        (name = "payments", description = "Pay links, the hosted pay page and payment providers"),
        (name = "integrations", description = "Connections to Shopify and Stripe, and Shopify's webhooks"),
        (name = "realtime", description = "The WebSocket protocol"),
        (name = "operations", description = "Health, metrics and this document"),
    )
)]
pub struct ApiDoc;

/// The document as served, rendered once.
pub fn document_json() -> String {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|_| "{}".to_string())
    });
    JSON.clone()
}

/// The `bearer` security scheme the authenticated routes name.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

fn error_responses(list: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    list.iter()
        .map(|(status, description)| {
            let response = ResponseBuilder::new()
                .description(*description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident: $($status:literal => $description:literal),+ $(,)?) => {
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                error_responses(&[$(($status, $description)),+])
            }
        }
    };
}

error_set!(
    /// Every authenticated route.
    AuthErrors:
    "401" => "Missing or invalid credentials",
    "403" => "The caller's role or key scope does not allow this",
);
error_set!(
    /// Routes naming a resource; another workspace's ids are not found either.
    NotFoundError: "404" => "No such resource in the caller's workspace",
);
error_set!(
    /// Routes taking input.
    InputErrors:
    "400" => "Malformed JSON, invalid UTF-8 or a bad header",
    "413" => "The body is larger than this endpoint accepts",
    "415" => "The body is not of an accepted Content-Type",
    "422" => "A field broke a rule (`field` names it)",
);
error_set!(
    /// Rules that depend on other data.
    ConflictError: "409" => "Conflicts with existing data (e.g. a duplicate)",
);
error_set!(
    /// Routes that call a payment provider.
    UpstreamError: "502" => "The payment provider refused or failed (the message names it)",
);
error_set!(
    /// Paying on the hosted pay page.
    PaymentDeclinedError: "402" => "The card was declined; nothing was charged",
);
error_set!(
    /// Rate-limited routes.
    RateLimitedError: "429" => "Too many attempts; see Retry-After",
);
error_set!(
    /// Routes that need storage to answer now.
    UnavailableError: "503" => "Temporarily unavailable; see Retry-After",
);
