/** `PATCH /api/me`: the few fields a user may change about themselves, audited with before/after. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../db/schema/users.js";
import { recordAudit } from "../audit/index.js";
import type { ClientInfo } from "../auth/client-info.js";
import { db, withTransaction } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { istDate } from "../limits/windows.js";
import { fullNameSchema } from "./fields.js";
import { getProfile, type Profile } from "./profile.js";

/** Today in India: a user who turns 10 today may say so from 00:00 IST, not from 05:30. */
const today = () => istDate();

/** A real calendar date, not in the future, after 1900 and at least 10 years ago. */
const dateOfBirthSchema = z.iso.date("must be a date (YYYY-MM-DD)").refine((d) => {
  const parsed = new Date(`${d}T00:00:00Z`);
  // zod runs refinements even after the format check failed, so the value may not be a date at all.
  if (Number.isNaN(parsed.getTime())) return false;
  const tenYearsAgo = new Date(`${today()}T00:00:00Z`);
  tenYearsAgo.setUTCFullYear(tenYearsAgo.getUTCFullYear() - 10);
  return parsed.toISOString().slice(0, 10) === d && d >= "1900-01-01" && parsed <= tenYearsAgo;
}, "must be a plausible date of birth");

/** Strict: role, balances, KYC fields, ids or anything else → 400 VALIDATION_FAILED. */
export const profilePatchSchema = z
  .strictObject({
    fullName: fullNameSchema.optional(),
    avatarUrl: z
      .url({ protocol: /^https$/, error: "must be an https URL" })
      .max(500)
      .nullable()
      .optional(),
    dateOfBirth: dateOfBirthSchema.nullable().optional(),
    address: z.string().trim().min(1).max(1000).nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "send at least one field to change");

export type ProfilePatch = z.output<typeof profilePatchSchema>;

/**
 * Personal data the audit trail records as set or cleared, not by value: audit rows are read by every
 * admin (GET /api/admin/audit-logs) and kept for years, and domain-india §4.4 lists date of birth with
 * the data to encrypt.
 */
const PERSONAL: ReadonlySet<string> = new Set(["dateOfBirth", "address"]);
const auditValue = (key: string, value: unknown) => (PERSONAL.has(key) && value !== null ? "[set]" : value);

/** Fields KYC vouches for: fixed once set on a verified account. */
const IDENTITY_FIELDS = ["fullName", "dateOfBirth"] as const;

/** Applies the patch and returns the new profile (409 for a verified identity field). */
export async function updateProfile(userId: number, patch: ProfilePatch, client: ClientInfo): Promise<Profile> {
  await withTransaction(async ({ tx }) => {
    const [before] = await tx
      .select({
        fullName: users.fullName,
        avatarUrl: users.avatarUrl,
        dateOfBirth: users.dateOfBirth,
        address: users.address,
        kycStatus: users.kycStatus,
      })
      .from(users)
      .where(eq(users.id, userId))
      .for("update");
    if (!before) throw new AppError("NOT_FOUND", "The account does not exist.");
    // KYC verified the holder's identity: their name (shown to every payer and in every counterparty's
    // history) and date of birth no longer change at will — a changed identity goes back through KYC.
    const identityChange = IDENTITY_FIELDS.filter(
      (k) => patch[k] !== undefined && before[k] !== null && patch[k] !== before[k],
    );
    if (before.kycStatus === "verified" && identityChange.length > 0) {
      throw new AppError(
        "CONFLICT",
        `Your ${identityChange.join(" and ")} are verified by KYC and cannot be changed here.`,
      );
    }
    await tx.update(users).set(patch).where(eq(users.id, userId));
    const changed = Object.keys(patch) as (keyof ProfilePatch)[];
    await recordAudit(tx, {
      actorUserId: userId,
      action: "user.profile_updated",
      entityType: "user",
      entityId: userId,
      before: Object.fromEntries(changed.map((k) => [k, auditValue(k, before[k])])),
      after: Object.fromEntries(changed.map((k) => [k, auditValue(k, patch[k])])),
      ip: client.ip,
      userAgent: client.userAgent,
      requestId: client.requestId,
    });
  });
  return getProfile(db, userId);
}
