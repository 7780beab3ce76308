/**
 * Demo data for `npm run dev` (idempotent): an admin, a distributor with one retailer, two customers.
 */
import { eq } from "drizzle-orm";
import { type NewUser, users } from "../db/schema/index.js";
import { NO_CLIENT } from "../lib/auth/client-info.js";
import { db } from "../lib/db/index.js";
import { createUser } from "../lib/users/create-user.js";

export const DEMO_PASSWORD = "Demo@12345pay";

type DemoUser = Pick<NewUser, "email" | "username" | "phone" | "fullName" | "userCode"> & {
  role: NonNullable<NewUser["role"]>;
  parent?: string;
};

const DEMO_USERS: DemoUser[] = [
  {
    role: "admin",
    email: "admin@nexaspay.test",
    username: "admin",
    phone: "9000000001",
    fullName: "Asha Admin",
    userCode: "NXADM0001",
  },
  {
    role: "distributor",
    email: "distributor@nexaspay.test",
    username: "distributor",
    phone: "9000000002",
    fullName: "Dev Distributor",
    userCode: "NXDST0001",
  },
  {
    role: "retailer",
    email: "retailer@nexaspay.test",
    username: "retailer",
    phone: "9000000003",
    fullName: "Ravi Retailer",
    userCode: "NXRTL0001",
    parent: "distributor@nexaspay.test",
  },
  {
    role: "customer",
    email: "customer1@nexaspay.test",
    username: "customer1",
    phone: "9000000004",
    fullName: "Chitra Customer",
    userCode: "NXCUS0001",
  },
  {
    role: "customer",
    email: "customer2@nexaspay.test",
    username: "customer2",
    phone: "9000000005",
    fullName: "Kabir Customer",
    userCode: "NXCUS0002",
  },
];

export async function seedDemoData(): Promise<{ password: string; users: DemoUser[] }> {
  for (const { parent, ...u } of DEMO_USERS) {
    const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, u.email));
    if (existing) continue;
    const parentId = parent
      ? (await db.select({ id: users.id }).from(users).where(eq(users.email, parent)))[0]?.id
      : undefined;
    // Same path as registration and admin:create (validation-free here: the demo data is fixed).
    await createUser(
      {
        fullName: u.fullName ?? null,
        email: u.email,
        phone: u.phone,
        username: u.username,
        password: DEMO_PASSWORD,
        role: u.role,
        userCode: u.userCode ?? undefined,
        kycStatus: "verified",
        phoneVerified: true,
        emailVerified: true,
        parentDistributorId: parentId ?? null,
      },
      { actorUserId: null, action: "user.demo_seeded", client: NO_CLIENT },
    );
  }
  return { password: DEMO_PASSWORD, users: DEMO_USERS };
}
