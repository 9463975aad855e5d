//! The message log as callers see it: send (idempotent by `client_msg_id`), read, receipts,
//! and the ephemeral signals (typing, presence) that are never stored.

use super::{Actor, App, Capability};
use crate::committer::AppendTicket;
use crate::cursor::Cursor;
use crate::error::{DomainError, DomainResult};
use crate::fanout::LiveEvent;
use crate::store::{AppendRejected, NewMessage, ReceiptOutcome, ReceiptUpdate};
use jiff::Timestamp;
use shoptalk_types::Content;
use shoptalk_types::frames::PresenceStatus;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;

const MAX_CLIENT_MSG_ID_LEN: usize = 64;

/// Where in the log a read starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogPosition {
    /// Oldest first, after this seq (0 = from the start).
    After(i64),
    /// The newest messages before this seq (`i64::MAX` = the latest), returned oldest first.
    Before(i64),
}

impl LogPosition {
    /// An opaque cursor that continues a read in its direction.
    pub fn to_cursor(self) -> String {
        let (direction, seq) = match self {
            Self::After(seq) => (1, seq),
            Self::Before(seq) => (-1, seq),
        };
        Cursor {
            key: seq,
            id: uuid::Uuid::from_u128(direction as u128),
        }
        .encode()
    }

    /// Reads back a cursor made by [`to_cursor`](Self::to_cursor).
    pub fn from_cursor(cursor: &str) -> DomainResult<Self> {
        let invalid = || DomainError::invalid("cursor", "is not a valid message cursor");
        let c = Cursor::decode(cursor).ok_or_else(invalid)?;
        match c.id.as_u128() {
            1 => Ok(Self::After(c.key)),
            u if u == (-1i128) as u128 => Ok(Self::Before(c.key)),
            _ => Err(invalid()),
        }
    }
}

/// A send queued by [`App::begin_send`].
pub struct SendTicket {
    ticket: AppendTicket,
    /// What the shop does once the message has committed (answering a button pressed).
    followup: Option<super::return_chat::Followup>,
}

impl SendTicket {
    pub async fn committed(self) -> DomainResult<Sent> {
        match self.ticket.committed().await? {
            Ok(a) => {
                if !a.duplicate
                    && let Some(followup) = self.followup
                {
                    followup.start();
                }
                Ok(Sent {
                    message: a.message,
                    created: !a.duplicate,
                })
            }
            Err(AppendRejected::ConversationNotFound) => Err(DomainError::NotFound("conversation")),
            Err(AppendRejected::ClientMsgIdTaken) => Err(DomainError::Conflict(
                "client_msg_id is already used by another sender in this conversation".into(),
            )),
        }
    }
}

/// A message the caller sent, and whether this call created it (false: a retry of an
/// earlier send with the same `client_msg_id`).
pub struct Sent {
    pub message: Message,
    pub created: bool,
}

impl App {
    pub async fn send_message(
        &self,
        actor: &Actor,
        conversation_id: ConversationId,
        req: &SendMessage,
    ) -> DomainResult<Sent> {
        self.begin_send(actor, conversation_id, req)
            .await?
            .committed()
            .await
    }

    /// The first half of a send: checks it and queues it for the next commit. Sends begun one
    /// after the other take seqs in that order; [`SendTicket::committed`] then waits for the
    /// commit, so a client may have many sends in flight without them overtaking each other.
    pub async fn begin_send(
        &self,
        actor: &Actor,
        conversation_id: ConversationId,
        req: &SendMessage,
    ) -> DomainResult<SendTicket> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        check_send(actor, req)?;
        let mut message = NewMessage {
            id: MessageId::new(),
            workspace_id: actor.workspace_id(),
            conversation_id,
            only_if_contact: actor.contact_id(),
            sender: actor.sender(),
            content: req.content.clone(),
            private: req.private,
            client_msg_id: req.client_msg_id.clone(),
            created_at: Timestamp::now(),
        };
        self.track_links(&mut message).await?;
        let ticket = self.committer.enqueue(message).await?;
        let followup = self.postback_followup(actor, conversation_id, &req.content);
        Ok(SendTicket { ticket, followup })
    }

    /// Posts a message from the shop's system (order updates, cart confirmations, notes for
    /// agents when `private`), committed and fanned out like every other send.
    pub async fn post_system_message(
        &self,
        ws: WorkspaceId,
        conversation: ConversationId,
        content: Content,
        private: bool,
    ) -> DomainResult<Message> {
        content
            .validate()
            .map_err(|e| DomainError::from_content("content", e))?;
        let mut message = NewMessage {
            id: MessageId::new(),
            workspace_id: ws,
            conversation_id: conversation,
            only_if_contact: None,
            sender: Sender {
                kind: SenderKind::System,
                id: None,
            },
            content,
            private,
            client_msg_id: None,
            created_at: Timestamp::now(),
        };
        self.track_links(&mut message).await?;
        let ticket = self.committer.enqueue(message).await?;
        let sent = SendTicket {
            ticket,
            followup: None,
        };
        Ok(sent.committed().await?.message)
    }

    /// A page of the log. Customers never see private notes.
    pub async fn list_messages(
        &self,
        actor: &Actor,
        conversation_id: ConversationId,
        from: LogPosition,
        limit: u32,
    ) -> DomainResult<Page<Message>> {
        self.get_conversation(actor, conversation_id).await?;
        let ws = actor.workspace_id();
        let staff = actor.is_staff();
        let items = match from {
            LogPosition::After(seq) => {
                self.store
                    .messages_after(ws, conversation_id, seq, limit, staff)
                    .await?
            }
            LogPosition::Before(seq) => {
                self.store
                    .messages_before(ws, conversation_id, seq, limit, staff)
                    .await?
            }
        };
        // The cursor continues in the direction of the read: after the newest item, or
        // before the oldest.
        let next = match from {
            LogPosition::After(_) => items.last().map(|m| LogPosition::After(m.seq)),
            LogPosition::Before(_) => items.first().map(|m| LogPosition::Before(m.seq)),
        };
        let next_cursor = (items.len() as u32 == limit)
            .then(|| next.map(LogPosition::to_cursor))
            .flatten();
        Ok(Page { items, next_cursor })
    }

    /// Moves the caller's side's watermark forward; a stale receipt is a no-op.
    pub async fn receipt(
        &self,
        actor: &Actor,
        conversation_id: ConversationId,
        req: &ReceiptRequest,
    ) -> DomainResult<()> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        if req.seq < 0 {
            return Err(DomainError::invalid("seq", "must be zero or more"));
        }
        let outcome = self
            .committer
            .receipt(ReceiptUpdate {
                workspace_id: actor.workspace_id(),
                conversation_id,
                only_if_contact: actor.contact_id(),
                side: actor.side(),
                kind: req.kind,
                seq: req.seq,
            })
            .await?;
        match outcome {
            ReceiptOutcome::Advanced(_) | ReceiptOutcome::Unchanged => Ok(()),
            ReceiptOutcome::ConversationNotFound => Err(DomainError::NotFound("conversation")),
        }
    }

    /// Relays a typing indicator to the other side. Never stored.
    pub async fn typing(
        &self,
        actor: &Actor,
        conversation_id: ConversationId,
        typing: bool,
    ) -> DomainResult<()> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        let conversation = self.get_conversation(actor, conversation_id).await?;
        self.fanout.publish(LiveEvent::Typing {
            workspace_id: actor.workspace_id(),
            contact_id: conversation.contact_id,
            conversation_id,
            from: actor.principal(),
            typing,
        });
        Ok(())
    }

    /// An agent's socket reports its status (online, away, offline): remembered while the
    /// agent has a socket open, and told to the workspace's agents when it changes. Never
    /// stored.
    pub fn presence(&self, actor: &Actor, status: PresenceStatus) -> DomainResult<()> {
        let Actor::Agent { agent_id, .. } = *actor else {
            return Err(DomainError::Forbidden("only agents have presence"));
        };
        let workspace_id = actor.workspace_id();
        self.presence
            .report(workspace_id, agent_id, status, |status| {
                self.fanout.publish(LiveEvent::Presence {
                    workspace_id,
                    agent_id,
                    status,
                })
            });
        Ok(())
    }
}

/// Rules for a send that need no storage: ids, content limits, who may send what.
fn check_send(actor: &Actor, req: &SendMessage) -> DomainResult<()> {
    if let Some(id) = &req.client_msg_id {
        let printable = id.bytes().all(|b| b.is_ascii_graphic());
        if id.is_empty() || id.len() > MAX_CLIENT_MSG_ID_LEN || !printable {
            return Err(DomainError::invalid(
                "client_msg_id",
                "must be 1 to 64 printable ASCII characters without spaces",
            ));
        }
    }
    req.content
        .validate()
        .map_err(|e| DomainError::from_content("content", e))?;
    if !actor.is_staff() {
        if req.private {
            return Err(DomainError::invalid(
                "private",
                "customers cannot write private notes",
            ));
        }
        if !customer_may_send(&req.content) {
            return Err(DomainError::invalid(
                "content.type",
                format!("customers cannot send {} messages", req.content.kind()),
            ));
        }
    }
    Ok(())
}

/// Customers send what a person types, presses or attaches; commerce cards and payment
/// requests come from the shop only, so nobody can forge one.
fn customer_may_send(content: &Content) -> bool {
    matches!(
        content.kind(),
        "text" | "postback" | "image" | "video" | "audio" | "file" | "location" | "form_response"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer() -> Actor {
        Actor::Contact {
            workspace_id: WorkspaceId::new(),
            contact_id: ContactId::new(),
        }
    }

    fn send(client_msg_id: Option<&str>, content: Content, private: bool) -> SendMessage {
        SendMessage {
            client_msg_id: client_msg_id.map(String::from),
            content,
            private,
        }
    }

    fn field(r: DomainResult<()>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn message_cursors_keep_their_direction() {
        for p in [
            LogPosition::After(0),
            LogPosition::After(42),
            LogPosition::Before(7),
        ] {
            assert_eq!(LogPosition::from_cursor(&p.to_cursor()).unwrap(), p);
        }
        let foreign = Cursor {
            key: 3,
            id: uuid::Uuid::now_v7(),
        }
        .encode();
        assert!(LogPosition::from_cursor(&foreign).is_err());
        assert!(LogPosition::from_cursor("garbage").is_err());
    }

    #[test]
    fn client_msg_ids_are_bounded_printable_ascii() {
        let c = customer();
        assert!(check_send(&c, &send(Some("abc-123"), Content::text("hi"), false)).is_ok());
        for bad in ["", "has space", "é", &"x".repeat(65)] {
            assert_eq!(
                field(check_send(&c, &send(Some(bad), Content::text("hi"), false))),
                "client_msg_id"
            );
        }
    }

    #[test]
    fn customers_cannot_post_notes_or_shop_content() {
        let c = customer();
        assert_eq!(
            field(check_send(&c, &send(None, Content::text("hi"), true))),
            "private"
        );
        let payment: Content = serde_json::from_value(serde_json::json!({
            "type": "payment_request", "amount_minor": 1000, "currency": "EUR", "description": "x"
        }))
        .unwrap();
        assert_eq!(
            field(check_send(&c, &send(None, payment, false))),
            "content.type"
        );
    }

    #[test]
    fn customers_may_send_what_they_pressed() {
        let pressed = Content::Postback {
            text: "Add to cart".into(),
            payload: Some("add:p1".into()),
            message_id: Some(MessageId::new()),
        };
        assert!(check_send(&customer(), &send(None, pressed, false)).is_ok());
    }

    #[test]
    fn invalid_content_names_the_field_under_content() {
        let r = check_send(&customer(), &send(None, Content::text(""), false));
        assert_eq!(field(r), "content.text");
    }
}
