import type { OutboxItem } from "../../shared/realtime";
import { ContentView } from "../../shared/render";
import type { Conversation, Message } from "../../shared/types";
import { contact, displayName } from "../state/contacts";
import { agentName } from "../state/presence";
import { me } from "../state/session";
import { Avatar } from "../ui/Avatar";
import { clockTime, dateTime, dayLabel } from "../ui/format";
import { agentCtx } from "./renderCtx";

export type Tick = "sent" | "delivered" | "read";

export function tickOf(m: Message, c: Conversation): Tick | null {
  if (m.sender.type === "contact" || m.sender.type === "system" || m.private) return null;
  if (m.seq <= c.contact_read_seq) return "read";
  if (m.seq <= c.contact_delivered_seq) return "delivered";
  return "sent";
}

function senderName(m: Message, c: Conversation): string {
  switch (m.sender.type) {
    case "contact":
      return displayName(contact(c.contact_id).value, c.contact_id);
    case "agent":
      return m.sender.id === me.value?.id ? "You" : agentName(m.sender.id);
    case "bot":
      return "Bot";
    default:
      return "System";
  }
}

/// Content the renderer draws as cards, lists, forms…: their bubble is a neutral frame
/// (`bubble-rich`), never the agent's purple, so the cards keep their own colours.
const RICH_TYPES = new Set(["carousel", "list", "form", "form_response", "product", "products", "cart", "order", "payment_request"]);

export function bubbleClass(content: { type?: string } | null | undefined): string {
  return RICH_TYPES.has(content?.type ?? "") ? "bubble bubble-rich" : "bubble";
}

export function MessageRow(p: { m: Message; group: boolean; day: boolean; conversation: Conversation }) {
  const { m, conversation: c } = p;
  const side = m.sender.type === "contact" ? "in" : "out";
  const name = senderName(m, c);
  const tick = tickOf(m, c);
  if (m.sender.type === "system") {
    return (
      <div class="msg-wrap" data-testid="message" data-seq={m.seq} data-sender={m.sender.type} data-private={m.private ? "true" : undefined}>
        {p.day && <DaySep iso={m.created_at} />}
        {/* The shop's notes for agents look apart from what the customer was told. */}
        <div class={"msg-system muted small" + (m.private ? " msg-system-note" : "")}>
          {m.private && <span class="note-tag">Private note</span>}
          <ContentView content={m.content} message={m} ctx={agentCtx} />
        </div>
      </div>
    );
  }
  return (
    <div
      class={`msg-wrap msg-${side}` + (p.group ? " group-start" : "") + (m.private ? " msg-private" : "")}
      data-testid="message"
      data-seq={m.seq}
      data-sender={m.sender.type}
      data-private={m.private ? "true" : undefined}
    >
      {p.day && <DaySep iso={m.created_at} />}
      {p.group && (
        <div class="msg-head">
          <Avatar name={m.sender.type === "agent" && name === "You" ? (me.value?.name ?? name) : name} seed={m.sender.type === "contact" ? c.contact_id : (m.sender.id ?? m.sender.type)} size="sm" kind={m.sender.type} />
          <span class="msg-name">{name}</span>
          {m.private && <span class="note-tag">Private note</span>}
          <time class="muted small" dateTime={m.created_at} title={dateTime(m.created_at)}>
            {clockTime(m.created_at)}
          </time>
        </div>
      )}
      <div class="msg-line">
        <div class={bubbleClass(m.content)} title={dateTime(m.created_at)}>
          <ContentView content={m.content} message={m} ctx={agentCtx} last={m.content.type === "text" && !!m.content.quick_replies?.length} />
        </div>
        {tick && (
          <span class={`tick tick-${tick}`} title={tick} aria-label={tick} data-tick={tick}>
            {tick === "sent" ? "✓" : "✓✓"}
          </span>
        )}
      </div>
    </div>
  );
}

function DaySep(p: { iso: string }) {
  return (
    <div class="day-sep">
      <span>{dayLabel(p.iso)}</span>
    </div>
  );
}

export function PendingRow(p: { item: OutboxItem; error?: string; onRetry: () => void; onDismiss: () => void }) {
  return (
    <div class={"msg-wrap msg-out pending" + (p.item.private ? " msg-private" : "")} data-testid="pending-message">
      <div class="msg-line">
        <div class={bubbleClass(p.item.content)}>
          <ContentView content={p.item.content} ctx={agentCtx} />
        </div>
        {!p.error && (
          <span class="tick tick-pending" title="Sending…" aria-label="sending">
            🕓
          </span>
        )}
      </div>
      {p.error && (
        <div class="send-error" role="alert">
          Not sent: {p.error}{" "}
          <button class="link-btn" onClick={p.onRetry}>
            Retry
          </button>{" "}
          <button class="link-btn" onClick={p.onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
