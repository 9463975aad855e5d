//! Conversations: create, read, list, and the inbox actions (status, snooze, assign, label).

use super::{Actor, App, Capability, page_limit, parse_cursor};
use crate::error::{DomainError, DomainResult};
use crate::fanout::LiveEvent;
use crate::store::{AssigneeFilter, ConversationQuery};
use jiff::Timestamp;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;

const MAX_LABELS: usize = 20;
const MAX_LABEL_CHARS: usize = 50;

/// Filters of the conversation list, as the caller gave them.
#[derive(Debug, Clone, Default)]
pub struct ConversationFilter {
    pub status: Option<ConversationStatus>,
    /// `Some(None)` lists unassigned conversations.
    pub assignee: Option<Option<AgentId>>,
    pub label: Option<String>,
    pub contact_id: Option<ContactId>,
    pub text: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl App {
    /// Staff open a conversation with any contact of the workspace; a customer only with
    /// itself.
    pub async fn create_conversation(
        &self,
        actor: &Actor,
        new: &NewConversation,
    ) -> DomainResult<Conversation> {
        match actor.contact_id() {
            Some(own) if own == new.contact_id => {}
            Some(_) => return Err(DomainError::NotFound("contact")),
            None => actor.require(Capability::Write)?,
        }
        let channel = new.channel.unwrap_or(Channel::Web);
        let conversation = self
            .store
            .create_conversation(actor.workspace_id(), new.contact_id, channel)
            .await?
            .ok_or(DomainError::NotFound("contact"))?;
        self.fanout.publish(LiveEvent::Conversation {
            conversation: conversation.clone(),
        });
        Ok(conversation)
    }

    /// A conversation the actor may see: any in the workspace for staff, its own for a
    /// customer. Anything else is "not found", never "forbidden".
    pub async fn get_conversation(
        &self,
        actor: &Actor,
        id: ConversationId,
    ) -> DomainResult<Conversation> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let conversation = self.store.conversation(actor.workspace_id(), id).await?;
        conversation
            .filter(|c| actor.contact_id().is_none_or(|own| own == c.contact_id))
            .ok_or(DomainError::NotFound("conversation"))
    }

    /// Customers list their own conversations whatever filter they pass.
    pub async fn list_conversations(
        &self,
        actor: &Actor,
        filter: ConversationFilter,
    ) -> DomainResult<Page<Conversation>> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let q = ConversationQuery {
            status: filter.status,
            assignee: filter.assignee.map(|a| match a {
                Some(id) => AssigneeFilter::Agent(id),
                None => AssigneeFilter::Unassigned,
            }),
            label: filter.label,
            contact_id: actor.contact_id().or(filter.contact_id),
            text: filter.text.filter(|t| !t.trim().is_empty()),
            limit: page_limit(filter.limit),
            after: parse_cursor(filter.cursor.as_deref())?,
        };
        Ok(self
            .store
            .list_conversations(actor.workspace_id(), &q)
            .await?)
    }

    pub async fn update_conversation(
        &self,
        actor: &Actor,
        id: ConversationId,
        patch: &ConversationPatch,
    ) -> DomainResult<Conversation> {
        actor.require(Capability::Write)?;
        let ws = actor.workspace_id();
        let patch = self.validate_patch(ws, patch).await?;
        let updated = self.store.update_conversation(ws, id, &patch).await?;
        let updated = updated.ok_or(DomainError::NotFound("conversation"))?;
        self.fanout.publish(LiveEvent::Conversation {
            conversation: updated.clone(),
        });
        Ok(updated)
    }

    async fn validate_patch(
        &self,
        ws: WorkspaceId,
        patch: &ConversationPatch,
    ) -> DomainResult<ConversationPatch> {
        let mut patch = patch.clone();
        match (patch.status, patch.snoozed_until) {
            (Some(ConversationStatus::Snoozed), None) => {
                return Err(DomainError::invalid(
                    "snoozed_until",
                    "is required to snooze",
                ));
            }
            (Some(ConversationStatus::Snoozed), Some(until)) if until <= Timestamp::now() => {
                return Err(DomainError::invalid(
                    "snoozed_until",
                    "must be in the future",
                ));
            }
            (Some(ConversationStatus::Snoozed), Some(_)) => {}
            (_, Some(_)) => {
                return Err(DomainError::invalid(
                    "snoozed_until",
                    "is only allowed with status snoozed",
                ));
            }
            // Leaving the snoozed state forgets the wake-up time.
            (Some(_), None) => patch.snoozed_until = None,
            (None, None) => {}
        }
        if let Some(Some(agent_id)) = patch.assignee_id {
            let agent = self.store.agent(ws, agent_id).await?;
            if !agent.is_some_and(|a| a.agent.active) {
                return Err(DomainError::invalid(
                    "assignee_id",
                    "is not an active agent of this workspace",
                ));
            }
        }
        if let Some(labels) = &patch.labels {
            patch.labels = Some(normalise_labels(labels)?);
        }
        Ok(patch)
    }

    /// Reopens snoozed conversations whose time has come and tells the agents.
    pub async fn wake_snoozed(&self) -> DomainResult<usize> {
        let woken = self.store.wake_snoozed(Timestamp::now()).await?;
        let n = woken.len();
        for conversation in woken {
            self.fanout
                .publish(LiveEvent::Conversation { conversation });
        }
        Ok(n)
    }
}

/// Trimmed, lower-cased, deduplicated in order.
fn normalise_labels(labels: &[String]) -> DomainResult<Vec<String>> {
    if labels.len() > MAX_LABELS {
        return Err(DomainError::invalid("labels", "may hold at most 20 labels"));
    }
    let mut out: Vec<String> = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        let label = label.trim().to_lowercase();
        if label.is_empty()
            || label.chars().count() > MAX_LABEL_CHARS
            || label.chars().any(char::is_control)
        {
            return Err(DomainError::invalid(
                format!("labels[{i}]"),
                "must be 1 to 50 characters",
            ));
        }
        if !out.contains(&label) {
            out.push(label);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_normalised() {
        let labels = vec![" VIP ".to_string(), "vip".into(), "returns".into()];
        assert_eq!(normalise_labels(&labels).unwrap(), vec!["vip", "returns"]);
        assert!(normalise_labels(&["".to_string()]).is_err());
        assert!(normalise_labels(&vec!["x".to_string(); 21]).is_err());
    }
}
