import { useState } from "preact/hooks";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { endSession, logout, me } from "../state/session";
import { askPermission, permission } from "../state/notify";
import { Field } from "./common";

export function AccountSettings() {
  const agent = me.value!;
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const change = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (next.length < 8) return setError("The new password needs at least 8 characters.");
    if (next !== repeat) return setError("The two new passwords differ.");
    try {
      await ep.changePassword(current, next);
      // Every session ends with a password change: sign in again.
      endSession("Password changed. Sign in with the new one.");
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section>
      <h1>Account</h1>
      <p class="lead">
        {agent.name} · {agent.email} · {agent.role}
      </p>
      <form class="card form-grid" onSubmit={change}>
        <h2>Change password</h2>
        <Field label="Current password">
          <input type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field label="New password">
          <input type="password" autocomplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        </Field>
        <Field label="New password again">
          <input type="password" autocomplete="new-password" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
        </Field>
        {error && <p class="form-error">{error}</p>}
        <div>
          <button class="btn btn-primary" type="submit">
            Change password
          </button>
        </div>
      </form>
      <div class="card">
        <h2>Desktop notifications</h2>
        {permission.value === "granted" && <p>On: new conversations, and messages in your conversations while this tab is hidden.</p>}
        {permission.value === "denied" && <p class="muted">Blocked in the browser's site settings.</p>}
        {permission.value === "unsupported" && <p class="muted">This browser has no notifications.</p>}
        {permission.value === "default" && (
          <button class="btn" onClick={() => void askPermission()}>
            Turn on notifications
          </button>
        )}
      </div>
      <div class="card">
        <button class="btn btn-danger" data-testid="logout" onClick={() => void logout()}>
          Sign out
        </button>
      </div>
    </section>
  );
}
