/**
 * Query errors without their query's values, for the logger's `err` serializer (lib/log.ts).
 *
 * Query errors carry the values of their query, which are personal data and password hashes (register,
 * login, a password change): drizzle's DrizzleQueryError in `params` and its message (`Failed query:
 * <sql>\nparams: <values>`), a mysql2 error in `sql` (mysql2 inlines the values before sending) and in
 * the server's message (`Duplicate entry '<value>' for key 'k'`), and V8 repeats a message at the top
 * of `stack`. Redaction by key path cannot reach text inside a message, so the `err` serializer logs a
 * copy of such an error, and of any error holding one (cause chains, aggregates), with the values
 * masked; pino's errWithCause serializer then writes it, each cause nested with its code, errno and
 * sqlState.
 */
import { DrizzleQueryError } from "drizzle-orm";

type QueryErrorFields = { sql?: unknown; sqlMessage?: unknown; errors?: unknown; cause?: unknown };

function isQueryError(error: Error): boolean {
  const e = error as Error & QueryErrorFields;
  return error instanceof DrizzleQueryError || typeof e.sql === "string" || typeof e.sqlMessage === "string";
}

/** Quoted text right after one of these words names a database object ("for key 'k'"); other quoted text is a value. */
const NAME_BEFORE = /\b(?:key|column|field|table|database|schema|constraint|index|in)\s+$/i;
/** The quote that ends a value in a server message: before " for key …", " at row 1", or at the end. */
const VALUE_END = /'(?=\s+(?:for|at)\s|\s*$)/;

/** A server message with every quoted value replaced: "Duplicate entry '[redacted]' for key 'email'". */
function maskMessageValues(message: string): string {
  // A syntax error quotes the statement, values inlined, from where parsing failed: all of it goes.
  const text = message.replace(/(\bnear ')[\s\S]*(?=' at line \d+)/, "$1");
  let out = "";
  let at = 0;
  for (let open = text.indexOf("'"); open >= 0; open = text.indexOf("'", at)) {
    out += text.slice(at, open + 1);
    if (/\w/.test(text[open - 1] ?? "")) {
      at = open + 1; // an apostrophe ("doesn't"), not a quote
    } else if (NAME_BEFORE.test(text.slice(0, open))) {
      const close = text.indexOf("'", open + 1);
      if (close < 0) return out + text.slice(open + 1);
      out += text.slice(open + 1, close + 1);
      at = close + 1;
    } else {
      const close = text.slice(open + 1).search(VALUE_END);
      if (close < 0) return `${out}[redacted]`;
      out += "[redacted]'";
      at = open + 1 + close + 1;
    }
  }
  return out + text.slice(at);
}

/** mysql2's `sql` with the literals it formatted in (sqlstring escaping) turned back into placeholders. */
function maskSqlLiterals(sql: string): string {
  return sql.replace(/X'[0-9a-f]*'|'(?:[^'\\]|\\[\s\S])*'|(?<![\w`.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w`])/gi, "?");
}

function holdsQueryError(error: Error, seen = new Set<Error>()): boolean {
  if (seen.has(error)) return false;
  seen.add(error);
  return isQueryError(error) || relatedErrors(error).some((e) => holdsQueryError(e, seen));
}

function relatedErrors(error: Error): Error[] {
  const { cause, errors } = error as Error & QueryErrorFields;
  return [cause, ...(Array.isArray(errors) ? errors : []), ...Object.values(error)].filter((e) => e instanceof Error);
}

/** `error` itself when it holds no query error; otherwise a copy (same class) with the query values masked. */
export function withoutQueryValues<T>(error: T): T {
  return error instanceof Error && holdsQueryError(error) ? (maskedCopy(error, new Map()) as T) : error;
}

function maskedCopy(error: Error, copies: Map<Error, Error>): Error {
  const done = copies.get(error);
  if (done) return done;
  const copy = Object.create(Object.getPrototypeOf(error)) as Error & Record<string, unknown>;
  copies.set(error, copy);
  const copyOf = (value: unknown) => (value instanceof Error ? maskedCopy(value, copies) : value);
  for (const [key, value] of Object.entries(error)) copy[key] = copyOf(value);
  const { cause, errors } = error as Error & QueryErrorFields;
  if (cause !== undefined) copy.cause = copyOf(cause);
  if (Array.isArray(errors)) copy.errors = errors.map(copyOf);
  copy.message = error.message;
  copy.stack = error.stack;
  if (!isQueryError(error)) return copy;

  if (error instanceof DrizzleQueryError) {
    copy.message = `Failed query: ${error.query}`;
    delete copy.params;
    delete copy.query; // it is in the message
  } else {
    copy.message = maskMessageValues(error.message);
    if (typeof copy.sqlMessage === "string") copy.sqlMessage = maskMessageValues(copy.sqlMessage);
    if (typeof copy.sql === "string") copy.sql = maskSqlLiterals(copy.sql);
  }
  // The stack's first line is the unmasked message; keep only the frames after it.
  const stack = typeof error.stack === "string" ? error.stack : "";
  const messageAt = error.message ? stack.indexOf(error.message) : -1;
  copy.stack = `${error.name}: ${copy.message}${messageAt >= 0 ? stack.slice(messageAt + error.message.length) : ""}`;
  return copy;
}
