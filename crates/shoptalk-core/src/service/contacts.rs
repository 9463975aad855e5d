//! Contacts: the shop's customers and the widget's visitors.

use super::{Actor, App, Capability, page_limit, parse_cursor};
use crate::StoreError;
use crate::error::{DomainError, DomainResult};
use crate::store::ContactQuery;
use shoptalk_types::ids::ContactId;
use shoptalk_types::model::{Contact, ContactPatch, NewContact, Page};

const MAX_ATTRIBUTES: usize = 100;
const MAX_ATTRIBUTE_KEY_CHARS: usize = 64;
const MAX_ATTRIBUTES_JSON_BYTES: usize = 16 * 1024;
const MAX_TAGS: usize = 50;
const MAX_TAG_CHARS: usize = 50;

/// Checks every field of a contact write; absent fields are fine.
pub(crate) fn validate_contact(c: &NewContact) -> DomainResult<NewContact> {
    let mut c = c.clone();
    c.external_id = trimmed(c.external_id, "external_id", 255)?;
    c.name = trimmed(c.name, "name", 200)?;
    c.email = c
        .email
        .as_deref()
        .map(|e| super::accounts::check_email("email", e))
        .transpose()?;
    if let Some(phone) = &c.phone {
        let digits = phone.strip_prefix('+').unwrap_or("");
        let e164 = (2..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if !e164 {
            return Err(DomainError::invalid(
                "phone",
                "must be E.164, like +33612345678",
            ));
        }
    }
    if let Some(locale) = &c.locale {
        let ok = (2..=35).contains(&locale.len())
            && locale
                .split('-')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !ok {
            return Err(DomainError::invalid(
                "locale",
                "must be a BCP 47 tag, like fr-FR",
            ));
        }
    }
    if let Some(tz) = &c.timezone
        && jiff::tz::db().get(tz).is_err()
    {
        return Err(DomainError::invalid(
            "timezone",
            "must be an IANA time zone, like Europe/Paris",
        ));
    }
    if let Some(attributes) = &c.attributes {
        if attributes.len() > MAX_ATTRIBUTES {
            return Err(DomainError::invalid(
                "attributes",
                "may hold at most 100 keys",
            ));
        }
        if let Some(key) = attributes
            .keys()
            .find(|k| k.is_empty() || k.chars().count() > MAX_ATTRIBUTE_KEY_CHARS)
        {
            return Err(DomainError::invalid(
                format!("attributes.{key}"),
                "keys must be 1 to 64 characters",
            ));
        }
        if serde_json::to_vec(attributes).map_or(0, |v| v.len()) > MAX_ATTRIBUTES_JSON_BYTES {
            return Err(DomainError::invalid(
                "attributes",
                "may be at most 16 KiB of JSON",
            ));
        }
    }
    if let Some(tags) = &c.tags {
        if tags.len() > MAX_TAGS {
            return Err(DomainError::invalid("tags", "may hold at most 50 tags"));
        }
        if let Some(i) = tags
            .iter()
            .position(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG_CHARS)
        {
            return Err(DomainError::invalid(
                format!("tags[{i}]"),
                "must be 1 to 50 characters",
            ));
        }
    }
    Ok(c)
}

fn trimmed(value: Option<String>, field: &str, max: usize) -> DomainResult<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let v = v.trim().to_string();
            if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
                Err(DomainError::invalid(
                    field,
                    format!("must be 1 to {max} characters without control characters"),
                ))
            } else {
                Ok(Some(v))
            }
        }
    }
}

fn contact_conflict(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate(what) => {
            DomainError::Conflict(format!("another contact has this {what}"))
        }
        other => other.into(),
    }
}

impl App {
    /// Creates or updates (by external id, else email). Returns whether it was created.
    pub async fn upsert_contact(
        &self,
        actor: &Actor,
        new: &NewContact,
    ) -> DomainResult<(Contact, bool)> {
        actor.require(Capability::Write)?;
        let new = validate_contact(new)?;
        if new.external_id.is_none()
            && new.email.is_none()
            && new.phone.is_none()
            && new.name.is_none()
        {
            return Err(DomainError::invalid(
                "external_id",
                "a contact needs at least an external_id, email, phone or name",
            ));
        }
        self.store
            .upsert_contact(actor.workspace_id(), &new)
            .await
            .map_err(contact_conflict)
    }

    /// Staff read any contact of the workspace; a customer reads only itself.
    pub async fn get_contact(&self, actor: &Actor, id: ContactId) -> DomainResult<Contact> {
        if actor.contact_id() != Some(id) {
            actor.require(Capability::Read)?;
        }
        let contact = self.store.contact(actor.workspace_id(), id).await?;
        contact.ok_or(DomainError::NotFound("contact"))
    }

    pub async fn list_contacts(
        &self,
        actor: &Actor,
        text: Option<String>,
        tag: Option<String>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> DomainResult<Page<Contact>> {
        actor.require(Capability::Read)?;
        let q = ContactQuery {
            text,
            tag,
            limit: page_limit(limit),
            after: parse_cursor(cursor)?,
        };
        Ok(self.store.list_contacts(actor.workspace_id(), &q).await?)
    }

    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: ContactId,
        patch: &ContactPatch,
    ) -> DomainResult<Contact> {
        actor.require(Capability::Write)?;
        let patch = validate_contact(patch)?;
        let updated = self
            .store
            .update_contact(actor.workspace_id(), id, &patch)
            .await
            .map_err(contact_conflict)?;
        updated.ok_or(DomainError::NotFound("contact"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(c: NewContact) -> String {
        match validate_contact(&c) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            field_of(NewContact {
                phone: Some("0612345678".into()),
                ..Default::default()
            }),
            "phone"
        );
        assert_eq!(
            field_of(NewContact {
                email: Some("nope".into()),
                ..Default::default()
            }),
            "email"
        );
        assert_eq!(
            field_of(NewContact {
                timezone: Some("Mars/Base".into()),
                ..Default::default()
            }),
            "timezone"
        );
        assert_eq!(
            field_of(NewContact {
                locale: Some("fr_FR!".into()),
                ..Default::default()
            }),
            "locale"
        );
        assert_eq!(
            field_of(NewContact {
                tags: Some(vec!["ok".into(), " ".into()]),
                ..Default::default()
            }),
            "tags[1]"
        );
    }

    #[test]
    fn good_contacts_pass_normalised() {
        let c = validate_contact(&NewContact {
            external_id: Some(" cust-1 ".into()),
            email: Some("Ann@Shop.Example".into()),
            phone: Some("+33612345678".into()),
            locale: Some("fr-FR".into()),
            timezone: Some("Europe/Paris".into()),
            name: Some("<b>Ann</b>".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(c.external_id.as_deref(), Some("cust-1"));
        assert_eq!(c.email.as_deref(), Some("ann@shop.example"));
        // Markup is data: stored as typed, escaped wherever it is shown.
        assert_eq!(c.name.as_deref(), Some("<b>Ann</b>"));
    }
}
