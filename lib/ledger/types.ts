/** The public types of the posting engine (the ledger contract other modules code against). */
import type {
  LEDGER_TYPES,
  PostingKind,
  SystemAccountCode,
  TRANSACTION_PAYMENT_METHODS,
  TRANSACTION_TYPES,
} from "../../db/schema/index.js";
import type { Database } from "../db/index.js";
import type { Paise } from "../money/index.js";

export type { PostingKind, SystemAccountCode };
export type Direction = "debit" | "credit";

export type WalletLegInput = {
  userId: number;
  direction: Direction;
  amountPaise: Paise;
  transactionType: (typeof TRANSACTION_TYPES)[number];
  ledgerType: (typeof LEDGER_TYPES)[number];
  description?: string;
  remarks?: string;
  counterpartyUserId?: number;
  paymentMethod?: (typeof TRANSACTION_PAYMENT_METHODS)[number];
  feePaise?: Paise;
};

export type SystemLegInput = { account: SystemAccountCode; direction: Direction; amountPaise: Paise };

export type PostingContext = { ip?: string | null; deviceInfo?: string | null; location?: string | null };

export type PostingInput = {
  /** Unique per posting; a repeat is rejected by a unique key (never double-posted). */
  reference: string;
  kind: PostingKind;
  walletLegs: WalletLegInput[];
  systemLegs: SystemLegInput[];
  /** Default true: KYC tier + daily/monthly limits, checked inside the transaction under the wallet lock. */
  enforceLimits?: boolean;
  /** Runs first inside the posting transaction (e.g. the durable idempotency row). */
  beforeLocks?: (tx: Database) => Promise<void>;
  /**
   * Statements sent at the head of the posting's first round trip, before any wallet is locked — the
   * cheap form of `beforeLocks` for a plain insert (it costs no round trip of its own). A failing
   * statement (e.g. a duplicate key) aborts the posting before it touches a wallet.
   */
  leadingStatements?: SqlStatement[];
  /**
   * Statements sent at the end of the write batch, before COMMIT, given the posting's id: a caller's
   * own row that must point at the posting's lines commits with them or not at all (no round trip).
   */
  trailingStatements?: (postingId: number) => SqlStatement[];
  context?: PostingContext;
};

/** One SQL statement with `?` placeholders (e.g. from drizzle's `.toSQL()`). */
export type SqlStatement = { sql: string; params: unknown[] };

export type PostedLine = {
  id: number;
  userId: number;
  referenceNumber: string;
  direction: Direction;
  amountPaise: Paise;
  openingBalancePaise: Paise;
  closingBalancePaise: Paise;
  ledgerDate: string;
  /** The line's `created_at` as the database set it. */
  createdAt: Date;
};

export type PostingResult = { postingId: number; reference: string; lines: PostedLine[] };

export type HoldStatus = "active" | "captured" | "voided" | "expired";

export type Hold = {
  id: number;
  userId: number;
  reference: string;
  amountPaise: Paise;
  capturedAmountPaise: Paise;
  status: HoldStatus;
  reason: string;
  expiresAt: Date;
  resolvedAt: Date | null;
  postingId: number | null;
  /** Counts against the owner's debit limits while active, and as debit usage once captured. */
  limitsEnforced: boolean;
};

export type Violation = { check: string; detail: string };
export type VerifyResult = { ok: boolean; violations: Violation[] };
