//! Conformance suite of the commerce storage contract (`CommerceStore`): what every backend
//! must do with shop settings, integrations, carts, orders, returns, payments, tracked links
//! and inbound deliveries.
//!
//! Like `conformance.rs`, each check is an async function against `Arc<dyn Store>`, stamped
//! out per backend by [`backend_tests!`]; SQLite runs on a fresh temporary file per test.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use shoptalk_core::StoreError;
use shoptalk_core::commerce_store::*;
use shoptalk_core::cursor::Cursor;
use shoptalk_core::store::*;
use shoptalk_store::SqliteStore;
use shoptalk_types::commerce::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::*;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

// ================================================================ harness

/// A store under test and what keeps its database alive.
struct Backend {
    store: Arc<dyn Store>,
    _guard: Box<dyn Send>,
}

async fn open_sqlite() -> Option<Backend> {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = SqliteStore::open(&dir.path().join("shoptalk.db"))
        .await
        .expect("open sqlite");
    Some(Backend {
        store: Arc::new(store),
        _guard: Box::new(dir),
    })
}

macro_rules! backend_tests {
    ($module:ident, $open:path; $($check:ident),* $(,)?) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $check() {
                    let Some(backend) = $open().await else { return };
                    super::$check(backend.store.clone()).await;
                }
            )*
        }
    };
}

backend_tests!(sqlite, super::open_sqlite;
    shop_settings_default_then_round_trip,
    integrations_round_trip_and_shop_domain_is_unique,
    versions_refuse_stale_and_repeated_writes,
    concurrent_puts_exactly_one_wins,
    records_of_another_workspace_are_not_found,
    external_ids_and_numbers_are_unique_per_workspace,
    open_cart_is_the_newest_active_or_abandoned,
    cart_pages_cover_every_row_once_with_filters,
    order_pages_cover_every_row_once_with_filters,
    order_numbers_count_from_1001_per_workspace,
    returns_of_an_order_oldest_first,
    payments_by_provider_ref_and_by_id_alone,
    abandon_idle_carts_respects_each_workspaces_minutes,
    deliveries_commit_with_the_write_for_subscribed_kinds_only,
    inbound_deliveries_are_marked_once,
    tracked_links_count_clicks_and_emit,
    merging_contacts_moves_their_commerce_records,
);

// ================================================================ fixtures

/// Now, at the millisecond precision stores keep.
fn now() -> Timestamp {
    Timestamp::from_millisecond(Timestamp::now().as_millisecond()).unwrap()
}

fn minutes_ago(m: i64) -> Timestamp {
    now() - SignedDuration::from_mins(m)
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

async fn workspace(store: &dyn Store) -> WorkspaceId {
    let id = WorkspaceId::new();
    let owner = AgentRecord {
        agent: Agent {
            id: AgentId::new(),
            workspace_id: id,
            email: "owner@shop.test".into(),
            name: "Ada".into(),
            role: Role::Owner,
            active: true,
            created_at: now(),
        },
        password_hash: "$argon2id$fake".into(),
    };
    let key = ApiKeyRecord {
        key: ApiKey {
            id: ApiKeyId::new(),
            name: "default".into(),
            prefix: "stk_abcd".into(),
            scope: Scope::Admin,
            created_at: now(),
            revoked_at: None,
        },
        workspace_id: id,
        key_hash: unique("hash_"),
    };
    let workspace = WorkspaceRecord {
        workspace: Workspace {
            id,
            name: "Shop".into(),
            widget_key: unique("stw_"),
            identity_required: false,
            allowed_origins: vec![],
            widget: Default::default(),
            created_at: now(),
        },
        identity_secret: "identity-secret".into(),
    };
    store
        .create_workspace(&workspace, &owner, &key)
        .await
        .unwrap();
    id
}

async fn contact(store: &dyn Store, ws: WorkspaceId) -> ContactId {
    let (c, _) = store
        .upsert_contact(
            ws,
            &NewContact {
                external_id: Some(unique("cust-")),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    c.id
}

async fn add_webhook(store: &dyn Store, ws: WorkspaceId, events: &[&str]) -> WebhookId {
    let id = WebhookId::new();
    store
        .insert_webhook(&WebhookRecord {
            webhook: Webhook {
                id,
                url: "https://hooks.shop.test/in".into(),
                events: events.iter().map(|e| e.to_string()).collect(),
                active: true,
                created_at: now(),
            },
            workspace_id: ws,
            secret: "whsec_c2VjcmV0".into(),
        })
        .await
        .unwrap();
    id
}

/// The events delivered to a webhook (in no particular order).
async fn delivered(store: &dyn Store, ws: WorkspaceId, hook: WebhookId) -> Vec<Event> {
    let mut events = Vec::new();
    for d in store
        .list_deliveries(ws, hook, 200, None)
        .await
        .unwrap()
        .items
    {
        let (_, _, event) = store.delivery_for_send(d.id).await.unwrap().unwrap();
        events.push(event);
    }
    events
}

fn item(title: &str, quantity: u32, unit_price_minor: i64) -> CartItem {
    CartItem {
        product_id: None,
        variant_id: unique("v-"),
        sku: None,
        title: title.into(),
        quantity,
        unit_price_minor,
        image_url: None,
    }
}

fn cart(ws: WorkspaceId, contact_id: ContactId, status: CartStatus, lines: usize) -> Cart {
    let items: Vec<CartItem> = (0..lines)
        .map(|i| item(&format!("Mug {i}"), 1, 900))
        .collect();
    Cart {
        id: CartId::new(),
        workspace_id: ws,
        contact_id,
        status,
        currency: "EUR".into(),
        subtotal_minor: items.iter().map(|i| i.unit_price_minor).sum(),
        items,
        checkout_url: None,
        external_id: None,
        order_id: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

/// The next version of a record, as a service would write it.
macro_rules! next {
    ($rec:expr) => {{
        let mut r = $rec.clone();
        r.version += 1;
        r
    }};
}

fn order(ws: WorkspaceId, contact_id: ContactId, number: &str) -> Order {
    Order {
        id: OrderId::new(),
        workspace_id: ws,
        contact_id,
        number: number.into(),
        external_id: None,
        status: OrderStatus::Placed,
        currency: "EUR".into(),
        lines: vec![OrderLine {
            id: "l1".into(),
            product_id: None,
            variant_id: None,
            sku: Some("MUG".into()),
            title: "Mug".into(),
            quantity: 2,
            unit_price_minor: 900,
            image_url: None,
        }],
        subtotal_minor: 1800,
        shipping_minor: 0,
        tax_minor: 0,
        discount_minor: 0,
        total_minor: 1800,
        refunded_minor: 0,
        fulfilments: vec![],
        refunds: vec![],
        timeline: vec![TimelineEntry {
            kind: "placed".into(),
            summary: "Order placed".into(),
            by: "system".into(),
            at: now(),
        }],
        cart_id: None,
        status_url: None,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

fn return_request(o: &Order) -> ReturnRequest {
    ReturnRequest {
        id: ReturnId::new(),
        workspace_id: o.workspace_id,
        order_id: o.id,
        contact_id: o.contact_id,
        status: ReturnStatus::Requested,
        lines: BTreeMap::from([("l1".to_owned(), 1)]),
        reason: "Too small".into(),
        photos: vec![],
        note: None,
        timeline: vec![],
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

fn payment(ws: WorkspaceId, contact_id: ContactId, provider_ref: Option<&str>) -> Payment {
    let id = PaymentId::new();
    Payment {
        id,
        workspace_id: ws,
        contact_id,
        order_id: None,
        cart_id: None,
        conversation_id: None,
        amount_minor: 1800,
        currency: "EUR".into(),
        description: "Order 1001".into(),
        provider: PaymentProviderKind::Stripe,
        provider_ref: provider_ref.map(String::from),
        pay_url: format!("https://pay.shop.test/{id}"),
        status: PaymentStatus::Pending,
        version: 1,
        created_at: now(),
        updated_at: now(),
    }
}

fn link(ws: WorkspaceId, contact_id: Option<ContactId>) -> TrackedLinkRecord {
    TrackedLinkRecord {
        token: unique("t"),
        workspace_id: ws,
        url: "https://shop.test/p/mug?utm_source=chat".into(),
        contact_id,
        conversation_id: None,
        message_id: Some(MessageId::new()),
        source: Some("campaign:spring".into()),
        created_at: now(),
    }
}

/// The uniqueness rule a write broke.
fn duplicate<T: std::fmt::Debug>(result: Result<T, StoreError>) -> &'static str {
    match result {
        Err(StoreError::Duplicate(rule)) => rule,
        other => panic!("expected a duplicate, got {other:?}"),
    }
}

async fn put_cart(store: &dyn Store, c: &Cart) {
    assert!(store.put_cart(c, &[]).await.unwrap(), "cart stored");
}

async fn put_order(store: &dyn Store, o: &Order) {
    assert!(store.put_order(o, &[]).await.unwrap(), "order stored");
}

// ================================================================ shop and integrations

async fn shop_settings_default_then_round_trip(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let other = workspace(store).await;
    assert_eq!(
        store.shop_settings(ws).await.unwrap(),
        ShopSettings::default()
    );
    let settings = ShopSettings {
        currency: "EUR".into(),
        locale: "de-DE".into(),
        abandon_after_minutes: 30,
        payment_provider: PaymentProviderKind::Stripe,
    };
    store.put_shop_settings(ws, &settings).await.unwrap();
    assert_eq!(store.shop_settings(ws).await.unwrap(), settings);
    let changed = ShopSettings {
        abandon_after_minutes: 90,
        ..settings
    };
    store.put_shop_settings(ws, &changed).await.unwrap();
    assert_eq!(store.shop_settings(ws).await.unwrap(), changed);
    assert_eq!(
        store.shop_settings(other).await.unwrap(),
        ShopSettings::default()
    );
}

fn shopify(domain: &str) -> Integrations {
    Integrations {
        shopify: Some(ShopifySettings {
            shop_domain: domain.into(),
            webhook_secret: Some("shpss_secret".into()),
            admin_access_token: Some("shpat_token".into()),
            admin_api_base: None,
        }),
        stripe: Some(StripeSettings {
            secret_key: Some("sk_test_x".into()),
            webhook_secret: None,
            api_base: None,
        }),
    }
}

async fn integrations_round_trip_and_shop_domain_is_unique(store: Arc<dyn Store>) {
    let store = &*store;
    let (a, b) = (workspace(store).await, workspace(store).await);
    assert_eq!(
        store.integrations(a).await.unwrap(),
        Integrations::default()
    );
    assert_eq!(
        store
            .workspace_by_shop_domain("mugs.myshopify.com")
            .await
            .unwrap(),
        None
    );

    let mugs = shopify("Mugs.myshopify.com");
    store.put_integrations(a, &mugs).await.unwrap();
    assert_eq!(store.integrations(a).await.unwrap(), mugs, "secrets kept");
    for asked in ["mugs.myshopify.com", "MUGS.myshopify.com"] {
        assert_eq!(
            store.workspace_by_shop_domain(asked).await.unwrap(),
            Some(a)
        );
    }
    // Writing the same shop again is fine; another workspace may not take it.
    store.put_integrations(a, &mugs).await.unwrap();
    assert_eq!(
        duplicate(
            store
                .put_integrations(b, &shopify("mugs.MYSHOPIFY.com"))
                .await
        ),
        "shopify_shop_domain"
    );
    assert_eq!(
        store.integrations(b).await.unwrap(),
        Integrations::default()
    );

    // Disconnecting frees the domain.
    store
        .put_integrations(a, &Integrations::default())
        .await
        .unwrap();
    assert_eq!(
        store
            .workspace_by_shop_domain("mugs.myshopify.com")
            .await
            .unwrap(),
        None
    );
    store
        .put_integrations(b, &shopify("mugs.myshopify.com"))
        .await
        .unwrap();
    assert_eq!(
        store
            .workspace_by_shop_domain("mugs.myshopify.com")
            .await
            .unwrap(),
        Some(b)
    );
}

// ================================================================ versions

async fn versions_refuse_stale_and_repeated_writes(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws).await;

    let v1 = cart(ws, c, CartStatus::Active, 1);
    assert!(store.put_cart(&v1, &[]).await.unwrap());
    assert!(
        !store.put_cart(&v1, &[]).await.unwrap(),
        "a second version 1 of the same id"
    );
    let mut v2 = next!(v1);
    v2.items.push(item("Tea", 2, 400));
    assert!(store.put_cart(&v2, &[]).await.unwrap());
    let mut stale = next!(v1);
    stale.items.clear();
    assert!(
        !store.put_cart(&stale, &[]).await.unwrap(),
        "stale write refused"
    );
    let mut skipping = next!(v2);
    skipping.version += 1;
    assert!(
        !store.put_cart(&skipping, &[]).await.unwrap(),
        "a version skipped"
    );
    assert_eq!(store.cart(ws, v1.id).await.unwrap(), Some(v2.clone()));

    // Orders, returns and payments follow the same rule.
    let o1 = order(ws, c, "1001");
    assert!(store.put_order(&o1, &[]).await.unwrap());
    assert!(!store.put_order(&o1, &[]).await.unwrap());
    let mut o2 = next!(o1);
    o2.status = OrderStatus::Paid;
    assert!(store.put_order(&o2, &[]).await.unwrap());
    assert!(!store.put_order(&o2, &[]).await.unwrap());
    assert_eq!(store.order(ws, o1.id).await.unwrap(), Some(o2.clone()));

    let r1 = return_request(&o2);
    assert!(store.put_return(&r1, &[]).await.unwrap());
    assert!(!store.put_return(&r1, &[]).await.unwrap());
    let mut r2 = next!(r1);
    r2.status = ReturnStatus::Approved;
    assert!(store.put_return(&r2, &[]).await.unwrap());
    assert_eq!(store.return_request(ws, r1.id).await.unwrap(), Some(r2));

    let p1 = payment(ws, c, None);
    assert!(store.put_payment(&p1, &[]).await.unwrap());
    assert!(!store.put_payment(&p1, &[]).await.unwrap());
    let mut p2 = next!(p1);
    p2.status = PaymentStatus::Paid;
    assert!(store.put_payment(&p2, &[]).await.unwrap());
    assert!(!store.put_payment(&next!(p1), &[]).await.unwrap());
    assert_eq!(store.payment(ws, p1.id).await.unwrap(), Some(p2));
}

async fn concurrent_puts_exactly_one_wins(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let c = contact(&*store, ws).await;
    let v1 = cart(ws, c, CartStatus::Active, 0);
    put_cart(&*store, &v1).await;
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let mut v2 = next!(v1);
            v2.items.push(item(&format!("writer {i}"), 1, 100));
            tokio::spawn(async move { (store.put_cart(&v2, &[]).await.unwrap(), v2) })
        })
        .collect();
    let mut winners = Vec::new();
    for w in writers {
        let (won, written) = w.await.unwrap();
        if won {
            winners.push(written);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer of version 2 wins");
    assert_eq!(
        store.cart(ws, v1.id).await.unwrap().as_ref(),
        winners.first()
    );
}

// ================================================================ isolation and uniqueness

async fn records_of_another_workspace_are_not_found(store: Arc<dyn Store>) {
    let store = &*store;
    let (a, b) = (workspace(store).await, workspace(store).await);
    let ca = contact(store, a).await;
    let mut ct = cart(a, ca, CartStatus::Active, 1);
    ct.external_id = Some("shopify-cart-1".into());
    put_cart(store, &ct).await;
    let mut o = order(a, ca, "1001");
    o.external_id = Some("shopify-order-1".into());
    put_order(store, &o).await;
    let r = return_request(&o);
    assert!(store.put_return(&r, &[]).await.unwrap());
    let p = payment(a, ca, Some("cs_test_1"));
    assert!(store.put_payment(&p, &[]).await.unwrap());

    // A sees its own records.
    assert_eq!(store.cart(a, ct.id).await.unwrap(), Some(ct.clone()));
    assert_eq!(store.open_cart(a, ca).await.unwrap(), Some(ct.clone()));
    assert_eq!(
        store
            .cart_by_external_id(a, "shopify-cart-1")
            .await
            .unwrap(),
        Some(ct.clone())
    );
    assert_eq!(
        store
            .order_by_external_id(a, "shopify-order-1")
            .await
            .unwrap(),
        Some(o.clone())
    );
    assert_eq!(
        store.returns_of_order(a, o.id).await.unwrap(),
        std::slice::from_ref(&r)
    );
    assert_eq!(
        store
            .payment_by_provider_ref(a, PaymentProviderKind::Stripe, "cs_test_1")
            .await
            .unwrap(),
        Some(p.clone())
    );

    // B sees none of them, by any way of asking.
    assert_eq!(store.cart(b, ct.id).await.unwrap(), None);
    assert_eq!(store.open_cart(b, ca).await.unwrap(), None);
    assert_eq!(
        store
            .cart_by_external_id(b, "shopify-cart-1")
            .await
            .unwrap(),
        None
    );
    let all_carts = CartQuery {
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_carts(b, &all_carts)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.order(b, o.id).await.unwrap(), None);
    assert_eq!(
        store
            .order_by_external_id(b, "shopify-order-1")
            .await
            .unwrap(),
        None
    );
    let all_orders = OrderQuery {
        limit: 50,
        ..Default::default()
    };
    assert!(
        store
            .list_orders(b, &all_orders)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.return_request(b, r.id).await.unwrap(), None);
    assert!(store.returns_of_order(b, o.id).await.unwrap().is_empty());
    assert_eq!(store.payment(b, p.id).await.unwrap(), None);
    assert_eq!(
        store
            .payment_by_provider_ref(b, PaymentProviderKind::Stripe, "cs_test_1")
            .await
            .unwrap(),
        None
    );

    // Nor can B overwrite them by naming A's ids as its own.
    let mut hijack = next!(ct);
    hijack.workspace_id = b;
    assert!(!store.put_cart(&hijack, &[]).await.unwrap());
    let mut hijack = next!(o);
    hijack.workspace_id = b;
    assert!(!store.put_order(&hijack, &[]).await.unwrap());
    let mut hijack = next!(p);
    hijack.workspace_id = b;
    assert!(!store.put_payment(&hijack, &[]).await.unwrap());
    assert_eq!(store.cart(a, ct.id).await.unwrap(), Some(ct));
    assert_eq!(store.order(a, o.id).await.unwrap(), Some(o));
    assert_eq!(store.payment(a, p.id).await.unwrap(), Some(p));
}

async fn external_ids_and_numbers_are_unique_per_workspace(store: Arc<dyn Store>) {
    let store = &*store;
    let (a, b) = (workspace(store).await, workspace(store).await);
    let (ca, cb) = (contact(store, a).await, contact(store, b).await);

    let mut first = cart(a, ca, CartStatus::Active, 1);
    first.external_id = Some("ext-1".into());
    put_cart(store, &first).await;
    let mut twin = cart(a, ca, CartStatus::Active, 1);
    twin.external_id = Some("ext-1".into());
    assert_eq!(
        duplicate(store.put_cart(&twin, &[]).await),
        "cart_external_id"
    );
    // Also when an update takes another cart's external id.
    let mut second = cart(a, ca, CartStatus::Active, 1);
    put_cart(store, &second).await;
    second = next!(second);
    second.external_id = Some("ext-1".into());
    assert_eq!(
        duplicate(store.put_cart(&second, &[]).await),
        "cart_external_id"
    );
    let mut elsewhere = cart(b, cb, CartStatus::Active, 1);
    elsewhere.external_id = Some("ext-1".into());
    put_cart(store, &elsewhere).await;
    // Carts without an external id never collide.
    put_cart(store, &cart(a, ca, CartStatus::Active, 0)).await;

    put_order(store, &order(a, ca, "1001")).await;
    assert_eq!(
        duplicate(store.put_order(&order(a, ca, "1001"), &[]).await),
        "order_number"
    );
    put_order(store, &order(b, cb, "1001")).await;
    let mut external = order(a, ca, "1002");
    external.external_id = Some("gid://shopify/Order/1".into());
    put_order(store, &external).await;
    let mut twin = order(a, ca, "1003");
    twin.external_id = external.external_id.clone();
    assert_eq!(
        duplicate(store.put_order(&twin, &[]).await),
        "order_external_id"
    );

    assert!(
        store
            .put_payment(&payment(a, ca, Some("cs_1")), &[])
            .await
            .unwrap()
    );
    assert_eq!(
        duplicate(store.put_payment(&payment(a, ca, Some("cs_1")), &[]).await),
        "payment_provider_ref"
    );
    assert!(
        store
            .put_payment(&payment(b, cb, Some("cs_1")), &[])
            .await
            .unwrap()
    );
    for _ in 0..2 {
        assert!(store.put_payment(&payment(a, ca, None), &[]).await.unwrap());
    }

    let l = link(a, Some(ca));
    store
        .insert_tracked_links(std::slice::from_ref(&l))
        .await
        .unwrap();
    assert_eq!(
        duplicate(store.insert_tracked_links(&[l]).await),
        "tracked_link_token"
    );
}

// ================================================================ carts

async fn open_cart_is_the_newest_active_or_abandoned(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let (c, other) = (contact(store, ws).await, contact(store, ws).await);
    assert_eq!(store.open_cart(ws, c).await.unwrap(), None);

    let mut converted = cart(ws, c, CartStatus::Converted, 2);
    converted.order_id = Some(OrderId::new());
    put_cart(store, &converted).await;
    assert_eq!(
        store.open_cart(ws, c).await.unwrap(),
        None,
        "converted is not open"
    );

    let mut abandoned = cart(ws, c, CartStatus::Abandoned, 1);
    abandoned.updated_at = minutes_ago(90);
    put_cart(store, &abandoned).await;
    assert_eq!(
        store.open_cart(ws, c).await.unwrap(),
        Some(abandoned.clone())
    );

    let active = cart(ws, c, CartStatus::Active, 1);
    put_cart(store, &active).await;
    assert_eq!(store.open_cart(ws, c).await.unwrap(), Some(active.clone()));
    assert_eq!(store.open_cart(ws, other).await.unwrap(), None);

    // Converting the active cart leaves the abandoned one open.
    let mut done = next!(active);
    done.status = CartStatus::Converted;
    put_cart(store, &done).await;
    assert_eq!(store.open_cart(ws, c).await.unwrap(), Some(abandoned));
}

/// Every page of `q` until the last, asserting page sizes and no overlap.
async fn all_cart_pages(store: &dyn Store, ws: WorkspaceId, mut q: CartQuery) -> Vec<Cart> {
    let mut seen = Vec::new();
    loop {
        let page = store.list_carts(ws, &q).await.unwrap();
        assert!(page.items.len() <= q.limit as usize);
        seen.extend(page.items);
        match page.next_cursor {
            Some(c) => q.after = Some(Cursor::decode(&c).expect("cursor")),
            None => return seen,
        }
    }
}

async fn cart_pages_cover_every_row_once_with_filters(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let other_ws = workspace(store).await;
    let (c1, c2) = (contact(store, ws).await, contact(store, ws).await);
    let tied = now();
    let mut expected = Vec::new();
    for i in 0..13 {
        let status = if i % 3 == 0 {
            CartStatus::Abandoned
        } else {
            CartStatus::Active
        };
        let mut ct = cart(ws, if i % 2 == 0 { c1 } else { c2 }, status, 1);
        // Some share an `updated_at`: the id breaks the tie.
        ct.updated_at = if i < 5 { tied } else { minutes_ago(i) };
        put_cart(store, &ct).await;
        expected.push(ct);
    }
    put_cart(
        store,
        &cart(
            other_ws,
            contact(store, other_ws).await,
            CartStatus::Active,
            1,
        ),
    )
    .await;

    let q = CartQuery {
        limit: 4,
        ..Default::default()
    };
    let seen = all_cart_pages(store, ws, q.clone()).await;
    assert_eq!(seen.len(), 13);
    assert_eq!(seen.iter().map(|c| c.id).collect::<HashSet<_>>().len(), 13);
    assert!(
        seen.windows(2)
            .all(|w| (w[0].updated_at, w[0].id) > (w[1].updated_at, w[1].id)),
        "newest updated_at first"
    );

    let of_c1 = all_cart_pages(
        store,
        ws,
        CartQuery {
            contact_id: Some(c1),
            ..q.clone()
        },
    )
    .await;
    assert_eq!(
        of_c1.len(),
        expected.iter().filter(|c| c.contact_id == c1).count()
    );
    assert!(of_c1.iter().all(|c| c.contact_id == c1));
    let abandoned = CartQuery {
        status: Some(CartStatus::Abandoned),
        contact_id: Some(c2),
        ..q
    };
    let got = all_cart_pages(store, ws, abandoned).await;
    let want = expected
        .iter()
        .filter(|c| c.contact_id == c2 && c.status == CartStatus::Abandoned)
        .count();
    assert_eq!(got.len(), want);
    assert!(want > 0);
}

// ================================================================ orders

async fn order_pages_cover_every_row_once_with_filters(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let (c1, c2) = (contact(store, ws).await, contact(store, ws).await);
    let tied = now();
    for i in 0..11 {
        let mut o = order(ws, if i < 4 { c1 } else { c2 }, &format!("{}", 2000 + i));
        o.created_at = if i % 2 == 0 { tied } else { minutes_ago(i) };
        if i % 4 == 0 {
            o.status = OrderStatus::Shipped;
        }
        put_order(store, &o).await;
    }
    let mut q = OrderQuery {
        limit: 3,
        ..Default::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = store.list_orders(ws, &q).await.unwrap();
        assert!(page.items.len() <= 3);
        seen.extend(page.items);
        match page.next_cursor {
            Some(c) => q.after = Some(Cursor::decode(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen.iter().map(|o| o.id).collect::<HashSet<_>>().len(), 11);
    assert!(
        seen.windows(2)
            .all(|w| (w[0].created_at, w[0].id) > (w[1].created_at, w[1].id)),
        "newest created_at first"
    );

    let by = |contact_id, status| OrderQuery {
        contact_id,
        status,
        limit: 50,
        after: None,
    };
    let page = store.list_orders(ws, &by(Some(c1), None)).await.unwrap();
    assert_eq!(page.items.len(), 4);
    assert!(page.next_cursor.is_none());
    let shipped = store
        .list_orders(ws, &by(None, Some(OrderStatus::Shipped)))
        .await
        .unwrap()
        .items;
    let numbers: HashSet<&str> = shipped.iter().map(|o| o.number.as_str()).collect();
    assert_eq!(numbers, HashSet::from(["2000", "2004", "2008"]));
    let shipped_c2 = store
        .list_orders(ws, &by(Some(c2), Some(OrderStatus::Shipped)))
        .await
        .unwrap()
        .items;
    assert_eq!(shipped_c2.len(), 2);
}

async fn order_numbers_count_from_1001_per_workspace(store: Arc<dyn Store>) {
    let (a, b) = (workspace(&*store).await, workspace(&*store).await);
    let c = contact(&*store, a).await;
    assert_eq!(store.next_order_number(a).await.unwrap(), 1001);
    assert_eq!(store.next_order_number(a).await.unwrap(), 1002);
    assert_eq!(store.next_order_number(b).await.unwrap(), 1001);
    // A number an order took on its own is skipped.
    put_order(&*store, &order(a, c, "1003")).await;
    assert_eq!(store.next_order_number(a).await.unwrap(), 1004);

    // Concurrent reservations never hand out a number twice.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.next_order_number(a).await.unwrap() })
        })
        .collect();
    let mut numbers = HashSet::new();
    for t in tasks {
        assert!(numbers.insert(t.await.unwrap()));
    }
    assert_eq!(numbers, (1005..1015).collect());
}

async fn returns_of_an_order_oldest_first(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws).await;
    let (o, other) = (order(ws, c, "1001"), order(ws, c, "1002"));
    put_order(store, &o).await;
    put_order(store, &other).await;
    let mut newer = return_request(&o);
    newer.created_at = minutes_ago(1);
    let mut older = return_request(&o);
    older.created_at = minutes_ago(5);
    for r in [&newer, &older, &return_request(&other)] {
        assert!(store.put_return(r, &[]).await.unwrap());
    }
    assert_eq!(
        store.returns_of_order(ws, o.id).await.unwrap(),
        [older, newer]
    );
    assert!(
        store
            .returns_of_order(ws, OrderId::new())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn payments_by_provider_ref_and_by_id_alone(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let c = contact(store, ws).await;
    let p = payment(ws, c, None);
    assert!(store.put_payment(&p, &[]).await.unwrap());
    assert_eq!(store.payment_by_id(p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(store.payment_by_id(PaymentId::new()).await.unwrap(), None);

    // The provider's id arrives with a later version.
    let mut with_ref = next!(p);
    with_ref.provider_ref = Some("cs_test_abc".into());
    assert!(store.put_payment(&with_ref, &[]).await.unwrap());
    assert_eq!(
        store
            .payment_by_provider_ref(ws, PaymentProviderKind::Stripe, "cs_test_abc")
            .await
            .unwrap(),
        Some(with_ref.clone())
    );
    assert_eq!(
        store
            .payment_by_provider_ref(ws, PaymentProviderKind::Test, "cs_test_abc")
            .await
            .unwrap(),
        None,
        "the provider is part of the key"
    );
}

// ================================================================ abandonment

async fn abandon_idle_carts_respects_each_workspaces_minutes(store: Arc<dyn Store>) {
    let store = &*store;
    let quick = workspace(store).await; // 30 minutes
    let default = workspace(store).await; // never set: 60 minutes
    store
        .put_shop_settings(
            quick,
            &ShopSettings {
                abandon_after_minutes: 30,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let quick_hook = add_webhook(store, quick, &["cart.abandoned"]).await;
    let default_hook = add_webhook(store, default, &["cart.updated"]).await;
    let (cq, cd) = (contact(store, quick).await, contact(store, default).await);

    let idle = |ws, contact, status, lines, minutes| {
        let mut c = cart(ws, contact, status, lines);
        c.updated_at = minutes_ago(minutes);
        c
    };
    let quick_due = idle(quick, cq, CartStatus::Active, 2, 40);
    let default_due = idle(default, cd, CartStatus::Active, 1, 70);
    let not_due = [
        idle(default, cd, CartStatus::Active, 1, 40),
        idle(quick, cq, CartStatus::Active, 1, 10),
        idle(quick, cq, CartStatus::Active, 0, 500), // empty
        idle(quick, cq, CartStatus::Converted, 1, 500),
        idle(quick, cq, CartStatus::Abandoned, 1, 500),
    ];
    for c in not_due.iter().chain([&quick_due, &default_due]) {
        put_cart(store, c).await;
    }

    // At most `limit`, oldest idle first.
    let first = store.abandon_idle_carts(now(), 1).await.unwrap();
    assert_eq!(
        first.iter().map(|c| c.id).collect::<Vec<_>>(),
        [default_due.id]
    );
    let rest = store.abandon_idle_carts(now(), 100).await.unwrap();
    assert_eq!(
        rest.iter().map(|c| c.id).collect::<Vec<_>>(),
        [quick_due.id]
    );
    assert!(
        store
            .abandon_idle_carts(now(), 100)
            .await
            .unwrap()
            .is_empty()
    );

    for (before, returned) in [(&default_due, &first[0]), (&quick_due, &rest[0])] {
        let stored = store
            .cart(before.workspace_id, before.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&stored, returned);
        assert_eq!(stored.status, CartStatus::Abandoned);
        assert_eq!(stored.version, before.version + 1);
        assert_eq!(
            stored.updated_at, before.updated_at,
            "the idle clock is kept"
        );
        assert_eq!(stored.items, before.items);
    }
    for c in &not_due {
        assert_eq!(
            store.cart(c.workspace_id, c.id).await.unwrap().as_ref(),
            Some(c)
        );
    }

    // `cart.abandoned` only where a webhook wants it, carrying the cart.
    let events = delivered(store, quick, quick_hook).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "cart.abandoned");
    assert_eq!(events[0].data, serde_json::to_value(&rest[0]).unwrap());
    assert!(delivered(store, default, default_hook).await.is_empty());

    // The abandoned cart can be written again from its new version.
    let mut revived = next!(rest[0]);
    revived.status = CartStatus::Active;
    assert!(store.put_cart(&revived, &[]).await.unwrap());
    assert!(!store.put_cart(&next!(quick_due), &[]).await.unwrap());
}

// ================================================================ events

async fn deliveries_commit_with_the_write_for_subscribed_kinds_only(store: Arc<dyn Store>) {
    let store = &*store;
    let ws = workspace(store).await;
    let other = workspace(store).await;
    let c = contact(store, ws).await;
    let carts_hook = add_webhook(store, ws, &["cart.updated"]).await;
    let all_hook = add_webhook(store, ws, &["*"]).await;
    let others_hook = add_webhook(store, other, &["*"]).await;

    let v1 = cart(ws, c, CartStatus::Active, 1);
    let updated = Emit {
        kind: "cart.updated",
        data: serde_json::to_value(&v1).unwrap(),
    };
    assert!(
        store
            .put_cart(&v1, std::slice::from_ref(&updated))
            .await
            .unwrap()
    );
    // A refused write emits nothing.
    assert!(
        !store
            .put_cart(&v1, std::slice::from_ref(&updated))
            .await
            .unwrap()
    );

    let o = order(ws, c, "1001");
    let emits = [
        Emit {
            kind: "order.created",
            data: json!({"id": o.id}),
        },
        Emit {
            kind: "order.action_requested",
            data: json!({"order_id": o.id, "action": {"type": "mark_paid"}}),
        },
    ];
    assert!(store.put_order(&o, &emits).await.unwrap());
    // A write that fails on a uniqueness rule emits nothing either.
    let twin = order(ws, c, "1001");
    assert!(store.put_order(&twin, &emits).await.is_err());

    let kinds = |events: Vec<Event>| {
        let mut kinds: Vec<_> = events.into_iter().map(|e| e.kind).collect();
        kinds.sort();
        kinds
    };
    let cart_events = delivered(store, ws, carts_hook).await;
    assert_eq!(cart_events.len(), 1);
    assert_eq!(
        (
            &cart_events[0].kind,
            cart_events[0].workspace_id,
            &cart_events[0].data
        ),
        (&"cart.updated".to_owned(), ws, &updated.data)
    );
    assert_eq!(
        kinds(delivered(store, ws, all_hook).await),
        ["cart.updated", "order.action_requested", "order.created"]
    );
    assert!(delivered(store, other, others_hook).await.is_empty());

    // Each delivery has its job, due now.
    let jobs = store
        .claim_jobs(
            now() + SignedDuration::from_secs(1),
            SignedDuration::from_secs(30),
            100,
        )
        .await
        .unwrap();
    assert_eq!(jobs.len(), 4);
    assert!(jobs.iter().all(|j| j.kind == "webhook.deliver"));
}

// ================================================================ inbound and links

async fn inbound_deliveries_are_marked_once(store: Arc<dyn Store>) {
    let store = &*store;
    let (a, b) = (workspace(store).await, workspace(store).await);
    assert!(!store.inbound_seen(a, "shopify", "d-1").await.unwrap());
    assert!(store.mark_inbound(a, "shopify", "d-1").await.unwrap());
    assert!(store.inbound_seen(a, "shopify", "d-1").await.unwrap());
    assert!(!store.mark_inbound(a, "shopify", "d-1").await.unwrap());
    // The same id from another source or for another workspace is another delivery.
    assert!(!store.inbound_seen(a, "stripe", "d-1").await.unwrap());
    assert!(!store.inbound_seen(b, "shopify", "d-1").await.unwrap());
    assert!(store.mark_inbound(a, "stripe", "d-1").await.unwrap());
    assert!(store.mark_inbound(b, "shopify", "d-1").await.unwrap());
}

async fn tracked_links_count_clicks_and_emit(store: Arc<dyn Store>) {
    let store = &*store;
    let (a, b) = (workspace(store).await, workspace(store).await);
    let hook = add_webhook(store, a, &["link.clicked"]).await;
    let c = contact(store, a).await;
    let links = [link(a, Some(c)), link(a, None), link(b, None)];
    store.insert_tracked_links(&links).await.unwrap();
    store.insert_tracked_links(&[]).await.unwrap();
    for l in &links {
        assert_eq!(
            store.tracked_link(&l.token).await.unwrap().as_ref(),
            Some(l)
        );
    }
    assert_eq!(store.tracked_link("missing").await.unwrap(), None);

    let at = now();
    store.record_link_click(&links[0], at).await.unwrap();
    store.record_link_click(&links[0], at).await.unwrap();
    store.record_link_click(&links[1], at).await.unwrap();
    assert_eq!(store.link_clicks(a, &links[0].token).await.unwrap(), 2);
    assert_eq!(store.link_clicks(a, &links[1].token).await.unwrap(), 1);
    assert_eq!(store.link_clicks(a, &links[2].token).await.unwrap(), 0);
    assert_eq!(
        store.link_clicks(b, &links[0].token).await.unwrap(),
        0,
        "another workspace's link"
    );
    // A record naming the wrong workspace, or no stored link, counts nothing.
    let mut forged = links[0].clone();
    forged.workspace_id = b;
    store.record_link_click(&forged, at).await.unwrap();
    store.record_link_click(&link(a, None), at).await.unwrap();
    assert_eq!(store.link_clicks(a, &links[0].token).await.unwrap(), 2);

    let events = delivered(store, a, hook).await;
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.kind == "link.clicked"));
    let clicks: Vec<LinkClick> = events
        .iter()
        .map(|e| serde_json::from_value(e.data.clone()).unwrap())
        .collect();
    assert_eq!(
        clicks.iter().filter(|k| k.token == links[0].token).count(),
        2
    );
    assert_eq!(
        clicks.iter().find(|k| k.token == links[0].token),
        Some(&LinkClick {
            token: links[0].token.clone(),
            url: links[0].url.clone(),
            contact_id: Some(c),
            message_id: links[0].message_id,
            at,
        })
    );
}

async fn merging_contacts_moves_their_commerce_records(store: Arc<dyn Store>) {
    let ws = workspace(&*store).await;
    let (visitor, known) = (contact(&*store, ws).await, contact(&*store, ws).await);
    let c = cart(ws, visitor, CartStatus::Active, 2);
    put_cart(&*store, &c).await;
    let o = order(ws, visitor, "1001");
    put_order(&*store, &o).await;
    let r = return_request(&o);
    assert!(store.put_return(&r, &[]).await.unwrap());
    let p = payment(ws, visitor, None);
    assert!(store.put_payment(&p, &[]).await.unwrap());

    store
        .merge_contacts(ws, visitor, known)
        .await
        .unwrap()
        .expect("merged");

    let moved_cart = store
        .open_cart(ws, known)
        .await
        .unwrap()
        .expect("cart moved");
    assert_eq!((moved_cart.id, moved_cart.contact_id), (c.id, known));
    assert_eq!(
        moved_cart.version,
        c.version + 1,
        "the document's version moves too"
    );
    assert!(store.open_cart(ws, visitor).await.unwrap().is_none());
    let moved_order = store.order(ws, o.id).await.unwrap().unwrap();
    assert_eq!(
        (moved_order.contact_id, moved_order.version),
        (known, o.version + 1)
    );
    let q = OrderQuery {
        contact_id: Some(known),
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.list_orders(ws, &q).await.unwrap().items.len(), 1);
    let moved_return = store.return_request(ws, r.id).await.unwrap().unwrap();
    assert_eq!(moved_return.contact_id, known);
    let moved_payment = store.payment(ws, p.id).await.unwrap().unwrap();
    assert_eq!(moved_payment.contact_id, known);
    // A writer still holding the pre-merge version loses and must re-read.
    let mut stale = c.clone();
    stale.version += 1;
    assert!(!store.put_cart(&stale, &[]).await.unwrap());
}
