//! Shared fixtures: a SQLite store on a temp file, and a workspace with one webhook.

#![allow(dead_code)]

use jiff::Timestamp;
use shoptalk_core::auth;
use shoptalk_core::store::{
    AgentRecord, ApiKeyRecord, NewMessage, Store, WebhookRecord, WorkspaceRecord, WriteBatch,
};
use shoptalk_store::SqliteStore;
use shoptalk_types::model::*;
use shoptalk_types::*;
use std::sync::Arc;

pub struct TestStore {
    pub store: Arc<SqliteStore>,
    // Dropped last: the database file lives here.
    _dir: tempfile::TempDir,
}

impl TestStore {
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        self.store.clone()
    }
}

pub async fn open_store() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("shoptalk.db"))
        .await
        .expect("open the store");
    TestStore {
        store: Arc::new(store),
        _dir: dir,
    }
}

/// A workspace with an owner, an API key, a webhook subscribed to `message.created`, a
/// contact and a conversation.
pub struct Seed {
    pub workspace_id: WorkspaceId,
    pub webhook_id: WebhookId,
    pub secret: String,
    pub contact_id: ContactId,
    pub conversation_id: ConversationId,
}

pub async fn seed(store: &dyn Store, webhook_url: &str) -> Seed {
    let now = Timestamp::now();
    let workspace_id = WorkspaceId::new();
    let workspace = WorkspaceRecord {
        workspace: Workspace {
            id: workspace_id,
            name: "Test shop".into(),
            widget_key: auth::new_widget_key(),
            identity_required: false,
            allowed_origins: vec![],
            widget: Default::default(),
            created_at: now,
        },
        identity_secret: auth::new_identity_secret(),
    };
    let owner = AgentRecord {
        agent: Agent {
            id: AgentId::new(),
            workspace_id,
            email: format!("owner-{workspace_id}@example.com"),
            name: "Owner".into(),
            role: Role::Owner,
            active: true,
            created_at: now,
        },
        password_hash: auth::hash_password("correct horse battery"),
    };
    let token = auth::new_token(auth::TokenKind::ApiKey);
    let api_key = ApiKeyRecord {
        key: ApiKey {
            id: ApiKeyId::new(),
            name: "admin".into(),
            prefix: token[..10].to_owned(),
            scope: Scope::Admin,
            created_at: now,
            revoked_at: None,
        },
        workspace_id,
        key_hash: auth::token_hash(&token),
    };
    store
        .create_workspace(&workspace, &owner, &api_key)
        .await
        .unwrap();

    let secret = auth::new_webhook_secret();
    let webhook_id = WebhookId::new();
    store
        .insert_webhook(&WebhookRecord {
            webhook: Webhook {
                id: webhook_id,
                url: webhook_url.to_owned(),
                events: vec!["message.created".into()],
                active: true,
                created_at: now,
            },
            workspace_id,
            secret: secret.clone(),
        })
        .await
        .unwrap();

    let (contact, created) = store
        .upsert_contact(
            workspace_id,
            &NewContact {
                external_id: Some("cust-1".into()),
                name: Some("Ada".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(created);
    let conversation = store
        .create_conversation(workspace_id, contact.id, Channel::Web)
        .await
        .unwrap()
        .expect("the contact is in the workspace");
    Seed {
        workspace_id,
        webhook_id,
        secret,
        contact_id: contact.id,
        conversation_id: conversation.id,
    }
}

/// Appends a message from the contact; the store queues its `message.created` delivery.
pub async fn post_message(store: &dyn Store, seed: &Seed, text: &str) -> Message {
    let batch = WriteBatch {
        messages: vec![NewMessage {
            id: MessageId::new(),
            workspace_id: seed.workspace_id,
            conversation_id: seed.conversation_id,
            only_if_contact: None,
            sender: Sender {
                kind: SenderKind::Contact,
                id: Some(seed.contact_id.0),
            },
            content: Content::text(text),
            private: false,
            client_msg_id: None,
            created_at: Timestamp::now(),
        }],
        receipts: vec![],
    };
    let outcome = store.commit_batch(&batch).await.unwrap();
    let appended = outcome
        .messages
        .into_iter()
        .next()
        .unwrap()
        .expect("appended");
    appended.message
}

/// The webhook's deliveries, newest first.
pub async fn deliveries(store: &dyn Store, seed: &Seed) -> Vec<WebhookDelivery> {
    store
        .list_deliveries(seed.workspace_id, seed.webhook_id, 100, None)
        .await
        .unwrap()
        .items
}

/// `now` plus whole seconds.
pub fn later(now: Timestamp, secs: i64) -> Timestamp {
    now.checked_add(jiff::SignedDuration::from_secs(secs))
        .unwrap()
}
