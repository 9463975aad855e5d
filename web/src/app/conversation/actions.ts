// Conversation actions (buttons and keyboard shortcuts share them): assign, labels, snooze,
// resolve / reopen. Answers go straight into the stores; errors become toasts.
import { signal } from "@preact/signals";
import type { Conversation, Uuid } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { cached, upsertConversation } from "../state/inbox";
import { me } from "../state/session";
import { toast } from "../ui/toast";

/// Which menu of the conversation header is open (shortcuts open them too).
export const openMenu = signal<"status" | "assign" | "labels" | "snooze" | null>(null);

async function patch(id: Uuid, body: ep.ConversationPatch, done?: string): Promise<Conversation | null> {
  try {
    const c = await ep.patchConversation(id, body);
    upsertConversation(c);
    if (done) toast(done);
    return c;
  } catch (e) {
    toast(errorText(e), "error");
    return null;
  }
}

export const assign = (id: Uuid, agentId: Uuid | null, name?: string) =>
  patch(id, { assignee_id: agentId }, agentId ? `Assigned to ${name ?? "agent"}.` : "Unassigned.");

export const assignToMe = (id: Uuid) => {
  const m = me.peek();
  return m ? assign(id, m.id, "you") : Promise.resolve(null);
};

export const resolve = (id: Uuid) => patch(id, { status: "resolved" }, "Resolved.");
export const reopen = (id: Uuid) => patch(id, { status: "open" }, "Reopened.");
export const setPending = (id: Uuid) => patch(id, { status: "pending" }, "Marked pending.");

export function toggleResolved(id: Uuid): Promise<Conversation | null> {
  return cached(id)?.status === "resolved" ? reopen(id) : resolve(id);
}

export const snooze = (id: Uuid, until: Date) =>
  patch(id, { status: "snoozed", snoozed_until: until.toISOString() }, `Snoozed until ${until.toLocaleString()}.`);

export function setLabels(id: Uuid, labels: string[]) {
  return patch(id, { labels });
}

/// Snooze presets, relative to `now`.
export function snoozePresets(now = new Date()): { id: string; label: string; at: Date }[] {
  const hour = new Date(now.getTime() + 3600_000);
  const tomorrow = new Date(now);
  tomorrow.setDate(now.getDate() + 1);
  tomorrow.setHours(9, 0, 0, 0);
  const nextWeek = new Date(now);
  // Next Monday 9:00.
  const days = ((8 - now.getDay()) % 7) || 7;
  nextWeek.setDate(now.getDate() + days);
  nextWeek.setHours(9, 0, 0, 0);
  return [
    { id: "1h", label: "In 1 hour", at: hour },
    { id: "tomorrow", label: "Tomorrow, 9:00", at: tomorrow },
    { id: "week", label: "Next week (Mon 9:00)", at: nextWeek },
  ];
}
