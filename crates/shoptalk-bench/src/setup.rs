//! REST setup and read-back: widget sessions, conversations, agents, the message log.
//! Every call honours `429 Retry-After`, since widget sessions and logins are rate-limited
//! per client IP.

use anyhow::{Context, Result, bail};
use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::header::{ORIGIN, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shoptalk_types::ids::{ContactId, ConversationId};
use shoptalk_types::model::{
    Agent, Conversation, ErrorBody, LoginRequest, LoginResponse, Message, NewAgent,
    NewConversation, NewWidgetSession, Page, Role, WidgetSession,
};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Attempts per request when the server keeps answering 429/503.
const MAX_ATTEMPTS: u32 = 1000;

pub struct Api {
    http: reqwest::Client,
    base: String,
    origin: String,
    throttled: AtomicU64,
    warned: AtomicBool,
}

impl Api {
    /// `origin` goes with widget calls, as a browser would send it.
    pub fn new(base: &str, origin: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(256)
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            origin: origin.to_string(),
            throttled: AtomicU64::new(0),
            warned: AtomicBool::new(false),
        })
    }

    /// 429 answers received so far.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<&B>,
        origin: bool,
    ) -> Result<T> {
        let url = format!("{}{path}", self.base);
        for attempt in 1..=MAX_ATTEMPTS {
            let mut req = self.http.request(method.clone(), &url);
            if let Some(token) = bearer {
                req = req.bearer_auth(token);
            }
            if origin {
                req = req.header(ORIGIN, &self.origin);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            let resp = req
                .send()
                .await
                .with_context(|| format!("{method} {path}"))?;
            let status = resp.status();
            if status.is_success() {
                return resp
                    .json()
                    .await
                    .with_context(|| format!("{method} {path}: unexpected response body"));
            }
            let retryable = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            );
            if retryable && attempt < MAX_ATTEMPTS {
                let wait = retry_after(resp.headers().get(RETRY_AFTER));
                if status == StatusCode::TOO_MANY_REQUESTS {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    if !self.warned.swap(true, Ordering::Relaxed) {
                        eprintln!(
                            "note: {method} {path} is rate-limited (429); retrying after \
                             Retry-After. Raise the server's widget-session / login limits \
                             for benchmarks to make setup fast."
                        );
                    }
                }
                tokio::time::sleep(wait + jitter()).await;
                continue;
            }
            let text = resp.text().await.unwrap_or_default();
            let detail = serde_json::from_str::<ErrorBody>(&text)
                .map(|b| format!("{}: {}", b.error.code, b.error.message))
                .unwrap_or(text);
            bail!("{method} {path} → {status}: {detail}");
        }
        bail!("{method} {path}: still throttled after {MAX_ATTEMPTS} attempts")
    }

    pub async fn widget_session(&self, widget_key: &str) -> Result<WidgetSession> {
        let body = NewWidgetSession {
            widget_key: widget_key.to_string(),
            visitor_token: None,
            identity_token: None,
        };
        self.call(
            Method::POST,
            "/api/v1/widget/sessions",
            None,
            Some(&body),
            true,
        )
        .await
    }

    /// A conversation opened by the visitor itself.
    pub async fn create_conversation(
        &self,
        visitor_token: &str,
        contact_id: ContactId,
    ) -> Result<Conversation> {
        let body = NewConversation {
            contact_id,
            channel: None,
        };
        self.call(
            Method::POST,
            "/api/v1/conversations",
            Some(visitor_token),
            Some(&body),
            true,
        )
        .await
    }

    pub async fn create_agent(&self, api_key: &str, new: &NewAgent) -> Result<Agent> {
        self.call(
            Method::POST,
            "/api/v1/agents",
            Some(api_key),
            Some(new),
            false,
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<LoginResponse> {
        let body = LoginRequest {
            email: email.to_string(),
            password: password.to_string(),
            workspace_id: None,
        };
        self.call(Method::POST, "/api/v1/auth/login", None, Some(&body), false)
            .await
    }

    /// The whole log of a conversation, oldest first, following the pages.
    pub async fn all_messages(&self, api_key: &str, id: ConversationId) -> Result<Vec<Message>> {
        let mut all: Vec<Message> = Vec::new();
        let mut after = 0;
        loop {
            let path = format!("/api/v1/conversations/{id}/messages?after_seq={after}&limit=200");
            let page: Page<Message> = self
                .call(Method::GET, &path, Some(api_key), None::<&()>, false)
                .await?;
            let Some(last) = page.items.last() else { break };
            if last.seq <= after {
                bail!("GET {path}: the page does not move forward");
            }
            after = last.seq;
            let more = page.next_cursor.is_some();
            all.extend(page.items);
            if !more {
                break;
            }
        }
        Ok(all)
    }
}

/// Seconds from a `Retry-After` header (delta-seconds form), 1 s if absent or unreadable.
pub fn retry_after(value: Option<&reqwest::header::HeaderValue>) -> Duration {
    value
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(1), |s| {
            Duration::from_secs_f64(s.min(300.0))
        })
}

/// Up to 250 ms, so throttled requests do not all come back at the same instant.
fn jitter() -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    Duration::from_millis(u64::from(nanos % 250))
}

/// Runs `f(0..n)` with at most `concurrency` in flight, printing progress to stderr; the
/// results come back in index order. Fails on the first error.
pub async fn run_bounded<T, F, Fut>(
    what: &str,
    n: usize,
    concurrency: usize,
    f: F,
) -> Result<Vec<T>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let started = Instant::now();
    let mut last_print = Instant::now();
    let mut done = 0;
    let mut out: Vec<(usize, T)> = Vec::with_capacity(n);
    let mut results = stream::iter(0..n)
        .map(|i| {
            let fut = f(i);
            async move { fut.await.map(|t| (i, t)) }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some(item) = results
        .try_next()
        .await
        .with_context(|| format!("{what}: failed after {done} of {n}"))?
    {
        out.push(item);
        done += 1;
        if last_print.elapsed() >= Duration::from_secs(1) {
            eprintln!("  {what}: {done}/{n}");
            last_print = Instant::now();
        }
    }
    eprintln!("  {what}: {n} in {:.1} s", started.elapsed().as_secs_f64());
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, t)| t).collect())
}

/// One bench customer: a visitor session with its own conversation.
#[derive(Debug, Clone)]
pub struct Customer {
    pub token: String,
    pub conversation_id: ConversationId,
    /// Messages the conversation already held when created (0 unless the server adds some).
    pub base_seq: i64,
}

pub async fn widget_sessions(
    api: &Api,
    widget_key: &str,
    n: usize,
    concurrency: usize,
) -> Result<Vec<WidgetSession>> {
    run_bounded("widget sessions", n, concurrency, |_| {
        api.widget_session(widget_key)
    })
    .await
}

pub async fn customers(
    api: &Api,
    widget_key: &str,
    n: usize,
    concurrency: usize,
) -> Result<Vec<Customer>> {
    run_bounded("customers", n, concurrency, |_| async move {
        let session = api.widget_session(widget_key).await?;
        let conversation = api
            .create_conversation(&session.token, session.contact_id)
            .await?;
        Ok(Customer {
            token: session.token,
            conversation_id: conversation.id,
            base_seq: conversation.last_seq,
        })
    })
    .await
}

/// Creates `m` agents with unique emails and logs each in; returns their session tokens.
pub async fn agents(api: &Api, api_key: &str, m: usize, concurrency: usize) -> Result<Vec<String>> {
    let run = uuid::Uuid::new_v4().simple().to_string();
    let run = &run[..12];
    run_bounded("agents", m, concurrency, |i| async move {
        let new = NewAgent {
            email: format!("bench-{run}-{i}@bench.invalid"),
            name: format!("Bench agent {i}"),
            role: Role::Agent,
            password: format!("bench-{}", uuid::Uuid::new_v4().simple()),
        };
        api.create_agent(api_key, &new).await?;
        Ok(api.login(&new.email, &new.password).await?.token)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_falls_back_to_one() {
        let v = |s: &str| HeaderValue::from_str(s).unwrap();
        assert_eq!(retry_after(Some(&v("3"))), Duration::from_secs(3));
        assert_eq!(retry_after(Some(&v("0.5"))), Duration::from_millis(500));
        assert_eq!(retry_after(Some(&v("9999"))), Duration::from_secs(300));
        assert_eq!(
            retry_after(Some(&v("Wed, 21 Oct 2015 07:28:00 GMT"))),
            Duration::from_secs(1)
        );
        assert_eq!(retry_after(Some(&v("-1"))), Duration::from_secs(1));
        assert_eq!(retry_after(None), Duration::from_secs(1));
    }

    #[tokio::test]
    async fn bounded_runs_keep_index_order_and_stop_at_the_first_error() {
        let out = run_bounded("t", 50, 7, |i| async move {
            tokio::time::sleep(Duration::from_millis((50 - i as u64) % 5)).await;
            Ok(i * 2)
        })
        .await
        .unwrap();
        assert_eq!(out, (0..50).map(|i| i * 2).collect::<Vec<_>>());

        let err = run_bounded("t", 10, 3, |i| async move {
            if i == 4 { bail!("boom") } else { Ok(i) }
        })
        .await
        .unwrap_err();
        assert!(format!("{err:#}").contains("boom"));
    }
}
