//! The storage contract of commerce: shop settings, integrations, carts, orders, returns,
//! payments, tracked links and processed inbound deliveries. Part of [`crate::store::Store`].
//!
//! Carts, orders, returns and payments are read and written whole, with optimistic
//! concurrency: a record's `version` is 1 when created, and `put_*` stores `record` only when
//! the stored version is `record.version - 1` (or, for version 1, when there is none). A
//! `false` return means another writer came first: the service reads again and retries.
//!
//! Every `put_*` emits the given webhook events in the same transaction (see the
//! Architecture Invariant of [`crate::store`]).

use crate::cursor::Cursor;
use crate::store::StoreResult;
use async_trait::async_trait;
use jiff::Timestamp;
use shoptalk_types::commerce::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::Page;

/// A webhook event a write emits: type (`cart.updated`, ...) and its `data`.
#[derive(Debug, Clone, PartialEq)]
pub struct Emit {
    pub kind: &'static str,
    pub data: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct CartQuery {
    pub contact_id: Option<ContactId>,
    pub status: Option<CartStatus>,
    pub limit: u32,
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    pub contact_id: Option<ContactId>,
    pub status: Option<OrderStatus>,
    pub limit: u32,
    pub after: Option<Cursor>,
}

/// A link sent in a message, rewritten to `/r/{token}`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedLinkRecord {
    /// Unguessable, URL-safe.
    pub token: String,
    pub workspace_id: WorkspaceId,
    pub url: String,
    pub contact_id: Option<ContactId>,
    pub conversation_id: Option<ConversationId>,
    pub message_id: Option<MessageId>,
    /// Later: the campaign or flow that sent it (`campaign:<id>`, `flow:<id>`).
    pub source: Option<String>,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait CommerceStore: Send + Sync + 'static {
    // -- shop settings and integrations
    /// The workspace's shop settings; defaults when never set.
    async fn shop_settings(&self, ws: WorkspaceId) -> StoreResult<ShopSettings>;
    async fn put_shop_settings(&self, ws: WorkspaceId, settings: &ShopSettings) -> StoreResult<()>;
    /// With secrets (the caller redacts them for display).
    async fn integrations(&self, ws: WorkspaceId) -> StoreResult<Integrations>;
    /// `Duplicate("shopify_shop_domain")` when another workspace has connected that shop.
    async fn put_integrations(
        &self,
        ws: WorkspaceId,
        integrations: &Integrations,
    ) -> StoreResult<()>;
    /// The workspace that connected this Shopify shop (lower-cased domain).
    async fn workspace_by_shop_domain(&self, domain: &str) -> StoreResult<Option<WorkspaceId>>;

    // -- carts
    async fn cart(&self, ws: WorkspaceId, id: CartId) -> StoreResult<Option<Cart>>;
    /// The contact's newest cart that is `active` or `abandoned`.
    async fn open_cart(&self, ws: WorkspaceId, contact: ContactId) -> StoreResult<Option<Cart>>;
    async fn cart_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Cart>>;
    /// Newest `updated_at` first.
    async fn list_carts(&self, ws: WorkspaceId, q: &CartQuery) -> StoreResult<Page<Cart>>;
    /// `Duplicate("cart_external_id")` when the external id is another cart's.
    async fn put_cart(&self, cart: &Cart, emit: &[Emit]) -> StoreResult<bool>;
    /// Active carts with items, of every workspace, whose `updated_at` is older than their
    /// workspace's `abandon_after_minutes` before `now`: marks them `abandoned` (version + 1)
    /// and emits `cart.abandoned` for each. At most `limit`.
    async fn abandon_idle_carts(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Cart>>;

    // -- orders
    async fn order(&self, ws: WorkspaceId, id: OrderId) -> StoreResult<Option<Order>>;
    async fn order_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Order>>;
    /// Newest `created_at` first.
    async fn list_orders(&self, ws: WorkspaceId, q: &OrderQuery) -> StoreResult<Page<Order>>;
    /// `Duplicate("order_number")` / `Duplicate("order_external_id")`.
    async fn put_order(&self, order: &Order, emit: &[Emit]) -> StoreResult<bool>;
    /// The next free order number of the workspace (1001, 1002, ...), reserved.
    async fn next_order_number(&self, ws: WorkspaceId) -> StoreResult<u64>;

    // -- returns
    async fn return_request(
        &self,
        ws: WorkspaceId,
        id: ReturnId,
    ) -> StoreResult<Option<ReturnRequest>>;
    /// An order's returns, oldest first.
    async fn returns_of_order(
        &self,
        ws: WorkspaceId,
        order: OrderId,
    ) -> StoreResult<Vec<ReturnRequest>>;
    async fn put_return(&self, ret: &ReturnRequest, emit: &[Emit]) -> StoreResult<bool>;

    // -- payments
    async fn payment(&self, ws: WorkspaceId, id: PaymentId) -> StoreResult<Option<Payment>>;
    /// By the provider's id (Stripe Checkout Session id), within the workspace.
    async fn payment_by_provider_ref(
        &self,
        ws: WorkspaceId,
        provider: PaymentProviderKind,
        provider_ref: &str,
    ) -> StoreResult<Option<Payment>>;
    /// A payment by id alone: the hosted pay page is opened by the customer with no
    /// credentials but the unguessable payment id in its URL.
    async fn payment_by_id(&self, id: PaymentId) -> StoreResult<Option<Payment>>;
    async fn put_payment(&self, payment: &Payment, emit: &[Emit]) -> StoreResult<bool>;

    // -- tracked links
    async fn insert_tracked_links(&self, links: &[TrackedLinkRecord]) -> StoreResult<()>;
    async fn tracked_link(&self, token: &str) -> StoreResult<Option<TrackedLinkRecord>>;
    /// Records one click and emits `link.clicked`.
    async fn record_link_click(&self, link: &TrackedLinkRecord, at: Timestamp) -> StoreResult<()>;
    async fn link_clicks(&self, ws: WorkspaceId, token: &str) -> StoreResult<u64>;

    // -- inbound deliveries (webhooks we receive)
    /// Whether `(source, delivery_id)` was already processed in the workspace.
    async fn inbound_seen(
        &self,
        ws: WorkspaceId,
        source: &str,
        delivery_id: &str,
    ) -> StoreResult<bool>;
    /// Records `(source, delivery_id)` as processed; `false` when it already was.
    async fn mark_inbound(
        &self,
        ws: WorkspaceId,
        source: &str,
        delivery_id: &str,
    ) -> StoreResult<bool>;
}
