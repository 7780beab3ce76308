/**
 * Test builders. `createTestUser` inserts a user straight into the database and mints an access token
 * for it, so tests of any capability can act as any role without going through registration.
 */
import { eq } from "drizzle-orm";
import { type KycStatus, type UserRole, users } from "../../db/schema/index.js";
import { signAccessToken } from "../../lib/auth/index.js";
import { db } from "../../lib/db/index.js";
import { newId } from "../../lib/ids.js";

let seq = 0;

export type TestUser = {
  id: number;
  userCode: string;
  username: string;
  phone: string;
  email: string;
  role: UserRole;
  token: string;
};

export async function createTestUser(
  options: { role?: UserRole; kycStatus?: KycStatus; parentDistributorId?: number } = {},
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
    phoneVerified: true,
    parentDistributorId: options.parentDistributorId ?? null,
  };
  const [{ id }] = (await db.insert(users).values(values).$returningId()) as [{ id: number }];
  const { token } = await signAccessToken({ userId: id, role, sessionId: newId("ses") });
  const [row] = await db.select({ userCode: users.userCode }).from(users).where(eq(users.id, id));
  return {
    id,
    userCode: row?.userCode ?? values.userCode,
    username: values.username,
    phone: values.phone,
    email: values.email,
    role,
    token,
  };
}
