/**
 * The Redis side of a key: one script call either returns the cached final answer or takes the
 * in-flight lock (SET NX PX), so a concurrent duplicate gets 409 without touching MySQL; another puts
 * the answer in the replay cache and drops the lock, only if it is still ours.
 */
import { redis } from "../redis.js";
import { evalCoalesced } from "./coalesce.js";
import type { Cached } from "./final-answer.js";

/** How long an in-flight lock lives if its holder dies without releasing it. */
const LOCK_TTL_MS = 30_000;
/**
 * Redis keeps the replay copy for an hour — retries come within seconds or minutes — so its memory
 * stays bounded at any volume; MySQL keeps the durable record for the full retention (≥ 24 h).
 */
const REPLAY_CACHE_TTL_MS = 60 * 60 * 1000;

// One round trip: a cached final answer, else take the in-flight lock, else someone holds it. A lock
// already under our token is ours: the transport re-sends a command whose connection dropped after it
// ran, and that retry must not find its own lock busy (409 for the lock's 30 s).
const BEGIN = `local c = redis.call('GET', KEYS[1])
if c then return {'hit', c} end
if redis.call('GET', KEYS[2]) == ARGV[1] then return {'locked'} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'locked'} end
return {'busy'}`;
// Cache the answer and drop our lock (only ours: it may have expired and been re-taken).
const FINISH = `if ARGV[1] ~= '' then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
return 1`;

export type GateKeys = [replay: string, lock: string];
export type GateState = ["hit", unknown] | ["locked"] | ["busy"];

/** `hit` with the cached answer, `locked` (ours now, under `token`), or `busy` (someone else's). */
export async function beginGate(keys: GateKeys, token: string): Promise<GateState> {
  return (await redis.eval(BEGIN, keys, [token, String(LOCK_TTL_MS)])) as GateState;
}

/**
 * Caches `cached` (if any) and releases our lock. `later`: off the response path, so it joins the next
 * coalesced pipeline (one Upstash call for many).
 */
export async function finishGate(keys: GateKeys, token: string, cached: Cached | null, later = false): Promise<void> {
  const args = [cached ? JSON.stringify(cached) : "", String(REPLAY_CACHE_TTL_MS), token];
  await (later ? evalCoalesced(FINISH, keys, args) : redis.eval(FINISH, keys, args));
}
