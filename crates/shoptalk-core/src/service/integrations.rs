//! The workspace's connections to outside systems (Shopify, Stripe), kept by admins. Secrets
//! are write-only: reads say `"set"` where one is stored.

use super::{Actor, App, Capability, UrlGuard};
use crate::StoreError;
use crate::error::{DomainError, DomainResult};
use shoptalk_types::commerce::{Integrations, IntegrationsPatch, ShopifySettings, StripeSettings};

/// What reads show in place of a stored secret. Sent back in a write, it keeps the stored
/// secret, so a client may return what it read.
pub const REDACTED: &str = "set";
const SECRET_MAX: usize = 1024;
const HOSTNAME_MAX: usize = 253;

impl App {
    /// The workspace's integrations, secrets redacted.
    pub async fn get_integrations(&self, actor: &Actor) -> DomainResult<Integrations> {
        actor.require(Capability::Admin)?;
        let stored = self.store.integrations(actor.workspace_id()).await?;
        Ok(redacted(stored))
    }

    /// Connects, changes or disconnects integrations; answers the result, secrets redacted.
    /// A Shopify shop connected to another workspace is a conflict naming `shopify.shop_domain`.
    pub async fn update_integrations(
        &self,
        actor: &Actor,
        patch: &IntegrationsPatch,
    ) -> DomainResult<Integrations> {
        actor.require(Capability::Admin)?;
        let ws = actor.workspace_id();
        let current = self.store.integrations(ws).await?;
        let next = patched(current, patch, &self.url_guard)?;
        self.store
            .put_integrations(ws, &next)
            .await
            .map_err(|e| match e {
                StoreError::Duplicate("shopify_shop_domain") => {
                    DomainError::taken("shopify.shop_domain", "is connected to another workspace")
                }
                other => other.into(),
            })?;
        Ok(redacted(next))
    }
}

fn patched(
    current: Integrations,
    patch: &IntegrationsPatch,
    guard: &UrlGuard,
) -> DomainResult<Integrations> {
    let shopify = match &patch.shopify {
        None => current.shopify,
        Some(None) => None,
        Some(Some(s)) => Some(shopify(s, current.shopify.as_ref(), guard)?),
    };
    let stripe = match &patch.stripe {
        None => current.stripe,
        Some(None) => None,
        Some(Some(s)) => Some(stripe(s, current.stripe.as_ref(), guard)?),
    };
    Ok(Integrations { shopify, stripe })
}

fn shopify(
    new: &ShopifySettings,
    stored: Option<&ShopifySettings>,
    guard: &UrlGuard,
) -> DomainResult<ShopifySettings> {
    let shop_domain = hostname("shopify.shop_domain", &new.shop_domain)?;
    let admin_api_base = api_base("shopify.admin_api_base", &new.admin_api_base, guard)?;
    // Stored secrets belong to the shop and server they were given for: pointed elsewhere,
    // they must be given again, or a "set" would send the stored token to the new host.
    let stored =
        stored.filter(|s| s.shop_domain == shop_domain && s.admin_api_base == admin_api_base);
    let keep = |field: &str, given: &Option<String>, old: Option<&Option<String>>| {
        secret(&format!("shopify.{field}"), given, old.cloned().flatten())
    };
    Ok(ShopifySettings {
        shop_domain,
        webhook_secret: keep(
            "webhook_secret",
            &new.webhook_secret,
            stored.map(|s| &s.webhook_secret),
        )?,
        admin_access_token: keep(
            "admin_access_token",
            &new.admin_access_token,
            stored.map(|s| &s.admin_access_token),
        )?,
        admin_api_base,
    })
}

fn stripe(
    new: &StripeSettings,
    stored: Option<&StripeSettings>,
    guard: &UrlGuard,
) -> DomainResult<StripeSettings> {
    let api_base = api_base("stripe.api_base", &new.api_base, guard)?;
    // As for Shopify: a stored key is never sent to an API base it was not given for.
    let stored = stored.filter(|s| s.api_base == api_base);
    Ok(StripeSettings {
        secret_key: secret(
            "stripe.secret_key",
            &new.secret_key,
            stored.and_then(|s| s.secret_key.clone()),
        )?,
        webhook_secret: secret(
            "stripe.webhook_secret",
            &new.webhook_secret,
            stored.and_then(|s| s.webhook_secret.clone()),
        )?,
        api_base,
    })
}

/// A given secret (non-empty, no spaces or control characters), else the stored one.
fn secret(
    field: &str,
    given: &Option<String>,
    stored: Option<String>,
) -> DomainResult<Option<String>> {
    match given.as_deref().map(str::trim) {
        None | Some(REDACTED) => Ok(stored),
        Some(s)
            if !s.is_empty()
                && s.len() <= SECRET_MAX
                && !s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(Some(s.to_owned()))
        }
        Some(_) => Err(DomainError::invalid(
            field,
            "must be 1 to 1024 characters without spaces",
        )),
    }
}

/// A host name such as `example.myshopify.com`, lower-cased: dot-separated labels of
/// letters, digits and inner hyphens, at least two of them.
fn hostname(field: &str, value: &str) -> DomainResult<String> {
    let host = value.trim().to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let ok =
        host.len() <= HOSTNAME_MAX && host.split('.').count() >= 2 && host.split('.').all(label_ok);
    if ok {
        Ok(host)
    } else {
        Err(DomainError::invalid(
            field,
            "must be the shop's host name, like example.myshopify.com",
        ))
    }
}

/// An API base URL the server may call (the egress policy applies), without a trailing
/// slash.
fn api_base(field: &str, value: &Option<String>, guard: &UrlGuard) -> DomainResult<Option<String>> {
    let Some(url) = value.as_deref().map(str::trim) else {
        return Ok(None);
    };
    let checked = guard(url).map_err(|why| DomainError::invalid(field, why))?;
    Ok(Some(checked.trim_end_matches('/').to_owned()))
}

fn redact(secret: Option<String>) -> Option<String> {
    secret.map(|_| REDACTED.to_owned())
}

fn redacted(i: Integrations) -> Integrations {
    Integrations {
        shopify: i.shopify.map(|s| ShopifySettings {
            webhook_secret: redact(s.webhook_secret),
            admin_access_token: redact(s.admin_access_token),
            ..s
        }),
        stripe: i.stripe.map(|s| StripeSettings {
            secret_key: redact(s.secret_key),
            webhook_secret: redact(s.webhook_secret),
            ..s
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn open_guard() -> UrlGuard {
        Arc::new(|url: &str| {
            if url.starts_with("https://") || url.starts_with("http://") {
                Ok(url.to_owned())
            } else {
                Err("must be an http or https URL".to_owned())
            }
        })
    }

    fn shop(domain: &str) -> ShopifySettings {
        ShopifySettings {
            shop_domain: domain.into(),
            webhook_secret: Some("whsec".into()),
            admin_access_token: Some("shpat_1".into()),
            admin_api_base: None,
        }
    }

    fn invalid_field(r: DomainResult<Integrations>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn absent_keeps_null_disconnects_object_connects() {
        let current = Integrations {
            shopify: Some(shop("a.myshopify.com")),
            stripe: Some(StripeSettings {
                secret_key: Some("sk_test_1".into()),
                ..Default::default()
            }),
        };
        let guard = open_guard();
        let same = patched(current.clone(), &IntegrationsPatch::default(), &guard).unwrap();
        assert_eq!(same, current);
        let patch = IntegrationsPatch {
            shopify: Some(None),
            stripe: None,
        };
        let off = patched(current.clone(), &patch, &guard).unwrap();
        assert_eq!(off.shopify, None);
        assert_eq!(off.stripe, current.stripe);
    }

    #[test]
    fn omitted_or_redacted_secrets_keep_the_stored_ones() {
        let current = Integrations {
            shopify: Some(shop("a.myshopify.com")),
            stripe: None,
        };
        let patch = IntegrationsPatch {
            shopify: Some(Some(ShopifySettings {
                shop_domain: "A.MyShopify.com".into(),
                webhook_secret: None,
                admin_access_token: Some(REDACTED.into()),
                admin_api_base: None,
            })),
            stripe: None,
        };
        let next = patched(current, &patch, &open_guard()).unwrap();
        let s = next.shopify.unwrap();
        assert_eq!(s.shop_domain, "a.myshopify.com");
        assert_eq!(s.webhook_secret.as_deref(), Some("whsec"));
        assert_eq!(s.admin_access_token.as_deref(), Some("shpat_1"));
    }

    #[test]
    fn stored_secrets_never_follow_a_new_destination() {
        let current = Integrations {
            shopify: Some(shop("a.myshopify.com")),
            stripe: Some(StripeSettings {
                secret_key: Some("sk_test_1".into()),
                webhook_secret: Some("whsec_1".into()),
                api_base: None,
            }),
        };
        let patch = IntegrationsPatch {
            shopify: Some(Some(ShopifySettings {
                admin_access_token: Some(REDACTED.into()),
                webhook_secret: None,
                admin_api_base: Some("https://admin.example/api/".into()),
                ..shop("a.myshopify.com")
            })),
            stripe: Some(Some(StripeSettings {
                secret_key: Some(REDACTED.into()),
                webhook_secret: None,
                api_base: Some("https://stripe.example".into()),
            })),
        };
        let next = patched(current, &patch, &open_guard()).unwrap();
        let s = next.shopify.unwrap();
        assert_eq!(
            s.admin_api_base.as_deref(),
            Some("https://admin.example/api")
        );
        assert_eq!((s.admin_access_token, s.webhook_secret), (None, None));
        let st = next.stripe.unwrap();
        assert_eq!((st.secret_key, st.webhook_secret), (None, None));
    }

    #[test]
    fn bad_values_name_their_field() {
        let guard = open_guard();
        let with = |s: ShopifySettings| IntegrationsPatch {
            shopify: Some(Some(s)),
            stripe: None,
        };
        for domain in [
            "",
            "localhost",
            "shop..myshopify.com",
            "-a.example",
            "a b.example",
            "https://a.example",
        ] {
            let r = patched(Integrations::default(), &with(shop(domain)), &guard);
            assert_eq!(invalid_field(r), "shopify.shop_domain", "{domain:?}");
        }
        let mut s = shop("a.myshopify.com");
        s.webhook_secret = Some("  ".into());
        let r = patched(Integrations::default(), &with(s), &guard);
        assert_eq!(invalid_field(r), "shopify.webhook_secret");
        let mut s = shop("a.myshopify.com");
        s.admin_api_base = Some("ftp://x".into());
        let r = patched(Integrations::default(), &with(s), &guard);
        assert_eq!(invalid_field(r), "shopify.admin_api_base");
        let stripe = IntegrationsPatch {
            shopify: None,
            stripe: Some(Some(StripeSettings {
                secret_key: Some(String::new()),
                ..Default::default()
            })),
        };
        let r = patched(Integrations::default(), &stripe, &guard);
        assert_eq!(invalid_field(r), "stripe.secret_key");
    }

    #[test]
    fn reads_never_show_a_secret() {
        let i = redacted(Integrations {
            shopify: Some(shop("a.myshopify.com")),
            stripe: Some(StripeSettings {
                secret_key: Some("sk_live_x".into()),
                webhook_secret: None,
                api_base: None,
            }),
        });
        let text = serde_json::to_string(&i).unwrap();
        assert!(!text.contains("whsec") && !text.contains("shpat_1") && !text.contains("sk_live"));
        assert_eq!(i.shopify.unwrap().webhook_secret.as_deref(), Some("set"));
        assert_eq!(i.stripe.unwrap().webhook_secret, None);
    }

    proptest! {
        #[test]
        fn hostnames_are_refused_or_lower_case_labels(value in "\\PC{0,40}") {
            if let Ok(host) = hostname("f", &value) {
                prop_assert!(host.split('.').count() >= 2);
                prop_assert!(host.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'));
                prop_assert_eq!(hostname("f", &host).unwrap(), host);
            }
        }
    }
}
