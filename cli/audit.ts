import { existsSync } from "node:fs";
import path from "node:path";
import { parseCommand } from "./args";
import { anchorPath, auditKey, listChains, readAnchor, verifyChain, type ChainRef, type ChainVerification } from "../lib/audit";
import { cliDataDir, connectCharterDatabase, loadMasterKey } from "./database";
import type { Command } from "./main";

const USAGE =
  "usage: charter audit verify [--org SLUG] [--anchor FILE] [--json]\n" +
  "  (database: DATABASE_URL, else the embedded cluster under CHARTER_DATA_DIR or .charter; anchor: FILE, else audit-anchor.json there)";

/**
 * `charter audit verify`: recomputes the hash chain of every org (or one) and of the global chain straight from the
 * database, without the web app, and checks each row's MAC and each chain against the anchor file (lib/audit/anchor.ts). Exit 0 when every chain is intact, 1 when any is broken, 2 on usage errors or when
 * the database cannot be read.
 */
export const auditCommand: Command = async (args, io) => {
  const parsed = parseCommand(args, io, "charter audit", USAGE, { org: { type: "string" }, anchor: { type: "string" }, json: { type: "boolean" } });
  if (typeof parsed === "number") return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || positionals[0] !== "verify") {
    io.err(`charter audit: ${positionals.length ? `unknown subcommand "${positionals.join(" ")}"` : "missing subcommand"}\n${USAGE}`);
    return 2;
  }
  const hasKey = loadMasterKey();
  let connection: Awaited<ReturnType<typeof connectCharterDatabase>>;
  try {
    connection = await connectCharterDatabase();
  } catch (err) {
    io.err(`charter audit: ${(err as Error).message}`);
    return 2;
  }
  const { db } = connection;
  try {
    const key = hasKey ? auditKey() : null;
    // With the embedded cluster the anchor sits beside it; with DATABASE_URL, only where CHARTER_DATA_DIR or --anchor say.
    const anchorFile = values.anchor ? path.resolve(values.anchor) : (anchorPath() ?? (process.env.DATABASE_URL ? null : path.join(cliDataDir(), "audit-anchor.json")));
    const anchor = key && anchorFile ? readAnchor(anchorFile, key) : null;
    if (!values.json) {
      if (!key) io.err("charter audit: note: CHARTER_MASTER_KEY is not set (nor a master-key file in the data directory): MACs are not checked, so re-hashed rows pass.");
      if (!anchor || !existsSync(anchorFile!)) io.err(`charter audit: note: no anchor file${anchorFile ? ` at ${anchorFile}` : " (set CHARTER_DATA_DIR or --anchor)"}: cut or wiped chains cannot be detected.`);
    }
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
      for (const ref of chains) results.push({ ref, result: await verifyChain(db, ref.chain, { key, anchor: anchor?.chains[ref.chain] ?? null }) });
      // An anchored chain with no events and no org left (wiped together with its org) is still reported.
      for (const chain of Object.keys(anchor?.chains ?? {})) {
        if (values.org === undefined && !chains.some((c) => c.chain === chain)) {
          results.push({ ref: { chain, org: null }, result: await verifyChain(db, chain, { key, anchor: anchor!.chains[chain] }) });
        }
      }
    } catch (err) {
      io.err(`charter audit: cannot read the audit log: ${(err as Error).message.split("\n")[0]}`);
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
    await connection.embedded?.stop();
  }
};

function label(ref: ChainRef): string {
  if (ref.org) return ref.org.slug;
  return ref.chain === "global" ? "global" : `deleted org ${ref.chain}`;
}

function describe(ref: ChainRef, r: ChainVerification): string {
  if (r.ok) {
    const checked = [r.checks.macs && "MACs valid", r.checks.anchoredSeq !== null && `matches its anchor at #${r.checks.anchoredSeq}`].filter(Boolean);
    return `${label(ref)}: ${r.count} ${r.count === 1 ? "event" : "events"}, chain intact${checked.length ? ` (${checked.join(", ")})` : ""}`;
  }
  const id = r.firstBroken.id ? ` (id ${r.firstBroken.id})` : "";
  return `${label(ref)}: BROKEN at event #${r.firstBroken.seq}${id}: ${r.firstBroken.message}`;
}
