// Shoptalk.track: events are queued (the latest 100) until a session exists, then sent in
// chunks of 50 (POST /api/v1/events), retried with backoff.

import { ApiError } from "../shared/api";
import type { TrackEvent } from "../shared/types";
import { uuid } from "../shared/uuid";
import type { Call } from "./session";

export function createTracking(call: Call, token: () => string | null) {
  const events: TrackEvent[] = [];
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = 2000;
  let flushing = false;

  function track(name: string, properties?: Record<string, unknown>) {
    events.push({ id: uuid(), name: String(name), properties: properties ?? {}, occurred_at: new Date().toISOString() });
    if (events.length > 100) events.splice(0, events.length - 100);
    void flush();
  }

  async function flush() {
    if (!token() || flushing || !events.length) return;
    flushing = true;
    clearTimeout(retryTimer);
    const chunk = events.slice(0, 50);
    let more = false;
    try {
      await call("POST", "/api/v1/events", { events: chunk });
      events.splice(0, chunk.length);
      retryDelay = 2000;
      more = events.length > 0;
    } catch (e) {
      // Retry later (same ids: safe) unless the server refused the events themselves.
      const s = e instanceof ApiError ? e.status : 0;
      if (s >= 400 && s < 500 && s !== 401 && s !== 408 && s !== 429) events.splice(0, chunk.length);
      else {
        retryTimer = setTimeout(() => void flush(), retryDelay);
        retryDelay = Math.min(retryDelay * 2, 60_000);
      }
    } finally {
      flushing = false;
    }
    if (more) void flush();
  }

  return { track, flush };
}
