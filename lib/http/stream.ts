/**
 * A response body streamed from text chunks, pulled one at a time (a slow client holds back the
 * producer instead of filling memory). The status line is sent before the first chunk, so a failure
 * mid-stream cannot become an error response: it is logged and aborts the body, and the client sees a
 * truncated transfer, never a complete-looking one.
 */
import type { Logger } from "../log.js";

export function textStream(chunks: AsyncIterable<string>, log: Logger): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  // A client that goes away cancels the stream while a chunk may still be in the making: that chunk
  // is dropped quietly (enqueueing it would throw), and only real failures are logged.
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (cancelled) return;
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        if (cancelled) return;
        log.error({ err: error }, "streamed response failed mid-body");
        controller.error(error);
      }
    },
    async cancel() {
      cancelled = true;
      await iterator.return?.();
    },
  });
}
