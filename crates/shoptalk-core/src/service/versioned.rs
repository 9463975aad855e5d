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
///
/// `attempt` is any closure returning a future (`async || ...` included); the bound is
/// spelled as `FnMut` returning a future rather than `AsyncFnMut` because only the former
/// lets the compiler prove the caller's future `Send`, which the server's tasks need.
pub(super) async fn until_stored<T, F, Fut>(what: &'static str, mut attempt: F) -> DomainResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DomainResult<Option<T>>>,
{
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

    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test]
    async fn retries_until_stored_then_gives_up() {
        let calls = AtomicU32::new(0);
        let n = until_stored("cart", async || {
            let n = calls.fetch_add(1, Ordering::Relaxed) + 1;
            Ok((n == 3).then_some(n))
        })
        .await
        .unwrap();
        assert_eq!(n, 3);

        let calls = AtomicU32::new(0);
        let never = until_stored::<(), _, _>("order", async || {
            calls.fetch_add(1, Ordering::Relaxed);
            Ok(None)
        })
        .await;
        assert!(matches!(never, Err(DomainError::Conflict(m)) if m.contains("order")));
        assert_eq!(calls.into_inner(), ATTEMPTS);
    }

    #[tokio::test]
    async fn errors_stop_at_once() {
        let calls = AtomicU32::new(0);
        let r = until_stored::<(), _, _>("cart", async || {
            calls.fetch_add(1, Ordering::Relaxed);
            Err(DomainError::NotFound("cart"))
        })
        .await;
        assert!(matches!(r, Err(DomainError::NotFound("cart"))));
        assert_eq!(calls.into_inner(), 1);
    }
}
