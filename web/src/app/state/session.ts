// Who is signed in: the token (localStorage), the agent and the workspace.
import { computed, signal } from "@preact/signals";
import type { Agent, LoginResponse, Workspace } from "../../shared/types";
import { onUnauthorized, readToken, writeToken } from "../api/client";
import * as ep from "../api/endpoints";

export const token = signal<string | null>(readToken());
export const me = signal<Agent | null>(null);
export const workspace = signal<Workspace | null>(null);
export const isAdmin = computed(() => me.value?.role === "admin" || me.value?.role === "owner");
/// Set when the session ended by itself, shown on the login page.
export const sessionNotice = signal<string | null>(null);

const endHooks: (() => void)[] = [];
export function onSessionEnd(fn: () => void): void {
  endHooks.push(fn);
}

export function startSession(r: LoginResponse): void {
  writeToken(r.token);
  me.value = r.agent;
  sessionNotice.value = null;
  token.value = r.token;
}

export function endSession(notice: string | null = null): void {
  writeToken(null);
  for (const fn of endHooks) fn();
  me.value = null;
  workspace.value = null;
  sessionNotice.value = notice;
  token.value = null;
}

onUnauthorized(() => endSession("Your session has ended. Please sign in again."));

/// Loads the agent and the workspace of a stored token.
export async function loadSession(): Promise<void> {
  const [agent, ws] = await Promise.all([ep.getMe(), ep.getWorkspace()]);
  me.value = agent;
  workspace.value = ws;
}

export async function logout(): Promise<void> {
  try {
    await ep.logout();
  } catch {
    // The token may already be gone; the local session ends anyway.
  }
  endSession();
}
