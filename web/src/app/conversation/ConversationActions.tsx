// The conversation header's actions: assign, labels, snooze, resolve / reopen.
import { useState } from "preact/hooks";
import type { Conversation } from "../../shared/types";
import { addKnownLabel, labels as knownLabels } from "../state/inbox";
import { agents, presence } from "../state/presence";
import { me } from "../state/session";
import { Avatar } from "../ui/Avatar";
import { Icon } from "../ui/icons";
import { menuKeys, Popover } from "../ui/Popover";
import { assign, assignToMe, openMenu, setLabels, setPending, snooze, snoozePresets, toggleResolved } from "./actions";

export function ConversationActions(p: { c: Conversation }) {
  const { c } = p;
  const menu = openMenu.value;
  const close = () => (openMenu.value = null);
  const toggle = (m: "assign" | "labels" | "snooze") => (openMenu.value = menu === m ? null : m);
  const mine = c.assignee_id === me.value?.id;
  return (
    <div class="conv-actions">
      <button
        class="btn btn-sm"
        data-testid="action-assign-me"
        onClick={() => void assignToMe(c.id)}
        title={mine ? "Assigned to you (a)" : "Assign to me (a)"}
        aria-pressed={mine}
      >
        {mine ? "Mine" : "Assign to me"}
      </button>
      <div class="menu-anchor">
        <button class="btn btn-sm" data-testid="action-assign" onClick={() => toggle("assign")} aria-haspopup="menu" aria-expanded={menu === "assign"}>
          <Icon name="user" size={14} /> {c.assignee_id ? (agents.value.find((a) => a.id === c.assignee_id)?.name ?? "Assigned") : "Unassigned"} ▾
        </button>
        <Popover open={menu === "assign"} onClose={close} align="right">
          <div onKeyDown={menuKeys}>
            <button class="menu-item" onClick={() => (close(), void assignToMe(c.id))}>
              Assign to me
            </button>
            {agents.value
              .filter((a) => a.active && a.id !== me.value?.id)
              .map((a) => (
                <button key={a.id} class="menu-item" onClick={() => (close(), void assign(c.id, a.id, a.name))}>
                  <Avatar name={a.name} seed={a.id} size="sm" presence={presence.value[a.id] ?? "offline"} /> {a.name}
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
        <button class="btn btn-sm" data-testid="action-labels" onClick={() => toggle("labels")} title="Labels (l)" aria-expanded={menu === "labels"}>
          <Icon name="tag" size={14} /> Labels ▾
        </button>
        <Popover open={menu === "labels"} onClose={close} align="right" class="labels-pop">
          <LabelEditor c={c} />
        </Popover>
      </div>
      <div class="menu-anchor">
        <button class="btn btn-sm" data-testid="action-snooze" onClick={() => toggle("snooze")} title="Snooze (s)" aria-expanded={menu === "snooze"}>
          <Icon name="clock" size={14} /> Snooze ▾
        </button>
        <Popover open={menu === "snooze"} onClose={close} align="right">
          <SnoozeMenu id={c.id} onDone={close} />
        </Popover>
      </div>
      {c.status !== "pending" && c.status !== "resolved" && (
        <button class="btn btn-sm btn-ghost" onClick={() => void setPending(c.id)} title="Mark pending">
          Pending
        </button>
      )}
      <button
        class={"btn btn-sm " + (c.status === "resolved" ? "" : "btn-primary")}
        data-testid="action-resolve"
        onClick={() => void toggleResolved(c.id)}
        title={c.status === "resolved" ? "Reopen (e)" : "Resolve (e)"}
      >
        {c.status === "resolved" ? "Reopen" : <><Icon name="check" size={14} /> Resolve</>}
      </button>
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
