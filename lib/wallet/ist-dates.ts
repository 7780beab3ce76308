/**
 * Calendar dates in IST (Asia/Kolkata, UTC+05:30, no DST) for statements and list filters. A ledger
 * day D runs from D 00:00 IST = (D−1) 18:30 UTC to the next day's start.
 */
import { z } from "zod";
import { IST_OFFSET_MS, istDate } from "../limits/windows.js";

export { istDate };

/** `YYYY-MM-DD` that is a real calendar date. */
export const istDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, "must be a real calendar date");

/** The instant (UTC) at which IST date `date` begins. */
export function istDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - IST_OFFSET_MS);
}

/** The instant (UTC) at which the IST day after `date` begins (exclusive upper bound). */
export function istDayEnd(date: string): Date {
  return new Date(istDayStart(date).getTime() + 24 * 60 * 60 * 1000);
}

/** First day of the IST month containing `at`. */
export function istMonthStart(at: Date = new Date()): string {
  return `${istDate(at).slice(0, 7)}-01`;
}
