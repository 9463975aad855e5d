//! Latency of catalog search (`Store::list_products`) on a seeded catalog: text, category,
//! price and stock filters, pages of 50 (the first, or a later one through its cursor). Prints
//! p50/p99 per query kind; asserts nothing.
//!
//! ```text
//! cargo run --release -p shoptalk-store --example catalog_search -- \
//!     [products=100000] [queries=500] [dir=$TMPDIR]
//! ```
//!
//! Seeding goes through `insert_product`, one durable transaction per product, exactly as the
//! API writes; on a slow disk pass fewer products.

use jiff::Timestamp;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use std::time::{Duration, Instant};

#[path = "support/bench_workspace.rs"]
mod bench_workspace;

const WORDS: &[&str] = &[
    "blue", "red", "green", "linen", "cotton", "wool", "ceramic", "steel", "oak", "mug", "shirt",
    "lamp", "chair", "scarf", "teapot", "bowl", "jacket", "candle", "vase", "towel",
];
const CATEGORIES: &[&str] = &["kitchen", "clothing", "home", "garden", "office"];

/// A small deterministic generator, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[(self.next() % from.len() as u64) as usize]
    }
}

fn product(ws: WorkspaceId, i: usize, rng: &mut Rng) -> Product {
    let t = Timestamp::now();
    let title = format!(
        "{} {} {}",
        rng.pick(WORDS),
        rng.pick(WORDS),
        rng.pick(WORDS)
    );
    let variants = (0..1 + rng.next() % 4)
        .map(|v| Variant {
            id: format!("v{v}"),
            sku: Some(format!("SKU-{i}-{v}")),
            title: format!("Variant {v}"),
            options: Default::default(),
            price_minor: (rng.next() % 100_000) as i64,
            compare_at_minor: None,
            inventory: match rng.next() % 3 {
                0 => None,
                1 => Some(0),
                _ => Some((rng.next() % 50) as i64),
            },
            image_url: None,
        })
        .collect();
    Product {
        id: ProductId::new(),
        workspace_id: ws,
        external_id: Some(format!("ext-{i}")),
        title,
        description: Some(format!(
            "A {} {} for every day.",
            rng.pick(WORDS),
            rng.pick(WORDS)
        )),
        url: None,
        category: Some(rng.pick(CATEGORIES).into()),
        tags: vec![rng.pick(WORDS).into()],
        images: vec![],
        currency: "EUR".into(),
        localized: Default::default(),
        variants,
        created_at: t,
        updated_at: t,
    }
}

fn one_word(r: &mut Rng) -> ProductQuery {
    ProductQuery {
        text: Some(r.pick(WORDS).into()),
        ..Default::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let products: usize = arg(0, "100000").parse()?;
    let queries: usize = arg(1, "500").parse()?;
    let dir = tempfile::TempDir::new_in(arg(2, &std::env::temp_dir().to_string_lossy()))?;
    let store = SqliteStore::open(&dir.path().join("bench.db")).await?;

    let (ws, _owner) = bench_workspace::create(&store).await?;

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let seeding = Instant::now();
    for i in 0..products {
        store.insert_product(&product(ws, i, &mut rng)).await?;
    }
    println!("seeded {products} products in {:.1?}", seeding.elapsed());

    type MakeQuery = fn(&mut Rng) -> ProductQuery;
    // What each kind asks, and which of its pages is timed (earlier ones are read untimed,
    // for the cursor).
    let kinds: &[(&str, MakeQuery, usize)] = &[
        ("all, newest first", |_| ProductQuery::default(), 1),
        ("text, one word", one_word, 1),
        ("text, one word, page 2", one_word, 2),
        (
            "text, two words",
            |r| ProductQuery {
                text: Some(format!("{} {}", r.pick(WORDS), &r.pick(WORDS)[..3])),
                ..Default::default()
            },
            1,
        ),
        (
            "text, first letter",
            |r| ProductQuery {
                text: Some(r.pick(WORDS)[..1].into()),
                ..Default::default()
            },
            1,
        ),
        (
            "text, rare (a SKU)",
            |r| ProductQuery {
                text: Some(format!("sku-{}", r.next() % 100_000)),
                ..Default::default()
            },
            1,
        ),
        (
            "category",
            |r| ProductQuery {
                category: Some(r.pick(CATEGORIES).into()),
                ..Default::default()
            },
            1,
        ),
        (
            "price range + in stock",
            |r| {
                let min = (r.next() % 90_000) as i64;
                ProductQuery {
                    min_price: Some(min),
                    max_price: Some(min + 5_000),
                    in_stock: Some(true),
                    ..Default::default()
                }
            },
            1,
        ),
        (
            "text + category + price",
            |r| ProductQuery {
                text: Some(r.pick(WORDS).into()),
                category: Some(r.pick(CATEGORIES).into()),
                max_price: Some(20_000),
                ..Default::default()
            },
            1,
        ),
    ];
    println!("{:<26} {:>10} {:>10} {:>8}", "query", "p50", "p99", "items");
    for (name, make, timed_page) in kinds {
        let mut times = Vec::with_capacity(queries);
        let mut items = 0;
        for _ in 0..queries {
            let mut q = ProductQuery {
                limit: 50,
                ..make(&mut rng)
            };
            for _ in 1..*timed_page {
                let page = store.list_products(ws, &q).await?;
                q.after = page.next_cursor.as_deref().and_then(Cursor::decode);
            }
            let started = Instant::now();
            let page = store.list_products(ws, &q).await?;
            times.push(started.elapsed());
            items += page.items.len();
        }
        times.sort();
        println!(
            "{name:<26} {:>10.2?} {:>10.2?} {:>8.1}",
            percentile(&times, 0.5),
            percentile(&times, 0.99),
            items as f64 / queries as f64
        );
    }
    Ok(())
}
