import { parseArgs } from "node:util";
import { createDb } from "../lib/db";
import { listChains, verifyChain, type ChainRef, type ChainVerification } from "../lib/audit";
import type { Command } from "./main";

const USAGE = "usage: charter audit verify [--org SLUG] [--json]   (reads DATABASE_URL)";

/**
 * `charter audit verify`: recomputes the hash chain of every org (or one) and of the global chain straight from the
 * database, without the web app. Exit 0 when every chain is intact, 1 when any is broken, 2 on usage errors or when
 * the database cannot be read.
 */
export const auditCommand: Command = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { org: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    io.err(`charter audit: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== "verify") {
    io.err(`charter audit: ${positionals.length ? `unknown subcommand "${positionals.join(" ")}"` : "missing subcommand"}\n${USAGE}`);
    return 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    io.err(`charter audit: DATABASE_URL is not set; point it at Charter's PostgreSQL database.\n${USAGE}`);
    return 2;
  }

  const db = createDb(url);
  try {
    const results: { ref: ChainRef; result: ChainVerification }[] = [];
    try {
      let chains = await listChains(db);
      if (values.org !== undefined) {
        chains = chains.filter((c) => c.org?.slug === values.org);
        if (!chains.length) {
          io.err(`charter audit: no organisation "${values.org}" in this database`);
          return 2;
        }
      }
      for (const ref of chains) results.push({ ref, result: await verifyChain(db, ref.chain) });
    } catch (err) {
      io.err(`charter audit: cannot read the audit log: ${(err as Error).message}`);
      return 2;
    }
    const ok = results.every((r) => r.result.ok);

    if (values.json) {
      io.out(JSON.stringify({ ok, chains: results.map(({ ref, result }) => ({ ...result, org: ref.org?.slug ?? null })) }, null, 2));
    } else {
      for (const { ref, result } of results) io.out(describe(ref, result));
    }
    return ok ? 0 : 1;
  } finally {
    await db.$disconnect();
  }
};

function label(ref: ChainRef): string {
  if (ref.org) return ref.org.slug;
  return ref.chain === "global" ? "global" : `deleted org ${ref.chain}`;
}

function describe(ref: ChainRef, r: ChainVerification): string {
  if (r.ok) return `${label(ref)}: ${r.count} ${r.count === 1 ? "event" : "events"}, chain intact`;
  return `${label(ref)}: BROKEN at event #${r.firstBroken.seq} (id ${r.firstBroken.id}): ${r.firstBroken.message}`;
}
