// A fake REST server for the app's component tests: answers by "METHOD /path" (the path
// without /api/v1 and without the query), records every request.
import { vi } from "vitest";

export interface Recorded {
  method: string;
  path: string;
  query: string;
  body: unknown;
}

export type Answer = { status: number; body?: unknown } | ((r: Recorded) => { status: number; body?: unknown });

export function fakeApi(routes: Record<string, Answer>) {
  const requests: Recorded[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const u = new URL(url, "https://app.example");
    const method = init.method ?? "GET";
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    const r: Recorded = { method, path: u.pathname.replace(/^\/api\/v1/, ""), query: u.search, body };
    requests.push(r);
    const found = routes[`${method} ${r.path}`];
    const a = typeof found === "function" ? found(r) : (found ?? { status: 404, body: { error: { code: "not_found", message: `no route ${method} ${r.path}` } } });
    return new Response(a.body === undefined ? null : JSON.stringify(a.body), { status: a.status, headers: { "content-type": "application/json" } });
  });
  return {
    requests,
    routes,
    /// The requests other than GETs: what the UI asked the server to do.
    writes: () => requests.filter((r) => r.method !== "GET"),
  };
}

/// Lets promises, effects and re-renders run (inside act).
export async function settle(act: (f: () => Promise<void>) => Promise<void>, rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await act(async () => new Promise((r) => setTimeout(r, 0)));
}
