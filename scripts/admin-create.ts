/**
 * `npm run admin:create -- --email … --phone … --username … --password … [--full-name …]` (API.md §5):
 * creates an admin through the same service as registration (validation, bcrypt, user code, audit).
 * Production: run with the deployment's environment (DATABASE_URL…). Locally, with no DATABASE_URL,
 * it uses the running `npm run dev` stack: the MariaDB socket and generated secrets in `.data/`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { applyDevEnv } from "./dev-env.js";
import { databaseUrlOf, socketPathFor, socketServerUrl } from "./local/mariadb.js";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    phone: { type: "string" },
    username: { type: "string" },
    password: { type: "string" },
    "full-name": { type: "string" },
  },
});

function useDevStack(): void {
  const dataDir = resolve(process.env.NEXASPAY_DATA_DIR ?? ".data");
  const socket = socketPathFor(resolve(dataDir, "mariadb"));
  if (!existsSync(socket)) {
    console.error("DATABASE_URL is not set and no running dev stack was found (start `npm run dev` first).");
    process.exit(2);
  }
  applyDevEnv({
    dataDir,
    port: Number(process.env.PORT ?? 3000),
    databaseUrl: databaseUrlOf(socketServerUrl(socket), "nexaspay"),
    // The script never touches Redis; lib/env only needs a well-formed value.
    upstashUrl: "http://127.0.0.1:9",
    upstashToken: "unused-by-admin-create",
  });
  process.env.LOG_PRETTY = "false";
}

if (!process.env.DATABASE_URL) useDevStack();

const { passwordSchema } = await import("../lib/auth/password.js");
const { NO_CLIENT } = await import("../lib/auth/client-info.js");
const { emailSchema, fullNameSchema, phoneSchema, usernameSchema } = await import("../lib/users/fields.js");
const { createUser } = await import("../lib/users/create-user.js");
const { pool } = await import("../lib/db/index.js");
const { isAppError } = await import("../lib/http/errors.js");

const argsSchema = z.object({
  email: emailSchema,
  phone: phoneSchema,
  username: usernameSchema,
  password: passwordSchema,
  "full-name": fullNameSchema.optional(),
});

let exitCode = 0;
try {
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join(".")}: ${issue.message}`);
    exitCode = 2;
  } else {
    const a = parsed.data;
    const created = await createUser(
      {
        fullName: a["full-name"] ?? "Administrator",
        email: a.email,
        phone: a.phone,
        username: a.username,
        password: a.password,
        role: "admin",
        phoneVerified: true,
        emailVerified: true,
      },
      { actorUserId: null, action: "user.admin_created", client: NO_CLIENT },
    );
    console.log(`admin created: id ${created.id}, user code ${created.userCode}, username ${a.username}`);
  }
} catch (error) {
  if (isAppError(error)) {
    const fields = error.details?.map((d) => d.path).join(", ");
    console.error(`${error.code}: ${error.message}${fields ? ` (${fields})` : ""}`);
  } else console.error(error);
  exitCode = 1;
} finally {
  await pool.end();
}
process.exit(exitCode);
