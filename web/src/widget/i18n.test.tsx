import { describe, expect, it } from "vitest";
import { LANGS, pickLocale, translator } from "./i18n";
import { RENDER_EN } from "../shared/render/strings";

describe("i18n", () => {
  const keys = Object.keys(LANGS.en).sort();

  it("has the 13 languages", () => {
    expect(Object.keys(LANGS).sort()).toEqual(["ar", "de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt", "ru", "tr", "zh"]);
  });

  for (const [lang, table] of Object.entries(LANGS)) {
    it(`${lang} has every key, each non-empty, placeholders kept`, () => {
      expect(Object.keys(table).sort()).toEqual(keys);
      for (const [k, v] of Object.entries(table)) {
        expect(typeof v === "string" && v.trim().length > 0, `${lang}.${k}`).toBe(true);
        const en = (LANGS.en as Record<string, string>)[k];
        expect(v.includes("{n}"), `${lang}.${k} placeholder`).toBe(en.includes("{n}"));
      }
    });
  }

  it("covers the content renderer's keys", () => {
    for (const k of Object.keys(RENDER_EN)) expect(keys).toContain(k);
  });

  it("picks the first supported language, else English", () => {
    expect(pickLocale(["pt-BR", "en"])).toBe("pt");
    expect(pickLocale([undefined, "xx", "zh_Hans"])).toBe("zh");
    expect(pickLocale(["sv", "fi"])).toBe("en");
    expect(pickLocale([])).toBe("en");
    expect(translator("de")("send")).toBe("Senden");
    expect(translator("nope")("send")).toBe("Send");
    expect(translator("fr")("unknown_key")).toBe("unknown_key");
  });
});
