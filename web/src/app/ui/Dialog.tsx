// A modal dialog: overlay, Escape and the close button close it, focus moves inside.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export function Dialog(p: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean; footer?: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const prev = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>("input, textarea, select, button:not(.dialog-close)");
    (first ?? box.current)?.focus();
    return () => prev?.focus?.();
  }, []);
  return (
    <div
      class="overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) p.onClose();
      }}
    >
      <div
        class={"dialog" + (p.wide ? " dialog-wide" : "")}
        role="dialog"
        aria-modal="true"
        aria-label={p.title}
        ref={box}
        tabIndex={-1}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.stopPropagation();
            p.onClose();
          }
        }}
      >
        <header class="dialog-head">
          <h2>{p.title}</h2>
          <button type="button" class="icon-btn dialog-close" aria-label="Close" onClick={p.onClose}>
            ✕
          </button>
        </header>
        <div class="dialog-body">{p.children}</div>
        {p.footer && <footer class="dialog-foot">{p.footer}</footer>}
      </div>
    </div>
  );
}
