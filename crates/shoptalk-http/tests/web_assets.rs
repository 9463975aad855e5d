//! The embedded web front end as browsers and shops see it: encodings, caching and
//! revalidation of the bundles, the stable widget URL, the agent app and demo pages with their
//! security headers, and nothing served that is not in the embedded table.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::*;
use shoptalk_http::HttpConfig;
use shoptalk_http::web::{CONTENT_SECURITY_POLICY, WIDGET_KEY_PLACEHOLDER};
use std::io::Read;

async fn get(t: &TestApp, path: &str, headers: &[(&str, &str)]) -> Res {
    let mut builder = Request::builder().method(Method::GET).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    t.send(builder.body(Body::empty()).unwrap()).await
}

fn widget_url() -> String {
    format!("/{}", shoptalk_web::widget_path())
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[tokio::test]
async fn encodings_are_negotiated_from_accept_encoding() {
    let t = TestApp::new().await;
    let url = widget_url();
    let raw = shoptalk_web::asset(shoptalk_web::widget_path())
        .unwrap()
        .raw;

    let br = get(&t, &url, &[("accept-encoding", "gzip, deflate, br, zstd")]).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(unbrotli(&br.bytes), raw);

    let gzip = get(&t, &url, &[("accept-encoding", "br;q=0, gzip")]).await;
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gzip.bytes), raw);

    let plain = get(&t, &url, &[]).await;
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.bytes, raw);
    let refused = get(&t, &url, &[("accept-encoding", "br;q=0, gzip;q=0")]).await;
    assert_eq!(refused.header("content-encoding"), None);
    assert_eq!(refused.bytes, raw);

    for res in [&br, &gzip, &plain] {
        assert_eq!(res.header("vary"), Some("accept-encoding"));
        assert!(
            res.header("content-type")
                .is_some_and(|ct| ct.starts_with("text/javascript"))
        );
        assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    }
    // Each representation has its own strong ETag.
    let tags = [&br, &gzip, &plain].map(|r| r.header("etag").unwrap().to_string());
    assert!(tags.iter().all(|t| t.starts_with('"') && t.ends_with('"')));
    assert!(tags[0] != tags[1] && tags[1] != tags[2] && tags[0] != tags[2]);
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_revalidate_with_etags() {
    let t = TestApp::new().await;
    let url = widget_url();
    let first = get(&t, &url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        first.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        first.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );
    let etag = first.header("etag").unwrap().to_string();

    for if_none_match in [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_string(),
    ] {
        let again = get(
            &t,
            &url,
            &[
                ("accept-encoding", "gzip"),
                ("if-none-match", &if_none_match),
            ],
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{if_none_match}");
        assert!(again.bytes.is_empty());
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.header("vary"), Some("accept-encoding"));
        assert_eq!(
            again.header("cache-control"),
            Some("public, max-age=31536000, immutable")
        );
    }

    // A stale tag, or the tag of another encoding, gets the bytes.
    let stale = get(&t, &url, &[("if-none-match", "\"0123\"")]).await;
    assert_eq!(stale.status, StatusCode::OK);
    let other_encoding = get(&t, &url, &[("if-none-match", &etag)]).await;
    assert_eq!(other_encoding.status, StatusCode::OK);
    assert!(!other_encoding.bytes.is_empty());
}

#[tokio::test]
async fn head_requests_get_the_headers_only() {
    let t = TestApp::new().await;
    let res = t
        .send(
            Request::head(widget_url())
                .header("accept-encoding", "br")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.bytes.is_empty());
    assert_eq!(res.header("content-encoding"), Some("br"));
    let brotli = shoptalk_web::asset(shoptalk_web::widget_path())
        .unwrap()
        .brotli;
    assert_eq!(
        res.header("content-length"),
        Some(brotli.len().to_string().as_str())
    );
    assert!(res.header("etag").is_some());
}

#[tokio::test]
async fn the_widget_url_redirects_to_the_current_bundle() {
    let t = TestApp::new().await;
    let res = get(&t, "/widget.js", &[]).await;
    assert!(
        matches!(
            res.status,
            StatusCode::FOUND | StatusCode::TEMPORARY_REDIRECT
        ),
        "{}",
        res.status
    );
    let location = res.header("location").unwrap().to_string();
    assert_eq!(location, widget_url());
    assert!(location.starts_with("/assets/widget-") && location.ends_with(".js"));
    assert_eq!(res.header("cache-control"), Some("public, max-age=300"));
    assert_eq!(
        res.header("cross-origin-resource-policy"),
        Some("cross-origin")
    );

    let target = get(&t, &location, &[]).await;
    assert_eq!(target.status, StatusCode::OK);
    assert!(
        target
            .header("content-type")
            .is_some_and(|ct| ct.starts_with("text/javascript"))
    );
}

#[track_caller]
fn assert_html_page(res: &Res) {
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert!(
        res.header("content-type")
            .is_some_and(|ct| ct.starts_with("text/html"))
    );
    let csp = res.header("content-security-policy").expect("a CSP");
    assert_eq!(csp, CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(!csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(
        res.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(res.header("x-frame-options"), Some("DENY"));
    assert_eq!(res.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(res.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn the_agent_app_answers_every_path_under_app() {
    let t = TestApp::new().await;
    let index = shoptalk_web::asset("app/index.html").unwrap().raw;
    for path in [
        "/app",
        "/app/",
        "/app/inbox",
        "/app/conversations/abc/details",
    ] {
        let res = get(&t, path, &[]).await;
        assert_html_page(&res);
        assert_eq!(res.bytes, index, "{path}");
    }
    // Compressed and revalidated like any asset.
    let br = get(&t, "/app", &[("accept-encoding", "br")]).await;
    assert_html_page(&br);
    assert_eq!(unbrotli(&br.bytes), index);
    let etag = br.header("etag").unwrap();
    let again = get(
        &t,
        "/app/inbox",
        &[("accept-encoding", "br"), ("if-none-match", etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);

    let root = get(&t, "/", &[]).await;
    assert!(root.status.is_redirection(), "{}", root.status);
    assert_eq!(root.header("location"), Some("/app"));

    // The web routes answer like the API when the method is wrong.
    let post = t.call(Method::POST, "/app", None, None).await;
    post.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn the_pay_page_answers_under_pay_with_the_page_headers() {
    let t = TestApp::new().await;
    let index = shoptalk_web::asset("pay/index.html").unwrap().raw;
    let res = get(&t, "/pay/0190a0b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b", &[]).await;
    assert_html_page(&res);
    assert_eq!(res.bytes, index);
    // The page's script, never inline: the CSP allows only this server's files.
    let page = res.text();
    assert!(
        page.contains("<script type=\"module\" crossorigin src=\"/assets/"),
        "{page}"
    );
    for path in ["/pay", "/pay/", "/pay/a/b"] {
        get(&t, path, &[])
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn the_demo_page_exists_only_in_the_demo() {
    let t = TestApp::new().await;
    get(&t, "/demo", &[])
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn the_demo_page_embeds_the_widget_key_escaped() {
    let template = std::str::from_utf8(shoptalk_web::asset("demo/index.html").unwrap().raw)
        .unwrap()
        .to_string();
    assert!(template.contains(WIDGET_KEY_PLACEHOLDER));

    let t = TestApp::with_config(HttpConfig {
        demo_widget_key: Some("wk_demo_123".into()),
        ..HttpConfig::default()
    })
    .await;
    let res = get(&t, "/demo", &[]).await;
    assert_html_page(&res);
    let page = res.text();
    assert!(!page.contains(WIDGET_KEY_PLACEHOLDER), "{page}");
    assert!(page.contains("\"wk_demo_123\""), "{page}");
    assert_eq!(
        page,
        template.replace(WIDGET_KEY_PLACEHOLDER, "wk_demo_123")
    );

    let hostile = r#"k"><script>alert('x')</script>&"#;
    let t = TestApp::with_config(HttpConfig {
        demo_widget_key: Some(hostile.into()),
        ..HttpConfig::default()
    })
    .await;
    let page = get(&t, "/demo", &[]).await.text();
    assert!(!page.contains(WIDGET_KEY_PLACEHOLDER), "{page}");
    assert!(!page.contains(hostile), "{page}");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("k&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"),
        "{page}"
    );
}

#[tokio::test]
async fn nothing_outside_the_table_is_served() {
    let t = TestApp::new().await;
    for path in [
        "/assets/../Cargo.toml",
        "/assets/../../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E/%2E%2E/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/..%2F..%2FCargo.toml",
        "/assets/%2e%2e%2f%2e%2e%2fCargo.toml",
        "/assets/..%5c..%5cCargo.toml",
        "/assets/%252e%252e/Cargo.toml",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/../app/index.html",
        "/assets/app/index.html",
        "/assets/manifest.json",
        "/assets/widget.js",
        "/assets/",
        "/assets",
        "/manifest.json",
        "/demo/index.html",
        "/web/package.json",
    ] {
        let res = get(&t, path, &[]).await;
        res.assert_error(StatusCode::NOT_FOUND, "not_found");
        let body = res.text();
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{path}: {body}"
        );
    }
}
