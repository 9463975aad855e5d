// The visitor's conversation survives a page reload: the same messages, in the same order,
// with the same seqs, each exactly once.
import { unique } from "./support/env";
import { expect, test } from "./support/fixtures";
import { openShop, openWidget, sendText, waitSent, widget } from "./support/widget";

test("messages survive a reload, in order, without duplicates", async ({ page, api }) => {
  await openShop(page);
  await openWidget(page);
  const first = unique("first: is the blue mug dishwasher safe?");
  const second = unique("second: and microwave safe?");
  const seq1 = await waitSent(await sendText(page, first));
  const seq2 = await waitSent(await sendText(page, second));
  expect(seq2).toBeGreaterThan(seq1);

  await page.reload();
  const w = widget(page);
  await expect(w.launcher).toBeVisible();
  await openWidget(page);

  const row1 = w.message(first);
  const row2 = w.message(second);
  await expect(row1).toHaveCount(1);
  await expect(row2).toHaveCount(1);
  await expect(row1).toHaveAttribute("data-seq", String(seq1));
  await expect(row2).toHaveAttribute("data-seq", String(seq2));
  await expect(row1).toHaveAttribute("data-sender", "contact");
  await expect(row1).toHaveAttribute("data-status", /^(sent|delivered|read)$/);
  await expect(row2).toHaveAttribute("data-status", /^(sent|delivered|read)$/);

  // Order on screen follows seq, and no seq (no message) shows twice.
  const seqs = (await w.messages.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-seq")))).filter(
    (s): s is string => s !== null && s !== "",
  );
  const numbers = seqs.map(Number);
  expect(new Set(numbers).size, `seqs on screen: ${seqs.join(",")}`).toBe(numbers.length);
  expect([...numbers].sort((x, y) => x - y)).toEqual(numbers);
  expect(numbers.indexOf(seq1)).toBeLessThan(numbers.indexOf(seq2));

  // The server holds each once too.
  const conversation = await api.conversationWithText(second);
  const log = await api.messages(conversation.id);
  expect(log.filter((m) => m.content.type === "text" && m.content.text === first)).toHaveLength(1);
  expect(log.filter((m) => m.content.type === "text" && m.content.text === second)).toHaveLength(1);
});
