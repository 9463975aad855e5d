//! The `idle` scenario: many visitor sockets that only keep alive, to measure what an idle
//! session costs the server in memory.

use crate::IdleArgs;
use crate::report::{Errors, IdleReport, per_session_bytes};
use crate::setup::{self, Api};
use crate::ws::{self, Conn, Endpoint, Event};
use anyhow::{Context, Result, bail, ensure};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::time::sleep;

/// Read buffer of an idle visitor socket: it receives nothing but heartbeats.
const READ_BUFFER: usize = 2 * 1024;
/// Time given to the server to settle after the last socket opened, before reading its RSS.
const SETTLE: Duration = Duration::from_secs(2);

/// Resident memory of a process, from `/proc/PID/status`, in KiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rss {
    pub vm_rss_kb: u64,
    pub rss_anon_kb: Option<u64>,
}

/// Reads `VmRSS` (and `RssAnon`, on kernels that have it) from a `status` file's text.
pub fn parse_status(status: &str) -> Option<Rss> {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse::<u64>().ok()
        })
    };
    Some(Rss {
        vm_rss_kb: field("VmRSS")?,
        rss_anon_kb: field("RssAnon"),
    })
}

pub fn read_rss(pid: u32) -> Result<Rss> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_status(&text).with_context(|| format!("no VmRSS in {path}"))
}

/// The source address of socket `i`: round-robin over the given ones.
pub fn source_ip(sources: &[IpAddr], i: usize) -> Option<IpAddr> {
    (!sources.is_empty()).then(|| sources[i % sources.len()])
}

pub async fn run(args: &IdleArgs) -> Result<IdleReport> {
    ensure!(
        args.hold.is_finite() && args.hold >= 0.0,
        "--hold must be >= 0"
    );
    let endpoint = Arc::new(Endpoint::resolve(&args.url).await?);
    let api = Api::new(&args.url, &args.origin)?;
    if let Some(pid) = args.server_pid {
        read_rss(pid).context("--server-pid")?;
    }

    eprintln!("creating {} widget sessions", args.sessions);
    let sessions = setup::widget_sessions(
        &api,
        &args.widget_key,
        args.sessions,
        args.setup_concurrency,
    )
    .await?;
    if api.throttled() > 0 {
        eprintln!("  setup was throttled {} times (429)", api.throttled());
    }
    // Close the pooled REST connections so they don't count in the server's memory.
    drop(api);
    sleep(SETTLE).await;

    let before = args.server_pid.map(read_rss).transpose()?;
    eprintln!("opening {} sockets", args.sessions);
    let slots = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Result<(), String>>();
    let (ended_tx, mut ended_rx) = mpsc::unbounded_channel::<String>();
    let (stop_tx, stop_rx) = watch::channel(false);
    let origin: Arc<str> = args.origin.as_str().into();
    let mut tasks = Vec::with_capacity(sessions.len());
    for (i, session) in sessions.into_iter().enumerate() {
        let (endpoint, slots, origin) = (endpoint.clone(), slots.clone(), origin.clone());
        let (ready, ended, mut stop) = (ready_tx.clone(), ended_tx.clone(), stop_rx.clone());
        let local = source_ip(&args.source_ips, i);
        tasks.push(tokio::spawn(async move {
            let opened = async {
                let _slot = slots.acquire().await?;
                let socket = ws::connect(
                    &endpoint,
                    &session.token,
                    Some(&origin),
                    local,
                    ws::config(READ_BUFFER),
                )
                .await?;
                Conn::handshake(socket).await
            }
            .await;
            let mut conn = match opened {
                Ok(conn) => conn,
                Err(e) => {
                    let _ = ready.send(Err(format!("{e:#}")));
                    return;
                }
            };
            let _ = ready.send(Ok(()));
            loop {
                tokio::select! {
                    biased;
                    _ = ws::until_set(&mut stop) => {
                        conn.close().await;
                        return;
                    }
                    ev = conn.recv() => match ev {
                        Ok(Event::Frame(_)) => {}
                        Ok(Event::Garbled) => {
                            let _ = ended.send("garbled_frame".into());
                        }
                        Err(closed) => {
                            eprintln!("  session {i} dropped: {closed}");
                            let _ = ended.send(closed.error_key());
                            return;
                        }
                    }
                }
            }
        }));
    }
    drop((ready_tx, ended_tx));

    let mut errors = Errors::default();
    let mut opened = 0;
    let opening = std::time::Instant::now();
    for done in 1..=args.sessions {
        match ready_rx.recv().await {
            Some(Ok(())) => opened += 1,
            Some(Err(e)) => {
                if errors.total() < 10 {
                    eprintln!("  connect failed: {e}");
                }
                errors.inc("connect_failed");
            }
            None => bail!("socket tasks ended before opening"),
        }
        if done % 1000 == 0 {
            eprintln!("  sockets: {done}/{} ({opened} open)", args.sessions);
        }
    }
    eprintln!(
        "  {opened}/{} sockets open in {:.1} s",
        args.sessions,
        opening.elapsed().as_secs_f64()
    );

    sleep(SETTLE).await;
    let after = args.server_pid.map(read_rss).transpose()?;
    if let (Some(b), Some(a)) = (before, after) {
        eprintln!(
            "server VmRSS {} → {} KiB over {opened} sessions",
            b.vm_rss_kb, a.vm_rss_kb
        );
    }
    if args.hold > 0.0 {
        eprintln!("holding for {} s", args.hold);
        sleep(Duration::from_secs_f64(args.hold)).await;
    }
    stop_tx.send_replace(true);
    for t in tasks {
        t.await.context("session task panicked")?;
    }
    while let Ok(kind) = ended_rx.try_recv() {
        errors.inc(kind);
    }

    let diff = |f: fn(&Rss) -> Option<u64>| match (before.as_ref(), after.as_ref()) {
        (Some(b), Some(a)) => per_session_bytes(f(b)?, f(a)?, opened),
        _ => None,
    };
    let ok = opened == args.sessions && errors.is_empty();
    Ok(IdleReport {
        scenario: "idle",
        sessions: args.sessions,
        opened,
        rss_before_kb: before.map(|r| r.vm_rss_kb),
        rss_after_kb: after.map(|r| r.vm_rss_kb),
        rss_anon_before_kb: before.and_then(|r| r.rss_anon_kb),
        rss_anon_after_kb: after.and_then(|r| r.rss_anon_kb),
        per_session_bytes: diff(|r| Some(r.vm_rss_kb)),
        per_session_anon_bytes: diff(|r| r.rss_anon_kb),
        errors,
        ok,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\tshoptalk\nVmPeak:\t  900000 kB\nVmRSS:\t   123456 kB\n\
                          RssAnon:\t   100000 kB\nRssFile:\t    23456 kB\nThreads:\t8\n";

    #[test]
    fn reads_vm_rss_and_rss_anon() {
        assert_eq!(
            parse_status(STATUS),
            Some(Rss {
                vm_rss_kb: 123_456,
                rss_anon_kb: Some(100_000),
            })
        );
        assert_eq!(
            parse_status("VmRSS:\t 5 kB\n"),
            Some(Rss {
                vm_rss_kb: 5,
                rss_anon_kb: None,
            })
        );
        assert_eq!(parse_status("Name:\tx\n"), None);
    }

    #[test]
    fn reads_our_own_status() {
        let me = read_rss(std::process::id()).unwrap();
        assert!(me.vm_rss_kb > 0);
    }

    #[test]
    fn source_ips_are_used_round_robin() {
        let ips: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap(), "127.0.0.2".parse().unwrap()];
        assert_eq!(source_ip(&ips, 0), Some(ips[0]));
        assert_eq!(source_ip(&ips, 3), Some(ips[1]));
        assert_eq!(source_ip(&[], 3), None);
    }
}
