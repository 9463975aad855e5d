// Hostile content is shown as text, never run: markup, script-ish URLs and markup in every
// rich field, in the customer's widget (sent by the shop through the API) and in the agent's
// app (sent by the customer). A canary (`window.__canary`) and `alert()` would tell.
//
// /demo and /app are served with a strict Content-Security-Policy (no inline script), which
// alone would stop these payloads. A shop's own page, where the widget really lives, may have
// none: the browser contexts here bypass CSP so the rendering itself is what is tested. The
// CSP is checked on its own below.
import type { Browser, BrowserContext, Locator, Page } from "@playwright/test";
import type { Content } from "../src/shared/types";
import { agentContext, app } from "./support/app";
import { agentLogin, e2eState, unique } from "./support/env";
import { stubExternal } from "./support/external";
import { expect, test } from "./support/fixtures";
import { openShop, openWidget, sendText, waitSent, widget } from "./support/widget";

test.use({ bypassCSP: true });

const IMG = `<img src=x onerror="window.__canary=1;alert(1)">`;
const SCRIPT = `<script>window.__canary=1;alert(1)</script>`;
const JS_URL = `javascript:window.__canary=1;alert(1)`;
const SVG = `<svg onload=window.__canary=1>`;
const MD_LINK = `[click me](javascript:window.__canary=1)`;
const ATTR = `"><img src=x onerror=window.__canary=1>`;

/// Texts a customer can type; each must come out as the same text.
const CUSTOMER_TEXTS = [IMG, SCRIPT, JS_URL, SVG, MD_LINK, `${ATTR} https://example.test/?q="><b>x</b>`];

/// Content the shop (API key) sends: accepted ones must render as text.
const ACCEPTED: { label: string; content: Content; shows: string[] }[] = [
  { label: "img", content: { type: "text", text: IMG }, shows: [IMG] },
  { label: "script", content: { type: "text", text: SCRIPT }, shows: [SCRIPT] },
  { label: "js-url text", content: { type: "text", text: JS_URL }, shows: [JS_URL] },
  { label: "markdown link", content: { type: "text", text: MD_LINK }, shows: ["click me"] },
  {
    label: "quick replies",
    content: {
      type: "text",
      text: `Pick one ${ATTR}`,
      quick_replies: [
        { type: "reply", text: "<svg onload=alert()>", payload: "<svg onload=alert(1)>" },
        { type: "reply", text: "<b>bold</b>", payload: "b" },
      ],
    },
    shows: ["<svg onload=alert()>", "<b>bold</b>"],
  },
  {
    label: "carousel",
    content: {
      type: "carousel",
      cards: [
        {
          title: IMG,
          description: `${SCRIPT} <b>not bold</b>`,
          actions: [
            { type: "link", text: SVG.slice(0, 40), url: `https://example.test/p?q="><img/src=x/onerror=window.__canary=1>` },
            { type: "postback", text: "<i>postback</i>", payload: ATTR },
          ],
        },
        { title: `<a href="javascript:window.__canary=1">card link</a>`, description: ATTR },
      ],
    },
    shows: [IMG, "<b>not bold</b>", `<a href="javascript:window.__canary=1">card link</a>`],
  },
  {
    label: "file",
    content: { type: "file", media: { url: "https://example.test/files/invoice.pdf", mime_type: "application/pdf" }, filename: SVG },
    shows: [SVG],
  },
  {
    label: "image",
    content: { type: "image", media: { url: "https://example.test/img/photo.png", alt: ATTR }, caption: IMG },
    shows: [IMG],
  },
  {
    label: "product",
    content: {
      type: "product",
      product_id: "p-1",
      title: SCRIPT,
      price: { amount_minor: 1999, currency: "EUR" },
      url: `https://example.test/products/1?x="onmouseover="window.__canary=1`,
    },
    shows: [SCRIPT],
  },
  {
    label: "order",
    content: { type: "order", order_id: "o-1", number: SVG, status: IMG, carrier: SCRIPT },
    shows: [SVG],
  },
];

/// Content the server must refuse outright: script URLs are not http(s).
const REFUSED: { label: string; content: Content }[] = [
  { label: "link action", content: { type: "text", text: "link", quick_replies: [{ type: "link", text: "Open", url: JS_URL }] } },
  { label: "carousel link", content: { type: "carousel", cards: [{ title: "Card", actions: [{ type: "link", text: "Open", url: JS_URL }] }] } },
  { label: "image url", content: { type: "image", media: { url: JS_URL } } },
  { label: "product url", content: { type: "product", product_id: "p-2", title: "P", url: "data:text/html,<script>alert(1)</script>" } },
  { label: "order tracking", content: { type: "order", order_id: "o-2", status: "shipped", tracking_url: "javascript:alert(1)" } },
];

interface Watch {
  dialogs: string[];
  popups: string[];
}

/// Fails loudly on dialogs; records popups (links opening new tabs) and closes them.
function watch(context: BrowserContext, page: Page): Watch {
  const w: Watch = { dialogs: [], popups: [] };
  const onDialog = (dialog: { message(): string; type(): string; dismiss(): Promise<void> }) => {
    w.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  };
  page.on("dialog", onDialog);
  context.on("page", (popup) => {
    popup.on("dialog", onDialog);
    w.popups.push(popup.url());
    void popup.waitForLoadState().then(() => {
      w.popups.push(popup.url());
      return popup.close();
    }).catch(() => {});
  });
  return w;
}

async function canary(page: Page): Promise<unknown> {
  return page.evaluate(() => (window as unknown as { __canary?: unknown }).__canary);
}

/// No element carrying an inline event handler, no script-ish link, no injected img/svg/script.
async function expectInert(scope: Locator): Promise<void> {
  await expect(scope.locator("[onerror], [onload], [onmouseover], [onclick], [onfocus]")).toHaveCount(0);
  await expect(scope.locator('a[href^="javascript:" i], a[href^="data:" i], [src^="javascript:" i], iframe[srcdoc]')).toHaveCount(0);
  await expect(scope.locator('img[src="x"], script, svg[onload]')).toHaveCount(0);
}

/// Clicks every link and button in `targets`, one by one; after each: no canary, no dialog,
/// and if the page navigated away, back to where it was.
async function clickEverything(page: Page, targets: Locator, back: () => Promise<void>, w: Watch): Promise<number> {
  const start = page.url();
  const total = await targets.count();
  let clicked = 0;
  for (let i = 0; i < total; i++) {
    const target = targets.nth(i);
    if (!(await target.isVisible().catch(() => false))) continue;
    if (!(await target.isEnabled().catch(() => false))) continue;
    const href = await target.getAttribute("href").catch(() => null);
    if (href !== null) expect(href, "link target").toMatch(/^(https?:|\/|#|blob:|mailto:|tel:)/i);
    try {
      await target.click({ timeout: 5_000 });
      clicked++;
    } catch {
      continue; // re-rendered away (a quick reply replaced by its answer, say)
    }
    if (page.url() !== start) {
      await page.goto(start);
      await back();
    }
    expect(await canary(page), `canary after clicking #${i} (${href ?? "button"})`).toBeUndefined();
    expect(w.dialogs).toEqual([]);
  }
  return clicked;
}

test("hostile content shows as text in the widget and in the app", async ({ page, context, browser, api }) => {
  test.setTimeout(180_000);
  const base = e2eState().baseURL;
  await stubExternal(context, base);
  const customerWatch = watch(context, page);

  // The customer opens a conversation.
  await openShop(page);
  const w = await openWidget(page);
  const marker = unique("xss marker");
  await waitSent(await sendText(page, marker));
  const conversation = await api.conversationWithText(marker);

  // The server refuses script URLs in every URL field.
  for (const { label, content } of REFUSED) {
    const reply = await api.send(conversation.id, content);
    expect(reply.status, `${label}: ${JSON.stringify(reply.body)}`).toBeGreaterThanOrEqual(400);
    expect(reply.status, label).toBeLessThan(500);
  }

  // The shop sends the hostile rich content; the widget shows every piece as text.
  for (const { label, content } of ACCEPTED) {
    const reply = await api.send(conversation.id, content);
    expect(reply.status, `${label}: ${JSON.stringify(reply.body)}`).toBeLessThan(300);
  }
  for (const { label, shows } of ACCEPTED) {
    for (const text of shows) {
      await expect(w.fromShop.filter({ hasText: text }).first(), `${label} shows "${text}" as text`).toBeVisible();
    }
  }
  await expectInert(w.list);
  expect(await canary(page)).toBeUndefined();

  // Click everything the shop's messages offer.
  const clickable = w.fromShop.locator("a, button, [data-action-type]");
  const clicked = await clickEverything(page, clickable, async () => void (await openWidget(page)), customerWatch);
  expect(clicked, "links and buttons clicked in the widget").toBeGreaterThan(3);
  await expectInert(w.list);
  expect(await canary(page)).toBeUndefined();

  // The customer types the hostile strings; they come back as the same text.
  for (const text of CUSTOMER_TEXTS) await waitSent(await sendText(page, text));
  await expectInert(w.list);
  expect(await canary(page)).toBeUndefined();

  // A contact name with markup.
  const name = `<img src=x onerror="window.__canary=1">Eve`;
  await api.patchContact(conversation.contact_id, { name });

  // The agent's app shows all of it as text.
  await checkApp(browser, conversation.id, name);

  expect(customerWatch.dialogs, "dialogs in the customer's page").toEqual([]);
  expect(customerWatch.popups.filter((u) => /^(javascript|data):/i.test(u))).toEqual([]);
  expect(await canary(page)).toBeUndefined();
});

async function checkApp(browser: Browser, conversationId: string, contactName: string): Promise<void> {
  const agent = await agentContext(browser, agentLogin(), { bypassCSP: true });
  try {
    await stubExternal(agent.context, e2eState().baseURL);
    const agentWatch = watch(agent.context, agent.page);
    const a = app(agent.page);
    await a.viewAll.click();
    const item = a.conversationById(conversationId);
    await expect(item).toHaveCount(1);
    // The contact's name with markup: text in the list.
    await expect(item).toContainText(contactName);
    await expectInert(a.conversations);
    await item.click();

    for (const text of CUSTOMER_TEXTS) {
      await expect(a.messages.and(agent.page.locator("[data-sender=contact]")).filter({ hasText: text }).first()).toBeVisible();
    }
    for (const { label, shows } of ACCEPTED) {
      await expect(a.messages.filter({ hasText: shows[0] }).first(), `${label} in the app`).toBeVisible();
    }
    const list = agent.page.locator("[data-testid=message]");
    await expectInert(list);
    expect(await canary(agent.page)).toBeUndefined();

    await clickEverything(
      agent.page,
      a.messages.locator("a, [data-action-type]"),
      async () => {
        await a.viewAll.click();
        await a.conversationById(conversationId).click();
      },
      agentWatch,
    );
    expect(await canary(agent.page)).toBeUndefined();
    expect(agentWatch.dialogs, "dialogs in the agent's page").toEqual([]);
    // The sidebar shows the name as text too.
    await expect(a.sidebar).toContainText(contactName);
    await expectInert(a.sidebar);
  } finally {
    await agent.context.close();
  }
}

test("positive control: the payloads are live when injected as HTML", async ({ page }) => {
  // Guards the test above: the canary starts unset, and the same payload, parsed as HTML into
  // the page, does set it (so "not set" above means "shown as text", not "payload blocked").
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await openShop(page);
  expect(await canary(page)).toBeUndefined();
  await page.evaluate((html) => document.body.insertAdjacentHTML("beforeend", html), IMG);
  await expect.poll(() => canary(page)).toBe(1);
  await expect.poll(() => dialogs.length).toBeGreaterThan(0);
  await expect(widget(page).launcher).toBeVisible();
});

test("the demo page and the app are served with a strict CSP", async ({ api }) => {
  for (const path of ["/demo", "/app"]) {
    const response = await api.http.get(path);
    expect(response.status(), path).toBe(200);
    const csp = response.headers()["content-security-policy"] ?? "";
    expect(csp, `${path} CSP`).toMatch(/script-src 'self'(;|$)/);
    expect(csp, `${path} CSP`).not.toContain("unsafe-inline");
    expect(csp, `${path} CSP`).not.toContain("unsafe-eval");
    expect(response.headers()["x-content-type-options"], path).toBe("nosniff");
  }
});
