// The composer's shop tools against a fake API: the requests they build, what they send.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import type { Content } from "../../../shared/types";
import { cart, conv, order, product } from "../../test/fixtures";
import { fakeApi, settle } from "../../test/fakeApi";
import { shop } from "../../state/shop";

const sent: { conversationId: string; content: Content; private: boolean }[] = [];
vi.mock("../../state/live", () => ({
  sendContent: (conversationId: string, content: Content, isPrivate: boolean) => {
    sent.push({ conversationId, content, private: isPrivate });
    return null;
  },
}));

const { ShopTools } = await import("./ShopTools");
const { ProductPicker } = await import("./ProductPicker");

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
  sent.length = 0;
  shop.value = { currency: "EUR", locale: "en-US", abandon_after_minutes: 60, payment_provider: "test" };
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  shop.value = null;
});

const button = (name: string) =>
  Array.from(root.querySelectorAll<HTMLButtonElement>("button")).find((b) => (b.getAttribute("aria-label") ?? b.textContent?.trim()) === name)!;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => root.querySelector<T>(`[data-testid="${id}"]`)!;
const type = async (el: HTMLInputElement | HTMLSelectElement, value: string) => {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
  });
};
const click = async (el: HTMLElement) => {
  await act(async () => el.click());
  await settle(act);
};
/// Past the picker's typing pause.
const afterPause = () => settle(act, 2).then(() => act(async () => new Promise((r) => setTimeout(r, 300)))).then(() => settle(act));

describe("product picker", () => {
  it("searches as the agent types, filters, and sends one product card or a carousel", async () => {
    const api = fakeApi({
      "GET /products": (r) => {
        const q = new URLSearchParams(r.query);
        const items = q.get("q") === "mug" ? [product("mug", { title: "Mug", category: "Kitchen" }), product("cup", { title: "Cup", category: "Kitchen" })] : [product("tee", { title: "Tee" })];
        return { status: 200, body: { items } };
      },
    });
    const got: Content[] = [];
    await act(async () => render(<ProductPicker onClose={() => {}} onSend={(c) => got.push(c)} />, root));
    await afterPause();
    expect(api.requests.map((r) => r.query)).toEqual(["?limit=20"]);
    expect(root.querySelectorAll("[data-testid=product-result]")).toHaveLength(1);

    await type($<HTMLInputElement>("product-search"), "mu");
    await type($<HTMLInputElement>("product-search"), "mug");
    await act(async () => $<HTMLInputElement>("product-in-stock").click());
    await type($<HTMLInputElement>("product-category"), "Kitchen");
    await afterPause();
    // Typing fast asks once, with every filter.
    expect(api.requests.map((r) => r.query)).toEqual(["?limit=20", "?q=mug&category=Kitchen&in_stock=true&limit=20"]);
    const rows = root.querySelectorAll<HTMLElement>("[data-testid=product-result]");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("€12.50");
    expect(rows[0].textContent).toContain("7 in stock");
    expect($<HTMLButtonElement>("product-picker-send").disabled).toBe(true);

    await act(async () => rows[0].querySelector<HTMLInputElement>("input[type=checkbox]")!.click());
    await click($("product-picker-send"));
    expect(got[0]).toMatchObject({ type: "product", product_id: "mug", variant_id: "mug-v1", price: { amount_minor: 1250, currency: "EUR" }, stock: 7 });

    await act(async () => rows[1].querySelector<HTMLInputElement>("input[type=checkbox]")!.click());
    expect($("product-picked-count").textContent).toContain("2 products: sent as a carousel");
    await click($("product-picker-send"));
    expect(got[1].type).toBe("products");
    expect(got[1].type === "products" && got[1].items.map((i) => i.product_id)).toEqual(["mug", "cup"]);
  });

  it("a chosen variant is the one sent; errors show in words", async () => {
    const tee = product("tee", {
      title: "Tee",
      variants: [
        { id: "s", title: "S", options: {}, price_minor: 1000, inventory: 0 },
        { id: "m", title: "M", options: {}, price_minor: 1100, inventory: 4 },
      ],
    });
    fakeApi({ "GET /products": { status: 200, body: { items: [tee] } } });
    const got: Content[] = [];
    await act(async () => render(<ProductPicker onClose={() => {}} onSend={(c) => got.push(c)} />, root));
    await afterPause();
    const row = root.querySelector<HTMLElement>("[data-testid=product-result]")!;
    // The first variant in stock is offered.
    expect(row.textContent).toContain("4 in stock");
    expect(row.textContent).toContain("€11.00");
    await act(async () => row.querySelector<HTMLInputElement>("input[type=checkbox]")!.click());
    await type(row.querySelector("select")!, "s");
    expect(row.textContent).toContain("Sold out");
    expect(row.textContent).toContain("€10.00");
    await type(row.querySelector("select")!, "m");
    await click($("product-picker-send"));
    expect(got[0]).toMatchObject({ type: "product", variant_id: "m", title: "Tee — M", stock: 4 });

    render(null, root);
    fakeApi({ "GET /products": { status: 503, body: { error: { code: "unavailable", message: "The catalog is busy." } } } });
    await act(async () => render(<ProductPicker onClose={() => {}} onSend={() => {}} />, root));
    await afterPause();
    expect(root.querySelector("[role=alert]")!.textContent).toBe("The catalog is busy.");
  });
});

describe("send cart and payment links", () => {
  const conversation = conv("conv-1", "2026-01-01T10:00:00Z", { contact_id: "ct-1" });

  it("sends the contact's open cart as a cart card, or says there is none", async () => {
    let answer: { status: number; body?: unknown } = { status: 200, body: cart() };
    const api = fakeApi({ "GET /contacts/ct-1/cart": () => answer });
    const errors: (string | null)[] = [];
    await act(async () => render(<ShopTools conversation={conversation} onError={(e) => errors.push(e)} />, root));
    await click(button("Send cart"));
    expect(api.requests.map((r) => r.path)).toEqual(["/contacts/ct-1/cart"]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ conversationId: "conv-1", private: false, content: { type: "cart", cart_id: "cart-1", total: { amount_minor: 3000, currency: "EUR" } } });

    answer = { status: 404, body: { error: { code: "not_found", message: "cart not found" } } };
    await click(button("Send cart"));
    expect(sent).toHaveLength(1);
    expect(errors.filter(Boolean).pop()).toBe("The customer has no open cart to send.");
  });

  it("a payment link for the cart, an order or an amount goes to POST /payments with the conversation", async () => {
    const api = fakeApi({
      "GET /contacts/ct-1/cart": { status: 200, body: cart() },
      "GET /orders": { status: 200, body: { items: [order({ id: "o-placed", number: "1002", status: "placed" }), order({ id: "o-paid", status: "paid" })] } },
      "POST /payments": { status: 201, body: { id: "pay-1" } },
    });
    await act(async () => render(<ShopTools conversation={conversation} onError={() => {}} />, root));
    await click(button("Send payment link"));
    expect(api.requests.find((r) => r.path === "/orders")!.query).toBe("?contact_id=ct-1&limit=20");
    // The open cart is chosen when there is one.
    const radios = Array.from(root.querySelectorAll<HTMLInputElement>("input[name=pay-for]"));
    expect(radios.map((r) => [r.value, r.checked, r.disabled])).toEqual([
      ["cart", true, false],
      ["order", false, false],
      ["amount", false, false],
    ]);
    expect(root.textContent).toContain("The open cart: €30.00");
    await click($("payment-link-send"));
    expect(api.writes()).toEqual([{ method: "POST", path: "/payments", query: "", body: { contact_id: "ct-1", conversation_id: "conv-1", cart_id: "cart-1" } }]);
    expect(root.querySelector("[role=dialog]")).toBeNull();

    // An order: only the unpaid one is offered.
    await click(button("Send payment link"));
    await act(async () => root.querySelectorAll<HTMLInputElement>("input[name=pay-for]")[1].click());
    const select = $<HTMLSelectElement>("payment-link-order");
    expect(Array.from(select.options).map((o) => o.value)).toEqual(["", "o-placed"]);
    await click($("payment-link-send"));
    expect(root.querySelector("[role=alert]")!.textContent).toBe("Choose the order to be paid.");
    await type(select, "o-placed");
    await click($("payment-link-send"));
    expect(api.writes()[1].body).toEqual({ contact_id: "ct-1", conversation_id: "conv-1", order_id: "o-placed" });

    // Another amount, in the shop's currency unless changed; the server's refusal is shown.
    api.routes["POST /payments"] = { status: 422, body: { error: { code: "invalid", message: "amount_minor: too large", field: "amount_minor" } } };
    await click(button("Send payment link"));
    await act(async () => root.querySelectorAll<HTMLInputElement>("input[name=pay-for]")[2].click());
    expect($<HTMLInputElement>("payment-link-currency").value).toBe("EUR");
    await type($<HTMLInputElement>("payment-link-amount"), "49.90");
    await type($<HTMLInputElement>("payment-link-description"), "Engraving");
    await click($("payment-link-send"));
    expect(api.writes()[2].body).toEqual({ contact_id: "ct-1", conversation_id: "conv-1", amount_minor: 4990, currency: "EUR", description: "Engraving" });
    expect(root.querySelector("[role=alert]")!.textContent).toBe("amount_minor: too large");
    expect(root.querySelector("[role=dialog]")).not.toBeNull();
  });
});
