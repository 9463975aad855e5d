// The visitor's conversation: the latest one, found when a session opens, else created by the
// first send; once known it is adopted (latest page loaded, followed live).

import type { Conversation, Page } from "../shared/types";
import type { Socket } from "./live";
import type { Session } from "./session";
import { lastSeq, pruneLocals } from "./state";
import type { Thread } from "./thread";

export function createConversation(
  session: Pick<Session, "call" | "ensure" | "contactId">,
  thread: Thread,
  socket: Socket,
  loadLatest: (conversationId: string) => Promise<void>,
  markRead: () => void,
) {
  const { messages, locals } = thread;
  let findP: Promise<void> | null = null;
  let createP: Promise<string> | null = null;

  /// Forgets the conversation (the session now belongs to another contact).
  function reset() {
    if (thread.id) socket()?.unfollow(thread.id);
    thread.id = null;
    findP = null;
    thread.clear();
  }

  /// Looks for the visitor's conversation once (`again`: once more, a message having arrived
  /// for one not known yet).
  function find(again = false): Promise<void> {
    if (again) findP = null;
    return (findP ??= (async () => {
      try {
        const page = await session.call<Page<Conversation>>("GET", "/api/v1/conversations?limit=1");
        const c = page.items[0];
        if (c && !thread.id) await adopt(c, true);
      } catch (e) {
        findP = null;
        throw e;
      }
    })());
  }

  async function adopt(c: Conversation, load: boolean) {
    thread.id = c.id;
    thread.watermarks(c);
    if (load) {
      try {
        await loadLatest(c.id);
      } catch (e) {
        thread.id = null; // found again (and loaded) next time
        throw e;
      }
    }
    const rt = socket();
    // Sends still in the outbox (from before a reload) show as pending.
    const known = new Set(locals.value.map((l) => l.cid));
    const pend = (rt?.pending(c.id) ?? []).filter((p) => !known.has(p.client_msg_id));
    if (pend.length) {
      locals.value = pruneLocals(
        [
          ...locals.value,
          ...pend.map((p) => ({ cid: p.client_msg_id, content: p.content, status: "pending" as const, at: p.queued_at })),
        ],
        messages.value,
      );
    }
    rt?.follow(c.id, () => lastSeq(messages.value));
    const last = lastSeq(messages.value);
    if (last) rt?.receipt(c.id, "delivered", last);
    markRead();
  }

  /// The conversation's id, creating it if the visitor has none.
  function ensure(): Promise<string> {
    if (thread.id) return Promise.resolve(thread.id);
    return (createP ??= (async () => {
      await session.ensure();
      // Not knowing whether one exists (offline, say): fail rather than create a second one.
      await find();
      if (thread.id) return thread.id;
      const c = await session.call<Conversation>("POST", "/api/v1/conversations", { contact_id: session.contactId() });
      if (!thread.id) await adopt(c, false);
      return thread.id!;
    })().finally(() => (createP = null)));
  }

  return { reset, find, ensure };
}
