//! Whatever a delivery's body holds, decoding answers an event or a refusal naming a field,
//! and never panics: arbitrary bytes, and valid payloads with any field replaced by any
//! JSON value.

use proptest::prelude::*;
use serde_json::{Value, json};
use shoptalk_integrations::shopify::{Context, Topic, decode};

fn ctx() -> Context {
    Context {
        shop_domain: "shop.myshopify.com".into(),
        currency: "EUR".into(),
    }
}

/// A valid payload of each topic family, with nested objects and lists to aim at.
fn skeleton(topic: Topic) -> Value {
    use Topic::*;
    let line = json!({"id": 11, "product_id": 5, "variant_id": 6, "title": "Shirt",
                      "variant_title": "M", "sku": "S-M", "quantity": 2, "price": "10.00"});
    match topic {
        OrdersCreate | OrdersUpdated | OrdersPaid | OrdersCancelled => json!({
            "id": 1, "name": "#1001", "currency": "EUR", "created_at": "2024-05-01T10:00:00Z",
            "financial_status": "paid", "fulfillment_status": "fulfilled",
            "total_price": "25.00", "total_line_items_price": "20.00", "total_tax": "0.00",
            "total_discounts": "0.00", "email": "ann@example.com",
            "customer": {"id": 7, "email": "ann@example.com", "first_name": "Ann"},
            "line_items": [line],
            "shipping_lines": [{"price": "5.00"}],
            "fulfillments": [{"id": 3, "created_at": "2024-05-02T00:00:00Z", "status": "success",
                              "tracking_number": "1Z", "line_items": [{"id": 11, "quantity": 2}]}],
            "refunds": [{"id": 9, "created_at": "2024-05-03T00:00:00Z",
                         "transactions": [{"kind": "refund", "status": "success", "amount": "1.00"}]}],
        }),
        FulfillmentsCreate | FulfillmentsUpdate => json!({
            "id": 3, "order_id": 1, "created_at": "2024-05-02T00:00:00Z", "status": "success",
            "tracking_company": "UPS", "tracking_numbers": ["1Z"],
            "tracking_urls": ["https://ups.example/1Z"], "line_items": [{"id": 11, "quantity": 1}],
        }),
        CheckoutsCreate | CheckoutsUpdate => json!({
            "token": "chk", "cart_token": "cart", "email": "ann@example.com", "currency": "EUR",
            "abandoned_checkout_url": "https://shop.example/recover", "line_items": [line],
        }),
        CartsCreate | CartsUpdate => json!({"token": "cart", "line_items": [line]}),
        CustomersCreate | CustomersUpdate => {
            json!({"id": 7, "email": "ann@example.com", "first_name": "Ann", "phone": "+4915112345678"})
        }
        ProductsCreate | ProductsUpdate => json!({
            "id": 5, "title": "Shirt", "handle": "shirt", "body_html": "<p>Soft</p>",
            "tags": "a, b", "options": [{"name": "Size", "position": 1}],
            "images": [{"id": 8, "src": "https://cdn.example/shirt.png"}],
            "variants": [{"id": 6, "title": "M", "price": "10.00", "compare_at_price": "12.00",
                          "option1": "M", "inventory_quantity": 3, "image_id": 8}],
        }),
    }
}

/// Every path to a value inside `v` (object keys and list indexes).
fn paths(v: &Value, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => Vec::new(),
    };
    for (key, child) in children {
        let mut path = prefix.clone();
        path.push(key);
        out.push(path.clone());
        paths(child, path, out);
    }
}

fn set(v: &mut Value, path: &[String], new: Value) {
    let mut cur = v;
    for key in path {
        cur = match cur {
            Value::Object(map) => map.get_mut(key).unwrap(),
            Value::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            _ => unreachable!("paths only lead through objects and lists"),
        };
    }
    *cur = new;
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "\\PC{0,24}".prop_map(Value::from),
        "-?[0-9]{1,25}(\\.[0-9]{0,6})?".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn every_skeleton_decodes() {
    for topic in Topic::ALL {
        let body = serde_json::to_vec(&skeleton(topic)).unwrap();
        assert!(decode(topic, &body, &ctx()).is_ok(), "{}", topic.as_str());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_decode_or_are_refused(body in prop::collection::vec(any::<u8>(), 0..1024)) {
        for topic in Topic::ALL {
            if let Err(e) = decode(topic, &body, &ctx()) {
                prop_assert!(!e.field.is_empty());
            }
        }
    }

    #[test]
    fn any_value_in_any_field_decodes_or_names_a_field(
        topic in prop::sample::select(Topic::ALL.to_vec()),
        pick in any::<prop::sample::Index>(),
        value in any_json(),
    ) {
        let mut payload = skeleton(topic);
        let mut all = Vec::new();
        paths(&payload, Vec::new(), &mut all);
        let path = pick.get(&all).clone();
        set(&mut payload, &path, value);
        let body = serde_json::to_vec(&payload).unwrap();
        match decode(topic, &body, &ctx()) {
            Ok(_) => {}
            Err(e) => {
                prop_assert!(!e.field.is_empty());
                prop_assert!(!e.message.is_empty());
                // The refusal points at the replaced value or at what contains it.
                let root = &path[0];
                prop_assert!(
                    e.field == "body" || e.field.starts_with(root.as_str()),
                    "{} for {:?}", e.field, path
                );
            }
        }
    }
}
