// What the visitor sees of their conversation: which one it is, its messages (merged by seq),
// their sends not yet acknowledged, and how far each side has received and read.

import type { Conversation, Message } from "../shared/types";
import { mergeMessages, pruneLocals, type Local } from "./state";
import { signal, type Signal } from "./store";

export type Thread = ReturnType<typeof createThread>;

/// Watermarks only move forward.
export const raise = (watermark: Signal<number>, seq: number) => (watermark.value = Math.max(watermark.value, seq));

export function createThread() {
  const messages = signal<Message[]>([]);
  const locals = signal<Local[]>([]);
  const agentDelivered = signal(0);
  const agentRead = signal(0);
  const contactRead = signal(0);
  return {
    /// The conversation's id, once found or created (conversation.ts).
    id: null as string | null,
    messages,
    locals,
    agentDelivered,
    agentRead,
    contactRead,
    /// Merges messages from the server (private notes are not the visitor's to see); the sends
    /// they acknowledge stop showing as pending.
    merge(items: Message[]) {
      const next = mergeMessages(messages.value, items.filter((m) => !m.private));
      if (next === messages.value) return;
      messages.value = next;
      locals.value = pruneLocals(locals.value, next);
    },
    /// The read watermarks the server knows.
    watermarks(c: Conversation) {
      raise(agentRead, c.agent_read_seq || 0);
      raise(contactRead, c.contact_read_seq || 0);
    },
    clear() {
      messages.value = [];
      locals.value = [];
      agentRead.value = agentDelivered.value = contactRead.value = 0;
    },
  };
}
