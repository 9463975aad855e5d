import { useEffect, useState } from "preact/hooks";
import { errorText } from "./api/client";
import { InboxPage } from "./inbox/InboxPage";
import { Login } from "./login/Login";
import { SettingsPage } from "./settings/SettingsPage";
import { bootSession } from "./state/boot";
import { route } from "./state/router";
import { endSession, me, token, workspace } from "./state/session";
import { Rail } from "./Rail";
import { Toasts } from "./ui/toast";
import { ShortcutsHost } from "./shortcuts/ShortcutsHost";

export function App() {
  const t = token.value;
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!t) return;
    setError(null);
    bootSession().catch((e) => setError(errorText(e)));
  }, [t]);

  if (!t) {
    return (
      <>
        <Login />
        <Toasts />
      </>
    );
  }
  if (!me.value || !workspace.value) {
    return (
      <div class="splash">
        {error ? (
          <div class="splash-card">
            <p class="form-error">{error}</p>
            <button class="btn" onClick={() => bootSession().catch((e) => setError(errorText(e)))}>
              Try again
            </button>{" "}
            <button class="btn btn-ghost" onClick={() => endSession()}>
              Sign out
            </button>
          </div>
        ) : (
          <div class="spinner" aria-label="Loading" />
        )}
      </div>
    );
  }
  const r = route.value;
  return (
    <div class="shell">
      <Rail />
      {r.page === "settings" ? <SettingsPage tab={r.tab} /> : <InboxPage />}
      <ShortcutsHost />
      <Toasts />
    </div>
  );
}
