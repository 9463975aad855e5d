import { describe, expect, it } from "vitest";
import type { Message } from "../shared/types";
import { charCount, composerProblem, mergeMessages, NEAR_BOTTOM, pruneLocals, stuckAfterScroll, tick, unreadCount, type Local } from "./state";

const m = (seq: number, o: Partial<Message> = {}): Message => ({
  id: "id" + seq,
  conversation_id: "c",
  seq,
  sender: { type: "agent" },
  content: { type: "text", text: "t" + seq },
  private: false,
  client_msg_id: null,
  created_at: "2026-01-01T00:00:00Z",
  ...o,
});

describe("mergeMessages", () => {
  it("keeps seq order whatever the arrival order", () => {
    const out = mergeMessages([], [m(3), m(1), m(2)]);
    expect(out.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(mergeMessages(out, [m(5), m(4)]).map((x) => x.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it("de-duplicates by id (resume replays, own pushes) and returns the same array when nothing changed", () => {
    const a = mergeMessages([], [m(1), m(2)]);
    const b = mergeMessages(a, [m(2), m(1)]);
    expect(b).toBe(a);
    expect(mergeMessages(a, [m(2), m(3), m(3)]).map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it("de-duplicates own messages by client_msg_id (ack and push of the same send)", () => {
    const mine = { sender: { type: "contact" as const }, client_msg_id: "cid-1" };
    const a = mergeMessages([m(1)], [m(2, mine)]);
    const b = mergeMessages(a, [m(2, { ...mine })]);
    expect(b).toBe(a);
    // A message committed under another id but the same client_msg_id replaces the first.
    const c = mergeMessages(a, [m(2, { ...mine, id: "other" })]);
    expect(c.map((x) => x.id)).toEqual(["id1", "other"]);
  });

  it("ignores junk", () => {
    expect(mergeMessages([], [null as unknown as Message, { ...m(1), seq: "x" } as unknown as Message])).toEqual([]);
  });
});

describe("locals and ticks", () => {
  it("drops pending locals once committed", () => {
    const locals: Local[] = [
      { cid: "a", content: { type: "text", text: "a" }, status: "pending", at: "" },
      { cid: "b", content: { type: "text", text: "b" }, status: "pending", at: "" },
    ];
    expect(pruneLocals(locals, [m(1, { client_msg_id: "a" })]).map((l) => l.cid)).toEqual(["b"]);
    expect(pruneLocals(locals, [m(1)])).toBe(locals);
  });

  it("ticks follow the shop side's watermarks", () => {
    expect(tick(5, 0, 0)).toBe("sent");
    expect(tick(5, 5, 0)).toBe("delivered");
    expect(tick(5, 9, 4)).toBe("delivered");
    expect(tick(5, 0, 5)).toBe("read");
    expect(tick(5, 3, 7)).toBe("read");
  });

  it("counts unread shop messages after the contact's read watermark", () => {
    const list = [m(1), m(2, { sender: { type: "contact" } }), m(3, { sender: { type: "bot" } }), m(4, { sender: { type: "system" } }), m(5)];
    expect(unreadCount(list, 0)).toBe(3);
    expect(unreadCount(list, 3)).toBe(1);
    expect(unreadCount(list, 5)).toBe(0);
  });
});

describe("composer limits", () => {
  it("counts characters like the server (code points) and refuses above 4096", () => {
    expect(charCount("😀😀")).toBe(2);
    expect(composerProblem("   \n")).toBe("empty");
    expect(composerProblem("a".repeat(4096))).toBeNull();
    expect(composerProblem("a".repeat(4097))).toBe("too_long");
    expect(composerProblem("😀".repeat(4096))).toBeNull();
    expect(composerProblem("😀".repeat(4097))).toBe("too_long");
  });
});

describe("stuckAfterScroll", () => {
  // A list pinned at scrollTop 600 (scrollHeight 1000, clientHeight 400).
  it("near the bottom: stuck, whoever scrolled", () => {
    expect(stuckAfterScroll(true, 600, 600, 0)).toBe(true);
    expect(stuckAfterScroll(false, 600, 560, NEAR_BOTTOM - 1)).toBe(true);
    expect(stuckAfterScroll(true, 600, 540, NEAR_BOTTOM - 1)).toBe(true);
  });
  it("content grown below since our pinning (images loading): still stuck", () => {
    // Our own scroll event, handled after other images grew the list by 120 px.
    expect(stuckAfterScroll(true, 600, 600, 120)).toBe(true);
    // Sub-pixel scroll positions.
    expect(stuckAfterScroll(true, 600.5, 600, 300)).toBe(true);
  });
  it("moved down (the browser's scroll anchoring, content grown above): still stuck", () => {
    expect(stuckAfterScroll(true, 600, 750, 200)).toBe(true);
  });
  it("moved up, away from the bottom (the person scrolled): let go", () => {
    expect(stuckAfterScroll(true, 600, 500, 100)).toBe(false);
    expect(stuckAfterScroll(true, 600, 0, 600)).toBe(false);
  });
  it("not stuck: stays so until back near the bottom", () => {
    expect(stuckAfterScroll(false, 600, 600, 120)).toBe(false);
    expect(stuckAfterScroll(false, 600, 700, 300)).toBe(false);
  });
});
