// The visitor's sends. Once there is a conversation they go to the socket's outbox (Realtime:
// kept across reloads, re-sent until acknowledged) and show as pending meanwhile.

import { ApiError } from "../shared/api";
import type { Content } from "../shared/types";
import { uuid } from "../shared/uuid";
import type { Socket } from "./live";
import { composerProblem, type Local } from "./state";
import type { Ui } from "./controller";
import type { Thread } from "./thread";

export type Send = (content: Content) => Promise<void>;

export function createSending(
  { messages, locals }: Thread,
  socket: Socket,
  { error, showError, t }: Ui,
  ensureConversation: () => Promise<string>,
  stopTyping: () => void,
) {

  /// Sends that could not even get a conversation because the network was down: shown as
  /// pending, tried again (in order) once the browser is back online.
  let waiting: Local[] = [];

  const send: Send = async (content) => {
    error.value = "";
    const at = new Date().toISOString();
    let id: string;
    try {
      id = await ensureConversation();
    } catch (e) {
      const l: Local = { cid: uuid(), content, status: "pending", at };
      if (e instanceof ApiError && e.status === 0) waiting.push(l);
      else {
        l.status = "failed";
        l.error = showError(e);
      }
      locals.value = [...locals.value, l];
      return;
    }
    stopTyping();
    const item = socket()!.send(id, content);
    if (!messages.value.some((m) => m.client_msg_id === item.client_msg_id)) {
      locals.value = [...locals.value, { cid: item.client_msg_id, content, status: "pending", at: item.queued_at }];
    }
  };

  async function flushWaiting() {
    const w = waiting;
    if (!w.length) return;
    waiting = [];
    locals.value = locals.value.filter((l) => !w.includes(l));
    for (const l of w) await send(l.content);
  }

  /// Sends the composer's text; false (and an error shown) when it cannot be sent.
  function sendText(text: string): boolean {
    const p = composerProblem(text);
    if (p === "empty") return false;
    if (p === "too_long") {
      error.value = t.value("too_long").replace("{n}", String([...text].length));
      return false;
    }
    void send({ type: "text", text });
    return true;
  }

  /// Sends a failed message again, as a new one.
  function retry(cid: string) {
    const l = locals.value.find((x) => x.cid === cid);
    if (!l) return;
    locals.value = locals.value.filter((x) => x !== l);
    socket()?.discard(cid);
    void send(l.content);
  }

  return { send, flushWaiting, sendText, retry };
}
