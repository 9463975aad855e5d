//! Outbound webhook subscriptions and their delivery log.

use super::{Actor, App, Capability, page_limit, parse_cursor};
use crate::auth;
use crate::error::{DomainError, DomainResult};
use crate::store::WebhookRecord;
use jiff::Timestamp;
use shoptalk_types::ids::WebhookId;
use shoptalk_types::model::*;

const MAX_WEBHOOKS_PER_WORKSPACE: usize = 20;

impl App {
    pub async fn create_webhook(
        &self,
        actor: &Actor,
        new: &NewWebhook,
    ) -> DomainResult<WebhookCreated> {
        actor.require(Capability::Admin)?;
        let url = (self.url_guard)(&new.url).map_err(|why| DomainError::invalid("url", why))?;
        if new.events.is_empty() {
            return Err(DomainError::invalid(
                "events",
                "must name at least one event type",
            ));
        }
        for (i, event) in new.events.iter().enumerate() {
            if event != "*" && !EVENT_TYPES.contains(&event.as_str()) {
                return Err(DomainError::invalid(
                    format!("events[{i}]"),
                    format!("unknown event type; known: *, {}", EVENT_TYPES.join(", ")),
                ));
            }
        }
        let ws = actor.workspace_id();
        if self.store.list_webhooks(ws).await?.len() >= MAX_WEBHOOKS_PER_WORKSPACE {
            return Err(DomainError::Conflict(
                "a workspace may have at most 20 webhooks".into(),
            ));
        }
        let mut events = new.events.clone();
        events.dedup();
        let record = WebhookRecord {
            webhook: Webhook {
                id: WebhookId::new(),
                url,
                events,
                active: true,
                created_at: Timestamp::now(),
            },
            workspace_id: ws,
            secret: auth::new_webhook_secret(),
        };
        self.store.insert_webhook(&record).await?;
        Ok(WebhookCreated {
            webhook: record.webhook,
            secret: record.secret,
        })
    }

    pub async fn list_webhooks(&self, actor: &Actor) -> DomainResult<Vec<Webhook>> {
        actor.require(Capability::Admin)?;
        Ok(self.store.list_webhooks(actor.workspace_id()).await?)
    }

    pub async fn delete_webhook(&self, actor: &Actor, id: WebhookId) -> DomainResult<()> {
        actor.require(Capability::Admin)?;
        if self.store.delete_webhook(actor.workspace_id(), id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("webhook"))
        }
    }

    pub async fn list_deliveries(
        &self,
        actor: &Actor,
        id: WebhookId,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> DomainResult<Page<WebhookDelivery>> {
        actor.require(Capability::Admin)?;
        let ws = actor.workspace_id();
        self.store
            .webhook(ws, id)
            .await?
            .ok_or(DomainError::NotFound("webhook"))?;
        Ok(self
            .store
            .list_deliveries(ws, id, page_limit(limit), parse_cursor(cursor)?)
            .await?)
    }
}
