//! The CSV form of a catalog import, shaped like a shop platform's product export: a header
//! row, then one record per variant; records with the same `external_id` are one product.
//!
//! Columns (names case-insensitive, in any order; an unknown or repeated name is refused):
//!
//! | column | |
//! |---|---|
//! | `external_id` | required; groups a product's rows |
//! | `title` | required |
//! | `description`, `url`, `category` | |
//! | `tags` | separated by commas |
//! | `images` | URLs separated by spaces |
//! | `currency` | required; ISO 4217, e.g. `EUR` |
//! | `option1_name` … `option10_name` | e.g. `Size` |
//! | `variant_id`, `sku` | |
//! | `variant_title` | default: the option values joined by ` / `, or `Default` |
//! | `option1_value` … `option10_value` | e.g. `M`; empty: the variant has no such option |
//! | `price` | required; a decimal in the currency's unit (`12.99` EUR, `1200` JPY) |
//! | `compare_at_price` | the same form |
//! | `inventory` | a whole number; empty: stock not tracked |
//! | `image_url` | |
//!
//! Product columns (`title` to `currency`, and the option names) are read from a product's
//! first row; on its other rows they may be empty or repeat it. A blank record is skipped.
//! Prices are parsed digit by digit into minor units, never through floating point.

use super::{Candidate, Decoded, IMPORT_MAX_PRODUCTS, Origin, too_many};
use crate::error::{DomainError, DomainResult};
use shoptalk_types::currency::minor_units;
use shoptalk_types::model::{NewProduct, ProductImportError, Variant};
use std::collections::{BTreeMap, HashMap};

/// Option pairs a header may have; the catalog allows as many options per variant.
const OPTIONS: u8 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    ExternalId,
    Title,
    Description,
    Url,
    Category,
    Tags,
    Images,
    Currency,
    OptionName(u8),
    VariantId,
    Sku,
    VariantTitle,
    OptionValue(u8),
    Price,
    CompareAtPrice,
    Inventory,
    ImageUrl,
}

use Column::*;

/// The columns whose value belongs to the product, not to one variant.
const PRODUCT_COLUMNS: [Column; 8] = [
    ExternalId,
    Title,
    Description,
    Url,
    Category,
    Tags,
    Images,
    Currency,
];
const REQUIRED: [Column; 4] = [ExternalId, Title, Currency, Price];

impl Column {
    fn parse(name: &str) -> Option<Self> {
        let option = |suffix: &str| -> Option<u8> {
            let n: u8 = name
                .strip_prefix("option")?
                .strip_suffix(suffix)?
                .parse()
                .ok()?;
            (1..=OPTIONS).contains(&n).then_some(n)
        };
        Some(match name {
            "external_id" => ExternalId,
            "title" => Title,
            "description" => Description,
            "url" => Url,
            "category" => Category,
            "tags" => Tags,
            "images" => Images,
            "currency" => Currency,
            "variant_id" => VariantId,
            "sku" => Sku,
            "variant_title" => VariantTitle,
            "price" => Price,
            "compare_at_price" => CompareAtPrice,
            "inventory" => Inventory,
            "image_url" => ImageUrl,
            _ => {
                if let Some(n) = option("_name") {
                    OptionName(n)
                } else {
                    OptionValue(option("_value")?)
                }
            }
        })
    }

    fn name(self) -> String {
        match self {
            ExternalId => "external_id".into(),
            Title => "title".into(),
            Description => "description".into(),
            Url => "url".into(),
            Category => "category".into(),
            Tags => "tags".into(),
            Images => "images".into(),
            Currency => "currency".into(),
            OptionName(n) => format!("option{n}_name"),
            VariantId => "variant_id".into(),
            Sku => "sku".into(),
            VariantTitle => "variant_title".into(),
            OptionValue(n) => format!("option{n}_value"),
            Price => "price".into(),
            CompareAtPrice => "compare_at_price".into(),
            Inventory => "inventory".into(),
            ImageUrl => "image_url".into(),
        }
    }

    fn of_product(self) -> bool {
        PRODUCT_COLUMNS.contains(&self) || matches!(self, OptionName(_))
    }
}

/// The header: which column each position holds.
struct Header {
    columns: Vec<Column>,
    at: HashMap<Column, usize>,
}

fn header_error(column: impl Into<String>, message: impl Into<String>) -> DomainError {
    DomainError::invalid(column, message)
}

impl Header {
    fn parse(record: &csv::ByteRecord) -> DomainResult<Self> {
        let mut columns = Vec::with_capacity(record.len());
        let mut at = HashMap::new();
        for (i, raw) in record.iter().enumerate() {
            // Spreadsheets save UTF-8 with a byte-order mark before the first name.
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            let name = std::str::from_utf8(raw)
                .map_err(|_| header_error("header", "column names must be UTF-8 text"))?
                .trim()
                .to_ascii_lowercase();
            let column = Column::parse(&name).ok_or_else(|| {
                header_error(
                    name.clone(),
                    "is not a column of a catalog import (see the route's documentation)",
                )
            })?;
            if at.insert(column, i).is_some() {
                return Err(header_error(name, "appears twice in the header"));
            }
            columns.push(column);
        }
        for column in REQUIRED {
            if !at.contains_key(&column) {
                return Err(header_error(column.name(), "is a required column"));
            }
        }
        for n in 1..=OPTIONS {
            let (name, value) = (OptionName(n), OptionValue(n));
            if at.contains_key(&name) != at.contains_key(&value) {
                let missing = if at.contains_key(&name) { value } else { name };
                return Err(header_error(
                    missing.name(),
                    "is needed with its pair: an option has a name column and a value column",
                ));
            }
        }
        Ok(Self { columns, at })
    }

    fn options(&self) -> impl Iterator<Item = u8> + '_ {
        (1..=OPTIONS).filter(|n| self.at.contains_key(&OptionName(*n)))
    }
}

/// One record's cells, trimmed.
struct Record {
    row: u32,
    cells: HashMap<Column, String>,
}

impl Record {
    fn get(&self, column: Column) -> &str {
        self.cells.get(&column).map_or("", String::as_str)
    }

    fn opt(&self, column: Column) -> Option<String> {
        Some(self.get(column))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    fn error(&self, column: Column, message: impl Into<String>) -> ProductImportError {
        ProductImportError {
            row: self.row,
            field: column.name(),
            message: message.into(),
        }
    }
}

/// Reads one record: each cell as text, or an error naming the first cell that is not.
fn read_record(
    header: &Header,
    row: u32,
    raw: &csv::ByteRecord,
) -> Result<Option<Record>, ProductImportError> {
    let whole_row = |message: String| ProductImportError {
        row,
        field: "row".into(),
        message,
    };
    if raw.iter().all(|cell| cell.trim_ascii().is_empty()) {
        return Ok(None);
    }
    if raw.len() != header.columns.len() {
        return Err(whole_row(format!(
            "has {} cells; the header has {}",
            raw.len(),
            header.columns.len()
        )));
    }
    let mut cells = HashMap::with_capacity(raw.len());
    for (column, cell) in header.columns.iter().zip(raw) {
        let text = std::str::from_utf8(cell).map_err(|_| ProductImportError {
            row,
            field: column.name(),
            message: "is not valid UTF-8 text".into(),
        })?;
        cells.insert(*column, text.trim().to_owned());
    }
    Ok(Some(Record { row, cells }))
}

/// Where a CSV product's parts are: its first row, each variant's row, and its option names
/// (by option number).
pub(super) struct Rows {
    first: u32,
    variants: Vec<u32>,
    options: Vec<(u8, String)>,
}

impl Rows {
    pub(super) fn first_row(&self) -> u32 {
        self.first
    }

    /// The row and column behind a field of the product (`variants[2].price_minor` → the
    /// third variant's row, `price`).
    pub(super) fn locate(&self, field: &str) -> (u32, String) {
        let variant = field
            .strip_prefix("variants[")
            .and_then(|rest| rest.split_once(']'))
            .and_then(|(i, tail)| Some((self.variants.get(i.parse::<usize>().ok()?)?, tail)));
        let Some((row, tail)) = variant else {
            let column = match field.split(['.', '[']).next().unwrap_or(field) {
                "variants" => "external_id",
                other => other,
            };
            return (self.first, column.to_owned());
        };
        let tail = tail.trim_start_matches('.');
        let column = match tail.split_once('.') {
            Some(("options", key)) => self
                .options
                .iter()
                .find(|(_, name)| name == key)
                .map_or("option1_value".to_owned(), |(n, _)| OptionValue(*n).name()),
            _ => match tail {
                "id" => VariantId.name(),
                "sku" => Sku.name(),
                "title" => VariantTitle.name(),
                "options" => OptionName(1).name(),
                "price_minor" => Price.name(),
                "compare_at_minor" => CompareAtPrice.name(),
                "inventory" => Inventory.name(),
                "image_url" => ImageUrl.name(),
                other => other.to_owned(),
            },
        };
        (*row, column)
    }
}

/// A product being gathered from its rows.
struct Group {
    first: Record,
    variants: Vec<Record>,
    errors: Vec<ProductImportError>,
}

/// Decodes a CSV body. A bad header refuses the whole body; a bad record refuses its product
/// only (a record without a usable `external_id` is a product of its own, refused).
pub(super) fn decode(bytes: &[u8]) -> DomainResult<Decoded> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(record)) => Header::parse(&record)?,
        Some(Err(_)) => return Err(header_error("header", "the header row cannot be read")),
        None => {
            return Err(header_error(
                "header",
                "the file is empty: send a header row, then one row per variant",
            ));
        }
    };
    let mut decoded = Decoded::default();
    let mut groups: Vec<Group> = Vec::new();
    let mut by_external_id: HashMap<String, usize> = HashMap::new();
    // The header is row 1.
    for (row, record) in (2u32..).zip(records) {
        let record = match record {
            Ok(raw) => read_record(&header, row, &raw),
            Err(e) => Err(ProductImportError {
                row,
                field: "row".into(),
                message: format!("cannot be read: {e}"),
            }),
        };
        let record = match record {
            Ok(Some(record)) => record,
            Ok(None) => continue,
            Err(error) => {
                decoded.failed += 1;
                decoded.errors.push(error);
                continue;
            }
        };
        let external_id = record.get(ExternalId).to_owned();
        if external_id.is_empty() {
            decoded.failed += 1;
            decoded.errors.push(record.error(
                ExternalId,
                "is required: rows with the same external_id are one product",
            ));
            continue;
        }
        match by_external_id.get(&external_id) {
            Some(&i) => {
                let group = &mut groups[i];
                group.errors.extend(differences(&group.first, &record));
                group.variants.push(record);
            }
            None => {
                if groups.len() == IMPORT_MAX_PRODUCTS {
                    return Err(too_many());
                }
                by_external_id.insert(external_id, groups.len());
                groups.push(Group {
                    first: Record {
                        row: record.row,
                        cells: (record.cells.iter())
                            .filter(|(column, _)| column.of_product())
                            .map(|(column, value)| (*column, value.clone()))
                            .collect(),
                    },
                    variants: vec![record],
                    errors: vec![],
                });
            }
        }
    }
    for group in groups {
        match product(&header, group) {
            Ok(candidate) => decoded.candidates.push(candidate),
            Err(errors) => {
                decoded.failed += 1;
                decoded.errors.extend(errors);
            }
        }
    }
    Ok(decoded)
}

/// A later row of a product may leave product columns empty or repeat them, not change them.
fn differences<'a>(
    first: &'a Record,
    later: &'a Record,
) -> impl Iterator<Item = ProductImportError> + 'a {
    (later.cells.iter())
        .filter(|(column, value)| {
            column.of_product() && !value.is_empty() && first.get(**column) != value.as_str()
        })
        .map(move |(column, _)| {
            later.error(
                *column,
                format!(
                    "differs from the product's first row (row {}); leave it empty or repeat it",
                    first.row
                ),
            )
        })
}

/// The option names of a product (from its first row) by option number, and an error for
/// each name that repeats an earlier one (kept in the list, so its values still find it).
fn option_names(header: &Header, first: &Record) -> (Vec<(u8, String)>, Vec<ProductImportError>) {
    let mut names: Vec<(u8, String)> = Vec::new();
    let mut errors = Vec::new();
    for n in header.options() {
        let name = first.get(OptionName(n));
        if name.is_empty() {
            continue;
        }
        if let Some((other, _)) = names.iter().find(|(_, seen)| seen == name) {
            errors.push(first.error(
                OptionName(n),
                format!("repeats option{other}_name; option names must differ"),
            ));
        }
        names.push((n, name.to_owned()));
    }
    (names, errors)
}

/// Gathers a product from its rows, or every problem found in them.
fn product(header: &Header, group: Group) -> Result<Candidate, Vec<ProductImportError>> {
    let Group {
        first,
        variants: records,
        mut errors,
    } = group;
    let (options, naming_errors) = option_names(header, &first);
    errors.extend(naming_errors);
    let currency = first.get(Currency).to_owned();
    let mut variants = Vec::with_capacity(records.len());
    for record in &records {
        match variant(header, &options, minor_units(&currency), record) {
            Ok(v) => variants.push(v),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let list = |column: Column, split: fn(&str) -> Vec<&str>| -> Vec<String> {
        split(first.get(column))
            .into_iter()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let new = NewProduct {
        external_id: first.opt(ExternalId),
        title: first.get(Title).to_owned(),
        description: first.opt(Description),
        url: first.opt(Url),
        category: first.opt(Category),
        tags: list(Tags, |s| s.split(',').collect()),
        images: list(Images, |s| s.split_whitespace().collect()),
        currency,
        localized: BTreeMap::new(),
        variants,
    };
    Ok(Candidate {
        new,
        origin: Origin::Csv(Rows {
            first: first.row,
            variants: records.iter().map(|r| r.row).collect(),
            options,
        }),
    })
}

/// One record as a variant. `digits` is the currency's minor-unit digits; when the currency
/// is not one, prices are left at 0 unread: the product is refused for its currency.
fn variant(
    header: &Header,
    options: &[(u8, String)],
    digits: Option<u8>,
    record: &Record,
) -> Result<Variant, Vec<ProductImportError>> {
    let mut errors = Vec::new();
    let mut chosen = BTreeMap::new();
    let mut values = Vec::new();
    for n in header.options() {
        let value = record.get(OptionValue(n));
        if value.is_empty() {
            continue;
        }
        match options.iter().find(|(m, _)| *m == n) {
            Some((_, name)) => {
                chosen.insert(name.clone(), value.to_owned());
                values.push(value);
            }
            None => errors.push(record.error(
                OptionValue(n),
                format!("needs option{n}_name on the product's first row"),
            )),
        }
    }
    let mut price = |column: Column| -> Option<i64> {
        let cell = record.get(column);
        let digits = digits?;
        if cell.is_empty() {
            return None;
        }
        parse_decimal(cell, digits)
            .map_err(|message| errors.push(record.error(column, message)))
            .ok()
    };
    let price_minor = price(Price);
    let compare_at_minor = price(CompareAtPrice);
    if digits.is_some() && record.get(Price).is_empty() {
        errors.push(record.error(Price, "is required"));
    }
    let inventory = match record.get(Inventory) {
        "" => None,
        cell => match cell.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(record.error(Inventory, "must be a whole number, e.g. 12"));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let title = match record.get(VariantTitle) {
        "" if values.is_empty() => "Default".to_owned(),
        "" => values.join(" / "),
        title => title.to_owned(),
    };
    Ok(Variant {
        id: record.get(VariantId).to_owned(),
        sku: record.opt(Sku),
        title,
        options: chosen,
        price_minor: price_minor.unwrap_or(0),
        compare_at_minor,
        inventory,
        image_url: record.opt(ImageUrl),
    })
}

/// A decimal amount in minor units: `12.99` with 2 digits is 1299, `12` is 1200. Only ASCII
/// digits and one point, at most `digits` of them after it; no sign, exponent or grouping.
pub(super) fn parse_decimal(text: &str, digits: u8) -> Result<i64, String> {
    let shape = || {
        if digits == 0 {
            "must be a whole amount in this currency, e.g. 1200".to_owned()
        } else {
            format!(
                "must be an amount with at most {digits} decimals, e.g. 12.{}",
                "9".repeat(usize::from(digits))
            )
        }
    };
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let well_formed = !whole.is_empty()
        && all_digits(whole)
        && all_digits(fraction)
        && fraction.len() <= usize::from(digits)
        && (!fraction.is_empty() || !text.ends_with('.'));
    if !well_formed {
        return Err(shape());
    }
    let scale = 10i64.pow(u32::from(digits) - fraction.len() as u32);
    let padded = format!("{whole}{fraction}");
    padded
        .bytes()
        .try_fold(0i64, |n, b| {
            n.checked_mul(10)?.checked_add(i64::from(b - b'0'))
        })
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| "is too large".to_owned())
}

#[cfg(test)]
mod tests;
