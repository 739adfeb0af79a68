import type { Db } from "../db";
import type { OrgContext } from "../auth/actor";
import { diffPolicies, type PolicyDiff } from "./common";
import { reportQuerySchema } from "./schemas";
import type { VersionHeader } from "./versions";

export interface ReportEntry extends VersionHeader {
  changeRequest: { number: number; title: string; author: string; openedAt: Date } | null;
  /** Decisions in force when the version shipped (withdrawn ones are left out). */
  approvals: { approver: string; decision: "approve" | "reject"; comment: string; at: Date }[];
  diff: PolicyDiff;
}

export interface ComplianceReport {
  org: { slug: string; name: string };
  from: Date;
  to: Date;
  generatedAt: Date;
  entries: ReportEntry[];
  widening: number;
  /** Versions whose Auto-review policy text changed in meaning without a structured widening: a person judged them. */
  review: number;
}

/** Versions published in [from, to], oldest first, with who wrote and approved each and the diff against its parent. */
export async function complianceReport(db: Db, ctx: OrgContext, input: { from: Date | string; to: Date | string }): Promise<ComplianceReport> {
  const { from, to } = reportQuerySchema.parse(input);
  const rows = await db.policyVersion.findMany({
    where: { orgId: ctx.org.id, publishedAt: { gte: from, lte: to } },
    orderBy: { number: "asc" },
    take: 1000,
    select: {
      number: true,
      sha256: true,
      note: true,
      toml: true,
      authorLabel: true,
      publishedAt: true,
      parentNumber: true,
      restoredFromNumber: true,
      changeRequest: {
        select: {
          number: true,
          title: true,
          authorLabel: true,
          createdAt: true,
          revision: true,
          approvals: { where: { withdrawnAt: null }, orderBy: { createdAt: "asc" }, select: { approverLabel: true, decision: true, comment: true, createdAt: true, revision: true } },
        },
      },
    },
  });
  const parentNumbers = rows.map((r) => r.parentNumber).filter((n): n is number => n !== null && !rows.some((r) => r.number === n));
  const parents = parentNumbers.length
    ? await db.policyVersion.findMany({ where: { orgId: ctx.org.id, number: { in: parentNumbers } }, select: { number: true, toml: true } })
    : [];
  const text = new Map([...parents, ...rows].map((r) => [r.number, r.toml]));
  const entries = rows.map((r): ReportEntry => {
    const cr = r.changeRequest;
    return {
      number: r.number,
      sha256: r.sha256,
      note: r.note,
      author: r.authorLabel,
      publishedAt: r.publishedAt,
      parentNumber: r.parentNumber,
      restoredFromNumber: r.restoredFromNumber,
      changeRequest: cr && { number: cr.number, title: cr.title, author: cr.authorLabel, openedAt: cr.createdAt },
      approvals: (cr?.approvals ?? []).filter((a) => a.revision === cr?.revision).map((a) => ({ approver: a.approverLabel, decision: a.decision, comment: a.comment, at: a.createdAt })),
      diff: diffPolicies(r.parentNumber === null ? "" : (text.get(r.parentNumber) ?? ""), r.toml),
    };
  });
  return { org: { slug: ctx.org.slug, name: ctx.org.name }, from, to, generatedAt: new Date(), entries, widening: entries.filter((e) => e.diff.wider.verdict === "WIDENS").length, review: entries.filter((e) => e.diff.wider.verdict === "REVIEW").length };
}
