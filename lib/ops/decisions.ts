import { z } from "zod";
import { db } from "../db";
import { exportDecisions } from "../decisions/export";
import { strictInput } from "./chain";
import { defineOperation } from "./define";

// Operations of Decisions (lib/decisions) on the admin API.

const isoDate = z.coerce.date({ message: "an ISO-8601 date or date-time" });

export const exportDecisionsOp = defineOperation({
  name: "decisions.export",
  summary: "Export decisions as NDJSON",
  description: "The org's decisions with occurredAt in [from, to), oldest first, one JSON object per line (at most 100,000; narrow the range for more).",
  permission: "audit:export",
  audit: null,
  input: strictInput(z.object({ from: isoDate.describe("Start (inclusive)."), to: isoDate.describe("End (exclusive).") })),
  output: z.object({ lines: z.array(z.string()) }),
  http: {
    method: "GET",
    path: "/api/v1/orgs/{org}/decisions/export",
    alsoProduces: ["application/x-ndjson"],
    respond: (output, input, ctx) =>
      new Response((output as { lines: string[] }).lines.join(""), {
        headers: {
          "Content-Type": "application/x-ndjson",
          "Content-Disposition": `attachment; filename="charter-decisions-${ctx.org?.slug}-${input.from.toISOString().slice(0, 10)}-${input.to.toISOString().slice(0, 10)}.ndjson"`,
          "Cache-Control": "no-store",
        },
      }),
  },
  run: async ({ from, to }, ctx) => {
    const lines: string[] = [];
    for await (const chunk of exportDecisions(db, ctx, { from, to })) lines.push(chunk);
    return { lines };
  },
});
