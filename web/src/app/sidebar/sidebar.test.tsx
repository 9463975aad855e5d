// The sidebar's cart and orders against a fake API: what each action asks of the server.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { cart, order, returnRequest } from "../test/fixtures";
import { fakeApi, settle } from "../test/fakeApi";
import { shop } from "../state/shop";
import { CartSection } from "./CartSection";
import { OrdersSection } from "./OrdersSection";

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
  shop.value = { currency: "EUR", locale: "en-US", abandon_after_minutes: 60, payment_provider: "test" };
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.unstubAllGlobals();
  shop.value = null;
});

const buttons = (scope: ParentNode = root) => Array.from(scope.querySelectorAll<HTMLButtonElement>("button"));
const button = (name: string, scope: ParentNode = root) => buttons(scope).find((b) => b.textContent?.trim() === name)!;
const names = (scope: ParentNode) => buttons(scope).map((b) => b.textContent?.trim());
const click = async (el: HTMLElement) => {
  await act(async () => el.click());
  await settle(act);
};
const type = async (el: HTMLInputElement, value: string) => {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
};
const submit = async (form: HTMLFormElement) => {
  await act(async () => {
    form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  });
  await settle(act);
};

describe("cart", () => {
  it("shows the open cart in the shop's locale and fetches it again when told to", async () => {
    let current = cart();
    const api = fakeApi({ "GET /contacts/ct-1/cart": () => ({ status: 200, body: current }) });
    await act(async () => render(<CartSection contactId="ct-1" refresh="0:0" />, root));
    await settle(act);
    expect(root.querySelector("[data-testid=sidebar-cart-total]")!.textContent).toBe("€30.00");
    expect(root.textContent).toContain("Mug× 2€25.00");

    current = cart({ items: [cart().items[0]], subtotal_minor: 2500, status: "abandoned" });
    await act(async () => render(<CartSection contactId="ct-1" refresh="7:0" />, root));
    await settle(act);
    expect(api.requests).toHaveLength(2);
    expect(root.querySelector("[data-testid=sidebar-cart-total]")!.textContent).toBe("€25.00");
    expect(root.querySelector("[data-status=abandoned]")!.textContent).toBe("Abandoned");

    current = cart({ status: "converted" });
    await act(async () => render(<CartSection contactId="ct-1" refresh="7:1" />, root));
    await settle(act);
    expect(root.textContent).toContain("No open cart.");
  });
});

describe("orders", () => {
  async function openOrders(orders = [order()], returns = [returnRequest()]) {
    const api = fakeApi({
      "GET /orders": { status: 200, body: { items: orders } },
      "GET /orders/order-1/returns": { status: 200, body: returns },
      "GET /orders/order-1": { status: 200, body: orders[0] },
    });
    await act(async () => render(<OrdersSection contactId="ct-1" refresh="0:0" />, root));
    await settle(act);
    const head = root.querySelector<HTMLButtonElement>(".order-head")!;
    expect(head.getAttribute("aria-expanded")).toBe("false");
    await click(head);
    expect(head.getAttribute("aria-expanded")).toBe("true");
    return api;
  }
  const actions = () => root.querySelector<HTMLElement>("[data-testid=order-actions]")!;

  it("lists orders with status and total; opens to lines, totals, tracking and timeline", async () => {
    const o = order({
      status: "shipped",
      fulfilments: [{ id: "f1", status: "in_transit", carrier: "DHL", tracking_number: "JD01", tracking_url: "https://t.example/JD01", lines: {}, created_at: "2026-01-02T00:00:00Z" }],
    });
    const api = await openOrders([o], []);
    expect(api.requests[0].query).toBe("?contact_id=ct-1&limit=20");
    expect(root.querySelector(".order-head")!.textContent).toContain("Order #1001");
    expect(root.querySelector("[data-status=shipped]")!.textContent).toBe("Shipped");
    expect(root.textContent).toContain("Shipping€4.90");
    expect(root.querySelector("[data-testid=fulfilment]")!.textContent).toContain("DHL JD01");
    expect(root.querySelector<HTMLAnchorElement>("[data-testid=fulfilment] a")!.href).toBe("https://t.example/JD01");
    expect(names(actions())).toEqual(["Mark delivered", "Resend tracking", "Refund"]);
    await click(button("Timeline (1)"));
    expect(root.querySelector("[data-testid=order-timeline]")!.textContent).toContain("Placed");
  });

  it("a partial refund: amount and reason, a confirmation naming the amount, then the request", async () => {
    const api = await openOrders([order()], []);
    api.routes["POST /orders/order-1/actions"] = { status: 200, body: order({ status: "partially_refunded", refunded_minor: 1200 }) };
    await click(button("Refund", actions()));
    const form = root.querySelector<HTMLFormElement>("[data-testid=refund-form]")!;
    expect(form.textContent).toContain("Full refund (€34.90)");
    await act(async () => form.querySelectorAll<HTMLInputElement>("input[type=radio]")[1].click());
    await type(root.querySelector("[data-testid=refund-amount]")!, "50");
    await submit(form);
    expect(form.querySelector("[role=alert]")!.textContent).toContain("more than what is left");
    await type(root.querySelector("[data-testid=refund-amount]")!, "12.00");
    await type(root.querySelector("[data-testid=refund-reason]")!, "damaged");
    await submit(form);
    const confirm = root.querySelector<HTMLElement>("[data-testid=refund-confirm]")!;
    expect(confirm.textContent).toContain("Refund €12.00 of order #1001? Reason: damaged.");
    expect(api.writes()).toHaveLength(0);
    await click(button("Confirm refund"));
    expect(api.writes()).toEqual([
      { method: "POST", path: "/orders/order-1/actions", query: "", body: { type: "refund", amount_minor: 1200, reason: "damaged", notify: true } },
    ]);
    // The order as the server answered it.
    expect(root.querySelector("[data-status=partially_refunded]")).not.toBeNull();
    expect(root.querySelector("[data-testid=order-refunded]")!.textContent).toBe("€12.00");
  });

  it("a full refund names no amount; a refused action says why, inline", async () => {
    const api = await openOrders([order()], []);
    api.routes["POST /orders/order-1/actions"] = { status: 409, body: { error: { code: "conflict", message: "The order was refunded meanwhile." } } };
    await click(button("Refund", actions()));
    await submit(root.querySelector<HTMLFormElement>("[data-testid=refund-form]")!);
    await click(button("Confirm refund"));
    expect(api.writes()[0].body).toEqual({ type: "refund", notify: true });
    expect(root.querySelector("[data-testid=order-action-error]")!.textContent).toBe("The order was refunded meanwhile.");
  });

  it("cancel asks first; mark fulfilled takes the tracking; resend tracking is one click", async () => {
    const api = await openOrders([order({ status: "paid" })], []);
    api.routes["POST /orders/order-1/actions"] = (r) => ({
      status: 200,
      body: (r.body as { type: string }).type === "cancel" ? order({ status: "cancelled" }) : order({ status: "shipped", fulfilments: [{ id: "f", status: "pending", tracking_number: "JD01", lines: {}, created_at: "2026-01-02T00:00:00Z" }] }),
    });
    expect(names(actions())).toEqual(["Mark fulfilled", "Refund", "Cancel order"]);

    await click(button("Mark fulfilled", actions()));
    await type(root.querySelector("[data-testid=fulfil-tracking-number]")!, "JD01");
    await type(root.querySelector("[data-testid=fulfil-tracking-url]")!, "https://t.example/JD01");
    await submit(root.querySelector<HTMLFormElement>("[data-testid=fulfil-form]")!);
    expect(api.writes()[0].body).toEqual({ type: "fulfil", tracking_number: "JD01", tracking_url: "https://t.example/JD01", notify: true });
    expect(names(actions())).toEqual(["Mark delivered", "Resend tracking", "Refund"]);

    await click(button("Resend tracking", actions()));
    expect(api.writes()[1].body).toEqual({ type: "resend_tracking" });
  });

  it("cancelling: confirm or keep", async () => {
    const api = await openOrders([order({ status: "placed" })], []);
    api.routes["POST /orders/order-1/actions"] = { status: 200, body: order({ status: "cancelled" }) };
    await click(button("Cancel order", actions()));
    expect(root.querySelector("[data-testid=cancel-confirm]")!.textContent).toContain("Cancel order #1001? This cannot be undone.");
    await click(button("Keep order"));
    expect(root.querySelector("[data-testid=cancel-confirm]")).toBeNull();
    await click(button("Cancel order", actions()));
    await click(button("Yes, cancel order"));
    expect(api.writes()).toEqual([{ method: "POST", path: "/orders/order-1/actions", query: "", body: { type: "cancel", notify: true } }]);
    expect(root.querySelector("[data-status=cancelled]")).not.toBeNull();
    expect(root.querySelector("[data-testid=order-actions]")).toBeNull();
  });

  it("returns: approve, reject with a reason, mark received, refund", async () => {
    const api = await openOrders([order({ status: "delivered" })], [returnRequest(), returnRequest({ id: "ret-2", status: "received" })]);
    api.routes["POST /returns/ret-1/transitions"] = (r) => ({ status: 200, body: returnRequest({ status: (r.body as { status: "approved" }).status }) });
    api.routes["POST /returns/ret-2/transitions"] = { status: 200, body: returnRequest({ id: "ret-2", status: "refunded" }) };
    const [first, second] = Array.from(root.querySelectorAll<HTMLElement>("[data-testid=return]"));
    expect(first.textContent).toContain("1 × Mug");
    expect(first.textContent).toContain("Arrived broken");
    expect(names(first)).toEqual(["Approve return", "Reject return"]);
    expect(names(second)).toEqual(["Refund return"]);

    await click(button("Reject return", first));
    await submit(first.querySelector("form")!);
    expect(first.querySelector("[role=alert]")!.textContent).toContain("Say why");
    await type(first.querySelector("[data-testid=return-reject-note]")!, "Worn");
    await submit(first.querySelector("form")!);
    expect(api.writes()[0]).toEqual({ method: "POST", path: "/returns/ret-1/transitions", query: "", body: { status: "rejected", note: "Worn" } });
    expect(first.dataset.status).toBe("rejected");

    await click(button("Refund return", second));
    await type(second.querySelector("[data-testid=return-refund-amount]")!, "12.50");
    await submit(second.querySelector("form")!);
    expect(api.writes()[1]).toEqual({ method: "POST", path: "/returns/ret-2/transitions", query: "", body: { status: "refunded", refund_minor: 1250 } });
    // The order is read again: its refund shows.
    expect(api.requests.filter((r) => r.method === "GET" && r.path === "/orders/order-1")).toHaveLength(1);
  });

  it("approving and marking received take one click each", async () => {
    const api = await openOrders([order({ status: "delivered" })], [returnRequest()]);
    api.routes["POST /returns/ret-1/transitions"] = (r) => ({ status: 200, body: returnRequest({ status: (r.body as { status: "approved" }).status }) });
    const ret = () => root.querySelector<HTMLElement>("[data-testid=return]")!;
    await click(button("Approve return", ret()));
    expect(api.writes()[0].body).toEqual({ status: "approved" });
    expect(names(ret())).toEqual(["Mark received"]);
    await click(button("Mark received", ret()));
    expect(api.writes()[1].body).toEqual({ status: "received" });
    expect(names(ret())).toEqual(["Refund return"]);
  });
});
