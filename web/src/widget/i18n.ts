// The widget's UI strings, including the content renderer's keys (shared/render/strings.ts);
// "{n}" is a placeholder. English is built in: the fallback and the source of the keys. The
// other languages are locales/<lang>.json, which scripts/build.mjs writes to content-hashed
// files (`assets/widget-i18n-<lang>-<hash>.json`) and names in __SHOPTALK_LOCALES__; the widget
// fetches the one it needs. i18n.test.tsx checks that every file has exactly these keys.

import { RENDER_EN } from "../shared/render/strings";

export const en = {
  ...RENDER_EN,
  open_chat: "Open chat",
  reply_time: "We typically reply in a few minutes",
  away: "We're away — leave a message",
  welcome: "Hello! Ask us anything — we're happy to help.",
  offline: "Offline — messages will be sent when you're back",
  placeholder: "Write a message…",
  send: "Send",
  attach: "Attach a file",
  emoji: "Emoji",
  sound: "Sound",
  typing: "Typing…",
  retry: "Retry",
  failed: "Not sent",
  pending: "Sending",
  delivered: "Delivered",
  read: "Read",
  too_long: "Too long: {n}/4096",
  too_big: "File too large (max 25 MB)",
  start_return: "Start a return",
};

export type Strings = typeof en;
export type Key = keyof Strings;

/// Languages besides English → their file, relative to the server's origin.
export const LOCALE_FILES: Record<string, string> = __SHOPTALK_LOCALES__;

/// Right-to-left languages.
export const rtl = (lang: string) => lang === "ar";

/// The first supported language of `wanted` (BCP 47 tags, best first), else "en".
export function pickLocale(wanted: (string | null | undefined)[]): string {
  for (const w of wanted) {
    if (!w) continue;
    const base = String(w).toLowerCase().split(/[-_]/)[0];
    if (base === "en" || typeof LOCALE_FILES[base] === "string") return base;
  }
  return "en";
}

/// The strings of `lang` from the server at `origin` ("" = same origin); null for English, and
/// when they cannot be had (the widget then speaks English).
export function loadStrings(origin: string, lang: string): Promise<Record<string, string> | null> {
  const file = LOCALE_FILES[lang];
  if (lang === "en" || typeof file !== "string") return Promise.resolve(null);
  // A plain GET (no preflight): /assets/ answers any origin. Bounded: the launcher waits for it.
  return fetch(`${origin}/${file}`, { signal: AbortSignal.timeout?.(5000) })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then((s) => (s && typeof s === "object" ? s : Promise.reject(new Error("not an object"))))
    .catch((e) => {
      console.warn(`Shoptalk: no "${lang}" translations, using English`, e);
      return null;
    });
}

/// `t` over a loaded table: a key it lacks (or leaves empty) is said in English, never shown.
export function translator(table?: Record<string, string> | null): (k: string) => string {
  return (k) => {
    const v = table?.[k];
    return typeof v === "string" && v ? v : (en as Record<string, string>)[k] || k;
  };
}
