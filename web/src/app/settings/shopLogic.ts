// Checks and request bodies of the Shop and Integrations settings. Pure, so tested alone.
import type { IntegrationsPatch, PaymentProviderKind, ShopifySettings, ShopSettings, StripeSettings } from "../../shared/types";
import { currencyProblem } from "../composer/rich/validate";

export const ABANDON_MIN = 5;
export const ABANDON_MAX = 43200;

export interface ShopDraft {
  currency: string;
  locale: string;
  abandonMinutes: string;
  provider: PaymentProviderKind;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/// A BCP 47 tag Intl knows, in its canonical spelling ("en-us" → "en-US"); null otherwise.
export function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical ?? null;
  } catch {
    return null;
  }
}

export function shopSettingsOf(d: ShopDraft): Checked<ShopSettings> {
  const currency = d.currency.trim().toUpperCase();
  const cp = currencyProblem(currency);
  if (cp) return { ok: false, problem: cp };
  const locale = canonicalLocale(d.locale);
  if (!locale) return { ok: false, problem: "Locale must be a language tag such as en-US, de-DE or fr-FR." };
  const minutes = Number(d.abandonMinutes);
  if (!Number.isInteger(minutes) || minutes < ABANDON_MIN || minutes > ABANDON_MAX) {
    return { ok: false, problem: `A cart counts as abandoned after ${ABANDON_MIN} to ${ABANDON_MAX} minutes (30 days).` };
  }
  return { ok: true, value: { currency, locale, abandon_after_minutes: minutes, payment_provider: d.provider } };
}

/// Secrets read back as `"set"` (never their value).
export const isSet = (secret: string | undefined): boolean => !!secret;

/// The URLs to paste into Shopify's and Stripe's webhook settings.
export function webhookUrls(origin: string, workspaceId: string): { shopify: string; stripe: string } {
  return {
    shopify: `${origin}/api/v1/integrations/shopify/webhooks`,
    stripe: `${origin}/api/v1/integrations/stripe/webhooks/${workspaceId}`,
  };
}

export interface ShopifyDraft {
  domain: string;
  webhookSecret: string;
  adminToken: string;
}

/// `https://Example.myshopify.com/` → `example.myshopify.com`.
export function shopDomainOf(typed: string): string {
  return typed
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/\/.*$/, "");
}

/// The PATCH for Shopify: the domain, and only the secrets typed (blank keeps the stored one).
export function shopifyPatch(d: ShopifyDraft): Checked<IntegrationsPatch> {
  const domain = shopDomainOf(d.domain);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
    return { ok: false, problem: "Shop domain must look like example.myshopify.com." };
  }
  const shopify: ShopifySettings = { shop_domain: domain };
  if (d.webhookSecret.trim()) shopify.webhook_secret = d.webhookSecret.trim();
  if (d.adminToken.trim()) shopify.admin_access_token = d.adminToken.trim();
  return { ok: true, value: { shopify } };
}

export interface StripeDraft {
  secretKey: string;
  webhookSecret: string;
}

/// The PATCH for Stripe: only the keys typed.
export function stripePatch(d: StripeDraft): Checked<IntegrationsPatch> {
  const key = d.secretKey.trim();
  const hook = d.webhookSecret.trim();
  if (!key && !hook) return { ok: false, problem: "Type the secret key or the webhook signing secret to change it." };
  if (key && !/^(sk|rk)_(test|live)_\S+$/.test(key)) return { ok: false, problem: "The secret key starts with sk_test_, sk_live_ (or rk_…)." };
  if (hook && !/^whsec_\S+$/.test(hook)) return { ok: false, problem: "The webhook signing secret starts with whsec_." };
  const stripe: StripeSettings = {};
  if (key) stripe.secret_key = key;
  if (hook) stripe.webhook_secret = hook;
  return { ok: true, value: { stripe } };
}
