/** The dev server in-process on this test file's port (TEST_HTTP_PORT), for tests that need real HTTP. */
import { devMounts } from "../../scripts/dev-mounts.js";
import { type DevServer, listenDevServer } from "../../scripts/dev-server.js";

export async function startTestServer(): Promise<DevServer> {
  return listenDevServer(Number(process.env.TEST_HTTP_PORT), await devMounts());
}
