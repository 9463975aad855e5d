// The visitor's session: a token from the server, kept across visits (localStorage), opened
// afresh when the server no longer knows the stored visitor, and replaced when the page
// identifies the visitor. Authenticated requests go through `call`, which renews an expired token.

import { api, ApiError, type ApiClient } from "../shared/api";
import type { WidgetSession } from "../shared/types";
import { load, save } from "./storage";

export type Session = ReturnType<typeof createSession>;
export type Call = <T>(method: "GET" | "POST", path: string, body?: unknown) => Promise<T>;

/// `onOpen` runs each time a session opens; `contactChanged` when it belongs to another contact
/// than the previous one (the visitor was identified as someone else).
export function createSession(baseUrl: string, widgetKey: string, onOpen: (contactChanged: boolean) => void) {
  const visitorKey = `shoptalk:${widgetKey}:visitor`;
  let token: string | null = null;
  let contactId: string | null = null;
  let identity: string | null = null;
  const client: ApiClient = { baseUrl, token: () => token };
  const anon: ApiClient = { baseUrl, token: () => null };
  const headers = (): Record<string, string> => (identity ? { "x-shoptalk-identity": identity } : {});

  let sessionP: Promise<void> | null = null;
  function ensure(fresh = false): Promise<void> {
    if (fresh) sessionP = null;
    return (sessionP ??= open(fresh).catch((e) => {
      sessionP = null;
      throw e;
    }));
  }

  async function open(fresh: boolean) {
    const stored = fresh ? null : load(visitorKey);
    const body = { widget_key: widgetKey, visitor_token: stored ?? undefined, identity_token: identity ?? undefined };
    let s: WidgetSession;
    try {
      s = await api<WidgetSession>(anon, "POST", "/api/v1/widget/sessions", body);
    } catch (e) {
      if (!stored || !(e instanceof ApiError) || (e.status !== 401 && e.status !== 400 && e.status !== 404)) throw e;
      s = await api<WidgetSession>(anon, "POST", "/api/v1/widget/sessions", { ...body, visitor_token: undefined });
    }
    const contactChanged = !!contactId && contactId !== s.contact_id;
    token = s.token;
    contactId = s.contact_id;
    save(visitorKey, s.token);
    onOpen(contactChanged);
  }

  const call: Call = async (method, path, body) => {
    await ensure();
    try {
      return await api(client, method, path, body, headers());
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      await ensure(true);
      return api(client, method, path, body, headers());
    }
  };

  return {
    /// For requests that need no session (the widget's config).
    anon,
    client,
    call,
    ensure,
    /// Opens the session at load for a returning visitor (a stored token); a new one waits.
    resume() {
      if (load(visitorKey)) ensure().catch(() => undefined);
    },
    /// Signs the visitor in with a shop-signed JWT: the server merges the anonymous contact and
    /// the new token replaces the stored one.
    identify(jwt: string) {
      identity = String(jwt || "") || null;
      sessionP = null;
      return ensure();
    },
    token: () => token,
    contactId: () => contactId,
    identity: () => identity,
  };
}
