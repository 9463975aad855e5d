//! The built-in test provider's pay page: anyone holding the link (an unguessable payment
//! id) sees what is being paid for and may pay with a test card. It shows no contact data.

use crate::error::{DomainError, DomainResult};
use crate::service::App;
use shoptalk_types::commerce::{PayPage, PayPageLine, Payment, PaymentProviderKind, PaymentStatus};
use shoptalk_types::ids::PaymentId;

/// The card that always pays.
const APPROVED_CARD: &str = "4242424242424242";
/// The card that is always declined.
const DECLINED_CARD: &str = "4000000000000002";

/// What a test card did.
#[derive(Debug, Clone, PartialEq)]
pub enum TestCardOutcome {
    Paid(PayPage),
    /// The payment is `failed` now; another card may be tried.
    Declined,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestCard {
    Approved,
    Declined,
}

/// Reads a card number as people type it: digits, with spaces or dashes anywhere.
fn test_card(number: &str) -> DomainResult<TestCard> {
    let digits: String = number.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    match digits.as_str() {
        APPROVED_CARD => Ok(TestCard::Approved),
        DECLINED_CARD => Ok(TestCard::Declined),
        _ => Err(DomainError::invalid(
            "card_number",
            "this pay page takes test cards only: 4242 4242 4242 4242 pays, \
             4000 0000 0000 0002 is declined",
        )),
    }
}

impl App {
    /// The pay page of a payment, found by its id alone.
    pub async fn pay_page(&self, id: PaymentId) -> DomainResult<PayPage> {
        let payment =
            (self.store.payment_by_id(id).await?).ok_or(DomainError::NotFound("payment"))?;
        self.pay_page_of(payment).await
    }

    /// Pays a test-provider payment with a test card.
    pub async fn pay_with_test_card(
        &self,
        id: PaymentId,
        card_number: &str,
    ) -> DomainResult<TestCardOutcome> {
        let payment =
            (self.store.payment_by_id(id).await?).ok_or(DomainError::NotFound("payment"))?;
        if payment.provider != PaymentProviderKind::Test {
            return Err(DomainError::Conflict(
                "this payment is taken by the shop's payment provider, not by test cards".into(),
            ));
        }
        match payment.status {
            PaymentStatus::Pending | PaymentStatus::Failed => {}
            PaymentStatus::Paid => {
                return Err(DomainError::Conflict("this payment is already paid".into()));
            }
            PaymentStatus::Expired | PaymentStatus::Cancelled => {
                return Err(DomainError::Conflict(
                    "this payment link is no longer valid".into(),
                ));
            }
        }
        let by = format!("contact:{}", payment.contact_id);
        match test_card(card_number)? {
            TestCard::Approved => {
                let paid = self.settle_paid(payment, &by).await?;
                Ok(TestCardOutcome::Paid(self.pay_page_of(paid).await?))
            }
            TestCard::Declined => {
                self.fail_payment(payment.workspace_id, payment.id).await?;
                Ok(TestCardOutcome::Declined)
            }
        }
    }

    async fn pay_page_of(&self, payment: Payment) -> DomainResult<PayPage> {
        let ws = payment.workspace_id;
        let shop_name = (self.store.workspace(ws).await?)
            .map(|w| w.workspace.name)
            .ok_or(DomainError::NotFound("payment"))?;
        let order = match payment.order_id {
            Some(id) => self.store.order(ws, id).await?,
            None => None,
        };
        let (order_number, lines) = match (order, payment.cart_id) {
            (Some(order), _) => {
                let lines = order.lines.into_iter().map(|l| PayPageLine {
                    title: l.title,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                    image_url: l.image_url,
                });
                (Some(order.number), Some(lines.collect()))
            }
            (None, Some(cart)) => {
                let cart = self.store.cart(ws, cart).await?;
                let lines = cart.map(|c| {
                    (c.items.into_iter())
                        .map(|i| PayPageLine {
                            title: i.title,
                            quantity: i.quantity,
                            unit_price_minor: i.unit_price_minor,
                            image_url: i.image_url,
                        })
                        .collect()
                });
                (None, lines)
            }
            (None, None) => (None, None),
        };
        Ok(PayPage {
            id: payment.id,
            shop_name,
            description: payment.description,
            amount_minor: payment.amount_minor,
            currency: payment.currency,
            status: payment.status,
            provider: payment.provider,
            pay_url: payment.pay_url,
            order_number,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_cards_are_read_as_people_type_them() {
        for approved in [
            "4242424242424242",
            "4242 4242 4242 4242",
            "4242-4242-4242-4242",
        ] {
            assert_eq!(
                test_card(approved).unwrap(),
                TestCard::Approved,
                "{approved}"
            );
        }
        assert_eq!(
            test_card("4000 0000 0000 0002").unwrap(),
            TestCard::Declined
        );
        for other in [
            "",
            "4242",
            "4242 4242 4242 4243",
            "4111 1111 1111 1111",
            "४२४२",
        ] {
            match test_card(other) {
                Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "card_number"),
                r => panic!("{other:?} gave {r:?}"),
            }
        }
    }

    proptest! {
        #[test]
        fn anything_accepted_is_one_of_the_two_cards(number in "\\PC{0,40}") {
            if test_card(&number).is_ok() {
                let digits: String = number.chars().filter(char::is_ascii_digit).collect();
                prop_assert!(digits == APPROVED_CARD || digits == DECLINED_CARD);
                prop_assert!(number.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-'));
            }
        }

        #[test]
        fn separators_anywhere_keep_the_card(seps in proptest::collection::vec("[ -]{0,2}", 16)) {
            let typed: String = APPROVED_CARD
                .chars()
                .zip(&seps)
                .flat_map(|(digit, sep)| std::iter::once(digit).chain(sep.chars()))
                .collect();
            prop_assert_eq!(test_card(&typed).unwrap(), TestCard::Approved);
        }
    }
}
