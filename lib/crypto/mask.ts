/** Masked forms of identity and bank data: the only forms that ever leave the API. */

/**
 * `ABCDE1234F` → `XXXXX1234F` (domain-india §4.4). The first five letters go: they carry the holder type
 * and the surname's initial, which with the name on the account narrow the PAN down.
 */
export function maskPan(pan: string): string {
  const v = pan.replace(/\s+/g, "").toUpperCase();
  if (v.length !== 10) return "XXXXXXXXXX";
  return `XXXXX${v.slice(5)}`;
}

/** Full number or its last 4 → `XXXX-XXXX-1234` (domain-india §4.4; RBI: only the last 4 digits visible). */
export function maskAadhaar(aadhaarOrLast4: string): string {
  const digits = aadhaarOrLast4.replace(/\D+/g, "");
  const last4 = digits.length >= 4 ? digits.slice(-4) : "XXXX";
  return `XXXX-XXXX-${last4}`;
}

/** Bank account number → `XXXXXX1234` (fixed width, so the length is not revealed). */
export function maskAccountNumber(accountNumber: string): string {
  const v = accountNumber.replace(/[\s-]+/g, "");
  return `XXXXXX${v.length > 4 ? v.slice(-4) : "XXXX"}`;
}

/** Indian mobile → `XXXXXX3210`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D+/g, "");
  return `XXXXXX${digits.length > 4 ? digits.slice(-4) : "XXXX"}`;
}
