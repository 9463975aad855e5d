// What the pay page shows for a payment, and the card number as the server wants it.
import type { PaymentStatus } from "../shared/types";

/// The state of the page once the payment is known.
export type Phase = "form" | "paid" | "already_paid" | "closed";

/// `paid` on arrival means someone paid before: the page says so rather than "thank you".
export function phaseOf(status: PaymentStatus): Phase {
  if (status === "paid") return "already_paid";
  if (status === "expired" || status === "cancelled") return "closed";
  // `pending`, and `failed` (a declined attempt may be followed by another card).
  return "form";
}

/// The digits of a typed card number (spaces and dashes allowed between them), or null when
/// it is not 12 to 19 digits.
export function cardDigits(typed: string): string | null {
  const digits = typed.replace(/[\s-]/g, "");
  return /^\d{12,19}$/.test(digits) ? digits : null;
}

/// Payment ids are UUIDs; anything else is not worth asking the server about.
export function validPaymentId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}
