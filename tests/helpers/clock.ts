/**
 * Rate limits count in fixed windows of the caller's clock and slide between two of them, so a burst
 * that straddles a window boundary carries only part of its earlier requests over, and the request
 * that should be refused can pass (a clean-clone CI run once saw the 601st read answered 200). A test
 * that counts up to a limit starts just after a window begins: Date alone jumps ahead to the next
 * boundary of `windowMs` (aligned to the epoch, as the limiter's windows are) and keeps running.
 * Undo with `vi.useRealTimers()` in `afterEach`.
 */
import { vi } from "vitest";

export function startAtTheNextWindow(windowMs: number): void {
  vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
  vi.setSystemTime(Math.ceil(Date.now() / windowMs) * windowMs + 1_000);
}
