use super::super::{ImportPlan, ImportSource};
use super::*;
use proptest::prelude::*;
use shoptalk_types::ids::WorkspaceId;

const HEADER: &str = "external_id,title,currency,option1_name,option1_value,price,\
                      compare_at_price,inventory,variant_title";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = HEADER.to_owned();
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.into_bytes()
}

fn header_error_field(bytes: &[u8]) -> String {
    match decode(bytes) {
        Err(DomainError::Invalid { field, .. }) => field,
        Err(other) => panic!("expected invalid, got {other:?}"),
        Ok(_) => panic!("expected the header to be refused"),
    }
}

/// Decodes and applies the catalog's rules: the good products and every reported problem.
fn import(bytes: &[u8]) -> (Vec<NewProduct>, u32, Vec<(u32, String)>) {
    let plan = ImportPlan::read(WorkspaceId::new(), ImportSource::Csv(bytes)).unwrap();
    let mut errors: Vec<(u32, String)> = (plan.errors().iter())
        .map(|e| (e.row, e.field.clone()))
        .collect();
    errors.sort();
    let products = plan
        .products()
        .iter()
        .cloned()
        .map(|p| NewProduct {
            external_id: p.external_id,
            title: p.title,
            description: p.description,
            url: p.url,
            category: p.category,
            tags: p.tags,
            images: p.images,
            currency: p.currency,
            localized: p.localized,
            variants: p.variants,
        })
        .collect();
    (products, plan.failed(), errors)
}

#[test]
fn rows_with_one_external_id_are_one_product() {
    let (products, failed, errors) = import(&csv(&[
        "mug-1,Blue mug,EUR,Size,S,12.99,,3,",
        "mug-1,,,,M,13.5,15,0,Medium",
        "tee-1,Tee,JPY,,,1200,,,",
    ]));
    assert_eq!((failed, errors), (0, vec![]));
    let [mug, tee] = &products[..] else {
        panic!("{products:?}")
    };
    assert_eq!(mug.external_id.as_deref(), Some("mug-1"));
    assert_eq!(mug.variants.len(), 2);
    let (s, m) = (&mug.variants[0], &mug.variants[1]);
    assert_eq!(
        (s.price_minor, s.inventory, s.title.as_str()),
        (1299, Some(3), "S")
    );
    assert_eq!(s.options["Size"], "S");
    assert_eq!(
        (m.price_minor, m.compare_at_minor, m.title.as_str()),
        (1350, Some(1500), "Medium")
    );
    assert_eq!(tee.currency, "JPY");
    assert_eq!(tee.variants[0].price_minor, 1200);
    assert_eq!(tee.variants[0].title, "Default");
    assert_eq!(tee.variants[0].inventory, None);
}

#[test]
fn a_bad_row_refuses_its_whole_product_and_names_row_and_column() {
    let (products, failed, errors) = import(&csv(&[
        "mug-1,Mug,EUR,,,12.99,,,",
        "mug-1,,,,,12.999,,,",
        "tee-1,Tee,EUR,,,5,,,",
        "lamp-1,Lamp,EUR,,,5,4,,",
        "vase-1,Vase,EUR,,,1,,lots,",
        "bowl-1,Bowl,EUR,,,1,,,",
        "bowl-1,Plate,EUR,,,1,,,",
        ",Nameless,EUR,,,1,,,",
        "cup-1,Cup,XYZ,,,1,,,",
    ]));
    assert_eq!(products.len(), 1, "only the tee is good");
    assert_eq!(products[0].title, "Tee");
    assert_eq!(failed, 6);
    let expected = [
        (3, "price"),
        (5, "compare_at_price"),
        (6, "inventory"),
        (8, "title"),
        (9, "external_id"),
        (10, "currency"),
    ];
    let expected: Vec<(u32, String)> = expected.iter().map(|(r, f)| (*r, f.to_string())).collect();
    assert_eq!(errors, expected);
}

#[test]
fn validation_errors_point_at_the_variant_row() {
    let (_, _, errors) = import(&csv(&[
        "mug-1,Mug,EUR,Size,S,1,,,",
        "mug-1,,,,M,1,,-2,",
        "mug-1,,,,L,1,,,",
    ]));
    assert_eq!(errors, vec![(3, "inventory".to_string())]);
    let (_, _, errors) = import(&csv(&["mug-1,Mug,EUR,,,99999999999.99,,,"]));
    assert_eq!(errors, vec![(2, "price".to_string())]);
}

#[test]
fn option_values_need_option_names() {
    let (_, _, errors) = import(&csv(&["mug-1,Mug,EUR,,M,1,,,"]));
    assert_eq!(errors, vec![(2, "option1_value".to_string())]);
    let text = "external_id,title,currency,option1_name,option1_value,option2_name,\
                option2_value,price\nmug-1,Mug,EUR,Size,S,Size,M,1";
    let (_, _, errors) = import(text.as_bytes());
    assert_eq!(errors, vec![(2, "option2_name".to_string())]);
}

#[test]
fn blank_records_are_skipped_and_uneven_ones_refused() {
    let (products, failed, errors) =
        import(&csv(&[",,,,,,,,", "mug-1,Mug,EUR,,,1,,,", "mug-2,Mug,EUR"]));
    assert_eq!(products.len(), 1);
    assert_eq!(failed, 1);
    assert_eq!(errors, vec![(4, "row".to_string())]);
}

#[test]
fn headers_are_checked_before_any_row() {
    assert_eq!(header_error_field(b""), "header");
    assert_eq!(
        header_error_field(b"external_id,title,currency,price,colour\n"),
        "colour"
    );
    assert_eq!(
        header_error_field(b"external_id,title,currency,price,title\n"),
        "title"
    );
    assert_eq!(header_error_field(b"external_id,title,currency\n"), "price");
    assert_eq!(
        header_error_field(b"external_id,title,currency,price,option2_name\n"),
        "option2_value"
    );
    assert_eq!(
        header_error_field(b"external_id,title,currency,price,option11_name,option11_value\n"),
        "option11_name"
    );
    assert_eq!(
        header_error_field(b"external_id,title,\xff,price\n"),
        "header"
    );
    // Names are case-insensitive, and a spreadsheet's byte-order mark is not part of them.
    let bom = b"\xEF\xBB\xBFExternal_ID, Title ,CURRENCY,price\nmug-1,Mug,EUR,1\n";
    assert_eq!(import(bom).0.len(), 1);
}

#[test]
fn product_columns_may_repeat_but_not_change() {
    let (products, _, errors) = import(&csv(&["mug-1,Mug,EUR,,,1,,,A", "mug-1,Mug,EUR,,,2,,,B"]));
    assert_eq!((products.len(), errors.len()), (1, 0));
    let (products, _, errors) = import(&csv(&["mug-1,Mug,EUR,,,1,,,A", "mug-1,Mug,USD,,,2,,,B"]));
    assert!(products.is_empty());
    assert_eq!(errors, vec![(3, "currency".to_string())]);
}

#[test]
fn decimals_are_read_digit_by_digit() {
    assert_eq!(parse_decimal("12.99", 2), Ok(1299));
    assert_eq!(parse_decimal("12.9", 2), Ok(1290));
    assert_eq!(parse_decimal("12", 2), Ok(1200));
    assert_eq!(parse_decimal("0.01", 2), Ok(1));
    assert_eq!(parse_decimal("1200", 0), Ok(1200));
    assert_eq!(parse_decimal("1.234", 3), Ok(1234));
    assert_eq!(parse_decimal("0.1", 2), Ok(10));
    // 0.1 + 0.2 in floating point is 0.30000000000000004; here it never is.
    assert_eq!(parse_decimal("0.30", 2), Ok(30));
    for bad in [
        "", ".", "12.", ".99", "12.999", "-1", "+1", "1e3", "1,299.00", "12 99", "١٢", "0x10",
    ] {
        assert!(parse_decimal(bad, 2).is_err(), "{bad:?}");
    }
    assert!(parse_decimal("1200.5", 0).is_err());
    assert_eq!(
        parse_decimal("99999999999999999999", 2),
        Err("is too large".to_owned())
    );
}

// ---------------------------------------------------------------- round trips

const OPTION_PAIRS: u8 = 3;
const CURRENCIES: [&str; 4] = ["EUR", "JPY", "BHD", "USD"];

fn format_decimal(minor: i64, digits: u8) -> String {
    if digits == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(u32::from(digits));
    let width = usize::from(digits);
    format!("{}.{:0width$}", minor / scale, minor % scale)
}

/// The products as a CSV file, product columns on every row or on the first only.
fn encode(products: &[NewProduct], repeat: bool) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(vec![]);
    let mut header: Vec<String> = [
        "external_id",
        "title",
        "description",
        "url",
        "category",
        "tags",
        "images",
        "currency",
        "variant_id",
        "sku",
        "variant_title",
        "price",
        "compare_at_price",
        "inventory",
        "image_url",
    ]
    .map(String::from)
    .to_vec();
    for n in 1..=OPTION_PAIRS {
        header.push(format!("option{n}_name"));
        header.push(format!("option{n}_value"));
    }
    out.write_record(&header).unwrap();
    for p in products {
        let digits = minor_units(&p.currency).unwrap();
        let names: Vec<&String> = p.variants[0].options.keys().collect();
        for (i, v) in p.variants.iter().enumerate() {
            let product = |value: String| {
                if i == 0 || repeat {
                    value
                } else {
                    String::new()
                }
            };
            let opt = |value: &Option<String>| value.clone().unwrap_or_default();
            let mut row = vec![
                p.external_id.clone().unwrap(),
                product(p.title.clone()),
                product(opt(&p.description)),
                product(opt(&p.url)),
                product(opt(&p.category)),
                product(p.tags.join(", ")),
                product(p.images.join(" ")),
                product(p.currency.clone()),
                v.id.clone(),
                opt(&v.sku),
                v.title.clone(),
                format_decimal(v.price_minor, digits),
                v.compare_at_minor
                    .map(|c| format_decimal(c, digits))
                    .unwrap_or_default(),
                v.inventory.map(|n| n.to_string()).unwrap_or_default(),
                opt(&v.image_url),
            ];
            for n in 0..usize::from(OPTION_PAIRS) {
                let name = names.get(n);
                row.push(name.map(|s| product(s.to_string())).unwrap_or_default());
                row.push(name.map(|s| v.options[*s].clone()).unwrap_or_default());
            }
            out.write_record(&row).unwrap();
        }
    }
    out.into_inner().unwrap()
}

fn trimmed(pattern: &'static str) -> impl Strategy<Value = String> {
    pattern.prop_filter_map("blank", |s| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_owned())
    })
}

fn variant_strategy(names: Vec<String>, i: usize) -> impl Strategy<Value = Variant> {
    let values = proptest::collection::vec(trimmed("[a-zA-Z0-9 ]{1,6}"), names.len());
    (
        values,
        proptest::option::of(trimmed("[A-Z0-9-]{1,10}")),
        trimmed("[a-zA-Z0-9 ,\"/]{1,12}"),
        0..10_000_000_000i64,
        proptest::option::of(0..10_000_000_000i64),
        proptest::option::of(-5..1000i64),
        proptest::option::of("https://shop\\.test/v/[a-z0-9]{1,8}\\.png"),
    )
        .prop_map(
            move |(values, sku, title, price_minor, compare_at_minor, inventory, image_url)| {
                Variant {
                    id: format!("v{i}"),
                    sku,
                    title,
                    options: names.iter().cloned().zip(values).collect(),
                    price_minor,
                    compare_at_minor,
                    inventory,
                    image_url,
                }
            },
        )
}

fn product_strategy(i: usize) -> impl Strategy<Value = NewProduct> {
    let names = proptest::collection::btree_set(trimmed("[A-Z][a-z]{0,6}"), 0..=3);
    let variants = (names, 1..4usize).prop_flat_map(|(names, count)| {
        let names: Vec<String> = names.into_iter().collect();
        (0..count)
            .map(|v| variant_strategy(names.clone(), v))
            .collect::<Vec<_>>()
    });
    (
        trimmed("[a-zA-Z0-9 ,;\"'éß]{1,24}"),
        proptest::option::of(trimmed("[a-z ,.\n\"]{1,40}")),
        proptest::option::of("https://shop\\.test/p/[a-z0-9]{1,8}"),
        proptest::option::of(trimmed("[a-z &]{1,10}")),
        proptest::collection::vec(trimmed("[a-z0-9 ]{1,8}"), 0..4),
        proptest::collection::vec("https://cdn\\.test/[a-z0-9]{1,8}\\.jpg", 0..3),
        proptest::sample::select(&CURRENCIES[..]),
        variants,
    )
        .prop_map(
            move |(title, description, url, category, tags, images, currency, variants)| {
                NewProduct {
                    external_id: Some(format!("p-{i}")),
                    title,
                    description,
                    url,
                    category,
                    tags,
                    images,
                    currency: currency.to_owned(),
                    localized: BTreeMap::new(),
                    variants,
                }
            },
        )
}

fn products_strategy() -> impl Strategy<Value = Vec<NewProduct>> {
    (1..5usize).prop_flat_map(|n| (0..n).map(product_strategy).collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn generated_products_round_trip(products in products_strategy(), repeat in any::<bool>()) {
        let decoded = decode(&encode(&products, repeat)).unwrap();
        prop_assert_eq!(decoded.failed, 0, "{:?}", decoded.errors);
        let got: Vec<serde_json::Value> = decoded
            .candidates
            .iter()
            .map(|c| serde_json::to_value(&c.new).unwrap())
            .collect();
        let want: Vec<serde_json::Value> = products
            .iter()
            .map(|p| serde_json::to_value(p).unwrap())
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
    }

    #[test]
    fn arbitrary_records_never_panic(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.push(b'\n');
        bytes.extend(body);
        if let Ok(decoded) = decode(&bytes) {
            let reported = decoded.failed as usize + decoded.candidates.len();
            prop_assert!(decoded.errors.len() >= decoded.failed as usize);
            prop_assert!(reported <= bytes.len());
            let _ = super::super::check(WorkspaceId::new(), decoded);
        }
    }
}
