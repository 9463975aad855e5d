//! Credentials: argon2id password hashes, random bearer tokens stored as SHA-256 digests, and
//! shop-signed identity tokens (HS256 JWT) for widget users.
//!
//! Tokens carry a prefix naming their kind (`sts_` agent session, `stk_` API key, `stv_` widget
//! visitor), so authenticating a bearer is one indexed lookup in the right table. Tokens have
//! 256 bits of entropy, so a fast hash is enough to store them; passwords, chosen by people,
//! get argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

pub const SESSION_PREFIX: &str = "sts_";
pub const API_KEY_PREFIX: &str = "stk_";
pub const VISITOR_PREFIX: &str = "stv_";
pub const WIDGET_KEY_PREFIX: &str = "stw_";
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted: argon2 cost grows with input; nobody types more.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// The kinds of bearer tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiKey,
    Visitor,
}

impl TokenKind {
    fn prefix(self) -> &'static str {
        match self {
            Self::Session => SESSION_PREFIX,
            Self::ApiKey => API_KEY_PREFIX,
            Self::Visitor => VISITOR_PREFIX,
        }
    }

    /// The kind a presented token claims to be, from its prefix.
    pub fn of(token: &str) -> Option<Self> {
        [Self::Session, Self::ApiKey, Self::Visitor]
            .into_iter()
            .find(|k| token.starts_with(k.prefix()))
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new bearer token of the given kind.
pub fn new_token(kind: TokenKind) -> String {
    format!(
        "{}{}",
        kind.prefix(),
        URL_SAFE_NO_PAD.encode(random_bytes::<32>())
    )
}

/// A new public widget key. Not a secret: it only lets visitors open sessions.
pub fn new_widget_key() -> String {
    format!(
        "{WIDGET_KEY_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(random_bytes::<16>())
    )
}

/// A new identity secret for HS256 identity tokens.
pub fn new_identity_secret() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// A new Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes.
pub fn new_webhook_secret() -> String {
    format!(
        "{WEBHOOK_SECRET_PREFIX}{}",
        STANDARD.encode(random_bytes::<32>())
    )
}

/// A generated password for accounts created without one (shown once).
pub fn new_password() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<15>())
}

/// The stored form of a token: hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex_encode(&Sha256::digest(token.as_bytes()))
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks length rules; the message names what is wrong.
pub fn check_password_rules(password: &str) -> Result<(), &'static str> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        Err("must be at least 10 characters")
    } else if n > MAX_PASSWORD_CHARS {
        Err("must be at most 256 characters")
    } else {
        Ok(())
    }
}

/// argon2id with the crate's defaults (OWASP's recommended parameters).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a bounded password")
        .to_string()
}

/// Constant-time verification against a stored PHC string; a malformed hash never verifies.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|hash| {
            Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Runs a verification against a fixed hash so that an unknown email costs the same time as
/// a wrong password (no user enumeration by timing).
pub fn burn_password_check(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("dummy-password-for-timing"));
    let _ = verify_password(password, phc);
}

/// Claims of a shop-signed identity token.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct IdentityClaims {
    /// The shop's own customer id; becomes the contact's `external_id`.
    pub sub: String,
    pub exp: i64,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// Verifies an HS256 identity token against the workspace's secret. `exp` and `sub` are
/// required; any other algorithm is refused.
pub fn verify_identity_token(token: &str, secret: &str) -> Result<IdentityClaims, String> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_required_spec_claims(&["exp", "sub"]);
    validation.leeway = 30;
    let data = decode::<IdentityClaims>(
        token,
        &DecodingKey::from_secret(secret.as_bytes()),
        &validation,
    )
    .map_err(|e| e.to_string())?;
    if data.claims.sub.is_empty() || data.claims.sub.len() > 255 {
        return Err("sub must be 1 to 255 bytes".into());
    }
    Ok(data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};

    #[test]
    fn passwords_verify_only_themselves() {
        let phc = hash_password("correct horse battery");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterx", &phc));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn tokens_are_prefixed_unique_and_hashed() {
        let a = new_token(TokenKind::Session);
        let b = new_token(TokenKind::Session);
        assert_ne!(a, b);
        assert_eq!(TokenKind::of(&a), Some(TokenKind::Session));
        assert_eq!(
            TokenKind::of(&new_token(TokenKind::ApiKey)),
            Some(TokenKind::ApiKey)
        );
        assert_eq!(TokenKind::of("Bearer nonsense"), None);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }

    fn sign(claims: serde_json::Value, secret: &str) -> String {
        encode(
            &Header::default(),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    #[test]
    fn identity_tokens_need_the_right_secret_sub_and_exp() {
        let future = jiff::Timestamp::now().as_second() + 600;
        let good = sign(
            serde_json::json!({"sub": "cust-1", "exp": future}),
            "s3cret",
        );
        assert_eq!(
            verify_identity_token(&good, "s3cret").unwrap().sub,
            "cust-1"
        );
        assert!(verify_identity_token(&good, "other").is_err());
        let no_exp = sign(serde_json::json!({"sub": "cust-1"}), "s3cret");
        assert!(verify_identity_token(&no_exp, "s3cret").is_err());
        let no_sub = sign(serde_json::json!({"exp": future}), "s3cret");
        assert!(verify_identity_token(&no_sub, "s3cret").is_err());
        let expired = sign(
            serde_json::json!({"sub": "c", "exp": future - 7200}),
            "s3cret",
        );
        assert!(verify_identity_token(&expired, "s3cret").is_err());
    }

    #[test]
    fn password_rules_name_the_problem() {
        assert!(check_password_rules("short").is_err());
        assert!(check_password_rules(&"x".repeat(300)).is_err());
        assert!(check_password_rules("long enough password").is_ok());
    }
}
