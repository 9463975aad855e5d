// What the visitor does with a shop message: its buttons (quick replies, postbacks, shopping,
// links, location) and its forms. Shopping buttons (add to cart, buy, checkout) are requests
// on the visitor's behalf: the server answers with the cart (and pay link) as new messages,
// and their promise lets the button show busy, then why it failed.

import { ApiError } from "../shared/api";
import { safeUrl } from "../shared/safeUrl";
import { LIMITS, type Action, type Message } from "../shared/types";
import type { Send } from "./sending";
import type { Call } from "./session";
import type { Ui } from "./controller";

const label = (s: string) => [...s].slice(0, LIMITS.ACTION_TEXT_MAX_CHARS).join("");

export function createActions(send: Send, call: Call, conversationId: () => Promise<string>, { error, t }: Ui) {
  async function shop(action: Action, m?: Message) {
    const id = m?.conversation_id ?? (await conversationId());
    try {
      await call("POST", `/api/v1/conversations/${id}/shop-actions`, { action, ...(m ? { message_id: m.id } : {}) });
    } catch (e) {
      // The server's sentence without the field it names ("action.quantity: only 2 left" →
      // "Only 2 left"); a generic one when the server could not be reached.
      if (!(e instanceof ApiError && e.status)) throw new Error(t.value("error"));
      const m = e.field && e.message.startsWith(e.field + ": ") ? e.message.slice(e.field.length + 2) : e.message;
      throw new Error(m ? m[0].toUpperCase() + m.slice(1) : t.value("error"));
    }
  }

  function onAction(a: Action, m?: Message): Promise<void> | void {
    const mid = m ? { message_id: m.id } : {};
    switch (a.type) {
      case "reply":
      case "postback":
        return void send({
          type: "postback",
          text: label(a.text),
          ...(a.payload != null ? { payload: a.payload } : {}),
          ...mid,
        });
      case "add_to_cart":
      case "buy":
        return shop(a, m);
      case "checkout": {
        const c = m?.content;
        const url = c && c.type === "cart" ? safeUrl(c.checkout_url) : null;
        // Opened within the click, or the browser blocks the tab.
        if (url) return void window.open(url, "_blank", "noopener,noreferrer");
        return shop(a, m);
      }
      case "link":
      case "webview": {
        const url = safeUrl(a.url);
        if (url) window.open(url, "_blank", "noopener,noreferrer");
        return;
      }
      case "location_request":
        if (!navigator.geolocation) {
          error.value = t.value("error");
          return;
        }
        navigator.geolocation.getCurrentPosition(
          (p) =>
            void send({
              type: "location",
              latitude: Math.round(p.coords.latitude * 1e6) / 1e6,
              longitude: Math.round(p.coords.longitude * 1e6) / 1e6,
            }),
          () => (error.value = t.value("error")),
          { timeout: 15000 },
        );
    }
  }

  function onFormSubmit(values: Record<string, string>, m?: Message) {
    void send({ type: "form_response", ...(m ? { form_message_id: m.id } : {}), values });
  }

  return { onAction, onFormSubmit };
}
