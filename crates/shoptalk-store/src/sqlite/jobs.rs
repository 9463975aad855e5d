//! The durable job queue.
//!
//! A job is `queued` until claimed, then `running` under a lease. Finishing deletes it;
//! failing requeues it for later or marks it `dead`. A worker that crashes leaves its job
//! `running` with a lease that expires, and the next claim takes it again: jobs run at least
//! once, and exactly once unless a worker dies mid-job.

use super::error::db_err;
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::{corrupt, ms, to_json};
use jiff::{SignedDuration, Timestamp};
use shoptalk_core::store::{Job, NewJob};
use shoptalk_types::ids::JobId;

pub(super) async fn enqueue(db: &Db, job: &NewJob) -> R<Option<JobId>> {
    let id = JobId::new();
    let now = ms(Timestamp::now());
    let mut tx = db.write().await?;
    // The partial unique index on `unique_key` (live jobs only) turns a second live job with
    // the same key into a no-op that returns no row.
    let inserted = sqlx::query(
        "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts,
             unique_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'queued', ?4, 0, ?5, ?6, ?7, ?7)
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(id.to_string())
    .bind(&job.kind)
    .bind(to_json(&job.payload)?)
    .bind(ms(job.run_at))
    .bind(job.max_attempts)
    .bind(job.unique_key.as_deref())
    .bind(now)
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?
    .is_some();
    commit(tx).await?;
    Ok(inserted.then_some(id))
}

pub(super) async fn cancel(db: &Db, unique_key: &str) -> R<bool> {
    let mut tx = db.write().await?;
    let found = sqlx::query("DELETE FROM jobs WHERE unique_key = ?1 AND status = 'queued'")
        .bind(unique_key)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected()
        > 0;
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn claim(
    db: &Db,
    now: Timestamp,
    lease: SignedDuration,
    limit: u32,
) -> R<Vec<Job>> {
    if limit == 0 {
        return Ok(vec![]);
    }
    let until = now
        .checked_add(lease)
        .map_err(|e| corrupt(format!("lease of {lease:?}: {e}")))?;
    let mut tx = db.write().await?;
    // A job whose lease expired on its last allowed attempt is dead, not retried: otherwise a
    // job that kills its worker would be retried forever.
    sqlx::query(
        "UPDATE jobs SET status = 'dead', lease_until = NULL, updated_at = ?1,
             last_error = coalesce(last_error, 'lease expired on the last attempt')
         WHERE status = 'running' AND lease_until < ?1 AND attempts >= max_attempts",
    )
    .bind(ms(now))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    let rows = sqlx::query(
        "UPDATE jobs SET status = 'running', lease_until = ?2, attempts = attempts + 1,
             updated_at = ?1
         WHERE id IN (
             SELECT id FROM (
                 SELECT id, run_at AS due FROM jobs WHERE status = 'queued' AND run_at <= ?1
                 UNION ALL
                 SELECT id, lease_until FROM jobs WHERE status = 'running' AND lease_until < ?1
             )
             ORDER BY due LIMIT ?3)
         RETURNING id, kind, payload, attempts, max_attempts, unique_key",
    )
    .bind(ms(now))
    .bind(ms(until))
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    let jobs = rows
        .iter()
        .map(|row| {
            let int32 = |col: &str| {
                i32::try_from(row.int(col)?).map_err(|_| corrupt(format!("{col} out of range")))
            };
            Ok(Job {
                id: row.id("id")?,
                kind: row.text("kind")?,
                payload: row.json("payload")?,
                attempts: int32("attempts")?,
                max_attempts: int32("max_attempts")?,
                unique_key: row.opt_text("unique_key")?,
            })
        })
        .collect::<R<Vec<_>>>()?;
    commit(tx).await?;
    Ok(jobs)
}

/// A finished job is deleted: nothing reads it again, and its unique key is free.
pub(super) async fn complete(db: &Db, id: JobId) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM jobs WHERE id = ?1")
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    commit(tx).await
}

/// Requeues at `retry_at`, or marks dead when `retry_at` is `None` or the job has used all
/// of its attempts.
pub(super) async fn fail(db: &Db, id: JobId, error: &str, retry_at: Option<Timestamp>) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "UPDATE jobs SET
             status = CASE WHEN ?3 IS NULL OR attempts >= max_attempts THEN 'dead'
                           ELSE 'queued' END,
             run_at = coalesce(?3, run_at),
             lease_until = NULL,
             last_error = ?2,
             updated_at = ?4
         WHERE id = ?1 AND status = 'running'",
    )
    .bind(id.to_string())
    .bind(error)
    .bind(retry_at.map(ms))
    .bind(ms(Timestamp::now()))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    commit(tx).await
}
