//! Product pictures of the demo shop, drawn here so that the demo downloads nothing:
//! `GET /demo/products/{category}/{slug}.svg` is a deterministic SVG whose shape follows
//! the category (a shirt for `tops`, a shoe for `shoes`, ...), whose colour is the one the
//! slug ends in (`linen-shirt-navy`) or else one derived from the slug, and which carries
//! the product's initials.
//!
//! Safe by construction: only `[a-z0-9-]` names are accepted, and nothing of them reaches
//! the picture but a colour from a fixed table and upper-case initials. There is no script,
//! no link, no external reference, and the response forbids everything else by CSP.

use crate::error::ApiError;
use crate::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Longest category or slug accepted.
const NAME_MAX: usize = 64;
/// The pictures never change for a name; a day keeps pages fast and lets a new version of
/// the drawing show up soon.
const CACHE: &str = "public, max-age=86400";
/// An SVG opened on its own is a document: let it do nothing but draw itself.
const SVG_POLICY: &str = "default-src 'none'; sandbox";

/// Colours a slug may end in, as demo catalog variants name them.
const COLOURS: &[(&str, &str)] = &[
    ("black", "#2b2b2b"),
    ("white", "#f4f1ea"),
    ("cream", "#efe6d2"),
    ("sand", "#d8c3a0"),
    ("camel", "#b8874f"),
    ("brown", "#7a4e2d"),
    ("navy", "#22345c"),
    ("blue", "#3b6db3"),
    ("sky", "#8ab8e0"),
    ("grey", "#8a8d91"),
    ("olive", "#6b7042"),
    ("green", "#3f7d58"),
    ("sage", "#9db39a"),
    ("red", "#b53a35"),
    ("burgundy", "#6e2233"),
    ("pink", "#e7a3b5"),
    ("rust", "#b5562f"),
    ("mustard", "#d2a531"),
    ("natural", "#e4d7bd"),
    ("terracotta", "#c7714f"),
];

/// `GET /demo/products/{category}/{slug}.svg`.
pub async fn product_picture(Path((category, file)): Path<(String, String)>) -> Response {
    let picture = file
        .strip_suffix(".svg")
        .and_then(|slug| product_svg(&category, slug));
    let Some(svg) = picture else {
        return ApiError::not_found("picture").into_response();
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static(CACHE)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SVG_POLICY),
        ),
    ];
    (headers, svg).into_response()
}

fn is_name(s: &str) -> bool {
    (1..=NAME_MAX).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The picture of a product, or `None` for names that are not `[a-z0-9-]{1,64}`.
pub fn product_svg(category: &str, slug: &str) -> Option<String> {
    if !is_name(category) || !is_name(slug) {
        return None;
    }
    let words: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).collect();
    let named_colour = words
        .last()
        .and_then(|last| COLOURS.iter().find(|(name, _)| name == last))
        .map(|(_, hex)| (*hex).to_owned());
    let title_words = match named_colour {
        Some(_) => &words[..words.len() - 1],
        None => &words[..],
    };
    let hue = fnv1a(title_words.join("-").as_bytes()) % 360;
    let colour = named_colour.unwrap_or_else(|| format!("hsl({hue} 45% 45%)"));
    let initials: String = title_words
        .iter()
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphanumeric)
        .take(2)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    Some(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img">"#,
            r#"<rect width="400" height="400" fill="hsl({hue} 35% 94%)"/>"#,
            r#"<circle cx="200" cy="190" r="150" fill="hsl({hue} 40% 88%)"/>"#,
            r#"<g fill="{colour}" color="{colour}" stroke="rgb(0 0 0 / 20%)" stroke-width="3" stroke-linejoin="round">{shape}</g>"#,
            r#"<text x="200" y="372" text-anchor="middle" font-family="system-ui, sans-serif" "#,
            r#"font-size="34" font-weight="700" fill="hsl({hue} 30% 30%)">{initials}</text>"#,
            "</svg>"
        ),
        hue = hue,
        colour = colour,
        shape = shape(category),
        initials = initials,
    ))
}

/// The outline drawn for a category; a plain disc for any other.
fn shape(category: &str) -> &'static str {
    match category {
        "tops" => {
            r#"<path d="M140 95 L172 80 Q200 102 228 80 L260 95 L310 140 L282 172 L262 155 L262 300 L138 300 L138 155 L118 172 L90 140 Z"/>"#
        }
        "knitwear" => concat!(
            r#"<path d="M140 90 L172 78 Q200 98 228 78 L260 90 L300 130 L318 280 L288 284 L262 170 L262 300 L138 300 L138 170 L112 284 L82 280 L100 130 Z"/>"#,
            r#"<path d="M140 286 H260 M95 266 L115 264 M285 264 L305 266" fill="none"/>"#
        ),
        "trousers" => r#"<path d="M148 80 H252 L272 310 H218 L200 150 L182 310 H128 Z"/>"#,
        "dresses" => concat!(
            r#"<path d="M178 80 L186 58 M222 80 L214 58" fill="none" stroke="currentColor" stroke-width="6"/>"#,
            r#"<path d="M176 78 H224 L232 138 L290 310 H110 L168 138 Z"/>"#
        ),
        "outerwear" => concat!(
            r#"<path d="M150 78 L200 100 L250 78 L296 112 L312 300 L274 300 L262 180 L262 318 L138 318 L138 180 L126 300 L88 300 L104 112 Z"/>"#,
            r#"<path d="M200 100 L200 318 M170 88 L200 150 L230 88" fill="none"/>"#
        ),
        "shoes" => {
            r#"<path d="M92 262 Q92 212 132 210 L188 218 Q226 170 262 178 L306 236 Q330 258 304 280 H110 Q92 280 92 262 Z"/>"#
        }
        "bags" => concat!(
            r#"<path d="M160 170 Q160 104 200 104 Q240 104 240 170" fill="none" stroke="currentColor" stroke-width="14"/>"#,
            r#"<path d="M118 168 H282 L298 310 H102 Z"/>"#
        ),
        "accessories" => concat!(
            r#"<ellipse cx="200" cy="232" rx="140" ry="34"/>"#,
            r#"<path d="M140 226 Q140 128 200 128 Q260 128 260 226 Z"/>"#
        ),
        "home" => concat!(
            r#"<path d="M262 170 Q314 170 314 214 Q314 258 262 258" fill="none" stroke="currentColor" stroke-width="18"/>"#,
            r#"<path d="M122 130 H270 V288 Q270 306 252 306 H140 Q122 306 122 288 Z"/>"#
        ),
        _ => r#"<circle cx="200" cy="190" r="100"/>"#,
    }
}

/// FNV-1a: a stable hash (unlike `std`'s, which may change between releases), so a product
/// keeps its colour.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_deterministic_and_follow_category_and_colour() {
        let navy = product_svg("tops", "linen-shirt-navy").unwrap();
        assert_eq!(navy, product_svg("tops", "linen-shirt-navy").unwrap());
        assert!(navy.contains("#22345c"), "{navy}");
        assert!(navy.contains(">LS</text>"), "{navy}");
        let sand = product_svg("tops", "linen-shirt-sand").unwrap();
        assert_ne!(navy, sand);
        // The same product in any colour keeps its background.
        let background = |svg: &str| svg.split("<g").next().unwrap().to_owned();
        assert_eq!(background(&navy), background(&sand));
        assert_ne!(
            product_svg("shoes", "linen-shirt-navy").unwrap(),
            navy,
            "the shape follows the category"
        );
        assert!(product_svg("unknown", "thing").unwrap().contains("<circle"));
    }

    #[test]
    fn only_plain_names_are_drawn() {
        for (category, slug) in [
            ("tops", ""),
            ("", "shirt"),
            ("tops", "Shirt"),
            ("tops", "a.b"),
            ("tops", "<script>"),
            ("../etc", "passwd"),
            ("tops", "%3Cscript%3E"),
            ("tops", &"a".repeat(65)),
        ] {
            assert_eq!(product_svg(category, slug), None, "{category}/{slug}");
        }
    }

    #[test]
    fn every_picture_is_inert_markup() {
        for category in [
            "tops",
            "knitwear",
            "trousers",
            "dresses",
            "outerwear",
            "shoes",
            "bags",
            "accessories",
            "home",
            "other",
        ] {
            let svg = product_svg(category, "a-1-x-sky").unwrap();
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            let lower = svg.to_ascii_lowercase();
            for forbidden in [
                "<script",
                "javascript:",
                "href",
                " on",
                "<foreignobject",
                "url(",
            ] {
                assert!(!lower.contains(forbidden), "{category}: {forbidden}");
            }
            assert_eq!(svg.matches("<svg").count(), 1);
            assert!(svg.ends_with("</svg>"));
        }
    }
}
