//! Checks of the fields commerce requests share: short texts, web URLs, amounts of money.

use super::products::PRICE_MAX;
use crate::error::{DomainError, DomainResult};

const URL_MAX_BYTES: usize = 2048;

/// Trimmed, 1 to `max` characters, without control characters.
pub(super) fn text(field: &str, value: &str, max: usize) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

pub(super) fn opt_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> DomainResult<Option<String>> {
    value.map(|v| text(field, v, max)).transpose()
}

/// An absolute `http` or `https` URL with a host, at most 2048 bytes, stored as given.
pub(super) fn web_url(field: &str, value: &str) -> DomainResult<String> {
    let refuse = || {
        DomainError::invalid(
            field,
            "must be an http or https URL of at most 2048 characters",
        )
    };
    if value.len() > URL_MAX_BYTES || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse());
    }
    // The parser forgives `http:host` and the like; the stored string must be what browsers
    // and channels read the same way, so the full `scheme://` is required.
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return Err(refuse());
    }
    let parsed = url::Url::parse(value).map_err(|_| refuse())?;
    // `https://shop.example@evil.example` reads as the shop but opens evil.example.
    let web = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some()
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if web {
        Ok(value.to_owned())
    } else {
        Err(refuse())
    }
}

pub(super) fn opt_web_url(field: &str, value: Option<&str>) -> DomainResult<Option<String>> {
    value.map(|v| web_url(field, v)).transpose()
}

/// An amount of money: 0 to 10^12 minor units.
pub(super) fn amount(field: &str, value: i64) -> DomainResult<i64> {
    if (0..=PRICE_MAX).contains(&value) {
        Ok(value)
    } else {
        Err(DomainError::invalid(
            field,
            "must be 0 to 1000000000000 minor units",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn urls_must_be_web_urls() {
        for good in ["https://shop.example/checkout/1", "http://x.test/a?b=c#d"] {
            assert_eq!(web_url("u", good).unwrap(), good);
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "data:text/html,hi",
            "/relative",
            "https://",
            "https://shop.example/a b",
            "ftp://shop.example/",
            "https://shop.example@evil.example/",
            &format!("https://x.test/{}", "a".repeat(2048)),
        ] {
            assert!(web_url("u", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn texts_and_amounts_are_bounded() {
        assert_eq!(text("t", "  hi  ", 5).unwrap(), "hi");
        assert!(text("t", "   ", 5).is_err());
        assert!(text("t", "123456", 5).is_err());
        assert!(text("t", "a\u{7}b", 5).is_err());
        assert!(amount("a", -1).is_err());
        assert!(amount("a", PRICE_MAX + 1).is_err());
        assert_eq!(amount("a", PRICE_MAX).unwrap(), PRICE_MAX);
    }

    proptest! {
        #[test]
        fn accepted_urls_are_http_without_spaces(s in "\\PC{0,60}") {
            if let Ok(u) = web_url("u", &s) {
                let lower = u.to_ascii_lowercase();
                prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"));
                prop_assert!(!u.chars().any(char::is_whitespace));
            }
        }

        #[test]
        fn accepted_texts_are_trimmed_and_short(s in "\\PC{0,40}") {
            if let Ok(t) = text("t", &s, 20) {
                prop_assert_eq!(t.trim(), t.as_str());
                prop_assert!(!t.is_empty() && t.chars().count() <= 20);
            }
        }
    }
}
