// Views (Mine, Unassigned, All), the status filter and the label views.
import type { ConversationStatus } from "../../shared/types";
import { labels, viewCounts } from "../state/inbox";
import type { View } from "../state/inboxLogic";
import { navigate, route } from "../state/router";
import { Icon } from "../ui/icons";

const STATUSES: { id: ConversationStatus | "any"; label: string }[] = [
  { id: "open", label: "Open" },
  { id: "pending", label: "Pending" },
  { id: "snoozed", label: "Snoozed" },
  { id: "resolved", label: "Resolved" },
  { id: "any", label: "All statuses" },
];

export function ViewsNav() {
  const r = route.value;
  if (r.page !== "inbox") return null;
  const counts = viewCounts.value;
  const go = (view: View, label?: string) => navigate({ ...r, view, label, conversationId: r.conversationId });
  const item = (view: "mine" | "unassigned" | "all", text: string, icon: string) => (
    <button
      class={"view-item" + (r.view === view ? " active" : "")}
      data-testid={`view-${view}`}
      aria-current={r.view === view ? "page" : undefined}
      onClick={() => go(view)}
    >
      <span class="view-icon" aria-hidden="true">
        <Icon name={icon} size={16} />
      </span>
      <span class="view-name">{text}</span>
      {counts[view] > 0 && <span class="count" title="Open conversations loaded">{counts[view]}</span>}
    </button>
  );
  return (
    <aside class="views" aria-label="Views">
      <h2 class="views-title">Inbox</h2>
      {item("mine", "Mine", "user")}
      {item("unassigned", "Unassigned", "tray")}
      {item("all", "All", "users")}
      <h3 class="views-sub">Status</h3>
      <div class="status-filter" role="radiogroup" aria-label="Status">
        {STATUSES.map((s) => (
          <button
            key={s.id}
            role="radio"
            aria-checked={r.status === s.id}
            data-testid={`status-${s.id}`}
            class={"chip" + (r.status === s.id ? " active" : "")}
            onClick={() => navigate({ ...r, status: s.id })}
          >
            {s.label}
          </button>
        ))}
      </div>
      <h3 class="views-sub">Labels</h3>
      {labels.value.length === 0 && <p class="muted small">Labels added to conversations show here.</p>}
      {labels.value.map((l) => (
        <button
          key={l}
          class={"view-item" + (r.view === "label" && r.label === l ? " active" : "")}
          data-testid="view-label"
          onClick={() => go("label", l)}
        >
          <span class="view-icon" aria-hidden="true">
            <Icon name="tag" size={15} />
          </span>
          <span class="view-name">{l}</span>
        </button>
      ))}
    </aside>
  );
}
