//! `shoptalk demo`: a demo shop with staff, a catalog of more than fifty products (pictures
//! drawn by the server itself), customers, carts and orders in every state, and
//! conversations that show every kind of message, so a newcomer sees the product working in
//! a minute. Seeded once per data dir; the credentials are kept in `demo.json` there because
//! API keys are shown only once.

mod cards;
mod catalog;
mod script;
mod stories;

use anyhow::Context;
use script::Cast;
use serde::{Deserialize, Serialize};
use shoptalk_core::App;
use shoptalk_core::service::Actor;
use shoptalk_types::WorkspaceId;
use shoptalk_types::commerce::ShopSettingsPatch;
use shoptalk_types::model::*;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

const OWNER_EMAIL: &str = "owner@demo.shoptalk.test";
const OWNER_PASSWORD: &str = "demo-owner-password";
const AGENT_EMAIL: &str = "agent@demo.shoptalk.test";
const AGENT_PASSWORD: &str = "demo-agent-password";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoCredentials {
    pub workspace_id: WorkspaceId,
    pub api_key: String,
    pub widget_key: String,
    pub owner_email: String,
    pub owner_password: String,
    pub agent_email: String,
    pub agent_password: String,
}

impl DemoCredentials {
    pub fn print(&self, addr: SocketAddr) {
        let base = format!("http://{addr}");
        println!(
            r#"
Shoptalk demo is running.

  Agent app     {base}/app     (log in as the agent below)
  Demo shop     {base}/demo    (chat as a customer, in another tab)
  API docs      {base}/api/docs
  OpenAPI       {base}/api/openapi.json
  WebSocket     ws://{addr}/api/v1/ws?token=<token>
  Health        {base}/healthz · {base}/readyz · {base}/metrics

  Owner login   {owner} / {owner_pw}
  Agent login   {agent} / {agent_pw}
  Admin API key {api_key}
  Widget key    {widget_key}

Try it:
  curl -s -H 'Authorization: Bearer {api_key}' {base}/api/v1/conversations | head -c 600
  curl -s -X POST {base}/api/v1/auth/login -H 'content-type: application/json' \
       -d '{{"email":"{agent}","password":"{agent_pw}"}}'
"#,
            owner = self.owner_email,
            owner_pw = self.owner_password,
            agent = self.agent_email,
            agent_pw = self.agent_password,
            api_key = self.api_key,
            widget_key = self.widget_key,
        );
    }
}

/// Seeds the demo shop unless `data_dir` already holds one; returns its credentials.
pub async fn seed(app: &App, data_dir: &Path) -> anyhow::Result<DemoCredentials> {
    let path = data_dir.join("demo.json");
    if let Ok(existing) = std::fs::read(&path) {
        return serde_json::from_slice(&existing)
            .context("demo.json is damaged; delete the demo data dir");
    }
    let created = app
        .create_workspace("Demo Shop", OWNER_EMAIL, Some(OWNER_PASSWORD))
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin = app
        .authenticate(&created.api_key, None)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    seed_shop(app, &admin)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo failed: {e}"))?;
    let credentials = DemoCredentials {
        workspace_id: created.workspace_id,
        api_key: created.api_key,
        widget_key: created.widget_key,
        owner_email: OWNER_EMAIL.into(),
        owner_password: OWNER_PASSWORD.into(),
        agent_email: AGENT_EMAIL.into(),
        agent_password: AGENT_PASSWORD.into(),
    };
    std::fs::write(&path, serde_json::to_vec_pretty(&credentials)?)?;
    Ok(credentials)
}

async fn seed_shop(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<()> {
    seed_shop_settings(app, admin).await?;
    seed_widget_settings(app, admin).await?;
    seed_canned_responses(app, admin).await?;
    let agent = app
        .create_agent(
            admin,
            &NewAgent {
                email: AGENT_EMAIL.into(),
                name: "Alex (support)".into(),
                role: Role::Agent,
                password: AGENT_PASSWORD.into(),
            },
        )
        .await?;
    let cast = Cast {
        shop: *admin,
        agent: Actor::Agent {
            workspace_id: admin.workspace_id(),
            agent_id: agent.id,
            role: agent.role,
        },
        agent_id: agent.id,
    };
    let catalog = seed_catalog(app, admin).await?;
    for (n, story) in stories::stories(&catalog).into_iter().enumerate() {
        script::play(app, &cast, n, story).await?;
    }
    Ok(())
}

/// The products of the demo shop by slug (their `external_id`).
pub type Catalog = BTreeMap<&'static str, Product>;

async fn seed_catalog(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<Catalog> {
    let mut catalog = Catalog::new();
    for product in catalog::products(&app.public_url) {
        let created = app.create_product(admin, &product.new).await?;
        catalog.insert(product.slug, created);
    }
    Ok(catalog)
}

/// The demo shop sells in euros.
async fn seed_shop_settings(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<()> {
    let settings = ShopSettingsPatch {
        currency: Some(catalog::CURRENCY.into()),
        locale: Some("en-IE".into()),
        ..ShopSettingsPatch::default()
    };
    app.update_shop_settings(admin, &settings).await?;
    Ok(())
}

/// The widget greets visitors and says what to expect when nobody is there.
async fn seed_widget_settings(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<()> {
    let widget = WidgetSettings {
        greeting: Some("Hi! Ask us anything about sizes, stock, your order or returns.".into()),
        away_message: Some(
            "We're away right now; leave a message and we'll reply by email.".into(),
        ),
        ..WidgetSettings::default()
    };
    app.update_workspace(
        admin,
        &WorkspacePatch {
            widget: Some(widget),
            ..WorkspacePatch::default()
        },
    )
    .await?;
    Ok(())
}

/// A few answers agents type often, reachable with `/shortcut` in the composer.
async fn seed_canned_responses(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<()> {
    let answers = [
        (
            "hello",
            "Greeting",
            "Hi {{contact.first_name}}, I'm {{agent.name}} from {{workspace.name}}. How can I help?",
        ),
        (
            "sizes",
            "Size guide",
            "Our items run true to size. If you're between two sizes, pick the larger one; exchanges are free.",
        ),
        (
            "returns",
            "Returns",
            "You can return anything within 30 days. Reply with your order number and I'll start the return for you.",
        ),
        (
            "shipping",
            "Shipping times",
            "Orders ship within one working day; delivery takes 2–4 working days in the EU.",
        ),
    ];
    for (shortcut, title, text) in answers {
        app.create_canned_response(
            admin,
            &NewCannedResponse {
                shortcut: shortcut.into(),
                title: title.into(),
                text: text.into(),
            },
        )
        .await?;
    }
    Ok(())
}
