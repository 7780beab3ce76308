/**
 * The one way a user row is created (registration, admin bootstrap, demo seed): duplicate checks that
 * name the clashing fields, a random unique `user_code`, bcrypt, and an audit row in the same transaction.
 */
import { eq, or } from "drizzle-orm";
import { type KycStatus, type UserRole, users } from "../../db/schema/users.js";
import { recordAudit } from "../audit/index.js";
import type { ClientInfo } from "../auth/client-info.js";
import { hashPassword } from "../auth/password.js";
import { isDuplicateKey, withTransaction } from "../db/index.js";
import { AppError, type ErrorDetail } from "../http/errors.js";
import { generateUserCode } from "./user-code.js";

export type CreateUserInput = {
  fullName: string | null;
  email: string;
  phone: string;
  username: string;
  password: string;
  role: UserRole;
  parentDistributorId?: number | null;
  phoneVerified?: boolean;
  emailVerified?: boolean;
  kycStatus?: KycStatus;
  /** A fixed code (demo seed only); otherwise a random one is generated. */
  userCode?: string;
};

const UNIQUE_FIELDS = ["email", "phone", "username"] as const;

function conflict(fields: readonly string[]): AppError {
  const details: ErrorDetail[] = fields.map((path) => ({ path, message: "is already registered" }));
  return new AppError("CONFLICT", `An account with this ${fields.join(", ")} already exists.`, { details });
}

/**
 * Inserts a user and returns its id and code. Throws CONFLICT (details name each clashing field) for a
 * duplicate e-mail, phone or username — also when a concurrent registration wins the race.
 */
export async function createUser(
  input: CreateUserInput,
  audit: { actorUserId: number | null; action: string; client: ClientInfo },
): Promise<{ id: number; userCode: string }> {
  const { password, userCode: fixedCode, ...fields } = input;
  const passwordHash = await hashPassword(password);
  return withTransaction(async ({ tx }) => {
    const clashes = await tx
      .select({ email: users.email, phone: users.phone, username: users.username })
      .from(users)
      .where(or(eq(users.email, fields.email), eq(users.phone, fields.phone), eq(users.username, fields.username)));
    const taken = UNIQUE_FIELDS.filter((f) => clashes.some((row) => row[f].toLowerCase() === fields[f].toLowerCase()));
    if (taken.length > 0) throw conflict(taken);
    for (let attempt = 0; ; attempt++) {
      const userCode = fixedCode ?? generateUserCode();
      try {
        const [row] = await tx
          .insert(users)
          .values({ ...fields, password: passwordHash, userCode })
          .$returningId();
        const id = (row as { id: number }).id;
        await recordAudit(tx, {
          actorUserId: audit.actorUserId ?? id,
          action: audit.action,
          entityType: "user",
          entityId: id,
          after: { userCode, role: fields.role, parentDistributorId: fields.parentDistributorId ?? null },
          ip: audit.client.ip,
          userAgent: audit.client.userAgent,
          requestId: audit.client.requestId,
        });
        return { id, userCode };
      } catch (error) {
        const field = UNIQUE_FIELDS.find((f) => isDuplicateKey(error, `users_${f}_unique`));
        if (field) throw conflict([field]);
        if (isDuplicateKey(error, "users_user_code_unique") && !fixedCode && attempt < 3) continue;
        throw error;
      }
    }
  });
}
