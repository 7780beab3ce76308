/** Random identifiers with a readable prefix (`req_…`), from the OS CSPRNG. */
import { randomBytes } from "node:crypto";

export function newId(prefix: string, bytes = 12): string {
  return `${prefix}_${randomBytes(bytes).toString("base64url")}`;
}

export const newRequestId = () => newId("req");
