// Offsets of a windowed list: prefix sums of row heights, and the rows crossing a band.

/// offsets[i] = top of row i; offsets[n] = total height.
export function offsetsOf(keys: string[], heightOf: (key: string) => number): Float64Array {
  const out = new Float64Array(keys.length + 1);
  let acc = 0;
  for (let i = 0; i < keys.length; i++) {
    out[i] = acc;
    acc += heightOf(keys[i]);
  }
  out[keys.length] = acc;
  return out;
}

/// [start, end) of the rows intersecting [top, bottom).
export function rangeOf(offsets: Float64Array, top: number, bottom: number): [number, number] {
  const n = offsets.length - 1;
  if (n <= 0) return [0, 0];
  // First row whose bottom is > top.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (offsets[mid + 1] <= top) lo = mid + 1;
    else hi = mid;
  }
  const start = Math.min(lo, n - 1);
  let end = start;
  while (end < n && offsets[end] < bottom) end++;
  return [start, Math.max(end, start + 1)];
}
