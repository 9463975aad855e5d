// The live connection: the shared Realtime socket (opened with the first session, reconnected
// with each new one), and whether the widget is offline by the browser's or the socket's word.

import { Realtime, type ConnectionState } from "../shared/realtime";
import type { ServerFrame } from "../shared/types";
import type { WidgetEnv } from "./controller";
import type { Session } from "./session";
import { computed, signal } from "./store";

export type Socket = () => Realtime | null;

/// `onOnline`: the socket (re)connected, or the browser came back online.
export function createLive(
  { baseUrl, widgetKey, WebSocketImpl }: WidgetEnv,
  { token, identity }: Pick<Session, "token" | "identity">,
  onFrame: (f: ServerFrame) => void,
  onOnline: () => void,
) {
  const conn = signal<ConnectionState>("offline");
  const started = signal(false);
  const hadOnline = signal(false);
  const netDown = signal(navigator.onLine === false);
  const offline = computed(
    () =>
      netDown.value || (started.value && (conn.value === "offline" || (conn.value === "connecting" && hadOnline.value))),
  );
  window.addEventListener("online", () => {
    netDown.value = false;
    onOnline();
  });
  window.addEventListener("offline", () => (netDown.value = true));

  let rt: Realtime | null = null;
  function connect() {
    if (rt) return rt.reconnect();
    rt = new Realtime({
      baseUrl,
      token,
      query: () => {
        const id = identity();
        return id ? { identity: id } : ({} as Record<string, string>);
      },
      outboxKey: `shoptalk:${widgetKey}:outbox`,
      onFrame,
      onState: (s) => {
        conn.value = s;
        if (s === "online") {
          hadOnline.value = true;
          onOnline();
        }
      },
      WebSocketImpl,
    });
    started.value = true;
    rt.start();
  }

  /// `socket()` is null until the first session opens.
  const socket: Socket = () => rt;
  return { conn, offline, connect, socket };
}
