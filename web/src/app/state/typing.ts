// Who is typing: customers' typing frames, expired after 10 s without news (protocol §3).
import { signal } from "@preact/signals";
import type { Uuid } from "../../shared/types";

export const typingIn = signal<Record<Uuid, boolean>>({});
const timers = new Map<Uuid, ReturnType<typeof setTimeout>>();

export function contactTyping(conversationId: Uuid, typing: boolean): void {
  clearTimeout(timers.get(conversationId));
  timers.delete(conversationId);
  if (typing) {
    timers.set(
      conversationId,
      setTimeout(() => contactTyping(conversationId, false), 10_000),
    );
  }
  if (!!typingIn.peek()[conversationId] === typing) return;
  const next = { ...typingIn.peek() };
  if (typing) next[conversationId] = true;
  else delete next[conversationId];
  typingIn.value = next;
}
