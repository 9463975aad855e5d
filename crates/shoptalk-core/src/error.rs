//! Domain errors. The HTTP edge maps each variant to a status and a stable code; storage
//! failures carry their cause for the logs, never for the client.

use shoptalk_types::ContentError;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The thing does not exist *in this workspace*. Another tenant's ids land here too, so
    /// they are indistinguishable from ids that never existed.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    /// A field's value is already taken (a duplicate shortcut, say): a conflict naming the
    /// field, as a JSON path into the request body.
    #[error("{field}: {message}")]
    Taken { field: String, message: String },
    /// A field broke a rule. `field` is a JSON path into the request body.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The body is bigger than the limit for this kind of request.
    #[error("{0}")]
    TooLarge(String),
    /// The uploaded bytes are of a type that is not accepted.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("missing or invalid credentials")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// The service cannot take the request right now (shutting down, overloaded).
    #[error("{0}")]
    Unavailable(&'static str),
    /// An outside service the request depends on (a payment provider) refused or failed;
    /// the message names it and says what it answered.
    #[error("{0}")]
    Upstream(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn taken(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Taken {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A content validation failure, with the field path rooted at `content`.
    pub fn from_content(prefix: &str, e: ContentError) -> Self {
        Self::invalid(format!("{prefix}.{}", e.field), e.message)
    }
}

/// What a storage backend can report.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the string names the rule (e.g. `agent_email`).
    #[error("duplicate {0}")]
    Duplicate(&'static str),
    /// The backend failed; the cause is for the logs.
    #[error("storage failure: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn backend(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(e))
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
