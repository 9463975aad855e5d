//! The real `shoptalk` binary as a child process, for crash and CLI tests.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct BinaryServer {
    child: Child,
    pub addr: SocketAddr,
}

impl BinaryServer {
    /// Starts `shoptalk serve` on `data_dir` and waits until `/readyz` answers 200.
    pub async fn start(binary: &Path, data_dir: &Path) -> Self {
        let addr = free_port();
        let child = Command::new(binary)
            .args(["serve", "--data-dir"])
            .arg(data_dir)
            .args(["--listen", &addr.to_string()])
            .env("SHOPTALK_HTTP__LOGIN_PER_MINUTE", "10000")
            .env("SHOPTALK_HTTP__WIDGET_SESSIONS_PER_MINUTE", "10000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn shoptalk");
        let server = Self { child, addr };
        server.wait_ready().await;
        server
    }

    async fn wait_ready(&self) {
        let url = format!("http://{}/readyz", self.addr);
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(res) = reqwest::get(&url).await
                && res.status().is_success()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("shoptalk did not become ready at {url}");
    }

    /// SIGKILL: no chance to flush or shut down.
    pub fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, then wait for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().expect("wait")
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for BinaryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// Runs the binary with `args` and returns its stdout; panics on failure.
pub fn run_cli(binary: &Path, args: &[&str]) -> String {
    let out = Command::new(binary)
        .args(args)
        .output()
        .expect("run shoptalk");
    assert!(
        out.status.success(),
        "shoptalk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}
