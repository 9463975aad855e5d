// Builds the web assets into one folder the `shoptalk` binary embeds:
//   assets/widget-<hash>.js   the embeddable widget: one self-contained IIFE (CSS inlined)
//   assets/widget-i18n-<lang>-<hash>.json
//                             the widget's translations but English (src/widget/locales/), which
//                             it fetches on demand: their names are compiled into it
//   app/index.html            the agent app (at /app), its chunks under assets/
//   demo/index.html           the demo storefront (at /demo)
//   pay/index.html            the pay page of payment links (at /pay/<payment id>)
//   manifest.json             {"widget": "assets/widget-<hash>.js"} for the server
// Usage: node scripts/build.mjs <out-dir>
import { build } from "vite";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const outDir = resolve(process.argv[2] ?? "dist");
const sha = (bytes) => createHash("sha256").update(bytes).digest("hex").slice(0, 10);
const shared = {
  configFile: join(root, "vite.config.ts"),
  logLevel: "warn",
};

// The app, the demo page and the pay page: ordinary HTML entries, hashed chunks.
await build({
  ...shared,
  root: join(root, "src"),
  base: "/",
  build: {
    outDir,
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        app: join(root, "src/app/index.html"),
        demo: join(root, "src/demo/index.html"),
        pay: join(root, "src/pay/index.html"),
      },
    },
  },
});

mkdirSync(join(outDir, "assets"), { recursive: true });

// The widget's translations, minified, one content-hashed file per language; the widget learns
// their names through __SHOPTALK_LOCALES__ (so a changed translation changes its hash too).
const localesDir = join(root, "src/widget/locales");
const locales = {};
for (const file of readdirSync(localesDir).filter((f) => f.endsWith(".json")).sort()) {
  const lang = file.slice(0, -".json".length);
  if (!/^[a-z]{2,3}$/.test(lang)) throw new Error(`src/widget/locales/${file}: not a language code`);
  let table;
  try {
    table = JSON.parse(readFileSync(join(localesDir, file), "utf8"));
  } catch (e) {
    throw new Error(`src/widget/locales/${file}: ${e.message}`);
  }
  const json = JSON.stringify(table);
  const path = `assets/widget-i18n-${lang}-${sha(json)}.json`;
  writeFileSync(join(outDir, path), json);
  locales[lang] = path;
}

// The widget: one file, so the embed is a single <script> tag.
const widgetTmp = join(outDir, "widget-build");
await build({
  ...shared,
  root,
  define: { __SHOPTALK_LOCALES__: JSON.stringify(locales) },
  build: {
    outDir: widgetTmp,
    emptyOutDir: true,
    lib: {
      entry: join(root, "src/widget/main.tsx"),
      name: "ShoptalkWidget",
      formats: ["iife"],
      fileName: () => "widget.js",
    },
    minify: "esbuild",
    target: "es2020",
  },
});
const widget = readFileSync(join(widgetTmp, "widget.js"));
const widgetPath = `assets/widget-${sha(widget)}.js`;
renameSync(join(widgetTmp, "widget.js"), join(outDir, widgetPath));
rmSync(widgetTmp, { recursive: true, force: true });
writeFileSync(join(outDir, "manifest.json"), JSON.stringify({ widget: widgetPath }, null, 2) + "\n");
