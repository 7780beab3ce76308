/**
 * Test builders. `createTestUser` inserts a user straight into the database and opens a real session
 * for it (requireUser checks the session row), so tests of any capability can act as any role without
 * going through registration.
 */
import { type KycStatus, type UserRole, users } from "../../db/schema/index.js";
import { NO_CLIENT } from "../../lib/auth/client-info.js";
import { startSession } from "../../lib/auth/sessions.js";
import { db } from "../../lib/db/index.js";

let seq = 0;

export type TestUser = {
  id: number;
  userCode: string;
  username: string;
  phone: string;
  email: string;
  role: UserRole;
  token: string;
  /** The session behind `token`, and its refresh token. */
  sessionId: string;
  refreshToken: string;
};

export async function createTestUser(
  options: {
    role?: UserRole;
    kycStatus?: KycStatus;
    parentDistributorId?: number;
    /** Both contacts are verified unless a test says otherwise (an established account). */
    phoneVerified?: boolean;
    emailVerified?: boolean;
  } = {},
): Promise<TestUser> {
  seq++;
  const unique = `${process.pid % 1000}${Date.now() % 1_000_000}${seq}`.slice(-9).padStart(9, "0");
  const role = options.role ?? "customer";
  const values = {
    email: `u${unique}@test.nexaspay`,
    username: `user${unique}`,
    phone: `9${unique}`,
    userCode: `NXT${unique}`,
    password: "$2a$04$invalidinvalidinvalidinvalidinvalidinvalidinvalidinv",
    fullName: `Test ${role} ${unique}`,
    role,
    kycStatus: options.kycStatus ?? "verified",
    phoneVerified: options.phoneVerified ?? true,
    emailVerified: options.emailVerified ?? true,
    parentDistributorId: options.parentDistributorId ?? null,
  };
  const [{ id }] = (await db.insert(users).values(values).$returningId()) as [{ id: number }];
  const session = await startSession(db, { id, role }, NO_CLIENT);
  return {
    id,
    userCode: values.userCode,
    username: values.username,
    phone: values.phone,
    email: values.email,
    role,
    token: session.accessToken,
    sessionId: session.sessionId,
    refreshToken: session.refreshToken,
  };
}
