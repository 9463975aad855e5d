import { useState } from "preact/hooks";
import type { CannedResponse } from "../../shared/types";
import { LIMITS } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { canned, loadCanned } from "../state/canned";
import { toast } from "../ui/toast";
import { Field } from "./common";
import { useEffect } from "preact/hooks";

const EMPTY = { shortcut: "", title: "", text: "" };

export function cannedProblem(c: ep.CannedInput): string | null {
  if (!/^[a-z0-9_-]{1,32}$/.test(c.shortcut)) return "The shortcut is 1–32 of a–z, 0–9, - and _ (no spaces).";
  if (!c.title.trim()) return "Give the response a title.";
  if (!c.text.trim()) return "The text must not be empty.";
  if ([...c.text].length > LIMITS.TEXT_MAX_CHARS) return `The text is at most ${LIMITS.TEXT_MAX_CHARS} characters.`;
  return null;
}

export function CannedSettings() {
  const [draft, setDraft] = useState<ep.CannedInput>(EMPTY);
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void loadCanned(), []);
  const save = async (e: Event) => {
    e.preventDefault();
    const input = { shortcut: draft.shortcut.trim().toLowerCase(), title: draft.title.trim(), text: draft.text };
    const p = cannedProblem(input);
    if (p) return setError(p);
    setError(null);
    try {
      if (editing) await ep.patchCanned(editing.id, input);
      else await ep.createCanned(input);
      toast(editing ? "Response saved." : "Response added.");
      setDraft(EMPTY);
      setEditing(null);
      void loadCanned();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (c: CannedResponse) => {
    if (!confirm(`Delete /${c.shortcut}?`)) return;
    try {
      await ep.deleteCanned(c.id);
      void loadCanned();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  return (
    <section>
      <h1>Canned responses</h1>
      <p class="lead">
        Type <kbd>/</kbd> and the shortcut in the reply box. Variables: <code>{"{{contact.first_name}}"}</code> <code>{"{{contact.name}}"}</code>{" "}
        <code>{"{{contact.email}}"}</code> <code>{"{{agent.name}}"}</code> <code>{"{{workspace.name}}"}</code>
      </p>
      <form class="card form-grid" onSubmit={save}>
        <h2>{editing ? `Edit /${editing.shortcut}` : "New response"}</h2>
        <div class="form-row">
          <Field label="Shortcut">
            <input value={draft.shortcut} onInput={(e) => setDraft({ ...draft, shortcut: e.currentTarget.value })} placeholder="e.g. shipping" data-testid="canned-shortcut" />
          </Field>
          <Field label="Title">
            <input value={draft.title} onInput={(e) => setDraft({ ...draft, title: e.currentTarget.value })} data-testid="canned-title" />
          </Field>
        </div>
        <Field label="Text">
          <textarea rows={4} value={draft.text} onInput={(e) => setDraft({ ...draft, text: e.currentTarget.value })} data-testid="canned-text" />
        </Field>
        {error && <p class="form-error">{error}</p>}
        <div class="actions-row">
          <button class="btn btn-primary" type="submit" data-testid="canned-save">
            {editing ? "Save" : "Add"}
          </button>
          {editing && (
            <button class="btn btn-ghost" type="button" onClick={() => (setEditing(null), setDraft(EMPTY))}>
              Cancel
            </button>
          )}
        </div>
      </form>
      <div class="card">
        {canned.value.length === 0 && <p class="muted">No canned responses yet.</p>}
        {canned.value.length > 0 && (
          <table class="table">
            <tbody>
              {canned.value.map((c) => (
                <tr key={c.id}>
                  <td class="col-min">
                    <code>/{c.shortcut}</code>
                  </td>
                  <td class="cell-fill cell-wide">
                    <b class="trunc" title={c.title}>
                      {c.title}
                    </b>
                    <div class="muted small trunc" title={c.text}>
                      {c.text}
                    </div>
                  </td>
                  <td class="col-actions">
                    <div class="actions-row">
                      <button class="btn btn-sm" onClick={() => (setEditing(c), setDraft({ shortcut: c.shortcut, title: c.title, text: c.text }))}>
                        Edit
                      </button>
                      <button class="btn btn-sm btn-danger" onClick={() => void remove(c)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
