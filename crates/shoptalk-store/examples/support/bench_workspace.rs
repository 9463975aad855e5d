//! The workspace the store benchmarks write into: one owner agent and one admin key, inserted
//! straight through the `Store` (no hashing, no HTTP) so set-up costs nothing measurable.

use jiff::Timestamp;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;

/// Creates the bench workspace; returns its id and its owner's id.
pub async fn create(
    store: &SqliteStore,
) -> Result<(WorkspaceId, AgentId), Box<dyn std::error::Error>> {
    let ws = WorkspaceId::new();
    let agent = AgentId::new();
    let t = Timestamp::now();
    store
        .create_workspace(
            &WorkspaceRecord {
                workspace: Workspace {
                    id: ws,
                    name: "Bench".into(),
                    widget_key: "stw_bench".into(),
                    identity_required: false,
                    allowed_origins: vec![],
                    widget: Default::default(),
                    created_at: t,
                },
                identity_secret: "s".into(),
            },
            &AgentRecord {
                agent: Agent {
                    id: agent,
                    workspace_id: ws,
                    email: "a@bench.test".into(),
                    name: "A".into(),
                    role: Role::Owner,
                    active: true,
                    created_at: t,
                },
                password_hash: "x".into(),
            },
            &ApiKeyRecord {
                key: ApiKey {
                    id: ApiKeyId::new(),
                    name: "k".into(),
                    prefix: "stk_".into(),
                    scope: Scope::Admin,
                    created_at: t,
                    revoked_at: None,
                },
                workspace_id: ws,
                key_hash: "h".into(),
            },
        )
        .await?;
    Ok((ws, agent))
}
