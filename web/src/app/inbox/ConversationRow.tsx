import type { Conversation } from "../../shared/types";
import { contact, displayName } from "../state/contacts";
import { agentName, presence } from "../state/presence";
import { typingIn } from "../state/typing";
import { Avatar } from "../ui/Avatar";
import { shortTime } from "../ui/format";

export function ConversationRow(p: { c: Conversation; active: boolean; onOpen: () => void }) {
  const { c } = p;
  const person = contact(c.contact_id).value;
  const name = displayName(person, c.contact_id);
  const typing = typingIn.value[c.id];
  return (
    <div
      class={"conv-row" + (p.active ? " active" : "") + (c.unread_by_agent > 0 ? " unread" : "")}
      data-testid="conversation-item"
      data-id={c.id}
      data-status={c.status}
      role="listitem"
      aria-current={p.active ? "true" : undefined}
      onClick={p.onOpen}
    >
      <Avatar name={name} seed={c.contact_id} />
      <div class="conv-main">
        <div class="conv-top">
          <span class="conv-name">{name}</span>
          <span class="conv-time" title={c.last_message_at ?? c.created_at}>
            {shortTime(c.last_message_at ?? c.created_at)}
          </span>
        </div>
        <div class="conv-bottom">
          <span class="conv-preview">{typing ? <em class="typing-text">typing…</em> : (c.last_message_preview ?? "No messages yet")}</span>
          {c.unread_by_agent > 0 && <span class="badge">{c.unread_by_agent > 99 ? "99+" : c.unread_by_agent}</span>}
        </div>
        <div class="conv-meta">
          {c.status !== "open" && <span class={`status status-${c.status}`}>{c.status}</span>}
          {c.labels.length > 0 && (
            <span class="conv-labels">
              {c.labels.slice(0, 3).map((l) => (
                <span key={l} class="label-chip" title={l}>
                  {l}
                </span>
              ))}
            </span>
          )}
          {c.assignee_id && (
            <span class="conv-assignee" title={`Assigned to ${agentName(c.assignee_id)}`}>
              <Avatar name={agentName(c.assignee_id)} seed={c.assignee_id} size="xs" presence={presence.value[c.assignee_id]} />
            </span>
          )}
        </div>
      </div>
    </div>
  );
}
