//! Shop settings: the currency and locale prices are shown in, when a cart counts as
//! abandoned, and which payment provider takes payments.

use super::{Actor, App, Capability};
use crate::error::{DomainError, DomainResult};
use shoptalk_types::commerce::{ShopSettings, ShopSettingsPatch};
use shoptalk_types::currency::minor_units;
use shoptalk_types::ids::WorkspaceId;

/// Shortest and longest idle time before a cart is abandoned: five minutes to thirty days.
const ABANDON_MINUTES: std::ops::RangeInclusive<u32> = 5..=43_200;

impl App {
    /// The workspace's shop settings (defaults until an admin changes them).
    pub async fn shop_settings_of(&self, ws: WorkspaceId) -> DomainResult<ShopSettings> {
        Ok(self.store.shop_settings(ws).await?)
    }

    pub async fn get_shop_settings(&self, actor: &Actor) -> DomainResult<ShopSettings> {
        actor.require(Capability::Read)?;
        self.shop_settings_of(actor.workspace_id()).await
    }

    pub async fn update_shop_settings(
        &self,
        actor: &Actor,
        patch: &ShopSettingsPatch,
    ) -> DomainResult<ShopSettings> {
        actor.require(Capability::Admin)?;
        let ws = actor.workspace_id();
        let settings = patched(self.shop_settings_of(ws).await?, patch)?;
        self.store.put_shop_settings(ws, &settings).await?;
        Ok(settings)
    }
}

fn patched(mut s: ShopSettings, patch: &ShopSettingsPatch) -> DomainResult<ShopSettings> {
    if let Some(code) = &patch.currency {
        s.currency = currency("currency", code)?;
    }
    if let Some(tag) = &patch.locale {
        s.locale = price_locale(tag).ok_or_else(|| {
            DomainError::invalid(
                "locale",
                "must be a BCP 47 tag of language, optional script and region, e.g. de-DE",
            )
        })?;
    }
    if let Some(minutes) = patch.abandon_after_minutes {
        if !ABANDON_MINUTES.contains(&minutes) {
            return Err(DomainError::invalid(
                "abandon_after_minutes",
                "must be 5 to 43200 (thirty days)",
            ));
        }
        s.abandon_after_minutes = minutes;
    }
    if let Some(provider) = patch.payment_provider {
        s.payment_provider = provider;
    }
    Ok(s)
}

/// An active ISO 4217 code, exactly as the standard writes it.
pub(super) fn currency(field: &str, code: &str) -> DomainResult<String> {
    match minor_units(code) {
        Some(_) => Ok(code.to_owned()),
        None => Err(DomainError::invalid(
            field,
            "must be an active ISO 4217 code in upper case, e.g. EUR",
        )),
    }
}

/// The tag browsers format numbers with: `language[-Script][-REGION]` (`de`, `de-CH`,
/// `zh-Hant-TW`, `es-419`), returned in its canonical case.
fn price_locale(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let language = parts.next()?;
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let mut out = language.to_ascii_lowercase();
    let mut rest: Vec<&str> = parts.collect();
    if let Some(script) = rest.first().copied()
        && script.len() == 4
        && script.bytes().all(|b| b.is_ascii_alphabetic())
    {
        out.push('-');
        out.push_str(&script[..1].to_ascii_uppercase());
        out.push_str(&script[1..].to_ascii_lowercase());
        rest.remove(0);
    }
    match rest.as_slice() {
        [] => {}
        [region]
            if (region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()))
                || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit())) =>
        {
            out.push('-');
            out.push_str(&region.to_ascii_uppercase());
        }
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field(r: DomainResult<ShopSettings>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn locales_are_canonicalised() {
        for (given, canonical) in [
            ("de", "de"),
            ("de-de", "de-DE"),
            ("EN-us", "en-US"),
            ("zh-hant-tw", "zh-Hant-TW"),
            ("es-419", "es-419"),
            ("sr-Latn", "sr-Latn"),
        ] {
            assert_eq!(price_locale(given).as_deref(), Some(canonical), "{given}");
        }
        for bad in [
            "", "d", "deutsch", "de-", "de-DEU", "de-DE-x", "de_DE", "1a", "de-12",
        ] {
            assert_eq!(price_locale(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_checks_it() {
        let base = ShopSettings::default();
        let p = ShopSettingsPatch {
            currency: Some("EUR".into()),
            ..Default::default()
        };
        let s = patched(base.clone(), &p).unwrap();
        assert_eq!((s.currency.as_str(), s.locale.as_str()), ("EUR", "en-US"));

        let bad = |p: ShopSettingsPatch| field(patched(base.clone(), &p));
        for code in ["eur", "EURO", "XXX", ""] {
            let p = ShopSettingsPatch {
                currency: Some(code.into()),
                ..Default::default()
            };
            assert_eq!(bad(p), "currency", "{code}");
        }
        let p = ShopSettingsPatch {
            locale: Some("not a locale".into()),
            ..Default::default()
        };
        assert_eq!(bad(p), "locale");
        for minutes in [0, 4, 43_201, u32::MAX] {
            let p = ShopSettingsPatch {
                abandon_after_minutes: Some(minutes),
                ..Default::default()
            };
            assert_eq!(bad(p), "abandon_after_minutes", "{minutes}");
        }
        for minutes in [5, 43_200] {
            let p = ShopSettingsPatch {
                abandon_after_minutes: Some(minutes),
                ..Default::default()
            };
            assert_eq!(
                patched(base.clone(), &p).unwrap().abandon_after_minutes,
                minutes
            );
        }
    }

    proptest! {
        #[test]
        fn any_locale_input_is_refused_or_canonical(tag in "\\PC{0,20}") {
            if let Some(canonical) = price_locale(&tag) {
                prop_assert!(canonical.eq_ignore_ascii_case(&tag));
                prop_assert_eq!(price_locale(&canonical), Some(canonical.clone()));
            }
        }
    }
}
