//! Stripe: Checkout Sessions over the REST API ([`StripeGateway`]) and signed webhook events
//! ([`signature::verify`], [`Event`]).

mod checkout;
pub mod event;
pub mod signature;

pub use checkout::{DEFAULT_API_BASE, StripeGateway, session_form};
pub use event::{Event, Outcome, PaymentSignal};
