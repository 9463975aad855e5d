import { describe, expect, it } from "vitest";
import { conv, msg } from "../test/fixtures";
import {
  appendPage,
  applyConversation,
  applyMessage,
  collectLabels,
  matchesFilter,
  previewOf,
  type InboxFilter,
  type ListState,
} from "./inboxLogic";

const all: InboxFilter = { view: "all", status: "open", q: "" };
const ids = (s: ListState) => s.items.map((c) => c.id);

describe("matchesFilter", () => {
  it("applies view, status and label", () => {
    const c = conv("a", "2026-01-01T10:00:00Z", { assignee_id: "me", labels: ["vip"] });
    expect(matchesFilter(c, { view: "mine", status: "open", q: "" }, "me")).toBe(true);
    expect(matchesFilter(c, { view: "mine", status: "open", q: "" }, "other")).toBe(false);
    expect(matchesFilter(c, { view: "unassigned", status: "open", q: "" }, "me")).toBe(false);
    expect(matchesFilter(c, { view: "label", label: "vip", status: "any", q: "" }, "me")).toBe(true);
    expect(matchesFilter(c, { view: "label", label: "refund", status: "any", q: "" }, "me")).toBe(false);
    expect(matchesFilter(c, { view: "all", status: "resolved", q: "" }, "me")).toBe(false);
  });
});

describe("applyConversation", () => {
  const base: ListState = {
    items: [conv("c", "2026-01-01T10:03:00Z"), conv("b", "2026-01-01T10:02:00Z"), conv("a", "2026-01-01T10:01:00Z")],
    nextCursor: null,
  };

  it("puts a new conversation at the top", () => {
    const next = applyConversation(base, conv("d", "2026-01-01T10:04:00Z"), all, "me");
    expect(ids(next)).toEqual(["d", "c", "b", "a"]);
  });

  it("moves an updated conversation to its place and replaces it", () => {
    const next = applyConversation(base, conv("a", "2026-01-01T10:05:00Z", { updated_at: "2026-01-01T10:05:00Z", labels: ["x"] }), all, "me");
    expect(ids(next)).toEqual(["a", "c", "b"]);
    expect(next.items[0].labels).toEqual(["x"]);
  });

  it("drops a conversation that leaves the filter", () => {
    const resolved = conv("b", "2026-01-01T10:02:00Z", { status: "resolved", updated_at: "2026-01-01T10:06:00Z" });
    expect(ids(applyConversation(base, resolved, all, "me"))).toEqual(["c", "a"]);
    const taken = conv("b", "2026-01-01T10:02:00Z", { assignee_id: "other", updated_at: "2026-01-01T10:06:00Z" });
    expect(ids(applyConversation(base, taken, { view: "unassigned", status: "open", q: "" }, "me"))).toEqual(["c", "a"]);
  });

  it("ignores an older copy", () => {
    const fresh = applyConversation(base, conv("b", "2026-01-01T10:02:00Z", { updated_at: "2026-01-01T11:00:00Z", labels: ["new"] }), all, "me");
    const stale = applyConversation(fresh, conv("b", "2026-01-01T10:02:00Z", { updated_at: "2026-01-01T10:30:00Z", labels: ["old"] }), all, "me");
    expect(stale.items.find((c) => c.id === "b")!.labels).toEqual(["new"]);
  });

  it("does not insert below the loaded part of a paginated list", () => {
    const paged = { ...base, nextCursor: "x" };
    expect(ids(applyConversation(paged, conv("z", "2026-01-01T09:00:00Z"), all, "me"))).toEqual(["c", "b", "a"]);
    expect(ids(applyConversation(paged, conv("y", "2026-01-01T10:02:30Z"), all, "me"))).toEqual(["c", "y", "b", "a"]);
  });

  it("does not insert new conversations into search results", () => {
    expect(ids(applyConversation(base, conv("d", "2026-01-01T10:04:00Z"), { ...all, q: "shoe" }, "me"))).toEqual(["c", "b", "a"]);
  });
});

describe("applyMessage", () => {
  const base: ListState = {
    items: [conv("b", "2026-01-01T10:02:00Z"), conv("a", "2026-01-01T10:01:00Z")],
    nextCursor: null,
  };

  it("moves the conversation up with the new preview and unread count", () => {
    const m = msg("a", 2, { created_at: "2026-01-01T10:10:00Z", content: { type: "text", text: "Where is my\norder?" } });
    const r = applyMessage(base, m, null);
    expect(r.found).toBe(true);
    expect(ids(r.state)).toEqual(["a", "b"]);
    expect(r.state.items[0]).toMatchObject({ last_seq: 2, last_message_preview: "Where is my order?", unread_by_agent: 1 });
  });

  it("keeps unread at zero for the conversation being viewed, and ignores repeats", () => {
    const m = msg("a", 2, { created_at: "2026-01-01T10:10:00Z" });
    const r = applyMessage(base, m, "a");
    expect(r.state.items[0].unread_by_agent).toBe(0);
    expect(applyMessage(r.state, m, null).state).toBe(r.state);
  });

  it("private notes do not change the preview", () => {
    const m = msg("a", 2, { private: true, sender: { type: "agent", id: "me" } });
    const r = applyMessage(base, m, null);
    expect(r.state.items.find((c) => c.id === "a")!.last_message_preview).toBe("hi");
  });

  it("reports unknown conversations", () => {
    expect(applyMessage(base, msg("zzz", 1), null).found).toBe(false);
  });
});

describe("pages and labels", () => {
  it("appends pages without duplicates", () => {
    const s = appendPage({ items: [conv("a", "2026-01-01T10:00:00Z")], nextCursor: "1" }, [conv("a", "2026-01-01T10:00:00Z"), conv("b", "2026-01-01T09:00:00Z")], null);
    expect(ids(s)).toEqual(["a", "b"]);
    expect(s.nextCursor).toBeNull();
  });

  it("collects labels sorted", () => {
    expect(collectLabels([conv("a", "x", { labels: ["vip", "b"] }), conv("b", "x", { labels: ["b"] })], ["a"])).toEqual(["a", "b", "vip"]);
  });

  it("previews rich content like the server", () => {
    expect(previewOf({ type: "image", media: { media_id: "m" } })).toBe("📷 Photo");
    expect(previewOf({ type: "carousel", cards: [{ title: "A" }, { title: "B" }] })).toBe("🛍 2 products");
    // Orders and money read as the server's previews do.
    expect(previewOf({ type: "order", order_id: "o1", number: "1010", status: "paid" })).toBe("Order #1010 — paid");
    expect(previewOf({ type: "order", order_id: "o1", number: "#1010", status: "paid" })).toBe("Order #1010 — paid");
    expect(previewOf({ type: "order", order_id: "o1", number: "1011", status: "partially_refunded" })).toBe(
      "Order #1011 — partially refunded",
    );
    expect(previewOf({ type: "payment_request", amount_minor: 7100, currency: "EUR", description: "Cart", pay_url: "https://x.example/p" })).toBe("Payment request: 71.00 EUR");
    expect(previewOf({ type: "payment_request", amount_minor: 500, currency: "JPY", description: "Cart", pay_url: "https://x.example/p" })).toBe("Payment request: 500 JPY");
    expect(previewOf({ type: "text", text: "x".repeat(200) }).length).toBe(140);
  });
});
