//! `shoptalk demo` seeds a whole shop: a catalog with pictures the server draws, customers,
//! carts and orders in every state, a return, and conversations with every kind of card.
//! Seeded and served as `main` does it, over a temp dir.

use shoptalk::config::Config;
use shoptalk::demo::{self, DemoCredentials};
use shoptalk::server::{self, RunningServer};
use shoptalk_core::App;
use shoptalk_core::service::{
    Actor, CartFilter, ConversationFilter, LogPosition, OrderFilter, ProductFilter,
};
use shoptalk_types::commerce::{CartStatus, Order, OrderStatus};
use shoptalk_types::model::{Message, Product};
use std::collections::{BTreeSet, HashSet};

struct Demo {
    server: RunningServer,
    credentials: DemoCredentials,
    dir: tempfile::TempDir,
}

/// Seeds the demo offline, then serves it, as `shoptalk demo` does; the address is bound
/// first so that the seeded links and pictures name it.
async fn start_demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut config = Config {
        data_dir: dir.path().to_path_buf(),
        listen: listener.local_addr().unwrap(),
        ..Config::default()
    };
    let credentials = {
        let (app, _committer) = server::offline_app(&config).await.unwrap();
        demo::seed(&app, &config.data_dir).await.unwrap()
    };
    config.http.demo_widget_key = Some(credentials.widget_key.clone());
    let server = server::start(&config, listener).await.unwrap();
    Demo {
        server,
        credentials,
        dir,
    }
}

impl Demo {
    fn app(&self) -> &App {
        &self.server.app
    }

    async fn admin(&self) -> Actor {
        self.app()
            .authenticate(&self.credentials.api_key, None)
            .await
            .unwrap()
    }

    async fn products(&self) -> Vec<Product> {
        let admin = self.admin().await;
        let mut all = Vec::new();
        let mut cursor = None;
        loop {
            let filter = ProductFilter {
                limit: Some(200),
                cursor,
                ..ProductFilter::default()
            };
            let page = self.app().list_products(&admin, &filter).await.unwrap();
            all.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                return all;
            }
        }
    }

    async fn orders(&self) -> Vec<Order> {
        let filter = OrderFilter {
            limit: Some(200),
            ..OrderFilter::default()
        };
        let admin = self.admin().await;
        self.app().list_orders(&admin, &filter).await.unwrap().items
    }

    async fn messages(&self) -> Vec<Message> {
        let admin = self.admin().await;
        let filter = ConversationFilter {
            limit: Some(200),
            ..ConversationFilter::default()
        };
        let conversations = self.app().list_conversations(&admin, filter).await.unwrap();
        let mut all = Vec::new();
        for c in conversations.items {
            let page = self
                .app()
                .list_messages(&admin, c.id, LogPosition::After(0), 200)
                .await
                .unwrap();
            all.extend(page.items);
        }
        all
    }
}

#[tokio::test]
async fn the_demo_shop_has_a_catalog_with_pictures_customers_carts_and_orders() {
    let demo = start_demo().await;

    // The catalog: more than fifty products over several categories, sizes and colours,
    // prices in the shop's currency, some on sale, stock from plenty to sold out.
    let products = demo.products().await;
    assert!(products.len() >= 50, "{} products", products.len());
    let categories: HashSet<_> = products.iter().filter_map(|p| p.category.clone()).collect();
    assert!(categories.len() >= 5, "{categories:?}");
    assert!(products.iter().all(|p| p.currency == "EUR"));
    let variants = || products.iter().flat_map(|p| &p.variants);
    assert!(variants().any(|v| v.options.contains_key("size")));
    assert!(variants().any(|v| v.options.contains_key("colour")));
    assert!(variants().any(|v| v.compare_at_minor.is_some()));
    assert!(
        variants().any(|v| matches!(v.inventory, Some(1..=3))),
        "low stock"
    );
    let sold_out = |p: &&Product| p.variants.iter().all(|v| v.inventory == Some(0));
    assert!(products.iter().any(|p| sold_out(&p)), "a product sold out");

    // Every picture is an SVG this server draws, with no script in it.
    let http = reqwest::Client::new();
    let base = format!("http://{}", demo.server.addr);
    let pictures: BTreeSet<&String> = products
        .iter()
        .flat_map(|p| {
            p.images
                .iter()
                .chain(p.variants.iter().flat_map(|v| &v.image_url))
        })
        .collect();
    assert!(pictures.len() > products.len());
    for url in pictures {
        assert!(url.starts_with(&format!("{base}/demo/products/")), "{url}");
        let res = http.get(url.as_str()).send().await.unwrap();
        assert_eq!(res.status(), 200, "{url}");
        assert_eq!(res.headers()["content-type"], "image/svg+xml", "{url}");
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("max-age")
        );
        let svg = res.text().await.unwrap();
        assert!(svg.starts_with("<svg "), "{url}");
        assert!(!svg.to_ascii_lowercase().contains("script"), "{url}");
    }
    let missing = http
        .get(format!("{base}/demo/products/tops/%3Cscript%3E.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);

    // Orders in every status, each with its timeline, and a return on its way.
    let orders = demo.orders().await;
    let statuses: HashSet<OrderStatus> = orders.iter().map(|o| o.status).collect();
    for status in [
        OrderStatus::Placed,
        OrderStatus::Paid,
        OrderStatus::Fulfilled,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
        OrderStatus::PartiallyRefunded,
    ] {
        assert!(
            statuses.contains(&status),
            "no {status:?} order: {statuses:?}"
        );
    }
    for order in &orders {
        assert!(!order.timeline.is_empty(), "order {}", order.number);
    }
    assert!(
        orders
            .iter()
            .any(|o| o.fulfilments.iter().any(|f| f.tracking_number.is_some())),
        "an order with tracking"
    );
    let admin = demo.admin().await;
    let mut returns = 0;
    for order in &orders {
        returns += demo
            .app()
            .list_order_returns(&admin, order.id)
            .await
            .unwrap()
            .len();
    }
    assert!(returns >= 1, "a return was requested");

    // Carts still being filled, left behind, and become orders.
    for status in [
        CartStatus::Active,
        CartStatus::Abandoned,
        CartStatus::Converted,
    ] {
        let filter = CartFilter {
            status: Some(status),
            ..CartFilter::default()
        };
        let carts = demo.app().list_carts(&admin, &filter).await.unwrap();
        assert!(!carts.items.is_empty(), "no {status:?} cart");
    }

    // Conversations show every kind of commerce card, and their links are tracked.
    let messages = demo.messages().await;
    let kinds: HashSet<&str> = messages.iter().map(|m| m.content.kind()).collect();
    for kind in [
        "text",
        "product",
        "products",
        "carousel",
        "cart",
        "order",
        "payment_request",
    ] {
        assert!(kinds.contains(kind), "no {kind} message: {kinds:?}");
    }
    let contents =
        serde_json::to_string(&messages.iter().map(|m| &m.content).collect::<Vec<_>>()).unwrap();
    assert!(contents.contains(&format!("{base}/r/")), "tracked links");

    // A second start finds the demo already there.
    let again = demo::seed(demo.app(), demo.dir.path()).await.unwrap();
    assert_eq!(again.api_key, demo.credentials.api_key);
    assert_eq!(demo.products().await.len(), products.len());

    demo.server.shutdown().await.unwrap();
}
