// Shared settings: Preact JSX through esbuild (no plugin needed), and Vitest on happy-dom.
// `scripts/build.mjs` builds the widget and the app from this base.
import { defineConfig } from "vitest/config";

export default defineConfig({
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx", "test/**/*.test.ts", "test/**/*.test.tsx"],
  },
});
