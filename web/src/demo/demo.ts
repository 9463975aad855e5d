// The demo page's few behaviours, through the widget's JS API (queued until it loads):
// "Ask us anything" opens the chat; "Ask about it" opens it and records which product.

type Call = [string, ...unknown[]];
interface ShoptalkQueue {
  q?: Call[];
  open?: () => void;
  track?: (name: string, props?: Record<string, unknown>) => void;
}

const w = window as unknown as { Shoptalk?: ShoptalkQueue };
w.Shoptalk = w.Shoptalk || { q: [] };

function call(...c: Call) {
  const s = w.Shoptalk!;
  const [name, ...args] = c;
  const fn = (s as Record<string, unknown>)[name];
  if (typeof fn === "function") (fn as (...a: unknown[]) => void)(...args);
  else (s.q ??= []).push(c);
}

document.addEventListener("click", (e) => {
  const el = (e.target as Element | null)?.closest<HTMLElement>("[data-chat-open], [data-ask]");
  if (!el) return;
  const product = el.dataset.ask;
  if (product) call("track", "asked_about_product", { product });
  call("open");
});
