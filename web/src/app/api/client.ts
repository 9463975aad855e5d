// The app's REST client: the shared fetch wrapper with the session token, and one rule on
// top: a 401 anywhere ends the session (back to the login page).
import { api, ApiError, type ApiClient } from "../../shared/api";

const TOKEN_KEY = "shoptalk.app.token";

let unauthorized: () => void = () => {};

export function readToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function writeToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode: the session lasts as long as the tab.
  }
  memoryToken = token;
}

let memoryToken: string | null = readToken();

export const client: ApiClient = { baseUrl: "", token: () => memoryToken };

/// Called on any 401 (the session expired or was revoked).
export function onUnauthorized(fn: () => void): void {
  unauthorized = fn;
}

export async function call<T>(
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<T> {
  try {
    return await api<T>(client, method, "/api/v1" + path, body, headers);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401 && memoryToken) unauthorized();
    throw e;
  }
}

/// A message for people out of anything thrown.
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function qs(params: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  }
  const s = p.toString();
  return s ? "?" + s : "";
}
