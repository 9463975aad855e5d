// The conversation's messages, a page at a time: the latest when it is adopted, older ones as
// the visitor scrolls up.

import type { Message, Page } from "../shared/types";
import type { Call } from "./session";
import { signal } from "./store";
import type { Thread } from "./thread";

const PAGE = 50;

export function createHistory(call: Call, thread: Thread, showError: (e: unknown) => void) {
  const hasMore = signal(false);
  const loadingOlder = signal(false);

  async function loadPage(conversationId: string, before = "") {
    const page = await call<Page<Message>>("GET", `/api/v1/conversations/${conversationId}/messages?${before}limit=${PAGE}`);
    thread.merge(page.items);
    hasMore.value = page.items.length >= PAGE && page.items[0].seq > 1;
  }

  async function loadOlder() {
    const first = thread.messages.value[0];
    if (!thread.id || !hasMore.value || loadingOlder.value || !first) return;
    loadingOlder.value = true;
    try {
      await loadPage(thread.id, `before_seq=${first.seq}&`);
    } catch (e) {
      showError(e);
    } finally {
      loadingOlder.value = false;
    }
  }

  return { hasMore, loadingOlder, loadLatest: (conversationId: string) => loadPage(conversationId), loadOlder };
}
