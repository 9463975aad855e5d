//! The workspace's staff.

use crate::error::ApiResult;
use crate::extract::{ApiJson, Auth, Path};
use crate::openapi::{AuthErrors, ConflictError, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shoptalk_types::ids::AgentId;
use shoptalk_types::model::{Agent, AgentPatch, AgentPresence, NewAgent};

/// Every agent of the workspace.
#[utoipa::path(
    get, path = "/api/v1/agents", tag = "agents",
    security(("bearer" = [])),
    responses((status = 200, description = "The agents", body = Vec<Agent>), AuthErrors)
)]
pub async fn list_agents(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<Agent>>> {
    Ok(Json(state.app.list_agents(&actor).await?))
}

/// The live presence of every active agent: `online` or `away` (the last status its agent
/// app reported) while it has a socket open, else `offline`. Changes are pushed as
/// `presence` frames on the WebSocket.
#[utoipa::path(
    get, path = "/api/v1/agents/presence", tag = "agents",
    security(("bearer" = [])),
    responses((status = 200, description = "One entry per active agent", body = Vec<AgentPresence>), AuthErrors)
)]
pub async fn list_presence(
    State(state): State<AppState>,
    Auth(actor): Auth,
) -> ApiResult<Json<Vec<AgentPresence>>> {
    Ok(Json(state.app.agent_presence(&actor).await?))
}

/// Adds an agent (admins; only owners add owners). Accepts `Idempotency-Key`.
#[utoipa::path(
    post, path = "/api/v1/agents", tag = "agents",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewAgent,
    responses((status = 201, description = "Created", body = Agent), AuthErrors, InputErrors, ConflictError)
)]
pub async fn create_agent(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(new): ApiJson<NewAgent>,
) -> ApiResult<(StatusCode, Json<Agent>)> {
    Ok((
        StatusCode::CREATED,
        Json(state.app.create_agent(&actor, &new).await?),
    ))
}

/// Renames an agent, changes its role or (de)activates it (admins).
#[utoipa::path(
    patch, path = "/api/v1/agents/{id}", tag = "agents",
    security(("bearer" = [])),
    params(("id" = AgentId, Path, description = "Agent id")),
    request_body = AgentPatch,
    responses((status = 200, description = "Updated", body = Agent), AuthErrors, NotFoundError, InputErrors)
)]
pub async fn update_agent(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<AgentId>,
    ApiJson(patch): ApiJson<AgentPatch>,
) -> ApiResult<Json<Agent>> {
    Ok(Json(state.app.update_agent(&actor, id, &patch).await?))
}
