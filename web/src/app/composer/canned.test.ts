import { describe, expect, it } from "vitest";
import type { CannedResponse } from "../../shared/types";
import { expandVariables, filterCanned, insertCanned, slashQuery } from "./canned";

const cr = (shortcut: string, title = shortcut): CannedResponse => ({ id: shortcut, shortcut, title, text: "", created_at: "", updated_at: "" });

describe("expandVariables", () => {
  const vars = { contact: { name: "Ada Lovelace", email: "ada@x.io" }, agent: { name: "Maya" }, workspace: { name: "Shoe Shop" } };

  it("fills every known variable", () => {
    expect(
      expandVariables("Hi {{contact.first_name}} ({{ contact.name }}, {{contact.email}}) — {{agent.name}} at {{workspace.name}}", vars),
    ).toBe("Hi Ada (Ada Lovelace, ada@x.io) — Maya at Shoe Shop");
  });

  it("leaves unknown or missing values empty", () => {
    expect(expandVariables("Hi {{contact.first_name}}{{order.id}}!", { contact: { name: null } })).toBe("Hi !");
    expect(expandVariables("{{contact.email}}", {})).toBe("");
  });

  it("keeps text without variables", () => {
    expect(expandVariables("{not a var} {{}}", vars)).toBe("{not a var} {{}}");
  });
});

describe("slash popup", () => {
  it("finds the /query before the caret", () => {
    expect(slashQuery("/he", 3)).toEqual({ start: 0, query: "he" });
    expect(slashQuery("hello /Sh", 9)).toEqual({ start: 6, query: "sh" });
    expect(slashQuery("a/b", 3)).toBeNull();
    expect(slashQuery("/he llo", 7)).toBeNull();
  });

  it("orders prefix matches first", () => {
    const list = [cr("goodbye", "Bye"), cr("shipping"), cr("hello"), cr("thanks", "Say hello")];
    expect(filterCanned(list, "h").map((c) => c.shortcut)).toEqual(["hello", "shipping", "thanks"]);
    expect(filterCanned(list, "hel").map((c) => c.shortcut)).toEqual(["hello", "thanks"]);
  });

  it("replaces the /query with the text", () => {
    expect(insertCanned("Ok /he and", 3, 6, "Hello!")).toEqual({ text: "Ok Hello! and", caret: 9 });
  });
});
