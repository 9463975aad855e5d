import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { ContentView, tEn, type RenderContext } from "./index";
import { safeUrl } from "../safeUrl";
import { currencyDigits, formatAmount, formatMoney, formatBytes } from "../format";
import type { Action, Content, Message } from "../types";

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

const HOSTILE = [
  "<script>window.__pwned=1</script>",
  "<img src=x onerror=\"window.__pwned=2\">",
  "javascript:window.__pwned=3",
  "JaVaScRiPt:window.__pwned=4",
  "\u0000javascript:window.__pwned=5",
  " javascript:window.__pwned=6",
  "java\tscript:window.__pwned=7",
  "data:text/html,<script>window.__pwned=8</script>",
  "<svg onload=\"window.__pwned=9\">",
  "\"><iframe src=javascript:window.__pwned=10>",
  "vbscript:msgbox(1)",
  "//evil.example/x",
  "/relative/path",
  "https://ok.example/\u0000javascript:",
  "blob:https://evil.example/abc",
];

const BAD_URLS = HOSTILE.filter((h) => !h.startsWith("<"));

function contents(h: string, url: string): Content[] {
  const media = { url, alt: h, media_id: undefined, mime_type: h };
  const act: Action[] = [
    { type: "link", text: h, url },
    { type: "webview", text: h, url },
    { type: "reply", text: h, payload: h },
  ];
  return [
    { type: "text", text: `${h} see ${url} and https://x.example/?q=${h}`, quick_replies: act },
    { type: "postback", text: h, payload: h },
    { type: "image", media, caption: h },
    { type: "video", media, caption: h },
    { type: "audio", media },
    { type: "file", media: { ...media, size_bytes: 1234 }, filename: h },
    { type: "location", latitude: 1, longitude: 2, name: h, address: h },
    { type: "carousel", cards: [{ title: h, description: h, media, actions: act }] },
    { type: "list", title: h, body: h, button: h, sections: [{ title: h, rows: [{ id: h, title: h, description: h }] }] },
    { type: "form", title: h, submit_label: h, fields: [{ name: h, label: h, kind: "select", options: [h] }, { name: "x", label: h, kind: "textarea" }] },
    { type: "form_response", values: { [h]: h } },
    { type: "product", product_id: h, title: h, image_url: url, url, price: { amount_minor: 100, currency: "EUR" }, actions: act },
    { type: "products", items: [{ product_id: h, title: h, image_url: url, url }] },
    { type: "cart", items: [{ product_id: h, title: h, quantity: 1, unit_price: { amount_minor: 5, currency: h } }], checkout_url: url, total: { amount_minor: 5, currency: h } },
    { type: "order", order_id: h, number: h, status: h, carrier: h, tracking_number: h, tracking_url: url },
    { type: "payment_request", amount_minor: 100, currency: h, description: h, pay_url: url },
  ];
}

let root: HTMLElement;
const opened: unknown[] = [];

function ctx(over: Partial<RenderContext> = {}): RenderContext {
  return {
    viewer: "contact",
    locale: "en",
    t: tEn,
    // A hostile media source too: it answers with whatever the ref says.
    mediaSrc: async (r) => r.url ?? null,
    onAction: (a) => void opened.push(a),
    ...over,
  };
}

async function show(c: Content, cx = ctx(), message?: Message) {
  await act(async () => {
    render(<ContentView content={c} ctx={cx} message={message} last />, root);
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}

function assertClean(el: Element) {
  expect(el.querySelectorAll("script,iframe,svg,object,embed,style,base,meta").length).toBe(0);
  for (const n of Array.from(el.querySelectorAll("*"))) {
    for (const a of Array.from(n.attributes)) {
      expect(a.name.startsWith("on"), `${n.tagName} has ${a.name}`).toBe(false);
      if (a.name === "href" || a.name === "src" || a.name === "action" || a.name === "formaction") {
        const ok = a.name === "src" ? /^(https?:|blob:https?:)/.test(a.value) : /^https?:/.test(a.value);
        expect(ok, `${n.tagName} ${a.name}=${a.value}`).toBe(true);
      }
    }
  }
}

beforeEach(() => {
  root = document.createElement("div");
  document.body.appendChild(root);
  delete window.__pwned;
  opened.length = 0;
});
afterEach(() => {
  render(null, root);
  root.remove();
});

describe("safeUrl", () => {
  it("allows http(s) only, blob for src only", () => {
    expect(safeUrl("https://a.example/x?y=1")).toBe("https://a.example/x?y=1");
    expect(safeUrl("HTTP://A.example")).toBe("http://a.example/");
    expect(safeUrl("blob:https://a.example/0b1c-22")).toBeNull();
    expect(safeUrl("blob:https://a.example/0b1c-22", { src: true })).toBe("blob:https://a.example/0b1c-22");
    for (const u of BAD_URLS.filter((u) => !u.startsWith("blob:"))) expect(safeUrl(u), u).toBeNull();
    for (const u of BAD_URLS.filter((u) => !u.startsWith("blob:"))) expect(safeUrl(u, { src: true }), u).toBeNull();
    expect(safeUrl(undefined)).toBeNull();
    expect(safeUrl({ toString: () => "https://x" })).toBeNull();
    expect(safeUrl("https://a.example/\u202ejs")).toBeNull();
  });
});

describe("XSS corpus", () => {
  for (const h of HOSTILE) {
    it(`renders every content type safely with ${JSON.stringify(h)}`, async () => {
      for (const url of [h, ...BAD_URLS]) {
        for (const c of contents(h, url)) {
          await show(c);
          const rootEl = root.firstElementChild!;
          expect(rootEl.getAttribute("data-content-type")).toBe(c.type);
          assertClean(root);
          // Open what can be opened (lists, lightboxes) and check again.
          for (const b of Array.from(root.querySelectorAll("button"))) {
            if (b.getAttribute("aria-expanded") !== null || b.classList.contains("ct-zoom")) {
              await act(async () => b.click());
            }
          }
          assertClean(root);
        }
      }
      expect(window.__pwned).toBeUndefined();
    });
  }

  it("the checker itself catches unsafe markup", () => {
    const d = document.createElement("div");
    d.innerHTML = '<a href="javascript:x">x</a>';
    expect(() => assertClean(d)).toThrow();
    d.innerHTML = '<span onclick="x"></span>';
    expect(() => assertClean(d)).toThrow();
    d.innerHTML = "<img src='data:image/png,x'>";
    expect(() => assertClean(d)).toThrow();
  });

  it("shows hostile text as text", async () => {
    await show({ type: "text", text: "<img src=x onerror=alert(1)> & <b>bold</b>" });
    expect(root.querySelector("img,b")).toBeNull();
    expect(root.textContent).toContain("<img src=x onerror=alert(1)> & <b>bold</b>");
  });
});

describe("prices", () => {
  const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");
  it("take the currency's ISO digits, not the locale's", () => {
    expect(currencyDigits("EUR")).toBe(2);
    expect(currencyDigits("jpy")).toBe(0);
    expect(currencyDigits("KWD")).toBe(3);
    expect(currencyDigits("IDR")).toBe(2); // CLDR shows none
    expect(currencyDigits("<b>")).toBe(2);
    expect(formatAmount(1250, "EUR", "en-US")).toBe("€12.50");
    expect(nbsp(formatAmount(1250, "EUR", "de-DE"))).toBe("12,50 €");
    expect(nbsp(formatAmount(123456789, "EUR", "fr-FR"))).toBe("1 234 567,89 €");
    expect(formatAmount(1999, "JPY", "en-US")).toBe("¥1,999");
    expect(formatAmount(1999, "JPY", "ja-JP")).toMatch(/^[¥￥]1,999$/);
    expect(nbsp(formatAmount(12345, "KWD", "en-US"))).toBe("KWD 12.345");
    expect(formatAmount(-1200, "USD", "en-US")).toBe("-$12.00");
    // Whole amounts look as the locale writes them; a fraction is never rounded away.
    expect(nbsp(formatAmount(1000000, "IDR", "en-US"))).toBe("IDR 10,000");
    expect(nbsp(formatAmount(1000050, "IDR", "en-US"))).toBe("IDR 10,000.50");
    expect(nbsp(formatAmount(1000, "IQD", "en-US"))).toBe("IQD 1");
    // What Intl does not know is shown as the number and the code, never thrown.
    expect(formatAmount(1250, "<script>", "en-US")).toBe("12.50 <script>");
    expect(formatAmount(1250, "EUR", "not a locale!")).toBe("12.50 EUR");
    expect(formatMoney(undefined, "en")).toBe("");
    expect(formatMoney({ amount_minor: NaN, currency: "EUR" }, "en")).toBe("");
  });
});

describe("rendering", () => {
  it("auto-links http(s) URLs only, opening a new tab", async () => {
    await show({ type: "text", text: "Go to https://shop.example/p?id=1. Not javascript:alert(1) or www.x.com\nline 2" });
    const links = root.querySelectorAll("a");
    expect(links.length).toBe(1);
    expect(links[0].getAttribute("href")).toBe("https://shop.example/p?id=1");
    expect(links[0].getAttribute("target")).toBe("_blank");
    expect(links[0].getAttribute("rel")).toBe("noopener noreferrer nofollow");
    expect(root.textContent).toContain("\nline 2");
  });

  it("prices products from minor units with the currency's digits, and stock states", async () => {
    expect(formatMoney({ amount_minor: 1999, currency: "USD" }, "en-US")).toBe("$19.99");
    expect(formatMoney({ amount_minor: 1999, currency: "JPY" }, "en-US")).toBe("¥1,999");
    expect(formatMoney({ amount_minor: 12345, currency: "KWD" }, "en-US")).toContain("12.345");
    expect(formatBytes(2048)).toBe("2.0 KB");

    await show({ type: "product", product_id: "p1", title: "Mug", price: { amount_minor: 1250, currency: "EUR" }, compare_at_price: { amount_minor: 1500, currency: "EUR" }, stock: 3 });
    expect(root.querySelector(".ct-price")!.textContent).toContain("€12.50");
    expect(root.querySelector(".ct-price s")!.textContent).toBe("€15.00");
    expect(root.textContent).toContain("Only 3 left");
    const add = root.querySelector<HTMLButtonElement>('[data-action-type="add_to_cart"]')!;
    expect(add.disabled).toBe(false);
    add.click();
    expect(opened[0]).toMatchObject({ type: "add_to_cart", product_id: "p1" });

    await show({ type: "product", product_id: "p2", title: "Gone", stock: 0 });
    expect(root.textContent).toContain("Sold out");
    expect(root.querySelector<HTMLButtonElement>('[data-action-type="add_to_cart"]')!.disabled).toBe(true);
    expect(root.querySelector<HTMLButtonElement>('[data-action-type="buy"]')!.disabled).toBe(true);
    await show({ type: "product", product_id: "p3", title: "Many", stock: 50 });
    expect(root.textContent).toContain("In stock");
  });

  it("quick replies and buttons call onAction; links never navigate the page", async () => {
    const qr: Action[] = [{ type: "reply", text: "Yes" }, { type: "postback", text: "No", payload: "NO" }];
    await show({ type: "text", text: "Ok?", quick_replies: qr });
    const chips = root.querySelectorAll<HTMLButtonElement>(".ct-chip");
    expect(chips.length).toBe(2);
    chips[1].click();
    expect(opened).toEqual([qr[1]]);
    await act(async () => render(<ContentView content={{ type: "text", text: "Ok?", quick_replies: qr }} ctx={ctx()} />, root));
    // Not the last message: shown, but disabled.
    const old = root.querySelectorAll<HTMLButtonElement>(".ct-chip");
    expect(old.length).toBe(2);
    expect([...old].every((b) => b.disabled)).toBe(true);

    await show({ type: "carousel", cards: [{ title: "A", actions: [{ type: "link", text: "Site", url: "https://a.example" }, { type: "buy", text: "Buy", product_id: "x" }, { type: "location_request", text: "Where" }, { type: "reply", text: "4th" }] }] });
    const link = root.querySelector('[data-action-type="link"]')!;
    expect(link.tagName).toBe("A");
    expect(link.getAttribute("target")).toBe("_blank");
    expect(root.querySelectorAll("[data-action-type]").length).toBe(3);
  });

  it("list rows send a postback with the row id; forms submit their values once", async () => {
    await show({ type: "list", body: "Pick", button: "Options", sections: [{ title: "S", rows: [{ id: "r1", title: "Row 1" }] }] });
    await act(async () => root.querySelector<HTMLButtonElement>(".ct-list > .ct-btn")!.click());
    await act(async () => root.querySelector<HTMLButtonElement>(".ct-row")!.click());
    expect(opened[0]).toEqual({ type: "postback", text: "Row 1", payload: "r1" });

    const submitted: Record<string, string>[] = [];
    await show({ type: "form", fields: [{ name: "email", label: "Email", kind: "email", required: true }, { name: "size", label: "Size", kind: "select", options: ["S", "M"] }] }, ctx({ onFormSubmit: (v) => submitted.push(v) }));
    const labels = root.querySelectorAll("label");
    expect(labels[0].textContent).toContain("Email");
    const input = root.querySelector<HTMLInputElement>("#" + labels[0].getAttribute("for"))!;
    expect(input.type).toBe("email");
    expect(input.required).toBe(true);
    input.value = "a@b.example";
    root.querySelector<HTMLSelectElement>("select")!.value = "M";
    await act(async () => {
      root.querySelector("form")!.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
    });
    expect(submitted).toEqual([{ email: "a@b.example", size: "M" }]);
    expect(root.querySelector("fieldset")!.disabled).toBe(true);
  });

  it("images open a lightbox that Escape closes; media ids go through mediaSrc", async () => {
    const mediaSrc = vi.fn(async () => "blob:https://chat.example/1234-abcd");
    await show({ type: "image", media: { media_id: "m1", alt: "A mug" } }, ctx({ mediaSrc }));
    expect(mediaSrc).toHaveBeenCalledWith({ media_id: "m1", alt: "A mug" });
    const img = root.querySelector("img")!;
    expect(img.getAttribute("src")).toBe("blob:https://chat.example/1234-abcd");
    expect(img.getAttribute("alt")).toBe("A mug");
    await act(async () => root.querySelector<HTMLButtonElement>(".ct-zoom")!.click());
    const lb = root.querySelector(".ct-lb")!;
    expect(lb).not.toBeNull();
    await act(async () => {
      lb.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    expect(root.querySelector(".ct-lb")).toBeNull();
  });

  it("buttons whose action is a request show busy until it settles, then why it failed", async () => {
    let fail!: (e: unknown) => void;
    const onAction = vi.fn(() => new Promise<void>((_, reject) => (fail = reject)));
    await show({ type: "product", product_id: "p1", title: "Mug", stock: 9 }, ctx({ onAction }));
    const add = root.querySelector<HTMLButtonElement>('[data-action-type="add_to_cart"]')!;
    await act(async () => add.click());
    expect(add.getAttribute("aria-busy")).toBe("true");
    expect(add.classList.contains("ct-busy")).toBe(true);
    await act(async () => add.click());
    expect(onAction).toHaveBeenCalledTimes(1);
    await act(async () => fail(new Error("")));
    expect(add.getAttribute("aria-busy")).toBeNull();
    expect(root.querySelector("[role=alert]")!.textContent).toBe("Something went wrong");
    // Pressed again: the old error goes while it is busy.
    await act(async () => add.click());
    expect(root.querySelector("[role=alert]")).toBeNull();
  });

  it("a cart without the shop's checkout page offers a Checkout button (disabled for agents)", async () => {
    const c: Content = { type: "cart", cart_id: "c1", items: [{ product_id: "a", title: "Tea", quantity: 1, unit_price: { amount_minor: 300, currency: "USD" } }] };
    await show(c);
    const btn = root.querySelector<HTMLButtonElement>('button[data-action-type="checkout"]')!;
    expect(btn.textContent).toBe("Checkout");
    btn.click();
    expect(opened[0]).toEqual({ type: "checkout", text: "Checkout", cart_id: "c1" });
    await show(c, ctx({ viewer: "agent", disabled: true }));
    expect(root.querySelector<HTMLButtonElement>('button[data-action-type="checkout"]')!.disabled).toBe(true);
    await show({ type: "cart", items: [] });
    expect(root.querySelector('[data-action-type="checkout"]')).toBeNull();
  });

  it("orders, carts and payment requests", async () => {
    await show({ type: "order", order_id: "o1", number: "#1001", status: "shipped", carrier: "DHL", tracking_url: "https://track.example/1", total: { amount_minor: 4200, currency: "USD" } });
    expect(root.querySelector(".ct-badge")!.textContent).toBe("shipped");
    expect(root.querySelector(".ct-oh b")!.textContent).toBe("#1001");
    expect(root.querySelector("a")!.textContent).toBe("Track your order");
    await show({ type: "order", order_id: "o2", number: "1002", status: "paid" });
    expect(root.querySelector(".ct-oh b")!.textContent).toBe("#1002");
    // The wire's status names read as words; the name itself stays on the badge.
    await show({ type: "order", order_id: "o3", number: "1003", status: "partially_refunded" });
    expect(root.querySelector(".ct-badge")!.textContent).toBe("partially refunded");
    expect(root.querySelector(".ct-badge")!.getAttribute("data-status")).toBe("partially_refunded");
    await show({ type: "cart", items: [{ product_id: "a", title: "Tea", quantity: 2, unit_price: { amount_minor: 300, currency: "USD" } }], total: { amount_minor: 600, currency: "USD" }, checkout_url: "https://shop.example/c" });
    expect(root.textContent).toContain("$6.00");
    expect(root.querySelector('[data-action-type="checkout"]')!.getAttribute("href")).toBe("https://shop.example/c");
    await show({ type: "payment_request", amount_minor: 999, currency: "GBP", description: "Deposit", pay_url: "https://pay.example/x" });
    expect(root.textContent).toContain("£9.99");
    expect(root.querySelector("a")!.textContent).toBe("Pay");
  });
});
