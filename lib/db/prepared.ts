/**
 * A query prepared once per database handle and reused: on the hot reads (balance, the first history
 * page, a posting's line) building the drizzle query cost more CPU than running it. Keyed by handle,
 * so a query never leaks from the pool onto a transaction's connection or back.
 */
import type { Database } from "./client.js";

export function preparedPerHandle<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const cache = new WeakMap<Database, Q>();
  return (db) => {
    let query = cache.get(db);
    if (!query) {
      query = build(db);
      cache.set(db, query);
    }
    return query;
  };
}
