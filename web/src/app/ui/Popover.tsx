// A dropdown anchored under its button; closes on outside click and Escape.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Popover(p: {
  open: boolean;
  onClose: () => void;
  children: ComponentChildren;
  align?: "left" | "right";
  class?: string;
  /// "menu" (default) for lists of commands, "dialog" for small forms (labels).
  role?: "menu" | "dialog";
  label?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!p.open) return;
    const down = (e: MouseEvent) => {
      if (box.current && !box.current.parentElement?.contains(e.target as Node)) p.onClose();
    };
    const key = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      // Escape from inside the menu puts focus back on the button that opened it.
      const inside = box.current?.contains(document.activeElement) ?? false;
      const trigger = box.current?.parentElement?.querySelector<HTMLElement>(":scope > button");
      p.onClose();
      if (inside) trigger?.focus();
    };
    document.addEventListener("mousedown", down);
    document.addEventListener("keydown", key);
    const first = box.current?.querySelector<HTMLElement>("input, button, [tabindex]");
    first?.focus();
    return () => {
      document.removeEventListener("mousedown", down);
      document.removeEventListener("keydown", key);
    };
  }, [p.open]);
  if (!p.open) return null;
  return (
    <div ref={box} class={`popover popover-${p.align ?? "left"} ${p.class ?? ""}`} role={p.role ?? "menu"} aria-label={p.label}>
      {p.children}
    </div>
  );
}

/// Arrow keys move focus between the menu's buttons.
export function menuKeys(e: KeyboardEvent): void {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
  const menu = (e.currentTarget as HTMLElement) ?? null;
  if (!menu) return;
  const items = Array.from(menu.querySelectorAll<HTMLElement>("button:not([disabled]), input"));
  const i = items.indexOf(document.activeElement as HTMLElement);
  const next = e.key === "ArrowDown" ? (i + 1) % items.length : (i - 1 + items.length) % items.length;
  items[next]?.focus();
  e.preventDefault();
}
