//! Per-client-IP rate limits for the unauthenticated doors: login (password guessing),
//! widget sessions (contact spam) and card attempts on the pay page (card testing). Authenticated traffic is limited per credential elsewhere.
//!
//! The client IP is the TCP peer (`ConnectInfo`). `X-Forwarded-For` is deliberately not
//! trusted: anyone can send it, so honouring it by default would let an attacker pick a
//! fresh "IP" per request. A reverse-proxy setting can opt in later.

use crate::error::{ApiError, ApiResult};
use crate::state::HttpConfig;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

/// Distinct IPs remembered before idle ones are forgotten, so a scan from many addresses
/// cannot grow the limiter without bound.
const MAX_TRACKED_IPS: usize = 100_000;

/// A per-minute budget per client IP (burst = the whole budget, refilled evenly).
pub struct IpLimiter {
    /// `None` when the configured budget is 0, which turns the limit off.
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
}

impl IpLimiter {
    pub fn per_minute(budget: u32) -> Self {
        Self {
            limiter: NonZeroU32::new(budget)
                .map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// Takes one unit of `ip`'s budget, or says how long to wait (429 with `Retry-After`).
    pub fn check(&self, ip: IpAddr) -> ApiResult<()> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        if limiter.len() > MAX_TRACKED_IPS {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::rate_limited(wait.as_secs_f64().ceil() as u64)
        })
    }
}

/// The limiters of one router.
pub struct Limits {
    pub login: IpLimiter,
    pub widget_sessions: IpLimiter,
    /// Card attempts on the hosted pay page.
    pub pay_attempts: IpLimiter,
}

impl Limits {
    pub fn new(config: &HttpConfig) -> Self {
        Self {
            login: IpLimiter::per_minute(config.login_per_minute),
            widget_sessions: IpLimiter::per_minute(config.widget_sessions_per_minute),
            pay_attempts: IpLimiter::per_minute(config.pay_attempts_per_minute),
        }
    }
}

/// The TCP peer's address. Without `ConnectInfo` (in-process tests), every caller shares the
/// unspecified address, i.e. one bucket.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| {
                addr.ip()
            });
        Ok(Self(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_is_per_ip_and_says_when_to_retry() {
        let limiter = IpLimiter::per_minute(2);
        let a = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
        let b = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let refused = limiter.check(a).unwrap_err();
        assert_eq!(refused.status, axum::http::StatusCode::TOO_MANY_REQUESTS);
        assert!((1..=30).contains(&refused.retry_after.unwrap()));
        assert!(limiter.check(b).is_ok());
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = IpLimiter::per_minute(0);
        for _ in 0..100 {
            assert!(limiter.check(IpAddr::V4(Ipv4Addr::LOCALHOST)).is_ok());
        }
    }
}
