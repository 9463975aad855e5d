// Action buttons: a card's or product's row of buttons, and quick-reply chips.

import type { Action } from "../types";
import { safeUrl } from "../safeUrl";
import type { P } from "./context";
import { REL, arr, str } from "./util";

const ACTION_TYPES = ["reply", "postback", "link", "add_to_cart", "buy", "checkout", "webview", "location_request"];

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
