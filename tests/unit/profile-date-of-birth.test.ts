/** PATCH /api/me's date-of-birth rule (at least 10 years old) counts days in IST, as the user lives them. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { profilePatchSchema } from "../../lib/users/update-profile.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("date of birth", () => {
  it("accepts a 10th birthday from 00:00 IST, which is 18:30 UTC the day before", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-04T19:00:00Z")); // 5 March, 00:30 in India
    expect(profilePatchSchema.safeParse({ dateOfBirth: "2016-03-05" }).success).toBe(true);
    expect(profilePatchSchema.safeParse({ dateOfBirth: "2016-03-06" }).success).toBe(false); // tomorrow
    vi.setSystemTime(new Date("2026-03-04T18:00:00Z")); // still 4 March in India
    expect(profilePatchSchema.safeParse({ dateOfBirth: "2016-03-05" }).success).toBe(false);
  });
});
