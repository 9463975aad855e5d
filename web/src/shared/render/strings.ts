// Keys of the UI strings the content renderer asks RenderContext.t for, with English text.
// The widget translates them (widget/i18n.ts); the agent app may use RENDER_EN directly:
//   t: (k) => RENDER_EN[k as RenderKey] ?? k
// "{n}" is replaced by the renderer.
export const RENDER_EN = {
  add_to_cart: "Add to cart",
  buy: "Buy now",
  in_stock: "In stock",
  only_left: "Only {n} left",
  out_of_stock: "Sold out",
  pay: "Pay",
  track: "Track your order",
  submit: "Submit",
  choose: "Choose",
  checkout: "Checkout",
  total: "Total",
  download: "Download",
  close: "Close",
  image: "Image",
  sent: "Sent",
  error: "Something went wrong",
};
export type RenderKey = keyof typeof RENDER_EN;

/// A `t` for callers without translations.
export const tEn = (k: string): string => (RENDER_EN as Record<string, string>)[k] ?? k;
