//! Catalog products as the rich messages agents send: a product card, a row of products, a
//! carousel with pictures and buttons.

use shoptalk_types::Content;
use shoptalk_types::content::{Action, Card, MediaRef, Money, ProductRef};
use shoptalk_types::model::{Product, Variant};

/// One product with "add to cart" and "view" buttons: as `variant_id` when given (a size and
/// colour picked for the customer), else as its first variant in stock with the stock of all.
pub fn product_ref(product: &Product, variant_id: Option<&str>) -> ProductRef {
    let chosen = variant_id.and_then(|id| product.variants.iter().find(|v| v.id == id));
    let shown: Option<&Variant> = chosen
        .or_else(|| (product.variants.iter()).find(|v| v.inventory.is_none_or(|n| n > 0)))
        .or_else(|| product.variants.first());
    let money = |minor: i64| Money::new(minor, &product.currency);
    let mut actions = vec![Action::AddToCart {
        text: "Add to cart".into(),
        product_id: product.id.to_string(),
        variant_id: shown.map(|v| v.id.clone()),
        quantity: 1,
    }];
    if let Some(url) = &product.url {
        actions.push(Action::Link {
            text: "View".into(),
            url: url.clone(),
        });
    }
    let (title, stock) = match chosen {
        Some(v) => (format!("{} — {}", product.title, v.title), v.inventory),
        None => (
            product.title.clone(),
            product.variants.iter().map(|v| v.inventory).sum(),
        ),
    };
    ProductRef {
        product_id: product.id.to_string(),
        variant_id: chosen.map(|v| v.id.clone()),
        title: Some(title),
        price: shown.map(|v| money(v.price_minor)),
        compare_at_price: shown.and_then(|v| v.compare_at_minor).map(money),
        stock,
        image_url: chosen
            .and_then(|v| v.image_url.clone())
            .or_else(|| product.images.first().cloned()),
        url: product.url.clone(),
        actions: Some(actions),
    }
}

/// A `products` message: up to ten products side by side.
pub fn products(products: &[&Product]) -> Content {
    Content::Products {
        items: products.iter().map(|p| product_ref(p, None)).collect(),
    }
}

/// A carousel of products with their pictures, prices in the description, and buttons.
pub fn carousel(products: &[&Product]) -> Content {
    let cards = products
        .iter()
        .map(|product| {
            let item = product_ref(product, None);
            let price = item.price.as_ref().map(|p| match &item.compare_at_price {
                Some(was) => format!("{p} (was {was})"),
                None => p.to_string(),
            });
            let description = [price, product.description.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            Card {
                title: product.title.clone(),
                description: Some(clip(&description, 300)),
                media: product.images.first().map(|url| MediaRef {
                    alt: Some(product.title.clone()),
                    mime_type: Some("image/svg+xml".into()),
                    ..MediaRef::from_url(url.clone())
                }),
                actions: item.actions.unwrap_or_default(),
            }
        })
        .collect();
    Content::Carousel { cards }
}

fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}
