/** Input rules for account fields, shared by registration, login, OTP and admin scripts. */
import { z } from "zod";

const INDIAN_MOBILE = /^[6-9]\d{9}$/;

/**
 * An Indian mobile number as 10 digits: strips spaces, dashes and parentheses, then a leading `+91`,
 * `91` (12 digits) or `0` (11 digits). Returns null when the rest is not `^[6-9]\d{9}$`.
 */
export function normalizePhone(input: string): string | null {
  let digits = input.replace(/[\s\-()]/g, "");
  if (digits.startsWith("+91")) digits = digits.slice(3);
  else if (digits.length === 12 && digits.startsWith("91")) digits = digits.slice(2);
  else if (digits.length === 11 && digits.startsWith("0")) digits = digits.slice(1);
  return INDIAN_MOBILE.test(digits) ? digits : null;
}

export const phoneSchema = z.string().transform((value, ctx) => {
  const phone = normalizePhone(value);
  if (!phone) {
    ctx.addIssue({ code: "custom", message: "must be an Indian mobile number (10 digits starting 6-9)" });
    return z.NEVER;
  }
  return phone;
});

export const emailSchema = z
  .string()
  .trim()
  .max(255)
  .pipe(z.email("must be an e-mail address"))
  .transform((e) => e.toLowerCase());

/**
 * Lower-cased; starts with a letter so it can never be mistaken for a phone number or an e-mail, and
 * not with `nxp`, the prefix of every user code (user-code.ts): a recipient is typed as either.
 */
export const usernameSchema = z
  .string()
  .trim()
  .transform((u) => u.toLowerCase())
  .pipe(
    z
      .string()
      .regex(/^[a-z][a-z0-9_.]{2,29}$/, "must be 3-30 letters, digits, _ or ., starting with a letter")
      .refine((u) => !u.startsWith("nxp"), "must not start with nxp (reserved for user codes)"),
  );

export const fullNameSchema = z.string().trim().min(2).max(255);

export type Identifier = { kind: "email" | "phone" | "username"; value: string };

/** Classifies a login identifier: an e-mail if it has `@`, a phone if it normalises, else a username. */
export function parseIdentifier(input: string): Identifier {
  const value = input.trim();
  if (value.includes("@")) return { kind: "email", value: value.toLowerCase() };
  const phone = normalizePhone(value);
  if (phone) return { kind: "phone", value: phone };
  return { kind: "username", value: value.toLowerCase() };
}
