// The customer's side: the demo storefront (/demo) and the widget inside it. The widget
// renders into `#shoptalk-widget`'s open shadow root; Playwright's CSS locators pierce open
// shadow roots, so `page.getByTestId("st-launcher")` finds it.
import { expect, type Locator, type Page } from "@playwright/test";

export function widget(page: Page) {
  const id = (testId: string) => page.getByTestId(testId);
  const messages = page.locator("[data-testid=st-message]");
  return {
    host: page.locator("#shoptalk-widget"),
    launcher: id("st-launcher"),
    unread: id("st-unread"),
    panel: id("st-panel"),
    list: id("st-messages"),
    messages,
    input: id("st-input"),
    send: id("st-send"),
    attach: id("st-attach"),
    emoji: id("st-emoji"),
    offline: id("st-offline"),
    error: id("st-error"),
    typing: id("st-typing"),
    close: id("st-close"),
    /// Message rows containing `text`.
    message: (text: string | RegExp) => messages.filter({ hasText: text }),
    /// Own messages (sent by this visitor).
    own: messages.and(page.locator("[data-sender=contact]")),
    fromShop: messages.and(page.locator("[data-sender=agent], [data-sender=bot]")),
  };
}

export type Widget = ReturnType<typeof widget>;

/// Opens the demo storefront and waits for the widget's launcher.
export async function openShop(page: Page): Promise<Widget> {
  await page.goto("/demo");
  const w = widget(page);
  await expect(w.launcher).toBeVisible();
  await expect(w.launcher).toBeEnabled();
  return w;
}

/// Opens the chat panel (unless it already is) and waits until it can be typed into.
export async function openWidget(page: Page): Promise<Widget> {
  const w = widget(page);
  if (!(await w.panel.isVisible())) await w.launcher.click();
  await expect(w.panel).toBeVisible();
  await expect(w.input).toBeEditable();
  await settled(w.panel);
  return w;
}

/// Types and sends `text`; returns the row of that message (the newest own row holding it).
export async function sendText(page: Page, text: string): Promise<Locator> {
  const w = widget(page);
  const mine = w.own.filter({ hasText: text });
  const before = await mine.count();
  await w.input.fill(text);
  await w.send.click();
  await expect(mine).toHaveCount(before + 1);
  return before === 0 ? mine : mine.nth(before);
}

/// Waits until the server has accepted the message (acked: it has a seq).
export async function waitSent(row: Locator): Promise<number> {
  await expect(row).toHaveAttribute("data-status", /^(sent|delivered|read)$/);
  await expect(row).toHaveAttribute("data-seq", /^[1-9][0-9]*$/);
  return Number(await row.getAttribute("data-seq"));
}

/// Content elements of one type inside `scope` (the scope itself may carry the attribute).
export function content(scope: Locator, type: string): Locator {
  return scope.locator(`[data-content-type="${type}"]`).or(scope.and(scope.page().locator(`[data-content-type="${type}"]`)));
}

/// Waits for the element's CSS transitions and animations (e.g. the panel sliding in) to end.
export async function settled(locator: Locator): Promise<void> {
  await locator.evaluate((el) =>
    Promise.all(el.getAnimations({ subtree: true }).filter((a) => a.effect?.getComputedTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))),
  );
}
