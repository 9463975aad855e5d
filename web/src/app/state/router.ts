// Paths under /app (History API):
//   /app/inbox/<mine|unassigned|all>[/<conversation-id>][?status=…]
//   /app/inbox/label/<label>[/<conversation-id>][?status=…]
//   /app/settings/<tab>
import { signal } from "@preact/signals";
import type { ConversationStatus } from "../../shared/types";
import type { View } from "./inboxLogic";

export const BASE = "/app";

export type Route =
  | { page: "inbox"; view: View; label?: string; status: ConversationStatus | "any"; conversationId: string | null }
  | { page: "settings"; tab: string };

const STATUSES = ["open", "pending", "snoozed", "resolved", "any"];

export function parseRoute(pathname: string, search = ""): Route {
  let rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
  const statusParam = new URLSearchParams(search).get("status") ?? "open";
  const status = (STATUSES.includes(statusParam) ? statusParam : "open") as ConversationStatus | "any";
  if (parts[0] === "settings") return { page: "settings", tab: parts[1] ?? "" };
  if (parts[0] === "inbox") {
    if (parts[1] === "label" && parts[2]) {
      return { page: "inbox", view: "label", label: parts[2], status, conversationId: parts[3] ?? null };
    }
    if (parts[1] === "mine" || parts[1] === "unassigned" || parts[1] === "all") {
      return { page: "inbox", view: parts[1], status, conversationId: parts[2] ?? null };
    }
  }
  return { page: "inbox", view: "mine", status, conversationId: null };
}

export function formatRoute(r: Route): string {
  if (r.page === "settings") return `${BASE}/settings${r.tab ? "/" + encodeURIComponent(r.tab) : ""}`;
  let p = `${BASE}/inbox/${r.view}`;
  if (r.view === "label") p += "/" + encodeURIComponent(r.label ?? "");
  if (r.conversationId) p += "/" + r.conversationId;
  if (r.status !== "open") p += "?status=" + r.status;
  return p;
}

export const route = signal<Route>(parseRoute(location.pathname, location.search));

export function navigate(r: Route, replace = false): void {
  const url = formatRoute(r);
  if (url !== location.pathname + location.search) {
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
  }
  route.value = r;
}

export function startRouter(): void {
  window.addEventListener("popstate", () => {
    route.value = parseRoute(location.pathname, location.search);
  });
}

/// Opens a conversation in the current inbox view.
export function openConversation(id: string | null): void {
  const r = route.value;
  if (r.page !== "inbox") {
    navigate({ page: "inbox", view: "all", status: "any", conversationId: id });
    return;
  }
  navigate({ ...r, conversationId: id });
}
