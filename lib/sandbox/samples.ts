import { Prisma, type Db } from "../db";
import { AppError } from "../errors";
import { recordAudit, SYSTEM_REQUEST, type RequestInfo } from "../audit";
import { auditActor, type OrgContext } from "../auth/actor";
import { requirePermission } from "../orgs/access";
import type { GuardianAction, TranscriptEntry } from "../guardian/actions";
import { EXPORT_FORMAT, importOptionsSchema, sampleFileSchema, sampleInputSchema, type SampleData, type SampleInput } from "./schemas";
import { SEED_SAMPLES } from "./seed-samples";

export interface SampleView {
  id: string;
  name: string;
  kind: string;
  action: GuardianAction;
  transcript: TranscriptEntry[] | null;
  retryReason: string | null;
  expectedOutcome: "allow" | "deny" | null;
  tags: string[];
  notes: string;
  updatedAt: Date;
}

const select = { id: true, name: true, kind: true, action: true, transcript: true, retryReason: true, expectedOutcome: true, tags: true, notes: true, updatedAt: true } as const;

function toView(row: Prisma.SampleRequestGetPayload<{ select: typeof select }>): SampleView {
  return {
    ...row,
    action: row.action as unknown as GuardianAction,
    transcript: (row.transcript as unknown as TranscriptEntry[] | null) ?? null,
    expectedOutcome: row.expectedOutcome === "allow" || row.expectedOutcome === "deny" ? row.expectedOutcome : null,
  };
}

function rowData(s: SampleData) {
  return {
    name: s.name,
    kind: s.action.tool,
    action: s.action as unknown as Prisma.InputJsonValue,
    transcript: s.transcript && s.transcript.length ? (s.transcript as unknown as Prisma.InputJsonValue) : Prisma.DbNull,
    retryReason: s.retryReason?.trim() || null,
    expectedOutcome: s.expectedOutcome ?? null,
    tags: [...new Set(s.tags)].sort(),
    notes: s.notes,
  };
}

/** The org's settings row, created race-free (concurrent first visits both get past this). */
export async function ensureSettingsRow(tx: Prisma.TransactionClient, orgId: string): Promise<void> {
  await tx.$executeRaw`INSERT INTO "ProviderSetting" (id, "orgId", "updatedAt") VALUES (${`ps_${orgId}`}, ${orgId}, now()) ON CONFLICT ("orgId") DO NOTHING`;
}

/**
 * Puts the starter library into an org the first time its sandbox is used (marked in ProviderSetting.samplesSeededAt,
 * so samples an admin deleted do not come back). Safe to call on every visit and from concurrent requests.
 */
export async function ensureSeedSamples(db: Db, ctx: OrgContext): Promise<boolean> {
  const setting = await db.providerSetting.findUnique({ where: { orgId: ctx.org.id }, select: { samplesSeededAt: true } });
  if (setting?.samplesSeededAt) return false;
  return db.$transaction(async (tx) => {
    await ensureSettingsRow(tx, ctx.org.id);
    const [row] = await tx.$queryRaw<{ samplesSeededAt: Date | null }[]>`
      SELECT "samplesSeededAt" FROM "ProviderSetting" WHERE "orgId" = ${ctx.org.id} FOR UPDATE`;
    if (row?.samplesSeededAt) return false;
    const data = SEED_SAMPLES.map((s) => ({ orgId: ctx.org.id, ...rowData(sampleInputSchema.parse(s)) }));
    const created = await tx.sampleRequest.createMany({ data: data, skipDuplicates: true });
    await tx.providerSetting.update({ where: { orgId: ctx.org.id }, data: { samplesSeededAt: new Date() } });
    await recordAudit(tx, {
      orgId: ctx.org.id,
      actor: { type: "system", label: "system" },
      action: "sandbox.samples_seeded",
      target: { type: "sandbox_samples" },
      meta: { count: created.count },
      request: SYSTEM_REQUEST,
    });
    return true;
  });
}

export async function listSamples(db: Db, ctx: OrgContext, filter: { tag?: string; kind?: string; q?: string } = {}): Promise<SampleView[]> {
  requirePermission(ctx, "org:read");
  const rows = await db.sampleRequest.findMany({
    where: {
      orgId: ctx.org.id,
      ...(filter.tag ? { tags: { has: filter.tag } } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.q ? { name: { contains: filter.q.toLowerCase() } } : {}),
    },
    orderBy: { name: "asc" },
    select,
  });
  return rows.map(toView);
}

export async function getSample(db: Db, ctx: OrgContext, id: string): Promise<SampleView> {
  requirePermission(ctx, "org:read");
  const row = await db.sampleRequest.findFirst({ where: { id, orgId: ctx.org.id }, select });
  if (!row) throw new AppError("not_found", "There is no such sample in this organisation.");
  return toView(row);
}

const nameTaken = (name: string) => new AppError("conflict", `A sample named "${name}" exists already. Choose another name.`);

export async function createSample(db: Db, ctx: OrgContext, input: SampleInput, request: RequestInfo): Promise<SampleView> {
  requirePermission(ctx, "policy:edit");
  const s = sampleInputSchema.parse(input);
  return db
    .$transaction(async (tx) => {
      const d = rowData(s);
      const row = await tx.sampleRequest.create({ data: { orgId: ctx.org.id, ...d }, select });
      await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "sandbox.sample_created", target: { type: "sandbox_sample", id: row.id }, diff: { name: { after: s.name }, kind: { after: d.kind }, expectedOutcome: { after: d.expectedOutcome } }, request });
      return toView(row);
    })
    .catch((err: unknown) => {
      if ((err as { code?: string })?.code === "P2002") throw nameTaken(s.name);
      throw err;
    });
}

export async function updateSample(db: Db, ctx: OrgContext, id: string, input: SampleInput, request: RequestInfo): Promise<SampleView> {
  requirePermission(ctx, "policy:edit");
  const s = sampleInputSchema.parse(input);
  return db
    .$transaction(async (tx) => {
      const before = await tx.sampleRequest.findFirst({ where: { id, orgId: ctx.org.id }, select });
      if (!before) throw new AppError("not_found", "There is no such sample in this organisation.");
      const d = rowData(s);
      const row = await tx.sampleRequest.update({ where: { id }, data: d, select });
      const diff: Record<string, { before?: unknown; after?: unknown }> = {};
      for (const key of ["name", "kind", "expectedOutcome", "retryReason", "notes"] as const) if (before[key] !== d[key]) diff[key] = { before: before[key], after: d[key] };
      if (before.tags.join(",") !== d.tags.join(",")) diff.tags = { before: before.tags, after: d.tags };
      if (JSON.stringify(before.action) !== JSON.stringify(d.action)) diff.action = { before: "(changed)", after: "(changed)" };
      if (JSON.stringify(before.transcript) !== JSON.stringify(row.transcript)) diff.transcript = { before: "(changed)", after: "(changed)" };
      await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "sandbox.sample_updated", target: { type: "sandbox_sample", id }, diff, request });
      return toView(row);
    })
    .catch((err: unknown) => {
      if ((err as { code?: string })?.code === "P2002") throw nameTaken(s.name);
      throw err;
    });
}

export async function deleteSample(db: Db, ctx: OrgContext, id: string, request: RequestInfo): Promise<void> {
  requirePermission(ctx, "policy:edit");
  await db.$transaction(async (tx) => {
    const row = await tx.sampleRequest.findFirst({ where: { id, orgId: ctx.org.id }, select: { id: true, name: true, kind: true } });
    if (!row) throw new AppError("not_found", "There is no such sample in this organisation.");
    await tx.sampleRequest.delete({ where: { id } });
    await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "sandbox.sample_deleted", target: { type: "sandbox_sample", id }, diff: { name: { before: row.name }, kind: { before: row.kind } }, request });
  });
}

export interface ImportResult {
  created: number;
  replaced: number;
  skipped: number;
}

/**
 * Imports a JSON export (or a bare array). All or nothing: one invalid sample refuses the whole file with the path of
 * the problem (e.g. `samples.3.action.port`). Existing names are skipped, or replaced with mode "replace".
 */
export async function importSamples(db: Db, ctx: OrgContext, json: string, options: { mode?: "skip" | "replace" } = {}, request: RequestInfo): Promise<ImportResult> {
  requirePermission(ctx, "policy:edit");
  const { mode } = importOptionsSchema.parse(options);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new AppError("validation_failed", `The file is not JSON: ${(err as Error).message}`);
  }
  const parsed = sampleFileSchema.parse(value);
  const samples = Array.isArray(parsed) ? parsed : parsed.samples;
  const names = samples.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new AppError("validation_failed", `The file names the sample "${dup}" twice.`);
  return db.$transaction(async (tx) => {
    const existing = new Set((await tx.sampleRequest.findMany({ where: { orgId: ctx.org.id, name: { in: names } }, select: { name: true } })).map((r) => r.name));
    const result: ImportResult = { created: 0, replaced: 0, skipped: 0 };
    for (const s of samples) {
      const d = rowData(s);
      if (existing.has(s.name)) {
        if (mode === "skip") {
          result.skipped++;
          continue;
        }
        await tx.sampleRequest.delete({ where: { orgId_name: { orgId: ctx.org.id, name: s.name } } });
        result.replaced++;
      } else {
        result.created++;
      }
      await tx.sampleRequest.create({ data: { orgId: ctx.org.id, ...d } });
    }
    await recordAudit(tx, { orgId: ctx.org.id, actor: auditActor(ctx.actor), action: "sandbox.samples_imported", target: { type: "sandbox_samples" }, meta: { ...result, mode, names: names.slice(0, 50) }, request });
    return result;
  }, { timeout: 30_000 });
}

/** The library as an import-ready file. */
export async function exportSamples(db: Db, ctx: OrgContext): Promise<{ format: string; exportedAt: string; org: string; samples: SampleInput[] }> {
  const samples = await listSamples(db, ctx);
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    org: ctx.org.slug,
    samples: samples.map((s) => ({
      name: s.name,
      action: s.action,
      ...(s.transcript ? { transcript: s.transcript } : {}),
      ...(s.retryReason ? { retryReason: s.retryReason } : {}),
      expectedOutcome: s.expectedOutcome,
      tags: s.tags,
      ...(s.notes ? { notes: s.notes } : {}),
    })) as SampleInput[],
  };
}
