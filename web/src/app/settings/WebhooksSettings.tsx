import { useEffect, useState } from "preact/hooks";
import type { Webhook, WebhookDelivery } from "../../shared/types";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { urlProblem } from "../composer/rich/validate";
import { Dialog } from "../ui/Dialog";
import { dateTime } from "../ui/format";
import { toast } from "../ui/toast";
import { Field, SecretOnce } from "./common";

export const EVENT_TYPES = [
  "message.created",
  "conversation.created",
  "conversation.updated",
  "contact.created",
  "contact.updated",
  "contact.merged",
];

export function WebhooksSettings() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<string[]>(["message.created", "conversation.created"]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [log, setLog] = useState<Webhook | null>(null);
  const load = () => ep.listWebhooks().then(setHooks, (e) => setError(errorText(e)));
  useEffect(() => void load(), []);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const p = urlProblem(url.trim());
    if (p) return setError(`The URL ${p}`);
    if (events.length === 0) return setError("Pick at least one event.");
    try {
      const h = await ep.createWebhook(url.trim(), events);
      setSecret(h.secret);
      setUrl("");
      void load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (h: Webhook) => {
    if (!confirm(`Delete the webhook to ${h.url}?`)) return;
    try {
      await ep.deleteWebhook(h.id);
      toast("Webhook deleted.");
      void load();
    } catch (err) {
      toast(errorText(err), "error");
    }
  };
  return (
    <section>
      <h1>Webhooks</h1>
      <p class="lead">Shoptalk POSTs signed events to your endpoints, retrying until they answer 2xx.</p>
      {secret && <SecretOnce secret={secret} what="signing secret" onDone={() => setSecret(null)} />}
      <form class="card" onSubmit={create}>
        <h2>New webhook</h2>
        <Field label="Endpoint URL">
          <input type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://shop.example/hooks/shoptalk" data-testid="webhook-url" />
        </Field>
        <div class="events-check">
          {EVENT_TYPES.map((t) => (
            <label key={t} class="check">
              <input
                type="checkbox"
                checked={events.includes(t)}
                onChange={(e) => setEvents(e.currentTarget.checked ? [...events, t] : events.filter((x) => x !== t))}
              />
              <code>{t}</code>
            </label>
          ))}
        </div>
        {error && <p class="form-error">{error}</p>}
        <button class="btn btn-primary" type="submit" data-testid="webhook-create">
          Create webhook
        </button>
      </form>
      <div class="card">
        {hooks && hooks.length === 0 && <p class="muted">No webhooks yet.</p>}
        {hooks && hooks.length > 0 && (
          <table class="table">
            <thead>
              <tr>
                <th>URL</th>
                <th>Events</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {hooks.map((h) => (
                <tr key={h.id}>
                  <td class="cell-fill">
                    <div class="cell-line">
                      <code class="trunc" title={h.url}>
                        {h.url}
                      </code>
                      {!h.active && <span class="pill pill-muted">inactive</span>}
                    </div>
                  </td>
                  <td class="small">{h.events.join(", ")}</td>
                  <td class="col-actions">
                    <div class="actions-row">
                      <button class="btn btn-sm" onClick={() => setLog(h)}>
                        Deliveries
                      </button>
                      <button class="btn btn-sm btn-danger" onClick={() => void remove(h)}>
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
      {log && <Deliveries hook={log} onClose={() => setLog(null)} />}
    </section>
  );
}

function Deliveries(p: { hook: Webhook; onClose: () => void }) {
  const [items, setItems] = useState<WebhookDelivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const more = async (c?: string) => {
    setLoading(true);
    try {
      const page = await ep.listDeliveries(p.hook.id, c);
      setItems((x) => (c ? [...x, ...page.items] : page.items));
      setCursor(page.next_cursor ?? null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void more(), [p.hook.id]);
  return (
    <Dialog title={`Deliveries to ${p.hook.url}`} onClose={p.onClose} wide>
      {error && <p class="form-error">{error}</p>}
      {!loading && items.length === 0 && !error && <p class="muted">Nothing delivered yet.</p>}
      {items.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Response</th>
              <th>When</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.event_type}</code>
                </td>
                <td>
                  <span class={"pill " + (d.status === "succeeded" ? "pill-ok" : d.status === "dead" ? "pill-bad" : "")}>{d.status}</span>
                </td>
                <td>{d.attempts}</td>
                <td class="small">
                  {d.response_status ?? "—"}
                  {d.last_error && <div class="form-error small">{d.last_error}</div>}
                </td>
                <td class="small">{dateTime(d.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button class="btn btn-sm" disabled={loading} onClick={() => void more(cursor)}>
          Load more
        </button>
      )}
    </Dialog>
  );
}
