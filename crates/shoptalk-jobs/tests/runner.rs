//! The job runner against the SQLite store's queue.

mod common;

use async_trait::async_trait;
use common::*;
use jiff::{SignedDuration, Timestamp};
use shoptalk_core::store::{Job, NewJob, Store};
use shoptalk_jobs::{JobFailure, JobHandler, JobRunner};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Records the jobs it runs and fails the first `failures` runs.
#[derive(Default)]
struct Recorder {
    runs: Mutex<Vec<Job>>,
    failures: AtomicUsize,
    retryable: bool,
}

#[async_trait]
impl JobHandler for Recorder {
    async fn run(&self, job: &Job) -> Result<(), JobFailure> {
        self.runs.lock().unwrap().push(job.clone());
        let left = self.failures.load(Ordering::SeqCst);
        if left > 0 {
            self.failures.store(left - 1, Ordering::SeqCst);
            return Err(JobFailure {
                message: "boom".into(),
                retryable: self.retryable,
            });
        }
        Ok(())
    }
}

impl Recorder {
    fn failing(failures: usize, retryable: bool) -> Arc<Self> {
        Arc::new(Self {
            failures: AtomicUsize::new(failures),
            retryable,
            ..Default::default()
        })
    }

    fn attempts(&self) -> Vec<i32> {
        self.runs
            .lock()
            .unwrap()
            .iter()
            .map(|j| j.attempts)
            .collect()
    }
}

async fn enqueue(store: &dyn Store, kind: &str, max_attempts: i32, run_at: Timestamp) {
    store
        .enqueue_job(&NewJob {
            kind: kind.into(),
            payload: serde_json::json!({"n": 1}),
            run_at,
            max_attempts,
            unique_key: None,
        })
        .await
        .unwrap()
        .expect("enqueued");
}

#[tokio::test]
async fn completed_jobs_are_not_run_again() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(0, true);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    for _ in 0..3 {
        enqueue(t.store.as_ref(), "test.job", 3, now).await;
    }
    assert_eq!(runner.run_due(now).await, 3);
    assert_eq!(handler.attempts(), vec![1, 1, 1]);
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
}

#[tokio::test]
async fn jobs_wait_until_due() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(0, true);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    enqueue(t.store.as_ref(), "test.job", 3, later(now, 30)).await;
    assert_eq!(runner.run_due(now).await, 0);
    assert_eq!(runner.run_due(later(now, 31)).await, 1);
    assert_eq!(handler.attempts(), vec![1]);
}

#[tokio::test]
async fn retryable_failures_back_off_then_die_after_max_attempts() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(usize::MAX, true);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    enqueue(t.store.as_ref(), "test.job", 3, now).await;

    assert_eq!(runner.run_due(now).await, 1);
    // First backoff is in [2.5 s, 5 s].
    assert_eq!(runner.run_due(later(now, 2)).await, 0);
    assert_eq!(runner.run_due(later(now, 6)).await, 1);
    // Second backoff is in [10 s, 20 s] after that run.
    assert_eq!(runner.run_due(later(now, 6 + 9)).await, 0);
    assert_eq!(runner.run_due(later(now, 6 + 21)).await, 1);
    // Third attempt was the last: dead.
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
    assert_eq!(handler.attempts(), vec![1, 2, 3]);
}

#[tokio::test]
async fn a_retry_that_succeeds_completes_the_job() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(1, true);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    enqueue(t.store.as_ref(), "test.job", 5, now).await;
    assert_eq!(runner.run_due(now).await, 1);
    assert_eq!(runner.run_due(later(now, 10)).await, 1);
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
    assert_eq!(handler.attempts(), vec![1, 2]);
}

#[tokio::test]
async fn permanent_failures_and_unknown_kinds_die_at_once() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(1, false);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    enqueue(t.store.as_ref(), "test.job", 5, now).await;
    enqueue(t.store.as_ref(), "test.unknown", 5, now).await;
    assert_eq!(runner.run_due(now).await, 2);
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
    assert_eq!(handler.attempts(), vec![1]);
}

#[tokio::test]
async fn a_job_whose_lease_expired_runs_again() {
    let t = open_store().await;
    let now = Timestamp::now();
    enqueue(t.store.as_ref(), "test.job", 3, now).await;
    // A worker claims the job and dies before recording anything.
    let claimed = t
        .store
        .claim_jobs(now, SignedDuration::from_secs(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].attempts, 1);

    let handler = Recorder::failing(0, true);
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.job", handler.clone());
    assert_eq!(runner.run_due(later(now, 30)).await, 0, "still leased");
    assert_eq!(runner.run_due(later(now, 61)).await, 1, "lease expired");
    assert_eq!(handler.attempts(), vec![2]);
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
}

#[tokio::test]
async fn a_full_batch_is_followed_by_another_step_and_shutdown_stops_the_loop() {
    let t = open_store().await;
    let now = Timestamp::now();
    let handler = Recorder::failing(0, true);
    for _ in 0..5 {
        enqueue(t.store.as_ref(), "test.job", 3, now).await;
    }
    let runner = JobRunner::new(t.dyn_store())
        .with_handler("test.job", handler.clone())
        .with_batch_size(2)
        .with_concurrency(2);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(runner.run(stopped));
    // 2 + 2 + 1 jobs in three steps without waiting for the poll interval in between.
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while handler.attempts().len() < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("all jobs ran");
    stop.send(()).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), task)
        .await
        .expect("the runner stops")
        .unwrap();
    assert_eq!(handler.attempts().len(), 5);
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_not_the_runner() {
    struct Panics;
    #[async_trait]
    impl JobHandler for Panics {
        async fn run(&self, _job: &Job) -> Result<(), JobFailure> {
            panic!("handler bug");
        }
    }
    let t = open_store().await;
    let now = Timestamp::now();
    enqueue(t.store.as_ref(), "test.panics", 1, now).await;
    let runner = JobRunner::new(t.dyn_store()).with_handler("test.panics", Arc::new(Panics));
    assert_eq!(runner.run_due(now).await, 1);
    // One attempt allowed: dead, not left leased.
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
}
