// The conversation list of the current view: first page on filter change, more on scroll,
// live frames merged in. Also a cache of every conversation seen (for the open pane, the
// labels, notifications and unread counts).
import { computed, effect, signal } from "@preact/signals";
import type { Conversation, Message, Uuid } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import {
  applyConversation,
  applyMessage,
  appendPage,
  collectLabels,
  matchesFilter,
  patchInList,
  type InboxFilter,
  type ListState,
} from "./inboxLogic";
import { route } from "./router";
import { me } from "./session";

export const search = signal("");
export const list = signal<ListState>({ items: [], nextCursor: null });
export const listLoading = signal(false);
export const listError = signal<string | null>(null);

/// Every conversation seen, by id; `cacheVersion` moves when it changes.
const cache = new Map<Uuid, Conversation>();
export const cacheVersion = signal(0);
const extraLabels = signal<string[]>([]);

export const filter = computed<InboxFilter | null>(() => {
  const r = route.value;
  if (r.page !== "inbox") return null;
  return { view: r.view, label: r.label, status: r.status, q: search.value };
});

export const labels = computed(() => {
  cacheVersion.value;
  return collectLabels(cache.values(), extraLabels.value);
});

export function cached(id: Uuid): Conversation | undefined {
  return cache.get(id);
}

function remember(c: Conversation): void {
  const old = cache.get(c.id);
  if (old && Date.parse(old.updated_at) > Date.parse(c.updated_at)) return;
  cache.set(c.id, old && old.last_seq > c.last_seq ? { ...c, last_seq: old.last_seq, last_message_preview: old.last_message_preview, last_message_at: old.last_message_at } : c);
  bump();
}

let bumpQueued = false;
function bump(): void {
  if (bumpQueued) return;
  bumpQueued = true;
  queueMicrotask(() => {
    bumpQueued = false;
    cacheVersion.value++;
  });
}

/// Conversations with unread customer messages that are mine or nobody's (the title count).
export const unreadCount = computed(() => {
  cacheVersion.value;
  const meId = me.value?.id;
  let n = 0;
  for (const c of cache.values()) {
    if (c.unread_by_agent > 0 && c.status === "open" && (c.assignee_id === null || c.assignee_id === meId)) n++;
  }
  return n;
});

/// Unread conversations per view, from what is known (cheap, approximate).
export const viewCounts = computed(() => {
  cacheVersion.value;
  const meId = me.value?.id ?? null;
  const counts = { mine: 0, unassigned: 0, all: 0 };
  for (const c of cache.values()) {
    if (c.status !== "open") continue;
    counts.all++;
    if (c.assignee_id === null) counts.unassigned++;
    else if (c.assignee_id === meId) counts.mine++;
  }
  return counts;
});

function queryOf(f: InboxFilter, cursor?: string): ep.ConversationQuery {
  return {
    status: f.status === "any" ? undefined : f.status,
    assignee: f.view === "mine" ? "me" : f.view === "unassigned" ? "none" : undefined,
    label: f.view === "label" ? f.label : undefined,
    q: f.q.trim() || undefined,
    limit: 50,
    cursor,
  };
}

let generation = 0;
let currentKey = "";

export async function reload(): Promise<void> {
  const f = filter.peek();
  if (!f || !me.peek()) return;
  const gen = ++generation;
  listLoading.value = true;
  listError.value = null;
  list.value = { items: [], nextCursor: null };
  try {
    const page = await ep.listConversations(queryOf(f));
    if (gen !== generation) return;
    page.items.forEach(remember);
    list.value = appendPage({ items: [], nextCursor: null }, page.items, page.next_cursor ?? null);
  } catch (e) {
    if (gen === generation) listError.value = errorText(e);
  } finally {
    if (gen === generation) listLoading.value = false;
  }
}

export async function loadMore(): Promise<void> {
  const f = filter.peek();
  const cur = list.peek();
  if (!f || !cur.nextCursor || listLoading.peek()) return;
  const gen = generation;
  listLoading.value = true;
  try {
    const page = await ep.listConversations(queryOf(f, cur.nextCursor));
    if (gen !== generation) return;
    page.items.forEach(remember);
    list.value = appendPage(list.peek(), page.items, page.next_cursor ?? null);
  } catch (e) {
    if (gen === generation) listError.value = errorText(e);
  } finally {
    if (gen === generation) listLoading.value = false;
  }
}

/// Reloads whenever the view, status or query changes (the query debounced).
export function startInbox(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return effect(() => {
    const f = filter.value;
    const signedIn = !!me.value;
    if (!f || !signedIn) return;
    const key = JSON.stringify([f.view, f.label, f.status, f.q.trim()]);
    if (key === currentKey) return;
    const onlyQuery = currentKey && JSON.parse(currentKey).slice(0, 3).join() === [f.view, f.label, f.status].join();
    currentKey = key;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), onlyQuery ? 250 : 0);
  });
}

export function resetInbox(): void {
  generation++;
  currentKey = "";
  cache.clear();
  list.value = { items: [], nextCursor: null };
  bump();
}

/// A `conversation` frame or a PATCH answer.
export function upsertConversation(c: Conversation): void {
  remember(c);
  const f = filter.peek();
  if (!f) return;
  list.value = applyConversation(list.peek(), cache.get(c.id)!, f, me.peek()?.id ?? null);
}

/// A `message` frame: moves its conversation up; unknown conversations are fetched.
export function messageArrived(m: Message, viewingId: Uuid | null): void {
  const c = cache.get(m.conversation_id);
  if (c && m.seq > c.last_seq) {
    const r = applyMessage({ items: [c], nextCursor: null }, m, viewingId);
    cache.set(c.id, r.state.items[0]);
    bump();
  }
  const res = applyMessage(list.peek(), m, viewingId);
  if (res.found) {
    list.value = res.state;
    return;
  }
  // Not shown: it may now belong here (e.g. a resolved conversation reopened by a message).
  const f = filter.peek();
  if (!f) return;
  if (c && !matchesFilter(cache.get(c.id)!, f, me.peek()?.id ?? null)) return;
  ep.getConversation(m.conversation_id).then(upsertConversation, () => {});
}

/// Local edits without reordering (receipts, read state).
export function patchConversation(id: Uuid, fn: (c: Conversation) => Conversation): void {
  const c = cache.get(id);
  if (c) {
    cache.set(id, fn(c));
    bump();
  }
  list.value = patchInList(list.peek(), id, fn);
}

export function addKnownLabel(l: string): void {
  if (!extraLabels.peek().includes(l)) extraLabels.value = [...extraLabels.peek(), l];
}

/// After a reconnect: the first page again, merged in place (no flicker, scroll kept).
export async function refreshTop(): Promise<void> {
  const f = filter.peek();
  if (!f || !me.peek()) return;
  try {
    const page = await ep.listConversations(queryOf(f));
    for (const c of page.items) upsertConversation(c);
  } catch {
    // The next reconnect or view change tries again.
  }
}
