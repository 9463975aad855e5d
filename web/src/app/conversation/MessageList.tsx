// The virtualised log of a conversation: latest page first, older pages when scrolling up,
// the outbox's pending sends (and failures) at the end.
import { useMemo } from "preact/hooks";
import type { OutboxItem } from "../../shared/realtime";
import type { Conversation, Message } from "../../shared/types";
import { dismissFailure, failures, outboxVersion, pendingFor, retryFailure } from "../state/live";
import { loadOlder, thread } from "../state/messages";
import { startsDay, startsGroup } from "../state/messagesLogic";
import { VirtualList } from "../ui/VirtualList";
import { MessageRow, PendingRow } from "./MessageRow";

export type Row =
  | { kind: "msg"; key: string; m: Message; group: boolean; day: boolean }
  | { kind: "pending"; key: string; item: OutboxItem; error?: string };

export function MessageList(p: { id: string; conversation: Conversation }) {
  const t = thread(p.id).value;
  outboxVersion.value;
  const fails = failures.value;
  const rows = useMemo<Row[]>(() => {
    const out: Row[] = t.items.map((m, i) => ({
      kind: "msg",
      key: "m" + m.seq,
      m,
      group: startsGroup(t.items, i),
      day: startsDay(t.items, i),
    }));
    const have = new Set(t.items.map((m) => m.client_msg_id).filter(Boolean));
    for (const item of pendingFor(p.id)) {
      if (!have.has(item.client_msg_id)) out.push({ kind: "pending", key: "p" + item.client_msg_id, item });
    }
    for (const [ref, f] of fails) {
      if (f.item.conversation_id === p.id) out.push({ kind: "pending", key: "f" + ref, item: f.item, error: f.error });
    }
    return out;
  }, [t.items, outboxVersion.value, fails, p.id]);

  return (
    <VirtualList<Row>
      class="messages"
      items={rows}
      keyOf={(r) => r.key}
      estimate={64}
      stickToBottom
      onNearTop={() => void loadOlder(p.id)}
      role="log"
      label="Messages"
      header={
        <div class="log-head muted small">
          {!t.loaded && !t.error && "Loading…"}
          {t.error && <span class="form-error">{t.error}</span>}
          {t.loaded && t.loadingOlder && "Loading older messages…"}
          {t.loaded && !t.loadingOlder && !t.olderCursor && "Beginning of the conversation"}
        </div>
      }
      render={(r) =>
        r.kind === "msg" ? (
          <MessageRow m={r.m} group={r.group} day={r.day} conversation={p.conversation} />
        ) : (
          <PendingRow
            item={r.item}
            error={r.error}
            onRetry={() => retryFailure(r.item.client_msg_id)}
            onDismiss={() => dismissFailure(r.item.client_msg_id)}
          />
        )
      }
    />
  );
}
