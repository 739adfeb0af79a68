import { orgRoute } from "@/lib/auth/api";
import { CODEX_VERSION, validateRequirements } from "@/lib/requirements";
import { readToml } from "@/lib/policies/http";
import { assertPolicySize } from "@/lib/policies/common";

export const dynamic = "force-dynamic";

/** Validates a requirements.toml (raw body or {toml}) as Codex would load it; stores nothing. */
export const POST = orgRoute("org:read", async (req) => {
  const toml = await readToml(req);
  assertPolicySize(toml);
  const { valid, diagnostics } = validateRequirements(toml);
  return Response.json({ valid, diagnostics, codexVersion: CODEX_VERSION });
});
