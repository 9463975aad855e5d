// The widget end to end in happy-dom: a fake REST server (fetch) and a fake WebSocket.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import type { WebSocketLike } from "../shared/realtime";
import type { ClientFrame, Conversation, Message, ServerFrame, WidgetConfig } from "../shared/types";
import { createController, type Controller } from "./controller";
import { LOCALE_FILES } from "./i18n";
import { Widget } from "./ui";

const LOCALES = import.meta.glob<Record<string, string>>("./locales/*.json", { eager: true, import: "default" });

class FakeWS implements WebSocketLike {
  static all: FakeWS[] = [];
  readyState = 0;
  sent: ClientFrame[] = [];
  onopen: ((ev: any) => void) | null = null;
  onmessage: ((ev: { data: any }) => void) | null = null;
  onclose: ((ev: any) => void) | null = null;
  onerror: ((ev: any) => void) | null = null;
  constructor(public url: string) {
    FakeWS.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.push({ type: "hello", workspace_id: "w", principal: { kind: "contact", id: "contact-1" }, heartbeat_ms: 30000 });
  }
  push(f: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006 });
  }
  static last() {
    return FakeWS.all[FakeWS.all.length - 1];
  }
}

const CONFIG: WidgetConfig = {
  workspace_name: "Demo Shop",
  settings: { color: "#ffcc00", greeting: "Hi! How can we help?", position: "left", sound: true },
  available: true,
  agents_online: true,
};

function conversation(o: Partial<Conversation> = {}): Conversation {
  return {
    id: "conv-1",
    workspace_id: "w",
    contact_id: "contact-1",
    channel: "web",
    status: "open",
    snoozed_until: null,
    assignee_id: null,
    labels: [],
    last_seq: 0,
    last_message_preview: null,
    last_message_at: null,
    unread_by_agent: 0,
    unread_by_contact: 0,
    contact_delivered_seq: 0,
    contact_read_seq: 0,
    agent_read_seq: 0,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...o,
  };
}

function msg(seq: number, o: Partial<Message> = {}): Message {
  return {
    id: "m" + seq,
    conversation_id: "conv-1",
    seq,
    sender: { type: "agent", id: "agent-1" },
    content: { type: "text", text: "agent says " + seq },
    private: false,
    client_msg_id: null,
    created_at: "2026-01-01T10:00:00Z",
    ...o,
  };
}

interface Server {
  requests: { method: string; path: string; body: unknown; auth: string | null }[];
  conversations: Conversation[];
  history: Message[];
  sessionStatus: number;
  config: WidgetConfig;
  /// Answers to the config request wait for this.
  configGate: Promise<unknown>;
  /// Answers to translation files wait for this.
  localeGate: Promise<unknown>;
  localeStatus: number;
  /// The answer to shop actions (add to cart, buy, checkout), released by `shopGate`.
  shopAnswer: { status: number; body: unknown };
  shopGate: Promise<unknown>;
}

function fakeServer(): Server {
  const s: Server = {
    requests: [],
    conversations: [],
    history: [],
    sessionStatus: 201,
    config: CONFIG,
    configGate: Promise.resolve(),
    localeGate: Promise.resolve(),
    localeStatus: 200,
    shopAnswer: { status: 200, body: { cart: {} } },
    shopGate: Promise.resolve(),
  };
  const json = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const u = new URL(url);
    const method = init.method ?? "GET";
    const auth = (init.headers as Record<string, string> | undefined)?.authorization ?? null;
    let body: unknown = init.body;
    if (typeof body === "string") body = JSON.parse(body);
    s.requests.push({ method, path: u.pathname + u.search, body, auth });
    const route = `${method} ${u.pathname}`;
    if (route === "GET /api/v1/widget/config") {
      await s.configGate;
      return json(200, s.config);
    }
    const file = /^\/assets\/widget-i18n-(\w+)-test\.json$/.exec(u.pathname);
    if (method === "GET" && file) {
      await s.localeGate;
      return s.localeStatus === 200 ? json(200, LOCALES[`./locales/${file[1]}.json`]) : json(s.localeStatus, undefined);
    }
    if (route === "POST /api/v1/widget/sessions") {
      if (s.sessionStatus !== 201) return json(s.sessionStatus, { error: { code: "unauthenticated", message: "expired" } });
      return json(201, { token: "stv_visitor", contact_id: "contact-1", workspace_id: "w", expires_at: "2030-01-01T00:00:00Z" });
    }
    if (route === "GET /api/v1/conversations") return json(200, { items: s.conversations });
    if (route === "POST /api/v1/conversations") {
      const c = conversation();
      s.conversations.push(c);
      return json(201, c);
    }
    if (route === "GET /api/v1/conversations/conv-1/messages") return json(200, { items: s.history });
    if (route === "POST /api/v1/media") {
      return json(201, { id: "media-1", filename: "cat.png", content_type: "image/png", size_bytes: 4, url: "/api/v1/media/media-1", created_at: "" });
    }
    if (route === "POST /api/v1/events") return json(202, undefined);
    if (route === "POST /api/v1/conversations/conv-1/shop-actions") {
      await s.shopGate;
      return json(s.shopAnswer.status, s.shopAnswer.body);
    }
    return json(404, { error: { code: "not_found", message: "no route " + route } });
  });
  return s;
}

const tick = async (n = 4) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

let host: HTMLElement;
let shadow: ShadowRoot;
let c: Controller;
let server: Server;

/// `locale`: the script's data-locale (null: none).
async function mount(key = "wk_test", locale: string | null = "en") {
  c = createController({ baseUrl: "https://chat.example", widgetKey: key, locale: locale ?? undefined, WebSocketImpl: FakeWS });
  host = document.createElement("div");
  host.id = "shoptalk-widget";
  shadow = host.attachShadow({ mode: "open" });
  document.body.appendChild(host);
  render(<Widget c={c} />, shadow);
  await c.boot();
  await tick();
}

const $ = <T extends Element = HTMLElement>(id: string) => shadow.querySelector<T & HTMLElement>(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(shadow.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

async function typeAndSend(text: string) {
  const ta = $<HTMLTextAreaElement>("st-input")!;
  ta.value = text;
  ta.dispatchEvent(new Event("input", { bubbles: true }));
  await tick();
  ta.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
  await tick(8);
}

beforeEach(() => {
  FakeWS.all = [];
  localStorage.clear();
  sessionStorage.clear();
  server = fakeServer();
});
afterEach(() => {
  render(null, shadow);
  host.remove();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  delete (navigator as { languages?: unknown }).languages;
});

/// The browser's preferred languages, as `navigator.languages` reports them.
function browserLanguages(langs: string[]) {
  Object.defineProperty(navigator, "languages", { get: () => langs, configurable: true });
}

describe("widget", () => {
  it("opens lazily, greets, sends with ticks, shows agent replies, typing and receipts", async () => {
    await mount();
    // No stored visitor: no session until the panel opens.
    expect(server.requests.map((r) => r.path)).toEqual(["/api/v1/widget/config?widget_key=wk_test"]);
    const launcher = $("st-launcher")!;
    expect(launcher.getAttribute("aria-label")).toBe("Open chat");
    expect(shadow.querySelector(".st-left")).not.toBeNull();

    launcher.click();
    await tick(8);
    const panel = $("st-panel")!;
    expect(panel.getAttribute("role")).toBe("dialog");
    expect(panel.getAttribute("aria-modal")).toBe("true");
    expect(panel.getAttribute("aria-label")).toBe("Demo Shop");
    expect(shadow.activeElement).toBe($("st-input"));
    expect(panel.textContent).toContain("We typically reply in a few minutes");
    expect($("st-greeting")!.textContent).toBe("Hi! How can we help?");
    expect(localStorage.getItem("shoptalk:wk_test:visitor")).toBe("stv_visitor");

    const ws = FakeWS.last();
    expect(ws.url).toBe("wss://chat.example/api/v1/ws?token=stv_visitor");
    ws.open();
    await tick();

    await typeAndSend("Hello there");
    expect(server.requests.find((r) => r.method === "POST" && r.path === "/api/v1/conversations")?.body).toEqual({ contact_id: "contact-1" });
    const send = ws.sent.find((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>;
    expect(send.content).toEqual({ type: "text", text: "Hello there" });
    // The new conversation is followed: resume from 0, its messages held until "resumed".
    expect(ws.sent).toContainEqual({ type: "resume", conversation_id: "conv-1", after_seq: 0 });
    ws.push({ type: "resumed", conversation_id: "conv-1", last_seq: 0 });
    let row = $$("st-message")[0];
    expect(row.dataset.status).toBe("pending");
    expect(row.dataset.clientMsgId).toBe(send.client_msg_id);
    expect($<HTMLTextAreaElement>("st-input")!.value).toBe("");
    expect($("st-greeting")).toBeNull();

    const mine = msg(1, { sender: { type: "contact", id: "contact-1" }, content: send.content, client_msg_id: send.client_msg_id });
    ws.push({ type: "ack", client_msg_id: send.client_msg_id, message: mine });
    ws.push({ type: "message", message: mine }); // own push: a duplicate
    await tick();
    expect($$("st-message")).toHaveLength(1);
    row = $$("st-message")[0];
    expect(row.dataset.status).toBe("sent");
    expect(row.dataset.seq).toBe("1");
    expect(row.dataset.sender).toBe("contact");

    ws.push({ type: "receipt", conversation_id: "conv-1", side: "agent", kind: "delivered", seq: 1 });
    await tick();
    expect($$("st-message")[0].dataset.status).toBe("delivered");
    ws.push({ type: "receipt", conversation_id: "conv-1", side: "agent", kind: "read", seq: 1 });
    await tick();
    expect($$("st-message")[0].dataset.status).toBe("read");

    ws.push({ type: "typing", conversation_id: "conv-1", from: { kind: "agent", id: "agent-1" }, typing: true });
    await tick();
    expect($("st-typing")).not.toBeNull();

    const heard: unknown[] = [];
    c.on("message", (m) => heard.push(m));
    ws.push({ type: "message", message: msg(2) });
    await tick();
    expect($("st-typing")).toBeNull();
    const rows = $$("st-message");
    expect(rows.map((r) => r.dataset.sender)).toEqual(["contact", "agent"]);
    expect(rows[1].dataset.status).toBeUndefined();
    expect(heard).toHaveLength(1);
    expect(ws.sent).toContainEqual({ type: "receipt", conversation_id: "conv-1", kind: "delivered", seq: 2 });
    expect(ws.sent).toContainEqual({ type: "receipt", conversation_id: "conv-1", kind: "read", seq: 2 });
    expect(shadow.querySelector("[aria-live=polite]")!.textContent).toContain("agent says 2");

    // Escape closes and gives focus back to the launcher.
    panel.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await tick();
    expect($("st-panel")).toBeNull();
    expect(shadow.activeElement).toBe($("st-launcher"));

    // Closed: a new agent message shows an unread badge.
    ws.push({ type: "message", message: msg(3) });
    await tick();
    expect($("st-unread")!.textContent).toBe("1");
    expect(ws.sent.filter((f) => f.type === "receipt" && f.kind === "read" && f.seq === 3)).toHaveLength(0);
  });

  it("without a greeting, an empty conversation opens on a welcome and the status line", async () => {
    server.config = { ...CONFIG, available: false, settings: { ...CONFIG.settings, greeting: undefined, away_message: "Back at 9" } };
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    expect($("st-greeting")).toBeNull();
    const welcome = $("st-welcome")!;
    expect(welcome.textContent).toContain("Hello! Ask us anything");
    expect(welcome.textContent).toContain("Back at 9");
    FakeWS.last().open();
    await tick();
    await typeAndSend("Hi");
    expect($("st-welcome")).toBeNull();
  });

  it("stays at the bottom while content grows, until the person scrolls up", async () => {
    class FakeRO {
      static all: FakeRO[] = [];
      constructor(public cb: () => void) {
        FakeRO.all.push(this);
      }
      observe() {}
      disconnect() {}
    }
    vi.stubGlobal("ResizeObserver", FakeRO);
    server.conversations = [conversation({ last_seq: 3 })];
    server.history = [msg(1), msg(2), msg(3)];
    localStorage.setItem("shoptalk:wk_test:visitor", "stv_old");
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    // Layout, as a browser would have it: images load and grow the list after it was rendered.
    const el = $("st-messages")!;
    const g = { height: 1000, client: 400 };
    let top = 0;
    Object.defineProperty(el, "scrollHeight", { configurable: true, get: () => g.height });
    Object.defineProperty(el, "clientHeight", { configurable: true, get: () => g.client });
    Object.defineProperty(el, "scrollTop", {
      configurable: true,
      get: () => top,
      set: (v: number) => (top = Math.max(0, Math.min(v, g.height - g.client))),
    });
    const resized = () => FakeRO.all.forEach((o) => o.cb());
    const scrolled = () => el.dispatchEvent(new Event("scroll"));
    resized();
    expect(top).toBe(600);
    // Our own pinning's scroll event, handled after more images grew the list by 120 px.
    g.height = 1120;
    scrolled();
    expect(top).toBe(720);
    g.height = 1500;
    resized();
    expect(top).toBe(1100);
    // The browser's scroll anchoring (an image above grew): still following.
    g.height = 1600;
    top = 1200;
    scrolled();
    resized();
    expect(top).toBe(1200);
    // The person scrolls up: the list stays where they put it.
    top = 900;
    scrolled();
    g.height = 1900;
    resized();
    el.querySelector("ol")!.dispatchEvent(new Event("load"));
    expect(top).toBe(900);
    // Back at the bottom: following again.
    top = 1450;
    scrolled();
    g.height = 2000;
    resized();
    expect(top).toBe(1600);
  });

  it("shows the offline banner, keeps sends pending, and sends them on reconnect", async () => {
    server.conversations = [conversation({ last_seq: 2, contact_read_seq: 1 })];
    server.history = [msg(1), msg(2)];
    localStorage.setItem("shoptalk:wk_test:visitor", "stv_old");
    await mount();
    // Stored visitor: the session opens at boot, with the unread badge.
    expect(server.requests.find((r) => r.path === "/api/v1/widget/sessions")?.body).toMatchObject({ widget_key: "wk_test", visitor_token: "stv_old" });
    expect($("st-unread")!.textContent).toBe("1");
    const ws = FakeWS.last();
    ws.open();
    await tick();
    expect(ws.sent).toContainEqual({ type: "resume", conversation_id: "conv-1", after_seq: 2 });

    $("st-launcher")!.click();
    await tick(8);
    expect($("st-unread")).toBeNull();
    expect(ws.sent).toContainEqual({ type: "receipt", conversation_id: "conv-1", kind: "read", seq: 2 });
    expect($("st-offline")).toBeNull();

    ws.drop();
    await tick();
    expect($("st-offline")!.textContent).toContain("Offline");
    await typeAndSend("while offline");
    const row = $$("st-message").find((r) => r.textContent?.includes("while offline"))!;
    expect(row.dataset.status).toBe("pending");
    const cid = row.dataset.clientMsgId!;
    expect(JSON.parse(localStorage.getItem("shoptalk:wk_test:outbox")!)[0].client_msg_id).toBe(cid);

    window.dispatchEvent(new Event("online"));
    const ws2 = FakeWS.last();
    expect(ws2).not.toBe(ws);
    ws2.open();
    await tick();
    expect($("st-offline")).toBeNull();
    const sends = ws2.sent.filter((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>[];
    expect(sends.map((s) => s.client_msg_id)).toEqual([cid]);
    expect(ws2.sent.find((f) => f.type === "resume")).toEqual({ type: "resume", conversation_id: "conv-1", after_seq: 2 });
  });

  it("refuses over-long text before sending and shows server errors in words, with retry", async () => {
    server.conversations = [conversation()];
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    const ws = FakeWS.last();
    ws.open();
    await tick();

    const ta = $<HTMLTextAreaElement>("st-input")!;
    ta.value = "x".repeat(4100);
    ta.dispatchEvent(new Event("input", { bubbles: true }));
    await tick();
    expect($("st-error")!.textContent).toContain("4100/4096");
    expect($<HTMLButtonElement>("st-send")!.disabled).toBe(true);
    ta.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    await tick();
    expect(ws.sent.filter((f) => f.type === "send")).toHaveLength(0);
    expect(shadow.textContent).toContain("4100 / 4096");

    await typeAndSend("bad one");
    const send = ws.sent.find((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>;
    ws.push({ type: "error", ref: send.client_msg_id, error: { code: "validation_failed", message: "content.text: not allowed here" } });
    await tick();
    const row = $$("st-message")[0];
    expect(row.dataset.status).toBe("failed");
    expect($("st-error")!.textContent).toBe("content.text: not allowed here");
    (row.querySelector(".st-retry") as HTMLButtonElement).click();
    await tick(8);
    const resent = ws.sent.filter((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>[];
    expect(resent).toHaveLength(2);
    expect(resent[1].content).toEqual({ type: "text", text: "bad one" });
    expect($$("st-message")[0].dataset.status).toBe("pending");
  });

  it("turns buttons into postbacks and uploads attachments", async () => {
    server.conversations = [conversation()];
    server.history = [
      msg(1, { content: { type: "text", text: "Which size?", quick_replies: [{ type: "reply", text: "Small" }, { type: "reply", text: "Large", payload: "L" }] } }),
    ];
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    const ws = FakeWS.last();
    ws.open();
    await tick();
    const chips = Array.from(shadow.querySelectorAll<HTMLButtonElement>('[data-action-type="reply"]'));
    expect(chips.map((b) => b.disabled)).toEqual([false, false]);
    chips[1].click();
    await tick(8);
    const send = ws.sent.find((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>;
    expect(send.content).toEqual({ type: "postback", text: "Large", payload: "L", message_id: "m1" });

    // Upload through the file input.
    const input = $<HTMLInputElement>("st-attach")!;
    const file = new File([new Uint8Array([137, 80, 78, 71])], "cat.png", { type: "image/png" });
    Object.defineProperty(input, "files", { value: [file], configurable: true });
    input.dispatchEvent(new Event("change", { bubbles: true }));
    await tick(10);
    const up = server.requests.find((r) => r.path.startsWith("/api/v1/media"))!;
    expect(up.path).toBe("/api/v1/media?filename=cat.png");
    expect(up.auth).toBe("Bearer stv_visitor");
    const sends = ws.sent.filter((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>[];
    expect(sends[1].content).toEqual({ type: "image", media: { media_id: "media-1", mime_type: "image/png", size_bytes: 4 } });

    // Too big: refused in the UI, nothing uploaded.
    const big = new File(["x"], "huge.bin");
    Object.defineProperty(big, "size", { value: 26 * 1024 * 1024 });
    await c.upload(big);
    await tick();
    expect($("st-error")!.textContent).toContain("25 MB");
    expect(server.requests.filter((r) => r.method === "POST" && r.path.startsWith("/api/v1/media")).map((r) => r.path)).toEqual(["/api/v1/media?filename=cat.png"]);
  });

  it("shopping buttons ask the server (busy meanwhile), show its refusal in words; checkout links open the shop's page", async () => {
    server.config = { ...CONFIG, shop: { currency: "EUR", locale: "de-DE" } };
    server.conversations = [conversation()];
    const mug = { product_id: "p-mug", variant_id: "v-350", title: "Mug", price: { amount_minor: 1250, currency: "EUR" }, stock: 2 };
    server.history = [
      msg(1, { content: { type: "products", items: [mug, { product_id: "p-gone", title: "Gone", stock: 0 }] } }),
      msg(2, { content: { type: "cart", cart_id: "cart-1", items: [{ product_id: "p-mug", title: "Mug", quantity: 2, unit_price: { amount_minor: 1250, currency: "EUR" } }], total: { amount_minor: 2500, currency: "EUR" } } }),
      msg(3, { content: { type: "cart", items: [{ product_id: "p-mug", title: "Mug", quantity: 1, unit_price: { amount_minor: 1250, currency: "EUR" } }], checkout_url: "https://shop.example/checkout/1" } }),
    ];
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    FakeWS.last().open();
    await tick();
    // Prices in the shop's locale; stock shown; sold out disables.
    const cards = Array.from(shadow.querySelectorAll('[data-content-type="products"] .ct-card'));
    expect(cards[0].querySelector(".ct-price")!.textContent).toBe("12,50\u00a0€");
    expect(cards[0].textContent).toContain("Only 2 left");
    expect(cards[1].textContent).toContain("Sold out");
    expect(cards[1].querySelector<HTMLButtonElement>('[data-action-type="add_to_cart"]')!.disabled).toBe(true);

    let release!: () => void;
    server.shopGate = new Promise<void>((r) => (release = r));
    server.shopAnswer = { status: 422, body: { error: { code: "validation_failed", message: "action.quantity: only 2 left", field: "action.quantity" } } };
    const add = cards[0].querySelector<HTMLButtonElement>('[data-action-type="add_to_cart"]')!;
    add.click();
    await tick();
    expect(add.getAttribute("aria-busy")).toBe("true");
    expect(add.getAttribute("aria-disabled")).toBe("true");
    add.click(); // a second press while busy asks nothing more
    release();
    await tick(8);
    const asked = server.requests.filter((r) => r.path === "/api/v1/conversations/conv-1/shop-actions");
    expect(asked).toHaveLength(1);
    expect(asked[0].auth).toBe("Bearer stv_visitor");
    expect(asked[0].body).toEqual({
      action: { type: "add_to_cart", text: "Add to cart", product_id: "p-mug", variant_id: "v-350", quantity: 1 },
      message_id: "m1",
    });
    expect(add.getAttribute("aria-busy")).toBeNull();
    const alert = cards[0].querySelector("[role=alert]")!;
    expect(alert.textContent).toBe("Only 2 left");
    // Nothing was posted as a message by the widget itself: the cart comes from the server.
    expect(FakeWS.last().sent.filter((f) => f.type === "send")).toHaveLength(0);

    // Buy succeeds: no error line; the server's cart and pay link arrive over the socket.
    server.shopAnswer = { status: 200, body: { cart: { id: "cart-1" }, payment: { id: "pay-1" } } };
    const buy = cards[0].querySelector<HTMLButtonElement>('[data-action-type="buy"]')!;
    buy.click();
    await tick(8);
    expect(server.requests.filter((r) => r.path.endsWith("/shop-actions")).map((r) => (r.body as { action: { type: string } }).action.type)).toEqual([
      "add_to_cart",
      "buy",
    ]);
    expect(cards[0].querySelectorAll("[role=alert]")).toHaveLength(1); // the add's, not the buy's
    expect(buy.getAttribute("aria-busy")).toBeNull();

    // A cart without the shop's checkout page: Checkout is a shop action for that cart.
    const rows = $$("st-message");
    const checkout = rows[1].querySelector<HTMLButtonElement>('button[data-action-type="checkout"]')!;
    expect(checkout.textContent).toBe("Checkout");
    checkout.click();
    await tick(8);
    expect(server.requests.filter((r) => r.path.endsWith("/shop-actions")).pop()!.body).toEqual({
      action: { type: "checkout", text: "Checkout", cart_id: "cart-1" },
      message_id: "m2",
    });
    // With one: a link to it, in a new tab.
    const link = rows[2].querySelector<HTMLAnchorElement>('a[data-action-type="checkout"]')!;
    expect(link.getAttribute("href")).toBe("https://shop.example/checkout/1");
    expect(link.getAttribute("target")).toBe("_blank");
  });

  it("payment requests open the pay page in a new tab; a shop offers to start a return", async () => {
    server.config = { ...CONFIG, shop: { currency: "USD", locale: "en-US" } };
    server.conversations = [conversation()];
    server.history = [msg(1, { content: { type: "payment_request", amount_minor: 4200, currency: "USD", description: "Order 1001", pay_url: "https://chat.example/pay/pay-1" } })];
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    const ws = FakeWS.last();
    ws.open();
    await tick();
    const pay = shadow.querySelector<HTMLAnchorElement>('[data-content-type="payment_request"] a')!;
    expect(pay.textContent).toBe("Pay");
    expect(pay.getAttribute("href")).toBe("https://chat.example/pay/pay-1");
    expect(pay.getAttribute("target")).toBe("_blank");
    expect(shadow.querySelector('[data-content-type="payment_request"]')!.textContent).toContain("$42.00");

    const ret = $("st-return")!;
    expect(ret.getAttribute("aria-label")).toBe("Start a return");
    ret.click();
    await tick(8);
    const send = ws.sent.find((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>;
    expect(send.content).toEqual({ type: "postback", text: "Start a return", payload: "return:start" });
  });

  it("no shop, no return button", async () => {
    await mount();
    $("st-launcher")!.click();
    await tick(8);
    expect($("st-return")).toBeNull();
  });

  it("a first message typed while the network is down waits as pending and goes out when it is back", async () => {
    await mount();
    const real = fetch;
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    window.dispatchEvent(new Event("offline"));
    $("st-launcher")!.click();
    await tick(8);
    expect($("st-offline")).not.toBeNull();
    await typeAndSend("first words");
    await typeAndSend("second words");
    expect($$("st-message").map((r) => r.dataset.status)).toEqual(["pending", "pending"]);

    vi.stubGlobal("fetch", real);
    window.dispatchEvent(new Event("online"));
    await tick(12);
    const ws = FakeWS.last();
    ws.open();
    await tick(4);
    const sends = ws.sent.filter((f) => f.type === "send") as Extract<ClientFrame, { type: "send" }>[];
    expect(sends.map((f) => f.content)).toEqual([
      { type: "text", text: "first words" },
      { type: "text", text: "second words" },
    ]);
    expect(server.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/conversations")).toHaveLength(1);
    expect($("st-offline")).toBeNull();
  });

  it("an expired visitor token opens a fresh session; track() waits for the session", async () => {
    localStorage.setItem("shoptalk:wk_test:visitor", "stv_expired");
    let first = true;
    const real = fetch;
    vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
      if (first && url.endsWith("/api/v1/widget/sessions")) {
        first = false;
        server.requests.push({ method: "POST", path: "/api/v1/widget/sessions", body: JSON.parse(String(init.body)), auth: null });
        return new Response(JSON.stringify({ error: { code: "unauthenticated", message: "expired" } }), { status: 401 });
      }
      return real(url, init);
    });
    c = createController({ baseUrl: "https://chat.example", widgetKey: "wk_test", WebSocketImpl: FakeWS });
    host = document.createElement("div");
    shadow = host.attachShadow({ mode: "open" });
    c.track("viewed_product", { sku: "mug" });
    await c.boot();
    await tick(10);
    const sessions = server.requests.filter((r) => r.path === "/api/v1/widget/sessions");
    expect(sessions.map((s) => (s.body as { visitor_token?: string }).visitor_token)).toEqual(["stv_expired", undefined]);
    expect(localStorage.getItem("shoptalk:wk_test:visitor")).toBe("stv_visitor");
    const ev = server.requests.find((r) => r.path === "/api/v1/events")!;
    expect(ev.body).toMatchObject({ events: [{ name: "viewed_product", properties: { sku: "mug" } }] });
  });

  describe("language", () => {
    const localeRequests = () => server.requests.filter((r) => r.path.startsWith("/assets/")).map((r) => r.path);

    it("English is built in: nothing fetched, the launcher at once", async () => {
      browserLanguages(["sv-SE", "en-GB"]);
      c = createController({ baseUrl: "https://chat.example", widgetKey: "wk_test", WebSocketImpl: FakeWS });
      host = document.createElement("div");
      shadow = host.attachShadow({ mode: "open" });
      document.body.appendChild(host);
      render(<Widget c={c} />, shadow);
      expect($("st-launcher")!.getAttribute("aria-label")).toBe("Open chat");
      await c.boot();
      await tick();
      expect(c.lang.value).toBe("en");
      expect(localeRequests()).toEqual([]);
    });

    it("the browser's languages, in order, when neither the workspace nor the script names one", async () => {
      browserLanguages(["sv", "ja-JP", "fr"]);
      await mount("wk_test", null);
      expect(c.lang.value).toBe("ja");
      expect(localeRequests()).toEqual([`/${LOCALE_FILES.ja}`]);
      expect($("st-launcher")!.getAttribute("aria-label")).toBe(LOCALES["./locales/ja.json"].open_chat);
    });

    it("the script's data-locale before the browser's, fetched alongside the config", async () => {
      browserLanguages(["ja"]);
      await mount("wk_test", "fr-CA");
      expect(c.lang.value).toBe("fr");
      // One file, from the server's origin, asked for before the config came back.
      expect(server.requests.map((r) => r.path)).toEqual([
        "/assets/widget-i18n-fr-test.json",
        "/api/v1/widget/config?widget_key=wk_test",
      ]);
      expect(LOCALE_FILES.fr).toBe("assets/widget-i18n-fr-test.json");
      expect($("st-launcher")!.getAttribute("aria-label")).toBe("Ouvrir le chat");
      $("st-launcher")!.click();
      await tick(8);
      const panel = $("st-panel")!;
      expect(panel.getAttribute("lang")).toBe("fr");
      expect(panel.getAttribute("dir")).toBe("ltr");
      expect($("st-input")!.getAttribute("placeholder")).toBe("Écrivez un message…");
    });

    it("the workspace's locale before the script's and the browser's", async () => {
      browserLanguages(["es"]);
      server.config = { ...CONFIG, settings: { ...CONFIG.settings, locale: "de" } };
      await mount("wk_test", "fr");
      expect(c.lang.value).toBe("de");
      expect(localeRequests()).toEqual([`/${LOCALE_FILES.fr}`, `/${LOCALE_FILES.de}`]);
      expect($("st-launcher")!.getAttribute("aria-label")).toBe("Chat öffnen");
    });

    it("waits for the file before showing the launcher, and the panel opens in the language", async () => {
      let release!: () => void;
      server.localeGate = new Promise<void>((r) => (release = r));
      c = createController({ baseUrl: "https://chat.example", widgetKey: "wk_test", locale: "ar", WebSocketImpl: FakeWS });
      host = document.createElement("div");
      shadow = host.attachShadow({ mode: "open" });
      document.body.appendChild(host);
      render(<Widget c={c} />, shadow);
      const booted = c.boot();
      c.open(); // e.g. Shoptalk.open() from the page, before the text is here
      await tick(8);
      expect($("st-launcher")).toBeNull();
      expect($("st-panel")).toBeNull();
      release();
      await booted;
      await tick(8);
      const panel = $("st-panel")!;
      expect(panel.getAttribute("dir")).toBe("rtl");
      expect(panel.getAttribute("lang")).toBe("ar");
      expect($("st-input")!.getAttribute("placeholder")).toBe(LOCALES["./locales/ar.json"].placeholder);
      expect($("st-launcher")!.getAttribute("aria-label")).toBe(LOCALES["./locales/ar.json"].close);
    });

    it("a panel opened before the workspace's locale is known switches to it in place", async () => {
      browserLanguages(["es"]);
      let release!: () => void;
      server.configGate = new Promise<void>((r) => (release = r));
      server.config = { ...CONFIG, settings: { ...CONFIG.settings, locale: "it" } };
      c = createController({ baseUrl: "https://chat.example", widgetKey: "wk_test", WebSocketImpl: FakeWS });
      host = document.createElement("div");
      shadow = host.attachShadow({ mode: "open" });
      document.body.appendChild(host);
      render(<Widget c={c} />, shadow);
      const booted = c.boot();
      await tick(8);
      $("st-launcher")!.click();
      await tick(8);
      const panel = $("st-panel")!;
      expect(panel.getAttribute("lang")).toBe("es");
      release();
      await booted;
      await tick(8);
      expect($("st-panel")).toBe(panel);
      expect(panel.getAttribute("lang")).toBe("it");
      expect($("st-input")!.getAttribute("placeholder")).toBe(LOCALES["./locales/it.json"].placeholder);
    });

    it("falls back to English when the file cannot be had", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      server.localeStatus = 404;
      await mount("wk_test", "ar");
      expect(localeRequests()).toEqual([`/${LOCALE_FILES.ar}`]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(c.lang.value).toBe("en");
      expect($("st-launcher")!.getAttribute("aria-label")).toBe("Open chat");
      $("st-launcher")!.click();
      await tick(8);
      expect($("st-panel")!.getAttribute("dir")).toBe("ltr");
      expect($("st-panel")!.textContent).toContain("We typically reply in a few minutes");
    });

    it("falls back to English when the network fails", async () => {
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      const real = fetch;
      vi.stubGlobal("fetch", async (url: string, init?: RequestInit) => {
        if (url.includes("/assets/")) throw new TypeError("Failed to fetch");
        return real(url, init);
      });
      await mount("wk_test", "pl");
      expect(warn).toHaveBeenCalledTimes(1);
      expect(c.lang.value).toBe("en");
      expect($("st-launcher")!.getAttribute("aria-label")).toBe("Open chat");
    });
  });
});
