//! Frames of the real-time protocol (`GET /api/v1/ws`): JSON text frames tagged by `type`.
//! `docs/protocol.md` describes the conversation between client and server.

use crate::content::Content;
use crate::ids::*;
use crate::model::{Conversation, ErrorDetail, Message, ReceiptKind, Side};
use serde::{Deserialize, Serialize};

/// Largest client frame accepted, in bytes. Content limits keep any valid send far below it.
pub const MAX_CLIENT_FRAME_BYTES: usize = 64 * 1024;

/// What a client may send.
///
/// `Send` is far larger than the other frames (it holds a whole [`Content`]). Frames are
/// decoded one at a time and moved straight into a use case, never kept in bulk: boxing the
/// content would only cost an allocation per send.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    /// Post a message. Answered by `ack` once committed, or `error` with `ref` = `client_msg_id`.
    Send {
        conversation_id: ConversationId,
        client_msg_id: String,
        content: Content,
        #[serde(default)]
        private: bool,
    },
    /// Everything up to `seq` was delivered to / read by this client's side.
    Receipt {
        conversation_id: ConversationId,
        kind: ReceiptKind,
        seq: i64,
    },
    /// Ephemeral, never stored.
    Typing {
        conversation_id: ConversationId,
        typing: bool,
    },
    /// Replay every message after `after_seq`, in order, then `resumed`.
    Resume {
        conversation_id: ConversationId,
        after_seq: i64,
    },
    /// Agents only: online or away.
    Presence { status: PresenceStatus },
    /// Application-level heartbeat; answered by `pong`.
    Ping {
        #[serde(default)]
        nonce: Option<u64>,
    },
}

/// An agent's availability, as the agent app reports it and `GET /api/v1/agents/presence` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Away,
    Offline,
}

/// Who is on the other end of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Principal {
    Agent { id: AgentId },
    Contact { id: ContactId },
    ApiKey { id: ApiKeyId },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// First frame on every socket.
    Hello {
        workspace_id: WorkspaceId,
        principal: Principal,
        /// The client should send something (e.g. `ping`) at least this often.
        heartbeat_ms: u64,
    },
    /// The client's `send` is durably committed.
    Ack {
        client_msg_id: String,
        message: Message,
    },
    /// A new message in a conversation this client may see.
    Message { message: Message },
    /// A receipt watermark moved forward.
    Receipt {
        conversation_id: ConversationId,
        side: Side,
        kind: ReceiptKind,
        seq: i64,
    },
    Typing {
        conversation_id: ConversationId,
        from: Principal,
        typing: bool,
    },
    Presence {
        agent_id: AgentId,
        status: PresenceStatus,
    },
    /// A conversation was created or changed (agents only).
    Conversation { conversation: Conversation },
    /// Replay after `resume` finished; `last_seq` is the newest seq sent.
    Resumed {
        conversation_id: ConversationId,
        last_seq: i64,
    },
    Pong {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<u64>,
    },
    /// The server is going away (shutdown): reconnect after the delay and resume.
    Reconnect { retry_after_ms: u64 },
    Error {
        /// The `client_msg_id` (or frame type) the error answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        r#ref: Option<String>,
        error: ErrorDetail,
    },
}

/// Why a client frame could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrameError {
    #[error("frame is {0} bytes; the limit is {MAX_CLIENT_FRAME_BYTES}")]
    TooLarge(usize),
    #[error("frame is not a valid protocol frame: {0}")]
    Malformed(String),
}

impl ClientFrame {
    /// Decodes one text frame. Never panics, whatever the input.
    pub fn decode(text: &str) -> Result<Self, FrameError> {
        if text.len() > MAX_CLIENT_FRAME_BYTES {
            return Err(FrameError::TooLarge(text.len()));
        }
        serde_json::from_str(text).map_err(|e| FrameError::Malformed(e.to_string()))
    }
}

impl ServerFrame {
    pub fn encode(&self) -> String {
        // Serialising these plain data types cannot fail: no maps with non-string keys.
        serde_json::to_string(self).expect("server frames always serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_a_send() {
        let id = ConversationId::new();
        let frame = ClientFrame::decode(&format!(
            r#"{{"type":"send","conversation_id":"{id}","client_msg_id":"c1","content":{{"type":"text","text":"hi"}}}}"#
        ))
        .unwrap();
        assert_eq!(
            frame,
            ClientFrame::Send {
                conversation_id: id,
                client_msg_id: "c1".into(),
                content: Content::text("hi"),
                private: false
            }
        );
    }

    #[test]
    fn refuses_unknown_fields_and_types() {
        let id = ConversationId::new();
        assert!(matches!(
            ClientFrame::decode(&format!(
                r#"{{"type":"typing","conversation_id":"{id}","typing":true,"extra":1}}"#
            )),
            Err(FrameError::Malformed(_))
        ));
        assert!(matches!(
            ClientFrame::decode(r#"{"type":"launch_missiles"}"#),
            Err(FrameError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_oversized_frames_before_parsing() {
        let big = format!(
            r#"{{"type":"ping","pad":"{}"}}"#,
            "x".repeat(MAX_CLIENT_FRAME_BYTES)
        );
        assert!(matches!(
            ClientFrame::decode(&big),
            Err(FrameError::TooLarge(_))
        ));
    }

    proptest! {
        #[test]
        fn decode_never_panics(s in ".{0,512}") {
            let _ = ClientFrame::decode(&s);
        }

        #[test]
        fn decode_never_panics_on_json_shaped_input(
            t in prop::sample::select(vec!["send", "receipt", "typing", "resume", "presence", "ping"]),
            body in "[ -~]{0,200}",
        ) {
            let _ = ClientFrame::decode(&format!(r#"{{"type":"{t}",{body}}}"#));
        }

        #[test]
        fn frames_round_trip(seq in any::<i64>(), typing in any::<bool>()) {
            let id = ConversationId::new();
            for frame in [
                ClientFrame::Receipt { conversation_id: id, kind: ReceiptKind::Read, seq },
                ClientFrame::Typing { conversation_id: id, typing },
                ClientFrame::Resume { conversation_id: id, after_seq: seq },
            ] {
                let text = serde_json::to_string(&frame).unwrap();
                prop_assert_eq!(ClientFrame::decode(&text).unwrap(), frame);
            }
        }
    }
}
