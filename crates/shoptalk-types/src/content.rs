//! Channel-neutral message content: what a message *says*, independent of where it is shown.
//!
//! The same [`Content`] is rendered by the web widget, the agent inbox, and channel adapters
//! (WhatsApp, Messenger, SMS…). Its limits are therefore the tightest common ones of the major
//! messaging platforms (see [`limits`]): content that validates here can be sent anywhere, and
//! degrades to plain text ([`Content::to_plain_text`]) where rich layouts are not supported.
//!
//! JSON shape: an object tagged by `type` (`{"type": "text", "text": "Hello"}`); unknown fields
//! are refused so that typos surface as errors instead of silently dropped data.
//!
//! Text is stored exactly as sent. HTML in text is *not* stripped or refused: every renderer
//! treats content as plain text, so `<b>` is shown as `<b>`, never interpreted.

use crate::ids::{MediaId, MessageId};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use utoipa::ToSchema;

/// The limits enforced by [`Content::validate`].
///
/// They follow WhatsApp Business and Messenger Platform limits, so that any valid content can be
/// delivered to those channels without being cut. Lengths of human-readable text count Unicode
/// scalar values (characters), not bytes; machine identifiers count bytes.
pub mod limits {
    /// A text message (WhatsApp text body).
    pub const TEXT_MAX_CHARS: usize = 4096;
    /// A media caption (WhatsApp media caption).
    pub const CAPTION_MAX_CHARS: usize = 1024;
    /// Titles of cards, lists, forms, products and cart lines (Messenger template title).
    pub const TITLE_MAX_CHARS: usize = 80;
    /// The description of a card, and other short free-text fields (addresses, payment
    /// descriptions).
    pub const DESCRIPTION_MAX_CHARS: usize = 300;
    /// The body of a list message (WhatsApp interactive body).
    pub const LIST_BODY_MAX_CHARS: usize = 1024;
    /// The button that opens a list, and a form's submit label (WhatsApp button text).
    pub const BUTTON_MAX_CHARS: usize = 20;
    /// The label of a `reply` action (Messenger quick reply title, WhatsApp reply button).
    pub const REPLY_TEXT_MAX_CHARS: usize = 20;
    /// The label of any other action.
    pub const ACTION_TEXT_MAX_CHARS: usize = 40;
    /// Quick replies under a text message (Messenger).
    pub const QUICK_REPLIES_MAX: usize = 13;
    /// Cards of a carousel (Messenger generic template elements).
    pub const CARDS_MAX: usize = 10;
    /// Actions of a card or product (Messenger buttons per element).
    pub const CARD_ACTIONS_MAX: usize = 3;
    /// Sections of a list (WhatsApp list message).
    pub const LIST_SECTIONS_MAX: usize = 10;
    /// Rows of a list, all sections together (WhatsApp list message).
    pub const LIST_ROWS_MAX: usize = 10;
    /// The title of a list section (WhatsApp).
    pub const LIST_SECTION_TITLE_MAX_CHARS: usize = 24;
    /// The title of a list row (WhatsApp).
    pub const LIST_ROW_TITLE_MAX_CHARS: usize = 24;
    /// The description of a list row (WhatsApp).
    pub const LIST_ROW_DESCRIPTION_MAX_CHARS: usize = 72;
    /// Fields of a form.
    pub const FORM_FIELDS_MAX: usize = 20;
    /// Options of a `select` form field.
    pub const FORM_OPTIONS_MAX: usize = 100;
    /// Values of a form response: one per field at most.
    pub const FORM_VALUES_MAX: usize = FORM_FIELDS_MAX;
    /// Products of a `products` message (Messenger generic template elements).
    pub const PRODUCTS_MAX: usize = 10;
    /// Lines of a cart.
    pub const CART_LINES_MAX: usize = 50;
    /// Quantity of one cart line.
    pub const CART_QUANTITY_MAX: u32 = 999;
    /// Quantity an `add_to_cart` action adds.
    pub const ADD_TO_CART_QUANTITY_MAX: u32 = 99;
    /// Identifiers and payloads, in bytes (Messenger postback payload).
    pub const ID_MAX_BYTES: usize = 1000;
    /// Names: filenames, form field names, order numbers (common filesystem limit).
    pub const NAME_MAX_CHARS: usize = 255;
    /// URLs, in bytes (the practical limit of browsers and platforms).
    pub const URL_MAX_BYTES: usize = 2048;
    /// Alternative text of media.
    pub const ALT_MAX_CHARS: usize = 300;
    /// A MIME type, in bytes.
    pub const MIME_TYPE_MAX_BYTES: usize = 255;
    /// The one-line [`preview`](super::Content::preview) of a message.
    pub const PREVIEW_MAX_CHARS: usize = 140;
}

use limits::*;

// ---------------------------------------------------------------- the model

/// The content of a message. Tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Content {
    /// Plain text, optionally with quick replies (`reply` actions) offered under it.
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quick_replies: Option<Vec<Action>>,
    },
    /// What the contact pressed: a button or quick reply, so agents see the click.
    Postback {
        /// The label of what was pressed.
        text: String,
        /// The action's payload, for bots.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payload: Option<String>,
        /// The message carrying the button pressed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<MessageId>,
    },
    Image {
        media: MediaRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    Video {
        media: MediaRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    Audio {
        media: MediaRef,
    },
    File {
        media: MediaRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
    },
    /// A point on the map, in WGS 84 degrees.
    Location {
        latitude: f64,
        longitude: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Horizontally scrolling cards.
    Carousel {
        cards: Vec<Card>,
    },
    /// A menu of rows grouped in sections, opened by a button (WhatsApp list message).
    List {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        body: String,
        /// Label of the button that opens the list.
        button: String,
        sections: Vec<ListSection>,
    },
    /// A form for the contact to fill in; answered by a `form_response`.
    Form {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        fields: Vec<FormField>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        submit_label: Option<String>,
    },
    /// The answers to a `form`, by field name.
    FormResponse {
        /// The message carrying the form answered.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form_message_id: Option<MessageId>,
        values: BTreeMap<String, String>,
    },
    /// One product of the shop's catalog.
    Product(ProductRef),
    /// Several products of the shop's catalog.
    Products {
        items: Vec<ProductRef>,
    },
    /// A snapshot of a shopping cart.
    Cart {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cart_id: Option<String>,
        items: Vec<CartLine>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<Money>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checkout_url: Option<String>,
    },
    /// The state of an order.
    Order {
        order_id: String,
        /// The number shown to the customer, e.g. `1001`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<String>,
        /// Free-form status as the shop names it, e.g. `shipped`.
        status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        total: Option<Money>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tracking_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tracking_url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carrier: Option<String>,
    },
    /// A request to pay an amount.
    PaymentRequest {
        /// Amount in the currency's minor unit (cents for EUR); positive.
        amount_minor: i64,
        /// ISO 4217 code, e.g. `EUR`.
        currency: String,
        description: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pay_url: Option<String>,
    },
}

/// A button or quick reply. Tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Sends `text` back as the contact's message (with `payload` for bots).
    Reply {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        payload: Option<String>,
    },
    /// Sends `payload` to the bot without showing a message.
    Postback { text: String, payload: String },
    /// Opens `url`.
    Link { text: String, url: String },
    /// Adds a product to the contact's cart.
    AddToCart {
        text: String,
        product_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        variant_id: Option<String>,
        #[serde(default = "default_quantity")]
        quantity: u32,
    },
    /// Buys a product right away.
    Buy {
        text: String,
        product_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        variant_id: Option<String>,
    },
    /// Opens the checkout of the contact's cart (or of `cart_id`).
    Checkout {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cart_id: Option<String>,
    },
    /// Opens `url` in an in-app browser.
    Webview {
        text: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<WebviewSize>,
    },
    /// Asks the contact to share their location.
    LocationRequest { text: String },
}

fn default_quantity() -> u32 {
    1
}

/// Height of a webview (Messenger `webview_height_ratio`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebviewSize {
    Compact,
    Tall,
    Full,
}

/// A media file: an uploaded attachment (`media_id`) or a public `url` — exactly one of both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<MediaId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Alternative text, for screen readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_bytes: Option<u64>,
}

/// One card of a carousel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Card {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
}

/// A section of a list message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub rows: Vec<ListRow>,
}

/// A choice of a list message; choosing it replies with its `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A field of a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Key of the answer in the `form_response`; unique within the form.
    pub name: String,
    pub label: String,
    pub kind: FormFieldKind,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `select` field (required for it, refused for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

/// What a form field asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FormFieldKind {
    Text,
    Email,
    Phone,
    Number,
    Select,
    Textarea,
}

/// A product of the shop's catalog. The catalog fills in the details when rendering, so `title`,
/// `price` and `stock` are optional snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRef {
    pub product_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Money>,
    /// The price before a discount, shown struck through; same currency as `price`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare_at_price: Option<Money>,
    /// Units in stock, 0 or more; absent when unknown. 0 means sold out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<Action>>,
}

/// A line of a cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartLine {
    pub product_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant_id: Option<String>,
    pub title: String,
    pub quantity: u32,
    pub unit_price: Money,
}

/// An amount of money, in the currency's minor unit (cents for EUR, yen for JPY), so that no
/// floating point is involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
}

/// The first rule a [`Content`] breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ContentError {
    /// JSON path of the offending value, relative to the content object, e.g.
    /// `cards[2].actions[0].url`.
    pub field: String,
    pub message: String,
}

impl ContentError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Places an error found in a nested value under that value's path.
    fn under(mut self, prefix: &str) -> Self {
        self.field = match self.field.as_str() {
            "" => prefix.to_owned(),
            f if f.starts_with('[') => format!("{prefix}{f}"),
            f => format!("{prefix}.{f}"),
        };
        self
    }
}

// ---------------------------------------------------------------- constructors and accessors

impl Content {
    /// A text message without quick replies.
    pub fn text(s: impl Into<String>) -> Self {
        Content::Text {
            text: s.into(),
            quick_replies: None,
        }
    }

    /// The `type` tag, e.g. `"payment_request"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Content::Text { .. } => "text",
            Content::Postback { .. } => "postback",
            Content::Image { .. } => "image",
            Content::Video { .. } => "video",
            Content::Audio { .. } => "audio",
            Content::File { .. } => "file",
            Content::Location { .. } => "location",
            Content::Carousel { .. } => "carousel",
            Content::List { .. } => "list",
            Content::Form { .. } => "form",
            Content::FormResponse { .. } => "form_response",
            Content::Product(_) => "product",
            Content::Products { .. } => "products",
            Content::Cart { .. } => "cart",
            Content::Order { .. } => "order",
            Content::PaymentRequest { .. } => "payment_request",
        }
    }
}

impl Action {
    /// The `type` tag, e.g. `"add_to_cart"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Reply { .. } => "reply",
            Action::Postback { .. } => "postback",
            Action::Link { .. } => "link",
            Action::AddToCart { .. } => "add_to_cart",
            Action::Buy { .. } => "buy",
            Action::Checkout { .. } => "checkout",
            Action::Webview { .. } => "webview",
            Action::LocationRequest { .. } => "location_request",
        }
    }

    /// The label shown on the button.
    pub fn label(&self) -> &str {
        match self {
            Action::Reply { text, .. }
            | Action::Postback { text, .. }
            | Action::Link { text, .. }
            | Action::AddToCart { text, .. }
            | Action::Buy { text, .. }
            | Action::Checkout { text, .. }
            | Action::Webview { text, .. }
            | Action::LocationRequest { text } => text,
        }
    }

    /// The URL the action opens, for `link` and `webview`.
    pub fn url(&self) -> Option<&str> {
        match self {
            Action::Link { url, .. } | Action::Webview { url, .. } => Some(url),
            _ => None,
        }
    }
}

impl MediaRef {
    /// An uploaded attachment.
    pub fn uploaded(media_id: MediaId) -> Self {
        Self {
            media_id: Some(media_id),
            url: None,
            mime_type: None,
            alt: None,
            size_bytes: None,
        }
    }

    /// A file at a public URL.
    pub fn from_url(url: impl Into<String>) -> Self {
        Self {
            media_id: None,
            url: Some(url.into()),
            mime_type: None,
            alt: None,
            size_bytes: None,
        }
    }
}

impl Money {
    pub fn new(amount_minor: i64, currency: impl Into<String>) -> Self {
        Self {
            amount_minor,
            currency: currency.into(),
        }
    }
}

/// Digits of the minor unit of a currency (ISO 4217): 2 unless listed.
fn minor_unit_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX"
        | "UYI" | "VND" | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        "CLF" | "UYW" => 4,
        _ => 2,
    }
}

/// `12.50 EUR`, `1250 JPY`, `-0.05 USD`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        match minor_unit_digits(&self.currency) {
            0 => write!(f, "{sign}{abs} {}", self.currency),
            digits => {
                let unit = 10u64.pow(digits);
                let (major, minor) = (abs / unit, abs % unit);
                let width = digits as usize;
                write!(f, "{sign}{major}.{minor:0width$} {}", self.currency)
            }
        }
    }
}

// ---------------------------------------------------------------- validation

type Check = Result<(), ContentError>;

fn fail(field: &str, message: impl Into<String>) -> Check {
    Err(ContentError::new(field, message))
}

/// Runs `check` on a nested value, placing its errors under `field`.
fn within(field: &str, check: Check) -> Check {
    check.map_err(|e| e.under(field))
}

/// Runs `check` on every item, placing errors under `field[i]`.
fn each<T>(field: &str, items: &[T], check: impl Fn(&T) -> Check) -> Check {
    for (i, item) in items.iter().enumerate() {
        check(item).map_err(|e| e.under(&format!("{field}[{i}]")))?;
    }
    Ok(())
}

/// Runs `check` on an optional value.
fn opt<T: ?Sized>(value: Option<&T>, check: impl FnOnce(&T) -> Check) -> Check {
    value.map_or(Ok(()), check)
}

fn check_count(field: &str, len: usize, min: usize, max: usize, what: &str) -> Check {
    if len < min {
        fail(field, format!("needs at least {min} {what}"))
    } else if len > max {
        fail(field, format!("allows at most {max} {what} (got {len})"))
    } else {
        Ok(())
    }
}

/// At most `max` characters (Unicode scalar values, as platforms count them).
fn check_len(field: &str, value: &str, max: usize) -> Check {
    // A string of at most `max` bytes has at most `max` chars: skip counting.
    if value.len() <= max {
        return Ok(());
    }
    let chars = value.chars().count();
    if chars > max {
        fail(
            field,
            format!("must be at most {max} characters (got {chars})"),
        )
    } else {
        Ok(())
    }
}

/// At most `max` bytes: identifiers are opaque to people and stored as-is by platforms.
fn check_bytes(field: &str, value: &str, max: usize) -> Check {
    if value.len() > max {
        fail(
            field,
            format!("must be at most {max} bytes (got {})", value.len()),
        )
    } else {
        Ok(())
    }
}

/// No control characters but newline and tab: they corrupt terminals, logs and SMS encodings.
fn check_no_control(field: &str, value: &str) -> Check {
    match value
        .chars()
        .find(|&c| c.is_control() && c != '\n' && c != '\t')
    {
        Some(c) => fail(
            field,
            format!(
                "must not contain control characters (found U+{:04X})",
                c as u32
            ),
        ),
        None => Ok(()),
    }
}

/// Free text that may be empty: a caption, a description, an answer.
fn check_text(field: &str, value: &str, max_chars: usize) -> Check {
    check_len(field, value, max_chars)?;
    check_no_control(field, value)
}

/// Text that is shown on its own (a message, a title, a label): empty or blank makes no sense.
fn check_label(field: &str, value: &str, max_chars: usize) -> Check {
    if value.is_empty() {
        return fail(field, "must not be empty");
    }
    if value.trim().is_empty() {
        return fail(field, "must not be only whitespace");
    }
    check_text(field, value, max_chars)
}

/// An identifier of the shop's systems (product, variant, cart, order, list row).
fn check_id(field: &str, value: &str) -> Check {
    if value.is_empty() {
        return fail(field, "must not be empty");
    }
    check_bytes(field, value, ID_MAX_BYTES)?;
    check_no_control(field, value)
}

/// An opaque payload handed back to bots.
fn check_payload(field: &str, value: &str) -> Check {
    check_bytes(field, value, ID_MAX_BYTES)?;
    check_no_control(field, value)
}

/// A file name as shown and offered for download: never a path.
fn check_filename(field: &str, value: &str) -> Check {
    check_label(field, value, NAME_MAX_CHARS)?;
    if value.contains(['/', '\\', '\0']) {
        return fail(field, "must be a file name, without path separators or NUL");
    }
    if value == "." || value == ".." {
        return fail(field, "must be a file name, not `.` or `..`");
    }
    Ok(())
}

/// An absolute `http(s)` URL with a host. Other schemes (`javascript:`, `data:`, `file:`…) could
/// run code or read local files where the URL is rendered as a link, so they are refused.
fn check_url(field: &str, value: &str) -> Check {
    check_bytes(field, value, URL_MAX_BYTES)?;
    if value.is_empty() {
        return fail(field, "must not be empty");
    }
    // The parser silently drops tabs, newlines and surrounding spaces; the stored string would
    // keep them, so refuse them rather than store something other than what was checked.
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return fail(field, "must not contain whitespace or control characters");
    }
    let url = match url::Url::parse(value) {
        Ok(url) => url,
        Err(e) => return fail(field, format!("is not a valid absolute URL ({e})")),
    };
    match url.scheme() {
        "http" | "https" => {}
        scheme => {
            return fail(
                field,
                format!("scheme `{scheme}:` is not allowed; use http or https"),
            );
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return fail(field, "must have a host");
    }
    // `https://shop.example@evil.example` reads as the shop but opens evil.example.
    if !url.username().is_empty() || url.password().is_some() {
        return fail(field, "must not contain credentials");
    }
    Ok(())
}

/// ISO 4217 shape: three uppercase ASCII letters. Not checked against the (changing) code list.
fn check_currency(field: &str, value: &str) -> Check {
    if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        fail(
            field,
            "must be an ISO 4217 code: three uppercase letters, e.g. EUR",
        )
    }
}

/// `type/subtype` with optional parameters (`audio/ogg; codecs=opus`). When the content type
/// implies a media type (`image`, `video`, `audio`), the MIME type must agree with it.
fn check_mime_type(field: &str, value: &str, expected_type: Option<&str>) -> Check {
    check_bytes(field, value, MIME_TYPE_MAX_BYTES)?;
    check_no_control(field, value)?;
    let essence = value.split(';').next().unwrap_or_default().trim();
    let is_token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    let Some((ty, _)) = essence
        .split_once('/')
        .filter(|(t, s)| is_token(t) && is_token(s))
    else {
        return fail(field, "must be a MIME type like `image/png`");
    };
    match expected_type {
        Some(expected) if !ty.eq_ignore_ascii_case(expected) => {
            fail(field, format!("must be an `{expected}/*` type here"))
        }
        _ => Ok(()),
    }
}

fn check_action_list(field: &str, actions: &[Action], max: usize) -> Check {
    check_count(field, actions.len(), 0, max, "actions")?;
    each(field, actions, Action::validate)
}

impl Content {
    /// Checks every rule of the content; returns the first violation found, in field order.
    ///
    /// Deserialization already guarantees the shape; this checks what types cannot express:
    /// lengths, counts, URL schemes, currencies, cross-field rules.
    pub fn validate(&self) -> Result<(), ContentError> {
        match self {
            Content::Text {
                text,
                quick_replies,
            } => {
                check_label("text", text, TEXT_MAX_CHARS)?;
                opt(quick_replies.as_deref(), |replies| {
                    check_count(
                        "quick_replies",
                        replies.len(),
                        0,
                        QUICK_REPLIES_MAX,
                        "quick replies",
                    )?;
                    each("quick_replies", replies, |action| match action {
                        Action::Reply { .. } => action.validate(),
                        other => fail(
                            "type",
                            format!(
                                "quick replies must be `reply` actions, not `{}`",
                                other.kind()
                            ),
                        ),
                    })
                })
            }
            Content::Postback {
                text,
                payload,
                message_id: _,
            } => {
                // The label of the action pressed: the longest label an action may have.
                check_label("text", text, ACTION_TEXT_MAX_CHARS)?;
                opt(payload.as_deref(), |p| check_payload("payload", p))
            }
            Content::Image { media, caption } => {
                within("media", media.validate(Some("image")))?;
                opt(caption.as_deref(), |c| {
                    check_text("caption", c, CAPTION_MAX_CHARS)
                })
            }
            Content::Video { media, caption } => {
                within("media", media.validate(Some("video")))?;
                opt(caption.as_deref(), |c| {
                    check_text("caption", c, CAPTION_MAX_CHARS)
                })
            }
            Content::Audio { media } => within("media", media.validate(Some("audio"))),
            Content::File { media, filename } => {
                within("media", media.validate(None))?;
                opt(filename.as_deref(), |f| check_filename("filename", f))
            }
            Content::Location {
                latitude,
                longitude,
                name,
                address,
            } => {
                check_coordinate("latitude", *latitude, 90.0)?;
                check_coordinate("longitude", *longitude, 180.0)?;
                opt(name.as_deref(), |n| check_label("name", n, NAME_MAX_CHARS))?;
                opt(address.as_deref(), |a| {
                    check_text("address", a, DESCRIPTION_MAX_CHARS)
                })
            }
            Content::Carousel { cards } => {
                check_count("cards", cards.len(), 1, CARDS_MAX, "cards")?;
                each("cards", cards, Card::validate)
            }
            Content::List {
                title,
                body,
                button,
                sections,
            } => validate_list(title.as_deref(), body, button, sections),
            Content::Form {
                title,
                fields,
                submit_label,
            } => {
                opt(title.as_deref(), |t| {
                    check_label("title", t, TITLE_MAX_CHARS)
                })?;
                check_count("fields", fields.len(), 1, FORM_FIELDS_MAX, "fields")?;
                each("fields", fields, FormField::validate)?;
                let mut names = HashSet::new();
                for (i, field) in fields.iter().enumerate() {
                    if !names.insert(field.name.as_str()) {
                        return fail(
                            &format!("fields[{i}].name"),
                            format!("duplicate field name `{}`", field.name),
                        );
                    }
                }
                opt(submit_label.as_deref(), |l| {
                    check_label("submit_label", l, BUTTON_MAX_CHARS)
                })
            }
            Content::FormResponse {
                form_message_id: _,
                values,
            } => {
                check_count("values", values.len(), 0, FORM_VALUES_MAX, "values")?;
                for (name, value) in values {
                    // A bad key is reported on `values` itself: the key may be unprintable.
                    check_label("values", name, NAME_MAX_CHARS).map_err(|e| {
                        ContentError::new("values", format!("field name {}", e.message))
                    })?;
                    check_text(&format!("values.{name}"), value, TEXT_MAX_CHARS)?;
                }
                Ok(())
            }
            Content::Product(product) => product.validate(),
            Content::Products { items } => {
                check_count("items", items.len(), 1, PRODUCTS_MAX, "products")?;
                each("items", items, ProductRef::validate)
            }
            Content::Cart {
                cart_id,
                items,
                total,
                checkout_url,
            } => {
                opt(cart_id.as_deref(), |id| check_id("cart_id", id))?;
                check_count("items", items.len(), 1, CART_LINES_MAX, "lines")?;
                each("items", items, CartLine::validate)?;
                // One cart, one currency: mixed currencies cannot be totalled or paid at once.
                let currency = &items[0].unit_price.currency;
                for (i, line) in items.iter().enumerate().skip(1) {
                    if &line.unit_price.currency != currency {
                        return fail(
                            &format!("items[{i}].unit_price.currency"),
                            format!("must match the cart's currency {currency}"),
                        );
                    }
                }
                opt(total.as_ref(), |total| {
                    within("total", total.validate())?;
                    if &total.currency != currency {
                        return fail(
                            "total.currency",
                            format!("must match the cart's currency {currency}"),
                        );
                    }
                    Ok(())
                })?;
                opt(checkout_url.as_deref(), |u| check_url("checkout_url", u))
            }
            Content::Order {
                order_id,
                number,
                status,
                total,
                tracking_number,
                tracking_url,
                carrier,
            } => {
                check_id("order_id", order_id)?;
                opt(number.as_deref(), |n| {
                    check_label("number", n, NAME_MAX_CHARS)
                })?;
                check_label("status", status, TITLE_MAX_CHARS)?;
                opt(total.as_ref(), |t| within("total", t.validate()))?;
                opt(tracking_number.as_deref(), |n| {
                    check_label("tracking_number", n, NAME_MAX_CHARS)
                })?;
                opt(tracking_url.as_deref(), |u| check_url("tracking_url", u))?;
                opt(carrier.as_deref(), |c| {
                    check_label("carrier", c, TITLE_MAX_CHARS)
                })
            }
            Content::PaymentRequest {
                amount_minor,
                currency,
                description,
                order_id,
                pay_url,
            } => {
                if *amount_minor <= 0 {
                    return fail("amount_minor", "must be positive");
                }
                check_currency("currency", currency)?;
                check_label("description", description, DESCRIPTION_MAX_CHARS)?;
                opt(order_id.as_deref(), |id| check_id("order_id", id))?;
                opt(pay_url.as_deref(), |u| check_url("pay_url", u))
            }
        }
    }
}

fn check_coordinate(field: &str, value: f64, bound: f64) -> Check {
    if value.is_finite() && (-bound..=bound).contains(&value) {
        Ok(())
    } else {
        fail(
            field,
            format!("must be a number between -{bound} and {bound}"),
        )
    }
}

fn validate_list(title: Option<&str>, body: &str, button: &str, sections: &[ListSection]) -> Check {
    opt(title, |t| check_label("title", t, TITLE_MAX_CHARS))?;
    check_label("body", body, LIST_BODY_MAX_CHARS)?;
    check_label("button", button, BUTTON_MAX_CHARS)?;
    check_count("sections", sections.len(), 1, LIST_SECTIONS_MAX, "sections")?;
    each("sections", sections, ListSection::validate)?;
    let rows = sections.iter().map(|s| s.rows.len()).sum();
    check_count("sections", rows, 1, LIST_ROWS_MAX, "rows in total")?;
    // The chosen row is identified by its id: two equal ids would be ambiguous.
    let mut ids = HashSet::new();
    for (s, section) in sections.iter().enumerate() {
        for (r, row) in section.rows.iter().enumerate() {
            if !ids.insert(row.id.as_str()) {
                return fail(
                    &format!("sections[{s}].rows[{r}].id"),
                    format!("duplicate row id `{}`", row.id),
                );
            }
        }
    }
    Ok(())
}

impl Action {
    fn validate(&self) -> Check {
        let max = match self {
            Action::Reply { .. } => REPLY_TEXT_MAX_CHARS,
            _ => ACTION_TEXT_MAX_CHARS,
        };
        check_label("text", self.label(), max)?;
        match self {
            Action::Reply { payload, .. } => {
                opt(payload.as_deref(), |p| check_payload("payload", p))
            }
            Action::Postback { payload, .. } => {
                if payload.is_empty() {
                    return fail("payload", "must not be empty");
                }
                check_payload("payload", payload)
            }
            Action::Link { url, .. } => check_url("url", url),
            Action::AddToCart {
                product_id,
                variant_id,
                quantity,
                ..
            } => {
                check_id("product_id", product_id)?;
                opt(variant_id.as_deref(), |v| check_id("variant_id", v))?;
                check_quantity("quantity", *quantity, ADD_TO_CART_QUANTITY_MAX)
            }
            Action::Buy {
                product_id,
                variant_id,
                ..
            } => {
                check_id("product_id", product_id)?;
                opt(variant_id.as_deref(), |v| check_id("variant_id", v))
            }
            Action::Checkout { cart_id, .. } => opt(cart_id.as_deref(), |c| check_id("cart_id", c)),
            Action::Webview { url, .. } => check_url("url", url),
            Action::LocationRequest { .. } => Ok(()),
        }
    }
}

fn check_quantity(field: &str, value: u32, max: u32) -> Check {
    if (1..=max).contains(&value) {
        Ok(())
    } else {
        fail(field, format!("must be between 1 and {max}"))
    }
}

impl MediaRef {
    fn validate(&self, expected_type: Option<&str>) -> Check {
        match (&self.media_id, &self.url) {
            (Some(_), Some(_)) => return fail("", "needs either `media_id` or `url`, not both"),
            (None, None) => return fail("", "needs a `media_id` or a `url`"),
            (None, Some(url)) => check_url("url", url)?,
            (Some(_), None) => {}
        }
        opt(self.mime_type.as_deref(), |m| {
            check_mime_type("mime_type", m, expected_type)
        })?;
        opt(self.alt.as_deref(), |a| check_text("alt", a, ALT_MAX_CHARS))
    }
}

impl Card {
    fn validate(&self) -> Check {
        check_label("title", &self.title, TITLE_MAX_CHARS)?;
        opt(self.description.as_deref(), |d| {
            check_text("description", d, DESCRIPTION_MAX_CHARS)
        })?;
        opt(self.media.as_ref(), |m| {
            within("media", m.validate(Some("image")))
        })?;
        check_action_list("actions", &self.actions, CARD_ACTIONS_MAX)
    }
}

impl ListSection {
    fn validate(&self) -> Check {
        opt(self.title.as_deref(), |t| {
            check_label("title", t, LIST_SECTION_TITLE_MAX_CHARS)
        })?;
        check_count("rows", self.rows.len(), 1, LIST_ROWS_MAX, "rows")?;
        each("rows", &self.rows, ListRow::validate)
    }
}

impl ListRow {
    fn validate(&self) -> Check {
        check_id("id", &self.id)?;
        check_label("title", &self.title, LIST_ROW_TITLE_MAX_CHARS)?;
        opt(self.description.as_deref(), |d| {
            check_text("description", d, LIST_ROW_DESCRIPTION_MAX_CHARS)
        })
    }
}

impl FormField {
    fn validate(&self) -> Check {
        check_label("name", &self.name, NAME_MAX_CHARS)?;
        check_label("label", &self.label, TITLE_MAX_CHARS)?;
        match (self.kind, self.options.as_deref()) {
            (FormFieldKind::Select, None | Some([])) => {
                fail("options", "a select field needs at least one option")
            }
            (FormFieldKind::Select, Some(options)) => {
                check_count("options", options.len(), 1, FORM_OPTIONS_MAX, "options")?;
                each("options", options, |o| check_label("", o, TITLE_MAX_CHARS))
            }
            (_, Some(_)) => fail("options", "only select fields take options"),
            (_, None) => Ok(()),
        }
    }
}

impl ProductRef {
    fn validate(&self) -> Check {
        check_id("product_id", &self.product_id)?;
        opt(self.variant_id.as_deref(), |v| check_id("variant_id", v))?;
        opt(self.title.as_deref(), |t| {
            check_label("title", t, TITLE_MAX_CHARS)
        })?;
        opt(self.price.as_ref(), |p| within("price", p.validate()))?;
        opt(self.compare_at_price.as_ref(), |c| {
            within("compare_at_price", c.validate())?;
            match &self.price {
                // Two prices of one product are compared, so they share a currency.
                Some(price) if price.currency != c.currency => fail(
                    "compare_at_price.currency",
                    format!("must match the price's currency {}", price.currency),
                ),
                _ => Ok(()),
            }
        })?;
        if self.stock.is_some_and(|n| n < 0) {
            return fail("stock", "must not be negative");
        }
        opt(self.image_url.as_deref(), |u| check_url("image_url", u))?;
        opt(self.url.as_deref(), |u| check_url("url", u))?;
        opt(self.actions.as_deref(), |a| {
            check_action_list("actions", a, CARD_ACTIONS_MAX)
        })
    }
}

impl CartLine {
    fn validate(&self) -> Check {
        check_id("product_id", &self.product_id)?;
        opt(self.variant_id.as_deref(), |v| check_id("variant_id", v))?;
        check_label("title", &self.title, TITLE_MAX_CHARS)?;
        check_quantity("quantity", self.quantity, CART_QUANTITY_MAX)?;
        within("unit_price", self.unit_price.validate())
    }
}

impl Money {
    /// Prices and totals are never negative (refunds are not content).
    fn validate(&self) -> Check {
        if self.amount_minor < 0 {
            return fail("amount_minor", "must not be negative");
        }
        check_currency("currency", &self.currency)
    }
}

// ---------------------------------------------------------------- text renderings

/// One line of at most `max` characters: whitespace and control runs become one space, and a
/// cut is marked with `…`.
fn one_line(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = count > 0;
            continue;
        }
        if space {
            out.push(' ');
            count += 1;
            space = false;
        }
        out.push(c);
        count += 1;
        if count > max {
            break;
        }
    }
    if count <= max {
        return out;
    }
    let mut cut: String = out.chars().take(max - 1).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// `text` unless it is absent or blank.
fn non_blank(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

fn count_label(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A status as people read it: `partially_refunded` → `partially refunded`.
fn status_words(status: &str) -> String {
    status.replace('_', " ")
}

/// `1001` and `#1001` both read `#1001`.
fn order_label(order_id: &str, number: Option<&str>) -> String {
    format!(
        "#{}",
        non_blank(number)
            .unwrap_or(order_id)
            .trim_start_matches('#')
    )
}

/// `Red shoe — 69.00 EUR (was 89.00 EUR) — sold out`, as much of it as is known.
fn product_summary(p: &ProductRef) -> String {
    let mut s = non_blank(p.title.as_deref())
        .unwrap_or(&p.product_id)
        .to_owned();
    if let Some(price) = &p.price {
        s.push_str(&format!(" — {price}"));
        if let Some(was) = &p.compare_at_price {
            s.push_str(&format!(" (was {was})"));
        }
    }
    if p.stock == Some(0) {
        s.push_str(" — sold out");
    }
    s
}

impl Content {
    /// A one-line summary of at most [`PREVIEW_MAX_CHARS`] characters, without newlines, for
    /// conversation lists and notifications.
    pub fn preview(&self) -> String {
        let raw = match self {
            Content::Text { text, .. } => text.clone(),
            // What the contact pressed reads as what they answered.
            Content::Postback { text, .. } => text.clone(),
            Content::Image { caption, .. } => {
                format!("📷 {}", non_blank(caption.as_deref()).unwrap_or("Photo"))
            }
            Content::Video { caption, .. } => {
                format!("🎬 {}", non_blank(caption.as_deref()).unwrap_or("Video"))
            }
            Content::Audio { .. } => "🎤 Audio".to_owned(),
            Content::File { filename, .. } => {
                format!("📎 {}", non_blank(filename.as_deref()).unwrap_or("File"))
            }
            Content::Location { name, address, .. } => format!(
                "📍 {}",
                non_blank(name.as_deref())
                    .or(non_blank(address.as_deref()))
                    .unwrap_or("Location")
            ),
            Content::Carousel { cards } => match cards.as_slice() {
                [card] => format!("🛍 {}", card.title),
                cards => format!("🛍 {}", count_label(cards.len(), "product", "products")),
            },
            Content::List { title, body, .. } => {
                format!("📋 {}", non_blank(title.as_deref()).unwrap_or(body))
            }
            Content::Form { title, .. } => {
                format!("📝 {}", non_blank(title.as_deref()).unwrap_or("Form"))
            }
            Content::FormResponse { .. } => "📝 Form submitted".to_owned(),
            Content::Product(product) => format!("🛍 {}", product_summary(product)),
            Content::Products { items } => match items.as_slice() {
                [product] => format!("🛍 {}", product_summary(product)),
                items => format!("🛍 {}", count_label(items.len(), "product", "products")),
            },
            Content::Cart { items, total, .. } => {
                let quantity = items
                    .iter()
                    .fold(0u64, |n, l| n.saturating_add(l.quantity.into()));
                let mut s = format!(
                    "🛒 Cart: {}",
                    count_label(quantity as usize, "item", "items")
                );
                if let Some(total) = total {
                    s.push_str(&format!(" — {total}"));
                }
                s
            }
            Content::Order {
                order_id,
                number,
                status,
                ..
            } => {
                format!(
                    "Order {} — {}",
                    order_label(order_id, number.as_deref()),
                    status_words(status)
                )
            }
            Content::PaymentRequest {
                amount_minor,
                currency,
                ..
            } => {
                format!(
                    "Payment request: {}",
                    Money::new(*amount_minor, currency.clone())
                )
            }
        };
        one_line(&raw, PREVIEW_MAX_CHARS)
    }

    /// The content as plain text, for channels without rich layouts (SMS): links are spelled
    /// out, choices are numbered. Deterministic, and as short as the content allows.
    pub fn to_plain_text(&self) -> String {
        let mut lines: Vec<String> = Vec::new();
        match self {
            Content::Text {
                text,
                quick_replies,
            } => {
                lines.push(text.clone());
                if let Some(replies) = quick_replies.as_deref().filter(|r| !r.is_empty()) {
                    let labels: Vec<&str> = replies.iter().map(Action::label).collect();
                    lines.push(String::new());
                    lines.push(format!("Reply with: {}", labels.join(" / ")));
                }
            }
            Content::Postback { text, .. } => lines.push(text.clone()),
            Content::Image { media, caption } => {
                lines.push(
                    non_blank(caption.as_deref())
                        .unwrap_or("[Photo]")
                        .to_owned(),
                );
                lines.extend(media.url.clone());
            }
            Content::Video { media, caption } => {
                lines.push(
                    non_blank(caption.as_deref())
                        .unwrap_or("[Video]")
                        .to_owned(),
                );
                lines.extend(media.url.clone());
            }
            Content::Audio { media } => {
                lines.push("[Audio]".to_owned());
                lines.extend(media.url.clone());
            }
            Content::File { media, filename } => {
                lines.push(match non_blank(filename.as_deref()) {
                    Some(name) => format!("[File: {name}]"),
                    None => "[File]".to_owned(),
                });
                lines.extend(media.url.clone());
            }
            Content::Location {
                latitude,
                longitude,
                name,
                address,
            } => {
                lines.extend(non_blank(name.as_deref()).map(str::to_owned));
                lines.extend(non_blank(address.as_deref()).map(str::to_owned));
                lines.push(format!(
                    "https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
                ));
            }
            Content::Carousel { cards } => {
                for (i, card) in cards.iter().enumerate() {
                    let mut line = format!("{}. {}", i + 1, card.title);
                    if let Some(description) = non_blank(card.description.as_deref()) {
                        line.push_str(&format!(" — {description}"));
                    }
                    lines.push(line);
                    lines.extend(
                        card.actions
                            .iter()
                            .filter_map(Action::url)
                            .map(|u| format!("   {u}")),
                    );
                }
            }
            Content::List {
                title,
                body,
                sections,
                ..
            } => {
                lines.extend(non_blank(title.as_deref()).map(str::to_owned));
                lines.push(body.clone());
                let mut n = 0;
                for section in sections {
                    lines.extend(non_blank(section.title.as_deref()).map(|t| format!("{t}:")));
                    for row in &section.rows {
                        n += 1;
                        let mut line = format!("{n}. {}", row.title);
                        if let Some(description) = non_blank(row.description.as_deref()) {
                            line.push_str(&format!(" — {description}"));
                        }
                        lines.push(line);
                    }
                }
            }
            Content::Form { title, fields, .. } => {
                lines.push(
                    non_blank(title.as_deref())
                        .unwrap_or("Please reply with:")
                        .to_owned(),
                );
                for field in fields {
                    let mut line = format!("- {}", field.label);
                    if let Some(options) = field.options.as_deref().filter(|o| !o.is_empty()) {
                        line.push_str(&format!(": {}", options.join(" / ")));
                    }
                    if field.required {
                        line.push_str(" (required)");
                    }
                    lines.push(line);
                }
            }
            Content::FormResponse { values, .. } => {
                lines.extend(
                    values
                        .iter()
                        .map(|(name, value)| format!("{name}: {value}")),
                );
            }
            Content::Product(product) => {
                lines.push(product_summary(product));
                lines.extend(product_urls(product).map(str::to_owned));
            }
            Content::Products { items } => {
                for (i, product) in items.iter().enumerate() {
                    lines.push(format!("{}. {}", i + 1, product_summary(product)));
                    lines.extend(product_urls(product).map(|u| format!("   {u}")));
                }
            }
            Content::Cart {
                items,
                total,
                checkout_url,
                ..
            } => {
                lines.push("Your cart:".to_owned());
                for line in items {
                    lines.push(format!(
                        "{} × {} — {} each",
                        line.quantity, line.title, line.unit_price
                    ));
                }
                lines.extend(total.as_ref().map(|t| format!("Total: {t}")));
                lines.extend(checkout_url.as_ref().map(|u| format!("Checkout: {u}")));
            }
            Content::Order {
                order_id,
                number,
                status,
                total,
                tracking_number,
                tracking_url,
                carrier,
            } => {
                lines.push(format!(
                    "Order {} — {}",
                    order_label(order_id, number.as_deref()),
                    status_words(status)
                ));
                lines.extend(total.as_ref().map(|t| format!("Total: {t}")));
                match (
                    non_blank(carrier.as_deref()),
                    non_blank(tracking_number.as_deref()),
                ) {
                    (Some(carrier), Some(number)) => {
                        lines.push(format!("Tracking: {carrier} {number}"))
                    }
                    (None, Some(number)) => lines.push(format!("Tracking: {number}")),
                    (Some(carrier), None) => lines.push(format!("Carrier: {carrier}")),
                    (None, None) => {}
                }
                lines.extend(tracking_url.clone());
            }
            Content::PaymentRequest {
                amount_minor,
                currency,
                description,
                pay_url,
                ..
            } => {
                let amount = Money::new(*amount_minor, currency.clone());
                lines.push(format!("Payment request: {amount} — {description}"));
                lines.extend(pay_url.as_ref().map(|u| format!("Pay here: {u}")));
            }
        }
        lines.join("\n")
    }
}

/// The product page, then the URLs of the product's link actions.
fn product_urls(product: &ProductRef) -> impl Iterator<Item = &str> {
    let actions = product.actions.as_deref().unwrap_or_default();
    product
        .url
        .as_deref()
        .into_iter()
        .chain(actions.iter().filter_map(Action::url))
}

// ---------------------------------------------------------------- tests

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn link(text: &str, url: &str) -> Action {
        Action::Link {
            text: text.into(),
            url: url.into(),
        }
    }

    fn reply(text: &str) -> Action {
        Action::Reply {
            text: text.into(),
            payload: None,
        }
    }

    fn card(title: &str) -> Card {
        Card {
            title: title.into(),
            description: None,
            media: None,
            actions: vec![],
        }
    }

    fn eur(amount_minor: i64) -> Money {
        Money::new(amount_minor, "EUR")
    }

    fn product(id: &str) -> ProductRef {
        ProductRef {
            product_id: id.into(),
            variant_id: None,
            title: None,
            price: None,
            compare_at_price: None,
            stock: None,
            image_url: None,
            url: None,
            actions: None,
        }
    }

    fn row(id: &str, title: &str) -> ListRow {
        ListRow {
            id: id.into(),
            title: title.into(),
            description: None,
        }
    }

    fn field(name: &str, kind: FormFieldKind) -> FormField {
        FormField {
            name: name.into(),
            label: name.into(),
            kind,
            required: false,
            options: None,
        }
    }

    fn cart_line(title: &str, quantity: u32, unit_price: Money) -> CartLine {
        CartLine {
            product_id: "p1".into(),
            variant_id: None,
            title: title.into(),
            quantity,
            unit_price,
        }
    }

    /// One valid example of every variant, using every optional field somewhere.
    fn samples() -> Vec<Content> {
        vec![
            Content::text("Hello"),
            Content::Text {
                text: "Which size?".into(),
                quick_replies: Some(vec![
                    reply("S"),
                    Action::Reply {
                        text: "M".into(),
                        payload: Some("size:m".into()),
                    },
                ]),
            },
            Content::Image {
                media: MediaRef {
                    mime_type: Some("image/png".into()),
                    alt: Some("A red shoe".into()),
                    size_bytes: Some(1234),
                    ..MediaRef::uploaded(MediaId::new())
                },
                caption: Some("New in".into()),
            },
            Content::Video {
                media: MediaRef::from_url("https://cdn.example/v.mp4"),
                caption: None,
            },
            Content::Audio {
                media: MediaRef {
                    mime_type: Some("audio/ogg; codecs=opus".into()),
                    ..MediaRef::uploaded(MediaId::new())
                },
            },
            Content::File {
                media: MediaRef::uploaded(MediaId::new()),
                filename: Some("invoice-1001.pdf".into()),
            },
            Content::Location {
                latitude: 48.8584,
                longitude: 2.2945,
                name: Some("Eiffel Tower".into()),
                address: Some("Champ de Mars, Paris".into()),
            },
            Content::Carousel {
                cards: vec![
                    Card {
                        title: "Red shoe".into(),
                        description: Some("Leather, handmade".into()),
                        media: Some(MediaRef::from_url("https://cdn.example/shoe.jpg")),
                        actions: vec![
                            link("View", "https://shop.example/shoe"),
                            Action::AddToCart {
                                text: "Add to cart".into(),
                                product_id: "p1".into(),
                                variant_id: Some("v42".into()),
                                quantity: 2,
                            },
                            Action::Buy {
                                text: "Buy now".into(),
                                product_id: "p1".into(),
                                variant_id: None,
                            },
                        ],
                    },
                    Card {
                        actions: vec![
                            Action::Webview {
                                text: "Size guide".into(),
                                url: "https://shop.example/sizes".into(),
                                size: Some(WebviewSize::Tall),
                            },
                            Action::Postback {
                                text: "More like this".into(),
                                payload: "similar:p2".into(),
                            },
                            Action::Checkout {
                                text: "Checkout".into(),
                                cart_id: Some("c9".into()),
                            },
                        ],
                        ..card("Blue shoe")
                    },
                ],
            },
            Content::List {
                title: Some("Delivery".into()),
                body: "When should we deliver?".into(),
                button: "Choose a slot".into(),
                sections: vec![
                    ListSection {
                        title: Some("Today".into()),
                        rows: vec![ListRow {
                            description: Some("Between 6 and 8 pm".into()),
                            ..row("today-eve", "Evening")
                        }],
                    },
                    ListSection {
                        title: None,
                        rows: vec![row("tomorrow-am", "Tomorrow morning")],
                    },
                ],
            },
            Content::Form {
                title: Some("Contact details".into()),
                fields: vec![
                    FormField {
                        required: true,
                        ..field("email", FormFieldKind::Email)
                    },
                    field("phone", FormFieldKind::Phone),
                    FormField {
                        options: Some(vec!["S".into(), "M".into(), "L".into()]),
                        ..field("size", FormFieldKind::Select)
                    },
                    field("note", FormFieldKind::Textarea),
                ],
                submit_label: Some("Send".into()),
            },
            Content::FormResponse {
                form_message_id: Some(MessageId::new()),
                values: BTreeMap::from([
                    ("email".to_owned(), "ada@example.com".to_owned()),
                    ("note".to_owned(), String::new()),
                ]),
            },
            Content::Product(ProductRef {
                variant_id: Some("v1".into()),
                title: Some("Red shoe".into()),
                price: Some(eur(6900)),
                compare_at_price: Some(eur(8900)),
                stock: Some(3),
                image_url: Some("https://cdn.example/shoe.jpg".into()),
                url: Some("https://shop.example/shoe".into()),
                actions: Some(vec![Action::LocationRequest {
                    text: "Find a store".into(),
                }]),
                ..product("p1")
            }),
            Content::Products {
                items: vec![product("p1"), product("p2")],
            },
            Content::Cart {
                cart_id: Some("c9".into()),
                items: vec![
                    cart_line("Red shoe", 2, eur(8900)),
                    cart_line("Socks", 1, eur(500)),
                ],
                total: Some(eur(18300)),
                checkout_url: Some("https://shop.example/checkout/c9".into()),
            },
            Content::Order {
                order_id: "o-77".into(),
                number: Some("1001".into()),
                status: "shipped".into(),
                total: Some(eur(18300)),
                tracking_number: Some("JD0123".into()),
                tracking_url: Some("https://track.example/JD0123".into()),
                carrier: Some("DHL".into()),
            },
            Content::PaymentRequest {
                amount_minor: 1250,
                currency: "EUR".into(),
                description: "Deposit".into(),
                order_id: Some("o-77".into()),
                pay_url: Some("https://pay.example/x".into()),
            },
            Content::Postback {
                text: "Add to cart".into(),
                payload: Some("add:p1".into()),
                message_id: Some(MessageId::new()),
            },
        ]
    }

    #[test]
    fn every_sample_is_valid_and_round_trips() {
        let samples = samples();
        let kinds: HashSet<&str> = samples.iter().map(Content::kind).collect();
        assert_eq!(kinds.len(), 16, "one sample per variant at least");
        for content in samples {
            assert_eq!(content.validate(), Ok(()), "{content:?}");
            let json = serde_json::to_value(&content).unwrap();
            assert_eq!(json["type"], content.kind());
            let back: Content = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back, content);
            assert_eq!(serde_json::to_value(&back).unwrap(), json);
        }
    }

    #[test]
    fn json_shape() {
        assert_eq!(
            serde_json::to_value(Content::text("hi")).unwrap(),
            json!({"type": "text", "text": "hi"})
        );
        let parsed: Content = serde_json::from_value(json!({
            "type": "carousel",
            "cards": [{"title": "A", "actions": [{"type": "add_to_cart", "text": "Add", "product_id": "p1"}]}]
        }))
        .unwrap();
        let Content::Carousel { cards } = &parsed else {
            panic!("{parsed:?}")
        };
        assert_eq!(
            cards[0].actions[0],
            Action::AddToCart {
                text: "Add".into(),
                product_id: "p1".into(),
                variant_id: None,
                quantity: 1
            }
        );
        let media: MediaRef =
            serde_json::from_value(json!({"url": "https://a.example/x.png"})).unwrap();
        assert_eq!(media, MediaRef::from_url("https://a.example/x.png"));
        let form: FormField =
            serde_json::from_value(json!({"name": "n", "label": "N", "kind": "textarea"})).unwrap();
        assert!(!form.required);
    }

    #[test]
    fn unknown_fields_and_types_are_refused() {
        for bad in [
            json!({"type": "text", "text": "hi", "extra": 1}),
            json!({"type": "text", "text": "hi", "quick_replies": [{"type": "reply", "text": "a", "x": 1}]}),
            json!({"type": "image", "media": {"url": "https://a.example/x.png", "width": 3}}),
            json!({"type": "carousel", "cards": [{"title": "a", "subtitle": "b"}]}),
            json!({"type": "product", "product_id": "p1", "colour": "red"}),
            json!({"type": "payment_request", "amount_minor": 1, "currency": "EUR", "description": "d", "tip": 1}),
            json!({"type": "cart", "items": [], "total": {"amount_minor": 1, "currency": "EUR", "tax": 0}}),
            json!({"type": "sticker", "id": "x"}),
            json!({"text": "no type"}),
        ] {
            assert!(
                serde_json::from_value::<Content>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn html_is_accepted_and_kept_verbatim() {
        let html = "<script>alert(1)</script><b>bold</b> & <a href=\"javascript:x\">";
        let content = Content::text(html);
        assert_eq!(content.validate(), Ok(()));
        let json = serde_json::to_string(&content).unwrap();
        let back: Content = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Content::text(html));
        assert_eq!(back.to_plain_text(), html);
        assert_eq!(back.preview(), html);
    }

    /// Validates `content` and returns the field path of the error, asserting there is one.
    fn error_field(content: Content) -> String {
        match content.validate() {
            Err(e) => {
                assert_eq!(e.to_string(), format!("{}: {}", e.field, e.message));
                e.field
            }
            Ok(()) => panic!("expected an error for {content:?}"),
        }
    }

    fn carousel(cards: Vec<Card>) -> Content {
        Content::Carousel { cards }
    }

    #[test]
    fn text_limits() {
        assert_eq!(error_field(Content::text("")), "text");
        assert_eq!(error_field(Content::text(" \n\t ")), "text");
        assert_eq!(error_field(Content::text("x".repeat(4097))), "text");
        // Counted in characters: 4096 four-byte emoji is fine.
        assert_eq!(Content::text("🛍".repeat(4096)).validate(), Ok(()));
        assert_eq!(error_field(Content::text("bell\u{7}")), "text");
        assert_eq!(error_field(Content::text("cr\r\nlf")), "text");
        assert_eq!(Content::text("line\n\tindented").validate(), Ok(()));
    }

    #[test]
    fn quick_reply_limits() {
        let with = |replies: Vec<Action>| Content::Text {
            text: "Pick".into(),
            quick_replies: Some(replies),
        };
        assert_eq!(error_field(with(vec![reply("ok"); 14])), "quick_replies");
        assert_eq!(
            error_field(with(vec![
                reply("a"),
                reply("b"),
                reply("c"),
                reply("this label is too long")
            ])),
            "quick_replies[3].text"
        );
        assert_eq!(
            error_field(with(vec![reply("a"), link("b", "https://a.example")])),
            "quick_replies[1].type"
        );
        assert_eq!(
            error_field(with(vec![Action::Reply {
                text: "a".into(),
                payload: Some("x".repeat(1001))
            }])),
            "quick_replies[0].payload"
        );
        assert_eq!(with(vec![reply("ok"); 13]).validate(), Ok(()));
    }

    #[test]
    fn carousel_limits() {
        assert_eq!(error_field(carousel(vec![])), "cards");
        assert_eq!(error_field(carousel(vec![card("a"); 11])), "cards");
        let four_actions = Card {
            actions: vec![link("a", "https://a.example"); 4],
            ..card("a")
        };
        assert_eq!(
            error_field(carousel(vec![card("a"), four_actions])),
            "cards[1].actions"
        );
        let js = Card {
            actions: vec![link("Go", "javascript:alert(1)")],
            ..card("a")
        };
        let err = carousel(vec![card("a"), card("b"), js])
            .validate()
            .unwrap_err();
        assert_eq!(err.field, "cards[2].actions[0].url");
        assert!(err.message.contains("javascript"), "{err}");
        assert_eq!(
            error_field(carousel(vec![card(&"t".repeat(81))])),
            "cards[0].title"
        );
        let long = Card {
            description: Some("d".repeat(301)),
            ..card("a")
        };
        assert_eq!(error_field(carousel(vec![long])), "cards[0].description");
        let bad_media = Card {
            media: Some(MediaRef::from_url("ftp://a.example/x.png")),
            ..card("a")
        };
        assert_eq!(error_field(carousel(vec![bad_media])), "cards[0].media.url");
    }

    #[test]
    fn url_rules() {
        let with_url = |url: &str| {
            carousel(vec![Card {
                actions: vec![link("Go", url)],
                ..card("a")
            }])
        };
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "vbscript:msgbox",
            "ftp://a.example/x",
            "/relative/path",
            "https://",
            "https://shop.example@evil.example/",
            "https://a.example/ x",
            " https://a.example/",
            "java\tscript:alert(1)",
        ] {
            let err = with_url(bad).validate().unwrap_err();
            assert_eq!(err.field, "cards[0].actions[0].url", "{bad}");
        }
        for scheme in ["javascript", "data", "file", "vbscript"] {
            let err = with_url(&format!("{scheme}:x")).validate().unwrap_err();
            assert!(err.message.contains(&format!("`{scheme}:`")), "{err}");
        }
        let long = format!("https://a.example/{}", "x".repeat(2048));
        assert_eq!(
            with_url(&long).validate().unwrap_err().field,
            "cards[0].actions[0].url"
        );
        for good in [
            "http://a.example",
            "https://a.example/p?q=1#f",
            "https://[::1]:8443/x",
            "https://例え.jp/",
        ] {
            assert_eq!(with_url(good).validate(), Ok(()), "{good}");
        }
    }

    #[test]
    fn media_rules() {
        let data = Content::Image {
            media: MediaRef::from_url("data:image/png;base64,AAAA"),
            caption: None,
        };
        let err = data.validate().unwrap_err();
        assert_eq!(err.field, "media.url");
        assert!(err.message.contains("data"), "{err}");
        let both = MediaRef {
            url: Some("https://a.example/x.png".into()),
            ..MediaRef::uploaded(MediaId::new())
        };
        assert_eq!(
            error_field(Content::Image {
                media: both,
                caption: None
            }),
            "media"
        );
        let neither = MediaRef {
            url: None,
            ..MediaRef::from_url("x")
        };
        assert_eq!(error_field(Content::Audio { media: neither }), "media");
        let wrong_mime = MediaRef {
            mime_type: Some("video/mp4".into()),
            ..MediaRef::uploaded(MediaId::new())
        };
        assert_eq!(
            error_field(Content::Image {
                media: wrong_mime,
                caption: None
            }),
            "media.mime_type"
        );
        let garbage_mime = MediaRef {
            mime_type: Some("pdf".into()),
            ..MediaRef::uploaded(MediaId::new())
        };
        assert_eq!(
            error_field(Content::File {
                media: garbage_mime,
                filename: None
            }),
            "media.mime_type"
        );
        let long_alt = MediaRef {
            alt: Some("a".repeat(301)),
            ..MediaRef::uploaded(MediaId::new())
        };
        assert_eq!(
            error_field(Content::Video {
                media: long_alt,
                caption: None
            }),
            "media.alt"
        );
        let long_caption = Content::Image {
            media: MediaRef::uploaded(MediaId::new()),
            caption: Some("c".repeat(1025)),
        };
        assert_eq!(error_field(long_caption), "caption");
    }

    #[test]
    fn filename_rules() {
        let file = |name: &str| Content::File {
            media: MediaRef::uploaded(MediaId::new()),
            filename: Some(name.into()),
        };
        for bad in [
            "../etc/passwd",
            "a/b.pdf",
            "..\\boot.ini",
            "a\0b",
            "..",
            "",
            "x".repeat(256).as_str(),
        ] {
            assert_eq!(error_field(file(bad)), "filename", "{bad:?}");
        }
        assert_eq!(file("Rechnung März.pdf").validate(), Ok(()));
        assert_eq!(file("..hidden").validate(), Ok(()));
    }

    #[test]
    fn location_rules() {
        let at = |latitude: f64, longitude: f64| Content::Location {
            latitude,
            longitude,
            name: None,
            address: None,
        };
        assert_eq!(error_field(at(91.0, 0.0)), "latitude");
        assert_eq!(error_field(at(-90.5, 0.0)), "latitude");
        assert_eq!(error_field(at(f64::NAN, 0.0)), "latitude");
        assert_eq!(error_field(at(0.0, 180.01)), "longitude");
        assert_eq!(error_field(at(0.0, f64::INFINITY)), "longitude");
        assert_eq!(at(90.0, -180.0).validate(), Ok(()));
    }

    #[test]
    fn money_rules() {
        let pay = |amount_minor: i64, currency: &str| Content::PaymentRequest {
            amount_minor,
            currency: currency.into(),
            description: "Deposit".into(),
            order_id: None,
            pay_url: None,
        };
        assert_eq!(error_field(pay(1250, "eur")), "currency");
        assert_eq!(error_field(pay(1250, "EURO")), "currency");
        assert_eq!(error_field(pay(1250, "€")), "currency");
        assert_eq!(error_field(pay(0, "EUR")), "amount_minor");
        assert_eq!(error_field(pay(-5, "EUR")), "amount_minor");
        let bad_price = Content::Product(ProductRef {
            price: Some(Money::new(100, "usd")),
            ..product("p1")
        });
        assert_eq!(error_field(bad_price), "price.currency");
    }

    #[test]
    fn product_rules() {
        let discounted = |price: Money, was: Money| {
            Content::Product(ProductRef {
                price: Some(price),
                compare_at_price: Some(was),
                ..product("p1")
            })
        };
        assert_eq!(discounted(eur(6900), eur(8900)).validate(), Ok(()));
        assert_eq!(
            error_field(discounted(eur(6900), Money::new(8900, "USD"))),
            "compare_at_price.currency"
        );
        assert_eq!(
            error_field(discounted(eur(6900), eur(-1))),
            "compare_at_price.amount_minor"
        );
        let stocked = |stock: i64| Content::Products {
            items: vec![
                product("p1"),
                ProductRef {
                    stock: Some(stock),
                    ..product("p2")
                },
            ],
        };
        assert_eq!(stocked(0).validate(), Ok(()));
        assert_eq!(error_field(stocked(-1)), "items[1].stock");
    }

    #[test]
    fn postback_rules() {
        let pressed = |text: &str, payload: Option<&str>| Content::Postback {
            text: text.into(),
            payload: payload.map(String::from),
            message_id: None,
        };
        assert_eq!(pressed("Add to cart", None).validate(), Ok(()));
        assert_eq!(error_field(pressed("", None)), "text");
        assert_eq!(error_field(pressed(&"x".repeat(41), None)), "text");
        assert_eq!(
            error_field(pressed("Yes", Some(&"p".repeat(1001)))),
            "payload"
        );
        assert_eq!(error_field(pressed("Yes", Some("a\u{0}b"))), "payload");
        let parsed: Content =
            serde_json::from_value(json!({"type": "postback", "text": "Yes"})).unwrap();
        assert_eq!(parsed, pressed("Yes", None));
        assert!(
            serde_json::from_value::<Content>(json!({"type": "postback", "text": "Yes", "x": 1}))
                .is_err()
        );
    }

    #[test]
    fn cart_and_action_rules() {
        let cart = |items: Vec<CartLine>, total: Option<Money>| Content::Cart {
            cart_id: None,
            items,
            total,
            checkout_url: None,
        };
        assert_eq!(
            error_field(cart(vec![cart_line("a", 0, eur(1))], None)),
            "items[0].quantity"
        );
        assert_eq!(
            error_field(cart(vec![cart_line("a", 1000, eur(1))], None)),
            "items[0].quantity"
        );
        assert_eq!(error_field(cart(vec![], None)), "items");
        assert_eq!(
            error_field(cart(
                vec![
                    cart_line("a", 1, eur(1)),
                    cart_line("b", 1, Money::new(1, "USD"))
                ],
                None
            )),
            "items[1].unit_price.currency"
        );
        assert_eq!(
            error_field(cart(
                vec![cart_line("a", 1, eur(1))],
                Some(Money::new(1, "USD"))
            )),
            "total.currency"
        );
        assert_eq!(
            error_field(cart(vec![cart_line("a", 1, eur(-1))], None)),
            "items[0].unit_price.amount_minor"
        );
        let add = |quantity: u32| {
            carousel(vec![Card {
                actions: vec![Action::AddToCart {
                    text: "Add".into(),
                    product_id: "p1".into(),
                    variant_id: None,
                    quantity,
                }],
                ..card("a")
            }])
        };
        assert_eq!(error_field(add(0)), "cards[0].actions[0].quantity");
        assert_eq!(error_field(add(100)), "cards[0].actions[0].quantity");
        assert_eq!(add(99).validate(), Ok(()));
        let long_label = carousel(vec![Card {
            actions: vec![link(&"x".repeat(41), "https://a.example")],
            ..card("a")
        }]);
        assert_eq!(error_field(long_label), "cards[0].actions[0].text");
        let empty_postback = carousel(vec![Card {
            actions: vec![Action::Postback {
                text: "x".into(),
                payload: String::new(),
            }],
            ..card("a")
        }]);
        assert_eq!(error_field(empty_postback), "cards[0].actions[0].payload");
        let too_many = Content::Products {
            items: vec![product("p"); 11],
        };
        assert_eq!(error_field(too_many), "items");
        let bad_url = Content::Products {
            items: vec![
                product("p1"),
                ProductRef {
                    image_url: Some("file:///x".into()),
                    ..product("p2")
                },
            ],
        };
        assert_eq!(error_field(bad_url), "items[1].image_url");
    }

    #[test]
    fn form_rules() {
        let form = |fields: Vec<FormField>| Content::Form {
            title: None,
            fields,
            submit_label: None,
        };
        assert_eq!(error_field(form(vec![])), "fields");
        assert_eq!(
            error_field(form(vec![field("a", FormFieldKind::Text); 21])),
            "fields"
        );
        assert_eq!(
            error_field(form(vec![
                field("a", FormFieldKind::Text),
                field("size", FormFieldKind::Select)
            ])),
            "fields[1].options"
        );
        let empty_options = FormField {
            options: Some(vec![]),
            ..field("size", FormFieldKind::Select)
        };
        assert_eq!(error_field(form(vec![empty_options])), "fields[0].options");
        let stray_options = FormField {
            options: Some(vec!["a".into()]),
            ..field("n", FormFieldKind::Number)
        };
        assert_eq!(error_field(form(vec![stray_options])), "fields[0].options");
        let blank_option = FormField {
            options: Some(vec!["S".into(), " ".into()]),
            ..field("s", FormFieldKind::Select)
        };
        assert_eq!(
            error_field(form(vec![blank_option])),
            "fields[0].options[1]"
        );
        assert_eq!(
            error_field(form(vec![
                field("email", FormFieldKind::Email),
                field("phone", FormFieldKind::Phone),
                field("email", FormFieldKind::Text),
            ])),
            "fields[2].name"
        );
        let values = |n: usize| Content::FormResponse {
            form_message_id: None,
            values: (0..n).map(|i| (format!("f{i}"), "v".to_owned())).collect(),
        };
        assert_eq!(values(20).validate(), Ok(()));
        assert_eq!(error_field(values(21)), "values");
        let bad_value = Content::FormResponse {
            form_message_id: None,
            values: BTreeMap::from([("email".to_owned(), "a\u{1b}[31m".to_owned())]),
        };
        assert_eq!(error_field(bad_value), "values.email");
        let bad_key = Content::FormResponse {
            form_message_id: None,
            values: BTreeMap::from([(String::new(), "v".to_owned())]),
        };
        assert_eq!(error_field(bad_key), "values");
    }

    #[test]
    fn list_rules() {
        let list = |sections: Vec<ListSection>| Content::List {
            title: None,
            body: "Pick one".into(),
            button: "Options".into(),
            sections,
        };
        let section = |rows: Vec<ListRow>| ListSection { title: None, rows };
        assert_eq!(error_field(list(vec![])), "sections");
        assert_eq!(error_field(list(vec![section(vec![])])), "sections[0].rows");
        let six = |prefix: &str| {
            section(
                (0..6)
                    .map(|i| row(&format!("{prefix}{i}"), "Row"))
                    .collect(),
            )
        };
        assert_eq!(error_field(list(vec![six("a"), six("b")])), "sections");
        assert_eq!(
            error_field(list(vec![section(vec![
                row("a", "x"),
                row("b", &"t".repeat(25))
            ])])),
            "sections[0].rows[1].title"
        );
        let long_description = ListRow {
            description: Some("d".repeat(73)),
            ..row("a", "x")
        };
        assert_eq!(
            error_field(list(vec![section(vec![long_description])])),
            "sections[0].rows[0].description"
        );
        assert_eq!(
            error_field(list(vec![
                section(vec![row("a", "x")]),
                section(vec![row("a", "y")])
            ])),
            "sections[1].rows[0].id"
        );
        let mut long_button = list(vec![section(vec![row("a", "x")])]);
        if let Content::List { button, .. } = &mut long_button {
            *button = "b".repeat(21);
        }
        assert_eq!(error_field(long_button), "button");
        let mut long_body = list(vec![section(vec![row("a", "x")])]);
        if let Content::List { body, .. } = &mut long_body {
            *body = "b".repeat(1025);
        }
        assert_eq!(error_field(long_body), "body");
    }

    #[test]
    fn order_rules() {
        let order = Content::Order {
            order_id: "o1".into(),
            number: None,
            status: "shipped".into(),
            total: None,
            tracking_number: None,
            tracking_url: Some("vbscript:msgbox".into()),
            carrier: None,
        };
        assert_eq!(error_field(order), "tracking_url");
    }

    #[test]
    fn money_display() {
        assert_eq!(eur(1250).to_string(), "12.50 EUR");
        assert_eq!(eur(5).to_string(), "0.05 EUR");
        assert_eq!(eur(-5).to_string(), "-0.05 EUR");
        assert_eq!(Money::new(1250, "JPY").to_string(), "1250 JPY");
        assert_eq!(Money::new(1250, "KWD").to_string(), "1.250 KWD");
        assert_eq!(
            Money::new(i64::MIN, "EUR").to_string(),
            "-92233720368547758.08 EUR"
        );
    }

    #[test]
    fn previews() {
        let preview = |c: &Content| c.preview();
        let samples = samples();
        assert_eq!(
            preview(&Content::text("Hello\n\n  there\tyou")),
            "Hello there you"
        );
        let long = Content::text("word ".repeat(100));
        assert_eq!(long.preview().chars().count(), 140);
        assert!(long.preview().ends_with('…'));
        assert_eq!(preview(&samples[2]), "📷 New in");
        assert_eq!(
            preview(&Content::Image {
                media: MediaRef::uploaded(MediaId::new()),
                caption: None
            }),
            "📷 Photo"
        );
        assert_eq!(preview(&samples[5]), "📎 invoice-1001.pdf");
        assert_eq!(preview(&samples[6]), "📍 Eiffel Tower");
        assert_eq!(preview(&samples[7]), "🛍 2 products");
        assert_eq!(preview(&carousel(vec![card("Red shoe")])), "🛍 Red shoe");
        assert_eq!(preview(&samples[13]), "🛒 Cart: 3 items — 183.00 EUR");
        assert_eq!(preview(&samples[14]), "Order #1001 — shipped");
        let refunded = Content::Order {
            order_id: "o1".into(),
            number: Some("1002".into()),
            status: "partially_refunded".into(),
            total: None,
            tracking_number: None,
            tracking_url: None,
            carrier: None,
        };
        assert_eq!(preview(&refunded), "Order #1002 — partially refunded");
        assert_eq!(preview(&samples[15]), "Payment request: 12.50 EUR");
        assert_eq!(
            preview(&samples[11]),
            "🛍 Red shoe — 69.00 EUR (was 89.00 EUR)"
        );
        assert_eq!(preview(&samples[16]), "Add to cart");
        let sold_out = Content::Product(ProductRef {
            stock: Some(0),
            ..product("p9")
        });
        assert_eq!(preview(&sold_out), "🛍 p9 — sold out");
        for content in &samples {
            let p = content.preview();
            assert!(
                !p.is_empty() && p.chars().count() <= 140 && !p.contains('\n'),
                "{p:?}"
            );
        }
    }

    #[test]
    fn plain_text() {
        let samples = samples();
        assert_eq!(
            samples[1].to_plain_text(),
            "Which size?\n\nReply with: S / M"
        );
        assert_eq!(
            samples[7].to_plain_text(),
            "1. Red shoe — Leather, handmade\n   https://shop.example/shoe\n2. Blue shoe\n   https://shop.example/sizes"
        );
        assert_eq!(
            samples[8].to_plain_text(),
            "Delivery\nWhen should we deliver?\nToday:\n1. Evening — Between 6 and 8 pm\n2. Tomorrow morning"
        );
        assert_eq!(
            samples[9].to_plain_text(),
            "Contact details\n- email (required)\n- phone\n- size: S / M / L\n- note"
        );
        assert_eq!(
            samples[13].to_plain_text(),
            "Your cart:\n2 × Red shoe — 89.00 EUR each\n1 × Socks — 5.00 EUR each\nTotal: 183.00 EUR\n\
             Checkout: https://shop.example/checkout/c9"
        );
        assert_eq!(
            samples[14].to_plain_text(),
            "Order #1001 — shipped\nTotal: 183.00 EUR\nTracking: DHL JD0123\nhttps://track.example/JD0123"
        );
        assert_eq!(
            samples[15].to_plain_text(),
            "Payment request: 12.50 EUR — Deposit\nPay here: https://pay.example/x"
        );
        assert_eq!(
            samples[6].to_plain_text(),
            "Eiffel Tower\nChamp de Mars, Paris\nhttps://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945"
        );
        assert_eq!(samples[16].to_plain_text(), "Add to cart");
        assert_eq!(
            samples[11].to_plain_text(),
            "Red shoe — 69.00 EUR (was 89.00 EUR)\nhttps://shop.example/shoe"
        );
        assert_eq!(
            samples[3].to_plain_text(),
            "[Video]\nhttps://cdn.example/v.mp4"
        );
        for content in &samples {
            assert_eq!(
                content.to_plain_text(),
                content.clone().to_plain_text(),
                "deterministic"
            );
            assert!(!content.to_plain_text().is_empty());
        }
    }

    #[test]
    fn schema_is_generated() {
        let schema = serde_json::to_value(<Content as utoipa::PartialSchema>::schema()).unwrap();
        assert!(schema.to_string().contains("payment_request"));
    }

    // ------------------------------------------------------------ property tests

    fn non_control_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            any::<char>().prop_filter("control", |c| !c.is_control()),
            1..4096,
        )
        .prop_map(String::from_iter)
        .prop_filter("blank", |s| !s.trim().is_empty())
    }

    /// Short arbitrary strings, biased towards the interesting: URLs, whitespace, controls.
    fn any_string() -> impl Strategy<Value = String> {
        prop_oneof![
            ".{0,40}",
            any::<String>(),
            "(https?|javascript|data|file|ftp)?:(//)?[a-z@.:/\\[\\]]{0,20}",
            Just(String::new()),
            "[ \t\n\r\u{0}\u{7f}\u{85}\u{2028}]{0,5}",
        ]
    }

    fn any_opt_string() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(any_string())
    }

    fn any_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (any_string(), any_opt_string())
                .prop_map(|(text, payload)| Action::Reply { text, payload }),
            (any_string(), any_string()).prop_map(|(text, url)| Action::Link { text, url }),
            (any_string(), any_string(), any::<u32>()).prop_map(|(text, product_id, quantity)| {
                Action::AddToCart {
                    text,
                    product_id,
                    variant_id: None,
                    quantity,
                }
            }),
            (any_string(), any_string(), any_opt_string()).prop_map(|(text, url, size)| {
                Action::Webview {
                    text,
                    url,
                    size: size.map(|_| WebviewSize::Full),
                }
            }),
        ]
    }

    fn any_media() -> impl Strategy<Value = MediaRef> {
        (
            any::<bool>(),
            any_opt_string(),
            any_opt_string(),
            any_opt_string(),
        )
            .prop_map(|(uploaded, url, mime_type, alt)| MediaRef {
                media_id: uploaded.then(MediaId::new),
                url,
                mime_type,
                alt,
                size_bytes: None,
            })
    }

    fn any_card() -> impl Strategy<Value = Card> {
        (
            any_string(),
            any_opt_string(),
            proptest::option::of(any_media()),
            prop::collection::vec(any_action(), 0..5),
        )
            .prop_map(|(title, description, media, actions)| Card {
                title,
                description,
                media,
                actions,
            })
    }

    fn any_money() -> impl Strategy<Value = Money> {
        (any::<i64>(), any_string()).prop_map(|(amount_minor, currency)| Money {
            amount_minor,
            currency,
        })
    }

    fn any_content() -> impl Strategy<Value = Content> {
        prop_oneof![
            (
                any_string(),
                proptest::option::of(prop::collection::vec(any_action(), 0..16))
            )
                .prop_map(|(text, quick_replies)| Content::Text {
                    text,
                    quick_replies
                }),
            (any_string(), any_opt_string()).prop_map(|(text, payload)| Content::Postback {
                text,
                payload,
                message_id: None,
            }),
            (
                any_opt_string(),
                any::<Option<i64>>(),
                proptest::option::of(any_money())
            )
                .prop_map(|(title, stock, compare_at_price)| Content::Product(
                    ProductRef {
                        title,
                        stock,
                        compare_at_price,
                        ..product("p1")
                    }
                )),
            (any_media(), any_opt_string())
                .prop_map(|(media, caption)| Content::Image { media, caption }),
            (any_media(), any_opt_string())
                .prop_map(|(media, filename)| Content::File { media, filename }),
            (
                any::<f64>(),
                any::<f64>(),
                any_opt_string(),
                any_opt_string()
            )
                .prop_map(|(latitude, longitude, name, address)| Content::Location {
                    latitude,
                    longitude,
                    name,
                    address
                }),
            prop::collection::vec(any_card(), 0..15).prop_map(|cards| Content::Carousel { cards }),
            (
                any_opt_string(),
                any_string(),
                prop::collection::vec((any_string(), any_string()), 0..12)
            )
                .prop_map(|(title, body, rows)| Content::List {
                    title,
                    body,
                    button: "Open".into(),
                    sections: vec![ListSection {
                        title: None,
                        rows: rows
                            .into_iter()
                            .map(|(id, title)| ListRow {
                                id,
                                title,
                                description: None
                            })
                            .collect(),
                    }],
                }),
            prop::collection::vec((any_string(), any::<bool>()), 0..22).prop_map(|fields| {
                Content::Form {
                    title: None,
                    fields: fields
                        .into_iter()
                        .map(|(name, select)| FormField {
                            label: name.clone(),
                            name,
                            kind: if select {
                                FormFieldKind::Select
                            } else {
                                FormFieldKind::Text
                            },
                            required: select,
                            options: None,
                        })
                        .collect(),
                    submit_label: None,
                }
            }),
            prop::collection::btree_map(any_string(), any_string(), 0..22).prop_map(|values| {
                Content::FormResponse {
                    form_message_id: None,
                    values,
                }
            }),
            (
                prop::collection::vec((any_string(), any::<u32>(), any_money()), 0..4),
                proptest::option::of(any_money())
            )
                .prop_map(|(lines, total)| Content::Cart {
                    cart_id: None,
                    items: lines
                        .into_iter()
                        .map(|(title, quantity, price)| cart_line(&title, quantity, price))
                        .collect(),
                    total,
                    checkout_url: None,
                }),
            (
                any_string(),
                any_opt_string(),
                any_string(),
                any_opt_string()
            )
                .prop_map(|(order_id, number, status, tracking_url)| Content::Order {
                    order_id,
                    number,
                    status,
                    total: None,
                    tracking_number: None,
                    tracking_url,
                    carrier: None,
                }),
            (any::<i64>(), any_string(), any_string(), any_opt_string()).prop_map(
                |(amount_minor, currency, description, pay_url)| Content::PaymentRequest {
                    amount_minor,
                    currency,
                    description,
                    order_id: None,
                    pay_url,
                }
            ),
        ]
    }

    /// Arbitrary JSON built from the model's own field names, to reach deep into the parser.
    fn any_json() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let key = prop::sample::select(vec![
            "type",
            "text",
            "quick_replies",
            "media",
            "media_id",
            "url",
            "cards",
            "title",
            "actions",
            "sections",
            "rows",
            "fields",
            "kind",
            "options",
            "values",
            "items",
            "quantity",
            "price",
            "amount_minor",
            "currency",
            "latitude",
            "extra",
        ]);
        let tag = prop::sample::select(vec![
            "text",
            "image",
            "carousel",
            "list",
            "form",
            "form_response",
            "postback",
            "product",
            "products",
            "cart",
            "order",
            "payment_request",
            "reply",
            "link",
            "add_to_cart",
            "select",
            "bogus",
        ]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            tag.prop_map(Value::from),
            ".{0,10}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6).prop_map(
                    |entries| Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.to_owned(), v))
                            .collect()
                    )
                ),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn valid_text_validates_and_round_trips(text in non_control_text()) {
            let content = Content::text(text);
            prop_assert_eq!(content.validate(), Ok(()));
            let json = serde_json::to_string(&content).unwrap();
            prop_assert_eq!(serde_json::from_str::<Content>(&json).unwrap(), content);
        }

        #[test]
        fn validate_and_renderings_never_panic(content in any_content()) {
            let _ = content.validate();
            let _ = content.to_plain_text();
            let _ = content.kind();
        }

        #[test]
        fn valid_content_round_trips(content in any_content()) {
            // Whatever the generator produced that happens to be valid survives JSON unchanged
            // (NaN coordinates are invalid, so equality is well defined here).
            if content.validate().is_ok() {
                let json = serde_json::to_string(&content).unwrap();
                let mut back = serde_json::from_str::<Content>(&json).unwrap();
                // serde_json parses floats best-effort unless its `float_roundtrip` feature is
                // on: coordinates may come back off by the last bit, so compare those loosely.
                if let (
                    Content::Location { latitude: a, longitude: b, .. },
                    Content::Location { latitude: c, longitude: d, .. },
                ) = (&content, &mut back)
                {
                    prop_assert!((*a - *c).abs() <= a.abs() * 1e-15, "{} vs {}", a, c);
                    prop_assert!((*b - *d).abs() <= b.abs() * 1e-15, "{} vs {}", b, d);
                    (*c, *d) = (*a, *b);
                }
                prop_assert_eq!(back, content);
            }
        }

        #[test]
        fn parsing_never_panics(s in any::<String>()) {
            let _ = serde_json::from_str::<Content>(&s);
        }

        #[test]
        fn parsing_json_shaped_input_never_panics(value in any_json()) {
            let _ = serde_json::from_value::<Content>(value.clone());
            if let Ok(content) = serde_json::from_str::<Content>(&value.to_string()) {
                let _ = content.validate();
            }
        }

        #[test]
        fn preview_is_one_short_line(content in any_content()) {
            let preview = content.preview();
            prop_assert!(preview.chars().count() <= PREVIEW_MAX_CHARS, "{:?}", preview);
            prop_assert!(!preview.contains(['\n', '\r']), "{:?}", preview);
        }
    }
}
