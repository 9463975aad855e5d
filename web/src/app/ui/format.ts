// Small formatting helpers: times, initials, colours.

export function shortTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  const diff = (now - t) / 1000;
  if (diff < 60) return "now";
  if (diff < 3600) return `${Math.floor(diff / 60)}m`;
  const d = new Date(t);
  const today = new Date(now);
  if (d.toDateString() === today.toDateString()) return `${Math.floor(diff / 3600)}h`;
  if (diff < 7 * 86400) return d.toLocaleDateString(undefined, { weekday: "short" });
  return d.toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function dayLabel(iso: string): string {
  const d = new Date(iso);
  const today = new Date();
  const yesterday = new Date(Date.now() - 86400_000);
  if (d.toDateString() === today.toDateString()) return "Today";
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/// Up to two initials for an avatar: the first letter or digit (Unicode-aware) of the first and
/// the last word that has one, upper-cased; "?" when there is none. Whatever follows an "@" or a
/// "#" is dropped first, so "bob@shop.example" gives "B" and "Visitor #a1b2" gives "V";
/// punctuation and emoji never show ("Alex (support)" gives "AS", not "A(").
export function initials(name: string): string {
  const firsts: string[] = [];
  for (const word of (name ?? "").replace(/[#@].*$/su, "").split(/\s+/u)) {
    const m = /[\p{L}\p{N}]/u.exec(word);
    if (m) firsts.push(m[0]);
  }
  if (!firsts.length) return "?";
  const picked = firsts.length > 1 ? [firsts[0], firsts[firsts.length - 1]] : [firsts[0]];
  // One character per initial even where upper-casing grows it ("ß" → "SS").
  return picked.map((ch) => [...ch.toUpperCase()][0]).join("");
}

/// A stable hue from a string, for avatars.
export function hueOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % 360;
}
