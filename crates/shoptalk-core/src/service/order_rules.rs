//! The rules of an order, without storage: totals, and what each action does to it
//! (placed → paid → fulfilled/shipped → delivered; cancel before shipping; refunds up to
//! what was paid).

use super::commerce_input::{opt_text, opt_web_url};
use super::products::PRICE_MAX;
use crate::error::{DomainError, DomainResult};
use jiff::Timestamp;
use shoptalk_types::commerce::*;
use shoptalk_types::content::Money;
use std::collections::BTreeMap;

const REASON_MAX: usize = 500;
const CARRIER_MAX: usize = 80;
const TRACKING_NUMBER_MAX: usize = 255;

/// Subtotal and total of an order, checked: every amount 0 ..= 10^12, the total too.
pub(super) fn totals(
    lines: &[OrderLine],
    shipping: i64,
    tax: i64,
    discount: i64,
) -> DomainResult<(i64, i64)> {
    let too_much = || {
        DomainError::invalid(
            "lines",
            "the order's total must be at most 1000000000000 minor units",
        )
    };
    let mut subtotal: i64 = 0;
    for line in lines {
        let value = line
            .unit_price_minor
            .checked_mul(i64::from(line.quantity))
            .ok_or_else(too_much)?;
        subtotal = subtotal.checked_add(value).ok_or_else(too_much)?;
    }
    // Each of the four is at most 10^12 here, so the sum cannot overflow.
    if subtotal > PRICE_MAX {
        return Err(too_much());
    }
    let total = subtotal + shipping + tax - discount;
    if total < 0 {
        return Err(DomainError::invalid(
            "discount_minor",
            "must not exceed the subtotal, shipping and tax together",
        ));
    }
    if total > PRICE_MAX {
        return Err(too_much());
    }
    Ok((subtotal, total))
}

/// What an action did, for the timeline, the agents and the customer.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Applied {
    /// The action as carried out (a refund's amount filled in).
    pub action: OrderAction,
    /// For the agents: "Alex refunded 12.00 EUR of order #1003: damaged".
    pub note: String,
    /// For the customer, when they are to be told.
    pub customer_text: Option<String>,
}

/// Whoever acts, and how they are named.
pub(super) struct Acting<'a> {
    /// As timelines record it: `agent:<id>`, `stripe`, ...
    pub by: &'a str,
    /// As people read it: "Alex".
    pub who: &'a str,
    pub now: Timestamp,
}

/// Applies `action` to `order`. `Ok(None)`: nothing to do (already paid, already cancelled),
/// so retries are harmless. A refused action leaves the order as it was.
pub(super) fn apply_action(
    order: &mut Order,
    action: &OrderAction,
    acting: &Acting,
) -> DomainResult<Option<Applied>> {
    let mut draft = order.clone();
    let outcome = match action {
        OrderAction::Refund {
            amount_minor,
            reason,
            lines,
            notify,
        } => refund(
            &mut draft,
            *amount_minor,
            reason.as_deref(),
            lines,
            *notify,
            acting,
        )?,
        OrderAction::Cancel { reason, notify } => {
            cancel(&mut draft, reason.as_deref(), *notify, acting)?
        }
        OrderAction::ResendTracking => resend_tracking(&mut draft, acting)?,
        OrderAction::MarkPaid => mark_paid(&mut draft, acting)?,
        OrderAction::Fulfil {
            carrier,
            tracking_number,
            tracking_url,
            notify,
        } => fulfil(
            &mut draft,
            Tracking {
                carrier: opt_text("carrier", carrier.as_deref(), CARRIER_MAX)?,
                number: opt_text(
                    "tracking_number",
                    tracking_number.as_deref(),
                    TRACKING_NUMBER_MAX,
                )?,
                url: opt_web_url("tracking_url", tracking_url.as_deref())?,
            },
            *notify,
            acting,
        )?,
        OrderAction::MarkDelivered { notify } => mark_delivered(&mut draft, *notify, acting)?,
    };
    if outcome.is_some() {
        draft.updated_at = acting.now;
        *order = draft;
    }
    Ok(outcome)
}

fn money(order: &Order, amount: i64) -> String {
    Money::new(amount, &order.currency).to_string()
}

fn record(order: &mut Order, kind: &str, summary: String, acting: &Acting) {
    order.timeline.push(TimelineEntry {
        kind: kind.to_owned(),
        summary,
        by: acting.by.to_owned(),
        at: acting.now,
    });
}

fn conflict(message: String) -> DomainError {
    DomainError::Conflict(message)
}

fn has_shipped(order: &Order) -> bool {
    !order.fulfilments.is_empty()
        || matches!(
            order.status,
            OrderStatus::Fulfilled | OrderStatus::Shipped | OrderStatus::Delivered
        )
}

fn with_reason(text: String, reason: Option<&str>) -> String {
    match reason {
        Some(r) => format!("{text}: {r}"),
        None => text,
    }
}

/// Units of each line already refunded.
fn refunded_units(order: &Order, line: &str) -> u32 {
    (order.refunds.iter())
        .filter_map(|r| r.lines.get(line))
        .fold(0, |sum, q| sum.saturating_add(*q))
}

/// The value of `lines` (line id → units) of the order, each checked against what is left of
/// its line to refund.
fn refund_lines_value(order: &Order, lines: &BTreeMap<String, u32>) -> DomainResult<i64> {
    let mut value: i64 = 0;
    for (id, quantity) in lines {
        let field = format!("lines.{id}");
        let line = (order.lines.iter().find(|l| &l.id == id))
            .ok_or_else(|| DomainError::invalid(&field, "is not a line of this order"))?;
        let left = line.quantity.saturating_sub(refunded_units(order, id));
        if *quantity == 0 || *quantity > left {
            return Err(DomainError::invalid(
                &field,
                format!("must be 1 to {left} (units of this line not yet refunded)"),
            ));
        }
        value = value.saturating_add(line.unit_price_minor.saturating_mul(i64::from(*quantity)));
    }
    Ok(value)
}

fn refund(
    order: &mut Order,
    amount: Option<i64>,
    reason: Option<&str>,
    lines: &BTreeMap<String, u32>,
    notify: bool,
    acting: &Acting,
) -> DomainResult<Option<Applied>> {
    let reason = opt_text("reason", reason, REASON_MAX)?;
    let lines_value = refund_lines_value(order, lines)?;
    if order.status == OrderStatus::Placed {
        return Err(conflict(format!(
            "order #{} is not paid; there is nothing to refund",
            order.number
        )));
    }
    let left = order.total_minor - order.refunded_minor;
    if left <= 0 {
        return Err(conflict(format!(
            "order #{} is already fully refunded",
            order.number
        )));
    }
    let amount = match amount {
        Some(a) => a,
        None if !lines.is_empty() => lines_value,
        None => left,
    };
    if !(1..=left).contains(&amount) {
        return Err(DomainError::invalid(
            "amount_minor",
            format!("must be 1 to {left} (the order's total less what was refunded)"),
        ));
    }
    order.refunds.push(Refund {
        id: format!("r{}", order.refunds.len() + 1),
        amount_minor: amount,
        reason: reason.clone(),
        lines: lines.clone(),
        created_at: acting.now,
    });
    order.refunded_minor += amount;
    order.status = if order.refunded_minor == order.total_minor {
        OrderStatus::Refunded
    } else if order.status == OrderStatus::Cancelled {
        OrderStatus::Cancelled
    } else {
        OrderStatus::PartiallyRefunded
    };
    let shown = money(order, amount);
    let summary = with_reason(format!("Refunded {shown}"), reason.as_deref());
    record(order, "refunded", summary, acting);
    Ok(Some(Applied {
        action: OrderAction::Refund {
            amount_minor: Some(amount),
            reason: reason.clone(),
            lines: lines.clone(),
            notify,
        },
        note: with_reason(
            format!("{} refunded {shown} of order #{}", acting.who, order.number),
            reason.as_deref(),
        ),
        customer_text: notify
            .then(|| format!("We refunded {shown} for your order #{}.", order.number)),
    }))
}

fn cancel(
    order: &mut Order,
    reason: Option<&str>,
    notify: bool,
    acting: &Acting,
) -> DomainResult<Option<Applied>> {
    let reason = opt_text("reason", reason, REASON_MAX)?;
    if order.status == OrderStatus::Cancelled {
        return Ok(None);
    }
    if has_shipped(order) {
        return Err(conflict(format!(
            "order #{} has shipped; it can no longer be cancelled",
            order.number
        )));
    }
    order.status = OrderStatus::Cancelled;
    record(
        order,
        "cancelled",
        with_reason("Cancelled".to_owned(), reason.as_deref()),
        acting,
    );
    Ok(Some(Applied {
        action: OrderAction::Cancel {
            reason: reason.clone(),
            notify,
        },
        note: with_reason(
            format!("{} cancelled order #{}", acting.who, order.number),
            reason.as_deref(),
        ),
        customer_text: notify.then(|| format!("Your order #{} was cancelled.", order.number)),
    }))
}

fn resend_tracking(order: &mut Order, acting: &Acting) -> DomainResult<Option<Applied>> {
    let tracked =
        (order.fulfilments.iter()).any(|f| f.tracking_number.is_some() || f.tracking_url.is_some());
    if !tracked {
        return Err(conflict(format!(
            "order #{} has no tracking to send",
            order.number
        )));
    }
    record(
        order,
        "tracking_resent",
        "Tracking sent again".to_owned(),
        acting,
    );
    Ok(Some(Applied {
        action: OrderAction::ResendTracking,
        note: format!(
            "{} sent the tracking of order #{} again",
            acting.who, order.number
        ),
        customer_text: Some(format!(
            "Here is the tracking of your order #{}.",
            order.number
        )),
    }))
}

fn mark_paid(order: &mut Order, acting: &Acting) -> DomainResult<Option<Applied>> {
    match order.status {
        OrderStatus::Placed => {}
        OrderStatus::Cancelled => {
            return Err(conflict(format!(
                "order #{} is cancelled; it cannot be paid",
                order.number
            )));
        }
        _ => return Ok(None),
    }
    order.status = OrderStatus::Paid;
    record(order, "paid", "Paid".to_owned(), acting);
    Ok(Some(Applied {
        action: OrderAction::MarkPaid,
        note: format!("{} marked order #{} paid", acting.who, order.number),
        customer_text: None,
    }))
}

struct Tracking {
    carrier: Option<String>,
    number: Option<String>,
    url: Option<String>,
}

fn fulfil(
    order: &mut Order,
    tracking: Tracking,
    notify: bool,
    acting: &Acting,
) -> DomainResult<Option<Applied>> {
    if matches!(
        order.status,
        OrderStatus::Cancelled | OrderStatus::Refunded | OrderStatus::Delivered
    ) {
        return Err(conflict(format!(
            "order #{} is {}; it cannot be fulfilled",
            order.number,
            super::cards::status_words(order.status)
        )));
    }
    let tracked = tracking.number.is_some() || tracking.url.is_some();
    order.fulfilments.push(Fulfilment {
        id: format!("f{}", order.fulfilments.len() + 1),
        status: if tracked { "in_transit" } else { "pending" }.to_owned(),
        carrier: tracking.carrier.clone(),
        tracking_number: tracking.number.clone(),
        tracking_url: tracking.url.clone(),
        lines: BTreeMap::new(),
        created_at: acting.now,
    });
    let how = match (&tracking.carrier, &tracking.number) {
        (Some(c), Some(n)) => format!(" ({c} {n})"),
        (Some(x), None) | (None, Some(x)) => format!(" ({x})"),
        (None, None) => String::new(),
    };
    let (kind, verb) = if tracked {
        order.status = OrderStatus::Shipped;
        ("shipped", "shipped")
    } else {
        if order.status != OrderStatus::Shipped {
            order.status = OrderStatus::Fulfilled;
        }
        ("fulfilment_created", "fulfilled")
    };
    let summary = format!("{}{how}", capitalised(verb));
    record(order, kind, summary, acting);
    Ok(Some(Applied {
        action: OrderAction::Fulfil {
            carrier: tracking.carrier,
            tracking_number: tracking.number,
            tracking_url: tracking.url,
            notify,
        },
        note: format!("{} marked order #{} {verb}{how}", acting.who, order.number),
        customer_text: notify.then(|| match tracked {
            true => format!("Your order #{} is on its way.", order.number),
            false => format!("Your order #{} has been sent.", order.number),
        }),
    }))
}

fn mark_delivered(
    order: &mut Order,
    notify: bool,
    acting: &Acting,
) -> DomainResult<Option<Applied>> {
    if order.status == OrderStatus::Delivered {
        return Ok(None);
    }
    let deliverable = !order.fulfilments.is_empty()
        && !matches!(order.status, OrderStatus::Cancelled | OrderStatus::Refunded);
    if !deliverable {
        return Err(conflict(format!(
            "order #{} has not shipped; fulfil it first",
            order.number
        )));
    }
    for f in &mut order.fulfilments {
        f.status = "delivered".to_owned();
    }
    order.status = OrderStatus::Delivered;
    record(order, "delivered", "Delivered".to_owned(), acting);
    Ok(Some(Applied {
        action: OrderAction::MarkDelivered { notify },
        note: format!("{} marked order #{} delivered", acting.who, order.number),
        customer_text: notify.then(|| format!("Your order #{} was delivered.", order.number)),
    }))
}

/// `shipped` → `Shipped`.
pub(super) fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use shoptalk_types::ids::*;

    fn line(id: &str, quantity: u32, price: i64) -> OrderLine {
        OrderLine {
            id: id.into(),
            product_id: None,
            variant_id: None,
            sku: None,
            title: format!("Item {id}"),
            quantity,
            unit_price_minor: price,
            image_url: None,
        }
    }

    fn order(status: OrderStatus) -> Order {
        let lines = vec![line("1", 2, 1000), line("2", 1, 500)];
        let (subtotal, total) = totals(&lines, 300, 0, 0).unwrap();
        Order {
            id: OrderId::new(),
            workspace_id: WorkspaceId::new(),
            contact_id: ContactId::new(),
            number: "1003".into(),
            external_id: None,
            status,
            currency: "EUR".into(),
            lines,
            subtotal_minor: subtotal,
            shipping_minor: 300,
            tax_minor: 0,
            discount_minor: 0,
            total_minor: total,
            refunded_minor: 0,
            fulfilments: vec![],
            refunds: vec![],
            timeline: vec![],
            cart_id: None,
            status_url: None,
            version: 1,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn acting() -> Acting<'static> {
        Acting {
            by: "agent:a1",
            who: "Alex",
            now: Timestamp::now(),
        }
    }

    fn refund(amount: Option<i64>, lines: &[(&str, u32)]) -> OrderAction {
        OrderAction::Refund {
            amount_minor: amount,
            reason: Some("damaged".into()),
            lines: lines.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            notify: true,
        }
    }

    fn fulfil(tracking: Option<&str>) -> OrderAction {
        OrderAction::Fulfil {
            carrier: Some("DHL".into()),
            tracking_number: tracking.map(String::from),
            tracking_url: None,
            notify: true,
        }
    }

    fn apply(o: &mut Order, a: OrderAction) -> DomainResult<Option<Applied>> {
        apply_action(o, &a, &acting())
    }

    fn invalid_field(r: DomainResult<Option<Applied>>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn totals_are_bounded_and_never_negative() {
        let lines = vec![line("1", 3, 1000)];
        assert_eq!(totals(&lines, 500, 200, 700).unwrap(), (3000, 3000));
        assert!(matches!(
            totals(&lines, 0, 0, 3001),
            Err(DomainError::Invalid { field, .. }) if field == "discount_minor"
        ));
        let huge = vec![line("1", 999, PRICE_MAX)];
        assert!(matches!(
            totals(&huge, 0, 0, 0),
            Err(DomainError::Invalid { field, .. }) if field == "lines"
        ));
        let edge = vec![line("1", 1, PRICE_MAX)];
        assert!(totals(&edge, 1, 0, 0).is_err());
        assert_eq!(totals(&edge, 1, 0, 1).unwrap(), (PRICE_MAX, PRICE_MAX));
    }

    #[test]
    fn partial_then_full_refunds() {
        let mut o = order(OrderStatus::Paid);
        let applied = apply(&mut o, refund(Some(1200), &[])).unwrap().unwrap();
        assert_eq!(o.status, OrderStatus::PartiallyRefunded);
        assert_eq!(o.refunded_minor, 1200);
        assert_eq!(
            applied.note,
            "Alex refunded 12.00 EUR of order #1003: damaged"
        );
        assert_eq!(
            applied.customer_text.as_deref(),
            Some("We refunded 12.00 EUR for your order #1003.")
        );
        assert_eq!(
            o.timeline.last().unwrap().summary,
            "Refunded 12.00 EUR: damaged"
        );
        assert_eq!(o.timeline.last().unwrap().by, "agent:a1");
        // Asking more than is left names the amount and changes nothing.
        let before = o.clone();
        assert_eq!(
            invalid_field(apply(&mut o, refund(Some(1601), &[]))),
            "amount_minor"
        );
        assert_eq!(o, before);
        // No amount: the rest.
        let applied = apply(&mut o, refund(None, &[])).unwrap().unwrap();
        assert!(matches!(
            applied.action,
            OrderAction::Refund {
                amount_minor: Some(1600),
                ..
            }
        ));
        assert_eq!((o.status, o.refunded_minor), (OrderStatus::Refunded, 2800));
        assert!(matches!(
            apply(&mut o, refund(None, &[])),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn refunds_by_line_are_checked_and_valued() {
        let mut o = order(OrderStatus::Delivered);
        assert_eq!(
            invalid_field(apply(&mut o, refund(None, &[("9", 1)]))),
            "lines.9"
        );
        assert_eq!(
            invalid_field(apply(&mut o, refund(None, &[("1", 3)]))),
            "lines.1"
        );
        assert_eq!(
            invalid_field(apply(&mut o, refund(None, &[("1", 0)]))),
            "lines.1"
        );
        apply(&mut o, refund(None, &[("1", 1)])).unwrap();
        assert_eq!(o.refunded_minor, 1000);
        apply(&mut o, refund(None, &[("1", 1)])).unwrap();
        // Both units of line 1 are refunded now.
        assert_eq!(
            invalid_field(apply(&mut o, refund(None, &[("1", 1)]))),
            "lines.1"
        );
        assert_eq!(o.status, OrderStatus::PartiallyRefunded);
    }

    #[test]
    fn unpaid_orders_cannot_be_refunded_and_amounts_are_positive() {
        let mut o = order(OrderStatus::Placed);
        assert!(matches!(
            apply(&mut o, refund(Some(1), &[])),
            Err(DomainError::Conflict(_))
        ));
        let mut o = order(OrderStatus::Paid);
        for bad in [0, -5, i64::MIN] {
            assert_eq!(
                invalid_field(apply(&mut o, refund(Some(bad), &[]))),
                "amount_minor"
            );
        }
    }

    #[test]
    fn cancel_only_before_shipping() {
        let mut o = order(OrderStatus::Paid);
        let applied = apply(
            &mut o,
            OrderAction::Cancel {
                reason: None,
                notify: false,
            },
        )
        .unwrap()
        .unwrap();
        assert_eq!(o.status, OrderStatus::Cancelled);
        assert_eq!(applied.customer_text, None);
        // Again: nothing to do.
        let again = apply(
            &mut o,
            OrderAction::Cancel {
                reason: None,
                notify: true,
            },
        );
        assert_eq!(again.unwrap(), None);

        let mut shipped = order(OrderStatus::Paid);
        apply(&mut shipped, fulfil(Some("JD1"))).unwrap();
        assert_eq!(shipped.status, OrderStatus::Shipped);
        let r = apply(
            &mut shipped,
            OrderAction::Cancel {
                reason: None,
                notify: true,
            },
        );
        assert!(matches!(r, Err(DomainError::Conflict(m)) if m.contains("shipped")));
        assert_eq!(shipped.status, OrderStatus::Shipped);
    }

    #[test]
    fn the_happy_path_and_its_order() {
        let mut o = order(OrderStatus::Placed);
        apply(&mut o, OrderAction::MarkPaid).unwrap().unwrap();
        assert_eq!(o.status, OrderStatus::Paid);
        assert_eq!(
            apply(&mut o, OrderAction::MarkPaid).unwrap(),
            None,
            "idempotent"
        );
        // Not yet shipped: nothing to deliver, no tracking to resend.
        assert!(apply(&mut o, OrderAction::MarkDelivered { notify: true }).is_err());
        assert!(apply(&mut o, OrderAction::ResendTracking).is_err());
        apply(&mut o, fulfil(None)).unwrap();
        assert_eq!(o.status, OrderStatus::Fulfilled);
        assert!(apply(&mut o, OrderAction::ResendTracking).is_err());
        let applied = apply(&mut o, fulfil(Some("JD0123"))).unwrap().unwrap();
        assert_eq!(applied.note, "Alex marked order #1003 shipped (DHL JD0123)");
        assert_eq!(o.status, OrderStatus::Shipped);
        assert_eq!(o.fulfilments.len(), 2);
        assert!(
            apply(&mut o, OrderAction::ResendTracking)
                .unwrap()
                .is_some()
        );
        apply(&mut o, OrderAction::MarkDelivered { notify: true }).unwrap();
        assert_eq!(o.status, OrderStatus::Delivered);
        assert!(o.fulfilments.iter().all(|f| f.status == "delivered"));
        let kinds: Vec<&str> = o.timeline.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "paid",
                "fulfilment_created",
                "shipped",
                "tracking_resent",
                "delivered"
            ]
        );
        assert!(apply(&mut o, fulfil(Some("again"))).is_err());
    }

    #[test]
    fn fulfil_checks_its_fields() {
        let mut o = order(OrderStatus::Paid);
        let bad_url = OrderAction::Fulfil {
            carrier: None,
            tracking_number: None,
            tracking_url: Some("javascript:alert(1)".into()),
            notify: true,
        };
        assert_eq!(invalid_field(apply(&mut o, bad_url)), "tracking_url");
        let long_carrier = OrderAction::Fulfil {
            carrier: Some("c".repeat(81)),
            tracking_number: None,
            tracking_url: None,
            notify: true,
        };
        assert_eq!(invalid_field(apply(&mut o, long_carrier)), "carrier");
        assert!(o.fulfilments.is_empty());
    }

    fn any_action() -> impl Strategy<Value = OrderAction> {
        prop_oneof![
            (proptest::option::of(-10i64..3000), proptest::bool::ANY).prop_map(|(a, n)| {
                OrderAction::Refund {
                    amount_minor: a,
                    reason: None,
                    lines: BTreeMap::new(),
                    notify: n,
                }
            }),
            Just(OrderAction::Cancel {
                reason: None,
                notify: true
            }),
            Just(OrderAction::ResendTracking),
            Just(OrderAction::MarkPaid),
            proptest::option::of("[A-Z0-9]{1,8}").prop_map(|t| OrderAction::Fulfil {
                carrier: None,
                tracking_number: t,
                tracking_url: None,
                notify: true
            }),
            Just(OrderAction::MarkDelivered { notify: true }),
        ]
    }

    proptest! {
        /// Whatever actions arrive in whatever order, refunds never exceed the total, and a
        /// refused or idle action changes nothing.
        #[test]
        fn orders_keep_their_invariants(actions in proptest::collection::vec(any_action(), 0..30)) {
            let mut o = order(OrderStatus::Placed);
            for a in actions {
                let before = o.clone();
                match apply(&mut o, a) {
                    Ok(Some(_)) => prop_assert_eq!(o.timeline.len(), before.timeline.len() + 1),
                    Ok(None) | Err(_) => prop_assert_eq!(&o, &before),
                }
                prop_assert!(0 <= o.refunded_minor && o.refunded_minor <= o.total_minor);
                prop_assert_eq!(o.refunded_minor, o.refunds.iter().map(|r| r.amount_minor).sum::<i64>());
                if o.status == OrderStatus::Refunded {
                    prop_assert_eq!(o.refunded_minor, o.total_minor);
                }
            }
        }
    }
}
