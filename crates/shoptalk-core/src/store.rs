//! The storage contract. Each backend (SQLite, later PostgreSQL) implements [`Store`] and must
//! pass the conformance suite in `shoptalk-testkit`.
//!
//! Architecture Invariant: every read and write of tenant data is scoped by a `WorkspaceId`
//! passed in by the caller; a backend never returns a row of another workspace.
//!
//! Architecture Invariant: every write that causes domain events (`message.created`,
//! `contact.updated`, ...) queues the matching webhook deliveries, and their jobs, in the same
//! transaction as the write itself, so an event is delivered if and only if its write committed.

use crate::cursor::Cursor;
use crate::error::StoreError;
use async_trait::async_trait;
use jiff::Timestamp;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;

pub type StoreResult<T> = Result<T, StoreError>;

// ---------------------------------------------------------------- records
// Rows as the domain needs them, including secrets that never leave the server.

#[derive(Debug, Clone)]
pub struct WorkspaceRecord {
    pub workspace: Workspace,
    /// HS256 secret shops sign widget identity tokens with.
    pub identity_secret: String,
}

#[derive(Debug, Clone)]
pub struct AgentRecord {
    pub agent: Agent,
    /// argon2id PHC string.
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the token; the token itself is never stored.
    pub token_hash: String,
    pub workspace_id: WorkspaceId,
    pub agent_id: AgentId,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct ApiKeyRecord {
    pub key: ApiKey,
    pub workspace_id: WorkspaceId,
    pub key_hash: String,
}

#[derive(Debug, Clone)]
pub struct VisitorSessionRecord {
    pub token_hash: String,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone)]
pub struct MediaRecord {
    pub media: Media,
    pub workspace_id: WorkspaceId,
    /// Server-generated file name inside the media directory.
    pub storage_name: String,
}

#[derive(Debug, Clone)]
pub struct WebhookRecord {
    pub webhook: Webhook,
    pub workspace_id: WorkspaceId,
    /// `whsec_` + base64 of the signing key.
    pub secret: String,
}

// ---------------------------------------------------------------- queries

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    Agent(AgentId),
    Unassigned,
}

#[derive(Debug, Clone, Default)]
pub struct ConversationQuery {
    pub status: Option<ConversationStatus>,
    pub assignee: Option<AssigneeFilter>,
    pub label: Option<String>,
    pub contact_id: Option<ContactId>,
    /// Matches the contact's name, email or external id, or the text of any message.
    pub text: Option<String>,
    pub limit: u32,
    /// Newest activity first; the cursor is (last activity in ms, id) of the last item seen.
    pub after: Option<Cursor>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    /// Matches name, email, phone or external id.
    pub text: Option<String>,
    pub tag: Option<String>,
    pub limit: u32,
    /// Newest first; the cursor is (created_at in ms, id) of the last item seen.
    pub after: Option<Cursor>,
}

/// Filters of the product list; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    /// Words matched (as prefixes) in title, description, SKUs and tags.
    pub text: Option<String>,
    pub category: Option<String>,
    /// Some variant costs at least / at most this, in minor units.
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// `true`: some variant is in stock (inventory untracked or above zero) and meets the
    /// price bounds; `false`: no variant is in stock.
    pub in_stock: Option<bool>,
    pub limit: u32,
    /// Newest first; the cursor is (created_at in ms, id) of the last item seen. With `text`
    /// the cursor is opaque to callers (and ties within a millisecond break by insertion).
    pub after: Option<Cursor>,
}

/// What [`Store::import_products`] does with a product whose `external_id` a stored product
/// of the workspace already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExistingProduct {
    /// Skip it: [`ImportOutcome::ExternalIdTaken`].
    Skip,
    /// Write it over the stored one, which keeps its `id` and `created_at`.
    Replace,
}

/// What became of one product of [`Store::import_products`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Created,
    Updated,
    ExternalIdTaken,
}

// ---------------------------------------------------------------- message log writes

/// A message ready to be appended: validated and authorised. The store assigns `seq`.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub id: MessageId,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    /// When set, the conversation must belong to this contact (a contact writing): checked in
    /// the same statement that appends, so authorisation costs no extra read.
    pub only_if_contact: Option<ContactId>,
    pub sender: Sender,
    pub content: shoptalk_types::Content,
    pub private: bool,
    pub client_msg_id: Option<String>,
    pub created_at: Timestamp,
}

/// Moves a receipt watermark forward (never backward, never past `last_seq`).
#[derive(Debug, Clone)]
pub struct ReceiptUpdate {
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    /// As for [`NewMessage::only_if_contact`].
    pub only_if_contact: Option<ContactId>,
    pub side: Side,
    pub kind: ReceiptKind,
    pub seq: i64,
}

/// Everything one group commit writes, in one transaction and one fsync.
#[derive(Debug, Default)]
pub struct WriteBatch {
    pub messages: Vec<NewMessage>,
    pub receipts: Vec<ReceiptUpdate>,
}

#[derive(Debug, Clone)]
pub struct Appended {
    pub message: Message,
    /// The conversation's contact: where the message fans out to.
    pub contact_id: ContactId,
    /// True when `client_msg_id` matched an earlier message, which is returned unchanged.
    pub duplicate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppendRejected {
    /// Unknown conversation, another workspace's, or (with `only_if_contact`) another contact's.
    ConversationNotFound,
    /// The `client_msg_id` belongs to another sender's message in this conversation.
    /// Idempotency keys are the sender's own: answering with that message could hand an
    /// agent's private note to a contact who guessed its key.
    ClientMsgIdTaken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptAdvanced {
    pub conversation_id: ConversationId,
    pub contact_id: ContactId,
    pub side: Side,
    pub kind: ReceiptKind,
    /// The new watermark.
    pub seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptOutcome {
    Advanced(ReceiptAdvanced),
    /// The watermark was already at or past `seq`: nothing changed.
    Unchanged,
    ConversationNotFound,
}

/// One result per input, in input order.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub messages: Vec<Result<Appended, AppendRejected>>,
    pub receipts: Vec<ReceiptOutcome>,
    /// Conversations a contact's message reopened (`resolved` or `snoozed` → `open`), as
    /// committed: agents are told of the change.
    pub reopened: Vec<Conversation>,
}

// ---------------------------------------------------------------- jobs

#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: String,
    pub payload: serde_json::Value,
    pub run_at: Timestamp,
    pub max_attempts: i32,
    /// While a job with this key is queued or running, enqueueing another with the same key
    /// does nothing; the key also names the job to cancel.
    pub unique_key: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub payload: serde_json::Value,
    /// Attempts started so far, including this one.
    pub attempts: i32,
    pub max_attempts: i32,
    pub unique_key: Option<String>,
}

// ---------------------------------------------------------------- the contract

#[async_trait]
pub trait Store: crate::commerce_store::CommerceStore + Send + Sync + 'static {
    /// Readiness: the database answers.
    async fn ping(&self) -> StoreResult<()>;

    // -- workspaces and staff
    /// Creates the workspace, its owner and its first admin API key in one transaction.
    async fn create_workspace(
        &self,
        workspace: &WorkspaceRecord,
        owner: &AgentRecord,
        api_key: &ApiKeyRecord,
    ) -> StoreResult<()>;
    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<WorkspaceRecord>>;
    async fn workspace_by_widget_key(&self, key: &str) -> StoreResult<Option<WorkspaceRecord>>;
    async fn update_workspace(
        &self,
        id: WorkspaceId,
        patch: &WorkspacePatch,
    ) -> StoreResult<Option<WorkspaceRecord>>;

    /// `Duplicate("agent_email")` when the email is taken in the workspace.
    async fn insert_agent(&self, agent: &AgentRecord) -> StoreResult<()>;
    async fn agent(&self, ws: WorkspaceId, id: AgentId) -> StoreResult<Option<AgentRecord>>;
    /// Across workspaces: login looks the email up before it knows the workspace.
    async fn agents_by_email(&self, email: &str) -> StoreResult<Vec<AgentRecord>>;
    async fn list_agents(&self, ws: WorkspaceId) -> StoreResult<Vec<Agent>>;
    /// Deactivating an agent also revokes its sessions, in the same transaction.
    async fn update_agent(
        &self,
        ws: WorkspaceId,
        id: AgentId,
        patch: &AgentPatch,
    ) -> StoreResult<Option<Agent>>;
    /// Sets the password hash and revokes every session of the agent, in one transaction.
    async fn set_agent_password(
        &self,
        ws: WorkspaceId,
        id: AgentId,
        password_hash: &str,
    ) -> StoreResult<bool>;

    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// Only sessions not revoked and not expired at `now`.
    async fn live_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionRecord>>;
    async fn revoke_session(&self, token_hash: &str) -> StoreResult<()>;

    async fn insert_api_key(&self, key: &ApiKeyRecord) -> StoreResult<()>;
    /// Only keys not revoked.
    async fn live_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>>;
    async fn list_api_keys(&self, ws: WorkspaceId) -> StoreResult<Vec<ApiKey>>;
    async fn revoke_api_key(&self, ws: WorkspaceId, id: ApiKeyId) -> StoreResult<bool>;

    async fn insert_visitor_session(&self, session: &VisitorSessionRecord) -> StoreResult<()>;
    async fn live_visitor_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<VisitorSessionRecord>>;

    // -- contacts
    /// Creates a contact, or updates the one with the same `external_id`, else the same
    /// `email`. Returns the contact and whether it was created. Emits `contact.created` or
    /// `contact.updated`.
    async fn upsert_contact(
        &self,
        ws: WorkspaceId,
        contact: &NewContact,
    ) -> StoreResult<(Contact, bool)>;
    /// An anonymous widget visitor. Emits `contact.created`.
    async fn insert_anonymous_contact(&self, ws: WorkspaceId) -> StoreResult<Contact>;
    async fn contact(&self, ws: WorkspaceId, id: ContactId) -> StoreResult<Option<Contact>>;
    async fn list_contacts(&self, ws: WorkspaceId, q: &ContactQuery) -> StoreResult<Page<Contact>>;
    /// Partial update; `attributes` merge key by key, a `null` value removes the key.
    /// Emits `contact.updated`.
    async fn update_contact(
        &self,
        ws: WorkspaceId,
        id: ContactId,
        patch: &ContactPatch,
    ) -> StoreResult<Option<Contact>>;
    /// Moves every conversation, visitor session, behaviour event, tracked link and commerce
    /// record (carts, orders, returns, payments: version + 1) of `from` to `into`, merges tags
    /// and attributes (`into` wins), deletes `from`. Emits `contact.merged`.
    async fn merge_contacts(
        &self,
        ws: WorkspaceId,
        from: ContactId,
        into: ContactId,
    ) -> StoreResult<Option<Contact>>;

    // -- conversations
    /// Emits `conversation.created`. `None` when the contact is not in the workspace.
    async fn create_conversation(
        &self,
        ws: WorkspaceId,
        contact_id: ContactId,
        channel: Channel,
    ) -> StoreResult<Option<Conversation>>;
    async fn conversation(
        &self,
        ws: WorkspaceId,
        id: ConversationId,
    ) -> StoreResult<Option<Conversation>>;
    async fn list_conversations(
        &self,
        ws: WorkspaceId,
        q: &ConversationQuery,
    ) -> StoreResult<Page<Conversation>>;
    /// Emits `conversation.updated`.
    async fn update_conversation(
        &self,
        ws: WorkspaceId,
        id: ConversationId,
        patch: &ConversationPatch,
    ) -> StoreResult<Option<Conversation>>;
    /// Reopens every snoozed conversation whose time has come (any workspace); emits
    /// `conversation.updated` for each and returns them.
    async fn wake_snoozed(&self, now: Timestamp) -> StoreResult<Vec<Conversation>>;

    // -- message log
    /// Appends messages and moves receipts in ONE transaction with one durable commit.
    /// Within the batch, messages of a conversation take consecutive seqs in input order; a
    /// `client_msg_id` already used in the conversation (earlier or earlier in the batch)
    /// returns the original message with `duplicate: true` and creates nothing. Each new
    /// message emits `message.created`. A new message from the contact reopens a `resolved` or
    /// `snoozed` conversation (status `open`, no `snoozed_until`) and emits
    /// `conversation.updated`.
    async fn commit_batch(&self, batch: &WriteBatch) -> StoreResult<BatchOutcome>;
    /// Messages with `seq > after_seq`, ascending, at most `limit`.
    async fn messages_after(
        &self,
        ws: WorkspaceId,
        conversation: ConversationId,
        after_seq: i64,
        limit: u32,
        include_private: bool,
    ) -> StoreResult<Vec<Message>>;
    /// Messages with `seq < before_seq`, newest `limit` of them, returned ascending.
    async fn messages_before(
        &self,
        ws: WorkspaceId,
        conversation: ConversationId,
        before_seq: i64,
        limit: u32,
        include_private: bool,
    ) -> StoreResult<Vec<Message>>;

    // -- canned responses
    /// Every canned response of the workspace, by shortcut.
    async fn list_canned_responses(&self, ws: WorkspaceId) -> StoreResult<Vec<CannedResponse>>;
    /// `Duplicate("canned_response_shortcut")` when the shortcut is taken in the workspace.
    async fn insert_canned_response(
        &self,
        ws: WorkspaceId,
        canned: &CannedResponse,
    ) -> StoreResult<()>;
    /// Absent fields are left alone; `updated_at` is set. Same duplicate rule as insert.
    async fn update_canned_response(
        &self,
        ws: WorkspaceId,
        id: CannedResponseId,
        patch: &CannedResponsePatch,
    ) -> StoreResult<Option<CannedResponse>>;
    async fn delete_canned_response(
        &self,
        ws: WorkspaceId,
        id: CannedResponseId,
    ) -> StoreResult<bool>;

    // -- product catalog
    /// `Duplicate("product_external_id")` when the external id is taken in the workspace.
    async fn insert_product(&self, product: &Product) -> StoreResult<()>;
    async fn get_product(&self, ws: WorkspaceId, id: ProductId) -> StoreResult<Option<Product>>;
    /// The product with this `external_id` (the shop's own id, e.g. `shopify:632910392`).
    async fn product_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Product>>;
    /// Replaces the stored product (same workspace and id) whole; `false` when there is none.
    /// Same duplicate rule as insert.
    async fn replace_product(&self, product: &Product) -> StoreResult<bool>;
    async fn delete_product(&self, ws: WorkspaceId, id: ProductId) -> StoreResult<bool>;
    async fn list_products(&self, ws: WorkspaceId, q: &ProductQuery) -> StoreResult<Page<Product>>;
    /// Writes products (each into its own workspace) in one transaction, each whole or not
    /// at all, in order: a later product with the same `external_id` meets the earlier one as
    /// stored. Returns one outcome per product.
    async fn import_products(
        &self,
        products: &[Product],
        on_existing: OnExistingProduct,
    ) -> StoreResult<Vec<ImportOutcome>>;

    // -- behaviour events
    /// Stores the events whose `(workspace, id)` is new, in one transaction, and emits
    /// `contact.event_tracked` for each. Returns how many were stored (an id already stored,
    /// or repeated within `events`, is skipped), or `None`, storing nothing, when an event's
    /// contact is not a contact of the workspace.
    async fn insert_contact_events(
        &self,
        ws: WorkspaceId,
        events: &[ContactEvent],
    ) -> StoreResult<Option<usize>>;
    /// A contact's events, newest `occurred_at` first; the cursor is opaque to callers.
    async fn list_contact_events(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        limit: u32,
        after: Option<Cursor>,
    ) -> StoreResult<Page<ContactEvent>>;

    // -- media
    async fn insert_media(&self, media: &MediaRecord) -> StoreResult<()>;
    async fn media(&self, ws: WorkspaceId, id: MediaId) -> StoreResult<Option<MediaRecord>>;

    // -- webhooks
    async fn insert_webhook(&self, webhook: &WebhookRecord) -> StoreResult<()>;
    async fn list_webhooks(&self, ws: WorkspaceId) -> StoreResult<Vec<Webhook>>;
    async fn webhook(&self, ws: WorkspaceId, id: WebhookId) -> StoreResult<Option<WebhookRecord>>;
    async fn delete_webhook(&self, ws: WorkspaceId, id: WebhookId) -> StoreResult<bool>;
    /// Newest first; the cursor is (created_at in ms, id).
    async fn list_deliveries(
        &self,
        ws: WorkspaceId,
        webhook: WebhookId,
        limit: u32,
        after: Option<Cursor>,
    ) -> StoreResult<Page<WebhookDelivery>>;
    /// The delivery, its endpoint and the event body to send.
    async fn delivery_for_send(
        &self,
        id: DeliveryId,
    ) -> StoreResult<Option<(WebhookDelivery, WebhookRecord, Event)>>;
    /// Records one attempt's outcome.
    async fn record_delivery_attempt(
        &self,
        id: DeliveryId,
        status: DeliveryStatus,
        response_status: Option<i64>,
        error: Option<&str>,
    ) -> StoreResult<()>;

    // -- durable jobs
    /// Returns `None` when a queued or running job already holds `unique_key`.
    async fn enqueue_job(&self, job: &NewJob) -> StoreResult<Option<JobId>>;
    /// Cancels the queued job holding `unique_key`; false if there was none.
    async fn cancel_job(&self, unique_key: &str) -> StoreResult<bool>;
    /// Leases up to `limit` jobs that are due (queued with `run_at <= now`, or running with an
    /// expired lease, i.e. interrupted by a crash) until `now + lease`, counting an attempt.
    async fn claim_jobs(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: u32,
    ) -> StoreResult<Vec<Job>>;
    async fn complete_job(&self, id: JobId) -> StoreResult<()>;
    /// `retry_at: None` marks the job dead (no more attempts).
    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<()>;
}
