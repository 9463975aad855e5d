//! Who is calling, and what they may do.

use crate::error::{DomainError, DomainResult};
use shoptalk_types::frames::Principal;
use shoptalk_types::ids::*;
use shoptalk_types::model::{Role, Scope, Sender, SenderKind, Side};

/// An authenticated caller. Every use case takes one, and every lookup it does is scoped by
/// `workspace_id()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Agent {
        workspace_id: WorkspaceId,
        agent_id: AgentId,
        role: Role,
    },
    ApiKey {
        workspace_id: WorkspaceId,
        key_id: ApiKeyId,
        scope: Scope,
    },
    /// A widget visitor or identified customer.
    Contact {
        workspace_id: WorkspaceId,
        contact_id: ContactId,
    },
}

/// What staff calls need. Contacts have none of these: their few rights are checked where
/// they apply (their own conversations only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Capability {
    Read,
    Write,
    Admin,
}

impl Actor {
    pub fn workspace_id(&self) -> WorkspaceId {
        match *self {
            Self::Agent { workspace_id, .. }
            | Self::ApiKey { workspace_id, .. }
            | Self::Contact { workspace_id, .. } => workspace_id,
        }
    }

    pub fn principal(&self) -> Principal {
        match *self {
            Self::Agent { agent_id, .. } => Principal::Agent { id: agent_id },
            Self::ApiKey { key_id, .. } => Principal::ApiKey { id: key_id },
            Self::Contact { contact_id, .. } => Principal::Contact { id: contact_id },
        }
    }

    /// The contact this actor is, if it is one.
    pub fn contact_id(&self) -> Option<ContactId> {
        match *self {
            Self::Contact { contact_id, .. } => Some(contact_id),
            _ => None,
        }
    }

    pub fn is_staff(&self) -> bool {
        !matches!(self, Self::Contact { .. })
    }

    /// The side of a conversation this actor speaks for.
    pub fn side(&self) -> Side {
        if self.is_staff() {
            Side::Agent
        } else {
            Side::Contact
        }
    }

    pub fn sender(&self) -> Sender {
        match *self {
            Self::Agent { agent_id, .. } => Sender {
                kind: SenderKind::Agent,
                id: Some(agent_id.0),
            },
            // Messages sent with an API key come from the shop's own systems.
            Self::ApiKey { .. } => Sender {
                kind: SenderKind::Bot,
                id: None,
            },
            Self::Contact { contact_id, .. } => Sender {
                kind: SenderKind::Contact,
                id: Some(contact_id.0),
            },
        }
    }

    fn capability(&self) -> Option<Capability> {
        match *self {
            Self::Agent { role, .. } => Some(match role {
                Role::Agent => Capability::Write,
                Role::Admin | Role::Owner => Capability::Admin,
            }),
            Self::ApiKey { scope, .. } => Some(match scope {
                Scope::Read => Capability::Read,
                Scope::Write => Capability::Write,
                Scope::Admin => Capability::Admin,
            }),
            Self::Contact { .. } => None,
        }
    }

    /// Staff with at least `needed`. Contacts are refused as `Forbidden`.
    pub fn require(&self, needed: Capability) -> DomainResult<()> {
        match self.capability() {
            Some(have) if have >= needed => Ok(()),
            Some(_) => Err(DomainError::Forbidden(
                "your role or key scope does not allow this",
            )),
            None => Err(DomainError::Forbidden("customers cannot do this")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_follow_roles_and_scopes() {
        let ws = WorkspaceId::new();
        let agent = |role| Actor::Agent {
            workspace_id: ws,
            agent_id: AgentId::new(),
            role,
        };
        let key = |scope| Actor::ApiKey {
            workspace_id: ws,
            key_id: ApiKeyId::new(),
            scope,
        };
        assert!(agent(Role::Agent).require(Capability::Write).is_ok());
        assert!(agent(Role::Agent).require(Capability::Admin).is_err());
        assert!(agent(Role::Admin).require(Capability::Admin).is_ok());
        assert!(key(Scope::Read).require(Capability::Read).is_ok());
        assert!(key(Scope::Read).require(Capability::Write).is_err());
        let contact = Actor::Contact {
            workspace_id: ws,
            contact_id: ContactId::new(),
        };
        assert!(contact.require(Capability::Read).is_err());
        assert_eq!(contact.side(), Side::Contact);
    }
}
