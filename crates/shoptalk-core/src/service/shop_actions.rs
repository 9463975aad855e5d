//! Shopping from inside a conversation: the contact presses "Add to cart", "Buy now" or
//! "Checkout" on a message and the shop answers in the same conversation, with the updated
//! cart card or a pay link. Staff pressing them act for the conversation's contact.

use super::cart_rules::LineChange;
use super::commerce_notify::log_failure;
use super::{Actor, App, Capability};
use crate::error::{DomainError, DomainResult};
use shoptalk_types::commerce::{
    Cart, CartStatus, NewPayment, Payment, ShopActionRequest, ShopActionResult,
};
use shoptalk_types::content::Action;
use shoptalk_types::ids::*;

/// Field errors of the cart rules, placed under the request's `action`.
fn under_action(e: DomainError) -> DomainError {
    match e {
        DomainError::Invalid { field, message } => {
            DomainError::invalid(format!("action.{field}"), message)
        }
        other => other,
    }
}

fn parse_id<T: std::str::FromStr>(field: &str, value: &str) -> DomainResult<T> {
    value
        .parse()
        .map_err(|_| DomainError::invalid(format!("action.{field}"), "is not a valid id"))
}

impl App {
    /// Carries out a shopping button pressed in `conversation`.
    pub async fn shop_action(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        req: &ShopActionRequest,
    ) -> DomainResult<ShopActionResult> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        let conversation = self.get_conversation(actor, conversation).await?;
        let (ws, contact) = (actor.workspace_id(), conversation.contact_id);
        tracing::debug!(
            action = req.action.kind(),
            message_id = ?req.message_id,
            "shop action pressed"
        );
        match &req.action {
            Action::AddToCart {
                product_id,
                variant_id,
                quantity,
                ..
            } => {
                let product_id = parse_id("product_id", product_id)?;
                let cart = self
                    .change_cart_line(
                        ws,
                        contact,
                        product_id,
                        variant_id.as_deref(),
                        LineChange::Add(*quantity),
                    )
                    .await
                    .map_err(under_action)?;
                self.show_cart(&cart, conversation.id).await;
                Ok(ShopActionResult {
                    cart,
                    payment: None,
                })
            }
            Action::Buy {
                product_id,
                variant_id,
                ..
            } => {
                let product_id = parse_id("product_id", product_id)?;
                let cart = self
                    .change_cart_line(
                        ws,
                        contact,
                        product_id,
                        variant_id.as_deref(),
                        LineChange::Add(1),
                    )
                    .await
                    .map_err(under_action)?;
                let payment = self.pay_for_cart(actor, &cart, conversation.id).await?;
                Ok(ShopActionResult {
                    cart,
                    payment: Some(payment),
                })
            }
            Action::Checkout { cart_id, .. } => {
                let cart = self
                    .cart_to_check_out(ws, contact, cart_id.as_deref())
                    .await?;
                if cart.checkout_url.is_some() {
                    self.show_cart(&cart, conversation.id).await;
                    return Ok(ShopActionResult {
                        cart,
                        payment: None,
                    });
                }
                let payment = self.pay_for_cart(actor, &cart, conversation.id).await?;
                Ok(ShopActionResult {
                    cart,
                    payment: Some(payment),
                })
            }
            other => Err(DomainError::invalid(
                "action.type",
                format!("must be add_to_cart, buy or checkout, not {}", other.kind()),
            )),
        }
    }

    /// The contact's open cart, or the one the button names (which must be theirs and open),
    /// with something in it.
    async fn cart_to_check_out(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        cart_id: Option<&str>,
    ) -> DomainResult<Cart> {
        let cart = match cart_id {
            Some(id) => (self.store.cart(ws, parse_id("cart_id", id)?).await?)
                .filter(|c| c.contact_id == contact && c.status != CartStatus::Converted),
            None => self.store.open_cart(ws, contact).await?,
        };
        let cart = cart.ok_or(DomainError::NotFound("cart"))?;
        if cart.items.is_empty() {
            return Err(DomainError::Conflict("the cart is empty".into()));
        }
        Ok(cart)
    }

    /// The updated cart, confirmed in the conversation.
    async fn show_cart(&self, cart: &Cart, conversation: ConversationId) {
        log_failure(
            "showing the cart",
            self.post_system_message(cart.workspace_id, conversation, self.cart_card(cart), false)
                .await,
        );
    }

    /// A pay link for the cart, sent into the conversation as a payment request.
    async fn pay_for_cart(
        &self,
        actor: &Actor,
        cart: &Cart,
        conversation: ConversationId,
    ) -> DomainResult<Payment> {
        let request = NewPayment {
            contact_id: cart.contact_id,
            order_id: None,
            cart_id: Some(cart.id),
            amount_minor: None,
            currency: None,
            description: None,
            conversation_id: Some(conversation),
        };
        self.request_payment(actor, &request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_errors_are_placed_under_the_action() {
        let e = under_action(DomainError::invalid("quantity", "only 2 left"));
        assert!(matches!(e, DomainError::Invalid { field, .. } if field == "action.quantity"));
        let e = under_action(DomainError::NotFound("cart"));
        assert!(matches!(e, DomainError::NotFound("cart")));
        let bad: DomainResult<ProductId> = parse_id("product_id", "nope");
        assert!(
            matches!(bad, Err(DomainError::Invalid { field, .. }) if field == "action.product_id")
        );
    }
}
