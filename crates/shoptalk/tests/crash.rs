//! kill -9 during a burst of sends loses no acknowledged message, duplicates none, and leaves
//! no gap in any conversation's seq. Runs the real binary.

use serde_json::{Value, json};
use shoptalk_testkit::{BinaryServer, run_cli};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_shoptalk");
const CONVERSATIONS: usize = 8;

async fn post(
    http: &reqwest::Client,
    url: String,
    token: &str,
    body: Value,
) -> Option<(u16, Value)> {
    let res = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .ok()?;
    let status = res.status().as_u16();
    Some((status, res.json().await.ok()?))
}

/// Every message of a conversation, oldest first.
async fn all_messages(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    conversation: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let url = format!(
            "{base}/api/v1/conversations/{conversation}/messages?after_seq={after}&limit=200"
        );
        let page: Value = http
            .get(url)
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = page["items"].as_array().unwrap().clone();
        if items.is_empty() {
            return out;
        }
        after = items.last().unwrap()["seq"].as_i64().unwrap();
        out.extend(items);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_a_burst_loses_no_acknowledged_message() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let created: Value = serde_json::from_str(&run_cli(
        Path::new(BINARY),
        &[
            "workspace",
            "create",
            "--data-dir",
            data_dir,
            "--name",
            "Crash",
            "--owner-email",
            "o@crash.example",
        ],
    ))
    .unwrap();
    let key = created["api_key"].as_str().unwrap().to_string();

    let server = BinaryServer::start(Path::new(BINARY), dir.path()).await;
    let base = server.base_url();
    let http = reqwest::Client::new();
    let mut conversations = Vec::new();
    for i in 0..CONVERSATIONS {
        let (_, contact) = post(
            &http,
            format!("{base}/api/v1/contacts"),
            &key,
            json!({"external_id": format!("c{i}")}),
        )
        .await
        .unwrap();
        let (status, conv) = post(
            &http,
            format!("{base}/api/v1/conversations"),
            &key,
            json!({"contact_id": contact["id"]}),
        )
        .await
        .unwrap();
        assert_eq!(status, 201, "{conv}");
        conversations.push(conv["id"].as_str().unwrap().to_string());
    }

    // Senders run flat out; each records the client_msg_ids the server acknowledged.
    let acked: Arc<Mutex<BTreeMap<String, HashSet<String>>>> = Arc::default();
    let mut senders = Vec::new();
    for conversation in conversations.clone() {
        let (http, base, key, acked) = (http.clone(), base.clone(), key.clone(), acked.clone());
        senders.push(tokio::spawn(async move {
            for n in 0.. {
                let id = format!("m{n}");
                let url = format!("{base}/api/v1/conversations/{conversation}/messages");
                let body = json!({"client_msg_id": id, "content": {"type": "text", "text": format!("burst {n}")}});
                match post(&http, url, &key, body).await {
                    Some((201, _)) => {
                        acked.lock().unwrap().entry(conversation.clone()).or_default().insert(id);
                    }
                    _ => return n,
                }
            }
            unreachable!()
        }));
    }
    // Let the burst build up, then pull the plug mid-flight.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill9();
    let attempted: Vec<i32> = futures_util::future::join_all(senders)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();

    let server = BinaryServer::start(Path::new(BINARY), dir.path()).await;
    let base = server.base_url();
    let acked = acked.lock().unwrap().clone();
    let total_acked: usize = acked.values().map(HashSet::len).sum();
    assert!(
        total_acked > 50,
        "the burst was too small to test anything: {total_acked}"
    );

    for (i, conversation) in conversations.iter().enumerate() {
        let messages = all_messages(&http, &base, &key, conversation).await;
        let seqs: Vec<i64> = messages
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = (1..=messages.len() as i64).collect();
        assert_eq!(seqs, expected, "seq has a gap or is out of order");
        let ids: Vec<&str> = messages
            .iter()
            .map(|m| m["client_msg_id"].as_str().unwrap())
            .collect();
        let unique: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "a message was stored twice");
        for id in acked.get(conversation).into_iter().flatten() {
            assert!(unique.contains(id.as_str()), "acknowledged {id} is lost");
        }
        // Retrying the send that was in flight at the crash creates it at most once.
        let retry = format!("m{}", attempted[i]);
        let url = format!("{base}/api/v1/conversations/{conversation}/messages");
        let body = json!({"client_msg_id": retry, "content": {"type": "text", "text": "retry"}});
        let (first, _) = post(&http, url.clone(), &key, body.clone()).await.unwrap();
        let (second, _) = post(&http, url, &key, body).await.unwrap();
        assert!(first == 201 || first == 200, "retry status {first}");
        assert_eq!(second, 200, "a second retry must return the original");
        let after = all_messages(&http, &base, &key, conversation).await;
        let copies = after
            .iter()
            .filter(|m| m["client_msg_id"] == retry.as_str())
            .count();
        assert_eq!(copies, 1);
    }
    assert_eq!(server.terminate().code(), Some(0), "SIGTERM exits cleanly");
}
