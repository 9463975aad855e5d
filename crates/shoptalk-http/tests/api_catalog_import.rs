//! `POST /api/v1/products/import`: JSON and CSV bodies, products refused one by one and
//! never half-written, upsert by external id, and whole-call refusals (headers, content
//! types, limits) that change nothing.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use serde_json::{Value, json};

const IMPORT: &str = "/api/v1/products/import";

/// A raw-body import request.
fn raw(path: &str, token: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .unwrap()
}

async fn import_csv(t: &TestApp, token: &str, query: &str, csv: &str) -> Res {
    let path = format!("{IMPORT}{query}");
    t.send(raw(&path, token, "text/csv; charset=utf-8", csv.to_owned()))
        .await
}

/// Every product of the workspace, newest first.
async fn products(t: &TestApp, token: &str) -> Vec<Value> {
    let page = t.get("/api/v1/products?limit=200", token).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    page.json()["items"].as_array().unwrap().clone()
}

async fn search(t: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let page = t.get(&format!("/api/v1/products?q={q}"), token).await;
    page.json()["items"].as_array().unwrap().clone()
}

fn product(external_id: &str, title: &str, price: i64) -> Value {
    json!({
        "external_id": external_id,
        "title": title,
        "currency": "EUR",
        "variants": [{"title": "Default", "price_minor": price}],
    })
}

/// The report's errors as (row, field).
fn errors(report: &Value) -> Vec<(u64, String)> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            (
                e["row"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn counts(report: &Value) -> (u64, u64, u64) {
    let n = |k: &str| report[k].as_u64().unwrap();
    (n("created"), n("updated"), n("failed"))
}

#[tokio::test]
async fn json_import_creates_the_good_products_and_reports_the_bad_ones() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs").await;
    let mut unknown = product("c", "Vase", 100);
    unknown["colour"] = json!("blue");
    let res = t
        .post(
            IMPORT,
            &shop.write_key,
            json!({"products": [
                product("a", "Mug", 1299),
                product("b", "Lamp", -5),
                unknown,
                {"title": "Teapot", "currency": "EUR", "variants": [{"title": "d", "price_minor": "12"}]},
            ]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let report = res.json();
    assert_eq!(counts(&report), (1, 0, 3));
    assert_eq!(
        errors(&report),
        [
            (1, "variants[0].price_minor".to_owned()),
            (2, "colour".to_owned()),
            (3, "variants[0].price_minor".to_owned()),
        ]
    );
    let stored = products(&t, &shop.write_key).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["title"], "Mug");
    assert_eq!(stored[0]["variants"][0]["price_minor"], 1299);
}

#[tokio::test]
async fn csv_import_groups_variants_and_skips_a_product_with_any_bad_row() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs").await;
    let csv = "external_id,title,description,tags,currency,option1_name,option1_value,\
               sku,price,compare_at_price,inventory\n\
               mug-1,Blue mug,\"Stoneware, 350 ml\",\"kitchen, blue\",EUR,Size,S,MUG-S,12.99,,3\n\
               mug-1,,,,,,M,MUG-M,13.5,15,0\n\
               lamp-1,Desk lamp,,,EUR,Colour,Black,LAMP-B,49.00,,\n\
               lamp-1,,,,,,White,LAMP-W,49.O0,,\n\
               lamp-1,,,,,,Green,LAMP-G,49.00,,lots\n\
               yen-1,Tea bowl,,,JPY,,,,1200,,\n";
    let res = import_csv(&t, &shop.write_key, "", csv).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let report = res.json();
    assert_eq!(counts(&report), (2, 0, 1));
    assert_eq!(
        errors(&report),
        [(5, "price".to_owned()), (6, "inventory".to_owned())]
    );

    let stored = products(&t, &shop.write_key).await;
    let titles: Vec<&str> = stored
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Blue mug") && titles.contains(&"Tea bowl"));
    let mug = stored.iter().find(|p| p["title"] == "Blue mug").unwrap();
    assert_eq!(mug["external_id"], "mug-1");
    assert_eq!(mug["description"], "Stoneware, 350 ml");
    assert_eq!(mug["tags"], json!(["kitchen", "blue"]));
    let variants = mug["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["options"], json!({"Size": "S"}));
    assert_eq!(variants[0]["price_minor"], 1299);
    assert_eq!(variants[0]["inventory"], 3);
    assert_eq!(variants[1]["title"], "M");
    assert_eq!(variants[1]["price_minor"], 1350);
    assert_eq!(variants[1]["compare_at_minor"], 1500);
    let bowl = stored.iter().find(|p| p["title"] == "Tea bowl").unwrap();
    assert_eq!(bowl["variants"][0]["price_minor"], 1200);

    // Nothing of the refused lamp was written, not even to the search index.
    assert!(search(&t, &shop.write_key, "lamp").await.is_empty());
    assert_eq!(search(&t, &shop.write_key, "mug-m").await.len(), 1);
}

#[tokio::test]
async fn upsert_replaces_the_product_with_the_same_external_id() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs").await;
    let created = t
        .post(
            "/api/v1/products",
            &shop.write_key,
            product("mug-1", "Mug", 1000),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let created = created.json();
    let path = format!("/api/v1/products/{}", created["id"].as_str().unwrap());

    // Without upsert, a taken external id is refused and the product left alone.
    let csv = "external_id,title,currency,price\nmug-1,Teapot,EUR,25\nbowl-1,Bowl,EUR,9\n";
    let report = import_csv(&t, &shop.write_key, "", csv).await.json();
    assert_eq!(counts(&report), (1, 0, 1));
    assert_eq!(errors(&report), [(2, "external_id".to_owned())]);
    assert_eq!(t.get(&path, &shop.write_key).await.json()["title"], "Mug");

    // With upsert it is written over, keeping its id and creation time.
    let report = import_csv(&t, &shop.write_key, "?upsert_by_external_id=true", csv)
        .await
        .json();
    assert_eq!(counts(&report), (0, 2, 0), "{report}");
    let replaced = t.get(&path, &shop.write_key).await.json();
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["created_at"], created["created_at"]);
    assert_eq!(replaced["title"], "Teapot");
    assert_eq!(replaced["variants"][0]["price_minor"], 2500);
    assert_eq!(search(&t, &shop.write_key, "teapot").await.len(), 1);
    assert!(search(&t, &shop.write_key, "mug").await.is_empty());

    // JSON says it in the body.
    let res = t
        .post(
            IMPORT,
            &shop.write_key,
            json!({"products": [product("mug-1", "Jug", 3000)], "upsert_by_external_id": true}),
        )
        .await;
    assert_eq!(counts(&res.json()), (0, 1, 0), "{}", res.text());
    assert_eq!(t.get(&path, &shop.write_key).await.json()["title"], "Jug");
    assert_eq!(products(&t, &shop.write_key).await.len(), 2);
}

#[tokio::test]
async fn whole_call_refusals_change_nothing() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs").await;
    let key = &shop.write_key;

    let unknown_column = "external_id,title,currency,price,colour\nmug-1,Mug,EUR,1,blue\n";
    let res = import_csv(&t, key, "", unknown_column).await;
    let error = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "colour");

    let missing = "external_id,title,price\nmug-1,Mug,1\n";
    let error = import_csv(&t, key, "", missing)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "currency");

    import_csv(&t, key, "", "")
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let plain = t
        .send(raw(IMPORT, key, "text/plain", "external_id,title\n"))
        .await;
    plain.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let none = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri(IMPORT)
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    none.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

    t.send(raw(IMPORT, key, "application/json", "{\"products\": ["))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "malformed_json");
    let error = t
        .post(IMPORT, key, json!({"products": [], "replace": true}))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "replace");

    let too_many: Vec<Value> = (0..10_001)
        .map(|i| product(&format!("p{i}"), "Mug", 1))
        .collect();
    let error = t
        .post(IMPORT, key, json!({ "products": too_many }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(error["field"], "products");

    let mut big = String::from("external_id,title,currency,price\n");
    while big.len() <= 5 * 1024 * 1024 {
        big.push_str("mug-1,Mug,EUR,1\n");
    }
    import_csv(&t, key, "", &big)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // A read-only key may not import.
    let csv = "external_id,title,currency,price\nmug-1,Mug,EUR,1\n";
    import_csv(&t, &shop.read_key, "", csv)
        .await
        .assert_error(StatusCode::FORBIDDEN, "forbidden");

    assert!(products(&t, key).await.is_empty());
}

#[tokio::test]
async fn a_retried_import_with_the_same_key_creates_nothing_more() {
    let t = TestApp::new().await;
    let shop = t.shop("Mugs").await;
    let csv = "title,external_id,currency,price\nMug,mug-1,EUR,1\n";
    let send = || {
        let mut req = raw(IMPORT, &shop.write_key, "text/csv", csv);
        req.headers_mut()
            .insert("idempotency-key", "import-1".parse().unwrap());
        t.send(req)
    };
    let first = send().await;
    let second = send().await;
    assert_eq!(counts(&first.json()), (1, 0, 0));
    assert_eq!(first.bytes, second.bytes);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(products(&t, &shop.write_key).await.len(), 1);
}
