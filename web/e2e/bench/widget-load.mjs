#!/usr/bin/env node
// Widget load benchmark (a program, not a test): loads the demo storefront N times, each in a
// fresh browser context (empty cache), and prints JSON figures:
//   - the widget script's size: raw, gzip (what a gzip-only client transfers) and as served
//     to Chromium (encodedBodySize from Resource Timing, with the Content-Encoding used);
//   - from the page's own clock (Performance API): the widget script's request start, its
//     responseEnd, and the moment the launcher is interactive (present in the widget's shadow
//     root, visible and enabled), recorded inside the page by a poll installed before any
//     page script runs; reported as median and p95 over the runs.
//
// Usage: node e2e/bench/widget-load.mjs [base-url] [runs]
//        SHOPTALK_URL=http://127.0.0.1:8080 RUNS=20 node e2e/bench/widget-load.mjs
// Needs a running `shoptalk demo` (it serves /demo). Uses Debian's Chromium
// (CHROMIUM_PATH overrides /usr/bin/chromium); never downloads a browser.
// Note: every load may open a widget session; the server allows 30 per client IP per minute
// by default (SHOPTALK_HTTP__WIDGET_SESSIONS_PER_MINUTE).
import { chromium } from "@playwright/test";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { gzipSync } from "node:zlib";

const base = (process.argv[2] ?? process.env.SHOPTALK_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const runs = Number(process.argv[3] ?? process.env.RUNS ?? 20);
if (!Number.isInteger(runs) || runs < 1) {
  console.error("runs must be a positive integer");
  process.exit(2);
}

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/// Raw bytes of `url` as sent on the wire with the given Accept-Encoding (redirects followed).
function fetchRaw(url, acceptEncoding, hops = 5) {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? httpsRequest : httpRequest;
    const req = get(url, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
      if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && hops > 0) {
        res.resume();
        resolve(fetchRaw(new URL(res.headers.location, url).href, acceptEncoding, hops - 1));
        return;
      }
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          url,
          status: res.statusCode,
          encoding: res.headers["content-encoding"] ?? "identity",
          cacheControl: res.headers["cache-control"] ?? null,
          bytes: Buffer.concat(chunks),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function stats(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const round = (v) => Math.round(v * 10) / 10;
  return {
    n: sorted.length,
    median: round(sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2),
    p95: round(rank(0.95)),
    min: round(sorted[0]),
    max: round(sorted[sorted.length - 1]),
  };
}

// Installed before any page script: notes performance.now() when the launcher first is
// interactive. The launcher lives in an open shadow root, which document-level
// MutationObservers do not see, so this polls every animation frame and every 4 ms.
function recordLauncherReady() {
  const find = () => {
    const host = document.getElementById("shoptalk-widget");
    const root = host && host.shadowRoot;
    const launcher = root && root.querySelector("[data-testid=st-launcher]");
    if (!launcher) return false;
    if (launcher.disabled || launcher.getAttribute("aria-disabled") === "true") return false;
    const box = launcher.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return false;
    const style = getComputedStyle(launcher);
    return style.visibility !== "hidden" && style.display !== "none";
  };
  const done = () => {
    if (window.__launcherReadyAt !== undefined) return true;
    if (find()) {
      window.__launcherReadyAt = performance.now();
      return true;
    }
    return false;
  };
  const frame = () => {
    if (!done()) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const timer = setInterval(() => done() && clearInterval(timer), 4);
  new MutationObserver(() => done()).observe(document, { childList: true, subtree: true });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    headless: true,
    args: ARGS,
  });
  const samples = [];
  let scriptUrls = new Set();
  let servedToBrowser = null;
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      await context.addInitScript(recordLauncherReady);
      const page = await context.newPage();
      // The script's final (200) response, after the /widget.js redirect if there is one.
      let finalResponse = null;
      page.on("response", (response) => {
        if (/\/widget(-[0-9a-f]+)?\.js(\?|$)/.test(response.url()) && response.status() === 200) {
          finalResponse = { url: response.url(), encoding: response.headers()["content-encoding"] ?? "identity" };
        }
      });
      await page.goto(`${base}/demo`, { waitUntil: "load" });
      await page.waitForFunction(() => window.__launcherReadyAt !== undefined, null, { timeout: 30_000 });
      const figures = await page.evaluate(() => {
        const entries = performance
          .getEntriesByType("resource")
          .filter((e) => /\/widget(-[0-9a-f]+)?\.js(\?|$)/.test(e.name));
        const first = entries[0];
        const last = entries[entries.length - 1];
        const nav = performance.getEntriesByType("navigation")[0];
        return {
          entries: entries.map((e) => ({
            name: e.name,
            requestStart: e.requestStart || e.fetchStart,
            responseEnd: e.responseEnd,
            transferSize: e.transferSize,
            encodedBodySize: e.encodedBodySize,
            decodedBodySize: e.decodedBodySize,
          })),
          requestStart: first ? first.requestStart || first.fetchStart : NaN,
          responseEnd: last ? last.responseEnd : NaN,
          launcherReady: window.__launcherReadyAt,
          domContentLoaded: nav ? nav.domContentLoadedEventEnd : NaN,
        };
      });
      for (const e of figures.entries) scriptUrls.add(e.name);
      const last = figures.entries[figures.entries.length - 1];
      if (last && !servedToBrowser) {
        servedToBrowser = {
          requested: last.name,
          url: finalResponse?.url ?? last.name,
          encoding: finalResponse?.encoding ?? null,
          encodedBodySize: last.encodedBodySize,
          decodedBodySize: last.decodedBodySize,
          transferSize: last.transferSize,
        };
      }
      samples.push(figures);
      await context.close();
      process.stderr.write(`run ${i + 1}/${runs}: request→interactive ${(figures.launcherReady - figures.requestStart).toFixed(1)} ms\n`);
    }
  } finally {
    await browser.close();
  }

  const scriptUrl = [...scriptUrls].pop() ?? `${base}/widget.js`;
  const gzip = await fetchRaw(scriptUrl, "gzip");
  const identity = await fetchRaw(scriptUrl, "identity");
  const result = {
    url: `${base}/demo`,
    runs,
    widget_script: {
      urls: [...scriptUrls],
      raw_bytes: identity.bytes.length,
      gzip_served_bytes: gzip.encoding === "gzip" ? gzip.bytes.length : null,
      gzip_served_encoding: gzip.encoding,
      gzip9_local_bytes: gzipSync(identity.bytes, { level: 9 }).length,
      cache_control: identity.cacheControl,
      served_to_chromium: servedToBrowser,
    },
    ms: {
      request_start_to_launcher_interactive: stats(samples.map((s) => s.launcherReady - s.requestStart)),
      script_response_end_to_launcher_interactive: stats(samples.map((s) => s.launcherReady - s.responseEnd)),
      request_start_to_script_response_end: stats(samples.map((s) => s.responseEnd - s.requestStart)),
      navigation_to_launcher_interactive: stats(samples.map((s) => s.launcherReady)),
    },
  };
  console.log(JSON.stringify(result, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
