/** Limit windows and ledger dates in IST (Asia/Kolkata, UTC+05:30, no DST). */

export const IST_OFFSET_MS = 330 * 60_000;

/** The IST calendar date (YYYY-MM-DD) of an instant. */
export function istDate(at: Date = new Date()): string {
  return new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);
}

export type Windows = { day: string; month: string; fy: string };

/** First IST day of the day, calendar-month and financial-year (1 April) windows containing `at`. */
export function limitWindows(at: Date = new Date()): Windows {
  const day = istDate(at);
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  const fyYear = month >= 4 ? year : year - 1;
  return { day, month: `${day.slice(0, 7)}-01`, fy: `${fyYear}-04-01` };
}
