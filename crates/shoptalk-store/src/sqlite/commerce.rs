//! Commerce storage on SQLite. (skeleton: being implemented)
#![allow(unused_variables)]

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
    async fn shop_settings(&self, ws: WorkspaceId) -> StoreResult<ShopSettings> {
        todo!()
    }
    async fn put_shop_settings(&self, ws: WorkspaceId, settings: &ShopSettings) -> StoreResult<()> {
        todo!()
    }
    async fn integrations(&self, ws: WorkspaceId) -> StoreResult<Integrations> {
        todo!()
    }
    async fn put_integrations(&self, ws: WorkspaceId, integrations: &Integrations)
    -> StoreResult<()> {
        todo!()
    }
    async fn workspace_by_shop_domain(&self, domain: &str) -> StoreResult<Option<WorkspaceId>> {
        todo!()
    }
    async fn cart(&self, ws: WorkspaceId, id: CartId) -> StoreResult<Option<Cart>> {
        todo!()
    }
    async fn open_cart(&self, ws: WorkspaceId, contact: ContactId) -> StoreResult<Option<Cart>> {
        todo!()
    }
    async fn cart_by_external_id(&self, ws: WorkspaceId, external_id: &str)
    -> StoreResult<Option<Cart>> {
        todo!()
    }
    async fn list_carts(&self, ws: WorkspaceId, q: &CartQuery) -> StoreResult<Page<Cart>> {
        todo!()
    }
    async fn put_cart(&self, cart: &Cart, emit: &[Emit]) -> StoreResult<bool> {
        todo!()
    }
    async fn abandon_idle_carts(&self, now: Timestamp, limit: u32) -> StoreResult<Vec<Cart>> {
        todo!()
    }
    async fn order(&self, ws: WorkspaceId, id: OrderId) -> StoreResult<Option<Order>> {
        todo!()
    }
    async fn order_by_external_id(&self, ws: WorkspaceId, external_id: &str)
    -> StoreResult<Option<Order>> {
        todo!()
    }
    async fn list_orders(&self, ws: WorkspaceId, q: &OrderQuery) -> StoreResult<Page<Order>> {
        todo!()
    }
    async fn put_order(&self, order: &Order, emit: &[Emit]) -> StoreResult<bool> {
        todo!()
    }
    async fn next_order_number(&self, ws: WorkspaceId) -> StoreResult<u64> {
        todo!()
    }
    async fn return_request(&self, ws: WorkspaceId, id: ReturnId)
    -> StoreResult<Option<ReturnRequest>> {
        todo!()
    }
    async fn returns_of_order(&self, ws: WorkspaceId, order: OrderId)
    -> StoreResult<Vec<ReturnRequest>> {
        todo!()
    }
    async fn put_return(&self, ret: &ReturnRequest, emit: &[Emit]) -> StoreResult<bool> {
        todo!()
    }
    async fn payment(&self, ws: WorkspaceId, id: PaymentId) -> StoreResult<Option<Payment>> {
        todo!()
    }
    async fn payment_by_provider_ref(
        &self,
        ws: WorkspaceId,
        provider: PaymentProviderKind,
        provider_ref: &str,
    ) -> StoreResult<Option<Payment>> {
        todo!()
    }
    async fn payment_by_id(&self, id: PaymentId) -> StoreResult<Option<Payment>> {
        todo!()
    }
    async fn put_payment(&self, payment: &Payment, emit: &[Emit]) -> StoreResult<bool> {
        todo!()
    }
    async fn insert_tracked_links(&self, links: &[TrackedLinkRecord]) -> StoreResult<()> {
        todo!()
    }
    async fn tracked_link(&self, token: &str) -> StoreResult<Option<TrackedLinkRecord>> {
        todo!()
    }
    async fn record_link_click(&self, link: &TrackedLinkRecord, at: Timestamp) -> StoreResult<()> {
        todo!()
    }
    async fn link_clicks(&self, ws: WorkspaceId, token: &str) -> StoreResult<u64> {
        todo!()
    }
    async fn inbound_seen(&self, ws: WorkspaceId, source: &str, delivery_id: &str)
    -> StoreResult<bool> {
        todo!()
    }
    async fn mark_inbound(&self, ws: WorkspaceId, source: &str, delivery_id: &str)
    -> StoreResult<bool> {
        todo!()
    }
}
