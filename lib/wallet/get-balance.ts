/** The wallet's balance, what holds reserve, and what can be spent now (API.md §2). */
import { eq, sql } from "drizzle-orm";
import { users } from "../../db/schema/index.js";
import { type Database, preparedPerHandle } from "../db/index.js";
import { AppError } from "../http/errors.js";
import { type Paise, subPaise } from "../money/index.js";

export type BalanceView = { balancePaise: Paise; heldPaise: Paise; availablePaise: Paise; currency: "INR" };

// Prepared once per handle: the balance is the most frequent read.
const balanceQuery = preparedPerHandle((db: Database) =>
  db
    .select({ balance: users.walletBalance, held: users.heldBalance })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .limit(1)
    .prepare(),
);

/** One primary-key read of the two projections lib/ledger maintains on the user row. */
export async function getBalance(db: Database, userId: number): Promise<BalanceView> {
  const [row] = await balanceQuery(db).execute({ userId });
  if (!row) throw new AppError("NOT_FOUND", "Wallet not found.");
  return {
    balancePaise: row.balance,
    heldPaise: row.held,
    availablePaise: subPaise(row.balance, row.held),
    currency: "INR",
  };
}
