/** PhonePe's polling plan (phonepe.md §1.10) as next-check times. */
import { describe, expect, it } from "vitest";
import {
  LATE_CHECK_WINDOW_MS,
  lateCheckAt,
  nextCheckAt,
  retryAfterProviderError,
} from "../../lib/payments/schedule.js";

const t0 = new Date("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const stepAt = (ageS: number) => (nextCheckAt(t0, at(ageS)).getTime() - at(ageS).getTime()) / 1000;

describe("nextCheckAt", () => {
  it("first check 20 s after creation, then 3/6/10/30/60 s steps", () => {
    expect(nextCheckAt(t0, at(0))).toEqual(at(20));
    expect(nextCheckAt(t0, at(19))).toEqual(at(20));
    expect([20, 49].map(stepAt)).toEqual([3, 3]);
    expect([50, 109].map(stepAt)).toEqual([6, 6]);
    expect([110, 169].map(stepAt)).toEqual([10, 10]);
    expect([170, 229].map(stepAt)).toEqual([30, 30]);
    expect([230, 3600].map(stepAt)).toEqual([60, 60]);
  });

  it("late-success watch every 10 min, ending after its window", () => {
    expect(lateCheckAt(t0, at(60))).toEqual(at(660));
    expect(lateCheckAt(t0, new Date(t0.getTime() + LATE_CHECK_WINDOW_MS))).toBeNull();
  });

  it("after PhonePe failed to answer: in 10 s, or at the polling step when that is later", () => {
    const retryIn = (ageS: number) => (retryAfterProviderError(t0, at(ageS)).getTime() - at(ageS).getTime()) / 1000;
    expect([5, 30, 120, 200, 3600].map(retryIn)).toEqual([15, 10, 10, 30, 60]);
  });
});
