// A customer and an agent talk, each in their own browser context, live both ways:
// text from the widget, buttons from the app's rich picker, a postback back from the widget.
import { agentContext } from "./support/app";
import { agentLogin, unique } from "./support/env";
import { expect, test } from "./support/fixtures";
import { content, openShop, openWidget, sendText, waitSent } from "./support/widget";

test("customer and agent chat live: text, buttons, postback, receipts", async ({ page, browser, api }) => {
  // The agent is already watching the All view before the customer writes.
  const agent = await agentContext(browser, agentLogin());
  try {
    const a = agent.app;
    await a.viewAll.click();
    await expect(a.conversations.first()).toBeVisible(); // the demo's seeded conversations

    // The customer writes from the storefront.
    await openShop(page);
    const w = await openWidget(page);
    const hello = unique("Hi, do you ship to Norway?");
    const own = await sendText(page, hello);
    const seq = await waitSent(own);

    // The conversation appears in the agent's list live (no reload), with the message inside.
    const conversation = await api.conversationWithText(hello);
    const item = a.conversationById(conversation.id);
    await expect(item).toHaveCount(1);
    await expect(item).toContainText(hello);
    await item.click();
    const inApp = a.message(hello);
    await expect(inApp).toHaveCount(1);
    await expect(inApp).toHaveAttribute("data-sender", "contact");
    await expect(inApp).toHaveAttribute("data-seq", String(seq));

    // The agent's app has received it (and shows it): the customer sees delivered or read.
    await expect(own).toHaveAttribute("data-status", /^(delivered|read)$/);

    // The agent answers with buttons from the rich message picker.
    await a.richOpen.click();
    // "Buttons" is the picker's first tab; select it in case another one is remembered.
    await agent.page.getByTestId("rich-tab-buttons").click();
    await a.richButtonsText.fill("Which size?");
    await expect(a.richButtonLabels.nth(1)).toBeVisible();
    await a.richButtonLabels.nth(0).fill("Small");
    await a.richButtonLabels.nth(1).fill("Large");
    await a.richSend.click();
    await expect(a.message("Which size?")).toHaveCount(1);

    // The customer sees the question with its two buttons, live.
    const question = w.message("Which size?");
    await expect(question).toHaveCount(1);
    await expect(question).toHaveAttribute("data-sender", /^(agent|bot)$/);
    const small = question.locator("[data-action-type]").filter({ hasText: "Small" });
    const large = question.locator("[data-action-type]").filter({ hasText: "Large" });
    await expect(small).toBeVisible();
    await expect(large).toBeVisible();

    // The customer picks "Large": the agent sees a postback holding "Large", live.
    await large.click();
    const postbackInWidget = content(w.own, "postback").filter({ hasText: "Large" });
    await expect(postbackInWidget).toHaveCount(1);
    const postbackInApp = content(a.messages, "postback").filter({ hasText: "Large" });
    await expect(postbackInApp).toHaveCount(1);

    // And the server agrees: the log ends with the buttons and the postback, each once.
    const log = await api.messages(conversation.id);
    const postbacks = log.filter((m) => m.content.type === "postback");
    expect(postbacks).toHaveLength(1);
    expect(postbacks[0].content).toMatchObject({ type: "postback", text: "Large" });
    expect(postbacks[0].sender.type).toBe("contact");
    expect(log.filter((m) => m.content.type === "text" && m.content.text === hello)).toHaveLength(1);
    const buttons = log.filter((m) => m.content.type === "text" && m.content.text === "Which size?");
    expect(buttons).toHaveLength(1);
    expect(postbacks[0].seq).toBeGreaterThan(buttons[0].seq);
  } finally {
    await agent.context.close();
  }
});

test("an answer while the panel is closed shows on the launcher's unread badge", async ({ page, api }) => {
  await openShop(page);
  const w = await openWidget(page);
  const hello = unique("Is anyone there?");
  await waitSent(await sendText(page, hello));
  const conversation = await api.conversationWithText(hello);
  await w.close.click();
  await expect(w.panel).toBeHidden();
  await expect(w.unread).toBeHidden();

  await api.sendOk(conversation.id, { type: "text", text: "Yes! How can I help?" });
  await api.sendOk(conversation.id, { type: "text", text: "We ship everywhere in the EU." });
  await expect(w.unread).toBeVisible();
  await expect(w.unread).toHaveText("2");

  // Opening the panel shows the answers and clears the badge; the shop sees them read.
  await w.launcher.click();
  await expect(w.message("We ship everywhere in the EU.")).toBeVisible();
  await expect(w.unread).toBeHidden();
  const last = (await api.messages(conversation.id)).at(-1)!;
  await expect.poll(async () => (await api.conversation(conversation.id)).contact_read_seq).toBeGreaterThanOrEqual(last.seq);
});
