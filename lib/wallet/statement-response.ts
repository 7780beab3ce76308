/**
 * GET /api/wallet/statement's answer, streamed: the head (range and balances) first, then the lines a
 * page at a time, as JSON `{from, to, openingBalancePaise, closingBalancePaise, data}` or as CSV.
 * `X-Statement-Lines` announces the line count, so a client can tell a complete download from one a
 * broken connection cut short (a CSV has no closing bracket to miss).
 */
import type { Database } from "../db/index.js";
import { textStream } from "../http/index.js";
import type { Logger } from "../log.js";
import { type StatementPlan, statementPages } from "./get-statement.js";
import { CSV_HEADER_LINE, csvLine, statementFilename } from "./statement-csv.js";

async function* jsonChunks(db: Database, plan: StatementPlan): AsyncGenerator<string> {
  const { lineCount: _, ...head } = plan.head;
  // The head object's JSON without its closing brace, then the lines as the `data` array.
  yield `${JSON.stringify(head).slice(0, -1)},"data":[`;
  let first = true;
  for await (const page of statementPages(db, plan)) {
    const text = page.map((t) => JSON.stringify(t)).join(",");
    yield first ? text : `,${text}`;
    first = false;
  }
  yield "]}";
}

async function* csvChunks(db: Database, plan: StatementPlan): AsyncGenerator<string> {
  yield CSV_HEADER_LINE;
  for await (const page of statementPages(db, plan)) yield page.map(csvLine).join("");
}

export function statementResponse(db: Database, plan: StatementPlan, format: "json" | "csv", log: Logger): Response {
  const common = { "cache-control": "no-store", "x-statement-lines": String(plan.head.lineCount) };
  if (format === "json") {
    return new Response(textStream(jsonChunks(db, plan), log), {
      headers: { "content-type": "application/json; charset=utf-8", ...common },
    });
  }
  return new Response(textStream(csvChunks(db, plan), log), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${statementFilename(plan.head)}"`,
      ...common,
    },
  });
}
