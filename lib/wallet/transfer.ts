/**
 * `transfer()`: a P2P wallet transfer as one ledger posting (debit sender, credit recipient). The
 * recipient is resolved and the sender pre-checked before the posting, so the common rejections cost
 * no locks; the posting re-checks funds, KYC tier and limits under the wallet locks.
 */
import { randomInt } from "node:crypto";
import { type AuditRequestInfo, auditStatement } from "../audit/index.js";
import { AppError } from "../http/errors.js";
import { type PostedLine, type PostingContext, post, type SqlStatement, type WalletLegInput } from "../ledger/index.js";
import { assertCanSendP2p, istDate } from "../limits/index.js";
import type { Paise } from "../money/index.js";
import { findRecipient, type Recipient } from "./find-recipient.js";
import { postedLineView, type TransactionView } from "./transaction-view.js";

export type TransferInput = {
  senderId: number;
  /** Mobile number, user code or username. */
  recipient: string;
  amountPaise: Paise;
  note?: string;
  /** The posting reference, when the caller must know it before the posting (idempotency record). */
  reference?: string;
  /** Sent at the head of the posting's first round trip (the durable idempotency row, without a round trip). */
  leadingStatements?: SqlStatement[];
  context?: PostingContext;
  /** Where the request came from, for the transfer's audit row (none for scripts and tests). */
  request?: AuditRequestInfo;
  /**
   * The sender's KYC status as the request's session read it. When given, a sender whose tier may not
   * send P2P gets 403 KYC_REQUIRED before the recipient is looked up: the contract's order (a KYC
   * check first), and an unverified account learns nothing about which numbers are registered. The
   * posting re-checks it under the wallet's lock either way.
   */
  senderKycStatus?: string | null;
};

export type TransferResult = {
  postingId: number;
  reference: string;
  /** The sender's debit line. */
  line: PostedLine;
  /** The sender's debit line as the API shows it (what reading it back would give). */
  transaction: TransactionView;
  counterparty: Recipient;
};

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U to misread

/** `TRF` + IST date + 10 random base32 characters (50 bits), e.g. `TRF261121K7M2Q9X4PA`. */
export function newTransferReference(now = new Date()): string {
  let random = "";
  for (let i = 0; i < 10; i++) random += ALPHABET[randomInt(32)];
  return `TRF${istDate(now).replace(/-/g, "").slice(2)}${random}`;
}

export async function transfer(input: TransferInput): Promise<TransferResult> {
  if (input.senderKycStatus !== undefined) assertCanSendP2p(input.senderKycStatus);
  const recipient = await findRecipient(input.recipient);
  // Self-transfer is a client mistake in the request body, so 400 VALIDATION_FAILED (not a state CONFLICT).
  if (recipient.id === input.senderId)
    throw new AppError("VALIDATION_FAILED", "You cannot transfer money to your own wallet.", {
      details: [{ path: "recipient", message: "must be another user's wallet" }],
    });
  // No separate read of the sender: the posting locks its wallet and rejects an unverified sender
  // (KYC_REQUIRED, tier without P2P send) or short funds in the same round trips.
  const note = input.note?.slice(0, 255);
  const leg = { transactionType: "transfer", ledgerType: "Transfer", description: note, remarks: note } as const;
  const debit: WalletLegInput = {
    ...leg,
    userId: input.senderId,
    direction: "debit",
    amountPaise: input.amountPaise,
    counterpartyUserId: recipient.id,
  };
  const reference = input.reference ?? newTransferReference();
  // The audit row rides in the posting's first round trip: it commits with the transfer or not at all.
  const audit = auditStatement({
    actorUserId: input.senderId,
    action: "wallet.transferred",
    entityType: "wallet",
    entityId: input.senderId,
    after: { reference, recipientUserId: recipient.id, amountPaise: input.amountPaise },
    ...input.request,
  });
  const result = await post({
    reference,
    kind: "p2p",
    walletLegs: [
      debit,
      {
        ...leg,
        userId: recipient.id,
        direction: "credit",
        amountPaise: input.amountPaise,
        counterpartyUserId: input.senderId,
      },
    ],
    systemLegs: [],
    leadingStatements: [...(input.leadingStatements ?? []), audit],
    context: input.context,
  });
  const line = result.lines.find((l) => l.userId === input.senderId && l.direction === "debit");
  if (!line) throw new Error("transfer posting has no sender line");
  return {
    postingId: result.postingId,
    reference: result.reference,
    line,
    transaction: postedLineView(debit, line, recipient),
    counterparty: recipient,
  };
}
