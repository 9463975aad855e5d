//! `shoptalk demo`: a demo shop with staff, customers and conversations in every state, so
//! a newcomer sees the product working in a minute. Seeded once per data dir; the
//! credentials are kept in `demo.json` there because API keys are shown only once.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::json;
use shoptalk_core::App;
use shoptalk_core::service::Actor;
use shoptalk_types::model::*;
use shoptalk_types::{Content, WorkspaceId};
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

/// One demo customer and the conversation they have had so far.
struct Story {
    contact: NewContact,
    status: ConversationStatus,
    /// `true` = the customer speaks, `false` = the agent.
    lines: Vec<(bool, Content)>,
    labels: &'static [&'static str],
}

fn content(value: serde_json::Value) -> Content {
    serde_json::from_value(value).expect("demo content matches the content model")
}

fn contact(external_id: &str, name: &str, email: &str, locale: &str, tz: &str) -> NewContact {
    NewContact {
        external_id: Some(external_id.into()),
        name: Some(name.into()),
        email: Some(email.into()),
        locale: Some(locale.into()),
        timezone: Some(tz.into()),
        ..NewContact::default()
    }
}

fn stories() -> Vec<Story> {
    vec![
        Story {
            contact: contact(
                "cust-1001",
                "Amélie Durand",
                "amelie@example.com",
                "fr-FR",
                "Europe/Paris",
            ),
            status: ConversationStatus::Open,
            labels: &["sizing"],
            lines: vec![
                (
                    true,
                    Content::text("Bonjour ! Do the linen shirts run small? I'm usually an M."),
                ),
                (
                    false,
                    content(json!({
                        "type": "text",
                        "text": "They run true to size. Which colour would you like?",
                        "quick_replies": [
                            {"type": "reply", "text": "Sand", "payload": "colour:sand"},
                            {"type": "reply", "text": "Navy", "payload": "colour:navy"}
                        ]
                    })),
                ),
                (true, Content::text("Navy please")),
                (
                    false,
                    content(json!({
                        "type": "product",
                        "product_id": "linen-shirt",
                        "variant_id": "linen-shirt-navy-m",
                        "title": "Linen shirt — Navy, M",
                        "price": {"amount_minor": 5900, "currency": "EUR"},
                        "url": "https://demo.shoptalk.test/products/linen-shirt",
                        "actions": [
                            {"type": "add_to_cart", "text": "Add to cart", "product_id": "linen-shirt", "variant_id": "linen-shirt-navy-m", "quantity": 1}
                        ]
                    })),
                ),
            ],
        },
        Story {
            contact: contact(
                "cust-1002",
                "Jonas Weber",
                "jonas@example.com",
                "de-DE",
                "Europe/Berlin",
            ),
            status: ConversationStatus::Pending,
            labels: &["order-status"],
            lines: vec![
                (true, Content::text("Where is my order #1042?")),
                (
                    false,
                    content(json!({
                        "type": "order",
                        "order_id": "order-1042",
                        "number": "1042",
                        "status": "shipped",
                        "total": {"amount_minor": 12900, "currency": "EUR"},
                        "carrier": "DHL",
                        "tracking_number": "JD014600006281230000",
                        "tracking_url": "https://demo.shoptalk.test/track/JD014600006281230000"
                    })),
                ),
            ],
        },
        Story {
            contact: contact(
                "cust-1003",
                "Lucía García",
                "lucia@example.com",
                "es-ES",
                "Europe/Madrid",
            ),
            status: ConversationStatus::Open,
            labels: &["personal-shopper"],
            lines: vec![
                (
                    true,
                    Content::text("¿Me recomiendan algo para una boda en la playa?"),
                ),
                (
                    false,
                    content(json!({
                        "type": "carousel",
                        "cards": [
                            {"title": "Linen suit", "description": "Breathable, sand colour", "actions": [
                                {"type": "link", "text": "View", "url": "https://demo.shoptalk.test/products/linen-suit"}]},
                            {"title": "Espadrilles", "description": "Hand-stitched jute sole", "actions": [
                                {"type": "link", "text": "View", "url": "https://demo.shoptalk.test/products/espadrilles"}]},
                            {"title": "Straw hat", "description": "Wide brim", "actions": [
                                {"type": "postback", "text": "More like this", "payload": "similar:straw-hat"}]}
                        ]
                    })),
                ),
            ],
        },
        Story {
            contact: contact(
                "cust-1004",
                "Sam Lee",
                "sam@example.com",
                "en-GB",
                "Europe/London",
            ),
            status: ConversationStatus::Resolved,
            labels: &["returns"],
            lines: vec![
                (
                    true,
                    Content::text("I'd like to return the wool scarf, it's itchy."),
                ),
                (
                    false,
                    Content::text(
                        "Sorry to hear that! I've started the return; you'll get a label by email.",
                    ),
                ),
                (true, Content::text("Thanks, got it 👍")),
            ],
        },
        Story {
            contact: contact(
                "cust-1005",
                "Yuki Tanaka",
                "yuki@example.com",
                "ja-JP",
                "Asia/Tokyo",
            ),
            status: ConversationStatus::Open,
            labels: &[],
            lines: vec![(
                true,
                Content::text("<b>Is this bold?</b> Markup in messages is shown as text."),
            )],
        },
    ]
}

async fn seed_shop(app: &App, admin: &Actor) -> shoptalk_core::DomainResult<()> {
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
    let agent_actor = Actor::Agent {
        workspace_id: admin.workspace_id(),
        agent_id: agent.id,
        role: agent.role,
    };
    for (i, story) in stories().into_iter().enumerate() {
        let (customer, _) = app.upsert_contact(admin, &story.contact).await?;
        let customer_actor = Actor::Contact {
            workspace_id: admin.workspace_id(),
            contact_id: customer.id,
        };
        let conversation = app
            .create_conversation(
                admin,
                &NewConversation {
                    contact_id: customer.id,
                    channel: None,
                },
            )
            .await?;
        for (n, (from_customer, content)) in story.lines.into_iter().enumerate() {
            let sender = if from_customer {
                &customer_actor
            } else {
                &agent_actor
            };
            let send = SendMessage {
                client_msg_id: Some(format!("demo-{i}-{n}")),
                content,
                private: false,
            };
            app.send_message(sender, conversation.id, &send).await?;
        }
        if i == 0 {
            let note = SendMessage {
                client_msg_id: Some(format!("demo-{i}-note")),
                content: Content::text("VIP customer: offer free shipping if she hesitates."),
                private: true,
            };
            app.send_message(&agent_actor, conversation.id, &note)
                .await?;
        }
        let patch = ConversationPatch {
            status: Some(story.status),
            assignee_id: (i % 2 == 0).then_some(Some(agent.id)),
            labels: Some(story.labels.iter().map(|l| l.to_string()).collect()),
            ..ConversationPatch::default()
        };
        app.update_conversation(admin, conversation.id, &patch)
            .await?;
    }
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
