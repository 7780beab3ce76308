/** Maps PhonePe's `paymentMode` of the latest attempt to the seed's payment_method enum. */
import type { PAYMENT_METHODS } from "../../db/schema/payments.js";
import type { OrderStatus } from "../phonepe/index.js";

export function methodOf(status: OrderStatus): (typeof PAYMENT_METHODS)[number] | null {
  const mode = (status.paymentDetails.at(-1)?.paymentMode ?? "").toUpperCase();
  if (mode.startsWith("UPI")) return "upi";
  if (mode === "CARD" || mode === "TOKEN" || mode.endsWith("_CARD")) return "card";
  if (mode === "NET_BANKING") return "netbanking";
  if (mode) return "wallet";
  return null;
}
