import { signal } from "@preact/signals";

/// Whether the tab is visible (read receipts wait for it).
export const pageVisible = signal(typeof document === "undefined" || document.visibilityState !== "hidden");
if (typeof document !== "undefined") {
  document.addEventListener("visibilitychange", () => {
    pageVisible.value = document.visibilityState !== "hidden";
  });
}
