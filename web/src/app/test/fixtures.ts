import type { Cart, Conversation, Message, Order, Product, ReturnRequest } from "../../shared/types";

export function conv(id: string, at: string, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    workspace_id: "w",
    contact_id: "ct-" + id,
    channel: "web",
    status: "open",
    snoozed_until: null,
    assignee_id: null,
    labels: [],
    last_seq: 1,
    last_message_preview: "hi",
    last_message_at: at,
    unread_by_agent: 0,
    unread_by_contact: 0,
    contact_delivered_seq: 0,
    contact_read_seq: 0,
    agent_read_seq: 0,
    created_at: at,
    updated_at: at,
    ...extra,
  };
}

export function msg(conversation_id: string, seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `${conversation_id}-${seq}`,
    conversation_id,
    seq,
    sender: { type: "contact", id: "ct" },
    content: { type: "text", text: `m${seq}` },
    private: false,
    client_msg_id: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(),
    ...extra,
  };
}

const AT = "2026-01-01T10:00:00Z";

export function product(id: string, extra: Partial<Product> = {}): Product {
  return {
    id,
    workspace_id: "w",
    title: `Product ${id}`,
    tags: [],
    images: [`https://cdn.example/${id}.jpg`],
    currency: "EUR",
    localized: {},
    variants: [{ id: `${id}-v1`, title: "Default", options: {}, price_minor: 1250, inventory: 7 }],
    created_at: AT,
    updated_at: AT,
    ...extra,
  };
}

export function cart(extra: Partial<Cart> = {}): Cart {
  return {
    id: "cart-1",
    workspace_id: "w",
    contact_id: "ct-1",
    status: "active",
    currency: "EUR",
    items: [
      { product_id: "p1", variant_id: "p1-v1", title: "Mug", quantity: 2, unit_price_minor: 1250 },
      { variant_id: "shopify-77", title: "Tea", quantity: 1, unit_price_minor: 500 },
    ],
    subtotal_minor: 3000,
    version: 3,
    created_at: AT,
    updated_at: AT,
    ...extra,
  };
}

export function order(extra: Partial<Order> = {}): Order {
  return {
    id: "order-1",
    workspace_id: "w",
    contact_id: "ct-1",
    number: "1001",
    status: "paid",
    currency: "EUR",
    lines: [
      { id: "l1", product_id: "p1", title: "Mug", quantity: 2, unit_price_minor: 1250 },
      { id: "l2", title: "Tea", quantity: 1, unit_price_minor: 500 },
    ],
    subtotal_minor: 3000,
    shipping_minor: 490,
    tax_minor: 0,
    discount_minor: 0,
    total_minor: 3490,
    refunded_minor: 0,
    fulfilments: [],
    refunds: [],
    timeline: [{ kind: "placed", summary: "Placed", by: "contact:ct-1", at: AT }],
    version: 1,
    created_at: AT,
    updated_at: AT,
    ...extra,
  };
}

export function returnRequest(extra: Partial<ReturnRequest> = {}): ReturnRequest {
  return {
    id: "ret-1",
    workspace_id: "w",
    order_id: "order-1",
    contact_id: "ct-1",
    status: "requested",
    lines: { l1: 1 },
    reason: "Arrived broken",
    photos: [],
    timeline: [],
    version: 1,
    created_at: AT,
    updated_at: AT,
    ...extra,
  };
}
