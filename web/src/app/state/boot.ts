// Starting and ending the signed-in app.
import { clearContacts } from "./contacts";
import { resetInbox, startInbox } from "./inbox";
import { startLive, stopLive } from "./live";
import { clearThreads } from "./messages";
import { startTitle } from "./notify";
import { loadAgents } from "./presence";
import { loadCanned } from "./canned";
import { navigate, route, startRouter } from "./router";
import { loadSession, onSessionEnd } from "./session";
import { loadShop, shop } from "./shop";

let started = false;

/// Once per page: effects that follow the signals.
export function startApp(): void {
  if (started) return;
  started = true;
  startRouter();
  startInbox();
  startTitle();
  onSessionEnd(() => {
    stopLive();
    resetInbox();
    clearThreads();
    clearContacts();
    shop.value = null;
  });
}

/// After sign-in or with a stored token.
export async function bootSession(): Promise<void> {
  await loadSession();
  if (location.pathname === "/app" || location.pathname === "/app/" || !location.pathname.startsWith("/app")) {
    navigate({ page: "inbox", view: "mine", status: "open", conversationId: null }, true);
  } else if (route.peek().page === "inbox" && !location.pathname.startsWith("/app/inbox")) {
    navigate(route.peek(), true);
  }
  void loadAgents();
  void loadCanned();
  void loadShop();
  startLive();
}
