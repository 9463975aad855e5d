// Commerce: products (one, or a carousel of them), cart, order, payment request.

import type { Action, CartLine, ProductRef } from "../types";
import { safeUrl } from "../safeUrl";
import { formatAmount, formatMoney } from "../format";
import { ActionButton, Actions } from "./actions";
import type { ContentOf, P } from "./context";
import { Pic } from "./media";
import { REL, arr, num, str } from "./util";

/// `root`: the card is the whole content (a "product"), not one of "products".
export function ProductCard(props: P & { p: ProductRef; root?: boolean }) {
  const { ctx, message } = props;
  const p = props.p || ({} as ProductRef);
  const title = str(p.title);
  const stock = num(p.stock);
  const out = stock !== undefined && stock <= 0;
  const stockText =
    stock === undefined
      ? ""
      : out
        ? ctx.t("out_of_stock")
        : stock <= 5
          ? ctx.t("only_left").replace("{n}", String(stock))
          : ctx.t("in_stock");
  const img = safeUrl(p.image_url, { src: true });
  const href = safeUrl(p.url);
  const actions: Action[] = arr<Action>(p.actions).length
    ? arr<Action>(p.actions)
    : [
        { type: "add_to_cart", text: ctx.t("add_to_cart"), product_id: str(p.product_id), variant_id: p.variant_id, quantity: 1 },
        { type: "buy", text: ctx.t("buy"), product_id: str(p.product_id), variant_id: p.variant_id },
      ];
  return (
    <div class="ct-card ct-prod" data-content-type={props.root ? "product" : undefined}>
      <Pic class="ct-cimg" src={img} alt={title} />
      <div class="ct-cb">
        {href ? (
          <a href={href} target="_blank" rel={REL}>
            <b>{title}</b>
          </a>
        ) : (
          <b>{title}</b>
        )}
        <div class="ct-price">
          {formatMoney(p.price, ctx.locale)}
          {p.compare_at_price && <s>{formatMoney(p.compare_at_price, ctx.locale)}</s>}
        </div>
        {stockText && <div class={out ? "ct-stock ct-out" : "ct-stock"}>{stockText}</div>}
      </div>
      <Actions
        actions={actions}
        ctx={ctx}
        message={message}
        off={(a) => out && (a.type === "add_to_cart" || a.type === "buy")}
      />
    </div>
  );
}

function Total(props: { label: string; value: string }) {
  return props.value ? (
    <div class="ct-tot">
      <span>{props.label}</span>
      <b>{props.value}</b>
    </div>
  ) : null;
}

function LinkBtn(props: { url: unknown; text: string; type: string; pri?: boolean }) {
  const href = safeUrl(props.url);
  return href ? (
    <a class={props.pri ? "ct-btn ct-pri" : "ct-btn"} href={href} target="_blank" rel={REL} data-action-type={props.type}>
      {props.text}
    </a>
  ) : null;
}

export function Products(props: P & { content: ContentOf<"products"> }) {
  return (
    <div class="ct-car" data-content-type="products">
      {arr<ProductRef>(props.content.items)
        .slice(0, 10)
        .map((p, i) => (
          <ProductCard key={i} p={p} ctx={props.ctx} message={props.message} />
        ))}
    </div>
  );
}

/// With a `checkout_url`, "Checkout" opens the shop's page; without, it is a `checkout` action.
export function CartView(props: P & { content: ContentOf<"cart"> }) {
  const { content, ctx } = props;
  return (
    <div class="ct-cart" data-content-type="cart">
      <ul>
        {arr<CartLine>(content.items).map((l, i) => (
          <li key={i}>
            <span>{str(l?.title)}</span>
            <span class="ct-q">× {num(l?.quantity) ?? 1}</span>
            <span>
              {l?.unit_price &&
                formatMoney(
                  { amount_minor: (num(l.unit_price.amount_minor) ?? 0) * (num(l.quantity) ?? 1), currency: l.unit_price.currency },
                  ctx.locale,
                )}
            </span>
          </li>
        ))}
      </ul>
      <Total label={ctx.t("total")} value={formatMoney(content.total, ctx.locale)} />
      {safeUrl(content.checkout_url) ? (
        <LinkBtn url={content.checkout_url} text={ctx.t("checkout")} type="checkout" pri />
      ) : (
        // No shop checkout page: the server checks the cart out (a pay link comes back).
        arr(content.items).length > 0 && (
          <ActionButton
            action={{ type: "checkout", text: ctx.t("checkout"), ...(content.cart_id ? { cart_id: str(content.cart_id) } : {}) }}
            ctx={ctx}
            message={props.message}
            class="ct-btn ct-pri"
          />
        )
      )}
    </div>
  );
}

export function OrderView(props: P & { content: ContentOf<"order"> }) {
  const { content, ctx } = props;
  const status = str(content.status);
  return (
    <div class="ct-order" data-content-type="order">
      <div class="ct-oh">
        <b>{"#" + (str(content.number).replace(/^#/, "") || str(content.order_id))}</b>
        <span class={"ct-badge ct-s-" + status.toLowerCase().replace(/[^a-z]/g, "")} data-status={status}>
          {status.replace(/_/g, " ")}
        </span>
      </div>
      <Total label={ctx.t("total")} value={formatMoney(content.total, ctx.locale)} />
      {(content.carrier || content.tracking_number) && (
        <div class="ct-muted">
          {str(content.carrier)} {str(content.tracking_number)}
        </div>
      )}
      <LinkBtn url={content.tracking_url} text={ctx.t("track")} type="link" />
    </div>
  );
}

export function PaymentRequest(props: P & { content: ContentOf<"payment_request"> }) {
  const { content, ctx } = props;
  return (
    <div class="ct-pay" data-content-type="payment_request">
      <div class="ct-amt">
        {num(content.amount_minor) !== undefined ? formatAmount(content.amount_minor, str(content.currency), ctx.locale) : ""}
      </div>
      <div>{str(content.description)}</div>
      <LinkBtn url={content.pay_url} text={ctx.t("pay")} type="link" pri />
    </div>
  );
}
