// Settings › Shop and › Integrations against a fake API.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { fakeApi, settle } from "../test/fakeApi";
import { shop } from "../state/shop";
import { workspace } from "../state/session";
import { IntegrationsSettings } from "./IntegrationsSettings";
import { ShopSettingsPage } from "./ShopSettings";

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  shop.value = null;
  workspace.value = null;
});

const $ = <T extends HTMLElement = HTMLElement>(id: string) => root.querySelector<T>(`[data-testid="${id}"]`)!;
const type = async (el: HTMLInputElement | HTMLSelectElement, value: string) => {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
  });
};
const submit = async (form: HTMLFormElement) => {
  await act(async () => {
    form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  });
  await settle(act);
};

describe("shop settings", () => {
  it("loads, previews prices, checks, and saves the whole settings", async () => {
    const api = fakeApi({
      "GET /shop": { status: 200, body: { currency: "USD", locale: "en-US", abandon_after_minutes: 60, payment_provider: "test" } },
      "PATCH /shop": (r) => ({ status: 200, body: r.body }),
    });
    await act(async () => render(<ShopSettingsPage />, root));
    await settle(act);
    expect($("shop-price-example").textContent).toBe("Prices look like $1,234.50.");
    await type($("shop-currency"), "eur");
    await type($("shop-locale"), "de-de");
    expect($("shop-price-example").textContent!.replace(/\u00a0/g, " ")).toBe("Prices look like 1.234,50 €.");
    await type($("shop-abandon"), "2");
    await submit(root.querySelector("form")!);
    expect(root.querySelector("[role=alert]")!.textContent).toContain("5 to 43200");
    expect(api.writes()).toHaveLength(0);
    await type($("shop-abandon"), "120");
    await type($<HTMLSelectElement>("shop-provider"), "stripe");
    await submit(root.querySelector("form")!);
    expect(api.writes()).toEqual([
      { method: "PATCH", path: "/shop", query: "", body: { currency: "EUR", locale: "de-DE", abandon_after_minutes: 120, payment_provider: "stripe" } },
    ]);
    // Prices everywhere in the app now follow it.
    expect(shop.value?.locale).toBe("de-DE");
  });
});

describe("integrations", () => {
  it("shows the webhook URLs, says which secrets are set, and sends only what was typed", async () => {
    workspace.value = { id: "ws-42" } as typeof workspace.value;
    const api = fakeApi({
      "GET /integrations": { status: 200, body: { shopify: { shop_domain: "demo.myshopify.com", webhook_secret: "set" } } },
      "PATCH /integrations": (r) => ({ status: 200, body: { shopify: { shop_domain: "demo.myshopify.com", webhook_secret: "set", admin_access_token: "set" }, ...(r.body as object) } }),
    });
    await act(async () => render(<IntegrationsSettings />, root));
    await settle(act);
    expect($("shopify-webhook-url").textContent).toBe(`${location.origin}/api/v1/integrations/shopify/webhooks`);
    expect($("stripe-webhook-url").textContent).toBe(`${location.origin}/api/v1/integrations/stripe/webhooks/ws-42`);
    expect($<HTMLInputElement>("shopify-domain").value).toBe("demo.myshopify.com");
    // A set secret is never shown, only said to be set.
    expect($<HTMLInputElement>("shopify-webhook-secret").value).toBe("");
    expect($<HTMLInputElement>("shopify-webhook-secret").placeholder).toContain("(set)");
    expect($<HTMLInputElement>("shopify-admin-token").placeholder).toBe("shpat_…");
    expect($<HTMLInputElement>("shopify-webhook-secret").type).toBe("password");

    await type($("shopify-admin-token"), "shpat_abc");
    await submit($<HTMLButtonElement>("shopify-save").form!);
    expect(api.writes()[0].body).toEqual({ shopify: { shop_domain: "demo.myshopify.com", admin_access_token: "shpat_abc" } });
    expect($<HTMLInputElement>("shopify-admin-token").value).toBe("");
    expect($<HTMLInputElement>("shopify-admin-token").placeholder).toContain("(set)");

    await type($("stripe-secret-key"), "pk_live_oops");
    await submit($<HTMLButtonElement>("stripe-save").form!);
    expect($<HTMLButtonElement>("stripe-save").form!.querySelector("[role=alert]")!.textContent).toContain("sk_test_");
    await type($("stripe-secret-key"), "sk_test_123");
    await type($("stripe-webhook-secret"), "whsec_456");
    await submit($<HTMLButtonElement>("stripe-save").form!);
    expect(api.writes()[1].body).toEqual({ stripe: { secret_key: "sk_test_123", webhook_secret: "whsec_456" } });

    // Disconnecting asks first, then sends null.
    api.routes["PATCH /integrations"] = { status: 200, body: {} };
    const byText = (t: string) => Array.from(root.querySelectorAll<HTMLButtonElement>("button")).find((b) => b.textContent?.trim() === t)!;
    await act(async () => byText("Disconnect Shopify").click());
    expect(api.writes()).toHaveLength(2);
    await act(async () => byText("Yes, disconnect").click());
    await settle(act);
    expect(api.writes()[2].body).toEqual({ shopify: null });
    expect(byText("Disconnect Shopify")).toBeUndefined();
  });
});
