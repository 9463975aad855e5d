//! Opaque pagination cursors: `(sort key, id)` of the last item of a page, so the next page
//! starts strictly after it even when sort keys tie.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.key, self.id))
    }

    /// `None` for anything that is not a cursor this server made.
    pub fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let raw = std::str::from_utf8(&raw).ok()?;
        let (key, id) = raw.split_once(':')?;
        Some(Self {
            key: key.parse().ok()?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn round_trips(key in any::<i64>(), id in any::<u128>()) {
            let c = Cursor { key, id: Uuid::from_u128(id) };
            prop_assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }

        #[test]
        fn decode_never_panics(s in ".{0,100}") {
            let _ = Cursor::decode(&s);
        }
    }
}
