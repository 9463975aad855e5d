import { describe, expect, it } from "vitest";
import type { Cart } from "../../../shared/types";
import { cart, order, product } from "../../test/fixtures";
import { cartMessage, paymentBody, payableOrders, productRef, productsMessage, type PaymentDraft } from "./shopContent";
import { fromMinor, toMinor } from "../rich/validate";

describe("products as messages", () => {
  it("a product's chosen variant gives price, was-price, stock, picture; no buttons (the widget adds them)", () => {
    const p = product("p1", {
      title: "T-shirt",
      url: "https://shop.example/t",
      variants: [
        { id: "s", title: "S / blue", options: {}, price_minor: 1500, compare_at_minor: 2000, inventory: 3, image_url: "https://cdn.example/s.jpg" },
        { id: "m", title: "M / blue", options: {}, price_minor: 1600, inventory: -2 },
        { id: "l", title: "L / blue", options: {}, price_minor: 1700 },
      ],
    });
    expect(productRef(p, "s")).toEqual({
      product_id: "p1",
      variant_id: "s",
      title: "T-shirt — S / blue",
      price: { amount_minor: 1500, currency: "EUR" },
      compare_at_price: { amount_minor: 2000, currency: "EUR" },
      stock: 3,
      image_url: "https://cdn.example/s.jpg",
      url: "https://shop.example/t",
    });
    // Oversold shows as sold out; untracked stock is left out; the product's picture stands in.
    expect(productRef(p, "m")).toMatchObject({ variant_id: "m", stock: 0, image_url: "https://cdn.example/p1.jpg" });
    expect(productRef(p, "l")).not.toHaveProperty("stock");
    // No variant named (or an unknown one): the first one in stock.
    expect(productRef(p, "nope").variant_id).toBe("s");
    const soldOutFirst = product("p3", { variants: [{ ...p.variants[1], id: "x" }, p.variants[2]] });
    expect(productRef(soldOutFirst).variant_id).toBe("l");
    expect(productRef(p).actions).toBeUndefined();
  });

  it("drops what the server would refuse: script URLs, over-long titles", () => {
    const p = product("p2", { title: "x".repeat(120), url: "javascript:alert(1)", images: ["data:image/png,xx"] });
    const ref = productRef(p);
    expect([...ref.title!].length).toBe(80);
    expect(ref.title!.endsWith("…")).toBe(true);
    expect(ref).not.toHaveProperty("url");
    expect(ref).not.toHaveProperty("image_url");
  });

  it("one product is a product card, several a carousel of at most 10", () => {
    const refs = Array.from({ length: 12 }, (_, i) => productRef(product("p" + i)));
    expect(productsMessage([])).toBeNull();
    expect(productsMessage(refs.slice(0, 1))).toEqual({ type: "product", ...refs[0] });
    const many = productsMessage(refs)!;
    expect(many.type).toBe("products");
    expect(many.type === "products" && many.items.length).toBe(10);
  });
});

describe("the cart as a message", () => {
  it("lines in the cart's currency, the subtotal, the checkout page", () => {
    expect(cartMessage(cart({ checkout_url: "https://shop.example/checkout/9" }))).toEqual({
      type: "cart",
      cart_id: "cart-1",
      items: [
        { product_id: "p1", variant_id: "p1-v1", title: "Mug", quantity: 2, unit_price: { amount_minor: 1250, currency: "EUR" } },
        // Not in the catalog: the shop's variant id names it.
        { product_id: "shopify-77", variant_id: "shopify-77", title: "Tea", quantity: 1, unit_price: { amount_minor: 500, currency: "EUR" } },
      ],
      total: { amount_minor: 3000, currency: "EUR" },
      checkout_url: "https://shop.example/checkout/9",
    });
    expect(cartMessage(cart({ items: [] }))).toBeNull();
    expect(cartMessage(cart({ checkout_url: "javascript:x" }))).not.toHaveProperty("checkout_url");
  });
});

describe("payment links", () => {
  const where: { contactId: string; conversationId: string; cart: Cart | null } = { contactId: "ct-1", conversationId: "conv-1", cart: cart() };
  const draft = (d: Partial<PaymentDraft>): PaymentDraft => ({ for: "amount", orderId: "", amount: "", currency: "EUR", description: "", ...d });

  it("for the cart, an order, or an amount, always to this conversation", () => {
    expect(paymentBody(draft({ for: "cart" }), where)).toEqual({ ok: true, body: { contact_id: "ct-1", conversation_id: "conv-1", cart_id: "cart-1" } });
    expect(paymentBody(draft({ for: "order", orderId: "order-1", description: "Balance" }), where)).toEqual({
      ok: true,
      body: { contact_id: "ct-1", conversation_id: "conv-1", order_id: "order-1", description: "Balance" },
    });
    expect(paymentBody(draft({ amount: "49,90", currency: "usd", description: " Engraving " }), where)).toEqual({
      ok: true,
      body: { contact_id: "ct-1", conversation_id: "conv-1", amount_minor: 4990, currency: "USD", description: "Engraving" },
    });
    expect(paymentBody(draft({ amount: "1500", currency: "JPY", description: "Gift wrap" }), where)).toMatchObject({ ok: true, body: { amount_minor: 1500 } });
  });

  it("says what is missing", () => {
    const problems = (d: PaymentDraft, w = where) => {
      const r = paymentBody(d, w);
      return r.ok ? [] : r.problems;
    };
    expect(problems(draft({ for: "cart" }), { ...where, cart: null })).toEqual(["The customer has no open cart."]);
    expect(problems(draft({ for: "order" }))).toEqual(["Choose the order to be paid."]);
    expect(problems(draft({ amount: "0", description: "x" }))).toEqual(["Amount must be more than zero, such as 49.00."]);
    expect(problems(draft({ amount: "12.345", description: "x" }))).toEqual(["Amount must be more than zero, such as 49.00."]);
    expect(problems(draft({ amount: "5", currency: "EURO", description: "x" }))[0]).toContain("three-letter code");
    expect(problems(draft({ amount: "5" }))).toEqual(["Description is required: the customer sees what they pay for."]);
    expect(problems(draft({ amount: "5", description: "d".repeat(301) }))[0]).toContain("at most 300");
  });

  it("only placed orders are offered", () => {
    expect(payableOrders([order({ id: "a", status: "placed" }), order({ id: "b", status: "paid" })]).map((o) => o.id)).toEqual(["a"]);
  });

  it("amounts typed and shown with the currency's ISO digits", () => {
    expect(toMinor("10000.50", "IDR")).toBe(1000050); // CLDR would say IDR has no decimals
    expect(toMinor("1.234", "KWD")).toBe(1234);
    expect(toMinor("1.5", "JPY")).toBeNull();
    expect(fromMinor(3490, "EUR")).toBe("34.90");
    expect(fromMinor(5, "EUR")).toBe("0.05");
    expect(fromMinor(1500, "JPY")).toBe("1500");
    expect(fromMinor(1234, "KWD")).toBe("1.234");
    expect(fromMinor(-1200, "USD")).toBe("-12.00");
  });
});
