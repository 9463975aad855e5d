import { describe, expect, it } from "vitest";
import { msg } from "../test/fixtures";
import { hasGap, mergeMessages, startsGroup } from "./messagesLogic";

const seqs = (l: { seq: number }[]) => l.map((m) => m.seq);

describe("mergeMessages", () => {
  it("appends, prepends and interleaves by seq, each seq once", () => {
    const base = [msg("c", 3), msg("c", 4)];
    expect(seqs(mergeMessages(base, [msg("c", 5)]))).toEqual([3, 4, 5]);
    expect(seqs(mergeMessages(base, [msg("c", 2), msg("c", 1)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(mergeMessages(base, [msg("c", 4), msg("c", 6), msg("c", 2)]))).toEqual([2, 3, 4, 6]);
  });

  it("returns the same array for pure duplicates", () => {
    const base = [msg("c", 1), msg("c", 2)];
    expect(mergeMessages(base, [msg("c", 2)])).toBe(base);
  });

  it("detects gaps", () => {
    expect(hasGap([msg("c", 1)], msg("c", 2))).toBe(false);
    expect(hasGap([msg("c", 1)], msg("c", 4))).toBe(true);
  });

  it("groups by sender and time", () => {
    const list = [
      msg("c", 1),
      msg("c", 2),
      msg("c", 3, { sender: { type: "agent", id: "a" } }),
      msg("c", 4, { sender: { type: "agent", id: "a" }, created_at: "2026-01-01T12:00:00Z" }),
    ];
    expect(list.map((_, i) => startsGroup(list, i))).toEqual([true, false, true, true]);
  });
});
