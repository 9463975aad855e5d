//! The job runner: claims due jobs from the store with a lease, runs them through the handler
//! registered for their kind, and records the outcome (done, retry later, or dead).
//!
//! Delivery is at least once: a job whose worker died (crash, deploy) keeps its lease until
//! it expires, then is claimed again. Handlers must therefore be idempotent, or at least
//! harmless to repeat (webhook receivers deduplicate on `webhook-id`).

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use shoptalk_core::store::{Job, Store};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How long a claimed job is reserved for its worker.
pub const LEASE: SignedDuration = SignedDuration::from_secs(60);
/// Longest a handler may run: well inside the lease, so an expired lease means a dead worker,
/// not a slow one.
pub const HANDLER_TIMEOUT: Duration = Duration::from_secs(45);
/// Jobs claimed per step.
pub const DEFAULT_BATCH: u32 = 32;
/// Jobs run at the same time.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Pause between steps when the queue was drained.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);

/// First retry delay (before jitter).
pub const BACKOFF_BASE: SignedDuration = SignedDuration::from_secs(5);
/// Growth of the delay per attempt.
pub const BACKOFF_FACTOR: i64 = 4;
/// Longest retry delay.
pub const BACKOFF_CAP: SignedDuration = SignedDuration::from_hours(10);

/// Why a job run failed, and whether running it again may help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct JobFailure {
    pub message: String,
    pub retryable: bool,
}

impl JobFailure {
    /// A transient failure: the job is retried with backoff while attempts remain.
    pub fn retryable(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: true,
        }
    }

    /// A permanent failure: the job is dead at once.
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: false,
        }
    }
}

/// Runs the jobs of one kind.
#[async_trait]
pub trait JobHandler: Send + Sync {
    async fn run(&self, job: &Job) -> Result<(), JobFailure>;
}

/// Upper bound of the retry delay after `attempt` attempts (1-based; lower values count as
/// 1): `5 s × 4^(attempt-1)`, capped at 10 h.
pub fn backoff_ceiling(attempt: i32) -> SignedDuration {
    let exponent = attempt.saturating_sub(1).max(0) as u32;
    let cap = BACKOFF_CAP.as_secs();
    let secs = BACKOFF_FACTOR
        .checked_pow(exponent)
        .and_then(|f| f.checked_mul(BACKOFF_BASE.as_secs()))
        .map_or(cap, |s| s.min(cap));
    SignedDuration::from_secs(secs)
}

/// The delay before retrying after `attempt` attempts: uniformly random in
/// `[ceiling/2, ceiling]` of [`backoff_ceiling`], so that jobs failing together (an endpoint
/// down) do not retry together.
pub fn backoff(attempt: i32) -> SignedDuration {
    let hi = backoff_ceiling(attempt).as_millis() as i64;
    let lo = hi / 2;
    SignedDuration::from_millis(rand::rng().random_range(lo..=hi))
}

/// Claims and runs due jobs. Build it with [`JobRunner::new`] and [`JobRunner::with_handler`],
/// then drive it with [`JobRunner::run`] (production) or [`JobRunner::run_due`] (tests).
pub struct JobRunner {
    store: Arc<dyn Store>,
    handlers: HashMap<String, Arc<dyn JobHandler>>,
    batch: u32,
    concurrency: usize,
    lease: SignedDuration,
    handler_timeout: Duration,
    poll_interval: Duration,
}

impl JobRunner {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            handlers: HashMap::new(),
            batch: DEFAULT_BATCH,
            concurrency: DEFAULT_CONCURRENCY,
            lease: LEASE,
            handler_timeout: HANDLER_TIMEOUT,
            poll_interval: POLL_INTERVAL,
        }
    }

    /// Registers the handler of a job kind (replacing any earlier one).
    pub fn with_handler(mut self, kind: impl Into<String>, handler: Arc<dyn JobHandler>) -> Self {
        self.handlers.insert(kind.into(), handler);
        self
    }

    /// Jobs claimed per step (at least 1).
    pub fn with_batch_size(mut self, batch: u32) -> Self {
        self.batch = batch.max(1);
        self
    }

    /// Jobs run at the same time (at least 1).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// One step: claims up to the batch size of jobs due at `now` with a lease, runs them
    /// concurrently (bounded), and records each outcome. Returns how many jobs were claimed.
    pub async fn run_due(&self, now: Timestamp) -> usize {
        let jobs = match self.store.claim_jobs(now, self.lease, self.batch).await {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::error!(error = %e, "claiming jobs failed");
                metrics::counter!("shoptalk_jobs_store_errors_total").increment(1);
                return 0;
            }
        };
        let claimed = jobs.len();
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for job in jobs {
            let permit = permits
                .clone()
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let handler = self.handlers.get(&job.kind).cloned();
            let store = self.store.clone();
            let timeout = self.handler_timeout;
            tasks.spawn(async move {
                let outcome = execute(handler, &job, timeout).await;
                record(store.as_ref(), &job, outcome, now).await;
                drop(permit);
            });
        }
        while let Some(joined) = tasks.join_next().await {
            if let Err(e) = joined {
                tracing::error!(error = %e, "job task failed");
            }
        }
        claimed
    }

    /// Runs steps until `shutdown` completes: a new step at once after a full batch, else
    /// every [`POLL_INTERVAL`]. The step in flight when `shutdown` completes finishes first;
    /// jobs not yet claimed stay queued.
    pub async fn run(self, shutdown: impl Future) {
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let claimed = self.run_due(Timestamp::now()).await;
            let pause = if claimed >= self.batch as usize {
                Duration::ZERO
            } else {
                self.poll_interval
            };
            tokio::select! {
                biased;
                _ = &mut shutdown => break,
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("job runner stopped");
    }
}

/// Runs the handler in its own task, so a panic fails the job instead of the runner.
async fn execute(
    handler: Option<Arc<dyn JobHandler>>,
    job: &Job,
    timeout: Duration,
) -> Result<(), JobFailure> {
    let Some(handler) = handler else {
        return Err(JobFailure::permanent(format!(
            "no handler for job kind {:?}",
            job.kind
        )));
    };
    let owned = job.clone();
    let task = tokio::spawn(async move { handler.run(&owned).await });
    let abort = task.abort_handle();
    match tokio::time::timeout(timeout, task).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) if e.is_panic() => Err(JobFailure::retryable("the job handler panicked")),
        Ok(Err(e)) => Err(JobFailure::retryable(format!("the job task failed: {e}"))),
        Err(_) => {
            abort.abort();
            Err(JobFailure::retryable(format!(
                "the job timed out after {} s",
                timeout.as_secs()
            )))
        }
    }
}

/// Records a run's outcome in the store, and in the metrics.
async fn record(store: &dyn Store, job: &Job, outcome: Result<(), JobFailure>, now: Timestamp) {
    let kind = job.kind.clone();
    let result = match outcome {
        Ok(()) => {
            metrics::counter!("shoptalk_jobs_completed_total", "kind" => kind).increment(1);
            store.complete_job(job.id).await
        }
        Err(failure) => {
            let retry_at = (failure.retryable && job.attempts < job.max_attempts)
                .then(|| now.checked_add(backoff(job.attempts)).unwrap_or(now));
            metrics::counter!("shoptalk_jobs_failed_total", "kind" => kind.clone()).increment(1);
            if retry_at.is_none() {
                metrics::counter!("shoptalk_jobs_dead_total", "kind" => kind).increment(1);
                tracing::warn!(
                    job_id = %job.id, kind = %job.kind, attempts = job.attempts,
                    error = %failure.message, "job dead"
                );
            } else {
                tracing::info!(
                    job_id = %job.id, kind = %job.kind, attempts = job.attempts,
                    error = %failure.message, ?retry_at, "job failed; will retry"
                );
            }
            store.fail_job(job.id, &failure.message, retry_at).await
        }
    };
    if let Err(e) = result {
        // The lease will expire and the job run again.
        tracing::error!(job_id = %job.id, error = %e, "recording a job outcome failed");
        metrics::counter!("shoptalk_jobs_store_errors_total").increment(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_grows_by_four_from_five_seconds_to_ten_hours() {
        let secs = |a| backoff_ceiling(a).as_secs();
        assert_eq!(secs(1), 5);
        assert_eq!(secs(2), 20);
        assert_eq!(secs(3), 80);
        assert_eq!(secs(4), 320);
        assert_eq!(secs(7), 20480);
        assert_eq!(secs(8), 36000);
        assert_eq!(secs(i32::MAX), 36000);
        assert_eq!(secs(0), 5);
        assert_eq!(secs(i32::MIN), 5);
    }

    proptest! {
        #[test]
        fn backoff_stays_within_its_bounds(attempt in any::<i32>()) {
            let ceiling = backoff_ceiling(attempt);
            let d = backoff(attempt);
            prop_assert!(d >= ceiling / 2, "{d:?} < half of {ceiling:?}");
            prop_assert!(d <= ceiling, "{d:?} > {ceiling:?}");
            prop_assert!(d >= BACKOFF_BASE / 2);
            prop_assert!(ceiling <= BACKOFF_CAP);
        }

        #[test]
        fn backoff_ceiling_is_monotone(a in any::<i32>(), b in any::<i32>()) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(backoff_ceiling(lo) <= backoff_ceiling(hi));
        }
    }
}
