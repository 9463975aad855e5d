// What staff can do to an order or a return in its current state, and the requests their
// forms make. Pure: the sidebar's components only show and send these.
import type { Message, Order, OrderAction, OrderStatus, ReturnStatus, ReturnTransition } from "../../shared/types";
import { chars, Problems, toMinor, urlProblem } from "../composer/rich/validate";

export type OrderActionKind = "mark_paid" | "fulfil" | "mark_delivered" | "resend_tracking" | "refund" | "cancel";

/// Money has been taken for these.
const PAID: OrderStatus[] = ["paid", "fulfilled", "shipped", "delivered", "partially_refunded"];

/// What is left to refund.
export const refundableMinor = (o: Order): number => Math.max(0, o.total_minor - o.refunded_minor);

/// Whether a fulfilment of the order can be tracked (so tracking can be sent again).
export const hasTracking = (o: Order): boolean => (o.fulfilments ?? []).some((f) => !!(f.tracking_number || f.tracking_url));

/// The actions that make sense for the order now, in the order the sidebar shows them.
export function orderActions(o: Order): OrderActionKind[] {
  const s = o.status;
  const out: OrderActionKind[] = [];
  if (s === "placed") out.push("mark_paid");
  if (s === "placed" || s === "paid" || s === "fulfilled" || s === "partially_refunded") out.push("fulfil");
  if (s === "fulfilled" || s === "shipped") out.push("mark_delivered");
  if (hasTracking(o) && s !== "cancelled" && s !== "refunded") out.push("resend_tracking");
  if (PAID.includes(s) && refundableMinor(o) > 0) out.push("refund");
  if (s === "placed" || s === "paid") out.push("cancel");
  return out;
}

export const ACTION_LABEL: Record<OrderActionKind, string> = {
  mark_paid: "Mark paid",
  fulfil: "Mark fulfilled",
  mark_delivered: "Mark delivered",
  resend_tracking: "Resend tracking",
  refund: "Refund",
  cancel: "Cancel order",
};

/// Who did something, as a timeline records it (`agent:<id>`, `contact:<id>`, `api_key:<id>`,
/// `shopify`, `stripe`, `system`), in words: ids mean nothing to the people reading it.
export function actorLabel(by: string, agentName: (id: string) => string): string {
  const colon = by.indexOf(":");
  const kind = colon < 0 ? by : by.slice(0, colon);
  const id = colon < 0 ? "" : by.slice(colon + 1);
  switch (kind) {
    case "agent":
      return agentName(id) || "An agent";
    case "contact":
      return "The customer";
    case "api_key":
      return "The shop's API";
    case "shopify":
      return "Shopify";
    case "stripe":
      return "Stripe";
    case "system":
      return "Shoptalk";
    default:
      return by;
  }
}

/// "partially_refunded" → "Partially refunded".
export const statusLabel = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1).replace(/_/g, " ") : "");

/// The badge's tone: done well, on its way, undone, or waiting.
export function statusTone(s: string): "ok" | "info" | "bad" | "muted" {
  if (s === "paid" || s === "fulfilled" || s === "delivered" || s === "approved" || s === "received") return "ok";
  if (s === "shipped" || s === "requested") return "info";
  if (s === "cancelled" || s === "refunded" || s === "partially_refunded" || s === "rejected") return "bad";
  return "muted";
}

const REASON_MAX_CHARS = 500;

export type Built<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface RefundDraft {
  full: boolean;
  amount: string;
  reason: string;
  notify: boolean;
}

/// The refund to confirm: the action, and the amount it refunds (for the confirmation).
export function refundOf(o: Order, d: RefundDraft): Built<{ action: OrderAction; amountMinor: number }> {
  const p = new Problems();
  const left = refundableMinor(o);
  const reason = d.reason.trim();
  if (chars(reason) > REASON_MAX_CHARS) p.add(`The reason must be at most ${REASON_MAX_CHARS} characters.`);
  let amountMinor = left;
  if (!d.full) {
    const m = toMinor(d.amount, o.currency);
    if (m === null || m <= 0) p.add("Amount to refund must be more than zero, such as 12.00.");
    else if (m > left) p.add("Amount to refund is more than what is left to refund.");
    else amountMinor = m;
  }
  if (left <= 0) p.add("Nothing is left to refund.");
  if (!p.ok) return { ok: false, problems: p.list };
  // A full refund names no amount: the server refunds whatever is left, even if that moved.
  const action: OrderAction = {
    type: "refund",
    ...(d.full ? {} : { amount_minor: amountMinor }),
    ...(reason ? { reason } : {}),
    notify: d.notify,
  };
  return { ok: true, value: { action, amountMinor } };
}

export interface FulfilDraft {
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
  notify: boolean;
}

export function fulfilOf(d: FulfilDraft): Built<OrderAction> {
  const p = new Problems();
  const carrier = d.carrier.trim();
  const number = d.trackingNumber.trim();
  const url = d.trackingUrl.trim();
  p.text("Carrier", carrier, 80);
  p.text("Tracking number", number, 255);
  if (url) {
    const problem = urlProblem(url);
    if (problem) p.add(`Tracking link ${problem}`);
  }
  if (!p.ok) return { ok: false, problems: p.list };
  return {
    ok: true,
    value: {
      type: "fulfil",
      ...(carrier ? { carrier } : {}),
      ...(number ? { tracking_number: number } : {}),
      ...(url ? { tracking_url: url } : {}),
      notify: d.notify,
    },
  };
}

// ------------------------------------------------------------------ returns

/// Where a return can go from its state: requested → approved | rejected → received → refunded.
export function returnSteps(s: ReturnStatus): ReturnStatus[] {
  switch (s) {
    case "requested":
      return ["approved", "rejected"];
    case "approved":
      return ["received"];
    case "received":
      return ["refunded"];
    default:
      return [];
  }
}

export const STEP_LABEL: Record<ReturnStatus, string> = {
  requested: "Requested",
  approved: "Approve return",
  rejected: "Reject return",
  received: "Mark received",
  refunded: "Refund return",
};

/// The transition to `to`: a rejection says why; a refund may name an amount (blank: the
/// returned lines' value, as the server reckons it).
export function transitionOf(o: Order, to: ReturnStatus, d: { note: string; amount: string }): Built<ReturnTransition> {
  const p = new Problems();
  const note = d.note.trim();
  if (to === "rejected" && !note) p.add("Say why the return is rejected: the customer is told.");
  if (chars(note) > REASON_MAX_CHARS) p.add(`The note must be at most ${REASON_MAX_CHARS} characters.`);
  let refund: number | undefined;
  if (to === "refunded" && d.amount.trim()) {
    const m = toMinor(d.amount, o.currency);
    if (m === null || m <= 0) p.add("Amount to refund must be more than zero, such as 12.00.");
    else if (m > refundableMinor(o)) p.add("Amount to refund is more than what is left to refund.");
    else refund = m;
  }
  if (!p.ok) return { ok: false, problems: p.list };
  return { ok: true, value: { status: to, ...(note ? { note } : {}), ...(refund !== undefined ? { refund_minor: refund } : {}) } };
}

/// "2 × Mug, 1 × Tea" from a return's line ids and the order's lines.
export function returnedItems(o: Order, lines: Record<string, number>): string {
  return Object.entries(lines ?? {})
    .map(([id, n]) => `${n} × ${o.lines.find((l) => l.id === id)?.title ?? id}`)
    .join(", ");
}

// ------------------------------------------------------------------ refreshing

/// Messages after which a contact's cart or orders may have changed.
const COMMERCE_CONTENT = new Set(["cart", "order", "payment_request"]);

/// The seq of the conversation's latest cart, order or payment message (0: none): when it
/// moves, the sidebar fetches the cart and orders again.
export function lastCommerceSeq(items: Message[]): number {
  for (let i = items.length - 1; i >= 0; i--) {
    if (COMMERCE_CONTENT.has(items[i].content?.type)) return items[i].seq;
  }
  return 0;
}
