// Coercion of wire values (content comes from other parties: any field may be missing or of
// the wrong type), and the rel of every link that opens a new tab.

export const REL = "noopener noreferrer nofollow";
export const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
export const arr = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
