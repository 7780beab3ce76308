/**
 * A person's top-up in a real browser: headless Chromium opens the redirectUrl from initiate, clicks
 * Pay on the simulator's checkout page, follows PhonePe's redirect back through /api/payments/return to
 * the frontend result page — and the wallet balance rises exactly once, whichever of the redirect and
 * the webhook arrives first.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, launchChromium } from "../helpers/chromium.js";
import { createTestUser } from "../helpers/factories.js";
import {
  balanceOf,
  creditPostings,
  initiate,
  simConfig,
  simWebhooks,
  usePhonePeHarness,
  waitFor,
} from "../helpers/phonepe.js";

const server = usePhonePeHarness();
let browser: Browser;
let frontend: Server;
beforeAll(async () => {
  // The frontend (FRONTEND_URL=http://frontend.test) is not part of this repo: a stand-in page on a
  // loopback port, and Chromium resolves frontend.test to it (redirect targets cannot be routed).
  frontend = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<h1 id=result>Payment result</h1>");
  });
  await new Promise<void>((resolve) => frontend.listen(0, "127.0.0.1", resolve));
  const { port } = frontend.address() as AddressInfo;
  browser = await launchChromium([`--host-resolver-rules=MAP frontend.test 127.0.0.1:${port}`]);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => frontend?.close(resolve));
});

async function payInBrowser(webhookDelayMs: number, amountPaise: number, button = "#pay", expected = "success") {
  await simConfig({ webhookDelayMs });
  const user = await createTestUser();
  const started = await initiate(user, amountPaise);
  expect(started.status).toBe(201);
  const { paymentId, merchantOrderId, redirectUrl } = started.body;
  const page = await browser.context.newPage();
  try {
    await page.goto(redirectUrl);
    expect(await page.textContent("h1")).toContain("PhonePe checkout");
    await Promise.all([page.waitForURL(/frontend\.test\/payments\/result/), page.click(button)]);
    const url = new URL(page.url());
    expect(url.searchParams.get("paymentId")).toBe(String(paymentId));
    expect(url.searchParams.get("status")).toBe(expected);
    expect(await page.textContent("#result")).toBe("Payment result");
    // The customer reloads the return URL: nothing more happens.
    await page.goto(`${server.url()}/api/payments/return?merchantOrderId=${merchantOrderId}`);
    expect(page.url()).toContain(`status=${expected}`);
  } finally {
    await page.close();
  }
  if (expected !== "success") {
    expect(await creditPostings(merchantOrderId)).toBe(0);
    expect(await balanceOf(user.id)).toBe(0);
    return;
  }
  await waitFor(
    async () => (await simWebhooks()).some((w) => w.event === "checkout.order.completed" && w.status === 200),
    5000,
    "webhook delivered",
  );
  expect(await creditPostings(merchantOrderId)).toBe(1);
  expect(await balanceOf(user.id)).toBe(amountPaise);
}

describe("PhonePe checkout in Chromium", () => {
  it("webhook before the redirect: Pay → result page → balance up exactly once", async () => {
    await payInBrowser(0, 21_500);
  });

  it("redirect before the webhook: the return page confirms with PhonePe; the late webhook adds nothing", async () => {
    await payInBrowser(700, 31_500);
  });

  it("Leave pending: back to the result page as pending, nothing credited", async () => {
    await payInBrowser(0, 11_100, "#pending", "pending");
  });
});
