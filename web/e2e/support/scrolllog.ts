// Records how the widget's message list scrolls (scroll, resize and image-load events with the
// list's geometry), for diagnosing "the list does not show the newest message".
import type { BrowserContext, Page } from "@playwright/test";

export async function traceListScroll(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { __e2eScrollLog: string[] }).__e2eScrollLog = log;
    const t0 = performance.now();
    const timer = setInterval(() => {
      const list = document.getElementById("shoptalk-widget")?.shadowRoot?.querySelector<HTMLElement>("[data-testid=st-messages]");
      if (!list) return;
      clearInterval(timer);
      const note = (what: string) =>
        log.push(`${Math.round(performance.now() - t0)}ms ${what}: scrollTop=${Math.round(list.scrollTop)} scrollHeight=${list.scrollHeight} clientHeight=${list.clientHeight} rows=${list.querySelectorAll("[data-testid=st-message]").length}`);
      note("list appears");
      list.addEventListener("scroll", () => note("scroll"), { capture: true, passive: true });
      list.addEventListener("load", (e) => note(`load <${(e.target as Element).tagName.toLowerCase()}>`), { capture: true });
      new ResizeObserver(() => note("resize")).observe(list);
    }, 2);
  });
}

export async function listScrollLog(page: Page): Promise<string> {
  return page.evaluate(() => ((window as unknown as { __e2eScrollLog?: string[] }).__e2eScrollLog ?? []).join("\n"));
}
