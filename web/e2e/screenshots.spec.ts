// Screenshots for people to look at (test-results/screenshots/*.png): the storefront with the
// widget closed, the open widget holding rich content, the widget on a phone, the agent's
// inbox with a conversation open and a settings page; then shopping: a carousel and a cart in
// the widget, the pay page, an order's timeline in the sidebar and the shop settings. Each
// asserts what it shows first.
import type { Page, TestInfo } from "@playwright/test";
import { join } from "node:path";
import { productRef, productsMessage } from "../src/app/composer/shop/shopContent";
import type { Content, Order, Page as List, Product } from "../src/shared/types";
import { loginAgent, openConversation } from "./support/app";
import { agentLogin, e2eState, ownerLogin, unique } from "./support/env";
import { stubExternal } from "./support/external";
import { listScrollLog, traceListScroll } from "./support/scrolllog";
import { expect, test } from "./support/fixtures";
import { content, openShop, openWidget, sendText, settled, waitSent } from "./support/widget";

test.describe.configure({ mode: "serial" });

function shotPath(testInfo: TestInfo, name: string): string {
  return join(testInfo.project.outputDir, "screenshots", `${name}.png`);
}

async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  // Let fonts and images settle; screenshots wait for animations to finish.
  await page.evaluate(() => document.fonts?.ready);
  const path = shotPath(testInfo, name);
  await page.screenshot({ path, animations: "disabled", caret: "hide" });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/// Every image inside the locator's scope has loaded (complete, with a size).
async function expectImagesLoaded(page: Page, selector: string): Promise<void> {
  await expect
    .poll(async () =>
      page.locator(selector).evaluateAll((imgs) =>
        imgs.every((img) => img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0),
      ),
    )
    .toBe(true);
}

const RICH: Content[] = [
  {
    type: "text",
    text: "Here are a few things you might like:",
  },
  {
    type: "product",
    product_id: "mug-blue",
    variant_id: "mug-blue-350",
    title: "Stoneware mug — Blue, 350 ml",
    price: { amount_minor: 1800, currency: "EUR" },
    compare_at_price: { amount_minor: 2400, currency: "EUR" },
    stock: 4,
    image_url: "https://img.shop.example/mug-blue.png",
    url: "https://shop.example/products/mug-blue",
    actions: [{ type: "add_to_cart", text: "Add to cart", product_id: "mug-blue", variant_id: "mug-blue-350", quantity: 1 }],
  },
  {
    type: "carousel",
    cards: [
      {
        title: "Linen suit",
        description: "Breathable, sand colour",
        media: { url: "https://img.shop.example/linen-suit.png", alt: "Linen suit" },
        actions: [{ type: "link", text: "View", url: "https://shop.example/products/linen-suit" }],
      },
      {
        title: "Espadrilles",
        description: "Hand-stitched jute sole",
        media: { url: "https://img.shop.example/espadrilles.png", alt: "Espadrilles" },
        actions: [{ type: "postback", text: "More like this", payload: "similar:espadrilles" }],
      },
      {
        title: "Straw hat",
        description: "Wide brim",
        media: { url: "https://img.shop.example/straw-hat.png", alt: "Straw hat" },
        actions: [{ type: "link", text: "View", url: "https://shop.example/products/straw-hat" }],
      },
    ],
  },
  { type: "image", media: { url: "https://img.shop.example/lookbook.png", alt: "Summer lookbook" }, caption: "Our summer lookbook" },
  {
    type: "order",
    order_id: "order-1042",
    number: "1042",
    status: "shipped",
    total: { amount_minor: 12900, currency: "EUR" },
    carrier: "DHL",
    tracking_number: "JD014600006281230000",
    tracking_url: "https://track.shop.example/JD014600006281230000",
  },
  {
    type: "text",
    text: "Anything else I can help with?",
    quick_replies: [
      { type: "reply", text: "Track my order", payload: "track" },
      { type: "reply", text: "Returns", payload: "returns" },
      { type: "reply", text: "No, thanks", payload: "done" },
    ],
  },
];

const RICH_TYPES = ["product", "carousel", "image", "order"] as const;

test("screenshots: shop, widget, phone, inbox, settings", async ({ page, context, browser, api }, testInfo) => {
  test.setTimeout(150_000);
  const base = e2eState().baseURL;
  // Images come from a (stubbed) CDN a little slower than the messages, as in real life.
  await stubExternal(context, base, { imageDelayMs: 500 });

  // 1. The storefront, widget closed.
  const w = await openShop(page);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(w.panel).toBeHidden();
  await shot(page, testInfo, "01-shop-widget-closed");

  // 2. The open widget with a conversation of several content types.
  await openWidget(page);
  const hello = unique("Hello! I'm looking for a gift");
  await waitSent(await sendText(page, hello));
  const conversation = await api.conversationWithText(hello);
  for (const c of RICH) await api.sendOk(conversation.id, c);
  for (const type of RICH_TYPES) await expect(content(w.fromShop, type).first(), `${type} card`).toBeVisible();
  await expect(w.fromShop.filter({ hasText: "Anything else I can help with?" })).toBeVisible();
  await expect(page.locator("[data-action-type]").filter({ hasText: "Track my order" }).first()).toBeVisible();
  await expect(w.message("Stoneware mug")).toBeVisible();
  await expect(w.message("Our summer lookbook")).toBeVisible();
  await expect(w.message("1042")).toBeVisible();
  await expectImagesLoaded(page, "[data-testid=st-message] img");
  await shot(page, testInfo, "02-widget-open-rich");
  // The newest message is in view once everything (images included) has arrived.
  await expect.soft(w.messages.last(), "the list follows the newest message").toBeInViewport({ ratio: 0.9 });
  // And scrolled up to the top of the conversation.
  await w.list.evaluate((el) => (el.scrollTop = 0));
  await shot(page, testInfo, "03-widget-open-rich-top");

  // 3. The same visitor on a phone.
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    storageState: await context.storageState(),
  });
  try {
    await stubExternal(phone, base, { imageDelayMs: 500 });
    await traceListScroll(phone);
    const phonePage = await phone.newPage();
    const pw = await openShop(phonePage);
    await shot(phonePage, testInfo, "04-phone-widget-closed");
    await openWidget(phonePage);
    await settled(pw.panel);
    const box = await pw.panel.boundingBox();
    expect(box, "panel box").not.toBeNull();
    expect(box!.x, "panel inside the screen (left)").toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, "panel inside the screen (right)").toBeLessThanOrEqual(390 + 1);
    expect(box!.y + box!.height, "panel inside the screen (bottom)").toBeLessThanOrEqual(844 + 1);
    await expect(pw.input).toBeInViewport();
    await expect(pw.send).toBeInViewport();
    const sameVisitor = (await pw.message(hello).count()) === 1;
    testInfo.annotations.push({ type: "phone", description: sameVisitor ? "same visitor (session kept in storage)" : "new visitor (session not in storage)" });
    if (sameVisitor) await expectImagesLoaded(phonePage, "[data-testid=st-message] img");
    await shot(phonePage, testInfo, "05-phone-widget-open");
    await expect.soft(pw.messages.last(), "the phone list shows the newest message").toBeInViewport({ ratio: 0.9 });
    await testInfo.attach("phone-list-scroll-log", { body: await listScrollLog(phonePage), contentType: "text/plain" });
  } finally {
    await phone.close();
  }

  // 4. The agent's inbox with this conversation open.
  const agentCtx = await browser.newContext();
  try {
    await stubExternal(agentCtx, base, { imageDelayMs: 500 });
    const agentPage = await agentCtx.newPage();
    const a = await loginAgent(agentPage, agentLogin());
    await openConversation(agentPage, { id: conversation.id });
    await expect(a.message(hello)).toBeVisible();
    for (const type of RICH_TYPES) await expect(content(a.messages, type).first(), `${type} in the app`).toBeVisible();
    await expect(a.composer).toBeVisible();
    await expect(a.sidebar).toBeVisible();
    await expectImagesLoaded(agentPage, "[data-testid=message] img");
    await shot(agentPage, testInfo, "06-app-inbox-conversation");
    await expect.soft(a.messages.last(), "the app's thread shows the newest message").toBeInViewport({ ratio: 0.9 });
  } finally {
    await agentCtx.close();
  }

  // 5. Settings (as the owner: every section), with the embed snippet.
  const ownerCtx = await browser.newContext();
  try {
    const ownerPage = await ownerCtx.newPage();
    const a = await loginAgent(ownerPage, ownerLogin());
    await a.navSettings.click();
    // The settings open on "Workspace"; the embed code is under "Install".
    await expect(ownerPage.getByTestId("settings-install")).toBeVisible();
    await expect(ownerPage.getByTestId("workspace-name")).toHaveValue("Demo Shop");
    await shot(ownerPage, testInfo, "07-app-settings-workspace");
    await ownerPage.getByTestId("settings-widget").click();
    await expect(ownerPage.getByTestId("widget-preview")).toBeVisible();
    await shot(ownerPage, testInfo, "08-app-settings-widget");
    await ownerPage.getByTestId("settings-install").click();
    await expect(a.embedSnippet).toBeVisible();
    await expect(a.embedSnippet).toContainText(e2eState().demo.widget_key);
    await expect(a.embedSnippet).toContainText("/widget.js");
    await expect(a.embedCopy).toBeVisible();
    await shot(ownerPage, testInfo, "09-app-settings-install");
  } finally {
    await ownerCtx.close();
  }

  // Closing the panel leaves the launcher.
  await w.close.click();
  await expect(w.panel).toBeHidden();
  await expect(w.launcher).toBeVisible();
});

test("screenshots: carousel and cart, pay page, order timeline, shop settings", async ({ page, context, browser, api }, testInfo) => {
  test.setTimeout(150_000);
  const base = e2eState().baseURL;
  await stubExternal(context, base);

  // 10. The widget: a carousel from the catalog, and the cart after "Add to cart".
  const w = await openShop(page);
  await openWidget(page);
  const hello = unique("Do you have anything in linen for the summer?");
  await waitSent(await sendText(page, hello));
  const conversation = await api.conversationWithText(hello);
  const found = await api.ok<List<Product>>("GET", "/api/v1/products?q=linen&in_stock=true&limit=3");
  expect(found.items.length, "linen products in stock").toBeGreaterThanOrEqual(2);
  await api.sendOk(conversation.id, { type: "text", text: "Here are our favourites in linen:" });
  await api.sendOk(conversation.id, productsMessage(found.items.map((p) => productRef(p)))!);
  const carousel = content(w.messages, "products");
  await expect(carousel).toHaveCount(1);
  await carousel.locator("[data-action-type=add_to_cart]").first().click();
  const cart = content(w.messages, "cart");
  await expect(cart).toHaveCount(1);
  await expect(page.locator(".ct-err[role=alert]")).toHaveCount(0);
  await expect(cart.locator("[data-action-type=checkout]")).toBeVisible();
  await expectImagesLoaded(page, "[data-testid=st-message] img");
  await shot(page, testInfo, "10-widget-carousel-cart");

  // 11–12. Checkout, then the pay page: the form, and a declined card.
  await cart.locator("[data-action-type=checkout]").click();
  const request = content(w.messages, "payment_request");
  await expect(request).toHaveCount(1);
  const [pay] = await Promise.all([page.waitForEvent("popup"), request.getByRole("link", { name: "Pay" }).click()]);
  await expect(pay.getByTestId("pay-card-number")).toBeFocused();
  await shot(pay, testInfo, "11-pay-page");
  await pay.getByTestId("pay-card-number").fill("4000 0000 0000 0002");
  await pay.getByTestId("pay-submit").click();
  await expect(pay.getByTestId("pay-error")).toBeVisible();
  await shot(pay, testInfo, "12-pay-declined");
  await pay.getByTestId("pay-card-number").fill("4242 4242 4242 4242");
  await pay.getByTestId("pay-submit").click();
  await expect(pay.getByTestId("pay-paid")).toBeVisible();
  await expect(content(w.messages, "order")).toHaveCount(1);

  // The order is sent with tracking, so its timeline has a few entries.
  const orders = await api.ok<List<Order>>("GET", `/api/v1/orders?contact_id=${conversation.contact_id}&limit=5`);
  const order = orders.items.find((o) => o.status === "paid");
  expect(order, "the paid order").toBeDefined();
  await api.ok("POST", `/api/v1/orders/${order!.id}/actions`, {
    type: "fulfil",
    carrier: "DHL",
    tracking_number: "JD014600006281230000",
    tracking_url: "https://track.shop.example/JD014600006281230000",
    notify: true,
  });

  // 13. The agent's sidebar: the order open, its timeline shown.
  const agentCtx = await browser.newContext();
  try {
    await stubExternal(agentCtx, base);
    const agentPage = await agentCtx.newPage();
    await loginAgent(agentPage, agentLogin());
    await openConversation(agentPage, { id: conversation.id });
    const item = agentPage.locator(`[data-testid=order][data-order-number="${order!.number}"]`);
    await item.getByRole("button", { name: `Order #${order!.number}` }).click();
    await expect(item.getByTestId("fulfilment")).toBeVisible();
    await item.getByRole("button", { name: /^Timeline/ }).click();
    const timeline = item.getByTestId("order-timeline");
    await expect(timeline.locator("li")).not.toHaveCount(0);
    await timeline.scrollIntoViewIfNeeded();
    await shot(agentPage, testInfo, "13-app-order-timeline");
  } finally {
    await agentCtx.close();
  }

  // 14. The shop settings (as the owner).
  const ownerCtx = await browser.newContext();
  try {
    const ownerPage = await ownerCtx.newPage();
    const a = await loginAgent(ownerPage, ownerLogin());
    await a.navSettings.click();
    await ownerPage.getByTestId("settings-shop").click();
    await expect(ownerPage.getByTestId("shop-currency")).toHaveValue("EUR");
    await expect(ownerPage.getByTestId("shop-price-example")).not.toBeEmpty();
    await shot(ownerPage, testInfo, "14-app-settings-shop");
  } finally {
    await ownerCtx.close();
  }
});
