//! Behaviour events: what contacts do on the shop's site (pages, products viewed, ...), sent
//! by the widget for its visitor or by the shop's systems for any contact, shown to agents
//! beside the conversation and forwarded to webhooks (`contact.event_tracked`).

use super::{Actor, App, Capability, page_limit, parse_cursor};
use crate::error::{DomainError, DomainResult};
use jiff::{SignedDuration, Timestamp};
use shoptalk_types::ids::ContactId;
use shoptalk_types::model::{ContactEvent, Page, TrackEvent, TrackEvents, TrackedEvents};

const MAX_EVENTS_PER_CALL: usize = 100;
const MAX_ID_BYTES: usize = 64;
const MAX_NAME_BYTES: usize = 64;
const MAX_PROPERTIES_BYTES: usize = 8 * 1024;
/// How far ahead of the server's clock `occurred_at` may be: clients' clocks drift, but an
/// event from the future would sort above everything that really happened since.
const MAX_CLOCK_AHEAD: SignedDuration = SignedDuration::from_mins(5);

/// Checks one event and makes it the stored record of `contact`.
fn check_event(
    i: usize,
    e: &TrackEvent,
    contact_id: ContactId,
    now: Timestamp,
) -> DomainResult<ContactEvent> {
    let field = |name: &str| format!("events[{i}].{name}");
    let id_ok =
        (1..=MAX_ID_BYTES).contains(&e.id.len()) && e.id.bytes().all(|b| b.is_ascii_graphic());
    if !id_ok {
        return Err(DomainError::invalid(
            field("id"),
            "must be 1 to 64 printable ASCII characters without spaces",
        ));
    }
    let name_ok = (1..=MAX_NAME_BYTES).contains(&e.name.len())
        && e.name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        });
    if !name_ok {
        return Err(DomainError::invalid(
            field("name"),
            "must be 1 to 64 of a-z, 0-9, _, . and -",
        ));
    }
    if let Some(properties) = &e.properties
        && serde_json::to_vec(properties).map_or(0, |v| v.len()) > MAX_PROPERTIES_BYTES
    {
        return Err(DomainError::invalid(
            field("properties"),
            "may be at most 8 KiB of JSON",
        ));
    }
    let occurred_at = e.occurred_at.unwrap_or(now);
    if occurred_at > now + MAX_CLOCK_AHEAD {
        return Err(DomainError::invalid(
            field("occurred_at"),
            "must not be more than 5 minutes in the future",
        ));
    }
    Ok(ContactEvent {
        id: e.id.clone(),
        contact_id,
        name: e.name.clone(),
        properties: e.properties.clone(),
        occurred_at,
        received_at: now,
    })
}

impl App {
    /// Records 1–100 events. A widget visitor records its own (an event naming another
    /// contact is "not found"); staff with write access name a contact of the workspace for
    /// each. Retries are safe: an id already recorded in the workspace counts as a duplicate.
    pub async fn track_events(
        &self,
        actor: &Actor,
        req: &TrackEvents,
    ) -> DomainResult<TrackedEvents> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        if !(1..=MAX_EVENTS_PER_CALL).contains(&req.events.len()) {
            return Err(DomainError::invalid("events", "must hold 1 to 100 events"));
        }
        let now = Timestamp::now();
        let mut events = Vec::with_capacity(req.events.len());
        for (i, e) in req.events.iter().enumerate() {
            let contact_id = match (actor.contact_id(), e.contact_id) {
                (Some(own), None) => own,
                (Some(own), Some(named)) if named == own => own,
                (Some(_), Some(_)) => return Err(DomainError::NotFound("contact")),
                (None, Some(named)) => named,
                (None, None) => {
                    return Err(DomainError::invalid(
                        format!("events[{i}].contact_id"),
                        "is required with staff credentials",
                    ));
                }
            };
            events.push(check_event(i, e, contact_id, now)?);
        }
        let stored = self
            .store
            .insert_contact_events(actor.workspace_id(), &events)
            .await?
            .ok_or(DomainError::NotFound("contact"))?;
        self.apply_cart_events(actor.workspace_id(), &events).await;
        // At most 100 events: the counts fit.
        Ok(TrackedEvents {
            accepted: stored as u32,
            duplicates: (events.len() - stored) as u32,
        })
    }

    /// A contact's events, newest first.
    pub async fn list_contact_events(
        &self,
        actor: &Actor,
        contact_id: ContactId,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> DomainResult<Page<ContactEvent>> {
        actor.require(Capability::Read)?;
        let ws = actor.workspace_id();
        let after = parse_cursor(cursor)?;
        self.store
            .contact(ws, contact_id)
            .await?
            .ok_or(DomainError::NotFound("contact"))?;
        Ok(self
            .store
            .list_contact_events(ws, contact_id, page_limit(limit), after)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: &str, name: &str) -> TrackEvent {
        TrackEvent {
            id: id.into(),
            name: name.into(),
            properties: None,
            occurred_at: None,
            contact_id: None,
        }
    }

    fn field(e: TrackEvent) -> String {
        match check_event(3, &e, ContactId::new(), Timestamp::now()) {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        for bad in ["", "has space", "é", &"x".repeat(65)] {
            assert_eq!(field(event(bad, "page_viewed")), "events[3].id", "{bad:?}");
        }
        for bad in ["", "Page", "page viewed", "a/b", &"x".repeat(65)] {
            assert_eq!(field(event("e1", bad)), "events[3].name", "{bad:?}");
        }
        let big = TrackEvent {
            properties: json!({"blob": "x".repeat(8 * 1024)}).as_object().cloned(),
            ..event("e1", "page_viewed")
        };
        assert_eq!(field(big), "events[3].properties");
        let future = TrackEvent {
            occurred_at: Some(Timestamp::now() + SignedDuration::from_mins(6)),
            ..event("e1", "page_viewed")
        };
        assert_eq!(field(future), "events[3].occurred_at");
    }

    #[test]
    fn good_events_default_to_now() {
        let now = Timestamp::now();
        let contact = ContactId::new();
        let e = check_event(0, &event("evt-1", "product.viewed"), contact, now).unwrap();
        assert_eq!(
            (e.occurred_at, e.received_at, e.contact_id),
            (now, now, contact)
        );
        // A client clock a little ahead is tolerated.
        let ahead = TrackEvent {
            occurred_at: Some(now + SignedDuration::from_mins(4)),
            ..event("evt-2", "cart_viewed")
        };
        assert!(check_event(0, &ahead, contact, now).is_ok());
    }
}
