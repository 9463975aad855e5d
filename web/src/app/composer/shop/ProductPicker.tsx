// Picks catalog products to send: search as you type, filter by category and stock, tick one
// (a product card) or several (a carousel), choose each one's variant.
import { useEffect, useRef, useState } from "preact/hooks";
import { formatAmount } from "../../../shared/format";
import { safeUrl } from "../../../shared/safeUrl";
import type { Content, Product } from "../../../shared/types";
import * as commerce from "../../api/commerce";
import { errorText } from "../../api/client";
import { priceLocale } from "../../state/shop";
import { Dialog } from "../../ui/Dialog";
import { PICK_MAX, productRef, productsMessage, stockOf, variantOf } from "./shopContent";

/// How long typing pauses before the catalog is asked.
const SEARCH_DELAY_MS = 250;

interface Picked {
  product: Product;
  variantId?: string;
}

export function ProductPicker(p: { onClose: () => void; onSend: (c: Content) => void }) {
  const [q, setQ] = useState("");
  const [category, setCategory] = useState("");
  const [inStock, setInStock] = useState(false);
  const [results, setResults] = useState<Product[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const asked = useRef(0);

  useEffect(() => {
    const n = ++asked.current;
    const timer = setTimeout(() => {
      commerce
        .searchProducts({ q: q.trim() || undefined, category: category.trim() || undefined, in_stock: inStock, limit: 20 })
        .then(
          (page) => {
            if (n !== asked.current) return; // a later search is on its way
            setResults(page.items);
            setMore(!!page.next_cursor);
            setError(null);
            setCategories((known) => [...new Set([...known, ...page.items.map((x) => x.category ?? "").filter(Boolean)])].sort());
          },
          (e) => n === asked.current && setError(errorText(e)),
        );
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, category, inStock]);

  const isPicked = (id: string) => picked.some((x) => x.product.id === id);
  const toggle = (product: Product) =>
    setPicked(isPicked(product.id) ? picked.filter((x) => x.product.id !== product.id) : [...picked, { product, variantId: variantOf(product)?.id }]);
  const setVariant = (id: string, variantId: string) => setPicked(picked.map((x) => (x.product.id === id ? { ...x, variantId } : x)));
  const full = picked.length >= PICK_MAX;

  const send = () => {
    const content = productsMessage(picked.map((x) => productRef(x.product, x.variantId)));
    if (content) p.onSend(content);
  };

  return (
    <Dialog
      title="Send products"
      onClose={p.onClose}
      wide
      footer={
        <>
          <span class="muted small spacer" aria-live="polite" data-testid="product-picked-count">
            {picked.length === 0
              ? "Tick the products to send."
              : picked.length === 1
                ? "1 product: sent as a product card."
                : `${picked.length} products: sent as a carousel (at most ${PICK_MAX}).`}
          </span>
          <button class="btn btn-ghost" onClick={p.onClose}>
            Cancel
          </button>
          <button class="btn btn-primary" data-testid="product-picker-send" disabled={!picked.length} onClick={send}>
            Send products
          </button>
        </>
      }
    >
      <div class="picker-filters">
        <input
          type="search"
          class="picker-search"
          placeholder="Search the catalog…"
          aria-label="Search products"
          data-testid="product-search"
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
        />
        <input
          class="picker-category"
          placeholder="Any category"
          aria-label="Category"
          list="picker-categories"
          data-testid="product-category"
          value={category}
          onInput={(e) => setCategory(e.currentTarget.value)}
        />
        <datalist id="picker-categories">
          {categories.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <label class="check">
          <input type="checkbox" checked={inStock} data-testid="product-in-stock" onChange={(e) => setInStock(e.currentTarget.checked)} /> In stock only
        </label>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {!results && !error && (
        <p class="muted small" role="status">
          Searching…
        </p>
      )}
      {results && results.length === 0 && <p class="muted small">No product matches.</p>}
      <ul class="picker-list" aria-label="Products">
        {results?.map((product) => (
          <ProductRow
            key={product.id}
            product={product}
            picked={picked.find((x) => x.product.id === product.id)}
            full={full}
            onToggle={() => toggle(product)}
            onVariant={(v) => setVariant(product.id, v)}
          />
        ))}
      </ul>
      {more && <p class="muted small">More products match: refine the search.</p>}
    </Dialog>
  );
}

function ProductRow(p: { product: Product; picked?: Picked; full: boolean; onToggle: () => void; onVariant: (id: string) => void }) {
  const { product } = p;
  const v = variantOf(product, p.picked?.variantId);
  const stock = stockOf(v);
  const image = safeUrl(v?.image_url ?? product.images[0], { src: true });
  const id = `pick-${product.id}`;
  return (
    <li class={"picker-item" + (p.picked ? " picked" : "")} data-testid="product-result">
      <input id={id} type="checkbox" checked={!!p.picked} disabled={!p.picked && p.full} onChange={p.onToggle} />
      {image ? <img class="picker-img" src={image} alt="" loading="lazy" /> : <span class="picker-img" aria-hidden="true" />}
      <label for={id} class="picker-main">
        <span class="picker-title">{product.title}</span>
        <span class="muted small">
          {product.category ? product.category + " · " : ""}
          {stock === undefined ? "Stock not tracked" : stock === 0 ? "Sold out" : `${stock} in stock`}
        </span>
      </label>
      {product.variants.length > 1 && (
        <select aria-label={`Variant of ${product.title}`} value={v?.id} onChange={(e) => p.onVariant(e.currentTarget.value)} disabled={!p.picked}>
          {product.variants.map((x) => (
            <option key={x.id} value={x.id}>
              {x.title}
            </option>
          ))}
        </select>
      )}
      <span class="picker-price">{v ? formatAmount(v.price_minor, product.currency, priceLocale()) : ""}</span>
    </li>
  );
}
