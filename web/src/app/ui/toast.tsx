// Transient messages at the bottom of the screen (errors in words, confirmations).
import { signal } from "@preact/signals";

interface Toast {
  id: number;
  text: string;
  kind: "error" | "info";
}
const toasts = signal<Toast[]>([]);
let next = 1;

export function toast(text: string, kind: "error" | "info" = "info"): void {
  const id = next++;
  toasts.value = [...toasts.value, { id, text, kind }];
  setTimeout(() => {
    toasts.value = toasts.value.filter((t) => t.id !== id);
  }, kind === "error" ? 7000 : 3500);
}

export function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          {t.text}
        </div>
      ))}
    </div>
  );
}
