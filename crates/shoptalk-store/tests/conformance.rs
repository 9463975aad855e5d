//! Storage conformance suite: the behaviour every `Store` backend must have.
//!
//! Each check is an async function written against the `Store` trait only, taking the store
//! as `Arc<dyn Store>`. [`backend_tests!`] stamps out one `#[tokio::test]` per check for a
//! backend; SQLite runs on a fresh temporary file per test. A PostgreSQL backend plugs in with
//! one more line at the bottom of this file (its `open` returns `None`, skipping the checks,
//! unless `SHOPTALK_TEST_POSTGRES_URL` is set).

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use shoptalk_core::StoreError;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::Content;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

// ================================================================ harness

type Reopen = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Arc<dyn Store>> + Send>> + Send>;

/// A store under test, and how to open the same database again (for the durability check).
struct Backend {
    store: Arc<dyn Store>,
    reopen: Reopen,
    /// Keeps the database alive (e.g. the temporary directory) for the test's duration.
    _guard: Box<dyn Send>,
}

async fn open_sqlite() -> Option<Backend> {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let path = dir.path().join("shoptalk.db");
    let store = SqliteStore::open(&path).await.expect("open sqlite");
    let reopen: Reopen = Box::new(move || {
        let path = path.clone();
        Box::pin(async move {
            Arc::new(SqliteStore::open(&path).await.expect("reopen sqlite")) as Arc<dyn Store>
        })
    });
    Some(Backend {
        store: Arc::new(store),
        reopen,
        _guard: Box::new(dir),
    })
}

/// Every check, by name: `$m!` receives the list.
macro_rules! for_each_check {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*;
            workspace_create_and_lookup,
            tenant_isolation,
            agent_email_is_unique_per_workspace,
            password_change_revokes_sessions,
            deactivation_revokes_sessions,
            api_keys_revoke,
            sessions_expire,
            contact_upsert_matches_external_id_then_email,
            contact_attributes_merge_and_null_removes,
            merge_contacts_moves_conversations,
            conversation_list_filters,
            conversation_text_search,
            conversation_pages_cover_every_row_once,
            contact_pages_cover_every_row_once,
            seqs_are_gapless_across_batches,
            duplicate_client_msg_id_returns_original,
            client_msg_id_of_another_sender_is_refused,
            only_if_contact_refuses_other_contacts,
            other_workspace_conversation_is_not_found,
            messages_after_and_before,
            receipts_move_forward_only,
            unread_counts,
            webhook_delivery_commits_with_the_message,
            unsubscribed_events_create_no_delivery,
            jobs_unique_key_dedupes,
            jobs_claim_lease_and_crash_recovery,
            jobs_fail_retry_dead_and_cancel,
            wake_snoozed_reopens_due_only,
            contact_message_reopens_resolved_and_snoozed,
            canned_responses_crud_and_unique_shortcut,
            products_crud_isolation_and_unique_external_id,
            product_list_filters,
            product_pages_cover_every_row_once,
            product_text_search_pages_newest_first,
            product_import_writes_each_product_whole,
            contact_events_are_stored_once_and_paged,
            media_round_trip;
            durability_after_reopen
        );
    };
}

/// One module of tests per backend: `$open` yields the backend or `None` to skip.
macro_rules! backend_tests {
    ($module:ident, $open:path; $($check:ident),*; $($harness_check:ident),*) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(backend) = $open().await else { return };
                    super::$check(backend.store.clone()).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $harness_check() {
                    let Some(backend) = $open().await else { return };
                    super::$harness_check(backend).await;
                }
            )*
        }
    };
}

for_each_check!(backend_tests!(sqlite, super::open_sqlite));
// PostgreSQL, once it exists:
// for_each_check!(backend_tests!(postgres, super::open_postgres));

// ================================================================ fixtures

/// Now, at the millisecond precision stores keep.
fn now() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

struct Ws {
    id: WorkspaceId,
    owner: AgentId,
    widget_key: String,
    key_id: ApiKeyId,
    key_hash: String,
}

fn agent_record(ws: WorkspaceId, email: &str, role: Role) -> AgentRecord {
    AgentRecord {
        agent: Agent {
            id: AgentId::new(),
            workspace_id: ws,
            email: email.into(),
            name: "Ada".into(),
            role,
            active: true,
            created_at: now(),
        },
        password_hash: "$argon2id$fake".into(),
    }
}

async fn workspace(store: &dyn Store) -> Ws {
    let id = WorkspaceId::new();
    let widget_key = unique("stw_");
    let key_hash = unique("hash_");
    let owner = agent_record(id, "owner@shop.test", Role::Owner);
    let key_id = ApiKeyId::new();
    store
        .create_workspace(
            &WorkspaceRecord {
                workspace: Workspace {
                    id,
                    name: "Shop".into(),
                    widget_key: widget_key.clone(),
                    identity_required: false,
                    allowed_origins: vec![],
                    widget: Default::default(),
                    created_at: now(),
                },
                identity_secret: "identity-secret".into(),
            },
            &owner,
            &ApiKeyRecord {
                key: ApiKey {
                    id: key_id,
                    name: "default".into(),
                    prefix: "stk_abcd".into(),
                    scope: Scope::Admin,
                    created_at: now(),
                    revoked_at: None,
                },
                workspace_id: id,
                key_hash: key_hash.clone(),
            },
        )
        .await
        .unwrap();
    Ws {
        id,
        owner: owner.agent.id,
        widget_key,
        key_id,
        key_hash,
    }
}

async fn contact(store: &dyn Store, ws: WorkspaceId, name: &str) -> Contact {
    let (c, created) = store
        .upsert_contact(
            ws,
            &NewContact {
                external_id: Some(unique("cust-")),
                name: Some(name.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(created);
    c
}

async fn conversation(store: &dyn Store, ws: WorkspaceId, contact: ContactId) -> Conversation {
    store
        .create_conversation(ws, contact, Channel::Web)
        .await
        .unwrap()
        .expect("contact is in the workspace")
}

fn from_contact(c: ContactId) -> Sender {
    Sender {
        kind: SenderKind::Contact,
        id: Some(c.0),
    }
}

fn from_agent(a: AgentId) -> Sender {
    Sender {
        kind: SenderKind::Agent,
        id: Some(a.0),
    }
}

fn new_message(conv: &Conversation, sender: Sender, text: &str) -> NewMessage {
    NewMessage {
        id: MessageId::new(),
        workspace_id: conv.workspace_id,
        conversation_id: conv.id,
        only_if_contact: None,
        sender,
        content: Content::text(text),
        private: false,
        client_msg_id: None,
        created_at: now(),
    }
}

fn receipt(conv: &Conversation, side: Side, kind: ReceiptKind, seq: i64) -> ReceiptUpdate {
    ReceiptUpdate {
        workspace_id: conv.workspace_id,
        conversation_id: conv.id,
        only_if_contact: None,
        side,
        kind,
        seq,
    }
}

async fn commit(
    store: &dyn Store,
    messages: Vec<NewMessage>,
) -> Vec<Result<Appended, AppendRejected>> {
    store
        .commit_batch(&WriteBatch {
            messages,
            receipts: vec![],
        })
        .await
        .unwrap()
        .messages
}

async fn send(store: &dyn Store, m: NewMessage) -> Appended {
    commit(store, vec![m]).await.remove(0).expect("appended")
}

async fn receipts(store: &dyn Store, receipts: Vec<ReceiptUpdate>) -> Vec<ReceiptOutcome> {
    store
        .commit_batch(&WriteBatch {
            messages: vec![],
            receipts,
        })
        .await
        .unwrap()
        .receipts
}

async fn get_conv(store: &dyn Store, conv: &Conversation) -> Conversation {
    store
        .conversation(conv.workspace_id, conv.id)
        .await
        .unwrap()
        .unwrap()
}

async fn all_messages(store: &dyn Store, conv: &Conversation) -> Vec<Message> {
    store
        .messages_after(conv.workspace_id, conv.id, 0, 1000, true)
        .await
        .unwrap()
}

fn query() -> ConversationQuery {
    ConversationQuery {
        limit: 200,
        ..Default::default()
    }
}

async fn list_ids(
    store: &dyn Store,
    ws: WorkspaceId,
    q: ConversationQuery,
) -> HashSet<ConversationId> {
    let page = store.list_conversations(ws, &q).await.unwrap();
    page.items.iter().map(|c| c.id).collect()
}

async fn add_webhook(store: &dyn Store, ws: WorkspaceId, events: &[&str]) -> WebhookId {
    let id = WebhookId::new();
    store
        .insert_webhook(&WebhookRecord {
            webhook: Webhook {
                id,
                url: "https://hooks.shop.test/in".into(),
                events: events.iter().map(|e| e.to_string()).collect(),
                active: true,
                created_at: now(),
            },
            workspace_id: ws,
            secret: "whsec_c2VjcmV0".into(),
        })
        .await
        .unwrap();
    id
}

fn track(contact_id: ContactId, id: &str, name: &str, occurred_at: Timestamp) -> ContactEvent {
    ContactEvent {
        id: id.into(),
        contact_id,
        name: name.into(),
        properties: None,
        occurred_at,
        received_at: now(),
    }
}

fn job(kind: &str, run_at: Timestamp, unique_key: Option<&str>) -> NewJob {
    NewJob {
        kind: kind.into(),
        payload: json!({"n": 1}),
        run_at,
        max_attempts: 3,
        unique_key: unique_key.map(String::from),
    }
}

// ================================================================ workspaces and staff

async fn workspace_create_and_lookup(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let rec = store.workspace(ws.id).await.unwrap().expect("created");
    assert_eq!(rec.workspace.name, "Shop");
    assert_eq!(rec.workspace.widget, WidgetSettings::default());
    assert_eq!(rec.identity_secret, "identity-secret");
    let by_key = store
        .workspace_by_widget_key(&ws.widget_key)
        .await
        .unwrap()
        .expect("found by widget key");
    assert_eq!(by_key.workspace, rec.workspace);
    assert!(
        store
            .workspace_by_widget_key("stw_nope")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.workspace(WorkspaceId::new()).await.unwrap().is_none());

    // The owner and the first API key were created with it.
    let agents = store.list_agents(ws.id).await.unwrap();
    assert_eq!(agents.len(), 1);
    assert_eq!((agents[0].id, agents[0].role), (ws.owner, Role::Owner));
    let key = store
        .live_api_key(&ws.key_hash)
        .await
        .unwrap()
        .expect("live key");
    assert_eq!((key.workspace_id, key.key.id), (ws.id, ws.key_id));

    let widget = WidgetSettings {
        color: "#112233".into(),
        greeting: Some("Hi!".into()),
        position: WidgetPosition::Left,
        business_hours: Some(BusinessHours {
            timezone: "Europe/Paris".into(),
            days: vec![Weekday {
                day: Day::Mon,
                open: "09:00".into(),
                close: "17:00".into(),
            }],
        }),
        locale: Some("fr".into()),
        sound: false,
        ..WidgetSettings::default()
    };
    let patched = store
        .update_workspace(
            ws.id,
            &WorkspacePatch {
                name: Some("Renamed".into()),
                identity_required: Some(true),
                allowed_origins: Some(vec!["https://shop.test".into()]),
                widget: Some(widget.clone()),
            },
        )
        .await
        .unwrap()
        .expect("exists");
    assert_eq!(patched.workspace.name, "Renamed");
    assert!(patched.workspace.identity_required);
    assert_eq!(patched.workspace.allowed_origins, ["https://shop.test"]);
    assert_eq!(patched.workspace.widget, widget);
    assert_eq!(
        store.workspace(ws.id).await.unwrap().unwrap().workspace,
        patched.workspace
    );
    // A partial patch leaves the other fields alone.
    let renamed = store
        .update_workspace(
            ws.id,
            &WorkspacePatch {
                name: Some("Again".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert!(renamed.workspace.identity_required);
    assert_eq!(renamed.workspace.widget, widget);
    assert!(
        store
            .update_workspace(WorkspaceId::new(), &WorkspacePatch::default())
            .await
            .unwrap()
            .is_none()
    );
}

/// Every getter, list and update with another workspace's id finds nothing and changes
/// nothing.
async fn tenant_isolation(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let b = workspace(store).await;
    let a_contact = contact(store, a.id, "Alice").await;
    let a_hook = add_webhook(store, a.id, &["*"]).await;
    let a_conv = conversation(store, a.id, a_contact.id).await;
    send(
        store,
        new_message(&a_conv, from_contact(a_contact.id), "secret order 42"),
    )
    .await;
    let a_media = MediaId::new();
    store
        .insert_media(&MediaRecord {
            media: Media {
                id: a_media,
                filename: "a.png".into(),
                content_type: "image/png".into(),
                size_bytes: 3,
                url: "/media/a".into(),
                created_at: now(),
            },
            workspace_id: a.id,
            storage_name: unique("blob-"),
        })
        .await
        .unwrap();

    // Reads.
    assert!(store.agent(b.id, a.owner).await.unwrap().is_none());
    assert!(
        store
            .list_agents(b.id)
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != a.owner)
    );
    assert!(
        store
            .list_api_keys(b.id)
            .await
            .unwrap()
            .iter()
            .all(|k| k.id != a.key_id)
    );
    assert!(store.contact(b.id, a_contact.id).await.unwrap().is_none());
    let contacts = store
        .list_contacts(
            b.id,
            &ContactQuery {
                limit: 200,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(contacts.items.is_empty());
    assert!(store.conversation(b.id, a_conv.id).await.unwrap().is_none());
    assert!(list_ids(store, b.id, query()).await.is_empty());
    let search = ConversationQuery {
        text: Some("secret".into()),
        ..query()
    };
    assert!(list_ids(store, b.id, search.clone()).await.is_empty());
    assert_eq!(
        list_ids(store, a.id, search).await.len(),
        1,
        "the search itself works"
    );
    assert!(
        store
            .messages_after(b.id, a_conv.id, 0, 100, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .messages_before(b.id, a_conv.id, 100, 100, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.media(b.id, a_media).await.unwrap().is_none());
    assert!(store.media(a.id, a_media).await.unwrap().is_some());
    assert!(store.webhook(b.id, a_hook).await.unwrap().is_none());
    assert!(store.list_webhooks(b.id).await.unwrap().is_empty());
    assert!(
        store
            .list_deliveries(b.id, a_hook, 50, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        !store
            .list_deliveries(a.id, a_hook, 50, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // Writes.
    let agent_patch = AgentPatch {
        name: Some("Mallory".into()),
        ..Default::default()
    };
    assert!(
        store
            .update_agent(b.id, a.owner, &agent_patch)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        !store
            .set_agent_password(b.id, a.owner, "$argon2id$x")
            .await
            .unwrap()
    );
    assert!(!store.revoke_api_key(b.id, a.key_id).await.unwrap());
    assert!(store.live_api_key(&a.key_hash).await.unwrap().is_some());
    let contact_patch = NewContact {
        name: Some("Mallory".into()),
        ..Default::default()
    };
    assert!(
        store
            .update_contact(b.id, a_contact.id, &contact_patch)
            .await
            .unwrap()
            .is_none()
    );
    let b_contact = contact(store, b.id, "Bob").await;
    assert!(
        store
            .merge_contacts(b.id, a_contact.id, b_contact.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .merge_contacts(b.id, b_contact.id, a_contact.id)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .create_conversation(b.id, a_contact.id, Channel::Web)
            .await
            .unwrap()
            .is_none()
    );
    let conv_patch = ConversationPatch {
        status: Some(ConversationStatus::Resolved),
        labels: Some(vec!["x".into()]),
        ..Default::default()
    };
    assert!(
        store
            .update_conversation(b.id, a_conv.id, &conv_patch)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.delete_webhook(b.id, a_hook).await.unwrap());
    // Assigning another workspace's agent must not succeed (an error or `None`, never a
    // conversation pointing across tenants).
    let cross_assign = ConversationPatch {
        assignee_id: Some(Some(b.owner)),
        ..Default::default()
    };
    let assigned = store
        .update_conversation(a.id, a_conv.id, &cross_assign)
        .await;
    assert!(matches!(assigned, Err(_) | Ok(None)), "{assigned:?}");
    let mut foreign = new_message(&a_conv, from_agent(b.owner), "hi");
    foreign.workspace_id = b.id;
    assert_eq!(
        commit(store, vec![foreign]).await[0].as_ref().unwrap_err(),
        &AppendRejected::ConversationNotFound
    );
    let mut r = receipt(&a_conv, Side::Agent, ReceiptKind::Read, 1);
    r.workspace_id = b.id;
    assert_eq!(
        receipts(store, vec![r]).await[0],
        ReceiptOutcome::ConversationNotFound
    );

    // Nothing of A changed.
    let agent = store.agent(a.id, a.owner).await.unwrap().unwrap();
    assert_eq!(agent.agent.name, "Ada");
    assert_eq!(agent.password_hash, "$argon2id$fake");
    assert_eq!(
        store.contact(a.id, a_contact.id).await.unwrap().unwrap(),
        a_contact
    );
    let conv = get_conv(store, &a_conv).await;
    assert_eq!(
        (conv.status, conv.last_seq, conv.agent_read_seq),
        (ConversationStatus::Open, 1, 0)
    );
    assert!(conv.labels.is_empty());
    assert_eq!(conv.assignee_id, None);
    assert!(store.webhook(a.id, a_hook).await.unwrap().is_some());
    assert_eq!(all_messages(store, &a_conv).await.len(), 1);
}

async fn agent_email_is_unique_per_workspace(store: Arc<dyn Store>) {
    let a = workspace(&*store).await;
    let b = workspace(&*store).await;
    let err = store
        .insert_agent(&agent_record(a.id, "OWNER@shop.test", Role::Agent))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("agent_email")),
        "{err:?}"
    );
    assert_eq!(store.list_agents(a.id).await.unwrap().len(), 1);
    // The same email in another workspace is another account.
    let second = store.agents_by_email("owner@SHOP.test").await.unwrap();
    let workspaces: HashSet<_> = second.iter().map(|r| r.agent.workspace_id).collect();
    assert_eq!(workspaces, HashSet::from([a.id, b.id]));
    store
        .insert_agent(&agent_record(a.id, "agent@shop.test", Role::Agent))
        .await
        .unwrap();
    assert_eq!(store.list_agents(a.id).await.unwrap().len(), 2);
}

async fn session(store: &dyn Store, ws: &Ws, expires_at: Timestamp) -> String {
    let token_hash = unique("session_");
    store
        .insert_session(&SessionRecord {
            token_hash: token_hash.clone(),
            workspace_id: ws.id,
            agent_id: ws.owner,
            expires_at,
        })
        .await
        .unwrap();
    token_hash
}

async fn password_change_revokes_sessions(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let later = now() + SignedDuration::from_hours(1);
    let (s1, s2) = (
        session(&*store, &ws, later).await,
        session(&*store, &ws, later).await,
    );
    assert!(store.live_session(&s1, now()).await.unwrap().is_some());
    assert!(
        store
            .set_agent_password(ws.id, ws.owner, "$argon2id$new")
            .await
            .unwrap()
    );
    assert!(store.live_session(&s1, now()).await.unwrap().is_none());
    assert!(store.live_session(&s2, now()).await.unwrap().is_none());
    let agent = store.agent(ws.id, ws.owner).await.unwrap().unwrap();
    assert_eq!(agent.password_hash, "$argon2id$new");
    // A session opened afterwards is live.
    let s3 = session(&*store, &ws, later).await;
    let live = store
        .live_session(&s3, now())
        .await
        .unwrap()
        .expect("new session");
    assert_eq!((live.workspace_id, live.agent_id), (ws.id, ws.owner));
    store.revoke_session(&s3).await.unwrap();
    assert!(store.live_session(&s3, now()).await.unwrap().is_none());
    assert!(
        !store
            .set_agent_password(ws.id, AgentId::new(), "x")
            .await
            .unwrap()
    );
}

async fn deactivation_revokes_sessions(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let s = session(&*store, &ws, now() + SignedDuration::from_hours(1)).await;
    // Other changes keep sessions.
    let renamed = store
        .update_agent(
            ws.id,
            ws.owner,
            &AgentPatch {
                name: Some("Grace".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name, "Grace");
    assert!(store.live_session(&s, now()).await.unwrap().is_some());
    let off = store
        .update_agent(
            ws.id,
            ws.owner,
            &AgentPatch {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!off.active);
    assert_eq!(off.name, "Grace");
    assert!(store.live_session(&s, now()).await.unwrap().is_none());
}

async fn api_keys_revoke(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let second = ApiKeyRecord {
        key: ApiKey {
            id: ApiKeyId::new(),
            name: "ci".into(),
            prefix: "stk_efgh".into(),
            scope: Scope::Read,
            created_at: now(),
            revoked_at: None,
        },
        workspace_id: ws.id,
        key_hash: unique("hash_"),
    };
    store.insert_api_key(&second).await.unwrap();
    assert_eq!(store.list_api_keys(ws.id).await.unwrap().len(), 2);
    let live = store.live_api_key(&second.key_hash).await.unwrap().unwrap();
    assert_eq!(live.key, second.key);
    assert!(store.revoke_api_key(ws.id, second.key.id).await.unwrap());
    assert!(
        store
            .live_api_key(&second.key_hash)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store.live_api_key(&ws.key_hash).await.unwrap().is_some(),
        "others stay live"
    );
    let listed = store.list_api_keys(ws.id).await.unwrap();
    let revoked = listed.iter().find(|k| k.id == second.key.id).unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(!store.revoke_api_key(ws.id, ApiKeyId::new()).await.unwrap());
}

async fn sessions_expire(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let expires = now() + SignedDuration::from_mins(10);
    let s = session(&*store, &ws, expires).await;
    assert!(
        store
            .live_session(&s, expires - SignedDuration::from_millis(1))
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.live_session(&s, expires).await.unwrap().is_none());
    assert!(
        store
            .live_session("unknown", now())
            .await
            .unwrap()
            .is_none()
    );

    let visitor = contact(&*store, ws.id, "Vi").await;
    let token_hash = unique("visitor_");
    store
        .insert_visitor_session(&VisitorSessionRecord {
            token_hash: token_hash.clone(),
            workspace_id: ws.id,
            contact_id: visitor.id,
            expires_at: expires,
        })
        .await
        .unwrap();
    let live = store
        .live_visitor_session(&token_hash, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((live.workspace_id, live.contact_id), (ws.id, visitor.id));
    assert!(
        store
            .live_visitor_session(&token_hash, expires)
            .await
            .unwrap()
            .is_none()
    );
}

// ================================================================ contacts

async fn contact_upsert_matches_external_id_then_email(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let first = NewContact {
        external_id: Some("cust-1".into()),
        name: Some("Ann".into()),
        email: Some("ann@mail.test".into()),
        tags: Some(vec![" vip ".into(), "vip".into(), "eu".into()]),
        ..Default::default()
    };
    let (ann, created) = store.upsert_contact(ws.id, &first).await.unwrap();
    assert!(created);
    assert!(!ann.anonymous);
    assert_eq!(ann.tags, ["vip", "eu"]);

    // Same external id: updated, not created; absent fields kept.
    let (again, created) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-1".into()),
                phone: Some("+33600000000".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, ann.id);
    assert_eq!(again.name.as_deref(), Some("Ann"));
    assert_eq!(again.phone.as_deref(), Some("+33600000000"));
    assert_eq!(
        again.tags,
        ["vip", "eu"],
        "tags are replaced only when given"
    );

    // No external id: matched by email, case-insensitively.
    let (by_email, created) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                email: Some("ANN@mail.test".into()),
                name: Some("Annie".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(by_email.id, ann.id);
    assert_eq!(by_email.name.as_deref(), Some("Annie"));
    assert_eq!(
        store.contact(ws.id, ann.id).await.unwrap().unwrap(),
        by_email
    );

    // Another external id is another customer, even with the same email.
    let (other, created) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-2".into()),
                email: Some("ann@mail.test".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(created);
    assert_ne!(other.id, ann.id);

    // An anonymous visitor becomes identified through an email upsert... no: it is matched by
    // email only if it has one; give it one, then identify it.
    let anon = store.insert_anonymous_contact(ws.id).await.unwrap();
    assert!(anon.anonymous);
    store
        .update_contact(
            ws.id,
            anon.id,
            &NewContact {
                email: Some("vis@mail.test".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    let (identified, created) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-3".into()),
                email: Some("vis@mail.test".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(identified.id, anon.id);
    assert!(!identified.anonymous);

    // Taking another contact's external id is refused.
    let err = store
        .update_contact(
            ws.id,
            other.id,
            &NewContact {
                external_id: Some("cust-1".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("contact_external_id")),
        "{err:?}"
    );
}

async fn contact_attributes_merge_and_null_removes(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let (c, _) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-1".into()),
                attributes: Some(
                    json!({"plan": "gold", "size": "M", "gone": null})
                        .as_object()
                        .cloned()
                        .unwrap(),
                ),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(c.attributes.clone()),
        json!({"plan": "gold", "size": "M"})
    );
    let updated = store
        .update_contact(
            ws.id,
            c.id,
            &NewContact {
                attributes: Some(
                    json!({"size": null, "city": "Lyon"})
                        .as_object()
                        .cloned()
                        .unwrap(),
                ),
                tags: Some(vec!["b".into(), " a".into(), "b".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        serde_json::Value::Object(updated.attributes.clone()),
        json!({"plan": "gold", "city": "Lyon"})
    );
    assert_eq!(updated.tags, ["b", "a"]);
    assert_eq!(store.contact(ws.id, c.id).await.unwrap().unwrap(), updated);
    assert!(
        store
            .update_contact(ws.id, ContactId::new(), &NewContact::default())
            .await
            .unwrap()
            .is_none()
    );

    // Tag filter and text search of the contact list.
    let by_tag = store
        .list_contacts(
            ws.id,
            &ContactQuery {
                tag: Some("a".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_tag.items.len(), 1);
    let by_text = store
        .list_contacts(
            ws.id,
            &ContactQuery {
                text: Some("CUST-1".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_text.items.len(), 1);
    let none = store
        .list_contacts(
            ws.id,
            &ContactQuery {
                text: Some("%".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        none.items.is_empty(),
        "LIKE wildcards in the text are literal"
    );
}

async fn merge_contacts_moves_conversations(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let into = store.insert_anonymous_contact(ws.id).await.unwrap();
    let (from, _) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-9".into()),
                name: Some("Fromm".into()),
                tags: Some(vec!["x".into()]),
                attributes: Some(json!({"k": "from", "j": 1}).as_object().cloned().unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .update_contact(
            ws.id,
            into.id,
            &NewContact {
                attributes: Some(json!({"k": "into"}).as_object().cloned().unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let c1 = conversation(&*store, ws.id, from.id).await;
    let c2 = conversation(&*store, ws.id, from.id).await;
    let kept = conversation(&*store, ws.id, into.id).await;
    let seen = track(from.id, "seen-1", "page_viewed", now());
    assert_eq!(
        store
            .insert_contact_events(ws.id, std::slice::from_ref(&seen))
            .await
            .unwrap(),
        Some(1)
    );
    let token_hash = unique("visitor_");
    store
        .insert_visitor_session(&VisitorSessionRecord {
            token_hash: token_hash.clone(),
            workspace_id: ws.id,
            contact_id: from.id,
            expires_at: now() + SignedDuration::from_hours(1),
        })
        .await
        .unwrap();

    let merged = store
        .merge_contacts(ws.id, from.id, into.id)
        .await
        .unwrap()
        .expect("both exist");
    assert_eq!(merged.id, into.id);
    assert_eq!(
        merged.name.as_deref(),
        Some("Fromm"),
        "empty fields are filled"
    );
    assert_eq!(merged.external_id.as_deref(), Some("cust-9"));
    assert_eq!(merged.tags, ["x"]);
    assert_eq!(
        serde_json::Value::Object(merged.attributes.clone()),
        json!({"k": "into", "j": 1})
    );
    assert!(
        store.contact(ws.id, from.id).await.unwrap().is_none(),
        "from is deleted"
    );
    for conv in [&c1, &c2, &kept] {
        assert_eq!(get_conv(&*store, conv).await.contact_id, into.id);
    }
    let by_contact = list_ids(
        &*store,
        ws.id,
        ConversationQuery {
            contact_id: Some(into.id),
            ..query()
        },
    )
    .await;
    assert_eq!(by_contact.len(), 3);
    let session = store
        .live_visitor_session(&token_hash, now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(session.contact_id, into.id);
    let events = store
        .list_contact_events(ws.id, into.id, 50, None)
        .await
        .unwrap();
    assert_eq!(
        events.items,
        [ContactEvent {
            contact_id: into.id,
            ..seen
        }],
        "events follow the contact"
    );
    // The shop's customer id now finds the surviving contact.
    let (found, created) = store
        .upsert_contact(
            ws.id,
            &NewContact {
                external_id: Some("cust-9".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(found.id, into.id);
}

// ================================================================ conversations

async fn conversation_list_filters(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let ann = contact(store, ws.id, "Ann").await;
    let bob = contact(store, ws.id, "Bob").await;
    let open = conversation(store, ws.id, ann.id).await;
    let assigned = conversation(store, ws.id, ann.id).await;
    let resolved = conversation(store, ws.id, bob.id).await;
    assert_eq!(open.status, ConversationStatus::Open);
    assert_eq!(get_conv(store, &open).await, open);

    let updated = store
        .update_conversation(
            ws.id,
            assigned.id,
            &ConversationPatch {
                assignee_id: Some(Some(ws.owner)),
                labels: Some(vec!["refund ".into(), "vip".into(), "refund".into()]),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.assignee_id, Some(ws.owner));
    assert_eq!(updated.labels, ["refund", "vip"]);
    assert_eq!(get_conv(store, &assigned).await, updated);
    store
        .update_conversation(
            ws.id,
            resolved.id,
            &ConversationPatch {
                status: Some(ConversationStatus::Resolved),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();

    let all = list_ids(store, ws.id, query()).await;
    assert_eq!(all, HashSet::from([open.id, assigned.id, resolved.id]));
    let ids = |v: &[&Conversation]| v.iter().map(|c| c.id).collect::<HashSet<_>>();
    let q = |f: fn(&mut ConversationQuery)| {
        let mut q = query();
        f(&mut q);
        q
    };
    assert_eq!(
        list_ids(
            store,
            ws.id,
            q(|q| q.status = Some(ConversationStatus::Resolved))
        )
        .await,
        ids(&[&resolved])
    );
    assert_eq!(
        list_ids(
            store,
            ws.id,
            q(|q| q.status = Some(ConversationStatus::Open))
        )
        .await,
        ids(&[&open, &assigned])
    );
    let mut by_agent = query();
    by_agent.assignee = Some(AssigneeFilter::Agent(ws.owner));
    assert_eq!(list_ids(store, ws.id, by_agent).await, ids(&[&assigned]));
    assert_eq!(
        list_ids(
            store,
            ws.id,
            q(|q| q.assignee = Some(AssigneeFilter::Unassigned))
        )
        .await,
        ids(&[&open, &resolved])
    );
    assert_eq!(
        list_ids(store, ws.id, q(|q| q.label = Some("vip".into()))).await,
        ids(&[&assigned])
    );
    assert!(
        list_ids(store, ws.id, q(|q| q.label = Some("vi".into())))
            .await
            .is_empty()
    );
    let mut by_contact = query();
    by_contact.contact_id = Some(bob.id);
    assert_eq!(list_ids(store, ws.id, by_contact).await, ids(&[&resolved]));

    // Unassigning.
    let unassigned = store
        .update_conversation(
            ws.id,
            assigned.id,
            &ConversationPatch {
                assignee_id: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unassigned.assignee_id, None);
    assert_eq!(
        unassigned.labels,
        ["refund", "vip"],
        "absent fields are left alone"
    );
}

async fn conversation_text_search(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let zoe = contact(store, ws.id, "Zoë Martin").await;
    let max = contact(store, ws.id, "Max").await;
    let by_name = conversation(store, ws.id, zoe.id).await;
    let by_text = conversation(store, ws.id, max.id).await;
    let private_only = conversation(store, ws.id, max.id).await;
    send(
        store,
        new_message(
            &by_text,
            from_contact(max.id),
            "Where is my parcel? Order #1234",
        ),
    )
    .await;
    let mut note = new_message(
        &private_only,
        from_agent(ws.owner),
        "internal parcel escalation",
    );
    note.private = true;
    send(store, note).await;

    let search = |t: &str| ConversationQuery {
        text: Some(t.into()),
        ..query()
    };
    assert_eq!(
        list_ids(store, ws.id, search("martin")).await,
        HashSet::from([by_name.id])
    );
    assert_eq!(
        list_ids(store, ws.id, search("PARCEL")).await,
        HashSet::from([by_text.id])
    );
    assert_eq!(
        list_ids(store, ws.id, search("parc")).await,
        HashSet::from([by_text.id]),
        "prefix"
    );
    assert_eq!(
        list_ids(store, ws.id, search("order 1234")).await,
        HashSet::from([by_text.id])
    );
    assert!(
        list_ids(store, ws.id, search("escalation"))
            .await
            .is_empty(),
        "private notes are not searchable"
    );
    assert!(
        list_ids(store, ws.id, search("nothing-like-this"))
            .await
            .is_empty()
    );
    // FTS syntax in user input is plain text, not an error.
    assert!(
        list_ids(store, ws.id, search("\"NEAR( * OR"))
            .await
            .is_empty()
    );
    let zoe_ext = zoe.external_id.clone().unwrap();
    assert_eq!(
        list_ids(store, ws.id, search(&zoe_ext)).await,
        HashSet::from([by_name.id])
    );
}

/// Pages through `total` conversations whose sort keys all tie and checks each appears
/// exactly once, in (key, id) descending order.
async fn conversation_pages_cover_every_row_once(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let at = now();
    let total = 23;
    let mut expected = HashSet::new();
    let mut convs = vec![];
    let mut messages = vec![];
    for _ in 0..total {
        let conv = conversation(store, ws.id, c.id).await;
        expected.insert(conv.id);
        convs.push(conv.clone());
        let mut m = new_message(&conv, from_contact(c.id), "same time");
        m.created_at = at;
        messages.push(m);
    }
    commit(store, messages).await;

    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = store
            .list_conversations(
                ws.id,
                &ConversationQuery {
                    limit: 5,
                    after,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(page.items.len() <= 5);
        seen.extend(
            page.items
                .iter()
                .map(|c| (c.last_message_at.unwrap(), c.id)),
        );
        match page.next_cursor {
            Some(cursor) => after = Some(Cursor::decode(&cursor).expect("valid cursor")),
            None => break,
        }
    }
    assert_eq!(seen.len(), total);
    assert_eq!(
        seen.iter().map(|(_, id)| *id).collect::<HashSet<_>>(),
        expected
    );
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "strictly descending (time, id)"
    );
    assert!(seen.iter().all(|(t, _)| *t == at), "every key ties");

    // Newest activity first: a new message moves a conversation to the top.
    let oldest = seen.last().unwrap().1;
    let conv = convs.iter().find(|c| c.id == oldest).unwrap();
    send(store, new_message(conv, from_contact(c.id), "bump")).await;
    let first = store
        .list_conversations(
            ws.id,
            &ConversationQuery {
                limit: 1,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(first.items[0].id, oldest);
    assert!(first.next_cursor.is_some());
}

async fn contact_pages_cover_every_row_once(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let mut expected = HashSet::new();
    for i in 0..17 {
        expected.insert(contact(store, ws.id, &format!("c{i}")).await.id);
    }
    let mut seen = vec![];
    let mut after = None;
    loop {
        let page = store
            .list_contacts(
                ws.id,
                &ContactQuery {
                    limit: 4,
                    after,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|c| (c.created_at, c.id)));
        match page.next_cursor {
            Some(cursor) => after = Some(Cursor::decode(&cursor).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 17);
    assert_eq!(
        seen.iter().map(|(_, id)| *id).collect::<HashSet<_>>(),
        expected
    );
    assert!(seen.windows(2).all(|w| w[0] > w[1]));
}

// ================================================================ message log

async fn seqs_are_gapless_across_batches(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let convs = [
        conversation(store, ws.id, c.id).await,
        conversation(store, ws.id, c.id).await,
        conversation(store, ws.id, c.id).await,
    ];
    let mut sent = [0usize; 3];
    for batch in 0..12 {
        let mut messages = vec![];
        for i in 0..(batch * 7 % 11 + 1) {
            let k = (batch + i) % 3;
            sent[k] += 1;
            let sender = if i.is_multiple_of(2) {
                from_contact(c.id)
            } else {
                from_agent(ws.owner)
            };
            messages.push(new_message(&convs[k], sender, &format!("b{batch} m{i}")));
        }
        let outcome = commit(store, messages).await;
        assert!(
            outcome
                .iter()
                .all(|r| r.as_ref().is_ok_and(|a| !a.duplicate))
        );
    }
    for (k, conv) in convs.iter().enumerate() {
        let log = all_messages(store, conv).await;
        let seqs: Vec<i64> = log.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, (1..=sent[k] as i64).collect::<Vec<_>>());
        assert_eq!(get_conv(store, conv).await.last_seq, sent[k] as i64);
    }
}

async fn duplicate_client_msg_id_returns_original(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    let keyed = |key: &str, text: &str| {
        let mut m = new_message(&conv, from_contact(c.id), text);
        m.client_msg_id = Some(key.into());
        m
    };
    let first = send(store, keyed("k1", "first")).await;
    assert!(!first.duplicate);
    assert_eq!(first.contact_id, c.id);

    // Across batches.
    let retry = send(store, keyed("k1", "retry")).await;
    assert!(retry.duplicate);
    assert_eq!(retry.message, first.message);

    // Within a batch, and mixed with a retry of the earlier one.
    let out = commit(
        store,
        vec![
            keyed("k2", "a"),
            keyed("k2", "b"),
            keyed("k1", "c"),
            new_message(&conv, from_contact(c.id), "d"),
        ],
    )
    .await;
    let out: Vec<Appended> = out.into_iter().map(|r| r.unwrap()).collect();
    assert!(!out[0].duplicate);
    assert!(out[1].duplicate);
    assert_eq!(out[1].message, out[0].message);
    assert_eq!(out[1].message.content, Content::text("a"));
    assert!(out[2].duplicate);
    assert_eq!(out[2].message, first.message);
    assert!(!out[3].duplicate);
    assert_eq!(out[3].message.seq, 3);

    let log = all_messages(store, &conv).await;
    assert_eq!(log.len(), 3, "duplicates created nothing");
    assert_eq!(log[0], first.message);
    assert_eq!(
        log[1], out[0].message,
        "the acknowledged message is what is stored"
    );
    let stored = get_conv(store, &conv).await;
    assert_eq!((stored.last_seq, stored.unread_by_agent), (3, 3));

    // The same key in another conversation is another message.
    let other = conversation(store, ws.id, c.id).await;
    let mut m = new_message(&other, from_contact(c.id), "elsewhere");
    m.client_msg_id = Some("k1".into());
    assert!(!send(store, m).await.duplicate);
}

async fn client_msg_id_of_another_sender_is_refused(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    let mut note = new_message(&conv, from_agent(ws.owner), "private note");
    note.private = true;
    note.client_msg_id = Some("k".into());
    send(store, note).await;
    let mut guess = new_message(&conv, from_contact(c.id), "guess");
    guess.client_msg_id = Some("k".into());
    let out = commit(store, vec![guess]).await;
    assert_eq!(
        out[0].as_ref().unwrap_err(),
        &AppendRejected::ClientMsgIdTaken,
        "another sender's key never returns that sender's message"
    );
    assert_eq!(all_messages(store, &conv).await.len(), 1);
}

async fn only_if_contact_refuses_other_contacts(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let ann = contact(store, ws.id, "Ann").await;
    let eve = contact(store, ws.id, "Eve").await;
    let conv = conversation(store, ws.id, ann.id).await;

    let mut intruder = new_message(&conv, from_contact(eve.id), "let me in");
    intruder.only_if_contact = Some(eve.id);
    let mut owner = new_message(&conv, from_contact(ann.id), "hello");
    owner.only_if_contact = Some(ann.id);
    let out = commit(store, vec![intruder, owner]).await;
    assert_eq!(
        out[0].as_ref().unwrap_err(),
        &AppendRejected::ConversationNotFound
    );
    assert_eq!(out[1].as_ref().unwrap().message.seq, 1);

    let mut r = receipt(&conv, Side::Contact, ReceiptKind::Read, 1);
    r.only_if_contact = Some(eve.id);
    assert_eq!(
        receipts(store, vec![r]).await[0],
        ReceiptOutcome::ConversationNotFound
    );
    assert_eq!(all_messages(store, &conv).await.len(), 1);
    assert_eq!(get_conv(store, &conv).await.contact_read_seq, 0);
}

async fn other_workspace_conversation_is_not_found(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let b = workspace(store).await;
    let c = contact(store, a.id, "Ann").await;
    let conv = conversation(store, a.id, c.id).await;
    let mut m = new_message(&conv, from_agent(b.owner), "cross-tenant");
    m.workspace_id = b.id;
    let mut unknown = new_message(&conv, from_agent(a.owner), "nowhere");
    unknown.conversation_id = ConversationId::new();
    let out = commit(store, vec![m, unknown]).await;
    assert!(
        out.iter()
            .all(|r| r.as_ref().unwrap_err() == &AppendRejected::ConversationNotFound)
    );
    assert!(all_messages(store, &conv).await.is_empty());
    assert_eq!(get_conv(store, &conv).await.last_seq, 0);
}

async fn messages_after_and_before(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    let mut batch = vec![];
    for i in 1..=10u32 {
        let mut m = new_message(&conv, from_agent(ws.owner), &format!("m{i}"));
        m.private = i.is_multiple_of(3); // seqs 3, 6, 9 are private notes
        batch.push(m);
    }
    commit(store, batch).await;
    let seqs = |v: Vec<Message>| v.iter().map(|m| m.seq).collect::<Vec<_>>();

    let after = store
        .messages_after(ws.id, conv.id, 4, 3, true)
        .await
        .unwrap();
    assert_eq!(seqs(after), [5, 6, 7]);
    let after = store
        .messages_after(ws.id, conv.id, 4, 3, false)
        .await
        .unwrap();
    assert_eq!(seqs(after), [5, 7, 8]);
    let all_public = store
        .messages_after(ws.id, conv.id, 0, 100, false)
        .await
        .unwrap();
    assert!(all_public.iter().all(|m| !m.private));
    assert_eq!(all_public.len(), 7);
    assert!(
        store
            .messages_after(ws.id, conv.id, 10, 100, true)
            .await
            .unwrap()
            .is_empty()
    );

    let before = store
        .messages_before(ws.id, conv.id, 8, 3, true)
        .await
        .unwrap();
    assert_eq!(seqs(before), [5, 6, 7]);
    let before = store
        .messages_before(ws.id, conv.id, 8, 3, false)
        .await
        .unwrap();
    assert_eq!(seqs(before), [4, 5, 7]);
    let before = store
        .messages_before(ws.id, conv.id, 3, 10, true)
        .await
        .unwrap();
    assert_eq!(seqs(before), [1, 2]);

    let m5 = &store
        .messages_after(ws.id, conv.id, 4, 1, true)
        .await
        .unwrap()[0];
    assert_eq!(m5.content, Content::text("m5"));
    assert_eq!(m5.sender, from_agent(ws.owner));
    // Private notes never show in the preview.
    let stored = get_conv(store, &conv).await;
    assert_eq!(
        stored.last_message_preview.as_deref(),
        Some(Content::text("m10").preview().as_str())
    );
}

async fn receipts_move_forward_only(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    commit(
        store,
        (0..5)
            .map(|i| new_message(&conv, from_agent(ws.owner), &format!("m{i}")))
            .collect(),
    )
    .await;

    let out = receipts(
        store,
        vec![
            receipt(&conv, Side::Contact, ReceiptKind::Delivered, 3),
            receipt(&conv, Side::Contact, ReceiptKind::Delivered, 2),
            receipt(&conv, Side::Contact, ReceiptKind::Read, 99),
            receipt(&conv, Side::Agent, ReceiptKind::Delivered, 4),
        ],
    )
    .await;
    assert_eq!(
        out[0],
        ReceiptOutcome::Advanced(ReceiptAdvanced {
            conversation_id: conv.id,
            contact_id: c.id,
            side: Side::Contact,
            kind: ReceiptKind::Delivered,
            seq: 3
        })
    );
    assert_eq!(out[1], ReceiptOutcome::Unchanged);
    let ReceiptOutcome::Advanced(read) = &out[2] else {
        panic!("read advances: {:?}", out[2])
    };
    assert_eq!(read.seq, 5, "capped at last_seq");
    assert_eq!(
        out[3],
        ReceiptOutcome::Unchanged,
        "agents have no delivered watermark"
    );

    let stored = get_conv(store, &conv).await;
    assert_eq!(
        (stored.contact_delivered_seq, stored.contact_read_seq),
        (5, 5),
        "read implies delivered"
    );
    // Later receipts never move it back.
    let out = receipts(
        store,
        vec![
            receipt(&conv, Side::Contact, ReceiptKind::Read, 1),
            receipt(&conv, Side::Contact, ReceiptKind::Delivered, 4),
            receipt(&conv, Side::Agent, ReceiptKind::Read, 0),
        ],
    )
    .await;
    assert!(
        out.iter().all(|o| *o == ReceiptOutcome::Unchanged),
        "{out:?}"
    );
    let stored = get_conv(store, &conv).await;
    assert_eq!(
        (
            stored.contact_delivered_seq,
            stored.contact_read_seq,
            stored.agent_read_seq
        ),
        (5, 5, 0)
    );

    // A receipt in the same batch as the message it acknowledges is accepted.
    let out = store
        .commit_batch(&WriteBatch {
            messages: vec![new_message(&conv, from_agent(ws.owner), "m6")],
            receipts: vec![receipt(&conv, Side::Contact, ReceiptKind::Read, 6)],
        })
        .await
        .unwrap();
    assert!(matches!(&out.receipts[0], ReceiptOutcome::Advanced(a) if a.seq == 6));
    assert_eq!(get_conv(store, &conv).await.contact_read_seq, 6);
}

async fn unread_counts(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    let mut note = new_message(&conv, from_agent(ws.owner), "note");
    note.private = true;
    let bot = new_message(
        &conv,
        Sender {
            kind: SenderKind::Bot,
            id: None,
        },
        "bot says hi",
    );
    commit(
        store,
        vec![
            new_message(&conv, from_contact(c.id), "1"),
            new_message(&conv, from_contact(c.id), "2"),
            note,
            new_message(&conv, from_agent(ws.owner), "4"),
            bot,
            new_message(&conv, from_contact(c.id), "6"),
        ],
    )
    .await;
    let stored = get_conv(store, &conv).await;
    assert_eq!(
        (stored.unread_by_agent, stored.unread_by_contact),
        (3, 2),
        "private notes never count"
    );

    // The agents read up to seq 2: only the contact's seq-6 message is still unread.
    receipts(
        store,
        vec![receipt(&conv, Side::Agent, ReceiptKind::Read, 2)],
    )
    .await;
    let stored = get_conv(store, &conv).await;
    assert_eq!((stored.unread_by_agent, stored.unread_by_contact), (1, 2));
    // The contact reads up to 4: the bot's message remains.
    receipts(
        store,
        vec![receipt(&conv, Side::Contact, ReceiptKind::Read, 4)],
    )
    .await;
    let stored = get_conv(store, &conv).await;
    assert_eq!((stored.unread_by_agent, stored.unread_by_contact), (1, 1));
    // New messages add up again.
    send(store, new_message(&conv, from_contact(c.id), "7")).await;
    let stored = get_conv(store, &conv).await;
    assert_eq!((stored.unread_by_agent, stored.unread_by_contact), (2, 1));
    receipts(
        store,
        vec![
            receipt(&conv, Side::Agent, ReceiptKind::Read, 7),
            receipt(&conv, Side::Contact, ReceiptKind::Read, 7),
        ],
    )
    .await;
    let stored = get_conv(store, &conv).await;
    assert_eq!((stored.unread_by_agent, stored.unread_by_contact), (0, 0));
}

// ================================================================ webhooks

async fn webhook_delivery_commits_with_the_message(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let conv = conversation(store, ws.id, c.id).await;
    let hook = add_webhook(store, ws.id, &["message.created"]).await;
    assert_eq!(store.list_webhooks(ws.id).await.unwrap()[0].id, hook);

    let appended = send(store, new_message(&conv, from_contact(c.id), "ping")).await;
    let deliveries = store.list_deliveries(ws.id, hook, 50, None).await.unwrap();
    assert_eq!(deliveries.items.len(), 1);
    let delivery = &deliveries.items[0];
    assert_eq!(
        (
            delivery.event_type.as_str(),
            delivery.status,
            delivery.attempts
        ),
        ("message.created", DeliveryStatus::Pending, 0)
    );

    // Its job is due now and names the delivery.
    let jobs = store
        .claim_jobs(
            now() + SignedDuration::from_secs(1),
            SignedDuration::from_secs(30),
            10,
        )
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, "webhook.deliver");
    assert_eq!(jobs[0].payload, json!({"delivery_id": delivery.id}));

    let (d, w, event) = store
        .delivery_for_send(delivery.id)
        .await
        .unwrap()
        .expect("delivery");
    assert_eq!(d, *delivery);
    assert_eq!((w.webhook.id, w.workspace_id), (hook, ws.id));
    assert_eq!(w.secret, "whsec_c2VjcmV0");
    assert_eq!(
        (event.id, event.kind.as_str(), event.workspace_id),
        (d.event_id, "message.created", ws.id)
    );
    assert_eq!(event.data, serde_json::to_value(&appended.message).unwrap());

    store
        .record_delivery_attempt(
            delivery.id,
            DeliveryStatus::Pending,
            Some(500),
            Some("server error"),
        )
        .await
        .unwrap();
    store
        .record_delivery_attempt(delivery.id, DeliveryStatus::Succeeded, Some(200), None)
        .await
        .unwrap();
    let logged = &store
        .list_deliveries(ws.id, hook, 50, None)
        .await
        .unwrap()
        .items[0];
    assert_eq!(
        (logged.status, logged.attempts, logged.response_status),
        (DeliveryStatus::Succeeded, 2, Some(200))
    );
    assert!(
        store
            .delivery_for_send(DeliveryId::new())
            .await
            .unwrap()
            .is_none()
    );

    // A duplicate send emits nothing more; a batch emits one delivery per new message.
    let mut keyed = new_message(&conv, from_contact(c.id), "k");
    keyed.client_msg_id = Some("k".into());
    commit(
        store,
        vec![
            keyed.clone(),
            keyed,
            new_message(&conv, from_agent(ws.owner), "x"),
        ],
    )
    .await;
    assert_eq!(
        store
            .list_deliveries(ws.id, hook, 50, None)
            .await
            .unwrap()
            .items
            .len(),
        3
    );

    // Deleting the webhook stops further deliveries.
    assert!(store.delete_webhook(ws.id, hook).await.unwrap());
    assert!(store.webhook(ws.id, hook).await.unwrap().is_none());
    send(
        store,
        new_message(&conv, from_contact(c.id), "after delete"),
    )
    .await;
    let due = store
        .claim_jobs(
            now() + SignedDuration::from_secs(1),
            SignedDuration::from_secs(30),
            100,
        )
        .await
        .unwrap();
    assert_eq!(
        due.len(),
        2,
        "only the two deliveries queued before the delete"
    );
}

async fn unsubscribed_events_create_no_delivery(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let other = workspace(store).await;
    let contacts_hook =
        add_webhook(store, ws.id, &["contact.created", "conversation.updated"]).await;
    let everything = add_webhook(store, other.id, &["*"]).await;
    let c = contact(store, ws.id, "Ann").await; // contact.created: wanted
    let conv = conversation(store, ws.id, c.id).await; // conversation.created: not wanted
    send(store, new_message(&conv, from_contact(c.id), "hi")).await; // message.created: not wanted
    store
        .update_contact(
            ws.id,
            c.id,
            &NewContact {
                name: Some("Anne".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap(); // not wanted
    store
        .update_conversation(
            ws.id,
            conv.id,
            &ConversationPatch {
                status: Some(ConversationStatus::Pending),
                ..Default::default()
            },
        )
        .await
        .unwrap(); // wanted
    let deliveries = store
        .list_deliveries(ws.id, contacts_hook, 50, None)
        .await
        .unwrap()
        .items;
    let mut types: Vec<_> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    types.sort();
    assert_eq!(types, ["contact.created", "conversation.updated"]);
    // Another workspace's wildcard webhook sees none of it.
    assert!(
        store
            .list_deliveries(other.id, everything, 50, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let jobs = store
        .claim_jobs(
            now() + SignedDuration::from_secs(1),
            SignedDuration::from_secs(30),
            100,
        )
        .await
        .unwrap();
    assert_eq!(jobs.len(), 2);
}

// ================================================================ jobs

async fn jobs_unique_key_dedupes(store: Arc<dyn Store>) {
    let t = now();
    let first = store
        .enqueue_job(&job("remind", t, Some("cart:1")))
        .await
        .unwrap();
    assert!(first.is_some());
    assert!(
        store
            .enqueue_job(&job("remind", t, Some("cart:1")))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .enqueue_job(&job("remind", t, Some("cart:2")))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .enqueue_job(&job("plain", t, None))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .enqueue_job(&job("plain", t, None))
            .await
            .unwrap()
            .is_some(),
        "no key, no dedupe"
    );

    // Still held while running; free once finished.
    let claimed = store
        .claim_jobs(t, SignedDuration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 4);
    assert!(
        store
            .enqueue_job(&job("remind", t, Some("cart:1")))
            .await
            .unwrap()
            .is_none()
    );
    store.complete_job(first.unwrap()).await.unwrap();
    assert!(
        store
            .enqueue_job(&job("remind", t, Some("cart:1")))
            .await
            .unwrap()
            .is_some()
    );
}

async fn jobs_claim_lease_and_crash_recovery(store: Arc<dyn Store>) {
    let t = now();
    let due = store
        .enqueue_job(&job("due", t, None))
        .await
        .unwrap()
        .unwrap();
    let later = store
        .enqueue_job(&job("later", t + SignedDuration::from_hours(1), None))
        .await
        .unwrap()
        .unwrap();

    let claimed = store
        .claim_jobs(t, SignedDuration::from_secs(30), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1, "only due jobs");
    assert_eq!(
        (claimed[0].id, claimed[0].attempts, claimed[0].max_attempts),
        (due, 1, 3)
    );
    assert_eq!(claimed[0].payload, json!({"n": 1}));
    // Leased: not claimed again while the lease runs.
    assert!(
        store
            .claim_jobs(
                t + SignedDuration::from_secs(29),
                SignedDuration::from_secs(30),
                10
            )
            .await
            .unwrap()
            .is_empty()
    );
    // The worker died: once the lease expires the job is claimed again, counting an attempt.
    let again = store
        .claim_jobs(
            t + SignedDuration::from_secs(31),
            SignedDuration::from_secs(30),
            10,
        )
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].id, again[0].attempts), (due, 2));
    // The limit holds.
    let at = t + SignedDuration::from_hours(2);
    store.enqueue_job(&job("more", t, None)).await.unwrap();
    let limited = store
        .claim_jobs(at, SignedDuration::from_secs(30), 1)
        .await
        .unwrap();
    assert_eq!(limited.len(), 1);
    let rest = store
        .claim_jobs(at, SignedDuration::from_secs(30), 10)
        .await
        .unwrap();
    let ids: HashSet<_> = limited.iter().chain(&rest).map(|j| j.id).collect();
    assert!(
        ids.contains(&later) && ids.contains(&due) && ids.len() == 3,
        "{ids:?}"
    );
    store.complete_job(due).await.unwrap();
    assert!(
        store
            .claim_jobs(
                at + SignedDuration::from_hours(1),
                SignedDuration::from_secs(30),
                10
            )
            .await
            .unwrap()
            .iter()
            .all(|j| j.id != due),
        "a completed job never runs again"
    );
}

async fn jobs_fail_retry_dead_and_cancel(store: Arc<dyn Store>) {
    let t = now();
    let lease = SignedDuration::from_secs(30);
    let id = store
        .enqueue_job(&job("flaky", t, None))
        .await
        .unwrap()
        .unwrap();
    store.claim_jobs(t, lease, 10).await.unwrap();
    let retry_at = t + SignedDuration::from_secs(10);
    store.fail_job(id, "timeout", Some(retry_at)).await.unwrap();
    assert!(
        store
            .claim_jobs(t + SignedDuration::from_secs(9), lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "not before retry_at"
    );
    let retried = store.claim_jobs(retry_at, lease, 10).await.unwrap();
    assert_eq!((retried.len(), retried[0].attempts), (1, 2));

    store.fail_job(id, "gave up", None).await.unwrap();
    let far = t + SignedDuration::from_hours(24);
    assert!(
        store.claim_jobs(far, lease, 10).await.unwrap().is_empty(),
        "dead jobs are never claimed"
    );

    // Out of attempts: a retry is not granted (max_attempts = 3).
    let limited = store
        .enqueue_job(&job("limited", t, None))
        .await
        .unwrap()
        .unwrap();
    for attempt in 1..=3 {
        let at = t + SignedDuration::from_mins(attempt);
        let claimed = store.claim_jobs(at, lease, 10).await.unwrap();
        assert_eq!(claimed.len(), 1, "attempt {attempt}");
        store
            .fail_job(limited, "boom", Some(at + SignedDuration::from_secs(1)))
            .await
            .unwrap();
    }
    assert!(store.claim_jobs(far, lease, 10).await.unwrap().is_empty());

    // Cancel by unique key: only a queued job.
    store
        .enqueue_job(&job("reminder", far, Some("cart:7")))
        .await
        .unwrap()
        .unwrap();
    assert!(store.cancel_job("cart:7").await.unwrap());
    assert!(!store.cancel_job("cart:7").await.unwrap());
    assert!(store.claim_jobs(far, lease, 10).await.unwrap().is_empty());
    assert!(
        store
            .enqueue_job(&job("reminder", far, Some("cart:7")))
            .await
            .unwrap()
            .is_some(),
        "the key is free again"
    );
}

async fn wake_snoozed_reopens_due_only(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let t = now();
    let snooze = |until: Timestamp| ConversationPatch {
        status: Some(ConversationStatus::Snoozed),
        snoozed_until: Some(until),
        ..Default::default()
    };
    let soon = conversation(store, ws.id, c.id).await;
    let late = conversation(store, ws.id, c.id).await;
    let open = conversation(store, ws.id, c.id).await;
    let s = store
        .update_conversation(ws.id, soon.id, &snooze(t + SignedDuration::from_mins(5)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.status, s.snoozed_until),
        (
            ConversationStatus::Snoozed,
            Some(t + SignedDuration::from_mins(5))
        )
    );
    store
        .update_conversation(ws.id, late.id, &snooze(t + SignedDuration::from_hours(5)))
        .await
        .unwrap();

    assert!(store.wake_snoozed(t).await.unwrap().is_empty());
    let woken = store
        .wake_snoozed(t + SignedDuration::from_mins(5))
        .await
        .unwrap();
    assert_eq!(woken.iter().map(|c| c.id).collect::<Vec<_>>(), [soon.id]);
    assert_eq!(
        (woken[0].status, woken[0].snoozed_until),
        (ConversationStatus::Open, None)
    );
    assert_eq!(get_conv(store, &soon).await, woken[0]);
    assert_eq!(
        get_conv(store, &late).await.status,
        ConversationStatus::Snoozed
    );
    assert_eq!(
        get_conv(store, &open).await.status,
        ConversationStatus::Open
    );
    assert!(
        store
            .wake_snoozed(t + SignedDuration::from_mins(6))
            .await
            .unwrap()
            .is_empty()
    );
}

/// A contact's message reopens a resolved or snoozed conversation in the commit that appends
/// it, tells the committer (for the agents' `conversation` frame) and emits
/// `conversation.updated`; the shop's messages reopen nothing.
async fn contact_message_reopens_resolved_and_snoozed(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws.id, "Ann").await;
    let hook = add_webhook(store, ws.id, &["conversation.updated"]).await;
    let resolved = conversation(store, ws.id, c.id).await;
    let snoozed = conversation(store, ws.id, c.id).await;
    let pending = conversation(store, ws.id, c.id).await;
    let set = |status, snoozed_until| ConversationPatch {
        status: Some(status),
        snoozed_until,
        ..Default::default()
    };
    let later = Some(now() + SignedDuration::from_hours(5));
    for (conv, patch) in [
        (&resolved, set(ConversationStatus::Resolved, None)),
        (&snoozed, set(ConversationStatus::Snoozed, later)),
        (&pending, set(ConversationStatus::Pending, None)),
    ] {
        store
            .update_conversation(ws.id, conv.id, &patch)
            .await
            .unwrap();
    }
    let updates_so_far = store.list_deliveries(ws.id, hook, 50, None).await.unwrap();
    assert_eq!(updates_so_far.items.len(), 3);

    // The shop writing into a resolved conversation leaves it resolved.
    let out = store
        .commit_batch(&WriteBatch {
            messages: vec![new_message(&resolved, from_agent(ws.owner), "bye")],
            receipts: vec![],
        })
        .await
        .unwrap();
    assert!(out.reopened.is_empty());
    assert_eq!(
        get_conv(store, &resolved).await.status,
        ConversationStatus::Resolved
    );

    // The contact writing back reopens resolved and snoozed ones, once each, not pending ones.
    let out = store
        .commit_batch(&WriteBatch {
            messages: vec![
                new_message(&resolved, from_contact(c.id), "one more thing"),
                new_message(&resolved, from_contact(c.id), "and another"),
                new_message(&snoozed, from_contact(c.id), "hello?"),
                new_message(&pending, from_contact(c.id), "any news?"),
            ],
            receipts: vec![],
        })
        .await
        .unwrap();
    assert!(out.messages.iter().all(Result::is_ok));
    let mut reopened: Vec<ConversationId> = out.reopened.iter().map(|c| c.id).collect();
    reopened.sort();
    let mut expected = vec![resolved.id, snoozed.id];
    expected.sort();
    assert_eq!(reopened, expected);
    for conv in [&resolved, &snoozed] {
        let stored = get_conv(store, conv).await;
        assert_eq!(
            (stored.status, stored.snoozed_until),
            (ConversationStatus::Open, None)
        );
        let told = out.reopened.iter().find(|c| c.id == conv.id).unwrap();
        assert_eq!(*told, stored, "the committer gets the committed state");
    }
    assert_eq!(
        get_conv(store, &pending).await.status,
        ConversationStatus::Pending
    );
    let deliveries = store.list_deliveries(ws.id, hook, 50, None).await.unwrap();
    assert_eq!(
        deliveries.items.len(),
        5,
        "one conversation.updated per reopening"
    );
    // A reopened conversation is no longer woken up by the sweeper.
    assert!(
        store
            .wake_snoozed(now() + SignedDuration::from_hours(6))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn canned_responses_crud_and_unique_shortcut(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let b = workspace(store).await;
    let canned = |shortcut: &str| CannedResponse {
        id: CannedResponseId::new(),
        shortcut: shortcut.into(),
        title: format!("Title {shortcut}"),
        text: format!("Text of {shortcut}"),
        created_at: now(),
        updated_at: now(),
    };
    let thanks = canned("thanks");
    let hello = canned("hello");
    store.insert_canned_response(a.id, &thanks).await.unwrap();
    store.insert_canned_response(a.id, &hello).await.unwrap();
    // Listed by shortcut.
    assert_eq!(
        store.list_canned_responses(a.id).await.unwrap(),
        [hello.clone(), thanks.clone()]
    );
    // A shortcut is unique in its workspace only.
    let err = store
        .insert_canned_response(a.id, &canned("thanks"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("canned_response_shortcut")),
        "{err:?}"
    );
    store
        .insert_canned_response(b.id, &canned("thanks"))
        .await
        .unwrap();

    let patch = CannedResponsePatch {
        title: Some("Thank you".into()),
        ..Default::default()
    };
    let updated = store
        .update_canned_response(a.id, thanks.id, &patch)
        .await
        .unwrap()
        .expect("exists");
    assert_eq!(
        (
            updated.shortcut.as_str(),
            updated.title.as_str(),
            updated.text.as_str()
        ),
        ("thanks", "Thank you", "Text of thanks"),
        "absent fields are kept"
    );
    assert!(updated.updated_at >= thanks.updated_at);
    assert_eq!(updated.created_at, thanks.created_at);
    let taken = CannedResponsePatch {
        shortcut: Some("hello".into()),
        ..Default::default()
    };
    let err = store
        .update_canned_response(a.id, thanks.id, &taken)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("canned_response_shortcut")),
        "{err:?}"
    );

    // Another workspace finds nothing and changes nothing.
    assert_eq!(store.list_canned_responses(b.id).await.unwrap().len(), 1);
    assert!(
        store
            .update_canned_response(b.id, thanks.id, &patch)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.delete_canned_response(b.id, thanks.id).await.unwrap());

    assert!(store.delete_canned_response(a.id, thanks.id).await.unwrap());
    assert!(!store.delete_canned_response(a.id, thanks.id).await.unwrap());
    assert_eq!(store.list_canned_responses(a.id).await.unwrap(), [hello]);
}

async fn contact_events_are_stored_once_and_paged(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let b = workspace(store).await;
    let ann = contact(store, a.id, "Ann").await;
    let bob = contact(store, a.id, "Bob").await;
    let hook = add_webhook(store, a.id, &["contact.event_tracked"]).await;
    let t = now();
    let at = |mins: i64| t - SignedDuration::from_mins(mins);
    let mut viewed = track(ann.id, "e1", "product.viewed", at(3));
    viewed.properties = json!({"product_id": "p1"}).as_object().cloned();

    let first = vec![
        viewed.clone(),
        track(ann.id, "e2", "page_viewed", at(2)),
        track(bob.id, "e3", "page_viewed", at(1)),
        // Repeated within the call: stored once.
        track(ann.id, "e2", "page_viewed", at(2)),
    ];
    assert_eq!(
        store.insert_contact_events(a.id, &first).await.unwrap(),
        Some(3)
    );
    // A retry stores nothing more; a new id next to it is stored.
    let retry = vec![
        track(ann.id, "e1", "product.viewed", at(3)),
        track(ann.id, "e4", "cart_viewed", at(0)),
    ];
    assert_eq!(
        store.insert_contact_events(a.id, &retry).await.unwrap(),
        Some(1)
    );
    let deliveries = store.list_deliveries(a.id, hook, 50, None).await.unwrap();
    assert_eq!(
        deliveries.items.len(),
        4,
        "one contact.event_tracked per stored event"
    );
    assert!(
        deliveries
            .items
            .iter()
            .all(|d| d.event_type == "contact.event_tracked")
    );
    let (_, _, body) = store
        .delivery_for_send(deliveries.items.last().unwrap().id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(body.data, serde_json::to_value(&viewed).unwrap());

    // Another workspace's contact, or an unknown one, stores nothing at all.
    let foreign = vec![
        track(ann.id, "e5", "page_viewed", t),
        track(ContactId::new(), "e6", "page_viewed", t),
    ];
    assert_eq!(
        store.insert_contact_events(a.id, &foreign).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .insert_contact_events(b.id, &[track(ann.id, "e7", "page_viewed", t)])
            .await
            .unwrap(),
        None
    );
    // Ids are per workspace: B may use A's.
    let b_contact = contact(store, b.id, "Bea").await;
    assert_eq!(
        store
            .insert_contact_events(b.id, &[track(b_contact.id, "e1", "page_viewed", t)])
            .await
            .unwrap(),
        Some(1)
    );

    // Newest first, page after page, every event once; other contacts' and workspaces' apart.
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_contact_events(a.id, ann.id, 1, after)
            .await
            .unwrap();
        ids.extend(page.items.iter().map(|e| e.id.clone()));
        match page.next_cursor {
            Some(c) => after = Some(Cursor::decode(&c).expect("a cursor")),
            None => break,
        }
    }
    assert_eq!(ids, ["e4", "e2", "e1"]);
    let page = store
        .list_contact_events(a.id, ann.id, 50, None)
        .await
        .unwrap();
    assert_eq!(page.items[2], viewed, "stored as sent");
    assert!(
        store
            .list_contact_events(b.id, ann.id, 50, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn media_round_trip(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let rec = MediaRecord {
        media: Media {
            id: MediaId::new(),
            filename: "photo.jpg".into(),
            content_type: "image/jpeg".into(),
            size_bytes: 1234,
            url: "/api/v1/media/x".into(),
            created_at: now(),
        },
        workspace_id: ws.id,
        storage_name: unique("m_"),
    };
    store.insert_media(&rec).await.unwrap();
    let got = store.media(ws.id, rec.media.id).await.unwrap().unwrap();
    assert_eq!((got.media, got.storage_name), (rec.media, rec.storage_name));
    assert!(store.media(ws.id, MediaId::new()).await.unwrap().is_none());
}

// ================================================================ durability

/// Every message committed before the store is dropped is there after reopening, with its
/// seq, and the conversation's counters agree.
async fn durability_after_reopen(backend: Backend) {
    let Backend {
        store,
        reopen,
        _guard,
    } = backend;
    let ws = workspace(&*store).await;
    let c = contact(&*store, ws.id, "Ann").await;
    let conv = conversation(&*store, ws.id, c.id).await;
    let mut acked = vec![];
    for batch in 0..5 {
        let messages = (0..50)
            .map(|i| new_message(&conv, from_contact(c.id), &format!("{batch}/{i}")))
            .collect();
        acked.extend(
            commit(&*store, messages)
                .await
                .into_iter()
                .map(|r| r.unwrap().message),
        );
    }
    drop(store);

    let store = reopen().await;
    assert_eq!(all_messages(&*store, &conv).await, acked);
    let stored = get_conv(&*store, &conv).await;
    assert_eq!((stored.last_seq, stored.unread_by_agent), (250, 250));
    // And it keeps appending where it left off.
    assert_eq!(
        send(&*store, new_message(&conv, from_contact(c.id), "after"))
            .await
            .message
            .seq,
        251
    );
}

// ================================================================ product catalog

fn product(ws: WorkspaceId, title: &str, prices: &[(i64, Option<i64>)]) -> Product {
    Product {
        id: ProductId::new(),
        workspace_id: ws,
        external_id: None,
        title: title.into(),
        description: None,
        url: None,
        category: None,
        tags: vec![],
        images: vec![],
        currency: "EUR".into(),
        localized: Default::default(),
        variants: prices
            .iter()
            .enumerate()
            .map(|(i, (price, inventory))| Variant {
                id: format!("v{i}"),
                sku: None,
                title: format!("Variant {i}"),
                options: Default::default(),
                price_minor: *price,
                compare_at_minor: None,
                inventory: *inventory,
                image_url: None,
            })
            .collect(),
        created_at: now(),
        updated_at: now(),
    }
}

async fn product_ids(store: &dyn Store, ws: WorkspaceId, q: ProductQuery) -> HashSet<ProductId> {
    let q = ProductQuery { limit: 200, ..q };
    let page = store.list_products(ws, &q).await.unwrap();
    page.items.iter().map(|p| p.id).collect()
}

async fn products_crud_isolation_and_unique_external_id(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let b = workspace(store).await;
    let mut mug = product(a.id, "Mug", &[(1299, Some(3))]);
    mug.external_id = Some("sku-1".into());
    store.insert_product(&mug).await.unwrap();
    assert_eq!(
        store.get_product(a.id, mug.id).await.unwrap(),
        Some(mug.clone())
    );
    // Another workspace neither sees, changes nor deletes it.
    assert_eq!(store.get_product(b.id, mug.id).await.unwrap(), None);
    let mut foreign = mug.clone();
    foreign.workspace_id = b.id;
    assert!(!store.replace_product(&foreign).await.unwrap());
    assert!(!store.delete_product(b.id, mug.id).await.unwrap());
    assert!(
        product_ids(
            store,
            b.id,
            ProductQuery {
                text: Some("mug".into()),
                ..Default::default()
            }
        )
        .await
        .is_empty()
    );
    // The external id is unique per workspace only.
    let mut again = product(a.id, "Other", &[(1, None)]);
    again.external_id = Some("sku-1".into());
    let err = store.insert_product(&again).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate("product_external_id")),
        "{err:?}"
    );
    again.workspace_id = b.id;
    store.insert_product(&again).await.unwrap();
    // Replace rewrites the document and its indexes.
    mug.title = "Teapot".into();
    mug.variants[0].price_minor = 5000;
    assert!(store.replace_product(&mug).await.unwrap());
    assert_eq!(
        store.get_product(a.id, mug.id).await.unwrap(),
        Some(mug.clone())
    );
    let teapot = ProductQuery {
        text: Some("teapot".into()),
        ..Default::default()
    };
    assert_eq!(
        product_ids(store, a.id, teapot.clone()).await,
        HashSet::from([mug.id])
    );
    let old = ProductQuery {
        text: Some("mug".into()),
        ..Default::default()
    };
    assert!(product_ids(store, a.id, old).await.is_empty());
    let cheap = ProductQuery {
        max_price: Some(2000),
        ..Default::default()
    };
    assert!(product_ids(store, a.id, cheap).await.is_empty());
    // Delete removes it from reads and search.
    assert!(store.delete_product(a.id, mug.id).await.unwrap());
    assert!(!store.delete_product(a.id, mug.id).await.unwrap());
    assert_eq!(store.get_product(a.id, mug.id).await.unwrap(), None);
    assert!(product_ids(store, a.id, teapot).await.is_empty());
}

async fn product_list_filters(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let other = workspace(store).await;
    let mut mug = product(a.id, "Blue coffee mug", &[(1000, Some(0)), (2000, Some(5))]);
    mug.category = Some("kitchen".into());
    mug.tags = vec!["ceramic".into()];
    let mut shirt = product(a.id, "Shirt", &[(3000, Some(0))]);
    shirt.description = Some("Organic cotton, very blue".into());
    shirt.variants[0].sku = Some("SHIRT-XL".into());
    let lamp = product(a.id, "Lamp", &[(500, None)]);
    for p in [&mug, &shirt, &lamp] {
        store.insert_product(p).await.unwrap();
    }
    store
        .insert_product(&product(other.id, "Blue mug", &[(1000, None)]))
        .await
        .unwrap();
    let ids = |q: ProductQuery| product_ids(store, a.id, q);
    let text = |t: &str| ProductQuery {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(
        ids(Default::default()).await,
        HashSet::from([mug.id, shirt.id, lamp.id])
    );
    // Text: title, description, tags and SKUs, by word prefix, every word required.
    assert_eq!(ids(text("blue")).await, HashSet::from([mug.id, shirt.id]));
    assert_eq!(ids(text("coff mug")).await, HashSet::from([mug.id]));
    assert_eq!(ids(text("ceramic")).await, HashSet::from([mug.id]));
    assert_eq!(ids(text("shirt-xl")).await, HashSet::from([shirt.id]));
    assert!(ids(text("blue lamp")).await.is_empty());
    assert!(ids(text("\"*")).await.is_empty());
    // Category.
    let kitchen = ProductQuery {
        category: Some("kitchen".into()),
        ..Default::default()
    };
    assert_eq!(ids(kitchen).await, HashSet::from([mug.id]));
    // Price, on any variant.
    let q = ProductQuery {
        min_price: Some(1500),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([mug.id, shirt.id]));
    let q = ProductQuery {
        max_price: Some(1000),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([mug.id, lamp.id]));
    let q = ProductQuery {
        min_price: Some(1500),
        max_price: Some(2500),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([mug.id]));
    // Stock: some variant untracked or above zero.
    let q = ProductQuery {
        in_stock: Some(true),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([mug.id, lamp.id]));
    // `false`: sold out, no variant in stock.
    let q = ProductQuery {
        in_stock: Some(false),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([shirt.id]));
    // One variant must meet the price and stock conditions together.
    let q = ProductQuery {
        max_price: Some(1000),
        in_stock: Some(true),
        ..Default::default()
    };
    assert_eq!(ids(q).await, HashSet::from([lamp.id]));
}

async fn product_pages_cover_every_row_once(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    // Equal creation times: the id breaks the tie.
    let at = now();
    let mut all = HashSet::new();
    for i in 0..25 {
        let mut p = product(a.id, &format!("Item {i}"), &[(i, None)]);
        p.created_at = at;
        p.updated_at = at;
        store.insert_product(&p).await.unwrap();
        all.insert(p.id);
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let q = ProductQuery {
            limit: 7,
            after,
            ..Default::default()
        };
        let page = store.list_products(a.id, &q).await.unwrap();
        assert!(page.items.len() <= 7);
        seen.extend(page.items.iter().map(|p| p.id));
        match page.next_cursor {
            Some(c) => after = Some(Cursor::decode(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().copied().collect::<HashSet<_>>(), all);
}

/// Every page of a text search, in order.
async fn search_pages(store: &dyn Store, ws: WorkspaceId, q: ProductQuery) -> Vec<Vec<ProductId>> {
    let mut pages = Vec::new();
    let mut after = None;
    loop {
        let q = ProductQuery { after, ..q.clone() };
        let page = store.list_products(ws, &q).await.unwrap();
        assert!(page.items.len() <= q.limit as usize);
        pages.push(page.items.iter().map(|p| p.id).collect());
        match page.next_cursor {
            Some(c) => after = Some(Cursor::decode(&c).unwrap()),
            None => return pages,
        }
    }
}

async fn product_text_search_pages_newest_first(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let other = workspace(store).await;
    // Creation times out of insertion order, several sharing a millisecond; every other
    // product matches, and so do products of another workspace.
    let base = now();
    let mut matching = Vec::new();
    for i in 0..30i64 {
        let at = base + SignedDuration::from_millis((i * 7) % 11);
        let title = if i % 2 == 0 { "Blue mug" } else { "Red lamp" };
        let mut p = product(a.id, title, &[(100 + i, None)]);
        p.created_at = at;
        p.updated_at = at;
        store.insert_product(&p).await.unwrap();
        if i % 2 == 0 {
            matching.push(p);
        }
        let mut foreign = product(other.id, "Blue mug", &[(1, None)]);
        foreign.created_at = at;
        store.insert_product(&foreign).await.unwrap();
    }
    let q = ProductQuery {
        text: Some("blu".into()),
        limit: 4,
        ..Default::default()
    };
    let pages = search_pages(store, a.id, q.clone()).await;
    let seen: Vec<ProductId> = pages.concat();
    assert_eq!(seen.len(), matching.len(), "each match once");
    assert_eq!(
        seen.iter().copied().collect::<HashSet<_>>(),
        matching.iter().map(|p| p.id).collect()
    );
    // Newest first: creation times never increase along the pages.
    let created: Vec<i64> = seen
        .iter()
        .map(|id| {
            let p = matching.iter().find(|p| p.id == *id).unwrap();
            p.created_at.as_millisecond()
        })
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    // Filters apply on every page, and replacing a product keeps its place.
    let mut first = matching[0].clone();
    first.title = "Blue mug, new photo".into();
    assert!(store.replace_product(&first).await.unwrap());
    assert_eq!(search_pages(store, a.id, q.clone()).await.concat(), seen);
    let cheap = ProductQuery {
        max_price: Some(110),
        ..q.clone()
    };
    let cheap_ids: Vec<ProductId> = seen
        .iter()
        .copied()
        .filter(|id| {
            matching
                .iter()
                .any(|p| p.id == *id && p.variants[0].price_minor <= 110)
        })
        .collect();
    assert_eq!(search_pages(store, a.id, cheap).await.concat(), cheap_ids);
    // A deleted product leaves the search.
    assert!(store.delete_product(a.id, first.id).await.unwrap());
    assert_eq!(
        search_pages(store, a.id, q).await.concat(),
        seen[..]
            .iter()
            .copied()
            .filter(|id| *id != first.id)
            .collect::<Vec<_>>()
    );
}

async fn product_import_writes_each_product_whole(store: Arc<dyn Store>) {
    let store = &*store;
    let a = workspace(store).await;
    let mut mug = product(a.id, "Mug", &[(1000, None)]);
    mug.external_id = Some("mug".into());
    store.insert_product(&mug).await.unwrap();

    let mut new_mug = product(a.id, "Teapot", &[(5000, None), (6000, Some(0))]);
    new_mug.external_id = Some("mug".into());
    let mut lamp = product(a.id, "Lamp", &[(700, None)]);
    lamp.external_id = Some("lamp".into());
    let plain = product(a.id, "Vase", &[(300, None)]);
    let batch = [new_mug.clone(), lamp.clone(), plain.clone()];

    // Without replacing, the taken external id is skipped and the rest created.
    let outcomes = store
        .import_products(&batch, OnExistingProduct::Skip)
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [
            ImportOutcome::ExternalIdTaken,
            ImportOutcome::Created,
            ImportOutcome::Created
        ]
    );
    assert_eq!(
        store.get_product(a.id, mug.id).await.unwrap(),
        Some(mug.clone())
    );
    assert_eq!(
        store.get_product(a.id, lamp.id).await.unwrap(),
        Some(lamp.clone())
    );
    assert!(store.get_product(a.id, new_mug.id).await.unwrap().is_none());

    // Replacing writes over the stored product, which keeps its id and creation time, and
    // rewrites its indexes.
    let outcomes = store
        .import_products(&batch[..1], OnExistingProduct::Replace)
        .await
        .unwrap();
    assert_eq!(outcomes, [ImportOutcome::Updated]);
    let stored = store.get_product(a.id, mug.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        Product {
            id: mug.id,
            created_at: mug.created_at,
            ..new_mug.clone()
        }
    );
    assert!(store.get_product(a.id, new_mug.id).await.unwrap().is_none());
    let text = |t: &str| ProductQuery {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(
        product_ids(store, a.id, text("teapot")).await,
        HashSet::from([mug.id])
    );
    assert!(product_ids(store, a.id, text("mug")).await.is_empty());
    let q = ProductQuery {
        min_price: Some(5500),
        ..Default::default()
    };
    assert_eq!(product_ids(store, a.id, q).await, HashSet::from([mug.id]));
    // Within one call, a later product meets an earlier one as stored.
    let mut twin = lamp.clone();
    twin.id = ProductId::new();
    twin.title = "Desk lamp".into();
    let mut fresh = product(a.id, "Bowl", &[(1, None)]);
    fresh.external_id = Some("bowl".into());
    let mut fresh_twin = fresh.clone();
    fresh_twin.id = ProductId::new();
    let outcomes = store
        .import_products(&[twin, fresh, fresh_twin], OnExistingProduct::Replace)
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [
            ImportOutcome::Updated,
            ImportOutcome::Created,
            ImportOutcome::Updated
        ]
    );
    assert_eq!(
        store
            .get_product(a.id, lamp.id)
            .await
            .unwrap()
            .unwrap()
            .title,
        "Desk lamp"
    );
    assert_eq!(product_ids(store, a.id, Default::default()).await.len(), 4);
}
