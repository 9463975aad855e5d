// Action buttons: a card's or product's row of buttons, and quick-reply chips.

import { useState } from "preact/hooks";
import type { Action } from "../types";
import { safeUrl } from "../safeUrl";
import type { P } from "./context";
import { REL, arr, str } from "./util";

const ACTION_TYPES = ["reply", "postback", "link", "add_to_cart", "buy", "checkout", "webview", "location_request"];

/// A button whose `onAction` returns a promise (a request on the customer's behalf) shows busy
/// until it settles, then the failure's message, if any, under it. Busy buttons stay focusable
/// (aria-disabled), so focus does not jump away from the card.
export function ActionButton(props: P & { action: Action; disabled?: boolean; class?: string }) {
  const { action, ctx, message } = props;
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState("");
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
  const press = () => {
    if (busy) return;
    const done = ctx.onAction?.(action, message);
    if (!done) return;
    setBusy(true);
    setFailed("");
    done.then(
      () => setBusy(false),
      (e: unknown) => {
        setBusy(false);
        setFailed(str((e as Error)?.message) || ctx.t("error"));
      },
    );
  };
  return (
    <>
      <button
        type="button"
        class={busy ? cls + " ct-busy" : cls}
        data-action-type={type}
        disabled={!!(props.disabled || ctx.disabled)}
        aria-disabled={busy || undefined}
        aria-busy={busy || undefined}
        onClick={press}
      >
        {text}
      </button>
      {failed && (
        <div class="ct-err" role="alert">
          {failed}
        </div>
      )}
    </>
  );
}

export function Actions(props: P & { actions: unknown; max?: number; off?: (a: Action) => boolean }) {
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
