/** Rows changed by a mysql2 UPDATE/DELETE (through Drizzle or directly): the guard of conditional writes. */
export function affectedRows(result: unknown): number {
  const header = Array.isArray(result) ? result[0] : result;
  return Number((header as { affectedRows?: number } | undefined)?.affectedRows ?? 0);
}
