//! The public CLI contract: `workspace create` JSON, `config default`, `migrate`.

use serde_json::Value;
use shoptalk_testkit::{BinaryServer, run_cli};
use std::path::Path;

const BINARY: &str = env!("CARGO_BIN_EXE_shoptalk");

#[test]
fn workspace_create_prints_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_cli(
        Path::new(BINARY),
        &[
            "workspace",
            "create",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--name",
            "Shop",
            "--owner-email",
            "o@shop.example",
        ],
    );
    let created: Value = serde_json::from_str(&out).expect("one JSON object");
    for key in ["workspace_id", "api_key", "widget_key"] {
        assert!(
            created[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key} missing in {out}"
        );
    }
    assert!(created["api_key"].as_str().unwrap().starts_with("stk_"));
    // A password was generated and shown once.
    assert!(
        created["owner_password"]
            .as_str()
            .is_some_and(|p| p.len() >= 10)
    );
}

#[tokio::test]
async fn workspace_create_works_while_a_server_runs_on_the_same_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let server = BinaryServer::start(Path::new(BINARY), dir.path()).await;
    let out = run_cli(
        Path::new(BINARY),
        &[
            "workspace",
            "create",
            "--data-dir",
            dir.path().to_str().unwrap(),
            "--name",
            "Live",
            "--owner-email",
            "o@live.example",
        ],
    );
    let created: Value = serde_json::from_str(&out).unwrap();
    // The running server sees the new workspace at once.
    let res = reqwest::Client::new()
        .get(format!("{}/api/v1/workspace", server.base_url()))
        .bearer_auth(created["api_key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let workspace: Value = res.json().await.unwrap();
    assert_eq!(workspace["name"], "Live");
}

#[test]
fn config_default_is_valid_toml_for_serve() {
    let out = run_cli(Path::new(BINARY), &["config", "default"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shoptalk.toml");
    std::fs::write(&file, &out).unwrap();
    // `migrate` loads the file (unknown keys would be refused) and creates the database.
    let data = dir.path().join("data");
    run_cli(
        Path::new(BINARY),
        &[
            "--config",
            file.to_str().unwrap(),
            "migrate",
            "--data-dir",
            data.to_str().unwrap(),
        ],
    );
    assert!(data.join("shoptalk.db").exists());
}

#[test]
fn unknown_config_keys_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, "[http]\nlogin_per_minut = 3\n").unwrap();
    let out = std::process::Command::new(BINARY)
        .args(["--config", file.to_str().unwrap(), "migrate", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("login_per_minut"));
}
