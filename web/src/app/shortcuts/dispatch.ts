// Keyboard shortcuts: which key means what, never while the person types in a field.

export type Command =
  | "next"
  | "prev"
  | "reply"
  | "note"
  | "assign-me"
  | "resolve"
  | "snooze"
  | "labels"
  | "search"
  | "help";

export const SHORTCUTS: { key: string; command: Command; label: string }[] = [
  { key: "j", command: "next", label: "Next conversation" },
  { key: "k", command: "prev", label: "Previous conversation" },
  { key: "r", command: "reply", label: "Reply" },
  { key: "n", command: "note", label: "Private note" },
  { key: "a", command: "assign-me", label: "Assign to me" },
  { key: "e", command: "resolve", label: "Resolve / reopen" },
  { key: "s", command: "snooze", label: "Snooze" },
  { key: "l", command: "labels", label: "Labels" },
  { key: "/", command: "search", label: "Search" },
  { key: "?", command: "help", label: "Show shortcuts" },
];

/// Whether the event comes from somewhere people type (inputs, textareas, selects, editable
/// content): shortcuts stay out of the way there.
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== "string") return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = ((el as HTMLInputElement).type || "text").toLowerCase();
    return !["button", "submit", "reset", "checkbox", "radio", "range", "color", "file"].includes(type);
  }
  return el.isContentEditable === true || el.getAttribute?.("contenteditable") === "true";
}

export interface KeyLike {
  key: string;
  target: EventTarget | null;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  defaultPrevented?: boolean;
  isComposing?: boolean;
}

/// The command of a key press, or null (typing, modifiers, unknown keys).
export function commandOf(e: KeyLike): Command | null {
  if (e.defaultPrevented || e.isComposing) return null;
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  if (isTypingTarget(e.target)) return null;
  const hit = SHORTCUTS.find((s) => s.key === e.key);
  return hit ? hit.command : null;
}

/// The id after / before `current` in `ids` (the first one when nothing is open).
export function step(ids: string[], current: string | null, dir: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const i = current ? ids.indexOf(current) : -1;
  if (i < 0) return ids[dir === 1 ? 0 : ids.length - 1] ?? null;
  const j = Math.min(ids.length - 1, Math.max(0, i + dir));
  return ids[j];
}
