//! Payments asked of contacts: pay links through the workspace's provider, and what happens
//! when a provider reports the outcome.
//!
//! A payment is stored `pending` before its provider is asked for a checkout, so the
//! provider's own idempotency key (the payment id) and every later report name a payment
//! that exists. Outcomes move it to `paid`, `failed` or `expired` ([`settle`]); the test
//! provider's pay page lives in [`test_card`].

mod settle;
mod test_card;

pub use settle::{ProviderOutcome, ProviderReport};
pub use test_card::TestCardOutcome;

use super::commerce_input::text;
use super::shop::currency;
use super::{Actor, App, Capability, now_ms};
use crate::commerce_store::Emit;
use crate::error::{DomainError, DomainResult};
use crate::payment_gateway::{CheckoutRequest, GatewayError, pay_page_url};
use shoptalk_types::Content;
use shoptalk_types::commerce::{
    CartStatus, NewPayment, OrderStatus, Payment, PaymentProviderKind, PaymentStatus, ShopSettings,
};
use shoptalk_types::ids::{CartId, ContactId, ConversationId, OrderId, PaymentId, WorkspaceId};

/// Largest amount a free payment may ask for, in minor units.
const AMOUNT_MAX: i64 = 1_000_000_000_000;
const DESCRIPTION_MAX_CHARS: usize = 200;

/// What a payment is for, with the amount that follows from it.
struct Subject {
    order_id: Option<OrderId>,
    cart_id: Option<CartId>,
    amount_minor: i64,
    currency: String,
    description: String,
}

fn payment_updated(payment: &Payment) -> Emit {
    Emit {
        kind: "payment.updated",
        data: serde_json::to_value(payment).unwrap_or_default(),
    }
}

impl App {
    /// Creates a pay link for a contact (an order, their cart, or a free amount); with a
    /// conversation, sends it there as a `payment_request` message. Staff need Write; a
    /// contact may ask to pay its own cart or order.
    pub async fn request_payment(&self, actor: &Actor, req: &NewPayment) -> DomainResult<Payment> {
        let ws = actor.workspace_id();
        self.contact_in_reach(actor, req.contact_id, Capability::Write)
            .await?;
        if !actor.is_staff() && req.order_id.is_none() && req.cart_id.is_none() {
            return Err(DomainError::Forbidden(
                "customers can only pay for their own cart or order",
            ));
        }
        let settings = self.shop_settings_of(ws).await?;
        let subject = self.payment_subject(ws, req, &settings).await?;
        if let Some(conversation) = req.conversation_id {
            self.check_conversation_of(ws, req.contact_id, conversation)
                .await?;
        }
        let provider = settings.payment_provider;
        let gateway = self.payments.get(provider).cloned().ok_or_else(|| {
            DomainError::Conflict(format!(
                "the {} payment provider is not available on this server",
                provider_name(provider)
            ))
        })?;

        let now = now_ms();
        let id = PaymentId::new();
        let pay_page = pay_page_url(&self.public_url, id);
        let mut payment = Payment {
            id,
            workspace_id: ws,
            contact_id: req.contact_id,
            order_id: subject.order_id,
            cart_id: subject.cart_id,
            conversation_id: req.conversation_id,
            amount_minor: subject.amount_minor,
            currency: subject.currency,
            description: subject.description,
            provider,
            provider_ref: None,
            pay_url: pay_page.clone(),
            status: PaymentStatus::Pending,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        self.put_new_version(&payment).await?;

        let integrations = self.store.integrations(ws).await?;
        let checkout = gateway
            .create_checkout(CheckoutRequest {
                payment: &payment,
                integrations: &integrations,
                return_url: &pay_page,
            })
            .await;
        match checkout {
            Ok(checkout) => {
                if checkout.provider_ref != payment.provider_ref || checkout.pay_url != pay_page {
                    payment.provider_ref = checkout.provider_ref;
                    payment.pay_url = checkout.pay_url;
                    payment.version += 1;
                    payment.updated_at = now_ms();
                    self.put_new_version(&payment).await?;
                }
            }
            Err(e) => {
                payment.status = PaymentStatus::Failed;
                payment.version += 1;
                payment.updated_at = now_ms();
                self.put_new_version(&payment).await?;
                return Err(checkout_failed(e));
            }
        }

        if let Some(conversation) = payment.conversation_id {
            self.post_system_message(ws, conversation, payment_request(&payment), false)
                .await?;
        }
        Ok(payment)
    }

    /// A payment: staff with Read, or the contact it asks to pay.
    pub async fn get_payment(&self, actor: &Actor, id: PaymentId) -> DomainResult<Payment> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let payment = self.store.payment(actor.workspace_id(), id).await?;
        payment
            .filter(|p| actor.contact_id().is_none_or(|own| own == p.contact_id))
            .ok_or(DomainError::NotFound("payment"))
    }

    /// The signing secret of the workspace's Stripe webhook endpoint, when one is set (an
    /// unknown workspace has none).
    pub async fn stripe_webhook_secret(&self, ws: WorkspaceId) -> DomainResult<Option<String>> {
        let integrations = self.store.integrations(ws).await?;
        Ok(integrations.stripe.and_then(|s| s.webhook_secret))
    }

    async fn payment_subject(
        &self,
        ws: WorkspaceId,
        req: &NewPayment,
        settings: &ShopSettings,
    ) -> DomainResult<Subject> {
        let description = |default: String| match &req.description {
            Some(d) => text("description", d, DESCRIPTION_MAX_CHARS),
            None => Ok(default),
        };
        let from_record = req.order_id.is_some() || req.cart_id.is_some();
        if from_record && (req.amount_minor.is_some() || req.currency.is_some()) {
            let field = if req.amount_minor.is_some() {
                "amount_minor"
            } else {
                "currency"
            };
            return Err(DomainError::invalid(
                field,
                "comes from the order or cart; leave it out",
            ));
        }
        match (req.order_id, req.cart_id) {
            (Some(_), Some(_)) => Err(DomainError::invalid(
                "cart_id",
                "give order_id or cart_id, not both",
            )),
            (Some(order_id), None) => {
                let order = self.store.order(ws, order_id).await?;
                let order = order
                    .filter(|o| o.contact_id == req.contact_id)
                    .ok_or(DomainError::NotFound("order"))?;
                let due = order.total_minor - order.refunded_minor;
                match order.status {
                    OrderStatus::Placed if due > 0 => {}
                    OrderStatus::Placed => {
                        return Err(DomainError::Conflict(format!(
                            "order #{} has nothing left to pay",
                            order.number
                        )));
                    }
                    OrderStatus::Cancelled => {
                        return Err(DomainError::Conflict(format!(
                            "order #{} is cancelled",
                            order.number
                        )));
                    }
                    _ => {
                        return Err(DomainError::Conflict(format!(
                            "order #{} is already paid",
                            order.number
                        )));
                    }
                }
                Ok(Subject {
                    order_id: Some(order.id),
                    cart_id: None,
                    amount_minor: due,
                    currency: order.currency,
                    description: description(format!("Order #{}", order.number))?,
                })
            }
            (None, Some(cart_id)) => {
                let cart = self.store.cart(ws, cart_id).await?;
                let cart = cart
                    .filter(|c| c.contact_id == req.contact_id)
                    .ok_or(DomainError::NotFound("cart"))?;
                if cart.status == CartStatus::Converted {
                    return Err(DomainError::Conflict(
                        "this cart has already become an order; ask for the order's payment".into(),
                    ));
                }
                if cart.items.is_empty() || cart.subtotal_minor <= 0 {
                    return Err(DomainError::invalid("cart_id", "the cart is empty"));
                }
                Ok(Subject {
                    order_id: None,
                    cart_id: Some(cart.id),
                    amount_minor: cart.subtotal_minor,
                    currency: cart.currency,
                    description: description("Your cart".to_owned())?,
                })
            }
            (None, None) => {
                let amount_minor = req.amount_minor.ok_or_else(|| {
                    DomainError::invalid("amount_minor", "is required without order_id or cart_id")
                })?;
                if !(1..=AMOUNT_MAX).contains(&amount_minor) {
                    return Err(DomainError::invalid(
                        "amount_minor",
                        "must be 1 to 1000000000000 minor units",
                    ));
                }
                let currency = match &req.currency {
                    Some(code) => currency("currency", code)?,
                    None => settings.currency.clone(),
                };
                Ok(Subject {
                    order_id: None,
                    cart_id: None,
                    amount_minor,
                    currency,
                    description: description("Payment".to_owned())?,
                })
            }
        }
    }

    async fn check_conversation_of(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        id: ConversationId,
    ) -> DomainResult<()> {
        match self.store.conversation(ws, id).await? {
            Some(c) if c.contact_id == contact => Ok(()),
            Some(_) => Err(DomainError::invalid(
                "conversation_id",
                "is not a conversation of this contact",
            )),
            None => Err(DomainError::NotFound("conversation")),
        }
    }

    /// Stores `payment` over its previous version, emitting `payment.updated`.
    async fn put_new_version(&self, payment: &Payment) -> DomainResult<()> {
        if self
            .store
            .put_payment(payment, &[payment_updated(payment)])
            .await?
        {
            Ok(())
        } else {
            Err(DomainError::Conflict(
                "the payment changed while this change was applied; retry".into(),
            ))
        }
    }
}

/// The message that carries the pay link.
fn payment_request(payment: &Payment) -> Content {
    Content::PaymentRequest {
        amount_minor: payment.amount_minor,
        currency: payment.currency.clone(),
        description: payment.description.clone(),
        order_id: payment.order_id.map(|id| id.to_string()),
        pay_url: Some(payment.pay_url.clone()),
    }
}

fn provider_name(provider: PaymentProviderKind) -> &'static str {
    match provider {
        PaymentProviderKind::Test => "test",
        PaymentProviderKind::Stripe => "Stripe",
    }
}

fn checkout_failed(e: GatewayError) -> DomainError {
    match e {
        // The workspace's own settings are missing: something its admins fix, not an outage.
        GatewayError::NotConfigured { .. } => DomainError::Conflict(e.to_string()),
        GatewayError::Provider { .. } => DomainError::Upstream(e.to_string()),
    }
}
