//! Plays a demo customer's story through the same use cases the API calls: the messages of a
//! conversation, the cart they fill, the order it becomes and what staff do with it. Order
//! updates reach the conversation the way they always do (the customer is told, agents get
//! a note), so each story reads as it would in a real shop.

use jiff::Timestamp;
use shoptalk_core::App;
use shoptalk_core::DomainResult;
use shoptalk_core::commerce_store::Emit;
use shoptalk_core::service::Actor;
use shoptalk_types::Content;
use shoptalk_types::commerce::{
    Cart, CartItemChange, CartStatus, NewOrder, NewPayment, NewReturn, Order, OrderAction,
};
use shoptalk_types::ids::{AgentId, ContactId, ConversationId, ProductId};
use shoptalk_types::model::*;
use std::collections::BTreeMap;

/// Flat shipping the demo shop charges, in cents.
const SHIPPING_MINOR: i64 = 495;

/// One thing that happens in a story.
pub enum Step {
    /// The customer writes.
    Says(Content),
    /// The agent answers.
    Replies(Content),
    /// The agent leaves a private note.
    Notes(&'static str),
    /// The customer puts variants of catalog products in their cart.
    AddsToCart(Vec<(ProductId, &'static str, u32)>),
    /// The agent shows the customer their cart.
    SendsCart,
    /// The customer left the cart alone long enough for it to count as abandoned.
    LeavesCart,
    /// The cart becomes an order, placed by the shop's checkout.
    ChecksOut,
    /// The agent sends a pay link for the latest order.
    AsksToPay,
    /// Staff act on the latest order.
    Acts(OrderAction),
    /// The customer asks to return one unit of the latest order's first line.
    ReturnsFirstLine(&'static str),
}

/// A demo customer, their conversation and what happens in it.
pub struct Story {
    pub contact: NewContact,
    pub status: ConversationStatus,
    pub labels: &'static [&'static str],
    pub steps: Vec<Step>,
}

/// Who acts in the stories.
pub struct Cast {
    /// The shop's backend (the admin API key): it places orders.
    pub shop: Actor,
    pub agent: Actor,
    pub agent_id: AgentId,
}

/// Where a story stands while it is played.
struct Scene<'a> {
    app: &'a App,
    cast: &'a Cast,
    contact: ContactId,
    /// The contact, speaking for themself.
    customer: Actor,
    conversation: ConversationId,
    cart: Option<Cart>,
    order: Option<Order>,
    /// Names the messages (`client_msg_id`), so each is sent once.
    key: String,
    sent: usize,
}

/// Plays `story` (the `n`th) to its end.
pub async fn play(app: &App, cast: &Cast, n: usize, story: Story) -> DomainResult<()> {
    let (contact, _) = app.upsert_contact(&cast.shop, &story.contact).await?;
    let conversation = app
        .create_conversation(
            &cast.shop,
            &NewConversation {
                contact_id: contact.id,
                channel: None,
            },
        )
        .await?;
    let mut scene = Scene {
        app,
        cast,
        contact: contact.id,
        customer: Actor::Contact {
            workspace_id: cast.shop.workspace_id(),
            contact_id: contact.id,
        },
        conversation: conversation.id,
        cart: None,
        order: None,
        key: format!("demo-{n}"),
        sent: 0,
    };
    for step in story.steps {
        scene.act(step).await?;
    }
    let patch = ConversationPatch {
        status: Some(story.status),
        assignee_id: n.is_multiple_of(2).then_some(Some(cast.agent_id)),
        labels: Some(story.labels.iter().map(|l| l.to_string()).collect()),
        ..ConversationPatch::default()
    };
    app.update_conversation(&cast.shop, conversation.id, &patch)
        .await?;
    Ok(())
}

impl Scene<'_> {
    async fn act(&mut self, step: Step) -> DomainResult<()> {
        let app = self.app;
        match step {
            Step::Says(content) => self.send(self.customer, content, false).await,
            Step::Replies(content) => self.send(self.cast.agent, content, false).await,
            Step::Notes(text) => self.send(self.cast.agent, Content::text(text), true).await,
            Step::AddsToCart(lines) => {
                for (product_id, variant_id, quantity) in lines {
                    let change = CartItemChange {
                        product_id,
                        variant_id: Some(variant_id.to_owned()),
                        quantity,
                        set: false,
                    };
                    self.cart = Some(
                        app.change_cart(&self.customer, self.contact, &change)
                            .await?,
                    );
                }
                Ok(())
            }
            Step::SendsCart => {
                let card = app.cart_card(self.cart()?);
                self.send(self.cast.agent, card, false).await
            }
            Step::LeavesCart => {
                let cart = abandoned(app, self.cart()?.clone()).await?;
                self.cart = Some(cart);
                Ok(())
            }
            Step::ChecksOut => {
                let order = NewOrder {
                    contact_id: self.contact,
                    number: None,
                    external_id: None,
                    currency: None,
                    lines: vec![],
                    cart_id: Some(self.cart()?.id),
                    shipping_minor: SHIPPING_MINOR,
                    tax_minor: 0,
                    discount_minor: 0,
                    status_url: None,
                };
                self.order = Some(app.create_order(&self.cast.shop, &order).await?);
                self.cart = None;
                Ok(())
            }
            Step::AsksToPay => {
                let order = self.order()?;
                let request = NewPayment {
                    contact_id: order.contact_id,
                    order_id: Some(order.id),
                    cart_id: None,
                    amount_minor: None,
                    currency: None,
                    description: None,
                    conversation_id: Some(self.conversation),
                };
                app.request_payment(&self.cast.agent, &request).await?;
                Ok(())
            }
            Step::Acts(action) => {
                let id = self.order()?.id;
                self.order = Some(app.order_action(&self.cast.agent, id, &action).await?);
                Ok(())
            }
            Step::ReturnsFirstLine(reason) => {
                let order = self.order()?;
                let first = order
                    .lines
                    .first()
                    .map(|l| l.id.clone())
                    .unwrap_or_default();
                let request = NewReturn {
                    order_id: order.id,
                    lines: BTreeMap::from([(first, 1)]),
                    reason: reason.to_owned(),
                    photos: vec![],
                };
                app.create_return(&self.customer, &request).await?;
                Ok(())
            }
        }
    }

    async fn send(&mut self, from: Actor, content: Content, private: bool) -> DomainResult<()> {
        let send = SendMessage {
            client_msg_id: Some(format!("{}-{}", self.key, self.sent)),
            content,
            private,
        };
        self.sent += 1;
        self.app
            .send_message(&from, self.conversation, &send)
            .await?;
        Ok(())
    }

    fn cart(&self) -> DomainResult<&Cart> {
        self.cart.as_ref().ok_or_else(|| missing("a cart"))
    }

    fn order(&self) -> DomainResult<&Order> {
        self.order.as_ref().ok_or_else(|| missing("an order"))
    }
}

/// A story step that needs something an earlier step makes: a mistake in the demo's script.
fn missing(what: &str) -> shoptalk_core::DomainError {
    shoptalk_core::DomainError::Conflict(format!("the demo story needs {what} first"))
}

/// Marks a cart abandoned now, as the idle-cart sweep does after the shop's
/// `abandon_after_minutes`, which a demo cannot wait for.
async fn abandoned(app: &App, mut cart: Cart) -> DomainResult<Cart> {
    cart.status = CartStatus::Abandoned;
    cart.version += 1;
    cart.updated_at = Timestamp::now();
    let emit = Emit {
        kind: "cart.abandoned",
        data: serde_json::to_value(&cart).unwrap_or_default(),
    };
    if !app.store.put_cart(&cart, &[emit]).await? {
        return Err(missing("a cart nobody else is changing"));
    }
    Ok(cart)
}
