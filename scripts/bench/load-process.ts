/**
 * The load generator in a process of its own (forked by `startLoadProcess`): its heap holds only the
 * senders' tokens and the requests in flight, so its garbage collections stay short. In the benchmark's
 * main process (10,000 users, the setup's pools and leftovers) major collections of 10-20 ms landed
 * inside measured requests and showed up in the client's read p99 as if the API had been slow.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type BenchRequest, closedLoop, type LoadResult, openLoop } from "./load.js";

export type Sender = { token: string; userCode: string };
/** Transfers from random senders (each with a fresh Idempotency-Key), or a fixed list sent in order. */
export type LoadMake = { transfersTo: "random-sender" | string } | { cycle: BenchRequest[] };
export type LoadJob = { name: string; baseUrl: string[]; seconds: number; make: LoadMake } & (
  | { connections: number }
  | { rate: number }
);

type Message = { senders: Sender[] } | { job: LoadJob } | "cpu";

function maker(make: LoadMake, senders: Sender[]): (n: number) => BenchRequest {
  if ("cycle" in make) return (n) => make.cycle[n % make.cycle.length] as BenchRequest;
  const pick = () => senders[randomInt(senders.length)] as Sender;
  return () => {
    const from = pick();
    let recipient = make.transfersTo === "random-sender" ? pick().userCode : make.transfersTo;
    while (recipient === from.userCode) recipient = pick().userCode;
    return {
      method: "POST",
      path: "/api/wallet/transfers",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${from.token}`,
        "idempotency-key": randomUUID(),
      },
      body: JSON.stringify({ recipient, amountPaise: 1 + randomInt(200) }),
    };
  };
}

// Child side: started with the IPC channel, runs one job at a time.
if (process.send && process.argv.includes("--load-process")) {
  let senders: Sender[] = [];
  process.on("message", async (msg: Message) => {
    if (msg === "cpu") return process.send?.({ cpu: process.cpuUsage() });
    if ("senders" in msg) {
      senders = msg.senders;
      return process.send?.({ ready: true });
    }
    const { job } = msg;
    const make = maker(job.make, senders);
    const result = "rate" in job ? await openLoop({ ...job, make }) : await closedLoop({ ...job, make });
    process.send?.({ result });
  });
  process.on("disconnect", () => process.exit(0));
  process.send({ started: true });
}

export type LoadProcess = {
  run(job: LoadJob): Promise<LoadResult>;
  /** CPU ms the load generator has used so far. */
  cpuMs(): Promise<number>;
  stop(): void;
};

export async function startLoadProcess(senders: Sender[]): Promise<LoadProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--load-process"], {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  });
  const ask = <T>(msg: Message) =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      child.once("exit", exited);
      child.once("message", (m) => {
        child.off("exit", exited);
        resolve(m as T);
      });
      child.send(msg);
    });
  await new Promise((resolve) => child.once("message", resolve));
  await ask({ senders });
  return {
    run: async (job) => (await ask<{ result: LoadResult }>({ job })).result,
    cpuMs: async () => {
      const { user, system } = (await ask<{ cpu: NodeJS.CpuUsage }>("cpu")).cpu;
      return (user + system) / 1000;
    },
    stop: () => child.kill(),
  };
}
