//! The `chat` scenario: N customers send text messages over their sockets while M agents
//! receive the whole workspace's traffic. Measures send→ack and send→first-agent delivery,
//! and checks that nothing is lost, duplicated or reordered.

use crate::ChatArgs;
use crate::check::{BitSet, Seen, SeqChecker, client_msg_id, parse_client_msg_id};
use crate::report::{ChatReport, Errors, Latency, Recorder, round1};
use crate::setup::{self, Api, Customer};
use crate::ws::{self, Conn, Endpoint, Event, Incoming, Kind};
use anyhow::{Context, Result, bail, ensure};
use dashmap::DashMap;
use shoptalk_types::Content;
use shoptalk_types::frames::ClientFrame;
use shoptalk_types::ids::ConversationId;
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Duration;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep, sleep_until};

/// Read buffer of a customer socket: it only receives acks and its own messages.
const CUSTOMER_READ_BUFFER: usize = 4 * 1024;
/// Read buffer of an agent socket: it receives every message of the workspace.
const AGENT_READ_BUFFER: usize = 64 * 1024;
/// Error details printed to stderr before going quiet (the counts are in the report anyway).
const MAX_ERROR_LINES: u64 = 20;

/// When, after the start of the send phase, customer `i` of `n` sends its `k`-th message
/// (from 0) for a total of `rate` msg/s. Customers take turns, so the fleet sends one message
/// every `1/rate` s and each customer one every `n/rate` s. Deadlines are absolute: a late
/// send does not push the later ones back.
pub fn send_offset(i: usize, n: usize, k: u64, rate: f64) -> Duration {
    let slot = k as f64 * n as f64 + i as f64;
    Duration::from_secs_f64(slot / rate)
}

/// The phases of the run, fixed once every socket is open.
#[derive(Debug, Clone, Copy)]
struct Timing {
    start: Instant,
    /// End of the warmup: latencies and throughput count from here.
    measure_from: Instant,
    /// No sends from here on.
    end: Instant,
}

impl Timing {
    fn measured(&self, t: Instant) -> bool {
        t >= self.measure_from && t < self.end
    }
}

/// When a message left, and whether it counts in the latency histograms (it was due after
/// the warmup).
#[derive(Debug, Clone, Copy)]
struct Sent {
    at: Instant,
    measured: bool,
}

/// What every task shares.
struct Shared {
    customers: usize,
    rate: f64,
    window: usize,
    /// Conversation → customer index.
    conversations: HashMap<ConversationId, usize>,
    base_seqs: Vec<i64>,
    /// Messages no agent has received yet, by `(customer, n)`.
    undelivered: DashMap<(usize, u64), Sent>,
    track_delivery: bool,
    ack_us: Recorder,
    deliver_us: Recorder,
    send_lag_us: Recorder,
    sent: AtomicU64,
    acked: AtomicU64,
    acked_measured: AtomicU64,
    /// Sends answered by an `error` frame.
    rejected: AtomicU64,
    /// Sends in flight on sockets that died: they will never be answered.
    abandoned: AtomicU64,
    delivered: AtomicU64,
    /// Per agent: bench messages received (first time each).
    agent_received: Vec<AtomicU64>,
    agent_dead: Vec<AtomicBool>,
    error_count: AtomicU64,
}

impl Shared {
    /// Counts an error in the task's tally and prints the first few.
    fn error(&self, errors: &mut Errors, kind: impl Into<String>, detail: impl Display) {
        let kind = kind.into();
        if self.error_count.fetch_add(1, Relaxed) < MAX_ERROR_LINES {
            eprintln!("  error {kind}: {detail}");
        }
        errors.inc(kind);
    }
}

/// How a socket task gets going: connect under the shared semaphore, report readiness, then
/// wait (keeping the socket alive) for the start signal.
struct Launch {
    endpoint: Arc<Endpoint>,
    connect_slots: Arc<Semaphore>,
    ready: mpsc::UnboundedSender<Result<(), String>>,
    go: watch::Receiver<Option<Timing>>,
    stop: watch::Receiver<bool>,
}

impl Launch {
    async fn open(
        &mut self,
        token: &str,
        origin: Option<&str>,
        read_buffer: usize,
    ) -> Option<(Conn, Timing)> {
        let opened = async {
            let _slot = self.connect_slots.acquire().await?;
            let socket =
                ws::connect(&self.endpoint, token, origin, None, ws::config(read_buffer)).await?;
            Conn::handshake(socket).await
        }
        .await;
        let mut conn = match opened {
            Ok(conn) => conn,
            Err(e) => {
                let _ = self.ready.send(Err(format!("{e:#}")));
                return None;
            }
        };
        let _ = self.ready.send(Ok(()));
        loop {
            tokio::select! {
                biased;
                go = self.go.wait_for(Option::is_some) => {
                    let timing = go.ok().and_then(|t| *t)?;
                    return Some((conn, timing));
                }
                ev = conn.recv() => {
                    if let Err(closed) = ev {
                        eprintln!("  socket lost before the start: {closed}");
                        return None;
                    }
                }
            }
        }
    }
}

/// What a customer task found.
struct CustomerOutcome {
    sent: u64,
    acked: BitSet,
    acks: SeqChecker,
    duplicate_acks: u64,
    /// Sends neither acked nor rejected.
    unanswered: u64,
    errors: Errors,
}

async fn customer(
    shared: Arc<Shared>,
    idx: usize,
    who: Customer,
    origin: Arc<str>,
    mut launch: Launch,
) -> CustomerOutcome {
    let mut out = CustomerOutcome {
        sent: 0,
        acked: BitSet::default(),
        acks: SeqChecker::new(who.base_seq),
        duplicate_acks: 0,
        unanswered: 0,
        errors: Errors::default(),
    };
    let Some((mut conn, timing)) = launch
        .open(&who.token, Some(&origin), CUSTOMER_READ_BUFFER)
        .await
    else {
        out.errors.inc("not_started");
        return out;
    };
    let paced = shared.rate > 0.0;
    let mut inflight: HashMap<u64, Sent> = HashMap::new();
    let mut next_n: u64 = 0;
    // (send number, seq) of every ack: the log must keep the order the messages were sent in.
    let mut acked_seqs: Vec<(u64, i64)> = Vec::new();
    let mut open = true;
    let never = timing.end + Duration::from_secs(24 * 3600);

    loop {
        let next_send = if paced {
            Some(timing.start + send_offset(idx, shared.customers, next_n, shared.rate))
                .filter(|&t| t < timing.end)
        } else {
            let now = Instant::now().max(timing.start);
            (inflight.len() < shared.window && now < timing.end).then_some(now)
        };
        tokio::select! {
            biased;
            _ = ws::until_set(&mut launch.stop) => break,
            ev = conn.recv() => match ev {
                Ok(Event::Frame(frame)) => on_customer_frame(
                    &shared, idx, &who, timing, frame, &mut inflight, &mut acked_seqs, &mut out,
                ),
                Ok(Event::Garbled) => shared.error(&mut out.errors, "garbled_frame", "customer"),
                Err(closed) => {
                    shared.error(&mut out.errors, closed.error_key(), format!("customer {idx}: {closed}"));
                    open = false;
                    break;
                }
            },
            _ = sleep_until(next_send.unwrap_or(never)), if next_send.is_some() => {
                let n = next_n;
                next_n += 1;
                let frame = ClientFrame::Send {
                    conversation_id: who.conversation_id,
                    client_msg_id: client_msg_id(idx, n),
                    content: Content::text(format!("bench message {n}")),
                    private: false,
                };
                let text = serde_json::to_string(&frame).expect("frames serialise");
                let at = Instant::now();
                // A send belongs to the window it was due in, even if it left late.
                let due = next_send.unwrap_or(at);
                let sent = Sent { at, measured: timing.measured(due) };
                if paced && sent.measured {
                    shared.send_lag_us.record(idx, at.saturating_duration_since(due));
                }
                inflight.insert(n, sent);
                if shared.track_delivery {
                    shared.undelivered.insert((idx, n), sent);
                }
                out.sent += 1;
                shared.sent.fetch_add(1, Relaxed);
                if let Err(closed) = conn.send(text).await {
                    shared.error(&mut out.errors, closed.error_key(), format!("customer {idx} send: {closed}"));
                    open = false;
                    break;
                }
            }
        }
    }
    out.unanswered = inflight.len() as u64;
    // Acks of concurrent sends may arrive in any order, but seqs must follow send order.
    acked_seqs.sort_unstable();
    for pair in acked_seqs.windows(2) {
        if pair[1].1 < pair[0].1 {
            let late = client_msg_id(idx, pair[1].0);
            shared.error(&mut out.errors, "seq_order_differs_from_send_order", late);
        }
    }
    if !open {
        shared.abandoned.fetch_add(out.unanswered, Relaxed);
    } else {
        conn.close().await;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn on_customer_frame(
    shared: &Shared,
    idx: usize,
    who: &Customer,
    timing: Timing,
    frame: Incoming,
    inflight: &mut HashMap<u64, Sent>,
    acked_seqs: &mut Vec<(u64, i64)>,
    out: &mut CustomerOutcome,
) {
    let now = Instant::now();
    match frame.kind {
        Kind::Ack => {
            let (Some(id), Some(message)) = (frame.client_msg_id, frame.message) else {
                shared.error(
                    &mut out.errors,
                    "malformed_ack",
                    "ack without id or message",
                );
                return;
            };
            let Some(n) = parse_client_msg_id(&id)
                .filter(|&(c, _)| c == idx)
                .map(|(_, n)| n)
            else {
                shared.error(&mut out.errors, "ack_unknown_client_msg_id", id);
                return;
            };
            if message.conversation_id != who.conversation_id {
                shared.error(&mut out.errors, "ack_wrong_conversation", id.as_str());
            }
            if !out.acked.insert(n) {
                out.duplicate_acks += 1;
                return;
            }
            match inflight.remove(&n) {
                Some(sent) if sent.measured => shared.ack_us.record(idx, now - sent.at),
                Some(_) => {}
                None => shared.error(&mut out.errors, "ack_for_unsent_message", id.as_str()),
            }
            shared.acked.fetch_add(1, Relaxed);
            if timing.measured(now) {
                shared.acked_measured.fetch_add(1, Relaxed);
            }
            acked_seqs.push((n, message.seq));
            if let Seen::BeforeStart = out.acks.observe(message.seq) {
                shared.error(&mut out.errors, "ack_seq_before_start", message.seq);
            }
        }
        Kind::Error => {
            let (code, text) = frame
                .error
                .map_or(("unknown".into(), String::new()), |e| (e.code, e.message));
            let ours = frame
                .reference
                .as_deref()
                .and_then(parse_client_msg_id)
                .filter(|&(c, n)| c == idx && inflight.contains_key(&n));
            if let Some((_, n)) = ours {
                inflight.remove(&n);
                shared.undelivered.remove(&(idx, n));
                shared.rejected.fetch_add(1, Relaxed);
                shared.error(&mut out.errors, format!("send_error:{code}"), text);
            } else {
                shared.error(&mut out.errors, format!("server_error:{code}"), text);
            }
        }
        Kind::Reconnect => shared.error(&mut out.errors, "server_reconnect", "customer"),
        // Its own messages pushed back, pongs, receipts...: not measured.
        Kind::Hello | Kind::Message | Kind::Other => {}
    }
}

/// What an agent task found: the seqs it received, per customer's conversation.
struct AgentOutcome {
    seqs: Vec<SeqChecker>,
    errors: Errors,
}

async fn agent(shared: Arc<Shared>, idx: usize, token: String, mut launch: Launch) -> AgentOutcome {
    let mut out = AgentOutcome {
        seqs: shared
            .base_seqs
            .iter()
            .map(|&b| SeqChecker::new(b))
            .collect(),
        errors: Errors::default(),
    };
    let Some((mut conn, _)) = launch.open(&token, None, AGENT_READ_BUFFER).await else {
        out.errors.inc("not_started");
        shared.agent_dead[idx].store(true, Relaxed);
        return out;
    };
    loop {
        tokio::select! {
            biased;
            _ = ws::until_set(&mut launch.stop) => {
                conn.close().await;
                break;
            }
            ev = conn.recv() => match ev {
                Ok(Event::Frame(frame)) => on_agent_frame(&shared, idx, frame, &mut out),
                Ok(Event::Garbled) => shared.error(&mut out.errors, "garbled_frame", "agent"),
                Err(closed) => {
                    shared.error(&mut out.errors, closed.error_key(), format!("agent {idx}: {closed}"));
                    shared.agent_dead[idx].store(true, Relaxed);
                    break;
                }
            }
        }
    }
    out
}

fn on_agent_frame(shared: &Shared, idx: usize, frame: Incoming, out: &mut AgentOutcome) {
    let now = Instant::now();
    match frame.kind {
        Kind::Message => {
            let Some(message) = frame.message else {
                shared.error(
                    &mut out.errors,
                    "malformed_message",
                    "message frame without message",
                );
                return;
            };
            // Other traffic of the workspace is none of our business.
            let Some(&c) = shared.conversations.get(&message.conversation_id) else {
                return;
            };
            match out.seqs[c].observe(message.seq) {
                Seen::Duplicate => return,
                Seen::BeforeStart => {
                    shared.error(&mut out.errors, "deliver_seq_before_start", message.seq);
                    return;
                }
                Seen::InOrder | Seen::Gap { .. } | Seen::Late => {}
            }
            let Some(n) = message
                .client_msg_id
                .as_deref()
                .and_then(parse_client_msg_id)
                .filter(|&(cc, _)| cc == c)
                .map(|(_, n)| n)
            else {
                return;
            };
            shared.agent_received[idx].fetch_add(1, Relaxed);
            if let Some((_, sent)) = shared.undelivered.remove(&(c, n)) {
                shared.delivered.fetch_add(1, Relaxed);
                if sent.measured {
                    shared.deliver_us.record(c, now - sent.at);
                }
            }
        }
        Kind::Error => {
            let (code, text) = frame
                .error
                .map_or(("unknown".into(), String::new()), |e| (e.code, e.message));
            shared.error(&mut out.errors, format!("server_error:{code}"), text);
        }
        Kind::Reconnect => shared.error(&mut out.errors, "server_reconnect", "agent"),
        Kind::Hello | Kind::Ack | Kind::Other => {}
    }
}

fn validate(args: &ChatArgs) -> Result<()> {
    ensure!(args.customers >= 1, "--customers must be at least 1");
    ensure!(
        args.rate.is_finite() && args.rate >= 0.0,
        "--rate must be >= 0 (0 = flat out)"
    );
    ensure!(
        args.duration.is_finite() && args.duration > 0.0,
        "--duration must be > 0"
    );
    ensure!(
        args.warmup.is_finite() && args.warmup >= 0.0,
        "--warmup must be >= 0"
    );
    ensure!(
        args.drain.is_finite() && args.drain >= 0.0,
        "--drain must be >= 0"
    );
    ensure!(args.window >= 1, "--window must be at least 1");
    Ok(())
}

pub async fn run(args: &ChatArgs) -> Result<ChatReport> {
    validate(args)?;
    let endpoint = Arc::new(Endpoint::resolve(&args.url).await?);
    let api = Api::new(&args.url, &args.origin)?;

    eprintln!(
        "setting up {} customers and {} agents",
        args.customers, args.agents
    );
    let customers = setup::customers(
        &api,
        &args.widget_key,
        args.customers,
        args.setup_concurrency,
    )
    .await?;
    let agent_tokens = setup::agents(&api, &args.api_key, args.agents, args.setup_concurrency)
        .await
        .context("creating agents (is --api-key an admin key?)")?;
    if api.throttled() > 0 {
        eprintln!("  setup was throttled {} times (429)", api.throttled());
    }

    let shared = Arc::new(Shared {
        customers: args.customers,
        rate: args.rate,
        window: args.window,
        conversations: customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.conversation_id, i))
            .collect(),
        base_seqs: customers.iter().map(|c| c.base_seq).collect(),
        undelivered: DashMap::new(),
        track_delivery: args.agents > 0,
        ack_us: Recorder::new(64),
        deliver_us: Recorder::new(64),
        send_lag_us: Recorder::new(64),
        sent: AtomicU64::new(0),
        acked: AtomicU64::new(0),
        acked_measured: AtomicU64::new(0),
        rejected: AtomicU64::new(0),
        abandoned: AtomicU64::new(0),
        delivered: AtomicU64::new(0),
        agent_received: (0..args.agents).map(|_| AtomicU64::new(0)).collect(),
        agent_dead: (0..args.agents).map(|_| AtomicBool::new(false)).collect(),
        error_count: AtomicU64::new(0),
    });

    // Open every socket; each task waits for the start signal once it has its `hello`.
    let sockets = args.customers + args.agents;
    eprintln!("opening {sockets} sockets");
    let connect_slots = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let (go_tx, go_rx) = watch::channel(None);
    let (stop_tx, stop_rx) = watch::channel(false);
    let launch = || Launch {
        endpoint: endpoint.clone(),
        connect_slots: connect_slots.clone(),
        ready: ready_tx.clone(),
        go: go_rx.clone(),
        stop: stop_rx.clone(),
    };
    let agent_tasks: Vec<JoinHandle<AgentOutcome>> = agent_tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| tokio::spawn(agent(shared.clone(), i, token, launch())))
        .collect();
    let origin: Arc<str> = args.origin.as_str().into();
    let customer_tasks: Vec<JoinHandle<CustomerOutcome>> = customers
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, c)| tokio::spawn(customer(shared.clone(), i, c, origin.clone(), launch())))
        .collect();
    drop(ready_tx);
    let opening = std::time::Instant::now();
    for done in 1..=sockets {
        match ready_rx.recv().await {
            Some(Ok(())) => {}
            Some(Err(e)) => bail!("opening a WebSocket failed: {e}"),
            None => bail!("socket tasks ended before opening"),
        }
        if done % 1000 == 0 {
            eprintln!("  sockets: {done}/{sockets}");
        }
    }
    eprintln!(
        "  sockets: {sockets} in {:.1} s",
        opening.elapsed().as_secs_f64()
    );

    // Go.
    let start = Instant::now() + Duration::from_millis(200);
    let measure_from = start + Duration::from_secs_f64(args.warmup);
    let end = measure_from + Duration::from_secs_f64(args.duration);
    let timing = Timing {
        start,
        measure_from,
        end,
    };
    go_tx.send_replace(Some(timing));
    eprintln!(
        "sending: {} for {}+{} s (warmup+measured)",
        if args.rate > 0.0 {
            format!("{} msg/s", args.rate)
        } else {
            format!("flat out, window {}", args.window)
        },
        args.warmup,
        args.duration
    );
    let progress = tokio::spawn(progress(shared.clone(), start));
    sleep_until(end).await;

    // Drain: wait until every send is answered and every agent caught up, or give up.
    let drain_deadline = Instant::now() + Duration::from_secs_f64(args.drain);
    while !settled(&shared) && Instant::now() < drain_deadline {
        sleep(Duration::from_millis(20)).await;
    }
    if !settled(&shared) {
        eprintln!(
            "drain: gave up after {} s with work outstanding",
            args.drain
        );
    }
    progress.abort();
    stop_tx.send_replace(true);

    let mut agents = Vec::with_capacity(agent_tasks.len());
    for t in agent_tasks {
        agents.push(t.await.context("agent task panicked")?);
    }
    let mut outcomes = Vec::with_capacity(customer_tasks.len());
    for t in customer_tasks {
        outcomes.push(t.await.context("customer task panicked")?);
    }

    let mut report = tally(args, &shared, &outcomes, agents);
    if args.verify {
        eprintln!("verifying {} conversations through REST", customers.len());
        verify(&api, args, &customers, &outcomes, &mut report).await?;
    }
    report.judge();
    Ok(report)
}

fn settled(shared: &Shared) -> bool {
    let sent = shared.sent.load(Relaxed);
    let acked = shared.acked.load(Relaxed);
    let answered = acked + shared.rejected.load(Relaxed) + shared.abandoned.load(Relaxed) >= sent;
    let caught_up = shared
        .agent_received
        .iter()
        .zip(&shared.agent_dead)
        .all(|(received, dead)| dead.load(Relaxed) || received.load(Relaxed) >= acked);
    answered && caught_up
}

async fn progress(shared: Arc<Shared>, start: Instant) {
    sleep_until(start).await;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tick.tick().await;
        let sent = shared.sent.load(Relaxed);
        let acked = shared.acked.load(Relaxed);
        eprintln!(
            "  t={:>4.0}s sent={sent} acked={acked} delivered={} in_flight={} errors={}",
            start.elapsed().as_secs_f64(),
            shared.delivered.load(Relaxed),
            sent.saturating_sub(acked + shared.rejected.load(Relaxed)),
            shared.error_count.load(Relaxed),
        );
    }
}

/// Folds every task's findings into the report.
fn tally(
    args: &ChatArgs,
    shared: &Shared,
    customers: &[CustomerOutcome],
    agents: Vec<AgentOutcome>,
) -> ChatReport {
    let mut errors = Errors::default();
    let (mut lost, mut duplicated, mut reordered, mut acks_out_of_order) = (0, 0, 0, 0);
    for c in customers {
        lost += c.unanswered;
        duplicated += c.duplicate_acks + c.acks.duplicated;
        // Concurrent sends may be acked in any order: only pushes promise seq order.
        acks_out_of_order += c.acks.reordered;
        errors.add("ack_seq_gap", c.acks.missing());
        errors.merge(c.errors.clone());
    }
    for a in agents {
        for (seqs, c) in a.seqs.iter().zip(customers) {
            lost += seqs.missing_from(&c.acks);
            duplicated += seqs.duplicated;
            reordered += seqs.reordered;
        }
        errors.merge(a.errors);
    }
    ChatReport {
        scenario: "chat",
        customers: args.customers,
        agents: args.agents,
        target_rate: args.rate,
        duration_s: args.duration,
        warmup_s: args.warmup,
        sent: shared.sent.load(Relaxed),
        acked: shared.acked.load(Relaxed),
        delivered: shared.delivered.load(Relaxed),
        throughput_msg_s: round1(shared.acked_measured.load(Relaxed) as f64 / args.duration),
        ack_us: Latency::from(&shared.ack_us.merged()),
        deliver_us: Latency::from(&shared.deliver_us.merged()),
        send_lag_us: Latency::from(&shared.send_lag_us.merged()),
        errors,
        lost,
        duplicated,
        reordered,
        acks_out_of_order,
        ok: false,
    }
}

/// Reads every conversation back through REST and checks it against what was acked.
async fn verify(
    api: &Api,
    args: &ChatArgs,
    customers: &[Customer],
    outcomes: &[CustomerOutcome],
    report: &mut ChatReport,
) -> Result<()> {
    let logs = setup::run_bounded(
        "message logs",
        customers.len(),
        args.setup_concurrency,
        |i| async move {
            let messages = api
                .all_messages(&args.api_key, customers[i].conversation_id)
                .await?;
            Ok(messages
                .into_iter()
                .map(|m| (m.seq, m.client_msg_id))
                .collect::<Vec<_>>())
        },
    )
    .await?;
    for (i, log) in logs.iter().enumerate() {
        let found = crate::check::check_log(log, i, customers[i].base_seq, &outcomes[i].acked);
        report.lost += found.lost;
        report.duplicated += found.duplicated;
        if found.seqs_not_gapless {
            report.errors.inc("verify_seqs_not_gapless");
        }
        if found.count_mismatch {
            report.errors.inc("verify_count_mismatch");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_sends_at_an_even_total_rate() {
        let (n, rate) = (4, 100.0);
        let mut all: Vec<Duration> = (0..n)
            .flat_map(|i| (0..25).map(move |k| send_offset(i, n, k, rate)))
            .collect();
        all.sort();
        assert_eq!(all.len(), 100);
        for (j, t) in all.iter().enumerate() {
            let want = Duration::from_millis(10 * j as u64);
            assert!(t.abs_diff(want) < Duration::from_micros(1), "{j}: {t:?}");
        }
    }

    #[test]
    fn each_customer_keeps_its_own_period_with_absolute_deadlines() {
        // 1000 msg/s over 10 customers: each sends every 10 ms, customer 3 offset by 3 ms.
        assert_eq!(send_offset(3, 10, 0, 1000.0), Duration::from_millis(3));
        assert_eq!(send_offset(3, 10, 1, 1000.0), Duration::from_millis(13));
        // No drift after many messages: the deadline is computed, not accumulated.
        let late = send_offset(3, 10, 1_000_000, 1000.0);
        assert!(
            late.abs_diff(Duration::from_secs(10_000) + Duration::from_millis(3))
                < Duration::from_micros(1)
        );
    }

    #[test]
    fn fractional_rates_spread_customers_out() {
        // 0.5 msg/s over 2 customers: each sends every 4 s.
        assert_eq!(send_offset(1, 2, 0, 0.5), Duration::from_secs(2));
        assert_eq!(send_offset(1, 2, 1, 0.5), Duration::from_secs(6));
    }
}
