//! Returns: a contact asks to send back items of an order; staff move the request along
//! requested → approved | rejected, approved → received → refunded. Refunding refunds the
//! order (the returned lines' value unless told otherwise). The customer is told each step;
//! each step emits `return.updated`.

use super::commerce_input::{opt_text, text};
use super::commerce_notify::{actor_ref, log_failure};
use super::order_actions::Requested;
use super::order_rules::capitalised;
use super::versioned::until_stored;
use super::{Actor, App, Capability, now_ms};
use crate::commerce_store::Emit;
use crate::error::{DomainError, DomainResult};
use jiff::Timestamp;
use shoptalk_types::Content;
use shoptalk_types::commerce::*;
use shoptalk_types::content::Money;
use shoptalk_types::ids::*;
use std::collections::BTreeMap;

const REASON_MAX: usize = 500;
const NOTE_MAX: usize = 500;
const PHOTOS_MAX: usize = 5;

/// Statuses of an order whose items can be sent back: it shipped, and not all was refunded.
pub(super) fn returnable(order: &Order) -> bool {
    matches!(
        order.status,
        OrderStatus::Fulfilled
            | OrderStatus::Shipped
            | OrderStatus::Delivered
            | OrderStatus::PartiallyRefunded
    )
}

/// Units of each line that can still be returned: ordered less what open or completed
/// returns (all but rejected ones) already hold.
pub(super) fn returnable_units(order: &Order, returns: &[ReturnRequest]) -> BTreeMap<String, u32> {
    let mut left: BTreeMap<String, u32> = order
        .lines
        .iter()
        .map(|l| (l.id.clone(), l.quantity))
        .collect();
    for r in returns
        .iter()
        .filter(|r| r.status != ReturnStatus::Rejected)
    {
        for (line, quantity) in &r.lines {
            if let Some(units) = left.get_mut(line) {
                *units = units.saturating_sub(*quantity);
            }
        }
    }
    left
}

/// Checks the lines of a new return against what is left to return.
fn check_lines(lines: &BTreeMap<String, u32>, left: &BTreeMap<String, u32>) -> DomainResult<()> {
    if lines.is_empty() {
        return Err(DomainError::invalid("lines", "must name at least one line"));
    }
    for (id, quantity) in lines {
        let field = format!("lines.{id}");
        let available = *left
            .get(id)
            .ok_or_else(|| DomainError::invalid(&field, "is not a line of this order"))?;
        if *quantity == 0 || *quantity > available {
            return Err(DomainError::invalid(
                &field,
                format!("must be 1 to {available} (units not yet returned)"),
            ));
        }
    }
    Ok(())
}

/// Whether a return may go from `from` to `to`.
fn may_move(from: ReturnStatus, to: ReturnStatus) -> bool {
    use ReturnStatus::*;
    matches!(
        (from, to),
        (Requested, Approved) | (Requested, Rejected) | (Approved, Received) | (Received, Refunded)
    )
}

fn status_word(status: ReturnStatus) -> &'static str {
    match status {
        ReturnStatus::Requested => "requested",
        ReturnStatus::Approved => "approved",
        ReturnStatus::Rejected => "rejected",
        ReturnStatus::Received => "received",
        ReturnStatus::Refunded => "refunded",
    }
}

/// The value of the returned lines at the order's prices.
fn lines_value(order: &Order, lines: &BTreeMap<String, u32>) -> i64 {
    (order.lines.iter())
        .filter_map(|l| {
            lines
                .get(&l.id)
                .map(|q| l.unit_price_minor.saturating_mul(i64::from(*q)))
        })
        .fold(0, i64::saturating_add)
}

fn return_updated(ret: &ReturnRequest) -> Emit {
    Emit {
        kind: "return.updated",
        data: serde_json::to_value(ret).unwrap_or_default(),
    }
}

/// What the customer reads at each step.
fn customer_text(ret: &ReturnRequest, order: &Order, refunded: Option<i64>) -> String {
    let n = &order.number;
    match ret.status {
        ReturnStatus::Requested => format!(
            "We received your return request for order #{n}. We'll let you know once it's reviewed."
        ),
        ReturnStatus::Approved => format!("Your return for order #{n} was approved."),
        ReturnStatus::Rejected => match &ret.note {
            Some(note) => format!("Your return for order #{n} was declined: {note}"),
            None => format!("Your return for order #{n} was declined."),
        },
        ReturnStatus::Received => format!("We received the items you sent back from order #{n}."),
        ReturnStatus::Refunded => match refunded {
            Some(amount) => format!(
                "We refunded {} for your return from order #{n}.",
                Money::new(amount, &order.currency)
            ),
            None => format!("Your return from order #{n} was refunded."),
        },
    }
}

impl App {
    /// Asks to return items of an order: a contact for its own orders, staff for anyone's.
    pub async fn create_return(
        &self,
        actor: &Actor,
        new: &NewReturn,
    ) -> DomainResult<ReturnRequest> {
        self.create_return_in(actor, new, None).await
    }

    /// As [`create_return`](Self::create_return), telling the customer in `conversation`
    /// (else their latest one).
    pub(super) async fn create_return_in(
        &self,
        actor: &Actor,
        new: &NewReturn,
        conversation: Option<ConversationId>,
    ) -> DomainResult<ReturnRequest> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        let ws = actor.workspace_id();
        let reason = text("reason", &new.reason, REASON_MAX)?;
        if new.photos.len() > PHOTOS_MAX {
            return Err(DomainError::invalid("photos", "may hold at most 5 photos"));
        }
        // A contact naming another's order learns nothing: "not found", as for a missing one.
        let order = self.get_order(actor, new.order_id).await?;
        if !returnable(&order) {
            return Err(DomainError::Conflict(format!(
                "order #{} has not shipped or was refunded; nothing can be returned",
                order.number
            )));
        }
        let others = self.store.returns_of_order(ws, order.id).await?;
        check_lines(&new.lines, &returnable_units(&order, &others))?;
        for (i, photo) in new.photos.iter().enumerate() {
            if self.store.media(ws, *photo).await?.is_none() {
                return Err(DomainError::invalid(
                    format!("photos[{i}]"),
                    "is not an uploaded file of this workspace",
                ));
            }
        }
        let now = now_ms();
        let ret = ReturnRequest {
            id: ReturnId::new(),
            workspace_id: ws,
            order_id: order.id,
            contact_id: order.contact_id,
            status: ReturnStatus::Requested,
            lines: new.lines.clone(),
            reason: reason.clone(),
            photos: new.photos.clone(),
            note: None,
            timeline: vec![entry(
                "return_requested",
                format!("Requested: {reason}"),
                &actor_ref(actor),
                now,
            )],
            version: 1,
            created_at: now,
            updated_at: now,
        };
        if !self.store.put_return(&ret, &[return_updated(&ret)]).await? {
            return Err(DomainError::Conflict("the return already exists".into()));
        }
        self.after_return_step(&ret, &order, None, conversation)
            .await;
        Ok(ret)
    }

    /// A return: any of the workspace for staff, its own for a contact.
    pub async fn get_return(&self, actor: &Actor, id: ReturnId) -> DomainResult<ReturnRequest> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let ret = self.store.return_request(actor.workspace_id(), id).await?;
        ret.filter(|r| actor.contact_id().is_none_or(|own| own == r.contact_id))
            .ok_or(DomainError::NotFound("return"))
    }

    /// An order's returns, oldest first.
    pub async fn list_order_returns(
        &self,
        actor: &Actor,
        order: OrderId,
    ) -> DomainResult<Vec<ReturnRequest>> {
        let order = self.get_order(actor, order).await?;
        Ok(self
            .store
            .returns_of_order(actor.workspace_id(), order.id)
            .await?)
    }

    /// Moves a return one step. `refunded` refunds the order: `refund_minor`, or the returned
    /// lines' value (at most what is left to refund).
    pub async fn transition_return(
        &self,
        actor: &Actor,
        id: ReturnId,
        t: &ReturnTransition,
    ) -> DomainResult<ReturnRequest> {
        actor.require(Capability::Write)?;
        let ws = actor.workspace_id();
        let note = opt_text("note", t.note.as_deref(), NOTE_MAX)?;
        if t.refund_minor.is_some() && t.status != ReturnStatus::Refunded {
            return Err(DomainError::invalid(
                "refund_minor",
                "is only allowed with status refunded",
            ));
        }
        let by = actor_ref(actor);
        let current = self.get_return(actor, id).await?;
        let order = (self.store.order(ws, current.order_id).await?)
            .ok_or(DomainError::NotFound("order"))?;
        let refund = match t.status {
            ReturnStatus::Refunded => Some(refund_amount(&order, &current, t.refund_minor)?),
            _ => None,
        };
        let ret = until_stored("return", async || {
            let mut ret = (self.store.return_request(ws, id).await?)
                .ok_or(DomainError::NotFound("return"))?;
            if !may_move(ret.status, t.status) {
                return Err(DomainError::Conflict(format!(
                    "a return that is {} cannot become {}",
                    status_word(ret.status),
                    status_word(t.status)
                )));
            }
            let now = now_ms();
            ret.status = t.status;
            if note.is_some() {
                ret.note = note.clone();
            }
            let word = status_word(t.status);
            let summary = match &note {
                Some(n) => format!("{}: {n}", capitalised(word)),
                None => capitalised(word),
            };
            ret.timeline
                .push(entry(&format!("return_{word}"), summary, &by, now));
            ret.version += 1;
            ret.updated_at = now;
            let stored = self.store.put_return(&ret, &[return_updated(&ret)]).await?;
            Ok(stored.then_some(ret))
        })
        .await?;
        // The return is recorded as refunded first, so that two agents pressing "refunded" at
        // once cannot refund twice; a refund the order then refuses reopens the step.
        if let Some(amount) = refund {
            let action = OrderAction::Refund {
                amount_minor: Some(amount),
                reason: Some(format!("return: {}", ret.reason)),
                lines: ret.lines.clone(),
                notify: false,
            };
            if let Err(e) = self
                .act_on_order(ws, order.id, &action, &by, Requested::ByStaff)
                .await
            {
                self.undo_refunded_step(&ret).await;
                return Err(match e {
                    DomainError::Invalid { field, message } if field == "amount_minor" => {
                        DomainError::invalid("refund_minor", message)
                    }
                    other => other,
                });
            }
        }
        self.after_return_step(&ret, &order, refund, None).await;
        Ok(ret)
    }

    async fn undo_refunded_step(&self, ret: &ReturnRequest) {
        let mut back = ret.clone();
        back.status = ReturnStatus::Received;
        back.timeline.pop();
        back.version += 1;
        back.updated_at = now_ms();
        log_failure(
            "reopening a return",
            self.store
                .put_return(&back, &[return_updated(&back)])
                .await
                .map_err(DomainError::from),
        );
    }

    async fn after_return_step(
        &self,
        ret: &ReturnRequest,
        order: &Order,
        refunded: Option<i64>,
        conversation: Option<ConversationId>,
    ) {
        let text = customer_text(ret, order, refunded);
        log_failure(
            "telling the customer about a return",
            self.tell_contact_in(
                ret.workspace_id,
                ret.contact_id,
                conversation,
                Content::text(text),
            )
            .await,
        );
    }
}

/// What a refunded return refunds: `given` (1 to what is left of the order), else the lines'
/// value capped at what is left.
fn refund_amount(order: &Order, ret: &ReturnRequest, given: Option<i64>) -> DomainResult<i64> {
    let left = order.total_minor - order.refunded_minor;
    match given {
        Some(amount) if (1..=left).contains(&amount) => Ok(amount),
        Some(_) => Err(DomainError::invalid(
            "refund_minor",
            format!("must be 1 to {} (what is left to refund)", left.max(0)),
        )),
        None if left > 0 => Ok(lines_value(order, &ret.lines).clamp(1, left)),
        None => Err(DomainError::Conflict(format!(
            "order #{} is already fully refunded",
            order.number
        ))),
    }
}

fn entry(kind: &str, summary: String, by: &str, at: Timestamp) -> TimelineEntry {
    TimelineEntry {
        kind: kind.to_owned(),
        summary,
        by: by.to_owned(),
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order_with(lines: &[(&str, u32, i64)]) -> Order {
        let lines: Vec<OrderLine> = lines
            .iter()
            .map(|(id, q, p)| OrderLine {
                id: (*id).into(),
                product_id: None,
                variant_id: None,
                sku: None,
                title: format!("Item {id}"),
                quantity: *q,
                unit_price_minor: *p,
                image_url: None,
            })
            .collect();
        let total = lines
            .iter()
            .map(|l| l.unit_price_minor * i64::from(l.quantity))
            .sum();
        Order {
            id: OrderId::new(),
            workspace_id: WorkspaceId::new(),
            contact_id: ContactId::new(),
            number: "1001".into(),
            external_id: None,
            status: OrderStatus::Delivered,
            currency: "EUR".into(),
            lines,
            subtotal_minor: total,
            shipping_minor: 0,
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

    fn ret(order: &Order, status: ReturnStatus, lines: &[(&str, u32)]) -> ReturnRequest {
        ReturnRequest {
            id: ReturnId::new(),
            workspace_id: order.workspace_id,
            order_id: order.id,
            contact_id: order.contact_id,
            status,
            lines: lines.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            reason: "too small".into(),
            photos: vec![],
            note: None,
            timeline: vec![],
            version: 1,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn lines(l: &[(&str, u32)]) -> BTreeMap<String, u32> {
        l.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn field(r: DomainResult<()>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn only_what_is_left_can_be_returned() {
        let o = order_with(&[("1", 3, 1000), ("2", 1, 500)]);
        let earlier = [
            ret(&o, ReturnStatus::Approved, &[("1", 2)]),
            ret(&o, ReturnStatus::Rejected, &[("2", 1)]),
        ];
        let left = returnable_units(&o, &earlier);
        assert_eq!(left, lines(&[("1", 1), ("2", 1)]));
        assert!(check_lines(&lines(&[("1", 1), ("2", 1)]), &left).is_ok());
        assert_eq!(field(check_lines(&lines(&[("1", 2)]), &left)), "lines.1");
        assert_eq!(field(check_lines(&lines(&[("2", 0)]), &left)), "lines.2");
        assert_eq!(field(check_lines(&lines(&[("7", 1)]), &left)), "lines.7");
        assert_eq!(field(check_lines(&BTreeMap::new(), &left)), "lines");
    }

    #[test]
    fn the_state_machine_moves_forward_only() {
        use ReturnStatus::*;
        let all = [Requested, Approved, Rejected, Received, Refunded];
        let allowed: Vec<(ReturnStatus, ReturnStatus)> = all
            .iter()
            .flat_map(|a| all.iter().map(move |b| (*a, *b)))
            .filter(|(a, b)| may_move(*a, *b))
            .collect();
        assert_eq!(
            allowed,
            [
                (Requested, Approved),
                (Requested, Rejected),
                (Approved, Received),
                (Received, Refunded)
            ]
        );
    }

    #[test]
    fn refunds_default_to_the_lines_value_within_what_is_left() {
        let mut o = order_with(&[("1", 3, 1000), ("2", 1, 500)]);
        let r = ret(&o, ReturnStatus::Received, &[("1", 2)]);
        assert_eq!(refund_amount(&o, &r, None).unwrap(), 2000);
        assert_eq!(refund_amount(&o, &r, Some(700)).unwrap(), 700);
        assert!(matches!(
            refund_amount(&o, &r, Some(3501)),
            Err(DomainError::Invalid { field, .. }) if field == "refund_minor"
        ));
        o.refunded_minor = 3000;
        assert_eq!(refund_amount(&o, &r, None).unwrap(), 500);
        o.refunded_minor = 3500;
        assert!(matches!(
            refund_amount(&o, &r, None),
            Err(DomainError::Conflict(_))
        ));
    }

    #[test]
    fn customers_read_each_step() {
        let o = order_with(&[("1", 1, 1250)]);
        let mut r = ret(&o, ReturnStatus::Rejected, &[("1", 1)]);
        r.note = Some("worn".into());
        assert_eq!(
            customer_text(&r, &o, None),
            "Your return for order #1001 was declined: worn"
        );
        r.status = ReturnStatus::Refunded;
        assert_eq!(
            customer_text(&r, &o, Some(1250)),
            "We refunded 12.50 EUR for your return from order #1001."
        );
    }
}
