// The pay page against a fake API: loading, paying, declined, already paid, closed, missing.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import type { PayPage as PayPageInfo } from "../shared/types";
import { PayPage } from "./PayPage";
import { cardDigits, phaseOf, validPaymentId } from "./payLogic";

const ID = "0190a0b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b";

const PAYMENT: PayPageInfo = {
  id: ID,
  shop_name: "Demo Shop",
  description: "Order 1001",
  amount_minor: 4250,
  currency: "EUR",
  status: "pending",
  provider: "test",
  pay_url: `https://chat.example/pay/${ID}`,
  order_number: "1001",
  lines: [
    { title: "Mug", quantity: 2, unit_price_minor: 1250 },
    { title: "<img src=x onerror=alert(1)>", quantity: 1, unit_price_minor: 1750 },
  ],
};

let root: HTMLElement;
let requests: { method: string; path: string; body: unknown }[];
let payment: PayPageInfo | null;
/// How the server answers a POST: a status, and the body.
let answer: { status: number; body?: unknown };

function json(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
  requests = [];
  payment = { ...PAYMENT };
  answer = { status: 200, body: { ...PAYMENT, status: "paid" } };
  Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    requests.push({ method, path: url, body });
    if (url !== `/api/v1/pay/${ID}`) return json(404, { error: { code: "not_found", message: "payment not found" } });
    if (method === "GET") return payment ? json(200, payment) : json(404, { error: { code: "not_found", message: "payment not found" } });
    return json(answer.status, answer.body);
  });
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
});

const settle = async () => {
  for (let i = 0; i < 6; i++) await act(async () => new Promise((r) => setTimeout(r, 0)));
};
const $ = <T extends HTMLElement = HTMLElement>(id: string) => root.querySelector<T>(`[data-testid="${id}"]`);

async function open(id = ID) {
  await act(async () => render(<PayPage paymentId={id} />, root));
  await settle();
}

async function payWith(card: string) {
  const input = $<HTMLInputElement>("pay-card-number")!;
  await act(async () => {
    input.value = card;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await act(async () => {
    root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  });
  await settle();
}

describe("pay page", () => {
  it("shows what is paid, then pays with the test card and says the tab can be closed", async () => {
    await open();
    expect($("pay-amount")!.textContent).toBe("€42.50");
    const page = $("pay-page")!;
    expect(page.textContent).toContain("Demo Shop");
    expect(page.textContent).toContain("Order 1001");
    const cells = Array.from(root.querySelectorAll("tbody tr")).map((r) => Array.from(r.querySelectorAll("td")).map((d) => d.textContent));
    expect(cells).toEqual([
      ["Mug", "× 2", "€25.00"],
      ["<img src=x onerror=alert(1)>", "× 1", "€17.50"],
    ]);
    expect(root.querySelector("tbody img")).toBeNull();
    expect(document.title).toBe("Pay Demo Shop");

    // The field is labelled, described by the test-card hint, and focused.
    const input = $<HTMLInputElement>("pay-card-number")!;
    expect(root.querySelector(`label[for="${input.id}"]`)!.textContent).toBe("Card number");
    expect(input.getAttribute("aria-describedby")).toBe("pay-hint");
    expect(root.querySelector("#pay-hint")!.textContent).toContain("4242 4242 4242 4242");
    expect(input.getAttribute("autocomplete")).toBe("cc-number");
    expect(document.activeElement).toBe(input);
    expect($("pay-submit")!.textContent).toBe("Pay");

    await payWith("4242 4242 4242 4242");
    const post = requests.find((r) => r.method === "POST")!;
    expect(post.path).toBe(`/api/v1/pay/${ID}`);
    expect(post.body).toEqual({ card_number: "4242424242424242" });
    const paid = $("pay-paid")!;
    expect(paid.getAttribute("role")).toBe("status");
    expect(paid.textContent).toContain("Paid — you can close this tab and return to the chat");
    expect(document.activeElement).toBe(paid.querySelector("h2"));
    expect($("pay-card-number")).toBeNull();
  });

  it("a declined card keeps the form, announces why and puts focus back in the field", async () => {
    answer = { status: 402, body: { error: { code: "payment_declined", message: "The card was declined. Nothing was charged; try another card." } } };
    await open();
    await payWith("4000 0000 0000 0002");
    const error = $("pay-error")!;
    expect(error.getAttribute("role")).toBe("alert");
    expect(error.textContent).toBe("The card was declined. Nothing was charged; try another card.");
    const input = $<HTMLInputElement>("pay-card-number")!;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(input.getAttribute("aria-describedby")).toBe("pay-error pay-hint");
    expect(document.activeElement).toBe(input);
    expect($("pay-paid")).toBeNull();

    // Another card works.
    answer = { status: 200, body: { ...PAYMENT, status: "paid" } };
    await payWith("4242424242424242");
    expect($("pay-paid")).not.toBeNull();
  });

  it("refuses what is not a card number without asking the server", async () => {
    await open();
    await payWith("4242");
    expect($("pay-error")!.textContent).toContain("12 to 19 digits");
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("a payment paid already, or paid elsewhere meanwhile (409), shows as already paid", async () => {
    payment = { ...PAYMENT, status: "paid" };
    await open();
    expect($("pay-already-paid")!.textContent).toContain("already been paid");
    expect($("pay-card-number")).toBeNull();

    payment = { ...PAYMENT };
    render(null, root);
    await open();
    payment = { ...PAYMENT, status: "paid" };
    answer = { status: 409, body: { error: { code: "conflict", message: "already paid" } } };
    await payWith("4242 4242 4242 4242");
    expect($("pay-already-paid")).not.toBeNull();
  });

  it("another provider's payment continues on its own page", async () => {
    payment = { ...PAYMENT, provider: "stripe", pay_url: "https://checkout.stripe.com/c/pay/cs_test_1" };
    await open();
    expect($("pay-card-number")).toBeNull();
    expect($<HTMLAnchorElement>("pay-elsewhere")!.getAttribute("href")).toBe("https://checkout.stripe.com/c/pay/cs_test_1");
    render(null, root);
    payment = { ...PAYMENT, provider: "stripe", pay_url: "javascript:alert(1)" };
    await open();
    expect(root.querySelector("a")).toBeNull();
    expect(root.querySelector("[role=alert]")!.textContent).toContain("cannot be taken here");
  });

  it("expired and cancelled links, unknown and malformed ids", async () => {
    payment = { ...PAYMENT, status: "expired" };
    await open();
    expect($("pay-closed")!.textContent).toContain("Link expired");
    expect($("pay-card-number")).toBeNull();

    render(null, root);
    payment = null;
    await open();
    expect($("pay-missing")!.textContent).toContain("does not exist");

    render(null, root);
    requests = [];
    await open("../../api/v1/me");
    expect($("pay-missing")!.textContent).toContain("not valid");
    expect(requests).toHaveLength(0);
  });
});

describe("pay logic", () => {
  it("card numbers: digits with spaces or dashes, 12 to 19 of them", () => {
    expect(cardDigits("4242 4242 4242 4242")).toBe("4242424242424242");
    expect(cardDigits(" 4000-0000-0000-0002 ")).toBe("4000000000000002");
    expect(cardDigits("4242")).toBeNull();
    expect(cardDigits("4242 4242 4242 424x")).toBeNull();
    expect(cardDigits("1".repeat(20))).toBeNull();
  });
  it("phases and ids", () => {
    expect(phaseOf("pending")).toBe("form");
    expect(phaseOf("failed")).toBe("form");
    expect(phaseOf("paid")).toBe("already_paid");
    expect(phaseOf("expired")).toBe("closed");
    expect(phaseOf("cancelled")).toBe("closed");
    expect(validPaymentId(ID)).toBe(true);
    expect(validPaymentId(ID.toUpperCase())).toBe(true);
    expect(validPaymentId(ID + "/x")).toBe(false);
    expect(validPaymentId("")).toBe(false);
  });
});
