export { type AccessClaims, signAccessToken, verifyAccessToken } from "./jwt.js";
export { type AuthUser, requireUser } from "./require-user.js";
