// Shopping in the chat, end to end: the agent sends products from the composer's picker, the
// customer adds them to the cart, checks out and pays on the pay page (a declined card first),
// and the agent refunds part of the order from the sidebar. Every step reaches the other side
// live, and the server's records agree with what both sides see.
import type { Locator } from "@playwright/test";
import type { Content, Message, ProductRef } from "../src/shared/types";
import { agentContext, openConversation } from "./support/app";
import { agentLogin, unique } from "./support/env";
import { expect, test } from "./support/fixtures";
import { ordersOf, pickProduct, priceFormatter, productPicker, sidebarOrder } from "./support/shop";
import { content, openShop, openWidget, sendText, waitSent } from "./support/widget";

const PAYS = "4242 4242 4242 4242";
const DECLINED = "4000 0000 0000 0002";

/// Presses a shopping button (Playwright waits while an earlier press keeps it busy:
/// aria-disabled), waits for what it should bring, then for the button to settle, unrefused.
async function press(button: Locator, brings: Locator, count: number): Promise<void> {
  await button.click();
  await expect(brings).toHaveCount(count);
  await expect(button).not.toHaveAttribute("aria-busy", "true");
  await expect(button.page().locator(".ct-err[role=alert]")).toHaveCount(0);
}

function productsOf(messages: Message[]): ProductRef[] {
  const sent = messages.filter((m) => m.content.type === "products");
  expect(sent, "one carousel of products in the conversation").toHaveLength(1);
  return (sent[0].content as Extract<Content, { type: "products" }>).items;
}

test("a customer shops in the chat: carousel, cart, checkout, pay, order, partial refund", async ({ page, browser, api }) => {
  test.setTimeout(180_000);
  const money = await priceFormatter(api);

  // 1. The customer writes from the storefront.
  await openShop(page);
  const w = await openWidget(page);
  const hello = unique("I'm looking for a mug and a tote bag");
  await waitSent(await sendText(page, hello));
  const conversation = await api.conversationWithText(hello);

  const agent = await agentContext(browser, agentLogin());
  try {
    const a = agent.app;
    await openConversation(agent.page, { id: conversation.id });
    await expect(a.message(hello)).toBeVisible();

    // 2. The agent picks two products in stock from the catalog and sends them as a carousel.
    await agent.page.getByTestId("shop-products").click();
    const picker = productPicker(agent.page);
    await expect(picker.dialog).toBeVisible();
    await picker.inStock.check();
    await pickProduct(agent.page, "mug");
    await pickProduct(agent.page, "tote");
    await expect(picker.pickedCount).toContainText("2 products");
    await picker.send.click();
    await expect(picker.dialog).toBeHidden();
    await expect(content(a.messages, "products")).toHaveCount(1);

    // What the customer was offered, as the server stored it.
    await expect.poll(async () => (await api.messages(conversation.id)).filter((m) => m.content.type === "products").length).toBe(1);
    const offered = productsOf(await api.messages(conversation.id));
    expect(offered).toHaveLength(2);
    for (const p of offered) {
      expect(p.price, `${p.title} has a price`).toBeDefined();
      expect(p.stock ?? 1, `${p.title} is in stock`).toBeGreaterThan(0);
    }
    // Twice of one that has at least two left (or untracked stock), once of the other.
    const twice = offered.find((p) => p.stock === undefined || p.stock >= 2) ?? offered[0];
    const once = offered.find((p) => p !== twice)!;
    expect(twice.stock === undefined || twice.stock >= 2, `${twice.title}: at least two in stock`).toBe(true);

    // 3. The carousel reaches the widget live; the customer adds to the cart.
    const carousel = content(w.messages, "products");
    await expect(carousel).toHaveCount(1);
    const card = (p: ProductRef) => carousel.locator(".ct-card").filter({ hasText: p.title! });
    for (const p of offered) {
      await expect(card(p)).toBeVisible();
      await expect(card(p)).toContainText(money(p.price!.amount_minor, p.price!.currency));
    }
    // Each press answers with the cart as it is now.
    const carts = content(w.messages, "cart");
    await press(card(twice).locator("[data-action-type=add_to_cart]"), carts, 1);
    await expect(carts.last()).toContainText("× 1");
    await press(card(twice).locator("[data-action-type=add_to_cart]"), carts, 2);
    await press(card(once).locator("[data-action-type=add_to_cart]"), carts, 3);

    const cart = carts.last();
    const currency = twice.price!.currency;
    const total = 2 * twice.price!.amount_minor + once.price!.amount_minor;
    const lineOf = (p: ProductRef) => cart.locator("li").filter({ hasText: p.title! });
    await expect(lineOf(twice)).toContainText("× 2");
    await expect(lineOf(twice)).toContainText(money(2 * twice.price!.amount_minor, currency));
    await expect(lineOf(once)).toContainText("× 1");
    await expect(cart.locator(".ct-tot")).toContainText(money(total, currency));
    // The agent's sidebar follows the cart.
    await expect(agent.page.getByTestId("sidebar-cart-total")).toHaveText(money(total, currency));

    // Checkout: a payment request for the cart's total, with a Pay link.
    const request = content(w.messages, "payment_request");
    await press(cart.locator("[data-action-type=checkout]"), request, 1);
    await expect(request).toContainText(money(total, currency));
    const payLink = request.getByRole("link", { name: "Pay" });
    await expect(payLink).toBeVisible();

    // 4. The pay page, in a new tab: a declined card, then one that pays.
    const [pay] = await Promise.all([page.waitForEvent("popup"), payLink.click()]);
    await expect(pay.getByTestId("pay-amount")).toHaveText(money(total, currency));
    await pay.getByTestId("pay-card-number").fill(DECLINED);
    await pay.getByTestId("pay-submit").click();
    await expect(pay.getByTestId("pay-error")).toBeVisible();
    await expect(pay.getByTestId("pay-error")).toHaveAttribute("role", "alert");
    await expect(pay.getByTestId("pay-paid")).toHaveCount(0);
    await pay.getByTestId("pay-card-number").fill(PAYS);
    await pay.getByTestId("pay-submit").click();
    await expect(pay.getByTestId("pay-paid")).toBeVisible();
    // The link cannot take the money twice.
    await pay.reload();
    await expect(pay.getByTestId("pay-already-paid")).toBeVisible();
    await expect(pay.getByTestId("pay-card-number")).toHaveCount(0);

    // The cart became an order, paid.
    let orders = await ordersOf(api, conversation.contact_id);
    await expect.poll(async () => (orders = await ordersOf(api, conversation.contact_id)).filter((o) => o.status === "paid").length).toBe(1);
    const order = orders.find((o) => o.status === "paid")!;
    expect(order.total_minor).toBe(total);
    expect(order.lines.map((l) => [l.title, l.quantity]).sort()).toEqual(
      [
        [twice.title, 2],
        [once.title, 1],
      ].sort(),
    );

    // 5. Back in the widget, live: the thanks and the order card, paid.
    // The shop's system speaks for the shop in these.
    const fromSystem = w.messages.and(page.locator("[data-sender=system]"));
    await expect(fromSystem.filter({ hasText: "Payment received" })).toHaveCount(1);
    const orderCards = content(w.messages, "order");
    await expect(orderCards).toHaveCount(1);
    await expect(orderCards).toContainText(`#${order.number}`);
    await expect(orderCards.locator("[data-status]")).toHaveAttribute("data-status", "paid");
    await expect(orderCards).toContainText(money(total, currency));

    // 6. The agent refunds part of it from the sidebar.
    const refund = 500;
    const reason = unique("one mug arrived chipped");
    const o = sidebarOrder(agent.page, order.number);
    await expect(o.item).toBeVisible();
    await expect(o.status).toHaveAttribute("data-status", "paid");
    await o.head.click();
    await expect(o.head).toHaveAttribute("aria-expanded", "true");
    await o.action("Refund").click();
    await expect(o.refundForm).toBeVisible();
    await o.refundForm.getByLabel("Partial refund").check();
    await o.refundForm.getByTestId("refund-amount").fill((refund / 100).toFixed(2));
    await o.refundForm.getByTestId("refund-reason").fill(reason);
    await o.refundForm.getByRole("button", { name: "Review refund" }).click();
    await expect(o.refundConfirm).toContainText(money(refund, currency));
    await expect(o.refundConfirm).toContainText(`#${order.number}`);
    await o.refundConfirm.getByRole("button", { name: "Confirm refund" }).click();
    await expect(o.refundConfirm).toBeHidden();
    await expect(o.actionError).toHaveCount(0);
    await expect(o.status).toHaveAttribute("data-status", "partially_refunded");
    await expect(o.status).toHaveText("Partially refunded");
    await expect(o.refunded).toHaveText(money(refund, currency));
    // The conversation shows the agents' private note about it.
    const note = a.messages.and(agent.page.locator("[data-private=true]")).filter({ hasText: reason });
    await expect(note).toHaveCount(1);
    await expect(note).toContainText(`#${order.number}`);

    // 7. The customer is told, live: the refund in words, the order card partially refunded.
    await expect(fromSystem.filter({ hasText: `your order #${order.number}` }).filter({ hasText: /refunded/i })).toHaveCount(1);
    await expect(orderCards).toHaveCount(2);
    await expect(orderCards.last().locator("[data-status]")).toHaveAttribute("data-status", "partially_refunded");
    // Private notes never reach the customer.
    await expect(w.messages.filter({ hasText: reason })).toHaveCount(0);

    // The server agrees.
    const after = (await ordersOf(api, conversation.contact_id)).find((x) => x.id === order.id)!;
    expect(after.status).toBe("partially_refunded");
    expect(after.refunded_minor).toBe(refund);
    expect(after.refunds.map((r) => [r.amount_minor, r.reason])).toEqual([[refund, reason]]);
  } finally {
    await agent.context.close();
  }
});
