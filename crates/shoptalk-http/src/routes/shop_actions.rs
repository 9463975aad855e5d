//! Shopping buttons pressed inside a conversation.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use shoptalk_types::commerce::{ShopActionRequest, ShopActionResult};
use shoptalk_types::ids::ConversationId;

/// Carries out an `add_to_cart`, `buy` or `checkout` action pressed on a message of the
/// conversation (other action types are 422). `add_to_cart` changes the contact's cart and
/// posts the updated cart card into the conversation; `buy` adds one unit and sends a pay
/// link for the cart; `checkout` posts the cart card with the shop's checkout link, or sends
/// a pay link when the cart has none. A visitor acts in its own conversations; staff act for
/// the conversation's contact.
#[utoipa::path(
    post, path = "/api/v1/conversations/{id}/shop-actions", tag = "carts",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id")),
    request_body = ShopActionRequest,
    responses((status = 200, description = "The cart after the action, and the pay link asked for", body = ShopActionResult), AuthErrors, NotFoundError, InputErrors, ConflictError)
)]
pub async fn shop_action(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    ApiJson(req): ApiJson<ShopActionRequest>,
) -> ApiResult<Json<ShopActionResult>> {
    Ok(Json(state.app.shop_action(&actor, id, &req).await?))
}
