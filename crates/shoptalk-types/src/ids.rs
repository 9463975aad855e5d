//! Typed identifiers. Every id is a UUIDv7, so ids sort by creation time, which is what
//! cursor pagination and the message log rely on.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(/// A tenant: one shop.
    WorkspaceId);
id_type!(/// A member of a workspace's staff.
    AgentId);
id_type!(/// A customer (identified or anonymous visitor).
    ContactId);
id_type!(/// A conversation between a contact and the shop.
    ConversationId);
id_type!(/// One entry of a conversation's log.
    MessageId);
id_type!(/// An API key.
    ApiKeyId);
id_type!(/// An uploaded attachment.
    MediaId);
id_type!(/// An outbound webhook subscription.
    WebhookId);
id_type!(/// One attempt-tracked delivery of an event to a webhook endpoint.
    DeliveryId);
id_type!(/// A job of the durable queue.
    JobId);
id_type!(/// A domain event (the `webhook-id` of its deliveries).
    EventId);
id_type!(/// A saved reply agents insert with its `/shortcut`.
    CannedResponseId);
id_type!(/// A product of the workspace's catalog.
    ProductId);
id_type!(/// A contact's shopping cart.
    CartId);
id_type!(/// An order a contact placed.
    OrderId);
id_type!(/// A request to return items of an order.
    ReturnId);
id_type!(/// A payment asked of a contact (a pay link).
    PaymentId);
