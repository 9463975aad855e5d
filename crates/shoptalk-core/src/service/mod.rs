//! Use cases: what a caller (REST route, WebSocket frame, CLI) may do, with authorisation and
//! validation applied. The edges parse input and render output; the rules live here.

mod accounts;
mod actor;
mod canned;
mod cards;
mod cart_events;
mod cart_rules;
mod carts;
mod commerce_input;
mod commerce_notify;
mod contacts;
mod conversations;
mod events;
mod integrations;
mod links;
mod media;
mod messages;
mod order_actions;
mod order_rules;
mod orders;
mod payments;
mod product_import;
mod products;
mod return_chat;
mod returns;
mod shop;
mod shop_actions;
mod shopify;
mod versioned;
mod webhooks;
mod widget;
mod widget_settings;

pub use actor::{Actor, Capability};
pub use carts::CartFilter;
pub use conversations::ConversationFilter;
pub use integrations::REDACTED;
pub use links::Visit;
pub use media::{BlobStore, MAX_UPLOAD_BYTES, Upload};
pub use messages::{LogPosition, SendTicket, Sent};
pub use order_actions::SHOPIFY_ORDER_ACTION_JOB;
pub use orders::OrderFilter;
pub use payments::{ProviderOutcome, ProviderReport, TestCardOutcome};
pub use product_import::{IMPORT_MAX_BYTES, IMPORT_MAX_PRODUCTS, ImportPlan, ImportSource};
pub use products::ProductFilter;
pub use shopify::{
    Ingested, SHOPIFY, ShopCart, ShopEvent, ShopFulfilment, ShopLine, ShopOrder, ShopProduct,
};
pub use widget::WidgetSessionRequest;
pub use widget_settings::is_open;

use crate::committer::GroupCommitter;
use crate::fanout::Fanout;
use crate::presence::PresenceRegistry;
use crate::store::Store;
use std::sync::Arc;

/// Checks an outbound URL (webhooks) against the operator's egress policy; returns the
/// normalised URL or why it is refused.
pub type UrlGuard = Arc<dyn Fn(&str) -> Result<String, String> + Send + Sync>;

/// Lifetimes of issued credentials.
#[derive(Debug, Clone)]
pub struct Lifetimes {
    pub agent_session: jiff::SignedDuration,
    pub visitor_session: jiff::SignedDuration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            agent_session: jiff::SignedDuration::from_hours(24 * 14),
            visitor_session: jiff::SignedDuration::from_hours(24 * 180),
        }
    }
}

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn BlobStore>,
    pub committer: GroupCommitter,
    pub fanout: Arc<dyn Fanout>,
    /// Agents' live presence; the WebSocket hub reports sockets opening and closing to it.
    pub presence: Arc<PresenceRegistry>,
    pub url_guard: UrlGuard,
    pub lifetimes: Lifetimes,
    /// The payment providers workspaces can choose from.
    pub payments: Arc<crate::payment_gateway::PaymentGateways>,
    /// Where customers reach this server from outside (pay links), without a trailing slash.
    pub public_url: Arc<str>,
}

/// Clamps a requested page size to 1..=200 (0 or absent → 50).
pub fn page_limit(limit: Option<u32>) -> u32 {
    match limit {
        None | Some(0) => 50,
        Some(n) => n.min(200),
    }
}

/// The current time at the millisecond precision stores keep, so that what a create returns
/// equals what a later read returns.
fn now_ms() -> jiff::Timestamp {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
}

/// Decodes a client-supplied cursor, naming the parameter when it is not one of ours.
pub fn parse_cursor(cursor: Option<&str>) -> crate::DomainResult<Option<crate::cursor::Cursor>> {
    cursor
        .map(|c| {
            crate::cursor::Cursor::decode(c)
                .ok_or_else(|| crate::DomainError::invalid("cursor", "is not a valid cursor"))
        })
        .transpose()
}
