//! Read models and write requests of the REST API. The domain uses the same shapes: `NewX`
//! creates, `X` is what is read back, `XPatch` updates.

use crate::content::Content;
use crate::frames::PresenceStatus;
use crate::ids::*;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A page of a cursor-paginated list. Pass `next_cursor` back as `?cursor=` for the next page;
/// it is absent on the last page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------- workspaces and staff

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    /// Public key the widget embeds to open visitor sessions.
    pub widget_key: String,
    /// When true, widget calls must carry a valid shop-signed identity token.
    pub identity_required: bool,
    /// Origins allowed to open widget sessions; empty means any origin.
    pub allowed_origins: Vec<String>,
    /// How the web widget looks and behaves.
    pub widget: WidgetSettings,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub identity_required: Option<bool>,
    pub allowed_origins: Option<Vec<String>>,
    /// Replaces the whole widget settings object (absent fields take their defaults).
    pub widget: Option<WidgetSettings>,
}

// ---------------------------------------------------------------- widget settings

/// The widget's accent colour unless the shop picks one.
pub const DEFAULT_WIDGET_COLOR: &str = "#4f46e5";

/// How the web widget looks and behaves on the shop's pages. Every field has a default, so a
/// settings object may name only what it changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct WidgetSettings {
    /// Accent colour, `#RRGGBB`.
    pub color: String,
    /// An `https://` URL, or a path on this server starting with `/api/v1/media/`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logo_url: Option<String>,
    /// Shown when a visitor opens the widget; at most 280 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greeting: Option<String>,
    pub position: WidgetPosition,
    /// Shown outside business hours; at most 280 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub away_message: Option<String>,
    /// When the shop answers; absent means always.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<BusinessHours>,
    /// Language of the widget's own strings (en, es, fr, de, it, pt, nl, pl, tr, ru, ar, ja,
    /// zh); absent means the visitor's browser language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Play a sound when a message arrives.
    pub sound: bool,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            color: DEFAULT_WIDGET_COLOR.to_owned(),
            logo_url: None,
            greeting: None,
            position: WidgetPosition::Right,
            away_message: None,
            business_hours: None,
            locale: None,
            sound: true,
        }
    }
}

/// The corner of the page the widget sits in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WidgetPosition {
    #[default]
    Right,
    Left,
}

/// Opening hours, on the wall clock of `timezone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// IANA time zone, e.g. `Europe/Paris`.
    pub timezone: String,
    /// Opening ranges; a day may have several (a lunch break) and a day without any is closed.
    pub days: Vec<Weekday>,
}

/// One opening range of a day of the week: from `open` (included) to `close` (excluded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weekday {
    pub day: Day,
    /// `HH:MM`, 24-hour clock.
    pub open: String,
    /// `HH:MM`, after `open`; `24:00` is the end of the day.
    pub close: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// What the widget needs before it opens a session: `GET /api/v1/widget/config` (public).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WidgetConfig {
    pub workspace_name: String,
    pub settings: WidgetSettings,
    /// Inside business hours now (always true when none are set).
    pub available: bool,
    /// At least one agent has the agent app open with presence `online`.
    pub agents_online: bool,
    /// How the shop shows prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop: Option<WidgetShop>,
}

/// The shop's currency and the locale its prices are formatted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WidgetShop {
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// BCP 47, e.g. `de-DE`.
    pub locale: String,
}

/// An agent's live presence (`GET /api/v1/agents/presence`): kept in memory, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgentPresence {
    pub agent_id: AgentId,
    pub status: PresenceStatus,
}

// ---------------------------------------------------------------- canned responses

/// A saved reply, inserted in the composer by typing `/` and its shortcut.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CannedResponse {
    pub id: CannedResponseId,
    /// 1–32 of `a-z`, `0-9`, `-`, `_`; unique in the workspace.
    pub shortcut: String,
    /// 1–80 characters.
    pub title: String,
    /// 1–4096 characters. May hold variables the agent app fills in: `{{contact.first_name}}`,
    /// `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}`, `{{workspace.name}}`.
    pub text: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCannedResponse {
    pub shortcut: String,
    pub title: String,
    pub text: String,
}

/// Absent fields are left alone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedResponsePatch {
    pub shortcut: Option<String>,
    pub title: Option<String>,
    pub text: Option<String>,
}

// ---------------------------------------------------------------- behaviour events

/// Body of `POST /api/v1/events`: 1–100 events.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackEvents {
    pub events: Vec<TrackEvent>,
}

/// Something a contact did on the shop's site (`page_viewed`, `product.viewed`, ...).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackEvent {
    /// Client-generated, 1–64 printable ASCII characters: an event with an id already
    /// recorded in the workspace is a retry, counted as a duplicate and not stored again.
    pub id: String,
    /// 1–64 of `a-z`, `0-9`, `_`, `.`, `-`.
    pub name: String,
    /// At most 8 KiB of JSON.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub properties: Option<Map<String, Value>>,
    /// When it happened (default: when received); at most 5 minutes in the future.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    /// Whose event: required with staff credentials; a widget visitor records its own and
    /// may leave it out.
    #[serde(default)]
    pub contact_id: Option<ContactId>,
}

/// Answer of `POST /api/v1/events` (202).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TrackedEvents {
    /// Events stored by this call.
    pub accepted: u32,
    /// Events whose id was already recorded: ignored.
    pub duplicates: u32,
}

/// A recorded behaviour event of a contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContactEvent {
    /// The client's id of the event.
    pub id: String,
    pub contact_id: ContactId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub properties: Option<Map<String, Value>>,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Admin,
    Owner,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Agent {
    pub id: AgentId,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentPatch {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Needed only when the same email is staff of several workspaces.
    #[serde(default)]
    pub workspace_id: Option<WorkspaceId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    /// Session token for `Authorization: Bearer`; shown once, stored hashed.
    pub token: String,
    pub agent: Agent,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// What an API key may do. `admin` implies `write`, which implies `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Read,
    Write,
    Admin,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    pub scope: Scope,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    pub name: String,
    pub scope: Scope,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyCreated {
    #[serde(flatten)]
    pub key: ApiKey,
    /// The secret itself: shown once, never again.
    pub secret: String,
}

/// Output of `shoptalk workspace create` and of `POST /api/v1/workspaces`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WorkspaceCreated {
    pub workspace_id: WorkspaceId,
    pub api_key: String,
    pub widget_key: String,
    pub identity_secret: String,
    pub owner_email: String,
    /// Present when the owner's password was generated rather than given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_password: Option<String>,
}

// ---------------------------------------------------------------- widget sessions

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWidgetSession {
    pub widget_key: String,
    /// A visitor token from an earlier session, to keep the same anonymous contact.
    #[serde(default)]
    pub visitor_token: Option<String>,
    /// A shop-signed HS256 JWT (`sub` = the shop's customer id, `exp` required).
    #[serde(default)]
    pub identity_token: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WidgetSession {
    /// Visitor token for `Authorization: Bearer` and the WebSocket `token` parameter.
    pub token: String,
    pub contact_id: ContactId,
    pub workspace_id: WorkspaceId,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

// ---------------------------------------------------------------- contacts

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub workspace_id: WorkspaceId,
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: Option<String>,
    pub timezone: Option<String>,
    #[schema(value_type = Object)]
    pub attributes: Map<String, Value>,
    pub tags: Vec<String>,
    /// An anonymous widget visitor that has not identified yet.
    pub anonymous: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Creates a contact, or updates the one with the same `external_id` (else the same `email`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    /// E.164, e.g. `+33612345678`.
    pub phone: Option<String>,
    /// BCP 47, e.g. `fr-FR`.
    pub locale: Option<String>,
    /// IANA time zone, e.g. `Europe/Paris`.
    pub timezone: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Map<String, Value>>,
    pub tags: Option<Vec<String>>,
}

/// A partial update: absent fields are left alone; `attributes` are merged key by key
/// (a `null` value removes the key).
pub type ContactPatch = NewContact;

// ---------------------------------------------------------------- conversations

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConversationStatus {
    Open,
    Pending,
    Snoozed,
    Resolved,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Snoozed => "snoozed",
            Self::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "open" => Self::Open,
            "pending" => Self::Pending,
            "snoozed" => Self::Snoozed,
            "resolved" => Self::Resolved,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Web => "web",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Conversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub channel: Channel,
    pub status: ConversationStatus,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub snoozed_until: Option<Timestamp>,
    pub assignee_id: Option<AgentId>,
    pub labels: Vec<String>,
    /// Seq of the newest message; 0 when empty.
    pub last_seq: i64,
    pub last_message_preview: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_message_at: Option<Timestamp>,
    /// Messages from the contact the agents have not read yet.
    pub unread_by_agent: i64,
    /// Messages to the contact the contact has not read yet.
    pub unread_by_contact: i64,
    /// Receipts are watermarks: every message up to this seq is delivered to / read by that side.
    pub contact_delivered_seq: i64,
    pub contact_read_seq: i64,
    pub agent_read_seq: i64,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversation {
    pub contact_id: ContactId,
    #[serde(default)]
    pub channel: Option<Channel>,
}

/// Absent fields are left alone. `assignee_id: null` unassigns.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    pub status: Option<ConversationStatus>,
    /// Required when `status` is `snoozed`: when the conversation reopens by itself.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub snoozed_until: Option<Timestamp>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assignee_id: Option<Option<AgentId>>,
    pub labels: Option<Vec<String>>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            None => serializer.serialize_none(),
            Some(inner) => inner.serialize(serializer),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

// ---------------------------------------------------------------- messages

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SenderKind {
    Contact,
    Agent,
    Bot,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sender {
    #[serde(rename = "type")]
    pub kind: SenderKind,
    /// The contact or agent id; absent for bot and system.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub id: Option<uuid::Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// Gapless, increasing position in the conversation, starting at 1.
    pub seq: i64,
    pub sender: Sender,
    pub content: Content,
    /// A private note: visible to agents only.
    pub private: bool,
    pub client_msg_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessage {
    /// Client-generated id (1–64 printable ASCII chars): a retry with the same id returns the
    /// original message and creates nothing.
    #[serde(default)]
    pub client_msg_id: Option<String>,
    pub content: Content,
    /// Post a private note (agents only).
    #[serde(default)]
    pub private: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptKind {
    Delivered,
    Read,
}

/// Which side of the conversation a receipt speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Contact,
    Agent,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptRequest {
    pub kind: ReceiptKind,
    /// Everything up to and including this seq.
    pub seq: i64,
}

// ---------------------------------------------------------------- media

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Media {
    pub id: MediaId,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Where to download it (authenticated).
    pub url: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

// ---------------------------------------------------------------- webhooks and events

/// Event types that webhooks subscribe to.
pub const EVENT_TYPES: &[&str] = &[
    "message.created",
    "conversation.created",
    "conversation.updated",
    "contact.created",
    "contact.updated",
    "contact.merged",
    "contact.event_tracked",
    "cart.updated",
    "cart.abandoned",
    "order.created",
    "order.updated",
    "order.action_requested",
    "return.updated",
    "payment.updated",
    "link.clicked",
];

/// The body of every outbound webhook delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Event {
    pub id: EventId,
    #[serde(rename = "type")]
    pub kind: String,
    pub workspace_id: WorkspaceId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = Object)]
    pub data: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: String,
    /// Subscribed event types; `*` subscribes to all.
    pub events: Vec<String>,
    pub active: bool,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub url: String,
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// Signing secret (`whsec_` + base64), shown once.
    pub secret: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Succeeded,
    /// Failed for good after the last retry.
    Dead,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WebhookDelivery {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: EventId,
    pub event_type: String,
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

// ---------------------------------------------------------------- errors

/// The error envelope of every non-2xx response: `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ErrorDetail {
    /// Stable, snake_case, for programs.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// The offending field, as a JSON path, when one field is to blame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn widget_settings_default_what_is_left_out() {
        let defaults = json!({"color": "#4f46e5", "position": "right", "sound": true});
        assert_eq!(
            serde_json::to_value(WidgetSettings::default()).unwrap(),
            defaults
        );
        let parsed: WidgetSettings = serde_json::from_value(json!({"sound": false})).unwrap();
        assert_eq!(
            parsed,
            WidgetSettings {
                sound: false,
                ..WidgetSettings::default()
            }
        );
        let hours: WidgetSettings = serde_json::from_value(json!({
            "business_hours": {"timezone": "Europe/Paris",
                "days": [{"day": "mon", "open": "09:00", "close": "17:30"}]}
        }))
        .unwrap();
        assert_eq!(hours.business_hours.unwrap().days[0].day, Day::Mon);
        assert!(serde_json::from_value::<WidgetSettings>(json!({"colour": "#000000"})).is_err());
    }
}

// ---------------------------------------------------------------- product catalog

/// Title and description of a product in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One buyable form of a product (a size, a colour). Prices are integers of the product
/// currency's minor units (cents for EUR, yen for JPY).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Unique within the product; generated when a write leaves it empty.
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub title: String,
    /// E.g. `{"size": "M", "colour": "blue"}`.
    #[serde(default)]
    pub options: std::collections::BTreeMap<String, String>,
    /// 0 ..= 10^12.
    pub price_minor: i64,
    /// The "was" price; greater than `price_minor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare_at_minor: Option<i64>,
    /// Units in stock; absent when stock is not tracked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inventory: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

/// A product of the workspace's catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub id: ProductId,
    pub workspace_id: WorkspaceId,
    /// The shop's own id, unique in the workspace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub images: Vec<String>,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// By BCP 47 language tag.
    pub localized: std::collections::BTreeMap<String, LocalizedText>,
    pub variants: Vec<Variant>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProduct {
    #[serde(default)]
    pub external_id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub images: Vec<String>,
    pub currency: String,
    #[serde(default)]
    pub localized: std::collections::BTreeMap<String, LocalizedText>,
    pub variants: Vec<Variant>,
}

/// Absent fields are left alone; `variants` replaces the whole list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductPatch {
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub url: Option<String>,
    pub category: Option<String>,
    pub tags: Option<Vec<String>>,
    pub images: Option<Vec<String>>,
    pub currency: Option<String>,
    pub localized: Option<std::collections::BTreeMap<String, LocalizedText>>,
    pub variants: Option<Vec<Variant>>,
}

/// What a bulk import of products did. Counts are of products; `errors` names each refused
/// product's problems one by one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductImportReport {
    pub created: u32,
    pub updated: u32,
    /// Products written not at all.
    pub failed: u32,
    pub errors: Vec<ProductImportError>,
}

/// One problem of a bulk import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductImportError {
    /// JSON: the product's index in `products`. CSV: the record's row as a spreadsheet shows
    /// it (the header is row 1).
    pub row: u32,
    /// JSON: the path in the product (`variants[0].price_minor`). CSV: the column.
    pub field: String,
    pub message: String,
}
