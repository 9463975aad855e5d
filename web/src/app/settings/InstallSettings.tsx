import { useState } from "preact/hooks";
import { errorText } from "../api/client";
import * as ep from "../api/endpoints";
import { workspace } from "../state/session";
import { CodeBlock } from "../ui/CodeBlock";
import { CopyButton } from "../ui/CopyButton";

export function embedSnippet(origin: string, widgetKey: string): string {
  return `<script src="${origin}/widget.js" data-widget-key="${widgetKey}" async></script>`;
}

export function InstallSettings() {
  const ws = workspace.value!;
  const snippet = embedSnippet(location.origin, ws.widget_key);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reveal = async () => {
    try {
      setSecret((await ep.getIdentitySecret()).identity_secret);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section>
      <h1>Install</h1>
      <p class="lead">Add the chat to every page of your site.</p>
      <div class="card">
        <h2>Embed code</h2>
        <p class="muted">Paste this just before the closing &lt;/body&gt; tag.</p>
        <CodeBlock code={snippet} label="Embed code" testid="embed-snippet" />
        <div class="code-actions">
          <CopyButton text={snippet} what="Embed code copied" label="Copy embed code" testid="embed-copy" />
        </div>
      </div>
      <div class="card">
        <h2>Identify signed-in customers</h2>
        <p>
          When a customer is signed in on your site, your server can vouch for them: sign a JWT with <b>HS256</b> and the identity secret
          below, with <code>sub</code> = your customer id and <code>exp</code> = an expiry a few minutes ahead (optionally <code>name</code>{" "}
          and <code>email</code>), and hand it to the widget with <code>Shoptalk.identify(token)</code>. Conversations then follow the customer across devices. With “Require
          identity” (Workspace) only such customers can chat.
        </p>
        <p class="muted small">Keep the secret on your server: anyone holding it can impersonate your customers.</p>
        {secret ? (
          <div class="secret-box">
            <code data-testid="identity-secret">{secret}</code>
            <CopyButton text={secret} what="Secret copied" />
            <button class="btn btn-sm btn-ghost" onClick={() => setSecret(null)}>
              Hide
            </button>
          </div>
        ) : (
          <button class="btn" data-testid="identity-reveal" onClick={() => void reveal()}>
            Reveal identity secret
          </button>
        )}
        {error && <p class="form-error">{error}</p>}
        <CodeBlock label="Example: signing the token on your server" code={`// Node.js, with the jsonwebtoken package
const token = jwt.sign(
  { sub: customer.id, email: customer.email, name: customer.name },
  process.env.SHOPTALK_IDENTITY_SECRET,
  { algorithm: "HS256", expiresIn: "10m" },
);
// in the page, after the embed code:
Shoptalk.identify(token);`} />
      </div>
    </section>
  );
}
