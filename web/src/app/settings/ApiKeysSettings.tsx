import { useEffect, useState } from "preact/hooks";
import type { ApiKey, Scope } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { dateTime } from "../ui/format";
import { toast } from "../ui/toast";
import { Field, SecretOnce } from "./common";

export function ApiKeysSettings() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("read");
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = () => ep.listApiKeys().then(setKeys, (e) => setError(errorText(e)));
  useEffect(() => void load(), []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError("Give the key a name, e.g. the system that uses it.");
    try {
      const k = await ep.createApiKey(name.trim(), scope);
      setSecret(k.secret);
      setName("");
      void load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (k: ApiKey) => {
    if (!confirm(`Revoke “${k.name}”? Systems using it stop working at once.`)) return;
    try {
      await ep.revokeApiKey(k.id);
      toast("Key revoked.");
      void load();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  return (
    <section>
      <h1>API keys</h1>
      <p class="lead">For your backend and integrations (REST and WebSocket).</p>
      {secret && <SecretOnce secret={secret} what="API key" onDone={() => setSecret(null)} />}
      <form class="card" onSubmit={create}>
        <h2>New key</h2>
        <div class="form-row">
          <Field label="Name">
            <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="e.g. Order sync" data-testid="apikey-name" />
          </Field>
          <Field label="Scope">
            <select value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)} data-testid="apikey-scope">
              <option value="read">Read</option>
              <option value="write">Write (and read)</option>
              <option value="admin">Admin (everything)</option>
            </select>
          </Field>
          <button class="btn btn-primary" type="submit" data-testid="apikey-create">
            Create key
          </button>
        </div>
        {error && <p class="form-error">{error}</p>}
      </form>
      <div class="card">
        {keys && keys.length === 0 && <p class="muted">No keys yet.</p>}
        {keys && keys.length > 0 && (
          <table class="table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Scope</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td class="cell-fill">
                    <span class="trunc" title={k.name}>
                      {k.name}
                    </span>
                  </td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scope}</td>
                  <td>{dateTime(k.created_at)}</td>
                  <td class="col-actions">
                    {k.revoked_at ? (
                      <span class="pill pill-muted">Revoked</span>
                    ) : (
                      <button class="btn btn-sm btn-danger" onClick={() => void revoke(k)}>
                        Revoke
                      </button>
                    )}
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
