import { describe, expect, it, vi } from "vitest";
import { installApi, type ShoptalkTarget } from "./jsapi";

function target() {
  const calls: unknown[][] = [];
  const subs = new Map<string, Set<(a?: unknown) => void>>();
  const t: ShoptalkTarget = {
    open: () => calls.push(["open"]),
    close: () => calls.push(["close"]),
    toggle: () => calls.push(["toggle"]),
    identify: (jwt) => calls.push(["identify", jwt]),
    track: (n, p) => calls.push(["track", n, p]),
    on: (e, fn) => {
      if (!subs.has(e)) subs.set(e, new Set());
      subs.get(e)!.add(fn);
      return () => void subs.get(e)!.delete(fn);
    },
  };
  return { t, calls, subs };
}

describe("window.Shoptalk", () => {
  it("replays calls queued before the script loaded, in order", () => {
    const fn = vi.fn();
    const win: { Shoptalk?: unknown } = { Shoptalk: { q: [["identify", "jwt-1"], ["track", "viewed", { id: 1 }], ["on", "message", fn], ["open"], ["nope"], "junk"] } };
    const { t, calls, subs } = target();
    installApi(win, t);
    expect(calls).toEqual([["identify", "jwt-1"], ["track", "viewed", { id: 1 }], ["open"]]);
    expect(subs.get("message")?.has(fn)).toBe(true);
  });

  it("exposes the API and keeps q.push working after load", () => {
    const win: { Shoptalk?: any } = {};
    const { t, calls, subs } = target();
    installApi(win, t);
    win.Shoptalk.q.push(["close"]);
    win.Shoptalk.toggle();
    win.Shoptalk.track("x");
    expect(calls).toEqual([["close"], ["toggle"], ["track", "x", undefined]]);
    const fn = () => {};
    const off = win.Shoptalk.on("unread", fn);
    expect(subs.get("unread")?.has(fn)).toBe(true);
    off();
    expect(subs.get("unread")?.has(fn)).toBe(false);
  });

  it("a throwing call does not stop the queue", () => {
    const { t, calls } = target();
    t.open = () => {
      throw new Error("boom");
    };
    const err = vi.spyOn(console, "error").mockImplementation(() => {});
    installApi({ Shoptalk: { q: [["open"], ["close"]] } }, t);
    expect(calls).toEqual([["close"]]);
    err.mockRestore();
  });
});
