//! WAL checkpoints off the commit path.
//!
//! By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1000 pages: the
//! writer then copies the WAL back into the database file and fsyncs it before it can start
//! the next batch. Under sustained load that is nearly every group commit. Instead, the writer
//! only checkpoints as a safety net (a WAL of 64 MiB), and this task runs a PASSIVE checkpoint
//! on its own connection a few times a second. PASSIVE never blocks the writer or readers; it
//! copies what it can, and the writer restarts the WAL from the top once a checkpoint has
//! caught up.

use super::error::db_err;
use shoptalk_core::error::StoreError;
use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use std::time::Duration;
use tokio::task::JoinHandle;

const INTERVAL: Duration = Duration::from_millis(250);

/// WAL size, in pages, at which the writer checkpoints by itself.
pub(super) const WRITER_AUTOCHECKPOINT_PAGES: &str = "16384";

/// The running task; dropping it stops the task and closes its connection.
pub(super) struct Checkpointer(JoinHandle<()>);

impl Checkpointer {
    pub(super) fn stop(&self) {
        self.0.abort();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// SQLITE_BUSY and SQLITE_LOCKED (with extended codes): another checkpoint (the writer's
/// safety net) is running, which is routine; PASSIVE mode never waits for it.
fn is_busy(e: &sqlx::Error) -> bool {
    let code = e
        .as_database_error()
        .and_then(|d| d.code())
        .and_then(|c| c.parse::<i32>().ok());
    code.is_some_and(|c| matches!(c & 0xff, 5 | 6))
}

pub(super) async fn spawn(options: &SqliteConnectOptions) -> Result<Checkpointer, StoreError> {
    let mut conn = options.connect().await.map_err(db_err)?;
    Ok(Checkpointer(tokio::spawn(async move {
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&mut conn)
                .await
            {
                Ok(_) => {}
                Err(e) if is_busy(&e) => tracing::debug!(error = %e, "WAL checkpoint busy"),
                Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; will retry"),
            }
        }
    })))
}
