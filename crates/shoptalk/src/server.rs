//! Wiring: the one place that names concrete backends and starts every moving part
//! (store, group committer, WebSocket hub, job workers, snooze sweeper, HTTP server), and the
//! graceful shutdown that stops them in the right order.

use crate::config::Config;
use anyhow::Context;
use shoptalk_core::App;
use shoptalk_core::committer::GroupCommitter;
use shoptalk_core::fanout::Fanout;
use shoptalk_core::payment_gateway::PaymentGateways;
use shoptalk_core::service::{BlobStore, Lifetimes, UrlGuard};
use shoptalk_core::store::Store;
use shoptalk_http::AppState;
use shoptalk_http::ws::Hub;
use shoptalk_integrations::shopify;
use shoptalk_integrations::stripe::StripeGateway;
use shoptalk_jobs::egress::{self, EgressPolicy};
use shoptalk_jobs::{JobRunner, WebhookDeliverer};
use shoptalk_store::{DiskBlobStore, SqliteStore};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often snoozed conversations are checked for their wake-up time.
const SNOOZE_SWEEP_EVERY: Duration = Duration::from_secs(15);
/// Longest wait for queued commits to finish at shutdown.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// What clients are told to wait before reconnecting after a shutdown.
const RECONNECT_AFTER_MS: u64 = 1_000;

/// Opens the storage of a data directory, creating and migrating it as needed.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data dir {}", config.data_dir.display()))?;
    let store = SqliteStore::open(&config.database_path())
        .await
        .with_context(|| format!("cannot open {}", config.database_path().display()))?;
    Ok(Arc::new(store))
}

/// An [`App`] without live clients or HTTP, for CLI commands that run beside (or without)
/// a server on the same data dir.
pub async fn offline_app(config: &Config) -> anyhow::Result<(App, JoinHandle<()>)> {
    let store = open_store(config).await?;
    Ok(build_app(
        config,
        config.listen,
        store,
        Arc::new(shoptalk_core::fanout::NoFanout),
    ))
}

fn build_app(
    config: &Config,
    bound: SocketAddr,
    store: Arc<dyn Store>,
    fanout: Arc<dyn Fanout>,
) -> (App, JoinHandle<()>) {
    let (committer, committer_task) = GroupCommitter::spawn(store.clone(), fanout.clone());
    let blobs: Arc<dyn BlobStore> = Arc::new(DiskBlobStore::new(config.media_dir()));
    let app = App {
        store,
        blobs,
        committer,
        fanout,
        presence: Arc::default(),
        url_guard: url_guard(egress_policy(config)),
        lifetimes: Lifetimes::default(),
        payments: Arc::new(payment_gateways(config)),
        public_url: config.public_url(bound).into(),
    };
    (app, committer_task)
}

/// The built-in test provider, and Stripe through the egress policy (a workspace's Stripe
/// API base is chosen by its admins, like a webhook URL).
fn payment_gateways(config: &Config) -> PaymentGateways {
    let policy = egress_policy(config);
    let stripe = StripeGateway::new(egress::client(policy), url_guard(policy));
    PaymentGateways::default().with(Arc::new(stripe))
}

fn egress_policy(config: &Config) -> EgressPolicy {
    EgressPolicy {
        allow_private: config.egress.allow_private,
    }
}

fn url_guard(policy: EgressPolicy) -> UrlGuard {
    Arc::new(move |url: &str| {
        egress::check_url(url, policy)
            .map(|u| u.to_string())
            .map_err(|e| e.to_string())
    })
}

/// A server that is accepting connections.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub app: App,
    stop: watch::Sender<bool>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl RunningServer {
    /// Graceful shutdown: stop accepting, close sockets with a reconnect hint, finish the
    /// in-flight commits, stop the workers.
    pub async fn shutdown(self) -> anyhow::Result<()> {
        let Self {
            app, stop, task, ..
        } = self;
        drop(app);
        let _ = stop.send(true);
        task.await.context("server task panicked")?
    }

    /// Serves until `signal` resolves, then shuts down gracefully.
    pub async fn run_until(mut self, signal: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::select! {
            result = &mut self.task => return result.context("server task panicked")?,
            _ = signal => {}
        }
        tracing::info!("shutting down");
        self.shutdown().await
    }
}

/// Starts everything on `listener`.
pub async fn start(config: &Config, listener: TcpListener) -> anyhow::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let store = open_store(config).await?;
    let hub = Arc::new(Hub::new(&config.http));
    let (app, committer_task) = build_app(config, addr, store.clone(), hub.clone());
    let (stop, stopped) = watch::channel(false);

    let runner = JobRunner::new(store.clone())
        .with_handler(
            shoptalk_jobs::webhook::JOB_KIND,
            Arc::new(WebhookDeliverer::new(store.clone(), egress_policy(config))),
        )
        .with_handler(
            shopify::admin::JOB_KIND,
            Arc::new(shopify::admin::ShopifyOrderActions::new(
                store.clone(),
                egress_policy(config),
            )),
        );
    let jobs_task = tokio::spawn(runner.run(wait_for(stopped.clone())));
    let sweeper_task = tokio::spawn(sweep_snoozed(app.clone(), stopped.clone()));

    let state = AppState {
        app: app.clone(),
        hub: hub.clone(),
        config: Arc::new(config.http.clone()),
    };
    let router = shoptalk_http::router(state);
    let hub_for_drain = hub.clone();
    let task = tokio::spawn(async move {
        let http_stopped = wait_for(stopped.clone());
        let served = shoptalk_http::serve(listener, router, async move {
            http_stopped.await;
            // Sockets are upgraded connections the HTTP server no longer tracks: tell them
            // to come back, then close them.
            hub.shutdown(RECONNECT_AFTER_MS);
        })
        .await;
        // Let the `reconnect` frames go out before the committer and the process stop.
        if !hub_for_drain.wait_closed(DRAIN_TIMEOUT).await {
            tracing::warn!("some sockets were still open after {DRAIN_TIMEOUT:?}");
        }
        let _ = sweeper_task.await;
        let _ = jobs_task.await;
        // The committer ends once every handle is gone, after committing what was queued.
        if tokio::time::timeout(DRAIN_TIMEOUT, committer_task)
            .await
            .is_err()
        {
            tracing::warn!("commits still queued after {DRAIN_TIMEOUT:?}; stopping anyway");
        }
        served.context("HTTP server failed")
    });
    tracing::info!(%addr, data_dir = %config.data_dir.display(), "shoptalk is listening");
    Ok(RunningServer {
        addr,
        app,
        stop,
        task,
    })
}

async fn wait_for(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

async fn sweep_snoozed(app: App, stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(SNOOZE_SWEEP_EVERY);
    let stop = wait_for(stopped);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = app.wake_snoozed().await {
                    tracing::warn!(error = %e, "snooze sweep failed");
                }
                // Idle carts become abandoned on the same beat.
                if let Err(e) = app.abandon_idle_carts().await {
                    tracing::warn!(error = %e, "abandoned-cart sweep failed");
                }
            }
            _ = &mut stop => return,
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
pub async fn termination_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

/// Lets this process hold as many sockets as its hard limit allows.
pub fn raise_open_file_limit() {
    if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
        tracing::warn!(error = %e, "could not raise the open-file limit");
    }
}
