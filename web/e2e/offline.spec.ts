// Sending while offline: the message waits as `pending` under an offline banner, then goes
// out once the network is back, exactly once (in the widget and in the server's log).
import { unique } from "./support/env";
import { expect, test } from "./support/fixtures";
import { dropSockets, socketReport, trackSockets } from "./support/sockets";
import { openShop, openWidget, sendText, waitSent } from "./support/widget";

test("a message sent offline is delivered once when the network returns", async ({ page, context, api }, testInfo) => {
  await trackSockets(page);
  await openShop(page);
  const w = await openWidget(page);

  // Online first: a message goes through, so the socket is up.
  const warmup = unique("online before the tunnel");
  await waitSent(await sendText(page, warmup));
  await expect(w.offline).toBeHidden();
  const conversation = await api.conversationWithText(warmup);
  expect((await socketReport(page)).open).toBeGreaterThan(0);

  // The network goes away.
  await context.setOffline(true);
  const observed: string[] = [];
  let forced = false;
  const bannerAlone = await w.offline
    .waitFor({ state: "visible", timeout: 6_000 })
    .then(() => true)
    .catch(() => false);
  const afterOffline = await socketReport(page);
  observed.push(
    `setOffline(true): navigator.onLine=${await page.evaluate(() => navigator.onLine)}, ` +
      `banner ${bannerAlone ? "shown" : "NOT shown within 6 s"}, open sockets ${afterOffline.open}`,
  );
  if (afterOffline.open > 0 || !bannerAlone) {
    // Chromium's offline emulation may leave an established WebSocket running: make the
    // situation real (the `offline` event, then the socket dropped as a dead network would).
    forced = true;
    await page.evaluate(() => window.dispatchEvent(new Event("offline")));
    const dropped = await dropSockets(page);
    observed.push(`forced: dispatched 'offline', closed ${dropped} open socket(s)`);
  }
  await expect(w.offline).toBeVisible();

  const first = unique("sent while offline (1)");
  const second = unique("sent while offline (2)");
  const row1 = await sendText(page, first);
  const row2 = await sendText(page, second);
  await expect(row1).toHaveAttribute("data-status", "pending");
  await expect(row2).toHaveAttribute("data-status", "pending");
  await expect(w.offline).toBeVisible();
  // Nothing reached the server meanwhile.
  let log = await api.messages(conversation.id);
  expect(log.filter((m) => m.content.type === "text" && [first, second].includes(m.content.text))).toHaveLength(0);
  observed.push(`while offline: ${JSON.stringify((await socketReport(page)).events.slice(-6))}`);

  // Back online.
  await context.setOffline(false);
  if (forced) await page.evaluate(() => window.dispatchEvent(new Event("online")));
  const seq1 = await waitSent(row1);
  const seq2 = await waitSent(row2);
  expect(seq2).toBeGreaterThan(seq1);
  await expect(w.offline).toBeHidden();
  await expect(w.message(first)).toHaveCount(1);
  await expect(w.message(second)).toHaveCount(1);
  await expect(w.messages.and(page.locator("[data-status=failed]"))).toHaveCount(0);

  // The agent's view (the REST API): each exactly once, in the order sent.
  log = await api.messages(conversation.id);
  const mine = log.filter((m) => m.content.type === "text" && [first, second].includes(m.content.text));
  expect(mine.map((m) => m.seq)).toEqual([seq1, seq2]);
  expect(mine.map((m) => (m.content.type === "text" ? m.content.text : ""))).toEqual([first, second]);

  observed.push(`sockets: ${JSON.stringify((await socketReport(page)).events)}`);
  testInfo.annotations.push({ type: "offline-observation", description: observed.join(" | ") });
  console.log(`[offline] ${observed.join("\n[offline] ")}`);
});
