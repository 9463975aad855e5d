// Desktop notifications (asked for from a button, never on load) for new conversations and
// for customer messages in conversations assigned to me while the tab is hidden; the unread
// count in the title.
import { effect, signal } from "@preact/signals";
import type { Conversation, ServerFrame } from "../../shared/types";
import { cached, unreadCount } from "./inbox";
import { previewOf } from "./inboxLogic";
import { formatRoute, route } from "./router";
import { me } from "./session";

const supported = typeof window !== "undefined" && "Notification" in window;
export const permission = signal<NotificationPermission | "unsupported">(
  supported ? Notification.permission : "unsupported",
);

export async function askPermission(): Promise<void> {
  if (!supported) return;
  permission.value = await Notification.requestPermission();
}

function show(title: string, body: string, conversationId: string): void {
  if (!supported || Notification.permission !== "granted") return;
  try {
    const n = new Notification(title, { body, tag: conversationId });
    n.onclick = () => {
      window.focus();
      const url = formatRoute({ page: "inbox", view: "all", status: "any", conversationId });
      history.pushState(null, "", url);
      route.value = { page: "inbox", view: "all", status: "any", conversationId };
      n.close();
    };
  } catch {
    // Some browsers only allow notifications from a service worker.
  }
}

export function notifyFrame(f: ServerFrame, before?: Conversation): void {
  if (typeof document === "undefined") return;
  if (f.type === "conversation" && !before && f.conversation.last_seq <= 1) {
    if (document.visibilityState === "hidden") show("New conversation", f.conversation.last_message_preview ?? "", f.conversation.id);
    return;
  }
  if (f.type === "message" && f.message.sender.type === "contact" && !f.message.private) {
    const c = cached(f.message.conversation_id);
    if (document.visibilityState === "hidden" && c && c.assignee_id && c.assignee_id === me.peek()?.id) {
      show("New message", previewOf(f.message.content), c.id);
    }
  }
}

export function startTitle(): () => void {
  return effect(() => {
    const n = unreadCount.value;
    document.title = n > 0 ? `(${n}) Shoptalk` : "Shoptalk";
  });
}
