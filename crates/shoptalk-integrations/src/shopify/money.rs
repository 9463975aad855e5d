//! Shopify's amounts of money: decimal strings in the currency's major unit (`"19.99"`),
//! sometimes JSON numbers (`41.94`) in older resources. Converted to integers of minor units
//! from the decimal text, digit by digit: no arithmetic on floats, so no rounding.

use serde::{Deserialize, Deserializer};
use shoptalk_types::currency::minor_units;

/// Longest amount text accepted: far more digits than any `i64` of minor units needs.
const MAX_CHARS: usize = 32;

/// An amount as Shopify wrote it, not yet tied to a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amount(pub String);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AmountVisitor;

        impl serde::de::Visitor<'_> for AmountVisitor {
            type Value = Amount;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a decimal amount")
            }

            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Amount, E> {
                Ok(Amount(s.to_owned()))
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Amount, E> {
                Ok(Amount(n.to_string()))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Amount, E> {
                Ok(Amount(n.to_string()))
            }

            /// Older resources write amounts as JSON numbers (`41.94`); the shortest text
            /// that reads back as the same float is the decimal that was written.
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Amount, E> {
                if n.is_finite() {
                    Ok(Amount(n.to_string()))
                } else {
                    Err(E::invalid_value(serde::de::Unexpected::Float(n), &self))
                }
            }
        }

        d.deserialize_any(AmountVisitor)
    }
}

impl Amount {
    /// Minor units of `currency` (`"19.99"` USD → 1999, `"500"` JPY → 500).
    pub fn minor(&self, currency: &str) -> Result<i64, String> {
        to_minor(&self.0, currency)
    }
}

/// Parses `[-]digits[.digits]` into minor units of `currency`. More decimals than the
/// currency has are accepted only when they are zeros (`"19.990"`): anything else would need
/// rounding, and a price must never be rounded silently.
pub fn to_minor(text: &str, currency: &str) -> Result<i64, String> {
    let digits = minor_units(currency)
        .ok_or_else(|| format!("{currency:?} is not an ISO 4217 currency code"))?
        as usize;
    let text = text.trim();
    let bad = || format!("{text:?} is not a decimal amount");
    if text.is_empty() || text.len() > MAX_CHARS {
        return Err(bad());
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(bad());
    }
    if unsigned.contains('.') && fraction.is_empty() {
        return Err(bad());
    }
    let (kept, dropped) = fraction.split_at(fraction.len().min(digits));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(format!(
            "{text:?} has more decimals than {currency} allows ({digits})"
        ));
    }
    let padded = format!("{whole}{kept:0<digits$}");
    // At most MAX_CHARS + 3 digits: always within i128, so only the final fit can fail.
    let magnitude: i128 = padded.parse().map_err(|_| bad())?;
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map_err(|_| format!("{text:?} is too large"))
}

/// Minor units written the way Shopify's Admin API takes amounts (`1999` USD → `"19.99"`).
pub fn to_decimal(minor: i64, currency: &str) -> Result<String, String> {
    let digits = minor_units(currency)
        .ok_or_else(|| format!("{currency:?} is not an ISO 4217 currency code"))?
        as usize;
    let sign = if minor < 0 { "-" } else { "" };
    let units = minor.unsigned_abs().to_string();
    if digits == 0 {
        return Ok(format!("{sign}{units}"));
    }
    let padded = format!("{units:0>width$}", width = digits + 1);
    let (whole, fraction) = padded.split_at(padded.len() - digits);
    Ok(format!("{sign}{whole}.{fraction}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_shopify_amounts() {
        assert_eq!(to_minor("19.99", "USD"), Ok(1999));
        assert_eq!(to_minor("0.0", "USD"), Ok(0));
        assert_eq!(to_minor("0.00", "USD"), Ok(0));
        assert_eq!(to_minor("369.97", "USD"), Ok(36997));
        assert_eq!(to_minor("5", "USD"), Ok(500));
        assert_eq!(to_minor("5.5", "EUR"), Ok(550));
        assert_eq!(to_minor("1000", "JPY"), Ok(1000));
        assert_eq!(to_minor("1000.00", "JPY"), Ok(1000));
        assert_eq!(to_minor("1.234", "BHD"), Ok(1234));
        assert_eq!(to_minor("19.990", "USD"), Ok(1999));
        assert_eq!(to_minor("-5.00", "USD"), Ok(-500));
    }

    #[test]
    fn refuses_what_would_need_rounding_or_guessing() {
        for bad in [
            "", "abc", "1.2.3", "1,50", ".5", "5.", "--1", "+1", "1e3", " ", "NaN",
        ] {
            assert!(to_minor(bad, "USD").is_err(), "{bad:?}");
        }
        assert!(to_minor("1.005", "USD").unwrap_err().contains("decimals"));
        assert!(to_minor("10.5", "JPY").is_err());
        assert!(to_minor("1.00", "usd").is_err());
        assert!(
            to_minor("99999999999999999999", "USD")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn numbers_and_strings_deserialize_alike() {
        let a: Amount = serde_json::from_str("41.94").unwrap();
        let b: Amount = serde_json::from_str("\"41.94\"").unwrap();
        assert_eq!(a.minor("USD"), Ok(4194));
        assert_eq!(b.minor("USD"), Ok(4194));
        assert!(serde_json::from_str::<Amount>("null").is_err());
        assert!(serde_json::from_str::<Amount>("[1]").is_err());
    }

    #[test]
    fn writes_amounts_for_the_admin_api() {
        assert_eq!(to_decimal(1999, "USD").unwrap(), "19.99");
        assert_eq!(to_decimal(5, "EUR").unwrap(), "0.05");
        assert_eq!(to_decimal(0, "EUR").unwrap(), "0.00");
        assert_eq!(to_decimal(1500, "JPY").unwrap(), "1500");
        assert_eq!(to_decimal(1234, "BHD").unwrap(), "1.234");
        assert_eq!(to_decimal(-250, "USD").unwrap(), "-2.50");
        assert!(to_decimal(1, "XXX").is_err());
    }

    proptest! {
        #[test]
        fn decimal_text_round_trips(minor in any::<i64>(), code in prop::sample::select(vec!["USD", "JPY", "BHD", "EUR"])) {
            let text = to_decimal(minor, code).unwrap();
            prop_assert_eq!(to_minor(&text, code), Ok(minor));
        }

        #[test]
        fn any_text_is_parsed_or_refused(text in "\\PC{0,40}") {
            if let Ok(minor) = to_minor(&text, "USD") {
                // What parsed reads back as the same amount.
                prop_assert_eq!(to_minor(&to_decimal(minor, "USD").unwrap(), "USD"), Ok(minor));
            }
        }
    }
}
