//! The SQLite backend: one database file, WAL journal, `synchronous=FULL`.
//!
//! Connections: a pool of readers, and ONE writer connection (a pool of at most one) through
//! which every write goes, each in a `BEGIN IMMEDIATE` transaction. Writers therefore queue in
//! the process (fairly, in the pool) instead of racing for SQLite's write lock and failing
//! with `SQLITE_BUSY`; readers never block the writer nor each other (WAL). Other processes on
//! the same file (e.g. `shoptalk workspace create` while the server runs) are covered by the
//! 5 s busy timeout.
//!
//! Durability: with `synchronous=FULL` every commit fsyncs the WAL, so an acknowledged write
//! survives a power cut, not only a crash of the process. Checkpoints (copying the WAL back
//! into the database file) run on a background connection, off the commit path
//! ([`checkpoint`]).

mod canned;
mod checkpoint;
mod commerce;
mod contact_events;
mod contacts;
mod conversations;
mod credentials;
mod error;
mod events;
mod jobs;
mod keyset;
mod media;
mod messages;
mod products;
mod rows;
mod webhooks;
mod workspaces;

use async_trait::async_trait;
use error::db_err;
use jiff::Timestamp;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::error::StoreError;
use shoptalk_core::store::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Reader connections. Reads are short indexed lookups; a few connections keep every core busy.
const READERS: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The two pools. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Db {
    reader: SqlitePool,
    writer: SqlitePool,
}

type Tx = Transaction<'static, Sqlite>;

impl Db {
    /// A write transaction on the single writer connection. `BEGIN IMMEDIATE` takes the write
    /// lock up front, so a transaction that read first never fails to upgrade later.
    async fn write(&self) -> Result<Tx, StoreError> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }
}

async fn commit(tx: Tx) -> Result<(), StoreError> {
    tx.commit().await.map_err(db_err)
}

fn options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .pragma("temp_store", "memory")
        // 64 MiB of page cache per connection (negative = KiB).
        .pragma("cache_size", "-65536")
}

/// The writer pool: one connection that lives as long as the store. It leaves routine WAL
/// checkpoints to [`checkpoint`], and keeps the WAL file from staying large after a burst.
async fn writer(path: &Path) -> Result<SqlitePool, StoreError> {
    let options = options(path)
        .pragma(
            "wal_autocheckpoint",
            checkpoint::WRITER_AUTOCHECKPOINT_PAGES,
        )
        .pragma("journal_size_limit", (64 * 1024 * 1024).to_string());
    SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        // Waiting for the writer is normal under load: a batch of 2048 takes milliseconds, a
        // queue of them can take longer than the default 30 s only if something is wrong.
        .acquire_timeout(Duration::from_secs(60))
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(db_err)
}

/// The SQLite store. Create it with [`SqliteStore::open`]; clones share the connections.
#[derive(Clone)]
pub struct SqliteStore {
    db: Db,
    checkpointer: Arc<checkpoint::Checkpointer>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        // The writer connects first: it creates the file and switches it to WAL before any
        // reader opens it.
        let writer = writer(path).await?;
        MIGRATOR.run(&writer).await.map_err(StoreError::backend)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(options(path))
            .await
            .map_err(db_err)?;
        let checkpointer = checkpoint::spawn(&options(path)).await?;
        Ok(Self {
            db: Db { reader, writer },
            checkpointer: Arc::new(checkpointer),
        })
    }

    /// Creates the file if needed and applies pending migrations, then closes it
    /// (`shoptalk migrate`).
    pub async fn migrate_only(path: &Path) -> Result<(), StoreError> {
        let writer = writer(path).await?;
        MIGRATOR.run(&writer).await.map_err(StoreError::backend)?;
        writer.close().await;
        Ok(())
    }

    /// Closes every connection, waiting for those in use to come back. Dropping the store
    /// also closes them, in the background.
    pub async fn close(&self) {
        self.checkpointer.stop();
        self.db.writer.close().await;
        self.db.reader.close().await;
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.db.reader)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    // -- workspaces and staff

    async fn create_workspace(
        &self,
        workspace: &WorkspaceRecord,
        owner: &AgentRecord,
        api_key: &ApiKeyRecord,
    ) -> StoreResult<()> {
        workspaces::create(&self.db, workspace, owner, api_key).await
    }

    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Option<WorkspaceRecord>> {
        workspaces::get(&self.db, id).await
    }

    async fn workspace_by_widget_key(&self, key: &str) -> StoreResult<Option<WorkspaceRecord>> {
        workspaces::by_widget_key(&self.db, key).await
    }

    async fn update_workspace(
        &self,
        id: WorkspaceId,
        patch: &WorkspacePatch,
    ) -> StoreResult<Option<WorkspaceRecord>> {
        workspaces::update(&self.db, id, patch).await
    }

    async fn insert_agent(&self, agent: &AgentRecord) -> StoreResult<()> {
        workspaces::insert_agent(&self.db, agent).await
    }

    async fn agent(&self, ws: WorkspaceId, id: AgentId) -> StoreResult<Option<AgentRecord>> {
        workspaces::agent(&self.db, ws, id).await
    }

    async fn agents_by_email(&self, email: &str) -> StoreResult<Vec<AgentRecord>> {
        workspaces::agents_by_email(&self.db, email).await
    }

    async fn list_agents(&self, ws: WorkspaceId) -> StoreResult<Vec<Agent>> {
        workspaces::list_agents(&self.db, ws).await
    }

    async fn update_agent(
        &self,
        ws: WorkspaceId,
        id: AgentId,
        patch: &AgentPatch,
    ) -> StoreResult<Option<Agent>> {
        workspaces::update_agent(&self.db, ws, id, patch).await
    }

    async fn set_agent_password(
        &self,
        ws: WorkspaceId,
        id: AgentId,
        password_hash: &str,
    ) -> StoreResult<bool> {
        workspaces::set_agent_password(&self.db, ws, id, password_hash).await
    }

    async fn insert_session(&self, session: &SessionRecord) -> StoreResult<()> {
        credentials::insert_session(&self.db, session).await
    }

    async fn live_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<SessionRecord>> {
        credentials::live_session(&self.db, token_hash, now).await
    }

    async fn revoke_session(&self, token_hash: &str) -> StoreResult<()> {
        credentials::revoke_session(&self.db, token_hash).await
    }

    async fn insert_api_key(&self, key: &ApiKeyRecord) -> StoreResult<()> {
        credentials::insert_api_key(&self.db, key).await
    }

    async fn live_api_key(&self, key_hash: &str) -> StoreResult<Option<ApiKeyRecord>> {
        credentials::live_api_key(&self.db, key_hash).await
    }

    async fn list_api_keys(&self, ws: WorkspaceId) -> StoreResult<Vec<ApiKey>> {
        credentials::list_api_keys(&self.db, ws).await
    }

    async fn revoke_api_key(&self, ws: WorkspaceId, id: ApiKeyId) -> StoreResult<bool> {
        credentials::revoke_api_key(&self.db, ws, id).await
    }

    async fn insert_visitor_session(&self, session: &VisitorSessionRecord) -> StoreResult<()> {
        credentials::insert_visitor_session(&self.db, session).await
    }

    async fn live_visitor_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<VisitorSessionRecord>> {
        credentials::live_visitor_session(&self.db, token_hash, now).await
    }

    // -- contacts

    async fn upsert_contact(
        &self,
        ws: WorkspaceId,
        contact: &NewContact,
    ) -> StoreResult<(Contact, bool)> {
        contacts::upsert(&self.db, ws, contact).await
    }

    async fn insert_anonymous_contact(&self, ws: WorkspaceId) -> StoreResult<Contact> {
        contacts::insert_anonymous(&self.db, ws).await
    }

    async fn contact(&self, ws: WorkspaceId, id: ContactId) -> StoreResult<Option<Contact>> {
        contacts::get(&self.db, ws, id).await
    }

    async fn list_contacts(&self, ws: WorkspaceId, q: &ContactQuery) -> StoreResult<Page<Contact>> {
        contacts::list(&self.db, ws, q).await
    }

    async fn update_contact(
        &self,
        ws: WorkspaceId,
        id: ContactId,
        patch: &ContactPatch,
    ) -> StoreResult<Option<Contact>> {
        contacts::update(&self.db, ws, id, patch).await
    }

    async fn merge_contacts(
        &self,
        ws: WorkspaceId,
        from: ContactId,
        into: ContactId,
    ) -> StoreResult<Option<Contact>> {
        contacts::merge(&self.db, ws, from, into).await
    }

    // -- conversations

    async fn create_conversation(
        &self,
        ws: WorkspaceId,
        contact_id: ContactId,
        channel: Channel,
    ) -> StoreResult<Option<Conversation>> {
        conversations::create(&self.db, ws, contact_id, channel).await
    }

    async fn conversation(
        &self,
        ws: WorkspaceId,
        id: ConversationId,
    ) -> StoreResult<Option<Conversation>> {
        conversations::get(&self.db, ws, id).await
    }

    async fn list_conversations(
        &self,
        ws: WorkspaceId,
        q: &ConversationQuery,
    ) -> StoreResult<Page<Conversation>> {
        conversations::list(&self.db, ws, q).await
    }

    async fn update_conversation(
        &self,
        ws: WorkspaceId,
        id: ConversationId,
        patch: &ConversationPatch,
    ) -> StoreResult<Option<Conversation>> {
        conversations::update(&self.db, ws, id, patch).await
    }

    async fn wake_snoozed(&self, now: Timestamp) -> StoreResult<Vec<Conversation>> {
        conversations::wake_snoozed(&self.db, now).await
    }

    // -- message log

    async fn commit_batch(&self, batch: &WriteBatch) -> StoreResult<BatchOutcome> {
        messages::commit_batch(&self.db, batch).await
    }

    async fn messages_after(
        &self,
        ws: WorkspaceId,
        conversation: ConversationId,
        after_seq: i64,
        limit: u32,
        include_private: bool,
    ) -> StoreResult<Vec<Message>> {
        messages::after(
            &self.db,
            ws,
            conversation,
            after_seq,
            limit,
            include_private,
        )
        .await
    }

    async fn messages_before(
        &self,
        ws: WorkspaceId,
        conversation: ConversationId,
        before_seq: i64,
        limit: u32,
        include_private: bool,
    ) -> StoreResult<Vec<Message>> {
        messages::before(
            &self.db,
            ws,
            conversation,
            before_seq,
            limit,
            include_private,
        )
        .await
    }

    // -- product catalog

    async fn insert_product(&self, product: &Product) -> StoreResult<()> {
        products::insert(&self.db, product).await
    }

    async fn get_product(&self, ws: WorkspaceId, id: ProductId) -> StoreResult<Option<Product>> {
        products::get(&self.db, ws, id).await
    }

    async fn product_by_external_id(
        &self,
        ws: WorkspaceId,
        external_id: &str,
    ) -> StoreResult<Option<Product>> {
        products::by_external_id(&self.db, ws, external_id).await
    }

    async fn replace_product(&self, product: &Product) -> StoreResult<bool> {
        products::replace(&self.db, product).await
    }

    async fn delete_product(&self, ws: WorkspaceId, id: ProductId) -> StoreResult<bool> {
        products::delete(&self.db, ws, id).await
    }

    async fn list_products(&self, ws: WorkspaceId, q: &ProductQuery) -> StoreResult<Page<Product>> {
        products::list(&self.db, ws, q).await
    }

    async fn import_products(
        &self,
        products: &[Product],
        on_existing: OnExistingProduct,
    ) -> StoreResult<Vec<ImportOutcome>> {
        products::import(&self.db, products, on_existing).await
    }

    // -- canned responses

    async fn list_canned_responses(&self, ws: WorkspaceId) -> StoreResult<Vec<CannedResponse>> {
        canned::list(&self.db, ws).await
    }

    async fn insert_canned_response(
        &self,
        ws: WorkspaceId,
        canned: &CannedResponse,
    ) -> StoreResult<()> {
        canned::insert(&self.db, ws, canned).await
    }

    async fn update_canned_response(
        &self,
        ws: WorkspaceId,
        id: CannedResponseId,
        patch: &CannedResponsePatch,
    ) -> StoreResult<Option<CannedResponse>> {
        canned::update(&self.db, ws, id, patch).await
    }

    async fn delete_canned_response(
        &self,
        ws: WorkspaceId,
        id: CannedResponseId,
    ) -> StoreResult<bool> {
        canned::delete(&self.db, ws, id).await
    }

    // -- behaviour events

    async fn insert_contact_events(
        &self,
        ws: WorkspaceId,
        events: &[ContactEvent],
    ) -> StoreResult<Option<usize>> {
        contact_events::insert(&self.db, ws, events).await
    }

    async fn list_contact_events(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        limit: u32,
        after: Option<Cursor>,
    ) -> StoreResult<Page<ContactEvent>> {
        contact_events::list(&self.db, ws, contact, limit, after).await
    }

    // -- media

    async fn insert_media(&self, media: &MediaRecord) -> StoreResult<()> {
        media::insert(&self.db, media).await
    }

    async fn media(&self, ws: WorkspaceId, id: MediaId) -> StoreResult<Option<MediaRecord>> {
        media::get(&self.db, ws, id).await
    }

    // -- webhooks

    async fn insert_webhook(&self, webhook: &WebhookRecord) -> StoreResult<()> {
        webhooks::insert(&self.db, webhook).await
    }

    async fn list_webhooks(&self, ws: WorkspaceId) -> StoreResult<Vec<Webhook>> {
        webhooks::list(&self.db, ws).await
    }

    async fn webhook(&self, ws: WorkspaceId, id: WebhookId) -> StoreResult<Option<WebhookRecord>> {
        webhooks::get(&self.db, ws, id).await
    }

    async fn delete_webhook(&self, ws: WorkspaceId, id: WebhookId) -> StoreResult<bool> {
        webhooks::delete(&self.db, ws, id).await
    }

    async fn list_deliveries(
        &self,
        ws: WorkspaceId,
        webhook: WebhookId,
        limit: u32,
        after: Option<Cursor>,
    ) -> StoreResult<Page<WebhookDelivery>> {
        webhooks::list_deliveries(&self.db, ws, webhook, limit, after).await
    }

    async fn delivery_for_send(
        &self,
        id: DeliveryId,
    ) -> StoreResult<Option<(WebhookDelivery, WebhookRecord, Event)>> {
        webhooks::delivery_for_send(&self.db, id).await
    }

    async fn record_delivery_attempt(
        &self,
        id: DeliveryId,
        status: DeliveryStatus,
        response_status: Option<i64>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        webhooks::record_attempt(&self.db, id, status, response_status, error).await
    }

    // -- durable jobs

    async fn enqueue_job(&self, job: &NewJob) -> StoreResult<Option<JobId>> {
        jobs::enqueue(&self.db, job).await
    }

    async fn cancel_job(&self, unique_key: &str) -> StoreResult<bool> {
        jobs::cancel(&self.db, unique_key).await
    }

    async fn claim_jobs(
        &self,
        now: Timestamp,
        lease: jiff::SignedDuration,
        limit: u32,
    ) -> StoreResult<Vec<Job>> {
        jobs::claim(&self.db, now, lease, limit).await
    }

    async fn complete_job(&self, id: JobId) -> StoreResult<()> {
        jobs::complete(&self.db, id).await
    }

    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        jobs::fail(&self.db, id, error, retry_at).await
    }
}
