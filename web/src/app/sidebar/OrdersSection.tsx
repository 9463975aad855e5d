// The contact's orders: number, status, total; each opens to its lines, totals, fulfilments
// and tracking, refunds, returns, timeline and the actions its state allows.
import { useEffect, useState } from "preact/hooks";
import { formatAmount } from "../../shared/format";
import { safeUrl } from "../../shared/safeUrl";
import type { Order } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { agentName } from "../state/presence";
import { priceLocale } from "../state/shop";
import { dateTime, shortTime } from "../ui/format";
import { OrderActions } from "./OrderActions";
import { actorLabel } from "./orderLogic";
import { ReturnsList } from "./ReturnsList";
import { StatusBadge } from "./StatusBadge";

export function OrdersSection(p: { contactId: string; refresh: string }) {
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    commerce.listOrders(p.contactId).then(
      (list) => {
        if (!live) return;
        setOrders(list);
        setError(null);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [p.contactId, p.refresh]);

  const replace = (o: Order) => setOrders((list) => (list ?? []).map((x) => (x.id === o.id ? o : x)));
  return (
    <section class="side-section" aria-labelledby="side-orders" data-testid="sidebar-orders">
      <h3 id="side-orders">Orders</h3>
      {error && (
        <p class="form-error small" role="alert">
          {error}
        </p>
      )}
      {!orders && !error && <p class="muted small">Loading…</p>}
      {orders && orders.length === 0 && <p class="muted small">No orders yet.</p>}
      <ul class="orders">
        {orders?.map((o) => (
          <OrderItem key={o.id} order={o} refresh={p.refresh} onChange={replace} />
        ))}
      </ul>
    </section>
  );
}

function OrderItem(p: { order: Order; refresh: string; onChange: (o: Order) => void }) {
  const o = p.order;
  const [open, setOpen] = useState(false);
  const money = (minor: number) => formatAmount(minor, o.currency, priceLocale());
  const detailsId = `order-${o.id}`;
  return (
    <li class="order" data-testid="order" data-order-number={o.number}>
      <button class="order-head" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
        <span class="order-number">Order #{o.number}</span>
        <StatusBadge status={o.status} />
        <span class="order-total">{money(o.total_minor)}</span>
        <time class="muted small" dateTime={o.created_at}>
          {shortTime(o.created_at)}
        </time>
      </button>
      {open && (
        <div id={detailsId} class="order-body">
          <OrderDetails order={o} money={money} />
          <OrderActions order={o} onChange={p.onChange} />
          {/* A refunded return changes the order: read it again (a failure waits for the next refresh). */}
          <ReturnsList order={o} refresh={p.refresh} onOrderChanged={() => commerce.getOrder(o.id).then(p.onChange, () => {})} />
          <Timeline order={o} />
        </div>
      )}
    </li>
  );
}

function OrderDetails(p: { order: Order; money: (minor: number) => string }) {
  const { order: o, money } = p;
  const totals: [string, number][] = [
    ["Subtotal", o.subtotal_minor],
    ["Shipping", o.shipping_minor],
    ["Tax", o.tax_minor],
    ["Discount", -o.discount_minor],
  ];
  const status = safeUrl(o.status_url);
  return (
    <>
      <ul class="cart-lines">
        {o.lines.map((l) => (
          <li key={l.id}>
            <span class="cart-title" title={l.title}>
              {l.title}
            </span>
            <span class="muted">× {l.quantity}</span>
            <span>{money(l.unit_price_minor * l.quantity)}</span>
          </li>
        ))}
      </ul>
      <dl class="order-totals">
        {totals
          .filter(([, v]) => v !== 0)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{money(v)}</dd>
            </div>
          ))}
        <div class="order-grand">
          <dt>Total</dt>
          <dd>{money(o.total_minor)}</dd>
        </div>
        {o.refunded_minor > 0 && (
          <div>
            <dt>Refunded</dt>
            <dd data-testid="order-refunded">{money(o.refunded_minor)}</dd>
          </div>
        )}
      </dl>
      {(o.fulfilments ?? []).length > 0 && (
        <div class="order-block">
          <h4>Fulfilments</h4>
          <ul class="plain">
            {o.fulfilments.map((f) => {
              const track = safeUrl(f.tracking_url);
              return (
                <li key={f.id} data-testid="fulfilment">
                  <StatusBadge status={f.status} /> {[f.carrier, f.tracking_number].filter(Boolean).join(" ")}{" "}
                  {track && (
                    <a href={track} target="_blank" rel="noopener noreferrer">
                      Track
                    </a>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {(o.refunds ?? []).length > 0 && (
        <div class="order-block">
          <h4>Refunds</h4>
          <ul class="plain">
            {o.refunds.map((r) => (
              <li key={r.id}>
                {money(r.amount_minor)}
                {r.reason ? ` — ${r.reason}` : ""} <span class="muted small">{shortTime(r.created_at)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {status && (
        <a class="small" href={status} target="_blank" rel="noopener noreferrer">
          The order on the shop's site
        </a>
      )}
    </>
  );
}

/// What happened to the order, oldest first, behind a disclosure (it grows long).
function Timeline(p: { order: Order }) {
  const [open, setOpen] = useState(false);
  const entries = p.order.timeline ?? [];
  if (!entries.length) return null;
  return (
    <div class="order-block">
      <button class="link-btn small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "Hide timeline" : `Timeline (${entries.length})`}
      </button>
      {open && (
        <ol class="timeline" data-testid="order-timeline">
          {entries.map((e, i) => (
            <li key={i}>
              <span>{e.summary}</span>
              <span class="muted small">
                {actorLabel(e.by, agentName)} · <time dateTime={e.at}>{dateTime(e.at)}</time>
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
