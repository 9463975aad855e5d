//! `shoptalk-bench`: load generator for a running Shoptalk server.
//!
//! Prints one JSON object on stdout (the result) and human progress on stderr. Exits 0 when
//! the run is ok, 1 when it ran but found a problem, 2 when it could not run.

mod chat;
mod check;
mod idle;
mod report;
mod setup;
mod ws;

use clap::{Args, Parser, Subcommand};
use std::net::IpAddr;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "shoptalk-bench", version, about)]
struct Cli {
    /// Runtime worker threads (default: one per CPU).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Customers chat with the shop over WebSockets while agents receive everything:
    /// send→ack and send→deliver latency, loss, duplicates, ordering.
    Chat(ChatArgs),
    /// Many idle visitor sockets: what one open session costs the server in memory.
    Idle(IdleArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ChatArgs {
    /// Base URL of the server's plain-HTTP listener.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Admin API key of the workspace (creates the agents; reads logs back for --verify).
    #[arg(long, env = "SHOPTALK_API_KEY", hide_env_values = true)]
    pub api_key: String,
    /// Widget key of the same workspace.
    #[arg(long, env = "SHOPTALK_WIDGET_KEY")]
    pub widget_key: String,
    /// Customers, each with its own widget session, conversation and socket.
    #[arg(long, default_value_t = 100)]
    pub customers: usize,
    /// Agents, each receiving every message of the workspace.
    #[arg(long, default_value_t = 2)]
    pub agents: usize,
    /// Total messages per second over all customers; 0 = flat out (see --window).
    #[arg(long, default_value_t = 1000.0)]
    pub rate: f64,
    /// Seconds measured (after the warmup).
    #[arg(long, default_value_t = 30.0)]
    pub duration: f64,
    /// Seconds of sending before measuring starts.
    #[arg(long, default_value_t = 0.0)]
    pub warmup: f64,
    /// Flat out: most unacked sends per customer.
    #[arg(long, default_value_t = 8)]
    pub window: usize,
    /// At the end, read every conversation back through REST and check it.
    #[arg(long)]
    pub verify: bool,
    /// Seconds to wait after the last send for outstanding acks and deliveries.
    #[arg(long, default_value_t = 10.0)]
    pub drain: f64,
    /// `Origin` sent by the customers, as a browser widget would.
    #[arg(long, default_value = "http://localhost")]
    pub origin: String,
    /// Concurrent REST calls during setup and verification.
    #[arg(long, default_value_t = 32)]
    pub setup_concurrency: usize,
    /// Concurrent WebSocket handshakes.
    #[arg(long, default_value_t = 256)]
    pub connect_concurrency: usize,
}

#[derive(Debug, Clone, Args)]
pub struct IdleArgs {
    /// Base URL of the server's plain-HTTP listener.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Widget key of the workspace.
    #[arg(long, env = "SHOPTALK_WIDGET_KEY")]
    pub widget_key: String,
    /// Visitor sessions (and sockets) to open.
    #[arg(long, default_value_t = 1000)]
    pub sessions: usize,
    /// The server's PID, to read its VmRSS/RssAnon before and after opening the sockets.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Seconds to keep the sockets open after measuring.
    #[arg(long, default_value_t = 0.0)]
    pub hold: f64,
    /// Local addresses to connect from, round-robin (e.g. 127.0.0.1,127.0.0.2): each has its
    /// own ~28k ephemeral ports towards the server.
    #[arg(long, value_delimiter = ',')]
    pub source_ips: Vec<IpAddr>,
    /// `Origin` sent by the visitors, as a browser widget would.
    #[arg(long, default_value = "http://localhost")]
    pub origin: String,
    /// Concurrent REST calls while creating the widget sessions.
    #[arg(long, default_value_t = 32)]
    pub setup_concurrency: usize,
    /// Concurrent WebSocket handshakes.
    #[arg(long, default_value_t = 256)]
    pub connect_concurrency: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => eprintln!("open files limit: {limit}"),
        Err(e) => eprintln!("warning: cannot raise the open files limit: {e}"),
    }
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = cli.threads {
        runtime.worker_threads(threads.max(1));
    }
    let runtime = match runtime.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(async {
        match &cli.scenario {
            Scenario::Chat(args) => chat::run(args)
                .await
                .map(|r| (serde_json::to_string(&r), r.ok)),
            Scenario::Idle(args) => idle::run(args)
                .await
                .map(|r| (serde_json::to_string(&r), r.ok)),
        }
    });
    // Don't wait for lingering socket tasks.
    runtime.shutdown_background();
    match outcome {
        Ok((Ok(json), ok)) => {
            println!("{json}");
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Ok((Err(e), _)) => {
            eprintln!("error: cannot encode the report: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
