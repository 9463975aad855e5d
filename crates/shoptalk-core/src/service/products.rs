//! The product catalog: what a shop sells, for agents to look up and share in conversations.
//! A floor for commerce: prices are integers of the currency's minor units.

use super::{Actor, App, Capability, now_ms, page_limit, parse_cursor};
use crate::StoreError;
use crate::error::{DomainError, DomainResult};
use crate::store::ProductQuery;
use shoptalk_types::currency::minor_units;
use shoptalk_types::ids::{ProductId, WorkspaceId};
use shoptalk_types::model::{LocalizedText, NewProduct, Page, Product, ProductPatch, Variant};
use std::collections::{BTreeMap, HashSet};

const TITLE_MAX: usize = 255;
pub(super) const DESCRIPTION_MAX: usize = 10_000;
const URL_MAX: usize = 2048;
const SHORT_MAX: usize = 255;
pub(super) const IMAGES_MAX: usize = 20;
pub(super) const TAGS_MAX: usize = 50;
const LOCALES_MAX: usize = 50;
const OPTIONS_MAX: usize = 10;
pub(super) const VARIANTS_MAX: usize = 100;
/// 10^12 minor units: ten billion in a two-decimal currency, far beyond any single item.
pub const PRICE_MAX: i64 = 1_000_000_000_000;

fn invalid(field: &str, message: &str) -> DomainError {
    DomainError::invalid(field, message)
}

/// Trimmed, 1 to `max` characters, no control characters (but newlines and tabs when
/// `multiline`).
fn text(field: &str, value: &str, max: usize, multiline: bool) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(invalid(field, &format!("must be 1 to {max} characters")));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

fn opt_text(field: &str, v: Option<&str>, max: usize, ml: bool) -> DomainResult<Option<String>> {
    v.map(|v| text(field, v, max, ml)).transpose()
}

/// An absolute http(s) URL of at most 2048 characters, without spaces or control characters.
fn url(field: &str, value: &str) -> DomainResult<String> {
    let value = value.trim();
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let ok = value.len() <= URL_MAX
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(invalid(
            field,
            "must be an http or https URL of at most 2048 characters",
        ))
    }
}

fn currency(value: &str) -> DomainResult<String> {
    match minor_units(value) {
        Some(_) => Ok(value.to_owned()),
        None => Err(invalid(
            "currency",
            "must be an active ISO 4217 code in upper case, e.g. EUR",
        )),
    }
}

/// A BCP 47 tag in its usual shape: 2–8 letters, then `-` separated 1–8 alphanumerics.
fn language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=8).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn tags(field: &str, tags: &[String]) -> DomainResult<Vec<String>> {
    if tags.len() > TAGS_MAX {
        return Err(invalid(field, "must have at most 50 tags"));
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for (i, t) in tags.iter().enumerate() {
        let t = text(&format!("{field}[{i}]"), t, 64, false)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

fn images(field: &str, images: &[String]) -> DomainResult<Vec<String>> {
    if images.len() > IMAGES_MAX {
        return Err(invalid(field, "must have at most 20 images"));
    }
    (images.iter().enumerate())
        .map(|(i, u)| url(&format!("{field}[{i}]"), u))
        .collect()
}

fn localized(
    map: &BTreeMap<String, LocalizedText>,
) -> DomainResult<BTreeMap<String, LocalizedText>> {
    if map.len() > LOCALES_MAX {
        return Err(invalid("localized", "must have at most 50 languages"));
    }
    let mut out = BTreeMap::new();
    for (tag, l) in map {
        if !language_tag(tag) {
            return Err(invalid(
                &format!("localized.{tag}"),
                "must be keyed by a BCP 47 language tag",
            ));
        }
        let field = |f: &str| format!("localized.{tag}.{f}");
        out.insert(
            tag.clone(),
            LocalizedText {
                title: text(&field("title"), &l.title, TITLE_MAX, false)?,
                description: opt_text(
                    &field("description"),
                    l.description.as_deref(),
                    DESCRIPTION_MAX,
                    true,
                )?,
            },
        );
    }
    Ok(out)
}

fn price(field: &str, v: i64) -> DomainResult<i64> {
    if (0..=PRICE_MAX).contains(&v) {
        Ok(v)
    } else {
        Err(invalid(field, "must be 0 to 1000000000000 minor units"))
    }
}

/// 1–100 variants with unique ids (an empty id is generated), each priced within bounds and
/// with a compare-at price above its price.
fn variants(list: &[Variant]) -> DomainResult<Vec<Variant>> {
    if list.is_empty() || list.len() > VARIANTS_MAX {
        return Err(invalid("variants", "must have 1 to 100 variants"));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let f = |name: &str| format!("variants[{i}].{name}");
        let id = if v.id.trim().is_empty() {
            ProductId::new().to_string()
        } else {
            text(&f("id"), &v.id, 64, false)?
        };
        if !seen.insert(id.clone()) {
            return Err(invalid(
                &f("id"),
                "is used by another variant of this product",
            ));
        }
        if v.options.len() > OPTIONS_MAX {
            return Err(invalid(&f("options"), "must have at most 10 options"));
        }
        let mut options = BTreeMap::new();
        for (k, val) in &v.options {
            let k = text(&f("options"), k, 64, false)?;
            let val = text(&format!("{}.{k}", f("options")), val, SHORT_MAX, false)?;
            options.insert(k, val);
        }
        let price_minor = price(&f("price_minor"), v.price_minor)?;
        let compare_at_minor = v
            .compare_at_minor
            .map(|c| price(&f("compare_at_minor"), c))
            .transpose()?;
        if compare_at_minor.is_some_and(|c| c <= price_minor) {
            return Err(invalid(
                &f("compare_at_minor"),
                "must be greater than price_minor",
            ));
        }
        if v.inventory.is_some_and(|n| n < 0) {
            return Err(invalid(&f("inventory"), "must be 0 or more"));
        }
        out.push(Variant {
            id,
            sku: opt_text(&f("sku"), v.sku.as_deref(), 64, false)?,
            title: text(&f("title"), &v.title, TITLE_MAX, false)?,
            options,
            price_minor,
            compare_at_minor,
            inventory: v.inventory,
            image_url: v
                .image_url
                .as_deref()
                .map(|u| url(&f("image_url"), u))
                .transpose()?,
        });
    }
    Ok(out)
}

/// Checks and normalises every field of a product about to be stored.
pub(super) fn validate(p: &Product) -> DomainResult<Product> {
    Ok(Product {
        id: p.id,
        workspace_id: p.workspace_id,
        external_id: opt_text("external_id", p.external_id.as_deref(), SHORT_MAX, false)?,
        title: text("title", &p.title, TITLE_MAX, false)?,
        description: opt_text(
            "description",
            p.description.as_deref(),
            DESCRIPTION_MAX,
            true,
        )?,
        url: p.url.as_deref().map(|u| url("url", u)).transpose()?,
        category: opt_text("category", p.category.as_deref(), SHORT_MAX, false)?,
        tags: tags("tags", &p.tags)?,
        images: images("images", &p.images)?,
        currency: currency(&p.currency)?,
        localized: localized(&p.localized)?,
        variants: variants(&p.variants)?,
        created_at: p.created_at,
        updated_at: p.updated_at,
    })
}

pub(super) fn new_product(ws: WorkspaceId, new: &NewProduct) -> DomainResult<Product> {
    let now = now_ms();
    validate(&Product {
        id: ProductId::new(),
        workspace_id: ws,
        external_id: new.external_id.clone(),
        title: new.title.clone(),
        description: new.description.clone(),
        url: new.url.clone(),
        category: new.category.clone(),
        tags: new.tags.clone(),
        images: new.images.clone(),
        currency: new.currency.clone(),
        localized: new.localized.clone(),
        variants: new.variants.clone(),
        created_at: now,
        updated_at: now,
    })
}

fn patched(mut p: Product, patch: &ProductPatch) -> DomainResult<Product> {
    fn set<T: Clone>(field: &mut T, v: &Option<T>) {
        if let Some(v) = v {
            *field = v.clone();
        }
    }
    fn set_opt<T: Clone>(field: &mut Option<T>, v: &Option<T>) {
        if let Some(v) = v {
            *field = Some(v.clone());
        }
    }
    set_opt(&mut p.external_id, &patch.external_id);
    set(&mut p.title, &patch.title);
    set_opt(&mut p.description, &patch.description);
    set_opt(&mut p.url, &patch.url);
    set_opt(&mut p.category, &patch.category);
    set(&mut p.tags, &patch.tags);
    set(&mut p.images, &patch.images);
    set(&mut p.currency, &patch.currency);
    set(&mut p.localized, &patch.localized);
    set(&mut p.variants, &patch.variants);
    p.updated_at = now_ms();
    validate(&p)
}

fn external_id_taken(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate("product_external_id") => DomainError::taken(
            "external_id",
            "is already used by another product of this workspace",
        ),
        other => other.into(),
    }
}

/// Query parameters of `GET /api/v1/products`, as the edge received them.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub q: Option<String>,
    pub category: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: Option<bool>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl App {
    pub async fn create_product(&self, actor: &Actor, new: &NewProduct) -> DomainResult<Product> {
        actor.require(Capability::Write)?;
        let product = new_product(actor.workspace_id(), new)?;
        self.store
            .insert_product(&product)
            .await
            .map_err(external_id_taken)?;
        Ok(product)
    }

    pub async fn get_product(&self, actor: &Actor, id: ProductId) -> DomainResult<Product> {
        actor.require(Capability::Read)?;
        (self.store.get_product(actor.workspace_id(), id).await?)
            .ok_or(DomainError::NotFound("product"))
    }

    pub async fn list_products(
        &self,
        actor: &Actor,
        f: &ProductFilter,
    ) -> DomainResult<Page<Product>> {
        actor.require(Capability::Read)?;
        for (field, v) in [("min_price", f.min_price), ("max_price", f.max_price)] {
            if let Some(v) = v {
                price(field, v)?;
            }
        }
        let q = ProductQuery {
            // A blank `q` is no filter; a too long one is refused rather than ignored.
            text: opt_text(
                "q",
                f.q.as_deref().filter(|q| !q.trim().is_empty()),
                TITLE_MAX,
                false,
            )?,
            category: f.category.as_deref().map(|c| c.trim().to_owned()),
            min_price: f.min_price,
            max_price: f.max_price,
            in_stock: f.in_stock,
            limit: page_limit(f.limit),
            after: parse_cursor(f.cursor.as_deref())?,
        };
        Ok(self.store.list_products(actor.workspace_id(), &q).await?)
    }

    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        patch: &ProductPatch,
    ) -> DomainResult<Product> {
        actor.require(Capability::Write)?;
        let ws = actor.workspace_id();
        let current =
            (self.store.get_product(ws, id).await?).ok_or(DomainError::NotFound("product"))?;
        let product = patched(current, patch)?;
        // Read-modify-write: two concurrent patches may race, the later one wins whole.
        if self
            .store
            .replace_product(&product)
            .await
            .map_err(external_id_taken)?
        {
            Ok(product)
        } else {
            Err(DomainError::NotFound("product"))
        }
    }

    pub async fn delete_product(&self, actor: &Actor, id: ProductId) -> DomainResult<()> {
        actor.require(Capability::Write)?;
        if self.store.delete_product(actor.workspace_id(), id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound("product"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(id: &str, price: i64) -> Variant {
        Variant {
            id: id.into(),
            sku: None,
            title: "Default".into(),
            options: BTreeMap::new(),
            price_minor: price,
            compare_at_minor: None,
            inventory: None,
            image_url: None,
        }
    }

    fn new(variants: Vec<Variant>) -> NewProduct {
        NewProduct {
            external_id: None,
            title: "Mug".into(),
            description: None,
            url: None,
            category: None,
            tags: vec![],
            images: vec![],
            currency: "EUR".into(),
            localized: BTreeMap::new(),
            variants,
        }
    }

    fn field(r: DomainResult<Product>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn accepts_a_plain_product_and_generates_variant_ids() {
        let p = new_product(WorkspaceId::new(), &new(vec![variant("", 1299)])).unwrap();
        assert!(!p.variants[0].id.is_empty());
        assert_eq!(p.currency, "EUR");
    }

    #[test]
    fn currency_must_be_an_active_upper_case_code() {
        for good in ["EUR", "JPY", "BHD"] {
            let mut n = new(vec![variant("a", 1)]);
            n.currency = good.into();
            assert!(new_product(WorkspaceId::new(), &n).is_ok(), "{good}");
        }
        for bad in ["eur", "EURO", "XXX", "", "US"] {
            let mut n = new(vec![variant("a", 1)]);
            n.currency = bad.into();
            assert_eq!(
                field(new_product(WorkspaceId::new(), &n)),
                "currency",
                "{bad}"
            );
        }
    }

    #[test]
    fn prices_are_bounded() {
        let ws = WorkspaceId::new();
        assert!(new_product(ws, &new(vec![variant("a", 0)])).is_ok());
        assert!(new_product(ws, &new(vec![variant("a", PRICE_MAX)])).is_ok());
        let r = new_product(ws, &new(vec![variant("a", 1), variant("b", -1)]));
        assert_eq!(field(r), "variants[1].price_minor");
        let r = new_product(ws, &new(vec![variant("a", PRICE_MAX + 1)]));
        assert_eq!(field(r), "variants[0].price_minor");
    }

    #[test]
    fn compare_at_must_exceed_price() {
        let ws = WorkspaceId::new();
        let mut v = variant("a", 1000);
        v.compare_at_minor = Some(1500);
        assert!(new_product(ws, &new(vec![v.clone()])).is_ok());
        v.compare_at_minor = Some(1000);
        assert_eq!(
            field(new_product(ws, &new(vec![v]))),
            "variants[0].compare_at_minor"
        );
    }

    #[test]
    fn variant_ids_are_unique_and_counted() {
        let ws = WorkspaceId::new();
        let r = new_product(
            ws,
            &new(vec![variant("a", 1), variant("b", 1), variant("a", 2)]),
        );
        assert_eq!(field(r), "variants[2].id");
        assert_eq!(field(new_product(ws, &new(vec![]))), "variants");
        let many = (0..101).map(|i| variant(&i.to_string(), 1)).collect();
        assert_eq!(field(new_product(ws, &new(many))), "variants");
    }

    #[test]
    fn other_fields_are_checked() {
        let ws = WorkspaceId::new();
        let mut n = new(vec![variant("a", 1)]);
        n.url = Some("javascript:alert(1)".into());
        assert_eq!(field(new_product(ws, &n)), "url");
        let mut n = new(vec![variant("a", 1)]);
        n.images = vec!["https://x.test/a.png".into(); 21];
        assert_eq!(field(new_product(ws, &n)), "images");
        let mut n = new(vec![variant("a", 1)]);
        n.title = "x".repeat(256);
        assert_eq!(field(new_product(ws, &n)), "title");
        let mut n = new(vec![variant("a", 1)]);
        n.description = Some("d".repeat(10_001));
        assert_eq!(field(new_product(ws, &n)), "description");
        let mut n = new(vec![variant("a", 1)]);
        n.localized.insert(
            "not a tag".into(),
            LocalizedText {
                title: "x".into(),
                description: None,
            },
        );
        assert_eq!(field(new_product(ws, &n)), "localized.not a tag");
        let mut v = variant("a", 1);
        v.inventory = Some(-1);
        assert_eq!(
            field(new_product(ws, &new(vec![v]))),
            "variants[0].inventory"
        );
    }
}
