// Shared settings: Preact JSX through esbuild (no plugin needed), and Vitest on happy-dom.
// `scripts/build.mjs` builds the widget and the app from this base.
import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

// Under Vitest, the widget's translation files by language (scripts/build.mjs defines the real,
// content-hashed names for the widget build): `{ fr: "assets/widget-i18n-fr-test.json", … }`.
const testLocales = () =>
  Object.fromEntries(
    readdirSync(new URL("src/widget/locales/", import.meta.url))
      .filter((f) => f.endsWith(".json"))
      .map((f) => f.slice(0, -".json".length))
      .map((lang) => [lang, `assets/widget-i18n-${lang}-test.json`]),
  );

export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  define: process.env.VITEST ? { __SHOPTALK_LOCALES__: JSON.stringify(testLocales()) } : {},
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
  },
});
