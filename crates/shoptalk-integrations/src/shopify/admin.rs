//! Staff's order actions carried out in Shopify through its Admin REST API: the handler of
//! `shopify.order_action` jobs, which are queued for orders that came from Shopify.
//!
//! - A refund asks Shopify to calculate it first (`POST /orders/{id}/refunds/calculate.json`),
//!   which names the payment transactions to refund against, then creates it
//!   (`POST /orders/{id}/refunds.json`) with `refund_line_items` (not restocked: a refund in
//!   chat is not a return) and `transactions` of kind `refund`. The amount is the one staff
//!   gave, spread over the suggested transactions, or with no amount and no lines everything
//!   Shopify can still refund. The refund's note carries the job's id, and the refunds of the
//!   order are looked at first: a job run twice (the queue runs jobs at least once) refunds
//!   once.
//! - A cancellation is `POST /orders/{id}/cancel.json` with Shopify's reason (`customer`,
//!   `inventory`, `fraud`, `declined`, else `other`) and whether Shopify emails the customer;
//!   an order Shopify already cancelled is left alone.
//! - Resending tracking, marking paid, fulfilling and marking delivered happen in Shoptalk
//!   only, as does everything about orders made in Shoptalk: nothing is called.
//!
//! Shopify answering 429 or 5xx, or not answering, is retried; any other 4xx ends the job
//! with Shopify's reason. Calls go through the egress guard like every outbound call.

use super::ids::ShopifyId;
use super::money::{Amount, to_decimal};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shoptalk_core::store::{Job, Store};
use shoptalk_jobs::egress::{self, EgressPolicy};
use shoptalk_jobs::{JobFailure, JobHandler};
use shoptalk_types::commerce::{Order, OrderAction, ShopifySettings};
use shoptalk_types::ids::{OrderId, WorkspaceId};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The job kind this handler runs.
pub const JOB_KIND: &str = "shopify.order_action";
/// The Admin API version called when the settings name no base.
pub const API_VERSION: &str = "2025-04";
/// Largest answer read: a page of an order's refunds is far smaller.
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// Characters of Shopify's error answer kept in the job's error.
const ERROR_SNIPPET_CHARS: usize = 300;
/// Shopify's cancellation reasons; anything else is `other`.
const CANCEL_REASONS: [&str; 5] = ["customer", "inventory", "fraud", "declined", "other"];

/// The payload of a `shopify.order_action` job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderActionJob {
    pub workspace_id: WorkspaceId,
    pub order_id: OrderId,
    pub action: OrderAction,
}

/// Runs `shopify.order_action` jobs; register it as the handler of [`JOB_KIND`].
pub struct ShopifyOrderActions {
    store: Arc<dyn Store>,
    client: reqwest::Client,
    policy: EgressPolicy,
}

impl ShopifyOrderActions {
    /// A handler with the guarded [`egress::client`] for `policy`.
    pub fn new(store: Arc<dyn Store>, policy: EgressPolicy) -> Self {
        Self {
            store,
            client: egress::client(policy),
            policy,
        }
    }
}

#[async_trait]
impl JobHandler for ShopifyOrderActions {
    async fn run(&self, job: &Job) -> Result<(), JobFailure> {
        let payload: OrderActionJob = serde_json::from_value(job.payload.clone())
            .map_err(|e| JobFailure::permanent(format!("invalid {JOB_KIND} payload: {e}")))?;
        if !matches!(
            payload.action,
            OrderAction::Refund { .. } | OrderAction::Cancel { .. }
        ) {
            return Ok(());
        }
        let ws = payload.workspace_id;
        let stored = |e: shoptalk_core::StoreError| JobFailure::retryable(format!("storage: {e}"));
        let settings = (self.store.integrations(ws).await.map_err(stored)?.shopify)
            .ok_or_else(|| JobFailure::permanent("Shopify is not connected"))?;
        let order = (self
            .store
            .order(ws, payload.order_id)
            .await
            .map_err(stored)?)
        .ok_or_else(|| JobFailure::permanent(format!("order {} not found", payload.order_id)))?;
        // An order made in Shoptalk has nothing to carry out in Shopify.
        let Some(shopify_id) = (order.external_id.as_deref())
            .and_then(|e| e.strip_prefix("shopify:"))
            .and_then(|id| id.parse::<u64>().ok())
        else {
            return Ok(());
        };
        let api = AdminApi::new(self, &settings)?;
        let job_ref = format!("[shoptalk job {}]", job.id);
        match payload.action {
            OrderAction::Refund {
                amount_minor,
                reason,
                lines,
                notify,
            } => {
                let refund = RefundRequest {
                    order: &order,
                    shopify_id,
                    amount_minor,
                    note: note(reason.as_deref(), &job_ref),
                    job_ref: &job_ref,
                    lines: &lines,
                    notify,
                };
                api.refund(&refund).await
            }
            OrderAction::Cancel { reason, notify } => {
                api.cancel(shopify_id, reason.as_deref(), notify).await
            }
            _ => Ok(()),
        }
    }
}

/// The refund's note: the reason staff gave, and the job it came from.
fn note(reason: Option<&str>, job_ref: &str) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!("{r} {job_ref}"),
        None => job_ref.to_owned(),
    }
}

/// Shopify's word for why an order is cancelled.
fn cancel_reason(reason: Option<&str>) -> &'static str {
    let given = reason.unwrap_or("").trim().to_ascii_lowercase();
    CANCEL_REASONS
        .into_iter()
        .find(|r| *r == given)
        .unwrap_or("other")
}

struct RefundRequest<'a> {
    order: &'a Order,
    shopify_id: u64,
    amount_minor: Option<i64>,
    note: String,
    job_ref: &'a str,
    lines: &'a BTreeMap<String, u32>,
    notify: bool,
}

/// A transaction Shopify suggests refunding against.
#[derive(Debug, Deserialize)]
struct Suggested {
    parent_id: ShopifyId,
    gateway: String,
    amount: Amount,
    maximum_refundable: Option<Amount>,
}

#[derive(Debug, Deserialize)]
struct Calculated {
    #[serde(default)]
    transactions: Vec<Suggested>,
}

#[derive(Debug, Deserialize)]
struct CalculateAnswer {
    refund: Calculated,
}

#[derive(Debug, Deserialize)]
struct PastRefund {
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RefundsAnswer {
    #[serde(default)]
    refunds: Vec<PastRefund>,
}

#[derive(Debug, Deserialize)]
struct OrderState {
    cancelled_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OrderAnswer {
    order: OrderState,
}

/// Amounts to refund against each suggested transaction, in minor units: `wanted` spread in
/// order, each capped at what it can still refund; `None` takes each one's maximum (or the
/// suggested amount when Shopify gives no maximum). Refuses more than can be refunded.
fn spread(
    suggested: &[(i64, Option<i64>)],
    wanted: Option<i64>,
    lines_given: bool,
) -> Result<Vec<i64>, String> {
    let cap = |(amount, max): (i64, Option<i64>)| max.unwrap_or(amount).max(0);
    match wanted {
        None if lines_given => Ok(suggested.iter().map(|(a, _)| (*a).max(0)).collect()),
        None => Ok(suggested.iter().copied().map(cap).collect()),
        Some(wanted) => {
            let mut left = wanted;
            let out: Vec<i64> = (suggested.iter().copied())
                .map(|s| {
                    let take = left.min(cap(s));
                    left -= take;
                    take
                })
                .collect();
            if left > 0 {
                Err("the amount is more than Shopify can refund on this order".to_owned())
            } else {
                Ok(out)
            }
        }
    }
}

/// Calls of one shop's Admin API.
struct AdminApi<'a> {
    client: &'a reqwest::Client,
    policy: EgressPolicy,
    base: String,
    token: String,
}

impl<'a> AdminApi<'a> {
    fn new(handler: &'a ShopifyOrderActions, s: &ShopifySettings) -> Result<Self, JobFailure> {
        let token = (s.admin_access_token.clone())
            .ok_or_else(|| JobFailure::permanent("no Shopify Admin API access token is set"))?;
        let base = match &s.admin_api_base {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => format!("https://{}/admin/api/{API_VERSION}", s.shop_domain),
        };
        Ok(Self {
            client: &handler.client,
            policy: handler.policy,
            base,
            token,
        })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, JobFailure> {
        let url = format!("{}{path}", self.base);
        // The resolver guards names; IP literals never reach it.
        let url = egress::check_url(&url, self.policy)
            .map_err(|e| JobFailure::permanent(format!("Shopify Admin API: {e}")))?;
        let mut request = (self.client.request(method, url))
            .header("X-Shopify-Access-Token", &self.token)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| match egress::egress_error(&e) {
                Some(refusal) if refusal.is_policy() => {
                    JobFailure::permanent(format!("Shopify Admin API: {refusal}"))
                }
                _ => JobFailure::retryable(format!("Shopify Admin API unreachable: {e}")),
            })?;
        let status = response.status();
        let body = read_capped(response).await?;
        let text = String::from_utf8_lossy(&body);
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                JobFailure::permanent(format!(
                    "Shopify answered {path} with an unexpected body: {e}"
                ))
            });
        }
        let snippet: String = (text.chars())
            .filter(|c| !c.is_control())
            .take(ERROR_SNIPPET_CHARS)
            .collect();
        let message = format!(
            "Shopify refused {path} (HTTP {}): {}",
            status.as_u16(),
            snippet.trim()
        );
        if status.as_u16() == 429 || status.is_server_error() {
            Err(JobFailure::retryable(message))
        } else {
            Err(JobFailure::permanent(message))
        }
    }

    async fn refund(&self, r: &RefundRequest<'_>) -> Result<(), JobFailure> {
        let id = r.shopify_id;
        let currency = &r.order.currency;
        let past: RefundsAnswer = answer(
            self.call(
                reqwest::Method::GET,
                &format!("/orders/{id}/refunds.json"),
                None,
            )
            .await?,
        )?;
        if past
            .refunds
            .iter()
            .any(|p| p.note.as_deref().is_some_and(|n| n.contains(r.job_ref)))
        {
            return Ok(());
        }
        let mut refund_lines = Vec::with_capacity(r.lines.len());
        for (line, quantity) in r.lines {
            let line_item_id: u64 = line.parse().map_err(|_| {
                JobFailure::permanent(format!("line {line:?} is not a Shopify line item"))
            })?;
            refund_lines.push(json!({
                "line_item_id": line_item_id,
                "quantity": quantity,
                "restock_type": "no_restock",
            }));
        }
        let calculate =
            json!({"refund": {"currency": currency, "refund_line_items": refund_lines}});
        let calculated: CalculateAnswer = answer(
            self.call(
                reqwest::Method::POST,
                &format!("/orders/{id}/refunds/calculate.json"),
                Some(calculate),
            )
            .await?,
        )?;
        let mut suggested = Vec::with_capacity(calculated.refund.transactions.len());
        for t in &calculated.refund.transactions {
            let minor = |a: &Amount| {
                a.minor(currency)
                    .map_err(|e| JobFailure::permanent(format!("Shopify's suggested refund: {e}")))
            };
            let max = t.maximum_refundable.as_ref().map(minor).transpose()?;
            suggested.push((minor(&t.amount)?, max));
        }
        let amounts = spread(&suggested, r.amount_minor, !r.lines.is_empty())
            .map_err(JobFailure::permanent)?;
        let mut transactions = Vec::new();
        for (t, amount) in calculated.refund.transactions.iter().zip(amounts) {
            if amount > 0 {
                // Decimal text, as Shopify writes amounts: no float between us and the money.
                let amount = to_decimal(amount, currency).map_err(JobFailure::permanent)?;
                transactions.push(json!({
                    "parent_id": t.parent_id.0,
                    "amount": amount,
                    "kind": "refund",
                    "gateway": t.gateway,
                }));
            }
        }
        if transactions.is_empty() && refund_lines.is_empty() {
            return Err(JobFailure::permanent(
                "Shopify has nothing left to refund on this order",
            ));
        }
        let create = json!({"refund": {
            "currency": currency,
            "notify": r.notify,
            "note": r.note,
            "refund_line_items": refund_lines,
            "transactions": transactions,
        }});
        self.call(
            reqwest::Method::POST,
            &format!("/orders/{id}/refunds.json"),
            Some(create),
        )
        .await
        .map(drop)
    }

    async fn cancel(&self, id: u64, reason: Option<&str>, notify: bool) -> Result<(), JobFailure> {
        let state: OrderAnswer = answer(
            self.call(
                reqwest::Method::GET,
                &format!("/orders/{id}.json?fields=id,cancelled_at"),
                None,
            )
            .await?,
        )?;
        if state.order.cancelled_at.is_some() {
            return Ok(());
        }
        let body = json!({"reason": cancel_reason(reason), "email": notify});
        self.call(
            reqwest::Method::POST,
            &format!("/orders/{id}/cancel.json"),
            Some(body),
        )
        .await
        .map(drop)
    }
}

/// The answer's body, refused past [`MAX_ANSWER_BYTES`]: the base URL is the shop's to set,
/// and what answers there is not trusted to stop.
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, JobFailure> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= MAX_ANSWER_BYTES => {
                body.extend_from_slice(&chunk);
            }
            Ok(Some(_)) => {
                return Err(JobFailure::permanent(format!(
                    "Shopify's answer is larger than {MAX_ANSWER_BYTES} bytes"
                )));
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(JobFailure::retryable(format!(
                    "reading Shopify's answer failed: {e}"
                )));
            }
        }
    }
}

fn answer<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, JobFailure> {
    serde_json::from_value(value)
        .map_err(|e| JobFailure::permanent(format!("Shopify's answer was not understood: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_spread_over_the_suggested_transactions() {
        let two = [(0, Some(3000)), (0, Some(2000))];
        assert_eq!(spread(&two, None, false), Ok(vec![3000, 2000]));
        assert_eq!(spread(&two, Some(4000), false), Ok(vec![3000, 1000]));
        assert_eq!(spread(&two, Some(1), false), Ok(vec![1, 0]));
        assert!(spread(&two, Some(5001), false).is_err());
        assert_eq!(spread(&[(1500, Some(5000))], None, true), Ok(vec![1500]));
        assert_eq!(spread(&[(1500, None)], Some(1000), true), Ok(vec![1000]));
        assert_eq!(spread(&[(1500, None)], None, false), Ok(vec![1500]));
        assert!(spread(&[], Some(1), false).is_err());
    }

    #[test]
    fn cancellation_reasons_are_shopifys() {
        assert_eq!(cancel_reason(Some(" Fraud ")), "fraud");
        assert_eq!(cancel_reason(Some("customer")), "customer");
        assert_eq!(cancel_reason(Some("changed their mind")), "other");
        assert_eq!(cancel_reason(None), "other");
    }

    #[test]
    fn notes_carry_the_reason_and_the_job() {
        assert_eq!(
            note(Some(" damaged "), "[shoptalk job 1]"),
            "damaged [shoptalk job 1]"
        );
        assert_eq!(note(Some(""), "[shoptalk job 1]"), "[shoptalk job 1]");
    }
}
