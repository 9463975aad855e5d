import { signal } from "@preact/signals";
import { ConversationPane } from "../conversation/ConversationPane";
import { route } from "../state/router";
import { ContactSidebar } from "../sidebar/ContactSidebar";
import { ConversationList } from "./ConversationList";
import { ViewsNav } from "./ViewsNav";
import { Icon } from "../ui/icons";

/// The contact sidebar on narrow screens is an overlay toggled from the conversation header.
export const sidebarOpen = signal(false);

export function InboxPage() {
  const r = route.value;
  const id = r.page === "inbox" ? r.conversationId : null;
  return (
    <div class={"inbox" + (id ? " has-conversation" : "") + (sidebarOpen.value ? " sidebar-open" : "")}>
      <ViewsNav />
      <ConversationList />
      {id ? (
        <>
          <ConversationPane key={id} id={id} />
          <ContactSidebar key={"c" + id} conversationId={id} />
        </>
      ) : (
        <main class="pane pane-empty">
          <div class="empty">
            <div class="empty-icon" aria-hidden="true">
              <Icon name="chat" size={44} />
            </div>
            <p>Select a conversation</p>
            <p class="muted">
              <kbd>j</kbd> / <kbd>k</kbd> move through the list, <kbd>?</kbd> shows every shortcut.
            </p>
          </div>
        </main>
      )}
    </div>
  );
}
