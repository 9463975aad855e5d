//! The registry of this node's live sockets, and the [`Fanout`] that pushes committed events
//! (and the ephemeral ones) to them.
//!
//! Each event is encoded to JSON once and the same bytes are queued on every socket it goes
//! to. A socket's queue is bounded: when a client reads too slowly for its queue to drain,
//! the socket is marked lagging and closed (4008), and the client resumes from its last seq.
//! Publishing never waits for a client.
//!
//! "Too slowly" is judged so that a burst is not mistaken for lag: one group commit publishes
//! its whole batch at once (up to thousands of events, in microseconds), faster than any
//! socket drains. A queue may therefore exceed `ws_send_queue_frames` for a moment; a socket
//! is lagging when its queue stays over that mark for [`LAG_GRACE`], or reaches
//! [`BURST_FACTOR`] times it.

use crate::state::HttpConfig;
use axum::extract::ws::Utf8Bytes;
use dashmap::DashMap;
use shoptalk_core::fanout::{Fanout, LiveEvent};
use shoptalk_core::presence::PresenceRegistry;
use shoptalk_core::service::Actor;
use shoptalk_types::frames::{Principal, ServerFrame};
use shoptalk_types::ids::{AgentId, ContactId, ConversationId, WorkspaceId};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// How long a socket's queue may stay over `ws_send_queue_frames` before it is lagging.
pub const LAG_GRACE: Duration = Duration::from_secs(1);
/// A queue this many times `ws_send_queue_frames` long is lagging at once.
pub const BURST_FACTOR: usize = 8;

/// One encoded server frame, shared by every socket it is queued on.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) text: Utf8Bytes,
    /// For `message` frames, the message's conversation and seq: a socket replaying that
    /// conversation holds live copies back so the replay stays in order.
    pub(crate) message: Option<(ConversationId, i64)>,
}

/// Why the hub wants a socket closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CloseReason {
    /// Its queue overflowed: the client reads too slowly.
    Lagging,
    /// The server is going away; the client should come back after the delay.
    Shutdown { retry_after_ms: u64 },
}

#[derive(Debug, Default)]
struct Outbox {
    /// Grows on demand and is released once drained: an idle socket holds no buffer.
    frames: VecDeque<Arc<Outgoing>>,
    close: Option<CloseReason>,
    /// Since when the queue has been over the mark, if it is.
    over_since: Option<Instant>,
}

/// What the hub knows of one socket. Shared by the hub (to queue frames) and the socket's
/// task (to drain them).
#[derive(Debug)]
pub(crate) struct Conn {
    workspace_id: WorkspaceId,
    principal: Principal,
    /// `ws_send_queue_frames`.
    mark: usize,
    outbox: Mutex<Outbox>,
    /// Woken when the outbox goes from empty to non-empty, or when a close is requested.
    pub(crate) wake: Notify,
}

/// What the socket's task finds in its outbox.
pub(crate) enum Next {
    Frame(Arc<Outgoing>),
    Close(CloseReason),
    Empty,
}

impl Conn {
    /// A socket's entry, for `actor`, with the lagging mark `mark`.
    pub(crate) fn new(actor: &Actor, mark: usize) -> Self {
        Self {
            workspace_id: actor.workspace_id(),
            principal: actor.principal(),
            mark,
            outbox: Mutex::new(Outbox::default()),
            wake: Notify::new(),
        }
    }

    fn outbox(&self) -> MutexGuard<'_, Outbox> {
        // The critical sections cannot panic half-way; a poisoned lock still holds a
        // consistent outbox.
        self.outbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the task has something to do: frames to write or a close to honour.
    pub(crate) fn has_work(&self) -> bool {
        let outbox = self.outbox();
        outbox.close.is_some() || !outbox.frames.is_empty()
    }

    /// The close the hub asked for, if any.
    pub(crate) fn close_reason(&self) -> Option<CloseReason> {
        self.outbox().close
    }

    /// The next thing to do: a requested close comes before queued frames.
    pub(crate) fn next(&self) -> Next {
        let mut outbox = self.outbox();
        if let Some(reason) = outbox.close {
            return Next::Close(reason);
        }
        match outbox.frames.pop_front() {
            Some(frame) => {
                if outbox.frames.len() < self.mark {
                    outbox.over_since = None;
                }
                if outbox.frames.is_empty() && outbox.frames.capacity() > 8 {
                    // A burst is over: give its buffer back.
                    outbox.frames = VecDeque::new();
                }
                Next::Frame(frame)
            }
            None => Next::Empty,
        }
    }

    /// Queues `frame` unless the socket is closing; `false` when the socket is lagging.
    fn offer(&self, frame: &Arc<Outgoing>) -> bool {
        let mut outbox = self.outbox();
        if outbox.close.is_some() {
            return true;
        }
        let queued = outbox.frames.len();
        if queued >= self.mark {
            if queued >= self.mark.saturating_mul(BURST_FACTOR) {
                return false;
            }
            let now = Instant::now();
            match outbox.over_since {
                None => outbox.over_since = Some(now),
                Some(since) if now.duration_since(since) > LAG_GRACE => return false,
                Some(_) => {}
            }
        }
        let was_empty = outbox.frames.is_empty();
        outbox.frames.push_back(frame.clone());
        drop(outbox);
        if was_empty {
            self.wake.notify_one();
        }
        true
    }

    /// Asks the socket's task to close; queued frames are dropped. The first reason wins.
    fn close(&self, reason: CloseReason) {
        let mut outbox = self.outbox();
        if outbox.close.is_none() {
            outbox.close = Some(reason);
            outbox.frames = VecDeque::new();
        }
        drop(outbox);
        self.wake.notify_one();
    }
}

/// Where a socket is registered: staff of a workspace see the whole workspace, a contact
/// only its own conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Staff(WorkspaceId),
    Contact(ContactId),
}

/// The live sockets of this node, and the [`Fanout`] that reaches them.
///
/// Routing: a workspace's agents and API-key sockets receive every event of the workspace
/// (private notes, typing, presence, conversation changes included); a contact's sockets
/// receive the messages (never private notes), receipts and shop-side typing of the
/// contact's own conversations. Nobody receives their own typing back.
pub struct Hub {
    staff: DashMap<WorkspaceId, Vec<Arc<Conn>>>,
    contacts: DashMap<ContactId, Vec<Arc<Conn>>>,
    queue_frames: usize,
    count: AtomicUsize,
    shutting_down: AtomicBool,
    /// Woken whenever the last socket closes.
    idle: Notify,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("connections", &self.connection_count())
            .field("queue_frames", &self.queue_frames)
            .field("shutting_down", &self.is_shutting_down())
            .finish_non_exhaustive()
    }
}

impl Hub {
    /// A hub whose sockets may queue `config.ws_send_queue_frames` frames each (see the module
    /// documentation for bursts).
    pub fn new(config: &HttpConfig) -> Self {
        Self {
            staff: DashMap::new(),
            contacts: DashMap::new(),
            queue_frames: config.ws_send_queue_frames.max(1),
            count: AtomicUsize::new(0),
            shutting_down: AtomicBool::new(false),
            idle: Notify::new(),
        }
    }

    /// Open sockets on this node.
    pub fn connection_count(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// True once [`Hub::shutdown`] was called: new sockets are refused.
    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Graceful shutdown: every open socket is sent `reconnect` (with this delay) and closed
    /// with 1001; sockets opening from now on are refused the same way. Returns at once; see
    /// [`Hub::wait_closed`] to wait for the sockets to be gone.
    pub fn shutdown(&self, retry_after_ms: u64) {
        self.shutting_down.store(true, Ordering::SeqCst);
        let reason = CloseReason::Shutdown { retry_after_ms };
        for entry in self.staff.iter() {
            entry.value().iter().for_each(|c| c.close(reason));
        }
        for entry in self.contacts.iter() {
            entry.value().iter().for_each(|c| c.close(reason));
        }
    }

    /// Waits until no socket is open (after [`Hub::shutdown`], once every client got its
    /// `reconnect`), or until `timeout`. Returns whether every socket closed.
    pub async fn wait_closed(&self, timeout: std::time::Duration) -> bool {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                tokio::pin!(idle);
                idle.as_mut().enable();
                if self.connection_count() == 0 {
                    return;
                }
                idle.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }

    /// Adds a socket for `actor`, and for an agent tells `presence` (whose first socket makes
    /// it online for the workspace). `None` when the hub is shutting down. The socket leaves
    /// the hub when the returned registration is dropped.
    pub(crate) fn register(
        self: &Arc<Self>,
        actor: &Actor,
        presence: &Arc<PresenceRegistry>,
    ) -> Option<Registration> {
        let slot = match actor.contact_id() {
            Some(contact_id) => Slot::Contact(contact_id),
            None => Slot::Staff(actor.workspace_id()),
        };
        let conn = Arc::new(Conn::new(actor, self.queue_frames));
        match slot {
            Slot::Staff(ws) => self.staff.entry(ws).or_default().push(conn.clone()),
            Slot::Contact(c) => self.contacts.entry(c).or_default().push(conn.clone()),
        }
        let registration = Registration {
            hub: self.clone(),
            conn,
            slot,
            agent: None,
        };
        self.count.fetch_add(1, Ordering::AcqRel);
        metrics::gauge!("shoptalk_ws_connections").increment(1.0);
        // Checked after inserting: either shutdown() saw this socket, or we see its flag.
        if self.is_shutting_down() {
            return None; // dropping the registration removes the socket again
        }
        let mut registration = registration;
        if let Actor::Agent { agent_id, .. } = *actor {
            let workspace_id = actor.workspace_id();
            // After the socket joined the hub: the agent's own socket hears it come online.
            presence.opened(workspace_id, agent_id, |status| {
                self.publish(LiveEvent::Presence {
                    workspace_id,
                    agent_id,
                    status,
                })
            });
            registration.agent = Some((workspace_id, agent_id, presence.clone()));
        }
        Some(registration)
    }

    fn unregister(&self, registration: &Registration) {
        let conn = &registration.conn;
        match registration.slot {
            Slot::Staff(ws) => remove_conn(&self.staff, ws, conn),
            Slot::Contact(c) => remove_conn(&self.contacts, c, conn),
        }
        if let Some((workspace_id, agent_id, presence)) = &registration.agent {
            let (workspace_id, agent_id) = (*workspace_id, *agent_id);
            presence.closed(workspace_id, agent_id, |status| {
                self.publish(LiveEvent::Presence {
                    workspace_id,
                    agent_id,
                    status,
                })
            });
        }
        metrics::gauge!("shoptalk_ws_connections").decrement(1.0);
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_waiters();
        }
    }

    fn deliver(&self, conn: &Conn, frame: &Arc<Outgoing>) {
        if !conn.offer(frame) {
            conn.close(CloseReason::Lagging);
            metrics::counter!("shoptalk_ws_lagging_disconnects_total").increment(1);
            tracing::debug!(principal = ?conn.principal, "disconnecting a lagging socket");
        }
    }
}

fn remove_conn<K: std::hash::Hash + Eq>(
    map: &DashMap<K, Vec<Arc<Conn>>>,
    key: K,
    conn: &Arc<Conn>,
) {
    if let dashmap::Entry::Occupied(mut entry) = map.entry(key) {
        let conns = entry.get_mut();
        if let Some(i) = conns.iter().position(|c| Arc::ptr_eq(c, conn)) {
            conns.swap_remove(i);
        }
        if conns.is_empty() {
            entry.remove();
        } else if conns.capacity() > 4 * conns.len() {
            conns.shrink_to_fit();
        }
    }
}

/// A socket's place in the hub; leaving it (drop) removes the socket and, for an agent's last
/// socket, tells the workspace the agent went offline.
pub(crate) struct Registration {
    hub: Arc<Hub>,
    conn: Arc<Conn>,
    slot: Slot,
    /// For an agent's socket: where to report its closing.
    agent: Option<(WorkspaceId, AgentId, Arc<PresenceRegistry>)>,
}

impl Registration {
    pub(crate) fn conn(&self) -> &Arc<Conn> {
        &self.conn
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(self);
    }
}

/// An event encoded at most once, and only if somebody is there to receive it.
struct Encoded {
    event: Option<LiveEvent>,
    frame: Option<Arc<Outgoing>>,
}

impl Encoded {
    fn get(&mut self) -> &Arc<Outgoing> {
        if self.frame.is_none() {
            let event = self.event.take().expect("encoded once");
            self.frame = Some(Arc::new(encode(event)));
        }
        self.frame.as_ref().expect("just encoded")
    }
}

fn encode(event: LiveEvent) -> Outgoing {
    let mut message = None;
    let frame = match event {
        LiveEvent::Message { message: m, .. } => {
            message = Some((m.conversation_id, m.seq));
            ServerFrame::Message { message: m }
        }
        LiveEvent::Receipt {
            conversation_id,
            side,
            kind,
            seq,
            ..
        } => ServerFrame::Receipt {
            conversation_id,
            side,
            kind,
            seq,
        },
        LiveEvent::Typing {
            conversation_id,
            from,
            typing,
            ..
        } => ServerFrame::Typing {
            conversation_id,
            from,
            typing,
        },
        LiveEvent::Presence {
            agent_id, status, ..
        } => ServerFrame::Presence { agent_id, status },
        LiveEvent::Conversation { conversation } => ServerFrame::Conversation { conversation },
    };
    Outgoing {
        text: frame.encode().into(),
        message,
    }
}

impl Fanout for Hub {
    fn publish(&self, event: LiveEvent) {
        let workspace_id = event.workspace_id();
        let contact_id = event.visible_to_contact();
        let typing_from = match &event {
            LiveEvent::Typing { from, .. } => Some(*from),
            _ => None,
        };
        let mut encoded = Encoded {
            event: Some(event),
            frame: None,
        };
        if let Some(conns) = self.staff.get(&workspace_id) {
            for conn in conns.iter() {
                if typing_from != Some(conn.principal) {
                    self.deliver(conn, encoded.get());
                }
            }
        }
        let shop_side_only = matches!(typing_from, Some(Principal::Contact { .. }));
        if let Some(contact_id) = contact_id
            && !shop_side_only
            && let Some(conns) = self.contacts.get(&contact_id)
        {
            for conn in conns.iter() {
                if conn.workspace_id == workspace_id {
                    self.deliver(conn, encoded.get());
                }
            }
        }
    }
}
