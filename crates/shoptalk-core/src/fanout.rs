//! Live fan-out: events pushed to connected clients after they are committed (or, for typing
//! and presence, never stored at all). The WebSocket hub implements [`Fanout`] for the
//! connections of this node; a cross-node bus can wrap it later.
//!
//! Routing rule: a workspace's agents receive every event of the workspace; a contact receives
//! only events of its own conversations, never private notes.

use shoptalk_types::frames::{PresenceStatus, Principal};
use shoptalk_types::ids::*;
use shoptalk_types::model::{Conversation, Message, ReceiptKind, Side};

#[derive(Debug, Clone)]
pub enum LiveEvent {
    Message {
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        message: Message,
    },
    Receipt {
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        conversation_id: ConversationId,
        side: Side,
        kind: ReceiptKind,
        seq: i64,
    },
    Typing {
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        conversation_id: ConversationId,
        from: Principal,
        typing: bool,
    },
    Presence {
        workspace_id: WorkspaceId,
        agent_id: AgentId,
        status: PresenceStatus,
    },
    Conversation {
        conversation: Conversation,
    },
}

impl LiveEvent {
    pub fn workspace_id(&self) -> WorkspaceId {
        match self {
            Self::Message { workspace_id, .. }
            | Self::Receipt { workspace_id, .. }
            | Self::Typing { workspace_id, .. }
            | Self::Presence { workspace_id, .. } => *workspace_id,
            Self::Conversation { conversation } => conversation.workspace_id,
        }
    }

    /// The contact this event may also be shown to, if any.
    pub fn visible_to_contact(&self) -> Option<ContactId> {
        match self {
            Self::Message {
                contact_id,
                message,
                ..
            } => (!message.private).then_some(*contact_id),
            Self::Receipt { contact_id, .. } | Self::Typing { contact_id, .. } => Some(*contact_id),
            Self::Presence { .. } | Self::Conversation { .. } => None,
        }
    }
}

/// Delivers live events to connected clients. Must not block: a slow client is the
/// implementation's problem (bounded buffers), never the publisher's.
pub trait Fanout: Send + Sync + 'static {
    fn publish(&self, event: LiveEvent);
}

/// Fan-out that drops everything: for tools that run without clients (CLI, migrations).
pub struct NoFanout;

impl Fanout for NoFanout {
    fn publish(&self, _event: LiveEvent) {}
}
