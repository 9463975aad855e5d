//! Behaviour events: recorded by the widget for its visitor or by the shop's systems for any
//! contact, and read back per contact by the agents.

use super::PageParams;
use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::ids::ContactId;
use shoptalk_types::model::{ContactEvent, Page, TrackEvents, TrackedEvents};

/// Records 1–100 events. A widget visitor records its own (leave `contact_id` out); staff
/// credentials with write access name a contact of the workspace for each event. Each event's
/// `id` makes retries safe: an id already recorded is counted in `duplicates`, not stored
/// again. Each stored event emits the webhook event `contact.event_tracked`.
///
/// Some events also move the contact's cart, as the storefront reports it:
/// `added_to_cart` and `removed_from_cart` with properties `{product_id, variant_id?,
/// quantity?}` (a catalog product; `quantity` 1–999, default 1 to add and the whole line to
/// remove), `checkout_started` with `{checkout_url}` (sets the open cart's checkout link),
/// and `order_placed` with `{order_id?}` (the open cart becomes `converted`). An event naming
/// an unknown product is still recorded but changes no cart.
#[utoipa::path(
    post, path = "/api/v1/events", tag = "events",
    security(("bearer" = [])),
    request_body = TrackEvents,
    responses((status = 202, description = "Recorded", body = TrackedEvents), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn track_events(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(req): ApiJson<TrackEvents>,
) -> ApiResult<(StatusCode, Json<TrackedEvents>)> {
    let tracked = state.app.track_events(&actor, &req).await?;
    Ok((StatusCode::ACCEPTED, Json(tracked)))
}

/// A contact's events, newest first.
#[utoipa::path(
    get, path = "/api/v1/contacts/{id}/events", tag = "events",
    security(("bearer" = [])),
    params(("id" = ContactId, Path, description = "Contact id"), PageParams),
    responses((status = 200, description = "A page of events", body = Page<ContactEvent>), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn list_contact_events(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ContactId>,
    Query(p): Query<PageParams>,
) -> ApiResult<Json<Page<ContactEvent>>> {
    let page = state
        .app
        .list_contact_events(&actor, id, p.limit, p.cursor.as_deref())
        .await?;
    Ok(Json(page))
}
