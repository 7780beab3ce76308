// drizzle-kit configuration. `generate` needs no database; `migrate` (RDS) reads DATABASE_URL.
// Never run `push`/`pull` against MariaDB: drizzle-orm #5550 breaks them (docs/ARCHITECTURE.md).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "mysql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  dbCredentials: { url: process.env.DATABASE_URL ?? "mysql://root@127.0.0.1:3306/nexaspay" },
  strict: true,
  verbose: true,
});
