//! Commerce wire types: carts, orders, returns, payments, shop settings and integrations.
//!
//! Money is always an integer of the currency's minor units (`*_minor`) beside an ISO 4217
//! code; a cart, order or payment has one currency. Every record carries a `version` that
//! each write increments: stores refuse a write whose version does not follow the stored one,
//! so two concurrent edits of one cart never lose an item.

use crate::ids::*;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

// ---------------------------------------------------------------- shop settings

/// How the shop sells: the default currency and locale prices are shown in, and when a cart
/// counts as abandoned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopSettings {
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// BCP 47 tag used to format prices, e.g. `de-DE`.
    pub locale: String,
    /// An active cart untouched for this many minutes becomes `abandoned` (5 ..= 43200).
    pub abandon_after_minutes: u32,
    /// Where a cart's checkout starts when the shop gives no `checkout_url`: the payment
    /// provider (`test` or `stripe`).
    pub payment_provider: PaymentProviderKind,
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self {
            currency: "USD".to_owned(),
            locale: "en-US".to_owned(),
            abandon_after_minutes: 60,
            payment_provider: PaymentProviderKind::Test,
        }
    }
}

/// Changes some shop settings (`PATCH /api/v1/shop`); absent fields are left alone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopSettingsPatch {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub locale: Option<String>,
    #[serde(default)]
    pub abandon_after_minutes: Option<u32>,
    #[serde(default)]
    pub payment_provider: Option<PaymentProviderKind>,
}

// ---------------------------------------------------------------- carts

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CartStatus {
    /// Being filled.
    Active,
    /// Untouched for `abandon_after_minutes` (automation picks these up); adding an item makes
    /// it active again.
    Abandoned,
    /// Became an order. Never changes again; the contact's next add starts a new cart.
    Converted,
}

/// One line of a cart: a variant of a catalog product (or of the shop's own catalog when the
/// cart came from an integration and the product is not in Shoptalk's catalog).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CartItem {
    /// Absent when the shop's product is not in the catalog (carts ingested from Shopify).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<ProductId>,
    pub variant_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Product title, with the variant's when there are several ("T-shirt — M / blue").
    pub title: String,
    /// 1 ..= 999.
    pub quantity: u32,
    pub unit_price_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cart {
    pub id: CartId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub status: CartStatus,
    pub currency: String,
    pub items: Vec<CartItem>,
    /// Sum of quantity × unit price.
    pub subtotal_minor: i64,
    /// The shop's checkout page for this cart; absent: checkout goes through a pay link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
    /// The shop's own id (Shopify cart token, checkout id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The order this cart became.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Adds to, or (with `set`) sets, the quantity of one variant in the contact's active cart,
/// creating the cart when there is none.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartItemChange {
    pub product_id: ProductId,
    /// Absent: the product's first variant.
    #[serde(default)]
    pub variant_id: Option<String>,
    /// 1 ..= 999 when adding; 0 ..= 999 with `set` (0 removes the line).
    pub quantity: u32,
    /// Set the line's quantity instead of adding to it.
    #[serde(default)]
    pub set: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartPatch {
    pub checkout_url: Option<String>,
    pub external_id: Option<String>,
}

// ---------------------------------------------------------------- orders

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    PartiallyRefunded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderLine {
    /// Unique within the order; refunds and returns name lines by it.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<ProductId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub title: String,
    pub quantity: u32,
    pub unit_price_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fulfilment {
    pub id: String,
    /// `pending`, `in_transit`, `delivered`, ... as the carrier reports.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    /// Line ids and quantities shipped; empty: the whole order.
    #[serde(default)]
    pub lines: BTreeMap<String, u32>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Refund {
    pub id: String,
    pub amount_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Line ids and quantities refunded, when the refund is for items.
    #[serde(default)]
    pub lines: BTreeMap<String, u32>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// One thing that happened to an order, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    /// `placed`, `paid`, `fulfilment_created`, `shipped`, `delivered`, `cancelled`,
    /// `refunded`, `tracking_resent`, `return_requested`, ...
    pub kind: String,
    /// One line for people, e.g. "Refunded 12.00 EUR: damaged".
    pub summary: String,
    /// Who did it: `agent:<id>`, `api_key:<id>`, `contact:<id>`, `shopify`, `stripe`, `system`.
    pub by: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    pub id: OrderId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    /// Shown to the customer, e.g. `1001`; unique in the workspace.
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub status: OrderStatus,
    pub currency: String,
    pub lines: Vec<OrderLine>,
    pub subtotal_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub discount_minor: i64,
    /// subtotal + shipping + tax − discount.
    pub total_minor: i64,
    /// Sum of refunds; never above `total_minor`.
    pub refunded_minor: i64,
    #[serde(default)]
    pub fulfilments: Vec<Fulfilment>,
    #[serde(default)]
    pub refunds: Vec<Refund>,
    pub timeline: Vec<TimelineEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<CartId>,
    /// Where the customer can see the order on the shop's site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_url: Option<String>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// An order placed through the API (the shop's backend) or from a cart.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    pub contact_id: ContactId,
    /// Absent: the next number of the workspace.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub external_id: Option<String>,
    /// Absent: the shop's default currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Lines; with `cart_id` instead, the cart's lines (and the cart becomes `converted`).
    #[serde(default)]
    pub lines: Vec<NewOrderLine>,
    #[serde(default)]
    pub cart_id: Option<CartId>,
    #[serde(default)]
    pub shipping_minor: i64,
    #[serde(default)]
    pub tax_minor: i64,
    #[serde(default)]
    pub discount_minor: i64,
    #[serde(default)]
    pub status_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// A catalog product: title, price and image come from it unless given.
    #[serde(default)]
    pub product_id: Option<ProductId>,
    #[serde(default)]
    pub variant_id: Option<String>,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub quantity: u32,
    #[serde(default)]
    pub unit_price_minor: Option<i64>,
}

/// What staff (or the shop's backend) do to an order. Each is recorded on the timeline,
/// shown in the contact's conversation, and emitted as the webhook `order.action_requested`
/// so the shop carries it out (Shopify-connected workspaces: through Shopify's Admin API).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OrderAction {
    /// Refunds `amount_minor` (absent: everything not yet refunded).
    Refund {
        #[serde(default)]
        amount_minor: Option<i64>,
        #[serde(default)]
        reason: Option<String>,
        /// Line ids and quantities, when refunding items.
        #[serde(default)]
        lines: BTreeMap<String, u32>,
        /// Tell the customer in their conversation (default true).
        #[serde(default = "yes")]
        notify: bool,
    },
    Cancel {
        #[serde(default)]
        reason: Option<String>,
        #[serde(default = "yes")]
        notify: bool,
    },
    /// Sends the order card with tracking to the customer again.
    ResendTracking,
    /// Marks paid (shops that take payment elsewhere).
    MarkPaid,
    /// Adds a fulfilment (status `shipped` when it has tracking).
    Fulfil {
        #[serde(default)]
        carrier: Option<String>,
        #[serde(default)]
        tracking_number: Option<String>,
        #[serde(default)]
        tracking_url: Option<String>,
        #[serde(default = "yes")]
        notify: bool,
    },
    MarkDelivered {
        #[serde(default = "yes")]
        notify: bool,
    },
}

fn yes() -> bool {
    true
}

// ---------------------------------------------------------------- returns

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    Requested,
    Approved,
    Rejected,
    Received,
    Refunded,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReturnRequest {
    pub id: ReturnId,
    pub workspace_id: WorkspaceId,
    pub order_id: OrderId,
    pub contact_id: ContactId,
    pub status: ReturnStatus,
    /// Line ids of the order and quantities to return.
    pub lines: BTreeMap<String, u32>,
    pub reason: String,
    /// Photos the customer attached (media ids).
    #[serde(default)]
    pub photos: Vec<MediaId>,
    /// Why it was rejected, or a note of the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReturn {
    pub order_id: OrderId,
    pub lines: BTreeMap<String, u32>,
    pub reason: String,
    #[serde(default)]
    pub photos: Vec<MediaId>,
}

/// Moves a return along requested → approved | rejected → received → refunded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnTransition {
    pub status: ReturnStatus,
    #[serde(default)]
    pub note: Option<String>,
    /// With `refunded`: the amount (absent: the returned lines' value).
    #[serde(default)]
    pub refund_minor: Option<i64>,
}

// ---------------------------------------------------------------- payments

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentProviderKind {
    /// Built in: a hosted pay page inside Shoptalk that takes test cards (demos and tests).
    #[default]
    Test,
    Stripe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The link exists and is waiting for the customer.
    Pending,
    Paid,
    Failed,
    Expired,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    pub id: PaymentId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<OrderId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<CartId>,
    /// The conversation the request was sent to; the confirmation goes there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<ConversationId>,
    pub amount_minor: i64,
    pub currency: String,
    pub description: String,
    pub provider: PaymentProviderKind,
    /// The provider's id (Stripe Checkout Session `cs_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_ref: Option<String>,
    /// Where the customer pays.
    pub pay_url: String,
    pub status: PaymentStatus,
    pub version: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Asks a contact to pay: for an order, for their cart (which becomes an order when paid), or
/// for a free amount. With `conversation_id`, a `payment_request` message with the pay link is
/// sent there.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    pub contact_id: ContactId,
    #[serde(default)]
    pub order_id: Option<OrderId>,
    #[serde(default)]
    pub cart_id: Option<CartId>,
    /// Required without order and cart.
    #[serde(default)]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
}

/// What the hosted pay page (`/pay/{id}`) shows: what is being paid for, never who pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PayPage {
    pub id: PaymentId,
    pub shop_name: String,
    pub description: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    /// `test`: the page takes test cards; otherwise the customer pays at `pay_url`.
    pub provider: PaymentProviderKind,
    pub pay_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// The order's lines (or the cart's) when the payment is for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<PayPageLine>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PayPageLine {
    pub title: String,
    pub quantity: u32,
    pub unit_price_minor: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// A card entered on the test provider's pay page. `4242 4242 4242 4242` pays,
/// `4000 0000 0000 0002` is declined; spaces and dashes are ignored.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestCardPayment {
    pub card_number: String,
}

// ---------------------------------------------------------------- shopping in messages

/// A shopping button pressed in a conversation
/// (`POST /api/v1/conversations/{id}/shop-actions`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopActionRequest {
    /// `add_to_cart`, `buy` or `checkout`.
    pub action: crate::content::Action,
    /// The message the button was on.
    #[serde(default)]
    pub message_id: Option<MessageId>,
}

/// What a shopping button did: the contact's cart after it, and the pay link it asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ShopActionResult {
    pub cart: Cart,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
}

// ---------------------------------------------------------------- integrations

/// A workspace's connection to Shopify. Secrets are write-only: reads show whether they are
/// set, never their value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShopifySettings {
    /// `example.myshopify.com`: deliveries name it in `X-Shopify-Shop-Domain`.
    pub shop_domain: String,
    /// The app's client secret that signs webhooks (`X-Shopify-Hmac-Sha256`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
    /// Admin API access token (`shpat_…`), used to carry out refunds and cancellations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_access_token: Option<String>,
    /// Admin API base; absent means `https://{shop_domain}/admin/api/2025-04`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_api_base: Option<String>,
}

/// A workspace's Stripe account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeSettings {
    /// `sk_test_…` / `sk_live_…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_key: Option<String>,
    /// The endpoint's signing secret, `whsec_…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret: Option<String>,
    /// API base; absent means `https://api.stripe.com` (tests point it at a local fake).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_base: Option<String>,
}

/// The integrations of a workspace, as staff read them (secrets redacted to `"set"`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Integrations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shopify: Option<ShopifySettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stripe: Option<StripeSettings>,
}

/// Connects, changes or disconnects integrations (`PATCH /api/v1/integrations`): an absent
/// key leaves that integration alone, `null` disconnects it, an object connects it or
/// changes it (a secret left out keeps the stored one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationsPatch {
    #[serde(default, with = "crate::model::double_option")]
    #[schema(value_type = Option<ShopifySettings>)]
    pub shopify: Option<Option<ShopifySettings>>,
    #[serde(default, with = "crate::model::double_option")]
    #[schema(value_type = Option<StripeSettings>)]
    pub stripe: Option<Option<StripeSettings>>,
}

// ---------------------------------------------------------------- tracked links

/// A click on a link sent in a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LinkClick {
    pub token: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<MessageId>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
}
