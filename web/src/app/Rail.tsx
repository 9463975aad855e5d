// The narrow left rail: inbox, settings, my presence, notifications, connection, me.
import { connection, myStatus, setMyStatus } from "./state/live";
import { askPermission, permission } from "./state/notify";
import { navigate, route } from "./state/router";
import { logout, me } from "./state/session";
import { unreadCount } from "./state/inbox";
import { Avatar } from "./ui/Avatar";
import { showShortcuts } from "./shortcuts/ShortcutsHost";
import { Icon } from "./ui/icons";

export function Rail() {
  const r = route.value;
  const agent = me.value!;
  const status = myStatus.value;
  return (
    <nav class="rail" aria-label="Main">
      <div class="brand-mark" title="Shoptalk">
        S
      </div>
      <button
        class={"rail-btn" + (r.page === "inbox" ? " active" : "")}
        title="Inbox"
        aria-label="Inbox"
        data-testid="nav-inbox"
        onClick={() => navigate({ page: "inbox", view: "mine", status: "open", conversationId: null })}
      >
        <Icon name="inbox" size={20} />
        {unreadCount.value > 0 && <span class="rail-badge">{unreadCount.value > 99 ? "99+" : unreadCount.value}</span>}
      </button>
      <button
        class={"rail-btn" + (r.page === "settings" ? " active" : "")}
        title="Settings"
        aria-label="Settings"
        data-testid="nav-settings"
        onClick={() => navigate({ page: "settings", tab: "" })}
      >
        <Icon name="settings" size={20} />
      </button>
      <div class="rail-spacer" />
      {permission.value === "default" && (
        <button class="rail-btn" title="Turn on desktop notifications" aria-label="Turn on desktop notifications" onClick={() => void askPermission()}>
          <Icon name="bell" size={20} />
        </button>
      )}
      <button class="rail-btn" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" onClick={showShortcuts}>
        <Icon name="keyboard" size={20} />
      </button>
      <span class={`conn conn-${connection.value}`} title={`Connection: ${connection.value}`} aria-label={`Connection ${connection.value}`} />
      <button
        class="rail-btn presence-toggle"
        data-testid="presence-toggle"
        title={status === "online" ? "You are online — click to go away" : "You are away — click to go online"}
        aria-label={`Presence: ${status}`}
        onClick={() => setMyStatus(status === "online" ? "away" : "online")}
      >
        <Avatar name={agent.name} seed={agent.id} size="sm" presence={status} />
      </button>
      <button class="rail-btn" title="Sign out" aria-label="Sign out" onClick={() => void logout()}>
        <Icon name="logout" size={20} />
      </button>
    </nav>
  );
}
