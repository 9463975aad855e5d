//! Shopping carts: one open cart per contact, filled from the catalog by the contact (widget,
//! buttons in messages), by staff, or by behaviour events; read by agents beside the
//! conversation. Every change emits `cart.updated`.

use super::cart_rules::{self, CatalogItem, LineChange};
use super::commerce_input::{opt_text, opt_web_url};
use super::versioned::until_stored;
use super::{Actor, App, Capability, now_ms, page_limit, parse_cursor};
use crate::StoreError;
use crate::commerce_store::{CartQuery, Emit};
use crate::error::{DomainError, DomainResult};
use jiff::Timestamp;
use shoptalk_types::commerce::{Cart, CartItemChange, CartPatch, CartStatus};
use shoptalk_types::ids::{CartId, ContactId, OrderId, ProductId, WorkspaceId};
use shoptalk_types::model::Page;
use std::sync::LazyLock;
use tokio::sync::Mutex;

const EXTERNAL_ID_MAX: usize = 255;
/// Carts marked abandoned per sweep.
const ABANDON_BATCH: u32 = 500;
const CART_LOCK_STRIPES: usize = 64;

/// Cart changes of one contact take turns on this node, so a burst of adds (a customer
/// tapping fast, a batch of events) queues instead of racing on the version; the version
/// check still guards against writers on other nodes.
static CART_LOCKS: LazyLock<Vec<Mutex<()>>> =
    LazyLock::new(|| (0..CART_LOCK_STRIPES).map(|_| Mutex::new(())).collect());

fn cart_lock(contact: ContactId) -> &'static Mutex<()> {
    &CART_LOCKS[(contact.0.as_u128() % CART_LOCK_STRIPES as u128) as usize]
}

/// Query parameters of `GET /api/v1/carts`, as the edge received them.
#[derive(Debug, Clone, Default)]
pub struct CartFilter {
    pub contact_id: Option<ContactId>,
    pub status: Option<CartStatus>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub(super) fn cart_updated(cart: &Cart) -> Emit {
    Emit {
        kind: "cart.updated",
        data: serde_json::to_value(cart).unwrap_or_default(),
    }
}

/// The next version of a record about to be written.
fn touch(cart: &mut Cart, now: Timestamp) {
    cart.version += 1;
    cart.updated_at = now;
}

fn external_id_taken(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate("cart_external_id") => DomainError::taken(
            "external_id",
            "is already used by another cart of this workspace",
        ),
        other => other.into(),
    }
}

impl App {
    /// Adds to (or with `set`, sets) a line of the contact's open cart, opening one when there
    /// is none. A contact changes only its own cart.
    pub async fn change_cart(
        &self,
        actor: &Actor,
        contact: ContactId,
        change: &CartItemChange,
    ) -> DomainResult<Cart> {
        self.contact_in_reach(actor, contact, Capability::Write)
            .await?;
        let line = if change.set {
            LineChange::Set(change.quantity)
        } else {
            LineChange::Add(change.quantity)
        };
        self.change_cart_line(
            actor.workspace_id(),
            contact,
            change.product_id,
            change.variant_id.as_deref(),
            line,
        )
        .await
    }

    /// The contact `actor` may act on: itself for a contact, any contact of the workspace for
    /// staff with `needed`. Anyone else's is "not found".
    pub(super) async fn contact_in_reach(
        &self,
        actor: &Actor,
        contact: ContactId,
        needed: Capability,
    ) -> DomainResult<()> {
        match actor.contact_id() {
            Some(own) if own == contact => Ok(()),
            Some(_) => Err(DomainError::NotFound("contact")),
            None => {
                actor.require(needed)?;
                let found = self.store.contact(actor.workspace_id(), contact).await?;
                found.map(|_| ()).ok_or(DomainError::NotFound("contact"))
            }
        }
    }

    /// One line change of a contact's open cart, with the catalog's current snapshot of the
    /// variant. Removing from a cart that does not exist is "cart not found".
    pub(super) async fn change_cart_line(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        product_id: ProductId,
        variant_id: Option<&str>,
        change: LineChange,
    ) -> DomainResult<Cart> {
        let product = self
            .store
            .get_product(ws, product_id)
            .await?
            .ok_or_else(|| {
                DomainError::invalid("product_id", "is not a product of this workspace")
            })?;
        let item = cart_rules::catalog_item(&product, variant_id)?;
        let _turn = cart_lock(contact).lock().await;
        until_stored("cart", async || {
            self.try_change_line(ws, contact, &item, change).await
        })
        .await
    }

    async fn try_change_line(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        item: &CatalogItem,
        change: LineChange,
    ) -> DomainResult<Option<Cart>> {
        let now = now_ms();
        let mut cart = match self.store.open_cart(ws, contact).await? {
            Some(cart) => cart,
            None => cart_rules::new_cart(ws, contact, &item.currency, now),
        };
        if !cart_rules::apply(&mut cart, item, change)? {
            return match cart.version {
                0 => Err(DomainError::NotFound("cart")),
                _ => Ok(Some(cart)),
            };
        }
        touch(&mut cart, now);
        let stored = self.store.put_cart(&cart, &[cart_updated(&cart)]).await?;
        Ok(stored.then_some(cart))
    }

    /// Changes the contact's open cart with `change` (checkout link, conversion), if there is
    /// one; `None` when there is none.
    pub(super) async fn update_open_cart(
        &self,
        ws: WorkspaceId,
        contact: ContactId,
        change: impl Fn(&mut Cart),
    ) -> DomainResult<Option<Cart>> {
        let _turn = cart_lock(contact).lock().await;
        until_stored("cart", async || {
            let Some(mut cart) = self.store.open_cart(ws, contact).await? else {
                return Ok(Some(None));
            };
            change(&mut cart);
            touch(&mut cart, now_ms());
            let stored = self.store.put_cart(&cart, &[cart_updated(&cart)]).await?;
            Ok(stored.then_some(Some(cart)))
        })
        .await
    }

    /// Marks a cart converted into `order` (version-checked: the cart must still be what the
    /// order was made from). `false` when it changed meanwhile.
    pub(super) async fn convert_cart(&self, cart: &Cart, order: OrderId) -> DomainResult<bool> {
        let mut converted = cart.clone();
        converted.status = CartStatus::Converted;
        converted.order_id = Some(order);
        touch(&mut converted, now_ms());
        Ok(self
            .store
            .put_cart(&converted, &[cart_updated(&converted)])
            .await?)
    }

    /// A cart: any of the workspace for staff, its own for a contact.
    pub async fn get_cart(&self, actor: &Actor, id: CartId) -> DomainResult<Cart> {
        if actor.is_staff() {
            actor.require(Capability::Read)?;
        }
        let cart = self.store.cart(actor.workspace_id(), id).await?;
        cart.filter(|c| actor.contact_id().is_none_or(|own| own == c.contact_id))
            .ok_or(DomainError::NotFound("cart"))
    }

    /// The contact's open (active or abandoned) cart.
    pub async fn open_cart_of(&self, actor: &Actor, contact: ContactId) -> DomainResult<Cart> {
        self.contact_in_reach(actor, contact, Capability::Read)
            .await?;
        (self.store.open_cart(actor.workspace_id(), contact).await?)
            .ok_or(DomainError::NotFound("cart"))
    }

    /// Carts of the workspace, most recently changed first.
    pub async fn list_carts(&self, actor: &Actor, f: &CartFilter) -> DomainResult<Page<Cart>> {
        actor.require(Capability::Read)?;
        let q = CartQuery {
            contact_id: f.contact_id,
            status: f.status,
            limit: page_limit(f.limit),
            after: parse_cursor(f.cursor.as_deref())?,
        };
        Ok(self.store.list_carts(actor.workspace_id(), &q).await?)
    }

    /// Sets a cart's checkout link or the shop's id for it. A converted cart is final.
    pub async fn update_cart(
        &self,
        actor: &Actor,
        id: CartId,
        patch: &CartPatch,
    ) -> DomainResult<Cart> {
        actor.require(Capability::Write)?;
        let ws = actor.workspace_id();
        let checkout_url = opt_web_url("checkout_url", patch.checkout_url.as_deref())?;
        let external_id = opt_text("external_id", patch.external_id.as_deref(), EXTERNAL_ID_MAX)?;
        until_stored("cart", async || {
            let mut cart = (self.store.cart(ws, id).await?).ok_or(DomainError::NotFound("cart"))?;
            if cart.status == CartStatus::Converted {
                return Err(DomainError::Conflict(
                    "the cart became an order and no longer changes".into(),
                ));
            }
            if let Some(url) = &checkout_url {
                cart.checkout_url = Some(url.clone());
            }
            if let Some(external) = &external_id {
                cart.external_id = Some(external.clone());
            }
            touch(&mut cart, now_ms());
            let stored = (self.store.put_cart(&cart, &[cart_updated(&cart)]).await)
                .map_err(external_id_taken)?;
            Ok(stored.then_some(cart))
        })
        .await
    }

    /// Marks active carts untouched for their workspace's `abandon_after_minutes` as
    /// abandoned (each emits `cart.abandoned`); returns how many.
    pub async fn abandon_idle_carts(&self) -> DomainResult<usize> {
        let abandoned = self
            .store
            .abandon_idle_carts(Timestamp::now(), ABANDON_BATCH)
            .await?;
        Ok(abandoned.len())
    }
}
