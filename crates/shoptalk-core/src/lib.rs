//! Shoptalk's domain: tenants and credentials, contacts, conversations, the message log with
//! group commit, live fan-out, and the storage contract. No HTTP, no SQL, no sockets: the
//! edges (`shoptalk-http`, `shoptalk-store`) plug into the traits defined here.

pub mod auth;
pub mod commerce_store;
pub mod committer;
pub mod cursor;
pub mod error;
pub mod fanout;
pub mod payment_gateway;
pub mod presence;
pub mod store;

pub use error::{DomainError, DomainResult, StoreError};
pub mod service;

pub use service::App;
