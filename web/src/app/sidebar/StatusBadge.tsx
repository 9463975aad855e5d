// An order's, cart's or return's status as a coloured pill.
import { statusLabel, statusTone } from "./orderLogic";

export function StatusBadge(p: { status: string }) {
  return (
    <span class={`pill order-status tone-${statusTone(p.status)}`} data-status={p.status}>
      {statusLabel(p.status)}
    </span>
  );
}
