// Watches the page's WebSockets (the widget's and the app's): wraps the constructor before any
// page script runs, so a test can see whether a socket is open and can drop it on purpose.
import type { Page } from "@playwright/test";

export interface SocketReport {
  open: number;
  connecting: number;
  events: string[];
}

export async function trackSockets(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const record = { sockets: [] as WebSocket[], events: [] as string[] };
    (window as unknown as { __e2eSockets: typeof record }).__e2eSockets = record;
    const t0 = performance.now();
    const note = (what: string) => record.events.push(`${Math.round(performance.now() - t0)}ms ${what}`);
    class Tracked extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        record.sockets.push(this);
        note(`new ${String(url).replace(/token=[^&]+/, "token=…")}`);
        this.addEventListener("open", () => note("open"));
        this.addEventListener("close", (e) => note(`close ${e.code}`));
        this.addEventListener("error", () => note("error"));
      }
    }
    window.WebSocket = Tracked;
  });
}

export async function socketReport(page: Page): Promise<SocketReport> {
  return page.evaluate(() => {
    const record = (window as unknown as { __e2eSockets?: { sockets: WebSocket[]; events: string[] } }).__e2eSockets;
    if (!record) return { open: 0, connecting: 0, events: ["(not tracked)"] };
    return {
      open: record.sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
      connecting: record.sockets.filter((s) => s.readyState === WebSocket.CONNECTING).length,
      events: [...record.events],
    };
  });
}

/// Closes every open socket of the page, as a dropped network would.
export async function dropSockets(page: Page): Promise<number> {
  return page.evaluate(() => {
    const record = (window as unknown as { __e2eSockets?: { sockets: WebSocket[] } }).__e2eSockets;
    let dropped = 0;
    for (const socket of record?.sockets ?? []) {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
        socket.close(4000, "e2e: network dropped");
        dropped++;
      }
    }
    return dropped;
  });
}
