//! The server's parts wired as `shoptalk serve` wires them, over a temp dir: shared by the
//! router tests (`common`) and the socket tests (`ws_common`).

use shoptalk_core::App;
use shoptalk_core::committer::GroupCommitter;
use shoptalk_core::fanout::Fanout;
use shoptalk_core::payment_gateway::PaymentGateways;
use shoptalk_core::service::{BlobStore, Lifetimes, UrlGuard};
use shoptalk_core::store::Store;
use shoptalk_http::ws::Hub;
use shoptalk_http::{AppState, HttpConfig};
use shoptalk_integrations::stripe::StripeGateway;
use shoptalk_jobs::egress::{self, EgressPolicy};
use shoptalk_store::{DiskBlobStore, SqliteStore};
use std::path::Path;
use std::sync::Arc;

/// The address pay links name in tests; requests never go to it.
pub const PUBLIC_URL: &str = "http://shoptalk.test";

/// The test provider, and Stripe allowed onto loopback: tests point a workspace's Stripe API
/// base at a local fake.
fn payment_gateways() -> PaymentGateways {
    let policy = EgressPolicy {
        allow_private: true,
    };
    let guard: UrlGuard = Arc::new(move |url: &str| {
        egress::check_url(url, policy)
            .map(|u| u.to_string())
            .map_err(|e| e.to_string())
    });
    let stripe = StripeGateway::new(egress::client(policy), guard);
    PaymentGateways::default().with(Arc::new(stripe))
}

pub async fn app_state(dir: &Path, config: HttpConfig, url_guard: UrlGuard) -> AppState {
    let store: Arc<dyn Store> =
        Arc::new(SqliteStore::open(&dir.join("shoptalk.db")).await.unwrap());
    let hub = Arc::new(Hub::new(&config));
    let fanout: Arc<dyn Fanout> = hub.clone();
    let (committer, _task) = GroupCommitter::spawn(store.clone(), fanout.clone());
    let blobs: Arc<dyn BlobStore> = Arc::new(DiskBlobStore::new(dir.join("media")));
    AppState {
        app: App {
            store,
            blobs,
            committer,
            fanout,
            presence: Arc::default(),
            url_guard,
            lifetimes: Lifetimes::default(),
            payments: Arc::new(payment_gateways()),
            public_url: PUBLIC_URL.into(),
        },
        hub,
        config: Arc::new(config),
    }
}
