import { describe, expect, it } from "vitest";
import { canonicalLocale, shopDomainOf, shopifyPatch, shopSettingsOf, stripePatch, webhookUrls } from "./shopLogic";

describe("shop settings", () => {
  it("checks and canonicalises", () => {
    expect(shopSettingsOf({ currency: "eur", locale: "de-de", abandonMinutes: "90", provider: "stripe" })).toEqual({
      ok: true,
      value: { currency: "EUR", locale: "de-DE", abandon_after_minutes: 90, payment_provider: "stripe" },
    });
    const problem = (d: Partial<Parameters<typeof shopSettingsOf>[0]>) => {
      const r = shopSettingsOf({ currency: "EUR", locale: "en-US", abandonMinutes: "60", provider: "test", ...d });
      return r.ok ? "" : r.problem;
    };
    expect(problem({ currency: "EURO" })).toContain("three-letter");
    expect(problem({ locale: "not a locale" })).toContain("language tag");
    expect(problem({ abandonMinutes: "4" })).toContain("5 to 43200");
    expect(problem({ abandonMinutes: "43201" })).toContain("5 to 43200");
    expect(problem({ abandonMinutes: "7.5" })).toContain("5 to 43200");
    expect(problem({})).toBe("");
    expect(canonicalLocale("EN-gb")).toBe("en-GB");
  });
});

describe("integrations", () => {
  it("webhook URLs to paste", () => {
    expect(webhookUrls("https://chat.shop.example", "ws-1")).toEqual({
      shopify: "https://chat.shop.example/api/v1/integrations/shopify/webhooks",
      stripe: "https://chat.shop.example/api/v1/integrations/stripe/webhooks/ws-1",
    });
  });
  it("Shopify: the domain, and only the secrets typed", () => {
    expect(shopDomainOf(" https://Demo-Shop.myshopify.com/admin ")).toBe("demo-shop.myshopify.com");
    expect(shopifyPatch({ domain: "demo.myshopify.com", webhookSecret: "", adminToken: "" })).toEqual({ ok: true, value: { shopify: { shop_domain: "demo.myshopify.com" } } });
    expect(shopifyPatch({ domain: "demo.myshopify.com", webhookSecret: " s3cret ", adminToken: "shpat_1" })).toEqual({
      ok: true,
      value: { shopify: { shop_domain: "demo.myshopify.com", webhook_secret: "s3cret", admin_access_token: "shpat_1" } },
    });
    for (const bad of ["", "localhost", "demo..myshopify.com", "-x.example", "a b.example"]) {
      expect(shopifyPatch({ domain: bad, webhookSecret: "", adminToken: "" }).ok, bad).toBe(false);
    }
  });
  it("Stripe: only the keys typed, with their prefixes", () => {
    expect(stripePatch({ secretKey: "sk_test_123", webhookSecret: "" })).toEqual({ ok: true, value: { stripe: { secret_key: "sk_test_123" } } });
    expect(stripePatch({ secretKey: "", webhookSecret: "whsec_abc" })).toEqual({ ok: true, value: { stripe: { webhook_secret: "whsec_abc" } } });
    expect(stripePatch({ secretKey: "", webhookSecret: "" }).ok).toBe(false);
    expect(stripePatch({ secretKey: "pk_test_1", webhookSecret: "" }).ok).toBe(false);
    expect(stripePatch({ secretKey: "", webhookSecret: "abc" }).ok).toBe(false);
  });
});
