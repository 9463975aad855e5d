// A small fetch wrapper for the REST API: JSON in and out, the error envelope turned into
// an `ApiError` whose message is written for people.

import type { ErrorDetail } from "./types";

export class ApiError extends Error {
  // `declare`: no class-field initialisers, which the widget's IIFE build would turn into
  // helpers outside its closure.
  declare readonly status: number;
  declare readonly code: string;
  declare readonly field?: string;

  constructor(status: number, detail: ErrorDetail) {
    super(detail.message);
    this.status = status;
    this.code = detail.code;
    this.field = detail.field;
  }
}

export interface ApiClient {
  /// Origin of the Shoptalk server, e.g. "https://chat.shop.example" ("" = same origin).
  baseUrl: string;
  /// Bearer token, read at each call so a refreshed session is picked up.
  token: () => string | null;
}

export async function api<T>(
  client: ApiClient,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { ...extraHeaders };
  const token = client.token();
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof Blob || body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(client.baseUrl + path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, { code: "network", message: "The server cannot be reached." });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page, say: reported below by status.
  }
  if (!response.ok) {
    const detail = (json as { error?: ErrorDetail } | undefined)?.error;
    throw new ApiError(
      response.status,
      detail ?? { code: "http_" + response.status, message: `The server answered ${response.status}.` },
    );
  }
  return json as T;
}
