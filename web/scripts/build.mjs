// Builds the web assets into one folder the `shoptalk` binary embeds:
//   assets/widget-<hash>.js   the embeddable widget: one self-contained IIFE (CSS inlined)
//   app/index.html            the agent app (at /app), its chunks under assets/
//   demo/index.html           the demo storefront (at /demo)
//   manifest.json             {"widget": "assets/widget-<hash>.js"} for the server
// Usage: node scripts/build.mjs <out-dir>
import { build } from "vite";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const outDir = resolve(process.argv[2] ?? "dist");
const shared = {
  configFile: join(root, "vite.config.ts"),
  logLevel: "warn",
};

// The app and the demo page: ordinary HTML entries, hashed chunks.
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
      },
    },
  },
});

// The widget: one file, so the embed is a single <script> tag.
const widgetTmp = join(outDir, "widget-build");
await build({
  ...shared,
  root,
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
const hash = createHash("sha256").update(widget).digest("hex").slice(0, 10);
mkdirSync(join(outDir, "assets"), { recursive: true });
const widgetPath = `assets/widget-${hash}.js`;
renameSync(join(widgetTmp, "widget.js"), join(outDir, widgetPath));
rmSync(widgetTmp, { recursive: true, force: true });
writeFileSync(join(outDir, "manifest.json"), JSON.stringify({ widget: widgetPath }, null, 2) + "\n");
