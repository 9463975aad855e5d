//! TEMPORARY probe (not to be committed).
use jiff::Timestamp;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use std::time::{Duration, Instant};
use sqlx::Row;

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


#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = std::path::PathBuf::from(&args[0]);
    let fresh = !path.exists();
    let store = SqliteStore::open(&path).await?;
    if fresh {
        let (ws, _) = bench_workspace::create(&store).await?;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let t = Instant::now();
        let mut batch = Vec::new();
        for i in 0..100_000 {
            batch.push(product(ws, i, &mut rng));
            if batch.len() == 1000 {
                store.import_products(&batch, OnExistingProduct::Skip).await?;
                batch.clear();
            }
        }
        println!("seeded in {:?}", t.elapsed());
    }
    store.close().await;
    let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&format!("sqlite://{}", path.display())).await?;
    sqlx::query("PRAGMA cache_size=-65536").execute(&pool).await?;
    let ws: String = sqlx::query_scalar("SELECT workspace_id FROM products LIMIT 1").fetch_one(&pool).await?;
    let tok = ws.replace('-', "");
    for sql in args[1..].iter() {
        let sql = sql.replace("WS", &tok).replace("WID", &ws);
        let mut times = Vec::new();
        let mut n = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let rows = sqlx::query(&sql).fetch_all(&pool).await?;
            times.push(t.elapsed());
            n = rows.len();
        }
        times.sort();
        println!("{:>10.2?} {:>10.2?} rows={n}  {sql}", times[15], times[29]);
        let plan = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&pool).await?;
        for r in plan { let d: String = r.get(3); println!("      {d}"); }
    }
    let _ = Duration::ZERO; let _ = Timestamp::now();
    Ok(())
}
