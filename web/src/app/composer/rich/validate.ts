// Client-side checks mirroring the server's content rules (content.rs), so the UI refuses
// early with a sentence instead of a server error.
import { currencyDigits } from "../../../shared/format";
import { LIMITS } from "../../../shared/types";

export const MORE_LIMITS = {
  LIST_BODY_MAX_CHARS: 1024,
  LIST_SECTIONS_MAX: 10,
  LIST_ROWS_MAX: 10,
  LIST_SECTION_TITLE_MAX_CHARS: 24,
  LIST_ROW_TITLE_MAX_CHARS: 24,
  LIST_ROW_DESCRIPTION_MAX_CHARS: 72,
  FORM_FIELDS_MAX: 20,
  FORM_OPTIONS_MAX: 100,
  ID_MAX_BYTES: 1000,
  NAME_MAX_CHARS: 255,
} as const;

export const chars = (s: string): number => [...s].length;

const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

export class Problems {
  list: string[] = [];
  add(msg: string): void {
    this.list.push(msg);
  }
  /// A label shown on its own: not blank, at most `max` characters, no control characters.
  label(what: string, value: string | undefined, max: number): void {
    const v = value ?? "";
    if (!v.trim()) this.add(`${what} is required.`);
    else this.text(what, v, max);
  }
  /// Free text that may be empty.
  text(what: string, value: string | undefined, max: number): void {
    const v = value ?? "";
    if (chars(v) > max) this.add(`${what} must be at most ${max} characters (now ${chars(v)}).`);
    else if (CONTROL.test(v)) this.add(`${what} must not contain control characters.`);
  }
  url(what: string, value: string | undefined): void {
    const err = urlProblem(value ?? "");
    if (err) this.add(`${what} ${err}`);
  }
  id(what: string, value: string | undefined): void {
    const v = value ?? "";
    if (!v) this.add(`${what} is required.`);
    else if (new TextEncoder().encode(v).length > MORE_LIMITS.ID_MAX_BYTES) this.add(`${what} is too long.`);
  }
  count(what: string, n: number, min: number, max: number): void {
    if (n < min) this.add(`Add at least ${min} ${what}.`);
    if (n > max) this.add(`At most ${max} ${what} are allowed (now ${n}).`);
  }
  get ok(): boolean {
    return this.list.length === 0;
  }
}

/// Why a URL would be refused, or null: absolute http(s) with a host, no credentials, no spaces.
export function urlProblem(value: string): string | null {
  if (!value) return "is required.";
  if (new TextEncoder().encode(value).length > LIMITS.URL_MAX_BYTES) return `must be at most ${LIMITS.URL_MAX_BYTES} bytes.`;
  if (/[\s\u0000-\u001F\u007F]/.test(value)) return "must not contain spaces.";
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "is not a valid address (it should start with https://).";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "must start with https:// or http://.";
  if (!u.hostname) return "must have a host.";
  if (u.username || u.password) return "must not contain a user name or password.";
  return null;
}

export function currencyProblem(c: string): string | null {
  return /^[A-Z]{3}$/.test(c) ? null : "Currency must be a three-letter code such as EUR or USD.";
}

/// "12.50" EUR → 1250; null when not a non-negative amount with at most the currency's digits.
export function toMinor(amount: string, currency: string): number | null {
  const s = amount.trim().replace(",", ".");
  const digits = currencyDigits(currency);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? "";
  if (frac.length > digits) return null;
  const minor = Number(m[1]) * 10 ** digits + Number((frac + "0".repeat(digits)).slice(0, digits) || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/// 1250 EUR → "12.50": an amount of minor units as typed into an amount field.
export function fromMinor(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? "-" : "";
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, "0");
  return digits ? `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}` : sign + s;
}
