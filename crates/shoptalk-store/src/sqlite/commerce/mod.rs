//! Commerce storage on SQLite (`0004_commerce.sql`): one module per area. Carts, orders,
//! returns and payments share the versioned-document machinery of [`record`].

mod carts;
mod inbound;
mod links;
mod orders;
mod payments;
mod record;
mod returns;
mod shop;

use super::SqliteStore;
use async_trait::async_trait;
use jiff::Timestamp;
use shoptalk_core::commerce_store::*;
use shoptalk_core::store::StoreResult;
use shoptalk_types::commerce::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::Page;

#[async_trait]
impl CommerceStore for SqliteStore {
    // -- shop settings and integrations

    async fn shop_settings(&self, ws: WorkspaceId) -> StoreResult<ShopSettings> {
        shop::settings(&self.db, ws).await
    }

    async fn put_shop_settings(&self, ws: WorkspaceId, settings: &ShopSettings) -> StoreResult<()> {
        shop::put_settings(&self.db, ws, settings).await
    }

    async fn integrations(&self, ws: WorkspaceId) -> StoreResult<Integrations> {
        shop::integrations(&self.db, ws).await
    }

    async fn put_integrations(
        &self,
        ws: WorkspaceId,
        integrations: &Integrations,
    ) -> StoreResult<()> {
        shop::put_integrations(&self.db, ws, integrations).await
    }

    async fn workspace_by_shop_domain(&self, domain: &str) -> StoreResult<Option<WorkspaceId>> {
        shop::workspace_by_shop_domain(&self.db, domain).await
    }

    // -- carts

    async fn cart(&self, ws: WorkspaceId, id: CartId) -> StoreResult<Option<Cart>> {
        record::by_id(&self.db, ws, id.0).await
    }

    async fn open_cart(&self, ws: WorkspaceId, contact: ContactId) -> StoreResult<Option<Cart>> {
        carts::open(&self.db, ws, contact).await
    }

    async fn cart_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Cart>> {
        carts::by_external_id(&self.db, ws, external_id).await
    }

    async fn list_carts(&self, ws: WorkspaceId, q: &CartQuery) -> StoreResult<Page<Cart>> {
        carts::list(&self.db, ws, q).await
    }

    async fn put_cart(&self, cart: &Cart, emit: &[Emit]) -> StoreResult<bool> {
        record::put(&self.db, cart, emit).await
    }

    async fn abandon_idle_carts(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Cart>> {
        carts::abandon_idle(&self.db, now, limit).await
    }

    // -- orders

    async fn order(&self, ws: WorkspaceId, id: OrderId) -> StoreResult<Option<Order>> {
        record::by_id(&self.db, ws, id.0).await
    }

    async fn order_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Order>> {
        orders::by_external_id(&self.db, ws, external_id).await
    }

    async fn list_orders(&self, ws: WorkspaceId, q: &OrderQuery) -> StoreResult<Page<Order>> {
        orders::list(&self.db, ws, q).await
    }

    async fn put_order(&self, order: &Order, emit: &[Emit]) -> StoreResult<bool> {
        record::put(&self.db, order, emit).await
    }

    async fn next_order_number(&self, ws: WorkspaceId) -> StoreResult<u64> {
        orders::next_number(&self.db, ws).await
    }

    // -- returns

    async fn return_request(
        &self,
        ws: WorkspaceId,
        id: ReturnId,
    ) -> StoreResult<Option<ReturnRequest>> {
        record::by_id(&self.db, ws, id.0).await
    }

    async fn returns_of_order(
        &self,
        ws: WorkspaceId,
        order: OrderId,
    ) -> StoreResult<Vec<ReturnRequest>> {
        returns::of_order(&self.db, ws, order).await
    }

    async fn put_return(&self, ret: &ReturnRequest, emit: &[Emit]) -> StoreResult<bool> {
        record::put(&self.db, ret, emit).await
    }

    // -- payments

    async fn payment(&self, ws: WorkspaceId, id: PaymentId) -> StoreResult<Option<Payment>> {
        record::by_id(&self.db, ws, id.0).await
    }

    async fn payment_by_provider_ref(
        &self,
        ws: WorkspaceId,
        provider: PaymentProviderKind,
        provider_ref: &str,
    ) -> StoreResult<Option<Payment>> {
        payments::by_provider_ref(&self.db, ws, provider, provider_ref).await
    }

    async fn payment_by_id(&self, id: PaymentId) -> StoreResult<Option<Payment>> {
        payments::by_id_alone(&self.db, id).await
    }

    async fn put_payment(&self, payment: &Payment, emit: &[Emit]) -> StoreResult<bool> {
        record::put(&self.db, payment, emit).await
    }

    // -- tracked links

    async fn insert_tracked_links(&self, links: &[TrackedLinkRecord]) -> StoreResult<()> {
        links::insert(&self.db, links).await
    }

    async fn tracked_link(&self, token: &str) -> StoreResult<Option<TrackedLinkRecord>> {
        links::get(&self.db, token).await
    }

    async fn record_link_click(&self, link: &TrackedLinkRecord, at: Timestamp) -> StoreResult<()> {
        links::record_click(&self.db, link, at).await
    }

    async fn link_clicks(&self, ws: WorkspaceId, token: &str) -> StoreResult<u64> {
        links::clicks(&self.db, ws, token).await
    }

    // -- inbound deliveries

    async fn inbound_seen(
        &self,
        ws: WorkspaceId,
        source: &str,
        delivery_id: &str,
    ) -> StoreResult<bool> {
        inbound::seen(&self.db, ws, source, delivery_id).await
    }

    async fn mark_inbound(
        &self,
        ws: WorkspaceId,
        source: &str,
        delivery_id: &str,
    ) -> StoreResult<bool> {
        inbound::mark(&self.db, ws, source, delivery_id).await
    }
}
