//! Ingestion from a connected Shopify store: the store is the system of record for its own
//! customers, orders, carts and products, and Shoptalk keeps a copy agents and automations
//! can use in conversations.
//!
//! `shoptalk-integrations` verifies and decodes each delivery into a [`ShopEvent`] (how
//! Shopify's fields map to ours is documented there); this module applies it to the
//! workspace: who the customer is, how an incoming order merges with the copy we hold, when
//! the customer hears about it. Each delivery id is applied once.

use super::cart_rules::{new_cart, subtotal};
use super::carts::cart_updated;
use super::commerce_notify::log_failure;
use super::contacts::validate_contact;
use super::orders::order_event;
use super::products::{DESCRIPTION_MAX, IMAGES_MAX, TAGS_MAX, VARIANTS_MAX, validate};
use super::versioned::until_stored;
use super::{App, now_ms};
use crate::StoreError;
use crate::error::DomainResult;
use jiff::Timestamp;
use shoptalk_types::commerce::{
    Cart, CartItem, CartStatus, Fulfilment, Order, OrderLine, OrderStatus, Refund, ShopifySettings,
    TimelineEntry,
};
use shoptalk_types::ids::*;
use shoptalk_types::model::{NewContact, Product, Variant};

/// How deliveries are recorded as processed, and who timelines say acted.
pub const SHOPIFY: &str = "shopify";

/// Something the shop's system reports, decoded from its own format.
#[derive(Debug, Clone, PartialEq)]
pub enum ShopEvent {
    /// A customer was created or changed (`external_id` is always set).
    Customer(NewContact),
    Order(Box<ShopOrder>),
    Fulfilment(ShopFulfilment),
    Cart(ShopCart),
    Product(ShopProduct),
}

/// An order as the shop holds it. Money is in minor units of `currency`.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopOrder {
    pub external_id: String,
    pub number: String,
    /// Who placed it; `None` when the shop knows no customer (then the order is not kept).
    pub customer: Option<NewContact>,
    pub currency: String,
    pub lines: Vec<ShopLine<OrderLine>>,
    pub subtotal_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
    pub status: OrderStatus,
    pub fulfilments: Vec<Fulfilment>,
    /// Every refund the shop made; they replace the refunds of our copy.
    pub refunds: Vec<Refund>,
    pub status_url: Option<String>,
    /// External ids of the cart or checkout the order came from.
    pub cart_external_ids: Vec<String>,
    pub placed_at: Timestamp,
}

/// A line whose product the shop names by its own id; it becomes our catalog product with
/// that `external_id` when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopLine<L> {
    pub line: L,
    pub product_external_id: Option<String>,
}

/// A fulfilment of an order the shop holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopFulfilment {
    pub order_external_id: String,
    pub fulfilment: Fulfilment,
    /// Where the fulfilment takes the order: only forward along the way of the goods, never
    /// out of cancelled or refunded. `None` leaves the status.
    pub status: Option<OrderStatus>,
}

/// A cart or checkout of the shop's storefront.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopCart {
    /// The ids the shop knows the cart by, most specific first; a new cart takes the first.
    pub external_ids: Vec<String>,
    pub customer: Option<NewContact>,
    pub currency: String,
    pub items: Vec<ShopLine<CartItem>>,
    pub checkout_url: Option<String>,
}

/// A product of the shop's catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopProduct {
    pub external_id: String,
    pub title: String,
    pub description: Option<String>,
    pub url: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub images: Vec<String>,
    pub currency: String,
    pub variants: Vec<Variant>,
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    Contact(ContactId),
    Order(OrderId),
    Cart(CartId),
    Product(ProductId),
    /// Nothing to keep, and why.
    Ignored(&'static str),
    /// This delivery id was applied before.
    Duplicate,
}

impl App {
    /// The workspace that connected this shop (`example.myshopify.com`, any case) and its
    /// Shopify settings, secrets included.
    pub async fn shopify_connection(
        &self,
        shop_domain: &str,
    ) -> DomainResult<Option<(WorkspaceId, ShopifySettings)>> {
        let domain = shop_domain.trim().to_ascii_lowercase();
        let Some(ws) = self.store.workspace_by_shop_domain(&domain).await? else {
            return Ok(None);
        };
        let settings = self.store.integrations(ws).await?.shopify;
        Ok(settings
            .filter(|s| s.shop_domain.eq_ignore_ascii_case(&domain))
            .map(|s| (ws, s)))
    }

    /// Applies one verified Shopify delivery, once per `delivery_id`: a replay answers
    /// [`Ingested::Duplicate`] and changes nothing. A delivery that fails is not recorded, so
    /// Shopify's retry applies it again.
    pub async fn ingest_shopify(
        &self,
        ws: WorkspaceId,
        delivery_id: &str,
        event: ShopEvent,
    ) -> DomainResult<Ingested> {
        if self.store.inbound_seen(ws, SHOPIFY, delivery_id).await? {
            return Ok(Ingested::Duplicate);
        }
        let outcome = match event {
            ShopEvent::Customer(customer) => match self.shop_contact(ws, Some(&customer)).await? {
                Some(id) => Ingested::Contact(id),
                None => Ingested::Ignored("the customer has no id or email"),
            },
            ShopEvent::Order(order) => self.ingest_order(ws, *order).await?,
            ShopEvent::Fulfilment(f) => self.ingest_fulfilment(ws, f).await?,
            ShopEvent::Cart(cart) => self.ingest_cart(ws, cart).await?,
            ShopEvent::Product(product) => self.ingest_product(ws, product).await?,
        };
        self.store.mark_inbound(ws, SHOPIFY, delivery_id).await?;
        Ok(outcome)
    }

    /// Creates or updates the customer's contact (by external id, else email); `None` when
    /// nothing identifies them. Fields our rules refuse (a phone that is not E.164, say) are
    /// left out rather than failing the delivery: the shop's data is not ours to reject.
    async fn shop_contact(
        &self,
        ws: WorkspaceId,
        customer: Option<&NewContact>,
    ) -> DomainResult<Option<ContactId>> {
        let Some(customer) = customer.map(lenient_contact) else {
            return Ok(None);
        };
        if customer.external_id.is_none() && customer.email.is_none() {
            return Ok(None);
        }
        let (contact, _) = self.store.upsert_contact(ws, &customer).await?;
        Ok(Some(contact.id))
    }

    /// Our catalog product of each line, by the shop's product id.
    async fn with_products<L>(
        &self,
        ws: WorkspaceId,
        lines: Vec<ShopLine<L>>,
        mut set: impl FnMut(&mut L, ProductId),
    ) -> DomainResult<Vec<L>> {
        let mut out = Vec::with_capacity(lines.len());
        for ShopLine {
            mut line,
            product_external_id,
        } in lines
        {
            if let Some(external_id) = product_external_id
                && let Some(product) = self.store.product_by_external_id(ws, &external_id).await?
            {
                set(&mut line, product.id);
            }
            out.push(line);
        }
        Ok(out)
    }

    async fn ingest_order(
        &self,
        ws: WorkspaceId,
        mut incoming: ShopOrder,
    ) -> DomainResult<Ingested> {
        let Some(contact) = self.shop_contact(ws, incoming.customer.as_ref()).await? else {
            return Ok(Ingested::Ignored("the order names no customer"));
        };
        let lines = std::mem::take(&mut incoming.lines);
        let lines = (self.with_products(ws, lines, |l, id| l.product_id = Some(id))).await?;
        let cart = self
            .find_shop_cart(ws, &incoming.cart_external_ids)
            .await?
            .filter(|c| c.contact_id == contact && c.status != CartStatus::Converted);
        let ours = OrderRefs {
            workspace: ws,
            contact,
            cart: cart.as_ref().map(|c| c.id),
        };
        let (order, before) = until_stored("order", async || {
            let before = (self.store)
                .order_by_external_id(ws, &incoming.external_id)
                .await?;
            let order = merge_order(before.as_ref(), &incoming, &ours, &lines, now_ms());
            if before.as_ref() == Some(&order) {
                return Ok(Some((order, before)));
            }
            let kind = if before.is_some() {
                "order.updated"
            } else {
                "order.created"
            };
            let stored = (self.store)
                .put_order(&order, &[order_event(kind, &order)])
                .await?;
            Ok(stored.then_some((order, before)))
        })
        .await?;
        if let Some(cart) = cart.filter(|c| order.cart_id == Some(c.id)) {
            log_failure(
                "converting the cart",
                self.convert_cart(&cart, order.id).await,
            );
        }
        self.tell_new_tracking(ws, before.as_ref(), &order).await;
        Ok(Ingested::Order(order.id))
    }

    async fn ingest_fulfilment(
        &self,
        ws: WorkspaceId,
        incoming: ShopFulfilment,
    ) -> DomainResult<Ingested> {
        let outcome = until_stored("order", async || {
            let Some(before) = (self.store)
                .order_by_external_id(ws, &incoming.order_external_id)
                .await?
            else {
                return Ok(Some(None));
            };
            let mut order = before.clone();
            merge_fulfilments(&mut order, std::slice::from_ref(&incoming.fulfilment));
            if let Some(status) = incoming.status {
                order.status = advanced(order.status, status);
            }
            record_changes(&mut order, &before, now_ms());
            if order == before {
                return Ok(Some(Some((order, before))));
            }
            order.version += 1;
            order.updated_at = now_ms();
            let stored = (self.store)
                .put_order(&order, &[order_event("order.updated", &order)])
                .await?;
            Ok(stored.then_some(Some((order, before))))
        })
        .await?;
        // Shopify also sends the fulfilment inside `orders/updated`, which creates the order
        // when this delivery came first.
        let Some((order, before)) = outcome else {
            return Ok(Ingested::Ignored("the fulfilment's order is not known yet"));
        };
        self.tell_new_tracking(ws, Some(&before), &order).await;
        Ok(Ingested::Order(order.id))
    }

    /// Sends the order card when a fulfilment gained tracking the customer has not seen.
    async fn tell_new_tracking(&self, ws: WorkspaceId, before: Option<&Order>, after: &Order) {
        if new_tracking(before, after) {
            let card = self.order_card(after);
            log_failure(
                "telling the customer about tracking",
                self.notify_contact(ws, after.contact_id, card).await,
            );
        }
    }

    /// The cart the shop knows by any of `external_ids` (the first match, in order).
    async fn find_shop_cart(
        &self,
        ws: WorkspaceId,
        external_ids: &[String],
    ) -> DomainResult<Option<Cart>> {
        for id in external_ids {
            if let Some(cart) = self.store.cart_by_external_id(ws, id).await? {
                return Ok(Some(cart));
            }
        }
        Ok(None)
    }

    async fn ingest_cart(&self, ws: WorkspaceId, mut incoming: ShopCart) -> DomainResult<Ingested> {
        let items = std::mem::take(&mut incoming.items);
        let items = (self.with_products(ws, items, |i, id| i.product_id = Some(id))).await?;
        let contact = self.shop_contact(ws, incoming.customer.as_ref()).await?;
        let outcome = until_stored("cart", async || {
            let mut cart = match self.find_shop_cart(ws, &incoming.external_ids).await? {
                Some(cart) if cart.status == CartStatus::Converted => {
                    return Ok(Some(Ingested::Ignored("the cart already became an order")));
                }
                Some(cart) => cart,
                None => {
                    // A storefront cart carries no customer: it is kept once a checkout (or
                    // the shop's own code, through `external_id`) says whose it is.
                    let Some(contact) = contact else {
                        return Ok(Some(Ingested::Ignored("the cart names no customer")));
                    };
                    let mut cart = new_cart(ws, contact, &incoming.currency, now_ms());
                    cart.external_id = incoming.external_ids.first().cloned();
                    cart
                }
            };
            let before = cart.clone();
            cart.items = items.clone();
            cart.subtotal_minor = subtotal(&cart.items);
            cart.currency = incoming.currency.clone();
            if incoming.checkout_url.is_some() {
                cart.checkout_url = incoming.checkout_url.clone();
            }
            if cart.version > 0 && cart == before {
                return Ok(Some(Ingested::Cart(cart.id)));
            }
            // The customer touched it: it is active again until it idles once more.
            cart.status = CartStatus::Active;
            cart.version += 1;
            cart.updated_at = now_ms();
            match self.store.put_cart(&cart, &[cart_updated(&cart)]).await {
                Ok(stored) => Ok(stored.then_some(Ingested::Cart(cart.id))),
                // Another delivery created it meanwhile: the next attempt finds it.
                Err(StoreError::Duplicate("cart_external_id")) => Ok(None),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        Ok(outcome)
    }

    async fn ingest_product(
        &self,
        ws: WorkspaceId,
        incoming: ShopProduct,
    ) -> DomainResult<Ingested> {
        until_stored("product", async || {
            let existing = (self.store)
                .product_by_external_id(ws, &incoming.external_id)
                .await?;
            let product = catalog_product(ws, existing.as_ref(), incoming.clone());
            let product = validate(&product)?;
            // A concurrent delivery may create or delete it between the read and the write:
            // then read again.
            let written = match existing {
                Some(_) => self.store.replace_product(&product).await?,
                None => match self.store.insert_product(&product).await {
                    Ok(()) => true,
                    Err(StoreError::Duplicate("product_external_id")) => false,
                    Err(e) => return Err(e.into()),
                },
            };
            Ok(written.then_some(Ingested::Product(product.id)))
        })
        .await
    }
}

/// Keeps the fields of a customer that our contact rules accept, one by one.
fn lenient_contact(c: &NewContact) -> NewContact {
    fn keep<T: Clone>(value: &Option<T>, probe: impl Fn(T) -> NewContact) -> Option<T> {
        let v = value.clone()?;
        validate_contact(&probe(v.clone())).ok().map(|_| v)
    }
    let kept = NewContact {
        external_id: keep(&c.external_id, |v| NewContact {
            external_id: Some(v),
            ..NewContact::default()
        }),
        name: keep(&c.name, |v| NewContact {
            name: Some(v),
            ..NewContact::default()
        }),
        email: keep(&c.email, |v| NewContact {
            email: Some(v),
            ..NewContact::default()
        }),
        phone: keep(&c.phone, |v| NewContact {
            phone: Some(v),
            ..NewContact::default()
        }),
        locale: keep(&c.locale, |v| NewContact {
            locale: Some(v),
            ..NewContact::default()
        }),
        ..NewContact::default()
    };
    // Each field passed alone, so together they pass too; this trims them as stored.
    validate_contact(&kept).unwrap_or_default()
}

/// How far an order has travelled; `None` for the ends that are about money, not goods.
fn progress(status: OrderStatus) -> Option<u8> {
    match status {
        OrderStatus::Placed => Some(0),
        OrderStatus::Paid => Some(1),
        OrderStatus::Fulfilled => Some(2),
        OrderStatus::Shipped => Some(3),
        OrderStatus::Delivered => Some(4),
        OrderStatus::Cancelled | OrderStatus::Refunded | OrderStatus::PartiallyRefunded => None,
    }
}

/// The shop's word on the status, except that goods never travel back: an order we know
/// is delivered (an agent marked it) stays delivered when the shop still says shipped.
fn next_status(current: OrderStatus, incoming: OrderStatus) -> OrderStatus {
    match (progress(current), progress(incoming)) {
        (Some(now), Some(next)) if next < now => current,
        _ => incoming,
    }
}

/// Where a fulfilment moves an order: forward along the way of the goods only, and never
/// out of cancelled or refunded (the shop's next order update says if that changed).
fn advanced(current: OrderStatus, to: OrderStatus) -> OrderStatus {
    match (progress(current), progress(to)) {
        (Some(now), Some(next)) if next > now => to,
        _ => current,
    }
}

/// The fulfilments of `order` with `incoming` in: same id replaced, new ones appended,
/// ours (made by staff in Shoptalk) kept.
fn merge_fulfilments(order: &mut Order, incoming: &[Fulfilment]) {
    for f in incoming {
        match order.fulfilments.iter_mut().find(|have| have.id == f.id) {
            Some(have) => *have = f.clone(),
            None => order.fulfilments.push(f.clone()),
        }
    }
}

fn has_tracking(f: &Fulfilment) -> bool {
    f.tracking_number.is_some() || f.tracking_url.is_some()
}

/// Whether a fulfilment of `after` has tracking that it had not in `before`.
fn new_tracking(before: Option<&Order>, after: &Order) -> bool {
    after
        .fulfilments
        .iter()
        .filter(|f| has_tracking(f))
        .any(|f| {
            let seen = before
                .and_then(|b| b.fulfilments.iter().find(|old| old.id == f.id))
                .is_some_and(|old| {
                    old.tracking_number == f.tracking_number && old.tracking_url == f.tracking_url
                });
            !seen
        })
}

fn entry(kind: &str, summary: String, at: Timestamp) -> TimelineEntry {
    TimelineEntry {
        kind: kind.to_owned(),
        summary,
        by: SHOPIFY.to_owned(),
        at,
    }
}

fn status_entry(status: OrderStatus, at: Timestamp) -> TimelineEntry {
    let (kind, summary) = match status {
        OrderStatus::Placed => ("placed", "Placed in the Shopify store"),
        OrderStatus::Paid => ("paid", "Paid"),
        OrderStatus::Fulfilled => ("fulfilled", "Fulfilled"),
        OrderStatus::Shipped => ("shipped", "Shipped"),
        OrderStatus::Delivered => ("delivered", "Delivered"),
        OrderStatus::Cancelled => ("cancelled", "Cancelled in Shopify"),
        OrderStatus::Refunded => ("refunded", "Refunded in Shopify"),
        OrderStatus::PartiallyRefunded => ("partially_refunded", "Partly refunded in Shopify"),
    };
    entry(kind, summary.to_owned(), at)
}

fn fulfilment_summary(f: &Fulfilment) -> String {
    let tracking = [f.carrier.as_deref(), f.tracking_number.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if tracking.is_empty() {
        "Fulfilment created".to_owned()
    } else {
        format!("Fulfilment created: {tracking}")
    }
}

/// Timeline entries for what changed between `before` and `order`: its status, and each
/// fulfilment that is new.
fn record_changes(order: &mut Order, before: &Order, at: Timestamp) {
    for f in &order.fulfilments {
        if !before.fulfilments.iter().any(|b| b.id == f.id) {
            let summary = fulfilment_summary(f);
            order
                .timeline
                .push(entry("fulfilment_created", summary, at));
        }
    }
    if order.status != before.status {
        order.timeline.push(status_entry(order.status, at));
    }
}

/// Who and what a shop order is tied to on our side.
struct OrderRefs {
    workspace: WorkspaceId,
    contact: ContactId,
    /// The cart it came from, when we hold it.
    cart: Option<CartId>,
}

/// Our copy of a shop's order: a new one, or `before` with the shop's current state merged
/// in. The shop's word wins on lines, money, refunds and its own fulfilments; what happened
/// in Shoptalk (timeline, fulfilments made here, a later delivery status) is kept. Unchanged
/// when the shop says nothing new.
fn merge_order(
    before: Option<&Order>,
    incoming: &ShopOrder,
    ours: &OrderRefs,
    lines: &[OrderLine],
    now: Timestamp,
) -> Order {
    let refunded: i64 = incoming.refunds.iter().map(|r| r.amount_minor).sum();
    let mut order = match before {
        Some(b) => b.clone(),
        None => Order {
            id: OrderId::new(),
            workspace_id: ours.workspace,
            contact_id: ours.contact,
            number: String::new(),
            external_id: Some(incoming.external_id.clone()),
            status: OrderStatus::Placed,
            currency: String::new(),
            lines: Vec::new(),
            subtotal_minor: 0,
            shipping_minor: 0,
            tax_minor: 0,
            discount_minor: 0,
            total_minor: 0,
            refunded_minor: 0,
            fulfilments: Vec::new(),
            refunds: Vec::new(),
            timeline: vec![status_entry(OrderStatus::Placed, incoming.placed_at)],
            cart_id: None,
            status_url: None,
            version: 0,
            created_at: now,
            updated_at: now,
        },
    };
    let previous = order.clone();
    order.contact_id = ours.contact;
    order.cart_id = order.cart_id.or(ours.cart);
    order.number = incoming.number.clone();
    order.currency = incoming.currency.clone();
    order.lines = lines.to_vec();
    order.subtotal_minor = incoming.subtotal_minor;
    order.shipping_minor = incoming.shipping_minor;
    order.tax_minor = incoming.tax_minor;
    order.discount_minor = incoming.discount_minor;
    order.total_minor = incoming.total_minor;
    order.refunds = incoming.refunds.clone();
    order.refunded_minor = refunded.clamp(0, incoming.total_minor.max(0));
    merge_fulfilments(&mut order, &incoming.fulfilments);
    order.status = next_status(order.status, incoming.status);
    if incoming.status_url.is_some() {
        order.status_url = incoming.status_url.clone();
    }
    record_changes(&mut order, &previous, now);
    if order != previous || before.is_none() {
        order.version += 1;
        order.updated_at = now;
    }
    order
}

/// Our catalog's copy of a shop product: `existing` keeps its id, creation time and
/// translations. Shopify allows more variants, images and tags than the catalog keeps: the
/// first ones are kept; a longer description is cut.
fn catalog_product(ws: WorkspaceId, existing: Option<&Product>, p: ShopProduct) -> Product {
    let now = now_ms();
    Product {
        id: existing.map_or_else(ProductId::new, |e| e.id),
        workspace_id: ws,
        external_id: Some(p.external_id),
        title: p.title,
        description: p
            .description
            .map(|d| d.chars().take(DESCRIPTION_MAX).collect()),
        url: p.url,
        category: p.category,
        tags: p.tags.into_iter().take(TAGS_MAX).collect(),
        images: p.images.into_iter().take(IMAGES_MAX).collect(),
        currency: p.currency,
        localized: existing.map(|e| e.localized.clone()).unwrap_or_default(),
        variants: p.variants.into_iter().take(VARIANTS_MAX).collect(),
        created_at: existing.map_or(now, |e| e.created_at),
        updated_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    fn fulfilment(id: &str, tracking: Option<&str>) -> Fulfilment {
        Fulfilment {
            id: id.into(),
            status: "success".into(),
            carrier: tracking.map(|_| "UPS".into()),
            tracking_number: tracking.map(Into::into),
            tracking_url: None,
            lines: BTreeMap::new(),
            created_at: at(10),
        }
    }

    fn refs() -> OrderRefs {
        OrderRefs {
            workspace: WorkspaceId::new(),
            contact: ContactId::new(),
            cart: None,
        }
    }

    fn shop_order(status: OrderStatus) -> ShopOrder {
        ShopOrder {
            external_id: "shopify:1".into(),
            number: "1001".into(),
            customer: None,
            currency: "USD".into(),
            lines: vec![],
            subtotal_minor: 1000,
            shipping_minor: 500,
            tax_minor: 100,
            discount_minor: 200,
            total_minor: 1400,
            status,
            fulfilments: vec![],
            refunds: vec![],
            status_url: Some("https://shop.example/s".into()),
            cart_external_ids: vec![],
            placed_at: at(1),
        }
    }

    #[test]
    fn a_new_order_is_placed_then_takes_the_shops_status() {
        let ours = refs();
        let order = merge_order(None, &shop_order(OrderStatus::Paid), &ours, &[], at(5));
        assert_eq!(order.version, 1);
        assert_eq!(
            (order.workspace_id, order.contact_id),
            (ours.workspace, ours.contact)
        );
        assert_eq!(order.status, OrderStatus::Paid);
        assert_eq!(order.total_minor, 1400);
        assert_eq!(order.external_id.as_deref(), Some("shopify:1"));
        let kinds: Vec<_> = order.timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["placed", "paid"]);
        assert_eq!(order.timeline[0].at, at(1));
        assert!(order.timeline.iter().all(|e| e.by == "shopify"));
    }

    #[test]
    fn a_repeated_order_changes_nothing() {
        let ours = refs();
        let incoming = shop_order(OrderStatus::Paid);
        let first = merge_order(None, &incoming, &ours, &[], at(5));
        let again = merge_order(Some(&first), &incoming, &ours, &[], at(9));
        assert_eq!(again, first);
    }

    #[test]
    fn goods_never_travel_back_but_money_states_win() {
        assert_eq!(
            next_status(OrderStatus::Delivered, OrderStatus::Shipped),
            OrderStatus::Delivered
        );
        assert_eq!(
            next_status(OrderStatus::Paid, OrderStatus::Shipped),
            OrderStatus::Shipped
        );
        assert_eq!(
            next_status(OrderStatus::Delivered, OrderStatus::Refunded),
            OrderStatus::Refunded
        );
        assert_eq!(
            next_status(OrderStatus::Cancelled, OrderStatus::Paid),
            OrderStatus::Paid
        );
    }

    #[test]
    fn fulfilments_only_move_goods_forward() {
        use OrderStatus::*;
        assert_eq!(advanced(Paid, Shipped), Shipped);
        assert_eq!(advanced(Delivered, Shipped), Delivered);
        assert_eq!(advanced(Cancelled, Shipped), Cancelled);
        assert_eq!(advanced(Refunded, Delivered), Refunded);
        assert_eq!(advanced(Shipped, Cancelled), Shipped);
    }

    #[test]
    fn refunds_come_from_the_shop_and_are_capped_at_the_total() {
        let mut incoming = shop_order(OrderStatus::Refunded);
        incoming.refunds = vec![Refund {
            id: "9".into(),
            amount_minor: 99_999,
            reason: None,
            lines: BTreeMap::new(),
            created_at: at(3),
        }];
        let order = merge_order(None, &incoming, &refs(), &[], at(5));
        assert_eq!(order.refunded_minor, 1400);
        assert_eq!(order.refunds.len(), 1);
    }

    #[test]
    fn fulfilments_merge_by_id_and_keep_ours() {
        let ours = refs();
        let mut before = merge_order(None, &shop_order(OrderStatus::Paid), &ours, &[], at(5));
        before.fulfilments.push(fulfilment("local", None));
        let mut incoming = shop_order(OrderStatus::Shipped);
        incoming.fulfilments = vec![fulfilment("7", Some("1Z"))];
        let after = merge_order(Some(&before), &incoming, &ours, &[], at(6));
        let ids: Vec<_> = after.fulfilments.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["local", "7"]);
        assert_eq!(after.version, before.version + 1);
        let kinds: Vec<_> = after.timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["placed", "paid", "fulfilment_created", "shipped"]);
        assert_eq!(after.timeline[2].summary, "Fulfilment created: UPS 1Z");
        assert!(new_tracking(Some(&before), &after));
        assert!(!new_tracking(Some(&after), &after));
    }

    #[test]
    fn tracking_is_new_when_it_appears_or_changes() {
        let ours = refs();
        let mut before = merge_order(None, &shop_order(OrderStatus::Paid), &ours, &[], at(5));
        before.fulfilments.push(fulfilment("7", None));
        let mut after = before.clone();
        assert!(!new_tracking(Some(&before), &after));
        after.fulfilments[0] = fulfilment("7", Some("1Z"));
        assert!(new_tracking(Some(&before), &after));
        let mut changed = after.clone();
        changed.fulfilments[0].tracking_number = Some("2Z".into());
        assert!(new_tracking(Some(&after), &changed));
        assert!(new_tracking(None, &after));
    }

    #[test]
    fn contacts_keep_only_the_fields_our_rules_accept() {
        let c = lenient_contact(&NewContact {
            external_id: Some("shopify:1".into()),
            name: Some("  Ann Lee ".into()),
            email: Some("not an email".into()),
            phone: Some("555-555-SHIP".into()),
            locale: Some("en".into()),
            ..NewContact::default()
        });
        assert_eq!(c.external_id.as_deref(), Some("shopify:1"));
        assert_eq!(c.name.as_deref(), Some("Ann Lee"));
        assert_eq!(c.email, None);
        assert_eq!(c.phone, None);
        assert_eq!(c.locale.as_deref(), Some("en"));
    }

    #[test]
    fn products_fit_the_catalog() {
        let variant = |i: usize| Variant {
            id: i.to_string(),
            sku: None,
            title: format!("V{i}"),
            options: BTreeMap::new(),
            price_minor: 100,
            compare_at_minor: None,
            inventory: Some(1),
            image_url: None,
        };
        let p = ShopProduct {
            external_id: "shopify:5".into(),
            title: "Shirt".into(),
            description: Some("x".repeat(DESCRIPTION_MAX + 10)),
            url: None,
            category: None,
            tags: (0..60).map(|i| format!("t{i}")).collect(),
            images: (0..30)
                .map(|i| format!("https://cdn.example/{i}.png"))
                .collect(),
            currency: "EUR".into(),
            variants: (0..150).map(variant).collect(),
        };
        let ws = WorkspaceId::new();
        let product = validate(&catalog_product(ws, None, p)).unwrap();
        assert_eq!(product.variants.len(), VARIANTS_MAX);
        assert_eq!(product.images.len(), IMAGES_MAX);
        assert_eq!(product.tags.len(), TAGS_MAX);
        assert_eq!(
            product.description.unwrap().chars().count(),
            DESCRIPTION_MAX
        );
        assert_eq!(product.currency, "EUR");
    }
}
