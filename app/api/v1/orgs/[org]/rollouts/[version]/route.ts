import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { getRollout } from "@/lib/rollouts";

export const dynamic = "force-dynamic";

/** One rollout (`latest` for the newest): its gates evaluated now, ring host counts, adoption and timeline. */
export const GET = orgRoute("org:read", async (_req, ctx, p) => Response.json(await getRollout(db, ctx, p.version === "latest" ? undefined : p.version)));
