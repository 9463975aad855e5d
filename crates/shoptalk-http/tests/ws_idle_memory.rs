//! What an idle session costs the server: heap bytes held per open, idle widget socket.
//!
//! The server runs in this process under a counting allocator; the clients run on a thread of
//! their own whose allocations are not counted, so only server-side memory is. Kernel socket
//! buffers are not user-space memory and are not counted either.

mod ws_common;

use futures_util::StreamExt;
use futures_util::future::join_all;
use shoptalk_core::service::WidgetSessionRequest;
use shoptalk_types::model::NewWidgetSession;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;
use ws_common::*;

/// Bytes in use, counting each allocation's typical malloc overhead (16 bytes).
static IN_USE: AtomicIsize = AtomicIsize::new(0);
const MALLOC_OVERHEAD: isize = 16;

thread_local! {
    /// Set on the clients' thread: what the clients allocate is not the server's cost.
    static UNCOUNTED: Cell<bool> = const { Cell::new(false) };
}

fn counted() -> bool {
    !UNCOUNTED.try_with(Cell::get).unwrap_or(false)
}

fn count(bytes: isize) {
    if counted() {
        IN_USE.fetch_add(bytes, Ordering::Relaxed);
    }
}

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize + MALLOC_OVERHEAD);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize + MALLOC_OVERHEAD));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SESSIONS: usize = 2_000;
/// The budget per idle session (the product's target: 8 KB each at 19,000 sessions).
const BUDGET_BYTES: isize = 8 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_costs_little_server_memory() {
    // The defaults: 4 KiB read buffer (allocated up front by the WebSocket layer), 4 KiB write
    // buffer target (allocated on demand).
    let server = TestServer::start().await;
    let shop = server.shop("Idle").await;
    let tokens: Vec<String> = join_all((0..SESSIONS).map(|_| async {
        server
            .app
            .open_widget_session(WidgetSessionRequest {
                body: &NewWidgetSession {
                    widget_key: shop.widget_key.clone(),
                    visitor_token: None,
                    identity_token: None,
                },
                origin: None,
            })
            .await
            .unwrap()
            .token
    }))
    .await;
    // Warm up: one socket open and closed, so lazily built shared state is not counted.
    server.connect(&tokens[0]).await.close().await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let before = IN_USE.load(Ordering::Relaxed);
    let (ready, is_ready) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let clients = std::thread::spawn({
        let url = server.ws_url("");
        move || idle_clients(url, tokens, ready, stopped)
    });
    let opened =
        tokio::task::spawn_blocking(move || is_ready.recv_timeout(Duration::from_secs(120)));
    assert!(
        opened.await.unwrap().is_ok(),
        "the clients did not open their sockets"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(server.hub.connection_count(), SESSIONS);
    let after = IN_USE.load(Ordering::Relaxed);
    let _ = stop.send(());
    clients.join().unwrap();

    let per_session = (after - before) / SESSIONS as isize;
    eprintln!("{SESSIONS} idle sessions: {per_session} heap bytes each");
    assert!(
        per_session <= BUDGET_BYTES,
        "an idle session holds {per_session} bytes of server heap (budget {BUDGET_BYTES})"
    );
}

/// The clients: one idle socket per token, on a thread whose allocations are not counted.
/// Signals `ready` once every socket got `hello`, then holds them until `stop`.
fn idle_clients(
    url: String,
    tokens: Vec<String>,
    ready: std::sync::mpsc::Sender<()>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    UNCOUNTED.with(|u| u.set(true));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let mut sockets = Vec::with_capacity(tokens.len());
        for chunk in tokens.chunks(100) {
            let opened = join_all(chunk.iter().map(|token| {
                let url = format!("{url}token={token}");
                async move {
                    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
                    ws.next().await.unwrap().unwrap(); // hello
                    ws
                }
            }))
            .await;
            sockets.extend(opened);
        }
        ready.send(()).unwrap();
        let _ = stop.await;
    });
}
