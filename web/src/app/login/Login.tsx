import { useState } from "preact/hooks";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { sessionNotice, startSession } from "../state/session";

export function Login() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!email.trim() || !password) {
      setError("Enter your email and password.");
      return;
    }
    setBusy(true);
    try {
      startSession(await ep.login(email.trim(), password));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} noValidate>
        <div class="brand">
          <span class="brand-mark">S</span> Shoptalk
        </div>
        <h1>Sign in</h1>
        {sessionNotice.value && !error && <p class="notice">{sessionNotice.value}</p>}
        <label for="email">Email</label>
        <input
          id="email"
          type="email"
          autocomplete="username"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          autoFocus
        />
        <label for="password">Password</label>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" data-testid="login-submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
