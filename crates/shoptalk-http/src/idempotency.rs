//! `Idempotency-Key` on creates: a retry with the same key and the same body gets the first
//! response again, byte for byte, and creates nothing; the same key with another body is a
//! client bug (422 `idempotency_key_reused`).
//!
//! Keys live in memory, scoped by (workspace, principal, method, path, key), for 24 hours, up
//! to a bounded number of entries. In memory is enough for now: Shoptalk runs as one node on
//! SQLite, so every retry reaches the process that saw the first attempt, and the one create
//! where losing the key on restart would matter — sending a message — has its own durable
//! idempotency (`client_msg_id`, which the key maps to when the body has none). The
//! PostgreSQL scale-out backend will persist keys in the database so they hold across nodes
//! and restarts.
//!
//! Only successful responses are remembered: a failed attempt changed nothing, so running a
//! retry again is safe and may succeed.

use crate::error::ApiError;
use crate::extract::{IdempotencyKey, payload_too_large};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use sha2::{Digest, Sha256};
use shoptalk_core::service::Actor;
use shoptalk_types::frames::Principal;
use shoptalk_types::ids::WorkspaceId;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a key is remembered.
pub const KEY_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Keys remembered at most; beyond, the oldest are forgotten first.
const MAX_ENTRIES: usize = 100_000;
/// A request still running after this long is presumed dead and its key reusable.
const IN_FLIGHT_TTL: Duration = Duration::from_secs(60);
/// Largest response remembered (creates answer with one small object).
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Header set on a replayed response.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Scope {
    workspace: WorkspaceId,
    principal: (u8, uuid::Uuid),
    method: Method,
    path: String,
    key: String,
}

enum Slot {
    /// The first attempt is still running.
    InFlight {
        body_hash: [u8; 32],
        since: Instant,
    },
    Done(Arc<Stored>),
}

struct Stored {
    body_hash: [u8; 32],
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
    at: Instant,
}

impl Slot {
    fn is_live(&self, now: Instant) -> bool {
        match self {
            Self::InFlight { since, .. } => now.duration_since(*since) < IN_FLIGHT_TTL,
            Self::Done(s) => now.duration_since(s.at) < KEY_TTL,
        }
    }
}

/// The keys seen by one router.
pub struct IdempotencyStore {
    slots: DashMap<Scope, Slot>,
    capacity: usize,
}

impl Default for IdempotencyStore {
    fn default() -> Self {
        Self::with_capacity(MAX_ENTRIES)
    }
}

impl IdempotencyStore {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: DashMap::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Makes room for one more key: expired ones go first, then the oldest tenth. Called
    /// before taking an entry lock (DashMap's `retain` must not run while one is held).
    fn make_room(&self, now: Instant) {
        if self.slots.len() < self.capacity {
            return;
        }
        self.slots.retain(|_, slot| slot.is_live(now));
        if self.slots.len() < self.capacity {
            return;
        }
        let mut ages: Vec<(Instant, Scope)> = self
            .slots
            .iter()
            .filter_map(|e| match e.value() {
                Slot::Done(s) => Some((s.at, e.key().clone())),
                Slot::InFlight { .. } => None,
            })
            .collect();
        ages.sort_by_key(|(at, _)| *at);
        for (_, scope) in ages.into_iter().take(self.capacity / 10 + 1) {
            self.slots.remove(&scope);
        }
    }
}

/// What to do with a request carrying a key.
enum Claim {
    Run,
    Replay(Arc<Stored>),
    Reject(ApiError),
}

fn claim(store: &IdempotencyStore, scope: &Scope, body_hash: [u8; 32]) -> Claim {
    let now = Instant::now();
    store.make_room(now);
    match store.slots.entry(scope.clone()) {
        Entry::Occupied(e) if e.get().is_live(now) => match e.get() {
            Slot::Done(s) if s.body_hash == body_hash => Claim::Replay(s.clone()),
            Slot::InFlight { body_hash: h, .. } if *h == body_hash => Claim::Reject(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_key_in_use",
                "a request with this Idempotency-Key is still being processed; retry shortly",
            )),
            _ => Claim::Reject(reused()),
        },
        Entry::Occupied(mut e) => {
            e.insert(Slot::InFlight {
                body_hash,
                since: now,
            });
            Claim::Run
        }
        Entry::Vacant(e) => {
            e.insert(Slot::InFlight {
                body_hash,
                since: now,
            });
            Claim::Run
        }
    }
}

fn reused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        "this Idempotency-Key was already used with a different request body",
    )
}

/// Frees the key if the request ends without storing a response (failure, panic, client
/// gone), so a retry can run.
struct InFlightGuard<'a> {
    store: &'a IdempotencyStore,
    scope: Option<Scope>,
}

impl InFlightGuard<'_> {
    fn complete(mut self, stored: Stored) {
        if let Some(scope) = self.scope.take() {
            self.store.slots.insert(scope, Slot::Done(Arc::new(stored)));
        }
    }
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        if let Some(scope) = self.scope.take() {
            self.store
                .slots
                .remove_if(&scope, |_, slot| matches!(slot, Slot::InFlight { .. }));
        }
    }
}

fn principal_key(actor: &Actor) -> (u8, uuid::Uuid) {
    match actor.principal() {
        Principal::Agent { id } => (0, id.0),
        Principal::ApiKey { id } => (1, id.0),
        Principal::Contact { id } => (2, id.0),
    }
}

/// The middleware of idempotent routes. Runs inside the access layer (it needs the caller)
/// and buffers the body up to `body_limit` to hash it.
pub async fn layer(
    store: Arc<IdempotencyStore>,
    body_limit: usize,
    req: Request,
    next: Next,
) -> Response {
    let key = match IdempotencyKey::from_headers(req.headers()) {
        Ok(IdempotencyKey(Some(key))) => key,
        Ok(IdempotencyKey(None)) => return next.run(req).await,
        Err(e) => return e.into_response(),
    };
    let Some(actor) = req.extensions().get::<Actor>().copied() else {
        // Public routes are never idempotent-keyed; nothing to scope the key by.
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, body_limit).await {
        Ok(b) => b,
        Err(_) => return payload_too_large().into_response(),
    };
    let scope = Scope {
        workspace: actor.workspace_id(),
        principal: principal_key(&actor),
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        key,
    };
    let body_hash: [u8; 32] = Sha256::digest(&bytes).into();
    match claim(&store, &scope, body_hash) {
        Claim::Replay(stored) => return replay(&stored),
        Claim::Reject(e) => return e.into_response(),
        Claim::Run => {}
    }
    let guard = InFlightGuard {
        store: &store,
        scope: Some(scope),
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !response.status().is_success() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_RESPONSE_BYTES).await else {
        tracing::error!("a create's response could not be buffered for idempotency");
        return ApiError::internal().into_response();
    };
    guard.complete(Stored {
        body_hash,
        status: parts.status,
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        body: body.clone(),
        at: Instant::now(),
    });
    Response::from_parts(parts, Body::from(body))
}

fn replay(stored: &Stored) -> Response {
    let mut response = Response::new(Body::from(stored.body.clone()));
    *response.status_mut() = stored.status;
    let headers = response.headers_mut();
    if let Some(ct) = &stored.content_type {
        headers.insert(header::CONTENT_TYPE, ct.clone());
    }
    headers.insert(REPLAYED_HEADER, HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(key: &str) -> Scope {
        Scope {
            workspace: WorkspaceId::new(),
            principal: (0, uuid::Uuid::nil()),
            method: Method::POST,
            path: "/api/v1/contacts".into(),
            key: key.into(),
        }
    }

    fn stored(hash: [u8; 32]) -> Stored {
        Stored {
            body_hash: hash,
            status: StatusCode::CREATED,
            content_type: None,
            body: Bytes::from_static(b"{}"),
            at: Instant::now(),
        }
    }

    #[test]
    fn same_body_replays_other_body_is_refused() {
        let store = IdempotencyStore::default();
        let s = scope("k");
        assert!(matches!(claim(&store, &s, [1; 32]), Claim::Run));
        // Still running: a concurrent duplicate waits, a different body is a reuse.
        assert!(
            matches!(claim(&store, &s, [1; 32]), Claim::Reject(e) if e.code == "idempotency_key_in_use")
        );
        assert!(
            matches!(claim(&store, &s, [2; 32]), Claim::Reject(e) if e.code == "idempotency_key_reused")
        );
        InFlightGuard {
            store: &store,
            scope: Some(s.clone()),
        }
        .complete(stored([1; 32]));
        assert!(matches!(claim(&store, &s, [1; 32]), Claim::Replay(_)));
        assert!(
            matches!(claim(&store, &s, [2; 32]), Claim::Reject(e) if e.code == "idempotency_key_reused")
        );
    }

    #[test]
    fn failed_attempts_free_their_key() {
        let store = IdempotencyStore::default();
        let s = scope("k");
        assert!(matches!(claim(&store, &s, [1; 32]), Claim::Run));
        drop(InFlightGuard {
            store: &store,
            scope: Some(s.clone()),
        });
        assert!(store.is_empty());
        assert!(matches!(claim(&store, &s, [2; 32]), Claim::Run));
    }

    #[test]
    fn the_store_stays_bounded() {
        let store = IdempotencyStore::with_capacity(10);
        for i in 0..50 {
            let s = scope(&format!("k{i}"));
            assert!(matches!(claim(&store, &s, [1; 32]), Claim::Run));
            InFlightGuard {
                store: &store,
                scope: Some(s),
            }
            .complete(stored([1; 32]));
        }
        assert!(store.len() <= 10);
    }
}
