//! `shoptalk`: one binary for the whole platform. See `shoptalk --help`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use shoptalk::config::{Config, FlagOverrides, default_toml};
use shoptalk::{demo, logging, server};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "shoptalk",
    version,
    about = "Conversational commerce in one binary"
)]
struct Cli {
    /// TOML config file (see `shoptalk config default`).
    #[arg(long, global = true, env = "SHOPTALK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Default)]
struct Place {
    /// Data directory (database and media).
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        place: Place,
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        listen: Option<SocketAddr>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        place: Place,
    },
    /// Run a server with a demo shop, printing URLs and credentials.
    Demo {
        /// Data directory of the demo (kept between runs).
        #[arg(long, default_value = "shoptalk-demo")]
        data_dir: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Manage workspaces.
    Workspace {
        #[command(subcommand)]
        command: WorkspaceCommand,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum WorkspaceCommand {
    /// Create a workspace with its owner; prints JSON with workspace_id, api_key, widget_key.
    Create {
        #[command(flatten)]
        place: Place,
        #[arg(long)]
        name: String,
        #[arg(long)]
        owner_email: String,
        /// The owner's password; generated and printed when absent.
        #[arg(long, env = "SHOPTALK_OWNER_PASSWORD")]
        owner_password: Option<String>,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented config file holding every default.
    Default,
}

fn load(
    cli_config: Option<&PathBuf>,
    data_dir: Option<PathBuf>,
    listen: Option<SocketAddr>,
) -> anyhow::Result<Config> {
    Config::load(
        cli_config.map(|p| p.as_path()),
        &FlagOverrides { data_dir, listen },
    )
    .context("invalid configuration")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Config {
            command: ConfigCommand::Default,
        } => {
            print!("{}", default_toml());
            Ok(())
        }
        Command::Migrate { place } => {
            let config = load(cli.config.as_ref(), place.data_dir, None)?;
            logging::init(&config.log);
            server::open_store(&config).await?;
            eprintln!(
                "database at {} is up to date",
                config.database_path().display()
            );
            Ok(())
        }
        Command::Workspace {
            command:
                WorkspaceCommand::Create {
                    place,
                    name,
                    owner_email,
                    owner_password,
                },
        } => {
            let config = load(cli.config.as_ref(), place.data_dir, None)?;
            logging::init(&config.log);
            let (app, _committer) = server::offline_app(&config).await?;
            let created = app
                .create_workspace(&name, &owner_email, owner_password.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", serde_json::to_string_pretty(&created)?);
            Ok(())
        }
        Command::Serve { place, listen } => {
            let config = load(cli.config.as_ref(), place.data_dir, listen)?;
            logging::init(&config.log);
            let listener = bind(&config).await?;
            run(config, listener, None).await
        }
        Command::Demo { data_dir, listen } => {
            let mut config = load(cli.config.as_ref(), Some(data_dir), Some(listen))?;
            logging::init(&config.log);
            // The seed writes absolute links (product pictures, tracked links, pay links), so
            // it needs the address actually bound, which differs from `listen` for port 0.
            let listener = bind(&config).await?;
            let bound = listener.local_addr()?;
            config.public_url = Some(config.public_url(bound));
            let credentials = {
                let (app, _committer) = server::offline_app(&config).await?;
                demo::seed(&app, &config.data_dir).await?
            };
            // The demo storefront page (/demo) embeds the demo shop's widget.
            config.http.demo_widget_key = Some(credentials.widget_key.clone());
            run(config, listener, Some(credentials)).await
        }
    }
}

async fn bind(config: &Config) -> anyhow::Result<tokio::net::TcpListener> {
    server::raise_open_file_limit();
    tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))
}

async fn run(
    config: Config,
    listener: tokio::net::TcpListener,
    demo: Option<demo::DemoCredentials>,
) -> anyhow::Result<()> {
    let running = server::start(&config, listener).await?;
    if let Some(demo) = demo {
        demo.print(running.addr);
    }
    running.run_until(server::termination_signal()).await
}
