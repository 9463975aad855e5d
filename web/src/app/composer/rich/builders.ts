// Builders of rich messages from the picker's drafts: each returns the Content to send, or
// the problems in words. The result is valid against the server's limits.
import type { Action, Card, Content, FormField, FormFieldKind, ListSection } from "../../../shared/types";
import { LIMITS } from "../../../shared/types";
import { chars, currencyProblem, MORE_LIMITS, Problems, toMinor } from "./validate";

export type Built = { ok: true; content: Content } | { ok: false; problems: string[] };

const done = (p: Problems, content: () => Content): Built => (p.ok ? { ok: true, content: content() } : { ok: false, problems: p.list });
const opt = (s: string | undefined): string | undefined => (s && s.trim() ? s.trim() : undefined);

// ------------------------------------------------------------------ buttons

export interface ButtonDraft {
  label: string;
  kind: "postback" | "link";
  /// Payload (postback) or URL (link).
  value: string;
}

export const emptyButton = (): ButtonDraft => ({ label: "", kind: "postback", value: "" });

function actionsOf(p: Problems, where: string, buttons: ButtonDraft[]): Action[] {
  const used = buttons.filter((b) => b.label.trim() || b.value.trim());
  if (used.length > LIMITS.CARD_ACTIONS_MAX) p.add(`${where}: at most ${LIMITS.CARD_ACTIONS_MAX} buttons.`);
  return used.map((b, i) => {
    const what = `${where} button ${i + 1}`;
    p.label(`${what} label`, b.label, LIMITS.ACTION_TEXT_MAX_CHARS);
    const text = b.label.trim();
    if (b.kind === "link") {
      p.url(`${what} link`, b.value.trim());
      return { type: "link", text, url: b.value.trim() };
    }
    const payload = b.value.trim() || text;
    p.id(`${what} payload`, payload);
    return { type: "postback", text, payload };
  });
}

export interface ButtonsDraft {
  text: string;
  buttons: ButtonDraft[];
}

/// Text with buttons. Reply buttons with short labels (≤ 20 characters) become a text message
/// with quick replies (`reply` actions, the payload kept); with a link or a longer label it is
/// a one-card carousel (quick replies may only be `reply` actions), whose title holds the text
/// up to 80 characters and the description the rest.
export function buildButtons(d: ButtonsDraft): Built {
  const used = d.buttons.filter((b) => b.label.trim() || b.value.trim());
  const asText =
    used.length > 0 &&
    used.length <= LIMITS.CARD_ACTIONS_MAX &&
    used.every((b) => b.kind === "postback" && chars(b.label.trim()) <= LIMITS.REPLY_TEXT_MAX_CHARS);
  if (asText) return buildTextButtons(d.text, used);
  const p = new Problems();
  const text = d.text.trim();
  if (!text) p.add("Text is required.");
  const max = LIMITS.TITLE_MAX_CHARS + LIMITS.DESCRIPTION_MAX_CHARS;
  if (chars(text) > max) p.add(`Text must be at most ${max} characters (now ${chars(text)}).`);
  const actions = actionsOf(p, "", d.buttons).map((a) => a);
  if (actions.length === 0) p.add("Add at least one button.");
  const [title, description] = splitTitle(text);
  p.text("Text", description ?? "", LIMITS.DESCRIPTION_MAX_CHARS);
  return done(p, () => ({ type: "carousel", cards: [{ title, ...(description ? { description } : {}), actions }] }));
}

/// Fits a text into a card: the title (≤ 80 characters, cut at a line end or word) and the rest.
export function splitTitle(text: string): [string, string | undefined] {
  const all = [...text];
  if (all.length <= LIMITS.TITLE_MAX_CHARS) return [text, undefined];
  const nl = text.indexOf("\n");
  if (nl > 0 && chars(text.slice(0, nl)) <= LIMITS.TITLE_MAX_CHARS) {
    return [text.slice(0, nl).trim(), text.slice(nl + 1).trim() || undefined];
  }
  const head = all.slice(0, LIMITS.TITLE_MAX_CHARS - 1).join("");
  const cut = head.lastIndexOf(" ");
  const title = (cut > 20 ? head.slice(0, cut) : head).trim() + "…";
  const rest = text.slice(cut > 20 ? cut : head.length).trim();
  return [title, "…" + rest];
}

function buildTextButtons(text: string, buttons: ButtonDraft[]): Built {
  const p = new Problems();
  if (!text.trim()) p.add("Text is required.");
  else p.text("Text", text, LIMITS.TEXT_MAX_CHARS);
  const replies = buttons.map((b, i) => {
    p.label(`Button ${i + 1} label`, b.label, LIMITS.REPLY_TEXT_MAX_CHARS);
    const payload = b.value.trim();
    if (payload) p.id(`Button ${i + 1} payload`, payload);
    return { type: "reply" as const, text: b.label.trim(), ...(payload ? { payload } : {}) };
  });
  return done(p, () => ({ type: "text", text: text.trim(), quick_replies: replies }));
}

// ------------------------------------------------------------------ carousel

export interface CardDraft {
  title: string;
  description: string;
  imageUrl: string;
  buttons: ButtonDraft[];
}

export const emptyCard = (): CardDraft => ({ title: "", description: "", imageUrl: "", buttons: [emptyButton()] });

export function buildCarousel(cards: CardDraft[]): Built {
  const p = new Problems();
  p.count("cards", cards.length, 1, LIMITS.CARDS_MAX);
  const out: Card[] = cards.map((c, i) => {
    const where = `Card ${i + 1}`;
    p.label(`${where} title`, c.title, LIMITS.TITLE_MAX_CHARS);
    p.text(`${where} description`, c.description, LIMITS.DESCRIPTION_MAX_CHARS);
    if (c.imageUrl.trim()) p.url(`${where} image URL`, c.imageUrl.trim());
    const actions = actionsOf(p, where, c.buttons);
    const card: Card = { title: c.title.trim() };
    if (opt(c.description)) card.description = c.description.trim();
    if (opt(c.imageUrl)) card.media = { url: c.imageUrl.trim() };
    if (actions.length) card.actions = actions;
    return card;
  });
  return done(p, () => ({ type: "carousel", cards: out }));
}

// ------------------------------------------------------------------ list

export interface ListDraft {
  title: string;
  body: string;
  button: string;
  sections: { title: string; rows: { title: string; description: string }[] }[];
}

export function buildList(d: ListDraft): Built {
  const p = new Problems();
  p.text("Title", d.title, LIMITS.TITLE_MAX_CHARS);
  p.label("Body", d.body, MORE_LIMITS.LIST_BODY_MAX_CHARS);
  p.label("Button", d.button, LIMITS.BUTTON_MAX_CHARS);
  p.count("sections", d.sections.length, 1, MORE_LIMITS.LIST_SECTIONS_MAX);
  let n = 0;
  const sections: ListSection[] = d.sections.map((s, si) => {
    const where = d.sections.length > 1 ? `Section ${si + 1}` : "List";
    p.text(`${where} title`, s.title, MORE_LIMITS.LIST_SECTION_TITLE_MAX_CHARS);
    const rows = s.rows.filter((r) => r.title.trim() || r.description.trim());
    if (rows.length === 0) p.add(`${where}: add at least one row.`);
    const section: ListSection = {
      rows: rows.map((r, ri) => {
        n++;
        p.label(`${where} row ${ri + 1} title`, r.title, MORE_LIMITS.LIST_ROW_TITLE_MAX_CHARS);
        p.text(`${where} row ${ri + 1} description`, r.description, MORE_LIMITS.LIST_ROW_DESCRIPTION_MAX_CHARS);
        return { id: `row-${n}`, title: r.title.trim(), ...(opt(r.description) ? { description: r.description.trim() } : {}) };
      }),
    };
    if (opt(s.title)) section.title = s.title.trim();
    return section;
  });
  if (n > MORE_LIMITS.LIST_ROWS_MAX) p.add(`A list holds at most ${MORE_LIMITS.LIST_ROWS_MAX} rows in total (now ${n}).`);
  return done(p, () => ({
    type: "list",
    ...(opt(d.title) ? { title: d.title.trim() } : {}),
    body: d.body.trim(),
    button: d.button.trim(),
    sections,
  }));
}

// ------------------------------------------------------------------ form

export interface FieldDraft {
  label: string;
  kind: FormFieldKind;
  required: boolean;
  /// One option per line (select fields).
  options: string;
}

/// "Your e-mail address" → "your_e_mail_address".
export function fieldName(label: string): string {
  const base = label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 40);
  return base || "field";
}

export function buildForm(d: { title: string; submitLabel: string; fields: FieldDraft[] }): Built {
  const p = new Problems();
  if (opt(d.title)) p.label("Title", d.title, LIMITS.TITLE_MAX_CHARS);
  if (opt(d.submitLabel)) p.label("Submit label", d.submitLabel, LIMITS.BUTTON_MAX_CHARS);
  const used = d.fields.filter((f) => f.label.trim());
  p.count("fields", used.length, 1, MORE_LIMITS.FORM_FIELDS_MAX);
  const names = new Set<string>();
  const fields: FormField[] = used.map((f, i) => {
    const where = `Field ${i + 1}`;
    p.label(`${where} label`, f.label, LIMITS.TITLE_MAX_CHARS);
    let name = fieldName(f.label);
    for (let k = 2; names.has(name); k++) name = `${fieldName(f.label)}_${k}`;
    names.add(name);
    const field: FormField = { name, label: f.label.trim(), kind: f.kind };
    if (f.required) field.required = true;
    if (f.kind === "select") {
      const options = f.options
        .split("\n")
        .map((o) => o.trim())
        .filter(Boolean);
      p.count(`options for ${where.toLowerCase()}`, options.length, 1, MORE_LIMITS.FORM_OPTIONS_MAX);
      options.forEach((o) => p.text(`${where} option`, o, LIMITS.TITLE_MAX_CHARS));
      field.options = options;
    }
    return field;
  });
  return done(p, () => ({
    type: "form",
    ...(opt(d.title) ? { title: d.title.trim() } : {}),
    fields,
    ...(opt(d.submitLabel) ? { submit_label: d.submitLabel.trim() } : {}),
  }));
}

// ------------------------------------------------------------------ product

export interface ProductDraft {
  productId: string;
  title: string;
  price: string;
  compareAt: string;
  currency: string;
  stock: string;
  imageUrl: string;
  url: string;
  buttons: ButtonDraft[];
}

export function buildProduct(d: ProductDraft): Built {
  const p = new Problems();
  p.id("Product id", d.productId.trim());
  if (opt(d.title)) p.label("Title", d.title, LIMITS.TITLE_MAX_CHARS);
  const currency = d.currency.trim().toUpperCase();
  let price: number | null = null;
  let compare: number | null = null;
  if (opt(d.price) || opt(d.compareAt)) {
    const cp = currencyProblem(currency);
    if (cp) p.add(cp);
  }
  if (opt(d.price)) {
    price = toMinor(d.price, currency);
    if (price === null) p.add("Price must be an amount such as 19.90.");
  }
  if (opt(d.compareAt)) {
    compare = toMinor(d.compareAt, currency);
    if (compare === null) p.add("Compare-at price must be an amount such as 24.90.");
  }
  let stock: number | undefined;
  if (opt(d.stock)) {
    stock = Number(d.stock);
    if (!Number.isInteger(stock) || stock < 0) p.add("Stock must be a whole number, 0 or more.");
  }
  if (opt(d.imageUrl)) p.url("Image URL", d.imageUrl.trim());
  if (opt(d.url)) p.url("Product URL", d.url.trim());
  const actions = actionsOf(p, "Product", d.buttons);
  return done(p, () => ({
    type: "product",
    product_id: d.productId.trim(),
    ...(opt(d.title) ? { title: d.title.trim() } : {}),
    ...(price !== null ? { price: { amount_minor: price, currency } } : {}),
    ...(compare !== null ? { compare_at_price: { amount_minor: compare, currency } } : {}),
    ...(stock !== undefined ? { stock } : {}),
    ...(opt(d.imageUrl) ? { image_url: d.imageUrl.trim() } : {}),
    ...(opt(d.url) ? { url: d.url.trim() } : {}),
    ...(actions.length ? { actions } : {}),
  }));
}

// ------------------------------------------------------------------ payment request

export interface PaymentDraft {
  amount: string;
  currency: string;
  description: string;
  orderId: string;
  payUrl: string;
}

export function buildPayment(d: PaymentDraft): Built {
  const p = new Problems();
  const currency = d.currency.trim().toUpperCase();
  const cp = currencyProblem(currency);
  if (cp) p.add(cp);
  const minor = toMinor(d.amount, currency);
  if (minor === null || minor <= 0) p.add("Amount must be more than zero, such as 49.00.");
  p.label("Description", d.description, LIMITS.DESCRIPTION_MAX_CHARS);
  if (opt(d.orderId)) p.id("Order id", d.orderId.trim());
  if (opt(d.payUrl)) p.url("Payment link", d.payUrl.trim());
  return done(p, () => ({
    type: "payment_request",
    amount_minor: minor ?? 0,
    currency,
    description: d.description.trim(),
    ...(opt(d.orderId) ? { order_id: d.orderId.trim() } : {}),
    ...(opt(d.payUrl) ? { pay_url: d.payUrl.trim() } : {}),
  }));
}

// ------------------------------------------------------------------ text (composer)

/// The composer's text with optional quick replies.
export function buildText(text: string, quickReplies: string[]): Built {
  const p = new Problems();
  if (!text.trim()) p.add("Write a message first.");
  else if (chars(text) > LIMITS.TEXT_MAX_CHARS)
    p.add(`The message is too long: ${chars(text)} characters, at most ${LIMITS.TEXT_MAX_CHARS}.`);
  else p.text("The message", text, LIMITS.TEXT_MAX_CHARS);
  if (quickReplies.length > LIMITS.QUICK_REPLIES_MAX) p.add(`At most ${LIMITS.QUICK_REPLIES_MAX} quick replies.`);
  quickReplies.forEach((q, i) => p.label(`Quick reply ${i + 1}`, q, LIMITS.REPLY_TEXT_MAX_CHARS));
  return done(p, () => ({
    type: "text",
    text,
    ...(quickReplies.length ? { quick_replies: quickReplies.map((q) => ({ type: "reply" as const, text: q.trim() })) } : {}),
  }));
}
