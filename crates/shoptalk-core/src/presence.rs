//! Agents' presence: who of the staff has the agent app open, and with which status. Kept in
//! memory and never stored, like typing: it describes live sockets, which end with the
//! process, and one node holds every socket (a cross-node bus can share it later).
//!
//! An agent is present while at least one of its sockets is open. Its status is the last one
//! it reported on any of them; the first socket starts it `online`, so a socket that never
//! reports counts as online. When the last socket closes the agent is `offline` and forgotten.

use shoptalk_types::frames::PresenceStatus;
use shoptalk_types::ids::{AgentId, WorkspaceId};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

#[derive(Debug, Clone, Copy)]
struct Present {
    sockets: u32,
    status: PresenceStatus,
}

/// The presence of every connected agent of this node, by workspace.
///
/// Each change hands the status to announce to a callback that runs under the registry's
/// lock, so two announcements about one agent leave in the order the changes happened (an
/// `offline` can never overtake the `online` of a socket that opened right after). The
/// callback must not block nor call back into the registry: publishing to the hub is fine.
#[derive(Debug, Default)]
pub struct PresenceRegistry {
    workspaces: Mutex<HashMap<WorkspaceId, HashMap<AgentId, Present>>>,
}

impl PresenceRegistry {
    fn lock(&self) -> MutexGuard<'_, HashMap<WorkspaceId, HashMap<AgentId, Present>>> {
        // Every critical section leaves the maps consistent: a poisoned lock is still usable.
        self.workspaces
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// A socket of `agent` opened; its first one announces `online`.
    pub fn opened(&self, ws: WorkspaceId, agent: AgentId, announce: impl FnOnce(PresenceStatus)) {
        let mut workspaces = self.lock();
        let present = workspaces
            .entry(ws)
            .or_default()
            .entry(agent)
            .or_insert(Present {
                sockets: 0,
                status: PresenceStatus::Online,
            });
        present.sockets += 1;
        if present.sockets == 1 {
            announce(present.status);
        }
    }

    /// `agent` reported a status on one of its open sockets; announced when it changes.
    pub fn report(
        &self,
        ws: WorkspaceId,
        agent: AgentId,
        status: PresenceStatus,
        announce: impl FnOnce(PresenceStatus),
    ) {
        let mut workspaces = self.lock();
        // Without an open socket there is nobody to be present: nothing to remember.
        let Some(present) = workspaces.get_mut(&ws).and_then(|w| w.get_mut(&agent)) else {
            return;
        };
        if present.status != status {
            present.status = status;
            announce(status);
        }
    }

    /// A socket of `agent` closed; its last one announces `offline`.
    pub fn closed(&self, ws: WorkspaceId, agent: AgentId, announce: impl FnOnce(PresenceStatus)) {
        let mut workspaces = self.lock();
        let Some(agents) = workspaces.get_mut(&ws) else {
            return;
        };
        let Some(present) = agents.get_mut(&agent) else {
            return;
        };
        present.sockets = present.sockets.saturating_sub(1);
        if present.sockets == 0 {
            agents.remove(&agent);
            if agents.is_empty() {
                workspaces.remove(&ws);
            }
            announce(PresenceStatus::Offline);
        }
    }

    /// The agent's status: `offline` without an open socket.
    pub fn status(&self, ws: WorkspaceId, agent: AgentId) -> PresenceStatus {
        self.lock()
            .get(&ws)
            .and_then(|w| w.get(&agent))
            .map_or(PresenceStatus::Offline, |p| p.status)
    }

    /// Whether some agent of `ws` is `online`.
    pub fn any_online(&self, ws: WorkspaceId) -> bool {
        self.lock()
            .get(&ws)
            .is_some_and(|w| w.values().any(|p| p.status == PresenceStatus::Online))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PresenceStatus::*;

    /// Runs `change` and returns what it announced.
    fn announced(change: impl FnOnce(&mut dyn FnMut(PresenceStatus))) -> Vec<PresenceStatus> {
        let mut said = Vec::new();
        change(&mut |s| said.push(s));
        said
    }

    #[test]
    fn first_socket_is_online_last_close_is_offline() {
        let r = PresenceRegistry::default();
        let (ws, agent) = (WorkspaceId::new(), AgentId::new());
        assert_eq!(r.status(ws, agent), Offline);
        assert!(!r.any_online(ws));

        assert_eq!(announced(|a| r.opened(ws, agent, a)), [Online]);
        assert_eq!(announced(|a| r.opened(ws, agent, a)), []);
        assert_eq!(r.status(ws, agent), Online);
        assert!(r.any_online(ws));

        // The last status reported on any socket holds, and only changes are announced.
        assert_eq!(announced(|a| r.report(ws, agent, Away, a)), [Away]);
        assert_eq!(announced(|a| r.report(ws, agent, Away, a)), []);
        assert!(!r.any_online(ws), "away is not online");

        assert_eq!(announced(|a| r.closed(ws, agent, a)), []);
        assert_eq!(r.status(ws, agent), Away, "one socket is still open");
        assert_eq!(announced(|a| r.closed(ws, agent, a)), [Offline]);
        assert_eq!(r.status(ws, agent), Offline);

        // Back with a new socket: online again, whatever it was before.
        assert_eq!(announced(|a| r.opened(ws, agent, a)), [Online]);
    }

    #[test]
    fn reports_without_a_socket_and_stray_closes_change_nothing() {
        let r = PresenceRegistry::default();
        let (ws, agent) = (WorkspaceId::new(), AgentId::new());
        assert_eq!(announced(|a| r.report(ws, agent, Away, a)), []);
        assert_eq!(announced(|a| r.closed(ws, agent, a)), []);
        assert_eq!(r.status(ws, agent), Offline);
    }

    #[test]
    fn workspaces_are_apart() {
        let r = PresenceRegistry::default();
        let (ws, other) = (WorkspaceId::new(), WorkspaceId::new());
        r.opened(ws, AgentId::new(), |_| {});
        assert!(r.any_online(ws));
        assert!(!r.any_online(other));
    }
}
