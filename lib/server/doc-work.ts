/**
 * The work on requirements documents that grows with their size (validating against the fleet's Codex versions,
 * summarising a change for the audit log), as plain jobs: run inline for small documents, in a worker thread for large
 * ones (off-loop.ts). Both run exactly this code, so a verdict never depends on where it was computed.
 */
import { validateForFleet, validateRequirements } from "../requirements/validate";
import { changeSummary, diffPolicies } from "../policies/common";

export type DocJob =
  | { kind: "fleet"; text: string; versions: readonly string[] }
  | { kind: "summary"; before: string; after: string }
  | { kind: "review"; before: string; after: string };

export interface DocResults {
  fleet: ReturnType<typeof validateForFleet>;
  summary: ReturnType<typeof changeSummary>;
  /** What a change request's page shows: the newest Codex version's verdict on `after` and the diff from `before`. */
  review: { validation: ReturnType<typeof validateRequirements>; diff: ReturnType<typeof diffPolicies> };
}

export function runDocJob<J extends DocJob>(job: J): DocResults[J["kind"]] {
  switch (job.kind) {
    case "fleet":
      return validateForFleet(job.text, job.versions) as DocResults[J["kind"]];
    case "summary":
      return changeSummary(job.before, job.after) as DocResults[J["kind"]];
    case "review":
      return { validation: validateRequirements(job.after), diff: diffPolicies(job.before, job.after) } as DocResults[J["kind"]];
  }
}

/** UTF-16 code units of the documents a job reads: what its cost grows with. */
export function docJobSize(job: DocJob): number {
  return job.kind === "fleet" ? job.text.length : job.before.length + job.after.length;
}
