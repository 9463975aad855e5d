import { afterEach, describe, expect, it, vi } from "vitest";
import { en, LOCALE_FILES, loadStrings, pickLocale, rtl, translator, type Key } from "./i18n";
import { RENDER_EN } from "../shared/render/strings";
import ar from "./locales/ar.json";
import de from "./locales/de.json";
import es from "./locales/es.json";
import fr from "./locales/fr.json";
import it_ from "./locales/it.json";
import ja from "./locales/ja.json";
import nl from "./locales/nl.json";
import pl from "./locales/pl.json";
import pt from "./locales/pt.json";
import ru from "./locales/ru.json";
import tr from "./locales/tr.json";
import zh from "./locales/zh.json";

/// Type-checks (tsc) that a locale file has every English key and no other.
const exact = <T extends Record<Key, string>>(table: T & { [K in Exclude<keyof T, Key>]: never }): Record<string, string> => table;

const LANGS: Record<string, Record<string, string>> = {
  en,
  ar: exact(ar),
  de: exact(de),
  es: exact(es),
  fr: exact(fr),
  it: exact(it_),
  ja: exact(ja),
  nl: exact(nl),
  pl: exact(pl),
  pt: exact(pt),
  ru: exact(ru),
  tr: exact(tr),
  zh: exact(zh),
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("i18n", () => {
  const keys = Object.keys(en).sort();

  it("has the 13 languages: English built in, each other one a file", () => {
    expect(Object.keys(LANGS).sort()).toEqual(["ar", "de", "en", "es", "fr", "it", "ja", "nl", "pl", "pt", "ru", "tr", "zh"]);
    const files = Object.keys(import.meta.glob("./locales/*.json")).map((f) => f.slice("./locales/".length, -".json".length));
    expect(files.sort()).toEqual(Object.keys(LANGS).filter((l) => l !== "en").sort());
    expect(Object.keys(LOCALE_FILES).sort()).toEqual(files);
  });

  for (const [lang, table] of Object.entries(LANGS)) {
    it(`${lang} has exactly the English keys, each non-empty, placeholders kept`, () => {
      expect(Object.keys(table).sort()).toEqual(keys);
      for (const [k, v] of Object.entries(table)) {
        expect(typeof v === "string" && v.trim().length > 0, `${lang}.${k}`).toBe(true);
        const e = (en as Record<string, string>)[k];
        expect(v.includes("{n}"), `${lang}.${k} placeholder`).toBe(e.includes("{n}"));
      }
    });
  }

  it("ar is the only right-to-left language, and the only one written in a right-to-left script", () => {
    const rtlScript = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
    expect(Object.keys(LANGS).filter(rtl)).toEqual(["ar"]);
    for (const [lang, table] of Object.entries(LANGS)) {
      expect(Object.values(table).some((v) => rtlScript.test(v)), lang).toBe(rtl(lang));
    }
  });

  it("covers the content renderer's keys", () => {
    for (const k of Object.keys(RENDER_EN)) expect(keys).toContain(k);
  });

  it("picks the first supported language, else English", () => {
    expect(pickLocale(["pt-BR", "en"])).toBe("pt");
    expect(pickLocale([undefined, "xx", "zh_Hans"])).toBe("zh");
    expect(pickLocale(["en-GB", "fr"])).toBe("en");
    expect(pickLocale(["sv", "fi"])).toBe("en");
    expect(pickLocale(["valueOf", "toString", "de"])).toBe("de");
    expect(pickLocale([])).toBe("en");
  });

  it("translates with a loaded table, English for what it lacks, never a key for a known one", () => {
    expect(translator(de)("send")).toBe("Senden");
    expect(translator(null)("send")).toBe("Send");
    expect(translator({ send: "" })("send")).toBe("Send");
    expect(translator({ retry: "Réessayer" })("send")).toBe("Send");
    expect(translator(fr)("unknown_key")).toBe("unknown_key");
  });

  it("fetches a language's file from the server's origin; English is not fetched", async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(fr), { status: 200 }));
    vi.stubGlobal("fetch", fetch);
    expect(await loadStrings("https://chat.example", "fr")).toEqual(fr);
    expect(fetch.mock.calls.map((c) => c[0])).toEqual([`https://chat.example/${LOCALE_FILES.fr}`]);
    expect(LOCALE_FILES.fr).toMatch(/^assets\/widget-i18n-fr-[\w]+\.json$/);
    expect(await loadStrings("", "de")).toEqual(fr);
    expect(fetch.mock.calls[1][0]).toBe(`/${LOCALE_FILES.de}`);
    expect(await loadStrings("https://chat.example", "en")).toBeNull();
    expect(await loadStrings("https://chat.example", "xx")).toBeNull();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("gives null (English) when the file cannot be had", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    for (const answer of [
      () => Promise.reject(new TypeError("Failed to fetch")),
      async () => new Response("nope", { status: 404 }),
      async () => new Response("<html>", { status: 200 }),
      async () => new Response("null", { status: 200 }),
    ]) {
      vi.stubGlobal("fetch", answer);
      expect(await loadStrings("https://chat.example", "ja")).toBeNull();
    }
    expect(warn).toHaveBeenCalledTimes(4);
  });
});
