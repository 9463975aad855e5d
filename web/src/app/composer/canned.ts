// Canned responses in the composer: the `/shortcut` being typed, the matching responses, and
// the text with its variables filled in.
import type { CannedResponse } from "../../shared/types";

export interface Vars {
  contact?: { name?: string | null; email?: string | null } | null;
  agent?: { name?: string | null } | null;
  workspace?: { name?: string | null } | null;
}

/// Replaces {{contact.first_name}}, {{contact.name}}, {{contact.email}}, {{agent.name}} and
/// {{workspace.name}} (spaces inside the braces allowed); unknown variables and missing
/// values become empty.
export function expandVariables(text: string, vars: Vars): string {
  const name = vars.contact?.name?.trim() ?? "";
  const values: Record<string, string> = {
    "contact.first_name": name.split(/\s+/)[0] ?? "",
    "contact.name": name,
    "contact.email": vars.contact?.email ?? "",
    "agent.name": vars.agent?.name ?? "",
    "workspace.name": vars.workspace?.name ?? "",
  };
  return text.replace(/\{\{\s*([a-zA-Z0-9_.]+)\s*\}\}/g, (_, key: string) => values[key] ?? "");
}

/// The `/query` being typed just before the caret (at the start or after a space), or null.
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([a-z0-9_-]*)$/i.exec(before);
  if (!m) return null;
  return { start: before.length - m[2].length - 1, query: m[2].toLowerCase() };
}

/// Responses whose shortcut starts with the query first, then those containing it (shortcut or
/// title).
export function filterCanned(list: CannedResponse[], query: string, max = 8): CannedResponse[] {
  const q = query.toLowerCase();
  const starts = list.filter((c) => c.shortcut.toLowerCase().startsWith(q));
  const contains = list.filter(
    (c) => !c.shortcut.toLowerCase().startsWith(q) && (c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)),
  );
  return [...starts, ...contains].slice(0, max);
}

/// The composer text after choosing a response for the `/query` at `start..caret`.
export function insertCanned(text: string, start: number, caret: number, expanded: string): { text: string; caret: number } {
  const next = text.slice(0, start) + expanded + text.slice(caret);
  return { text: next, caret: start + expanded.length };
}
