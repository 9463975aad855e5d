// window.Shoptalk: the page's handle on the widget. Calls made before the script loaded are
// queued by the embed snippet and replayed in order:
//
//   <script>window.Shoptalk = window.Shoptalk || { q: [] };
//           Shoptalk.q.push(["identify", "<jwt>"]); Shoptalk.q.push(["open"]);</script>
//   <script src="https://SERVER/widget.js" data-widget-key="…" async></script>
//
// After load, `Shoptalk.q.push([...])` still works (runs at once), as do direct calls:
// Shoptalk.open() / close() / toggle() / identify(jwt) / track(name, props) /
// on("message" | "open" | "close" | "unread", fn) → unsubscribe function.

export interface ShoptalkTarget {
  open(): void;
  close(): void;
  toggle(): void;
  identify(jwt: string): unknown;
  track(name: string, props?: Record<string, unknown>): void;
  on(event: "message" | "open" | "close" | "unread", fn: (arg?: unknown) => void): () => void;
}

export type QueuedCall = [string, ...unknown[]];

export function installApi(win: { Shoptalk?: unknown }, c: ShoptalkTarget) {
  const prev = win.Shoptalk as { q?: unknown } | undefined;
  const queued = prev && Array.isArray(prev.q) ? (prev.q as unknown[]) : [];
  const api = {
    open: () => c.open(),
    close: () => c.close(),
    toggle: () => c.toggle(),
    identify: (jwt: string) => void c.identify(jwt),
    track: (name: string, props?: Record<string, unknown>) => c.track(name, props),
    on: (event: "message" | "open" | "close" | "unread", fn: (arg?: unknown) => void) =>
      typeof fn === "function" ? c.on(event, fn) : () => {},
    q: {
      push: (...calls: unknown[]) => {
        calls.forEach(run);
        return 0;
      },
    },
  };
  function run(call: unknown) {
    if (!Array.isArray(call) || typeof call[0] !== "string") return;
    const [name, ...args] = call as QueuedCall;
    const fn = (api as Record<string, unknown>)[name];
    if (name === "q" || typeof fn !== "function") return;
    try {
      (fn as (...a: unknown[]) => unknown)(...args);
    } catch (e) {
      console.error("Shoptalk." + name, e);
    }
  }
  win.Shoptalk = api;
  queued.forEach(run);
  return api;
}
