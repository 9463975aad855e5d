//! Extractors whose every failure is the JSON error envelope, never axum's plain-text
//! rejections: who is calling ([`Auth`]), JSON bodies ([`ApiJson`]), path ids ([`Path`]),
//! query strings ([`Query`]) and the `Idempotency-Key` header ([`IdempotencyKey`]).

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use shoptalk_core::service::Actor;
use std::error::Error as _;

/// Header carrying the shop-signed identity JWT of a widget user, for workspaces that
/// enforce identity on every call.
pub const IDENTITY_HEADER: &str = "x-shoptalk-identity";

/// Longest bearer token looked up. Ours are far shorter; anything longer is not one of ours
/// and is refused before it costs a hash and a query.
const MAX_TOKEN_BYTES: usize = 512;

/// The bearer token of `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    let usable = scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && token.len() <= MAX_TOKEN_BYTES;
    usable.then_some(token)
}

/// The identity token of the `X-Shoptalk-Identity` header.
pub fn identity_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(IDENTITY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Resolves the caller from a bearer token (and identity token, for widget users).
pub async fn authenticate(
    state: &AppState,
    token: Option<&str>,
    identity: Option<&str>,
) -> ApiResult<Actor> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= MAX_TOKEN_BYTES)
        .ok_or_else(ApiError::unauthenticated)?;
    Ok(state.app.authenticate(token, identity).await?)
}

/// The authenticated caller. The router's access layer has usually resolved it already (it
/// leaves the [`Actor`] in the request extensions); otherwise it is resolved here.
#[derive(Debug, Clone, Copy)]
pub struct Auth(pub Actor);

impl<S> FromRequestParts<S> for Auth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Self(*actor));
        }
        let headers = &parts.headers;
        let state = AppState::from_ref(state);
        let actor = authenticate(&state, bearer_token(headers), identity_token(headers)).await?;
        parts.extensions.insert(actor);
        Ok(Self(actor))
    }
}

/// A JSON body. Rejections: wrong or missing `Content-Type` → 415, invalid UTF-8 or malformed
/// JSON → 400, unknown field or wrong type → 422 naming the field, over the limit → 413.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(Self)
    }
}

/// `application/json`, or any `application/*+json`, with or without parameters.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A body that could not be read: too big (the route's limit) or broken off.
pub fn body_rejection(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        payload_too_large()
    } else {
        ApiError::bad_request("unreadable_body", "the request body could not be read")
    }
}

pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "the request body is larger than this endpoint accepts",
    )
}

/// Parses a JSON body with envelope errors (see [`ApiJson`]).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    // Checked up front so the client learns what is wrong rather than "bad JSON at column 7".
    if std::str::from_utf8(bytes).is_err() {
        return Err(ApiError::bad_request(
            "invalid_utf8",
            "the request body is not valid UTF-8",
        ));
    }
    match axum::Json::<T>::from_bytes(bytes) {
        Ok(axum::Json(value)) => Ok(value),
        Err(JsonRejection::JsonDataError(e)) => {
            // The source is serde_path_to_error's message: "<path>: <serde message>".
            let detail = e.source().map(ToString::to_string).unwrap_or_default();
            Err(data_error(&detail))
        }
        Err(e) => {
            let detail = e.source().map(ToString::to_string).unwrap_or_default();
            Err(ApiError::bad_request(
                "malformed_json",
                format!(
                    "the request body is not valid JSON: {}",
                    strip_position(&detail)
                ),
            ))
        }
    }
}

/// A 422 naming the field when serde names it.
fn data_error(detail: &str) -> ApiError {
    let detail = strip_position(detail);
    let (path, message) = split_path(detail);
    // serde names the culprit in backticks for unknown and missing fields.
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next())
        .filter(|name| !name.is_empty());
    let field = match (path, named) {
        (Some(path), Some(name)) if path == name || path.ends_with(&format!(".{name}")) => {
            Some(path.to_string())
        }
        (Some(path), Some(name)) => Some(format!("{path}.{name}")),
        (Some(path), None) => Some(path.to_string()),
        (None, Some(name)) => Some(name.to_string()),
        (None, None) => None,
    };
    match field {
        Some(field) => ApiError::invalid(field, message.to_string()),
        None => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            message.to_string(),
        ),
    }
}

/// Splits serde_path_to_error's "a.b[0]: message" into its path and message. A path never
/// contains spaces, and serde messages always do before their first colon.
fn split_path(detail: &str) -> (Option<&str>, &str) {
    match detail.split_once(": ") {
        Some((path, message))
            if !path.is_empty() && path != "." && !path.contains(char::is_whitespace) =>
        {
            (Some(path), message)
        }
        _ => (None, detail),
    }
}

/// Drops serde_json's " at line 1 column 7": positions mean little to an API client.
fn strip_position(detail: &str) -> &str {
    match detail.rfind(" at line ") {
        Some(i) if detail[i..].contains(" column ") => &detail[..i],
        _ => detail,
    }
}

/// Path parameters. Anything that does not parse (an invalid UUID, say) is a resource that
/// does not exist: 404, like any unknown URL.
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|_| ApiError::not_found("resource"))
    }
}

/// Query parameters; a bad one is a 422 naming it.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Self(value))
            .map_err(query_error)
    }
}

fn query_error(e: QueryRejection) -> ApiError {
    let detail = e.source().map(ToString::to_string).unwrap_or_default();
    data_error(&detail)
}

/// The `Idempotency-Key` header, when sent: 1–255 printable ASCII characters, else 400.
#[derive(Debug, Clone, Default)]
pub struct IdempotencyKey(pub Option<String>);

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

impl IdempotencyKey {
    pub fn from_headers(headers: &HeaderMap) -> ApiResult<Self> {
        let Some(value) = headers.get(IDEMPOTENCY_HEADER) else {
            return Ok(Self(None));
        };
        let key = value.to_str().ok().filter(|k| {
            (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        });
        match key {
            Some(k) => Ok(Self(Some(k.to_string()))),
            None => Err(ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 printable ASCII characters",
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        text: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
        count: Option<u32>,
    }

    fn field(body: &str) -> (StatusCode, Option<String>) {
        let e = parse_json::<Outer>(body.as_bytes()).unwrap_err();
        (e.status, e.field)
    }

    #[test]
    fn data_errors_name_their_field() {
        assert_eq!(
            field(r#"{"name":"a","foo":1}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("foo".into()))
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"text":"x","bar":1}}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("inner.bar".into()))
        );
        assert_eq!(
            field(r#"{"name":"a","count":"x"}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("count".into()))
        );
        assert_eq!(
            field(r#"{}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("name".into()))
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{}}"#),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("inner.text".into()))
        );
    }

    #[test]
    fn syntax_and_encoding_errors_are_400() {
        assert_eq!(field(r#"{"name":"#).0, StatusCode::BAD_REQUEST);
        assert_eq!(field("").0, StatusCode::BAD_REQUEST);
        let e = parse_json::<Outer>(b"{\"name\":\"\xff\"}").unwrap_err();
        assert_eq!(
            (e.status, e.code),
            (StatusCode::BAD_REQUEST, "invalid_utf8")
        );
    }

    #[test]
    fn bearer_tokens_are_parsed_strictly() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "bearer  abc ".parse().unwrap());
        assert_eq!(bearer_token(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer_token(&h), None);
        h.insert(header::AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer_token(&h), None);
    }

    #[test]
    fn idempotency_keys_are_bounded_printable_ascii() {
        let mut h = HeaderMap::new();
        assert!(IdempotencyKey::from_headers(&h).unwrap().0.is_none());
        h.insert(IDEMPOTENCY_HEADER, "order-42".parse().unwrap());
        assert_eq!(
            IdempotencyKey::from_headers(&h).unwrap().0.as_deref(),
            Some("order-42")
        );
        h.insert(IDEMPOTENCY_HEADER, "x".repeat(256).parse().unwrap());
        assert!(IdempotencyKey::from_headers(&h).is_err());
        h.insert(IDEMPOTENCY_HEADER, "".parse().unwrap());
        assert!(IdempotencyKey::from_headers(&h).is_err());
    }
}
