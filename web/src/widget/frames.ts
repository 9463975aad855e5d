// What the server pushes on the socket, applied to the conversation; and the agent's typing
// indicator, which only frames set.

import type { Message, ServerFrame } from "../shared/types";
import type { Ui } from "./controller";
import type { Socket } from "./live";
import { fromShop } from "./state";
import { signal } from "./store";
import { raise, type Thread } from "./thread";

export function createFrameHandler(
  thread: Thread,
  { error, t }: Ui,
  socket: Socket,
  /// Looks for the conversation again: a message arrived before it was known.
  findAgain: () => void,
  shopMessage: (m: Message) => void,
  markRead: () => void,
) {
  const { messages, locals } = thread;
  const agentTyping = signal(false);
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  function onFrame(f: ServerFrame) {
    switch (f.type) {
      case "ack":
        if (f.message.conversation_id === thread.id) thread.merge([f.message]);
        break;
      case "message": {
        const m = f.message;
        if (!thread.id) return findAgain();
        if (m.conversation_id !== thread.id) return;
        const known = messages.value.some((x) => x.id === m.id);
        thread.merge([m]);
        if (!known && fromShop(m)) {
          agentTyping.value = false;
          socket()?.receipt(thread.id, "delivered", m.seq);
          shopMessage(m);
          markRead();
        }
        break;
      }
      case "receipt":
        if (f.conversation_id !== thread.id) return;
        if (f.side === "agent") raise(f.kind === "read" ? thread.agentRead : thread.agentDelivered, f.seq);
        else if (f.kind === "read") raise(thread.contactRead, f.seq);
        break;
      case "typing":
        if (f.conversation_id !== thread.id || f.from.kind === "contact") return;
        agentTyping.value = f.typing;
        clearTimeout(typingTimer);
        if (f.typing) typingTimer = setTimeout(() => (agentTyping.value = false), 10_000);
        break;
      case "error": {
        const ref = f.ref ?? "";
        const msg = f.error?.message || t.value("error");
        if (locals.value.some((l) => l.cid === ref)) {
          locals.value = locals.value.map((l) => (l.cid === ref ? { ...l, status: "failed", error: msg } : l));
          error.value = msg;
        } else if (!["receipt", "typing", "resume", "presence"].includes(ref)) {
          error.value = msg;
        }
        break;
      }
    }
  }

  return { onFrame, agentTyping };
}
