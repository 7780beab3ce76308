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
import { cursorSchema, keysetCursor, pageLimitSchema, toPage } from "../http/pagination.js";
import type { Paise } from "../money/index.js";

export const downlineQuerySchema = z.strictObject({
  limit: pageLimitSchema,
  cursor: cursorSchema.optional(),
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

const cursor = keysetCursor("dl:");

/** One page of the distributor's retailers and the next cursor (or null). */
export async function listDownline(
  db: Database,
  distributorId: number,
  query: DownlineQuery,
): Promise<{ data: RetailerSummary[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(users.parentDistributorId, distributorId), eq(users.role, "retailer")];
  if (query.cursor) where.push(lt(users.id, cursor.decode(query.cursor)));
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
  return toPage(
    rows,
    query.limit,
    cursor,
    (r) => r.id,
    (r) => ({
      id: r.id,
      userCode: r.userCode,
      fullName: r.fullName,
      phoneMasked: maskPhone(r.phone),
      kycStatus: r.kycStatus ?? "pending",
      isActive: r.isActive === true, // NULL is inactive, as at sign-in
      walletBalancePaise: r.walletBalance,
      createdAt: r.createdAt ? r.createdAt.toISOString() : null,
    }),
  );
}
