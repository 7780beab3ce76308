export { type CreateUserInput, createUser } from "./create-user.js";
export { emailSchema, fullNameSchema, normalizePhone, parseIdentifier, phoneSchema, usernameSchema } from "./fields.js";
export { getProfile, type Profile, profileColumns, toProfile } from "./profile.js";
export { type RegisterInput, registerUser } from "./register-user.js";
export { type ProfilePatch, profilePatchSchema, updateProfile } from "./update-profile.js";
export { generateUserCode } from "./user-code.js";
