//! One webhook delivery from Shopify, from headers and raw body to what it changed: which
//! workspace connected the shop, whether Shopify signed the body, whether this delivery was
//! applied before, what it says. Nothing is read from the body before its signature holds.

use super::decode::{Context, DecodeError, decode};
use super::signature;
use super::topic::Topic;
use shoptalk_core::App;
use shoptalk_core::error::DomainError;
use shoptalk_core::service::Ingested;

pub const SHOP_DOMAIN_HEADER: &str = "x-shopify-shop-domain";
pub const HMAC_HEADER: &str = "x-shopify-hmac-sha256";
pub const WEBHOOK_ID_HEADER: &str = "x-shopify-webhook-id";
pub const TOPIC_HEADER: &str = "x-shopify-topic";

/// Longest `X-Shopify-Webhook-Id` kept (they are UUIDs).
const WEBHOOK_ID_MAX: usize = 255;

/// A delivery as received: the headers Shopify sets (absent or unreadable ones are `None`)
/// and the exact body bytes.
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub shop_domain: Option<&'a str>,
    pub hmac: Option<&'a str>,
    pub webhook_id: Option<&'a str>,
    pub topic: Option<&'a str>,
    pub body: &'a [u8],
}

/// What became of an accepted delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    Ingested(Ingested),
    /// A topic Shoptalk does not ingest: acknowledged so that Shopify stops sending it.
    TopicIgnored,
}

/// Why a delivery was refused; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Unknown shop, no secret, or a signature that does not match: one answer for all, so
    /// that callers cannot learn which shops are connected.
    #[error("the delivery's shop or signature is not recognised")]
    Unauthenticated,
    #[error("the {0} header is required")]
    MissingHeader(&'static str),
    #[error(transparent)]
    Malformed(#[from] DecodeError),
    #[error(transparent)]
    Domain(#[from] DomainError),
}

/// Verifies and applies one delivery.
pub async fn receive(app: &App, d: &Delivery<'_>) -> Result<Receipt, Refusal> {
    let domain = present(d.shop_domain).ok_or(Refusal::Unauthenticated)?;
    let (ws, settings) = app
        .shopify_connection(domain)
        .await?
        .ok_or(Refusal::Unauthenticated)?;
    let secret = settings.webhook_secret.as_deref();
    let signed = match (secret, present(d.hmac)) {
        (Some(secret), Some(hmac)) => signature::verify(secret, d.body, hmac),
        _ => false,
    };
    if !signed {
        return Err(Refusal::Unauthenticated);
    }
    let webhook_id = present(d.webhook_id)
        .filter(|id| id.len() <= WEBHOOK_ID_MAX)
        .ok_or(Refusal::MissingHeader("X-Shopify-Webhook-Id"))?;
    let topic = present(d.topic).ok_or(Refusal::MissingHeader("X-Shopify-Topic"))?;
    let Some(topic) = Topic::parse(topic) else {
        return Ok(Receipt::TopicIgnored);
    };
    let ctx = Context {
        shop_domain: settings.shop_domain,
        currency: app.shop_settings_of(ws).await?.currency,
    };
    let event = decode(topic, d.body, &ctx)?;
    Ok(Receipt::Ingested(
        app.ingest_shopify(ws, webhook_id, event).await?,
    ))
}

fn present(header: Option<&str>) -> Option<&str> {
    header.map(str::trim).filter(|v| !v.is_empty())
}
