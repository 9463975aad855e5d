// Settings › Integrations: Shopify (webhooks in, Admin API for refunds and cancellations) and
// Stripe (payments). Secrets are write-only: the server says whether one is set, never what it
// is; a secret left blank keeps the stored one. Disconnecting sends `null`.
import { useEffect, useState } from "preact/hooks";
import type { Integrations, IntegrationsPatch } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { workspace } from "../state/session";
import { CopyButton } from "../ui/CopyButton";
import { toast } from "../ui/toast";
import { Field } from "./common";
import { isSet, shopifyPatch, stripePatch, webhookUrls, type Checked } from "./shopLogic";

export function IntegrationsSettings() {
  const [current, setCurrent] = useState<Integrations | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    commerce.getIntegrations().then(setCurrent, (e) => setError(errorText(e)));
  }, []);
  const urls = webhookUrls(location.origin, workspace.value?.id ?? "");
  return (
    <section>
      <h1>Integrations</h1>
      <p class="lead">Connect your Shopify store and your Stripe account.</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!current && !error && <div class="spinner" aria-label="Loading" />}
      {current && (
        <>
          <ShopifyCard current={current} url={urls.shopify} onSaved={setCurrent} />
          <StripeCard current={current} url={urls.stripe} onSaved={setCurrent} />
        </>
      )}
    </section>
  );
}

/// A secret's field: blank keeps what is stored.
function SecretField(p: { label: string; set: boolean; value: string; onInput: (v: string) => void; testid: string; placeholder: string }) {
  return (
    <Field label={p.label} hint={p.set ? "Set. Type a new one to replace it; leave blank to keep it." : "Not set."}>
      <input
        type="password"
        autoComplete="off"
        spellcheck={false}
        value={p.value}
        placeholder={p.set ? "•••••••• (set)" : p.placeholder}
        data-testid={p.testid}
        onInput={(e) => p.onInput(e.currentTarget.value)}
      />
    </Field>
  );
}

function WebhookUrl(p: { label: string; url: string; testid: string }) {
  return (
    <div class="field">
      <span class="field-label">{p.label}</span>
      <div class="secret-box">
        <code data-testid={p.testid}>{p.url}</code>
        <CopyButton text={p.url} what="Webhook URL copied" />
      </div>
    </div>
  );
}

/// Saves one integration's PATCH, showing the problem or the server's refusal.
function useSave(onSaved: (i: Integrations) => void, done: () => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (checked: Checked<IntegrationsPatch>, saved: string) => {
    if (!checked.ok) return setError(checked.problem);
    setBusy(true);
    setError(null);
    try {
      onSaved(await commerce.patchIntegrations(checked.value));
      done();
      toast(saved);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, busy, save };
}

function ShopifyCard(p: { current: Integrations; url: string; onSaved: (i: Integrations) => void }) {
  const s = p.current.shopify;
  const [domain, setDomain] = useState(s?.shop_domain ?? "");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [adminToken, setAdminToken] = useState("");
  const { error, setError, busy, save } = useSave(p.onSaved, () => {
    setWebhookSecret("");
    setAdminToken("");
  });
  return (
    <form
      class="card form-grid"
      aria-labelledby="int-shopify"
      onSubmit={(e) => {
        e.preventDefault();
        void save(shopifyPatch({ domain, webhookSecret, adminToken }), "Shopify saved.");
      }}
    >
      <h2 id="int-shopify">Shopify</h2>
      <p class="muted small">
        Orders, carts and customers come in through Shopify's webhooks; refunds and cancellations go out through the Admin API.
      </p>
      <Field label="Shop domain">
        <input value={domain} placeholder="example.myshopify.com" data-testid="shopify-domain" onInput={(e) => (setDomain(e.currentTarget.value), setError(null))} />
      </Field>
      <SecretField label="Webhook secret (the app's client secret)" set={isSet(s?.webhook_secret)} value={webhookSecret} onInput={setWebhookSecret} testid="shopify-webhook-secret" placeholder="The app's client secret" />
      <SecretField label="Admin API access token" set={isSet(s?.admin_access_token)} value={adminToken} onInput={setAdminToken} testid="shopify-admin-token" placeholder="shpat_…" />
      <WebhookUrl label="Webhook URL to paste into Shopify" url={p.url} testid="shopify-webhook-url" />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button class="btn btn-primary" type="submit" disabled={busy} data-testid="shopify-save">
          Save Shopify
        </button>
      </div>
      {s && <Disconnect what="Shopify" consequence="Its webhooks will be refused and refunds will no longer reach it." busy={busy} onConfirm={() => void save({ ok: true, value: { shopify: null } }, "Shopify disconnected.")} />}
    </form>
  );
}

function StripeCard(p: { current: Integrations; url: string; onSaved: (i: Integrations) => void }) {
  const s = p.current.stripe;
  const [secretKey, setSecretKey] = useState("");
  const [webhookSecret, setWebhookSecret] = useState("");
  const { error, busy, save } = useSave(p.onSaved, () => {
    setSecretKey("");
    setWebhookSecret("");
  });
  return (
    <form
      class="card form-grid"
      aria-labelledby="int-stripe"
      onSubmit={(e) => {
        e.preventDefault();
        void save(stripePatch({ secretKey, webhookSecret }), "Stripe saved.");
      }}
    >
      <h2 id="int-stripe">Stripe</h2>
      <p class="muted small">Payment links lead to Stripe Checkout when Stripe is the shop's payment provider (Settings › Shop).</p>
      <SecretField label="Secret key" set={isSet(s?.secret_key)} value={secretKey} onInput={setSecretKey} testid="stripe-secret-key" placeholder="sk_live_…" />
      <SecretField label="Webhook signing secret" set={isSet(s?.webhook_secret)} value={webhookSecret} onInput={setWebhookSecret} testid="stripe-webhook-secret" placeholder="whsec_…" />
      <WebhookUrl label="Webhook URL to paste into Stripe" url={p.url} testid="stripe-webhook-url" />
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button class="btn btn-primary" type="submit" disabled={busy} data-testid="stripe-save">
          Save Stripe
        </button>
      </div>
      {s && <Disconnect what="Stripe" consequence="Payment links will no longer lead to Stripe." busy={busy} onConfirm={() => void save({ ok: true, value: { stripe: null } }, "Stripe disconnected.")} />}
    </form>
  );
}

/// Disconnecting asks first.
function Disconnect(p: { what: string; consequence: string; busy: boolean; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <div>
        <button type="button" class="btn btn-danger btn-sm" onClick={() => setAsking(true)}>
          Disconnect {p.what}
        </button>
      </div>
    );
  }
  return (
    <div class="action-panel" role="group" aria-label={`Disconnect ${p.what}`}>
      <p>
        Disconnect {p.what}? {p.consequence}
      </p>
      <div class="actions-row">
        <button type="button" class="btn btn-danger btn-sm" disabled={p.busy} onClick={p.onConfirm}>
          Yes, disconnect
        </button>
        <button type="button" class="btn btn-ghost btn-sm" onClick={() => setAsking(false)}>
          Keep
        </button>
      </div>
    </div>
  );
}
