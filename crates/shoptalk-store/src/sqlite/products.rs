//! The product catalog: one JSON document per product, plus a variant index for the price and
//! stock filters and an FTS5 table for text search (see `0003_catalog.sql`).

use super::error::db_err;
use super::keyset::{Order, fetch_page};
use super::rows::{R, RowExt};
use super::{Db, commit};
use crate::common::{MAX_PAGE, clamp_limit, ms};
use shoptalk_core::StoreError;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::ProductQuery;
use shoptalk_types::ids::*;
use shoptalk_types::model::{Page, Product};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

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

/// Each word of the query as a quoted prefix term, all required: user text never reaches
/// FTS5's query syntax. `None` when no word remains.
fn match_expr(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// Writes the index rows (variants, text) of a product whose `products` row is in place.
async fn write_indexes(conn: &mut SqliteConnection, p: &Product, new: bool) -> R<()> {
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
    if new {
        sqlx::query(
            "INSERT INTO products_fts (workspace_id, product_id, body) VALUES (?1, ?2, ?3)",
        )
        .bind(p.workspace_id.to_string())
        .bind(&id)
        .bind(search_body(p))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
        sqlx::query("UPDATE products SET search_rowid = last_insert_rowid() WHERE id = ?1")
            .bind(&id)
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
    } else {
        sqlx::query(
            "UPDATE products_fts SET body = ?2
             WHERE rowid = (SELECT search_rowid FROM products WHERE id = ?1)",
        )
        .bind(&id)
        .bind(search_body(p))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

fn doc(p: &Product) -> R<String> {
    serde_json::to_string(p).map_err(StoreError::backend)
}

pub(super) async fn insert(db: &Db, p: &Product) -> R<()> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO products (id, workspace_id, external_id, category, doc, created_at,
             updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(p.id.to_string())
    .bind(p.workspace_id.to_string())
    .bind(p.external_id.as_deref())
    .bind(p.category.as_deref())
    .bind(doc(p)?)
    .bind(ms(p.created_at))
    .bind(ms(p.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    write_indexes(&mut tx, p, true).await?;
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
    let found = sqlx::query(
        "UPDATE products SET external_id = ?3, category = ?4, doc = ?5, updated_at = ?6
         WHERE workspace_id = ?1 AND id = ?2",
    )
    .bind(p.workspace_id.to_string())
    .bind(p.id.to_string())
    .bind(p.external_id.as_deref())
    .bind(p.category.as_deref())
    .bind(doc(p)?)
    .bind(ms(p.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?
    .rows_affected()
        > 0;
    if found {
        write_indexes(&mut tx, p, false).await?;
    }
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn delete(db: &Db, ws: WorkspaceId, id: ProductId) -> R<bool> {
    let mut tx = db.write().await?;
    // The FTS table has no foreign keys: its row goes first, by the product's rowid of it.
    sqlx::query(
        "DELETE FROM products_fts WHERE rowid =
             (SELECT search_rowid FROM products WHERE workspace_id = ?1 AND id = ?2)",
    )
    .bind(ws.to_string())
    .bind(id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    // The variant rows go by cascade.
    let found = sqlx::query("DELETE FROM products WHERE workspace_id = ?1 AND id = ?2")
        .bind(ws.to_string())
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected()
        > 0;
    commit(tx).await?;
    Ok(found)
}

pub(super) async fn list(db: &Db, ws: WorkspaceId, q: &ProductQuery) -> R<Page<Product>> {
    let limit = clamp_limit(q.limit, MAX_PAGE);
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT doc, created_at, id FROM products WHERE workspace_id = ",
    );
    sql.push_bind(ws.to_string());
    if let Some(text) = q.text.as_deref() {
        match match_expr(text) {
            Some(expr) => {
                sql.push(
                    " AND search_rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ",
                )
                .push_bind(expr)
                .push(" AND workspace_id = ")
                .push_bind(ws.to_string())
                .push(")");
            }
            // Nothing searchable (only punctuation) matches nothing.
            None if !text.trim().is_empty() => {
                sql.push(" AND 0");
            }
            None => {}
        }
    }
    if let Some(category) = &q.category {
        sql.push(" AND category = ").push_bind(category.clone());
    }
    let in_stock = q.in_stock == Some(true);
    if q.min_price.is_some() || q.max_price.is_some() || in_stock {
        // One variant must meet every variant condition at once.
        sql.push(" AND EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = products.id");
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
                 WHERE v.product_id = products.id AND v.in_stock = 1)",
        );
    }
    let order = Order {
        key: "created_at",
        id: "id",
    };
    fetch_page(db, sql, order, q.after, limit, product_row, |p| Cursor {
        key: ms(p.created_at),
        id: p.id.0,
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expressions_quote_every_word() {
        assert_eq!(
            match_expr("blue mug").as_deref(),
            Some("\"blue\"* \"mug\"*")
        );
        assert_eq!(
            match_expr("a\"b OR c*").as_deref(),
            Some("\"a\"* \"b\"* \"OR\"* \"c\"*")
        );
        assert_eq!(match_expr(" -\"* "), None);
    }
}
