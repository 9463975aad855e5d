// A minimal reactive store (the widget's byte budget has no room for @preact/signals):
// writable `signal`s, derived `computed`s (recomputed on read), and change listeners that
// run once per microtask after any number of writes. The UI re-renders from the root on
// change — the widget's tree is small.

import { useLayoutEffect, useState } from "preact/hooks";

type Listener = () => void;
const listeners = new Set<Listener>();
let queued = false;

function notify() {
  if (queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    listeners.forEach((f) => f());
  });
}

export interface ReadSignal<T> {
  readonly value: T;
}

export class Signal<T> implements ReadSignal<T> {
  // Declared, not initialised: see shared/realtime.ts.
  declare private v: T;
  constructor(v: T) {
    this.v = v;
  }
  get value(): T {
    return this.v;
  }
  set value(x: T) {
    if (!Object.is(x, this.v)) {
      this.v = x;
      notify();
    }
  }
}

export const signal = <T>(v: T) => new Signal(v);
export const computed = <T>(f: () => T): ReadSignal<T> => ({
  get value() {
    return f();
  },
});

/// Runs `f` after every batch of changes; returns the unsubscribe function.
export function onChange(f: Listener): () => void {
  listeners.add(f);
  return () => void listeners.delete(f);
}

/// Re-renders the calling component after every batch of changes.
export function useStore() {
  const [, set] = useState(0);
  useLayoutEffect(() => {
    const off = onChange(() => set((n) => n + 1));
    set((n) => n + 1); // what changed before we listened
    return off;
  }, []);
}
