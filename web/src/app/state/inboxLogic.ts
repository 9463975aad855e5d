// Pure rules of the conversation list: which conversations a view shows, in which order, and
// how live `conversation` / `message` frames change a loaded list.
import { currencyDigits } from "../../shared/format";
import type { Content, Conversation, ConversationStatus, Message, Uuid } from "../../shared/types";

export type View = "mine" | "unassigned" | "all" | "label";

export interface InboxFilter {
  view: View;
  label?: string;
  /// "any" shows every status.
  status: ConversationStatus | "any";
  q: string;
}

export function matchesFilter(c: Conversation, f: InboxFilter, meId: Uuid | null): boolean {
  if (f.status !== "any" && c.status !== f.status) return false;
  switch (f.view) {
    case "mine":
      if (!meId || c.assignee_id !== meId) return false;
      break;
    case "unassigned":
      if (c.assignee_id !== null) return false;
      break;
    case "label":
      if (!f.label || !c.labels.includes(f.label)) return false;
      break;
  }
  return true;
}

/// The server orders by last activity, newest first, ties by id (newest first).
export function activityOf(c: Conversation): string {
  return c.last_message_at ?? c.created_at;
}

/// Negative when `a` comes before `b` in the list.
export function compareConversations(a: Conversation, b: Conversation): number {
  const ta = Date.parse(activityOf(a));
  const tb = Date.parse(activityOf(b));
  if (ta !== tb) return tb - ta;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export interface ListState {
  items: Conversation[];
  /// More pages on the server (then an item sorting after the last loaded one is not ours to
  /// insert: a later page brings it).
  nextCursor: string | null;
}

/// Inserts `c` at its sorted place (binary search), the list being sorted.
function insertSorted(items: Conversation[], c: Conversation): Conversation[] {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareConversations(items[mid], c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  const out = items.slice();
  out.splice(lo, 0, c);
  return out;
}

function placeable(state: ListState, c: Conversation): boolean {
  if (!state.nextCursor || state.items.length === 0) return true;
  return compareConversations(c, state.items[state.items.length - 1]) <= 0;
}

/// A conversation changed or appeared (a `conversation` frame, a PATCH answer): replace it,
/// move it to its place, or drop it when it left the view. With a search query, only
/// conversations already shown are updated (the match is the server's to decide).
export function applyConversation(
  state: ListState,
  c: Conversation,
  f: InboxFilter,
  meId: Uuid | null,
): ListState {
  const idx = state.items.findIndex((x) => x.id === c.id);
  const existing = idx >= 0 ? state.items[idx] : undefined;
  // Frames can overtake each other: never go back to an older copy.
  if (existing && Date.parse(existing.updated_at) > Date.parse(c.updated_at)) return state;
  if (existing && existing.last_seq > c.last_seq) {
    c = { ...c, last_seq: existing.last_seq, last_message_preview: existing.last_message_preview, last_message_at: existing.last_message_at };
  }
  const without = idx >= 0 ? state.items.filter((_, i) => i !== idx) : state.items;
  const keep = matchesFilter(c, f, meId) && (existing !== undefined || f.q.trim() === "");
  if (!keep) return idx >= 0 ? { ...state, items: without } : state;
  if (!placeable({ ...state, items: without }, c)) return { ...state, items: without };
  return { ...state, items: insertSorted(without, c) };
}

/// One-line preview of a content, like the server's (`Content::preview`).
export function previewOf(content: Content): string {
  let raw: string;
  switch (content.type) {
    case "text":
      raw = content.text;
      break;
    case "postback":
      raw = content.text;
      break;
    case "image":
      raw = "📷 " + (content.caption?.trim() || "Photo");
      break;
    case "video":
      raw = "🎬 " + (content.caption?.trim() || "Video");
      break;
    case "audio":
      raw = "🎤 Audio";
      break;
    case "file":
      raw = "📎 " + (content.filename?.trim() || "File");
      break;
    case "location":
      raw = "📍 " + (content.name?.trim() || content.address?.trim() || "Location");
      break;
    case "carousel":
      raw = "🛍 " + (content.cards.length === 1 ? content.cards[0].title : `${content.cards.length} products`);
      break;
    case "list":
      raw = "📋 " + (content.title?.trim() || content.body);
      break;
    case "form":
      raw = "📝 " + (content.title?.trim() || "Form");
      break;
    case "form_response":
      raw = "📝 Form submitted";
      break;
    case "product":
      raw = "🛍 " + (content.title ?? content.product_id);
      break;
    case "products":
      raw = "🛍 " + (content.items.length === 1 ? (content.items[0].title ?? content.items[0].product_id) : `${content.items.length} products`);
      break;
    case "cart":
      raw = `🛒 Cart: ${content.items.reduce((n, l) => n + l.quantity, 0)} items`;
      break;
    case "order":
      raw = `Order #${(content.number?.trim() || content.order_id).replace(/^#+/, "")} — ${content.status.replace(/_/g, " ")}`;
      break;
    case "payment_request": {
      // As the server writes money: "71.00 EUR", "500 JPY".
      const digits = currencyDigits(content.currency);
      raw = `Payment request: ${(content.amount_minor / 10 ** digits).toFixed(digits)} ${content.currency}`;
      break;
    }
    default:
      raw = "";
  }
  const line = raw.replace(/[\s\p{Cc}]+/gu, " ").trim();
  return line.length > 140 ? line.slice(0, 139) + "…" : line;
}

export type MessageApplied = { state: ListState; found: boolean };

/// A new message: the conversation's preview, time and unread count move on, and it goes to
/// the top. `found: false` tells the caller to fetch the conversation (it may belong here).
export function applyMessage(state: ListState, m: Message, viewingId: Uuid | null): MessageApplied {
  const idx = state.items.findIndex((x) => x.id === m.conversation_id);
  if (idx < 0) return { state, found: false };
  const c = state.items[idx];
  if (m.seq <= c.last_seq) return { state, found: true };
  const fromContact = m.sender.type === "contact";
  const updated: Conversation = {
    ...c,
    last_seq: m.seq,
    last_message_preview: m.private ? c.last_message_preview : previewOf(m.content),
    last_message_at: m.private ? c.last_message_at : m.created_at,
    unread_by_agent:
      fromContact && !m.private && viewingId !== c.id ? c.unread_by_agent + 1 : viewingId === c.id ? 0 : c.unread_by_agent,
  };
  const without = state.items.filter((_, i) => i !== idx);
  return { state: { ...state, items: insertSorted(without, updated) }, found: true };
}

/// Appends a fetched page, skipping conversations already shown (they moved up meanwhile).
export function appendPage(state: ListState, page: Conversation[], nextCursor: string | null): ListState {
  const seen = new Set(state.items.map((c) => c.id));
  const fresh = page.filter((c) => !seen.has(c.id));
  return { items: state.items.concat(fresh), nextCursor };
}

/// Patches one conversation in place (receipts, read state) without reordering.
export function patchInList(state: ListState, id: Uuid, fn: (c: Conversation) => Conversation): ListState {
  const idx = state.items.findIndex((x) => x.id === id);
  if (idx < 0) return state;
  const items = state.items.slice();
  items[idx] = fn(items[idx]);
  return { ...state, items };
}

/// Labels seen across conversations, sorted, for the label views.
export function collectLabels(lists: Iterable<Conversation>, known: Iterable<string> = []): string[] {
  const set = new Set<string>(known);
  for (const c of lists) for (const l of c.labels) set.add(l);
  return [...set].sort((a, b) => a.localeCompare(b));
}
