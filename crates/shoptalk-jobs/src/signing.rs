//! [Standard Webhooks](https://www.standardwebhooks.com/) signatures.
//!
//! The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, the MAC is HMAC-SHA256
//! keyed with the base64-decoded part of the secret after `whsec_`, and the
//! `webhook-signature` header holds space-separated `v1,<base64 MAC>` entries (several during
//! a secret rotation). Receivers refuse timestamps too far from their clock, which bounds
//! replays.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// How far a signature's timestamp may be from the verifier's clock, either way.
pub const DEFAULT_TOLERANCE: SignedDuration = SignedDuration::from_mins(5);

/// The prefix of signing secrets.
pub const SECRET_PREFIX: &str = shoptalk_core::auth::WEBHOOK_SECRET_PREFIX;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigningError {
    /// The secret is not `whsec_` + base64 of a non-empty key.
    #[error("the webhook secret is malformed")]
    InvalidSecret,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Secret(#[from] SigningError),
    #[error("the timestamp is outside the tolerance")]
    Timestamp,
    #[error("no signature matches")]
    NoMatch,
}

fn mac(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<HmacSha256, SigningError> {
    // Official libraries accept the bare base64 key too.
    let encoded = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = STANDARD
        .decode(encoded)
        .map_err(|_| SigningError::InvalidSecret)?;
    if key.is_empty() {
        return Err(SigningError::InvalidSecret);
    }
    let mut mac = HmacSha256::new_from_slice(&key).map_err(|_| SigningError::InvalidSecret)?;
    mac.update(msg_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The `webhook-signature` header value: `v1,<base64(HMAC-SHA256)>`.
pub fn sign(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, SigningError> {
    let tag = mac(secret, msg_id, timestamp, body)?
        .finalize()
        .into_bytes();
    Ok(format!("v1,{}", STANDARD.encode(tag)))
}

/// Verifies a `webhook-signature` header as a receiver would: the timestamp must be within
/// `tolerance` of `now`, and one of the space-separated `v1,` signatures must match (compared
/// in constant time). Entries of other versions are ignored.
pub fn verify(
    secret: &str,
    msg_id: &str,
    timestamp: i64,
    body: &[u8],
    header: &str,
    now: Timestamp,
    tolerance: SignedDuration,
) -> Result<(), VerifyError> {
    let expected = mac(secret, msg_id, timestamp, body)?;
    let skew = SignedDuration::from_secs(now.as_second().saturating_sub(timestamp));
    if skew.abs() > tolerance.abs() {
        return Err(VerifyError::Timestamp);
    }
    let matched = header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|sig| STANDARD.decode(sig).ok())
        .any(|sig| expected.clone().verify_slice(&sig).is_ok());
    if matched {
        Ok(())
    } else {
        Err(VerifyError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test vector of the Standard Webhooks specification.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_second(secs).unwrap()
    }

    #[test]
    fn signs_the_standard_webhooks_test_vector() {
        assert_eq!(sign(SECRET, MSG_ID, TS, BODY).unwrap(), SIGNATURE);
        // The bare key signs the same.
        assert_eq!(
            sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", MSG_ID, TS, BODY).unwrap(),
            SIGNATURE
        );
    }

    #[test]
    fn verifies_the_test_vector() {
        verify(
            SECRET,
            MSG_ID,
            TS,
            BODY,
            SIGNATURE,
            at(TS),
            DEFAULT_TOLERANCE,
        )
        .unwrap();
        verify(
            SECRET,
            MSG_ID,
            TS,
            BODY,
            SIGNATURE,
            at(TS + 299),
            DEFAULT_TOLERANCE,
        )
        .unwrap();
        verify(
            SECRET,
            MSG_ID,
            TS,
            BODY,
            SIGNATURE,
            at(TS - 299),
            DEFAULT_TOLERANCE,
        )
        .unwrap();
        // Among several entries (secret rotation), with other versions ignored.
        let header = format!("v1a,abc v1,AAAA {SIGNATURE}");
        verify(SECRET, MSG_ID, TS, BODY, &header, at(TS), DEFAULT_TOLERANCE).unwrap();
    }

    #[test]
    fn refuses_tampering() {
        let v = |secret: &str, msg_id: &str, ts: i64, body: &[u8], header: &str, now: i64| {
            verify(secret, msg_id, ts, body, header, at(now), DEFAULT_TOLERANCE)
        };
        assert_eq!(
            v(
                SECRET,
                MSG_ID,
                TS,
                br#"{"test": 2432232315}"#,
                SIGNATURE,
                TS
            ),
            Err(VerifyError::NoMatch)
        );
        let other_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx";
        assert_eq!(
            v(other_secret, MSG_ID, TS, BODY, SIGNATURE, TS),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            v(SECRET, "msg_other", TS, BODY, SIGNATURE, TS),
            Err(VerifyError::NoMatch)
        );
        // A signature for another timestamp does not carry over.
        assert_eq!(
            v(SECRET, MSG_ID, TS + 1, BODY, SIGNATURE, TS),
            Err(VerifyError::NoMatch)
        );
        // Old and future timestamps are refused even with a valid signature.
        assert_eq!(
            v(SECRET, MSG_ID, TS, BODY, SIGNATURE, TS + 301),
            Err(VerifyError::Timestamp)
        );
        assert_eq!(
            v(SECRET, MSG_ID, TS, BODY, SIGNATURE, TS - 301),
            Err(VerifyError::Timestamp)
        );
        assert_eq!(
            v(SECRET, MSG_ID, TS, BODY, "", TS),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            v(
                SECRET,
                MSG_ID,
                TS,
                BODY,
                "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                TS
            ),
            Err(VerifyError::NoMatch)
        );
        // A truncated MAC never matches.
        assert_eq!(
            v(SECRET, MSG_ID, TS, BODY, "v1,g0hM9SsE+OTPJTGt", TS),
            Err(VerifyError::NoMatch)
        );
    }

    #[test]
    fn refuses_malformed_secrets() {
        assert_eq!(
            sign("whsec_not base64!", MSG_ID, TS, BODY),
            Err(SigningError::InvalidSecret)
        );
        assert_eq!(
            sign("whsec_", MSG_ID, TS, BODY),
            Err(SigningError::InvalidSecret)
        );
    }

    #[test]
    fn generated_secrets_sign_and_verify() {
        let secret = shoptalk_core::auth::new_webhook_secret();
        let sig = sign(&secret, "evt_1", TS, b"{}").unwrap();
        verify(&secret, "evt_1", TS, b"{}", &sig, at(TS), DEFAULT_TOLERANCE).unwrap();
    }
}
