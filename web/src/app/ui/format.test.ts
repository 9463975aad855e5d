import { describe, expect, it } from "vitest";
import { initials } from "./format";

describe("initials", () => {
  it.each([
    ["Alex (support)", "AS"],
    ["Yuki Tanaka", "YT"],
    ["amélie durand", "AD"],
    ["Lucía María García", "LG"],
    ["Cher", "C"],
    ["  spaced   out  ", "SO"],
    ["Mary O'Brien", "MO"],
    ["Jean-Luc Picard", "JP"],
    ["\"Quoted\" [Name]", "QN"],
    ["— Team ✨", "T"],
    ["李小龙", "李"],
    ["Иван Петров", "ИП"],
    ["محمد علي", "مع"],
    ["Agent 007", "A0"],
    ["42", "4"],
    ["ßeta straße", "SS"],
    ["bob.smith@shop.example", "B"],
    ["Visitor #a1b2", "V"],
    ["Émile (Zola) Jr.", "ÉJ"],
    ["E\u0301mile Zola", "EZ"],
  ])("%s → %s", (name, want) => {
    expect(initials(name)).toBe(want);
  });

  it.each(["", "   ", "(…)", "🙂 🎉", "#1234", "@", "-- --"])("%j has none: ?", (name) => {
    expect(initials(name)).toBe("?");
  });

  it("is at most two characters", () => {
    for (const name of ["A B C D", "one two three", "x y"]) expect([...initials(name)].length).toBeLessThanOrEqual(2);
  });
});
