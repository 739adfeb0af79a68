/** Policy authoring and versioning: drafts, immutable versions, diffs, change requests, compliance report. */
export { getDraft, getDraftOrEmpty, saveDraft, type DraftView, type SavedDraft } from "./draft";
export { publishDraft, listVersions, getVersion, diffVersions, currentVersion, type VersionSummary, type VersionView, type VersionDiff } from "./versions";
export { restoreVersion, type RestoreResult } from "./restore";
export { approvalsRequired } from "./common";
export {
  createChangeRequest,
  openChangeRequest,
  listChangeRequests,
  getChangeRequest,
  updateChangeRequest,
  decideChangeRequest,
  publishChangeRequest,
  withdrawChangeRequest,
  attachEvidence,
  type ChangeRequestState,
  type ChangeRequestSummary,
  type ChangeRequestView,
  type ApprovalView,
} from "./changes";
export { complianceReport, type ComplianceReport, type ReportEntry } from "./report";
export { diffPolicies, type PolicyDiff } from "./common";
export { diffText, type TextDiff, type Hunk, type DiffLine } from "./text-diff";
export * from "./schemas";
