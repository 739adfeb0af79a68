import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { rolloutSettingsSchema, updateRolloutSettings } from "@/lib/rollouts";
import { readJson } from "@/lib/policies/http";

export const dynamic = "force-dynamic";

/** `{autoPromote}`: promote a ring as soon as it passes its gates, or wait for an admin's click. */
export const PUT = orgRoute("org:manage", async (req, ctx) => Response.json(await updateRolloutSettings(db, ctx, await readJson(req, rolloutSettingsSchema), ctx.request)));
