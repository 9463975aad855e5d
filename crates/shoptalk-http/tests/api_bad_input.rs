//! Bad input of every kind gets a clear 4xx in the error envelope, never a 500, and changes
//! nothing.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use common::*;
use serde_json::json;
use shoptalk_http::HttpConfig;
use std::net::SocketAddr;

fn raw(
    method: Method,
    path: &str,
    token: &str,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(ct) = content_type {
        builder = builder.header(header::CONTENT_TYPE, ct);
    }
    builder.body(body.into()).unwrap()
}

#[tokio::test]
async fn malformed_requests_are_refused_and_change_nothing() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let key = shop.admin_key.as_str();
    let (_, conversation) = contact_and_conversation(&t, key, "cust").await;
    let messages = format!("/api/v1/conversations/{conversation}/messages");
    let before = t.counts(&shop).await;
    let json_ct = Some("application/json");

    // Malformed JSON.
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            json_ct,
            "{\"name\": ",
        ))
        .await;
    res.assert_error(StatusCode::BAD_REQUEST, "malformed_json");

    // Unknown field, named.
    let res = t
        .post("/api/v1/contacts", key, json!({ "name": "Ann", "foo": 1 }))
        .await;
    let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(err["field"], "foo");
    assert!(err["message"].as_str().unwrap().contains("foo"));

    // Wrong type, named.
    let res = t.post("/api/v1/contacts", key, json!({ "name": 42 })).await;
    let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(err["field"], "name");

    // Over-limit text.
    let long = "x".repeat(4097);
    let res = t
        .post(
            &messages,
            key,
            json!({ "content": { "type": "text", "text": long } }),
        )
        .await;
    let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(err["field"], "content.text");

    // Oversized body, announced by Content-Length and streamed without it.
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024));
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            json_ct,
            huge.clone(),
        ))
        .await;
    res.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let stream = futures_util::stream::iter(
        huge.into_bytes()
            .chunks(8192)
            .map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::copy_from_slice(c)))
            .collect::<Vec<_>>(),
    );
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            json_ct,
            Body::from_stream(stream),
        ))
        .await;
    res.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Invalid UTF-8.
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            json_ct,
            b"{\"name\": \"\xff\xfe\"}".to_vec(),
        ))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
    assert!(res.json()["error"]["code"].is_string());

    // Missing and invalid credentials.
    let res = t
        .call(
            Method::POST,
            "/api/v1/contacts",
            None,
            Some(json!({ "name": "x" })),
        )
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let res = t
        .post("/api/v1/contacts", "stk_forged", json!({ "name": "x" }))
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let res = t
        .send(
            Request::post("/api/v1/contacts")
                .header(header::AUTHORIZATION, format!("Basic {key}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    // Wrong and missing Content-Type.
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            Some("text/plain"),
            "{\"name\":\"x\"}",
        ))
        .await;
    res.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/contacts",
            key,
            None,
            "{\"name\":\"x\"}",
        ))
        .await;
    res.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

    // Invalid UUIDs in the path are unknown resources.
    for path in [
        "/api/v1/conversations/not-a-uuid",
        "/api/v1/conversations/not-a-uuid/messages",
        "/api/v1/contacts/123",
        "/api/v1/media/..%2F..%2Fetc%2Fpasswd",
    ] {
        t.get(path, key)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
    }

    // Bad query parameters are named.
    let res = t.get(&format!("{messages}?limit=lots"), key).await;
    let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(err["field"], "limit");
    let res = t.get("/api/v1/conversations?status=maybe", key).await;
    let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(err["field"], "status");
    let res = t.get("/api/v1/conversations?assignee=bob", key).await;
    assert_eq!(
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["field"],
        "assignee"
    );

    // SSRF targets in webhook URLs.
    for url in [
        "http://169.254.169.254/",
        "http://127.0.0.1:8080/hook",
        "http://localhost/x",
        "file:///etc/passwd",
    ] {
        let res = t
            .post(
                "/api/v1/webhooks",
                key,
                json!({ "url": url, "events": ["*"] }),
            )
            .await;
        let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(err["field"], "url", "{url}");
    }

    // A customer cannot forge shop content or notes.
    let res = t
        .post(
            "/api/v1/conversations",
            &shop.visitor_token,
            json!({ "contact_id": shop.visitor_contact_id }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let own = res.json()["id"].as_str().unwrap().to_string();
    let before_visitor = t.counts(&shop).await;
    let res = t
        .post(
            &format!("/api/v1/conversations/{own}/messages"),
            &shop.visitor_token,
            json!({ "content": { "type": "text", "text": "psst" }, "private": true }),
        )
        .await;
    assert_eq!(
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["field"],
        "private"
    );
    assert_eq!(t.counts(&shop).await, before_visitor);

    let after = t.counts(&shop).await;
    assert_eq!(after.contacts, before.contacts);
    assert_eq!(after.messages, before.messages);
    assert_eq!(after.webhooks, before.webhooks);
    assert_eq!(after.conversations, before.conversations + 1); // the visitor's own, above
}

#[tokio::test]
async fn markup_is_stored_and_returned_as_text() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let (_, conversation) = contact_and_conversation(&t, &shop.admin_key, "cust").await;
    let messages = format!("/api/v1/conversations/{conversation}/messages");
    let text = "<script>alert(1)</script> & <b>\"bold\"</b>";
    let sent = t
        .post(
            &messages,
            &shop.admin_key,
            json!({ "content": { "type": "text", "text": text } }),
        )
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.text());
    assert_eq!(sent.json()["content"]["text"], text);
    assert!(
        sent.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let log = t
        .get(&format!("{messages}?after_seq=0"), &shop.admin_key)
        .await
        .json();
    assert_eq!(log["items"][0]["content"]["text"], text);
}

#[tokio::test]
async fn uploads_are_sanitised_and_served_safely() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let key = shop.admin_key.as_str();

    // Path traversal in the filename: only the last component is kept.
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media?filename=..%2F..%2Fetc%2Fpasswd",
            key,
            Some("text/plain"),
            "root:x:0:0",
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["filename"], "passwd");
    let mut req = raw(Method::POST, "/api/v1/media", key, Some("text/plain"), "hi");
    req.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        "attachment; filename=\"..\\\\..\\\\windows\\\\win.ini\""
            .parse()
            .unwrap(),
    );
    let res = t.send(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    assert_eq!(res.json()["filename"], "win.ini");

    // A PNG is served as a PNG, inline, never sniffed into something else.
    let mut png = vec![
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    png.extend_from_slice(&[0; 32]);
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media?filename=photo.png",
            key,
            Some("application/octet-stream"),
            png.clone(),
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let media = res.json();
    assert_eq!(media["content_type"], "image/png");
    let got = t.get(media["url"].as_str().unwrap(), key).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.header("content-type"), Some("image/png"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("inline;")
    );
    assert_eq!(
        got.header("content-security-policy"),
        Some("default-src 'none'; sandbox")
    );
    assert_eq!(
        got.header("cache-control"),
        Some("private, max-age=31536000, immutable")
    );
    assert_eq!(got.bytes, png);

    // A full HTML document is recognised by the sniffer: refused, or at worst plain text;
    // never served as HTML.
    let page = "<html><script>alert(document.cookie)</script></html>";
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media?filename=page.html",
            key,
            Some("text/html"),
            page,
        ))
        .await;
    if res.status == StatusCode::CREATED {
        let got = t.get(res.json()["url"].as_str().unwrap(), key).await;
        assert!(
            got.header("content-type")
                .unwrap()
                .starts_with("text/plain")
        );
        assert!(
            got.header("content-disposition")
                .unwrap()
                .starts_with("attachment;")
        );
    } else {
        res.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    }

    // Markup the sniffer takes for text comes back as a plain-text attachment.
    let html = "Hi! <script>alert(document.cookie)</script><img src=x onerror=alert(1)>";
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media?filename=evil.html",
            key,
            Some("text/html"),
            html,
        ))
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let got = t.get(res.json()["url"].as_str().unwrap(), key).await;
    assert!(
        got.header("content-type")
            .unwrap()
            .starts_with("text/plain")
    );
    let disposition = got.header("content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("evil.html"));
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(got.text(), html);

    // Unaccepted types and empty files.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media?filename=a.exe",
            key,
            None,
            exe,
        ))
        .await;
    res.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let res = t
        .send(raw(Method::POST, "/api/v1/media", key, None, Vec::new()))
        .await;
    res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Above the upload limit: 413 on this route too (while ordinary JSON bodies stay small).
    let too_big = vec![b'a'; shoptalk_core::service::MAX_UPLOAD_BYTES + 1];
    let res = t
        .send(raw(
            Method::POST,
            "/api/v1/media",
            key,
            Some("text/plain"),
            too_big,
        ))
        .await;
    res.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");

    // Another workspace cannot fetch it.
    let other = t.shop("Other").await;
    t.get(media["url"].as_str().unwrap(), &other.admin_key)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn login_is_rate_limited_per_ip() {
    let config = HttpConfig {
        login_per_minute: 3,
        ..HttpConfig::default()
    };
    let t = TestApp::with_config(config).await;
    let shop = t.shop("Shop").await;
    let attempt = |ip: &str| {
        let mut req = request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": shop.owner_email, "password": "wrong password!" })),
        );
        req.extensions_mut()
            .insert(ConnectInfo(ip.parse::<SocketAddr>().unwrap()));
        req
    };
    for _ in 0..3 {
        let res = t.send(attempt("198.51.100.7:5000")).await;
        res.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let limited = t.send(attempt("198.51.100.7:5001")).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let retry_after: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Even the right password waits: the limit is on attempts, not failures.
    let mut right = attempt("198.51.100.7:5002");
    *right.body_mut() = Body::from(
        serde_json::to_vec(&json!({ "email": shop.owner_email, "password": PASSWORD })).unwrap(),
    );
    t.send(right)
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    // Another client is unaffected.
    let other = t.send(attempt("198.51.100.8:5000")).await;
    other.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn widget_sessions_are_rate_limited_per_ip() {
    let config = HttpConfig {
        widget_sessions_per_minute: 2,
        ..HttpConfig::default()
    };
    let t = TestApp::with_config(config).await;
    // shop() opens one session from the default client address.
    let shop = t.shop("Shop").await;
    let open = || {
        request(
            Method::POST,
            "/api/v1/widget/sessions",
            None,
            Some(json!({ "widget_key": shop.widget_key })),
        )
    };
    assert_eq!(t.send(open()).await.status, StatusCode::CREATED);
    let limited = t.send(open()).await;
    limited.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert!(limited.header("retry-after").is_some());
    let res = t
        .call(
            Method::POST,
            "/api/v1/widget/sessions",
            None,
            Some(json!({ "widget_key": "stw_nope" })),
        )
        .await;
    // Refused for the rate limit before the key is even looked at.
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
}

/// Each new write names the field at fault, and changes nothing.
#[tokio::test]
async fn widget_canned_and_event_input_is_checked_field_by_field() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let other = t.shop("Other").await;
    let admin = shop.admin_key.as_str();
    let field_of = |res: Res| -> String {
        let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        err["field"].as_str().unwrap_or_default().to_string()
    };

    // Widget settings.
    let patch = |widget: serde_json::Value| {
        t.call(
            Method::PATCH,
            "/api/v1/workspace",
            Some(admin),
            Some(json!({ "widget": widget })),
        )
    };
    for (widget, field) in [
        (json!({ "color": "blue" }), "widget.color"),
        (json!({ "color": "#12345" }), "widget.color"),
        (
            json!({ "logo_url": "http://cdn.example/logo.png" }),
            "widget.logo_url",
        ),
        (
            json!({ "logo_url": "javascript:alert(1)" }),
            "widget.logo_url",
        ),
        (json!({ "greeting": "x".repeat(281) }), "widget.greeting"),
        (json!({ "position": "top" }), "widget.position"),
        (json!({ "locale": "klingon" }), "widget.locale"),
        (json!({ "sound": "loud" }), "widget.sound"),
        (json!({ "colour": "#000000" }), "widget.colour"),
        (
            json!({ "business_hours": { "timezone": "Mars/Base", "days": [] } }),
            "widget.business_hours.timezone",
        ),
        (
            json!({ "business_hours": { "timezone": "UTC",
                "days": [{ "day": "mon", "open": "18:00", "close": "09:00" }] } }),
            "widget.business_hours.days[0].close",
        ),
        (
            json!({ "business_hours": { "timezone": "UTC",
                "days": [{ "day": "monday", "open": "09:00", "close": "18:00" }] } }),
            "widget.business_hours.days[0].day",
        ),
    ] {
        assert_eq!(field_of(patch(widget.clone()).await), field, "{widget}");
    }
    assert_eq!(
        t.get("/api/v1/workspace", admin).await.json()["widget"],
        json!({ "color": "#4f46e5", "position": "right", "sound": true }),
        "nothing was changed"
    );
    let no_key = t
        .call(Method::GET, "/api/v1/widget/config", None, None)
        .await;
    assert_eq!(field_of(no_key), "widget_key");

    // Canned responses.
    let canned = |body: serde_json::Value| t.post("/api/v1/canned-responses", admin, body);
    let valid = json!({ "shortcut": "hi", "title": "Hi", "text": "Hello!" });
    for (bad, field) in [
        (json!({ "shortcut": "two words" }), "shortcut"),
        (json!({ "shortcut": "x".repeat(33) }), "shortcut"),
        (json!({ "title": " " }), "title"),
        (json!({ "title": "t".repeat(81) }), "title"),
        (json!({ "text": "" }), "text"),
        (json!({ "text": "t".repeat(4097) }), "text"),
        (json!({ "extra": 1 }), "extra"),
    ] {
        let mut body = valid.clone();
        body.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        assert_eq!(field_of(canned(body).await), field, "{bad}");
    }
    assert_eq!(
        t.get("/api/v1/canned-responses", admin).await.json(),
        json!([])
    );
    t.call(
        Method::PATCH,
        "/api/v1/canned-responses/not-a-uuid",
        Some(admin),
        Some(json!({ "title": "x" })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");

    // Events.
    let visitor = shop.visitor_token.as_str();
    let track = |token, events: serde_json::Value| {
        t.post("/api/v1/events", token, json!({ "events": events }))
    };
    let event = |extra: serde_json::Value| {
        let mut e = json!({ "id": "e-1", "name": "page_viewed" });
        e.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        e
    };
    assert_eq!(field_of(track(visitor, json!([])).await), "events");
    let too_many: Vec<_> = (0..101)
        .map(|i| json!({ "id": format!("e-{i}"), "name": "page_viewed" }))
        .collect();
    assert_eq!(field_of(track(visitor, json!(too_many)).await), "events");
    for (extra, field) in [
        (json!({ "id": "" }), "events[1].id"),
        (json!({ "id": "has space" }), "events[1].id"),
        (json!({ "name": "Page Viewed" }), "events[1].name"),
        (json!({ "name": "n".repeat(65) }), "events[1].name"),
        (json!({ "properties": [1, 2] }), "events[1].properties"),
        (
            json!({ "properties": { "blob": "x".repeat(9000) } }),
            "events[1].properties",
        ),
        (
            json!({ "occurred_at": "2999-01-01T00:00:00Z" }),
            "events[1].occurred_at",
        ),
        (
            json!({ "occurred_at": "yesterday" }),
            "events[1].occurred_at",
        ),
        (
            json!({ "contact_id": "not-a-uuid" }),
            "events[1].contact_id",
        ),
        (json!({ "colour": "red" }), "events[1].colour"),
    ] {
        let events = json!([event(json!({ "id": "ok" })), event(extra.clone())]);
        assert_eq!(field_of(track(visitor, events).await), field, "{extra}");
    }
    // Staff must say whose event it is, and it must be a contact of theirs.
    assert_eq!(
        field_of(track(&shop.write_key, json!([event(json!({}))])).await),
        "events[0].contact_id"
    );
    let foreign = json!([event(json!({ "contact_id": other.visitor_contact_id }))]);
    track(&shop.write_key, foreign)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    // A visitor records its own events only.
    let someone_else = json!([event(json!({ "contact_id": other.visitor_contact_id }))]);
    track(visitor, someone_else)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    track(
        &shop.read_key,
        json!([event(json!({ "contact_id": shop.visitor_contact_id }))]),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "forbidden");
    let nothing = t
        .get(
            &format!("/api/v1/contacts/{}/events", shop.visitor_contact_id),
            admin,
        )
        .await
        .json();
    assert_eq!(nothing["items"], json!([]), "nothing was recorded");
    let bad_cursor = t
        .get(
            &format!(
                "/api/v1/contacts/{}/events?cursor=nope",
                shop.visitor_contact_id
            ),
            admin,
        )
        .await;
    assert_eq!(field_of(bad_cursor), "cursor");
}

/// Catalog writes and queries name the field at fault, and change nothing.
#[tokio::test]
async fn product_input_is_checked_field_by_field() {
    let t = TestApp::new().await;
    let shop = t.shop("Shop").await;
    let admin = shop.admin_key.as_str();
    let field_of = |res: Res| -> String {
        let err = res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        err["field"].as_str().unwrap_or_default().to_string()
    };
    let variant = json!({ "id": "a", "title": "A", "price_minor": 100 });
    let valid = json!({ "title": "Mug", "currency": "EUR", "variants": [variant] });
    let with_variant = |extra: serde_json::Value| {
        let mut v = variant.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "variants": [variant.clone(), json!({ "id": "b", "title": "B", "price_minor": 1 }), v] })
    };
    for (bad, field) in [
        (json!({ "title": " " }), "title"),
        (json!({ "title": "t".repeat(256) }), "title"),
        (json!({ "description": "d".repeat(10_001) }), "description"),
        (json!({ "url": "ftp://x.example/a" }), "url"),
        (json!({ "currency": "eur" }), "currency"),
        (json!({ "currency": "XYZ" }), "currency"),
        (
            json!({ "images": vec!["https://x.example/a.png"; 21] }),
            "images",
        ),
        (json!({ "images": ["javascript:x"] }), "images[0]"),
        (json!({ "variants": [] }), "variants"),
        (
            with_variant(json!({ "id": "b", "price_minor": 1 })),
            "variants[2].id",
        ),
        (
            with_variant(json!({ "id": "c", "price_minor": -1 })),
            "variants[2].price_minor",
        ),
        (
            with_variant(json!({ "id": "c", "price_minor": 1_000_000_000_001_i64 })),
            "variants[2].price_minor",
        ),
        (
            with_variant(json!({ "id": "c", "compare_at_minor": 100 })),
            "variants[2].compare_at_minor",
        ),
        (
            with_variant(json!({ "id": "c", "inventory": -2 })),
            "variants[2].inventory",
        ),
        (
            json!({ "localized": { "!!": { "title": "x" } } }),
            "localized.!!",
        ),
        (json!({ "extra": 1 }), "extra"),
    ] {
        let mut body = valid.clone();
        body.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        assert_eq!(
            field_of(t.post("/api/v1/products", admin, body).await),
            field,
            "{bad}"
        );
    }
    let page = t.get("/api/v1/products", admin).await.json();
    assert_eq!(page["items"], json!([]), "nothing was created");

    // A patch is checked the same way, after merging.
    let created = t
        .post("/api/v1/products", admin, valid.clone())
        .await
        .json();
    let path = format!("/api/v1/products/{}", created["id"].as_str().unwrap());
    let patch = |body: serde_json::Value| t.call(Method::PATCH, &path, Some(admin), Some(body));
    assert_eq!(
        field_of(patch(json!({ "currency": "ABC" })).await),
        "currency"
    );
    assert_eq!(
        field_of(patch(with_variant(json!({ "id": "c", "price_minor": -5 }))).await),
        "variants[2].price_minor"
    );
    assert_eq!(
        t.get(&path, admin).await.json(),
        created,
        "nothing was changed"
    );
    t.call(
        Method::PATCH,
        "/api/v1/products/not-a-uuid",
        Some(admin),
        Some(json!({ "title": "x" })),
    )
    .await
    .assert_error(StatusCode::NOT_FOUND, "not_found");

    // Query parameters.
    for (q, field) in [
        ("min_price=-1", "min_price"),
        ("max_price=1000000000001", "max_price"),
        ("cursor=nope", "cursor"),
        (
            "q=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "q",
        ),
    ] {
        let res = t.get(&format!("/api/v1/products?{q}"), admin).await;
        assert_eq!(field_of(res), field, "{q}");
    }
    for q in ["min_price=abc", "in_stock=maybe", "limit=-1", "sort=price"] {
        let res = t.get(&format!("/api/v1/products?{q}"), admin).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{q}: {}",
            res.text()
        );
    }
}
