import { db } from "@/lib/db";
import { orgRoute } from "@/lib/auth/api";
import { exportSamples } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

/** The sample library as an import-ready JSON file. */
export const GET = orgRoute("org:read", async (_req, ctx) => {
  const file = await exportSamples(db, ctx);
  return new Response(`${JSON.stringify(file, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${ctx.org.slug}-sandbox-samples.json"`,
      "Cache-Control": "no-store",
    },
  });
});
