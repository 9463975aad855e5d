//! Planning a group commit, independent of the SQL dialect.
//!
//! A backend reads the state of the batch's conversations and the messages already holding the
//! batch's `client_msg_id`s (one set-based query each), then [`plan`] decides everything in
//! memory: which inputs are refused, which are duplicates, the seq of each new message, the
//! new watermarks and counters of each touched conversation, and which conversations a
//! contact's message reopens. The backend then writes the plan with one statement per table.
//! Assigning seqs here is safe because the store's single writer is the only appender (see
//! `shoptalk_core::committer`), and the unique index on (conversation_id, seq) would refuse the
//! whole batch if that ever stopped being true.

use crate::common::trunc_ms;
use jiff::Timestamp;
use shoptalk_core::store::*;
use shoptalk_types::ids::*;
use shoptalk_types::model::{ConversationStatus, Message, ReceiptKind, SenderKind, Side};
use std::collections::HashMap;

/// What planning needs to know of a conversation the batch refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationState {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub status: ConversationStatus,
    pub last_seq: i64,
    pub contact_delivered_seq: i64,
    pub contact_read_seq: i64,
    pub agent_read_seq: i64,
}

/// The new state of one touched conversation, written by one set-based UPDATE.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationChange {
    pub id: ConversationId,
    pub last_seq: i64,
    /// Preview and time of the newest non-private message appended; `None` keeps the stored
    /// ones (private notes never show in the preview).
    pub last_message: Option<(String, Timestamp)>,
    /// Non-private messages appended by the contact / by the shop's side.
    pub unread_by_agent_added: i64,
    pub unread_by_contact_added: i64,
    pub contact_delivered_seq: i64,
    pub contact_read_seq: i64,
    pub agent_read_seq: i64,
    /// The agents' read watermark moved: count `unread_by_agent` again from the log (contact
    /// messages after the new watermark) instead of adding to it.
    pub recount_unread_by_agent: bool,
    /// Same for the contact's side.
    pub recount_unread_by_contact: bool,
    /// The contact wrote into a `resolved` or `snoozed` conversation: it is `open` again and
    /// its wake-up time is gone.
    pub reopen: bool,
}

/// A message to insert.
#[derive(Debug, Clone)]
pub struct NewRow {
    pub message: Message,
    pub workspace_id: WorkspaceId,
    /// Text to index for search; `None` for private notes and content without text.
    pub search_text: Option<String>,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// One result per input, in input order: what the caller gets once the plan commits.
    pub outcome: BatchOutcome,
    pub inserts: Vec<NewRow>,
    pub changes: Vec<ConversationChange>,
}

/// Whether the writer of an input may touch the conversation.
fn admits(state: &ConversationState, ws: WorkspaceId, only_if_contact: Option<ContactId>) -> bool {
    state.workspace_id == ws && only_if_contact.is_none_or(|c| c == state.contact_id)
}

/// Every conversation id the batch refers to, once each, in first-seen order.
pub fn conversation_ids(batch: &WriteBatch) -> Vec<ConversationId> {
    let mut seen = std::collections::HashSet::new();
    batch
        .messages
        .iter()
        .map(|m| m.conversation_id)
        .chain(batch.receipts.iter().map(|r| r.conversation_id))
        .filter(|id| seen.insert(*id))
        .collect()
}

/// The (conversation, client_msg_id) pairs to look up among stored messages: only those of
/// messages the writer is allowed to append, so a lookup never reaches another tenant's log.
pub fn idempotency_keys<'a>(
    batch: &'a WriteBatch,
    convs: &HashMap<ConversationId, ConversationState>,
) -> Vec<(ConversationId, &'a str)> {
    batch
        .messages
        .iter()
        .filter_map(|m| {
            let key = m.client_msg_id.as_deref()?;
            let state = convs.get(&m.conversation_id)?;
            admits(state, m.workspace_id, m.only_if_contact).then_some((m.conversation_id, key))
        })
        .collect()
}

/// Working state of a conversation while planning.
struct Working {
    contact_id: ContactId,
    change: ConversationChange,
    dirty: bool,
}

impl Working {
    fn new(s: &ConversationState) -> Self {
        Self {
            contact_id: s.contact_id,
            change: ConversationChange {
                id: s.id,
                last_seq: s.last_seq,
                last_message: None,
                unread_by_agent_added: 0,
                unread_by_contact_added: 0,
                contact_delivered_seq: s.contact_delivered_seq,
                contact_read_seq: s.contact_read_seq,
                agent_read_seq: s.agent_read_seq,
                recount_unread_by_agent: false,
                recount_unread_by_contact: false,
                reopen: false,
            },
            dirty: false,
        }
    }
}

/// Decides the whole batch. `convs` holds the stored state of the batch's conversations
/// (missing ones do not exist); `existing` the stored messages holding the batch's
/// idempotency keys.
///
/// A `client_msg_id` that matches a message of another sender is refused
/// (`ClientMsgIdTaken`) rather than answered with that message.
pub fn plan(
    batch: &WriteBatch,
    convs: &HashMap<ConversationId, ConversationState>,
    existing: &HashMap<(ConversationId, String), Message>,
) -> Plan {
    let mut plan = Plan::default();
    let mut working: Vec<Working> = Vec::new();
    let mut index: HashMap<ConversationId, usize> = HashMap::new();
    // (conversation, key) -> position in `plan.inserts` of the first message using it.
    let mut in_batch: HashMap<(ConversationId, &str), usize> = HashMap::new();

    let mut slot = |state: &ConversationState, working: &mut Vec<Working>| -> usize {
        *index.entry(state.id).or_insert_with(|| {
            working.push(Working::new(state));
            working.len() - 1
        })
    };

    for m in &batch.messages {
        let Some(state) = convs
            .get(&m.conversation_id)
            .filter(|s| admits(s, m.workspace_id, m.only_if_contact))
        else {
            plan.outcome
                .messages
                .push(Err(AppendRejected::ConversationNotFound));
            continue;
        };
        if let Some(key) = m.client_msg_id.as_deref() {
            let original = existing
                .get(&(m.conversation_id, key.to_owned()))
                .or_else(|| {
                    in_batch
                        .get(&(m.conversation_id, key))
                        .map(|&i| &plan.inserts[i].message)
                });
            if let Some(original) = original {
                let result = if original.sender == m.sender {
                    Ok(Appended {
                        message: original.clone(),
                        contact_id: state.contact_id,
                        duplicate: true,
                    })
                } else {
                    Err(AppendRejected::ClientMsgIdTaken)
                };
                plan.outcome.messages.push(result);
                continue;
            }
        }

        let i = slot(state, &mut working);
        let w = &mut working[i];
        w.dirty = true;
        let c = &mut w.change;
        c.last_seq += 1;
        let message = Message {
            id: m.id,
            conversation_id: m.conversation_id,
            seq: c.last_seq,
            sender: m.sender,
            content: m.content.clone(),
            private: m.private,
            client_msg_id: m.client_msg_id.clone(),
            created_at: trunc_ms(m.created_at),
        };
        let mut search_text = None;
        if !m.private {
            c.last_message = Some((m.content.preview(), message.created_at));
            if m.sender.kind == SenderKind::Contact {
                c.unread_by_agent_added += 1;
                // A customer writing back wants an answer, whatever the inbox said.
                c.reopen |= matches!(
                    state.status,
                    ConversationStatus::Resolved | ConversationStatus::Snoozed
                );
            } else {
                c.unread_by_contact_added += 1;
            }
            search_text = Some(m.content.to_plain_text()).filter(|t| !t.trim().is_empty());
        }
        if let Some(key) = m.client_msg_id.as_deref() {
            in_batch.insert((m.conversation_id, key), plan.inserts.len());
        }
        plan.outcome.messages.push(Ok(Appended {
            message: message.clone(),
            contact_id: state.contact_id,
            duplicate: false,
        }));
        plan.inserts.push(NewRow {
            message,
            workspace_id: m.workspace_id,
            search_text,
        });
    }

    // Receipts see the batch's own messages: a read up to a seq appended in this very batch
    // is accepted.
    for r in &batch.receipts {
        let Some(state) = convs
            .get(&r.conversation_id)
            .filter(|s| admits(s, r.workspace_id, r.only_if_contact))
        else {
            plan.outcome
                .receipts
                .push(ReceiptOutcome::ConversationNotFound);
            continue;
        };
        let i = slot(state, &mut working);
        let w = &mut working[i];
        let c = &mut w.change;
        // Never past the newest message.
        let target = r.seq.min(c.last_seq);
        let moved = match (r.side, r.kind) {
            // Agents have no delivered watermark: their clients may send the receipt, it
            // changes nothing.
            (Side::Agent, ReceiptKind::Delivered) => false,
            (Side::Agent, ReceiptKind::Read) => {
                let moved = target > c.agent_read_seq;
                if moved {
                    c.agent_read_seq = target;
                    c.recount_unread_by_agent = true;
                }
                moved
            }
            (Side::Contact, ReceiptKind::Delivered) => {
                let moved = target > c.contact_delivered_seq;
                if moved {
                    c.contact_delivered_seq = target;
                }
                moved
            }
            (Side::Contact, ReceiptKind::Read) => {
                let moved = target > c.contact_read_seq;
                if moved {
                    c.contact_read_seq = target;
                    // Read implies delivered.
                    c.contact_delivered_seq = c.contact_delivered_seq.max(target);
                    c.recount_unread_by_contact = true;
                }
                moved
            }
        };
        plan.outcome.receipts.push(if moved {
            w.dirty = true;
            ReceiptOutcome::Advanced(ReceiptAdvanced {
                conversation_id: r.conversation_id,
                contact_id: w.contact_id,
                side: r.side,
                kind: r.kind,
                seq: target,
            })
        } else {
            ReceiptOutcome::Unchanged
        });
    }

    plan.changes = working
        .into_iter()
        .filter(|w| w.dirty)
        .map(|w| w.change)
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use shoptalk_types::Content;
    use shoptalk_types::model::Sender;

    struct Fixture {
        ws: WorkspaceId,
        contact: ContactId,
        conv: ConversationState,
    }

    fn fixture() -> Fixture {
        let (ws, contact) = (WorkspaceId::new(), ContactId::new());
        Fixture {
            ws,
            contact,
            conv: ConversationState {
                id: ConversationId::new(),
                workspace_id: ws,
                contact_id: contact,
                status: ConversationStatus::Open,
                last_seq: 10,
                contact_delivered_seq: 4,
                contact_read_seq: 3,
                agent_read_seq: 2,
            },
        }
    }

    fn msg(f: &Fixture, kind: SenderKind, key: Option<&str>, private: bool) -> NewMessage {
        NewMessage {
            id: MessageId::new(),
            workspace_id: f.ws,
            conversation_id: f.conv.id,
            only_if_contact: None,
            sender: Sender {
                kind,
                id: (kind == SenderKind::Contact).then_some(f.contact.0),
            },
            content: Content::text("hello"),
            private,
            client_msg_id: key.map(String::from),
            created_at: Timestamp::now(),
        }
    }

    fn receipt(f: &Fixture, side: Side, kind: ReceiptKind, seq: i64) -> ReceiptUpdate {
        ReceiptUpdate {
            workspace_id: f.ws,
            conversation_id: f.conv.id,
            only_if_contact: None,
            side,
            kind,
            seq,
        }
    }

    fn convs(f: &Fixture) -> HashMap<ConversationId, ConversationState> {
        HashMap::from([(f.conv.id, f.conv.clone())])
    }

    #[test]
    fn seqs_follow_input_order_and_keys_dedupe_within_the_batch() {
        let f = fixture();
        let batch = WriteBatch {
            messages: vec![
                msg(&f, SenderKind::Contact, Some("a"), false),
                msg(&f, SenderKind::Agent, None, true),
                msg(&f, SenderKind::Contact, Some("a"), false),
                msg(&f, SenderKind::Agent, None, false),
            ],
            receipts: vec![],
        };
        let p = plan(&batch, &convs(&f), &HashMap::new());
        let seqs: Vec<_> = p.inserts.iter().map(|r| r.message.seq).collect();
        assert_eq!(seqs, [11, 12, 13]);
        let third = p.outcome.messages[2].as_ref().unwrap();
        assert!(third.duplicate);
        assert_eq!(third.message.seq, 11);
        let c = &p.changes[0];
        assert_eq!(c.last_seq, 13);
        assert_eq!((c.unread_by_agent_added, c.unread_by_contact_added), (1, 1));
        assert!(
            p.inserts[1].search_text.is_none(),
            "private notes are not indexed"
        );
    }

    #[test]
    fn a_contact_message_reopens_resolved_and_snoozed_conversations() {
        for (status, reopens) in [
            (ConversationStatus::Resolved, true),
            (ConversationStatus::Snoozed, true),
            (ConversationStatus::Pending, false),
            (ConversationStatus::Open, false),
        ] {
            let mut f = fixture();
            f.conv.status = status;
            let from_contact = WriteBatch {
                messages: vec![msg(&f, SenderKind::Contact, None, false)],
                receipts: vec![],
            };
            let p = plan(&from_contact, &convs(&f), &HashMap::new());
            assert_eq!(p.changes[0].reopen, reopens, "{status:?}");
        }
        // The shop's side writing does not reopen: a closing "thanks, bye" stays resolved.
        let mut f = fixture();
        f.conv.status = ConversationStatus::Resolved;
        let from_agent = WriteBatch {
            messages: vec![msg(&f, SenderKind::Agent, None, false)],
            receipts: vec![],
        };
        let p = plan(&from_agent, &convs(&f), &HashMap::new());
        assert!(!p.changes[0].reopen);
    }

    #[test]
    fn a_key_of_another_sender_is_refused() {
        let f = fixture();
        let batch = WriteBatch {
            messages: vec![
                msg(&f, SenderKind::Agent, Some("k"), true),
                msg(&f, SenderKind::Contact, Some("k"), false),
            ],
            receipts: vec![],
        };
        let p = plan(&batch, &convs(&f), &HashMap::new());
        assert_eq!(
            p.outcome.messages[1].as_ref().unwrap_err(),
            &AppendRejected::ClientMsgIdTaken
        );
        assert_eq!(p.inserts.len(), 1);
    }

    #[test]
    fn receipts_move_forward_only_and_are_capped() {
        let f = fixture();
        let batch = WriteBatch {
            messages: vec![],
            receipts: vec![
                receipt(&f, Side::Contact, ReceiptKind::Delivered, 2),
                receipt(&f, Side::Contact, ReceiptKind::Read, 99),
                receipt(&f, Side::Agent, ReceiptKind::Delivered, 5),
                receipt(&f, Side::Agent, ReceiptKind::Read, 2),
            ],
        };
        let p = plan(&batch, &convs(&f), &HashMap::new());
        assert_eq!(p.outcome.receipts[0], ReceiptOutcome::Unchanged);
        let ReceiptOutcome::Advanced(a) = &p.outcome.receipts[1] else {
            panic!("read should advance")
        };
        assert_eq!(a.seq, 10);
        assert_eq!(p.outcome.receipts[2], ReceiptOutcome::Unchanged);
        assert_eq!(p.outcome.receipts[3], ReceiptOutcome::Unchanged);
        let c = &p.changes[0];
        assert_eq!((c.contact_read_seq, c.contact_delivered_seq), (10, 10));
        assert!(c.recount_unread_by_contact && !c.recount_unread_by_agent);
    }

    #[test]
    fn other_workspaces_and_contacts_are_not_found() {
        let f = fixture();
        let mut foreign = msg(&f, SenderKind::Agent, None, false);
        foreign.workspace_id = WorkspaceId::new();
        let mut other_contact = msg(&f, SenderKind::Contact, None, false);
        other_contact.only_if_contact = Some(ContactId::new());
        let batch = WriteBatch {
            messages: vec![foreign, other_contact],
            receipts: vec![],
        };
        let p = plan(&batch, &convs(&f), &HashMap::new());
        assert!(p.outcome.messages.iter().all(|r| r.is_err()));
        assert!(p.inserts.is_empty() && p.changes.is_empty());
    }
}
