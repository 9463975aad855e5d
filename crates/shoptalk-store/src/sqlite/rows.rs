//! Typed access to SQLite rows. Every getter returns an error on a missing column, a wrong
//! type or an unparsable value: data from the database is never unwrapped.

use super::error::db_err;
use crate::common::{corrupt, from_ms, parse_id, parse_json};
use jiff::Timestamp;
use shoptalk_core::error::StoreError;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

pub(crate) type R<T> = Result<T, StoreError>;

pub(crate) trait RowExt {
    fn text(&self, col: &str) -> R<String>;
    fn opt_text(&self, col: &str) -> R<Option<String>>;
    fn int(&self, col: &str) -> R<i64>;
    fn opt_int(&self, col: &str) -> R<Option<i64>>;
    fn flag(&self, col: &str) -> R<bool>;
    fn time(&self, col: &str) -> R<Timestamp>;
    fn opt_time(&self, col: &str) -> R<Option<Timestamp>>;
    fn id<T: std::str::FromStr>(&self, col: &str) -> R<T>;
    fn opt_id<T: std::str::FromStr>(&self, col: &str) -> R<Option<T>>;
    fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> R<T>;
}

impl RowExt for SqliteRow {
    fn text(&self, col: &str) -> R<String> {
        self.try_get(col).map_err(db_err)
    }

    fn opt_text(&self, col: &str) -> R<Option<String>> {
        self.try_get(col).map_err(db_err)
    }

    fn int(&self, col: &str) -> R<i64> {
        self.try_get(col).map_err(db_err)
    }

    fn opt_int(&self, col: &str) -> R<Option<i64>> {
        self.try_get(col).map_err(db_err)
    }

    fn flag(&self, col: &str) -> R<bool> {
        match self.int(col)? {
            0 => Ok(false),
            1 => Ok(true),
            n => Err(corrupt(format!("{col} = {n} is not a boolean"))),
        }
    }

    fn time(&self, col: &str) -> R<Timestamp> {
        from_ms(self.int(col)?)
    }

    fn opt_time(&self, col: &str) -> R<Option<Timestamp>> {
        self.opt_int(col)?.map(from_ms).transpose()
    }

    fn id<T: std::str::FromStr>(&self, col: &str) -> R<T> {
        parse_id(&self.text(col)?, col)
    }

    fn opt_id<T: std::str::FromStr>(&self, col: &str) -> R<Option<T>> {
        self.opt_text(col)?.map(|s| parse_id(&s, col)).transpose()
    }

    fn json<T: serde::de::DeserializeOwned>(&self, col: &str) -> R<T> {
        parse_json(&self.text(col)?, col)
    }
}
