//! Widget sessions: anonymous visitors and shop-identified customers.

use super::App;
use crate::auth::{self, TokenKind};
use crate::error::{DomainError, DomainResult};
use crate::store::VisitorSessionRecord;
use jiff::Timestamp;
use shoptalk_types::ids::ContactId;
use shoptalk_types::model::{
    NewContact, NewWidgetSession, WidgetConfig, WidgetSession, WidgetShop,
};

/// A widget session request with the `Origin` the browser sent.
pub struct WidgetSessionRequest<'a> {
    pub body: &'a NewWidgetSession,
    pub origin: Option<&'a str>,
}

impl App {
    /// Opens a widget session. With an identity token, the session belongs to the contact
    /// whose `external_id` is the token's `sub` (created if new), and an anonymous visitor
    /// token presented alongside is merged into it with its conversations.
    pub async fn open_widget_session(
        &self,
        req: WidgetSessionRequest<'_>,
    ) -> DomainResult<WidgetSession> {
        let workspace = self
            .store
            .workspace_by_widget_key(&req.body.widget_key)
            .await?
            .ok_or_else(|| DomainError::invalid("widget_key", "is not a known widget key"))?;
        let ws = workspace.workspace.id;
        check_origin_allowed(&workspace.workspace.allowed_origins, req.origin)?;

        let previous = match &req.body.visitor_token {
            Some(token) if TokenKind::of(token) == Some(TokenKind::Visitor) => self
                .store
                .live_visitor_session(&auth::token_hash(token), Timestamp::now())
                .await?
                .filter(|s| s.workspace_id == ws),
            _ => None,
        };

        let contact_id: ContactId = match &req.body.identity_token {
            Some(token) => {
                let claims = auth::verify_identity_token(token, &workspace.identity_secret)
                    .map_err(|why| DomainError::invalid("identity_token", why))?;
                let (contact, _) = self
                    .store
                    .upsert_contact(
                        ws,
                        &NewContact {
                            external_id: Some(claims.sub.clone()),
                            email: claims.email.clone(),
                            name: claims.name.clone(),
                            ..NewContact::default()
                        },
                    )
                    .await?;
                if let Some(prev) = &previous {
                    self.merge_if_anonymous(ws, prev.contact_id, contact.id)
                        .await?;
                }
                contact.id
            }
            None if workspace.workspace.identity_required => {
                return Err(DomainError::Unauthenticated);
            }
            None => match &previous {
                Some(prev) => prev.contact_id,
                None => self.store.insert_anonymous_contact(ws).await?.id,
            },
        };

        let token = auth::new_token(TokenKind::Visitor);
        let expires_at = Timestamp::now() + self.lifetimes.visitor_session;
        self.store
            .insert_visitor_session(&VisitorSessionRecord {
                token_hash: auth::token_hash(&token),
                workspace_id: ws,
                contact_id,
                expires_at,
            })
            .await?;
        Ok(WidgetSession {
            token,
            contact_id,
            workspace_id: ws,
            expires_at,
        })
    }

    /// Only an anonymous visitor is folded into an identified contact: an identified contact
    /// is never merged into another on the word of a browser.
    async fn merge_if_anonymous(
        &self,
        ws: shoptalk_types::WorkspaceId,
        visitor: ContactId,
        into: ContactId,
    ) -> DomainResult<()> {
        if visitor == into {
            return Ok(());
        }
        let visitor_contact = self.store.contact(ws, visitor).await?;
        if visitor_contact.is_some_and(|c| c.anonymous) {
            self.store.merge_contacts(ws, visitor, into).await?;
        }
        Ok(())
    }
}

/// An empty list allows every origin; otherwise the browser's `Origin` must be listed.
/// Requests without `Origin` (servers, native apps) are refused only when a list is set.
pub(crate) fn check_origin_allowed(allowed: &[String], origin: Option<&str>) -> DomainResult<()> {
    if allowed.is_empty() {
        return Ok(());
    }
    match origin {
        Some(o) if allowed.iter().any(|a| a.eq_ignore_ascii_case(o)) => Ok(()),
        _ => Err(DomainError::Forbidden(
            "this origin may not use this workspace's widget",
        )),
    }
}

impl App {
    /// What the widget shows before a visitor writes: the shop's settings, whether it is
    /// inside business hours, and whether an agent is online. Public, like the widget key;
    /// refused to origins that may not open sessions, as sessions are.
    pub async fn widget_config(
        &self,
        widget_key: &str,
        origin: Option<&str>,
    ) -> DomainResult<WidgetConfig> {
        let record = self
            .store
            .workspace_by_widget_key(widget_key)
            .await?
            .ok_or(DomainError::NotFound("widget key"))?;
        let workspace = record.workspace;
        check_origin_allowed(&workspace.allowed_origins, origin)?;
        let available = workspace
            .widget
            .business_hours
            .as_ref()
            .is_none_or(|hours| super::is_open(hours, Timestamp::now()));
        let shop = self.shop_settings_of(workspace.id).await?;
        Ok(WidgetConfig {
            agents_online: self.presence.any_online(workspace.id),
            workspace_name: workspace.name,
            settings: workspace.widget,
            available,
            shop: Some(WidgetShop {
                currency: shop.currency,
                locale: shop.locale,
            }),
        })
    }

    /// A widget socket must come from an allowed origin, as its session did.
    pub async fn check_widget_origin(
        &self,
        actor: &super::Actor,
        origin: Option<&str>,
    ) -> DomainResult<()> {
        if actor.is_staff() {
            return Ok(());
        }
        let workspace = self.store.workspace(actor.workspace_id()).await?;
        let workspace = workspace.ok_or(DomainError::Unauthenticated)?;
        check_origin_allowed(&workspace.workspace.allowed_origins, origin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_only_when_listed() {
        assert!(check_origin_allowed(&[], None).is_ok());
        assert!(check_origin_allowed(&[], Some("https://evil.example")).is_ok());
        let list = vec!["https://shop.example".to_string()];
        assert!(check_origin_allowed(&list, Some("https://shop.example")).is_ok());
        assert!(check_origin_allowed(&list, Some("https://evil.example")).is_err());
        assert!(check_origin_allowed(&list, None).is_err());
    }
}
