//! One socket's task: `hello`, then a single `select!` loop over the client's frames, the
//! hub's queue, the in-flight use cases, the heartbeat and the hub's close requests.
//!
//! Sends are processed concurrently (group commit needs many writes in flight) and bounded per
//! socket ([`MAX_IN_FLIGHT`]); when the bound is reached the socket is not read until a
//! send completes, which pushes back on the client through TCP.

use super::hub::{CloseReason, Conn, Next, Outgoing};
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, close_code};
use futures_util::stream::FuturesUnordered;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use shoptalk_core::service::{Actor, LogPosition, Sent};
use shoptalk_core::{DomainError, DomainResult};
use shoptalk_types::frames::{ClientFrame, FrameError, ServerFrame};
use shoptalk_types::ids::ConversationId;
use shoptalk_types::model::{
    ErrorDetail, Message as ChatMessage, Page, ReceiptRequest, SendMessage,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::time::{Instant, MissedTickBehavior};

/// Use cases (sends, receipts, typing, replay pages) running at once for one socket.
pub const MAX_IN_FLIGHT: usize = 64;
/// Messages per page of a `resume` replay.
pub const RESUME_PAGE: u32 = 500;
/// Heartbeat intervals of client silence after which the socket is dropped.
const SILENT_INTERVALS: u32 = 3;
/// Longest a write may wait for the client to make room before the socket is dropped.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Time given to the closing handshake.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);
/// Close code of a socket whose client reads too slowly.
pub const CLOSE_LAGGING: u16 = 4008;
/// Reconnect delay suggested to a socket that opens while the server shuts down.
const REFUSED_RETRY_AFTER_MS: u64 = 1_000;

type Task<'a> = Pin<Box<dyn Future<Output = Done> + Send + 'a>>;

/// The use cases in flight, allocated on the first one (an idle socket may never send).
struct Tasks<'a>(Option<FuturesUnordered<Task<'a>>>);

impl<'a> Tasks<'a> {
    fn push(&mut self, task: Task<'a>) {
        self.0.get_or_insert_with(FuturesUnordered::new).push(task);
    }

    fn len(&self) -> usize {
        self.0.as_ref().map_or(0, FuturesUnordered::len)
    }

    /// The next to finish (poll only while `len() > 0`).
    fn next(&mut self) -> impl Future<Output = Done> + '_ {
        std::future::poll_fn(
            move |cx| match self.0.as_mut().map(|t| t.poll_next_unpin(cx)) {
                Some(Poll::Ready(Some(done))) => Poll::Ready(done),
                _ => Poll::Pending,
            },
        )
    }
}

/// A use case that finished. Transient (one per completion, moved straight into a frame), so
/// the size of the `Sent` variant costs nothing worth an extra allocation.
#[allow(clippy::large_enum_variant)]
enum Done {
    Sent {
        client_msg_id: String,
        result: DomainResult<Sent>,
    },
    Page {
        conversation_id: ConversationId,
        from: i64,
        result: DomainResult<Page<ChatMessage>>,
    },
    /// `receipt` or `typing`: only a failure is answered.
    Acted {
        frame: &'static str,
        result: DomainResult<()>,
    },
}

/// Why the loop ended.
enum Stop {
    /// The client closed, or the connection is gone: nothing more to say.
    Gone,
    /// We close with this code and reason, after sending `reconnect` if a delay is given.
    Close {
        code: u16,
        reason: &'static str,
        reconnect_after_ms: Option<u64>,
    },
}

impl Stop {
    fn from_hub(reason: CloseReason) -> Self {
        match reason {
            CloseReason::Lagging => Stop::Close {
                code: CLOSE_LAGGING,
                reason: "lagging: reconnect and resume",
                reconnect_after_ms: None,
            },
            CloseReason::Shutdown { retry_after_ms } => Stop::Close {
                code: close_code::AWAY,
                reason: "server shutting down: reconnect and resume",
                reconnect_after_ms: Some(retry_after_ms),
            },
        }
    }
}

/// A replay in progress for one conversation.
struct Resume {
    conversation_id: ConversationId,
    /// Newest seq the replay has sent (the requested `after_seq` before any).
    sent: i64,
    /// Newest seq of a live push of this conversation held back during the replay: the replay
    /// goes on until it has sent it.
    live: i64,
    /// `resume` frames this replay answers (a second one for the same conversation joins it).
    requests: u32,
    /// A later `resume` asked to start before `sent`: the next page starts there.
    restart: Option<i64>,
    /// Pages in a row that brought nothing while a held-back push was still unsent.
    stalled: u8,
}

/// Runs one upgraded socket until it closes.
///
/// Built outside the `async` block so that the socket's state is stored once in the task
/// (an idle socket costs its task's size plus its buffers).
pub(crate) fn run(
    socket: WebSocket,
    state: AppState,
    actor: Actor,
) -> impl Future<Output = ()> + Send + 'static {
    let registration = state.hub.register(&actor, &state.app.presence);
    let conn = match &registration {
        Some(registration) => registration.conn().clone(),
        // The server began shutting down between the upgrade and now.
        None => Arc::new(Conn::new(&actor, 1)),
    };
    let heartbeat = Duration::from_secs(state.config.ws_heartbeat_secs.max(1));
    let mut session = Session::new(socket, actor, conn, heartbeat);
    async move {
        let stop = match registration {
            Some(registration) => {
                let stop = session.serve(&state).await;
                // Leave the hub before the closing handshake: nothing more is queued for us.
                drop(registration);
                stop
            }
            None => Stop::from_hub(CloseReason::Shutdown {
                retry_after_ms: REFUSED_RETRY_AFTER_MS,
            }),
        };
        Box::pin(close(&mut session.socket, stop)).await;
    }
}

struct Session {
    socket: WebSocket,
    actor: Actor,
    conn: Arc<Conn>,
    heartbeat: Duration,
    last_heard: Instant,
    /// Usually empty: allocated only while replays run.
    resumes: Vec<Resume>,
    /// Frames written since the last flush, for the metric.
    unflushed: u64,
}

impl Session {
    fn new(socket: WebSocket, actor: Actor, conn: Arc<Conn>, heartbeat: Duration) -> Self {
        Self {
            socket,
            actor,
            conn,
            heartbeat,
            last_heard: Instant::now(),
            resumes: Vec::new(),
            unflushed: 0,
        }
    }

    async fn serve(&mut self, state: &AppState) -> Stop {
        if let Err(stop) = Box::pin(self.hello()).await {
            return stop;
        }
        let mut tasks = Tasks(None);
        let mut ticker = tokio::time::interval_at(Instant::now() + self.heartbeat, self.heartbeat);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let has_work = self.conn.has_work();
            let may_read = tasks.len() < MAX_IN_FLIGHT;
            // The handlers are boxed: an idle socket's task then only holds what this
            // `select!` waits on, not the state of the largest handler.
            let step = tokio::select! {
                incoming = self.socket.recv(), if may_read => {
                    self.last_heard = Instant::now();
                    match incoming {
                        Some(Ok(message)) => Box::pin(self.on_message(message, state, &mut tasks)).await,
                        Some(Err(e)) => Err(read_failed(e)),
                        None => Err(Stop::Gone),
                    }
                }
                done = tasks.next(), if tasks.len() > 0 => {
                    Box::pin(self.on_done(done, state, &mut tasks)).await
                }
                _ = std::future::ready(()), if has_work => Box::pin(self.drain_outbox()).await,
                _ = self.conn.wake.notified(), if !has_work => Ok(()),
                _ = ticker.tick() => Box::pin(self.on_tick()).await,
            };
            if let Err(stop) = step {
                return stop;
            }
        }
    }

    async fn hello(&mut self) -> Result<(), Stop> {
        let hello = ServerFrame::Hello {
            workspace_id: self.actor.workspace_id(),
            principal: self.actor.principal(),
            heartbeat_ms: self.heartbeat.as_millis() as u64,
        };
        self.send(&hello).await
    }

    // ------------------------------------------------------------------ client frames

    async fn on_message<'a>(
        &mut self,
        message: Message,
        state: &'a AppState,
        tasks: &mut Tasks<'a>,
    ) -> Result<(), Stop> {
        match message {
            Message::Text(text) => self.on_text(&text, state, tasks).await,
            Message::Binary(_) => {
                let error = detail(
                    "malformed_frame",
                    "binary frames are not supported: send JSON text frames",
                );
                self.send(&ServerFrame::Error { r#ref: None, error }).await
            }
            // Answered by the WebSocket layer; hearing it is all the heartbeat needs.
            Message::Ping(_) | Message::Pong(_) => Ok(()),
            Message::Close(_) => Err(Stop::Gone),
        }
    }

    async fn on_text<'a>(
        &mut self,
        text: &str,
        state: &'a AppState,
        tasks: &mut Tasks<'a>,
    ) -> Result<(), Stop> {
        let frame = match ClientFrame::decode(text) {
            Ok(frame) => frame,
            Err(e) => {
                let code = match e {
                    FrameError::TooLarge(_) => "frame_too_large",
                    FrameError::Malformed(_) => "malformed_frame",
                };
                let error = detail(code, e.to_string());
                let r#ref = guess_ref(text, &e);
                return self.send(&ServerFrame::Error { r#ref, error }).await;
            }
        };
        let app = &state.app;
        let actor = self.actor;
        match frame {
            ClientFrame::Send {
                conversation_id,
                client_msg_id,
                content,
                private,
            } => {
                let req = SendMessage {
                    client_msg_id: Some(client_msg_id),
                    content,
                    private,
                };
                // Queued here, in the order the client sent, so its messages keep that
                // order in the log; only the wait for the commit runs concurrently.
                let queued = app.begin_send(&actor, conversation_id, &req).await;
                let client_msg_id = req.client_msg_id.unwrap_or_default();
                tasks.push(Box::pin(async move {
                    let result = match queued {
                        Ok(ticket) => ticket.committed().await,
                        Err(e) => Err(e),
                    };
                    Done::Sent {
                        client_msg_id,
                        result,
                    }
                }));
                Ok(())
            }
            ClientFrame::Receipt {
                conversation_id,
                kind,
                seq,
            } => {
                tasks.push(Box::pin(async move {
                    let req = ReceiptRequest { kind, seq };
                    let result = app.receipt(&actor, conversation_id, &req).await;
                    Done::Acted {
                        frame: "receipt",
                        result,
                    }
                }));
                Ok(())
            }
            ClientFrame::Typing {
                conversation_id,
                typing,
            } => {
                tasks.push(Box::pin(async move {
                    let result = app.typing(&actor, conversation_id, typing).await;
                    Done::Acted {
                        frame: "typing",
                        result,
                    }
                }));
                Ok(())
            }
            ClientFrame::Resume {
                conversation_id,
                after_seq,
            } => {
                self.start_resume(conversation_id, after_seq, state, tasks)
                    .await
            }
            ClientFrame::Presence { status } => match app.presence(&actor, status) {
                Ok(()) => Ok(()),
                Err(e) => self.send_error("presence", e).await,
            },
            ClientFrame::Ping { nonce } => self.send(&ServerFrame::Pong { nonce }).await,
        }
    }

    // ------------------------------------------------------------------ resume

    async fn start_resume<'a>(
        &mut self,
        conversation_id: ConversationId,
        after_seq: i64,
        state: &'a AppState,
        tasks: &mut Tasks<'a>,
    ) -> Result<(), Stop> {
        if after_seq < 0 {
            let e = DomainError::invalid("after_seq", "must be zero or more");
            return self.send_error("resume", e).await;
        }
        if let Some(r) = self
            .resumes
            .iter_mut()
            .find(|r| r.conversation_id == conversation_id)
        {
            // Join the running replay; go back if this one starts earlier.
            r.requests += 1;
            if after_seq < r.sent {
                r.restart = Some(r.restart.map_or(after_seq, |s| s.min(after_seq)));
            }
            return Ok(());
        }
        self.resumes.push(Resume {
            conversation_id,
            sent: after_seq,
            live: after_seq,
            requests: 1,
            restart: None,
            stalled: 0,
        });
        tasks.push(fetch_page(state, self.actor, conversation_id, after_seq));
        Ok(())
    }

    async fn on_page<'a>(
        &mut self,
        conversation_id: ConversationId,
        from: i64,
        result: DomainResult<Page<ChatMessage>>,
        state: &'a AppState,
        tasks: &mut Tasks<'a>,
    ) -> Result<(), Stop> {
        let Some(index) = self
            .resumes
            .iter()
            .position(|r| r.conversation_id == conversation_id)
        else {
            return Ok(());
        };
        let page = match result {
            Ok(page) => page,
            Err(e) => {
                // Held-back pushes are not lost for good: the client retries the resume.
                self.resumes.swap_remove(index);
                return self.send_error("resume", e).await;
            }
        };
        let full = page.items.len() as u32 >= RESUME_PAGE;
        let reached = page.items.last().map_or(from, |m| m.seq);
        let brought = !page.items.is_empty();
        for message in page.items {
            self.feed(&ServerFrame::Message { message }).await?;
        }
        let r = &mut self.resumes[index];
        r.sent = r.sent.max(reached);
        r.stalled = if brought || r.live <= r.sent {
            0
        } else {
            r.stalled + 1
        };
        let next = if let Some(restart) = r.restart.take() {
            Some(restart)
        } else if full {
            Some(reached)
        } else if r.live > r.sent && r.stalled < 3 {
            // A push of this conversation arrived meanwhile; it is committed, so the next
            // page has it.
            Some(r.sent)
        } else {
            None
        };
        match next {
            Some(from) => {
                tasks.push(fetch_page(state, self.actor, conversation_id, from));
                self.flush().await
            }
            None => {
                let r = self.resumes.swap_remove(index);
                if r.live > r.sent {
                    // A held-back push never showed up in the log: rather than leave a gap,
                    // make the client reconnect and resume.
                    tracing::warn!(%conversation_id, live = r.live, sent = r.sent, "replay ended before a held-back push");
                    return Err(Stop::Close {
                        code: CLOSE_LAGGING,
                        reason: "lagging: reconnect and resume",
                        reconnect_after_ms: None,
                    });
                }
                if self.resumes.is_empty() {
                    self.resumes = Vec::new();
                }
                let resumed = ServerFrame::Resumed {
                    conversation_id,
                    last_seq: r.sent,
                };
                for _ in 0..r.requests {
                    self.feed(&resumed).await?;
                }
                self.flush().await
            }
        }
    }

    // ------------------------------------------------------------------ completions

    async fn on_done<'a>(
        &mut self,
        done: Done,
        state: &'a AppState,
        tasks: &mut Tasks<'a>,
    ) -> Result<(), Stop> {
        match done {
            Done::Sent {
                client_msg_id,
                result: Ok(sent),
            } => {
                let ack = ServerFrame::Ack {
                    client_msg_id,
                    message: sent.message,
                };
                self.send(&ack).await
            }
            Done::Sent {
                client_msg_id,
                result: Err(e),
            } => {
                let frame = ServerFrame::Error {
                    r#ref: Some(client_msg_id),
                    error: ApiError::from(e).body().error,
                };
                self.send(&frame).await
            }
            Done::Page {
                conversation_id,
                from,
                result,
            } => {
                self.on_page(conversation_id, from, result, state, tasks)
                    .await
            }
            Done::Acted { result: Ok(()), .. } => Ok(()),
            Done::Acted {
                frame,
                result: Err(e),
            } => self.send_error(frame, e).await,
        }
    }

    async fn on_tick(&mut self) -> Result<(), Stop> {
        if self.last_heard.elapsed() >= self.heartbeat * SILENT_INTERVALS {
            return Err(Stop::Close {
                code: close_code::AWAY,
                reason: "heartbeat timeout",
                reconnect_after_ms: None,
            });
        }
        let ping = Message::Ping(Default::default());
        guarded(&self.conn, self.socket.send(ping)).await
    }

    // ------------------------------------------------------------------ writing

    /// Writes what the hub queued, in order, holding back live copies of conversations being
    /// replayed. At most a batch per call, so reading keeps its turn under load.
    async fn drain_outbox(&mut self) -> Result<(), Stop> {
        const BATCH: usize = 64;
        for _ in 0..BATCH {
            match self.conn.next() {
                Next::Frame(frame) => {
                    if self.held_back(&frame) {
                        continue;
                    }
                    let text = frame.text.clone();
                    self.write(Message::Text(text)).await?;
                }
                Next::Close(reason) => return Err(Stop::from_hub(reason)),
                Next::Empty => break,
            }
        }
        self.flush().await
    }

    fn held_back(&mut self, frame: &Outgoing) -> bool {
        let Some((conversation_id, seq)) = frame.message else {
            return false;
        };
        match self
            .resumes
            .iter_mut()
            .find(|r| r.conversation_id == conversation_id)
        {
            Some(r) => {
                r.live = r.live.max(seq);
                true
            }
            None => false,
        }
    }

    async fn send_error(&mut self, frame: &'static str, e: DomainError) -> Result<(), Stop> {
        let error = ApiError::from(e).body().error;
        self.send(&ServerFrame::Error {
            r#ref: Some(frame.to_string()),
            error,
        })
        .await
    }

    /// Writes one frame and flushes.
    async fn send(&mut self, frame: &ServerFrame) -> Result<(), Stop> {
        self.feed(frame).await?;
        self.flush().await
    }

    /// Buffers one frame (written out once the write buffer fills, or at the next flush).
    async fn feed(&mut self, frame: &ServerFrame) -> Result<(), Stop> {
        self.write(Message::Text(Utf8Bytes::from(frame.encode())))
            .await
    }

    async fn write(&mut self, message: Message) -> Result<(), Stop> {
        self.unflushed += 1;
        guarded(&self.conn, self.socket.feed(message)).await
    }

    async fn flush(&mut self) -> Result<(), Stop> {
        if self.unflushed > 0 {
            metrics::counter!("shoptalk_ws_frames_out_total").increment(self.unflushed);
            self.unflushed = 0;
        }
        guarded(&self.conn, self.socket.flush()).await
    }
}

/// Runs a write that may wait for the client to read; gives up after [`WRITE_TIMEOUT`], or at
/// once when the hub asks for the socket to close. A write that completes at once (the usual
/// case: it lands in the write buffer) arms no timer.
async fn guarded<F>(conn: &Conn, write: F) -> Result<(), Stop>
where
    F: Future<Output = Result<(), axum::Error>>,
{
    tokio::pin!(write);
    let deadline = tokio::time::sleep(WRITE_TIMEOUT);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            biased;
            result = &mut write => return result.map_err(|_| Stop::Gone),
            _ = conn.wake.notified() => {
                if let Some(reason) = conn.close_reason() {
                    return Err(Stop::from_hub(reason));
                }
            }
            _ = &mut deadline => {
                return Err(Stop::Close {
                    code: CLOSE_LAGGING,
                    reason: "lagging: reconnect and resume",
                    reconnect_after_ms: None,
                });
            }
        }
    }
}

/// The closing handshake, bounded in time: a client that does not read gets dropped.
async fn close(socket: &mut WebSocket, stop: Stop) {
    let Stop::Close {
        code,
        reason,
        reconnect_after_ms,
    } = stop
    else {
        // Sends our half of a close the client started, if it is still pending.
        let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.flush()).await;
        return;
    };
    let handshake = async {
        if let Some(retry_after_ms) = reconnect_after_ms {
            let frame = ServerFrame::Reconnect { retry_after_ms };
            socket.feed(Message::Text(frame.encode().into())).await?;
        }
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        socket.send(Message::Close(Some(frame))).await?;
        // Wait for the client's close, discarding whatever it still sends.
        while let Some(Ok(_)) = socket.recv().await {}
        Ok::<_, axum::Error>(())
    };
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, handshake).await;
}

fn fetch_page<'a>(
    state: &'a AppState,
    actor: Actor,
    conversation_id: ConversationId,
    from: i64,
) -> Task<'a> {
    Box::pin(async move {
        let result = state
            .app
            .list_messages(
                &actor,
                conversation_id,
                LogPosition::After(from),
                RESUME_PAGE,
            )
            .await;
        Done::Page {
            conversation_id,
            from,
            result,
        }
    })
}

fn detail(code: &str, message: impl Into<String>) -> ErrorDetail {
    ErrorDetail {
        code: code.to_string(),
        message: message.into(),
        field: None,
    }
}

/// A read error ends the socket; a message over the transport limit is told why (1009).
fn read_failed(e: axum::Error) -> Stop {
    use tokio_tungstenite::tungstenite::Error as WsError;
    let inner = e.into_inner();
    match inner.downcast_ref::<WsError>() {
        Some(WsError::Capacity(_)) => Stop::Close {
            code: close_code::SIZE,
            reason: "frame too large",
            reconnect_after_ms: None,
        },
        Some(WsError::Utf8(_)) => Stop::Close {
            code: close_code::INVALID,
            reason: "text frames must be UTF-8",
            reconnect_after_ms: None,
        },
        Some(WsError::Protocol(_)) => Stop::Close {
            code: close_code::PROTOCOL,
            reason: "protocol error",
            reconnect_after_ms: None,
        },
        _ => Stop::Gone,
    }
}

/// What an undecodable frame's error answers: the `client_msg_id` of a `send` when it can
/// be read, else the frame's `type`.
fn guess_ref(text: &str, e: &FrameError) -> Option<String> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(rename = "type")]
        kind: Option<String>,
        client_msg_id: Option<String>,
    }
    if matches!(e, FrameError::TooLarge(_)) {
        return None;
    }
    let probe: Probe = serde_json::from_str(text).ok()?;
    match (probe.kind.as_deref(), probe.client_msg_id) {
        (Some("send"), Some(id)) if id.len() <= 64 => Some(id),
        (Some(kind), _) if kind.len() <= 32 => Some(kind.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output_size<A, B, C, Fut, F: Fn(A, B, C) -> Fut>(_: &F) -> usize {
        std::mem::size_of::<Fut>()
    }

    /// An idle socket holds its task (this future) and its buffers: keep the task small.
    /// The handlers are boxed so that their state does not count while idle.
    #[test]
    fn an_idle_sockets_task_stays_small() {
        let size = output_size(&run);
        assert!(size <= 1536, "the socket task's future is {size} bytes");
    }

    #[test]
    fn refs_of_undecodable_frames() {
        let malformed = FrameError::Malformed(String::new());
        assert_eq!(
            guess_ref(
                r#"{"type":"send","client_msg_id":"c-1","content":7}"#,
                &malformed
            )
            .as_deref(),
            Some("c-1")
        );
        assert_eq!(
            guess_ref(r#"{"type":"typing"}"#, &malformed).as_deref(),
            Some("typing")
        );
        assert_eq!(guess_ref("{", &malformed), None);
        assert_eq!(guess_ref("[1,2]", &malformed), None);
        assert_eq!(guess_ref("x", &FrameError::TooLarge(1)), None);
    }
}
