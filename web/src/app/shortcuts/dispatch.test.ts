import { describe, expect, it } from "vitest";
import { commandOf, isTypingTarget, step } from "./dispatch";

describe("shortcut dispatch", () => {
  const body = document.body;

  it("maps keys to commands", () => {
    expect(commandOf({ key: "j", target: body })).toBe("next");
    expect(commandOf({ key: "k", target: body })).toBe("prev");
    expect(commandOf({ key: "e", target: body })).toBe("resolve");
    expect(commandOf({ key: "?", target: body })).toBe("help");
    expect(commandOf({ key: "/", target: body })).toBe("search");
    expect(commandOf({ key: "x", target: body })).toBeNull();
  });

  it("ignores keys typed into fields", () => {
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    const select = document.createElement("select");
    const editable = document.createElement("div");
    editable.setAttribute("contenteditable", "true");
    for (const t of [input, textarea, select, editable]) {
      expect(isTypingTarget(t)).toBe(true);
      expect(commandOf({ key: "e", target: t })).toBeNull();
    }
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    expect(commandOf({ key: "j", target: checkbox })).toBe("next");
  });

  it("ignores modified keys and handled events", () => {
    expect(commandOf({ key: "r", target: body, ctrlKey: true })).toBeNull();
    expect(commandOf({ key: "r", target: body, metaKey: true })).toBeNull();
    expect(commandOf({ key: "r", target: body, defaultPrevented: true })).toBeNull();
  });

  it("steps through the list", () => {
    expect(step(["a", "b", "c"], null, 1)).toBe("a");
    expect(step(["a", "b", "c"], "a", 1)).toBe("b");
    expect(step(["a", "b", "c"], "c", 1)).toBe("c");
    expect(step(["a", "b", "c"], "a", -1)).toBe("a");
    expect(step([], null, 1)).toBeNull();
  });
});
