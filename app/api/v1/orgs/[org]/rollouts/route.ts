import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { listRollouts } from "@/lib/rollouts";

export const dynamic = "force-dynamic";

/** Rollouts, newest first. A rollout starts by publishing with `rollout: {rings, gates}` (POST …/publish). */
export const GET = orgRoute("org:read", async (_req, ctx) => Response.json(await listRollouts(db, ctx)));
