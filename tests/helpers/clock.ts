/**
 * Rate limits count in fixed windows of the caller's clock and slide between two of them, so a burst
 * that straddles a window boundary carries only part of its earlier requests over, and the request
 * that should be refused can pass (a clean-clone CI run once saw the 601st read answered 200). A test
 * that counts up to a limit starts just after one of its policy's windows begins: Date alone jumps
 * ahead to the next boundary (aligned to the epoch, as the limiter's windows are) and keeps running
 * until the test ends.
 */
import { onTestFinished, vi } from "vitest";
import { POLICIES, type PolicyName } from "../../lib/ratelimit/policies.js";

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function startAtTheNextWindow(policy: PolicyName): void {
  const [count, unit] = POLICIES[policy].window.split(" ") as [string, keyof typeof UNIT_MS];
  const windowMs = Number(count) * UNIT_MS[unit];
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Math.ceil(Date.now() / windowMs) * windowMs + 1_000);
  onTestFinished(() => {
    vi.useRealTimers();
  });
}
