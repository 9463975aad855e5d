//! One module per resource, one function per endpoint. Handlers parse, call one use case of
//! `shoptalk_core::App` and render; the rules (and authorisation down to the row) live there.
//! Each handler carries its `#[utoipa::path]`; `crate::router::ROUTES` says who may call it.

pub mod agents;
pub mod api_keys;
pub mod auth;
pub mod canned_responses;
pub mod carts;
pub mod contacts;
pub mod conversations;
pub mod docs;
pub mod events;
pub mod health;
pub mod integrations;
pub mod links;
pub mod media;
pub mod messages;
pub mod orders;
pub mod pay;
pub mod payments;
pub mod products;
pub mod returns;
pub mod shop;
pub mod shop_actions;
pub mod shopify_webhooks;
pub mod stripe_webhooks;
pub mod webhooks;
pub mod widget;
pub mod workspace;

use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

/// 201 when the call created the thing, 200 when it found or updated an existing one.
pub fn created_or_ok(created: bool) -> StatusCode {
    if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    }
}

/// `?limit=&cursor=` of a cursor-paginated list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
