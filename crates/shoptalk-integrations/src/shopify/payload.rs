//! The REST webhook payloads Shopify sends (API 2023-07 to 2025-04), with the fields
//! Shoptalk reads. Unknown fields are ignored (Shopify adds fields in every version); a field
//! that is `null`, absent or empty is "not given". Ids are integers, amounts stay text until
//! their currency is known (see [`super::money`]).

use super::ids::{Gid, ShopifyId};
use super::money::Amount;
use jiff::Timestamp;
use serde::{Deserialize, Deserializer};

/// A list that may also be `null` or absent (empty).
fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Tags: Shopify's comma-separated string (`"tag1, tag2"`), or a list of strings.
fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        List(Vec<String>),
    }
    let raw = Option::<Raw>::deserialize(d)
        .map_err(|_| serde::de::Error::custom("expected a comma-separated string or a list"))?;
    let all = match raw {
        None => Vec::new(),
        Some(Raw::Text(s)) => s.split(',').map(str::to_owned).collect(),
        Some(Raw::List(l)) => l,
    };
    Ok(all
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect())
}

/// `customers/create`, `customers/update`, and the `customer` of orders and checkouts.
#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: ShopifyId,
    pub admin_graphql_api_id: Option<Gid>,
    pub email: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// E.164 when Shopify validated it.
    pub phone: Option<String>,
    pub locale: Option<String>,
}

/// `orders/create`, `orders/updated`, `orders/paid`, `orders/cancelled`.
#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub id: ShopifyId,
    pub admin_graphql_api_id: Option<Gid>,
    /// What the customer sees, e.g. `#1001` (prefix and suffix set by the shop).
    pub name: Option<String>,
    pub order_number: Option<u64>,
    pub email: Option<String>,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub customer_locale: Option<String>,
    /// The shop's currency, which every plain (non-`_set`) amount is in.
    pub currency: String,
    pub created_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub financial_status: Option<String>,
    pub fulfillment_status: Option<String>,
    pub total_price: Amount,
    pub subtotal_price: Option<Amount>,
    pub total_line_items_price: Option<Amount>,
    pub total_tax: Option<Amount>,
    pub total_discounts: Option<Amount>,
    #[serde(default, deserialize_with = "list")]
    pub line_items: Vec<LineItem>,
    #[serde(default, deserialize_with = "list")]
    pub shipping_lines: Vec<ShippingLine>,
    #[serde(default, deserialize_with = "list")]
    pub fulfillments: Vec<Fulfillment>,
    #[serde(default, deserialize_with = "list")]
    pub refunds: Vec<Refund>,
    pub customer: Option<Customer>,
    pub order_status_url: Option<String>,
    pub checkout_token: Option<String>,
    pub cart_token: Option<String>,
}

/// A line of an order, cart or checkout.
#[derive(Debug, Clone, Deserialize)]
pub struct LineItem {
    /// Absent on checkout lines, which carry a `key` instead.
    pub id: Option<ShopifyId>,
    pub admin_graphql_api_id: Option<Gid>,
    pub key: Option<String>,
    pub product_id: Option<ShopifyId>,
    pub variant_id: Option<ShopifyId>,
    pub title: Option<String>,
    pub variant_title: Option<String>,
    pub sku: Option<String>,
    pub quantity: u32,
    /// The unit price before discounts.
    pub price: Amount,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippingLine {
    pub price: Amount,
    #[serde(default)]
    pub is_removed: Option<bool>,
}

/// `fulfillments/create`, `fulfillments/update`, and the `fulfillments` of an order.
#[derive(Debug, Clone, Deserialize)]
pub struct Fulfillment {
    pub id: ShopifyId,
    pub admin_graphql_api_id: Option<Gid>,
    /// Required in the webhook; inside an order it is that order.
    pub order_id: Option<ShopifyId>,
    /// Shopify's state of the fulfilment: `pending`, `open`, `success`, `cancelled`, ...
    pub status: Option<String>,
    /// The carrier's word: `in_transit`, `out_for_delivery`, `delivered`, ...
    pub shipment_status: Option<String>,
    pub tracking_company: Option<String>,
    pub tracking_number: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub tracking_numbers: Vec<String>,
    pub tracking_url: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub tracking_urls: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub line_items: Vec<FulfillmentLine>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FulfillmentLine {
    pub id: ShopifyId,
    pub quantity: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: ShopifyId,
    pub created_at: Timestamp,
    pub note: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub refund_line_items: Vec<RefundLine>,
    #[serde(default, deserialize_with = "list")]
    pub transactions: Vec<Transaction>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RefundLine {
    pub line_item_id: ShopifyId,
    pub quantity: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Transaction {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub amount: Amount,
}

/// `carts/create`, `carts/update`: a storefront cart. It names no customer.
#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub token: String,
    /// Rarely present: the presentment currency.
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub line_items: Vec<LineItem>,
}

/// `checkouts/create`, `checkouts/update`.
#[derive(Debug, Clone, Deserialize)]
pub struct Checkout {
    pub token: String,
    pub cart_token: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer_locale: Option<String>,
    pub customer: Option<Customer>,
    pub currency: Option<String>,
    pub abandoned_checkout_url: Option<String>,
    #[serde(default, deserialize_with = "list")]
    pub line_items: Vec<LineItem>,
}

/// `products/create`, `products/update`.
#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: ShopifyId,
    pub admin_graphql_api_id: Option<Gid>,
    pub title: String,
    pub body_html: Option<String>,
    pub handle: Option<String>,
    pub product_type: Option<String>,
    #[serde(default, deserialize_with = "tags")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub options: Vec<ProductOption>,
    #[serde(default, deserialize_with = "list")]
    pub variants: Vec<Variant>,
    #[serde(default, deserialize_with = "list")]
    pub images: Vec<Image>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductOption {
    pub name: String,
    pub position: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Variant {
    pub id: ShopifyId,
    pub title: Option<String>,
    pub sku: Option<String>,
    pub price: Amount,
    pub compare_at_price: Option<Amount>,
    pub inventory_quantity: Option<i64>,
    /// `deny` or `continue` (keeps selling when out of stock).
    pub inventory_policy: Option<String>,
    pub option1: Option<String>,
    pub option2: Option<String>,
    pub option3: Option<String>,
    pub image_id: Option<ShopifyId>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Image {
    pub id: Option<ShopifyId>,
    pub src: String,
}
