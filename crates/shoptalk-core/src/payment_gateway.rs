//! Payment providers behind one trait: a provider turns a stored, pending [`Payment`] into a
//! place where the customer pays (a checkout), and later tells the service the outcome through
//! its own edge (the test pay page, Stripe's signed webhooks).
//!
//! Which provider a workspace uses is its `ShopSettings::payment_provider`. The built-in
//! [`TestGateway`] is always present; others (Stripe) are plugged in by the binary, so the
//! core never names an HTTP client.

use async_trait::async_trait;
use shoptalk_types::commerce::{Integrations, Payment, PaymentProviderKind};
use shoptalk_types::ids::PaymentId;
use std::collections::HashMap;
use std::sync::Arc;

/// Where the customer pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    /// The provider's id of the checkout (Stripe Checkout Session `cs_…`); absent for the
    /// test provider, whose checkout is the payment itself.
    pub provider_ref: Option<String>,
    pub pay_url: String,
}

/// What a provider needs to open a checkout.
#[derive(Debug, Clone, Copy)]
pub struct CheckoutRequest<'a> {
    pub payment: &'a Payment,
    /// The workspace's integrations, secrets included.
    pub integrations: &'a Integrations,
    /// Where the customer lands after paying or giving up: Shoptalk's own pay page, which
    /// shows the payment's status.
    pub return_url: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The workspace has not set the provider up (no Stripe secret key, say).
    #[error("{provider} is not set up for this workspace: {message}")]
    NotConfigured {
        provider: &'static str,
        message: String,
    },
    /// The provider refused the request or could not be reached.
    #[error("{provider} failed: {message}")]
    Provider {
        provider: &'static str,
        message: String,
    },
}

#[async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    fn kind(&self) -> PaymentProviderKind;
    async fn create_checkout(&self, req: CheckoutRequest<'_>) -> Result<Checkout, GatewayError>;
}

/// The pay-link URL of the test provider (and the return URL of every provider): Shoptalk's
/// hosted pay page for the payment.
pub fn pay_page_url(public_url: &str, payment: PaymentId) -> String {
    format!("{}/pay/{payment}", public_url.trim_end_matches('/'))
}

/// The built-in provider: the pay link is Shoptalk's own pay page, which takes test cards.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestGateway;

#[async_trait]
impl PaymentGateway for TestGateway {
    fn kind(&self) -> PaymentProviderKind {
        PaymentProviderKind::Test
    }

    async fn create_checkout(&self, req: CheckoutRequest<'_>) -> Result<Checkout, GatewayError> {
        Ok(Checkout {
            provider_ref: None,
            pay_url: req.return_url.to_owned(),
        })
    }
}

/// The providers available to workspaces, by kind.
#[derive(Clone)]
pub struct PaymentGateways {
    by_kind: HashMap<PaymentProviderKind, Arc<dyn PaymentGateway>>,
}

impl Default for PaymentGateways {
    /// Only the built-in test provider.
    fn default() -> Self {
        let test: Arc<dyn PaymentGateway> = Arc::new(TestGateway);
        Self {
            by_kind: HashMap::from([(PaymentProviderKind::Test, test)]),
        }
    }
}

impl PaymentGateways {
    /// Adds (or replaces) the provider of `gateway.kind()`.
    pub fn with(mut self, gateway: Arc<dyn PaymentGateway>) -> Self {
        self.by_kind.insert(gateway.kind(), gateway);
        self
    }

    pub fn get(&self, kind: PaymentProviderKind) -> Option<&Arc<dyn PaymentGateway>> {
        self.by_kind.get(&kind)
    }
}
