//! The demo shop's catalog: clothes, shoes, bags and homeware in euros, each with sizes and
//! colours, some on sale, some running low or sold out, each with a picture the server draws
//! itself (`/demo/products/{category}/{slug}.svg`, see `shoptalk_http::web::demo_art`).
//!
//! Everything is derived from the table below, deterministically, so every demo has the same
//! shop.

use shoptalk_types::model::{NewProduct, Variant};
use std::collections::BTreeMap;

pub const CURRENCY: &str = "EUR";

/// Which sizes a product comes in.
#[derive(Debug, Clone, Copy)]
enum Sizes {
    /// XS to XL.
    Letters,
    /// Waist sizes in inches.
    Waist,
    /// EU shoe sizes.
    Shoes,
    /// No size.
    One,
}

impl Sizes {
    fn list(self) -> &'static [&'static str] {
        match self {
            Sizes::Letters => &["XS", "S", "M", "L", "XL"],
            Sizes::Waist => &["28", "30", "32", "34", "36"],
            Sizes::Shoes => &["38", "39", "40", "41", "42", "43", "44"],
            Sizes::One => &[],
        }
    }
}

/// How stock is set for a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stock {
    /// Varies by variant: most in stock, some low, a few sold out.
    Mixed,
    /// Every variant is down to its last units.
    Low,
    /// Nothing left in any variant.
    SoldOut,
}

/// One line of the table.
struct Item {
    category: &'static str,
    slug: &'static str,
    title: &'static str,
    /// Euro cents.
    price: i64,
    /// The "was" price in cents; 0 when not on sale.
    was: i64,
    sizes: Sizes,
    /// Colour names as the pictures know them (`shoptalk_http::web::demo_art`).
    colours: &'static [&'static str],
    stock: Stock,
    blurb: &'static str,
}

const fn item(
    category: &'static str,
    slug: &'static str,
    title: &'static str,
    price: i64,
    sizes: Sizes,
    colours: &'static [&'static str],
    blurb: &'static str,
) -> Item {
    Item {
        category,
        slug,
        title,
        price,
        was: 0,
        sizes,
        colours,
        stock: Stock::Mixed,
        blurb,
    }
}

impl Item {
    const fn on_sale(self, was: i64) -> Self {
        Self { was, ..self }
    }

    const fn stock(self, stock: Stock) -> Self {
        Self { stock, ..self }
    }
}

use Sizes::*;
use Stock::*;

#[rustfmt::skip]
const ITEMS: &[Item] = &[
    // Tops.
    item("tops", "linen-shirt", "Linen shirt", 5900, Letters, &["navy", "sand", "white"], "Washed European linen, relaxed fit, mother-of-pearl buttons."),
    item("tops", "oxford-shirt", "Oxford shirt", 6900, Letters, &["blue", "white"], "Heavy cotton oxford with a button-down collar."),
    item("tops", "breton-tee", "Breton tee", 3500, Letters, &["navy", "red"], "The striped classic in thick organic cotton.").on_sale(4500),
    item("tops", "organic-tee", "Organic tee", 2500, Letters, &["white", "black", "sage"], "Soft 180 g organic cotton jersey."),
    item("tops", "polo-shirt", "Piqué polo", 4900, Letters, &["navy", "white", "green"], "Cotton piqué with a two-button placket."),
    item("tops", "silk-blouse", "Silk blouse", 11900, Letters, &["cream", "black"], "Sand-washed silk, French seams.").stock(Low),
    item("tops", "henley", "Waffle henley", 3900, Letters, &["grey", "rust"], "Waffle-knit cotton, three-button neck."),
    item("tops", "tank-top", "Rib tank top", 1900, Letters, &["white", "black"], "Fine rib cotton with a scoop neck.").on_sale(2500),
    // Knitwear.
    item("knitwear", "merino-crewneck", "Merino crewneck", 8900, Letters, &["navy", "grey", "burgundy"], "Extra-fine merino, machine washable."),
    item("knitwear", "cashmere-cardigan", "Cashmere cardigan", 19900, Letters, &["camel", "grey"], "Two-ply Mongolian cashmere.").stock(SoldOut),
    item("knitwear", "cable-jumper", "Cable-knit jumper", 9900, Letters, &["cream", "navy"], "Chunky cables in British wool.").on_sale(12900),
    item("knitwear", "roll-neck", "Roll-neck sweater", 7900, Letters, &["black", "olive"], "Fine-gauge merino roll neck."),
    item("knitwear", "fisherman-sweater", "Fisherman sweater", 10900, Letters, &["natural", "navy"], "Oiled wool, knitted in Ireland."),
    item("knitwear", "mohair-vest", "Mohair vest", 6900, Letters, &["pink", "sage"], "Brushed mohair blend, cropped.").stock(Low),
    // Trousers.
    item("trousers", "chinos", "Slim chinos", 6900, Waist, &["sand", "navy", "olive"], "Stretch cotton twill, tapered leg."),
    item("trousers", "linen-trousers", "Linen trousers", 7500, Waist, &["sand", "white"], "Drawstring waist, wide leg."),
    item("trousers", "selvedge-jeans", "Selvedge jeans", 12900, Waist, &["blue", "black"], "14 oz Japanese selvedge denim."),
    item("trousers", "cargo-trousers", "Cargo trousers", 7900, Waist, &["olive", "black"], "Ripstop cotton with bellows pockets.").on_sale(9900),
    item("trousers", "wide-leg-trousers", "Wide-leg trousers", 8900, Waist, &["black", "camel"], "Fluid crepe with pressed creases."),
    item("trousers", "cord-trousers", "Corduroy trousers", 7900, Waist, &["brown", "mustard"], "Eight-wale needlecord."),
    // Dresses.
    item("dresses", "wrap-dress", "Wrap dress", 9900, Letters, &["green", "navy"], "Midi length, tie waist, viscose crepe."),
    item("dresses", "slip-dress", "Slip dress", 8900, Letters, &["black", "cream"], "Bias-cut satin with adjustable straps."),
    item("dresses", "shirt-dress", "Shirt dress", 8500, Letters, &["blue", "white"], "Poplin with a self belt.").on_sale(10500),
    item("dresses", "linen-sundress", "Linen sundress", 7900, Letters, &["terracotta", "white"], "Square neck, tiered skirt."),
    item("dresses", "knit-dress", "Knit midi dress", 11900, Letters, &["grey", "black"], "Rib-knit merino blend.").stock(SoldOut),
    // Outerwear.
    item("outerwear", "trench-coat", "Trench coat", 22900, Letters, &["camel", "black"], "Water-repellent gabardine, storm flap."),
    item("outerwear", "wool-overcoat", "Wool overcoat", 27900, Letters, &["grey", "navy"], "Italian wool and cashmere blend.").on_sale(34900),
    item("outerwear", "rain-jacket", "Rain jacket", 12900, Letters, &["mustard", "navy"], "Fully seam-sealed, packs into its pocket."),
    item("outerwear", "denim-jacket", "Denim jacket", 9900, Letters, &["blue", "black"], "Rigid denim that breaks in beautifully."),
    item("outerwear", "quilted-vest", "Quilted vest", 8900, Letters, &["olive", "navy"], "Recycled insulation, snap front.").stock(Low),
    item("outerwear", "linen-suit", "Linen suit jacket", 18900, Letters, &["sand", "navy"], "Unstructured, half-lined, for summer weddings."),
    // Shoes.
    item("shoes", "espadrilles", "Espadrilles", 4500, Shoes, &["natural", "navy"], "Hand-stitched jute sole, canvas upper."),
    item("shoes", "leather-sneakers", "Leather sneakers", 13900, Shoes, &["white", "black"], "Full-grain leather, margom sole."),
    item("shoes", "chelsea-boots", "Chelsea boots", 18900, Shoes, &["brown", "black"], "Suede, Goodyear-welted.").stock(SoldOut),
    item("shoes", "penny-loafers", "Penny loafers", 15900, Shoes, &["burgundy", "black"], "Polished calf leather.").on_sale(18900),
    item("shoes", "leather-sandals", "Leather sandals", 7900, Shoes, &["camel", "black"], "Vegetable-tanned straps, cork footbed."),
    item("shoes", "running-shoes", "Running shoes", 11900, Shoes, &["grey", "sky"], "Light, cushioned, made for daily miles."),
    // Bags.
    item("bags", "canvas-tote", "Canvas tote", 3500, One, &["natural", "navy"], "Heavy cotton canvas with an inner pocket."),
    item("bags", "leather-backpack", "Leather backpack", 22900, One, &["brown", "black"], "Fits a 15-inch laptop."),
    item("bags", "crossbody-bag", "Crossbody bag", 12900, One, &["camel", "black", "burgundy"], "Adjustable strap, magnetic closure.").on_sale(15900),
    item("bags", "weekender", "Weekender bag", 18900, One, &["olive", "navy"], "Waxed canvas and leather trims.").stock(Low),
    item("bags", "belt-bag", "Belt bag", 4900, One, &["black", "sand"], "Recycled nylon, wear it cross-body or at the waist."),
    // Accessories.
    item("accessories", "straw-hat", "Straw hat", 4900, One, &["natural"], "Wide brim, hand-woven raffia."),
    item("accessories", "wool-scarf", "Wool scarf", 5900, One, &["grey", "camel", "red"], "Lambswool, fringed ends."),
    item("accessories", "leather-belt", "Leather belt", 4500, Waist, &["brown", "black"], "Bridle leather, solid brass buckle."),
    item("accessories", "sunglasses", "Round sunglasses", 8900, One, &["black", "brown"], "Acetate frames, polarised lenses.").on_sale(11900),
    item("accessories", "beanie", "Rib beanie", 2900, One, &["mustard", "navy", "grey"], "Merino rib, turn-up cuff."),
    item("accessories", "silk-scarf", "Silk scarf", 6900, One, &["pink", "blue"], "Printed twill silk, hand-rolled edges.").stock(SoldOut),
    item("accessories", "sock-pack", "Socks, 3-pack", 1900, Shoes, &["grey", "navy"], "Combed cotton, reinforced heel."),
    item("accessories", "leather-wallet", "Leather wallet", 5900, One, &["brown", "black"], "Six cards and notes, slim."),
    // Home.
    item("home", "linen-bedding", "Linen bedding set", 16900, One, &["white", "sage", "terracotta"], "Duvet cover and two pillowcases, stonewashed."),
    item("home", "ceramic-mug", "Ceramic mug", 1800, One, &["cream", "blue", "rust"], "Hand-thrown stoneware, 350 ml."),
    item("home", "scented-candle", "Scented candle", 2900, One, &["cream"], "Fig and cedar, 50 hours.").stock(Low),
    item("home", "throw-blanket", "Wool throw", 8900, One, &["mustard", "grey"], "Herringbone lambswool.").on_sale(10900),
    item("home", "bath-towels", "Bath towels, pair", 4900, One, &["white", "sage"], "Heavy Turkish cotton."),
    item("home", "table-linen", "Linen napkins, set of 4", 3900, One, &["natural", "blue"], "Stonewashed linen."),
];

/// A product the demo seeds, with what the stories need to refer to it.
pub struct DemoProduct {
    pub slug: &'static str,
    pub new: NewProduct,
}

/// The whole catalog, with pictures and links on `public_url` (this server).
pub fn products(public_url: &str) -> Vec<DemoProduct> {
    ITEMS
        .iter()
        .map(|item| DemoProduct {
            slug: item.slug,
            new: product(item, public_url),
        })
        .collect()
}

/// The picture of a product (`colour` `None`) or of one of its colours.
fn picture(public_url: &str, item: &Item, colour: Option<&str>) -> String {
    let suffix = colour.map(|c| format!("-{c}")).unwrap_or_default();
    format!(
        "{public_url}/demo/products/{}/{}{suffix}.svg",
        item.category, item.slug
    )
}

fn product(item: &Item, public_url: &str) -> NewProduct {
    let mut tags = vec![item.category.to_owned()];
    if item.was > 0 {
        tags.push("sale".to_owned());
    }
    if item.colours.len() == 1 {
        tags.push(item.colours[0].to_owned());
    }
    NewProduct {
        external_id: Some(item.slug.to_owned()),
        title: item.title.to_owned(),
        description: Some(item.blurb.to_owned()),
        // The demo storefront: a page that exists, so tracked product links lead somewhere.
        url: Some(format!("{public_url}/demo?product={}", item.slug)),
        category: Some(capitalised(item.category)),
        tags,
        images: std::iter::once(picture(public_url, item, None))
            .chain(
                item.colours
                    .iter()
                    .map(|c| picture(public_url, item, Some(c))),
            )
            .collect(),
        currency: CURRENCY.to_owned(),
        localized: BTreeMap::new(),
        variants: variants(item, public_url),
    }
}

/// Every colour in every size.
fn variants(item: &Item, public_url: &str) -> Vec<Variant> {
    let sizes: Vec<Option<&str>> = match item.sizes.list() {
        [] => vec![None],
        list => list.iter().copied().map(Some).collect(),
    };
    let mut out = Vec::with_capacity(item.colours.len() * sizes.len());
    for colour in item.colours {
        for size in &sizes {
            let id = match size {
                Some(size) => format!("{}-{colour}-{}", item.slug, size.to_ascii_lowercase()),
                None => format!("{}-{colour}", item.slug),
            };
            let mut options = BTreeMap::from([("colour".to_owned(), capitalised(colour))]);
            let title = match size {
                Some(size) => {
                    options.insert("size".to_owned(), (*size).to_owned());
                    format!("{} / {size}", capitalised(colour))
                }
                None => capitalised(colour),
            };
            out.push(Variant {
                sku: Some(id.to_ascii_uppercase()),
                inventory: Some(inventory(item.stock, &id)),
                id,
                title,
                options,
                price_minor: item.price,
                compare_at_minor: (item.was > 0).then_some(item.was),
                image_url: Some(picture(public_url, item, Some(colour))),
            });
        }
    }
    out
}

/// Units in stock of one variant: fixed per variant id, so every demo agrees.
fn inventory(stock: Stock, variant_id: &str) -> i64 {
    let roll = i64::from(fnv1a(variant_id.as_bytes()) % 100);
    match stock {
        SoldOut => 0,
        Low => 1 + roll % 3,
        Mixed if roll < 8 => 0,
        Mixed if roll < 20 => 1 + roll % 3,
        Mixed => 5 + roll % 40,
    }
}

/// FNV-1a, stable across Rust releases (unlike `std`'s hasher).
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_catalog_is_large_varied_and_consistent() {
        let products = products("http://127.0.0.1:8080");
        assert!(products.len() >= 50, "{}", products.len());
        let slugs: HashSet<_> = products.iter().map(|p| p.slug).collect();
        assert_eq!(slugs.len(), products.len(), "slugs are unique");
        let categories: HashSet<_> = products.iter().map(|p| &p.new.category).collect();
        assert!(categories.len() >= 8);
        let variants = || products.iter().flat_map(|p| &p.new.variants);
        assert!(variants().any(|v| v.compare_at_minor.is_some()));
        assert!(variants().any(|v| v.inventory == Some(0)));
        assert!(variants().any(|v| matches!(v.inventory, Some(1..=3))));
        assert!(variants().any(|v| v.inventory.is_some_and(|n| n > 10)));
        for p in &products {
            assert!(p.new.variants.len() <= 100, "{}", p.slug);
            let ids: HashSet<_> = p.new.variants.iter().map(|v| &v.id).collect();
            assert_eq!(ids.len(), p.new.variants.len(), "{}", p.slug);
            for v in &p.new.variants {
                assert!(v.id.len() <= 64, "{}", v.id);
                assert!(v.compare_at_minor.is_none_or(|c| c > v.price_minor));
            }
        }
    }

    #[test]
    fn every_colour_has_a_picture_of_its_own() {
        for item in ITEMS {
            for colour in item.colours {
                let url = picture("http://x", item, Some(colour));
                let slug = url.rsplit('/').next().unwrap().trim_end_matches(".svg");
                let svg = shoptalk_http::web::demo_art::product_svg(item.category, slug)
                    .unwrap_or_else(|| panic!("{url}"));
                assert!(svg.contains("<g fill=\"#"), "{url} is drawn in its colour");
            }
        }
    }
}
