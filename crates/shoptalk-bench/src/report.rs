//! Latency histograms, error tallies and the JSON objects printed on stdout.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Highest latency tracked: one hour, in microseconds. Larger values are clamped to it.
const MAX_TRACKED_US: u64 = 3_600_000_000;

pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_TRACKED_US, 3).expect("static histogram bounds are valid")
}

/// A latency histogram many tasks record into: a few mutex-guarded shards (one histogram per
/// task would cost ~100 KiB each), merged at the end.
pub struct Recorder {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl Recorder {
    pub fn new(shards: usize) -> Self {
        Self {
            shards: (0..shards.max(1))
                .map(|_| Mutex::new(new_histogram()))
                .collect(),
        }
    }

    /// Records `latency` in microseconds; `key` (e.g. the task's index) picks the shard.
    pub fn record(&self, key: usize, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let shard = &self.shards[key % self.shards.len()];
        shard
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .saturating_record(us);
    }

    pub fn merged(&self) -> Histogram<u64> {
        let mut all = new_histogram();
        for shard in &self.shards {
            let h = shard.lock().unwrap_or_else(|e| e.into_inner());
            all.add(&*h).expect("shards share the same bounds");
        }
        all
    }
}

/// Percentiles of a histogram, in microseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Latency {
    pub count: u64,
    pub p50: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
}

impl From<&Histogram<u64>> for Latency {
    fn from(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        Self {
            count: h.len(),
            p50: h.value_at_quantile(0.50),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

/// Counts of things that went wrong, by kind (`ws_close_4008`, `send_error:rate_limited`...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Errors(BTreeMap<String, u64>);

impl Errors {
    pub fn add(&mut self, kind: impl Into<String>, n: u64) {
        if n > 0 {
            *self.0.entry(kind.into()).or_default() += n;
        }
    }

    pub fn inc(&mut self, kind: impl Into<String>) {
        self.add(kind, 1);
    }

    pub fn merge(&mut self, other: Errors) {
        for (kind, n) in other.0 {
            self.add(kind, n);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ChatReport {
    pub scenario: &'static str,
    pub customers: usize,
    pub agents: usize,
    /// Total msg/s asked for; 0 = flat out.
    pub target_rate: f64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub sent: u64,
    pub acked: u64,
    /// Messages received by at least one agent.
    pub delivered: u64,
    /// Acks received during the measured window (after warmup) per second.
    pub throughput_msg_s: f64,
    pub ack_us: Latency,
    pub deliver_us: Latency,
    /// How late sends left compared with their schedule (paced runs): the client's own lag.
    pub send_lag_us: Latency,
    pub errors: Errors,
    pub lost: u64,
    pub duplicated: u64,
    /// Pushes of a conversation that reached an agent out of seq order.
    pub reordered: u64,
    /// Acks that came back in another order than their seqs (allowed: sends are concurrent).
    pub acks_out_of_order: u64,
    pub ok: bool,
}

impl ChatReport {
    /// A run is good when something was acked and nothing was lost, duplicated, reordered or
    /// otherwise wrong.
    pub fn judge(&mut self) {
        self.ok = self.acked > 0
            && self.lost == 0
            && self.duplicated == 0
            && self.reordered == 0
            && self.errors.is_empty();
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IdleReport {
    pub scenario: &'static str,
    pub sessions: usize,
    /// Sockets that got their `hello`.
    pub opened: usize,
    pub rss_before_kb: Option<u64>,
    pub rss_after_kb: Option<u64>,
    pub rss_anon_before_kb: Option<u64>,
    pub rss_anon_after_kb: Option<u64>,
    /// Growth of the server's VmRSS per open session.
    pub per_session_bytes: Option<i64>,
    pub per_session_anon_bytes: Option<i64>,
    pub errors: Errors,
    pub ok: bool,
}

/// `(after - before)` KiB spread over `sessions`, in bytes (negative if the server shrank).
pub fn per_session_bytes(before_kb: u64, after_kb: u64, sessions: usize) -> Option<i64> {
    if sessions == 0 {
        return None;
    }
    let delta = (after_kb as i64 - before_kb as i64) * 1024;
    Some(delta / sessions as i64)
}

/// Rounds to one decimal for the report.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recorder_merges_shards_into_percentiles() {
        let r = Recorder::new(4);
        for i in 1..=1000u64 {
            r.record(i as usize, Duration::from_micros(i));
        }
        let l = Latency::from(&r.merged());
        assert_eq!(l.count, 1000);
        assert!((499..=501).contains(&l.p50), "{l:?}");
        assert!((989..=991).contains(&l.p99), "{l:?}");
        assert!((998..=1000).contains(&l.p999), "{l:?}");
        assert_eq!(l.max, 1000);
    }

    #[test]
    fn huge_latencies_are_clamped_not_lost() {
        let r = Recorder::new(1);
        r.record(0, Duration::from_secs(10 * 3600));
        let l = Latency::from(&r.merged());
        assert_eq!(l.count, 1);
        assert!(l.max >= MAX_TRACKED_US);
    }

    #[test]
    fn an_empty_histogram_reports_zeros() {
        assert_eq!(Latency::from(&new_histogram()), Latency::default());
    }

    #[test]
    fn errors_skip_zero_counts_and_merge() {
        let mut a = Errors::default();
        a.add("x", 0);
        assert!(a.is_empty());
        a.inc("ws_close_4008");
        let mut b = Errors::default();
        b.add("ws_close_4008", 2);
        b.inc("send_error:invalid");
        a.merge(b);
        assert_eq!(a.total(), 4);
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"send_error:invalid": 1, "ws_close_4008": 3})
        );
    }

    fn report() -> ChatReport {
        ChatReport {
            scenario: "chat",
            customers: 10,
            agents: 2,
            target_rate: 100.0,
            duration_s: 30.0,
            warmup_s: 5.0,
            sent: 3500,
            acked: 3500,
            delivered: 3500,
            throughput_msg_s: 100.0,
            ack_us: Latency {
                count: 3000,
                p50: 800,
                p99: 2000,
                p999: 5000,
                max: 9000,
            },
            deliver_us: Latency::default(),
            send_lag_us: Latency::default(),
            errors: Errors::default(),
            lost: 0,
            duplicated: 0,
            reordered: 0,
            acks_out_of_order: 0,
            ok: false,
        }
    }

    #[test]
    fn chat_report_has_the_agreed_shape() {
        let mut r = report();
        r.judge();
        let v = serde_json::to_value(&r).unwrap();
        for key in [
            "scenario",
            "customers",
            "agents",
            "target_rate",
            "duration_s",
            "sent",
            "acked",
            "delivered",
            "throughput_msg_s",
            "ack_us",
            "deliver_us",
            "errors",
            "lost",
            "duplicated",
            "reordered",
            "ok",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["scenario"], "chat");
        assert_eq!(v["ok"], true);
        assert_eq!(
            v["ack_us"],
            json!({"count": 3000, "p50": 800, "p99": 2000, "p999": 5000, "max": 9000})
        );
        assert_eq!(v["errors"], json!({}));
        // One line, so scripts can read it with a single `read`/`jq`.
        assert!(!serde_json::to_string(&r).unwrap().contains('\n'));
    }

    #[test]
    fn any_anomaly_fails_the_run() {
        let cases: [fn(&mut ChatReport); 5] = [
            |r| r.lost = 1,
            |r| r.duplicated = 1,
            |r| r.reordered = 1,
            |r| r.errors.inc("ws_close_4008"),
            |r| r.acked = 0,
        ];
        for spoil in cases {
            let mut r = report();
            spoil(&mut r);
            r.judge();
            assert!(!r.ok);
        }
    }

    #[test]
    fn per_session_bytes_is_the_spread_growth() {
        assert_eq!(per_session_bytes(1000, 3000, 1000), Some(2048));
        assert_eq!(per_session_bytes(3000, 1000, 1000), Some(-2048));
        assert_eq!(per_session_bytes(1, 2, 0), None);
    }
}
