//! What staff do to an order (refund, cancel, fulfil, mark paid or delivered, resend
//! tracking), and everything that follows: the timeline entry, a note for the agents in the
//! contact's conversation, a message to the customer, the webhooks `order.updated` and
//! `order.action_requested`, and for Shopify-connected shops a job that carries the action
//! out there.

use super::commerce_notify::{actor_ref, log_failure};
use super::order_rules::{Acting, Applied, apply_action};
use super::orders::order_event;
use super::versioned::until_stored;
use super::{Actor, App, Capability, now_ms};
use crate::commerce_store::Emit;
use crate::error::{DomainError, DomainResult};
use crate::store::NewJob;
use jiff::Timestamp;
use shoptalk_types::Content;
use shoptalk_types::commerce::{Order, OrderAction};
use shoptalk_types::ids::{OrderId, WorkspaceId};

/// Job kind that carries an order action out through Shopify's Admin API.
pub const SHOPIFY_ORDER_ACTION_JOB: &str = "shopify.order_action";
const SHOPIFY_JOB_ATTEMPTS: i32 = 8;

/// Whether the shop is asked to carry the action out (`order.action_requested`, Shopify).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Requested {
    /// Staff asked for it: the shop carries it out.
    ByStaff,
    /// It already happened elsewhere (a payment provider reported it): only recorded, and
    /// noted for agents by the caller.
    Recorded,
}

impl App {
    /// Carries out `action` on an order (see [`OrderAction`]).
    pub async fn order_action(
        &self,
        actor: &Actor,
        id: OrderId,
        action: &OrderAction,
    ) -> DomainResult<Order> {
        actor.require(Capability::Write)?;
        self.act_on_order(
            actor.workspace_id(),
            id,
            action,
            &actor_ref(actor),
            Requested::ByStaff,
        )
        .await
    }

    /// Marks an order paid (a payment provider confirmed it). Idempotent: an order already
    /// paid, or further along, is returned unchanged.
    pub async fn mark_order_paid(
        &self,
        ws: WorkspaceId,
        order: OrderId,
        by: &str,
        note: &str,
    ) -> DomainResult<Order> {
        let order = self
            .act_on_order(ws, order, &OrderAction::MarkPaid, by, Requested::Recorded)
            .await?;
        if !note.trim().is_empty() {
            log_failure(
                "noting a payment",
                self.note_for_agents(ws, order.contact_id, note).await,
            );
        }
        Ok(order)
    }

    /// Applies `action` (retrying on concurrent writes), then tells whoever should know.
    pub(super) async fn act_on_order(
        &self,
        ws: WorkspaceId,
        id: OrderId,
        action: &OrderAction,
        by: &str,
        requested: Requested,
    ) -> DomainResult<Order> {
        let who = self.display_name(ws, by).await;
        let (order, applied) = until_stored("order", async || {
            let mut order =
                (self.store.order(ws, id).await?).ok_or(DomainError::NotFound("order"))?;
            let acting = Acting {
                by,
                who: &who,
                now: now_ms(),
            };
            let Some(applied) = apply_action(&mut order, action, &acting)? else {
                return Ok(Some((order, None)));
            };
            order.version += 1;
            let emits = emits(&order, &applied, by, requested);
            let stored = self.store.put_order(&order, &emits).await?;
            Ok(stored.then_some((order, Some(applied))))
        })
        .await?;
        if let Some(applied) = applied {
            self.after_order_action(&order, &applied, requested).await;
        }
        Ok(order)
    }

    /// Everything that follows a committed action; failures are logged, the action stands.
    async fn after_order_action(&self, order: &Order, applied: &Applied, requested: Requested) {
        let (ws, contact) = (order.workspace_id, order.contact_id);
        // What happened elsewhere is noted by whoever reports it, in its own words ("71.00
        // EUR paid online"); a generic note beside it would tell agents the same thing twice.
        if requested == Requested::ByStaff {
            log_failure(
                "noting an order action",
                self.note_for_agents(ws, contact, &applied.note).await,
            );
        }
        if let Some(text) = &applied.customer_text {
            log_failure(
                "telling the customer",
                self.notify_contact(ws, contact, Content::text(text.clone()))
                    .await,
            );
            log_failure(
                "sending the order card",
                self.notify_contact(ws, contact, self.order_card(order))
                    .await,
            );
        }
        if requested == Requested::ByStaff && applied.action != OrderAction::ResendTracking {
            log_failure(
                "queueing the Shopify order action",
                self.queue_shopify_action(order, &applied.action).await,
            );
        }
    }

    /// Shops connected to Shopify with an Admin API token get the action carried out there.
    async fn queue_shopify_action(&self, order: &Order, action: &OrderAction) -> DomainResult<()> {
        let integrations = self.store.integrations(order.workspace_id).await?;
        let connected = integrations
            .shopify
            .is_some_and(|s| s.admin_access_token.is_some());
        if !connected {
            return Ok(());
        }
        self.store
            .enqueue_job(&NewJob {
                kind: SHOPIFY_ORDER_ACTION_JOB.to_owned(),
                payload: serde_json::json!({
                    "workspace_id": order.workspace_id,
                    "order_id": order.id,
                    "action": action,
                }),
                run_at: Timestamp::now(),
                max_attempts: SHOPIFY_JOB_ATTEMPTS,
                unique_key: None,
            })
            .await?;
        Ok(())
    }
}

fn emits(order: &Order, applied: &Applied, by: &str, requested: Requested) -> Vec<Emit> {
    let mut emits = vec![order_event("order.updated", order)];
    if requested == Requested::ByStaff {
        emits.push(Emit {
            kind: "order.action_requested",
            data: serde_json::json!({
                "order": order,
                "action": applied.action,
                "by": by,
            }),
        });
    }
    emits
}
