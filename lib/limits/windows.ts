/** Limit windows and ledger dates in IST (Asia/Kolkata, UTC+05:30, no DST). */

export const IST_OFFSET_MS = 330 * 60_000;

/** The IST calendar date (YYYY-MM-DD) of an instant. */
export function istDate(at: Date = new Date()): string {
  return new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** First IST day (YYYY-MM-DD) of the day, calendar-month and financial-year (1 April) windows. */
export type Windows = { day: string; month: string; fy: string };

/**
 * The windows containing `at` as SQL DATE expressions, on the database's clock by default (the
 * statement's UTC_TIMESTAMP()): limit counters are read and written on the clock that dates ledger
 * lines, whatever an app instance's clock says. IST is UTC+05:30 all year.
 */
export function windowsSql(at = "UTC_TIMESTAMP()"): Record<keyof Windows, string> {
  const ist = `(${at} + INTERVAL 330 MINUTE)`;
  const day = `DATE(${ist})`;
  return {
    day,
    month: `(${day} - INTERVAL (DAYOFMONTH(${ist}) - 1) DAY)`,
    fy: `(MAKEDATE(YEAR(${ist}) - (MONTH(${ist}) < 4), 1) + INTERVAL 3 MONTH)`,
  };
}

/** `windowsSql` as `win_day, win_month, win_fy` strings in a SELECT list. */
export function windowColumnsSql(at?: string): string {
  const w = windowsSql(at);
  return (["day", "month", "fy"] as const).map((k) => `DATE_FORMAT(${w[k]}, '%Y-%m-%d') AS win_${k}`).join(", ");
}

/** The windows a SELECT of `windowColumnsSql` returned. */
export const windowsFromRow = (r: Record<string, unknown>): Windows => ({
  day: String(r.win_day),
  month: String(r.win_month),
  fy: String(r.win_fy),
});
