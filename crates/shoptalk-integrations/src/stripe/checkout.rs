//! Stripe Checkout: a hosted payment page per payment, opened with one call to
//! `POST {api_base}/v1/checkout/sessions` (form-encoded, as Stripe's API takes it).

use super::event::{PAYMENT_ID_KEY, WORKSPACE_ID_KEY};
use async_trait::async_trait;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use serde::Deserialize;
use shoptalk_core::payment_gateway::{Checkout, CheckoutRequest, GatewayError, PaymentGateway};
use shoptalk_core::service::UrlGuard;
use shoptalk_types::commerce::{Payment, PaymentProviderKind, StripeSettings};

/// Where Stripe's API lives unless a workspace names another base (a local fake in tests).
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// Largest response read from Stripe: a session is a few kilobytes.
const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// Longest product name Stripe shows; longer descriptions are cut.
const NAME_MAX_CHARS: usize = 250;

const STRIPE: &str = "Stripe";

/// Opens Checkout Sessions with the workspace's secret key.
pub struct StripeGateway {
    http: reqwest::Client,
    /// The egress policy: a workspace's `api_base` is chosen by its admins, so it is held to
    /// the same rule as their webhook URLs.
    url_guard: UrlGuard,
}

impl StripeGateway {
    pub fn new(http: reqwest::Client, url_guard: UrlGuard) -> Self {
        Self { http, url_guard }
    }

    fn sessions_url(&self, settings: &StripeSettings) -> Result<String, GatewayError> {
        let base = settings.api_base.as_deref().unwrap_or(DEFAULT_API_BASE);
        let base = (self.url_guard)(base).map_err(|why| GatewayError::NotConfigured {
            provider: STRIPE,
            message: format!("the API base is refused: {why}"),
        })?;
        Ok(format!(
            "{}/v1/checkout/sessions",
            base.trim_end_matches('/')
        ))
    }
}

#[async_trait]
impl PaymentGateway for StripeGateway {
    fn kind(&self) -> PaymentProviderKind {
        PaymentProviderKind::Stripe
    }

    async fn create_checkout(&self, req: CheckoutRequest<'_>) -> Result<Checkout, GatewayError> {
        let stripe = req.integrations.stripe.as_ref();
        let Some((settings, secret_key)) = stripe.and_then(|s| Some((s, s.secret_key.as_deref()?)))
        else {
            return Err(GatewayError::NotConfigured {
                provider: STRIPE,
                message: "add a secret key (sk_…) in the Stripe integration settings".into(),
            });
        };
        let url = self.sessions_url(settings)?;
        let response = self
            .http
            .post(url)
            .bearer_auth(secret_key)
            // A retried call for the same payment must not open a second session.
            .header("Idempotency-Key", req.payment.id.to_string())
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .body(session_form(req.payment, req.return_url))
            .send()
            .await
            .map_err(|e| provider_error(format!("could not be reached ({})", e.without_url())))?;
        let status = response.status();
        let body = read_limited(response).await?;
        if !status.is_success() {
            return Err(provider_error(refusal(status, &body)));
        }
        let session: SessionCreated = serde_json::from_slice(&body)
            .map_err(|e| provider_error(format!("answered with an unexpected session ({e})")))?;
        let Some(pay_url) = session.url else {
            return Err(provider_error(
                "answered with a session without a URL".into(),
            ));
        };
        Ok(Checkout {
            provider_ref: Some(session.id),
            pay_url,
        })
    }
}

/// The form of a one-item Checkout Session for the payment's amount. Our payment id is the
/// session's `client_reference_id` and is in the metadata of both the session and its
/// PaymentIntent, so every event about either names the payment.
pub fn session_form(payment: &Payment, return_url: &str) -> String {
    let payment_id = payment.id.to_string();
    let workspace_id = payment.workspace_id.to_string();
    let name: String = payment.description.chars().take(NAME_MAX_CHARS).collect();
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("mode", "payment")
        .append_pair(
            "line_items[0][price_data][currency]",
            &payment.currency.to_ascii_lowercase(),
        )
        .append_pair(
            "line_items[0][price_data][unit_amount]",
            &payment.amount_minor.to_string(),
        )
        .append_pair("line_items[0][price_data][product_data][name]", &name)
        .append_pair("line_items[0][quantity]", "1")
        .append_pair("success_url", return_url)
        .append_pair("cancel_url", return_url)
        .append_pair("client_reference_id", &payment_id);
    for prefix in ["metadata", "payment_intent_data[metadata]"] {
        form.append_pair(&format!("{prefix}[{PAYMENT_ID_KEY}]"), &payment_id)
            .append_pair(&format!("{prefix}[{WORKSPACE_ID_KEY}]"), &workspace_id);
    }
    form.finish()
}

/// The part of Stripe's answer we keep.
#[derive(Debug, Deserialize)]
struct SessionCreated {
    /// `cs_…`.
    id: String,
    /// The hosted page; absent only for embedded sessions, which we never create.
    #[serde(default)]
    url: Option<String>,
}

/// Stripe's error body: `{"error": {"type", "code"?, "message"?}}`.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn refusal(status: reqwest::StatusCode, body: &[u8]) -> String {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let what = match status.as_u16() {
        401 => "refused the secret key",
        429 => "is rate limiting this account",
        s if s >= 500 => "had an internal error",
        _ => "refused the request",
    };
    match detail {
        Some(ErrorDetail {
            message: Some(message),
            kind,
        }) => format!(
            "{what} ({status}, {}): {message}",
            kind.as_deref().unwrap_or("error")
        ),
        _ => format!("{what} ({status})"),
    }
}

fn provider_error(message: String) -> GatewayError {
    GatewayError::Provider {
        provider: STRIPE,
        message,
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, GatewayError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| provider_error(format!("answer could not be read ({})", e.without_url())))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(provider_error("answered with an oversized body".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::commerce::PaymentStatus;
    use shoptalk_types::ids::{ContactId, PaymentId, WorkspaceId};

    fn payment(description: &str) -> Payment {
        let now = jiff::Timestamp::now();
        Payment {
            id: PaymentId::new(),
            workspace_id: WorkspaceId::new(),
            contact_id: ContactId::new(),
            order_id: None,
            cart_id: None,
            conversation_id: None,
            amount_minor: 4_250,
            currency: "EUR".into(),
            description: description.into(),
            provider: PaymentProviderKind::Stripe,
            provider_ref: None,
            pay_url: String::new(),
            status: PaymentStatus::Pending,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn fields(form: &str) -> Vec<(String, String)> {
        url::form_urlencoded::parse(form.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_form_names_amount_currency_and_our_payment() {
        let p = payment("Order #1001 & more");
        let form = fields(&session_form(&p, "https://chat.example/pay/x"));
        let get = |k: &str| {
            form.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("mode"), Some("payment"));
        assert_eq!(get("line_items[0][price_data][currency]"), Some("eur"));
        assert_eq!(get("line_items[0][price_data][unit_amount]"), Some("4250"));
        assert_eq!(
            get("line_items[0][price_data][product_data][name]"),
            Some("Order #1001 & more")
        );
        assert_eq!(get("success_url"), Some("https://chat.example/pay/x"));
        let id = p.id.to_string();
        assert_eq!(get("client_reference_id"), Some(id.as_str()));
        assert_eq!(get("metadata[payment_id]"), Some(id.as_str()));
        assert_eq!(
            get("payment_intent_data[metadata][payment_id]"),
            Some(id.as_str())
        );
        let ws = p.workspace_id.to_string();
        assert_eq!(get("metadata[workspace_id]"), Some(ws.as_str()));
    }

    #[test]
    fn refusals_carry_stripes_message_when_it_gives_one() {
        let body =
            br#"{"error":{"type":"invalid_request_error","message":"Invalid currency: xxx"}}"#;
        let m = refusal(reqwest::StatusCode::BAD_REQUEST, body);
        assert!(
            m.contains("Invalid currency: xxx") && m.contains("invalid_request_error"),
            "{m}"
        );
        let m = refusal(reqwest::StatusCode::UNAUTHORIZED, b"not json");
        assert!(m.contains("secret key"), "{m}");
    }
}
