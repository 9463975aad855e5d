import type { Money } from "./types";

// ISO 4217 minor-unit digits where they are not 2 (shoptalk-types' currency.rs). Not Intl's
// `maximumFractionDigits`: CLDR shows some currencies without decimals (IDR, HUF, COP, IQD…)
// although their minor unit is a hundredth (a thousandth for IQD), and prices in minor units
// follow ISO.
const ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF";
const THREE = "BHD IQD JOD KWD LYD OMR TND";

/// Digits after the decimal point of a currency's minor unit (EUR 2, JPY 0, KWD 3).
export function currencyDigits(currency: string): number {
  const c = String(currency).toUpperCase();
  return !/^[A-Z]{3}$/.test(c) ? 2 : ZERO.includes(c) ? 0 : THREE.includes(c) ? 3 : 2;
}

/// "€12.50" from minor units, with the currency's own number of fraction digits.
export function formatMoney(m: Money | undefined, locale: string): string {
  if (!m || !Number.isFinite(m.amount_minor)) return "";
  return formatAmount(m.amount_minor, m.currency, locale);
}

/// An amount of minor units in the locale's currency format. Whole amounts keep the locale's
/// usual look ("Rp 10.000"); any fraction is shown to the minor unit, never rounded away.
export function formatAmount(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const value = minor / 10 ** digits;
  try {
    const usual = new Intl.NumberFormat(locale || "en", { style: "currency", currency });
    const shown = usual.resolvedOptions().maximumFractionDigits ?? digits;
    if (shown === digits || (shown < digits && minor % 10 ** digits === 0)) return usual.format(value);
    return new Intl.NumberFormat(locale || "en", {
      style: "currency",
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
  } catch {
    // An unknown code (or locale): the number and the code as sent.
    return `${value.toFixed(digits)} ${String(currency).slice(0, 8)}`;
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
