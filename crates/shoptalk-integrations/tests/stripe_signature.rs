//! Stripe-Signature verification against vectors generated here with an independent HMAC
//! (Stripe publishes no fixed test vector): the scheme is HMAC-SHA256 of `"{t}.{body}"`.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;
use shoptalk_integrations::stripe::signature::{SignatureError, TOLERANCE_SECS, verify};

const SECRET: &str = "whsec_5f8a1c0b9e2d4f6a8c0e2b4d6f8a0c2e";
const BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"checkout.session.completed"}"#;
const T: i64 = 1_700_000_000;

/// The expected signature, computed without the crate's own `sign`.
fn v1(secret: &str, t: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

fn now(t: i64) -> Timestamp {
    Timestamp::from_second(t).unwrap()
}

fn check(header: &str, body: &[u8], at: i64) -> Result<(), SignatureError> {
    verify(Some(header), body, SECRET, now(at))
}

#[test]
fn a_good_signature_verifies() {
    let header = format!("t={T},v1={}", v1(SECRET, T, BODY));
    assert_eq!(check(&header, BODY, T + 10), Ok(()));
}

#[test]
fn another_secret_does_not() {
    let header = format!("t={T},v1={}", v1("whsec_other", T, BODY));
    assert_eq!(check(&header, BODY, T), Err(SignatureError::Mismatch));
}

#[test]
fn a_tampered_body_does_not() {
    let header = format!("t={T},v1={}", v1(SECRET, T, BODY));
    let tampered = String::from_utf8(BODY.to_vec())
        .unwrap()
        .replace("completed", "expired");
    assert_eq!(
        check(&header, tampered.as_bytes(), T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn a_changed_timestamp_does_not() {
    let header = format!("t={},v1={}", T + 1, v1(SECRET, T, BODY));
    assert_eq!(check(&header, BODY, T), Err(SignatureError::Mismatch));
}

#[test]
fn an_old_or_future_signature_is_refused() {
    let header = format!("t={T},v1={}", v1(SECRET, T, BODY));
    assert_eq!(
        check(&header, BODY, T + TOLERANCE_SECS + 1),
        Err(SignatureError::OutsideTolerance)
    );
    assert_eq!(
        check(&header, BODY, T - TOLERANCE_SECS - 1),
        Err(SignatureError::OutsideTolerance)
    );
    assert_eq!(check(&header, BODY, T + TOLERANCE_SECS), Ok(()));
}

#[test]
fn any_of_several_v1_signatures_may_match() {
    let good = v1(SECRET, T, BODY);
    let old = v1("whsec_rolled_away", T, BODY);
    assert_eq!(check(&format!("t={T},v1={old},v1={good}"), BODY, T), Ok(()));
    assert_eq!(check(&format!("t={T},v1={good},v1={old}"), BODY, T), Ok(()));
    assert_eq!(
        check(&format!("t={T},v1={old},v1={old}"), BODY, T),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn v0_signatures_are_ignored() {
    let good = v1(SECRET, T, BODY);
    // A correct value under the legacy scheme name proves nothing.
    assert_eq!(
        check(&format!("t={T},v0={good}"), BODY, T),
        Err(SignatureError::Malformed)
    );
    assert_eq!(
        check(&format!("t={T},v0={good},v1=00"), BODY, T),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(check(&format!("t={T},v0=00,v1={good}"), BODY, T), Ok(()));
}

#[test]
fn upper_case_hex_is_not_stripes_and_does_not_match() {
    let header = format!("t={T},v1={}", v1(SECRET, T, BODY).to_uppercase());
    assert_eq!(check(&header, BODY, T), Err(SignatureError::Mismatch));
}

#[test]
fn a_missing_header_is_named() {
    assert_eq!(
        verify(None, BODY, SECRET, now(T)),
        Err(SignatureError::Missing)
    );
}
