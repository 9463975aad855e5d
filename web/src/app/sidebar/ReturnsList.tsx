// The returns of an order and their next steps: approve or reject (with a reason), mark the
// parcel received, refund (the returned items' value, or an amount).
import { useEffect, useState } from "preact/hooks";
import type { Order, ReturnRequest, ReturnStatus } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { shortTime } from "../ui/format";
import { toast } from "../ui/toast";
import { returnedItems, returnSteps, STEP_LABEL, transitionOf } from "./orderLogic";
import { StatusBadge } from "./StatusBadge";

export function ReturnsList(p: { order: Order; refresh: string; onOrderChanged: () => void }) {
  const [returns, setReturns] = useState<ReturnRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    commerce.listReturns(p.order.id).then(
      (list) => live && setReturns(list),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [p.order.id, p.refresh]);

  if (error) {
    return (
      <p class="form-error small" role="alert">
        Returns: {error}
      </p>
    );
  }
  if (!returns?.length) return null;
  const replace = (r: ReturnRequest) => {
    setReturns(returns.map((x) => (x.id === r.id ? r : x)));
    // A refunded return refunds the order too.
    if (r.status === "refunded") p.onOrderChanged();
  };
  return (
    <div class="order-block">
      <h4>Returns</h4>
      <ul class="plain">
        {returns.map((r) => (
          <ReturnItem key={r.id} order={p.order} ret={r} onChange={replace} />
        ))}
      </ul>
    </div>
  );
}

function ReturnItem(p: { order: Order; ret: ReturnRequest; onChange: (r: ReturnRequest) => void }) {
  const r = p.ret;
  const [step, setStep] = useState<ReturnStatus | null>(null);
  const [note, setNote] = useState("");
  const [amount, setAmount] = useState("");
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const steps = returnSteps(r.status);

  const go = async (to: ReturnStatus) => {
    const t = transitionOf(p.order, to, { note, amount });
    if (!t.ok) return setProblems(t.problems);
    setBusy(true);
    setProblems([]);
    try {
      p.onChange(await commerce.transitionReturn(r.id, t.value));
      setStep(null);
      setNote("");
      setAmount("");
      toast(`Return ${to}.`);
    } catch (e) {
      setProblems([errorText(e)]);
    } finally {
      setBusy(false);
    }
  };
  // Approving and marking received need nothing more; rejecting and refunding ask first.
  const press = (to: ReturnStatus) => {
    setProblems([]);
    if (to === "approved" || to === "received") void go(to);
    else setStep(step === to ? null : to);
  };

  return (
    <li class="return" data-testid="return" data-status={r.status}>
      <div class="return-head">
        <StatusBadge status={r.status} />
        <span class="small">{returnedItems(p.order, r.lines)}</span>
        <time class="muted small" dateTime={r.created_at}>
          {shortTime(r.created_at)}
        </time>
      </div>
      <p class="small return-reason">“{r.reason}”</p>
      {r.note && <p class="muted small">Note: {r.note}</p>}
      {steps.length > 0 && (
        <div class="actions-row" role="group" aria-label="Return actions">
          {steps.map((to) => (
            <button
              key={to}
              class={"btn btn-sm" + (to === "rejected" ? " btn-danger" : "")}
              disabled={busy}
              aria-expanded={to === "rejected" || to === "refunded" ? step === to : undefined}
              onClick={() => press(to)}
            >
              {STEP_LABEL[to]}
            </button>
          ))}
        </div>
      )}
      {step === "rejected" && (
        <form
          class="action-panel"
          aria-label="Reject the return"
          onSubmit={(e) => {
            e.preventDefault();
            void go("rejected");
          }}
        >
          <label class="field">
            <span class="field-label">Reason for rejecting</span>
            <input value={note} data-testid="return-reject-note" onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <button class="btn btn-sm btn-danger" type="submit" disabled={busy}>
            Confirm rejection
          </button>
        </form>
      )}
      {step === "refunded" && (
        <form
          class="action-panel"
          aria-label="Refund the return"
          onSubmit={(e) => {
            e.preventDefault();
            void go("refunded");
          }}
        >
          <label class="field">
            <span class="field-label">Amount ({p.order.currency}, blank: the returned items' value)</span>
            <input inputMode="decimal" value={amount} data-testid="return-refund-amount" onInput={(e) => setAmount(e.currentTarget.value)} />
          </label>
          <button class="btn btn-sm btn-danger" type="submit" disabled={busy}>
            Confirm return refund
          </button>
        </form>
      )}
      {problems.length > 0 && (
        <ul class="problems" role="alert">
          {problems.map((x, i) => (
            <li key={i}>{x}</li>
          ))}
        </ul>
      )}
    </li>
  );
}
