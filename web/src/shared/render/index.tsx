// Safe rendering of every content type (widget and agent app). Text only ever goes into text
// nodes and attribute values (never innerHTML); every URL passes safeUrl(). The root element
// of each content carries data-content-type, each action button data-action-type.
// Styles: ./render.css (classes "ct-*", colours from --st-* custom properties).
// One module per family: text, media, cards, forms, commerce; actions for buttons and chips.

import type { Content, Message } from "../types";
import type { RenderContext } from "./context";
import { TextView, PostbackView } from "./text";
import { Av, FileView, ImageView, LocationView } from "./media";
import { Carousel, ListView } from "./cards";
import { FormResponse, FormView } from "./forms";
import { CartView, OrderView, PaymentRequest, ProductCard, Products } from "./commerce";

export { RENDER_EN, tEn, type RenderKey } from "./strings";
export { safeUrl } from "../safeUrl";
export type { RenderContext } from "./context";
export { linkify } from "./text";
export { ActionButton, QuickReplies } from "./actions";

/// `last`: the message is the newest of the conversation — its quick replies are live chips
/// (on older messages they show disabled, as a record of what was offered).
export function ContentView(props: { content: Content; message?: Message; ctx: RenderContext; last?: boolean }) {
  const { content, ctx, message } = props;
  const c = content as Content;
  switch (c?.type) {
    case "text":
      return <TextView content={c} ctx={ctx} message={message} last={props.last} />;
    case "postback":
      return <PostbackView content={c} />;
    case "image":
      return <ImageView content={c} ctx={ctx} />;
    case "video":
    case "audio":
      return <Av content={c} ctx={ctx} />;
    case "file":
      return <FileView content={c} ctx={ctx} />;
    case "location":
      return <LocationView content={c} />;
    case "carousel":
      return <Carousel content={c} ctx={ctx} message={message} />;
    case "list":
      return <ListView content={c} ctx={ctx} message={message} />;
    case "form":
      return <FormView content={c} ctx={ctx} message={message} />;
    case "form_response":
      return <FormResponse content={c} />;
    case "product":
      return <ProductCard p={c} ctx={ctx} message={message} root />;
    case "products":
      return <Products content={c} ctx={ctx} message={message} />;
    case "cart":
      return <CartView content={c} ctx={ctx} message={message} />;
    case "order":
      return <OrderView content={c} ctx={ctx} />;
    case "payment_request":
      return <PaymentRequest content={c} ctx={ctx} />;
    default:
      return (
        <div class="ct-txt ct-muted" data-content-type="unknown">
          …
        </div>
      );
  }
}
