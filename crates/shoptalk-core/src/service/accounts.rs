//! Workspaces, staff, sessions and API keys.

use super::{Actor, App, Capability};
use crate::StoreError;
use crate::auth::{self, TokenKind};
use crate::error::{DomainError, DomainResult};
use crate::store::*;
use jiff::Timestamp;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;

/// Longest workspace, agent or key name.
const MAX_NAME_CHARS: usize = 120;

fn check_name(field: &str, name: &str) -> DomainResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(DomainError::invalid(field, "must be 1 to 120 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(name.to_string())
}

/// Lower-cased, with one `@` and something on each side: deliverability is the mail
/// server's business, not ours.
pub(crate) fn check_email(field: &str, email: &str) -> DomainResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err(DomainError::invalid(field, "is not an email address"))
    }
}

fn check_password(field: &str, password: &str) -> DomainResult<()> {
    auth::check_password_rules(password).map_err(|m| DomainError::invalid(field, m))
}

fn duplicate_as_conflict(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate("agent_email") => {
            DomainError::Conflict("an agent with this email already exists".into())
        }
        StoreError::Duplicate(what) => DomainError::Conflict(format!("duplicate {what}")),
        other => other.into(),
    }
}

impl App {
    /// Creates a workspace with its owner and a first admin API key. Used by the CLI; the
    /// returned secrets are shown once.
    pub async fn create_workspace(
        &self,
        name: &str,
        owner_email: &str,
        owner_password: Option<&str>,
    ) -> DomainResult<WorkspaceCreated> {
        let name = check_name("name", name)?;
        let owner_email = check_email("owner_email", owner_email)?;
        let generated = owner_password.is_none().then(auth::new_password);
        let password = owner_password.or(generated.as_deref()).unwrap_or_default();
        check_password("owner_password", password)?;
        let now = Timestamp::now();
        let workspace = WorkspaceRecord {
            workspace: Workspace {
                id: WorkspaceId::new(),
                name,
                widget_key: auth::new_widget_key(),
                identity_required: false,
                allowed_origins: Vec::new(),
                widget: WidgetSettings::default(),
                created_at: now,
            },
            identity_secret: auth::new_identity_secret(),
        };
        let owner = AgentRecord {
            agent: Agent {
                id: AgentId::new(),
                workspace_id: workspace.workspace.id,
                email: owner_email.clone(),
                name: owner_email.split('@').next().unwrap_or("owner").to_string(),
                role: Role::Owner,
                active: true,
                created_at: now,
            },
            password_hash: auth::hash_password(password),
        };
        let (key_record, secret) =
            new_api_key(workspace.workspace.id, "Default admin key", Scope::Admin);
        self.store
            .create_workspace(&workspace, &owner, &key_record)
            .await
            .map_err(duplicate_as_conflict)?;
        Ok(WorkspaceCreated {
            workspace_id: workspace.workspace.id,
            api_key: secret,
            widget_key: workspace.workspace.widget_key,
            identity_secret: workspace.identity_secret,
            owner_email,
            owner_password: generated,
        })
    }

    /// Resolves a bearer token. `identity_token` is the shop-signed JWT a widget sends when its
    /// workspace requires identity; it is checked on every call for contacts.
    pub async fn authenticate(
        &self,
        token: &str,
        identity_token: Option<&str>,
    ) -> DomainResult<Actor> {
        let now = Timestamp::now();
        let hash = auth::token_hash(token);
        let actor = match TokenKind::of(token) {
            Some(TokenKind::Session) => {
                let s = self.store.live_session(&hash, now).await?;
                let s = s.ok_or(DomainError::Unauthenticated)?;
                let agent = self.store.agent(s.workspace_id, s.agent_id).await?;
                let agent = agent
                    .filter(|a| a.agent.active)
                    .ok_or(DomainError::Unauthenticated)?;
                Actor::Agent {
                    workspace_id: s.workspace_id,
                    agent_id: s.agent_id,
                    role: agent.agent.role,
                }
            }
            Some(TokenKind::ApiKey) => {
                let k = self.store.live_api_key(&hash).await?;
                let k = k.ok_or(DomainError::Unauthenticated)?;
                Actor::ApiKey {
                    workspace_id: k.workspace_id,
                    key_id: k.key.id,
                    scope: k.key.scope,
                }
            }
            Some(TokenKind::Visitor) => {
                let s = self.store.live_visitor_session(&hash, now).await?;
                let s = s.ok_or(DomainError::Unauthenticated)?;
                self.check_identity_on_call(s.workspace_id, s.contact_id, identity_token)
                    .await?;
                Actor::Contact {
                    workspace_id: s.workspace_id,
                    contact_id: s.contact_id,
                }
            }
            None => return Err(DomainError::Unauthenticated),
        };
        Ok(actor)
    }

    /// When the workspace enforces identity, a contact's every call must carry a valid token
    /// for that same customer.
    async fn check_identity_on_call(
        &self,
        ws: WorkspaceId,
        contact_id: ContactId,
        identity_token: Option<&str>,
    ) -> DomainResult<()> {
        let workspace = self
            .store
            .workspace(ws)
            .await?
            .ok_or(DomainError::Unauthenticated)?;
        if !workspace.workspace.identity_required {
            return Ok(());
        }
        let token = identity_token.ok_or(DomainError::Unauthenticated)?;
        let claims = auth::verify_identity_token(token, &workspace.identity_secret)
            .map_err(|_| DomainError::Unauthenticated)?;
        let contact = self.store.contact(ws, contact_id).await?;
        match contact {
            Some(c) if c.external_id.as_deref() == Some(claims.sub.as_str()) => Ok(()),
            _ => Err(DomainError::Unauthenticated),
        }
    }

    /// Email + password login. Unknown emails cost the same time as wrong passwords.
    pub async fn login(&self, req: &LoginRequest) -> DomainResult<LoginResponse> {
        let email = req.email.trim().to_lowercase();
        // Bounded before argon2 sees it: hashing cost grows with input length.
        if req.password.len() > 4 * auth::MAX_PASSWORD_CHARS {
            return Err(DomainError::Unauthenticated);
        }
        let candidates = self.store.agents_by_email(&email).await?;
        let candidate = candidates
            .into_iter()
            .filter(|a| a.agent.active)
            .find(|a| req.workspace_id.is_none_or(|ws| a.agent.workspace_id == ws));
        let Some(record) = candidate else {
            auth::burn_password_check(&req.password);
            return Err(DomainError::Unauthenticated);
        };
        if !auth::verify_password(&req.password, &record.password_hash) {
            return Err(DomainError::Unauthenticated);
        }
        let token = auth::new_token(TokenKind::Session);
        let expires_at = Timestamp::now() + self.lifetimes.agent_session;
        self.store
            .insert_session(&SessionRecord {
                token_hash: auth::token_hash(&token),
                workspace_id: record.agent.workspace_id,
                agent_id: record.agent.id,
                expires_at,
            })
            .await?;
        Ok(LoginResponse {
            token,
            agent: record.agent,
            expires_at,
        })
    }

    /// Ends an agent session. API keys are revoked through their own route, not logged out.
    pub async fn logout(&self, token: &str) -> DomainResult<()> {
        if TokenKind::of(token) != Some(TokenKind::Session) {
            return Err(DomainError::Forbidden(
                "only agent sessions can log out; revoke API keys instead",
            ));
        }
        Ok(self.store.revoke_session(&auth::token_hash(token)).await?)
    }

    /// Changes the caller's own password; every session of the agent ends, this one included.
    pub async fn change_password(&self, actor: &Actor, req: &PasswordChange) -> DomainResult<()> {
        let Actor::Agent {
            workspace_id,
            agent_id,
            ..
        } = *actor
        else {
            return Err(DomainError::Forbidden("only agents have passwords"));
        };
        check_password("new_password", &req.new_password)?;
        let record = self.store.agent(workspace_id, agent_id).await?;
        let record = record.ok_or(DomainError::NotFound("agent"))?;
        if !auth::verify_password(&req.current_password, &record.password_hash) {
            return Err(DomainError::invalid(
                "current_password",
                "is not the current password",
            ));
        }
        let hash = auth::hash_password(&req.new_password);
        self.store
            .set_agent_password(workspace_id, agent_id, &hash)
            .await?;
        Ok(())
    }

    pub async fn current_agent(&self, actor: &Actor) -> DomainResult<Agent> {
        let Actor::Agent {
            workspace_id,
            agent_id,
            ..
        } = *actor
        else {
            return Err(DomainError::Forbidden("only agents have a profile"));
        };
        let record = self.store.agent(workspace_id, agent_id).await?;
        Ok(record.ok_or(DomainError::NotFound("agent"))?.agent)
    }

    pub async fn get_workspace(&self, actor: &Actor) -> DomainResult<Workspace> {
        actor.require(Capability::Read)?;
        let record = self.store.workspace(actor.workspace_id()).await?;
        Ok(record.ok_or(DomainError::NotFound("workspace"))?.workspace)
    }

    /// The identity secret, for admins who set up the shop's token signing.
    pub async fn identity_secret(&self, actor: &Actor) -> DomainResult<String> {
        actor.require(Capability::Admin)?;
        let record = self.store.workspace(actor.workspace_id()).await?;
        Ok(record
            .ok_or(DomainError::NotFound("workspace"))?
            .identity_secret)
    }

    pub async fn update_workspace(
        &self,
        actor: &Actor,
        patch: &WorkspacePatch,
    ) -> DomainResult<Workspace> {
        actor.require(Capability::Admin)?;
        let mut patch = patch.clone();
        if let Some(name) = &patch.name {
            patch.name = Some(check_name("name", name)?);
        }
        if let Some(origins) = &patch.allowed_origins {
            for (i, origin) in origins.iter().enumerate() {
                check_origin(&format!("allowed_origins[{i}]"), origin)?;
            }
        }
        if let Some(widget) = &patch.widget {
            patch.widget = Some(super::widget_settings::validate_widget(widget)?);
        }
        let record = self
            .store
            .update_workspace(actor.workspace_id(), &patch)
            .await?;
        Ok(record.ok_or(DomainError::NotFound("workspace"))?.workspace)
    }

    pub async fn list_agents(&self, actor: &Actor) -> DomainResult<Vec<Agent>> {
        actor.require(Capability::Read)?;
        Ok(self.store.list_agents(actor.workspace_id()).await?)
    }

    /// The live presence of every active agent of the workspace (`offline` when no socket of
    /// theirs is open on this node).
    pub async fn agent_presence(&self, actor: &Actor) -> DomainResult<Vec<AgentPresence>> {
        actor.require(Capability::Read)?;
        let ws = actor.workspace_id();
        let agents = self.store.list_agents(ws).await?;
        Ok(agents
            .into_iter()
            .filter(|a| a.active)
            .map(|a| AgentPresence {
                agent_id: a.id,
                status: self.presence.status(ws, a.id),
            })
            .collect())
    }

    /// Admins add staff; only an owner may add another owner.
    pub async fn create_agent(&self, actor: &Actor, new: &NewAgent) -> DomainResult<Agent> {
        actor.require(Capability::Admin)?;
        require_owner_for(actor, new.role)?;
        let email = check_email("email", &new.email)?;
        let name = check_name("name", &new.name)?;
        check_password("password", &new.password)?;
        let record = AgentRecord {
            agent: Agent {
                id: AgentId::new(),
                workspace_id: actor.workspace_id(),
                email,
                name,
                role: new.role,
                active: true,
                created_at: Timestamp::now(),
            },
            password_hash: auth::hash_password(&new.password),
        };
        self.store
            .insert_agent(&record)
            .await
            .map_err(duplicate_as_conflict)?;
        Ok(record.agent)
    }

    /// Admins change names, roles and activity; owners are changed by owners only.
    pub async fn update_agent(
        &self,
        actor: &Actor,
        id: AgentId,
        patch: &AgentPatch,
    ) -> DomainResult<Agent> {
        actor.require(Capability::Admin)?;
        let ws = actor.workspace_id();
        let target = self
            .store
            .agent(ws, id)
            .await?
            .ok_or(DomainError::NotFound("agent"))?;
        require_owner_for(actor, target.agent.role)?;
        if let Some(role) = patch.role {
            require_owner_for(actor, role)?;
        }
        let mut patch = patch.clone();
        if let Some(name) = &patch.name {
            patch.name = Some(check_name("name", name)?);
        }
        let updated = self.store.update_agent(ws, id, &patch).await?;
        updated.ok_or(DomainError::NotFound("agent"))
    }

    pub async fn list_api_keys(&self, actor: &Actor) -> DomainResult<Vec<ApiKey>> {
        actor.require(Capability::Admin)?;
        Ok(self.store.list_api_keys(actor.workspace_id()).await?)
    }

    pub async fn create_api_key(
        &self,
        actor: &Actor,
        new: &NewApiKey,
    ) -> DomainResult<ApiKeyCreated> {
        actor.require(Capability::Admin)?;
        let name = check_name("name", &new.name)?;
        let (record, secret) = new_api_key(actor.workspace_id(), &name, new.scope);
        self.store.insert_api_key(&record).await?;
        Ok(ApiKeyCreated {
            key: record.key,
            secret,
        })
    }

    pub async fn revoke_api_key(&self, actor: &Actor, id: ApiKeyId) -> DomainResult<()> {
        actor.require(Capability::Admin)?;
        if self.store.revoke_api_key(actor.workspace_id(), id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("api key"))
        }
    }
}

fn require_owner_for(actor: &Actor, role: Role) -> DomainResult<()> {
    let is_owner = matches!(
        actor,
        Actor::Agent {
            role: Role::Owner,
            ..
        }
    ) || matches!(
        actor,
        Actor::ApiKey {
            scope: Scope::Admin,
            ..
        }
    );
    if role == Role::Owner && !is_owner {
        return Err(DomainError::Forbidden("only an owner can manage owners"));
    }
    Ok(())
}

/// An origin is `scheme://host[:port]`, nothing more.
fn check_origin(field: &str, origin: &str) -> DomainResult<()> {
    let parsed =
        url::Url::parse(origin).map_err(|_| DomainError::invalid(field, "is not an origin"))?;
    let is_bare = matches!(parsed.scheme(), "http" | "https")
        && parsed.host().is_some()
        && parsed.origin().ascii_serialization() == origin.trim_end_matches('/');
    if is_bare {
        Ok(())
    } else {
        Err(DomainError::invalid(
            field,
            "must look like https://shop.example.com",
        ))
    }
}

fn new_api_key(ws: WorkspaceId, name: &str, scope: Scope) -> (ApiKeyRecord, String) {
    let secret = auth::new_token(TokenKind::ApiKey);
    let record = ApiKeyRecord {
        key: ApiKey {
            id: ApiKeyId::new(),
            name: name.to_string(),
            prefix: secret.chars().take(10).collect(),
            scope,
            created_at: Timestamp::now(),
            revoked_at: None,
        },
        workspace_id: ws,
        key_hash: auth::token_hash(&secret),
    };
    (record, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_or_refused() {
        assert_eq!(
            check_email("email", " Ann@Shop.Example ").unwrap(),
            "ann@shop.example"
        );
        for bad in [
            "",
            "ann",
            "@shop.example",
            "ann@localhost",
            "a b@c.d",
            "a@b@c.d",
        ] {
            assert!(check_email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn origins_are_bare() {
        assert!(check_origin("o", "https://shop.example.com").is_ok());
        assert!(check_origin("o", "http://localhost:3000").is_ok());
        assert!(check_origin("o", "https://shop.example.com/path").is_err());
        assert!(check_origin("o", "javascript:alert(1)").is_err());
    }
}
