/** lib/http/textStream: pull-based, and a client that goes away is not logged as a failure. */
import { describe, expect, it, vi } from "vitest";
import { textStream } from "../../lib/http/stream.js";
import type { Logger } from "../../lib/log.js";

const fakeLog = () => ({ error: vi.fn() }) as unknown as Logger & { error: ReturnType<typeof vi.fn> };

describe("textStream", () => {
  it("a cancel while a chunk is being made drops it quietly and finishes the producer", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let finished = false;
    async function* chunks() {
      try {
        yield "first";
        await gate; // the next page's query, still running when the client leaves
        yield "second";
      } finally {
        finished = true;
      }
    }
    const log = fakeLog();
    const reader = textStream(chunks(), log).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("first");
    await new Promise((r) => setTimeout(r, 20)); // the stream is pulling the second chunk now
    const cancelled = reader.cancel();
    release();
    await cancelled;
    expect(finished).toBe(true);
    expect(log.error).not.toHaveBeenCalled();
  });

  it("a failure mid-body is logged and errors the stream (the client sees a cut transfer)", async () => {
    async function* chunks() {
      yield "head";
      throw new Error("page query failed");
    }
    const log = fakeLog();
    const reader = textStream(chunks(), log).getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow("page query failed");
    expect(log.error).toHaveBeenCalledOnce();
  });
});
