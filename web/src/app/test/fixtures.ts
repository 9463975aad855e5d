import type { Conversation, Message } from "../../shared/types";

export function conv(id: string, at: string, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    workspace_id: "w",
    contact_id: "ct-" + id,
    channel: "web",
    status: "open",
    snoozed_until: null,
    assignee_id: null,
    labels: [],
    last_seq: 1,
    last_message_preview: "hi",
    last_message_at: at,
    unread_by_agent: 0,
    unread_by_contact: 0,
    contact_delivered_seq: 0,
    contact_read_seq: 0,
    agent_read_seq: 0,
    created_at: at,
    updated_at: at,
    ...extra,
  };
}

export function msg(conversation_id: string, seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `${conversation_id}-${seq}`,
    conversation_id,
    seq,
    sender: { type: "contact", id: "ct" },
    content: { type: "text", text: `m${seq}` },
    private: false,
    client_msg_id: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(),
    ...extra,
  };
}
