// "Send payment link": for the contact's open cart, one of their unpaid orders, or another
// amount. The server creates the payment and posts the payment request (its pay link) into
// this conversation.
import { useEffect, useState } from "preact/hooks";
import { formatAmount } from "../../../shared/format";
import type { Cart, Conversation, Order } from "../../../shared/types";
import * as commerce from "../../api/commerce";
import { errorText } from "../../api/client";
import { priceLocale, shopCurrency } from "../../state/shop";
import { Dialog } from "../../ui/Dialog";
import { payableOrders, paymentBody, type PaymentDraft, type PaymentFor } from "./shopContent";

export function PaymentLinkDialog(p: { conversation: Conversation; onClose: () => void; onSent: () => void }) {
  const contactId = p.conversation.contact_id;
  const [cart, setCart] = useState<Cart | null | undefined>(undefined);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [draft, setDraft] = useState<PaymentDraft>({ for: "amount", orderId: "", amount: "", currency: shopCurrency(), description: "" });
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    commerce.getCart(contactId).then(
      (c) => {
        const open = c && c.items.length && c.status !== "converted" ? c : null;
        setCart(open);
        if (open) setDraft((d) => ({ ...d, for: "cart" }));
      },
      () => setCart(null),
    );
    commerce.listOrders(contactId).then(
      (list) => setOrders(payableOrders(list)),
      () => setOrders([]),
    );
  }, [contactId]);

  const set = (patch: Partial<PaymentDraft>) => {
    setDraft({ ...draft, ...patch });
    setProblems([]);
  };
  const submit = async () => {
    const built = paymentBody(draft, { contactId, conversationId: p.conversation.id, cart: cart ?? null });
    if (!built.ok) return setProblems(built.problems);
    setBusy(true);
    try {
      await commerce.createPayment(built.body);
      p.onSent();
    } catch (e) {
      setProblems([errorText(e)]);
    } finally {
      setBusy(false);
    }
  };
  const money = (minor: number, currency: string) => formatAmount(minor, currency, priceLocale());
  const choice = (value: PaymentFor, label: string, disabled: boolean) => (
    <label class="check">
      <input type="radio" name="pay-for" value={value} checked={draft.for === value} disabled={disabled} onChange={() => set({ for: value })} /> {label}
    </label>
  );

  return (
    <Dialog
      title="Send payment link"
      onClose={p.onClose}
      footer={
        <>
          <button class="btn btn-ghost" onClick={p.onClose}>
            Cancel
          </button>
          <button class="btn btn-primary" data-testid="payment-link-send" disabled={busy} onClick={submit}>
            {busy ? "Sending…" : "Send link"}
          </button>
        </>
      }
    >
      <div class="form-grid">
        <fieldset class="pay-for">
          <legend class="field-label">Payment for</legend>
          {choice(
            "cart",
            cart === undefined ? "The open cart (loading…)" : cart ? `The open cart: ${money(cart.subtotal_minor, cart.currency)}` : "The open cart (none)",
            !cart,
          )}
          {choice("order", orders && orders.length ? "An unpaid order" : "An unpaid order (none)", !orders?.length)}
          {choice("amount", "Another amount", false)}
        </fieldset>
        {draft.for === "order" && orders && (
          <label class="field">
            <span class="field-label">Order</span>
            <select value={draft.orderId} data-testid="payment-link-order" onChange={(e) => set({ orderId: e.currentTarget.value })}>
              <option value="">Choose…</option>
              {orders.map((o) => (
                <option key={o.id} value={o.id}>
                  #{o.number} — {money(o.total_minor, o.currency)}
                </option>
              ))}
            </select>
          </label>
        )}
        {draft.for === "amount" && (
          <div class="form-grid two">
            <label class="field">
              <span class="field-label">Amount</span>
              <input inputMode="decimal" placeholder="49.00" data-testid="payment-link-amount" value={draft.amount} onInput={(e) => set({ amount: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span class="field-label">Currency</span>
              <input maxLength={3} value={draft.currency} data-testid="payment-link-currency" onInput={(e) => set({ currency: e.currentTarget.value.toUpperCase() })} />
            </label>
          </div>
        )}
        <label class="field">
          <span class="field-label">{draft.for === "amount" ? "Description" : "Description (optional)"}</span>
          <input value={draft.description} data-testid="payment-link-description" placeholder="What the customer pays for" onInput={(e) => set({ description: e.currentTarget.value })} />
        </label>
        {problems.length > 0 && (
          <ul class="problems" role="alert">
            {problems.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
