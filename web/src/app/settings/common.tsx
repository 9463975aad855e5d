import type { ComponentChildren } from "preact";
import { CopyButton } from "../ui/CopyButton";

export function Field(p: { label: string; hint?: string; children: ComponentChildren; for?: string }) {
  return (
    <label class="field" for={p.for}>
      <span class="field-label">{p.label}</span>
      {p.children}
      {p.hint && <span class="muted small">{p.hint}</span>}
    </label>
  );
}

/// A secret shown once, with a copy button.
export function SecretOnce(p: { secret: string; what: string; onDone: () => void }) {
  return (
    <div class="card" role="alert">
      <h2>Copy the {p.what} now</h2>
      <p class="muted">It is shown only this once: Shoptalk stores only a hash of it.</p>
      <div class="secret-box">
        <code data-testid="secret-value">{p.secret}</code>
        <CopyButton text={p.secret} what="Secret copied" testid="secret-copy" />
      </div>
      <button class="btn" onClick={p.onDone}>
        Done
      </button>
    </div>
  );
}

/// A random password people can read and type: 16 characters, no look-alikes.
export function generatePassword(length = 16): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = new Uint32Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
