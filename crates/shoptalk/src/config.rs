//! Configuration: defaults → TOML file → `SHOPTALK_*` environment → command-line flags, each
//! layer overriding the one before. Unknown keys are errors, so a typo never goes unnoticed.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use shoptalk_http::HttpConfig;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the database, media and demo credentials live.
    pub data_dir: PathBuf,
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// The server's address as customers reach it (pay links), e.g.
    /// `https://chat.example.com`; absent: `http://{listen}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    pub log: LogConfig,
    pub http: HttpConfig,
    pub egress: EgressConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` for people, `json` for log pipelines.
    pub format: LogFormat,
    /// A tracing filter, e.g. `info` or `shoptalk=debug,tower_http=info`.
    pub filter: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Outbound HTTP (webhooks).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EgressConfig {
    /// Allow webhooks to loopback, private, link-local and metadata addresses. Off by default:
    /// turning it on lets any admin make the server call your internal network.
    pub allow_private: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("shoptalk-data"),
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            log: LogConfig::default(),
            http: HttpConfig::default(),
            egress: EgressConfig::default(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: LogFormat::Text,
            filter: "info".into(),
        }
    }
}

/// The top-level keys `SHOPTALK_*` variables may set. Other `SHOPTALK_*` variables (used by
/// tests and tools) are not configuration and are ignored.
const SECTIONS: &[&str] = &["data_dir", "listen", "public_url", "log", "http", "egress"];

/// Overrides given on the command line; `None` leaves the lower layers alone.
#[derive(Debug, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<SocketAddr>,
}

impl Config {
    /// Loads every layer. `file` must exist when given.
    pub fn load(file: Option<&Path>, flags: &FlagOverrides) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            if !file.exists() {
                return Err(Box::new(figment::Error::from(format!(
                    "config file {} does not exist",
                    file.display()
                ))));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(
                Env::prefixed("SHOPTALK_")
                    .filter(|key| {
                        let section = key.as_str().split("__").next().unwrap_or_default();
                        SECTIONS.iter().any(|s| section.eq_ignore_ascii_case(s))
                    })
                    .split("__"),
            )
            .merge(Serialized::globals(flags))
            .extract::<Self>()
            .map_err(Box::new)
            .and_then(Self::checked)
    }

    /// Rules the types cannot express: pay links built from a `public_url` without its
    /// scheme would lead nowhere.
    fn checked(self) -> Result<Self, Box<figment::Error>> {
        if let Some(url) = &self.public_url {
            let web = ["http://", "https://"].iter().any(|scheme| {
                url.strip_prefix(scheme)
                    .is_some_and(|rest| !rest.is_empty())
            });
            if !web || url.contains(char::is_whitespace) {
                return Err(Box::new(figment::Error::from(format!(
                    "public_url {url:?} must be an http:// or https:// URL"
                ))));
            }
        }
        Ok(self)
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("shoptalk.db")
    }

    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// The configured public URL without its trailing slash, or the address the server is
    /// bound to (`bound`, which differs from `listen` when that asks for port 0).
    pub fn public_url(&self, bound: SocketAddr) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{bound}"),
        }
    }
}

/// `shoptalk config default`: every setting with its default and what it does.
pub fn default_toml() -> String {
    let d = Config::default();
    let h = &d.http;
    format!(
        r#"# Shoptalk configuration. Every key can also be set with an environment variable:
# SHOPTALK_<KEY> for top-level keys, SHOPTALK_<SECTION>__<KEY> inside a section
# (e.g. SHOPTALK_HTTP__LOGIN_PER_MINUTE=20), and data_dir / listen with flags.

# Where the database (SQLite, WAL) and uploaded media live.
data_dir = "{data_dir}"
# Address and port the HTTP server listens on.
listen = "{listen}"
# The server's address as customers reach it, used in pay links. Default: http://<listen>.
# public_url = "https://chat.example.com"

[log]
# "text" for people, "json" for log pipelines.
format = "text"
# Tracing filter: "info", "debug", or per module, e.g. "shoptalk=debug,tower_http=info".
filter = "{filter}"

[http]
# Largest JSON request body, in bytes (uploads have their own 25 MiB limit).
max_body_bytes = {max_body}
# Login attempts allowed per client IP per minute (429 with Retry-After beyond).
login_per_minute = {login}
# Widget sessions one client IP may open per minute.
widget_sessions_per_minute = {widget}
# Card attempts one client IP may make on the hosted pay page per minute.
pay_attempts_per_minute = {pay}
# Frames queued for one WebSocket before it counts as too slow and is disconnected
# (it reconnects and resumes without loss).
ws_send_queue_frames = {queue}
# Per-connection WebSocket buffers, in bytes. Small buffers keep idle sessions cheap.
ws_read_buffer_bytes = {rbuf}
ws_write_buffer_bytes = {wbuf}
# Seconds between server pings; a client silent for three intervals is dropped.
ws_heartbeat_secs = {hb}

[egress]
# Let webhooks reach loopback, private, link-local and cloud-metadata addresses.
# Leave off unless your webhook receivers are on a private network you trust.
allow_private = false
"#,
        data_dir = d.data_dir.display(),
        listen = d.listen,
        filter = d.log.filter,
        max_body = h.max_body_bytes,
        login = h.login_per_minute,
        widget = h.widget_sessions_per_minute,
        pay = h.pay_attempts_per_minute,
        queue = h.ws_send_queue_frames,
        rbuf = h.ws_read_buffer_bytes,
        wbuf = h.ws_write_buffer_bytes,
        hb = h.ws_heartbeat_secs,
    )
}

#[cfg(test)]
// `figment::Jail` fixes its closures' error type; its size is not ours to choose.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_default_is_the_default() {
        let parsed: Config = toml::from_str(&default_toml()).unwrap();
        assert_eq!(
            serde_json::to_value(&parsed).unwrap(),
            serde_json::to_value(Config::default()).unwrap()
        );
    }

    #[test]
    fn the_public_url_is_the_configured_one_or_the_bound_address() {
        let bound = SocketAddr::from(([127, 0, 0, 1], 41234));
        let mut config = Config::default();
        assert_eq!(config.public_url(bound), "http://127.0.0.1:41234");
        config.public_url = Some("https://chat.example.com/".into());
        assert_eq!(config.public_url(bound), "https://chat.example.com");
        for bad in ["chat.example.com", "https://", "ftp://x", "https://a b"] {
            config.public_url = Some(bad.into());
            assert!(config.clone().checked().is_err(), "{bad}");
        }
    }

    #[test]
    fn layers_override_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "shoptalk.toml",
                "listen = \"127.0.0.1:9000\"\n[http]\nlogin_per_minute = 3\n",
            )?;
            jail.set_env("SHOPTALK_HTTP__LOGIN_PER_MINUTE", "7");
            jail.set_env("SHOPTALK_TEST_SOMETHING_ELSE", "ignored");
            let flags = FlagOverrides {
                data_dir: Some("/tmp/x".into()),
                listen: None,
            };
            let c = Config::load(Some(Path::new("shoptalk.toml")), &flags).map_err(|e| *e)?;
            assert_eq!(c.listen.port(), 9000);
            assert_eq!(c.http.login_per_minute, 7);
            assert_eq!(c.data_dir, PathBuf::from("/tmp/x"));
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_refused() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("bad.toml", "[http]\nlogin_per_minut = 3\n")?;
            assert!(Config::load(Some(Path::new("bad.toml")), &FlagOverrides::default()).is_err());
            Ok(())
        });
    }
}
