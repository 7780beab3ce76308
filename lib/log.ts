/**
 * Structured JSON logs (pino), one object per line; human-readable when LOG_PRETTY is on (development).
 * Redaction is a second line of defence: code should not log secrets in the first place.
 */
import pino from "pino";
import { env } from "./env.js";
import { withoutQueryValues } from "./log-query-errors.js";

const REDACT = [
  "password",
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.token",
  "*.accessToken",
  "*.refreshToken",
  "*.resetToken",
  "*.otp",
  "*.code",
  "*.totp",
  "*.pan",
  "*.aadhaarNumber",
  "*.accountNumber",
  "*.authorization",
  "headers.authorization",
  "headers.cookie",
  "req.headers.authorization",
];

type LogTap = (line: string) => void;
const taps = new Set<LogTap>();

/**
 * The destination every log line passes through. `tapLogs` lets a test read exactly what production
 * would write (the log-hygiene test asserts no secret ever reaches it).
 */
const sink = {
  write(line: string) {
    for (const tap of taps) tap(line);
    process.stdout.write(line);
  },
};

export function tapLogs(tap: LogTap): () => void {
  taps.add(tap);
  return () => taps.delete(tap);
}

const options: pino.LoggerOptions = {
  level: env.LOG_LEVEL,
  base: { service: "nexaspay-api", version: env.APP_VERSION },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: REDACT, censor: "[redacted]" },
  formatters: { level: (label) => ({ level: label }) },
  serializers: { err: (err) => pino.stdSerializers.errWithCause(withoutQueryValues(err)) },
  hooks: {
    // Given no message, pino would use the error's own (unmasked) message for the line's `msg`.
    logMethod(args, method) {
      const [first] = args as unknown[];
      const err = first instanceof Error ? first : (first as { err?: unknown } | null)?.err;
      if (args.length === 1 && err instanceof Error)
        return method.apply(this, [first, withoutQueryValues(err).message]);
      return method.apply(this, args);
    },
  },
};

export const logger = env.LOG_PRETTY
  ? pino({ ...options, transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } } })
  : pino(options, sink);

export type Logger = pino.Logger;
