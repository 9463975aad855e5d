// Starts the real server for the whole run: `shoptalk demo` on a free loopback port with a
// fresh data dir, waits for /readyz, reads the demo credentials (demo.json) and hands them to
// the tests through environment variables (the workers inherit them):
//   SHOPTALK_E2E_URL    base URL, e.g. http://127.0.0.1:41234
//   SHOPTALK_E2E_STATE  JSON file: { baseURL, dataDir, logPath, demo: DemoCredentials }
// The function returned here is the global teardown: it stops the server and copies its log
// into test-results/server.log.
//
// Reusing a server you started yourself: set SHOPTALK_E2E_URL and SHOPTALK_E2E_DEMO_JSON
// (path of that server's demo.json); nothing is started or stopped then.
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FullConfig } from "@playwright/test";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");

function binaryPath(): string {
  if (process.env.SHOPTALK_BIN) return resolve(process.env.SHOPTALK_BIN);
  const target = process.env.CARGO_TARGET_DIR ? resolve(repo, process.env.CARGO_TARGET_DIR) : join(repo, "target");
  return join(target, "debug", "shoptalk");
}

/// A port nobody listens on right now: bind 0, read it, close, reuse.
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? ok(port) : fail(new Error("no free port"))));
    });
  });
}

async function waitReady(url: string, child: ChildProcess | null, logPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`shoptalk exited with code ${child.exitCode} before it was ready; its log:\n${tail(logPath)}`);
    }
    try {
      const response = await fetch(url + "/readyz", { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url}/readyz did not answer 200 within ${timeoutMs} ms (last: ${last}); server log:\n${tail(logPath)}`);
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-40).join("\n");
  } catch {
    return "(no log)";
  }
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((ok) => {
    const timer = setTimeout(() => ok(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      ok(true);
    });
  });
}

export default async function globalSetup(config: FullConfig) {
  const outputDir = config.projects[0]?.outputDir ?? resolve(here, "..", "test-results");

  // An already running server.
  if (process.env.SHOPTALK_E2E_URL && process.env.SHOPTALK_E2E_DEMO_JSON) {
    const baseURL = process.env.SHOPTALK_E2E_URL.replace(/\/$/, "");
    const demo = JSON.parse(readFileSync(process.env.SHOPTALK_E2E_DEMO_JSON, "utf8"));
    const dir = mkdtempSync(join(tmpdir(), "shoptalk-e2e-"));
    const statePath = join(dir, "state.json");
    writeFileSync(statePath, JSON.stringify({ baseURL, dataDir: null, logPath: null, demo }, null, 2));
    process.env.SHOPTALK_E2E_URL = baseURL;
    process.env.SHOPTALK_E2E_STATE = statePath;
    await waitReady(baseURL, null, "", 30_000);
    return async () => rmSync(dir, { recursive: true, force: true });
  }

  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(`The shoptalk binary is missing at ${bin}: run \`cargo build -p shoptalk\` first (or set SHOPTALK_BIN).`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), "shoptalk-e2e-"));
  const logPath = join(dataDir, "server.log");
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const log = openSync(logPath, "a");
  const child = spawn(bin, ["demo", "--data-dir", join(dataDir, "data"), "--listen", `127.0.0.1:${port}`], {
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      // Every test logs in and opens widget sessions from 127.0.0.1: lift the per-IP limits.
      SHOPTALK_HTTP__LOGIN_PER_MINUTE: "100000",
      SHOPTALK_HTTP__WIDGET_SESSIONS_PER_MINUTE: "100000",
      RUST_LOG: process.env.RUST_LOG ?? "",
    },
  });
  child.on("error", (error) => {
    writeFileSync(logPath, `\nspawn failed: ${error}\n`, { flag: "a" });
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!(await waitExit(child, 10_000))) {
        child.kill("SIGKILL");
        await waitExit(child, 5_000);
      }
    }
    try {
      mkdirSync(outputDir, { recursive: true });
      copyFileSync(logPath, join(outputDir, "server.log"));
    } catch {
      // Nothing to keep.
    }
    if (!process.env.SHOPTALK_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitReady(baseURL, child, logPath, 60_000);
    const demoJson = join(dataDir, "data", "demo.json");
    const demo = JSON.parse(readFileSync(demoJson, "utf8"));
    const statePath = join(dataDir, "state.json");
    writeFileSync(statePath, JSON.stringify({ baseURL, dataDir, logPath, demo }, null, 2));
    process.env.SHOPTALK_E2E_URL = baseURL;
    process.env.SHOPTALK_E2E_STATE = statePath;
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}
