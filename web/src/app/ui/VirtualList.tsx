// A windowed list: only the rows near the viewport are in the DOM. Rows may have any height
// (measured once rendered, estimated before); the scroll position is anchored to the first
// visible row, so prepending older rows or rows growing above do not move what is on screen.
// `stickToBottom` (chat) opens at the end and follows new rows while the view is at the end.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { offsetsOf, rangeOf } from "./virtualMath";

export interface VirtualListProps<T> {
  items: T[];
  keyOf: (item: T) => string;
  render: (item: T, index: number) => ComponentChildren;
  /// Estimated height of an unmeasured row, px.
  estimate: number;
  /// All rows this height: no measuring.
  fixedHeight?: number;
  /// Extra px rendered above and below the viewport.
  overscan?: number;
  /// Up to this many rows everything is rendered (cheap, and every row is in the DOM for
  /// find-in-page and tests); beyond, only the window.
  renderAllBelow?: number;
  stickToBottom?: boolean;
  /// At the very top, stay there when rows are inserted above (an inbox showing new rows).
  stickToTop?: boolean;
  onNearTop?: () => void;
  onNearBottom?: () => void;
  class?: string;
  header?: ComponentChildren;
  footer?: ComponentChildren;
  /// Receives the scrolling element (e.g. to scroll a row into view).
  scrollerRef?: (el: HTMLDivElement | null) => void;
  /// Scroll this key into view when it changes.
  revealKey?: string | null;
  role?: "list" | "log";
  label?: string;
}

export function VirtualList<T>(p: VirtualListProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const [measureVersion, setMeasureVersion] = useState(0);
  const [view, setView] = useState({ top: 0, height: 800 });
  const anchor = useRef<{ key: string; delta: number } | null>(null);
  const atBottom = useRef(true);
  const atTop = useRef(true);
  const overscan = p.overscan ?? 600;

  const keys = useMemo(() => p.items.map(p.keyOf), [p.items]);
  const offsets = useMemo(
    () => offsetsOf(keys, (k) => p.fixedHeight ?? heights.current.get(k) ?? p.estimate),
    [keys, measureVersion, p.fixedHeight, p.estimate],
  );
  const total = offsets[offsets.length - 1];
  const [start, end] =
    p.items.length <= (p.renderAllBelow ?? 150)
      ? [0, p.items.length]
      : rangeOf(offsets, view.top - overscan, view.top + view.height + overscan);

  /// The scrollTop this list set itself last: its scroll event is not the person scrolling, so
  /// it must not drop "at the bottom" (the viewport may have shrunk in between).
  const ownScroll = useRef<number | null>(null);
  const setScrollTop = (el: HTMLElement, v: number) => {
    el.scrollTop = v;
    ownScroll.current = el.scrollTop;
  };
  const readScroll = useCallback((edges = true) => {
    const el = scroller.current;
    if (!el) return;
    if (edges) {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      atTop.current = el.scrollTop <= 1;
    }
    // Anchor: the first row whose bottom is below the top edge.
    const [i] = rangeOf(offsetsRef.current, el.scrollTop, el.scrollTop + 1);
    const k = keysRef.current[i];
    anchor.current = k !== undefined ? { key: k, delta: el.scrollTop - offsetsRef.current[i] } : null;
  }, []);
  const offsetsRef = useRef(offsets);
  offsetsRef.current = offsets;
  const keysRef = useRef(keys);
  keysRef.current = keys;
  const indexOf = useMemo(() => {
    const m = new Map<string, number>();
    keys.forEach((k, i) => m.set(k, i));
    return m;
  }, [keys]);

  // Rows resizing by themselves (images loading): measured again when their size changes.
  const ro = useRef<ResizeObserver | null>(null);
  const observed = useRef(new WeakSet<Element>());
  useEffect(() => {
    if (p.fixedHeight !== undefined || typeof ResizeObserver === "undefined") return;
    ro.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const e of entries) {
        const el = e.target as HTMLElement;
        const k = el.dataset.vkey;
        if (k !== undefined && el.offsetHeight > 0 && heights.current.get(k) !== el.offsetHeight) changed = true;
      }
      if (changed) setMeasureVersion((v) => v + 1);
    });
    return () => ro.current?.disconnect();
  }, []);

  // After every render: put the anchor back where it was, then measure the rows.
  useLayoutEffect(() => {
    const el = scroller.current;
    const box = inner.current;
    if (!el || !box) return;
    if (p.stickToBottom && atBottom.current) {
      if (Math.abs(el.scrollTop - (el.scrollHeight - el.clientHeight)) > 1) setScrollTop(el, el.scrollHeight);
    } else if (p.stickToTop && atTop.current) {
      if (el.scrollTop !== 0) setScrollTop(el, 0);
    } else if (anchor.current) {
      const i = indexOf.get(anchor.current.key);
      if (i !== undefined) {
        const want = offsets[i] + anchor.current.delta;
        if (Math.abs(el.scrollTop - want) > 1) setScrollTop(el, want);
      }
    }
    let changed = false;
    if (p.fixedHeight === undefined) {
      for (const child of Array.from(box.children) as HTMLElement[]) {
        const k = child.dataset.vkey;
        if (k === undefined) continue;
        if (ro.current && !observed.current.has(child)) {
          observed.current.add(child);
          ro.current.observe(child);
        }
        const h = child.offsetHeight;
        if (h > 0 && heights.current.get(k) !== h) {
          heights.current.set(k, h);
          changed = true;
        }
      }
    }
    if (changed) {
      setMeasureVersion((v) => v + 1);
      return;
    }
    // Keep the edges while sticking: only the person scrolling leaves them.
    readScroll(!(p.stickToBottom && atBottom.current) && !(p.stickToTop && atTop.current));
    if (Math.abs(view.top - el.scrollTop) > 1 || view.height !== el.clientHeight) {
      setView({ top: el.scrollTop, height: el.clientHeight });
    }
  });

  // The viewport's size.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => setView({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (!p.revealKey) return;
    const el = scroller.current;
    const i = indexOf.get(p.revealKey);
    if (!el || i === undefined) return;
    const top = offsets[i];
    const bottom = offsets[i + 1];
    if (top < el.scrollTop) el.scrollTop = top;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight;
  }, [p.revealKey]);

  const frame = useRef(0);
  const onScroll = () => {
    const el0 = scroller.current;
    const own = el0 !== null && ownScroll.current !== null && Math.abs(el0.scrollTop - ownScroll.current) <= 1;
    ownScroll.current = null;
    readScroll(!own);
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const el = scroller.current;
      if (!el) return;
      setView({ top: el.scrollTop, height: el.clientHeight });
      if (p.onNearTop && el.scrollTop < 300) p.onNearTop();
      if (p.onNearBottom && el.scrollHeight - el.scrollTop - el.clientHeight < 400) p.onNearBottom();
    });
  };

  // A short list does not scroll: ask for more at once.
  useEffect(() => {
    const el = scroller.current;
    if (!el || p.items.length === 0) return;
    if (el.scrollHeight <= el.clientHeight + 10) {
      p.onNearTop?.();
      p.onNearBottom?.();
    }
  }, [p.items.length]);

  const rows: ComponentChildren[] = [];
  for (let i = start; i < end; i++) {
    const item = p.items[i];
    const k = keys[i];
    rows.push(
      <div key={k} data-vkey={k} class="vrow" style={p.fixedHeight ? { height: `${p.fixedHeight}px` } : undefined}>
        {p.render(item, i)}
      </div>,
    );
  }
  return (
    <div
      class={"vlist " + (p.class ?? "")}
      ref={(el) => {
        (scroller as { current: HTMLDivElement | null }).current = el;
        p.scrollerRef?.(el);
      }}
      onScroll={onScroll}
      role={p.role as "list" | "log" | undefined}
      aria-label={p.label}
      tabIndex={-1}
    >
      {p.header}
      <div
        ref={inner}
        class="vlist-inner"
        style={{ paddingTop: `${offsets[start]}px`, paddingBottom: `${total - offsets[end]}px` }}
      >
        {rows}
      </div>
      {p.footer}
    </div>
  );
}
