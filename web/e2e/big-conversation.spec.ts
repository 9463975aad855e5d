// A conversation with 10,000 messages opens without freezing: the agent app loads only the
// latest page, renders only the rows near the viewport, and loads older pages when the agent
// scrolls up, with the number of rows in the DOM staying bounded.
//
// The 10,000 messages are seeded over two WebSockets (the customer's widget session and the
// shop's API key, alternating), many sends in flight: the server group-commits them.
// Figures (seeding time, the longest gap between animation frames while opening and while
// loading older pages, rows in the DOM) are attached to the report and printed; nothing here
// asserts a duration.
import type { Page as PwPage, TestInfo } from "@playwright/test";
import type { Contact, Conversation, Message, Page } from "../src/shared/types";
import { app, loginAgent, openConversation } from "./support/app";
import { agentLogin, e2eState, unique } from "./support/env";
import { expect, test } from "./support/fixtures";

const TOTAL = 10_000;
/// Messages the app may hold in the DOM at once. Far below TOTAL, and below what ten pages of
/// 100 hold, so passing it proves the list is windowed, not merely paginated.
const MAX_ROWS = 300;
/// Scroll up until messages this old are on screen (about ten older pages loaded).
const OLDEST_WANTED = TOTAL - 1_000;

interface SeedResult {
  ms: number;
  acks: number;
  seqs: number[];
  errors: string[];
}

/// Sends `total` text messages into the conversation from a page on the server's origin: the
/// even ones from the customer (visitor token), the odd ones from the shop (API key), each
/// socket keeping `window` sends in flight. Resolves when every send is acked.
async function seedOverWebSockets(
  page: PwPage,
  args: { visitorToken: string; apiKey: string; conversationId: string; total: number; window: number; tag: string },
): Promise<SeedResult> {
  return page.evaluate(async ({ visitorToken, apiKey, conversationId, total, window, tag }) => {
    const t0 = performance.now();
    const base = location.origin.replace(/^http/, "ws") + "/api/v1/ws?token=";
    const errors: string[] = [];
    const seqs: number[] = [];

    const open = (token: string) =>
      new Promise<WebSocket>((ok, fail) => {
        const ws = new WebSocket(base + encodeURIComponent(token));
        ws.onmessage = (e) => {
          const f = JSON.parse(String(e.data));
          if (f.type === "hello") ok(ws);
          else fail(new Error(`first frame is not hello: ${e.data}`));
        };
        ws.onerror = () => fail(new Error("socket error before hello"));
        ws.onclose = (e) => fail(new Error(`socket closed before hello: ${e.code}`));
      });

    const pump = (ws: WebSocket, indices: number[], who: string) =>
      new Promise<void>((ok, fail) => {
        let next = 0;
        let acked = 0;
        const sendNext = () => {
          const i = indices[next++];
          ws.send(
            JSON.stringify({
              type: "send",
              conversation_id: conversationId,
              client_msg_id: `${tag}-${i}`,
              content: { type: "text", text: `Big log message ${i + 1} from the ${who}` },
            }),
          );
        };
        ws.onmessage = (e) => {
          const f = JSON.parse(String(e.data));
          if (f.type === "ack") {
            seqs.push(f.message.seq);
            acked++;
            if (next < indices.length) sendNext();
            else if (acked === indices.length) ok();
          } else if (f.type === "error") {
            errors.push(`${who}: ${JSON.stringify(f)}`);
            fail(new Error(`${who}: ${JSON.stringify(f)}`));
          }
        };
        ws.onclose = (e) => fail(new Error(`${who} socket closed with ${e.code} after ${acked} acks`));
        while (next < Math.min(window, indices.length)) sendNext();
      });

    const customer = await open(visitorToken);
    const shop = await open(apiKey);
    const even: number[] = [];
    const odd: number[] = [];
    for (let i = 0; i < total; i++) (i % 2 ? odd : even).push(i);
    await Promise.all([pump(customer, even, "customer"), pump(shop, odd, "shop")]);
    const ms = Math.round(performance.now() - t0);
    customer.onclose = null;
    shop.onclose = null;
    customer.close(1000);
    shop.close(1000);
    return { ms, acks: seqs.length, seqs, errors };
  }, args);
}

/// Records the longest gap between animation frames (and long tasks) in the page, from the
/// first script on; `resetProbe` starts a new measurement, `readProbe` reads it.
async function installFrameProbe(page: PwPage): Promise<void> {
  await page.addInitScript(() => {
    const probe = { maxGap: 0, frames: 0, last: 0, longTasks: 0, longestTask: 0 };
    (window as unknown as { __e2eFrames: typeof probe }).__e2eFrames = probe;
    const tick = (t: number) => {
      if (probe.last) probe.maxGap = Math.max(probe.maxGap, t - probe.last);
      probe.last = t;
      probe.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          probe.longTasks++;
          probe.longestTask = Math.max(probe.longestTask, e.duration);
        }
      }).observe({ type: "longtask", buffered: false });
    } catch {
      // No long task timing: the frame gaps still tell.
    }
  });
}

interface FrameFigures {
  maxGapMs: number;
  frames: number;
  longTasks: number;
  longestTaskMs: number;
}

async function resetProbe(page: PwPage): Promise<void> {
  await page.evaluate(() => {
    const p = (window as unknown as { __e2eFrames: { maxGap: number; frames: number; last: number; longTasks: number; longestTask: number } }).__e2eFrames;
    p.maxGap = 0;
    p.frames = 0;
    p.last = 0;
    p.longTasks = 0;
    p.longestTask = 0;
  });
}

async function readProbe(page: PwPage): Promise<FrameFigures> {
  return page.evaluate(async () => {
    // Two more frames, so the work that followed the last change is counted.
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const p = (window as unknown as { __e2eFrames: { maxGap: number; frames: number; longTasks: number; longestTask: number } }).__e2eFrames;
    return { maxGapMs: Math.round(p.maxGap), frames: p.frames, longTasks: p.longTasks, longestTaskMs: Math.round(p.longestTask) };
  });
}

/// The seqs of the message rows in the DOM, in DOM order.
async function domSeqs(page: PwPage): Promise<number[]> {
  return app(page).messages.evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-seq"))).filter((n) => n > 0));
}

/// The rows form one contiguous run of seqs, ascending, each once (the window of the log).
function expectContiguous(seqs: number[], what: string): void {
  expect(seqs.length, `${what}: rows in the DOM`).toBeGreaterThan(0);
  for (let i = 1; i < seqs.length; i++) {
    expect(seqs[i], `${what}: seqs in the DOM ${seqs[0]}…${seqs[seqs.length - 1]} (${seqs.length}) break at ${i}`).toBe(seqs[i - 1] + 1);
  }
}

async function report(testInfo: TestInfo, figures: Record<string, unknown>): Promise<void> {
  const body = JSON.stringify(figures, null, 2);
  console.log(`big-conversation figures: ${body}`);
  await testInfo.attach("figures", { body, contentType: "application/json" });
}

/// What reached the agent's page about one conversation: message pages over REST, and over
/// its WebSocket the `resume` frames it sent, the `resumed` answers and the `message` frames.
function watchConversation(page: PwPage, conversationId: string) {
  const w = {
    pages: [] as { query: string; items: number; first: number; last: number }[],
    resumesSent: [] as number[],
    resumed: 0,
    pushed: 0,
    pushedLowest: Infinity,
    pending: [] as Promise<unknown>[],
    restItems: () => w.pages.reduce((n, f) => n + f.items, 0),
    settled: () => Promise.all(w.pending),
  };
  page.on("response", (response) => {
    const url = response.url();
    if (!url.includes(`/api/v1/conversations/${conversationId}/messages`) || response.request().method() !== "GET") return;
    w.pending.push(
      response.json().then(
        (body: Page<Message>) =>
          w.pages.push({ query: url.replace(/^.*\/messages/, ""), items: body.items.length, first: body.items[0]?.seq ?? 0, last: body.items.at(-1)?.seq ?? 0 }),
        () => w.pages.push({ query: url, items: 0, first: 0, last: 0 }),
      ),
    );
  });
  page.on("websocket", (ws) => {
    ws.on("framesent", (frame) => {
      const text = String(frame.payload);
      if (!text.includes(conversationId) || !text.includes('"resume"')) return;
      const f = JSON.parse(text);
      if (f.type === "resume" && f.conversation_id === conversationId) w.resumesSent.push(f.after_seq);
    });
    ws.on("framereceived", (frame) => {
      const text = String(frame.payload);
      if (!text.includes(conversationId)) return;
      const f = JSON.parse(text);
      if (f.type === "resumed" && f.conversation_id === conversationId) w.resumed++;
      if (f.type === "message" && f.message.conversation_id === conversationId) {
        w.pushed++;
        w.pushedLowest = Math.min(w.pushedLowest, f.message.seq);
      }
    });
  });
  return w;
}

test("a conversation with 10,000 messages opens without freezing, windowed and paginated", async ({ page, browser, api }, testInfo) => {
  test.setTimeout(300_000);
  const state = e2eState();
  const figures: Record<string, unknown> = { messages: TOTAL };
  try {
    // ---- Seed: a customer (a widget visitor, so it can write from its own socket) and one
    // conversation of theirs holding 10,000 messages.
    const seeder = await browser.newContext();
    let seed: SeedResult;
    let conversation: Conversation;
    try {
      const seedPage = await seeder.newPage();
      await seedPage.goto(`${state.baseURL}/readyz`);
      const session = await seeder.request.post(`${state.baseURL}/api/v1/widget/sessions`, {
        data: { widget_key: state.demo.widget_key },
        headers: { origin: state.baseURL },
      });
      expect(session.status(), await session.text()).toBe(201);
      const visitor = (await session.json()) as { token: string; contact_id: string };
      await api.patchContact(visitor.contact_id, { name: unique("Bulk Buyer") } as Partial<Contact>);
      conversation = await api.ok<Conversation>("POST", "/api/v1/conversations", { contact_id: visitor.contact_id });

      seed = await seedOverWebSockets(seedPage, {
        visitorToken: visitor.token,
        apiKey: state.demo.api_key,
        conversationId: conversation.id,
        total: TOTAL,
        window: 256,
        tag: unique("big"),
      });
    } finally {
      await seeder.close();
    }
    figures.seedMs = seed.ms;
    figures.seedMsgPerSec = Math.round((TOTAL / seed.ms) * 1000);
    expect(seed.errors).toEqual([]);
    expect(seed.acks).toBe(TOTAL);
    const sorted = [...seed.seqs].sort((x, y) => x - y);
    expect(sorted[0]).toBe(1);
    expect(sorted[TOTAL - 1]).toBe(TOTAL);
    expect(new Set(sorted).size).toBe(TOTAL);
    expect((await api.conversation(conversation.id)).last_seq).toBe(TOTAL);

    // ---- Open it in the agent app, watching frames and what reaches the page.
    await installFrameProbe(page);
    const watch = watchConversation(page, conversation.id);
    const a = await loginAgent(page, agentLogin());
    await expect(page.locator('[aria-label="Connection online"]')).toBeVisible();
    await resetProbe(page);
    const openStart = Date.now();
    await openConversation(page, { id: conversation.id });

    const newest = a.messages.and(page.locator(`[data-seq="${TOTAL}"]`));
    await expect(newest).toHaveCount(1);
    await expect(newest).toBeVisible();
    await expect(newest).toBeInViewport();
    await expect(newest).toContainText("Big log message");
    // Following the conversation live resumes it on the socket: wait until the server has
    // answered every resume, so whatever it replayed has reached the page.
    await expect
      .poll(() => watch.resumesSent.length > 0 && watch.resumed >= watch.resumesSent.length, {
        message: `the app resumes the open conversation on its socket and gets \`resumed\` (sent ${JSON.stringify(watch.resumesSent)}, answered ${watch.resumed})`,
      })
      .toBe(true);
    const openWallMs = Date.now() - openStart;
    const opening = await readProbe(page);
    await watch.settled();

    const initial = await domSeqs(page);
    const firstLoaded = initial[0];
    const deliveredAtOpen = watch.restItems() + watch.pushed;
    figures.open = {
      wallMsIncludingPlaywright: openWallMs,
      ...opening,
      rowsInDom: initial.length,
      firstSeqInDom: firstLoaded,
      restPages: [...watch.pages],
      resumeAfterSeq: [...watch.resumesSent],
      messagesPushedOnSocket: watch.pushed,
      lowestSeqPushed: watch.pushed ? watch.pushedLowest : null,
    };

    expectContiguous(initial, "opened");
    expect(initial[initial.length - 1]).toBe(TOTAL);
    expect(initial.length, "rows in the DOM after opening").toBeLessThanOrEqual(MAX_ROWS);
    // Only the latest page reaches the page: not the log, neither over REST nor replayed on the
    // socket (a `resume` from seq 0 sends all 10,000 messages).
    expect(watch.restItems(), `messages fetched over REST when opening: ${JSON.stringify(watch.pages)}`).toBeGreaterThan(0);
    expect(
      deliveredAtOpen,
      `messages that reached the page when opening: ${watch.restItems()} over REST ${JSON.stringify(watch.pages)}, ` +
        `${watch.pushed} pushed on the socket (lowest seq ${watch.pushedLowest}) after resume from ${JSON.stringify(watch.resumesSent)}`,
    ).toBeLessThanOrEqual(MAX_ROWS);

    // ---- Scroll up: older pages load, the window of rows in the DOM stays bounded.
    const list = page.getByRole("log", { name: "Messages" });
    await resetProbe(page);
    let lowest = firstLoaded;
    let maxRows = initial.length;
    const steps: string[] = [];
    figures.scrollingUp = { steps };
    for (let step = 0; lowest > OLDEST_WANTED; step++) {
      expect(step, `scrolled up ${step} times, lowest seq on screen ${lowest}`).toBeLessThan(60);
      const before = lowest;
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await expect
        .poll(async () => Math.min(...(await domSeqs(page))), { message: `older messages than seq ${before} appear after scrolling to the top` })
        .toBeLessThan(before);
      const seqs = await domSeqs(page);
      steps.push(`${seqs.length} rows ${seqs[0]}…${seqs[seqs.length - 1]}`);
      expectContiguous(seqs, `after scroll ${step + 1}`);
      lowest = Math.min(lowest, seqs[0]);
      maxRows = Math.max(maxRows, seqs.length);
      expect(seqs.length, `rows in the DOM after scroll ${step + 1}`).toBeLessThanOrEqual(MAX_ROWS);
    }
    const scrolling = await readProbe(page);
    await watch.settled();
    figures.scrollingUp = { ...scrolling, scrolls: steps.length, lowestSeqInDom: lowest, maxRowsInDom: maxRows, restPages: watch.pages.length, messagesFetched: watch.restItems(), steps };
    expect(lowest).toBeLessThan(firstLoaded);
    expect(lowest).toBeLessThanOrEqual(OLDEST_WANTED);
    // What is on screen came page by page: the oldest page fetched reaches it.
    expect(Math.min(...watch.pages.map((f) => f.first)), `pages fetched: ${JSON.stringify(watch.pages)}`).toBeLessThanOrEqual(lowest);

    // More is loaded than rendered: the newest message is no longer in the DOM, while the
    // pages fetched so far hold far more than the DOM does (the window shrank, not the data).
    expect(watch.restItems()).toBeGreaterThan(MAX_ROWS);
    expect(watch.restItems() + watch.pushed, "messages that reached the page in all").toBeLessThan(TOTAL / 2);
    await expect(newest).toHaveCount(0);

    // ---- Still responsive: the composer takes text, and the list goes back to the newest.
    await a.composer.fill("still responsive");
    await expect(a.composer).toHaveValue("still responsive");
    await a.composer.fill("");
    await list.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await expect(newest).toBeInViewport();
    const back = await domSeqs(page);
    expectContiguous(back, "back at the newest");
    expect(back.length).toBeLessThanOrEqual(MAX_ROWS);
  } finally {
    await report(testInfo, figures);
  }
});
