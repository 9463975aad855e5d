//! Shopify customers as contacts.
//!
//! Mapping decisions:
//! - `external_id` is `shopify:<customer id>`, so every delivery naming the customer lands on
//!   the same contact; a contact that exists with the same email and no external id of its
//!   own (created by the widget, say) is the one updated.
//! - `name` is `first_name last_name`, either may be missing.
//! - `email` and `phone` as Shopify has them (Shopify keeps phones in E.164); the locale is
//!   the order's or checkout's `customer_locale` when the customer comes with one.
//! - Tags, notes, addresses and marketing consent are not copied: consent in Shoptalk is
//!   recorded per channel by Shoptalk itself.

use super::payload::Customer;
use super::text::given;
use shoptalk_types::model::NewContact;

/// The contact of a customer. `locale` is the BCP 47 tag of the order or checkout, if any.
pub fn contact(c: &Customer, locale: Option<&str>) -> NewContact {
    let name = [c.first_name.as_deref(), c.last_name.as_deref()]
        .into_iter()
        .filter_map(given)
        .collect::<Vec<_>>()
        .join(" ");
    NewContact {
        external_id: Some(format!("shopify:{}", c.id)),
        name: given(Some(&name)),
        email: given(c.email.as_deref()),
        phone: given(c.phone.as_deref()),
        locale: given(locale),
        ..NewContact::default()
    }
}

/// Who an order or checkout is for: its customer (with the order's email when the customer
/// record has none), else just the email it was placed with; `None` when neither is given.
pub fn buyer(
    customer: Option<&Customer>,
    emails: &[Option<&str>],
    locale: Option<&str>,
) -> Option<NewContact> {
    let email = emails.iter().copied().find_map(given);
    match customer {
        Some(c) => {
            let mut contact = contact(c, locale);
            contact.email = contact.email.or(email);
            Some(contact)
        }
        None => email.map(|email| NewContact {
            email: Some(email),
            locale: given(locale),
            ..NewContact::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(first: Option<&str>, last: Option<&str>, email: Option<&str>) -> Customer {
        serde_json::from_value(serde_json::json!({
            "id": 706405506930370084u64,
            "first_name": first, "last_name": last, "email": email, "phone": "+16135551212",
        }))
        .unwrap()
    }

    #[test]
    fn customers_become_contacts_keyed_by_their_shopify_id() {
        let c = contact(
            &customer(Some("Bob"), Some("Biller"), Some("bob@biller.com")),
            Some("fr"),
        );
        assert_eq!(c.external_id.as_deref(), Some("shopify:706405506930370084"));
        assert_eq!(c.name.as_deref(), Some("Bob Biller"));
        assert_eq!(c.email.as_deref(), Some("bob@biller.com"));
        assert_eq!(c.phone.as_deref(), Some("+16135551212"));
        assert_eq!(c.locale.as_deref(), Some("fr"));
        assert_eq!(
            contact(&customer(None, Some(" Lee "), None), None)
                .name
                .as_deref(),
            Some("Lee")
        );
        assert_eq!(contact(&customer(Some(" "), None, None), None).name, None);
    }

    #[test]
    fn buyers_fall_back_to_the_order_email() {
        let no_email = customer(Some("Ann"), None, None);
        let b = buyer(Some(&no_email), &[None, Some("ann@example.com")], None).unwrap();
        assert_eq!(b.email.as_deref(), Some("ann@example.com"));
        let anonymous = buyer(None, &[Some(" "), Some("x@example.com")], Some("de")).unwrap();
        assert_eq!(anonymous.external_id, None);
        assert_eq!(anonymous.email.as_deref(), Some("x@example.com"));
        assert_eq!(buyer(None, &[None], None), None);
    }
}
