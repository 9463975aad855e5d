// Structured choices: a carousel of cards, and a list (a button that opens rows to pick from).

import { useState } from "preact/hooks";
import type { Card } from "../types";
import { Actions } from "./actions";
import type { ContentOf, P } from "./context";
import { Img } from "./media";
import { linkify } from "./text";
import { arr, str } from "./util";

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

export function Carousel(props: P & { content: ContentOf<"carousel"> }) {
  return (
    <div class="ct-car" data-content-type="carousel">
      {arr<Card>(props.content.cards)
        .slice(0, 10)
        .map((card, i) => (
          <CardView key={i} card={card} ctx={props.ctx} message={props.message} />
        ))}
    </div>
  );
}

export function ListView(props: P & { content: ContentOf<"list"> }) {
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
