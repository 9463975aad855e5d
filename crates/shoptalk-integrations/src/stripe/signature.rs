//! Stripe's webhook signatures: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`,
//! where each `v1` is the lowercase hex HMAC-SHA256 of `"{t}.{raw body}"` keyed with the
//! endpoint's signing secret (`whsec_…`, used whole as the key). Several `v1` values appear
//! while a secret is being rolled; any one matching is enough. Other schemes (`v0`, Stripe's
//! legacy test-mode scheme) are ignored.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far the signed timestamp may be from now, either way (Stripe's SDKs use the same):
/// a captured delivery cannot be replayed later than this.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is not t=…,v1=…")]
    Malformed,
    #[error("no v1 signature matches the body")]
    Mismatch,
    #[error("the signature's timestamp is more than {TOLERANCE_SECS} s from now")]
    OutsideTolerance,
}

/// Checks a delivery: the header is well formed, its timestamp is within
/// [`TOLERANCE_SECS`] of `now`, and one of its `v1` signatures is `body`'s under `secret`.
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: Timestamp,
) -> Result<(), SignatureError> {
    let parsed = parse(header.ok_or(SignatureError::Missing)?)?;
    let expected = sign(secret, parsed.timestamp, body);
    let matches = parsed
        .v1
        .iter()
        .any(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())));
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    // Checked after the signature, so a stale but genuine delivery is told apart from a forgery
    // only by someone who could sign it anyway.
    if now.as_second().abs_diff(parsed.timestamp) > TOLERANCE_SECS.unsigned_abs() {
        return Err(SignatureError::OutsideTolerance);
    }
    Ok(())
}

/// The `v1` signature of `body` signed at `timestamp` (unix seconds).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A whole `Stripe-Signature` header for `body`, as Stripe sends it.
pub fn header_value(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", sign(secret, timestamp, body))
}

struct Parsed<'a> {
    timestamp: i64,
    v1: Vec<&'a str>,
}

fn parse(header: &str) -> Result<Parsed<'_>, SignatureError> {
    let mut timestamp = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match key {
            // One timestamp only: with two, which one was signed would be ambiguous.
            "t" if timestamp.is_none() => {
                timestamp = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "t" => return Err(SignatureError::Malformed),
            "v1" => v1.push(value),
            _ => {}
        }
    }
    match timestamp {
        Some(timestamp) if !v1.is_empty() => Ok(Parsed { timestamp, v1 }),
        _ => Err(SignatureError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "whsec_test_secret";

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn parse_keeps_every_v1_and_ignores_other_schemes() {
        let p = parse("t=12, v1=aa,v0=bb,v1=cc,x=y").unwrap();
        assert_eq!(p.timestamp, 12);
        assert_eq!(p.v1, ["aa", "cc"]);
    }

    #[test]
    fn malformed_headers_are_named_as_such() {
        for bad in [
            "",
            "t=1",
            "v1=aa",
            "t=x,v1=aa",
            "t=1,t=1,v1=aa",
            "t=1,v1",
            "garbage",
        ] {
            assert_eq!(
                verify(Some(bad), b"{}", SECRET, at(1)).unwrap_err(),
                SignatureError::Malformed,
                "{bad:?}"
            );
        }
        assert_eq!(
            verify(None, b"{}", SECRET, at(1)).unwrap_err(),
            SignatureError::Missing
        );
    }

    #[test]
    fn tolerance_applies_both_ways() {
        let body = b"{}";
        let header = header_value(SECRET, 1_000, body);
        assert!(verify(Some(&header), body, SECRET, at(1_000 + TOLERANCE_SECS)).is_ok());
        assert!(verify(Some(&header), body, SECRET, at(1_000 - TOLERANCE_SECS)).is_ok());
        for now in [1_000 + TOLERANCE_SECS + 1, 1_000 - TOLERANCE_SECS - 1] {
            assert_eq!(
                verify(Some(&header), body, SECRET, at(now)).unwrap_err(),
                SignatureError::OutsideTolerance
            );
        }
    }

    proptest! {
        #[test]
        fn any_header_and_body_is_answered_without_panicking(
            header in proptest::option::of("\\PC{0,200}"),
            body in proptest::collection::vec(any::<u8>(), 0..200),
            now in any::<i64>(),
        ) {
            let now = Timestamp::from_second(now.clamp(
                Timestamp::MIN.as_second(),
                Timestamp::MAX.as_second(),
            )).unwrap();
            let _ = verify(header.as_deref(), &body, SECRET, now);
        }

        #[test]
        fn a_signed_body_verifies_and_any_change_to_it_does_not(
            body in proptest::collection::vec(any::<u8>(), 1..200),
            flip in any::<prop::sample::Index>(),
            t in 0i64..4_000_000_000,
        ) {
            let header = header_value(SECRET, t, &body);
            prop_assert!(verify(Some(&header), &body, SECRET, at(t)).is_ok());
            let mut tampered = body.clone();
            tampered[flip.index(body.len())] ^= 1;
            prop_assert_eq!(
                verify(Some(&header), &tampered, SECRET, at(t)),
                Err(SignatureError::Mismatch)
            );
        }
    }
}
