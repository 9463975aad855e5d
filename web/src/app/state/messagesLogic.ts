// Pure rules of a conversation's loaded log: messages sorted by seq, each seq once.
import type { Message } from "../../shared/types";

/// Merges `incoming` (any order) into `items` (sorted by seq); existing seqs are kept once
/// (a repeat replaces the copy: same message). Fast paths for appends and prepends.
export function mergeMessages(items: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return items;
  const sorted = incoming.length > 1 ? [...incoming].sort((a, b) => a.seq - b.seq) : incoming;
  const dedup: Message[] = [];
  for (const m of sorted) if (!dedup.length || dedup[dedup.length - 1].seq !== m.seq) dedup.push(m);
  if (items.length === 0) return dedup;
  const first = items[0].seq;
  const last = items[items.length - 1].seq;
  if (dedup[0].seq > last) return items.concat(dedup);
  if (dedup[dedup.length - 1].seq < first) return dedup.concat(items);
  const bySeq = new Map<number, Message>();
  for (const m of items) bySeq.set(m.seq, m);
  let changed = false;
  for (const m of dedup) {
    if (!bySeq.has(m.seq)) changed = true;
    bySeq.set(m.seq, m);
  }
  if (!changed) return items;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/// Whether a live message leaves a hole after what is loaded (then fetch after the last).
export function hasGap(items: Message[], m: Message): boolean {
  if (items.length === 0) return false;
  return m.seq > items[items.length - 1].seq + 1;
}

export interface Group {
  /// Index of the first message of the group in the list.
  start: boolean;
}

/// Whether message `i` starts a new visual group: another sender, a note switch, or a pause of
/// more than 5 minutes.
export function startsGroup(items: Message[], i: number): boolean {
  if (i === 0) return true;
  const a = items[i - 1];
  const b = items[i];
  if (a.sender.type !== b.sender.type || (a.sender.id ?? null) !== (b.sender.id ?? null)) return true;
  if (a.private !== b.private) return true;
  return Date.parse(b.created_at) - Date.parse(a.created_at) > 5 * 60_000;
}

/// Whether a day separator goes above message `i`.
export function startsDay(items: Message[], i: number): boolean {
  if (i === 0) return true;
  return new Date(items[i - 1].created_at).toDateString() !== new Date(items[i].created_at).toDateString();
}
