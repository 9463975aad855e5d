//! A return guided in chat. The contact presses a button whose payload is `return:start`;
//! the shop answers with the contact's returnable orders, then the chosen order's lines, then
//! reasons, each choice a button whose payload names the next step:
//!
//! `return:start` → `return:order:<order>` → `return:line:<order>:<line>` →
//! `return:reason:<order>:<line>:<code>`, which creates the return and confirms it.
//!
//! Answers are posted after the contact's press has committed, off the sender's path.

use super::cards::{clip, status_words};
use super::commerce_notify::log_failure;
use super::orders::OrderFilter;
use super::returns::{returnable, returnable_units};
use super::{Actor, App};
use crate::error::DomainResult;
use shoptalk_types::Content;
use shoptalk_types::commerce::{NewReturn, Order};
use shoptalk_types::content::limits::{
    LIST_ROW_DESCRIPTION_MAX_CHARS, LIST_ROW_TITLE_MAX_CHARS, LIST_ROWS_MAX,
};
use shoptalk_types::content::{Action, ListRow, ListSection, Money};
use shoptalk_types::ids::*;
use std::collections::BTreeMap;

const PREFIX: &str = "return:";
/// Orders looked at for returnable ones.
const RECENT_ORDERS: u32 = 30;

/// Why items come back: (code in payloads, label on the button).
const REASONS: &[(&str, &str)] = &[
    ("damaged", "Arrived damaged"),
    ("wrong_item", "Wrong item"),
    ("doesnt_fit", "Doesn't fit"),
    ("not_as_described", "Not as described"),
    ("changed_mind", "Changed my mind"),
];

/// One step of the conversation, as a button's payload names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Start,
    Order(OrderId),
    Line(OrderId, String),
    Reason(OrderId, String, String),
}

impl Step {
    fn parse(payload: &str) -> Option<Self> {
        let rest = payload.strip_prefix(PREFIX)?;
        if rest == "start" {
            return Some(Self::Start);
        }
        let (kind, rest) = rest.split_once(':')?;
        match kind {
            "order" => Some(Self::Order(rest.parse().ok()?)),
            "line" => {
                let (order, line) = rest.split_once(':')?;
                (!line.is_empty())
                    .then(|| Some(Self::Line(order.parse().ok()?, line.to_owned())))?
            }
            "reason" => {
                let (order, rest) = rest.split_once(':')?;
                let (line, code) = rest.rsplit_once(':')?;
                let usable = !line.is_empty() && !code.is_empty();
                usable.then(|| {
                    Some(Self::Reason(
                        order.parse().ok()?,
                        line.to_owned(),
                        code.to_owned(),
                    ))
                })?
            }
            _ => None,
        }
    }

    fn payload(&self) -> String {
        match self {
            Self::Start => format!("{PREFIX}start"),
            Self::Order(o) => format!("{PREFIX}order:{o}"),
            Self::Line(o, l) => format!("{PREFIX}line:{o}:{l}"),
            Self::Reason(o, l, c) => format!("{PREFIX}reason:{o}:{l}:{c}"),
        }
    }
}

/// The shop's answer to a contact's press, started once the press has committed.
pub(super) struct Followup {
    app: App,
    actor: Actor,
    conversation: ConversationId,
    step: Step,
}

impl Followup {
    /// Answers in the background: the contact's send is acknowledged without waiting.
    pub(super) fn start(self) {
        tokio::spawn(async move {
            let Some(answer) = self
                .app
                .answer(&self.actor, self.conversation, self.step)
                .await
            else {
                return;
            };
            let posted = self
                .app
                .post_system_message(self.actor.workspace_id(), self.conversation, answer, false)
                .await;
            log_failure("answering a return in chat", posted);
        });
    }
}

impl App {
    /// The follow-up a contact's message calls for: a return step for a `return:` postback.
    pub(super) fn postback_followup(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        content: &Content,
    ) -> Option<Followup> {
        let Content::Postback {
            payload: Some(payload),
            ..
        } = content
        else {
            return None;
        };
        if actor.is_staff() {
            return None;
        }
        Some(Followup {
            app: self.clone(),
            actor: *actor,
            conversation,
            step: Step::parse(payload)?,
        })
    }

    /// What the shop says to a step (`None`: the new return's confirmation says it);
    /// anything that does not fit (another's order, a line already returned) gets a plain
    /// apology.
    async fn answer(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        step: Step,
    ) -> Option<Content> {
        let answer = match step {
            Step::Start => self.choose_order(actor).await,
            Step::Order(order) => self.choose_line(actor, order).await,
            Step::Line(order, line) => self.choose_reason(actor, order, &line).await,
            Step::Reason(order, line, code) => {
                let started = self
                    .start_return(actor, conversation, order, &line, &code)
                    .await;
                match started {
                    Ok(()) => return None,
                    Err(e) => Err(e),
                }
            }
        };
        Some(answer.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "return step refused");
            sorry()
        }))
    }

    async fn choose_order(&self, actor: &Actor) -> DomainResult<Content> {
        let filter = OrderFilter {
            limit: Some(RECENT_ORDERS),
            ..OrderFilter::default()
        };
        let orders = self.list_orders(actor, &filter).await?.items;
        let rows: Vec<ListRow> = (orders.iter().filter(|o| returnable(o)))
            .take(LIST_ROWS_MAX)
            .map(|o| ListRow {
                id: Step::Order(o.id).payload(),
                title: clip(&format!("Order #{}", o.number), LIST_ROW_TITLE_MAX_CHARS),
                description: Some(clip(
                    &format!(
                        "{} · {}",
                        status_words(o.status),
                        Money::new(o.total_minor, &o.currency)
                    ),
                    LIST_ROW_DESCRIPTION_MAX_CHARS,
                )),
            })
            .collect();
        if rows.is_empty() {
            return Ok(Content::text(
                "You have no shipped orders to return. An agent will be glad to help otherwise.",
            ));
        }
        Ok(list(
            "Which order would you like to return?",
            "Choose order",
            rows,
        ))
    }

    /// The order, if the contact may return from it, with the units of each line left.
    async fn returnable_order(
        &self,
        actor: &Actor,
        order: OrderId,
    ) -> DomainResult<(Order, BTreeMap<String, u32>)> {
        let order = self.get_order(actor, order).await?;
        if !returnable(&order) {
            return Err(crate::DomainError::Conflict("not returnable".into()));
        }
        let returns = self
            .store
            .returns_of_order(actor.workspace_id(), order.id)
            .await?;
        let left = returnable_units(&order, &returns);
        Ok((order, left))
    }

    async fn choose_line(&self, actor: &Actor, order: OrderId) -> DomainResult<Content> {
        let (order, left) = self.returnable_order(actor, order).await?;
        let rows: Vec<ListRow> = (order.lines.iter())
            .filter(|l| left.get(&l.id).is_some_and(|units| *units > 0))
            .take(LIST_ROWS_MAX)
            .map(|l| ListRow {
                id: Step::Line(order.id, l.id.clone()).payload(),
                title: clip(&l.title, LIST_ROW_TITLE_MAX_CHARS),
                description: Some(clip(
                    &format!(
                        "{} × {}",
                        left[&l.id],
                        Money::new(l.unit_price_minor, &order.currency)
                    ),
                    LIST_ROW_DESCRIPTION_MAX_CHARS,
                )),
            })
            .collect();
        if rows.is_empty() {
            return Ok(Content::text(format!(
                "Everything from order #{} is already being returned.",
                order.number
            )));
        }
        Ok(list(
            "Which item would you like to return?",
            "Choose item",
            rows,
        ))
    }

    async fn choose_reason(
        &self,
        actor: &Actor,
        order: OrderId,
        line: &str,
    ) -> DomainResult<Content> {
        let (order, left) = self.returnable_order(actor, order).await?;
        let item = (order.lines.iter())
            .find(|l| l.id == line && left.get(line).is_some_and(|u| *u > 0))
            .ok_or(crate::DomainError::NotFound("line"))?;
        let quick_replies = REASONS
            .iter()
            .map(|(code, label)| Action::Reply {
                text: (*label).to_owned(),
                payload: Some(
                    Step::Reason(order.id, line.to_owned(), (*code).to_owned()).payload(),
                ),
            })
            .collect();
        Ok(Content::Text {
            text: format!("Why are you returning {}?", item.title),
            quick_replies: Some(quick_replies),
        })
    }

    /// Creates the return of every unit of the line not yet returned.
    async fn start_return(
        &self,
        actor: &Actor,
        conversation: ConversationId,
        order: OrderId,
        line: &str,
        code: &str,
    ) -> DomainResult<()> {
        let (_, label) = (REASONS.iter().find(|(c, _)| *c == code))
            .ok_or(crate::DomainError::NotFound("reason"))?;
        let (order, left) = self.returnable_order(actor, order).await?;
        let units = left.get(line).copied().unwrap_or(0);
        let new = NewReturn {
            order_id: order.id,
            lines: BTreeMap::from([(line.to_owned(), units)]),
            reason: (*label).to_owned(),
            photos: Vec::new(),
        };
        self.create_return_in(actor, &new, Some(conversation))
            .await?;
        Ok(())
    }
}

fn list(body: &str, button: &str, rows: Vec<ListRow>) -> Content {
    Content::List {
        title: None,
        body: body.to_owned(),
        button: button.to_owned(),
        sections: vec![ListSection { title: None, rows }],
    }
}

fn sorry() -> Content {
    Content::text("Sorry, I couldn't do that. An agent will be glad to help with your return.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn steps_round_trip_through_payloads() {
        let order = OrderId::new();
        for step in [
            Step::Start,
            Step::Order(order),
            Step::Line(order, "2".into()),
            Step::Line(order, "gid:shopify:7".into()),
            Step::Reason(order, "1".into(), "damaged".into()),
            Step::Reason(order, "a:b".into(), "changed_mind".into()),
        ] {
            assert_eq!(Step::parse(&step.payload()), Some(step.clone()), "{step:?}");
        }
        for bad in [
            "",
            "return:",
            "return:stop",
            "return:order:not-an-id",
            &format!("return:line:{order}"),
            &format!("return:line:{order}:"),
            &format!("return:reason:{order}:1"),
            &format!("return:reason:{order}::x"),
            "add:p1",
        ] {
            assert_eq!(Step::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn reason_buttons_fit_quick_replies() {
        for (code, label) in REASONS {
            assert!(label.chars().count() <= 20, "{label}");
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }

    proptest! {
        #[test]
        fn any_payload_parses_or_is_ignored(payload in "(return:)?(start|order|line|reason)?:?\\PC{0,80}") {
            if let Some(step) = Step::parse(&payload) {
                prop_assert_eq!(Step::parse(&step.payload()), Some(step));
            }
        }
    }
}
