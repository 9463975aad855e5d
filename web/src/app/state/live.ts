// The WebSocket of the signed-in agent: frames dispatched to the stores, the outbox exposed
// to the composer and the message list.
import { signal } from "@preact/signals";
import { Realtime, type ConnectionState, type OutboxItem } from "../../shared/realtime";
import type { Content, PresenceStatus, ServerFrame, Uuid } from "../../shared/types";
import { client } from "../api/client";
import * as inbox from "./inbox";
import { applyLiveMessage, lastSeq } from "./messages";
import { setPresence } from "./presence";
import { route } from "./router";
import { me } from "./session";
import { contactTyping } from "./typing";
import { notifyFrame } from "./notify";

export const connection = signal<ConnectionState>("offline");
/// Moves whenever the outbox or the failures change.
export const outboxVersion = signal(0);

export interface Failed {
  item: OutboxItem;
  error: string;
}
export const failures = signal<Map<string, Failed>>(new Map());

let rt: Realtime | null = null;
let wasOnline = false;
const sent = new Map<string, OutboxItem>();

export function viewingId(): Uuid | null {
  const r = route.peek();
  return r.page === "inbox" && document.visibilityState !== "hidden" ? r.conversationId : null;
}

export function handleFrame(f: ServerFrame): void {
  switch (f.type) {
    case "message":
      applyLiveMessage(f.message);
      inbox.messageArrived(f.message, viewingId());
      if (f.message.sender.type === "contact") {
        contactTyping(f.message.conversation_id, false);
        // The shop side has it: `delivered` (the open conversation also sends `read`).
        rt?.receipt(f.message.conversation_id, "delivered", f.message.seq);
      }
      notifyFrame(f);
      break;
    case "ack":
      applyLiveMessage(f.message);
      inbox.messageArrived(f.message, viewingId());
      sent.delete(f.client_msg_id);
      outboxVersion.value++;
      break;
    case "conversation": {
      const before = inbox.cached(f.conversation.id);
      inbox.upsertConversation(f.conversation);
      notifyFrame(f, before);
      break;
    }
    case "receipt":
      inbox.patchConversation(f.conversation_id, (c) => {
        if (f.side === "contact") {
          return f.kind === "read"
            ? { ...c, contact_read_seq: Math.max(c.contact_read_seq, f.seq), contact_delivered_seq: Math.max(c.contact_delivered_seq, f.seq) }
            : { ...c, contact_delivered_seq: Math.max(c.contact_delivered_seq, f.seq) };
        }
        return f.kind === "read" ? { ...c, agent_read_seq: Math.max(c.agent_read_seq, f.seq) } : c;
      });
      break;
    case "typing":
      if (f.from.kind === "contact") contactTyping(f.conversation_id, f.typing);
      break;
    case "presence":
      setPresence(f.agent_id, f.status);
      break;
    case "error":
      if (f.ref && sent.has(f.ref)) {
        const item = sent.get(f.ref)!;
        sent.delete(f.ref);
        const next = new Map(failures.peek());
        next.set(f.ref, { item, error: f.error.message });
        failures.value = next;
        outboxVersion.value++;
      }
      break;
    case "hello":
      if (f.principal.kind === "agent") setPresence(f.principal.id, myStatus.peek());
      break;
  }
}

export const myStatus = signal<PresenceStatus>("online");

export function startLive(): void {
  if (rt) return;
  rt = new Realtime({
    baseUrl: client.baseUrl,
    token: client.token,
    onFrame: handleFrame,
    onState: (s) => {
      // Back online after a drop: what changed meanwhile in the list is fetched again (the
      // open conversation is resumed by the socket itself).
      if (s === "online" && wasOnline) void inbox.refreshTop();
      if (s === "online") wasOnline = true;
      connection.value = s;
    },
    outboxKey: me.peek() ? `shoptalk.app.outbox.${me.peek()!.id}` : undefined,
  });
  for (const i of rt.pending()) sent.set(i.client_msg_id, i);
  rt.start();
}

export function stopLive(): void {
  rt?.stop();
  rt = null;
  wasOnline = false;
  sent.clear();
  failures.value = new Map();
}

export function sendContent(conversationId: Uuid, content: Content, isPrivate: boolean): OutboxItem | null {
  if (!rt) return null;
  const item = rt.send(conversationId, content, { private: isPrivate });
  sent.set(item.client_msg_id, item);
  outboxVersion.value++;
  return item;
}

export function pendingFor(conversationId: Uuid): OutboxItem[] {
  return rt ? rt.pending(conversationId) : [];
}

export function dismissFailure(clientMsgId: string): void {
  const next = new Map(failures.peek());
  next.delete(clientMsgId);
  failures.value = next;
}

export function retryFailure(clientMsgId: string): void {
  const f = failures.peek().get(clientMsgId);
  if (!f) return;
  dismissFailure(clientMsgId);
  sendContent(f.item.conversation_id, f.item.content, f.item.private);
}

export function follow(conversationId: Uuid): void {
  rt?.follow(conversationId, () => lastSeq(conversationId));
}

export function unfollow(conversationId: Uuid): void {
  rt?.unfollow(conversationId);
}

export function sendReceipt(conversationId: Uuid, seq: number): void {
  rt?.receipt(conversationId, "read", seq);
}

export function sendTyping(conversationId: Uuid, typing: boolean): void {
  rt?.typing(conversationId, typing);
}

export function setMyStatus(s: PresenceStatus): void {
  myStatus.value = s;
  rt?.presence(s);
  const id = me.peek()?.id;
  if (id) setPresence(id, s);
}
