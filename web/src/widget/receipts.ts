// What the visitor's side tells the agent besides messages: read receipts and typing.

import type { Socket } from "./live";
import { lastSeq } from "./state";
import type { ReadSignal } from "./store";
import type { Thread } from "./thread";

export function createReceipts(thread: Thread, isOpen: ReadSignal<boolean>, socket: Socket) {
  const { messages, contactRead } = thread;

  /// Read receipt when the person can see the conversation.
  function markRead() {
    if (!thread.id || !isOpen.value || document.visibilityState === "hidden") return;
    const last = lastSeq(messages.value);
    if (last > contactRead.value) {
      contactRead.value = last;
      socket()?.receipt(thread.id, "read", last);
    }
  }
  document.addEventListener("visibilitychange", markRead);

  let typingSentAt = 0;
  let typingStop: ReturnType<typeof setTimeout> | undefined;
  function stopTyping() {
    clearTimeout(typingStop);
    if (typingSentAt && thread.id) socket()?.typing(thread.id, false);
    typingSentAt = 0;
  }
  /// The person typed: typing=true at most every 4 s, false after 3 s idle or when empty.
  function userTyping(text: string) {
    const rt = socket();
    if (!thread.id || !rt) return;
    clearTimeout(typingStop);
    if (!text) return stopTyping();
    if (Date.now() - typingSentAt > 4000) {
      typingSentAt = Date.now();
      rt.typing(thread.id, true);
    }
    typingStop = setTimeout(stopTyping, 3000);
  }

  return { markRead, stopTyping, userTyping };
}
