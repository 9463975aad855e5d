//! Outcomes of payments, whichever provider reports them. Paying is idempotent: the order
//! steps come first and are themselves idempotent, and only the write that moves the payment
//! to `paid` tells the customer, so a report delivered twice (or two reports of one payment)
//! changes nothing the second time.

use super::payment_updated;
use crate::error::{DomainError, DomainResult};
use crate::service::commerce_notify::log_failure;
use crate::service::versioned::until_stored;
use crate::service::{App, now_ms};
use shoptalk_types::Content;
use shoptalk_types::commerce::{CartStatus, Order, Payment, PaymentProviderKind, PaymentStatus};
use shoptalk_types::content::Money;
use shoptalk_types::ids::{CartId, PaymentId, WorkspaceId};

/// What the customer reads once a payment went through (the order card follows it).
const THANK_YOU: &str = "Payment received — thank you!";

/// A provider's report about one payment, as its edge decoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderReport {
    /// Our payment id, when the provider echoes it back (Stripe metadata).
    pub payment_id: Option<String>,
    /// The provider's id of the checkout (Stripe Checkout Session).
    pub provider_ref: Option<String>,
    pub outcome: ProviderOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderOutcome {
    Paid,
    Expired,
}

impl App {
    /// Applies a provider's delivery once: `delivery_id` (Stripe's event id) already processed
    /// in the workspace changes nothing. A report about a payment Shoptalk does not know (a
    /// checkout made elsewhere with the same account) is recorded and ignored.
    pub async fn apply_provider_report(
        &self,
        ws: WorkspaceId,
        provider: PaymentProviderKind,
        delivery_id: &str,
        report: Option<ProviderReport>,
    ) -> DomainResult<()> {
        let source = source_name(provider);
        if self.store.inbound_seen(ws, source, delivery_id).await? {
            return Ok(());
        }
        if let Some(report) = report {
            match self.reported_payment(ws, provider, &report).await? {
                Some(payment) => match report.outcome {
                    ProviderOutcome::Paid => {
                        self.settle_paid(payment, source).await?;
                    }
                    ProviderOutcome::Expired => {
                        self.expire_payment(ws, payment.id).await?;
                    }
                },
                None => tracing::info!(%ws, source, delivery_id, "report about an unknown payment"),
            }
        }
        // Marked only after the outcome is applied: a failure above leaves the delivery
        // unmarked, and the provider's retry applies it.
        self.store.mark_inbound(ws, source, delivery_id).await?;
        Ok(())
    }

    async fn reported_payment(
        &self,
        ws: WorkspaceId,
        provider: PaymentProviderKind,
        report: &ProviderReport,
    ) -> DomainResult<Option<Payment>> {
        let by_id = report.payment_id.as_deref().and_then(|id| id.parse().ok());
        let found = match (by_id, report.provider_ref.as_deref()) {
            (Some(id), _) => self.store.payment(ws, id).await?,
            (None, Some(reference)) => {
                self.store
                    .payment_by_provider_ref(ws, provider, reference)
                    .await?
            }
            (None, None) => None,
        };
        Ok(found.filter(|p| p.provider == provider))
    }

    /// Marks a payment paid: a cart becomes an order, the order is marked paid, then the
    /// payment; the customer hears about it in the payment's conversation (or their latest).
    /// `by` is who reports it, as timelines record it (`stripe`, `contact:<id>`).
    pub(super) async fn settle_paid(&self, payment: Payment, by: &str) -> DomainResult<Payment> {
        if payment.status == PaymentStatus::Paid {
            return Ok(payment);
        }
        let ws = payment.workspace_id;
        let order = match self.order_paid_by(&payment, by).await {
            Ok(order) => order,
            // The money is taken whatever became of the order (cancelled meanwhile, say):
            // the payment is recorded and the agents are told to sort the order out.
            Err(e @ (DomainError::Conflict(_) | DomainError::NotFound(_))) => {
                let note = format!(
                    "A payment of {} ({}) was received, but its order could not be marked paid: {e}",
                    Money::new(payment.amount_minor, &payment.currency),
                    payment.description
                );
                log_failure(
                    "note about a payment",
                    self.note_for_agents(ws, payment.contact_id, &note).await,
                );
                None
            }
            Err(e) => return Err(e),
        };
        let order_id = order.as_ref().map(|o| o.id);
        let (paid, changed) = self
            .change_payment(ws, payment.id, |p| {
                if p.status == PaymentStatus::Paid {
                    return false;
                }
                p.status = PaymentStatus::Paid;
                p.order_id = p.order_id.or(order_id);
                true
            })
            .await?;
        if changed {
            // The payment is recorded; a message that cannot be posted must not undo that.
            log_failure(
                "payment confirmation",
                self.confirm_paid(&paid, order).await,
            );
        }
        Ok(paid)
    }

    /// The order a paid payment pays for, marked paid (a cart becomes its order first).
    async fn order_paid_by(&self, payment: &Payment, by: &str) -> DomainResult<Option<Order>> {
        let ws = payment.workspace_id;
        let note = format!(
            "{} paid online: {}",
            Money::new(payment.amount_minor, &payment.currency),
            payment.description
        );
        let order_id = match (payment.order_id, payment.cart_id) {
            (Some(order_id), _) => order_id,
            (None, Some(cart_id)) => {
                self.cart_still_as_priced(payment, cart_id).await?;
                self.order_from_cart(ws, cart_id, by).await?.id
            }
            (None, None) => return Ok(None),
        };
        Ok(Some(self.mark_order_paid(ws, order_id, by, &note).await?))
    }

    /// A cart may change after its pay link was sent; paying the old amount must not buy
    /// what was added since. A cart that no longer matches the amount paid is left as it is
    /// (Conflict: the agents are told to sort it out).
    async fn cart_still_as_priced(&self, payment: &Payment, cart_id: CartId) -> DomainResult<()> {
        let cart = (self.store.cart(payment.workspace_id, cart_id).await?)
            .ok_or(DomainError::NotFound("cart"))?;
        // A cart already converted is handled by `order_from_cart` (it returns that order).
        let unchanged = cart.status == CartStatus::Converted
            || (cart.subtotal_minor == payment.amount_minor && cart.currency == payment.currency);
        if unchanged {
            Ok(())
        } else {
            Err(DomainError::Conflict(format!(
                "the cart changed after the pay link was sent and now totals {}",
                Money::new(cart.subtotal_minor, &cart.currency)
            )))
        }
    }

    async fn confirm_paid(&self, payment: &Payment, order: Option<Order>) -> DomainResult<()> {
        let (ws, contact, conversation) = (
            payment.workspace_id,
            payment.contact_id,
            payment.conversation_id,
        );
        self.tell_contact_in(ws, contact, conversation, Content::text(THANK_YOU))
            .await?;
        if let Some(order) = order {
            let card = self.order_card(&order);
            self.tell_contact_in(ws, contact, conversation, card)
                .await?;
        }
        Ok(())
    }

    /// A pending (or failed) payment's link is no longer valid.
    pub(super) async fn expire_payment(&self, ws: WorkspaceId, id: PaymentId) -> DomainResult<()> {
        self.change_payment(ws, id, |p| {
            let open = matches!(p.status, PaymentStatus::Pending | PaymentStatus::Failed);
            if open {
                p.status = PaymentStatus::Expired;
            }
            open
        })
        .await?;
        Ok(())
    }

    /// An attempt to pay was declined; the link stays usable for another try.
    pub(super) async fn fail_payment(&self, ws: WorkspaceId, id: PaymentId) -> DomainResult<()> {
        self.change_payment(ws, id, |p| {
            let pending = p.status == PaymentStatus::Pending;
            if pending {
                p.status = PaymentStatus::Failed;
            }
            pending
        })
        .await?;
        Ok(())
    }

    /// Reads the payment, applies `change` (which says whether it changed anything) and
    /// stores the next version, re-reading when another writer came first. Returns the
    /// payment as stored and whether this call changed it.
    async fn change_payment(
        &self,
        ws: WorkspaceId,
        id: PaymentId,
        change: impl Fn(&mut Payment) -> bool,
    ) -> DomainResult<(Payment, bool)> {
        until_stored("payment", async || {
            let mut payment =
                (self.store.payment(ws, id).await?).ok_or(DomainError::NotFound("payment"))?;
            if !change(&mut payment) {
                return Ok(Some((payment, false)));
            }
            payment.version += 1;
            payment.updated_at = now_ms();
            let emit = [payment_updated(&payment)];
            let stored = self.store.put_payment(&payment, &emit).await?;
            Ok(stored.then_some((payment, true)))
        })
        .await
    }
}

/// The name inbound deliveries and timelines record a provider by.
fn source_name(provider: PaymentProviderKind) -> &'static str {
    match provider {
        PaymentProviderKind::Test => "test",
        PaymentProviderKind::Stripe => "stripe",
    }
}
