//! Optimistic concurrency for versioned records (carts, orders, returns): read, change,
//! `put_*`; when another writer stored first, read again and re-apply.

use crate::error::{DomainError, DomainResult};
use std::time::Duration;

/// Writes re-applied at most this many times before the caller is told to retry.
const ATTEMPTS: u32 = 8;

/// Runs `attempt` until its write lands. `attempt` reads the current record, applies its
/// change and stores it, answering `Some(value)` when the write was stored (or nothing needed
/// writing) and `None` when another writer came first. Between attempts it waits a short,
/// random, growing time so that racing writers stop colliding.
pub(super) async fn until_stored<T>(
    what: &'static str,
    mut attempt: impl AsyncFnMut() -> DomainResult<Option<T>>,
) -> DomainResult<T> {
    for n in 0..ATTEMPTS {
        if let Some(done) = attempt().await? {
            return Ok(done);
        }
        let ceiling_ms = 2u64 << n;
        tokio::time::sleep(Duration::from_millis(rand::random_range(1..=ceiling_ms))).await;
    }
    Err(DomainError::Conflict(format!(
        "the {what} kept changing while this change was applied; retry"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn retries_until_stored_then_gives_up() {
        let mut calls = 0;
        let n = until_stored("cart", async || {
            calls += 1;
            Ok((calls == 3).then_some(calls))
        })
        .await
        .unwrap();
        assert_eq!(n, 3);

        let mut calls = 0;
        let never = until_stored::<()>("order", async || {
            calls += 1;
            Ok(None)
        })
        .await;
        assert!(matches!(never, Err(DomainError::Conflict(m)) if m.contains("order")));
        assert_eq!(calls, ATTEMPTS);
    }

    #[tokio::test]
    async fn errors_stop_at_once() {
        let mut calls = 0;
        let r = until_stored::<()>("cart", async || {
            calls += 1;
            Err(DomainError::NotFound("cart"))
        })
        .await;
        assert!(matches!(r, Err(DomainError::NotFound("cart"))));
        assert_eq!(calls, 1);
    }
}
