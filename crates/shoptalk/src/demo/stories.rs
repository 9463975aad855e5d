//! The demo's customers and what happened between them and the shop: questions about sizes
//! and stock, a personal shopper's picks, carts left behind, and orders in every state from
//! placed to refunded, with a return on the way.

use super::Catalog;
use super::cards;
use super::script::{Step, Story};
use serde_json::json;
use shoptalk_types::Content;
use shoptalk_types::commerce::OrderAction;
use shoptalk_types::model::{ConversationStatus, NewContact, Product};
use std::collections::BTreeMap;

fn content(value: serde_json::Value) -> Content {
    serde_json::from_value(value).expect("demo content matches the content model")
}

fn contact(external_id: &str, name: &str, email: &str, locale: &str, tz: &str) -> NewContact {
    NewContact {
        external_id: Some(external_id.into()),
        name: Some(name.into()),
        email: Some(email.into()),
        locale: Some(locale.into()),
        timezone: Some(tz.into()),
        ..NewContact::default()
    }
}

use Step::*;

fn says(text: &str) -> Step {
    Says(Content::text(text))
}

fn replies(text: &str) -> Step {
    Replies(Content::text(text))
}

fn ship(carrier: &str, tracking: &str) -> OrderAction {
    OrderAction::Fulfil {
        carrier: Some(carrier.into()),
        tracking_number: Some(tracking.into()),
        tracking_url: Some(format!(
            "https://www.dhl.com/global-en/home/tracking.html?tracking-id={tracking}"
        )),
        notify: true,
    }
}

/// Every story of the demo, in the order they are played.
pub fn stories(catalog: &Catalog) -> Vec<Story> {
    let p = |slug: &str| -> &Product {
        catalog
            .get(slug)
            .unwrap_or_else(|| panic!("the demo catalog has {slug}"))
    };
    let add = |items: &[(&'static str, &'static str, u32)]| {
        AddsToCart(
            items
                .iter()
                .map(|(slug, variant, quantity)| (p(slug).id, *variant, *quantity))
                .collect(),
        )
    };
    vec![
        Story {
            contact: contact(
                "cust-1001",
                "Amélie Durand",
                "amelie@example.com",
                "fr-FR",
                "Europe/Paris",
            ),
            status: ConversationStatus::Open,
            labels: &["sizing"],
            steps: vec![
                says("Bonjour ! Do the linen shirts run small? I'm usually an M."),
                Replies(content(json!({
                    "type": "text",
                    "text": "They run true to size. Which colour would you like?",
                    "quick_replies": [
                        {"type": "reply", "text": "Sand", "payload": "colour:sand"},
                        {"type": "reply", "text": "Navy", "payload": "colour:navy"}
                    ]
                }))),
                says("Navy please"),
                Replies(Content::Product(cards::product_ref(
                    p("linen-shirt"),
                    Some("linen-shirt-navy-m"),
                ))),
                add(&[("linen-shirt", "linen-shirt-navy-m", 1)]),
                says("Added it! Anything that goes with it?"),
                Replies(cards::products(&[
                    p("linen-trousers"),
                    p("espadrilles"),
                    p("straw-hat"),
                ])),
                add(&[("linen-trousers", "linen-trousers-sand-30", 1)]),
                SendsCart,
                Notes("VIP customer: offer free shipping if she hesitates."),
            ],
        },
        Story {
            contact: contact(
                "cust-1002",
                "Jonas Weber",
                "jonas@example.com",
                "de-DE",
                "Europe/Berlin",
            ),
            status: ConversationStatus::Pending,
            labels: &["order-status"],
            steps: vec![
                add(&[
                    ("selvedge-jeans", "selvedge-jeans-blue-32", 1),
                    ("organic-tee", "organic-tee-white-l", 2),
                ]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                says("Hi, when will my order ship?"),
                Acts(ship("DHL", "JD014600006281230000")),
                says("Thanks! Where can I follow it?"),
                replies(
                    "The tracking link is on the order card above; DHL usually delivers in 2 days.",
                ),
            ],
        },
        Story {
            contact: contact(
                "cust-1003",
                "Lucía García",
                "lucia@example.com",
                "es-ES",
                "Europe/Madrid",
            ),
            status: ConversationStatus::Open,
            labels: &["personal-shopper"],
            steps: vec![
                says("¿Me recomiendan algo para una boda en la playa?"),
                Replies(cards::carousel(&[
                    p("linen-suit"),
                    p("linen-sundress"),
                    p("espadrilles"),
                    p("straw-hat"),
                    p("sunglasses"),
                ])),
                says("¡Me encanta el vestido! ¿Hay en talla S?"),
                Replies(Content::Product(cards::product_ref(
                    p("linen-sundress"),
                    Some("linen-sundress-terracotta-s"),
                ))),
            ],
        },
        Story {
            contact: contact(
                "cust-1004",
                "Sam Lee",
                "sam@example.com",
                "en-GB",
                "Europe/London",
            ),
            status: ConversationStatus::Open,
            labels: &["returns"],
            steps: vec![
                add(&[
                    ("wool-scarf", "wool-scarf-red", 1),
                    ("beanie", "beanie-navy", 1),
                ]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                Acts(ship("DHL", "JD014600006281230417")),
                Acts(OrderAction::MarkDelivered { notify: true }),
                says("I'd like to return the wool scarf, it's itchy."),
                ReturnsFirstLine("Itchy on the neck"),
                replies(
                    "Sorry to hear that! The return is registered; you'll get a label by email.",
                ),
                says("Thanks, got it 👍"),
            ],
        },
        Story {
            contact: contact(
                "cust-1005",
                "Yuki Tanaka",
                "yuki@example.com",
                "ja-JP",
                "Asia/Tokyo",
            ),
            status: ConversationStatus::Open,
            labels: &[],
            steps: vec![says(
                "<b>Is this bold?</b> Markup in messages is shown as text.",
            )],
        },
        Story {
            contact: contact(
                "cust-1006",
                "Noah Fischer",
                "noah@example.com",
                "de-CH",
                "Europe/Zurich",
            ),
            status: ConversationStatus::Open,
            labels: &["abandoned-cart"],
            steps: vec![
                says("Is the wool overcoat warm enough for Swiss winters?"),
                replies(
                    "It is: Italian wool and cashmere, lined. Most customers size up to wear a jumper under it.",
                ),
                add(&[
                    ("wool-overcoat", "wool-overcoat-grey-l", 1),
                    ("cable-jumper", "cable-jumper-cream-m", 1),
                ]),
                LeavesCart,
                Replies(Content::text(
                    "You left these in your cart; they are still on sale this week:",
                )),
                SendsCart,
            ],
        },
        Story {
            contact: contact(
                "cust-1007",
                "Emma Rossi",
                "emma@example.com",
                "it-IT",
                "Europe/Rome",
            ),
            status: ConversationStatus::Pending,
            labels: &["payment"],
            steps: vec![
                says("I'd like the crossbody bag in burgundy, can I pay here in the chat?"),
                add(&[("crossbody-bag", "crossbody-bag-burgundy", 1)]),
                ChecksOut,
                replies("Of course! Here is a secure pay link for your order:"),
                AsksToPay,
            ],
        },
        Story {
            contact: contact(
                "cust-1008",
                "Oliver Smith",
                "oliver@example.com",
                "en-US",
                "America/New_York",
            ),
            status: ConversationStatus::Resolved,
            labels: &["order-status"],
            steps: vec![
                add(&[("leather-sneakers", "leather-sneakers-white-43", 1)]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                says("Just paid, thanks! Do you ship to the US?"),
                replies("We do: it leaves our warehouse within one working day."),
            ],
        },
        Story {
            contact: contact(
                "cust-1009",
                "Chloé Martin",
                "chloe@example.com",
                "fr-BE",
                "Europe/Brussels",
            ),
            status: ConversationStatus::Open,
            labels: &["order-status"],
            steps: vec![
                add(&[
                    ("linen-bedding", "linen-bedding-sage", 1),
                    ("ceramic-mug", "ceramic-mug-blue", 2),
                ]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                Acts(OrderAction::Fulfil {
                    carrier: None,
                    tracking_number: None,
                    tracking_url: None,
                    notify: true,
                }),
                says("Is it possible to pick it up in the store instead?"),
                replies("Yes, it is packed and waiting for you at the counter."),
            ],
        },
        Story {
            contact: contact(
                "cust-1010",
                "Mateo López",
                "mateo@example.com",
                "es-MX",
                "America/Mexico_City",
            ),
            status: ConversationStatus::Resolved,
            labels: &["cancellation"],
            steps: vec![
                add(&[("rain-jacket", "rain-jacket-mustard-m", 1)]),
                ChecksOut,
                says("Oops, I ordered the wrong colour. Can you cancel it?"),
                Acts(OrderAction::Cancel {
                    reason: Some("Wrong colour ordered".into()),
                    notify: true,
                }),
            ],
        },
        Story {
            contact: contact(
                "cust-1011",
                "Ingrid Larsen",
                "ingrid@example.com",
                "nb-NO",
                "Europe/Oslo",
            ),
            status: ConversationStatus::Resolved,
            labels: &["refund"],
            steps: vec![
                add(&[("fisherman-sweater", "fisherman-sweater-natural-s", 1)]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                says("The sweater arrived with a hole in the sleeve 😞"),
                Acts(OrderAction::Refund {
                    amount_minor: None,
                    reason: Some("Arrived damaged".into()),
                    lines: BTreeMap::new(),
                    notify: true,
                }),
                replies("So sorry! I've refunded you in full; no need to send it back."),
            ],
        },
        Story {
            contact: contact(
                "cust-1012",
                "Ava Brown",
                "ava@example.com",
                "en-AU",
                "Australia/Sydney",
            ),
            status: ConversationStatus::Resolved,
            labels: &["refund"],
            steps: vec![
                add(&[
                    ("scented-candle", "scented-candle-cream", 2),
                    ("throw-blanket", "throw-blanket-mustard", 1),
                ]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                Acts(ship("DHL", "JD014600006281230871")),
                says("One of the candles arrived broken."),
                Acts(OrderAction::Refund {
                    amount_minor: Some(2900),
                    reason: Some("One candle broken in transit".into()),
                    lines: BTreeMap::new(),
                    notify: true,
                }),
            ],
        },
        Story {
            contact: contact(
                "cust-1013",
                "Liam O'Brien",
                "liam@example.com",
                "en-IE",
                "Europe/Dublin",
            ),
            status: ConversationStatus::Resolved,
            labels: &["review"],
            steps: vec![
                add(&[
                    ("chinos", "chinos-navy-32", 1),
                    ("oxford-shirt", "oxford-shirt-blue-m", 1),
                ]),
                ChecksOut,
                Acts(OrderAction::MarkPaid),
                Acts(ship("DHL", "JD014600006281231254")),
                Acts(OrderAction::MarkDelivered { notify: true }),
                says("Everything fits perfectly, thanks!"),
                replies("Wonderful! If you have a minute, a review helps other shoppers a lot."),
            ],
        },
    ]
}
