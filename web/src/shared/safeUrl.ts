// The only gate for URLs that go into href/src. Absolute http(s) URLs pass (and blob: for
// src); everything else — javascript:, data:, vbscript:, relative or protocol-relative
// tricks, whitespace or control characters anywhere — is refused (null).

// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/;

export function safeUrl(url: unknown, opts: { src?: boolean } = {}): string | null {
  if (typeof url !== "string" || !url || url.length > 4096 || BAD_CHARS.test(url)) return null;
  if (!/^(https?|blob):/i.test(url)) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const p = u.protocol;
  if (p === "http:" || p === "https:") return u.host ? u.href : null;
  if (p === "blob:" && opts.src) {
    // blob:<origin>/<uuid>: the origin must itself be http(s).
    return /^blob:https?:\/\/[^/]+\/[\w-]+$/i.test(url) ? url : null;
  }
  return null;
}
