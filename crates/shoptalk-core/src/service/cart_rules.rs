//! The rules of a cart's lines, without storage: what a line holds, how a change applies,
//! when it is refused, and the subtotal.

use crate::error::{DomainError, DomainResult};
use jiff::Timestamp;
use shoptalk_types::commerce::{Cart, CartItem, CartStatus};
use shoptalk_types::content::limits::{CART_LINES_MAX, CART_QUANTITY_MAX};
use shoptalk_types::ids::{CartId, ContactId, WorkspaceId};
use shoptalk_types::model::Product;

/// What happens to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineChange {
    /// Adds 1 ..= 999 units.
    Add(u32),
    /// Sets the quantity, 0 ..= 999 (0 removes the line).
    Set(u32),
    /// Takes units away (`None`: the whole line); never below zero.
    Remove(Option<u32>),
}

/// A catalog variant as a cart line would hold it, with what the rules need to know.
#[derive(Debug, Clone)]
pub(super) struct CatalogItem {
    /// The line, with quantity 0.
    pub line: CartItem,
    pub currency: String,
    /// Units in stock, when the shop tracks them.
    pub stock: Option<i64>,
}

/// The variant of `product` named by `variant_id` (absent: the first), snapshotted.
pub(super) fn catalog_item(
    product: &Product,
    variant_id: Option<&str>,
) -> DomainResult<CatalogItem> {
    let variant = match variant_id {
        Some(id) => product.variants.iter().find(|v| v.id == id),
        None => product.variants.first(),
    }
    .ok_or_else(|| DomainError::invalid("variant_id", "is not a variant of this product"))?;
    let title = if product.variants.len() > 1 {
        format!("{} — {}", product.title, variant.title)
    } else {
        product.title.clone()
    };
    Ok(CatalogItem {
        line: CartItem {
            product_id: Some(product.id),
            variant_id: variant.id.clone(),
            sku: variant.sku.clone(),
            title,
            quantity: 0,
            unit_price_minor: variant.price_minor,
            image_url: variant
                .image_url
                .clone()
                .or_else(|| product.images.first().cloned()),
        },
        currency: product.currency.clone(),
        stock: variant.inventory,
    })
}

/// An empty cart about to be created (version 0: the first write makes it 1).
pub(super) fn new_cart(
    ws: WorkspaceId,
    contact: ContactId,
    currency: &str,
    now: Timestamp,
) -> Cart {
    Cart {
        id: CartId::new(),
        workspace_id: ws,
        contact_id: contact,
        status: CartStatus::Active,
        currency: currency.to_owned(),
        items: Vec::new(),
        subtotal_minor: 0,
        checkout_url: None,
        external_id: None,
        order_id: None,
        version: 0,
        created_at: now,
        updated_at: now,
    }
}

fn check_quantity(change: LineChange) -> DomainResult<()> {
    let (ok, rule) = match change {
        LineChange::Add(q) => (
            (1..=CART_QUANTITY_MAX).contains(&q),
            "must be 1 to 999 when adding",
        ),
        LineChange::Set(q) => (q <= CART_QUANTITY_MAX, "must be 0 to 999 when setting"),
        LineChange::Remove(q) => (q.is_none_or(|q| q >= 1), "must be 1 or more when removing"),
    };
    if ok {
        Ok(())
    } else {
        Err(DomainError::invalid("quantity", rule))
    }
}

/// Applies `change` of `item` to an open cart. Returns whether anything changed; a refused
/// change leaves the cart as it was.
pub(super) fn apply(cart: &mut Cart, item: &CatalogItem, change: LineChange) -> DomainResult<bool> {
    check_quantity(change)?;
    let same_line =
        |l: &CartItem| l.product_id == item.line.product_id && l.variant_id == item.line.variant_id;
    let index = cart.items.iter().position(same_line);
    let current = index.map_or(0, |i| cart.items[i].quantity);
    let wanted = match change {
        LineChange::Add(q) => current.saturating_add(q),
        LineChange::Set(q) => q,
        LineChange::Remove(None) => 0,
        LineChange::Remove(Some(q)) => current.saturating_sub(q),
    };
    if wanted == current {
        return Ok(false);
    }
    if wanted > current {
        check_growth(cart, item, index.is_some(), current, wanted)?;
    }
    match index {
        Some(i) if wanted == 0 => {
            cart.items.remove(i);
        }
        Some(i) => {
            // The catalog's current title, price and image replace the older snapshot.
            cart.items[i] = CartItem {
                quantity: wanted,
                ..item.line.clone()
            };
        }
        None => {
            if cart.items.is_empty() {
                cart.currency = item.currency.clone();
            }
            cart.items.push(CartItem {
                quantity: wanted,
                ..item.line.clone()
            });
        }
    }
    cart.subtotal_minor = subtotal(&cart.items);
    if cart.status == CartStatus::Abandoned {
        cart.status = CartStatus::Active;
    }
    Ok(true)
}

/// Rules that only bind when a line grows: one currency, room for the line, stock.
fn check_growth(
    cart: &Cart,
    item: &CatalogItem,
    line_exists: bool,
    current: u32,
    wanted: u32,
) -> DomainResult<()> {
    if !cart.items.is_empty() && cart.currency != item.currency {
        return Err(DomainError::invalid(
            "product_id",
            format!(
                "is priced in {}, but this cart is in {}; one cart holds one currency",
                item.currency, cart.currency
            ),
        ));
    }
    if wanted > CART_QUANTITY_MAX {
        return Err(DomainError::invalid(
            "quantity",
            format!("a line holds at most 999 units; this one has {current}"),
        ));
    }
    if !line_exists && cart.items.len() >= CART_LINES_MAX {
        return Err(DomainError::invalid(
            "product_id",
            "a cart holds at most 50 different items",
        ));
    }
    if let Some(stock) = item.stock
        && i64::from(wanted) > stock
    {
        return Err(DomainError::invalid(
            "quantity",
            format!("only {} left", stock.max(0)),
        ));
    }
    Ok(())
}

/// Quantity × unit price, summed (saturating: carts from integrations are not bounded by our
/// rules, and a total must never wrap).
pub(super) fn subtotal(items: &[CartItem]) -> i64 {
    items
        .iter()
        .map(|i| i.unit_price_minor.saturating_mul(i64::from(i.quantity)))
        .fold(0, i64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use shoptalk_types::ids::ProductId;
    use shoptalk_types::model::Variant;
    use std::collections::BTreeMap;

    fn product(currency: &str, variants: &[(&str, i64, Option<i64>)]) -> Product {
        Product {
            id: ProductId::new(),
            workspace_id: WorkspaceId::new(),
            external_id: None,
            title: "Shirt".into(),
            description: None,
            url: None,
            category: None,
            tags: vec![],
            images: vec!["https://img.example/shirt.png".into()],
            currency: currency.into(),
            localized: BTreeMap::new(),
            variants: variants
                .iter()
                .map(|(id, price, stock)| Variant {
                    id: (*id).into(),
                    sku: None,
                    title: id.to_uppercase(),
                    options: BTreeMap::new(),
                    price_minor: *price,
                    compare_at_minor: None,
                    inventory: *stock,
                    image_url: None,
                })
                .collect(),
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn cart() -> Cart {
        new_cart(
            WorkspaceId::new(),
            ContactId::new(),
            "USD",
            Timestamp::now(),
        )
    }

    fn field(r: DomainResult<bool>) -> (String, String) {
        match r {
            Err(DomainError::Invalid { field, message }) => (field, message),
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn snapshots_name_the_variant_when_there_are_several() {
        let p = product("EUR", &[("s", 1000, None), ("m", 1200, Some(3))]);
        let m = catalog_item(&p, Some("m")).unwrap();
        assert_eq!(m.line.title, "Shirt — M");
        assert_eq!(m.line.unit_price_minor, 1200);
        assert_eq!(m.stock, Some(3));
        assert_eq!(
            m.line.image_url.as_deref(),
            Some("https://img.example/shirt.png")
        );
        assert_eq!(catalog_item(&p, None).unwrap().line.variant_id, "s");
        let one = product("EUR", &[("only", 5, None)]);
        assert_eq!(catalog_item(&one, None).unwrap().line.title, "Shirt");
        assert!(matches!(
            catalog_item(&p, Some("xl")),
            Err(DomainError::Invalid { field, .. }) if field == "variant_id"
        ));
    }

    #[test]
    fn adding_merges_lines_and_takes_the_products_currency() {
        let p = product("EUR", &[("s", 1000, None)]);
        let item = catalog_item(&p, None).unwrap();
        let mut c = cart();
        assert!(apply(&mut c, &item, LineChange::Add(2)).unwrap());
        assert!(apply(&mut c, &item, LineChange::Add(3)).unwrap());
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].quantity, 5);
        assert_eq!((c.currency.as_str(), c.subtotal_minor), ("EUR", 5000));
    }

    #[test]
    fn quantities_are_bounded() {
        let p = product("EUR", &[("s", 1000, None)]);
        let item = catalog_item(&p, None).unwrap();
        let mut c = cart();
        for bad in [
            LineChange::Add(0),
            LineChange::Add(1000),
            LineChange::Set(1000),
        ] {
            assert_eq!(field(apply(&mut c, &item, bad)).0, "quantity", "{bad:?}");
        }
        apply(&mut c, &item, LineChange::Add(999)).unwrap();
        let (f, m) = field(apply(&mut c, &item, LineChange::Add(1)));
        assert_eq!(f, "quantity");
        assert!(m.contains("999"), "{m}");
        assert_eq!(c.items[0].quantity, 999, "a refused change changes nothing");
    }

    #[test]
    fn set_zero_and_remove_take_lines_away() {
        let p = product("EUR", &[("s", 1000, None), ("m", 1000, None)]);
        let (s, m) = (
            catalog_item(&p, Some("s")).unwrap(),
            catalog_item(&p, Some("m")).unwrap(),
        );
        let mut c = cart();
        apply(&mut c, &s, LineChange::Add(4)).unwrap();
        apply(&mut c, &m, LineChange::Add(1)).unwrap();
        apply(&mut c, &s, LineChange::Remove(Some(3))).unwrap();
        assert_eq!(c.items[0].quantity, 1);
        apply(&mut c, &s, LineChange::Remove(Some(5))).unwrap();
        assert_eq!(c.items.len(), 1);
        apply(&mut c, &m, LineChange::Set(0)).unwrap();
        assert!(c.items.is_empty());
        assert_eq!(c.subtotal_minor, 0);
        assert!(
            !apply(&mut c, &m, LineChange::Remove(None)).unwrap(),
            "nothing to remove"
        );
    }

    #[test]
    fn one_cart_holds_one_currency() {
        let eur = catalog_item(&product("EUR", &[("s", 1, None)]), None).unwrap();
        let usd = catalog_item(&product("USD", &[("s", 1, None)]), None).unwrap();
        let mut c = cart();
        apply(&mut c, &eur, LineChange::Add(1)).unwrap();
        let (f, m) = field(apply(&mut c, &usd, LineChange::Add(1)));
        assert_eq!(f, "product_id");
        assert!(m.contains("USD") && m.contains("EUR"), "{m}");
        // Emptied, the cart takes the next product's currency.
        apply(&mut c, &eur, LineChange::Set(0)).unwrap();
        apply(&mut c, &usd, LineChange::Add(1)).unwrap();
        assert_eq!(c.currency, "USD");
    }

    #[test]
    fn tracked_stock_limits_growth_only() {
        let p = product("EUR", &[("s", 1, Some(3))]);
        let item = catalog_item(&p, None).unwrap();
        let mut c = cart();
        apply(&mut c, &item, LineChange::Add(3)).unwrap();
        let (f, m) = field(apply(&mut c, &item, LineChange::Add(1)));
        assert_eq!((f.as_str(), m.as_str()), ("quantity", "only 3 left"));
        let sold_out = catalog_item(&product("EUR", &[("s", 1, Some(0))]), None).unwrap();
        assert_eq!(
            field(apply(&mut cart(), &sold_out, LineChange::Add(1))).1,
            "only 0 left"
        );
        // Lowering a line above the stock (stock sold meanwhile) is allowed.
        let mut low = item.clone();
        low.stock = Some(1);
        assert!(apply(&mut c, &low, LineChange::Set(2)).unwrap());
    }

    #[test]
    fn a_cart_holds_at_most_fifty_lines() {
        let variants: Vec<(String, i64, Option<i64>)> =
            (0..51).map(|i| (format!("v{i}"), 1, None)).collect();
        let refs: Vec<(&str, i64, Option<i64>)> = variants
            .iter()
            .map(|(id, p, s)| (id.as_str(), *p, *s))
            .collect();
        let p = product("EUR", &refs);
        let mut c = cart();
        for i in 0..50 {
            let item = catalog_item(&p, Some(&format!("v{i}"))).unwrap();
            apply(&mut c, &item, LineChange::Add(1)).unwrap();
        }
        let last = catalog_item(&p, Some("v50")).unwrap();
        assert_eq!(
            field(apply(&mut c, &last, LineChange::Add(1))).0,
            "product_id"
        );
    }

    #[test]
    fn changing_an_abandoned_cart_reactivates_it() {
        let item = catalog_item(&product("EUR", &[("s", 1, None)]), None).unwrap();
        let mut c = cart();
        c.status = CartStatus::Abandoned;
        apply(&mut c, &item, LineChange::Add(1)).unwrap();
        assert_eq!(c.status, CartStatus::Active);
    }

    fn any_change() -> impl Strategy<Value = LineChange> {
        prop_oneof![
            (0u32..1200).prop_map(LineChange::Add),
            (0u32..1200).prop_map(LineChange::Set),
            proptest::option::of(0u32..1200).prop_map(LineChange::Remove),
        ]
    }

    proptest! {
        /// Whatever sequence of changes arrives, the cart stays within its rules and its
        /// subtotal is the sum of its lines.
        #[test]
        fn carts_stay_within_their_rules(
            changes in proptest::collection::vec((0usize..3, any_change()), 0..40),
            stock in proptest::option::of(0i64..1500),
        ) {
            let p = product("EUR", &[("a", 250, stock), ("b", 1_000_000_000_000, None), ("c", 0, None)]);
            let items: Vec<CatalogItem> = ["a", "b", "c"]
                .iter()
                .map(|v| catalog_item(&p, Some(v)).unwrap())
                .collect();
            let mut c = cart();
            for (which, change) in changes {
                let before = c.clone();
                if apply(&mut c, &items[which], change).is_err() {
                    prop_assert_eq!(&c, &before);
                }
                prop_assert!(c.items.iter().all(|l| (1..=999).contains(&l.quantity)));
                prop_assert_eq!(c.subtotal_minor, subtotal(&c.items));
                prop_assert!(c.subtotal_minor >= 0);
            }
        }
    }
}
