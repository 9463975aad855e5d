//! The product catalog: one JSON document per product, plus a variant index for the price and
//! stock filters and an FTS5 index for text search (`0003_catalog.sql`,
//! `0005_catalog_search.sql`).
//!
//! Text search walks the FTS5 index newest first and stops after one page: a product's search
//! row has a rowid ordered like `created_at` (its *search key*), so `ORDER BY rowid DESC
//! LIMIT n` reads n matches however many there are, and the workspace is a token every
//! search requires, so other workspaces' matches are never visited.

use super::error::db_err;
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::{MAX_PAGE, clamp_limit, ms, page};
use jiff::Timestamp;
use shoptalk_core::StoreError;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::{ImportOutcome, OnExistingProduct, ProductQuery};
use shoptalk_types::ids::*;
use shoptalk_types::model::{Page, Product};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// Bits of a search key below the millisecond: room for 2^20 products created in the same
/// millisecond, far beyond any write rate.
const KEY_TIE_BITS: u32 = 20;
/// The latest `created_at` (ms) a key orders; later ones share it. 2^43 ms is the year 2248.
const KEY_MAX_MS: i64 = (1 << 43) - 1;

/// The first and last search keys of `created_at`'s millisecond. Keep in step with `0005`.
fn key_range(created_at: Timestamp) -> (i64, i64) {
    let first = ms(created_at).clamp(0, KEY_MAX_MS) << KEY_TIE_BITS;
    (first, first | ((1 << KEY_TIE_BITS) - 1))
}

fn product_row(row: &SqliteRow) -> R<Product> {
    row.json("doc")
}

/// What the full-text index holds for a product.
fn search_body(p: &Product) -> String {
    let mut body = vec![p.title.as_str()];
    body.extend(p.description.as_deref());
    body.extend(p.tags.iter().map(String::as_str));
    body.extend(p.variants.iter().filter_map(|v| v.sku.as_deref()));
    for l in p.localized.values() {
        body.push(&l.title);
        body.extend(l.description.as_deref());
    }
    body.join("\n")
}

/// The workspace's token in the `workspace` column: its id without dashes, one token.
fn workspace_token(ws: WorkspaceId) -> String {
    ws.0.simple().to_string()
}

/// The workspace's token, and each word of the query as a quoted prefix term of `body`, all
/// required: user text never reaches FTS5's query syntax. `None` when no word remains.
fn match_expr(ws: WorkspaceId, text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| {
        format!(
            "workspace : \"{}\" AND body : ({})",
            workspace_token(ws),
            terms.join(" ")
        )
    })
}

/// Rewrites the variant index rows of a product whose `products` row is in place.
async fn write_variants(conn: &mut SqliteConnection, p: &Product, new: bool) -> R<()> {
    let id = p.id.to_string();
    if !new {
        sqlx::query("DELETE FROM product_variants WHERE product_id = ?1")
            .bind(&id)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    }
    let mut sql = QueryBuilder::<Sqlite>::new(
        "INSERT INTO product_variants (product_id, variant_id, price_minor, in_stock) ",
    );
    sql.push_values(&p.variants, |mut b, v| {
        b.push_bind(id.clone())
            .push_bind(v.id.clone())
            .push_bind(v.price_minor)
            .push_bind(v.inventory.is_none_or(|n| n > 0));
    });
    sql.build().execute(&mut *conn).await.map_err(db_err)?;
    Ok(())
}

/// Writes the product's search row under `key` (contentless rows are replaced by delete and
/// insert).
async fn write_search(conn: &mut SqliteConnection, p: &Product, key: i64, new: bool) -> R<()> {
    if !new {
        delete_search(conn, key).await?;
    }
    sqlx::query("INSERT INTO products_fts (rowid, workspace, body) VALUES (?1, ?2, ?3)")
        .bind(key)
        .bind(workspace_token(p.workspace_id))
        .bind(search_body(p))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

async fn delete_search(conn: &mut SqliteConnection, key: i64) -> R<()> {
    sqlx::query("DELETE FROM products_fts WHERE rowid = ?1")
        .bind(key)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

fn doc(p: &Product) -> R<String> {
    serde_json::to_string(p).map_err(StoreError::backend)
}

/// Inserts the product and its index rows. Its search key is the next free one of its
/// `created_at` millisecond (found through the unique index on `search_rowid`). Past 2^20
/// products in one millisecond, keys would spill into the next millisecond's (or fail on the
/// unique index): a rate no shop reaches.
async fn insert_in(conn: &mut SqliteConnection, p: &Product) -> R<()> {
    let (first, last) = key_range(p.created_at);
    let key: i64 = sqlx::query_scalar(
        "INSERT INTO products (id, workspace_id, external_id, category, doc, created_at,
             updated_at, search_rowid)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,
             (SELECT coalesce(max(search_rowid) + 1, ?8) FROM products
              WHERE search_rowid BETWEEN ?8 AND ?9))
         RETURNING search_rowid",
    )
    .bind(p.id.to_string())
    .bind(p.workspace_id.to_string())
    .bind(p.external_id.as_deref())
    .bind(p.category.as_deref())
    .bind(doc(p)?)
    .bind(ms(p.created_at))
    .bind(ms(p.updated_at))
    .bind(first)
    .bind(last)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_err)?;
    write_variants(conn, p, true).await?;
    write_search(conn, p, key, true).await
}

/// Replaces the stored product (same workspace and id); `false` when there is none. Its
/// place in every order (`created_at`, search key) stays.
async fn replace_in(conn: &mut SqliteConnection, p: &Product) -> R<bool> {
    let key: Option<i64> = sqlx::query_scalar(
        "UPDATE products SET external_id = ?3, category = ?4, doc = ?5, updated_at = ?6
         WHERE workspace_id = ?1 AND id = ?2
         RETURNING search_rowid",
    )
    .bind(p.workspace_id.to_string())
    .bind(p.id.to_string())
    .bind(p.external_id.as_deref())
    .bind(p.category.as_deref())
    .bind(doc(p)?)
    .bind(ms(p.updated_at))
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_err)?;
    let Some(key) = key else {
        return Ok(false);
    };
    write_variants(conn, p, false).await?;
    write_search(conn, p, key, false).await?;
    Ok(true)
}

pub(super) async fn insert(db: &Db, p: &Product) -> R<()> {
    let mut tx = db.write().await?;
    insert_in(&mut tx, p).await?;
    commit(tx).await
}

pub(super) async fn get(db: &Db, ws: WorkspaceId, id: ProductId) -> R<Option<Product>> {
    sqlx::query("SELECT doc FROM products WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .fetch_optional(&db.reader)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(product_row)
        .transpose()
}

pub(super) async fn replace(db: &Db, p: &Product) -> R<bool> {
    let mut tx = db.write().await?;
    let found = replace_in(&mut tx, p).await?;
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn delete(db: &Db, ws: WorkspaceId, id: ProductId) -> R<bool> {
    let mut tx = db.write().await?;
    // The variant rows go by cascade; the search row (no foreign keys in FTS5) by its key.
    let key: Option<i64> = sqlx::query_scalar(
        "DELETE FROM products WHERE workspace_id = ?1 AND id = ?2 RETURNING search_rowid",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    if let Some(key) = key {
        delete_search(&mut tx, key).await?;
    }
    commit(tx).await?;
    Ok(key.is_some())
}

/// The workspace's product with this external id, read through `executor`.
async fn find_by_external_id<'e>(
    executor: impl sqlx::SqliteExecutor<'e>,
    ws: WorkspaceId,
    external_id: &str,
) -> R<Option<Product>> {
    sqlx::query("SELECT doc FROM products WHERE workspace_id = ?1 AND external_id = ?2")
        .bind(ws.to_string())
        .bind(external_id)
        .fetch_optional(executor)
        .await
        .map_err(db_err)?
        .as_ref()
        .map(product_row)
        .transpose()
}

pub(super) async fn by_external_id(
    db: &Db,
    ws: WorkspaceId,
    external_id: &str,
) -> R<Option<Product>> {
    find_by_external_id(&db.reader, ws, external_id).await
}

pub(super) async fn import(
    db: &Db,
    products: &[Product],
    on_existing: OnExistingProduct,
) -> R<Vec<ImportOutcome>> {
    let mut tx = db.write().await?;
    let mut outcomes = Vec::with_capacity(products.len());
    for p in products {
        // On the one writer connection, nothing can take the external id between this
        // lookup and the write.
        let stored = match p.external_id.as_deref() {
            Some(external_id) => find_by_external_id(&mut *tx, p.workspace_id, external_id).await?,
            None => None,
        };
        let outcome = match (stored, on_existing) {
            (None, _) => {
                insert_in(&mut tx, p).await?;
                ImportOutcome::Created
            }
            (Some(_), OnExistingProduct::Skip) => ImportOutcome::ExternalIdTaken,
            (Some(stored), OnExistingProduct::Replace) => {
                let replacement = Product {
                    id: stored.id,
                    created_at: stored.created_at,
                    ..p.clone()
                };
                replace_in(&mut tx, &replacement).await?;
                ImportOutcome::Updated
            }
        };
        outcomes.push(outcome);
    }
    commit(tx).await?;
    Ok(outcomes)
}

/// The category, price and stock conditions of `q` on `products p`.
fn push_filters(sql: &mut QueryBuilder<Sqlite>, q: &ProductQuery) {
    if let Some(category) = &q.category {
        sql.push(" AND p.category = ").push_bind(category.clone());
    }
    let in_stock = q.in_stock == Some(true);
    if q.min_price.is_some() || q.max_price.is_some() || in_stock {
        // One variant must meet every variant condition at once.
        sql.push(" AND EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id");
        if let Some(min) = q.min_price {
            sql.push(" AND v.price_minor >= ").push_bind(min);
        }
        if let Some(max) = q.max_price {
            sql.push(" AND v.price_minor <= ").push_bind(max);
        }
        if in_stock {
            sql.push(" AND v.in_stock = 1");
        }
        sql.push(")");
    }
    if q.in_stock == Some(false) {
        sql.push(
            " AND NOT EXISTS (SELECT 1 FROM product_variants v
                 WHERE v.product_id = p.id AND v.in_stock = 1)",
        );
    }
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &ProductQuery) -> R<Page<Product>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    match q.text.as_deref().filter(|t| !t.trim().is_empty()) {
        Some(text) => match match_expr(ws, text) {
            Some(expr) => search(db, ws, q, expr, limit).await,
            // Nothing searchable (only punctuation) matches nothing.
            None => Ok(Page {
                items: vec![],
                next_cursor: None,
            }),
        },
        None => {
            let mut sql =
                QueryBuilder::<Sqlite>::new("SELECT p.doc FROM products p WHERE p.workspace_id = ");
            sql.push_bind(ws.to_string());
            push_filters(&mut sql, q);
            let order = Order {
                key: "p.created_at",
                id: "p.id",
            };
            fetch_page(db, sql, order, q.after, limit, product_row, |p| Cursor {
                key: ms(p.created_at),
                id: p.id.0,
            })
            .await
        }
    }
}

/// Text search, newest first by search key; the cursor's key is the last search key seen.
/// FTS5 drives (`CROSS JOIN` keeps it outermost) and hands matches over in key order, so the
/// filters run on one page's worth of candidates, not on every match.
async fn search(
    db: &Db,
    ws: WorkspaceId,
    q: &ProductQuery,
    expr: String,
    limit: u32,
) -> R<Page<Product>> {
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT p.doc, products_fts.rowid AS search_key
         FROM products_fts CROSS JOIN products p ON p.search_rowid = products_fts.rowid
         WHERE products_fts MATCH ",
    );
    sql.push_bind(expr)
        // Also checked on the product itself: isolation does not rest on the token alone.
        .push(" AND p.workspace_id = ")
        .push_bind(ws.to_string());
    if let Some(after) = q.after {
        sql.push(" AND products_fts.rowid < ").push_bind(after.key);
    }
    push_filters(&mut sql, q);
    sql.push(" ORDER BY products_fts.rowid DESC LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let rows = sql
        .build()
        .fetch_all(&db.reader)
        .await
        .map_err(db_err)?
        .iter()
        .map(|row| Ok((product_row(row)?, row.int("search_key")?)))
        .collect::<R<Vec<_>>>()?;
    let found = page(rows, limit, |(p, key)| Cursor {
        key: *key,
        id: p.id.0,
    });
    Ok(Page {
        items: found.items.into_iter().map(|(p, _)| p).collect(),
        next_cursor: found.next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;
    use shoptalk_core::store::Store;
    use shoptalk_types::model::Variant;
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
    use std::path::Path;

    #[test]
    fn match_expressions_quote_every_word_and_require_the_workspace() {
        let ws = WorkspaceId::new();
        let token = workspace_token(ws);
        assert_eq!(token.len(), 32);
        assert_eq!(
            match_expr(ws, "blue mug"),
            Some(format!(
                "workspace : \"{token}\" AND body : (\"blue\"* \"mug\"*)"
            ))
        );
        assert_eq!(
            match_expr(ws, "a\"b OR c*"),
            Some(format!(
                "workspace : \"{token}\" AND body : (\"a\"* \"b\"* \"OR\"* \"c\"*)"
            ))
        );
        assert_eq!(match_expr(ws, " -\"* "), None);
    }

    #[test]
    fn search_keys_follow_creation_time() {
        let at = |ms: i64| Timestamp::from_millisecond(ms).unwrap();
        let (first, last) = key_range(at(1_700_000_000_000));
        // One millisecond holds 2^20 keys, just below the next one's.
        assert_eq!(last - first, (1 << KEY_TIE_BITS) - 1);
        assert_eq!(key_range(at(1_700_000_000_001)).0, last + 1);
        // Out of range times clamp instead of overflowing.
        assert_eq!(key_range(at(-5)).0, 0);
        assert_eq!(key_range(Timestamp::MAX).1, i64::MAX);
    }

    fn product(ws: WorkspaceId, title: &str, created_at: Timestamp) -> Product {
        Product {
            id: ProductId::new(),
            workspace_id: ws,
            external_id: None,
            title: title.into(),
            description: None,
            url: None,
            category: None,
            tags: vec![],
            images: vec![],
            currency: "EUR".into(),
            localized: Default::default(),
            variants: vec![Variant {
                id: "v0".into(),
                sku: None,
                title: "Default".into(),
                options: Default::default(),
                price_minor: 100,
                compare_at_minor: None,
                inventory: None,
                image_url: None,
            }],
            created_at,
            updated_at: created_at,
        }
    }

    /// Writes a product the way the catalog did before `0005`.
    async fn insert_before_0005(pool: &SqlitePool, p: &Product, rowid: i64) {
        sqlx::query(
            "INSERT INTO products (id, workspace_id, doc, search_rowid, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )
        .bind(p.id.to_string())
        .bind(p.workspace_id.to_string())
        .bind(doc(p).unwrap())
        .bind(rowid)
        .bind(ms(p.created_at))
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO product_variants (product_id, variant_id, price_minor, in_stock)
             VALUES (?1, 'v0', 100, 1)",
        )
        .bind(p.id.to_string())
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO products_fts (rowid, workspace_id, product_id, body) VALUES (?1, ?2, ?3, ?4)",
        )
        .bind(rowid)
        .bind(p.workspace_id.to_string())
        .bind(p.id.to_string())
        .bind(search_body(p))
        .execute(pool)
        .await
        .unwrap();
    }

    /// A catalog indexed before `0005` comes through it searchable, newest first, and takes
    /// new products in their place.
    #[tokio::test]
    async fn upgrading_keeps_every_product_searchable_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let before = dir.path().join("before_0005");
        std::fs::create_dir(&before).unwrap();
        let migrations = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
        for entry in std::fs::read_dir(migrations).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().as_ref() < "0005" {
                std::fs::copy(entry.path(), before.join(entry.file_name())).unwrap();
            }
        }
        let path = dir.path().join("catalog.db");
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        let migrator = sqlx::migrate::Migrator::new(before.as_path())
            .await
            .unwrap();
        migrator.run(&pool).await.unwrap();
        let ws = WorkspaceId::new();
        sqlx::query(
            "INSERT INTO workspaces (id, name, widget_key, identity_secret, created_at)
             VALUES (?1, 'Shop', 'stw_upgrade', 's', 0)",
        )
        .bind(ws.to_string())
        .execute(&pool)
        .await
        .unwrap();
        let t = crate::common::now();
        let mug = product(ws, "Blue mug", t);
        let vase = product(ws, "Blue vase", t);
        let lamp = product(ws, "Red lamp", t - jiff::SignedDuration::from_millis(5));
        for (rowid, p) in (1..).zip([&mug, &vase, &lamp]) {
            insert_before_0005(&pool, p, rowid).await;
        }
        pool.close().await;

        let store = SqliteStore::open(&path).await.unwrap();
        let bowl = product(ws, "Blue bowl", t - jiff::SignedDuration::from_millis(2));
        store.insert_product(&bowl).await.unwrap();
        let search = |text: &str| ProductQuery {
            text: Some(text.into()),
            ..Default::default()
        };
        let found = |page: Page<Product>| page.items.iter().map(|p| p.id).collect::<Vec<_>>();
        // Same millisecond: the later id first, as the upgrade ranks ties by id.
        assert_eq!(
            found(store.list_products(ws, &search("blue")).await.unwrap()),
            [vase.id, mug.id, bowl.id]
        );
        assert_eq!(
            found(store.list_products(ws, &search("lamp")).await.unwrap()),
            [lamp.id]
        );
        store.close().await;
    }
}
