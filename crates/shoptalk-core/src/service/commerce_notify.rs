//! Telling people what happened to carts, orders and returns: the customer in their latest
//! conversation, the agents in a private note beside it. Who did it is named the way
//! timelines record it (`agent:<id>`) and the way people read it ("Alex").

use super::{Actor, App};
use crate::error::DomainResult;
use crate::store::ConversationQuery;
use shoptalk_types::Content;
use shoptalk_types::ids::*;
use shoptalk_types::model::Message;

/// Who did something, as timelines record it: `agent:<id>`, `api_key:<id>`, `contact:<id>`.
pub(super) fn actor_ref(actor: &Actor) -> String {
    match *actor {
        Actor::Agent { agent_id, .. } => format!("agent:{agent_id}"),
        Actor::ApiKey { key_id, .. } => format!("api_key:{key_id}"),
        Actor::Contact { contact_id, .. } => format!("contact:{contact_id}"),
    }
}

impl App {
    /// Posts `content` from the shop's system into the contact's most recently active
    /// conversation; `None` when the contact has no conversation.
    pub async fn notify_contact(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        content: Content,
    ) -> DomainResult<Option<Message>> {
        match self.latest_conversation(ws, contact).await? {
            Some(conversation) => Ok(Some(
                self.post_system_message(ws, conversation, content, false)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// A private note for the agents in the contact's latest conversation, shown there as
    /// an event of the conversation.
    pub(super) async fn note_for_agents(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        text: &str,
    ) -> DomainResult<Option<Message>> {
        match self.latest_conversation(ws, contact).await? {
            Some(conversation) => Ok(Some(
                self.post_system_message(ws, conversation, Content::text(clip(text)), true)
                    .await?,
            )),
            None => Ok(None),
        }
    }

    /// Posts to the given conversation, else to the contact's latest one.
    pub(super) async fn tell_contact_in(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        conversation: Option<ConversationId>,
        content: Content,
    ) -> DomainResult<Option<Message>> {
        match conversation {
            Some(c) => Ok(Some(self.post_system_message(ws, c, content, false).await?)),
            None => self.notify_contact(ws, contact, content).await,
        }
    }

    async fn latest_conversation(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
    ) -> DomainResult<Option<ConversationId>> {
        let q = ConversationQuery {
            contact_id: Some(contact),
            limit: 1,
            ..ConversationQuery::default()
        };
        let page = self.store.list_conversations(ws, &q).await?;
        Ok(page.items.first().map(|c| c.id))
    }

    /// Who `by` is, for people: the agent's or API key's name, "The customer", or the
    /// system that did it.
    pub(super) async fn display_name(&self, ws: WorkspaceId, by: &str) -> String {
        let (kind, id) = by.split_once(':').unwrap_or((by, ""));
        let named = match kind {
            "agent" => match id.parse::<AgentId>() {
                Ok(agent) => (self.store.agent(ws, agent).await)
                    .ok()
                    .flatten()
                    .map(|a| a.agent.name),
                Err(_) => None,
            },
            "api_key" => match id.parse::<ApiKeyId>() {
                Ok(key) => (self.store.list_api_keys(ws).await)
                    .ok()
                    .and_then(|keys| keys.into_iter().find(|k| k.id == key))
                    .map(|k| format!("API key “{}”", k.name)),
                Err(_) => None,
            },
            "contact" => Some("The customer".to_owned()),
            _ => None,
        };
        named.unwrap_or_else(|| match kind {
            "agent" => "An agent".to_owned(),
            "api_key" => "An API key".to_owned(),
            "shopify" => "Shopify".to_owned(),
            "stripe" => "Stripe".to_owned(),
            _ => "Shoptalk".to_owned(),
        })
    }
}

/// Side effects after a committed write (messages, notes, jobs) must not turn the write into
/// an error for its caller: a failure is logged.
pub(super) fn log_failure<T>(what: &str, result: DomainResult<T>) {
    if let Err(e) = result {
        tracing::warn!(error = %e, "{what} failed");
    }
}

/// A note fits in a text message.
fn clip(text: &str) -> String {
    text.chars()
        .take(shoptalk_types::content::limits::TEXT_MAX_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::model::{Role, Scope};

    #[test]
    fn actors_are_recorded_by_kind_and_id() {
        let ws = WorkspaceId::new();
        let agent_id = AgentId::new();
        let agent = Actor::Agent {
            workspace_id: ws,
            agent_id,
            role: Role::Agent,
        };
        assert_eq!(actor_ref(&agent), format!("agent:{agent_id}"));
        let key_id = ApiKeyId::new();
        let key = Actor::ApiKey {
            workspace_id: ws,
            key_id,
            scope: Scope::Write,
        };
        assert_eq!(actor_ref(&key), format!("api_key:{key_id}"));
        let contact_id = ContactId::new();
        let contact = Actor::Contact {
            workspace_id: ws,
            contact_id,
        };
        assert_eq!(actor_ref(&contact), format!("contact:{contact_id}"));
    }

    #[test]
    fn notes_are_clipped_to_a_message() {
        assert_eq!(clip(&"é".repeat(5000)).chars().count(), 4096);
        assert_eq!(clip("short"), "short");
    }
}
