/** The migrated database carries every column, index and foreign key of the seed schema (seeds/001). */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { users } from "../../db/schema/index.js";
import { db, pool } from "../../lib/db/index.js";
import { paise, paiseFromDecimal } from "../../lib/money/index.js";

afterAll(() => pool.end());

const SEED_COLUMNS: Record<string, string[]> = {
  users:
    "id email username phone password full_name wallet_balance avatar_url date_of_birth address role kyc_status commission_rate parent_distributor_id user_code daily_limit monthly_limit is_active email_verified phone_verified last_login created_at updated_at".split(
      " ",
    ),
  transactions:
    "id user_id from_account_id to_account_id recipient_id transaction_type amount fee_amount currency description reference_number bank_reference utr_number payment_method status failure_reason processed_at beneficiary_name beneficiary_account beneficiary_ifsc beneficiary_bank opening_balance closing_balance ledger_date user_code ledger_type remarks debit_amount credit_amount ip_address device_info location created_at updated_at".split(
      " ",
    ),
  payments:
    "id user_id transaction_id phonepe_transaction_id phonepe_merchant_transaction_id amount currency status payment_method gateway_response callback_data success_url failure_url callback_url refund_amount refund_reason refunded_at initiated_at completed_at expires_at created_at updated_at".split(
      " ",
    ),
  beneficiaries:
    "id user_id beneficiary_name account_number ifsc_code bank_name account_type relationship nickname is_verified verification_date is_active daily_limit monthly_limit created_at updated_at".split(
      " ",
    ),
  commissions: "id user_id transaction_id commission_rate commission_amount level parent_user_id calculated_at".split(
    " ",
  ),
};

// Index name → columns, as the seed declares them (unique keys included).
const SEED_INDEXES: Record<string, Record<string, string>> = {
  users: {
    idx_email: "email",
    idx_phone: "phone",
    idx_username: "username",
    idx_user_code: "user_code",
    idx_role: "role",
    idx_kyc_status: "kyc_status",
    idx_parent_distributor: "parent_distributor_id",
    idx_users_role_kyc: "role,kyc_status",
    users_email_unique: "email",
    users_username_unique: "username",
    users_phone_unique: "phone",
    users_user_code_unique: "user_code",
  },
  transactions: {
    idx_user_date: "user_id,created_at",
    idx_reference: "reference_number",
    idx_status: "status",
    idx_transaction_type: "transaction_type",
    idx_ledger_date: "ledger_date",
    idx_user_code: "user_code",
    idx_ledger_type: "ledger_type",
    idx_amount: "amount",
    idx_payment_method: "payment_method",
    idx_transactions_status_type: "status,transaction_type",
    idx_transactions_amount_range: "amount,created_at",
    transactions_reference_number_unique: "reference_number",
  },
  payments: {
    idx_user_payment: "user_id,status",
    idx_phonepe_trans: "phonepe_transaction_id",
    idx_merchant_trans: "phonepe_merchant_transaction_id",
    idx_status_date: "status,created_at",
    payments_phonepe_transaction_id_unique: "phonepe_transaction_id",
    payments_phonepe_merchant_transaction_id_unique: "phonepe_merchant_transaction_id",
  },
  beneficiaries: {
    idx_user_beneficiary: "user_id,is_active",
    idx_account_ifsc: "account_number,ifsc_code",
    idx_verification: "is_verified,verification_date",
    unique_user_account: "user_id,account_number,ifsc_code",
  },
  commissions: { idx_commissions_user: "user_id,calculated_at", idx_commissions_transaction: "transaction_id" },
};

const SEED_FOREIGN_KEYS: [string, string, string, string][] = [
  ["users", "parent_distributor_id", "users", "SET NULL"],
  ["transactions", "user_id", "users", "CASCADE"],
  ["transactions", "recipient_id", "users", "SET NULL"],
  ["transactions", "from_account_id", "users", "SET NULL"],
  ["transactions", "to_account_id", "users", "SET NULL"],
  ["payments", "user_id", "users", "CASCADE"],
  ["payments", "transaction_id", "transactions", "SET NULL"],
  ["beneficiaries", "user_id", "users", "CASCADE"],
  ["commissions", "user_id", "users", "CASCADE"],
  ["commissions", "transaction_id", "transactions", "CASCADE"],
];

type Row = Record<string, string>;
const rows = async (query: ReturnType<typeof sql>) => (await db.execute(query))[0] as unknown as Row[];

describe("migrated schema", () => {
  it.each(Object.entries(SEED_COLUMNS))("%s has every seed column", async (table, expected) => {
    const cols = await rows(
      sql`SELECT COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${table}`,
    );
    expect(cols.map((r) => r.c)).toEqual(expect.arrayContaining(expected));
  });

  it.each(Object.entries(SEED_INDEXES))("%s has every seed index", async (table, expected) => {
    const stats = await rows(
      sql`SELECT INDEX_NAME AS n, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${table} GROUP BY INDEX_NAME`,
    );
    const actual = Object.fromEntries(stats.map((r) => [r.n, r.c]));
    for (const [name, columns] of Object.entries(expected)) expect(actual[name], `${table}.${name}`).toBe(columns);
  });

  it("has every seed foreign key with its delete rule", async () => {
    const fks = await rows(
      sql`SELECT k.TABLE_NAME t, k.COLUMN_NAME c, k.REFERENCED_TABLE_NAME r, rc.DELETE_RULE d FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS rc ON rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL`,
    );
    const actual = fks.map((r) => [r.t, r.c, r.r, r.d]);
    for (const fk of SEED_FOREIGN_KEYS) expect(actual).toContainEqual(fk);
  });

  it("keeps money columns DECIMAL(15,2) with the seed's enum and limit defaults", async () => {
    const cols = await rows(
      sql`SELECT COLUMN_NAME n, COLUMN_TYPE t, COLUMN_DEFAULT d FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'users'`,
    );
    const byName = Object.fromEntries(cols.map((c) => [c.n, c]));
    expect(byName.wallet_balance?.t).toBe("decimal(15,2)");
    expect(byName.daily_limit?.d).toBe("25000.00");
    expect(byName.monthly_limit?.d).toBe("100000.00");
    expect(byName.role?.t).toBe("enum('customer','retailer','distributor','admin')");
  });

  it("round-trips paise exactly through DECIMAL(15,2), aggregates included", async () => {
    const amounts = [1, 10, 99, 150050, 999999999999999, 33, 67];
    const suffix = Date.now();
    for (const [i, amount] of amounts.entries()) {
      await db.insert(users).values({
        email: `rt${suffix}_${i}@t.test`,
        username: `rt${suffix}_${i}`,
        phone: `7${String(suffix).slice(-6)}${i}`.slice(0, 10),
        password: "x",
        walletBalance: paise(amount),
      });
    }
    const back = await db
      .select({ b: users.walletBalance })
      .from(users)
      .where(sql`${users.email} LIKE ${`rt${suffix}_%`}`);
    expect(back.map((r) => r.b).sort((a, b) => a - b)).toEqual([...amounts].sort((a, b) => a - b));
    const [sum] = await rows(
      sql`SELECT CAST(SUM(wallet_balance) AS CHAR) s FROM users WHERE email LIKE ${`rt${suffix}_%`}`,
    );
    // 999999999999999 + 150260 paise, beyond a double's exact cents only if floats were involved.
    expect(sum?.s).toBe("10000000001502.59");
    expect(paiseFromDecimal(sum?.s ?? "")).toBe(1000000000150259);
    // These balances were written around the ledger on purpose; remove them so the ledger verifier
    // that other test files in this worker run stays meaningful.
    await db.delete(users).where(sql`${users.email} LIKE ${`rt${suffix}_%`}`);
  });
});
