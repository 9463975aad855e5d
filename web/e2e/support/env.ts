// What the global setup started: the server's base URL and the demo shop's credentials.
import { readFileSync } from "node:fs";

export interface DemoCredentials {
  workspace_id: string;
  api_key: string;
  widget_key: string;
  owner_email: string;
  owner_password: string;
  agent_email: string;
  agent_password: string;
}

export interface E2eState {
  baseURL: string;
  dataDir: string | null;
  logPath: string | null;
  demo: DemoCredentials;
}

let cached: E2eState | undefined;

export function e2eState(): E2eState {
  if (cached) return cached;
  const path = process.env.SHOPTALK_E2E_STATE;
  if (!path) throw new Error("SHOPTALK_E2E_STATE is not set: run the tests through `npx playwright test` (global setup).");
  cached = JSON.parse(readFileSync(path, "utf8")) as E2eState;
  return cached;
}

export interface StaffLogin {
  email: string;
  password: string;
}

export const agentLogin = (): StaffLogin => ({ email: e2eState().demo.agent_email, password: e2eState().demo.agent_password });
export const ownerLogin = (): StaffLogin => ({ email: e2eState().demo.owner_email, password: e2eState().demo.owner_password });

/// A string no other test run or test will produce.
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
