//! Bulk import of the catalog: up to 10,000 products in one call, from a JSON body or a CSV
//! export (one row per variant, see [`csv_file`]). Every product is checked by the catalog's
//! own rules and written whole or not at all; the report names each refused product's
//! problems by row and field, so a shop can fix its file and send it again.

mod csv_file;

use super::products::new_product;
use super::{Actor, App, Capability};
use crate::error::{DomainError, DomainResult};
use crate::store::{ImportOutcome, OnExistingProduct};
use shoptalk_types::ids::WorkspaceId;
use shoptalk_types::model::{NewProduct, Product, ProductImportError, ProductImportReport};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Products one import may hold.
pub const IMPORT_MAX_PRODUCTS: usize = 10_000;
/// Largest import body, JSON or CSV.
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Products written per transaction. The store has one writer, shared with chat: at a few
/// tenths of a millisecond a product, a whole import in one transaction would hold messages
/// back for seconds, a chunk for some tens of milliseconds.
const WRITE_CHUNK: usize = 100;

/// The body of an import, as the edge received it.
#[derive(Debug)]
pub enum ImportSource<'a> {
    /// The `products` of a JSON body, each decoded on its own so that one bad product spoils
    /// no other.
    Json(Vec<serde_json::Value>),
    /// A CSV file, one record per variant.
    Csv(&'a [u8]),
}

/// Where a decoded product came from, to report its problems in the sender's terms.
enum Origin {
    /// `products[index]` of a JSON body.
    Json {
        index: u32,
    },
    Csv(csv_file::Rows),
}

impl Origin {
    /// Where the product starts, in words: `products[3]`, `row 7`.
    fn place(&self) -> String {
        match self {
            Self::Json { index } => format!("products[{index}]"),
            Self::Csv(rows) => format!("row {}", rows.first_row()),
        }
    }

    fn error(&self, field: &str, message: impl Into<String>) -> ProductImportError {
        let (row, field) = match self {
            Self::Json { index } => (*index, field.to_owned()),
            Self::Csv(rows) => rows.locate(field),
        };
        ProductImportError {
            row,
            field,
            message: message.into(),
        }
    }
}

/// A product decoded from the body, not yet checked.
struct Candidate {
    new: NewProduct,
    origin: Origin,
}

/// What decoding gave: products to check and write, and the problems of the refused ones.
#[derive(Default)]
struct Decoded {
    candidates: Vec<Candidate>,
    failed: u32,
    errors: Vec<ProductImportError>,
}

fn too_many() -> DomainError {
    DomainError::invalid(
        "products",
        format!("an import holds at most {IMPORT_MAX_PRODUCTS} products; split the file"),
    )
}

fn decode_json(values: Vec<serde_json::Value>) -> DomainResult<Decoded> {
    if values.len() > IMPORT_MAX_PRODUCTS {
        return Err(too_many());
    }
    let mut decoded = Decoded::default();
    for (index, value) in (0u32..).zip(values) {
        let origin = Origin::Json { index };
        match serde_path_to_error::deserialize::<_, NewProduct>(value) {
            Ok(new) => decoded.candidates.push(Candidate { new, origin }),
            Err(e) => {
                decoded.failed += 1;
                let field = json_field(&e.path().to_string(), &e.inner().to_string());
                decoded
                    .errors
                    .push(origin.error(&field, e.into_inner().to_string()));
            }
        }
    }
    Ok(decoded)
}

/// The field a serde error is about: its path, completed by the field serde names in
/// backticks when one is unknown or missing.
fn json_field(path: &str, message: &str) -> String {
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next())
        .filter(|name| !name.is_empty());
    match (path, named) {
        ("." | "", Some(name)) => name.to_owned(),
        ("." | "", None) => "product".to_owned(),
        (path, Some(name)) if !path.ends_with(name) => format!("{path}.{name}"),
        (path, _) => path.to_owned(),
    }
}

/// An import body read and checked, nothing written yet: the products to write, and the
/// problems of the refused ones.
pub struct ImportPlan {
    products: Vec<Product>,
    /// Where each of `products` came from.
    origins: Vec<Origin>,
    failed: u32,
    errors: Vec<ProductImportError>,
}

impl ImportPlan {
    /// Decodes `source` and applies the catalog's rules, as products of workspace `ws`.
    /// Refuses the whole body (a bad CSV header, too many products) with an error naming why.
    pub fn read(ws: WorkspaceId, source: ImportSource<'_>) -> DomainResult<Self> {
        let decoded = match source {
            ImportSource::Json(values) => decode_json(values)?,
            ImportSource::Csv(bytes) => csv_file::decode(bytes)?,
        };
        check(ws, decoded)
    }

    /// The products to write, valid by the catalog's rules.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// How many products were refused.
    pub fn failed(&self) -> u32 {
        self.failed
    }

    /// The refused products' problems, at least one each.
    pub fn errors(&self) -> &[ProductImportError] {
        &self.errors
    }
}

/// Applies the catalog's rules to each candidate, and refuses a second product with an
/// external id already seen in this import (a CSV groups such rows instead, so this only
/// happens in JSON).
fn check(ws: WorkspaceId, decoded: Decoded) -> DomainResult<ImportPlan> {
    let Decoded {
        candidates,
        mut failed,
        mut errors,
    } = decoded;
    let mut products = Vec::with_capacity(candidates.len());
    let mut origins = Vec::with_capacity(candidates.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    for Candidate { new, origin } in candidates {
        let product = match new_product(ws, &new) {
            Ok(product) => product,
            Err(DomainError::Invalid { field, message }) => {
                failed += 1;
                errors.push(origin.error(&field, message));
                continue;
            }
            Err(other) => return Err(other),
        };
        if let Some(external_id) = &product.external_id {
            match seen.entry(external_id.clone()) {
                Entry::Occupied(first) => {
                    failed += 1;
                    errors.push(origin.error(
                        "external_id",
                        format!(
                            "is used by an earlier product of this import ({})",
                            first.get()
                        ),
                    ));
                    continue;
                }
                Entry::Vacant(slot) => {
                    slot.insert(origin.place());
                }
            }
        }
        products.push(product);
        origins.push(origin);
    }
    Ok(ImportPlan {
        products,
        origins,
        failed,
        errors,
    })
}

impl App {
    /// Imports products: each valid one is created, or with `upsert` written over the
    /// product of the workspace with the same `external_id` (which keeps its id and creation
    /// time); each invalid one is written not at all and reported.
    pub async fn import_products(
        &self,
        actor: &Actor,
        source: ImportSource<'_>,
        upsert: bool,
    ) -> DomainResult<ProductImportReport> {
        actor.require(Capability::Write)?;
        let ImportPlan {
            products,
            origins,
            failed,
            errors,
        } = ImportPlan::read(actor.workspace_id(), source)?;
        let on_existing = if upsert {
            OnExistingProduct::Replace
        } else {
            OnExistingProduct::Skip
        };
        let mut report = ProductImportReport {
            created: 0,
            updated: 0,
            failed,
            errors,
        };
        for (chunk, origins) in products
            .chunks(WRITE_CHUNK)
            .zip(origins.chunks(WRITE_CHUNK))
        {
            let outcomes = self.store.import_products(chunk, on_existing).await?;
            for (outcome, origin) in outcomes.into_iter().zip(origins) {
                match outcome {
                    ImportOutcome::Created => report.created += 1,
                    ImportOutcome::Updated => report.updated += 1,
                    ImportOutcome::ExternalIdTaken => {
                        report.failed += 1;
                        report.errors.push(origin.error(
                            "external_id",
                            "is already used by a product of this workspace; \
                             import with upsert_by_external_id to replace it",
                        ));
                    }
                }
            }
        }
        report
            .errors
            .sort_by(|a, b| (a.row, &a.field).cmp(&(b.row, &b.field)));
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn product(external_id: &str, price: i64) -> serde_json::Value {
        json!({
            "external_id": external_id,
            "title": "Mug",
            "currency": "EUR",
            "variants": [{"title": "Default", "price_minor": price}],
        })
    }

    fn decode_and_check(values: Vec<serde_json::Value>) -> (usize, Vec<ProductImportError>) {
        let plan = ImportPlan::read(WorkspaceId::new(), ImportSource::Json(values)).unwrap();
        let mut errors = plan.errors().to_vec();
        errors.sort_by_key(|e| e.row);
        assert_eq!(plan.failed() as usize, errors.len());
        (plan.products().len(), errors)
    }

    #[test]
    fn json_products_are_refused_one_by_one_with_their_index_and_path() {
        let mut unknown = product("c", 1);
        unknown["colour"] = json!("blue");
        let mut missing = product("d", 1);
        missing.as_object_mut().unwrap().remove("title");
        let (good, errors) = decode_and_check(vec![
            product("a", 1),
            product("b", -1),
            unknown,
            missing,
            json!({"title": "x", "currency": "EUR", "variants": [{"title": "d", "price_minor": "12"}]}),
            json!(7),
        ]);
        assert_eq!(good, 1);
        let got: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(
            got,
            [
                (1, "variants[0].price_minor"),
                (2, "colour"),
                (3, "title"),
                (4, "variants[0].price_minor"),
                (5, "product"),
            ]
        );
        assert!(errors.iter().all(|e| !e.message.is_empty()));
    }

    #[test]
    fn a_repeated_external_id_refuses_the_later_product() {
        let (good, errors) = decode_and_check(vec![product("a", 1), product("a", 2)]);
        assert_eq!(good, 1);
        assert_eq!(
            (errors[0].row, errors[0].field.as_str()),
            (1, "external_id")
        );
        assert!(
            errors[0].message.contains("(products[0])"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn more_than_the_limit_is_refused_whole() {
        let values = vec![json!({}); IMPORT_MAX_PRODUCTS + 1];
        assert!(matches!(
            decode_json(values),
            Err(DomainError::Invalid { field, .. }) if field == "products"
        ));
    }
}
