import { describe, expect, it } from "vitest";
import type { OrderStatus } from "../../shared/types";
import { msg, order } from "../test/fixtures";
import { actorLabel, fulfilOf, lastCommerceSeq, orderActions, refundableMinor, refundOf, returnedItems, returnSteps, statusLabel, statusTone, transitionOf } from "./orderLogic";

const tracked = [{ id: "f1", status: "in_transit", carrier: "DHL", tracking_number: "JD01", lines: {}, created_at: "2026-01-02T00:00:00Z" }];

describe("order actions", () => {
  it("follow the order's state", () => {
    const of = (status: OrderStatus, extra = {}) => orderActions(order({ status, ...extra }));
    expect(of("placed")).toEqual(["mark_paid", "fulfil", "cancel"]);
    expect(of("paid")).toEqual(["fulfil", "refund", "cancel"]);
    expect(of("fulfilled", { fulfilments: tracked })).toEqual(["fulfil", "mark_delivered", "resend_tracking", "refund"]);
    expect(of("shipped", { fulfilments: tracked })).toEqual(["mark_delivered", "resend_tracking", "refund"]);
    expect(of("delivered")).toEqual(["refund"]);
    expect(of("partially_refunded", { refunded_minor: 1000 })).toEqual(["fulfil", "refund"]);
    expect(of("delivered", { refunded_minor: 3490 })).toEqual([]);
    expect(of("cancelled", { fulfilments: tracked })).toEqual([]);
    expect(of("refunded", { refunded_minor: 3490 })).toEqual([]);
  });

  it("labels and tones", () => {
    expect(statusLabel("partially_refunded")).toBe("Partially refunded");
    expect(statusTone("delivered")).toBe("ok");
    expect(statusTone("shipped")).toBe("info");
    expect(statusTone("cancelled")).toBe("bad");
    expect(statusTone("placed")).toBe("muted");
  });
});

describe("timelines", () => {
  it("name who did it in words, never by id", () => {
    const names = (id: string) => (id === "a1" ? "Alex" : "");
    expect(actorLabel("agent:a1", names)).toBe("Alex");
    expect(actorLabel("agent:gone", names)).toBe("An agent");
    expect(actorLabel("contact:01a1fe62-7a06-70d5-80b5-f3706ff62ca0", names)).toBe("The customer");
    expect(actorLabel("api_key:01a1fe62-12fc-761e-86c8-591805a146ee", names)).toBe("The shop's API");
    expect(actorLabel("stripe", names)).toBe("Stripe");
    expect(actorLabel("shopify", names)).toBe("Shopify");
    expect(actorLabel("system", names)).toBe("Shoptalk");
    expect(actorLabel("something-new", names)).toBe("something-new");
  });
});

describe("refunds", () => {
  const o = order({ refunded_minor: 490 });
  it("full: no amount (the server refunds what is left); partial: the amount, within what is left", () => {
    expect(refundableMinor(o)).toBe(3000);
    expect(refundOf(o, { full: true, amount: "", reason: " damaged ", notify: true })).toEqual({
      ok: true,
      value: { action: { type: "refund", reason: "damaged", notify: true }, amountMinor: 3000 },
    });
    expect(refundOf(o, { full: false, amount: "12", reason: "", notify: false })).toEqual({
      ok: true,
      value: { action: { type: "refund", amount_minor: 1200, notify: false }, amountMinor: 1200 },
    });
    const bad = (amount: string) => {
      const r = refundOf(o, { full: false, amount, reason: "", notify: true });
      return r.ok ? "" : r.problems[0];
    };
    expect(bad("30.01")).toContain("more than what is left");
    expect(bad("0")).toContain("more than zero");
    expect(bad("1.234")).toContain("more than zero");
    expect(bad("abc")).toContain("more than zero");
    const nothing = refundOf(order({ refunded_minor: 3490 }), { full: true, amount: "", reason: "", notify: true });
    expect(nothing.ok ? "" : nothing.problems).toEqual(["Nothing is left to refund."]);
  });
});

describe("fulfilments", () => {
  it("carrier and tracking are optional; a tracking link must be http(s)", () => {
    expect(fulfilOf({ carrier: " DHL ", trackingNumber: "JD01", trackingUrl: "https://t.example/JD01", notify: true })).toEqual({
      ok: true,
      value: { type: "fulfil", carrier: "DHL", tracking_number: "JD01", tracking_url: "https://t.example/JD01", notify: true },
    });
    expect(fulfilOf({ carrier: "", trackingNumber: "", trackingUrl: "", notify: false })).toEqual({ ok: true, value: { type: "fulfil", notify: false } });
    const r = fulfilOf({ carrier: "", trackingNumber: "", trackingUrl: "javascript:alert(1)", notify: true });
    expect(r.ok ? "" : r.problems[0]).toContain("Tracking link must start with https://");
  });
});

describe("returns", () => {
  it("move requested → approved | rejected → received → refunded", () => {
    expect(returnSteps("requested")).toEqual(["approved", "rejected"]);
    expect(returnSteps("approved")).toEqual(["received"]);
    expect(returnSteps("received")).toEqual(["refunded"]);
    expect(returnSteps("refunded")).toEqual([]);
    expect(returnSteps("rejected")).toEqual([]);
  });
  it("a rejection needs a reason; a refund may name an amount", () => {
    const o = order();
    const r = transitionOf(o, "rejected", { note: "", amount: "" });
    expect(r.ok ? "" : r.problems[0]).toContain("Say why");
    expect(transitionOf(o, "rejected", { note: "Worn", amount: "" })).toEqual({ ok: true, value: { status: "rejected", note: "Worn" } });
    expect(transitionOf(o, "approved", { note: "", amount: "5" })).toEqual({ ok: true, value: { status: "approved" } });
    expect(transitionOf(o, "refunded", { note: "", amount: "" })).toEqual({ ok: true, value: { status: "refunded" } });
    expect(transitionOf(o, "refunded", { note: "", amount: "12.50" })).toEqual({ ok: true, value: { status: "refunded", refund_minor: 1250 } });
    const over = transitionOf(o, "refunded", { note: "", amount: "100" });
    expect(over.ok ? "" : over.problems[0]).toContain("more than what is left");
  });
  it("names the returned items by the order's lines", () => {
    expect(returnedItems(order(), { l1: 1, l2: 1, gone: 2 })).toBe("1 × Mug, 1 × Tea, 2 × gone");
  });
});

describe("refreshing", () => {
  it("the latest cart, order or payment message", () => {
    expect(lastCommerceSeq([])).toBe(0);
    expect(
      lastCommerceSeq([
        msg("c", 1, { content: { type: "cart", items: [] } }),
        msg("c", 2, { content: { type: "payment_request", amount_minor: 1, currency: "EUR", description: "x" } }),
        msg("c", 3),
      ]),
    ).toBe(2);
  });
});
