// Text (with links and quick replies) and postbacks (the text of a chosen button).

import type { ComponentChildren } from "preact";
import { safeUrl } from "../safeUrl";
import { QuickReplies } from "./actions";
import type { ContentOf, P } from "./context";
import { REL, str } from "./util";

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

/// `last`: see ContentView.
export function TextView(props: P & { content: ContentOf<"text">; last?: boolean }) {
  const { content, ctx, message } = props;
  return (
    <div class="ct-text" data-content-type="text">
      <div class="ct-txt">{linkify(str(content.text))}</div>
      <QuickReplies actions={content.quick_replies} ctx={props.last ? ctx : { ...ctx, disabled: true }} message={message} />
    </div>
  );
}

export function PostbackView(props: { content: ContentOf<"postback"> }) {
  return (
    <div class="ct-txt ct-pb" data-content-type="postback">
      ↳ {str(props.content.text)}
    </div>
  );
}
