//! Which URLs of a message become tracked links, and the swap itself. Pure: the caller
//! supplies fresh tokens and stores what was swapped.
//!
//! Rewritten: the URLs a shopper opens by pressing something and never reads — `link` and
//! `webview` actions (wherever actions appear), a product's `url`, a cart's `checkout_url`,
//! an order's `tracking_url`, and a payment request's `pay_url` when it is a provider's page.
//! After the redirect the address bar shows the real destination.
//!
//! Left alone:
//! - URLs in text (messages, captions, list bodies, descriptions). Text is stored exactly as
//!   its author wrote it, and a shopper reads a URL in text before opening it: an opaque
//!   `…/r/Zq3…` in place of the address they were told about would hide where it goes and
//!   look like phishing, and copying it would carry the token instead of the address.
//!   Renderers still auto-link such URLs; those clicks are simply not counted.
//! - Media (`media.url`, `image_url`): browsers load them, nobody clicks them.
//! - This server's own pay page (`/pay/…`), which records what the customer does there
//!   itself, and its tracked links (`/r/…`), which would otherwise count a click twice.
//! - Anything that is not an absolute `http(s)` URL.

use shoptalk_types::Content;
use shoptalk_types::content::{Action, ProductRef};

/// One URL swapped for a tracked link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Swap {
    pub token: String,
    /// The URL as sent, where the tracked link redirects to.
    pub url: String,
}

/// This server's own addresses, from its public base URL.
#[derive(Debug, Clone)]
pub struct OwnUrls {
    /// The public base URL as configured, without a trailing slash: tracked links start here.
    base: String,
    /// Normalised (`url::Url`) prefixes of the paths never to rewrite: `…/r/`, `…/pay/`.
    untouchable: [String; 2],
}

impl OwnUrls {
    pub fn new(public_url: &str) -> Self {
        let base = public_url.trim_end_matches('/').to_owned();
        let normalised = url::Url::parse(&base)
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
            .unwrap_or_else(|_| base.clone());
        Self {
            untouchable: [format!("{normalised}/r/"), format!("{normalised}/pay/")],
            base,
        }
    }

    /// The tracked link of `token`.
    pub fn tracked(&self, token: &str) -> String {
        format!("{}/r/{token}", self.base)
    }

    /// Whether `url` is one a shopper's click should be counted on.
    fn is_trackable(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else {
            return false;
        };
        // Compared in normal form, so `HTTP://Host/r/x` is recognised as ours too.
        matches!(parsed.scheme(), "http" | "https")
            && !self
                .untouchable
                .iter()
                .any(|prefix| parsed.as_str().starts_with(prefix.as_str()))
    }
}

/// Swaps every trackable URL of `content` for a tracked link. A URL that appears more than
/// once in the message gets one token. Returns what was swapped; empty when nothing was (and
/// then `public_url` was not even looked at: most messages carry no link).
pub fn rewrite_links(
    content: &mut Content,
    public_url: &str,
    mut new_token: impl FnMut() -> String,
) -> Vec<Swap> {
    let mut own: Option<OwnUrls> = None;
    let mut swaps: Vec<Swap> = Vec::new();
    visit_link_urls(content, &mut |url: &mut String| {
        let own = own.get_or_insert_with(|| OwnUrls::new(public_url));
        if !own.is_trackable(url) {
            return;
        }
        let token = match swaps.iter().find(|s| s.url == *url) {
            Some(swap) => swap.token.clone(),
            None => {
                let token = new_token();
                swaps.push(Swap {
                    token: token.clone(),
                    url: url.clone(),
                });
                token
            }
        };
        *url = own.tracked(&token);
    });
    swaps
}

/// Calls `f` on every URL of `content` a shopper opens by pressing something (the fields
/// listed in the module documentation), in document order.
fn visit_link_urls(content: &mut Content, f: &mut impl FnMut(&mut String)) {
    match content {
        Content::Text { quick_replies, .. } => {
            for action in quick_replies.iter_mut().flatten() {
                visit_action(action, f);
            }
        }
        Content::Carousel { cards } => {
            for action in cards.iter_mut().flat_map(|c| c.actions.iter_mut()) {
                visit_action(action, f);
            }
        }
        Content::Product(product) => visit_product(product, f),
        Content::Products { items } => items.iter_mut().for_each(|p| visit_product(p, f)),
        Content::Cart { checkout_url, .. } => checkout_url.iter_mut().for_each(f),
        Content::Order { tracking_url, .. } => tracking_url.iter_mut().for_each(f),
        Content::PaymentRequest { pay_url, .. } => pay_url.iter_mut().for_each(f),
        Content::Postback { .. }
        | Content::Image { .. }
        | Content::Video { .. }
        | Content::Audio { .. }
        | Content::File { .. }
        | Content::Location { .. }
        | Content::List { .. }
        | Content::Form { .. }
        | Content::FormResponse { .. } => {}
    }
}

fn visit_product(product: &mut ProductRef, f: &mut impl FnMut(&mut String)) {
    product.url.iter_mut().for_each(&mut *f);
    for action in product.actions.iter_mut().flatten() {
        visit_action(action, f);
    }
}

fn visit_action(action: &mut Action, f: &mut impl FnMut(&mut String)) {
    match action {
        Action::Link { url, .. } | Action::Webview { url, .. } => f(url),
        Action::Reply { .. }
        | Action::Postback { .. }
        | Action::AddToCart { .. }
        | Action::Buy { .. }
        | Action::Checkout { .. }
        | Action::LocationRequest { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;
    use shoptalk_types::content::{Card, CartLine, MediaRef, Money};
    use std::collections::HashMap;

    const BASE: &str = "https://chat.shop.example";

    fn counter() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            // Not a shape the strategies below produce, so no sent URL equals a new link.
            format!("Tok_{n}")
        }
    }

    fn content(value: serde_json::Value) -> Content {
        serde_json::from_value(value).unwrap()
    }

    /// Every swapped URL put back: what the tracked links lead to.
    fn restore(mut rewritten: Content, swaps: &[Swap]) -> Content {
        let own = OwnUrls::new(BASE);
        let by_link: HashMap<String, &str> = swaps
            .iter()
            .map(|s| (own.tracked(&s.token), s.url.as_str()))
            .collect();
        visit_link_urls(&mut rewritten, &mut |url: &mut String| {
            if let Some(original) = by_link.get(url.as_str()) {
                *url = original.to_string();
            }
        });
        rewritten
    }

    fn urls(content: &Content) -> Vec<String> {
        let mut found = Vec::new();
        visit_link_urls(&mut content.clone(), &mut |url: &mut String| {
            found.push(url.clone())
        });
        found
    }

    #[test]
    fn buttons_product_and_commerce_urls_become_tracked_links() {
        let mut carousel = content(json!({"type": "carousel", "cards": [
            {"title": "Suit", "media": {"url": "https://cdn.example/suit.jpg"}, "actions": [
                {"type": "link", "text": "View", "url": "https://shop.example/suit"},
                {"type": "webview", "text": "Sizes", "url": "https://shop.example/sizes"},
                {"type": "postback", "text": "More", "payload": "more"}]},
            {"title": "Hat", "actions": [
                {"type": "link", "text": "View", "url": "https://shop.example/suit"}]}
        ]}));
        let swaps = rewrite_links(&mut carousel, BASE, counter());
        assert_eq!(
            swaps,
            vec![
                Swap {
                    token: "Tok_1".into(),
                    url: "https://shop.example/suit".into()
                },
                Swap {
                    token: "Tok_2".into(),
                    url: "https://shop.example/sizes".into()
                },
            ],
            "one token per distinct URL"
        );
        assert_eq!(
            urls(&carousel),
            [
                "https://chat.shop.example/r/Tok_1",
                "https://chat.shop.example/r/Tok_2",
                "https://chat.shop.example/r/Tok_1"
            ]
        );
        let Content::Carousel { cards } = &carousel else {
            unreachable!()
        };
        assert_eq!(
            cards[0].media,
            Some(MediaRef::from_url("https://cdn.example/suit.jpg")),
            "media is loaded, not clicked"
        );

        let mut order = content(
            json!({"type": "order", "order_id": "o1", "status": "shipped",
            "tracking_url": "https://track.example/JD01"}),
        );
        assert_eq!(rewrite_links(&mut order, BASE, counter()).len(), 1);
        let mut cart = Content::Cart {
            cart_id: None,
            items: vec![CartLine {
                product_id: "p".into(),
                variant_id: None,
                title: "Shirt".into(),
                quantity: 1,
                unit_price: Money::new(100, "EUR"),
            }],
            total: None,
            checkout_url: Some("https://shop.example/checkout".into()),
        };
        assert_eq!(rewrite_links(&mut cart, BASE, counter()).len(), 1);
        let mut product = content(json!({"type": "product", "product_id": "p1",
            "image_url": "https://cdn.example/p1.jpg", "url": "https://shop.example/p1"}));
        rewrite_links(&mut product, BASE, counter());
        let Content::Product(p) = &product else {
            unreachable!()
        };
        assert_eq!(p.url.as_deref(), Some("https://chat.shop.example/r/Tok_1"));
        assert_eq!(p.image_url.as_deref(), Some("https://cdn.example/p1.jpg"));
    }

    #[test]
    fn text_media_and_our_own_pages_are_left_alone() {
        let untouched = [
            Content::text("See https://shop.example/sizes"),
            content(json!({"type": "image", "media": {"url": "https://cdn.example/a.png"}})),
            content(
                json!({"type": "payment_request", "amount_minor": 100, "currency": "EUR",
                "description": "x", "pay_url": "https://chat.shop.example/pay/0190"}),
            ),
            content(
                json!({"type": "payment_request", "amount_minor": 100, "currency": "EUR",
                "description": "x", "pay_url": "HTTPS://CHAT.shop.example:443/pay/0190"}),
            ),
            content(
                json!({"type": "carousel", "cards": [{"title": "Again", "actions": [
                {"type": "link", "text": "Go", "url": "https://chat.shop.example/r/abc"}]}]}),
            ),
            content(json!({"type": "product", "product_id": "p", "url": "ftp://x.example/"})),
        ];
        for original in untouched {
            let mut rewritten = original.clone();
            assert_eq!(rewrite_links(&mut rewritten, BASE, counter()), vec![]);
            assert_eq!(rewritten, original);
        }
        let mut provider_page = content(json!({"type": "payment_request", "amount_minor": 100,
            "currency": "EUR", "description": "x", "pay_url": "https://checkout.stripe.com/c/cs_1"}));
        assert_eq!(rewrite_links(&mut provider_page, BASE, counter()).len(), 1);
    }

    #[test]
    fn a_base_with_a_path_or_trailing_slash_gives_clean_links() {
        let own = OwnUrls::new("https://shop.example/chat/");
        assert_eq!(own.tracked("t"), "https://shop.example/chat/r/t");
        assert!(!own.is_trackable("https://shop.example/chat/r/t"));
        assert!(!own.is_trackable("https://shop.example/chat/pay/p"));
        assert!(own.is_trackable("https://shop.example/r/t"));
        assert!(own.is_trackable("https://shop.example/chat/products"));
    }

    // ------------------------------------------------------------ property tests

    fn any_url() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "(https?|HTTPS?|javascript|data|ftp):(//)?[a-zA-Z0-9@.:/%?#\\[\\]-]{0,30}",
            "https://(shop|chat\\.shop|CHAT\\.SHOP)\\.example(:443)?/(r|pay|p)/[a-z0-9%/]{0,8}",
        ]
    }

    fn any_action() -> impl Strategy<Value = Action> {
        let text = ".{0,8}";
        prop_oneof![
            (text, any_url()).prop_map(|(text, url)| Action::Link { text, url }),
            (text, any_url()).prop_map(|(text, url)| Action::Webview {
                text,
                url,
                size: None
            }),
            (text, ".{0,8}").prop_map(|(text, payload)| Action::Postback { text, payload }),
        ]
    }

    fn any_product() -> impl Strategy<Value = ProductRef> {
        (
            proptest::option::of(any_url()),
            proptest::option::of(any_url()),
            proptest::option::of(prop::collection::vec(any_action(), 0..4)),
        )
            .prop_map(|(url, image_url, actions)| ProductRef {
                product_id: "p".into(),
                variant_id: None,
                title: None,
                price: None,
                compare_at_price: None,
                stock: None,
                image_url,
                url,
                actions,
            })
    }

    fn any_content() -> impl Strategy<Value = Content> {
        let card = (
            proptest::option::of(any_url()),
            prop::collection::vec(any_action(), 0..4),
        )
            .prop_map(|(media, actions)| Card {
                title: "Card".into(),
                description: None,
                media: media.map(MediaRef::from_url),
                actions,
            });
        prop_oneof![
            (
                any_url(),
                proptest::option::of(prop::collection::vec(any_action(), 0..3))
            )
                .prop_map(|(text, quick_replies)| Content::Text {
                    text,
                    quick_replies
                }),
            prop::collection::vec(card, 0..5).prop_map(|cards| Content::Carousel { cards }),
            any_product().prop_map(Content::Product),
            prop::collection::vec(any_product(), 0..4)
                .prop_map(|items| Content::Products { items }),
            proptest::option::of(any_url()).prop_map(|tracking_url| Content::Order {
                order_id: "o".into(),
                number: None,
                status: "paid".into(),
                total: None,
                tracking_number: None,
                tracking_url,
                carrier: None,
            }),
            proptest::option::of(any_url()).prop_map(|pay_url| Content::PaymentRequest {
                amount_minor: 1,
                currency: "EUR".into(),
                description: "x".into(),
                order_id: None,
                pay_url,
            }),
            any_url().prop_map(|url| Content::Image {
                media: MediaRef::from_url(url),
                caption: None,
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn every_tracked_link_leads_back_to_the_url_sent(original in any_content()) {
            let mut rewritten = original.clone();
            let swaps = rewrite_links(&mut rewritten, BASE, counter());
            prop_assert_eq!(restore(rewritten.clone(), &swaps), original.clone());
            // Each token stands for one URL, each URL for one token.
            let tokens: std::collections::HashSet<_> = swaps.iter().map(|s| &s.token).collect();
            let targets: std::collections::HashSet<_> = swaps.iter().map(|s| &s.url).collect();
            prop_assert_eq!(tokens.len(), swaps.len());
            prop_assert_eq!(targets.len(), swaps.len());
            // Nothing is tracked twice, and what is sent stays valid.
            let mut again = rewritten.clone();
            prop_assert_eq!(rewrite_links(&mut again, BASE, counter()), vec![]);
            if original.validate().is_ok() {
                prop_assert_eq!(rewritten.validate(), Ok(()));
            }
        }
    }
}
