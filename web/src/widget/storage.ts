// Web storage that may be blocked (sandboxed frames, some privacy modes): reads then find
// nothing and writes go nowhere, and the widget keeps what it needs in memory.

type Area = "localStorage" | "sessionStorage";

export function load(key: string, area: Area = "localStorage"): string | null {
  try {
    return window[area].getItem(key);
  } catch {
    return null;
  }
}

/// Stores `value` under `key`; null removes it.
export function save(key: string, value: string | null, area: Area = "localStorage") {
  try {
    if (value == null) window[area].removeItem(key);
    else window[area].setItem(key, value);
  } catch {
    // blocked storage: memory only
  }
}
