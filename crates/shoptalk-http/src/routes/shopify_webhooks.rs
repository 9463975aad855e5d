//! Shopify's webhook deliveries, one endpoint for every connected shop: the shop is named by
//! `X-Shopify-Shop-Domain`, the raw body is verified against that workspace's secret before
//! anything is read from it, and each `X-Shopify-Webhook-Id` is applied once.

use crate::error::{ApiError, ApiResult};
use crate::openapi::InputErrors;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use shoptalk_core::service::Ingested;
use shoptalk_integrations::shopify::webhook::{
    HMAC_HEADER, SHOP_DOMAIN_HEADER, TOPIC_HEADER, WEBHOOK_ID_HEADER,
};
use shoptalk_integrations::shopify::{Delivery, Receipt, Refusal, receive};
use shoptalk_types::model::ErrorBody;
use utoipa::ToSchema;

/// What an accepted delivery did.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ShopifyReceipt {
    /// The kind of record the delivery created or updated: `contact`, `order`, `cart`,
    /// `product`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processed: Option<&'static str>,
    /// That record's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why nothing was kept: a topic that is not ingested, an order without customer, ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
    /// The delivery id was applied before: nothing changed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

impl From<Receipt> for ShopifyReceipt {
    fn from(r: Receipt) -> Self {
        let done = |kind: &'static str, id: String| Self {
            processed: Some(kind),
            id: Some(id),
            ..Self::default()
        };
        let ignored = |why: &str| Self {
            ignored: Some(why.to_owned()),
            ..Self::default()
        };
        match r {
            Receipt::TopicIgnored => ignored("this topic is not ingested"),
            Receipt::Ingested(Ingested::Ignored(why)) => ignored(why),
            Receipt::Ingested(Ingested::Duplicate) => Self {
                duplicate: true,
                ..Self::default()
            },
            Receipt::Ingested(Ingested::Contact(id)) => done("contact", id.to_string()),
            Receipt::Ingested(Ingested::Order(id)) => done("order", id.to_string()),
            Receipt::Ingested(Ingested::Cart(id)) => done("cart", id.to_string()),
            Receipt::Ingested(Ingested::Product(id)) => done("product", id.to_string()),
        }
    }
}

/// Receives a Shopify webhook. Topics ingested: `orders/create`, `orders/updated`,
/// `orders/paid`, `orders/cancelled` (orders and their customer), `fulfillments/create`,
/// `fulfillments/update` (tracking; the customer gets the order card when tracking
/// appears), `checkouts/create`, `checkouts/update`, `carts/create`, `carts/update`
/// (carts), `customers/create`, `customers/update` (contacts), `products/create`,
/// `products/update` (the catalog); other topics are acknowledged and ignored. An unknown
/// shop or a wrong `X-Shopify-Hmac-Sha256` is a 401 that changes nothing; a payload that does
/// not fit its topic is a 400 naming the field.
#[utoipa::path(
    post, path = "/api/v1/integrations/shopify/webhooks", tag = "integrations",
    params(
        ("X-Shopify-Shop-Domain" = String, Header, description = "The shop, `example.myshopify.com`"),
        ("X-Shopify-Hmac-Sha256" = String, Header, description = "base64 HMAC-SHA256 of the raw body with the app's secret"),
        ("X-Shopify-Webhook-Id" = String, Header, description = "The delivery's id: applied once"),
        ("X-Shopify-Topic" = String, Header, description = "e.g. `orders/create`"),
    ),
    request_body(content = String, content_type = "application/json", description = "Shopify's REST payload of the topic"),
    responses(
        (status = 200, description = "Accepted (applied, ignored, or a replay)", body = ShopifyReceipt),
        (status = 401, description = "Unknown shop or wrong signature", body = ErrorBody),
        InputErrors
    )
)]
pub async fn receive_shopify_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<ShopifyReceipt>> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let delivery = Delivery {
        shop_domain: header(SHOP_DOMAIN_HEADER),
        hmac: header(HMAC_HEADER),
        webhook_id: header(WEBHOOK_ID_HEADER),
        topic: header(TOPIC_HEADER),
        body: &body,
    };
    let receipt = receive(&state.app, &delivery).await.map_err(refused)?;
    Ok(Json(receipt.into()))
}

fn refused(r: Refusal) -> ApiError {
    let message = r.to_string();
    match r {
        Refusal::Unauthenticated => {
            ApiError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
        }
        Refusal::MissingHeader(_) => ApiError::bad_request("missing_header", message),
        Refusal::Malformed(e) => ApiError {
            field: Some(e.field),
            ..ApiError::bad_request("invalid_payload", message)
        },
        Refusal::Domain(e) => e.into(),
    }
}
