/**
 * Resolves a transfer recipient from what a user types: a mobile number (with or without +91 / 91 /
 * leading 0; verified numbers only), a public user code (`NXP…`) or a username. Unknown and inactive wallets both answer
 * NOT_FOUND, so the API does not reveal which accounts exist but are disabled.
 */
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { users } from "../../db/schema/index.js";
import { type Database, db, preparedPerHandle } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { NO_ACTIVE_RECIPIENT } from "../ledger/index.js";

export type Recipient = { id: number; userCode: string | null; fullName: string | null; username: string };

const PHONE_RE = /^(?:\+?91|0)?([6-9]\d{9})$/;

/** The 10-digit national mobile number, or null when the input is not a mobile number. */
export function normalisePhone(input: string): string | null {
  const m = PHONE_RE.exec(input.replace(/[\s-]/g, ""));
  return m?.[1] ?? null;
}

/** Prepared once per handle for each input shape: every transfer runs one of them. */
const lookup = (where: SQL | undefined) =>
  preparedPerHandle((handle: Database) =>
    handle
      .select({
        id: users.id,
        userCode: users.userCode,
        fullName: users.fullName,
        username: users.username,
        isActive: users.isActive,
      })
      .from(users)
      .where(where)
      .limit(2)
      .prepare(),
  );
// A mobile number may have been stored in any of its common spellings. Only a number its owner verified
// by OTP is a payee: anyone can register with someone else's number and never verify it, and a payer
// who types the friend's number must not pay that wallet.
const byPhone = lookup(
  and(
    inArray(
      users.phone,
      ["national", "plus91", "with91", "with0"].map((name) => sql.placeholder(name)),
    ),
    eq(users.phoneVerified, true),
  ),
);
const byCodeOrUsername = lookup(
  or(eq(users.userCode, sql.placeholder("value")), eq(users.username, sql.placeholder("value"))),
);

export async function findRecipient(recipient: string, handle: Database = db): Promise<Recipient> {
  const value = recipient.trim();
  if (value === "" || value.length > 100) throw new AppError("VALIDATION_FAILED", "recipient is required.");
  const phone = normalisePhone(value);
  const rows = phone
    ? await byPhone(handle).execute({
        national: phone,
        plus91: `+91${phone}`,
        with91: `91${phone}`,
        with0: `0${phone}`,
      })
    : await byCodeOrUsername(handle).execute({ value });
  // Codes and usernames are each unique, so two rows mean one's code is the other's username: the code
  // wins, or a username chosen to equal a merchant's printed code would block every payment to it.
  // Two rows for one phone are two spellings of one number stored for two users: ambiguous.
  const found =
    phone && rows.length > 1
      ? undefined
      : (rows.find((r) => r.userCode?.toLowerCase() === value.toLowerCase()) ?? rows[0]);
  // NULL is_active is inactive here as at sign-in (the seed column allows it): money goes only to a
  // wallet whose owner can sign in to use it.
  if (!found?.isActive) throw new AppError("NOT_FOUND", NO_ACTIVE_RECIPIENT);
  return { id: found.id, userCode: found.userCode, fullName: found.fullName, username: found.username };
}
