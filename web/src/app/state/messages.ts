// Loaded logs of conversations, one signal each: the latest page first, older pages on demand,
// live messages merged in (gaps filled from the server).
import { signal, type Signal } from "@preact/signals";
import type { Message, Uuid } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { hasGap, mergeMessages } from "./messagesLogic";

export interface Thread {
  items: Message[];
  /// Cursor of the next older page; null = the beginning is loaded.
  olderCursor: string | null;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const PAGE = 100;
const threads = new Map<Uuid, Signal<Thread>>();

export function thread(id: Uuid): Signal<Thread> {
  let t = threads.get(id);
  if (!t) {
    t = signal<Thread>({ items: [], olderCursor: null, loaded: false, loadingOlder: false, error: null });
    threads.set(id, t);
    // A handful of logs stay in memory; the oldest opened go.
    if (threads.size > 30) {
      const oldest = threads.keys().next().value as Uuid;
      threads.delete(oldest);
    }
  }
  return t;
}

export function lastSeq(id: Uuid): number {
  const t = threads.get(id)?.value;
  return t && t.items.length ? t.items[t.items.length - 1].seq : 0;
}

export function clearThreads(): void {
  threads.clear();
}

export async function openThread(id: Uuid): Promise<void> {
  const t = thread(id);
  if (t.value.loaded) {
    // Catch up with whatever happened while it was not followed.
    void fillAfter(id);
    return;
  }
  try {
    const page = await ep.listMessages(id, { limit: PAGE });
    t.value = {
      ...t.value,
      items: mergeMessages(t.value.items, page.items),
      olderCursor: page.next_cursor ?? null,
      loaded: true,
      error: null,
    };
  } catch (e) {
    t.value = { ...t.value, error: errorText(e) };
  }
}

export async function loadOlder(id: Uuid): Promise<void> {
  const t = thread(id);
  const cur = t.value;
  if (!cur.loaded || cur.loadingOlder || !cur.olderCursor) return;
  t.value = { ...cur, loadingOlder: true };
  try {
    const page = await ep.listMessages(id, { cursor: cur.olderCursor, limit: PAGE });
    t.value = {
      ...t.value,
      items: mergeMessages(t.value.items, page.items),
      olderCursor: page.next_cursor ?? null,
      loadingOlder: false,
    };
  } catch (e) {
    t.value = { ...t.value, loadingOlder: false, error: errorText(e) };
  }
}

const filling = new Set<Uuid>();
async function fillAfter(id: Uuid, from = lastSeq(id)): Promise<void> {
  if (filling.has(id)) return;
  filling.add(id);
  try {
    let after = from;
    for (let guard = 0; guard < 50; guard++) {
      const page = await ep.listMessages(id, { after_seq: after, limit: 200 });
      const t = thread(id);
      t.value = { ...t.value, items: mergeMessages(t.value.items, page.items) };
      if (!page.next_cursor || page.items.length === 0) break;
      after = page.items[page.items.length - 1].seq;
    }
  } catch {
    // The next live message tries again.
  } finally {
    filling.delete(id);
  }
}

/// A live message (or an ack): merged when its conversation is loaded.
export function applyLiveMessage(m: Message): void {
  const t = threads.get(m.conversation_id);
  if (!t || !t.value.loaded) return;
  if (hasGap(t.value.items, m)) {
    const from = lastSeq(m.conversation_id);
    t.value = { ...t.value, items: mergeMessages(t.value.items, [m]) };
    void fillAfter(m.conversation_id, from);
    return;
  }
  t.value = { ...t.value, items: mergeMessages(t.value.items, [m]) };
}
