// Pure state logic of the widget's conversation (unit-tested): merging messages by seq,
// de-duplication, own messages' ticks, the unread count.

import type { Content, Message } from "../shared/types";

export type Tick = "pending" | "sent" | "delivered" | "read" | "failed";

/// An own message the server has not committed: in the outbox, or refused.
export interface Local {
  cid: string;
  content: Content;
  status: "pending" | "failed";
  error?: string;
  at: string;
}

/// `list` (sorted by seq) with `incoming` merged in: one entry per id and per client_msg_id,
/// sorted by seq. Returns `list` itself when nothing changed.
export function mergeMessages(list: Message[], incoming: Message[]): Message[] {
  let out = list;
  for (const m of incoming) {
    if (!m || typeof m.seq !== "number") continue;
    const i = out.findIndex(
      (x) => x.id === m.id || (m.client_msg_id != null && x.client_msg_id === m.client_msg_id && x.sender.type === m.sender.type),
    );
    if (i >= 0) {
      if (out[i].seq === m.seq && out[i].id === m.id) continue;
      out = out.slice();
      out.splice(i, 1);
    } else if (out === list) out = out.slice();
    // Insert in seq order (usually at the end).
    let j = out.length;
    while (j > 0 && out[j - 1].seq > m.seq) j--;
    out.splice(j, 0, m);
  }
  return out;
}

/// Locals minus the ones now committed (their client_msg_id is in `messages`).
export function pruneLocals(locals: Local[], messages: Message[]): Local[] {
  if (!locals.length) return locals;
  const ids = new Set(messages.map((m) => m.client_msg_id).filter(Boolean));
  const next = locals.filter((l) => !ids.has(l.cid));
  return next.length === locals.length ? locals : next;
}

/// The tick of an own (contact) message from the shop side's watermarks.
export function tick(seq: number, agentDelivered: number, agentRead: number): Tick {
  if (seq <= agentRead) return "read";
  if (seq <= Math.max(agentDelivered, agentRead)) return "delivered";
  return "sent";
}

export const fromShop = (m: Message) => m.sender.type === "agent" || m.sender.type === "bot";

/// Shop messages after the contact's read watermark.
export function unreadCount(messages: Message[], contactReadSeq: number): number {
  let n = 0;
  for (const m of messages) if (fromShop(m) && m.seq > contactReadSeq) n++;
  return n;
}

export const lastSeq = (messages: Message[]) => (messages.length ? messages[messages.length - 1].seq : 0);

/// Characters as the server counts them (Unicode scalar values).
export const charCount = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export const MAX_CHARS = 4096;
export const COUNTER_FROM = 3800;

/// Composer check: null when sendable, else "empty" or "too_long".
export function composerProblem(text: string): null | "empty" | "too_long" {
  if (!text.trim()) return "empty";
  return charCount(text) > MAX_CHARS ? "too_long" : null;
}

/// Within this many px of the bottom, the message list counts as at the bottom.
export const NEAR_BOTTOM = 80;

/// Scroll pinning of the message list: whether it still follows the newest message after a
/// scroll event. `stuck`: it did; `at`: the scrollTop where it last was at the bottom (our own
/// pinning included); `top`, `gap`: its scrollTop and distance to the bottom now. Content that
/// grows below (images, video metadata, carousels, fonts) or above (the browser's scroll
/// anchoring) never moves the list up, a person does: only then does it let go.
export function stuckAfterScroll(stuck: boolean, at: number, top: number, gap: number): boolean {
  return gap < NEAR_BOTTOM || (stuck && top >= at - 1);
}
