//! The `X-Shopify-Topic` values Shoptalk handles.

/// A webhook topic Shoptalk ingests. Every other topic is acknowledged and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    OrdersCreate,
    OrdersUpdated,
    OrdersPaid,
    OrdersCancelled,
    FulfillmentsCreate,
    FulfillmentsUpdate,
    CheckoutsCreate,
    CheckoutsUpdate,
    CartsCreate,
    CartsUpdate,
    CustomersCreate,
    CustomersUpdate,
    ProductsCreate,
    ProductsUpdate,
}

impl Topic {
    pub const ALL: [Topic; 14] = [
        Self::OrdersCreate,
        Self::OrdersUpdated,
        Self::OrdersPaid,
        Self::OrdersCancelled,
        Self::FulfillmentsCreate,
        Self::FulfillmentsUpdate,
        Self::CheckoutsCreate,
        Self::CheckoutsUpdate,
        Self::CartsCreate,
        Self::CartsUpdate,
        Self::CustomersCreate,
        Self::CustomersUpdate,
        Self::ProductsCreate,
        Self::ProductsUpdate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrdersCreate => "orders/create",
            Self::OrdersUpdated => "orders/updated",
            Self::OrdersPaid => "orders/paid",
            Self::OrdersCancelled => "orders/cancelled",
            Self::FulfillmentsCreate => "fulfillments/create",
            Self::FulfillmentsUpdate => "fulfillments/update",
            Self::CheckoutsCreate => "checkouts/create",
            Self::CheckoutsUpdate => "checkouts/update",
            Self::CartsCreate => "carts/create",
            Self::CartsUpdate => "carts/update",
            Self::CustomersCreate => "customers/create",
            Self::CustomersUpdate => "customers/update",
            Self::ProductsCreate => "products/create",
            Self::ProductsUpdate => "products/update",
        }
    }

    /// The topic of a header value (exact, as Shopify writes it); `None` for topics not
    /// ingested.
    pub fn parse(header: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == header.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_and_others_are_not_ingested() {
        for t in Topic::ALL {
            assert_eq!(Topic::parse(t.as_str()), Some(t));
        }
        for other in [
            "",
            "orders/delete",
            "app/uninstalled",
            "ORDERS/CREATE",
            "orders",
        ] {
            assert_eq!(Topic::parse(other), None, "{other}");
        }
    }
}
