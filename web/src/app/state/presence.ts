// Agents' presence: the initial list (GET agents/presence) and `presence` frames.
import { signal } from "@preact/signals";
import type { Agent, PresenceStatus, Uuid } from "../../shared/types";
import * as ep from "../api/endpoints";

export const presence = signal<Record<Uuid, PresenceStatus>>({});
export const agents = signal<Agent[]>([]);

export function setPresence(id: Uuid, s: PresenceStatus): void {
  if (presence.peek()[id] === s) return;
  presence.value = { ...presence.peek(), [id]: s };
}

export async function loadAgents(): Promise<void> {
  try {
    agents.value = await ep.listAgents();
  } catch {
    agents.value = [];
  }
  try {
    const list = await ep.listPresence();
    const next: Record<Uuid, PresenceStatus> = { ...presence.peek() };
    for (const p of list) next[p.agent_id] = p.status;
    presence.value = next;
  } catch {
    // The route may not exist yet: frames fill it in.
  }
}

export function agentName(id: Uuid | null | undefined): string {
  if (!id) return "";
  return agents.value.find((a) => a.id === id)?.name ?? "Agent";
}
