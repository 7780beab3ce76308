/**
 * `acknowledgeFailures()`: an admin takes note of the outstanding verifier failures up to a point in
 * time (after repairing what can be repaired, and compensating a bad ledger row with a new posting), so
 * the cron's alert stops naming them and housekeeping may sweep them. Audited with the admin's note.
 */
import { and, eq, isNull, lte } from "drizzle-orm";
import { z } from "zod";
import { ledgerVerifications } from "../../../db/schema/index.js";
import { type AuditRequestInfo, recordAudit } from "../../audit/index.js";
import { affectedRows, withTransaction } from "../../db/index.js";

/** `{through, note}`: `through` is the `checkedAt` (ISO) of the newest failing run acknowledged. */
export const acknowledgeBodySchema = z.strictObject({
  through: z.iso.datetime({ offset: true }),
  note: z.string().trim().min(10).max(500),
});

export type AcknowledgeBody = z.output<typeof acknowledgeBodySchema>;

/** Marks every unacknowledged failing run started at or before `through`; returns how many. */
export async function acknowledgeFailures(adminId: number, body: AcknowledgeBody, info: AuditRequestInfo) {
  const through = new Date(body.through);
  return withTransaction(async ({ tx }) => {
    const v = ledgerVerifications;
    const result = await tx
      .update(v)
      .set({ acknowledgedAt: new Date(), acknowledgedBy: adminId, acknowledgement: body.note })
      .where(and(eq(v.ok, false), isNull(v.acknowledgedAt), lte(v.startedAt, through)));
    const acknowledged = affectedRows(result);
    await recordAudit(tx, {
      actorUserId: adminId,
      action: "ledger.violations_acknowledged",
      entityType: "ledger",
      entityId: "verifications",
      after: { through: through.toISOString(), note: body.note, runs: acknowledged },
      ...info,
    });
    return acknowledged;
  });
}
