// Messages built from the shop's records: catalog products as product cards, the contact's
// cart as a cart card, and the body of a "send payment link" request. Pure, so tested alone.
import { safeUrl } from "../../../shared/safeUrl";
import { LIMITS, type Cart, type CartLine, type Content, type NewPayment, type Order, type Product, type ProductRef, type Variant } from "../../../shared/types";
import { chars, currencyProblem, Problems, toMinor } from "../rich/validate";

/// At most this many products in one message (a carousel).
export const PICK_MAX = LIMITS.CARDS_MAX;

/// Cuts a title to the content limit, marking the cut.
function fitTitle(title: string): string {
  return chars(title) <= LIMITS.TITLE_MAX_CHARS ? title : [...title].slice(0, LIMITS.TITLE_MAX_CHARS - 1).join("") + "…";
}

/// The variant named, else the first one a customer can buy (else the first).
export function variantOf(p: Product, variantId?: string): Variant | undefined {
  return p.variants.find((v) => v.id === variantId) ?? p.variants.find((v) => stockOf(v) !== 0) ?? p.variants[0];
}

/// Units of a variant a customer can buy: undefined when stock is not tracked.
export function stockOf(v: Variant | undefined): number | undefined {
  return v?.inventory === undefined || v.inventory === null ? undefined : Math.max(0, v.inventory);
}

/// "T-shirt — M / blue" when the product has several variants.
export function productTitle(p: Product, v: Variant | undefined): string {
  return p.variants.length > 1 && v?.title ? `${p.title} — ${v.title}` : p.title;
}

/// A catalog product (one variant of it) as a message's product: price, stock and picture of
/// the variant. No actions: the customer's widget shows "Add to cart" and "Buy now" in the
/// customer's own language (and disables them when sold out).
export function productRef(p: Product, variantId?: string): ProductRef {
  const v = variantOf(p, variantId);
  const ref: ProductRef = { product_id: p.id, title: fitTitle(productTitle(p, v)) };
  if (v) {
    ref.variant_id = v.id;
    ref.price = { amount_minor: v.price_minor, currency: p.currency };
    if (v.compare_at_minor && v.compare_at_minor > v.price_minor) {
      ref.compare_at_price = { amount_minor: v.compare_at_minor, currency: p.currency };
    }
    const stock = stockOf(v);
    if (stock !== undefined) ref.stock = stock;
  }
  const image = safeUrl(v?.image_url) ?? safeUrl(p.images[0]);
  if (image) ref.image_url = image;
  const url = safeUrl(p.url);
  if (url) ref.url = url;
  return ref;
}

/// One product: a product card; several: a carousel of them (`products`).
export function productsMessage(refs: ProductRef[]): Content | null {
  if (!refs.length) return null;
  if (refs.length === 1) return { type: "product", ...refs[0] };
  return { type: "products", items: refs.slice(0, PICK_MAX) };
}

/// The contact's cart as a cart card, or null when it holds nothing.
export function cartMessage(cart: Cart): Content | null {
  const items: CartLine[] = cart.items.slice(0, 50).map((i) => ({
    // Lines of carts ingested from the shop may lack a catalog product: the variant names them.
    product_id: i.product_id ?? i.variant_id,
    ...(i.variant_id ? { variant_id: i.variant_id } : {}),
    title: fitTitle(i.title),
    quantity: i.quantity,
    unit_price: { amount_minor: i.unit_price_minor, currency: cart.currency },
  }));
  if (!items.length) return null;
  const checkout = safeUrl(cart.checkout_url);
  return {
    type: "cart",
    cart_id: cart.id,
    items,
    total: { amount_minor: cart.subtotal_minor, currency: cart.currency },
    ...(checkout ? { checkout_url: checkout } : {}),
  };
}

// ------------------------------------------------------------------ payment links

export type PaymentFor = "cart" | "order" | "amount";

export interface PaymentDraft {
  for: PaymentFor;
  orderId: string;
  amount: string;
  currency: string;
  description: string;
}

/// Orders a pay link makes sense for: placed, not paid yet.
export const payableOrders = (orders: Order[]): Order[] => orders.filter((o) => o.status === "placed");

export type PaymentBody = { ok: true; body: NewPayment } | { ok: false; problems: string[] };

/// The body of `POST /payments` for a draft, sent to the conversation as a payment request.
export function paymentBody(
  d: PaymentDraft,
  where: { contactId: string; conversationId: string; cart: Cart | null },
): PaymentBody {
  const p = new Problems();
  const base: NewPayment = { contact_id: where.contactId, conversation_id: where.conversationId };
  const description = d.description.trim();
  p.text("Description", description, LIMITS.DESCRIPTION_MAX_CHARS);
  if (description) base.description = description;
  if (d.for === "cart") {
    if (!where.cart || !where.cart.items.length) p.add("The customer has no open cart.");
    else base.cart_id = where.cart.id;
  } else if (d.for === "order") {
    if (!d.orderId) p.add("Choose the order to be paid.");
    else base.order_id = d.orderId;
  } else {
    const currency = d.currency.trim().toUpperCase();
    const cp = currencyProblem(currency);
    if (cp) p.add(cp);
    const minor = toMinor(d.amount, currency);
    if (minor === null || minor <= 0) p.add("Amount must be more than zero, such as 49.00.");
    if (!description) p.add("Description is required: the customer sees what they pay for.");
    base.amount_minor = minor ?? 0;
    base.currency = currency;
  }
  return p.ok ? { ok: true, body: base } : { ok: false, problems: p.list };
}
