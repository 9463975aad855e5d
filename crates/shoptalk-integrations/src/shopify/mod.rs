//! Shopify: verified webhook deliveries in, Admin API calls out.
//!
//! A delivery ([`webhook::receive`]) is checked against the workspace that connected the shop
//! ([`signature`]), decoded from Shopify's REST payloads ([`payload`], [`decode`]) and mapped
//! to Shoptalk's records: customers ([`customer`]), orders and fulfilments ([`order`]), carts
//! and checkouts ([`cart`]), products ([`product`]); each module documents its mapping
//! decisions. Ids are 64-bit integers ([`ids`]) and amounts decimal text ([`money`]), both
//! read without floats. The core applies the result (`App::ingest_shopify`). Staff's refunds
//! and cancellations go back to Shopify through [`admin`].

pub mod admin;
pub mod cart;
pub mod customer;
pub mod decode;
pub mod ids;
pub mod money;
pub mod order;
pub mod payload;
pub mod product;
pub mod signature;
pub mod text;
pub mod topic;
pub mod webhook;

pub use decode::{Context, DecodeError, decode};
pub use topic::Topic;
pub use webhook::{Delivery, Receipt, Refusal, receive};
