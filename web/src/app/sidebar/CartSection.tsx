// The contact's open cart, live: fetched again whenever `refresh` changes.
import { useEffect, useState } from "preact/hooks";
import { formatAmount } from "../../shared/format";
import { safeUrl } from "../../shared/safeUrl";
import type { Cart } from "../../shared/types";
import * as commerce from "../api/commerce";
import { errorText } from "../api/client";
import { priceLocale } from "../state/shop";
import { shortTime } from "../ui/format";
import { StatusBadge } from "./StatusBadge";

export function CartSection(p: { contactId: string; refresh: string }) {
  const [cart, setCart] = useState<Cart | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    commerce.getCart(p.contactId).then(
      (c) => {
        if (!live) return;
        setCart(c);
        setError(null);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [p.contactId, p.refresh]);

  const money = (minor: number) => formatAmount(minor, cart?.currency ?? "", priceLocale());
  const open = cart && cart.status !== "converted" && cart.items.length ? cart : null;
  const checkout = safeUrl(open?.checkout_url);
  return (
    <section class="side-section" aria-labelledby="side-cart" data-testid="sidebar-cart">
      <h3 id="side-cart">Cart</h3>
      {error && (
        <p class="form-error small" role="alert">
          {error}
        </p>
      )}
      {cart === undefined && !error && <p class="muted small">Loading…</p>}
      {cart !== undefined && !open && !error && <p class="muted small">No open cart.</p>}
      {open && (
        <>
          <div class="cart-head">
            <StatusBadge status={open.status} />
            <span class="muted small">updated {shortTime(open.updated_at)}</span>
          </div>
          <ul class="cart-lines">
            {open.items.map((i) => (
              <li key={i.variant_id + (i.product_id ?? "")}>
                <span class="cart-title" title={i.title}>
                  {i.title}
                </span>
                <span class="muted">× {i.quantity}</span>
                <span>{money(i.unit_price_minor * i.quantity)}</span>
              </li>
            ))}
          </ul>
          <div class="cart-total">
            <span>Subtotal</span>
            <b data-testid="sidebar-cart-total">{money(open.subtotal_minor)}</b>
          </div>
          {checkout && (
            <a class="small" href={checkout} target="_blank" rel="noopener noreferrer">
              The shop's checkout page
            </a>
          )}
        </>
      )}
    </section>
  );
}
