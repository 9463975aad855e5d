//! The `shoptalk` binary's library half: configuration, wiring and the demo, so that tests
//! and tools start exactly what `shoptalk serve` starts.
//!
//! Architecture Invariant: this is the only crate that names a concrete storage backend.

pub mod config;
pub mod demo;
pub mod logging;
pub mod server;
