export { decideKyc, type KycDecisionResult } from "./decide-kyc.js";
export { getKyc } from "./get-kyc.js";
export { normalizeAadhaar, normalizePan, verhoeffCheckDigit, verhoeffValid } from "./identity-numbers.js";
export { type KycView, toKycView } from "./kyc-view.js";
export {
  type KycDecision,
  type KycSubmission,
  kycDecisionSchema,
  kycSubmissionSchema,
  kycUserParamSchema,
} from "./schemas.js";
export { type KycSubmitResult, kycCipherContext, submitKyc } from "./submit-kyc.js";
