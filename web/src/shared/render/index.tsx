// Safe rendering of every content type (widget and agent app). Text only ever goes into text
// nodes and attribute values (never innerHTML); every URL passes safeUrl(). The root element
// of each content carries data-content-type, each action button data-action-type.
// Styles: ./render.css (classes "ct-*", colours from --st-* custom properties).

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Action, Card, CartLine, Content, FormField, MediaRef, Message, ProductRef } from "../types";
import { safeUrl } from "../safeUrl";
import { formatAmount, formatBytes, formatMoney } from "../format";

export { RENDER_EN, tEn, type RenderKey } from "./strings";
export { safeUrl } from "../safeUrl";

export interface RenderContext {
  viewer: "contact" | "agent";
  locale: string;
  /// UI strings by key (see RENDER_EN in ./strings.ts for the keys and English text).
  t: (key: string) => string;
  /// A media_id → blob: URL (fetched with the bearer token); external https URLs pass
  /// through; anything else → null. See mediaSource() in ../media.ts.
  mediaSrc: (ref: MediaRef) => Promise<string | null>;
  onAction?: (action: Action, message?: Message) => void;
  onFormSubmit?: (values: Record<string, string>, message?: Message) => void;
  disabled?: boolean;
}

interface P {
  ctx: RenderContext;
  message?: Message;
}

const REL = "noopener noreferrer nofollow";
const ACTION_TYPES = ["reply", "postback", "link", "add_to_cart", "buy", "checkout", "webview", "location_request"];
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const arr = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

// ------------------------------------------------------------------ text

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/// Text with http(s) URLs turned into links (new tab). Line breaks are kept by CSS
/// (white-space: pre-wrap on .ct-txt).
export function linkify(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(/[.,;:!?)\]}]+$/, "");
    const href = safeUrl(url);
    if (!href) continue;
    const at = m.index ?? 0;
    out.push(text.slice(last, at));
    out.push(
      <a href={href} target="_blank" rel={REL}>
        {url}
      </a>,
    );
    last = at + url.length;
  }
  out.push(text.slice(last));
  return out;
}

// ------------------------------------------------------------------ actions

export function ActionButton(props: P & { action: Action; disabled?: boolean; class?: string }) {
  const { action, ctx, message } = props;
  const type = str(action?.type);
  if (!ACTION_TYPES.includes(type)) return null;
  const text = str(action.text);
  const cls = props.class ?? "ct-btn";
  if (type === "link" || type === "webview") {
    const href = safeUrl((action as { url?: unknown }).url);
    if (!href) return <span class={cls + " ct-dis"} data-action-type={type}>{text}</span>;
    return (
      <a class={cls} href={href} target="_blank" rel={REL} data-action-type={type}>
        {text}
      </a>
    );
  }
  return (
    <button
      type="button"
      class={cls}
      data-action-type={type}
      disabled={!!(props.disabled || ctx.disabled)}
      onClick={() => ctx.onAction?.(action, message)}
    >
      {text}
    </button>
  );
}

function Actions(props: P & { actions: unknown; max?: number; off?: (a: Action) => boolean }) {
  const list = arr<Action>(props.actions).slice(0, props.max ?? 3);
  if (!list.length) return null;
  return (
    <div class="ct-acts">
      {list.map((a, i) => (
        <ActionButton key={i} action={a} ctx={props.ctx} message={props.message} disabled={props.off?.(a)} />
      ))}
    </div>
  );
}

/// Quick replies as chips (ContentView shows them live under the last message only).
export function QuickReplies(props: P & { actions: unknown }) {
  const list = arr<Action>(props.actions).slice(0, 13);
  if (!list.length) return null;
  return (
    <div class="ct-qr" role="group">
      {list.map((a, i) => (
        <ActionButton key={i} action={a} ctx={props.ctx} message={props.message} class="ct-chip" />
      ))}
    </div>
  );
}

// ------------------------------------------------------------------ media

function useSrc(ref: MediaRef | undefined, ctx: RenderContext): string | null | undefined {
  const [src, setSrc] = useState<string | null | undefined>(undefined);
  const id = ref ? str(ref.media_id) + "|" + str(ref.url) : "";
  useEffect(() => {
    let live = true;
    setSrc(undefined);
    if (!ref || typeof ref !== "object") {
      setSrc(null);
      return;
    }
    ctx.mediaSrc(ref).then(
      (s) => live && setSrc(safeUrl(s, { src: true })),
      () => live && setSrc(null),
    );
    return () => {
      live = false;
    };
  }, [id]);
  return src;
}

function Lightbox(props: { src: string; alt: string; close: () => void; ctx: RenderContext }) {
  const btn = useRef<HTMLButtonElement>(null);
  useEffect(() => btn.current?.focus(), []);
  return (
    <div
      class="ct-lb"
      role="dialog"
      aria-modal="true"
      aria-label={props.alt}
      onClick={props.close}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          props.close();
        }
      }}
    >
      <img src={props.src} alt={props.alt} />
      <button type="button" ref={btn} class="ct-lbx" aria-label={props.ctx.t("close")} onClick={props.close}>
        ×
      </button>
    </div>
  );
}

/// An image that turns into a placeholder when it cannot load.
function Pic(props: { src: string | null | undefined; alt: string; class?: string }) {
  const [bad, setBad] = useState<string | null>(null);
  if (!props.src || bad === props.src) return <div class="ct-ph" role="img" aria-label={props.alt} />;
  return <img class={props.class} src={props.src} alt={props.alt} onError={() => setBad(props.src!)} />;
}

function Img(props: { media: MediaRef | undefined; alt: string; ctx: RenderContext; zoom?: boolean }) {
  const src = useSrc(props.media, props.ctx);
  const [open, setOpen] = useState(false);
  if (!src) return <div class="ct-ph" role="img" aria-label={props.alt} />;
  if (!props.zoom) return <Pic class="ct-cimg" src={src} alt={props.alt} />;
  return (
    <>
      <button type="button" class="ct-zoom" aria-label={props.alt} onClick={() => setOpen(true)}>
        <Pic src={src} alt={props.alt} />
      </button>
      {open && <Lightbox src={src} alt={props.alt} ctx={props.ctx} close={() => setOpen(false)} />}
    </>
  );
}

function Caption(props: { text: unknown }) {
  const t = str(props.text);
  return t ? <div class="ct-txt ct-cap">{linkify(t)}</div> : null;
}

function Av(props: P & { content: { type: string; media: MediaRef; caption?: string } }) {
  const { content, ctx } = props;
  const src = useSrc(content.media, ctx);
  const video = content.type === "video";
  return (
    <div class="ct-media" data-content-type={content.type}>
      {src ? video ? <video controls preload="metadata" src={src} /> : <audio controls preload="metadata" src={src} /> : <div class="ct-ph" />}
      {video && <Caption text={content.caption} />}
    </div>
  );
}

function FileView(props: P & { content: { media: MediaRef; filename?: string } }) {
  const { content, ctx } = props;
  const name = str(content.filename) || "file";
  const size = formatBytes(num(content.media?.size_bytes));
  const ext = !content.media?.media_id ? safeUrl(content.media?.url) : null;
  const download = async () => {
    const s = safeUrl(await ctx.mediaSrc(content.media), { src: true });
    if (!s) return;
    const a = document.createElement("a");
    a.href = s;
    a.download = name;
    a.rel = REL;
    a.click();
  };
  return (
    <div class="ct-file" data-content-type="file">
      <span class="ct-ficon" aria-hidden="true">📄</span>
      <span class="ct-fname">
        {name}
        {size && <small>{size}</small>}
      </span>
      {ext ? (
        <a class="ct-btn" href={ext} target="_blank" rel={REL} download={name}>
          {ctx.t("download")}
        </a>
      ) : content.media?.media_id ? (
        <button type="button" class="ct-btn" onClick={download}>
          {ctx.t("download")}
        </button>
      ) : null}
    </div>
  );
}

// ------------------------------------------------------------------ structured

function CardView(props: P & { card: Card }) {
  const c = props.card || ({} as Card);
  const title = str(c.title);
  return (
    <div class="ct-card">
      {c.media && <Img media={c.media} alt={str(c.media.alt) || title} ctx={props.ctx} />}
      <div class="ct-cb">
        <b>{title}</b>
        {c.description && <p>{str(c.description)}</p>}
      </div>
      <Actions actions={c.actions} ctx={props.ctx} message={props.message} />
    </div>
  );
}

function ListView(props: P & { content: Extract<Content, { type: "list" }> }) {
  const { content, ctx, message } = props;
  const [open, setOpen] = useState(false);
  return (
    <div class="ct-list" data-content-type="list">
      {content.title && <b>{str(content.title)}</b>}
      <div class="ct-txt">{linkify(str(content.body))}</div>
      <button type="button" class="ct-btn" aria-expanded={open} disabled={ctx.disabled} onClick={() => setOpen(!open)}>
        {str(content.button) || ctx.t("choose")}
      </button>
      {open && (
        <div class="ct-rows">
          {arr<{ title?: string; rows: unknown }>(content.sections).map((s, i) => (
            <div key={i} role="group" aria-label={str(s?.title) || undefined}>
              {s?.title && <div class="ct-sec">{str(s.title)}</div>}
              {arr<{ id: string; title: string; description?: string }>(s?.rows).map((r) => (
                <button
                  type="button"
                  class="ct-row"
                  data-action-type="postback"
                  disabled={ctx.disabled}
                  onClick={() => {
                    setOpen(false);
                    ctx.onAction?.({ type: "postback", text: str(r.title), payload: str(r.id) }, message);
                  }}
                >
                  <b>{str(r.title)}</b>
                  {r.description && <small>{str(r.description)}</small>}
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

let formSeq = 0;

function FormView(props: P & { content: Extract<Content, { type: "form" }> }) {
  const { content, ctx, message } = props;
  const [done, setDone] = useState(false);
  const [base] = useState(() => "ct-f" + ++formSeq);
  const fields = arr<FormField>(content.fields).filter((f) => f && typeof f === "object");
  const off = done || !!ctx.disabled;
  const submit = (e: Event) => {
    e.preventDefault();
    if (off) return;
    const form = e.currentTarget as HTMLFormElement;
    const values: Record<string, string> = {};
    fields.forEach((f, i) => {
      const el = form.querySelector("#" + base + "-" + i) as HTMLInputElement | null;
      values[str(f.name)] = (el?.value ?? "").trim();
    });
    setDone(true);
    ctx.onFormSubmit?.(values, message);
  };
  return (
    <form class="ct-form" data-content-type="form" onSubmit={submit} noValidate={false}>
      {content.title && <b>{str(content.title)}</b>}
      <fieldset disabled={off}>
        {fields.map((f, i) => {
          const id = base + "-" + i;
          const req = !!f.required;
          const kind = str(f.kind);
          const common = { id, name: str(f.name), required: req };
          return (
            <div class="ct-field" key={i}>
              <label for={id}>
                {str(f.label) || str(f.name)}
                {req && <span aria-hidden="true"> *</span>}
              </label>
              {kind === "select" ? (
                <select {...common}>
                  <option value="">—</option>
                  {arr<string>(f.options).map((o) => (
                    <option value={str(o)}>{str(o)}</option>
                  ))}
                </select>
              ) : kind === "textarea" ? (
                <textarea {...common} rows={3} maxLength={4096} />
              ) : (
                <input
                  {...common}
                  type={(kind === "email" ? "email" : kind === "phone" ? "tel" : kind === "number" ? "number" : "text") as "text"}
                  autocomplete={kind === "email" ? "email" : kind === "phone" ? "tel" : "off"}
                />
              )}
            </div>
          );
        })}
        <button type="submit" class="ct-btn ct-pri">
          {done ? "✓ " + ctx.t("sent") : str(content.submit_label) || ctx.t("submit")}
        </button>
      </fieldset>
    </form>
  );
}

function ProductCard(props: P & { p: ProductRef; root?: boolean }) {
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

// ------------------------------------------------------------------ entry

/// `last`: the message is the newest of the conversation — its quick replies are live chips
/// (on older messages they show disabled, as a record of what was offered).
export function ContentView(props: { content: Content; message?: Message; ctx: RenderContext; last?: boolean }) {
  const { content, ctx, message } = props;
  const c = content as Content;
  const t = ctx.t;
  switch (c?.type) {
    case "text":
      return (
        <div class="ct-text" data-content-type="text">
          <div class="ct-txt">{linkify(str(c.text))}</div>
          <QuickReplies actions={c.quick_replies} ctx={props.last ? ctx : { ...ctx, disabled: true }} message={message} />
        </div>
      );
    case "postback":
      return (
        <div class="ct-txt ct-pb" data-content-type="postback">
          ↳ {str(c.text)}
        </div>
      );
    case "image": {
      const alt = str(c.media?.alt) || str(c.caption) || t("image");
      return (
        <figure class="ct-image" data-content-type="image">
          <Img media={c.media} alt={alt} ctx={ctx} zoom />
          <Caption text={c.caption} />
        </figure>
      );
    }
    case "video":
    case "audio":
      return <Av content={c} ctx={ctx} message={message} />;
    case "file":
      return <FileView content={c} ctx={ctx} message={message} />;
    case "location": {
      const lat = num(c.latitude);
      const lon = num(c.longitude);
      const ok = lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
      return (
        <div class="ct-loc" data-content-type="location">
          <span aria-hidden="true">📍</span>
          <div>
            {c.name && <b>{str(c.name)}</b>}
            {c.address && <div>{str(c.address)}</div>}
            {ok && (
              <a
                href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=16/${lat}/${lon}`}
                target="_blank"
                rel={REL}
              >
                {`${lat!.toFixed(5)}, ${lon!.toFixed(5)}`}
              </a>
            )}
          </div>
        </div>
      );
    }
    case "carousel":
      return (
        <div class="ct-car" data-content-type="carousel">
          {arr<Card>(c.cards)
            .slice(0, 10)
            .map((card, i) => (
              <CardView key={i} card={card} ctx={ctx} message={message} />
            ))}
        </div>
      );
    case "list":
      return <ListView content={c} ctx={ctx} message={message} />;
    case "form":
      return <FormView content={c} ctx={ctx} message={message} />;
    case "form_response": {
      const v = c.values && typeof c.values === "object" ? Object.entries(c.values) : [];
      return (
        <dl class="ct-kv" data-content-type="form_response">
          {v.map(([k, val]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{str(val)}</dd>
            </div>
          ))}
        </dl>
      );
    }
    case "product":
      return <ProductCard p={c} ctx={ctx} message={message} root />;
    case "products":
      return (
        <div class="ct-car" data-content-type="products">
          {arr<ProductRef>(c.items)
            .slice(0, 10)
            .map((p, i) => (
              <ProductCard key={i} p={p} ctx={ctx} message={message} />
            ))}
        </div>
      );
    case "cart": {
      const lines = arr<CartLine>(c.items);
      return (
        <div class="ct-cart" data-content-type="cart">
          <ul>
            {lines.map((l, i) => (
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
          <Total label={t("total")} value={formatMoney(c.total, ctx.locale)} />
          <LinkBtn url={c.checkout_url} text={t("checkout")} type="checkout" pri />
        </div>
      );
    }
    case "order": {
      const status = str(c.status);
      return (
        <div class="ct-order" data-content-type="order">
          <div class="ct-oh">
            <b>{str(c.number) || "#" + str(c.order_id)}</b>
            <span class={"ct-badge ct-s-" + status.toLowerCase().replace(/[^a-z]/g, "")}>{status}</span>
          </div>
          <Total label={t("total")} value={formatMoney(c.total, ctx.locale)} />
          {(c.carrier || c.tracking_number) && (
            <div class="ct-muted">
              {str(c.carrier)} {str(c.tracking_number)}
            </div>
          )}
          <LinkBtn url={c.tracking_url} text={t("track")} type="link" />
        </div>
      );
    }
    case "payment_request":
      return (
        <div class="ct-pay" data-content-type="payment_request">
          <div class="ct-amt">{num(c.amount_minor) !== undefined ? formatAmount(c.amount_minor, str(c.currency), ctx.locale) : ""}</div>
          <div>{str(c.description)}</div>
          <LinkBtn url={c.pay_url} text={t("pay")} type="link" pri />
        </div>
      );
    default:
      return (
        <div class="ct-txt ct-muted" data-content-type="unknown">
          …
        </div>
      );
  }
}
