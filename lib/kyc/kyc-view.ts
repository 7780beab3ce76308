/** The only shapes KYC data leaves the API in: masked numbers, never ciphertexts or blind indexes. */
import type { KycStatus } from "../../db/schema/users.js";
import { maskAadhaar } from "../crypto/index.js";

export type KycView = {
  kycStatus: KycStatus;
  panMasked: string | null;
  aadhaarMasked: string | null;
  documents: { type: string; url: string }[];
  rejectionReason: string | null;
  submittedAt: string | null;
  reviewedAt: string | null;
};

type KycRowPart = {
  panMasked: string;
  aadhaarLast4: string;
  documents: unknown;
  rejectionReason: string | null;
  submittedAt: Date;
  reviewedAt: Date | null;
};

export function toKycView(kycStatus: KycStatus, row: KycRowPart | undefined): KycView {
  return {
    kycStatus,
    panMasked: row ? row.panMasked : null,
    aadhaarMasked: row ? maskAadhaar(row.aadhaarLast4) : null,
    documents: row && Array.isArray(row.documents) ? (row.documents as KycView["documents"]) : [],
    rejectionReason: row?.rejectionReason ?? null,
    submittedAt: row ? row.submittedAt.toISOString() : null,
    reviewedAt: row?.reviewedAt ? row.reviewedAt.toISOString() : null,
  };
}
