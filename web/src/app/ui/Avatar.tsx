import type { PresenceStatus } from "../../shared/types";
import { hueOf, initials } from "./format";

export function Avatar(p: { name: string; seed?: string; size?: "xs" | "sm" | "md" | "lg"; presence?: PresenceStatus; kind?: string }) {
  const hue = hueOf(p.seed ?? p.name);
  return (
    <span
      class={`avatar avatar-${p.size ?? "md"} ${p.kind ? "avatar-" + p.kind : ""}`}
      style={{ backgroundColor: `hsl(${hue} 55% 88%)`, color: `hsl(${hue} 45% 30%)` }}
      aria-hidden="true"
    >
      {initials(p.name)}
      {p.presence && <span class={`dot dot-${p.presence}`} title={p.presence} />}
    </span>
  );
}

export function PresenceDot(p: { status: PresenceStatus | undefined }) {
  const s = p.status ?? "offline";
  return <span class={`dot inline dot-${s}`} title={s} aria-label={s} />;
}
