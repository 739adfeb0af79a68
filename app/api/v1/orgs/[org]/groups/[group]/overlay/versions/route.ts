import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { listOverlayVersions } from "@/lib/groups";

export const dynamic = "force-dynamic";

export const GET = orgRoute("org:read", async (_req, ctx, p) => Response.json(await listOverlayVersions(db, ctx, decodeURIComponent(p.group))));
