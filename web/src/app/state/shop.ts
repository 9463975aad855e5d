// The shop's settings: its currency is the default of new amounts, its locale formats every
// price the app shows.
import { signal } from "@preact/signals";
import type { ShopSettings } from "../../shared/types";
import * as commerce from "../api/commerce";

export const shop = signal<ShopSettings | null>(null);

export async function loadShop(): Promise<void> {
  try {
    shop.value = await commerce.getShop();
  } catch {
    // A server without a shop: prices follow the browser's locale, amounts default to USD.
  }
}

/// The locale prices are formatted in.
export const priceLocale = (): string => shop.value?.locale || (typeof navigator !== "undefined" ? navigator.language : "") || "en";

/// The currency of amounts typed without one.
export const shopCurrency = (): string => shop.value?.currency || "USD";
