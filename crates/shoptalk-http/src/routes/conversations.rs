//! Conversations and the inbox actions on them.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Auth, Path, Query};
use crate::openapi::{AuthErrors, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shoptalk_core::service::{Actor, ConversationFilter};
use shoptalk_types::ids::{AgentId, ContactId, ConversationId};
use shoptalk_types::model::{
    Conversation, ConversationPatch, ConversationStatus, NewConversation, Page,
};
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConversationListParams {
    pub status: Option<ConversationStatus>,
    /// An agent id, `none` (unassigned) or `me` (the calling agent).
    pub assignee: Option<String>,
    pub label: Option<String>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub contact_id: Option<ContactId>,
    /// Search in the contact's name and email and the last message.
    pub q: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `assignee=<uuid|none|me>` as the use case wants it.
fn assignee_filter(actor: &Actor, raw: Option<&str>) -> ApiResult<Option<Option<AgentId>>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some("none") => Ok(Some(None)),
        Some("me") => match actor {
            Actor::Agent { agent_id, .. } => Ok(Some(Some(*agent_id))),
            _ => Err(ApiError::invalid("assignee", "`me` needs an agent session")),
        },
        Some(id) => id
            .parse::<AgentId>()
            .map(|id| Some(Some(id)))
            .map_err(|_| ApiError::invalid("assignee", "must be an agent id, `none` or `me`")),
    }
}

/// Opens a conversation with a contact (staff: any contact; a visitor: itself).
/// Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/conversations", tag = "conversations",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewConversation,
    responses((status = 201, description = "Created", body = Conversation), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn create_conversation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewConversation>,
) -> ApiResult<(StatusCode, Json<Conversation>)> {
    let conversation = state.app.create_conversation(&actor, &new).await?;
    Ok((StatusCode::CREATED, Json(conversation)))
}

/// The inbox: conversations, most recently active first. A visitor sees only its own.
#[utoipa::path(
    get, path = "/api/v1/conversations", tag = "conversations",
    security(("bearer" = [])),
    params(ConversationListParams),
    responses((status = 200, description = "A page of conversations", body = Page<Conversation>), AuthErrors, InputErrors)
)]
pub async fn list_conversations(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(p): Query<ConversationListParams>,
) -> ApiResult<Json<Page<Conversation>>> {
    let filter = ConversationFilter {
        status: p.status,
        assignee: assignee_filter(&actor, p.assignee.as_deref())?,
        label: p.label,
        contact_id: p.contact_id,
        text: p.q,
        limit: p.limit,
        cursor: p.cursor,
    };
    Ok(Json(state.app.list_conversations(&actor, filter).await?))
}

/// One conversation.
#[utoipa::path(
    get, path = "/api/v1/conversations/{id}", tag = "conversations",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id")),
    responses((status = 200, description = "The conversation", body = Conversation), AuthErrors, NotFoundError)
)]
pub async fn get_conversation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
) -> ApiResult<Json<Conversation>> {
    Ok(Json(state.app.get_conversation(&actor, id).await?))
}

/// Status, snooze, assignment and labels.
#[utoipa::path(
    patch, path = "/api/v1/conversations/{id}", tag = "conversations",
    security(("bearer" = [])),
    params(("id" = ConversationId, Path, description = "Conversation id")),
    request_body = ConversationPatch,
    responses((status = 200, description = "Updated", body = Conversation), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn update_conversation(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<ConversationId>,
    ApiJson(patch): ApiJson<ConversationPatch>,
) -> ApiResult<Json<Conversation>> {
    Ok(Json(
        state.app.update_conversation(&actor, id, &patch).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::ids::{ApiKeyId, WorkspaceId};
    use shoptalk_types::model::{Role, Scope};

    #[test]
    fn assignee_accepts_ids_none_and_me() {
        let agent_id = AgentId::new();
        let agent = Actor::Agent {
            workspace_id: WorkspaceId::new(),
            agent_id,
            role: Role::Agent,
        };
        let key = Actor::ApiKey {
            workspace_id: WorkspaceId::new(),
            key_id: ApiKeyId::new(),
            scope: Scope::Read,
        };
        assert_eq!(assignee_filter(&agent, None).unwrap(), None);
        assert_eq!(assignee_filter(&agent, Some("none")).unwrap(), Some(None));
        assert_eq!(
            assignee_filter(&agent, Some("me")).unwrap(),
            Some(Some(agent_id))
        );
        assert_eq!(
            assignee_filter(&key, Some(&agent_id.to_string())).unwrap(),
            Some(Some(agent_id))
        );
        assert_eq!(
            assignee_filter(&key, Some("me"))
                .unwrap_err()
                .field
                .as_deref(),
            Some("assignee")
        );
        assert_eq!(
            assignee_filter(&key, Some("bob"))
                .unwrap_err()
                .field
                .as_deref(),
            Some("assignee")
        );
    }
}
