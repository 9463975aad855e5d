// Wire types of Shoptalk's REST API and WebSocket protocol, mirrored from the Rust crate
// `shoptalk-types` (model.rs, content.rs, frames.rs, commerce.rs). Keep the two in step.

export type Uuid = string;
export type Timestamp = string; // RFC 3339

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

export interface ErrorDetail {
  code: string;
  message: string;
  field?: string;
}

// ------------------------------------------------------------------ content

export interface Money {
  amount_minor: number;
  currency: string;
}

export interface MediaRef {
  media_id?: Uuid;
  url?: string;
  mime_type?: string;
  alt?: string;
  size_bytes?: number;
}

export type Action =
  | { type: "reply"; text: string; payload?: string }
  | { type: "postback"; text: string; payload: string }
  | { type: "link"; text: string; url: string }
  | { type: "add_to_cart"; text: string; product_id: string; variant_id?: string; quantity?: number }
  | { type: "buy"; text: string; product_id: string; variant_id?: string }
  | { type: "checkout"; text: string; cart_id?: string }
  | { type: "webview"; text: string; url: string; size?: "compact" | "tall" | "full" }
  | { type: "location_request"; text: string };

export interface Card {
  title: string;
  description?: string;
  media?: MediaRef;
  actions?: Action[];
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface ListSection {
  title?: string;
  rows: ListRow[];
}

export type FormFieldKind = "text" | "email" | "phone" | "number" | "select" | "textarea";

export interface FormField {
  name: string;
  label: string;
  kind: FormFieldKind;
  required?: boolean;
  options?: string[];
}

export interface ProductRef {
  product_id: string;
  variant_id?: string;
  title?: string;
  price?: Money;
  compare_at_price?: Money;
  /// Units in stock; absent when unknown. 0 means sold out.
  stock?: number;
  image_url?: string;
  url?: string;
  actions?: Action[];
}

export interface CartLine {
  product_id: string;
  variant_id?: string;
  title: string;
  quantity: number;
  unit_price: Money;
}

export type Content =
  | { type: "text"; text: string; quick_replies?: Action[] }
  | { type: "postback"; text: string; payload?: string; message_id?: Uuid }
  | { type: "image"; media: MediaRef; caption?: string }
  | { type: "video"; media: MediaRef; caption?: string }
  | { type: "audio"; media: MediaRef }
  | { type: "file"; media: MediaRef; filename?: string }
  | { type: "location"; latitude: number; longitude: number; name?: string; address?: string }
  | { type: "carousel"; cards: Card[] }
  | { type: "list"; title?: string; body: string; button: string; sections: ListSection[] }
  | { type: "form"; title?: string; fields: FormField[]; submit_label?: string }
  | { type: "form_response"; form_message_id?: Uuid; values: Record<string, string> }
  | ({ type: "product" } & ProductRef)
  | { type: "products"; items: ProductRef[] }
  | { type: "cart"; cart_id?: string; items: CartLine[]; total?: Money; checkout_url?: string }
  | {
      type: "order";
      order_id: string;
      number?: string;
      status: string;
      total?: Money;
      tracking_number?: string;
      tracking_url?: string;
      carrier?: string;
    }
  | {
      type: "payment_request";
      amount_minor: number;
      currency: string;
      description: string;
      order_id?: string;
      pay_url?: string;
    };

/// Per-field limits enforced by the server (content.rs `limits`); the UI refuses earlier.
export const LIMITS = {
  TEXT_MAX_CHARS: 4096,
  CAPTION_MAX_CHARS: 1024,
  TITLE_MAX_CHARS: 80,
  DESCRIPTION_MAX_CHARS: 300,
  BUTTON_MAX_CHARS: 20,
  REPLY_TEXT_MAX_CHARS: 20,
  ACTION_TEXT_MAX_CHARS: 40,
  QUICK_REPLIES_MAX: 13,
  CARDS_MAX: 10,
  CARD_ACTIONS_MAX: 3,
  URL_MAX_BYTES: 2048,
  MAX_UPLOAD_BYTES: 25 * 1024 * 1024,
} as const;

// ------------------------------------------------------------------ accounts

export type Role = "agent" | "admin" | "owner";
export type Scope = "read" | "write" | "admin";
export type PresenceStatus = "online" | "away" | "offline";

export interface Weekday {
  /// "mon" … "sun"
  day: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  /// "HH:MM", local to `BusinessHours.timezone`
  open: string;
  close: string;
}

export interface BusinessHours {
  timezone: string; // IANA
  days: Weekday[];
}

export interface WidgetSettings {
  color: string; // "#RRGGBB"
  logo_url?: string;
  greeting?: string;
  position: "right" | "left";
  away_message?: string;
  business_hours?: BusinessHours;
  /// BCP 47 language for the widget's own strings; absent = the visitor's browser.
  locale?: string;
  sound: boolean;
}

export interface Workspace {
  id: Uuid;
  name: string;
  widget_key: string;
  identity_required: boolean;
  allowed_origins: string[];
  widget: WidgetSettings;
  created_at: Timestamp;
}

/// `GET /api/v1/widget/config?widget_key=…` (public).
export interface WidgetConfig {
  workspace_name: string;
  settings: WidgetSettings;
  /// Inside business hours (always true when none are set).
  available: boolean;
  /// At least one agent has an open app with presence `online`.
  agents_online: boolean;
  /// How the shop shows prices; absent on servers without a shop.
  shop?: { currency: string; locale: string };
}

export interface Agent {
  id: Uuid;
  workspace_id: Uuid;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  created_at: Timestamp;
}

export interface AgentPresence {
  agent_id: Uuid;
  status: PresenceStatus;
}

export interface LoginResponse {
  token: string;
  agent: Agent;
  expires_at: Timestamp;
}

export interface ApiKey {
  id: Uuid;
  name: string;
  prefix: string;
  scope: Scope;
  created_at: Timestamp;
  revoked_at?: Timestamp | null;
}

export interface ApiKeyCreated extends ApiKey {
  secret: string;
}

export interface WidgetSession {
  token: string;
  contact_id: Uuid;
  workspace_id: Uuid;
  expires_at: Timestamp;
}

// ------------------------------------------------------------------ contacts, conversations

export interface Contact {
  id: Uuid;
  workspace_id: Uuid;
  external_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  anonymous: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type ConversationStatus = "open" | "pending" | "snoozed" | "resolved";

export interface Conversation {
  id: Uuid;
  workspace_id: Uuid;
  contact_id: Uuid;
  channel: "web";
  status: ConversationStatus;
  snoozed_until: Timestamp | null;
  assignee_id: Uuid | null;
  labels: string[];
  last_seq: number;
  last_message_preview: string | null;
  last_message_at: Timestamp | null;
  unread_by_agent: number;
  unread_by_contact: number;
  contact_delivered_seq: number;
  contact_read_seq: number;
  agent_read_seq: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type SenderKind = "contact" | "agent" | "bot" | "system";

export interface Message {
  id: Uuid;
  conversation_id: Uuid;
  seq: number;
  sender: { type: SenderKind; id?: Uuid | null };
  content: Content;
  private: boolean;
  client_msg_id: string | null;
  created_at: Timestamp;
}

export interface Media {
  id: Uuid;
  filename: string;
  content_type: string;
  size_bytes: number;
  url: string;
  created_at: Timestamp;
}

export interface CannedResponse {
  id: Uuid;
  /// Typed after `/` in the composer: 1–32 of a-z, 0-9, `-`, `_`.
  shortcut: string;
  title: string;
  /// May hold variables: {{contact.first_name}}, {{contact.name}}, {{contact.email}}, {{agent.name}}, {{workspace.name}}
  text: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface Webhook {
  id: Uuid;
  url: string;
  events: string[];
  active: boolean;
  created_at: Timestamp;
}

export interface WebhookCreated extends Webhook {
  secret: string;
}

export interface WebhookDelivery {
  id: Uuid;
  webhook_id: Uuid;
  event_id: Uuid;
  event_type: string;
  status: "pending" | "succeeded" | "dead";
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `POST /api/v1/events` body item (widget: for the visitor itself).
export interface TrackEvent {
  /// Client-generated, makes retries safe.
  id: string;
  name: string;
  properties?: Record<string, unknown>;
  occurred_at?: Timestamp;
  /// Staff and API keys name the contact; a widget visitor records for itself.
  contact_id?: Uuid;
}

/// A recorded behaviour event (`GET /api/v1/contacts/{id}/events`).
export interface ContactEvent {
  id: string;
  contact_id: Uuid;
  name: string;
  properties?: Record<string, unknown>;
  occurred_at: Timestamp;
  received_at: Timestamp;
}

// ------------------------------------------------------------------ catalog (model.rs)

export interface LocalizedText {
  title: string;
  description?: string;
}

/// One buyable form of a product; prices in minor units of the product's currency.
export interface Variant {
  id: string;
  sku?: string;
  title: string;
  options: Record<string, string>;
  price_minor: number;
  compare_at_minor?: number;
  /// Units in stock; absent when stock is not tracked.
  inventory?: number;
  image_url?: string;
}

export interface Product {
  id: Uuid;
  workspace_id: Uuid;
  external_id?: string;
  title: string;
  description?: string;
  url?: string;
  category?: string;
  tags: string[];
  images: string[];
  currency: string;
  localized: Record<string, LocalizedText>;
  variants: Variant[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `GET /api/v1/products` filters.
export interface ProductQuery {
  q?: string;
  category?: string;
  min_price?: number;
  max_price?: number;
  in_stock?: boolean;
  limit?: number;
  cursor?: string;
}

// ------------------------------------------------------------------ commerce (commerce.rs)

export type PaymentProviderKind = "test" | "stripe";

/// `PATCH /api/v1/shop`: absent fields are left alone.
export type ShopSettingsPatch = Partial<ShopSettings>;

export interface ShopSettings {
  /// ISO 4217
  currency: string;
  /// BCP 47, used to format prices
  locale: string;
  /// 5 ..= 43200
  abandon_after_minutes: number;
  payment_provider: PaymentProviderKind;
}

export type CartStatus = "active" | "abandoned" | "converted";

export interface CartItem {
  /// Absent for the shop's products not in the catalog (carts ingested from Shopify).
  product_id?: Uuid;
  variant_id: string;
  sku?: string;
  title: string;
  quantity: number;
  unit_price_minor: number;
  image_url?: string;
}

export interface Cart {
  id: Uuid;
  workspace_id: Uuid;
  contact_id: Uuid;
  status: CartStatus;
  currency: string;
  items: CartItem[];
  subtotal_minor: number;
  checkout_url?: string;
  external_id?: string;
  order_id?: Uuid;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `POST /api/v1/contacts/{id}/cart/items`
export interface CartItemChange {
  product_id: Uuid;
  variant_id?: string;
  quantity: number;
  set?: boolean;
}

export type OrderStatus =
  | "placed"
  | "paid"
  | "fulfilled"
  | "shipped"
  | "delivered"
  | "cancelled"
  | "refunded"
  | "partially_refunded";

export interface OrderLine {
  id: string;
  product_id?: Uuid;
  variant_id?: string;
  sku?: string;
  title: string;
  quantity: number;
  unit_price_minor: number;
  image_url?: string;
}

export interface Fulfilment {
  id: string;
  /// `pending`, `in_transit`, `delivered`, … as the carrier reports.
  status: string;
  carrier?: string;
  tracking_number?: string;
  tracking_url?: string;
  /// Line ids → quantities shipped; empty: the whole order.
  lines: Record<string, number>;
  created_at: Timestamp;
}

export interface Refund {
  id: string;
  amount_minor: number;
  reason?: string;
  lines: Record<string, number>;
  created_at: Timestamp;
}

export interface TimelineEntry {
  kind: string;
  summary: string;
  /// `agent:<id>`, `api_key:<id>`, `contact:<id>`, `shopify`, `stripe`, `system`
  by: string;
  at: Timestamp;
}

export interface Order {
  id: Uuid;
  workspace_id: Uuid;
  contact_id: Uuid;
  number: string;
  external_id?: string;
  status: OrderStatus;
  currency: string;
  lines: OrderLine[];
  subtotal_minor: number;
  shipping_minor: number;
  tax_minor: number;
  discount_minor: number;
  total_minor: number;
  refunded_minor: number;
  fulfilments: Fulfilment[];
  refunds: Refund[];
  timeline: TimelineEntry[];
  cart_id?: Uuid;
  status_url?: string;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `POST /api/v1/orders/{id}/actions`. `notify` defaults to true on the server.
export type OrderAction =
  | { type: "refund"; amount_minor?: number; reason?: string; lines?: Record<string, number>; notify?: boolean }
  | { type: "cancel"; reason?: string; notify?: boolean }
  | { type: "resend_tracking" }
  | { type: "mark_paid" }
  | { type: "fulfil"; carrier?: string; tracking_number?: string; tracking_url?: string; notify?: boolean }
  | { type: "mark_delivered"; notify?: boolean };

export type ReturnStatus = "requested" | "approved" | "rejected" | "received" | "refunded";

export interface ReturnRequest {
  id: Uuid;
  workspace_id: Uuid;
  order_id: Uuid;
  contact_id: Uuid;
  status: ReturnStatus;
  /// Order line ids → quantities to return.
  lines: Record<string, number>;
  reason: string;
  photos: Uuid[];
  note?: string;
  timeline: TimelineEntry[];
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `POST /api/v1/returns/{id}/transitions`
export interface ReturnTransition {
  status: ReturnStatus;
  note?: string;
  /// With `refunded`: the amount (absent: the returned lines' value).
  refund_minor?: number;
}

export type PaymentStatus = "pending" | "paid" | "failed" | "expired" | "cancelled";

export interface Payment {
  id: Uuid;
  workspace_id: Uuid;
  contact_id: Uuid;
  order_id?: Uuid;
  cart_id?: Uuid;
  conversation_id?: Uuid;
  amount_minor: number;
  currency: string;
  description: string;
  provider: PaymentProviderKind;
  provider_ref?: string;
  pay_url: string;
  status: PaymentStatus;
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/// `POST /api/v1/payments`: for an order, a cart, or a free amount (`amount_minor` + `currency`).
export interface NewPayment {
  contact_id: Uuid;
  order_id?: Uuid;
  cart_id?: Uuid;
  amount_minor?: number;
  currency?: string;
  description?: string;
  /// A `payment_request` message with the pay link is sent there.
  conversation_id?: Uuid;
}

/// `GET /api/v1/pay/{id}` (public): what the pay page shows (what is paid for, never who pays).
export interface PayPage {
  id: Uuid;
  shop_name: string;
  description: string;
  amount_minor: number;
  currency: string;
  status: PaymentStatus;
  /// `test`: the page takes test cards; otherwise the customer pays at `pay_url`.
  provider: PaymentProviderKind;
  pay_url: string;
  order_number?: string;
  /// The order's (or the cart's) lines when the payment is for one.
  lines?: PayPageLine[];
}

export interface PayPageLine {
  title: string;
  quantity: number;
  unit_price_minor: number;
  image_url?: string;
}

/// `POST /api/v1/pay/{id}` (test provider): spaces and dashes are ignored.
export interface TestCardPayment {
  card_number: string;
}

/// `POST /api/v1/conversations/{id}/shop-actions`: a customer's add_to_cart / buy / checkout
/// button. The server posts the resulting `cart` (and `payment_request`) into the conversation.
export interface ShopActionRequest {
  action: Action;
  message_id?: Uuid;
}
export interface ShopActionResult {
  cart: Cart;
  payment?: Payment;
}

/// Secrets are write-only: reads show `"set"` for the ones that are set.
export interface ShopifySettings {
  shop_domain: string;
  webhook_secret?: string;
  admin_access_token?: string;
  admin_api_base?: string;
}

export interface StripeSettings {
  secret_key?: string;
  webhook_secret?: string;
  api_base?: string;
}

export interface Integrations {
  shopify?: ShopifySettings;
  stripe?: StripeSettings;
}

/// `PATCH /api/v1/integrations`: an absent key leaves that integration alone, `null`
/// disconnects it, an object connects or changes it (a secret left out keeps the stored one).
export interface IntegrationsPatch {
  shopify?: ShopifySettings | null;
  stripe?: StripeSettings | null;
}

// ------------------------------------------------------------------ WebSocket frames

export type ReceiptKind = "delivered" | "read";
export type Side = "contact" | "agent";

export type Principal =
  | { kind: "agent"; id: Uuid }
  | { kind: "contact"; id: Uuid }
  | { kind: "api_key"; id: Uuid };

export type ClientFrame =
  | { type: "send"; conversation_id: Uuid; client_msg_id: string; content: Content; private?: boolean }
  | { type: "receipt"; conversation_id: Uuid; kind: ReceiptKind; seq: number }
  | { type: "typing"; conversation_id: Uuid; typing: boolean }
  | { type: "resume"; conversation_id: Uuid; after_seq: number }
  | { type: "presence"; status: PresenceStatus }
  | { type: "ping"; nonce?: number };

export type ServerFrame =
  | { type: "hello"; workspace_id: Uuid; principal: Principal; heartbeat_ms: number }
  | { type: "ack"; client_msg_id: string; message: Message }
  | { type: "message"; message: Message }
  | { type: "receipt"; conversation_id: Uuid; side: Side; kind: ReceiptKind; seq: number }
  | { type: "typing"; conversation_id: Uuid; from: Principal; typing: boolean }
  | { type: "presence"; agent_id: Uuid; status: PresenceStatus }
  | { type: "conversation"; conversation: Conversation }
  | { type: "resumed"; conversation_id: Uuid; last_seq: number }
  | { type: "pong"; nonce?: number }
  | { type: "reconnect"; retry_after_ms: number }
  | { type: "error"; ref?: string; error: ErrorDetail };
