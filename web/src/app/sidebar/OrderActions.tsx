// The actions an order allows now (orderLogic.orderActions). Refund and cancel ask for a
// confirmation first; fulfilling asks for the tracking. Failures are shown here, in words.
import { useState } from "preact/hooks";
import { formatAmount } from "../../shared/format";
import type { Order, OrderAction } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { fromMinor } from "../composer/rich/validate";
import { priceLocale } from "../state/shop";
import { toast } from "../ui/toast";
import { ACTION_LABEL, fulfilOf, orderActions, refundableMinor, refundOf, type FulfilDraft, type OrderActionKind, type RefundDraft } from "./orderLogic";

/// Actions that need no more input: one click does it.
const DIRECT: Record<string, OrderAction> = {
  mark_paid: { type: "mark_paid" },
  mark_delivered: { type: "mark_delivered" },
  resend_tracking: { type: "resend_tracking" },
};

const DONE: Record<OrderAction["type"], string> = {
  mark_paid: "Marked paid.",
  mark_delivered: "Marked delivered.",
  resend_tracking: "Tracking sent again.",
  refund: "Refunded.",
  cancel: "Order cancelled.",
  fulfil: "Fulfilment saved.",
};

export function OrderActions(p: { order: Order; onChange: (o: Order) => void }) {
  const o = p.order;
  const [panel, setPanel] = useState<OrderActionKind | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const kinds = orderActions(o);
  if (!kinds.length) return null;

  /// Sends the action; the answer is the order as it is now (else it is read again).
  const run = async (action: OrderAction) => {
    setBusy(true);
    setError(null);
    try {
      const next = await commerce.orderAction(o.id, action);
      p.onChange(next && next.id ? next : await commerce.getOrder(o.id));
      setPanel(null);
      toast(DONE[action.type]);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const press = (k: OrderActionKind) => {
    setError(null);
    if (DIRECT[k]) void run(DIRECT[k]);
    else setPanel(panel === k ? null : k);
  };

  return (
    <div class="order-actions" data-testid="order-actions">
      <div class="actions-row" role="group" aria-label={`Actions on order #${o.number}`}>
        {kinds.map((k) => (
          <button
            key={k}
            class={"btn btn-sm" + (k === "cancel" || k === "refund" ? " btn-danger" : "")}
            aria-expanded={DIRECT[k] ? undefined : panel === k}
            disabled={busy}
            onClick={() => press(k)}
          >
            {ACTION_LABEL[k]}
          </button>
        ))}
      </div>
      {panel === "refund" && <RefundPanel order={o} busy={busy} onSubmit={run} onClose={() => setPanel(null)} />}
      {panel === "cancel" && <CancelPanel order={o} busy={busy} onSubmit={run} onClose={() => setPanel(null)} />}
      {panel === "fulfil" && <FulfilPanel busy={busy} onSubmit={run} onClose={() => setPanel(null)} />}
      {error && (
        <p class="form-error small" role="alert" data-testid="order-action-error">
          {error}
        </p>
      )}
    </div>
  );
}

interface PanelProps {
  busy: boolean;
  onSubmit: (a: OrderAction) => void;
  onClose: () => void;
}

function ProblemList(p: { list: string[] }) {
  return p.list.length ? (
    <ul class="problems" role="alert">
      {p.list.map((x, i) => (
        <li key={i}>{x}</li>
      ))}
    </ul>
  ) : null;
}

/// Full or partial, with a reason; then a confirmation naming the amount.
function RefundPanel(p: PanelProps & { order: Order }) {
  const o = p.order;
  const left = refundableMinor(o);
  const money = (minor: number) => formatAmount(minor, o.currency, priceLocale());
  const [d, setD] = useState<RefundDraft>({ full: true, amount: fromMinor(left, o.currency), reason: "", notify: true });
  const [problems, setProblems] = useState<string[]>([]);
  const [confirm, setConfirm] = useState<{ action: OrderAction; amountMinor: number } | null>(null);
  const set = (patch: Partial<RefundDraft>) => {
    setD({ ...d, ...patch });
    setProblems([]);
  };

  if (confirm) {
    return (
      <div class="action-panel" role="group" aria-label="Confirm the refund" data-testid="refund-confirm">
        <p>
          Refund <b>{money(confirm.amountMinor)}</b> of order #{o.number}?{d.reason.trim() ? ` Reason: ${d.reason.trim()}.` : ""}
        </p>
        <div class="actions-row">
          <button class="btn btn-sm btn-danger" disabled={p.busy} onClick={() => p.onSubmit(confirm.action)}>
            Confirm refund
          </button>
          <button class="btn btn-sm btn-ghost" disabled={p.busy} onClick={() => setConfirm(null)}>
            Back
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      class="action-panel"
      aria-label="Refund"
      data-testid="refund-form"
      onSubmit={(e) => {
        e.preventDefault();
        const r = refundOf(o, d);
        if (r.ok) setConfirm(r.value);
        else setProblems(r.problems);
      }}
    >
      <label class="check">
        <input type="radio" name={`refund-${o.id}`} checked={d.full} onChange={() => set({ full: true })} /> Full refund ({money(left)})
      </label>
      <label class="check">
        <input type="radio" name={`refund-${o.id}`} checked={!d.full} onChange={() => set({ full: false })} /> Partial refund
      </label>
      {!d.full && (
        <label class="field">
          <span class="field-label">Amount to refund ({o.currency})</span>
          <input inputMode="decimal" value={d.amount} data-testid="refund-amount" onInput={(e) => set({ amount: e.currentTarget.value })} />
        </label>
      )}
      <label class="field">
        <span class="field-label">Reason</span>
        <input value={d.reason} data-testid="refund-reason" placeholder="e.g. damaged in transit" onInput={(e) => set({ reason: e.currentTarget.value })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={d.notify} onChange={(e) => set({ notify: e.currentTarget.checked })} /> Tell the customer in the chat
      </label>
      <ProblemList list={problems} />
      <div class="actions-row">
        <button class="btn btn-sm btn-primary" type="submit">
          Review refund
        </button>
        <button class="btn btn-sm btn-ghost" type="button" onClick={p.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

function CancelPanel(p: PanelProps & { order: Order }) {
  const [reason, setReason] = useState("");
  const [notify, setNotify] = useState(true);
  return (
    <div class="action-panel" role="group" aria-label="Confirm the cancellation" data-testid="cancel-confirm">
      <p>Cancel order #{p.order.number}? This cannot be undone.</p>
      <label class="field">
        <span class="field-label">Reason (optional)</span>
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </label>
      <label class="check">
        <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.currentTarget.checked)} /> Tell the customer in the chat
      </label>
      <div class="actions-row">
        <button
          class="btn btn-sm btn-danger"
          disabled={p.busy}
          onClick={() => p.onSubmit({ type: "cancel", ...(reason.trim() ? { reason: reason.trim() } : {}), notify })}
        >
          Yes, cancel order
        </button>
        <button class="btn btn-sm btn-ghost" disabled={p.busy} onClick={p.onClose}>
          Keep order
        </button>
      </div>
    </div>
  );
}

function FulfilPanel(p: PanelProps) {
  const [d, setD] = useState<FulfilDraft>({ carrier: "", trackingNumber: "", trackingUrl: "", notify: true });
  const [problems, setProblems] = useState<string[]>([]);
  const set = (patch: Partial<FulfilDraft>) => {
    setD({ ...d, ...patch });
    setProblems([]);
  };
  return (
    <form
      class="action-panel"
      aria-label="Fulfilment"
      data-testid="fulfil-form"
      onSubmit={(e) => {
        e.preventDefault();
        const r = fulfilOf(d);
        if (r.ok) p.onSubmit(r.value);
        else setProblems(r.problems);
      }}
    >
      <label class="field">
        <span class="field-label">Carrier</span>
        <input value={d.carrier} placeholder="DHL" onInput={(e) => set({ carrier: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span class="field-label">Tracking number</span>
        <input value={d.trackingNumber} data-testid="fulfil-tracking-number" onInput={(e) => set({ trackingNumber: e.currentTarget.value })} />
      </label>
      <label class="field">
        <span class="field-label">Tracking link</span>
        <input type="url" value={d.trackingUrl} placeholder="https://…" data-testid="fulfil-tracking-url" onInput={(e) => set({ trackingUrl: e.currentTarget.value })} />
      </label>
      <label class="check">
        <input type="checkbox" checked={d.notify} onChange={(e) => set({ notify: e.currentTarget.checked })} /> Tell the customer in the chat
      </label>
      <ProblemList list={problems} />
      <div class="actions-row">
        <button class="btn btn-sm btn-primary" type="submit" disabled={p.busy}>
          Save fulfilment
        </button>
        <button class="btn btn-sm btn-ghost" type="button" onClick={p.onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
