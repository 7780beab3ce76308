/**
 * The transaction list's cursor: the wallet sequence number (`wallet_seq`, gap-free per wallet) of the
 * last line served. New lines only ever get higher numbers, so pages never shift.
 */
import { keysetCursor } from "../http/pagination.js";

export const transactionCursor = keysetCursor("s");
