// One conversation: header with actions, the message log, the customer's typing, the composer.
import { useEffect, useState } from "preact/hooks";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { Composer } from "../composer/Composer";
import { sidebarOpen } from "../inbox/InboxPage";
import { contact, displayName } from "../state/contacts";
import { cached, cacheVersion, patchConversation, upsertConversation } from "../state/inbox";
import { follow, sendReceipt, unfollow } from "../state/live";
import { openThread, thread } from "../state/messages";
import { openConversation } from "../state/router";
import { typingIn } from "../state/typing";
import { pageVisible } from "../state/visibility";
import { Avatar } from "../ui/Avatar";
import { Icon } from "../ui/icons";
import { dateTime } from "../ui/format";
import { ConversationActions } from "./ConversationActions";
import { MessageList } from "./MessageList";

export function ConversationPane(p: { id: string }) {
  const { id } = p;
  cacheVersion.value;
  const c = cached(id);
  const [error, setError] = useState<string | null>(null);
  const t = thread(id).value;

  useEffect(() => {
    if (!cached(id)) ep.getConversation(id).then(upsertConversation, (e) => setError(errorText(e)));
    // Follow only once the latest page is in: a resume replays everything after the last
    // loaded seq, so following an empty thread would replay the whole log over the socket.
    let closed = false;
    void openThread(id).then(() => {
      if (!closed && thread(id).value.loaded) follow(id);
    });
    return () => {
      closed = true;
      unfollow(id);
    };
  }, [id]);

  // Read receipts: everything loaded is read while the pane is visible.
  const last = t.items.length ? t.items[t.items.length - 1].seq : 0;
  const visible = pageVisible.value;
  useEffect(() => {
    if (!c || !visible || !last) return;
    if (last > c.agent_read_seq || c.unread_by_agent > 0) {
      sendReceipt(id, last);
      patchConversation(id, (x) => ({ ...x, agent_read_seq: Math.max(x.agent_read_seq, last), unread_by_agent: 0 }));
    }
  }, [id, last, visible, c?.agent_read_seq, c?.unread_by_agent]);

  if (error && !c) {
    return (
      <main class="pane pane-empty">
        <div class="empty">
          <p class="form-error">{error}</p>
          <button class="btn" onClick={() => openConversation(null)}>
            Close
          </button>
        </div>
      </main>
    );
  }
  if (!c) {
    return (
      <main class="pane pane-empty">
        <div class="spinner" aria-label="Loading" />
      </main>
    );
  }
  const person = contact(c.contact_id).value;
  const name = displayName(person, c.contact_id);
  const sub = [
    c.status === "snoozed" && c.snoozed_until ? `Snoozed until ${dateTime(c.snoozed_until)}` : "",
    person?.email && person.email !== name ? person.email : "",
  ].filter(Boolean);
  return (
    <main class="pane" aria-label={`Conversation with ${name}`}>
      <header class="pane-head">
        <button class="icon-btn back-btn" aria-label="Back to the list" onClick={() => openConversation(null)}>
          ←
        </button>
        <Avatar name={name} seed={c.contact_id} />
        <div class="pane-title">
          <h2 title={name}>{name}</h2>
          {sub.length > 0 && (
            <div class="pane-sub muted small" title={sub.join(" · ")}>
              {sub.join(" · ")}
            </div>
          )}
        </div>
        <ConversationActions c={c}>
          <button
            class="icon-btn sidebar-toggle"
            aria-label="Contact details"
            title="Contact details"
            aria-expanded={sidebarOpen.value}
            onClick={() => (sidebarOpen.value = !sidebarOpen.value)}
          >
            <Icon name="info" />
          </button>
        </ConversationActions>
      </header>
      <MessageList id={id} conversation={c} />
      <div class="typing-line" aria-live="polite">
        {typingIn.value[id] && (
          <span class="typing" data-testid="typing-indicator">
            <span class="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {name} is typing…
          </span>
        )}
      </div>
      <Composer conversation={c} contactName={name} />
    </main>
  );
}
