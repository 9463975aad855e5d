// Telling the page and the visitor what is new: the events `Shoptalk.on` listens to (jsapi.ts),
// and a shop message announced to screen readers and chimed.

import type { Content, Message } from "../shared/types";
import type { Ui } from "./controller";
import { beep } from "./sound";
import { unreadCount } from "./state";
import { computed, onChange, signal } from "./store";
import type { Thread } from "./thread";

export type WidgetEvent = "message" | "open" | "close" | "unread";

export function createNotifier({ messages, contactRead }: Thread, { cfg, isOpen, muted, t }: Ui) {
  const handlers = new Map<string, Set<(arg?: unknown) => void>>();
  const on = (name: WidgetEvent, fn: (arg?: unknown) => void) => {
    if (!handlers.has(name)) handlers.set(name, new Set());
    handlers.get(name)!.add(fn);
    return () => void handlers.get(name)?.delete(fn);
  };
  const emit = (name: WidgetEvent, arg?: unknown) =>
    handlers.get(name)?.forEach((fn) => {
      try {
        fn(arg);
      } catch (e) {
        console.error(e);
      }
    });

  const unread = computed(() => unreadCount(messages.value, contactRead.value));
  let lastUnread = 0;
  onChange(() => {
    const n = unread.value;
    if (n !== lastUnread) {
      lastUnread = n;
      emit("unread", n);
    }
  });

  const announce = signal("");
  const preview = (c: Content) => (c.type === "text" || c.type === "postback" ? c.text.slice(0, 140) : t.value("image"));
  /// A new message from the shop; the chime only when the person cannot see it.
  function shopMessage(m: Message) {
    announce.value = preview(m.content);
    emit("message", m);
    const seen = isOpen.value && document.visibilityState !== "hidden";
    if (cfg.value?.settings.sound && !muted.value && !seen) beep();
  }

  return { on, emit, unread, announce, shopMessage };
}
