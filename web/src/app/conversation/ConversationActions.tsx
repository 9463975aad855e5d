// The conversation header's actions: status, assign, labels, snooze, resolve / reopen.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { Conversation, ConversationStatus } from "../../shared/types";
import { addKnownLabel, labels as knownLabels } from "../state/inbox";
import { agents, presence } from "../state/presence";
import { me } from "../state/session";
import { Avatar } from "../ui/Avatar";
import { Icon } from "../ui/icons";
import { menuKeys, Popover } from "../ui/Popover";
import { assign, assignToMe, openMenu, reopen, resolve, setLabels, setPending, snooze, snoozePresets, toggleResolved } from "./actions";

const STATUS_LABEL: Record<ConversationStatus, string> = {
  open: "Open",
  pending: "Pending",
  snoozed: "Snoozed",
  resolved: "Resolved",
};

/// One line of compact controls: status (a menu: open / pending / resolved), assign to me, the
/// assignee menu, labels and snooze (icon buttons with names and tooltips), resolve / reopen.
export function ConversationActions(p: { c: Conversation; children?: ComponentChildren }) {
  const { c } = p;
  const menu = openMenu.value;
  const close = () => (openMenu.value = null);
  const toggle = (m: "status" | "assign" | "labels" | "snooze") => (openMenu.value = menu === m ? null : m);
  const mine = c.assignee_id === me.value?.id;
  const assignee = c.assignee_id ? (agents.value.find((a) => a.id === c.assignee_id)?.name ?? "Assigned") : null;
  const resolved = c.status === "resolved";
  const statusItems: { id: ConversationStatus; hint: string; run: () => unknown }[] = [
    { id: "open", hint: "Needs a reply", run: () => reopen(c.id) },
    { id: "pending", hint: "Waiting on the customer", run: () => setPending(c.id) },
    { id: "resolved", hint: "Done (e)", run: () => resolve(c.id) },
  ];
  return (
    <div class="conv-actions" role="group" aria-label="Conversation actions">
      <div class="menu-anchor">
        <button
          class={`btn btn-sm status-btn status-btn-${c.status}`}
          data-testid="action-status"
          onClick={() => toggle("status")}
          aria-haspopup="menu"
          aria-expanded={menu === "status"}
          aria-label={`Status: ${STATUS_LABEL[c.status]}`}
          title="Change the status"
        >
          <span class="status-dot" aria-hidden="true" />
          <span>{STATUS_LABEL[c.status]}</span>
          <Icon name="chevron-down" size={12} />
        </button>
        <Popover open={menu === "status"} onClose={close} align="left">
          <div onKeyDown={menuKeys} class="status-menu">
            {statusItems.map((s) => (
              <button
                key={s.id}
                class="menu-item"
                role="menuitemradio"
                aria-checked={c.status === s.id}
                data-testid={`status-set-${s.id}`}
                onClick={() => (close(), c.status === s.id ? undefined : void s.run())}
              >
                <span class={`status-dot status-dot-${s.id}`} aria-hidden="true" />
                <span class="menu-text">
                  {STATUS_LABEL[s.id]}
                  <span class="muted small">{s.hint}</span>
                </span>
                {c.status === s.id && <Icon name="check" size={14} />}
              </button>
            ))}
          </div>
        </Popover>
      </div>
      <button
        class={"btn btn-sm btn-icon" + (mine ? " btn-on" : "")}
        data-testid="action-assign-me"
        onClick={() => void assignToMe(c.id)}
        aria-label="Assign to me"
        title={mine ? "Assigned to you (a)" : "Assign to me (a)"}
        aria-pressed={mine}
      >
        <Icon name={mine ? "user-check" : "user-plus"} size={15} />
      </button>
      <div class="menu-anchor">
        <button
          class="btn btn-sm assignee-btn"
          data-testid="action-assign"
          onClick={() => toggle("assign")}
          aria-haspopup="menu"
          aria-expanded={menu === "assign"}
          aria-label={`Assignee: ${assignee ?? "Unassigned"}`}
          title={assignee ? `Assigned to ${assignee}` : "Unassigned"}
        >
          {assignee && c.assignee_id ? <Avatar name={assignee} seed={c.assignee_id} size="xs" /> : <Icon name="user" size={14} />}
          <span class="assignee-name">{assignee ?? "Unassigned"}</span>
          <Icon name="chevron-down" size={12} />
        </button>
        <Popover open={menu === "assign"} onClose={close} align="right">
          <div onKeyDown={menuKeys}>
            <button class="menu-item" onClick={() => (close(), void assignToMe(c.id))}>
              <Icon name="user-plus" size={16} /> Assign to me
            </button>
            {agents.value
              .filter((a) => a.active && a.id !== me.value?.id)
              .map((a) => (
                <button key={a.id} class="menu-item" onClick={() => (close(), void assign(c.id, a.id, a.name))}>
                  <Avatar name={a.name} seed={a.id} size="sm" presence={presence.value[a.id] ?? "offline"} /> <span class="menu-text">{a.name}</span>
                </button>
              ))}
            {c.assignee_id && (
              <button class="menu-item danger" onClick={() => (close(), void assign(c.id, null))}>
                Unassign
              </button>
            )}
          </div>
        </Popover>
      </div>
      <div class="menu-anchor">
        <button
          class="btn btn-sm btn-icon"
          data-testid="action-labels"
          onClick={() => toggle("labels")}
          aria-label={c.labels.length ? `Labels (${c.labels.length})` : "Labels"}
          title={c.labels.length ? `Labels: ${c.labels.join(", ")} (l)` : "Labels (l)"}
          aria-haspopup="dialog"
          aria-expanded={menu === "labels"}
        >
          <Icon name="tag" size={15} />
          {c.labels.length > 0 && (
            <span class="btn-count" aria-hidden="true">
              {c.labels.length}
            </span>
          )}
        </button>
        <Popover open={menu === "labels"} onClose={close} align="right" class="labels-pop" role="dialog" label="Labels">
          <LabelEditor c={c} />
        </Popover>
      </div>
      <div class="menu-anchor">
        <button
          class="btn btn-sm btn-icon"
          data-testid="action-snooze"
          onClick={() => toggle("snooze")}
          aria-label="Snooze"
          title="Snooze (s)"
          aria-haspopup="menu"
          aria-expanded={menu === "snooze"}
        >
          <Icon name="clock" size={15} />
        </button>
        <Popover open={menu === "snooze"} onClose={close} align="right">
          <SnoozeMenu id={c.id} onDone={close} />
        </Popover>
      </div>
      <button
        class={"btn btn-sm resolve-btn " + (resolved ? "" : "btn-primary")}
        data-testid="action-resolve"
        onClick={() => void toggleResolved(c.id)}
        title={resolved ? "Reopen (e)" : "Resolve (e)"}
      >
        <Icon name={resolved ? "reopen" : "check"} size={14} />
        <span class="resolve-label">{resolved ? "Reopen" : "Resolve"}</span>
      </button>
      {p.children}
    </div>
  );
}

function SnoozeMenu(p: { id: string; onDone: () => void }) {
  const [custom, setCustom] = useState("");
  const presets = snoozePresets();
  return (
    <div onKeyDown={menuKeys} class="snooze-menu">
      {presets.map((s) => (
        <button key={s.id} class="menu-item" data-testid={`snooze-${s.id}`} onClick={() => (p.onDone(), void snooze(p.id, s.at))}>
          {s.label}
          <span class="muted small"> {s.at.toLocaleString(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" })}</span>
        </button>
      ))}
      <form
        class="snooze-custom"
        onSubmit={(e) => {
          e.preventDefault();
          const at = new Date(custom);
          if (!custom || isNaN(at.getTime()) || at.getTime() <= Date.now()) return;
          p.onDone();
          void snooze(p.id, at);
        }}
      >
        <label class="small muted" for="snooze-at">
          Until…
        </label>
        <input id="snooze-at" type="datetime-local" value={custom} onInput={(e) => setCustom(e.currentTarget.value)} />
        <button class="btn btn-sm" type="submit" disabled={!custom || new Date(custom).getTime() <= Date.now()}>
          Snooze
        </button>
      </form>
    </div>
  );
}

function LabelEditor(p: { c: Conversation }) {
  const [text, setText] = useState("");
  const current = p.c.labels;
  const add = (l: string) => {
    const label = l.trim();
    if (!label || current.includes(label)) return;
    addKnownLabel(label);
    void setLabels(p.c.id, [...current, label]);
    setText("");
  };
  const suggestions = knownLabels.value.filter((l) => !current.includes(l) && l.toLowerCase().includes(text.toLowerCase())).slice(0, 8);
  return (
    <div class="label-editor">
      <div class="chips">
        {current.length === 0 && <span class="muted small">No labels yet.</span>}
        {current.map((l) => (
          <span key={l} class="label-chip removable">
            {l}
            <button aria-label={`Remove label ${l}`} onClick={() => void setLabels(p.c.id, current.filter((x) => x !== l))}>
              ✕
            </button>
          </span>
        ))}
      </div>
      <input
        placeholder="Add a label…"
        value={text}
        data-testid="label-input"
        maxLength={64}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            add(text);
          }
        }}
      />
      {suggestions.length > 0 && (
        <div class="suggestions">
          {suggestions.map((l) => (
            <button key={l} class="menu-item" onClick={() => add(l)}>
              # {l}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
