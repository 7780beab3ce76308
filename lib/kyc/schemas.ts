/** Strict request schemas of the KYC endpoints. Messages never echo the submitted numbers. */
import { z } from "zod";
import { normalizeAadhaar, normalizePan } from "./identity-numbers.js";

export const kycSubmissionSchema = z.strictObject({
  pan: z
    .string()
    .max(20)
    .transform((v, ctx) => {
      const pan = normalizePan(v);
      if (!pan) {
        ctx.addIssue({ code: "custom", message: "Must be a valid PAN (AAAAA9999A with a valid holder type)." });
        return z.NEVER;
      }
      return pan;
    }),
  aadhaarNumber: z
    .string()
    .max(20)
    .transform((v, ctx) => {
      const aadhaar = normalizeAadhaar(v);
      if (!aadhaar) {
        ctx.addIssue({ code: "custom", message: "Must be a valid 12-digit Aadhaar number." });
        return z.NEVER;
      }
      return aadhaar;
    }),
  documents: z
    .array(
      z.strictObject({
        type: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "Must be a document type such as pan_card."),
        url: z.url({ protocol: /^https?$/ }).max(500),
      }),
    )
    .max(10)
    .optional(),
});

export type KycSubmission = z.output<typeof kycSubmissionSchema>;

export const kycDecisionSchema = z
  .strictObject({
    decision: z.enum(["verified", "rejected"]),
    reason: z.string().trim().min(1).max(500).optional(),
    /**
     * The `submittedAt` of the submission the admin reviewed (from GET /api/admin/kyc/[userId]): the
     * decision then applies to that submission only, not to one the user made after it was decided.
     */
    submittedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((v) => v.decision !== "rejected" || v.reason !== undefined, {
    path: ["reason"],
    message: "A reason is required when rejecting.",
  });

export type KycDecision = z.output<typeof kycDecisionSchema>;

/** `[userId]` path segment of the admin route. */
export const kycUserParamSchema = z.strictObject({ userId: z.coerce.number().int().positive().max(2_147_483_647) });
