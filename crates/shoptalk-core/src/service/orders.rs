//! Orders: placed by the shop's backend (lines from the catalog or its own), or made from a
//! contact's cart; read by agents beside the conversation and by the contact who placed them.

use super::cart_rules;
use super::commerce_input::{amount, opt_text, opt_web_url};
use super::commerce_notify::actor_ref;
use super::order_rules::totals;
use super::shop::currency;
use super::{Actor, App, Capability, now_ms, page_limit, parse_cursor};
use crate::StoreError;
use crate::commerce_store::{Emit, OrderQuery};
use crate::error::{DomainError, DomainResult};
use shoptalk_types::commerce::*;
use shoptalk_types::content::limits::CART_QUANTITY_MAX;
use shoptalk_types::ids::*;
use shoptalk_types::model::Page;

const LINES_MAX: usize = 100;
const NUMBER_MAX: usize = 64;
const SHORT_MAX: usize = 255;
const ID_MAX: usize = 64;

/// Query parameters of `GET /api/v1/orders`, as the edge received them.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub contact_id: Option<ContactId>,
    pub status: Option<OrderStatus>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub(super) fn order_event(kind: &'static str, order: &Order) -> Emit {
    Emit {
        kind,
        data: serde_json::to_value(order).unwrap_or_default(),
    }
}

fn taken(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate("order_number") => DomainError::taken(
            "number",
            "is already used by another order of this workspace",
        ),
        StoreError::Duplicate("order_external_id") => DomainError::taken(
            "external_id",
            "is already used by another order of this workspace",
        ),
        other => other.into(),
    }
}

/// The parts of a new order that are not its lines, checked.
struct Header {
    number: Option<String>,
    external_id: Option<String>,
    currency: Option<String>,
    shipping_minor: i64,
    tax_minor: i64,
    discount_minor: i64,
    status_url: Option<String>,
}

impl Header {
    fn of(new: &NewOrder) -> DomainResult<Self> {
        Ok(Self {
            number: opt_text("number", new.number.as_deref(), NUMBER_MAX)?,
            external_id: opt_text("external_id", new.external_id.as_deref(), SHORT_MAX)?,
            currency: new
                .currency
                .as_deref()
                .map(|c| currency("currency", c))
                .transpose()?,
            shipping_minor: amount("shipping_minor", new.shipping_minor)?,
            tax_minor: amount("tax_minor", new.tax_minor)?,
            discount_minor: amount("discount_minor", new.discount_minor)?,
            status_url: opt_web_url("status_url", new.status_url.as_deref())?,
        })
    }

    /// Only what a cart's order carries: nothing beyond its lines.
    fn for_cart() -> Self {
        Self {
            number: None,
            external_id: None,
            currency: None,
            shipping_minor: 0,
            tax_minor: 0,
            discount_minor: 0,
            status_url: None,
        }
    }
}

/// What an order holds: its lines in one currency, and the cart they come from.
struct Basket {
    lines: Vec<OrderLine>,
    currency: String,
    cart_id: Option<CartId>,
}

fn line_from_cart(i: usize, item: &CartItem) -> OrderLine {
    OrderLine {
        id: (i + 1).to_string(),
        product_id: item.product_id,
        variant_id: Some(item.variant_id.clone()),
        sku: item.sku.clone(),
        title: item.title.clone(),
        quantity: item.quantity,
        unit_price_minor: item.unit_price_minor,
        image_url: item.image_url.clone(),
    }
}

impl App {
    /// Places an order for a contact: from explicit lines (catalog products, or the shop's own
    /// lines with title and price), or from `cart_id`, which becomes `converted`.
    pub async fn create_order(&self, actor: &Actor, new: &NewOrder) -> DomainResult<Order> {
        actor.require(Capability::Write)?;
        let ws = actor.workspace_id();
        let header = Header::of(new)?;
        (self.store.contact(ws, new.contact_id).await?).ok_or(DomainError::NotFound("contact"))?;
        let by = actor_ref(actor);
        match (new.cart_id, new.lines.is_empty()) {
            (Some(_), false) => Err(DomainError::invalid(
                "lines",
                "give lines or cart_id, not both",
            )),
            (None, true) => Err(DomainError::invalid(
                "lines",
                "must hold 1 to 100 lines, or give cart_id",
            )),
            (Some(cart_id), true) => {
                let cart = (self.store.cart(ws, cart_id).await?)
                    .filter(|c| c.contact_id == new.contact_id)
                    .ok_or_else(|| {
                        DomainError::invalid("cart_id", "is not a cart of this contact")
                    })?;
                if header
                    .currency
                    .as_ref()
                    .is_some_and(|c| c != &cart.currency)
                {
                    return Err(DomainError::invalid(
                        "currency",
                        format!("must be the cart's currency, {}", cart.currency),
                    ));
                }
                self.place_from_cart(cart, header, &by).await
            }
            (None, false) => {
                let (lines, catalog_currency) = self.order_lines(ws, &new.lines).await?;
                let currency = match (header.currency.clone(), catalog_currency) {
                    (Some(c), _) | (None, Some(c)) => c,
                    (None, None) => self.shop_settings_of(ws).await?.currency,
                };
                let order = self
                    .draft_order(
                        ws,
                        new.contact_id,
                        Basket {
                            lines,
                            currency,
                            cart_id: None,
                        },
                        header,
                        &by,
                    )
                    .await?;
                self.place(order, None).await
            }
        }
    }

    /// Makes the cart an order (`placed`) and the cart `converted`. Idempotent: a cart
    /// already converted answers with its order.
    pub async fn order_from_cart(
        &self,
        ws: WorkspaceId,
        cart: CartId,
        by: &str,
    ) -> DomainResult<Order> {
        let cart = (self.store.cart(ws, cart).await?).ok_or(DomainError::NotFound("cart"))?;
        self.place_from_cart(cart, Header::for_cart(), by).await
    }

    async fn place_from_cart(&self, cart: Cart, header: Header, by: &str) -> DomainResult<Order> {
        let ws = cart.workspace_id;
        if cart.status == CartStatus::Converted {
            if let Some(id) = cart.order_id
                && let Some(order) = self.store.order(ws, id).await?
            {
                return Ok(order);
            }
            return Err(DomainError::Conflict(
                "the cart is already being made an order".into(),
            ));
        }
        if cart.items.is_empty() {
            return Err(DomainError::Conflict("the cart is empty".into()));
        }
        let basket = Basket {
            lines: (cart.items.iter().enumerate())
                .map(|(i, item)| line_from_cart(i, item))
                .collect(),
            currency: cart.currency.clone(),
            cart_id: Some(cart.id),
        };
        let order = self
            .draft_order(ws, cart.contact_id, basket, header, by)
            .await?;
        self.place(order, Some(cart)).await
    }

    /// The order about to be placed, totals computed and numbered.
    async fn draft_order(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        basket: Basket,
        header: Header,
        by: &str,
    ) -> DomainResult<Order> {
        let (subtotal, total) = totals(
            &basket.lines,
            header.shipping_minor,
            header.tax_minor,
            header.discount_minor,
        )?;
        let number = match header.number {
            Some(n) => n,
            None => self.store.next_order_number(ws).await?.to_string(),
        };
        let now = now_ms();
        Ok(Order {
            id: OrderId::new(),
            workspace_id: ws,
            contact_id: contact,
            number,
            external_id: header.external_id,
            status: OrderStatus::Placed,
            currency: basket.currency,
            lines: basket.lines,
            subtotal_minor: subtotal,
            shipping_minor: header.shipping_minor,
            tax_minor: header.tax_minor,
            discount_minor: header.discount_minor,
            total_minor: total,
            refunded_minor: 0,
            fulfilments: Vec::new(),
            refunds: Vec::new(),
            timeline: vec![TimelineEntry {
                kind: "placed".to_owned(),
                summary: "Placed".to_owned(),
                by: by.to_owned(),
                at: now,
            }],
            cart_id: basket.cart_id,
            status_url: header.status_url,
            version: 1,
            created_at: now,
            updated_at: now,
        })
    }

    /// Stores a new order. A cart it is made from is converted first, version-checked, so
    /// that the order holds exactly what the cart held; if the order then cannot be stored,
    /// the cart is reopened.
    async fn place(&self, order: Order, cart: Option<Cart>) -> DomainResult<Order> {
        if let Some(cart) = &cart
            && !self.convert_cart(cart, order.id).await?
        {
            return Err(DomainError::Conflict(
                "the cart changed while the order was placed; retry".into(),
            ));
        }
        let stored = self
            .store
            .put_order(&order, &[order_event("order.created", &order)])
            .await;
        match stored {
            Ok(true) => Ok(order),
            Ok(false) => Err(DomainError::Conflict("the order already exists".into())),
            Err(e) => {
                if let Some(cart) = cart {
                    self.reopen_cart(cart).await;
                }
                Err(taken(e))
            }
        }
    }

    /// Undoes a conversion whose order could not be stored: the cart as it was, one version
    /// past the conversion.
    async fn reopen_cart(&self, mut cart: Cart) {
        cart.version += 2;
        cart.updated_at = now_ms();
        let emit = [super::carts::cart_updated(&cart)];
        super::commerce_notify::log_failure(
            "reopening a cart",
            self.store.put_cart(&cart, &emit).await.map_err(Into::into),
        );
    }

    /// Explicit lines, each checked (catalog lines snapshotted), and the currency of their
    /// catalog products, which must all agree.
    async fn order_lines(
        &self,
        ws: WorkspaceId,
        given: &[NewOrderLine],
    ) -> DomainResult<(Vec<OrderLine>, Option<String>)> {
        if given.len() > LINES_MAX {
            return Err(DomainError::invalid("lines", "must hold 1 to 100 lines"));
        }
        let mut lines = Vec::with_capacity(given.len());
        let mut catalog_currency: Option<String> = None;
        for (i, l) in given.iter().enumerate() {
            let field = |name: &str| format!("lines[{i}].{name}");
            if !(1..=CART_QUANTITY_MAX).contains(&l.quantity) {
                return Err(DomainError::invalid(field("quantity"), "must be 1 to 999"));
            }
            let title = opt_text(&field("title"), l.title.as_deref(), SHORT_MAX)?;
            let price = l
                .unit_price_minor
                .map(|p| amount(&field("unit_price_minor"), p))
                .transpose()?;
            let sku = opt_text(&field("sku"), l.sku.as_deref(), ID_MAX)?;
            let line = match l.product_id {
                Some(product_id) => {
                    let product =
                        (self.store.get_product(ws, product_id).await?).ok_or_else(|| {
                            DomainError::invalid(
                                field("product_id"),
                                "is not a product of this workspace",
                            )
                        })?;
                    let item = cart_rules::catalog_item(&product, l.variant_id.as_deref())
                        .map_err(|_| {
                            DomainError::invalid(
                                field("variant_id"),
                                "is not a variant of this product",
                            )
                        })?;
                    match &catalog_currency {
                        Some(c) if c != &item.currency => {
                            return Err(DomainError::invalid(
                                field("product_id"),
                                format!("is priced in {}, other lines in {c}", item.currency),
                            ));
                        }
                        _ => catalog_currency = Some(item.currency.clone()),
                    }
                    OrderLine {
                        id: (i + 1).to_string(),
                        product_id: Some(product_id),
                        variant_id: Some(item.line.variant_id),
                        sku: sku.or(item.line.sku),
                        title: title.unwrap_or(item.line.title),
                        quantity: l.quantity,
                        unit_price_minor: price.unwrap_or(item.line.unit_price_minor),
                        image_url: item.line.image_url,
                    }
                }
                None => OrderLine {
                    id: (i + 1).to_string(),
                    product_id: None,
                    variant_id: opt_text(&field("variant_id"), l.variant_id.as_deref(), ID_MAX)?,
                    sku,
                    title: title.ok_or_else(|| {
                        DomainError::invalid(field("title"), "is required without product_id")
                    })?,
                    quantity: l.quantity,
                    unit_price_minor: price.ok_or_else(|| {
                        DomainError::invalid(
                            field("unit_price_minor"),
                            "is required without product_id",
                        )
                    })?,
                    image_url: None,
                },
            };
            lines.push(line);
        }
        Ok((lines, catalog_currency))
    }

    /// An order: any of the workspace for staff, its own for a contact.
    pub async fn get_order(&self, actor: &Actor, id: OrderId) -> DomainResult<Order> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let order = self.store.order(actor.workspace_id(), id).await?;
        order
            .filter(|o| actor.contact_id().is_none_or(|own| own == o.contact_id))
            .ok_or(DomainError::NotFound("order"))
    }

    /// Orders, newest first. A contact lists its own whatever filter it passes.
    pub async fn list_orders(&self, actor: &Actor, f: &OrderFilter) -> DomainResult<Page<Order>> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let q = OrderQuery {
            contact_id: actor.contact_id().or(f.contact_id),
            status: f.status,
            limit: page_limit(f.limit),
            after: parse_cursor(f.cursor.as_deref())?,
        };
        Ok(self.store.list_orders(actor.workspace_id(), &q).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_order() -> NewOrder {
        NewOrder {
            contact_id: ContactId::new(),
            number: None,
            external_id: None,
            currency: None,
            lines: vec![],
            cart_id: None,
            shipping_minor: 0,
            tax_minor: 0,
            discount_minor: 0,
            status_url: None,
        }
    }

    fn field(r: DomainResult<Header>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            Ok(_) => panic!("expected invalid, got a header"),
            Err(other) => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn header_fields_are_checked() {
        assert!(Header::of(&new_order()).is_ok());
        let bad = [
            (
                "number",
                NewOrder {
                    number: Some("x".repeat(65)),
                    ..new_order()
                },
            ),
            (
                "number",
                NewOrder {
                    number: Some(" ".into()),
                    ..new_order()
                },
            ),
            (
                "currency",
                NewOrder {
                    currency: Some("eur".into()),
                    ..new_order()
                },
            ),
            (
                "shipping_minor",
                NewOrder {
                    shipping_minor: -1,
                    ..new_order()
                },
            ),
            (
                "tax_minor",
                NewOrder {
                    tax_minor: i64::MAX,
                    ..new_order()
                },
            ),
            (
                "discount_minor",
                NewOrder {
                    discount_minor: -1,
                    ..new_order()
                },
            ),
            (
                "status_url",
                NewOrder {
                    status_url: Some("ftp://x".into()),
                    ..new_order()
                },
            ),
        ];
        for (expected, new) in bad {
            assert_eq!(field(Header::of(&new)), expected);
        }
    }

    #[test]
    fn cart_items_become_numbered_lines() {
        let item = CartItem {
            product_id: Some(ProductId::new()),
            variant_id: "m".into(),
            sku: Some("SKU-M".into()),
            title: "Shirt — M".into(),
            quantity: 2,
            unit_price_minor: 1500,
            image_url: None,
        };
        let line = line_from_cart(1, &item);
        assert_eq!(line.id, "2");
        assert_eq!((line.quantity, line.unit_price_minor), (2, 1500));
        assert_eq!(line.variant_id.as_deref(), Some("m"));
    }
}
