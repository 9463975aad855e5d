//! What every handler can reach.

use crate::ws::Hub;
use serde::{Deserialize, Serialize};
use shoptalk_core::App;
use std::sync::Arc;

/// Settings of the HTTP edge (the `[http]` section of the config file).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Largest JSON body accepted, in bytes (uploads have their own limit).
    pub max_body_bytes: usize,
    /// Login attempts allowed per client IP per minute.
    pub login_per_minute: u32,
    /// Widget sessions that may be opened per client IP per minute.
    pub widget_sessions_per_minute: u32,
    /// Card attempts one client IP may make on the hosted pay page per minute.
    pub pay_attempts_per_minute: u32,
    /// Frames queued for one socket before it is considered too slow and disconnected.
    pub ws_send_queue_frames: usize,
    /// WebSocket read buffer per connection, in bytes.
    pub ws_read_buffer_bytes: usize,
    /// WebSocket write buffer per connection, in bytes.
    pub ws_write_buffer_bytes: usize,
    /// Seconds between server pings; a client silent for three intervals is dropped.
    pub ws_heartbeat_secs: u64,
    /// The widget key the demo storefront page (`/demo`) embeds; the page exists only when
    /// set. `shoptalk demo` sets it; it is not a config-file setting.
    #[serde(skip)]
    pub demo_widget_key: Option<String>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 256 * 1024,
            login_per_minute: 10,
            widget_sessions_per_minute: 30,
            pay_attempts_per_minute: 20,
            ws_send_queue_frames: 256,
            ws_read_buffer_bytes: 4 * 1024,
            ws_write_buffer_bytes: 4 * 1024,
            ws_heartbeat_secs: 30,
            demo_widget_key: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub hub: Arc<Hub>,
    pub config: Arc<HttpConfig>,
}
