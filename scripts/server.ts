/**
 * Charter's HTTP server: Next.js for the console and API, plus one fast path. Agent hosts fetch
 * GET /api/v1/agent/bundle at every start, tens of thousands of them; that request is answered from memory straight on
 * node:http (lib/bundles/serve.ts), without Next.js's request pipeline. Everything else goes to Next.js unchanged.
 * Started by scripts/start.ts (`npm start`), which provides DATABASE_URL, AUTH_SECRET and CHARTER_MASTER_KEY.
 */
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import next from "next";
import { createDb } from "../lib/db";
import { createBundleServer } from "../lib/bundles/serve";
import { createCheckInIngest } from "../lib/fleet/ingest";
import { startRolloutTicker } from "../lib/rollouts";
import { anchorPath, auditKey, startAnchorKeeper } from "../lib/audit/anchor";
import { answerClientError, checkActionArguments, isTextActionPost, jsonRefusals, loadActionIds, refuseEarly } from "../lib/server/hygiene";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || undefined;
const BUNDLE_PATH = "/api/v1/agent/bundle";
const CHECKIN_PATH = "/api/v1/agent/checkin";

const app = next({ dev, dir: root, port, hostname: host ?? "localhost" });
await app.prepare();
const nextHandler = app.getRequestHandler();
const bundles = createBundleServer(createDb(process.env.DATABASE_URL!));
// Check-ins arrive every few minutes from every host: batched on the same fast path (lib/fleet/ingest.ts).
const checkins = createCheckInIngest(createDb(process.env.DATABASE_URL!));
// Staged rollouts promote or roll back by their gates without anyone watching (lib/rollouts).
const rollouts = startRolloutTicker(createDb(process.env.DATABASE_URL!));
// Each chain's newest event, kept outside the database so cut or wiped audit history shows (lib/audit/anchor.ts).
const anchorFile = anchorPath();
const anchorKey = auditKey();
const anchorKeeper = anchorFile && anchorKey ? startAnchorKeeper(createDb(process.env.DATABASE_URL!), process.env.DATABASE_URL!, anchorFile, anchorKey, (l) => process.stdout.write(`[charter] ${l}\n`)) : null;
// /api/health (in Next.js, same process) reads the fast path's outage state from here.
(globalThis as { charterBundleServer?: typeof bundles }).charterBundleServer = bundles;
const actionIds = loadActionIds(root, dev);

const server = http.createServer((req, res) => {
  const url = req.url ?? "/";
  if (req.method === "GET" && (url === BUNDLE_PATH || url.startsWith(`${BUNDLE_PATH}?`))) return bundles.handleNode(req, res);
  if (req.method === "POST" && url === CHECKIN_PATH) return checkins.handleNode(req, res);
  if (refuseEarly(req, res, actionIds)) return;
  jsonRefusals(req, res);
  // As `next start` does: the connecting peer is the last X-Forwarded-For hop (lib/request.ts relies on it).
  const peer = req.socket.remoteAddress;
  if (peer) {
    const prior = req.headers["x-forwarded-for"];
    req.headers["x-forwarded-for"] = prior ? `${Array.isArray(prior) ? prior.join(", ") : prior}, ${peer}` : peer;
  }
  if (isTextActionPost(req)) {
    void checkActionArguments(req, res).then((checked) => checked && nextHandler(checked, res));
    return;
  }
  void nextHandler(req, res);
});

server.on("clientError", answerClientError);

server.listen(port, host, () => process.stdout.write(`[charter] listening on ${host ?? "all interfaces"}:${port}${dev ? " (development)" : ""}\n`));

const stop = () => {
  server.close();
  rollouts.stop();
  void Promise.all([bundles.close(), checkins.close(), anchorKeeper?.stop()]).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3_000).unref();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
