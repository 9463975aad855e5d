//! Webhook delivery end to end: the SQLite store queues deliveries with their cause, the runner
//! delivers them to a local endpoint (wiremock), signed.

mod common;

use common::*;
use jiff::Timestamp;
use shoptalk_jobs::signing::DEFAULT_TOLERANCE;
use shoptalk_jobs::{EgressPolicy, JobRunner, WebhookDeliverer, verify, webhook};
use shoptalk_store::WEBHOOK_MAX_ATTEMPTS;
use shoptalk_types::model::{DeliveryStatus, Event};
use std::sync::Arc;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The mock listens on 127.0.0.1, which the default policy refuses.
const LOCAL: EgressPolicy = EgressPolicy {
    allow_private: true,
};

fn runner(t: &TestStore, policy: EgressPolicy) -> JobRunner {
    let deliverer = WebhookDeliverer::new(t.dyn_store(), policy);
    JobRunner::new(t.dyn_store()).with_handler(webhook::JOB_KIND, Arc::new(deliverer))
}

fn header<'a>(req: &'a wiremock::Request, name: &str) -> &'a str {
    req.headers
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn a_new_message_is_delivered_once_signed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let t = open_store().await;
    let seed = seed(t.store.as_ref(), &format!("{}/hook", server.uri())).await;
    let message = post_message(t.store.as_ref(), &seed, "Where is my order?").await;

    let runner = runner(&t, LOCAL);
    assert_eq!(runner.run_due(Timestamp::now()).await, 1);
    assert_eq!(
        runner.run_due(Timestamp::now()).await,
        0,
        "nothing left to do"
    );

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let req = &requests[0];
    assert_eq!(header(req, "content-type"), "application/json");
    assert_eq!(header(req, "user-agent"), "Shoptalk-Webhooks/1");
    let msg_id = header(req, "webhook-id");
    let timestamp: i64 = header(req, "webhook-timestamp").parse().unwrap();
    let signature = header(req, "webhook-signature");
    verify(
        &seed.secret,
        msg_id,
        timestamp,
        &req.body,
        signature,
        Timestamp::now(),
        DEFAULT_TOLERANCE,
    )
    .expect("the signature verifies");
    assert!(
        verify(
            &seed.secret,
            msg_id,
            timestamp,
            b"{}",
            signature,
            Timestamp::now(),
            DEFAULT_TOLERANCE
        )
        .is_err()
    );

    let event: Event = req.body_json().unwrap();
    assert_eq!(event.id.to_string(), msg_id);
    assert_eq!(event.kind, "message.created");
    assert_eq!(event.workspace_id, seed.workspace_id);
    let data = event.data.to_string();
    assert!(data.contains(&message.id.to_string()), "{data}");
    assert!(data.contains("Where is my order?"), "{data}");

    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, DeliveryStatus::Succeeded);
    assert_eq!(log[0].attempts, 1);
    assert_eq!(log[0].response_status, Some(204));
    assert_eq!(log[0].event_id, event.id);
    assert_eq!(log[0].event_type, "message.created");
}

#[tokio::test]
async fn a_failed_attempt_is_retried_later() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let t = open_store().await;
    let seed = seed(t.store.as_ref(), &format!("{}/hook", server.uri())).await;
    post_message(t.store.as_ref(), &seed, "hello").await;
    let runner = runner(&t, LOCAL);

    let now = Timestamp::now();
    assert_eq!(runner.run_due(now).await, 1);
    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log[0].status, DeliveryStatus::Pending);
    assert_eq!(log[0].attempts, 1);
    assert_eq!(log[0].response_status, Some(500));
    let error = log[0].last_error.as_deref().unwrap();
    assert!(
        error.contains("500") && error.contains("upstream exploded"),
        "{error}"
    );

    // Backed off: not due right away, due well within the first backoff ceiling (5 s).
    assert_eq!(runner.run_due(later(now, 1)).await, 0);
    assert_eq!(runner.run_due(later(now, 60)).await, 1);
    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log[0].status, DeliveryStatus::Succeeded);
    assert_eq!(log[0].attempts, 2);
    assert_eq!(log[0].response_status, Some(200));
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_delivery_that_always_fails_ends_dead() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(WEBHOOK_MAX_ATTEMPTS as u64)
        .mount(&server)
        .await;
    let t = open_store().await;
    let seed = seed(t.store.as_ref(), &format!("{}/hook", server.uri())).await;
    post_message(t.store.as_ref(), &seed, "hello").await;
    let runner = runner(&t, LOCAL);

    let mut now = Timestamp::now();
    for attempt in 1..=WEBHOOK_MAX_ATTEMPTS {
        assert_eq!(runner.run_due(now).await, 1, "attempt {attempt}");
        let log = deliveries(t.store.as_ref(), &seed).await;
        assert_eq!(log[0].attempts, i64::from(attempt));
        let expected = if attempt < WEBHOOK_MAX_ATTEMPTS {
            DeliveryStatus::Pending
        } else {
            DeliveryStatus::Dead
        };
        assert_eq!(log[0].status, expected, "attempt {attempt}");
        // Past the longest backoff.
        now = later(now, 11 * 3600);
    }
    assert_eq!(runner.run_due(now).await, 0, "a dead job is never claimed");
    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].status, DeliveryStatus::Dead);
    assert_eq!(log[0].attempts, i64::from(WEBHOOK_MAX_ATTEMPTS));
    assert_eq!(log[0].response_status, Some(500));
}

#[tokio::test]
async fn a_private_destination_is_never_contacted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let t = open_store().await;
    // Saved behind the API's back (the API refuses it): the send-time check must hold alone.
    let seed = seed(t.store.as_ref(), &format!("{}/hook", server.uri())).await;
    assert!(server.uri().contains("127.0.0.1"));
    post_message(t.store.as_ref(), &seed, "hello").await;
    let runner = runner(&t, EgressPolicy::default());

    let now = Timestamp::now();
    assert_eq!(runner.run_due(now).await, 1);
    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log[0].status, DeliveryStatus::Dead);
    assert_eq!(log[0].response_status, None);
    let error = log[0].last_error.as_deref().unwrap();
    assert!(error.contains("127.0.0.1"), "{error}");
    assert_eq!(runner.run_due(later(now, 86_400)).await, 0, "not retried");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_local_name_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let port = server.address().port();
    let t = open_store().await;
    // Refused by name before any lookup (the resolver's own filtering of names that resolve
    // to loopback is tested beside the egress guard).
    let seed = seed(t.store.as_ref(), &format!("http://localhost:{port}/hook")).await;
    post_message(t.store.as_ref(), &seed, "hello").await;
    let runner = runner(&t, EgressPolicy::default());
    assert_eq!(runner.run_due(Timestamp::now()).await, 1);
    let log = deliveries(t.store.as_ref(), &seed).await;
    assert_eq!(log[0].status, DeliveryStatus::Dead);
    assert!(server.received_requests().await.unwrap().is_empty());
}
