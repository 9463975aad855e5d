//! Wire types of Shoptalk's public REST API and WebSocket protocol, and the validation rules of
//! message content. Depends on serde and nothing of the server: clients can use it alone.
//!
//! API Boundary: everything here is public contract. Extend, don't break.

pub mod commerce;
pub mod content;
pub mod currency;
pub mod frames;
pub mod ids;
pub mod model;

pub use content::{Content, ContentError};
pub use ids::*;
