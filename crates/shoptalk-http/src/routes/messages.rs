//! The message log of a conversation: send, read, receipts, typing.

use super::created_or_ok;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Auth, IdempotencyKey, Path, Query};
use crate::openapi::{AuthErrors, InputErrors, NotFoundError, UnavailableError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use shoptalk_core::service::{LogPosition, page_limit};
use shoptalk_types::ids::ConversationId;
use shoptalk_types::model::{Message, Page, ReceiptRequest, SendMessage};
use std::fmt::Write as _;
use utoipa::{IntoParams, ToSchema};

/// Longest `client_msg_id` the domain accepts.
const MAX_CLIENT_MSG_ID: usize = 64;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessageListParams {
    /// Oldest first, everything after this seq (0 = from the start). Resume with the last
    /// seq you have.
    pub after_seq: Option<i64>,
    /// The newest messages before this seq, returned oldest first (scrolling back).
    pub before_seq: Option<i64>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page: continues in that page's direction.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypingRequest {
    pub typing: bool,
}

/// The `client_msg_id` an `Idempotency-Key` stands for when the body has none: the key
/// itself when it fits the domain's rule, else a digest of it (same key, same id).
fn client_msg_id_for(key: &str) -> String {
    let fits = key.len() <= MAX_CLIENT_MSG_ID && key.bytes().all(|b| b.is_ascii_graphic());
    if fits {
        return key.to_string();
    }
    let digest = Sha256::digest(key.as_bytes());
    let mut id = String::with_capacity(MAX_CLIENT_MSG_ID);
    id.push_str("ik-");
    for byte in digest {
        let _ = write!(id, "{byte:02x}");
    }
    id.truncate(MAX_CLIENT_MSG_ID);
    id
}

/// Sends a message. Answered once it is durably committed: 201 with the new message, or 200
/// with the original when `client_msg_id` (or the `Idempotency-Key` it defaults to) was
/// already used in this conversation.
#[utoipa::path(
    post, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    security(("bearer" = [])),
    params(
        ("id" = ConversationId, Path, description = "Conversation id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Used as client_msg_id when the body has none"),
    ),
    request_body = SendMessage,
    responses(
        (status = 201, description = "Sent", body = Message),
        (status = 200, description = "Already sent with this client_msg_id: the original", body = Message),
        AuthErrors, NotFoundError, InputErrors, UnavailableError
    )
)]
pub async fn send_message(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(mut req): ApiJson<SendMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    if req.client_msg_id.is_none() {
        req.client_msg_id = key.as_deref().map(client_msg_id_for);
    }
    let sent = state.app.send_message(&actor, id, &req).await?;
    Ok((created_or_ok(sent.created), Json(sent.message)))
}

/// A page of the log, oldest first. Without `after_seq` or `before_seq`: the newest 50.
/// Visitors never see private notes.
#[utoipa::path(
    get, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id"), MessageListParams),
    responses((status = 200, description = "A page of messages", body = Page<Message>), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn list_messages(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    Query(p): Query<MessageListParams>,
) -> ApiResult<Json<Page<Message>>> {
    let from = match (&p.cursor, p.after_seq, p.before_seq) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            return Err(ApiError::invalid(
                "cursor",
                "give a cursor or after_seq/before_seq, not both",
            ));
        }
        (Some(cursor), None, None) => LogPosition::from_cursor(cursor)?,
        (None, Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "before_seq",
                "give after_seq or before_seq, not both",
            ));
        }
        (None, Some(seq), None) if seq < 0 => {
            return Err(ApiError::invalid("after_seq", "must be zero or more"));
        }
        (None, Some(seq), None) => LogPosition::After(seq),
        (None, None, Some(seq)) => LogPosition::Before(seq),
        (None, None, None) => LogPosition::Before(i64::MAX),
    };
    let page = state
        .app
        .list_messages(&actor, id, from, page_limit(p.limit))
        .await?;
    Ok(Json(page))
}

/// Everything up to `seq` was delivered to / read by the caller's side. Watermarks only move
/// forward: a stale receipt changes nothing.
#[utoipa::path(
    post, path = "/api/v1/conversations/{id}/receipts", tag = "messages",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id")),
    request_body = ReceiptRequest,
    responses((status = 204, description = "Recorded"), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn post_receipt(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    ApiJson(req): ApiJson<ReceiptRequest>,
) -> ApiResult<StatusCode> {
    state.app.receipt(&actor, id, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Shows or hides the caller's typing indicator to the other side. Never stored.
#[utoipa::path(
    post, path = "/api/v1/conversations/{id}/typing", tag = "messages",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id")),
    request_body = TypingRequest,
    responses((status = 204, description = "Relayed"), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn post_typing(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    ApiJson(req): ApiJson<TypingRequest>,
) -> ApiResult<StatusCode> {
    state.app.typing(&actor, id, req.typing).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_become_valid_client_msg_ids() {
        assert_eq!(client_msg_id_for("order-42"), "order-42");
        let long = client_msg_id_for(&"k".repeat(200));
        assert_eq!(long.len(), 64);
        assert_eq!(long, client_msg_id_for(&"k".repeat(200)));
        let spaced = client_msg_id_for("has space");
        assert!(spaced.starts_with("ik-") && spaced.bytes().all(|b| b.is_ascii_graphic()));
    }
}
