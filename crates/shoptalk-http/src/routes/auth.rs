//! Staff sign-in and the signed-in agent's own profile.

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, Auth, bearer_token};
use crate::limits::{ClientIp, Limits};
use crate::openapi::{AuthErrors, InputErrors, RateLimitedError};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use shoptalk_types::model::{Agent, LoginRequest, LoginResponse, PasswordChange};
use std::sync::Arc;

/// Email + password → a session token. Limited per client IP (429 with `Retry-After`).
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Unknown email or wrong password", body = shoptalk_types::model::ErrorBody),
        InputErrors, RateLimitedError
    )
)]
pub async fn login(
    State(state): State<AppState>,
    State(limits): State<Arc<Limits>>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    limits.login.check(ip)?;
    Ok(Json(state.app.login(&req).await?))
}

/// Ends the session whose token authenticates this call.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth",
    security(("bearer" = [])),
    responses((status = 204, description = "Signed out"), AuthErrors)
)]
pub async fn logout(
    State(state): State<AppState>,
    Auth(_): Auth,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let token = bearer_token(&headers).ok_or_else(ApiError::unauthenticated)?;
    state.app.logout(token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in agent.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses((status = 200, description = "The agent", body = Agent), AuthErrors)
)]
pub async fn get_me(State(state): State<AppState>, Auth(actor): Auth) -> ApiResult<Json<Agent>> {
    Ok(Json(state.app.current_agent(&actor).await?))
}

/// Changes the signed-in agent's password; every session of the agent ends.
#[utoipa::path(
    post, path = "/api/v1/me/password", tag = "auth",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204, description = "Changed"), AuthErrors, InputErrors)
)]
pub async fn change_password(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state.app.change_password(&actor, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}
