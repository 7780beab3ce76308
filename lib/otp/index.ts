export { generateOtp, hashOtp, OTP_MAX_ATTEMPTS, OTP_TTL_MS } from "./codes.js";
export { consumeOtp } from "./consume-otp.js";
export { type Destination, destinationSchema, findUserByDestination } from "./destination.js";
export { issueOtp } from "./issue-otp.js";
export { requestOtp } from "./send-otp.js";
export { type VerifyOtpResult, verifyOtp } from "./verify-otp.js";
