// Keyboard use of the widget (focus trapped in the open panel, Escape closes and focus goes
// back to the launcher) and a right-to-left locale.
import type { Page } from "@playwright/test";
import { join } from "node:path";
import { expect, test } from "./support/fixtures";
import { openShop, settled, widget } from "./support/widget";

interface Focus {
  /// data-testid (or tag) of the deepest focused element, through shadow roots.
  id: string;
  inPanel: boolean;
  inWidget: boolean;
}

async function focus(page: Page): Promise<Focus> {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    let inWidget = false;
    while (active?.shadowRoot?.activeElement) {
      if ((active as HTMLElement).id === "shoptalk-widget") inWidget = true;
      active = active.shadowRoot.activeElement;
    }
    if (!active) return { id: "(none)", inPanel: false, inWidget };
    if (active.closest("#shoptalk-widget")) inWidget = true;
    const panel = active.closest("[data-testid=st-panel]");
    const id = active.getAttribute("data-testid") ?? `${active.tagName.toLowerCase()}${active.getAttribute("aria-label") ? `[${active.getAttribute("aria-label")}]` : ""}`;
    return { id, inPanel: panel !== null, inWidget };
  });
}

test("keyboard: the panel traps focus, Escape closes it and focus returns to the launcher", async ({ page }) => {
  const w = await openShop(page);
  await w.launcher.focus();
  expect((await focus(page)).id).toBe("st-launcher");
  await page.keyboard.press("Enter");
  await expect(w.panel).toBeVisible();
  // Focus moved into the panel.
  await expect.poll(async () => (await focus(page)).inPanel, { message: "focus inside the open panel" }).toBe(true);

  // Tab and Shift+Tab cycle inside the panel, never out to the page.
  const visited = new Set<string>();
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    const f = await focus(page);
    expect(f.inPanel, `after ${i + 1}× Tab focus is on ${f.id}`).toBe(true);
    visited.add(f.id);
  }
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Shift+Tab");
    const f = await focus(page);
    expect(f.inPanel, `after ${i + 1}× Shift+Tab focus is on ${f.id}`).toBe(true);
    visited.add(f.id);
  }
  expect(visited.has("st-input"), `Tab reaches the input (visited ${[...visited].join(", ")})`).toBe(true);
  expect(visited.has("st-close"), `Tab reaches the close button (visited ${[...visited].join(", ")})`).toBe(true);

  // Typing goes to the input; Escape closes the panel and focus returns to the launcher.
  await w.input.focus();
  await page.keyboard.press("Escape");
  await expect(w.panel).toBeHidden();
  await expect.poll(async () => (await focus(page)).id, { message: "focus back on the launcher" }).toBe("st-launcher");

  // And the launcher opens it again with Space.
  await page.keyboard.press("Space");
  await expect(w.panel).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(w.panel).toBeHidden();
});

test("an Arabic visitor gets a right-to-left widget", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ locale: "ar" });
  try {
    await context.addInitScript(() => {
      Object.defineProperty(navigator, "languages", { get: () => ["ar"] });
      Object.defineProperty(navigator, "language", { get: () => "ar" });
    });
    const page = await context.newPage();
    const w = await openShop(page);
    await w.launcher.click();
    await expect(w.panel).toBeVisible();
    await settled(w.panel);
    const direction = await w.panel.evaluate((el) => ({
      computed: getComputedStyle(el).direction,
      attr: el.closest("[dir]")?.getAttribute("dir") ?? null,
      lang: el.closest("[lang]")?.getAttribute("lang") ?? null,
    }));
    expect(direction.computed, JSON.stringify(direction)).toBe("rtl");
    expect(direction.attr, JSON.stringify(direction)).toBe("rtl");
    const placeholder = (await widget(page).input.getAttribute("placeholder")) ?? "";
    testInfo.annotations.push({ type: "rtl", description: `${JSON.stringify(direction)} placeholder=${JSON.stringify(placeholder)}` });
    // The launcher stays on screen; the panel lies within the viewport.
    const box = await w.panel.boundingBox();
    const viewport = page.viewportSize()!;
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 1);
    const path = join(testInfo.project.outputDir, "screenshots", "10-widget-rtl.png");
    await page.screenshot({ path, animations: "disabled" });
    await testInfo.attach("rtl", { path, contentType: "image/png" });
  } finally {
    await context.close();
  }
});
