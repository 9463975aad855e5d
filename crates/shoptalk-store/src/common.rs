//! Backend-neutral helpers: how domain values are stored (times as milliseconds, enums as
//! their snake_case names), list normalisation, attribute merging and page building.

use jiff::Timestamp;
use serde_json::{Map, Value};
use shoptalk_core::cursor::Cursor;
use shoptalk_core::error::StoreError;
use shoptalk_types::model::{
    Contact, Conversation, ConversationPatch, ConversationStatus, DeliveryStatus, NewContact, Page,
    Role, Scope, SenderKind,
};

/// A row the database returned that the domain cannot represent (bad id, unknown enum value,
/// malformed JSON, ...). Reported as a backend failure, never a panic.
#[derive(Debug, thiserror::Error)]
#[error("corrupt row: {0}")]
pub struct CorruptRow(pub String);

pub fn corrupt(what: impl Into<String>) -> StoreError {
    StoreError::backend(CorruptRow(what.into()))
}

/// Milliseconds since the Unix epoch: how every timestamp is stored.
pub fn ms(t: Timestamp) -> i64 {
    t.as_millisecond()
}

/// Millisecond precision, what the database keeps. Values a write returns are truncated the
/// same way, so they equal what a later read returns.
pub fn trunc_ms(t: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(t.as_millisecond()).unwrap_or(t)
}

/// The current time at the database's precision.
pub fn now() -> Timestamp {
    trunc_ms(Timestamp::now())
}

pub fn from_ms(ms: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| corrupt(format!("timestamp {ms}: {e}")))
}

/// Page size rule of every list: 0 means the default (50), anything else is clamped to
/// `1..=max`.
pub fn clamp_limit(limit: u32, max: u32) -> u32 {
    if limit == 0 {
        50.min(max)
    } else {
        limit.min(max)
    }
}

/// Largest page of conversations, contacts or deliveries.
pub const MAX_PAGE: u32 = 200;
/// Largest page of messages.
pub const MAX_MESSAGES_PAGE: u32 = 1000;

/// Builds a page from up to `limit + 1` rows fetched in order: the extra row only says that
/// another page exists, and the cursor is the last row kept.
pub fn page<T>(mut rows: Vec<T>, limit: u32, cursor_of: impl Fn(&T) -> Cursor) -> Page<T> {
    let limit = limit as usize;
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| cursor_of(last).encode())
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

/// Tags and labels: trimmed, empty ones dropped, duplicates dropped (first one kept), order
/// kept.
pub fn normalise_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = tag.trim();
        if !tag.is_empty() && !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    out
}

/// Merges `patch` into `base` key by key; a `null` in the patch removes the key.
pub fn merge_attributes(base: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        if value.is_null() {
            base.remove(key);
        } else {
            base.insert(key.clone(), value.clone());
        }
    }
}

/// `%text%` for a case-insensitive `LIKE ... ESCAPE '\'`, with the wildcards of `text`
/// escaped so a search for `50%` matches literally.
pub fn like_contains(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

// ---------------------------------------------------------------- enums as stored

pub fn role_str(r: Role) -> &'static str {
    match r {
        Role::Agent => "agent",
        Role::Admin => "admin",
        Role::Owner => "owner",
    }
}

pub fn parse_role(s: &str) -> Result<Role, StoreError> {
    Ok(match s {
        "agent" => Role::Agent,
        "admin" => Role::Admin,
        "owner" => Role::Owner,
        _ => return Err(corrupt(format!("role {s:?}"))),
    })
}

pub fn scope_str(s: Scope) -> &'static str {
    match s {
        Scope::Read => "read",
        Scope::Write => "write",
        Scope::Admin => "admin",
    }
}

pub fn parse_scope(s: &str) -> Result<Scope, StoreError> {
    Ok(match s {
        "read" => Scope::Read,
        "write" => Scope::Write,
        "admin" => Scope::Admin,
        _ => return Err(corrupt(format!("scope {s:?}"))),
    })
}

pub fn parse_status(s: &str) -> Result<ConversationStatus, StoreError> {
    ConversationStatus::parse(s).ok_or_else(|| corrupt(format!("conversation status {s:?}")))
}

pub fn sender_str(k: SenderKind) -> &'static str {
    match k {
        SenderKind::Contact => "contact",
        SenderKind::Agent => "agent",
        SenderKind::Bot => "bot",
        SenderKind::System => "system",
    }
}

pub fn parse_sender(s: &str) -> Result<SenderKind, StoreError> {
    Ok(match s {
        "contact" => SenderKind::Contact,
        "agent" => SenderKind::Agent,
        "bot" => SenderKind::Bot,
        "system" => SenderKind::System,
        _ => return Err(corrupt(format!("sender type {s:?}"))),
    })
}

pub fn delivery_status_str(s: DeliveryStatus) -> &'static str {
    match s {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Succeeded => "succeeded",
        DeliveryStatus::Dead => "dead",
    }
}

pub fn parse_delivery_status(s: &str) -> Result<DeliveryStatus, StoreError> {
    Ok(match s {
        "pending" => DeliveryStatus::Pending,
        "succeeded" => DeliveryStatus::Succeeded,
        "dead" => DeliveryStatus::Dead,
        _ => return Err(corrupt(format!("delivery status {s:?}"))),
    })
}

/// Parses a stored id (`WorkspaceId`, `ContactId`, ...).
pub fn parse_id<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, StoreError> {
    s.parse().map_err(|_| corrupt(format!("{what} {s:?}")))
}

/// Parses a stored JSON document into `T`.
pub fn parse_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| corrupt(format!("{what}: {e}")))
}

/// Serialises a value for storage. Domain types always serialise; the error path exists so
/// that a future type with a fallible `Serialize` is an error, not a panic.
pub fn to_json<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(StoreError::backend)
}

pub fn to_value<T: serde::Serialize + ?Sized>(v: &T) -> Result<Value, StoreError> {
    serde_json::to_value(v).map_err(StoreError::backend)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tags_are_trimmed_deduped_and_keep_order() {
        let tags = ["  vip", "b", "", "vip ", "a", "b"].map(String::from);
        assert_eq!(normalise_tags(&tags), ["vip", "b", "a"]);
    }

    #[test]
    fn null_removes_an_attribute() {
        let mut base = json!({"a": 1, "b": 2}).as_object().cloned().unwrap();
        let patch = json!({"a": null, "c": 3}).as_object().cloned().unwrap();
        merge_attributes(&mut base, &patch);
        assert_eq!(Value::Object(base), json!({"b": 2, "c": 3}));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn limits_clamp() {
        assert_eq!(clamp_limit(0, MAX_PAGE), 50);
        assert_eq!(clamp_limit(7, MAX_PAGE), 7);
        assert_eq!(clamp_limit(10_000, MAX_PAGE), 200);
    }

    #[test]
    fn pages_carry_a_cursor_only_when_more_rows_exist() {
        let cursor = |i: &i64| Cursor {
            key: *i,
            id: uuid::Uuid::nil(),
        };
        let full = page(vec![5, 4, 3], 2, cursor);
        assert_eq!(full.items, [5, 4]);
        assert_eq!(
            Cursor::decode(full.next_cursor.as_deref().unwrap())
                .unwrap()
                .key,
            4
        );
        let last = page(vec![5, 4], 2, cursor);
        assert!(last.next_cursor.is_none());
    }
}

// ---------------------------------------------------------------- contacts

/// Applies an upsert or a patch: given fields replace, attributes merge key by key (`null`
/// removes), tags are replaced (normalised) only when given. Gaining an external id means the
/// contact is identified, so no longer anonymous.
pub fn apply_contact_patch(c: &mut Contact, p: &NewContact) {
    let set = |field: &mut Option<String>, value: &Option<String>| {
        if let Some(v) = value {
            *field = Some(v.clone());
        }
    };
    set(&mut c.external_id, &p.external_id);
    set(&mut c.name, &p.name);
    set(&mut c.email, &p.email);
    set(&mut c.phone, &p.phone);
    set(&mut c.locale, &p.locale);
    set(&mut c.timezone, &p.timezone);
    if let Some(attributes) = &p.attributes {
        merge_attributes(&mut c.attributes, attributes);
    }
    if let Some(tags) = &p.tags {
        c.tags = normalise_tags(tags);
    }
    if c.external_id.is_some() {
        c.anonymous = false;
    }
}

/// `from` merged into `into`: `into`'s tags then `from`'s new ones, attributes of both with
/// `into` winning, and `into`'s empty fields filled from `from` (including the external id,
/// so the shop's customer id keeps pointing at the surviving contact).
pub fn merge_contact_records(mut into: Contact, from: &Contact) -> Contact {
    let fill = |field: &mut Option<String>, value: &Option<String>| {
        if field.is_none() {
            field.clone_from(value);
        }
    };
    fill(&mut into.external_id, &from.external_id);
    fill(&mut into.name, &from.name);
    fill(&mut into.email, &from.email);
    fill(&mut into.phone, &from.phone);
    fill(&mut into.locale, &from.locale);
    fill(&mut into.timezone, &from.timezone);
    let mut attributes = from.attributes.clone();
    attributes.extend(std::mem::take(&mut into.attributes));
    into.attributes = attributes;
    let tags: Vec<String> = into.tags.iter().chain(&from.tags).cloned().collect();
    into.tags = normalise_tags(&tags);
    into.anonymous = into.anonymous && from.anonymous;
    into
}

#[cfg(test)]
mod contact_tests {
    use super::*;
    use serde_json::json;
    use shoptalk_types::ids::{ContactId, WorkspaceId};

    fn contact() -> Contact {
        Contact {
            id: ContactId::new(),
            workspace_id: WorkspaceId::new(),
            external_id: None,
            name: None,
            email: None,
            phone: None,
            locale: None,
            timezone: None,
            attributes: Map::new(),
            tags: vec![],
            anonymous: true,
            created_at: jiff::Timestamp::UNIX_EPOCH,
            updated_at: jiff::Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn merge_keeps_into_and_fills_gaps() {
        let mut into = contact();
        into.name = Some("Into".into());
        into.tags = vec!["a".into()];
        into.attributes = json!({"k": 1}).as_object().cloned().unwrap();
        let mut from = contact();
        from.name = Some("From".into());
        from.email = Some("f@x.test".into());
        from.external_id = Some("cust-1".into());
        from.anonymous = false;
        from.tags = vec!["b".into(), "a".into()];
        from.attributes = json!({"k": 2, "j": 3}).as_object().cloned().unwrap();
        let m = merge_contact_records(into, &from);
        assert_eq!(m.name.as_deref(), Some("Into"));
        assert_eq!(m.email.as_deref(), Some("f@x.test"));
        assert_eq!(m.external_id.as_deref(), Some("cust-1"));
        assert_eq!(m.tags, ["a", "b"]);
        assert_eq!(Value::Object(m.attributes), json!({"k": 1, "j": 3}));
        assert!(!m.anonymous);
    }
}

// ---------------------------------------------------------------- conversations

/// The inbox sort key: newest message, else creation (as the backends index it).
pub fn last_activity(c: &Conversation) -> Timestamp {
    c.last_message_at.unwrap_or(c.created_at)
}

/// Applies a patch. Setting a status other than `snoozed` clears `snoozed_until`; a
/// `snoozed_until` alone moves the wake-up time of a conversation that is snoozed.
pub fn apply_conversation_patch(c: &mut Conversation, p: &ConversationPatch) {
    if let Some(status) = p.status {
        c.status = status;
        c.snoozed_until = if status == ConversationStatus::Snoozed {
            p.snoozed_until.map(trunc_ms)
        } else {
            None
        };
    } else if let Some(until) = p.snoozed_until
        && c.status == ConversationStatus::Snoozed
    {
        c.snoozed_until = Some(trunc_ms(until));
    }
    if let Some(assignee) = p.assignee_id {
        c.assignee_id = assignee;
    }
    if let Some(labels) = &p.labels {
        c.labels = normalise_tags(labels);
    }
}
