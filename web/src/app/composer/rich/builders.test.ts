import { describe, expect, it } from "vitest";
import type { Content } from "../../../shared/types";
import { LIMITS } from "../../../shared/types";
import {
  buildButtons,
  buildCarousel,
  buildForm,
  buildList,
  buildPayment,
  buildProduct,
  buildText,
  emptyButton,
  emptyCard,
  fieldName,
  splitTitle,
  type Built,
} from "./builders";
import { toMinor, urlProblem } from "./validate";

function ok(b: Built): Content {
  if (!b.ok) throw new Error("expected ok, got: " + b.problems.join(" | "));
  return b.content;
}
function problems(b: Built): string[] {
  if (b.ok) throw new Error("expected problems");
  return b.problems;
}

describe("buttons", () => {
  it("builds a text with quick replies from short reply buttons", () => {
    const c = ok(
      buildButtons({
        text: "Which size?",
        buttons: [{ label: "Small", kind: "postback", value: "" }, { label: "Large", kind: "postback", value: "size-l" }, emptyButton()],
      }),
    );
    expect(c).toEqual({
      type: "text",
      text: "Which size?",
      quick_replies: [
        { type: "reply", text: "Small" },
        { type: "reply", text: "Large", payload: "size-l" },
      ],
    });
  });

  it("builds a one-card carousel with postback and link actions, skipping empty rows", () => {
    const c = ok(
      buildButtons({
        text: "Which size?",
        buttons: [
          { label: "Small", kind: "postback", value: "" },
          { label: "Guide", kind: "link", value: "https://shop.example/sizes" },
          emptyButton(),
        ],
      }),
    );
    expect(c).toEqual({
      type: "carousel",
      cards: [
        {
          title: "Which size?",
          actions: [
            { type: "postback", text: "Small", payload: "Small" },
            { type: "link", text: "Guide", url: "https://shop.example/sizes" },
          ],
        },
      ],
    });
  });

  it("refuses missing text, no buttons, long labels and bad links", () => {
    expect(problems(buildButtons({ text: "", buttons: [emptyButton()] }))).toEqual(["Text is required.", "Add at least one button."]);
    expect(problems(buildButtons({ text: "x", buttons: [{ label: "y".repeat(41), kind: "postback", value: "" }] }))[0]).toMatch(/at most 40/);
    expect(problems(buildButtons({ text: "", buttons: [{ label: "ok", kind: "postback", value: "" }] }))).toEqual(["Text is required."]);
    expect(problems(buildButtons({ text: "x", buttons: [{ label: "Go", kind: "link", value: "javascript:alert(1)" }] }))[0]).toMatch(/https/);
  });

  it("splits long text into title and description within limits", () => {
    const text = "word ".repeat(40).trim();
    const [title, desc] = splitTitle(text);
    expect([...title].length).toBeLessThanOrEqual(LIMITS.TITLE_MAX_CHARS);
    expect(desc).toBeTruthy();
    const c = ok(buildButtons({ text, buttons: [{ label: "OK", kind: "link", value: "https://shop.example" }] }));
    expect(c.type === "carousel" && c.cards[0].description).toBeTruthy();
  });
});

describe("carousel", () => {
  it("builds cards with optional image and actions", () => {
    const c = ok(buildCarousel([{ ...emptyCard(), title: "Sneaker", description: "Blue", imageUrl: "https://cdn.example/a.jpg" }]));
    expect(c).toEqual({ type: "carousel", cards: [{ title: "Sneaker", description: "Blue", media: { url: "https://cdn.example/a.jpg" } }] });
  });

  it("enforces 1–10 cards and 3 actions per card", () => {
    expect(problems(buildCarousel([]))[0]).toMatch(/at least 1/);
    const many = Array.from({ length: 11 }, (_, i) => ({ ...emptyCard(), title: `C${i}` }));
    expect(problems(buildCarousel(many))[0]).toMatch(/At most 10/);
    const four = Array.from({ length: 4 }, (_, i) => ({ label: `B${i}`, kind: "postback" as const, value: "" }));
    expect(problems(buildCarousel([{ ...emptyCard(), title: "T", buttons: four }]))[0]).toMatch(/at most 3 buttons/);
  });
});

describe("list", () => {
  it("builds sections with unique row ids", () => {
    const c = ok(
      buildList({
        title: "Stores",
        body: "Pick a store",
        button: "Stores",
        sections: [
          { title: "North", rows: [{ title: "Oslo", description: "" }, { title: "Bergen", description: "West" }] },
          { title: "", rows: [{ title: "Rome", description: "" }] },
        ],
      }),
    );
    expect(c.type).toBe("list");
    if (c.type !== "list") return;
    const rowIds = c.sections.flatMap((s) => s.rows.map((r) => r.id));
    expect(new Set(rowIds).size).toBe(3);
    expect(c.sections[1].title).toBeUndefined();
  });

  it("refuses more than 10 rows and long row titles", () => {
    const rows = Array.from({ length: 11 }, (_, i) => ({ title: `R${i}`, description: "" }));
    expect(problems(buildList({ title: "", body: "b", button: "Go", sections: [{ title: "", rows }] })).join()).toMatch(/at most 10 rows/);
    expect(problems(buildList({ title: "", body: "b", button: "Go", sections: [{ title: "", rows: [{ title: "x".repeat(25), description: "" }] }] }))[0]).toMatch(/24/);
  });
});

describe("form", () => {
  it("derives unique field names and select options", () => {
    const c = ok(
      buildForm({
        title: "Return",
        submitLabel: "Send",
        fields: [
          { label: "E-mail", kind: "email", required: true, options: "" },
          { label: "E mail", kind: "text", required: false, options: "" },
          { label: "Reason", kind: "select", required: true, options: "Too big\n\nToo small\n" },
        ],
      }),
    );
    expect(c).toEqual({
      type: "form",
      title: "Return",
      submit_label: "Send",
      fields: [
        { name: "e_mail", label: "E-mail", kind: "email", required: true },
        { name: "e_mail_2", label: "E mail", kind: "text" },
        { name: "reason", label: "Reason", kind: "select", required: true, options: ["Too big", "Too small"] },
      ],
    });
    expect(fieldName("Ça va?")).toBe("ca_va");
  });

  it("needs a field and options for selects", () => {
    expect(problems(buildForm({ title: "", submitLabel: "", fields: [] }))[0]).toMatch(/at least 1 fields/);
    expect(problems(buildForm({ title: "", submitLabel: "", fields: [{ label: "Size", kind: "select", required: false, options: "" }] }))[0]).toMatch(/options/);
  });
});

describe("product and payment", () => {
  it("builds a product card with prices in minor units", () => {
    const c = ok(
      buildProduct({
        productId: "sku-1",
        title: "Sneaker",
        price: "79.90",
        compareAt: "99",
        currency: "eur",
        stock: "3",
        imageUrl: "https://cdn.example/s.jpg",
        url: "https://shop.example/s",
        buttons: [{ label: "View", kind: "link", value: "https://shop.example/s" }],
      }),
    );
    expect(c).toEqual({
      type: "product",
      product_id: "sku-1",
      title: "Sneaker",
      price: { amount_minor: 7990, currency: "EUR" },
      compare_at_price: { amount_minor: 9900, currency: "EUR" },
      stock: 3,
      image_url: "https://cdn.example/s.jpg",
      url: "https://shop.example/s",
      actions: [{ type: "link", text: "View", url: "https://shop.example/s" }],
    });
  });

  it("builds a payment request and refuses zero amounts and bad currencies", () => {
    expect(ok(buildPayment({ amount: "49", currency: "USD", description: "Order #12", orderId: "12", payUrl: "" }))).toEqual({
      type: "payment_request",
      amount_minor: 4900,
      currency: "USD",
      description: "Order #12",
      order_id: "12",
    });
    const p = problems(buildPayment({ amount: "0", currency: "EURO", description: "", orderId: "", payUrl: "ftp://x" }));
    expect(p.length).toBe(4);
  });

  it("converts amounts per currency", () => {
    expect(toMinor("12.5", "EUR")).toBe(1250);
    expect(toMinor("12,05", "EUR")).toBe(1205);
    expect(toMinor("1200", "JPY")).toBe(1200);
    expect(toMinor("12.345", "EUR")).toBeNull();
    expect(toMinor("-1", "EUR")).toBeNull();
  });

  it("checks URLs like the server", () => {
    expect(urlProblem("https://a.example/x")).toBeNull();
    expect(urlProblem("https://user:pw@a.example")).toMatch(/password/);
    expect(urlProblem("data:text/html,hi")).toMatch(/https/);
    expect(urlProblem("https://a.example/ x")).toMatch(/spaces/);
  });
});

describe("text", () => {
  it("adds quick replies as reply actions", () => {
    expect(ok(buildText("Size?", ["S", "M"]))).toEqual({
      type: "text",
      text: "Size?",
      quick_replies: [
        { type: "reply", text: "S" },
        { type: "reply", text: "M" },
      ],
    });
  });

  it("refuses over-long texts and too many quick replies", () => {
    expect(problems(buildText("x".repeat(LIMITS.TEXT_MAX_CHARS + 1), []))[0]).toMatch(/too long/);
    expect(ok(buildText("😀".repeat(LIMITS.TEXT_MAX_CHARS), [])).type).toBe("text");
    expect(problems(buildText("hi", Array(14).fill("a")))[0]).toMatch(/13/);
    expect(problems(buildText("   ", []))[0]).toMatch(/Write/);
  });
});
