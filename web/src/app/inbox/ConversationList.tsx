// The conversation list: search, a virtualised list with infinite scroll.
import type { Conversation } from "../../shared/types";
import { list, listError, listLoading, loadMore, search } from "../state/inbox";
import { openConversation, route } from "../state/router";
import { VirtualList } from "../ui/VirtualList";
import { ConversationRow } from "./ConversationRow";

const ROW = 78;

function emptyText(r: ReturnType<typeof route.peek>): string {
  if (r.page !== "inbox") return "";
  if (r.status === "open") return r.view === "mine" ? "Nothing assigned to you is open. Nice work!" : "No open conversations here. Nice work!";
  if (r.status === "any") return "No conversations here yet.";
  return `No ${r.status} conversations here.`;
}

export function ConversationList() {
  const r = route.value;
  const current = r.page === "inbox" ? r.conversationId : null;
  const state = list.value;
  const title =
    r.page !== "inbox" ? "" : r.view === "mine" ? "Mine" : r.view === "unassigned" ? "Unassigned" : r.view === "all" ? "All" : `#${r.label}`;
  return (
    <section class="list" aria-label="Conversations">
      <div class="list-head">
        <div class="list-title">
          <h2>{title}</h2>
          <span class="muted small">
            {state.items.length}
            {state.nextCursor ? "+" : ""} {r.page === "inbox" && r.status !== "any" ? r.status : ""}
          </span>
        </div>
        <input
          id="search"
          class="search"
          type="search"
          placeholder="Search name, email, text  ( / )"
          value={search.value}
          onInput={(e) => (search.value = e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              search.value = "";
              e.currentTarget.blur();
            }
          }}
          aria-label="Search conversations"
        />
      </div>
      {listError.value && (
        <p class="form-error pad" role="alert">
          {listError.value}
        </p>
      )}
      {!listLoading.value && state.items.length === 0 && !listError.value && (
        <div class="list-empty muted">{search.value ? "No conversation matches your search." : emptyText(r)}</div>
      )}
      <VirtualList<Conversation>
        class="list-scroll"
        items={state.items}
        keyOf={(c) => c.id}
        estimate={ROW}
        fixedHeight={ROW}
        stickToTop
        revealKey={current}
        onNearBottom={() => void loadMore()}
        role="list"
        label="Conversations"
        render={(c) => <ConversationRow c={c} active={c.id === current} onOpen={() => openConversation(c.id)} />}
        footer={listLoading.value ? <div class="list-loading muted small">Loading…</div> : null}
      />
    </section>
  );
}
