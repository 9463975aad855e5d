// The pay page: what is being paid (shop, description, lines, amount), a card number, Pay.
// The built-in test provider takes test cards (4242 4242 4242 4242 pays, 4000 0000 0000 0002
// is declined); another provider's payments continue at its own page (`pay_url`). Every
// outcome is announced (role=alert / focus moved to the new heading).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type ApiClient } from "../shared/api";
import { formatAmount } from "../shared/format";
import { safeUrl } from "../shared/safeUrl";
import type { PayPage as PayInfo } from "../shared/types";
import { cardDigits, phaseOf, validPaymentId, type Phase } from "./payLogic";

const anon: ApiClient = { baseUrl: "", token: () => null };
const locale = () => (typeof navigator !== "undefined" && navigator.language) || "en";

type Load = { kind: "loading" } | { kind: "missing"; message: string } | { kind: "ready"; payment: PayInfo; phase: Phase };

export function PayPage(p: { paymentId: string }) {
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const fetchPayment = async () => {
    if (!validPaymentId(p.paymentId)) {
      setLoad({ kind: "missing", message: "This payment link is not valid. Ask the shop in the chat for a new one." });
      return;
    }
    try {
      const payment = await api<PayInfo>(anon, "GET", `/api/v1/pay/${p.paymentId}`);
      setLoad({ kind: "ready", payment, phase: phaseOf(payment.status) });
    } catch (e) {
      const message =
        e instanceof ApiError && e.status === 404
          ? "This payment link does not exist. Ask the shop in the chat for a new one."
          : e instanceof ApiError
            ? e.message
            : "The payment could not be loaded.";
      setLoad({ kind: "missing", message });
    }
  };
  useEffect(() => void fetchPayment(), [p.paymentId]);

  useEffect(() => {
    if (load.kind === "ready") document.title = `Pay ${load.payment.shop_name}`;
  }, [load]);

  return (
    <main class="pay" data-testid="pay-page">
      {load.kind === "loading" && (
        <p class="pay-note" role="status">
          Loading…
        </p>
      )}
      {load.kind === "missing" && (
        <Outcome title="Payment not found" testid="pay-missing">
          {load.message}
        </Outcome>
      )}
      {load.kind === "ready" && (
        <Ready
          payment={load.payment}
          phase={load.phase}
          setPhase={(phase) => setLoad({ ...load, phase })}
          reload={() => void fetchPayment()}
        />
      )}
    </main>
  );
}

function Ready(p: { payment: PayInfo; phase: Phase; setPhase: (ph: Phase) => void; reload: () => void }) {
  const { payment } = p;
  const amount = formatAmount(payment.amount_minor, payment.currency, locale());
  return (
    <>
      <section class="pay-card" aria-labelledby="pay-what">
        <p class="pay-shop">{payment.shop_name}</p>
        <h1 id="pay-what" class="pay-amount" data-testid="pay-amount">
          {amount}
        </h1>
        <p class="pay-desc">{payment.description}</p>
        {payment.order_number && <p class="pay-muted">Order {payment.order_number}</p>}
        <Lines payment={payment} />
      </section>
      {p.phase === "form" &&
        (payment.provider === "test" ? (
          <CardForm payment={payment} amount={amount} onPaid={() => p.setPhase("paid")} onConflict={p.reload} />
        ) : (
          <Elsewhere url={payment.pay_url} />
        ))}
      {p.phase === "paid" && (
        <Outcome title="Paid" testid="pay-paid" ok>
          Paid — you can close this tab and return to the chat.
        </Outcome>
      )}
      {p.phase === "already_paid" && (
        <Outcome title="Already paid" testid="pay-already-paid" ok>
          This has already been paid. You can close this tab and return to the chat.
        </Outcome>
      )}
      {p.phase === "closed" && (
        <Outcome title={payment.status === "expired" ? "Link expired" : "Payment cancelled"} testid="pay-closed">
          This payment link can no longer be used. Ask the shop in the chat for a new one.
        </Outcome>
      )}
    </>
  );
}

function Lines(p: { payment: PayInfo }) {
  const lines = Array.isArray(p.payment.lines) ? p.payment.lines : [];
  if (!lines.length) return null;
  const money = (minor: number) => formatAmount(minor, p.payment.currency, locale());
  return (
    <table class="pay-lines">
      <caption class="sr-only">Items</caption>
      <thead class="sr-only">
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Quantity</th>
          <th scope="col">Price</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l, i) => (
          <tr key={i}>
            <td>{String(l.title ?? "")}</td>
            <td class="pay-q">× {Number(l.quantity) || 1}</td>
            <td class="pay-price">{money((Number(l.unit_price_minor) || 0) * (Number(l.quantity) || 1))}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/// The card number and the Pay button. A decline keeps the form, says why and puts focus back
/// in the field; success hands over to the "Paid" state.
function CardForm(p: { payment: PayInfo; amount: string; onPaid: () => void; onConflict: () => void }) {
  const [card, setCard] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);

  const fail = (message: string) => {
    setError(message);
    input.current?.focus();
  };
  const pay = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const digits = cardDigits(card);
    if (!digits) return fail("Enter the card number: 12 to 19 digits.");
    setBusy(true);
    setError(null);
    try {
      await api(anon, "POST", `/api/v1/pay/${p.payment.id}`, { card_number: digits });
      p.onPaid();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return p.onConflict(); // paid or closed meanwhile
      // A decline (402) and the server's other refusals come with a sentence for the customer.
      fail(err instanceof ApiError && err.message ? err.message : "The payment could not be sent. Try again.");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="pay-card pay-form" onSubmit={pay} noValidate aria-label="Card payment">
      <label class="pay-label" for="pay-card-number">
        Card number
      </label>
      <input
        ref={input}
        id="pay-card-number"
        data-testid="pay-card-number"
        class="pay-input"
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="1234 5678 9012 3456"
        maxLength={23}
        value={card}
        disabled={busy}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "pay-error pay-hint" : "pay-hint"}
        onInput={(e) => setCard(e.currentTarget.value)}
      />
      <p id="pay-hint" class="pay-muted">
        Test card: 4242 4242 4242 4242 is paid; 4000 0000 0000 0002 is declined.
      </p>
      {error && (
        <p id="pay-error" class="pay-error" role="alert" data-testid="pay-error">
          {error}
        </p>
      )}
      <button type="submit" class="pay-button" data-testid="pay-submit" aria-busy={busy || undefined} disabled={busy}>
        {busy ? "Paying…" : "Pay"}
      </button>
      <p class="pay-muted pay-center">You pay {p.amount} to {p.payment.shop_name}.</p>
    </form>
  );
}

/// A provider with its own checkout: the customer continues there.
function Elsewhere(p: { url: string }) {
  const href = safeUrl(p.url);
  return (
    <section class="pay-card pay-form" aria-label="Payment">
      {href ? (
        <a class="pay-button" href={href} rel="noopener noreferrer" data-testid="pay-elsewhere">
          Continue to payment
        </a>
      ) : (
        <p class="pay-error" role="alert">
          This payment cannot be taken here. Ask the shop in the chat for help.
        </p>
      )}
    </section>
  );
}

/// A final state: its heading takes focus, so screen readers announce it.
function Outcome(p: { title: string; children: preact.ComponentChildren; testid: string; ok?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class={"pay-card pay-outcome" + (p.ok ? " pay-ok" : "")} data-testid={p.testid} role="status">
      <h2 ref={heading} tabIndex={-1}>
        {p.title}
      </h2>
      <p>{p.children}</p>
    </section>
  );
}
