/** Column helpers shared by every table. */
import { sql } from "drizzle-orm";
import { customType, timestamp } from "drizzle-orm/mysql-core";
import { decimalFromPaise, type Paise, paiseFromDecimal } from "../../lib/money/paise.js";

/**
 * A DECIMAL(p,2) money column seen by TypeScript as integer paise. The seed's deployed schema keeps
 * DECIMAL(15,2); the conversion is exact string arithmetic in both directions (no float on the way).
 */
export const paiseDecimal = customType<{ data: Paise; driverData: string; config: { precision: number } }>({
  dataType: (config) => `decimal(${config?.precision ?? 15},2)`,
  fromDriver: (value) => paiseFromDecimal(String(value)),
  toDriver: (value) => decimalFromPaise(value),
});

/** `DEFAULT 0.00` spelled as SQL so drizzle-kit renders it verbatim. */
export const ZERO_DECIMAL = sql`0.00`;

/**
 * Seed-style TIMESTAMP (fsp 0) columns. The default is spelled out because drizzle-kit's `defaultNow()`
 * renders `(now())`, and an fsp mismatch between DEFAULT and ON UPDATE is rejected by MySQL 8 (errno 1294).
 */
export const createdAt = () => timestamp("created_at").default(sql`CURRENT_TIMESTAMP`);
export const updatedAt = () => timestamp("updated_at").default(sql`CURRENT_TIMESTAMP`).onUpdateNow();
export const lifecycleDates = () => ({ createdAt: createdAt(), updatedAt: updatedAt() });
