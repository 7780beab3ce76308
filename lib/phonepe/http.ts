/**
 * One authenticated PG call with the client's retry policy (phonepe.md §5, §7.15):
 *
 * - every attempt is bounded by `PHONEPE_TIMEOUT_MS` (AbortSignal.timeout);
 * - 401 → drop the cached token, fetch a new one, retry once (the request was not executed);
 * - network error, timeout, 429 and 5xx are retried up to `MAX_ATTEMPTS` with exponential backoff and
 *   full jitter (capped, honouring a short `Retry-After`). This is safe for status GETs, and for pay /
 *   refund only because the caller's merchant ids are deterministic: a repeat of the same
 *   merchantOrderId / merchantRefundId cannot create a second order or refund;
 * - any other 4xx is final and never retried.
 */
import { env } from "../env.js";
import { errorForStatus, PhonePeConnectionError, PhonePeError, PhonePeInvalidResponseError } from "./errors.js";
import { errorBodySchema } from "./schemas.js";
import { getAuthorization, invalidateToken, safeJson } from "./token.js";

export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 150;
const MAX_DELAY_MS = 1_500;

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

function backoff(attempt: number, retryAfter: string | null): number {
  const hinted = retryAfter ? Number(retryAfter) * 1000 : Number.NaN;
  if (Number.isFinite(hinted) && hinted >= 0) return Math.min(hinted, MAX_DELAY_MS);
  return Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
}

async function once<T>(method: "GET" | "POST", path: string, body: unknown, schema: Schema<T>): Promise<T> {
  for (let authTry = 0; ; authTry++) {
    const authorization = await getAuthorization();
    let response: Response;
    try {
      response = await fetch(`${env.PHONEPE_PG_BASE_URL}${path}`, {
        method,
        headers: { "content-type": "application/json", accept: "application/json", authorization },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(env.PHONEPE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new PhonePeConnectionError(`PhonePe ${method} ${path.split("?")[0]} got no response`, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (response.status === 401 && authTry === 0) {
      await invalidateToken();
      continue;
    }
    const value = safeJson(text);
    if (!response.ok) {
      const e = errorBodySchema.safeParse(value);
      const code = e.success ? (e.data.code ?? e.data.errorCode) : undefined;
      const message = (e.success ? e.data.message : undefined) ?? `PhonePe answered ${response.status}`;
      const error = errorForStatus(response.status, message, code, e.success ? e.data.data : undefined);
      (error as PhonePeError & { retryAfter?: string | null }).retryAfter = response.headers.get("retry-after");
      throw error;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new PhonePeInvalidResponseError(`PhonePe ${path.split("?")[0]}: unexpected body`);
    return parsed.data;
  }
}

/** Performs the call under the retry policy above. */
export async function phonePeRequest<T>(
  method: "GET" | "POST",
  path: string,
  body: unknown,
  schema: Schema<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await once(method, path, body, schema);
    } catch (error) {
      const retryable = error instanceof PhonePeError && error.ambiguous;
      if (!retryable || attempt + 1 >= MAX_ATTEMPTS) throw error;
      const hint = (error as { retryAfter?: string | null }).retryAfter ?? null;
      await new Promise((r) => setTimeout(r, backoff(attempt, hint)));
    }
  }
}
