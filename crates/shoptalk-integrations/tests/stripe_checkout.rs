//! The Checkout Session call against a local fake of Stripe's API: the form Stripe reads, the
//! headers it needs, and how its answers (sessions and errors) come back.

use serde_json::json;
use shoptalk_core::payment_gateway::{Checkout, CheckoutRequest, GatewayError, PaymentGateway};
use shoptalk_core::service::UrlGuard;
use shoptalk_integrations::stripe::StripeGateway;
use shoptalk_types::commerce::{
    Integrations, Payment, PaymentProviderKind, PaymentStatus, StripeSettings,
};
use shoptalk_types::ids::{ContactId, PaymentId, WorkspaceId};
use std::collections::BTreeMap;
use std::sync::Arc;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SECRET_KEY: &str = "sk_test_51Hx";
const RETURN_URL: &str = "https://chat.example.com/pay/p";
const SESSION_URL: &str =
    "https://checkout.stripe.com/c/pay/cs_test_a1b2#fidkdWxOYHwnPyd1blpxYHZxWjA0";

fn payment() -> Payment {
    let now = jiff::Timestamp::now();
    Payment {
        id: PaymentId::new(),
        workspace_id: WorkspaceId::new(),
        contact_id: ContactId::new(),
        order_id: None,
        cart_id: None,
        conversation_id: None,
        amount_minor: 2_599,
        currency: "EUR".into(),
        description: "Order #1001".into(),
        provider: PaymentProviderKind::Stripe,
        provider_ref: None,
        pay_url: RETURN_URL.into(),
        status: PaymentStatus::Pending,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn integrations(api_base: &str) -> Integrations {
    Integrations {
        shopify: None,
        stripe: Some(StripeSettings {
            secret_key: Some(SECRET_KEY.into()),
            webhook_secret: Some("whsec_x".into()),
            api_base: Some(api_base.into()),
        }),
    }
}

fn allow_all() -> UrlGuard {
    Arc::new(|url: &str| Ok(url.to_owned()))
}

fn gateway(guard: UrlGuard) -> StripeGateway {
    StripeGateway::new(reqwest::Client::new(), guard)
}

async fn checkout(
    gateway: &StripeGateway,
    payment: &Payment,
    integrations: &Integrations,
) -> Result<Checkout, GatewayError> {
    gateway
        .create_checkout(CheckoutRequest {
            payment,
            integrations,
            return_url: RETURN_URL,
        })
        .await
}

/// A Checkout Session as Stripe answers a create (trimmed to a realistic subset).
fn session(payment: &Payment) -> serde_json::Value {
    json!({
        "id": "cs_test_a1b2",
        "object": "checkout.session",
        "amount_subtotal": payment.amount_minor,
        "amount_total": payment.amount_minor,
        "cancel_url": RETURN_URL,
        "client_reference_id": payment.id.to_string(),
        "created": 1_700_000_000,
        "currency": "eur",
        "customer": null,
        "expires_at": 1_700_086_400,
        "livemode": false,
        "metadata": {"payment_id": payment.id.to_string(), "workspace_id": payment.workspace_id.to_string()},
        "mode": "payment",
        "payment_intent": null,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "status": "open",
        "success_url": RETURN_URL,
        "url": SESSION_URL
    })
}

fn form(request: &Request) -> BTreeMap<String, String> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

#[tokio::test]
async fn a_session_is_created_with_the_form_stripe_reads() {
    let stripe = MockServer::start().await;
    let p = payment();
    Mock::given(method("POST"))
        .and(path("/v1/checkout/sessions"))
        .and(header(
            "authorization",
            format!("Bearer {SECRET_KEY}").as_str(),
        ))
        .and(header("idempotency-key", p.id.to_string().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(session(&p)))
        .expect(1)
        .mount(&stripe)
        .await;

    let made = checkout(&gateway(allow_all()), &p, &integrations(&stripe.uri()))
        .await
        .unwrap();
    assert_eq!(
        made,
        Checkout {
            provider_ref: Some("cs_test_a1b2".into()),
            pay_url: SESSION_URL.into()
        }
    );

    let requests = stripe.received_requests().await.unwrap();
    let sent = form(&requests[0]);
    let id = p.id.to_string();
    let ws = p.workspace_id.to_string();
    let expected: BTreeMap<String, String> = [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "2599"),
        (
            "line_items[0][price_data][product_data][name]",
            "Order #1001",
        ),
        ("line_items[0][quantity]", "1"),
        ("success_url", RETURN_URL),
        ("cancel_url", RETURN_URL),
        ("client_reference_id", &id),
        ("metadata[payment_id]", &id),
        ("metadata[workspace_id]", &ws),
        ("payment_intent_data[metadata][payment_id]", &id),
        ("payment_intent_data[metadata][workspace_id]", &ws),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn stripes_refusal_comes_back_with_its_message() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {
                "type": "invalid_request_error",
                "code": "parameter_invalid_integer",
                "message": "Invalid integer: abc",
                "param": "line_items[0][price_data][unit_amount]"
            }
        })))
        .mount(&stripe)
        .await;
    let e = checkout(
        &gateway(allow_all()),
        &payment(),
        &integrations(&stripe.uri()),
    )
    .await
    .unwrap_err();
    let GatewayError::Provider { provider, message } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(*provider, "Stripe");
    assert!(message.contains("Invalid integer: abc"), "{message}");
    assert!(e.to_string().starts_with("Stripe failed"), "{e}");
}

#[tokio::test]
async fn a_refused_key_is_said_without_repeating_it() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_***51Hx"}
        })))
        .mount(&stripe)
        .await;
    let e = checkout(
        &gateway(allow_all()),
        &payment(),
        &integrations(&stripe.uri()),
    )
    .await
    .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("refused the secret key"), "{text}");
    assert!(!text.contains(SECRET_KEY), "{text}");
}

#[tokio::test]
async fn a_session_without_url_or_a_garbled_answer_is_an_error() {
    for body in [
        json!({"id": "cs_test_1", "url": null}),
        json!({"unexpected": true}),
    ] {
        let stripe = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .mount(&stripe)
            .await;
        let e = checkout(
            &gateway(allow_all()),
            &payment(),
            &integrations(&stripe.uri()),
        )
        .await
        .unwrap_err();
        assert!(matches!(e, GatewayError::Provider { .. }), "{body}: {e:?}");
    }
}

#[tokio::test]
async fn without_a_secret_key_nothing_is_sent() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&stripe)
        .await;
    let mut settings = integrations(&stripe.uri());
    if let Some(s) = settings.stripe.as_mut() {
        s.secret_key = None;
    }
    for integrations in [settings, Integrations::default()] {
        let e = checkout(&gateway(allow_all()), &payment(), &integrations)
            .await
            .unwrap_err();
        assert!(matches!(e, GatewayError::NotConfigured { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn an_api_base_the_egress_policy_refuses_is_never_called() {
    let stripe = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&stripe)
        .await;
    let refuse: UrlGuard = Arc::new(|_: &str| Err("forbidden address 127.0.0.1".to_owned()));
    let e = checkout(&gateway(refuse), &payment(), &integrations(&stripe.uri()))
        .await
        .unwrap_err();
    let GatewayError::NotConfigured { message, .. } = &e else {
        panic!("{e:?}")
    };
    assert!(message.contains("forbidden address"), "{message}");
}
