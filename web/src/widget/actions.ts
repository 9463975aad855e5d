// What the visitor does with a shop message: its buttons (quick replies, postbacks, cart,
// links, location) and its forms.

import { safeUrl } from "../shared/safeUrl";
import { LIMITS, type Action, type Message } from "../shared/types";
import type { Send } from "./sending";
import type { Ui } from "./controller";

const label = (s: string) => [...s].slice(0, LIMITS.ACTION_TEXT_MAX_CHARS).join("");

export function createActions(send: Send, { error, t }: Ui) {
  function onAction(a: Action, m?: Message) {
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
        return void send({ type: "postback", text: label(a.text), payload: JSON.stringify(a), ...mid });
      case "checkout": {
        const c = m?.content;
        const url = c && c.type === "cart" ? safeUrl(c.checkout_url) : null;
        if (url) window.open(url, "_blank", "noopener,noreferrer");
        else void send({ type: "postback", text: label(a.text), payload: JSON.stringify(a), ...mid });
        return;
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
