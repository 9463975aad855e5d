//! Domain events and the webhook deliveries they cause, independent of the SQL dialect.
//!
//! A write that emits events asks its backend for the [`Hooks`] of the workspaces it touches
//! (one indexed query), builds only the events some webhook wants, and inserts the planned
//! deliveries and their jobs in the same transaction as the write itself.

use crate::common::to_json;
use serde_json::Value;
use shoptalk_core::error::StoreError;
use shoptalk_types::ids::*;
use shoptalk_types::model::Event;

/// Job kind of a webhook delivery; its payload is `{"delivery_id": "<uuid>"}`.
pub const WEBHOOK_DELIVER_JOB: &str = "webhook.deliver";
/// Attempts of a delivery before it is dead.
pub const WEBHOOK_MAX_ATTEMPTS: i32 = 8;

pub const MESSAGE_CREATED: &str = "message.created";
pub const CONVERSATION_CREATED: &str = "conversation.created";
pub const CONVERSATION_UPDATED: &str = "conversation.updated";
pub const CONTACT_CREATED: &str = "contact.created";
pub const CONTACT_UPDATED: &str = "contact.updated";
pub const CONTACT_MERGED: &str = "contact.merged";
pub const CONTACT_EVENT_TRACKED: &str = "contact.event_tracked";
/// Emitted by the store itself; other commerce events come with the write (`Emit`).
pub const CART_ABANDONED: &str = "cart.abandoned";
pub const LINK_CLICKED: &str = "link.clicked";

/// A new event happening now.
pub fn event(kind: &str, workspace_id: WorkspaceId, data: Value) -> Event {
    Event {
        id: EventId::new(),
        kind: kind.to_owned(),
        workspace_id,
        created_at: crate::common::now(),
        data,
    }
}

/// One active webhook, as far as routing is concerned.
#[derive(Debug, Clone)]
pub struct HookRoute {
    pub webhook_id: WebhookId,
    pub workspace_id: WorkspaceId,
    /// Subscribed types; `*` is every type.
    pub events: Vec<String>,
}

impl HookRoute {
    pub fn wants(&self, kind: &str) -> bool {
        self.events.iter().any(|e| e == "*" || e == kind)
    }
}

/// The active webhooks of the workspaces one write touches.
#[derive(Debug, Clone, Default)]
pub struct Hooks {
    routes: Vec<HookRoute>,
}

/// A delivery row to insert, with its job.
#[derive(Debug, Clone)]
pub struct PlannedDelivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub workspace_id: WorkspaceId,
    pub event_id: EventId,
    pub event_type: String,
    /// The event JSON, as it will be sent.
    pub payload: String,
}

impl Hooks {
    pub fn new(routes: Vec<HookRoute>) -> Self {
        Self { routes }
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }

    /// Whether any active webhook of `ws` subscribes to `kind`: callers skip building events
    /// nobody wants (the common case costs nothing per message).
    pub fn wants(&self, ws: WorkspaceId, kind: &str) -> bool {
        self.routes
            .iter()
            .any(|r| r.workspace_id == ws && r.wants(kind))
    }

    /// One delivery per (event, subscribed webhook of the event's workspace).
    pub fn plan(&self, events: &[Event]) -> Result<Vec<PlannedDelivery>, StoreError> {
        let mut out = Vec::new();
        for event in events {
            let mut payload = None;
            for route in &self.routes {
                if route.workspace_id != event.workspace_id || !route.wants(&event.kind) {
                    continue;
                }
                let payload = match &payload {
                    Some(p) => p,
                    None => payload.insert(to_json(event)?),
                };
                out.push(PlannedDelivery {
                    id: DeliveryId::new(),
                    webhook_id: route.webhook_id,
                    workspace_id: event.workspace_id,
                    event_id: event.id,
                    event_type: event.kind.clone(),
                    payload: payload.clone(),
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plans_one_delivery_per_subscribed_webhook_of_the_events_workspace() {
        let (ws, other) = (WorkspaceId::new(), WorkspaceId::new());
        let route = |ws, events: &[&str]| HookRoute {
            webhook_id: WebhookId::new(),
            workspace_id: ws,
            events: events.iter().map(|s| s.to_string()).collect(),
        };
        let hooks = Hooks::new(vec![
            route(ws, &["*"]),
            route(ws, &["contact.created"]),
            route(ws, &["message.created", "contact.updated"]),
            route(other, &["*"]),
        ]);
        assert!(hooks.wants(ws, MESSAGE_CREATED));
        assert!(!hooks.wants(WorkspaceId::new(), MESSAGE_CREATED));
        let e = event(MESSAGE_CREATED, ws, json!({"x": 1}));
        let planned = hooks.plan(std::slice::from_ref(&e)).unwrap();
        assert_eq!(planned.len(), 2);
        let body: Event = serde_json::from_str(&planned[0].payload).unwrap();
        assert_eq!(body, e);
    }
}
