/**
 * Coalesced Redis script calls for work that is off the response path (the success answer's replay
 * copy, written under afterResponse): calls queued within one short window go to Upstash as one pipeline,
 * one HTTP request instead of one per API request. Under load that removes most of the per-transfer
 * cost of the second Upstash round trip; when idle a call waits at most WINDOW_MS.
 */
import { redis } from "../redis.js";

/** Long enough to gather the answers of concurrent requests, short next to a client's retry delay. */
const WINDOW_MS = 10;
/** A full batch is sent at once (keeps one pipeline's request body small). */
const MAX_BATCH = 64;

type Queued = {
  script: string;
  keys: string[];
  args: string[];
  resolve: () => void;
  reject: (error: unknown) => void;
};

let queue: Queued[] = [];
let timer: NodeJS.Timeout | null = null;

function flush(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  const batch = queue;
  queue = [];
  if (batch.length === 0) return;
  const pipeline = redis.pipeline();
  for (const q of batch) pipeline.eval(q.script, q.keys, q.args);
  // keepErrors: one failed script must not hide the others' outcomes.
  pipeline.exec({ keepErrors: true }).then(
    (results) =>
      batch.forEach((q, i) => {
        const error = results[i]?.error;
        if (error) q.reject(new Error(error));
        else q.resolve();
      }),
    (error: unknown) => {
      for (const q of batch) q.reject(error);
    },
  );
}

/** Runs `script` (EVAL) with the next batch; settles when that batch's pipeline has answered. */
export function evalCoalesced(script: string, keys: string[], args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    queue.push({ script, keys, args, resolve, reject });
    if (queue.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, WINDOW_MS);
  });
}
