//! Shopify products as catalog products.
//!
//! Mapping decisions:
//! - `external_id` is `shopify:<product id>` (order and cart lines find the product by it);
//!   `title` as given; `description` is `body_html` as plain text; `category` is
//!   `product_type`; `tags` from the comma-separated `tags`; `url` is the product page on the
//!   shop's domain (`https://<shop>/products/<handle>`, which Shopify redirects to the
//!   storefront's own domain); `images` are the images' `src`.
//! - Variants: `id` is Shopify's variant id, `title` as given, `options` by the product's
//!   option names (`{"Size": "M"}`; Shopify's `Title: Default Title` of products without
//!   options is left out), `price_minor` from `price` and `compare_at_minor` from
//!   `compare_at_price` when it is above the price (Shopify keeps stale ones), in the shop's
//!   currency; `inventory` is `inventory_quantity` (never below 0), untracked when the
//!   variant keeps selling out of stock (`inventory_policy: continue`); `image_url` is the
//!   variant's image.
//! - Drafts and archived products are kept like active ones: agents may still be asked
//!   about them.

use super::decode::{Context, DecodeError};
use super::order::{DEFAULT_VARIANT_TITLE, money};
use super::payload;
use super::text::{given, html_to_text, web_url};
use shoptalk_core::service::ShopProduct;
use shoptalk_types::model::Variant;
use std::collections::BTreeMap;

pub fn product(p: &payload::Product, ctx: &Context) -> Result<ShopProduct, DecodeError> {
    let title = given(Some(&p.title)).ok_or_else(|| DecodeError::new("title", "is required"))?;
    let mut option_names: Vec<&payload::ProductOption> = p.options.iter().collect();
    option_names.sort_by_key(|o| o.position);
    let variants = (p.variants.iter().enumerate())
        .map(|(i, v)| variant(i, v, p, &option_names, &ctx.currency))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ShopProduct {
        external_id: format!("shopify:{}", p.id),
        title,
        description: p
            .body_html
            .as_deref()
            .map(html_to_text)
            .filter(|d| !d.is_empty()),
        url: p
            .handle
            .as_deref()
            .filter(|h| is_handle(h))
            .and_then(|h| web_url(Some(&format!("https://{}/products/{h}", ctx.shop_domain)))),
        category: given(p.product_type.as_deref()),
        tags: p.tags.clone(),
        images: (p.images.iter())
            .filter_map(|i| web_url(Some(&i.src)))
            .collect(),
        currency: ctx.currency.clone(),
        variants,
    })
}

/// Shopify's URL handles: lower-case letters, digits, hyphens (and any letters of other
/// scripts, which browsers encode).
fn is_handle(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

fn variant(
    i: usize,
    v: &payload::Variant,
    p: &payload::Product,
    option_names: &[&payload::ProductOption],
    currency: &str,
) -> Result<Variant, DecodeError> {
    let field = |name: &str| format!("variants[{i}].{name}");
    let price_minor = money(&field("price"), &v.price, currency)?;
    let compare_at_minor = match &v.compare_at_price {
        Some(a) if given(Some(&a.0)).is_some() => {
            Some(money(&field("compare_at_price"), a, currency)?)
        }
        _ => None,
    }
    .filter(|&c| c > price_minor);
    let mut options = BTreeMap::new();
    let values = [&v.option1, &v.option2, &v.option3];
    for (name, value) in option_names.iter().zip(values) {
        if let (Some(name), Some(value)) = (given(Some(&name.name)), given(value.as_deref()))
            && value != DEFAULT_VARIANT_TITLE
        {
            options.insert(name, value);
        }
    }
    let image_url = v.image_id.and_then(|id| {
        (p.images.iter())
            .find(|img| img.id == Some(id))
            .and_then(|img| web_url(Some(&img.src)))
    });
    Ok(Variant {
        id: v.id.to_string(),
        sku: given(v.sku.as_deref()),
        title: given(v.title.as_deref()).unwrap_or_else(|| DEFAULT_VARIANT_TITLE.to_owned()),
        options,
        price_minor,
        compare_at_minor,
        inventory: match v.inventory_policy.as_deref() {
            Some("continue") => None,
            _ => v.inventory_quantity.map(|n| n.max(0)),
        },
        image_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Context {
        Context {
            shop_domain: "shop.myshopify.com".into(),
            currency: "USD".into(),
        }
    }

    #[test]
    fn products_map_with_their_variants() {
        let p: payload::Product = serde_json::from_value(json!({
            "id": 632910392, "title": "IPod Nano - 8GB", "handle": "ipod-nano",
            "body_html": "<p>It's the <b>small</b> iPod.</p>", "product_type": "Cult Products",
            "tags": "Emotive, Flash Memory, ,MP3",
            "options": [{"name": "Storage", "position": 2}, {"name": "Color", "position": 1}],
            "images": [{"id": 850703190, "src": "https://cdn.shopify.com/ipod.png"},
                       {"id": 1, "src": "data:image/png;base64,AAAA"}],
            "variants": [
                {"id": 808950810, "title": "Pink / 8GB", "price": "199.00", "compare_at_price": "249.00",
                 "sku": "IPOD2008PINK", "option1": "Pink", "option2": "8GB", "inventory_quantity": -3,
                 "image_id": 850703190},
                {"id": 49148385, "title": "Red", "price": "199.00", "compare_at_price": "199.00",
                 "inventory_quantity": 10, "inventory_policy": "continue", "option1": "Red"}
            ]
        }))
        .unwrap();
        let sp = product(&p, &ctx()).unwrap();
        assert_eq!(sp.external_id, "shopify:632910392");
        assert_eq!(sp.description.as_deref(), Some("It's the small iPod."));
        assert_eq!(
            sp.url.as_deref(),
            Some("https://shop.myshopify.com/products/ipod-nano")
        );
        assert_eq!(sp.category.as_deref(), Some("Cult Products"));
        assert_eq!(sp.tags, ["Emotive", "Flash Memory", "MP3"]);
        assert_eq!(sp.images, ["https://cdn.shopify.com/ipod.png"]);
        let pink = &sp.variants[0];
        assert_eq!(pink.id, "808950810");
        assert_eq!(
            pink.options,
            BTreeMap::from([
                ("Color".into(), "Pink".into()),
                ("Storage".into(), "8GB".into())
            ])
        );
        assert_eq!(
            (pink.price_minor, pink.compare_at_minor),
            (19900, Some(24900))
        );
        assert_eq!(pink.inventory, Some(0));
        assert_eq!(
            pink.image_url.as_deref(),
            Some("https://cdn.shopify.com/ipod.png")
        );
        let red = &sp.variants[1];
        assert_eq!((red.compare_at_minor, red.inventory), (None, None));
    }

    #[test]
    fn default_options_and_bad_prices() {
        let p: payload::Product = serde_json::from_value(json!({
            "id": 1, "title": "Mug", "options": [{"name": "Title"}],
            "variants": [{"id": 2, "title": "Default Title", "price": "8", "option1": "Default Title"}]
        }))
        .unwrap();
        let sp = product(&p, &ctx()).unwrap();
        assert!(sp.variants[0].options.is_empty());
        assert_eq!(sp.variants[0].price_minor, 800);
        let bad: payload::Product = serde_json::from_value(json!({
            "id": 1, "title": "Mug", "variants": [{"id": 2, "price": "8.001"}]
        }))
        .unwrap();
        assert_eq!(
            product(&bad, &ctx()).unwrap_err().field,
            "variants[0].price"
        );
        let untitled: payload::Product =
            serde_json::from_value(json!({"id": 1, "title": "  "})).unwrap();
        assert_eq!(product(&untitled, &ctx()).unwrap_err().field, "title");
    }
}
