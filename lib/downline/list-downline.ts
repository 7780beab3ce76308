/**
 * `GET /api/me/downline`: a distributor's own retailers (users whose `parent_distributor_id` is the
 * caller), newest first, keyset-paginated. Phones are masked: a distributor manages its retailers'
 * wallets, it does not need their contact data in bulk.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import { type KycStatus, users } from "../../db/schema/users.js";
import { maskPhone } from "../crypto/index.js";
import type { Database } from "../db/index.js";
import { AppError } from "../http/errors.js";
import type { Paise } from "../money/index.js";

export const downlineQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(100).optional(),
});

export type DownlineQuery = z.output<typeof downlineQuerySchema>;

export type RetailerSummary = {
  id: number;
  userCode: string | null;
  fullName: string | null;
  phoneMasked: string;
  kycStatus: KycStatus;
  isActive: boolean;
  walletBalancePaise: Paise;
  createdAt: string | null;
};

const PREFIX = "dl:";

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppError("VALIDATION_FAILED", "The cursor is not valid.", {
      details: [{ path: "cursor", message: "Invalid cursor" }],
    });
  }
  return id;
}

/** One page of the distributor's retailers and the next cursor (or null). */
export async function listDownline(
  db: Database,
  distributorId: number,
  query: DownlineQuery,
): Promise<{ data: RetailerSummary[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(users.parentDistributorId, distributorId), eq(users.role, "retailer")];
  if (query.cursor) where.push(lt(users.id, decodeCursor(query.cursor)));
  const rows = await db
    .select({
      id: users.id,
      userCode: users.userCode,
      fullName: users.fullName,
      phone: users.phone,
      kycStatus: users.kycStatus,
      isActive: users.isActive,
      walletBalance: users.walletBalance,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(and(...where))
    .orderBy(desc(users.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id,
      userCode: r.userCode,
      fullName: r.fullName,
      phoneMasked: maskPhone(r.phone),
      kycStatus: r.kycStatus ?? "pending",
      isActive: r.isActive ?? true,
      walletBalancePaise: r.walletBalance,
      createdAt: r.createdAt ? r.createdAt.toISOString() : null,
    })),
    nextCursor: rows.length > query.limit && last ? Buffer.from(`${PREFIX}${last.id}`).toString("base64url") : null,
  };
}
