import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** What real Codex 0.169.0 / 0.171.0 posted to /v1/logs (tests/fixtures/codex-telemetry, see its README). */
export const TELEMETRY_DIR = join(import.meta.dirname, "..", "fixtures", "codex-telemetry");
export const RUNS = ["0.169.0-deny1", "0.171.0-allow1", "0.171.0-deny1", "0.171.0-min"] as const;
export type Run = (typeof RUNS)[number];

/** The OTLP/HTTP JSON log bodies of one run, in the order Codex sent them, as the exact bytes. */
export function logBodies(run: Run): { name: string; bytes: Buffer }[] {
  const dir = join(TELEMETRY_DIR, run, "otlp");
  return readdirSync(dir)
    .filter((f) => f.endsWith("_v1_logs.json"))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

/** The same request as protobuf, encoded from the standard OpenTelemetry definitions (see otlp-proto.ts). */
export { otlpLogsToProtobuf as toProtobuf } from "./otlp-proto";
