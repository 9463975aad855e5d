import { useState } from "preact/hooks";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { workspace } from "../state/session";
import { toast } from "../ui/toast";
import { Field } from "./common";

export function WorkspaceSettings() {
  const ws = workspace.value!;
  const [name, setName] = useState(ws.name);
  const [origins, setOrigins] = useState(ws.allowed_origins.join("\n"));
  const [identity, setIdentity] = useState(ws.identity_required);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const list = origins
      .split(/[\n,]/)
      .map((o) => o.trim())
      .filter(Boolean);
    const bad = list.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
    if (bad) {
      setError(`“${bad}” is not an origin: write it as https://shop.example (no path).`);
      return;
    }
    if (!name.trim()) {
      setError("The workspace needs a name.");
      return;
    }
    setBusy(true);
    try {
      workspace.value = await ep.patchWorkspace({ name: name.trim(), allowed_origins: list, identity_required: identity });
      toast("Workspace saved.");
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Workspace</h1>
      <p class="lead">Your shop's name and who may embed the chat widget.</p>
      <form class="card form-grid" onSubmit={save}>
        <Field label="Name">
          <input value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="workspace-name" />
        </Field>
        <Field label="Allowed origins" hint="One per line, e.g. https://shop.example. Empty = the widget works on any site.">
          <textarea rows={4} value={origins} onInput={(e) => setOrigins(e.currentTarget.value)} data-testid="workspace-origins" />
        </Field>
        <label class="check">
          <input type="checkbox" checked={identity} onChange={(e) => setIdentity(e.currentTarget.checked)} data-testid="workspace-identity" />
          Require identity: only visitors your site has signed in (with a signed identity token) can chat.
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div>
          <button class="btn btn-primary" type="submit" disabled={busy} data-testid="workspace-save">
            Save
          </button>
        </div>
      </form>
    </section>
  );
}
