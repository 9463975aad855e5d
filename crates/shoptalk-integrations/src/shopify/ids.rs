//! Shopify's ids: 64-bit integers, written as JSON numbers (REST payloads) or inside global
//! ids (`gid://shopify/Order/820982911946154508`). They are read as integers, never through
//! a float, which would round ids above 2^53.

use serde::{Deserialize, Deserializer};
use std::fmt;

/// A numeric Shopify id. Accepts a JSON integer or a string of digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShopifyId(pub u64);

impl fmt::Display for ShopifyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for ShopifyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;

        impl serde::de::Visitor<'_> for IdVisitor {
            type Value = ShopifyId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer id")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<ShopifyId, E> {
                Ok(ShopifyId(n))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<ShopifyId, E> {
                u64::try_from(n)
                    .map(ShopifyId)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(n), &self))
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<ShopifyId, E> {
                digits(s)
                    .map(ShopifyId)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(s), &self))
            }
        }

        d.deserialize_any(IdVisitor)
    }
}

/// `1` to 20 ASCII digits that fit a `u64`.
fn digits(s: &str) -> Option<u64> {
    let ok = !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| s.parse().ok()).flatten()
}

/// A global id, `gid://shopify/<Kind>/<id>` (a query string may follow the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gid {
    pub kind: String,
    pub id: u64,
}

impl Gid {
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix("gid://shopify/")?;
        let (kind, id) = rest.split_once('/')?;
        let id = id.split_once('?').map_or(id, |(id, _)| id);
        let kind_ok = !kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphanumeric());
        Some(Self {
            kind: kind_ok.then(|| kind.to_owned())?,
            id: digits(id)?,
        })
    }
}

impl<'de> Deserialize<'de> for Gid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a Shopify global id")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_integers_never_floats() {
        let id: ShopifyId = serde_json::from_str("820982911946154508").unwrap();
        assert_eq!(id.0, 820_982_911_946_154_508);
        let id: ShopifyId = serde_json::from_str("18446744073709551615").unwrap();
        assert_eq!(id.0, u64::MAX);
        let id: ShopifyId = serde_json::from_str("\"123\"").unwrap();
        assert_eq!(id.0, 123);
        for bad in [
            "1.5",
            "-1",
            "8.2e17",
            "\"\"",
            "\"12a\"",
            "null",
            "18446744073709551616",
        ] {
            assert!(serde_json::from_str::<ShopifyId>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn global_ids_parse() {
        let gid = Gid::parse("gid://shopify/Order/820982911946154508").unwrap();
        assert_eq!(
            (gid.kind.as_str(), gid.id),
            ("Order", 820_982_911_946_154_508)
        );
        let gid = Gid::parse("gid://shopify/LineItem/1?x=y").unwrap();
        assert_eq!(gid.id, 1);
        for bad in [
            "",
            "gid://shopify/Order/",
            "gid://shopify//1",
            "gid://other/Order/1",
            "gid://shopify/Order/x",
        ] {
            assert_eq!(Gid::parse(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_text_is_a_gid_or_refused(text in "\\PC{0,60}") {
            if let Some(gid) = Gid::parse(&text) {
                let id = gid.id.to_string();
                prop_assert!(text.contains(&id));
            }
        }

        #[test]
        fn integers_round_trip(n in any::<u64>()) {
            let id: ShopifyId = serde_json::from_str(&n.to_string()).unwrap();
            prop_assert_eq!(id.0, n);
            let id: ShopifyId = serde_json::from_str(&format!("\"{n}\"")).unwrap();
            prop_assert_eq!(id.0, n);
        }
    }
}
