import type { Money } from "./types";

/// "€12.50" from minor units, with the currency's own number of fraction digits.
export function formatMoney(m: Money | undefined, locale: string): string {
  if (!m || !Number.isFinite(m.amount_minor)) return "";
  return formatAmount(m.amount_minor, m.currency, locale);
}

export function formatAmount(minor: number, currency: string, locale: string): string {
  try {
    const f = new Intl.NumberFormat(locale || "en", { style: "currency", currency });
    const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
    return f.format(minor / 10 ** digits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${String(currency).slice(0, 8)}`;
  }
}

export function formatBytes(n: number | undefined): string {
  if (n == null || !Number.isFinite(n) || n < 0) return "";
  if (n < 1024) return n + " B";
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (v < 10 ? v.toFixed(1) : Math.round(v)) + " " + units[i];
}
